-- surv: survival analysis, the friendly layer over modules/surv (lsurv.c):
-- Kaplan-Meier, Nelson-Aalen, log-rank and Cox models (option tables,
-- groups, formulas, printing). Option checking, status coding and groups
-- come from orrery.args, numbers are printed by orrery.printing, p-values
-- and quantiles come from orrery.stats.
--
-- The parametric half, surv.fit, is the part stdlib/surv/fit.lua, required at
-- the end of this file.
local M, C = ...
local mat = require "orrery.mat"
local stats = require "orrery.stats"
local help = require "orrery.help"
local args = require "orrery.args"
local P = require "orrery.printing"

local doc = help.doc
local fail, set, checkopts = args.fail, args.set, args.checkopts
local is_mat, is_factor = args.is_mat, args.is_factor

local UPPER = { lower = false }

-- P(X > x) for a chi-square with df degrees of freedom; NaN without any
local function pchisq(x, df)
  if not (df > 0) then return 0 / 0 end
  return stats.pchisq(x, df, UPPER)
end

local function check_dropped(fn, na, dropped)
  if na == "fail" and dropped > 0 then
    fail(fn, "%d row%s with missing values (na = \"fail\")", dropped, dropped == 1 and "" or "s")
  end
end

-- The length of a vector-like argument (mat, factor, Lua array).
local function vlen(v)
  if is_mat(v) then return #v end
  if is_factor(v) then return #v.codes end
  if type(v) == "table" then return #v end
  return nil
end

