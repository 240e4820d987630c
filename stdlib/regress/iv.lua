-- regress.iv (2SLS), regress.ivl (IV-like regression) and regress.anchor,
-- a part of regress (required by stdlib/regress.lua); the C half
-- (modules/regress/iv.c) does the projections through the QR of the
-- instruments.
local M, C = ...
local mat = require "orrery.mat"
local help = require "orrery.help"
local stats = require "orrery.stats"
local args = require "orrery.args"
local P = require "orrery.printing"

local fail, set, checkopts = args.fail, args.set, args.checkopts

-- cluster ids: numbers, or labels (strings, booleans, a factor) by level
local function ids(fn, v, what)
  if v == nil then return nil end
  if args.is_factor(v) or (type(v) == "table" and (type(v[1]) == "string" or type(v[1]) == "boolean")) then
    return (args.groups(fn, v, what))
  end
  return args.mat(fn, v, what)
end

local function colnames(prefix, k)
  local t = {}
  for j = 1, k do t[j] = prefix .. j end
  return t
end

local function prepend(name, list)
  local t = { name }
  for _, v in ipairs(list) do t[#t + 1] = v end
  return t
end

-- y, x, z (or a), their names and the cluster ids, after the missing-value
-- rule (NaN drops a row, Inf is an error), from matrices or from a formula
-- "y ~ x | z" and a frame.
local function getdata(fn, t, zkey)
  local na = args.na(fn, t.na)
  local intercept = t.intercept ~= false
  local d = {}
  if t.formula then
    if t.data == nil then fail(fn, "formula needs data =") end
    local F = require "orrery.formula"
    local extra = {}
    if type(t.cluster) == "string" then extra[#extra + 1] = t.cluster end
    if type(t.weights) == "string" then extra[#extra + 1] = t.weights end
    local ok, mf = pcall(F.model_frame, t.formula, t.data, { na = na, extra = extra, intercept = intercept })
    if not ok then fail(fn, "%s", (tostring(mf):gsub("^formula%.model_frame: ", ""))) end
    if zkey and not mf.z then fail(fn, "formula needs instruments after a bar: \"y ~ x | z\"") end
    if mf.offset then fail(fn, "offset() terms are not supported") end
    d.y, d.x, d.z, d.names, d.znames = mf.y, mf.x, mf.z, mf.names, mf.znames
    d.n_dropped = mf.n_dropped
    d.terms = mf.info   -- predict on a frame rebuilds the design from these
    if type(t.weights) == "string" then
      d.weights = mf.extra[t.weights]
    elseif t.weights ~= nil then
      local w = args.vec(fn, t.weights, "weights")
      local n0 = t.data:nrow()
      if #w ~= n0 then fail(fn, "'weights' has %d elements but data has %d rows", #w, n0) end
      d.weights = mf.rows and w:rows_of(mf.rows) or w
    end
    if type(t.cluster) == "string" then
      d.cluster = mf.extra[t.cluster]
    elseif t.cluster ~= nil then
      -- a vector given beside a formula: one id per row of the frame, of
      -- which the formula's kept rows are taken (as regress.ols does)
      local cl = ids(fn, t.cluster, "cluster")
      local n0 = t.data:nrow()
      if cl:rows() * cl:cols() ~= n0 then
        fail(fn, "'cluster' has %d elements but data has %d rows", cl:rows() * cl:cols(), n0)
      end
      d.cluster = mf.rows and cl:rows_of(mf.rows) or cl  -- nil: no row was dropped
    end
    return d
  end
  if t.data ~= nil then fail(fn, "data = needs formula =") end
  local y, x, z = args.mat(fn, t.y, "y"), args.mat(fn, t.x, "x"), zkey and args.mat(fn, t[zkey], zkey)
  if not y then fail(fn, "y is required") end
  if not x then fail(fn, "x is required") end
  if zkey and not z then fail(fn, "%s is required", zkey) end
  if type(t.weights) == "string" then fail(fn, "'weights' names a column, which needs formula = and data =") end
  local cl = ids(fn, t.cluster, "cluster")
  local wt = t.weights ~= nil and args.vec(fn, t.weights, "weights") or nil
  local n = y:rows() * y:cols()
  for what, m in pairs{ x = x, [zkey or "z"] = z, cluster = cl, weights = wt } do
    if m and m:rows() ~= n then fail(fn, "%s has %d rows but y has %d", what, m:rows(), n) end
  end
  if y:cols() ~= 1 then fail(fn, "y must be a vector, got %d x %d", y:rows(), y:cols()) end
  -- NaN drops a row, Inf is an error naming the argument and the caller's
  -- row, before the intercept column joins x and z
  local _, rows, dropped = args.mask(fn, { "y", y }, { "x", x }, { zkey or "z", z }, { "cluster", cl },
    { "weights", wt })
  if dropped > 0 then
    if na == "fail" then fail(fn, "%d rows have missing values (na = \"fail\")", dropped) end
    y, x = y:rows_of(rows), x:rows_of(rows)
    if z then z = z:rows_of(rows) end
    if cl then cl = cl:rows_of(rows) end
    if wt then wt = wt:rows_of(rows) end
  end
  d.weights = wt
  d.names = t.names or colnames("x", x:cols())
  d.znames = z and colnames(zkey, z:cols())
  if intercept then
    local one = mat.ones(y:rows(), 1)
    x = one:hcat(x)
    d.names = prepend("(Intercept)", d.names)
    if z then z, d.znames = one:hcat(z), prepend("(Intercept)", d.znames) end
  end
  d.y, d.x, d.z, d.cluster, d.n_dropped = y, x, z, cl, dropped
  return d
end

local function pvalue(t, df)
  return 2 * stats.pt(math.abs(t), df, { lower = false })
end

local function residuals(y, x, coef)
  return y - x * coef
end

local function ssq(v)
  return v:crossprod():get(1, 1)
end

-- first-stage F of each endogenous column (a column of x that is not also a
-- column of z, as AER::ivreg decides exogeneity): anova(lm(x_j ~ exogenous), lm(x_j ~ z))
local function first_stage(x, z, names)
  local F, df1, df2 = C._first_stage(x, z)
  local out = {}
  for j = 1, x:cols() do
    if F[j] == F[j] then out[#out + 1] = { name = names[j], f = F[j], df1 = df1, df2 = df2 } end
  end
  return out
end

local Fit = {}
Fit.__index = Fit
Fit.__name = "regress.fit"

-- a number in the printouts (R's format with 6 digits)
local function fmt(v) return P.num(v, 6) end

-- the estimates alone, for fits without standard errors (aliased NA)
local function estimates(fit)
  local v, al = { n = #fit.names }, {}
  for _, j in ipairs(fit.aliased or {}) do al[j] = true end
  for j = 1, #fit.names do v[j] = al[j] and P.NA or fit.coef[j] end
  return P.columns(fit.names, { "Estimate" }, { v }, 6)
end

function Fit:__tostring()
  local lines = { self.title or "regression", "" }
  if self.se then
    lines[#lines + 1] = C.coef_table(self)
  else
    lines[#lines + 1] = estimates(self)
  end
  lines[#lines + 1] = ""
  if self.sigma then
    lines[#lines + 1] = string.format("Residual standard error: %s on %d degrees of freedom",
      P.num(P.signif(self.sigma, 4)), self.df_residual)
  end
  if self.n_dropped and self.n_dropped > 0 then
    lines[#lines + 1] = string.format("  (%d observation%s deleted due to missingness)", self.n_dropped,
      self.n_dropped == 1 and "" or "s")
  end
  if self.se_type and self.se_type ~= "classical" then
    lines[#lines + 1] = "Standard errors: " .. self.se_type
  end
  for _, fs in ipairs(self.first_stage or {}) do
    lines[#lines + 1] = string.format("First-stage F for %s: %s on %d and %d DF", fs.name, fmt(fs.f), fs.df1, fs.df2)
  end
  if self.alpha then
    lines[#lines + 1] = "alpha: " .. fmt(self.alpha) .. (self.cv and
      string.format(" (chosen by %d-fold cross-validation of the IV risk)", self.cv.folds) or "")
  end
  if self.gamma then lines[#lines + 1] = "gamma: " .. fmt(self.gamma) end
  if self.linf then
    lines[#lines + 1] = string.format("distance to the exact solution: l_inf %s, l2 %s", fmt(self.linf), fmt(self.l2))
  end
  return table.concat(lines, "\n")
end
P.guard(Fit, "regress fit")  -- tostring never raises (an incomplete object)

function Fit:confint(level)
  level = level or 0.95
  if type(level) ~= "number" or not (level > 0 and level < 1) then
    fail("regress.confint", "level must be a number in (0, 1)")
  end
  if not self.se then fail("regress.confint", "this fit has no standard errors") end
  local q = stats.qt(1 - (1 - level) / 2, self.df_residual)
  local out = mat.new(#self.names, 2)
  for j = 1, #self.names do
    out:set(j, 1, self.coef[j] - q * self.se[j])
    out:set(j, 2, self.coef[j] + q * self.se[j])
  end
  return out
end

function Fit:predict(X)
  local fn = "regress.predict"
  if X == nil then  -- as R's predict(fit): the fitted values
    if self.fitted then return self.fitted end
    fail(fn, "give X, the rows to predict (this fit keeps no fitted values)")
  end
  if args.is_frame(X) then
    -- a formula fit: the frame goes through the same terms (factors, the
    -- intercept column) as the data it was fitted on
    if not self._terms then fail(fn, "the model was fitted with matrices: give newdata as a matrix") end
    local F = require "orrery.formula"
    local ok, d = pcall(F.design, self._terms, X)
    if not ok then fail(fn, "%s", (tostring(d):gsub("^formula%.design: ", ""))) end
    X = d.x
  else
    X = args.mat(fn, X, "X")
    if X:cols() == self.coef:rows() - 1 and self.names[1] == "(Intercept)" then
      X = mat.ones(X:rows(), 1):hcat(X)
    end
  end
  if X:cols() ~= self.coef:rows() then
    fail(fn, "X has %d columns, the fit has %d coefficients", X:cols(), self.coef:rows())
  end
  local b = self.coef
  if self.aliased and #self.aliased > 0 then  -- aliased columns take no part (NaN coefficients)
    b = b:copy()
    for _, j in ipairs(self.aliased) do b:set(j, 1, 0) end
  end
  return X * b
end

function Fit:residuals(rtype)
  if rtype ~= nil and rtype ~= "response" then
    fail("regress.residuals", "unknown type '%s' (these fits have response residuals only)", tostring(rtype))
  end
  return self.resid
end

function Fit:summary() return tostring(self) end

-- least squares of y on the columns of x (none: x nil) -> RSS, rank, fitted
local function lsq(y, x)
  if x == nil then return ssq(y), 0, y * 0 end
  local f = M.ols{ y = y, x = x, intercept = false }
  return f.rss, f.rank, f.fitted
end

-- columns j of a and k of b are the same numbers
local function samecol(a, j, b, k)
  for i = 1, a:rows() do
    if a:get(i, j) ~= b:get(i, k) then return false end
  end
  return true
end

local Diag = { __name = "regress.ivdiag" }
Diag.__index = Diag
Diag.__tostring = function(dg)
  local rows, df1, df2, st, pv = {}, { n = 0 }, { n = 0 }, { n = 0 }, { n = 0 }
  local function add(name, a, b, s, p)
    local i = #rows + 1
    rows[i] = name
    df1[i], df2[i], st[i], pv[i] = a, b, s, p
    df1.n, df2.n, st.n, pv.n = i, i, i, i
  end
  for _, wk in ipairs(dg.weak) do
    add(#dg.weak > 1 and ("Weak instruments (" .. wk.name .. ")") or "Weak instruments", wk.df1, wk.df2, wk.stat, wk.p)
  end
  local wh, sg = dg.wu_hausman, dg.sargan
  add("Wu-Hausman", wh.df1, wh.df2, wh.stat, wh.p)
  add("Sargan", sg.df, P.NA, sg.stat == sg.stat and sg.stat or P.NA, sg.p == sg.p and sg.p or P.NA)
  -- print.summary.ivreg: printCoefmat with the dfs as its cs columns, digits 4
  return "Diagnostic tests:\n" .. P.coefmat({ rownames = rows, colnames = { "df1", "df2", "statistic", "p-value" },
    cols = { df1, df2, st, pv } }, { digits = 4, cs_ind = { 1, 2 }, tst_ind = { 3 } })
end

function Fit:diagnostics()
  local fn = "regress.diagnostics"
  local d = rawget(self, "_iv")
  if not d then fail(fn, "diagnostics are for regress.iv fits") end
  local y, x, z, n = d.y, d.x, d.z, d.x:rows()
  local endo, exoz, inst = {}, {}, 0
  for j = 1, x:cols() do
    local shared = false
    for k = 1, z:cols() do if samecol(x, j, z, k) then shared = true; break end end
    if not shared then endo[#endo + 1] = j end
  end
  for k = 1, z:cols() do
    local shared = false
    for j = 1, x:cols() do if samecol(x, j, z, k) then shared = true; break end end
    if shared then exoz[#exoz + 1] = k else inst = inst + 1 end
  end
  if #endo == 0 or inst == 0 then fail(fn, "the model has no endogenous regressors or no excluded instruments") end
  local z0 = #exoz > 0 and z:cols_of(exoz) or nil
  -- weak instruments: each endogenous column on the exogenous columns of z
  -- against all of z (the first stage's F); fitted values for Wu-Hausman
  local weak, xfit = {}, nil
  for _, j in ipairs(endo) do
    local xj = x:cols_of({ j })
    local rss0, r0 = lsq(xj, z0)
    local rss1, r1, fj = lsq(xj, z)
    local df1, df2 = r1 - r0, n - r1
    local F = ((rss0 - rss1) / df1) / (rss1 / df2)
    weak[#weak + 1] = { name = self.names[self._kept and self._kept[j] or j], stat = F, df1 = df1, df2 = df2,
      p = stats.pf(F, df1, df2, { lower = false }) }
    xfit = xfit and xfit:hcat(fj) or fj
  end
  -- Wu-Hausman: y on x against y on x and the first-stage fitted values
  local rsso, ro = lsq(y, x)
  local rsse, re = lsq(y, x:hcat(xfit))
  local h1, h2 = re - ro, n - re
  local H = ((rsso - rsse) / h1) / (rsse / h2)
  -- Sargan: n R^2 of the structural residuals on z (weighted, about the
  -- weighted mean), on (excluded instruments - endogenous) df
  local ew, w = d.ew, d.w
  local rssz = lsq(ew, z)
  local swr, sw, sr2 = 0, 0, 0
  for i = 1, n do
    local wi = w and w[i] or 1
    local r = ew[i] / math.sqrt(wi)
    swr, sw, sr2 = swr + wi * r, sw + wi, sr2 + wi * r * r
  end
  local rssr = sr2 - swr * swr / sw
  local sdf = inst - #endo
  local S, sp = 0 / 0, 0 / 0
  if sdf > 0 then
    S = n * (1 - rssz / rssr)
    sp = stats.pchisq(S, sdf, { lower = false })
  end
  return setmetatable({ weak = weak,
    wu_hausman = { stat = H, df1 = h1, df2 = h2, p = stats.pf(H, h1, h2, { lower = false }) },
    sargan = { stat = S, df = sdf, p = sp } }, Diag)
end

help.doc(Fit.confint, "regress.iv:confint", [[fit:confint([level = 0.95]) -> p x 2 matrix of Wald
intervals coef -+ q se, q the t quantile on the residual degrees of freedom (as R's
confint.default with df); for the fits of regress.iv, ivl, anchor, sketch.]])
help.doc(Fit.predict, "regress.iv:predict", [[fit:predict(X) -> X b. Without X, the fitted
values of the rows used (iv, ivl, anchor; a sketch fit keeps none). X is a matrix of the
regressors (the intercept column is added when X has one column fewer than the fit), or,
for a formula fit, a frame that goes through the same terms; aliased coefficients count 0.]])
help.doc(Fit.residuals, "regress.iv:residuals", [[fit:residuals(["response"]) -> y - X b on the
rows used (the structural residuals for iv, not the second stage's).]])
help.doc(Fit.diagnostics, "regress.iv:diagnostics", [[fit:diagnostics() -> {weak = {{name, stat, df1, df2, p}, ...},
wu_hausman = {stat, df1, df2, p}, sargan = {stat, df, p}}, printed as the "Diagnostic tests"
of R's summary(ivreg, diagnostics = TRUE) (AER's ivdiag), for regress.iv fits: the
weak-instrument F of each endogenous regressor (its regression on all instruments against
the exogenous ones), the Wu-Hausman F (y on x against y on x and the first-stage fitted
values) and Sargan's n R^2 of the residuals on the instruments, chi-square on (excluded
instruments - endogenous regressors) df (NaN when exactly identified). Weighted fits use
the weights throughout, as AER.]])
help.doc(Fit.summary, "regress.iv:summary", "fit:summary() -> the R-style printout (as tostring(fit))")

local function newfit(t) return setmetatable(t, Fit) end

local iv_opts = set{ "y", "x", "z", "formula", "data", "intercept", "se", "cluster", "cluster_type",
  "na", "names", "min_norm", "weights" }

-- the rows of m times the n x 1 vector s
local function rowscale(m, s)
  return m:hadamard(s * mat.ones(1, m:cols()))
end

--- regress.iv{ y =, x =, z = [, se=, cluster=] }: two-stage least squares.
-- v (values for the kept columns) spread over p slots, NaN where aliased
local function expand(v, kept, p)
  local out = mat.new(p, 1, 0 / 0)
  for i, j in ipairs(kept) do out:set(j, 1, v[i]) end
  return out
end

local function expand2(V, kept, p)
  local out = mat.new(p, p, 0 / 0)
  for a, i in ipairs(kept) do
    for b, j in ipairs(kept) do out:set(i, j, V:get(a, b)) end
  end
  return out
end

-- ivl and anchor with collinear columns of x: the later one is aliased by
-- R's rule (regress.ols on x; the transforms of docs/methods/regress.md keep collinear
-- columns collinear) and solve(x without it) -> coef, rank runs again.
-- Returns x, coef, rank, aliased (kept x and coefficients spread to p).
local function alias_refit(x, y, coef, rank, solve)
  local p = x:cols()
  if rank >= p then return x, coef, rank, {} end
  local al = M.ols{ y = y, x = x, intercept = false }.aliased
  if #al == 0 then return x, coef, rank, {} end
  local isal, kept = {}, {}
  for _, j in ipairs(al) do isal[j] = true end
  for j = 1, p do if not isal[j] then kept[#kept + 1] = j end end
  local xk = x:cols_of(kept)
  local ck, rk = solve(xk)
  return xk, ck, rk, al, expand(ck, kept, p)
end

function M.iv(t)
  local fn = "regress.iv"
  checkopts(fn, t, iv_opts)
  local se = t.se or "classical"
  if not C.SE_TYPES[se] then fail(fn, "se must be %s, got '%s'", C.SE_LIST, tostring(se)) end
  local ctype = C.cluster_type(fn, t, "HC0")   -- vcovCL's default for ivreg
  local t2, K = C.multicluster(fn, t)
  local d = getdata(fn, t2 or t, "z")
  local y0, x0, z = d.y, d.x, d.z
  local n, p = x0:rows(), x0:cols()
  if n <= p then fail(fn, "%d usable rows for %d coefficients", n, p) end
  -- weights: 2SLS of sqrt(w) y on sqrt(w) x with instruments sqrt(w) z (as
  -- AER::ivreg's lm.wfit stages); the residuals stay y - x b
  local w, sw = d.weights, nil
  local y, x = y0, x0
  if w then
    for i = 1, #w do
      local v = w[i]
      if not (v > 0 and v < math.huge) then
        fail(fn, "weights must be positive and finite (row %d is %s)", i, tostring(v))
      end
    end
    sw = w:apply("sqrt")
    y, x, z = y0:hadamard(sw), rowscale(x0, sw), rowscale(z, sw)
  end
  local coef, xhat, rankz, rank = C._tsls(x, y, z)
  if rankz < p and not t.min_norm then
    fail(fn, "under-identified: instruments have rank %d for %d coefficients "
      .. "(min_norm = true takes the minimum-norm solution)", rankz, p)
  end
  -- collinear columns of x: AER::ivreg fits lm.fit(xhat, y), so the later of
  -- collinear columns is aliased by R's limited pivoting; the same rule
  -- (regress.ols on xhat) picks them, and the model is refitted without them
  local kept, aliased, names = {}, {}, d.names
  for j = 1, p do kept[j] = j end
  if rank < p and rankz >= p then
    local al = M.ols{ y = y, x = xhat, intercept = false }.aliased
    if #al > 0 then
      local isal = {}
      for _, j in ipairs(al) do isal[j] = true; aliased[#aliased + 1] = j end
      kept, names = {}, {}
      for j = 1, p do
        if not isal[j] then kept[#kept + 1] = j; names[#names + 1] = d.names[j] end
      end
      x, x0 = x:cols_of(kept), x0:cols_of(kept)
      coef, xhat, rankz, rank = C._tsls(x, y, z)
    end
  end
  local pk = x:cols()
  local resid = residuals(y0, x0, coef)
  local ew = sw and resid:hadamard(sw) or resid   -- sqrt(w) e
  local df = n - pk
  local sigma = math.sqrt(ssq(ew) / df)
  local fit = newfit{ _terms = d.terms,
    title = "Two-stage least squares (instrumental variables)",
    coef = #aliased > 0 and expand(coef, kept, p) or coef, names = d.names, znames = d.znames,
    n = n, n_dropped = d.n_dropped, test = "t", aliased = aliased,
    rank = rank, rank_z = rankz, df_residual = df, sigma = sigma,
    resid = resid, fitted = y0 - resid, se_type = se, weights = w,
    -- for fit:diagnostics(): the (weighted) design, instruments and residuals
    _iv = { y = y, x = x, z = z, ew = ew, w = w }, _kept = #aliased > 0 and kept or nil,
  }
  if rank == pk then
    local B = xhat:crossprod():inv()
    local V
    if t.cluster or se ~= "classical" then
      -- the sandwich of regress.ols (one code path): 2SLS's scores e_i xh_i
      -- and bread (Xh'Xh)^-1 are those of least squares on Xh with the
      -- structural residuals e; HC2.. use AER's hat values x_i' B xh_i
      local cl
      if t.cluster then
        if not d.cluster then fail(fn, "cluster must be ids (a vector) or a column name with data =") end
        if d.cluster:rows() ~= n then fail(fn, "cluster has %d ids for %d rows", d.cluster:rows(), n) end
        if K then cl = C.clusters_of(fn, d.cluster, K)
        else
          local g, lev = args.groups(fn, d.cluster, "cluster")
          cl = { { ids = g - 1, G = #lev, sign = 1, size = 1 } }
        end
      end
      local qr = C._ols(y, xhat, { intercept = false, qr = true }, fn).qr
      local h
      if not cl and se ~= "HC0" and se ~= "HC1" then
        -- AER's hatvalues.ivreg: diag(X (Xz'Xz)^-1 X' P_Z) with Xz the
        -- (weighted fit's) projected regressors on their own scale and P_Z
        -- unweighted, whatever the weights
        local pzx, Bu = xhat, B
        if sw then
          local inv = mat.new(n, 1)
          for i = 1, n do inv:set(i, 1, 1 / sw[i]) end
          Bu = rowscale(xhat, inv):crossprod():inv()
          local _
          _, pzx = C._tsls(x0, y0, d.z)
        end
        h = (x0 * Bu):hadamard(pzx) * mat.ones(pk, 1)
      end
      local tmp = { n = n, rank = pk, coef = coef, _qr = qr }
      V = C.robust(fn, tmp, { ew = ew, h = h }, se, cl, ctype)
      fit.se_type, fit.clusters, fit.cluster_type = tmp.se_type, tmp.clusters, tmp.cluster_type
      fit.warnings = tmp.warnings
    else
      V = B * (sigma * sigma)
    end
    if #aliased > 0 then V = expand2(V, kept, p) end
    local sev, tv, pv = mat.new(p, 1), mat.new(p, 1), mat.new(p, 1)
    for j = 1, p do
      local b = fit.coef[j]
      local s = b == b and math.sqrt(V:get(j, j)) or 0 / 0
      sev:set(j, 1, s); tv:set(j, 1, b / s); pv:set(j, 1, pvalue(b / s, df))
    end
    fit.vcov, fit.se, fit.t, fit.p = V, sev, tv, pv
  end
  fit.first_stage = first_stage(x, z, names)
  fit.first_stage_f = {}
  for i, fs in ipairs(fit.first_stage) do fit.first_stage_f[i] = fs.f end
  return fit
end
help.doc(M.iv, "regress.iv", [[regress.iv{ y =, x =, z = [, se=, cluster=, cluster_type=, weights=, intercept=true,
  na=, min_norm=] }
  or regress.iv{ formula = "y ~ x1 + x2 | z1 + z2", data = df }
Two-stage least squares, as AER::ivreg: the intercept and any column of x that is
also a column of z are exogenous; residuals use the original x. se = "classical",
"HC0".."HC5" as sandwich::vcovHC (HC2.. with AER's hat values); cluster = ids, or several
({ids1, ids2}, {"state", "year"}), as vcovCL, with cluster_type = "HC0" (the default,
vcovCL's for ivreg) or "HC1". .first_stage_f has one F per
endogenous column. min_norm = true accepts under-identified models (minimum-norm
coefficients, no standard errors). Of collinear columns of x the later is aliased
(coefficient NaN, listed in .aliased), as AER::ivreg; ivl and anchor do the same.
A formula fit predicts on a frame. weights = (positive; a vector or, with data =, a
column name) as AER::ivreg's: both stages weighted, sigma^2 = sum w e^2 / (n - p),
residuals y - X b; fit:diagnostics() gives the weak-instrument, Wu-Hausman and Sargan tests.]])

local ivl_opts = set{ "y", "x", "z", "formula", "data", "intercept", "alpha", "na", "names",
  "folds", "alphas", "rng" }

-- the default grid for cross-validating alpha: 2SLS, a log grid, OLS
local function default_alphas()
  local a = { 0 }
  for e = -4, 4, 0.5 do a[#a + 1] = 10 ^ e end
  a[#a + 1] = math.huge
  return a
end

--- regress.ivl{ y =, x =, z = [, alpha=] }: IV-like regression.
function M.ivl(t)
  local fn = "regress.ivl"
  checkopts(fn, t, ivl_opts)
  local d = getdata(fn, t, "z")
  local y, x, z = d.y, d.x, d.z
  local n, p = x:rows(), x:cols()
  if n <= p then fail(fn, "%d usable rows for %d coefficients", n, p) end
  local alpha, cv = t.alpha, nil
  if alpha ~= nil and (type(alpha) ~= "number" or not (alpha >= 0)) then
    fail(fn, "alpha must be a number >= 0, got %s", tostring(alpha))
  end
  if alpha == nil then
    local K = t.folds or 5
    if math.type(K) ~= "integer" or K < 2 or K > n then fail(fn, "folds must be an integer from 2 to n") end
    local grid = t.alphas or default_alphas()
    if type(grid) ~= "table" or #grid == 0 then fail(fn, "alphas must be a non-empty array of numbers >= 0") end
    for k = 1, #grid do
      if type(grid[k]) ~= "number" or not (grid[k] >= 0) then
        fail(fn, "alphas[%d] must be a number >= 0 (inf allowed), got %s", k, tostring(grid[k]))
      end
    end
    local r = t.rng or require("orrery.rng").default
    local perm = r:permutation(n)
    local folds = mat.new(n, 1)
    for i = 1, n do folds:set(perm[i], 1, (i - 1) % K + 1) end
    local risk = C._cv_alpha(x, y, z, folds, mat.vec(grid))
    local best = 1
    for k = 2, #grid do if risk[k] < risk[best] then best = k end end
    alpha = grid[best]
    cv = { alphas = grid, risk = risk, folds = K }
  end
  local function solve(xs)
    if alpha == 0 then
      local c, _, _, rk = C._tsls(xs, y, z)
      return c, rk
    end
    return C._anchor(xs, y, z, alpha == math.huge and 1 or 1 + 1 / alpha)
  end
  local coef, rank = solve(x)
  local xk, ck, rk, aliased, full = alias_refit(x, y, coef, rank, solve)
  local resid = residuals(y, xk, ck)
  return newfit{ _terms = d.terms,
    title = "IV-like regression", coef = full or ck, names = d.names, n = n,
    n_dropped = d.n_dropped, rank = rk, aliased = aliased, alpha = alpha, cv = cv,
    resid = resid, fitted = y - resid, df_residual = n - xk:cols(),
  }
end
help.doc(M.ivl, "regress.ivl", [[regress.ivl{ y =, x =, z = [, alpha=, folds=5, alphas=, rng=] }
IV-like regression ("Causal effect estimation using outcome invariant data
augmentation"): b = argmin ||P_Z r||^2 + alpha ||r||^2; alpha = 0 is 2SLS,
alpha = math.huge is OLS, and IVL(alpha) = anchor(gamma = 1 + 1/alpha). Without
alpha, K-fold cross-validation of the held-out IV risk ||P_Z(y - X b)||^2 over
the grid alphas (default 0, 10^-4 .. 10^4, inf) chooses it; .alpha and .cv report it.]])

local anchor_opts = set{ "y", "x", "a", "formula", "data", "intercept", "gamma", "na", "names" }

--- regress.anchor{ y =, x =, a =, gamma = }
function M.anchor(t)
  local fn = "regress.anchor"
  checkopts(fn, t, anchor_opts)
  local gamma = t.gamma
  if type(gamma) ~= "number" or not (gamma >= 0) or gamma == math.huge then
    fail(fn, "gamma must be a finite number >= 0, got %s", tostring(gamma))
  end
  local d = getdata(fn, t, "a")
  local y, x, a = d.y, d.x, d.z
  local n, p = x:rows(), x:cols()
  if n <= p then fail(fn, "%d usable rows for %d coefficients", n, p) end
  local function solve(xs) return C._anchor(xs, y, a, gamma) end
  local coef, rank = solve(x)
  local xk, ck, rk, aliased, full = alias_refit(x, y, coef, rank, solve)
  local resid = residuals(y, xk, ck)
  return newfit{ _terms = d.terms,
    title = "Anchor regression", coef = full or ck, names = d.names, n = n,
    n_dropped = d.n_dropped, rank = rk, aliased = aliased, gamma = gamma,
    resid = resid, fitted = y - resid, df_residual = n - xk:cols(),
  }
end
help.doc(M.anchor, "regress.anchor", [[regress.anchor{ y =, x =, a =, gamma = [, intercept=true, na=] }
Anchor regression (Rothenhausler et al. 2021): minimises ||(I-P_A) r||^2 + gamma ||P_A r||^2;
gamma = 1 is OLS, gamma -> inf approaches 2SLS with instruments a.]])

-- shared with the other parts (stdlib/regress/sketch.lua)
C.getdata = getdata
C.newfit = newfit
