-- surv.fit: parametric survival regression, a part of surv (required by
-- stdlib/surv.lua). The C half (modules/surv/parametric.c, families.c) holds the families and the Newton fit; this
-- file reads the arguments, drops missing rows, chooses starting values
-- (several, and a profile over kappa for APGW, because its likelihood has
-- ridges), names the coefficients and prints the result.
--
-- Parameters are carried on four "slots" (modules/surv/families.h):
--   log lambda = X_ph b_ph   log phi = -X_aft b_aft   log gamma = X_sh b_sh
--   theta = log(kappa + 1)
-- so AFT coefficients are on the log-time scale as survreg's and PH
-- coefficients are log hazard ratios (docs/methods/surv.md).
local M, C = ...
local help = require "orrery.help"
local mat = require "orrery.mat"
local stats = require "orrery.stats"
local args = require "orrery.args"
local P = require "orrery.printing"

local FN = "surv.fit"

-- What each family has: which scale slots, whether a shape block, kappa.
--   scales: "one" (ph or aft by model), "aft" (AFT only), "ph" (PH only),
--   "both" (lambda and phi both free)
local FAMILY = {
  exponential = { scales = "one", shape = false, label = "Exponential" },
  weibull     = { scales = "one", shape = "log(gamma)", label = "Weibull" },
  gompertz    = { scales = "ph", shape = "gamma", label = "Gompertz" },
  loglogistic = { scales = "aft", shape = "log(gamma)", label = "Log-logistic" },
  lognormal   = { scales = "aft", shape = "log(gamma)", label = "Log-normal" },
  burr        = { scales = "both", shape = "log(gamma)", label = "Burr XII" },
  apgw        = { scales = "both", shape = "log(gamma)", kappa = true,
                  label = "Adapted power generalised Weibull" },
}
local DISTS = "exponential, weibull, gompertz, loglogistic, lognormal, burr, apgw"

local ALLOWED = args.set{ "time", "status", "dist", "x", "model", "ph_x", "aft_x", "shape_x", "fixed", "na",
  "formula", "data", "ph", "aft", "shape", "maxit", "names", "weights", "strata" }

local function err(fmt, ...) args.fail(FN, fmt, ...) end
-- errors of the fit's methods name the method ("surv.fit:survival: ...")
local merr = args.fail

local ismat = args.is_mat

-- a matrix from a mat, an array of numbers (one column) or an array of rows
local function tomat(v, what, fn) return args.mat(fn or FN, v, what) end
local function tovec(v, what, fn) return args.vec(fn or FN, v, what) end

-- status coding: R's Surv() rules, shared with km, logrank and cox
local function status_vec(status, n)
  local d = args.status(status, FN)
  if #d ~= n then err("'status' has %d elements but 'time' has %d", #d, n) end
  return d
end

-- ---------------------------------------------------------------------------
-- the formula path: formula = "Surv(time, status) ~ ...", ph = "~ ...", ...
-- ---------------------------------------------------------------------------

-- Evaluates formula f on the frame; returns the design without its
-- intercept column as a full-length matrix (NaN in the rows the frame
-- dropped, so that all blocks drop rows jointly later), its column names and
-- the model frame.
local function frame_block(formula, f, df, what)
  local ok, mf = pcall(formula.model_frame, f, df, { na = "omit" })
  if not ok then err("%s: %s", what, tostring(mf):gsub("^formula%.model_frame: ", "")) end
  local keep, N = mf.keep, #mf.keep
  local x, names = mf.x, mf.names or {}
  local first = mf.intercept and 2 or 1
  local p = (x and x:cols() or 0) - first + 1
  local full, bnames = nil, {}
  if p > 0 then
    full = mat.new(N, p, 0 / 0)
    local r = 0
    for i = 1, N do
      if keep[i] then
        r = r + 1
        for j = 1, p do full:set(i, j, x:get(r, first + j - 1)) end
      end
    end
    for j = 1, p do bnames[j] = names[first + j - 1] end
  end
  return full, bnames, mf
end

-- the frame path: formula = "Surv(time, status) ~ ...", ph/aft/shape = "~ ..."
local function from_formula(opts)
  local formula = require "orrery.formula"
  if opts.data == nil then err("'formula' needs 'data' (a frame)") end
  if type(opts.formula) ~= "string" then err("'formula' must be a string") end
  local x, names, mf = frame_block(formula, opts.formula, opts.data, "formula")
  if not mf.surv or not mf.surv.time then
    err("the formula needs Surv(time, status) on its left-hand side")
  end
  if mf.surv.start then err("counting-process data Surv(start, stop, status) is not supported") end
  local N = #mf.keep
  local function full(v)  -- back to all N rows, NaN where the frame dropped
    local out, r = mat.new(N, 1, 0 / 0), 0
    for i = 1, N do if mf.keep[i] then r = r + 1; out:set(i, 1, v[r]) end end
    return out
  end
  local fr = { time = full(mf.surv.time), status = full(mf.surv.status), blocks = {}, names = {} }
  if mf.strata then
    fr.strata, fr.strata_levels = full(mf.strata), mf.strata_levels
  end
  fr.x, fr.x_names = x, names
  for _, b in ipairs { "ph", "aft", "shape" } do
    if opts[b] ~= nil then
      if type(opts[b]) ~= "string" then err("'%s' must be a formula string such as \"~ age\"", b) end
      local bx, bn = frame_block(formula, opts[b], opts.data, b)
      fr.blocks[b], fr.names[b] = bx, bn
    end
  end
  return fr