-- Codes a grouping variable for the C half: codes (n x 1 mat, 0-based,
-- NaN = missing) and levels (args.groups' order).
local function group_codes(fn, what, g, n)
  local codes, levels = args.groups(fn, g, what, n, "'time'")
  return codes - 1, levels
end

local function label(v)
  if type(v) == "number" and v == math.floor(v) and math.abs(v) < 2^53 then
    return string.format("%d", v)
  end
  return tostring(v)
end

-- NaN as R's NA: a quantity that is undefined here (a median not reached)
local function as_na(v)
  if v == nil or v ~= v then return P.NA end
  return v
end

-- ------------------------------------------------------------------ formulas

-- Parses "Surv(time, status) ~ rhs" (or Surv(start, stop, status)):
-- returns the column names and the right-hand side terms (strings).
local function parse_surv_formula(fn, f)
  if type(f) ~= "string" then fail(fn, "formula must be a string") end
  local lhs, rhs = f:match("^%s*(.-)%s*~%s*(.-)%s*$")
  if not lhs then fail(fn, "formula '%s' has no '~'", f) end
  local inner = lhs:match("^Surv%s*%((.*)%)$")
  if not inner then fail(fn, "the left side of '%s' must be Surv(time, status)", f) end
  local cols = {}
  for a in (inner .. ","):gmatch("%s*([^,]-)%s*,") do cols[#cols + 1] = a end
  if #cols ~= 2 and #cols ~= 3 then fail(fn, "Surv() takes (time, status) or (start, stop, status)") end
  local terms = {}
  for t in (rhs .. "+"):gmatch("%s*([^+]-)%s*%+") do
    if t ~= "" and t ~= "1" then terms[#terms + 1] = t end
  end
  return cols, terms
end

local function column(fn, df, name)
  local v = df[name]
  if v == nil then fail(fn, "no column '%s' in data", name) end
  return v
end

-- For km/na/logrank: {formula =, data =, ...} -> time, status, group, strata, opts.
local function from_formula(fn, spec, allowed)
  local df = spec.data
  if df == nil then fail(fn, "formula needs data =") end
  local cols, terms = parse_surv_formula(fn, spec.formula)
  if #cols == 3 and not allowed.start then
    fail(fn, "counting-process Surv(start, stop, status) is for surv.cox")
  end
  local opts = {}
  for k, v in pairs(spec) do
    if k ~= "formula" and k ~= "data" then
      if not allowed[k] then fail(fn, "unknown option '%s'", k) end
      -- options that take a column may name it
      if (k == "group" or k == "strata" or k == "weights") and type(v) == "string" then v = column(fn, df, v) end
      opts[k] = v
    end
  end
  local group, strata
  for _, t in ipairs(terms) do
    local s = t:match("^strata%s*%(%s*([%w_%.]+)%s*%)$")
    if s then
      if strata then fail(fn, "only one strata() term is supported") end
      strata = column(fn, df, s)
    else
      local name = t:match("^factor%s*%(%s*([%w_%.]+)%s*%)$") or t
      if not name:match("^[%a_][%w_%.]*$") then fail(fn, "term '%s' must be a column name", t) end
      if group then fail(fn, "only one grouping variable is supported, got '%s' too", t) end
      group = column(fn, df, name)
    end
  end
  if #cols == 3 then
    if opts.start ~= nil then fail(fn, "give start either in Surv() or as start =") end
    opts.start = column(fn, df, cols[1])
    return column(fn, df, cols[2]), column(fn, df, cols[3]), group, strata, opts
  end
  return column(fn, df, cols[1]), column(fn, df, cols[2]), group, strata, opts
end

-- ------------------------------------------------------------ Kaplan-Meier

local KM = {}
KM.__index = KM
KM.__name = "surv.km"

local conf_types = { plain = 0, log = 1, ["log-log"] = 2 }

local function zvalue(fn, level)
  level = level or 0.95
  if type(level) ~= "number" or not (level > 0 and level < 1) then
    fail(fn, "level must be a number in (0, 1)")
  end
  return stats.qnorm(1 - (1 - level) / 2), level
end

--- km:median() -> median, lower, upper
function KM:median()
  local q = C._quantile
  return q(self.time, self.surv, 0.5), q(self.time, self.lower, 0.5), q(self.time, self.upper, 0.5)
end

function KM:quantile(p)
  local q = C._quantile
  if type(p) ~= "number" or not (p >= 0 and p <= 1) then  -- as R's quantile.survfit
    error(string.format("surv.km:quantile: p must be a probability in [0, 1], got %s", tostring(p)), 2)
  end
  return q(self.time, self.surv, p), q(self.time, self.lower, p), q(self.time, self.upper, p)
end

-- The last row with time <= t (0 when t is before the first time).
local function row_at(times, t)
  local lo, hi = 0, #times
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if times[mid] <= t then lo = mid else hi = mid - 1 end
  end
  return lo
end

local function at1(k, t)
  local i = row_at(k.time, t)
  if i == 0 then return 1, 0, 1, 1 end
  return k.surv[i], k.se[i], k.lower[i], k.upper[i]
end

function KM:at(t)
  local fn = "surv.km:at"
  if type(t) == "number" then
    if t ~= t then fail(fn, "t is NaN") end
    local s, se, lo, hi = at1(self, t)
    return { surv = s, se = se, lower = lo, upper = hi }
  end
  if type(t) ~= "table" then fail(fn, "t must be a number or an array of numbers") end
  local n = vlen(t)
  if n == nil or n == 0 then fail(fn, "t must be a number or a non-empty array of numbers") end
  local tt, s, se, lo, hi = {}, {}, {}, {}, {}
  for j = 1, n do
    local v = t[j]
    if type(v) ~= "number" or v ~= v then fail(fn, "t element %d is not a number", j) end
    tt[j] = v
    s[j], se[j], lo[j], hi[j] = at1(self, v)
  end
  return { time = mat.vec(tt), surv = mat.vec(s), se = mat.vec(se), lower = mat.vec(lo), upper = mat.vec(hi) }
end
doc(KM.median, "surv.km:median", [[km:median() -> median, lower, upper: the first time where
S(t) drops below 0.5 (the midpoint of the interval where S(t) is exactly 0.5, if any: R's
print.survfit rule), and the same for the confidence limits. NaN when not reached.]])
doc(KM.quantile, "surv.km:quantile", [[km:quantile(p) -> q, lower, upper: the time where the
curve reaches 1 - p, with R's quantile.survfit rule (as :median() for p = 0.5).]])
doc(KM.at, "surv.km:at", [[km:at(t) -> {surv =, se =, lower =, upper =}: the curve at time t
(a step function, right-continuous; 1 before the first time), as summary(survfit, times = t).
km:at{t1, t2, ...} -> {time =, surv =, se =, lower =, upper =}, each a vector over the times
(in the order given; summary(survfit, times =) with extend = TRUE past the last time).]])

-- print.survfit's table (digits 3): n, events, median and its interval,
-- one row per curve; a median not reached is NA
local function km_table(curves, rownames)
  local cols = { {}, {}, {}, {}, {} }
  for i, k in ipairs(curves) do
    local med, lo, hi = k:median()
    local ev = 0
    for r = 1, #k.n_event do ev = ev + k.n_event[r] end
    cols[1][i], cols[2][i], cols[3][i], cols[4][i], cols[5][i] = k.n, ev, as_na(med), as_na(lo), as_na(hi)
  end
  local lv = P.num(curves[1].level)
  return P.columns(rownames, { "n", "events", "median", lv .. "LCL", lv .. "UCL" }, cols, 3)
end

local function deleted(n)
  return string.format("%d observation%s deleted due to missingness", n, n == 1 and "" or "s")
end

function KM.__tostring(k)
  local head = "Kaplan-Meier estimate"
  if k.n_dropped > 0 then head = head .. " (" .. deleted(k.n_dropped) .. ")" end
  return head .. "\n" .. km_table({ k })
end
P.guard(KM, "surv.km")  -- tostring never raises (an incomplete object)

local KMG = {}
KMG.__index = KMG
KMG.__name = "surv.km_groups"

function KMG.__tostring(g)
  local head = "Kaplan-Meier estimates by group"
  if g.n_dropped > 0 then head = head .. " (" .. deleted(g.n_dropped) .. ")" end
  local names, curves = {}, {}
  for _, lv in ipairs(g.levels) do
    names[#names + 1] = (g.group_name and g.group_name .. "=" or "") .. label(lv)
    curves[#curves + 1] = g[lv]
  end
  return head .. "\n" .. km_table(curves, names)
end
P.guard(KMG, "surv.km")  -- tostring never raises (an incomplete object)

-- for the parts (stdlib/surv/km.lua adds methods)
C.KM, C.KMG, C.label, C.deleted = KM, KMG, label, deleted
C.from_formula, C.parse_surv_formula, C.zvalue, C.check_dropped = from_formula, parse_surv_formula, zvalue,
  check_dropped
C.conf_types, C.row_at, C.vlen, C.as_na = conf_types, row_at, vlen, as_na

local km_allowed = set{ "group", "conf", "level", "na", "weights", "start", "robust" }

function M.km(time, status, opts)
  local fn = "surv.km"
  local group_name
  if type(time) == "table" and not is_mat(time) and time.formula ~= nil then
    local spec = time
    if status ~= nil then fail(fn, "with formula = give the options in the same table") end
    local g, strata
    time, status, g, strata, opts = from_formula(fn, spec, km_allowed)
    if strata then fail(fn, "strata() is for surv.logrank; use a grouping variable") end
    if g ~= nil then
      if opts.group ~= nil then fail(fn, "give the group either in the formula or as group =") end
      opts.group = g
    end
    local _, terms = parse_surv_formula(fn, spec.formula)
    group_name = terms[1] and (terms[1]:match("^factor%s*%(%s*([%w_%.]+)") or terms[1])
  end
  opts = checkopts(fn, opts, km_allowed)
  local na_rule = args.na(fn, opts.na)
  local ctype = conf_types[opts.conf or "log"]
  if ctype == nil then fail(fn, "conf must be \"log\", \"log-log\" or \"plain\", got %s", tostring(opts.conf)) end
  local z, level = zvalue(fn, opts.level)
  local st = args.status(status, fn)
  local n = vlen(time)
  if n == nil then fail(fn, "'time' must be a vector or an array of numbers") end
  local weights = args.vec(fn, opts.weights, "weights")
  local start = args.vec(fn, opts.start, "start")
  local robust = opts.robust
  if robust ~= nil and type(robust) ~= "boolean" then fail(fn, "robust must be true or false") end
  if robust == nil then   -- survfit's default: the jackknife with non-integer weights
    robust = false
    for i = 1, weights and #weights or 0 do
      local w = weights[i]
      if w == w and w ~= math.floor(w) then robust = true; break end
    end
  end
  local function finish(k)
    k.conf, k.level, k.robust, k.weighted, k.counting = opts.conf or "log", level, robust,
      weights ~= nil, start ~= nil
    return setmetatable(k, KM)
  end
  if opts.group == nil then
    local k = C._km(fn, time, st, z, ctype, nil, nil, start, weights, robust)
    check_dropped(fn, na_rule, k.n_dropped)
    if k.n == 0 then fail(fn, "no complete rows") end
    return finish(k)
  end
  local codes, levels = group_codes(fn, "group", opts.group, n)
  local out = { levels = levels, group_name = group_name }
  for j, lv in ipairs(levels) do
    local k = finish(C._km(fn, time, st, z, ctype, codes, j - 1, start, weights, robust))
    out[lv] = k
    out.n_dropped = k.n_dropped
  end
  check_dropped(fn, na_rule, out.n_dropped or 0)
  return setmetatable(out, KMG)
end
doc(M.km, "surv.km", [[surv.km(time, status [, {group=, conf="log"|"log-log"|"plain", level=0.95, na="omit",
  weights=, start=, robust=}])
  or surv.km{formula = "Surv(time, status) ~ group", data = df, weights = "w", ...}
  or surv.km{formula = "Surv(start, stop, status) ~ 1", data = df}   (delayed entry)
Kaplan-Meier estimate, as R's survfit: .time .surv .se (SE of S, Greenwood) .lower .upper
.n_risk .n_event .n_censor .cumhaz; :median() -> median, lower, upper; :at(t) -> {surv, se, lower, upper};
:at{t1, t2, ...}; :rmean(tau) -> {rmean, se}.
weights: case weights >= 0 (n_risk and n_event are weighted sums). With non-integer weights the
standard errors are the infinitesimal jackknife (robust = true), as survfit's default; robust = false
gives Greenwood's formula on the weighted counts. start: entry times (at risk on (start, stop]),
each < its stop time.
With group: a table of estimates keyed by level, plus .levels.
Times must be >= 0 as in R's Surv (0 is a time); a negative or infinite time is an error, NaN is missing.]])

-- ------------------------------------------------------------ Nelson-Aalen

local NA = {}
NA.__index = NA
NA.__name = "surv.na"

function NA.__tostring(a)
  local m = #a.time
  local show = math.min(m, 10)
  local names, cols = {}, { {}, {}, {}, {}, {} }
  for i = 1, show do
    names[i] = ""
    cols[1][i], cols[2][i], cols[3][i], cols[4][i], cols[5][i] =
      a.time[i], a.n_risk[i], a.n_event[i], a.cumhaz[i], a.se[i]
  end
  local s = "Nelson-Aalen cumulative hazard (" .. label(a.n) .. " observations"
    .. (a.n_dropped > 0 and (", " .. label(a.n_dropped) .. " deleted due to missingness") or "") .. ")\n"
    .. P.columns(names, { "time", "n.risk", "n.event", "cumhaz", "std.err" }, cols, 4)
  if m > show then s = s .. "\n... " .. (m - show) .. " more times" end
  return s
end
P.guard(NA, "surv.na")  -- tostring never raises (an incomplete object)

function M.na(time, status, opts)
  local fn = "surv.na"
  local allowed = set{ "na" }
  if type(time) == "table" and not is_mat(time) and time.formula ~= nil then
    local g, strata
    time, status, g, strata, opts = from_formula(fn, time, allowed)
    if g or strata then fail(fn, "grouping is not supported; use Surv(time, status) ~ 1") end
  end
  opts = checkopts(fn, opts, allowed)
  local na_rule = args.na(fn, opts.na)
  local st = args.status(status, fn)
  local k = C._km(fn, time, st, 1.96, 1)
  check_dropped(fn, na_rule, k.n_dropped)
  return setmetatable({ time = k.time, cumhaz = k.cumhaz, se = k.se_cumhaz, n_risk = k.n_risk,
    n_event = k.n_event, n = k.n, n_dropped = k.n_dropped }, NA)
end
doc(M.na, "surv.na", [[surv.na(time, status [, {na=}]) -> Nelson-Aalen cumulative hazard:
.time .cumhaz .se (sqrt of sum d/n^2, R's std.chaz) .n_risk .n_event
Times must be >= 0 as in R's Surv (0 is a time); a negative or infinite time is an error, NaN is missing.]])

-- ------------------------------------------------------------ log-rank

local LR = {}
LR.__index = LR
LR.__name = "surv.logrank"

-- print.survdiff (digits 3): the table, then the test with the statistic
-- to one decimal and format.pval's p-value (digits 1, as there)
function LR.__tostring(t)
  local names, cols = {}, { {}, {}, {}, {}, {} }
  for j, lv in ipairs(t.levels) do
    local o, e = t.observed[j], t.expected[j]
    names[j] = (t.group_name and t.group_name .. "=" or "") .. label(lv)
    cols[1][j], cols[2][j], cols[3][j] = t.n_group[j], o, e
    cols[4][j], cols[5][j] = (o - e) ^ 2 / e, (o - e) ^ 2 / t.var:get(j, j)
  end
  local s = P.columns(names, { "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V" }, cols, 3)
  if t.n_dropped > 0 then s = s .. "\n " .. deleted(t.n_dropped) end
  return (t.rho ~= 0 and ("G-rho test, rho = " .. P.num(t.rho) .. "\n") or "Log-rank test\n") .. s ..
    string.format("\n\n Chisq= %s  on %d degrees of freedom, p= %s", P.num(P.round(t.chisq, 1)), t.df,
      P.pval(t.p, 1)[1])
end
P.guard(LR, "surv.logrank")  -- tostring never raises (an incomplete object)

local lr_allowed = set{ "rho", "strata", "na" }

function M.logrank(time, status, group, opts)
  local fn = "surv.logrank"
  local group_name
  if type(time) == "table" and not is_mat(time) and time.formula ~= nil then
    if status ~= nil then fail(fn, "with formula = give the options in the same table") end
    local spec = time
    local strata
    time, status, group, strata, opts = from_formula(fn, spec, lr_allowed)
    if group == nil then fail(fn, "the formula needs a grouping variable") end
    if strata ~= nil then
      if opts.strata ~= nil then fail(fn, "give strata either in the formula or as strata =") end
      opts.strata = strata
    end
    local _, terms = parse_surv_formula(fn, spec.formula)
    for _, t in ipairs(terms) do
      if not t:match("^strata") then group_name = t:match("^factor%s*%(%s*([%w_%.]+)") or t end
    end
  end
  opts = checkopts(fn, opts, lr_allowed)
  local na_rule = args.na(fn, opts.na)
  local rho = opts.rho or 0
  if type(rho) ~= "number" or rho ~= rho or rho < 0 then fail(fn, "rho must be a number >= 0") end
  local st = args.status(status, fn)
  local n = vlen(time)
  if n == nil then fail(fn, "'time' must be a vector or an array of numbers") end
  local codes, levels = group_codes(fn, "group", group, n)
  local scodes, slevels
  if opts.strata ~= nil then scodes, slevels = group_codes(fn, "strata", opts.strata, n) end
  local r = C._logrank(fn, time, st, codes, #levels, scodes, slevels and #slevels, rho)
  r.p = pchisq(r.chisq, r.df)
  check_dropped(fn, na_rule, r.n_dropped)
  r.levels, r.rho, r.group_name = levels, rho, group_name
  return setmetatable(r, LR)
end
doc(M.logrank, "surv.logrank", [[surv.logrank(time, status, group [, {rho=0, strata=, na=}])
  or surv.logrank{formula = "Surv(time, status) ~ group + strata(s)", data = df, rho =}
G-rho test as R's survdiff (rho = 0 log-rank, rho = 1 Peto-Peto; weights S(t-)^rho):
.chisq .df .p .observed .expected (per group, summed over strata) .var .levels
Times must be >= 0 as in R's Surv (0 is a time); a negative or infinite time is an error, NaN is missing.]])

-- ------------------------------------------------------------ Cox

local COX = {}
COX.__index = COX
COX.__name = "surv.cox"
C.COX = COX   -- for the parts (stdlib/surv/coxsurv.lua)

local function test(stat, df)
  return { stat = stat, df = df, p = pchisq(stat, df) }
end

local colvec = mat.vec

local cox_allowed = set{ "time", "status", "x", "start", "ties", "strata", "weights", "robust",
  "cluster", "na", "names", "formula", "data", "maxiter", "eps", "zph", "frailty", "theta" }

function M.cox(spec)
  local fn = "surv.cox"
  if type(spec) ~= "table" or is_mat(spec) then fail(fn, "expects a table {time =, status =, x = ...}") end
  checkopts(fn, spec, cox_allowed)
  local na = args.na(fn, spec.na)
  local ties = spec.ties or "efron"
  if ties ~= "efron" and ties ~= "breslow" and ties ~= "exact" then
    fail(fn, "ties must be \"efron\", \"breslow\" or \"exact\", got %s", tostring(ties))
  end
  local robust = spec.robust
  if robust ~= nil and type(robust) ~= "boolean" then fail(fn, "robust must be a boolean") end
  local maxiter = spec.maxiter or 20
  if math.type(maxiter) ~= "integer" or maxiter < 0 then fail(fn, "maxiter must be an integer >= 0") end
  local eps = spec.eps or 1e-9
  if type(eps) ~= "number" or not (eps > 0) then fail(fn, "eps must be a positive number") end
  local time, status, x, start, names, strata, weights, cluster, mf, strata_levels, frailty
  local n_dropped_pre = 0
  if spec.formula ~= nil then
    if spec.data == nil then fail(fn, "formula needs data =") end
    for _, k in ipairs{ "time", "status", "x", "start" } do
      if spec[k] ~= nil then fail(fn, "give either formula = or %s =, not both", k) end
    end
    local formula = require "orrery.formula"
    local extra = {}
    for _, k in ipairs{ "weights", "cluster", "strata", "frailty" } do
      if type(spec[k]) == "string" then extra[#extra + 1] = spec[k] end
    end
    local ok, res = pcall(formula.model_frame, spec.formula, spec.data,
      { na = na, intercept = false, extra = extra })
    if not ok then   -- the formula's own message, under this function's name
      fail(fn, "%s", (tostring(res):gsub("^formula%.model_frame: ", "")))
    end
    mf = res
    if mf.surv == nil then fail(fn, "the formula's left side must be Surv(time, status)") end
    time, status, start = mf.surv.time, mf.surv.status, mf.surv.start
    x, names = mf.x, mf.names
    if mf.strata then
      strata = mf.strata - 1
      strata_levels = mf.strata_levels
    end
    local function get(k)
      local v = spec[k]
      if type(v) == "string" then return mf.extra[v] end
      if v ~= nil then fail(fn, "with formula =, %s must name a column", k) end
    end
    weights, cluster, frailty = get("weights"), get("cluster"), get("frailty")
    if spec.strata ~= nil then
      if strata then fail(fn, "give strata either in the formula or as strata =") end
      strata = get("strata")
    end
    n_dropped_pre = mf.n_dropped
  else
    time, status, x, start = spec.time, spec.status, spec.x, spec.start
    if time == nil then fail(fn, "'time' is missing") end
    if status == nil then fail(fn, "'status' is missing") end
    if x == nil then fail(fn, "'x' is missing") end
    weights, cluster, strata = spec.weights, spec.cluster, spec.strata
    names = spec.names
    frailty = spec.frailty
  end
  status = args.status(status, fn)
  local n = #status
  x = args.mat(fn, x, "x")
  if x:rows() ~= n and x:cols() == n and x:rows() == 1 then x = x:t() end
  local p = x:cols()
  if names == nil then
    names = {}
    for j = 1, p do names[j] = p == 1 and "x" or "x" .. j end
  elseif #names ~= p then fail(fn, "names has %d entries but x has %d columns", #names, p) end
  local scodes, slevels, ccodes, clevels
  if strata ~= nil then
    if mf and mf.strata and strata_levels then
      scodes, slevels = strata, strata_levels
    else
      scodes, slevels = group_codes(fn, "strata", strata, n)
    end
  end
  if cluster ~= nil then ccodes, clevels = group_codes(fn, "cluster", cluster, n) end
  weights = args.vec(fn, weights, "weights")
  if ties == "exact" and weights ~= nil then
    fail(fn, "case weights are not supported with ties = \"exact\" (as coxph)")
  end
  if ties == "exact" and (robust or cluster ~= nil) then
    fail(fn, "the robust variance is not available with ties = \"exact\" (as coxph)")
  end
  -- as coxph: non-integer case weights imply the robust variance
  if robust == nil and weights ~= nil then
    for i = 1, #weights do
      local w = weights[i]
      if w == w and w ~= math.floor(w) then robust = true; break end
    end
  end
  if frailty ~= nil or spec.theta ~= nil then   -- stdlib/surv/frailty.lua
    return C.cox_frailty(fn, { time = time, status = status, x = x, start = start, weights = weights,
      scodes = scodes, nstrata = slevels and #slevels or 1, strata_levels = slevels, cluster = cluster,
      robust = robust, names = names, ties = ties, maxiter = maxiter, eps = eps, na = na,
      frailty = frailty, theta = spec.theta, n_dropped_pre = n_dropped_pre, n = n })
  end
  local r = C._cox(fn, {
    time = time, status = status, x = x, start = start, weights = weights,
    strata = scodes, nstrata = slevels and #slevels or 1,
    cluster = ccodes, ncluster = clevels and #clevels or 0,
    efron = ({ breslow = 0, efron = 1, exact = 2 })[ties], maxiter = maxiter, eps = eps,
    robust = robust and 1 or 0, zph = spec.zph == false and 0 or 1 })
  check_dropped(fn, na, r.n_dropped)
  local means = {}
  for j = 1, p do means[j] = r.means[j] end
  local fit = setmetatable({}, COX)
  fit.names, fit.ties, fit.p = names, ties, p
  fit.coef = r.coef
  fit.naive_vcov = r.var
  fit.vcov = (robust or cluster ~= nil) and r.robust_var or r.var
  fit.robust = robust or cluster ~= nil
  local se, naive = {}, {}
  for j = 1, p do
    se[j] = math.sqrt(fit.vcov:get(j, j))
    naive[j] = math.sqrt(r.var:get(j, j))
  end
  fit.se, fit.naive_se = colvec(se), colvec(naive)
  local z, pv = {}, {}
  for j = 1, p do
    z[j] = fit.coef[j] / se[j]
    pv[j] = pchisq(z[j] * z[j], 1)
  end
  fit.z, fit.pvalue = colvec(z), colvec(pv)
  fit.loglik = { r.loglik[1], r.loglik[2] }
  fit.n, fit.nevent = r.n, r.nevent
  fit.n_dropped = r.n_dropped + n_dropped_pre
  fit.iterations = r.iter
  fit.converged = r.converged == 1
  fit.rank = r.rank
  if not fit.converged then fit.reason = "ran out of iterations (" .. maxiter .. ") and did not converge" end
  -- tests (the Wald test uses the reported variance: robust when asked)
  local df = r.rank
  -- collinear columns: the later one is aliased (coefficient NaN), as coxph's NA
  local aliased, keepj = {}, {}
  for j = 1, p do
    aliased[j] = r.rank < p and r.var:get(j, j) == 0
    if aliased[j] then fit.coef:set(j, 1, 0 / 0); z[j] = 0 / 0; pv[j] = 0 / 0; fit.z:set(j, 1, 0 / 0)
      fit.pvalue:set(j, 1, 0 / 0)
    else keepj[#keepj + 1] = j end
  end
  fit.aliased = aliased
  local wald = 0
  do
    local b = mat.vec((function() local t = {} for i, j in ipairs(keepj) do t[i] = fit.coef[j] end return t end)())
    local V = fit.vcov:cols_of(keepj)
    local Vs = mat.zeros(#keepj, #keepj)
    for a, j in ipairs(keepj) do for c = 1, #keepj do Vs:set(a, c, V:get(j, c)) end end
    local ok, sol = pcall(function() return Vs:solve(b) end)
    if ok then for i = 1, #keepj do wald = wald + b[i] * sol[i] end else wald = 0 / 0 end
  end
  fit.tests = { lr = test(2 * (r.loglik[2] - r.loglik[1]), df), wald = test(wald, df),
    score = test(r.score, df) }
  if r.robust_score then fit.tests.robust_score = test(r.robust_score, df) end
  fit.concordance = r.concordance
  fit.concordance_se = r.concordance_se
  fit.concordance_counts = { concordant = r.conc_counts[1], discordant = r.conc_counts[2],
    tied_x = r.conc_counts[3], tied_y = r.conc_counts[4], tied_xy = r.conc_counts[5] }
  fit.means = colvec(means)
  -- monotone likelihood: as coxph, a coefficient whose Newton step is still
  -- large relative to it after convergence may be infinite
  if fit.converged and maxiter > 0 then
    local inf = {}
    for j = 1, p do
      local step = 0
      for l = 1, p do step = step + r.u[l] * r.var:get(l, j) end
      step = math.abs(step)
      if step > eps and step > math.sqrt(eps) * math.abs(fit.coef[j]) then inf[#inf + 1] = names[j] end
    end
    if #inf > 0 then
      fit.warning = "Loglik converged before variable " .. table.concat(inf, ", ") ..
        "; coefficient may be infinite"
      fit.infinite = inf
    end
  elseif not fit.converged then
    fit.warning = "Ran out of iterations and did not converge"
    -- the log-likelihood has stopped changing while the coefficients still
    -- move: monotone likelihood, some coefficient heads to infinity
    if r.dlk == r.dlk and r.dlk < 1e-6 then
      local inf = {}
      for j = 1, p do
        local step = 0
        for l = 1, p do step = step + r.u[l] * r.var:get(l, j) end
        if math.abs(step) > math.sqrt(eps) * math.abs(fit.coef[j]) then inf[#inf + 1] = names[j] end
      end
      if #inf > 0 then
        fit.infinite = inf
        fit.warning = fit.warning .. "; the likelihood is flat: coefficient " ..
          table.concat(inf, ", ") .. " may be infinite (monotone likelihood)"
      end
    end
  end
  -- the centre the kernel used: baseline hazards rescale from it to R's means
  local shift = 0
  for j = 1, p do
    if not aliased[j] then shift = shift + (means[j] - r.center[j]) * fit.coef[j] end
  end
  fit._bh_time, fit._bh_strata = r.bh_time, r.bh_strata
  fit._bh_cumhaz = r.bh_cumhaz * math.exp(shift)
  fit._sc = { time = r.sc_time, strata = r.sc_strata, nrisk = r.sc_nrisk, nevent = r.sc_nevent,
    ncens = r.sc_ncens, cumhaz = r.sc_cumhaz, cumvh = r.sc_cumvh, cumA = r.sc_cumA, center = r.center }
  fit._zph, fit._zph_u2, fit._zph_i2 = r.zph_chisq, r.zph_u2, r.zph_i2
  fit.strata_levels = slevels
  fit._mf = mf
  fit._formula = spec.formula
  return fit
end
doc(M.cox, "surv.cox", [[surv.cox{ time =, status =, x = [, start=, ties="efron"|"breslow"|"exact", strata=, weights=,
  robust=false, cluster=, na="omit", names=, maxiter=20, eps=1e-9, zph=true] }
  or  {formula = "Surv(t, s) ~ a + strata(g)", data = df, weights = "col", cluster = "col", ...}
(robust defaults to true with cluster = or non-integer weights, as coxph; zph = false skips cox.zph's pass)
frailty = "id" (a column, or a vector of cluster labels) [, theta =]: a gamma frailty model as
coxph(... + frailty(id, distribution = "gamma" [, theta =])), fitted by penalised partial likelihood;
theta (the frailty variance) held at theta = or estimated by the marginal likelihood. Its result:
.coef .se .se2 .vcov .vcov2 .z .pvalue .theta .frail (per cluster, .levels) .loglik .penalty .marginal.
ties = "exact": the exact (discrete) partial likelihood, as coxph's, for small data with few tied deaths
(no weights or robust variance, as coxph); its curves use Breslow's hazard, as survfit.coxph.
Cox proportional hazards model as R's coxph (Newton-Raphson with step-halving; Efron ties by default;
(start, stop] data, strata, case weights; robust/cluster sandwich variance).
Times (and start) must be >= 0 as in R's Surv (0 is a time), start < stop; Inf is an error, NaN is missing.
.coef .se .vcov .z .pvalue .loglik = {null, fitted} .tests = {lr, wald, score [, robust_score]} each {stat, df, p}
.concordance .concordance_se .means .n .nevent .n_dropped .converged .iterations .warning
:baseline() :predict(X, "lp"|"risk"|"survival") :zph() :survfit(X) (curves with bands)]])

-- the table fit:baseline() returns: plain fields, and :plot() (stdlib/surv/plot.lua)
local BASE = { __name = "surv.baseline" }
BASE.__index = BASE
C.baseline_meta = BASE

function COX:baseline()
  local t, h = self._bh_time, self._bh_cumhaz
  local out = { time = t, cumhaz = h }
  local s = {}
  for i = 1, #h do s[i] = math.exp(-h[i]) end
  out.surv = mat.vec(s)
  if self.strata_levels then
    out.strata = self._bh_strata + 1
    out.strata_levels = self.strata_levels
  end
  return setmetatable(out, BASE)
end
doc(COX.baseline, "surv.cox:baseline", [[fit:baseline() -> {time, cumhaz, surv [, strata]}: the cumulative
baseline hazard at the covariate means (fit.means), Breslow or Efron-adjusted, as R's survfit.coxph / basehaz]])

-- the rows of X as a matrix with p columns
local function design(fit, X, fn)
  if fit._mf and args.is_frame(X) then
    local formula = require "orrery.formula"
    return formula.design(fit._mf, X).x
  end
  if not is_mat(X) then
    if type(X) ~= "table" then fail(fn, "X must be a matrix or an array of rows") end
    if type(X[1]) == "table" then X = mat.from(X)
    elseif fit.p == 1 then X = mat.vec(X)
    else X = mat.from({ X }) end
  end
  if X:cols() ~= fit.p then fail(fn, "X has %d columns but the model has %d", X:cols(), fit.p) end
  -- NaN or Inf would flow silently into the linear predictor and the curves
  args.complete(fn, "X", X)
  return X
end
C.cox_design = design

function COX:predict(X, type_)
  local fn = "surv.cox:predict"
  type_ = type_ or "lp"
  if type_ ~= "lp" and type_ ~= "risk" and type_ ~= "survival" then
    fail(fn, "type must be \"lp\", \"risk\" or \"survival\", got %s", tostring(type_))
  end
  X = design(self, X, fn)
  local n = X:rows()
  local lp = {}
  for i = 1, n do
    local e = 0
    for j = 1, self.p do
      if not self.aliased[j] then e = e + (X:get(i, j) - self.means[j]) * self.coef[j] end
    end
    lp[i] = e
  end
  if type_ == "lp" then return mat.vec(lp) end
  if type_ == "risk" then
    for i = 1, n do lp[i] = math.exp(lp[i]) end
    return mat.vec(lp)
  end
  if self.strata_levels then fail(fn, "survival curves of a stratified model are not supported") end
  local t, h = self._bh_time, self._bh_cumhaz
  local S = mat.zeros(#t, n)
  for i = 1, n do
    local r = math.exp(lp[i])
    for k = 1, #t do S:set(k, i, math.exp(-h[k] * r)) end
  end
  return { time = t, surv = S }
end
doc(COX.predict, "surv.cox:predict", [[fit:predict(X [, "lp"|"risk"|"survival"]) -> the linear predictor centred
at fit.means (as predict.coxph), exp of it, or {time, surv} with surv[k, i] = S(time[k] | row i)
as survfit(fit, newdata). X: rows of covariates (a frame when the model was fitted with a formula).]])

local ZPH = {}
ZPH.__index = ZPH
ZPH.__name = "surv.zph"

-- print.cox.zph: printCoefmat with digits 3, no stars
function ZPH.__tostring(z)
  return P.coefmat({ rownames = z.names, colnames = { "chisq", "df", "p" }, cols = { z.chisq, z.df, z.p } },
    { digits = 3, has_pvalue = true, signif_stars = false })
end
P.guard(ZPH, "surv.zph")  -- tostring never raises (an incomplete object)

-- The columns of a formula fit grouped by model term (as R's assign):
-- model.matrix writes them term by term, each name "part1:part2..." with
-- part i starting with the label of the term's i-th variable.
local function term_groups(mf, names)
  local groups, labels, j = {}, {}, 1
  for _, t in ipairs(mf.info.terms) do
    local parts = {}
    for _, v in ipairs(t) do parts[#parts + 1] = mf.info.vars[v].label end
    local g = {}
    while j <= #names do
      local cp = {}
      for piece in (names[j] .. ":"):gmatch("([^:]*):") do cp[#cp + 1] = piece end
      local ok = #cp == #parts
      for i = 1, #parts do
        if ok and cp[i]:sub(1, #parts[i]) ~= parts[i] then ok = false end
      end
      if not ok then break end
      g[#g + 1] = j; j = j + 1
    end
    if #g > 0 then groups[#groups + 1] = g; labels[#labels + 1] = table.concat(parts, ":") end
  end
  if j <= #names then return nil end
  return groups, labels
end

-- u_W' (I_WW)^-1 u_W for W = the coefficients and the time terms of cols
local function zph_block(u2, i2, p, cols)
  local W = {}
  for j = 1, p do W[#W + 1] = j end
  for _, j in ipairs(cols) do W[#W + 1] = p + j end
  local A, b = mat.zeros(#W, #W), mat.zeros(#W, 1)
  for a, r in ipairs(W) do
    b:set(a, 1, u2[r])
    for c, q in ipairs(W) do A:set(a, c, i2:get(r, q)) end
  end
  local ok, y = pcall(function() return A:solve(b) end)
  if not ok then return 0 / 0 end
  local q = 0
  for a = 1, #W do q = q + b[a] * y[a] end
  return q
end

function COX:zph(opts)
  local fn = "surv.cox:zph"
  opts = checkopts(fn, opts, set{ "terms" })
  if self._zph == nil then error(fn .. ": the fit was made with zph = false", 0) end
  local chisq, df, p, names = {}, {}, {}, {}
  local groups, labels
  if opts.terms then
    if self._mf == nil then fail(fn, "terms = true needs a fit made with formula =") end
    groups, labels = term_groups(self._mf, self.names)
    if groups == nil then fail(fn, "cannot map the columns to the formula's terms") end
  end
  if groups then
    for t, g in ipairs(groups) do
      chisq[t] = #g == 1 and self._zph[g[1]] or zph_block(self._zph_u2, self._zph_i2, self.p, g)
      df[t] = #g
      names[t] = labels[t]
    end
  else
    for j = 1, self.p do chisq[j], df[j], names[j] = self._zph[j], 1, self.names[j] end
  end
  local k = #chisq + 1
  chisq[k], df[k], names[k] = self._zph[self.p + 1], self.p, "GLOBAL"
  for j = 1, k do p[j] = pchisq(chisq[j], df[j]) end
  return setmetatable({ chisq = mat.vec(chisq), df = df, p = mat.vec(p), names = names,
    transform = "km" }, ZPH)
end
doc(COX.zph, "surv.cox:zph", [[fit:zph([{terms = false}]) -> {chisq, df, p, names}: the proportional-hazards
test of R's cox.zph (survival 3, transform "km"): score tests of x * g(t), per covariate (cox.zph's
terms = FALSE) or, with terms = true for a formula fit, per model term (its default), and GLOBAL]])

-- print.coxph (digits 4): printCoefmat without stars, aliased rows NA;
-- the likelihood ratio test as its line, the concordance as summary.coxph
function COX.__tostring(f)
  local head = { "coef", "exp(coef)", "se(coef)" }
  local eb = {}
  for j = 1, f.p do eb[j] = math.exp(f.coef[j]) end
  local cols = { f.coef, eb, f.naive_se }
  if f.robust then head[#head + 1] = "robust se"; cols[#cols + 1] = f.se end
  head[#head + 1] = "z"; head[#head + 1] = "p"
  cols[#cols + 1] = f.z; cols[#cols + 1] = f.pvalue
  local al = {}
  for j = 1, f.p do al[j] = f.aliased[j] or nil end
  local lines = { "Cox proportional hazards model (ties = " .. f.ties .. ")", "",
    P.coefmat({ rownames = f.names, colnames = head, cols = cols },
      { digits = 4, has_pvalue = true, signif_stars = false, na = al }), "" }
  local lr = f.tests.lr
  lines[#lines + 1] = string.format("Likelihood ratio test=%s  on %d df, p=%s", P.num(P.round(lr.stat, 2)), lr.df,
    P.pval(lr.p, 4)[1])
  lines[#lines + 1] = string.format("Concordance= %s  (se = %s)", P.num(P.round(f.concordance, 3)),
    P.num(P.round(f.concordance_se, 3)))
  lines[#lines + 1] = string.format("n= %d, number of events= %d", f.n, f.nevent)
  if f.n_dropped > 0 then lines[#lines + 1] = "   (" .. deleted(f.n_dropped) .. ")" end
  if not f.converged then lines[#lines + 1] = "Warning: " .. f.reason end
  if f.warning and f.converged then lines[#lines + 1] = "Warning: " .. f.warning end
  return table.concat(lines, "\n")
end
P.guard(COX, "surv.cox")  -- tostring never raises (an incomplete object)

function M.lm(formula, df, opts)
  local fn = "surv.lm"
  if type(formula) ~= "string" then fail(fn, "formula must be a string") end
  if df == nil then fail(fn, "data frame missing") end
  opts = opts or {}
  if type(opts) ~= "table" then fail(fn, "options must be a table") end
  local spec = { formula = formula, data = df }
  for k, v in pairs(opts) do
    if k == "formula" or k == "data" then fail(fn, "give %s as an argument, not an option", k) end
    spec[k] = v
  end
  if opts.dist ~= nil then
    return M.fit(spec)
  end
  return M.cox(spec)
end
doc(M.lm, "surv.lm", [[surv.lm(formula, df [, opts]) -> surv.cox{formula =, data =, ...opts}, or
surv.fit{...} when opts.dist is given. formula: "Surv(time, status) ~ ..."]])

-- ------------------------------------------------------------ the parametric half

require "orrery.surv.fit"
require "orrery.surv.km"
require "orrery.surv.cif"
require "orrery.surv.finegray"
require "orrery.surv.coxsurv"
require "orrery.surv.frailty"
require "orrery.surv.plot"

return M
