-- surv, the Cox part: survival curves from a fitted Cox model at covariate
-- rows, as R's survfit(coxph, newdata): one curve per row (per stratum of a
-- stratified model), with standard errors and confidence bands. The base
-- curves come from the fit (C half: cox_basecurve); the expansion at the rows
-- is C._coxcurve (modules/surv/coxsurv.c).
local M, C = ...
local mat = require "orrery.mat"
local stats = require "orrery.stats"
local help = require "orrery.help"
local args = require "orrery.args"
local P = require "orrery.printing"

local doc = help.doc
local fail, set, checkopts = args.fail, args.set, args.checkopts
local is_mat, is_frame = args.is_mat, args.is_frame
local COX = C.COX

local conf_types, row_at, as_na = C.conf_types, C.row_at, C.as_na

local CURVE = {}
CURVE.__index = CURVE
CURVE.__name = "surv.cox_curve"

local CURVES = {}
CURVES.__index = CURVES
CURVES.__name = "surv.cox_curves"

function CURVE:at(t)
  local fn = "surv.cox_curve:at"
  if type(t) ~= "number" or t ~= t then fail(fn, "t must be a number") end
  local i, r = row_at(self.time, t), self.surv:cols()
  local out = { surv = {}, se = {}, lower = {}, upper = {}, cumhaz = {} }
  for j = 1, r do
    if i == 0 then
      out.surv[j], out.se[j], out.lower[j], out.upper[j], out.cumhaz[j] = 1, 0, 1, 1, 0
    else
      out.surv[j], out.se[j] = self.surv:get(i, j), self.se:get(i, j)
      out.lower[j], out.upper[j] = self.lower:get(i, j), self.upper:get(i, j)
      out.cumhaz[j] = self.cumhaz:get(i, j)
    end
  end
  for k, v in pairs(out) do out[k] = mat.vec(v) end
  return out
end
doc(CURVE.at, "surv.cox_curve:at", [[curve:at(t) -> {surv =, se =, lower =, upper =, cumhaz =}: each a
vector with one entry per covariate row, the curves at time t (step functions, right-continuous;
surv 1 and se 0 before the first time, the last value after the last time), as
summary(survfit(coxph, newdata), times = t). se is the standard error of S(t).]])

function CURVE:median()
  local q = C._quantile
  local out = { median = {}, lower = {}, upper = {} }
  for j = 1, self.surv:cols() do
    out.median[j] = q(self.time, self.surv:col(j), 0.5)
    out.lower[j] = q(self.time, self.lower:col(j), 0.5)
    out.upper[j] = q(self.time, self.upper:col(j), 0.5)
  end
  return mat.vec(out.median), mat.vec(out.lower), mat.vec(out.upper)