end

-- ---------------------------------------------------------------------------
-- argument reading
-- ---------------------------------------------------------------------------

local function read_args(opts)
  if type(opts) ~= "table" then err("expects a table of arguments, got %s", type(opts)) end
  args.checkopts(FN, opts, ALLOWED)
  local dist = opts.dist
  if dist == nil then err("'dist' is required (one of %s)", DISTS) end
  local fam = FAMILY[dist]
  if not fam then err("unknown dist '%s' (expected one of %s)", tostring(dist), DISTS) end
  local model = opts.model
  if model ~= nil and model ~= "aft" and model ~= "ph" then
    err("model must be \"aft\" or \"ph\", got '%s'", tostring(model))
  end
  if fam.scales == "aft" and model == "ph" then err("dist '%s' is AFT only", dist) end
  if fam.scales == "ph" and model == "aft" then err("dist '%s' is PH only", dist) end
  if model == nil then model = fam.scales == "ph" and "ph" or "aft" end
  return dist, fam, model, args.na(FN, opts.na)
end

local function named_cols(x, names, what)
  local p = x:cols()
  if names then
    if #names ~= p then err("'names' has %d entries but '%s' has %d columns", #names, what, p) end
    return names
  end
  local nn = {}
  for j = 1, p do nn[j] = (p == 1 and what == "x") and "x" or ("x" .. j) end
  return nn
end

-- ---------------------------------------------------------------------------
-- fitting
-- ---------------------------------------------------------------------------

local function fitc(model, start, maxit)
  return C._fit(model, mat.vec(start), maxit or 200, 1e-10)
end

local function copy(t) local c = {}; for k, v in pairs(t) do c[k] = v end; return c end

-- the starting values of one block: intercept v, covariates 0
local function block_start(X, v)
  local s = {}
  if X then
    s[1] = v
    for j = 2, X:cols() do s[j] = 0 end
  end
  return s
end