end
doc(CURVE.median, "surv.cox_curve:median", [[curve:median() -> median, lower, upper: vectors with one
entry per covariate row, R's quantile rule as surv.km:median (NaN when not reached)]])

-- print.survfit's table (digits 3): n, events, median and its limits per curve
local function curve_rows(c, names, cols, prefix)
  local med, lo, hi = c:median()
  local ev = 0
  for k = 1, #c.n_event do ev = ev + c.n_event[k] end
  for j = 1, c.surv:cols() do
    local i = #names + 1
    names[i] = prefix .. (c.rownames and c.rownames[j] or tostring(j))
    cols[1][i], cols[2][i], cols[3][i], cols[4][i], cols[5][i] =
      c.n, ev, as_na(med[j]), as_na(lo[j]), as_na(hi[j])
  end
end

local function curve_table(list, prefixes)
  local names, cols = {}, { {}, {}, {}, {}, {} }
  for k, c in ipairs(list) do curve_rows(c, names, cols, prefixes[k]) end
  local lv = P.num(list[1].level)
  return P.columns(names, { "n", "events", "median", lv .. "LCL", lv .. "UCL" }, cols, 3)
end

function CURVE.__tostring(c)
  local head = "Survival curves from a Cox model"
  if c.stratum then head = head .. ", stratum " .. c.stratum end
  return head .. "\n" .. curve_table({ c }, { "" })
end
P.guard(CURVE, "cox:survfit")  -- tostring never raises (an incomplete object)

function CURVES.__tostring(g)
  local list, pre = {}, {}
  for k, key in ipairs(g.levels) do
    list[k] = g[key]
    pre[k] = (g.by_row and "" or tostring(key) .. ", ")
  end
  return "Survival curves from a stratified Cox model\n" .. curve_table(list, pre)
end
P.guard(CURVES, "cox:survfit")  -- tostring never raises (an incomplete object)

-- the base-curve rows of stratum code s (0-based): first, last
local function stratum_range(sc, s)
  local a, b
  for i = 1, #sc.strata do
    if sc.strata[i] == s then
      a = a or i; b = i
    elseif a then break end
  end
  return a, b
end

local function slice(v, a, b)
  local idx = {}
  for i = a, b do idx[#idx + 1] = i end
  return v:rows_of(idx)
end

-- one curve object for stratum code s at the rows X
local function make_curve(fit, s, X, z, ctype, conf, level)
  local sc = fit._sc
  local a, b = stratum_range(sc, s)
  if a == nil then return nil end
  local idx = {}
  for i = a, b do idx[#idx + 1] = i end
  local beta = {}
  for j = 1, fit.p do beta[j] = fit.aliased[j] and 0 or fit.coef[j] end
  local cumhaz = sc.cumhaz:rows_of(idx)
  local S, H, seH, lo, hi = C._coxcurve("surv.cox:survfit", cumhaz, sc.cumvh:rows_of(idx),
    sc.cumA:cols_of(idx), fit.vcov, X, sc.center, mat.vec(beta), z, ctype)
  local se = mat.zeros(S:rows(), S:cols())
  for j = 1, S:cols() do
    for i = 1, S:rows() do se:set(i, j, S:get(i, j) * seH:get(i, j)) end
  end
  local c = {
    time = slice(sc.time, a, b), n_risk = slice(sc.nrisk, a, b), n_event = slice(sc.nevent, a, b),
    n_censor = slice(sc.ncens, a, b), surv = S, cumhaz = H, se = se, se_cumhaz = seH,
    lower = lo, upper = hi, conf = conf, level = level,
  }
  local n = 0
  for i = 1, #c.n_event do n = n + c.n_event[i] + c.n_censor[i] end
  c.n = n
  return setmetatable(c, CURVE)
end

-- the stratum code (0-based) of a level given as its label or its number
local function level_code(fn, levels, v)
  local key = v
  if type(v) == "number" then
    key = (v == math.floor(v) and math.abs(v) < 2^53) and string.format("%d", v) or P.num(v)
  end
  for k, lv in ipairs(levels) do
    if tostring(lv) == tostring(key) then return k - 1 end
  end
  fail(fn, "'%s' is not a stratum of the model (levels: %s)", tostring(v), table.concat(levels, ", "))
end

local allowed = set{ "strata", "conf", "level" }

function COX:survfit(X, opts)
  local fn = "surv.cox:survfit"
  opts = checkopts(fn, opts, allowed)
  if self._sc == nil then fail(fn, "this fit has no base curves") end
  local conf = opts.conf or "log"
  local ctype = conf_types[conf]
  if ctype == nil then fail(fn, "conf must be \"log\", \"log-log\" or \"plain\", got %s", tostring(conf)) end
  local level = opts.level or 0.95
  if type(level) ~= "number" or not (level > 0 and level < 1) then fail(fn, "level must be a number in (0, 1)") end
  local z = stats.qnorm(1 - (1 - level) / 2)
  if X == nil then fail(fn, "X (rows of covariates) is missing") end
  local frame = X
  X = C.cox_design(self, X, fn)
  local nr = X:rows()
  if nr == 0 then fail(fn, "X has no rows") end
  local levels = self.strata_levels
  if levels == nil then
    if opts.strata ~= nil then fail(fn, "strata = needs a stratified model") end
    return make_curve(self, 0, X, z, ctype, conf, level)
  end
  local st = opts.strata
  -- a formula fit with one strata() variable: the frame's column, when present
  if st == nil and self._formula and is_frame(frame) then
    local _, count = self._formula:gsub("strata%s*%(", "")
    local name = self._formula:match("strata%s*%(%s*([%a_][%w_%.]*)%s*%)")
    if count == 1 and name and frame[name] ~= nil then st = frame[name] end
  end
  if st == nil then   -- every stratum at every row
    local out = { levels = {} }
    for k, lv in ipairs(levels) do
      local c = make_curve(self, k - 1, X, z, ctype, conf, level)
      if c then
        c.stratum = lv
        out[lv] = c
        out.levels[#out.levels + 1] = lv
      end
    end
    return setmetatable(out, CURVES)
  end
  if type(st) == "string" or type(st) == "number" then
    local s = level_code(fn, levels, st)
    local c = make_curve(self, s, X, z, ctype, conf, level)
    c.stratum = levels[s + 1]
    return c
  end
  -- one stratum per row: one single-row curve per row
  local vals
  if is_mat(st) then vals = {} for i = 1, #st do vals[i] = st[i] end
  elseif args.is_factor(st) then
    vals = {}
    for i = 1, #st.codes do vals[i] = st.levels[st.codes[i]] end
  elseif type(st) == "table" then vals = st
  else fail(fn, "strata must be a level or an array of levels, one per row") end
  if #vals ~= nr then fail(fn, "strata has %d entries but X has %d rows", #vals, nr) end
  local out = { levels = {}, by_row = true }
  for i = 1, nr do
    local s = level_code(fn, levels, vals[i])
    local c = make_curve(self, s, X:rows_of{ i }, z, ctype, conf, level)
    c.stratum = levels[s + 1]
    c.rownames = { tostring(i) .. " (" .. levels[s + 1] .. ")" }
    out[i] = c
    out.levels[i] = i
  end
  return setmetatable(out, CURVES)
end
doc(COX.survfit, "surv.cox:survfit", [[fit:survfit(X [, {strata =, conf = "log"|"log-log"|"plain", level = 0.95}])
  -> a curve {time, n_risk, n_event, n_censor, surv, cumhaz, se, se_cumhaz, lower, upper, n, level}
Survival curves of the fitted Cox model at the covariate rows of X (a matrix, an array of rows, or a
frame for a formula fit), as R's survfit(coxph, newdata): surv[k, i] = S(time[k] | row i) =
exp(-H0(t) exp((x - means)'beta)) with the fit's tie method (Efron's or Breslow's hazard), se the
standard error of S (the delta method on Tsiatis' variance of the cumulative hazard, which counts the
uncertainty of beta; se_cumhaz is R's std.err), and limits on the conf scale (R's default "log").
The variance is fit.vcov: the robust one when the fit is robust, as R. Methods :at(t), :median().
A stratified model: without strata =, a table of curves keyed by stratum label (.levels), each at
every row (as R's curves per stratum); strata = a level (its label or number) gives that stratum's
curve; strata = an array (or factor) with one level per row gives one single-row curve per row
(out[i]), as R's newdata with the strata column. A formula fit with one strata() variable reads it
from X when X is a frame with that column.]])

return M