local function concat(...)
  local out = {}
  for _, t in ipairs { ... } do for _, v in ipairs(t) do out[#out + 1] = v end end
  return out
end

-- Runs the fit from several starts; returns the best (coef, vcov, info).
local function best_of(model, starts, maxit, first_converged)
  local best
  for _, s in ipairs(starts) do
    if first_converged and best and best[3].converged then break end
    local ok, coef, vcov, info = pcall(fitc, model, s, maxit)
    if ok and info.loglik == info.loglik and info.loglik > -math.huge then
      if not best or info.loglik > best[3].loglik + 1e-9 then best = { coef, vcov, info } end
    elseif not ok and tostring(coef):find("interrupted") then
      error(coef, 0)
    end
  end
  return best
end

local function tolist(v) local t = {}; for i = 1, #v do t[i] = v[i] end; return t end

-- ---------------------------------------------------------------------------
-- the fit object
-- ---------------------------------------------------------------------------

local Fit = {}
Fit.__index = Fit
Fit.__name = "surv.fit"

local SLOT = { ph = 1, aft = 2, shape = 3 }

-- one row per covariate row: the 4 slot values. X: nil (baseline), rows
-- for the single covariate block, or {ph =, aft =, shape =}.
local function slot_matrix(self, X, fnname)
  local blocks = self._design
  local given = {}
  local with_cov = {}
  for _, b in ipairs { "ph", "aft", "shape" } do
    if blocks[b] and blocks[b].p > 0 then with_cov[#with_cov + 1] = b end
  end
  -- X nil: the baseline, no covariates
  if type(X) == "table" and not ismat(X) and (X.ph or X.aft or X.shape) then
    for k, v in pairs(X) do
      if not SLOT[k] then merr(fnname, "unknown block '%s' in X", tostring(k)) end
      given[k] = v
    end
  elseif X ~= nil then
    if #with_cov ~= 1 then
      if #with_cov == 0 then merr(fnname, "the model has no covariates, X must be nil") end
      merr(fnname, "the model has covariates in several blocks: give X as {ph =, aft =, shape =}")
    end
    given[with_cov[1]] = X
  end
  local rows = 1
  local mats = {}
  for b, v in pairs(given) do
    local bl = blocks[b]
    if not bl or bl.p == 0 then merr(fnname, "the %s block has no covariates", b) end
    local m = tomat(v, "X", fnname)
    if m:cols() ~= bl.p and m:cols() == 1 and m:rows() == bl.p then m = m:t() end
    if m:cols() ~= bl.p then
      merr(fnname, "X for the %s block needs %d columns, got %d", b, bl.p, m:cols())
    end
    -- a missing covariate would give a silent NaN curve: an error here
    args.complete(fnname, "X", m)
    if rows ~= 1 and m:rows() ~= 1 and m:rows() ~= rows then
      merr(fnname, "the blocks of X have different numbers of rows")
    end
    if m:rows() > rows then rows = m:rows() end
    mats[b] = m
  end
  local E = mat.zeros(rows, 4)
  local coef = self.coef
  for i = 1, rows do
    for slot = 1, 3 do
      local b = ({ "ph", "aft", "shape" })[slot]
      local bl = blocks[b]
      local v
      if bl then
        v = coef[bl.first]  -- the intercept
        local m = mats[b]
        if m then
          local r = m:rows() == 1 and 1 or i
          for j = 1, bl.p do
          local c = coef[bl.first + j]
          if c == c then v = v + c * m:get(r, j) end   -- an aliased column is NaN
        end
        end
        if b == "aft" then v = -v end
      else
        v = self._fixed[slot]
      end
      E:set(i, slot, v)
    end
    E:set(i, 4, self._theta)
  end
  return E, rows
end

local function shape_out(m, nt, rows)
  if nt == 1 and rows == 1 then return m:get(1, 1) end
  if rows == 1 or nt == 1 then
    local v = mat.zeros(nt * rows, 1)
    for i = 1, nt * rows do v:set(i, 1, m:get(nt == 1 and 1 or i, nt == 1 and i or 1)) end
    return v
  end
  return m
end

local function evaluator(what, fnname)
  return function(self, t, X)
    if getmetatable(self) ~= Fit then merr(fnname, "call it as fit:%s(...)", what) end
    if t == nil then merr(fnname, "'t' is required") end
    local tv = tovec(t, "t", fnname)
    for i = 1, #tv do
      local v = tv[i]
      if what == "quantile" then
        if not (v >= 0 and v <= 1) then merr(fnname, "p must be in [0, 1], got %s", tostring(v)) end
      elseif not (v >= 0) then
        merr(fnname, "t must be >= 0, got %s", tostring(v))
      end
    end
    local E, rows = slot_matrix(self, X, fnname)
    return shape_out(C._eval(self.dist, what, tv, E), #tv, rows)
  end
end

Fit.survival = evaluator("survival", "surv.fit:survival")
Fit.hazard = evaluator("hazard", "surv.fit:hazard")
Fit.cumhazard = evaluator("cumhazard", "surv.fit:cumhazard")
Fit.quantile = evaluator("quantile", "surv.fit:quantile")

-- (the API also names this method :cure_fraction, but .cure_fraction is the
-- number at x = 0 and a Lua field cannot be both)
function Fit:cure(X)
  local E, rows = slot_matrix(self, X, "surv.fit:cure")
  return shape_out(C._eval(self.dist, "cure", mat.vec { 1 }, E), 1, rows)
end

local function fmt(v) return P.num(v, 5) end

function Fit:__tostring()
  local lines = {}
  local function add(s) lines[#lines + 1] = s end
  add(string.format("Parametric survival regression: %s (%s)", FAMILY[self.dist].label,
    self.model_label))
  local nd = ""
  if self.n_dropped > 0 then
    nd = string.format(" (%d observation%s deleted due to missingness)", self.n_dropped,
      self.n_dropped == 1 and "" or "s")
  end
  add(string.format("n = %d%s, events = %d", self.n, nd, self.n_event))
  add("")
  -- summary.survreg's table: printCoefmat with digits 3, two-sided normal p
  local z, p = {}, {}
  for i = 1, #self.names do
    z[i] = self.coef[i] / self.se[i]
    p[i] = 2 * stats.pnorm(math.abs(z[i]), 0, 1, { lower = false })
  end
  add(P.coefmat({ rownames = self.names, colnames = { "Value", "Std. Error", "z", "p" },
    cols = { self.coef, self.se, z, p } }, { digits = 3, has_pvalue = true, signif_stars = false,
    na = self._aliased }))
  add("")
  local ps = {}
  for _, k in ipairs { "lambda", "phi", "gamma", "kappa", "sigma" } do
    if self.params[k] then ps[#ps + 1] = k .. " = " .. fmt(self.params[k]) end
  end
  local fx = {}
  for k, v in pairs(self.fixed) do fx[#fx + 1] = k .. " = " .. fmt(v) end
  table.sort(fx)
  add("Baseline (x = 0): " .. table.concat(ps, ", ") ..
    (#fx > 0 and ("   [fixed: " .. table.concat(fx, ", ") .. "]") or ""))
  if self.cure_fraction > 0 then
    add("Cure fraction (x = 0): " .. fmt(self.cure_fraction))
  end
  add(string.format("Loglik = %s   AIC = %s   BIC = %s   (%d parameter%s)",
    P.fixed(self.loglik, 4), P.fixed(self.aic, 4), P.fixed(self.bic, 4), #self.names,
    #self.names == 1 and "" or "s"))
  if self.boundary then add("Boundary: " .. self.boundary) end
  if not self.converged then
    add("Not converged: " .. tostring(self.reason))
  end
  return table.concat(lines, "\n")
end
P.guard(Fit, "surv.fit")  -- tostring never raises (an incomplete object)

-- ---------------------------------------------------------------------------
-- surv.fit
-- ---------------------------------------------------------------------------

-- The first column of X that is (numerically) a combination of the columns
-- before it, or nil: a Cholesky sweep of X'X, where column j's residual
-- sum of squares, relative to its own, falls below 1e-10.
local function collinear(X)
  local A = X:crossprod()
  local p = A:rows()
  local Lm = {}
  for j = 1, p do
    Lm[j] = {}
    local d = A:get(j, j)
    for k = 1, j - 1 do
      local v = A:get(j, k)
      for m = 1, k - 1 do v = v - Lm[j][m] * Lm[k][m] end
      v = Lm[k][k] > 0 and v / Lm[k][k] or 0
      Lm[j][k] = v
      d = d - v * v
    end
    if not (d > 1e-10 * A:get(j, j)) then return j end
    Lm[j][j] = math.sqrt(d)
  end
  return nil
end

local FIXED_KEYS = { kappa = true, gamma = true, lambda = true, phi = true }

local function fixed_gamma_given(opts)
  return type(opts.fixed) == "table" and opts.fixed.gamma ~= nil
end

function M.fit(opts)
  local dist, fam, model, na = read_args(opts)
  local time, status, xs, names = opts.time, opts.status, {}, {}
  local weights, strata, strata_levels = opts.weights, opts.strata, nil
  if opts.formula ~= nil then
    if time ~= nil or status ~= nil then err("give either formula/data or time/status, not both") end
    for _, k in ipairs { "x", "ph_x", "aft_x", "shape_x" } do
      if opts[k] ~= nil then err("give covariates with data = as formulas (ph =, aft =, shape =), not '%s'", k) end
    end
    local fr = from_formula(opts)
    time, status = fr.time, fr.status
    -- weights = and strata = may name columns of data
    if type(weights) == "string" then
      weights = opts.data[weights]
      if weights == nil then err("no column '%s' in data", opts.weights) end
    end
    if type(strata) == "string" then
      strata = opts.data[strata]
      if strata == nil then err("no column '%s' in data", opts.strata) end
    end
    if fr.strata then
      if strata ~= nil then err("give strata either in the formula or as strata =") end
      strata, strata_levels = fr.strata, fr.strata_levels
    end
    if fr.x then
      if fr.blocks[model] then err("the formula's right-hand side and '%s' both give the %s block", model, model) end
      if fam.scales == "ph" or (fam.scales == "one" and model == "ph") or
         (fam.scales == "both" and model == "ph") then
        xs.ph = fr.x; names.ph = fr.x_names
      else xs.aft = fr.x; names.aft = fr.x_names end
    end
    for b, m in pairs(fr.blocks) do
      if m then xs[b] = m; names[b] = fr.names[b] end
    end
  else
    if opts.data ~= nil then err("'data' needs 'formula'") end
    for _, k in ipairs { "ph", "aft", "shape" } do
      if opts[k] ~= nil then err("'%s' is a formula for data =; with matrices use '%s_x'", k, k) end
    end
    if time == nil then err("'time' is required") end
    if status == nil then err("'status' is required") end
  end
  time = tovec(time, "time")
  local n = #time
  if n == 0 then err("'time' is empty") end
  status = status_vec(status, n)

  -- covariate blocks
  if opts.x ~= nil then
    if opts.ph_x ~= nil or opts.aft_x ~= nil then err("give 'x' or 'ph_x'/'aft_x', not both") end
    if model == "ph" then xs.ph = tomat(opts.x, "x") else xs.aft = tomat(opts.x, "x") end
  end
  if opts.ph_x ~= nil then xs.ph = tomat(opts.ph_x, "ph_x") end
  if opts.aft_x ~= nil then xs.aft = tomat(opts.aft_x, "aft_x") end
  if opts.shape_x ~= nil then xs.shape = tomat(opts.shape_x, "shape_x") end
  -- case weights, as survreg's: each row's log-likelihood term times w
  if weights ~= nil then
    weights = tovec(weights, "weights")
    if #weights ~= n then err("'weights' has %d elements but 'time' has %d", #weights, n) end
    for i = 1, n do
      local w = weights[i]
      if w == w and not (w > 0) then err("'weights' element %d is not positive (%s)", i, P.num(w)) end
    end
  end
  -- strata: a separate shape (survreg's scale) per stratum, as survreg's
  -- strata(): the shape block becomes an intercept and one indicator per
  -- stratum after the first
  if strata ~= nil then
    if xs.shape or opts.shape ~= nil then err("give strata or a shape regression (shape_x, shape), not both") end
    if not fam.shape or dist == "gompertz" then err("dist '%s' has no shape to stratify", dist) end
    if fixed_gamma_given(opts) then err("gamma cannot be fixed together with strata") end
    local codes
    if strata_levels then codes = strata
    else codes, strata_levels = args.groups(FN, strata, "strata", n, "'time'") end
    if #codes ~= n then err("'strata' has %d elements but 'time' has %d", #codes, n) end
    local K = #strata_levels
    if K > 1 then
      local D = mat.zeros(n, K - 1)
      for i = 1, n do
        local c = codes[i]
        for k = 2, K do D:set(i, k - 1, c ~= c and 0 / 0 or (c == k and 1 or 0)) end
      end
      xs.shape = D
      names.shape = {}
      for k = 2, K do names.shape[k - 1] = "strata=" .. tostring(strata_levels[k]) end
    end
    strata = codes
  end
  for b, m in pairs(xs) do
    if m:rows() ~= n then
      if m:cols() == n and m:rows() == 1 then xs[b] = m:t()
      else err("'%s' has %d rows but 'time' has %d", b == "ph" and (opts.x and "x" or "ph_x")
        or b == "aft" and (opts.x and "x" or "aft_x") or "shape_x", m:rows(), n) end
    end
    if not names[b] then
      -- names = {"a", "b"} labels x (and any block with that many columns);
      -- names = {ph = {...}, aft = {...}, shape = {...}} labels each block
      local nm = opts.names
      if type(nm) == "table" and nm[1] == nil then nm = nm[b] end
      if nm ~= nil and type(nm) ~= "table" then err("'names' must be an array of strings") end
      if nm and #nm ~= xs[b]:cols() then
        if type(opts.names[1]) == "string" and not opts.x then nm = nil
        else err("'names' has %d entries but the %s block has %d columns", #nm, b, xs[b]:cols()) end
      end
      names[b] = named_cols(xs[b], nm, "x")
    end
  end
  if xs.ph and xs.aft and fam.scales ~= "both" then
    err("dist '%s' takes one linear predictor for the scale: give x (or ph_x or aft_x), not both", dist)
  end
  if xs.ph and fam.scales == "aft" then err("dist '%s' is AFT only: use x or aft_x", dist) end
  if xs.aft and fam.scales == "ph" then err("dist '%s' is PH only: use x or ph_x", dist) end
  if xs.shape and not fam.shape then err("dist '%s' has no shape parameter for 'shape_x'", dist) end
  if xs.shape and dist == "gompertz" then err("shape_x is not available for gompertz (gamma may be negative)") end

  -- fixed parameters
  local fixed = {}
  if opts.fixed ~= nil then
    if type(opts.fixed) ~= "table" then err("'fixed' must be a table such as {kappa = 1}") end
    for k, v in pairs(opts.fixed) do
      if not FIXED_KEYS[k] then err("unknown fixed parameter '%s' (kappa, gamma, lambda or phi)", tostring(k)) end
      if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
        err("fixed %s must be a finite number", k)
      end
      fixed[k] = v
    end
  end
  if fixed.kappa ~= nil then
    if not fam.kappa then err("dist '%s' has no kappa to fix", dist) end
    if fixed.kappa <= -1 then err("fixed kappa must be > -1, got %g", fixed.kappa) end
  end
  if fixed.gamma ~= nil then
    if not fam.shape then err("dist '%s' has no gamma to fix", dist) end
    if xs.shape then err("gamma cannot be fixed together with shape_x") end
    if dist ~= "gompertz" and fixed.gamma <= 0 then err("fixed gamma must be > 0") end
  end

  -- which slots are free: 1 = ph (lambda), 2 = aft (phi), 3 = shape
  local has = { false, false, fam.shape and true or false }
  if fam.scales == "one" then has[model == "ph" and 1 or 2] = true
  elseif fam.scales == "ph" then has[1] = true
  elseif fam.scales == "aft" then has[2] = true
  else has[1], has[2] = true, true end
  local fixedslot = { 0, 0, 0, 0 }
  if fixed.kappa == 1 then
    if xs.ph and xs.aft then
      err("fixed kappa = 1 with both ph_x and aft_x: only their combination is identified")
    end
    -- the scale that becomes unidentified is held at 1
    if xs.ph then has[2] = false
    elseif xs.aft then has[1] = false
    elseif model == "ph" then has[2] = false
    else has[1] = false end
  end
  if fixed.lambda ~= nil then
    if not has[1] then err("lambda is not a free parameter of this model") end
    if xs.ph then err("lambda cannot be fixed together with covariates in the PH block") end
    if not (fixed.lambda > 0) then err("fixed lambda must be > 0") end
    has[1] = false; fixedslot[1] = math.log(fixed.lambda)
  end
  if fixed.phi ~= nil then
    if not has[2] then err("phi is not a free parameter of this model") end
    if xs.aft then err("phi cannot be fixed together with covariates in the AFT block") end
    if not (fixed.phi > 0) then err("fixed phi must be > 0") end
    has[2] = false; fixedslot[2] = math.log(fixed.phi)  -- the slot holds log phi
  end
  if fixed.gamma ~= nil then
    has[3] = false
    fixedslot[3] = dist == "gompertz" and fixed.gamma or math.log(fixed.gamma)
  end
  if dist == "exponential" then has[3] = false; fixedslot[3] = 0 end
  if not fam.kappa then fixedslot[4] = 0 end
  local theta_free = fam.kappa and fixed.kappa == nil
  -- (Weibull/exponential are kappa = 1 and Burr/log-logistic kappa = 0 in C)
  if fam.kappa and fixed.kappa ~= nil then fixedslot[4] = math.log(1 + fixed.kappa) end
  for b in pairs(xs) do
    if not has[SLOT[b]] then err("the %s block is not free in this model", b) end
  end

  -- missing values
  local masks = { { "time", time }, { "status", status } }
  if weights then masks[#masks + 1] = { "weights", weights } end
  if strata then masks[#masks + 1] = { "strata", strata } end
  for b, m in pairs(xs) do masks[#masks + 1] = { b == "shape" and "shape_x" or (opts.x and "x" or b .. "_x"), m } end
  args.checktime(FN, time, true)   -- > 0: the families take log t, as survreg
  local keep, _, dropped = args.mask(FN, table.unpack(masks))
  if dropped > 0 and na == "fail" then
    err("%d rows have missing values (na = \"fail\")", dropped)
  end
  local t = C._design(time, keep, false)
  local d = C._design(status, keep, false)
  local nk = #t
  if nk == 0 then err("no complete observations") end
  local logt = mat.zeros(nk, 1)
  local nev, sumt = 0, 0
  for i = 1, nk do
    local ti = t[i]
    logt:set(i, 1, math.log(ti))
    nev = nev + d[i]; sumt = sumt + ti
  end
  if nev == 0 then err("no events: every time is censored") end
  nev = math.tointeger(nev) or nev

  -- the model for C
  local cm = { family = dist, time = t, logt = logt, status = d,
               fixed = fixedslot, theta_free = theta_free,
               weights = weights and C._design(weights, keep, false) or nil }
  local design = {}
  local coefnames = {}
  local first = 1
  -- kept[i]: the full-layout index of the fit's i-th parameter (aliased
  -- columns are left out of the fit and come back as NaN)
  local kept, aliased = {}, {}
  for slot, b in ipairs { "ph", "aft", "shape" } do
    if has[slot] then
      cm[b] = C._design(xs[b], keep, true)
      local p = xs[b] and xs[b]:cols() or 0
      local cols = {}
      for j = 1, p + 1 do cols[j] = j end
      if p > 0 then
        -- a column that is a combination of those before it (a constant,
        -- a duplicate) is aliased, as survreg's NA coefficient
        local full = cm[b]
        while true do
          local j = collinear(cm[b])
          if not j then break end
          if j == 1 then err("the %s block's intercept is not identified", b) end
          aliased[first + cols[j] - 1] = true
          table.remove(cols, j)
          cm[b] = full:cols_of(cols)
        end
      end
      for _, j in ipairs(cols) do kept[#kept + 1] = first + j - 1 end
      design[b] = { first = first, last = first + p, p = p }
      if b == "shape" and dist == "gompertz" then
        coefnames[#coefnames + 1] = "gamma"
      elseif b == "shape" and p == 0 then
        coefnames[#coefnames + 1] = "log(gamma)"
      else
        coefnames[#coefnames + 1] = b .. ":(Intercept)"
        for j = 1, p do coefnames[#coefnames + 1] = b .. ":" .. names[b][j] end
      end
      first = first + p + 1
    end
  end
  if theta_free then
    coefnames[#coefnames + 1] = "log(kappa+1)"
    design.kappa = { first = first, last = first, p = 0 }
    kept[#kept + 1] = first
  end

  -- starting values: the exponential rate, a log-normal moment fit for the
  -- log-normal, then (for Burr and APGW) a Weibull fit and a profile over kappa
  local rate = nev / sumt
  local lrate = math.log(rate)
  local mlog, slog = 0, 0
  for i = 1, nk do mlog = mlog + logt[i] end
  mlog = mlog / nk
  for i = 1, nk do slog = slog + (logt[i] - mlog) ^ 2 end
  slog = math.sqrt(slog / math.max(nk - 1, 1))
  if not (slog > 0) then slog = 1 end
  local function starts_for(ph0, aft0, sh0, th)
    local s = concat(block_start(cm.ph, ph0), block_start(cm.aft, aft0), block_start(cm.shape, sh0))
    if theta_free then s[#s + 1] = th end
    return s
  end
  local maxit = opts.maxit
  if maxit ~= nil and (math.type(maxit) ~= "integer" or maxit < 1) then
    err("maxit must be an integer >= 1, got %s", tostring(maxit))
  end
  local best
  if dist == "lognormal" then
    best = best_of(cm, { starts_for(0, mlog, -math.log(slog)), starts_for(0, -lrate, 0) }, maxit, true)
  elseif dist == "gompertz" then
    best = best_of(cm, { starts_for(lrate, 0, 0), starts_for(lrate, 0, -0.5 * rate),
                          starts_for(lrate, 0, 0.5 * rate) }, maxit)
  elseif fam.scales ~= "both" then
    local ph0 = has[1] and (lrate - fixedslot[2]) or 0
    local aft0 = -lrate
    -- one start usually converges; the second is a fallback
    best = best_of(cm, { starts_for(ph0, aft0, 0), starts_for(ph0, mlog, -math.log(slog)) }, maxit, true)
  else
    -- Starts from a Weibull fit (kappa = 1) of the block that has the
    -- covariates: for small u the APGW and Burr hazards are lambda (phi t)^gamma,
    -- so lambda phi^gamma is known and only the split between lambda and phi
    -- (the factor c below) and kappa are not; try several of each.
    local usepph = xs.ph and not xs.aft
    local wm = { family = "weibull", time = t, logt = logt, status = d,
                 fixed = { 0, 0, fixedslot[3], 0 }, theta_free = false,
                 shape = cm.shape }
    if usepph then wm.ph = cm.ph else wm.aft = C._design(xs.aft, keep, true) end
    local wblock = usepph and wm.ph or wm.aft
    local wb = best_of(wm, { concat(block_start(wblock, usepph and lrate or -lrate),
                                    block_start(wm.shape, 0)) }, maxit)
    local wcoef = wb and tolist(wb[1]) or
      concat(block_start(wblock, usepph and lrate or -lrate), block_start(wm.shape, 0))
    local pw = wblock:cols()
    local bw, shw = {}, {}
    for j = 1, pw do bw[j] = wcoef[j] end
    for j = pw + 1, #wcoef do shw[#shw + 1] = wcoef[j] end
    local gw = cm.shape and math.exp(shw[1]) or math.exp(fixedslot[3])
    -- Weibull: usepph -> log lambda = bw (phi = 1); else log phi = -bw (lambda = 1)
    local function st(logc, th)
      -- phi = phi_w c, lambda = lambda_w c^-gamma
      local s = {}
      if cm.ph then
        local b = usepph and bw or block_start(cm.ph, 0)
        for j, v in ipairs(b) do s[#s + 1] = (j == 1) and v - gw * logc or v end
      end
      if cm.aft then
        local b = usepph and block_start(cm.aft, 0) or bw
        for j, v in ipairs(b) do s[#s + 1] = (j == 1) and v - logc or v end
      end
      if cm.shape then for _, v in ipairs(shw) do s[#s + 1] = v end end
      if th then s[#s + 1] = th end
      return s
    end
    local logcs = { 0, math.log(0.2), math.log(5), math.log(0.04), math.log(25) }
    if not cm.ph or not cm.aft then
      -- one scale fixed (kappa = 1, or lambda or phi given): c is not free
      best = best_of(cm, { st(0, theta_free and 0 or nil) }, maxit)
    elseif theta_free then
      -- profile over kappa: fit with kappa held at each grid value, then
      -- free kappa from the best few (the APGW likelihood has ridges)
      local grid = { -0.9, -0.5, -0.2, 0, 0.02, 0.3, 0.7, 1.5, 3, 8 }
      local prof = {}
      -- on large data the profile runs on an evenly spaced subsample of
      -- about 3000 rows: it only has to find the right basin
      local pm = copy(cm); pm.theta_free = false
      local sub = nk > 6000
      if sub then
        local step = nk / 3000
        local mask = mat.zeros(nk, 1)
        for i = 1, 3000 do mask:set(math.floor((i - 0.5) * step) + 1, 1, 1) end
        for _, key in ipairs { "time", "logt", "status", "ph", "aft", "shape" } do
          if cm[key] then pm[key] = C._design(cm[key], mask, false) end
        end
      end
      for _, kap in ipairs(grid) do
        pm.fixed = { fixedslot[1], fixedslot[2], fixedslot[3], math.log(1 + kap) }
        local starts = {}
        for _, lc in ipairs(logcs) do starts[#starts + 1] = st(lc, nil) end
        local b = best_of(pm, starts, 100)
        if b then prof[#prof + 1] = { ll = b[3].loglik, coef = tolist(b[1]), th = math.log(1 + kap) } end
      end
      table.sort(prof, function(a, b2) return a.ll > b2.ll end)
      local starts = {}
      for i = 1, math.min(3, #prof) do
        local s = prof[i].coef
        s[#s + 1] = prof[i].th
        starts[#starts + 1] = s
      end
      if sub then
        -- free kappa on the subsample too; its winner and the best profile
        -- point go on to the full data
        local fm = copy(pm); fm.theta_free = true
        local b = best_of(fm, starts, maxit)
        if b then starts = { starts[1], tolist(b[1]) } end
      end
      best = best_of(cm, starts, maxit)
    else
      local starts = {}
      for _, lc in ipairs(logcs) do starts[#starts + 1] = st(lc, nil) end
      best = best_of(cm, starts, maxit)
    end
  end
  if not best then err("the log-likelihood is not finite at any starting value") end
  local coef, vcov, info = best[1], best[2], best[3]
  local nfree = #kept
  if nfree < #coefnames then   -- back to the full layout, NaN where aliased
    local c2, v2 = mat.new(#coefnames, 1, 0 / 0), mat.new(#coefnames, #coefnames, 0 / 0)
    for a, i in ipairs(kept) do
      c2:set(i, 1, coef[a])
      for b2, j in ipairs(kept) do v2:set(i, j, vcov:get(a, b2)) end
    end
    coef, vcov = c2, v2
  end

  -- the result
  local np = #coefnames
  local se = mat.zeros(np, 1)
  for i = 1, np do
    local v = vcov:get(i, i)
    se:set(i, 1, v >= 0 and math.sqrt(v) or 0 / 0)
  end
  local blocks = {}
  for b, bl in pairs(design) do blocks[b] = { bl.first, bl.last } end
  local fit = setmetatable({
    dist = dist, model = model, coef = coef, names = coefnames, se = se, vcov = vcov,
    blocks = blocks, loglik = info.loglik, aic = -2 * info.loglik + 2 * nfree,
    bic = -2 * info.loglik + math.log(nk) * nfree, n = nk, n_event = nev,
    n_dropped = dropped, converged = info.converged,
    reason = info.reason, iterations = info.iterations, fixed = fixed,
    _design = design, _fixed = fixedslot,
    _theta = theta_free and coef[design.kappa.first] or fixedslot[4],
  }, Fit)
  if fam.scales == "both" then
    fit.model_label = (xs.ph and xs.aft) and "PH + AFT" or (xs.ph and "PH") or (xs.aft and "AFT") or "no covariates"
  else
    fit.model_label = fam.scales == "one" and model:upper() or fam.scales:upper()
  end
  if xs.shape then fit.model_label = fit.model_label .. ", shape regression" end
  -- baseline parameters at x = 0
  local E = slot_matrix(fit, nil, FN)
  local e = { E:get(1, 1), E:get(1, 2), E:get(1, 3), E:get(1, 4) }
  local params = {}
  if dist == "lognormal" then
    params.phi = math.exp(e[2]); params.gamma = math.exp(e[3]); params.sigma = math.exp(-e[3])
  elseif dist == "gompertz" then
    params.lambda = math.exp(e[1]); params.gamma = e[3]
  else
    params.lambda = math.exp(e[1]); params.phi = math.exp(e[2])
    if dist ~= "exponential" then params.gamma = math.exp(e[3]) end
    if dist == "apgw" then params.kappa = math.exp(e[4]) - 1 end
  end
  fit.params = params
  fit.cure_fraction = C._eval(dist, "cure", mat.vec { 1 }, E):get(1, 1)
  -- boundary solutions
  local bnd
  if dist == "apgw" and theta_free then
    if fit._theta < math.log(1e-3) then bnd = "kappa -> -1"
    elseif fit._theta > math.log(1e4) then bnd = "kappa -> infinity" end
  end
  if (dist == "apgw" or dist == "burr") and e[3] > math.log(100) and math.abs(fit._theta) < 0.05 then
    -- gamma -> infinity with kappa gamma finite: a Weibull with a threshold
    -- at t = 1/phi, approached but never reached
    bnd = (bnd and bnd .. "; " or "") .. "gamma -> infinity, kappa -> 0 (a Weibull with a threshold at 1/phi)"
  end
  for slot, b in ipairs { "ph", "aft", "shape" } do
    if design[b] and math.abs(e[slot]) > 30 then
      bnd = (bnd and bnd .. "; " or "") ..
        ({ "lambda", "phi", "gamma" })[slot] .. (e[slot] > 0 and " -> infinity" or " -> 0")
    end
  end
  -- a scale intercept with an SE in the thousands sits on a flat ridge
  -- towards a limit family (e.g. kappa fixed < 0: lambda -> infinity,
  -- phi -> 0 is the Weibull), where Newton stops before |e| reaches 30
  for slot, b in ipairs { "ph", "aft", "shape" } do
    local bl = design[b]
    if bl and math.abs(e[slot]) <= 30 and se[bl.first] > 1e3 then
      bnd = (bnd and bnd .. "; " or "") .. string.format("%s not identified (SE of its log %.3g)",
        ({ "lambda", "phi", "gamma" })[slot], se[bl.first])
    end
  end
  local singular = false
  for i = 1, np do if se[i] ~= se[i] and not aliased[i] then singular = true end end
  -- aliased columns by name, and the per-stratum scales of a strata fit
  local al = {}
  for i = 1, np do if aliased[i] then al[#al + 1] = coefnames[i] end end
  fit.aliased = al
  fit._aliased = aliased
  if strata_levels then
    local bl = design.shape
    local K = #strata_levels
    local ls, lse = {}, {}
    for k = 1, K do
      -- log gamma_k = a + b_k (b_1 = 0); survreg's log(scale) is -log gamma
      local i0, ik = bl.first, k > 1 and bl.first + k - 1 or nil
      local v = vcov:get(i0, i0)
      local lg = coef[i0]
      if ik then
        lg = lg + coef[ik]
        v = v + vcov:get(ik, ik) + 2 * vcov:get(i0, ik)
      end
      ls[k], lse[k] = -lg, math.sqrt(v)
    end
    fit.strata = { levels = strata_levels, log_scale = mat.vec(ls), se_log_scale = mat.vec(lse) }
  end
  if singular then
    bnd = (bnd and bnd .. "; " or "") .. "singular information (parameters at a boundary or not identified)"
  end
  fit.boundary = bnd or false
  return fit
end

help.doc(M.fit, "surv.fit", [[
surv.fit{ time =, status =, dist = [, x=, model=, ph_x=, aft_x=, shape_x=, fixed=, na=, names=, maxit=,
  weights=, strata=] }
  Parametric survival regression by maximum likelihood (Newton, analytic gradients).
  Times must be > 0: the families take log t (survreg refuses 0 too); Inf is an error, NaN missing.
  dist: "exponential" "weibull" "gompertz" "loglogistic" "lognormal" "burr" "apgw".
  model: "aft" (default; coefficients on the log-time scale as survreg) or "ph"
  (log hazard ratios). ph_x and aft_x together for burr/apgw; shape_x models log gamma.
  fixed = {kappa =, gamma =, lambda =, phi =}; kappa = 1 also fixes the unidentified scale.
  With data = a frame: formula = "Surv(time, status) ~ age" (the x block), and
  ph = "~ sex", aft = "~ age", shape = "~ age" as one-sided formulas.
  names = {"age", "sex"} (or {ph = {...}, aft = {...}}) labels matrix columns.
  na = "omit" (default: rows with NaN dropped and counted) or "fail"; maxit (200).
  weights = case weights (> 0; a column name with data =): each row's log-likelihood term
  times its weight, as survreg's weights. strata = a grouping (or strata(v) in the formula):
  a separate shape per stratum, as survreg's strata(); .strata = {levels, log_scale,
  se_log_scale} gives survreg's log(scale) per stratum (-log gamma; not for exponential or
  gompertz); its shape block holds the indicators of strata 2..K, so predictions take
  X = {aft = rows, shape = indicator rows}. A covariate that is a combination of those
  before it (a constant, a duplicate) is aliased as survreg's NA: its coefficient and SE
  are NaN, its name is in .aliased.
  Result: .coef .names .se .vcov .blocks .params .loglik .aic .bic .converged .boundary
  .cure_fraction, and :survival(t, X) :hazard(t, X) :cumhazard(t, X) :quantile(p, X)
  :cure(X) with X rows of covariates or {ph =, aft =, shape =}.]])
help.doc(Fit.survival, "surv.fit:survival", "fit:survival(t [, X]) -> S(t) at covariate rows X (nil: x = 0)")
help.doc(Fit.hazard, "surv.fit:hazard", "fit:hazard(t [, X]) -> h(t) at covariate rows X (nil: x = 0)")
help.doc(Fit.cumhazard, "surv.fit:cumhazard", "fit:cumhazard(t [, X]) -> H(t) at covariate rows X")
help.doc(Fit.quantile, "surv.fit:quantile",
  "fit:quantile(p [, X]) -> t with P(T <= t) = p (R's predict type = \"quantile\")")
C.fit_meta = Fit  -- for the :plot() method (stdlib/surv/plot.lua)
help.doc(Fit.cure, "surv.fit:cure",
  "fit:cure([X]) -> the cure fraction S(infinity) per row of X (.cure_fraction is the value at x = 0)")
