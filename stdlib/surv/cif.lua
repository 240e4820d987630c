-- surv's competing-risks part: the Aalen-Johansen cumulative incidence
-- (surv.cif), as R's survfit with a factor status. The kernel is cif_fit
-- (modules/surv/cif.c); option checking and groups as surv.km (the shared
-- helpers come through C from stdlib/surv.lua).
local M, C = ...
local mat = require "orrery.mat"
local help = require "orrery.help"
local args = require "orrery.args"
local P = require "orrery.printing"

local doc, fail, set, checkopts = help.doc, args.fail, args.set, args.checkopts
local is_mat, is_factor = args.is_mat, args.is_factor

-- The status as codes 0..K for the kernel (NaN = missing) and the causes'
-- names. A factor: its first level is "censored" (as R's survfit), the
-- others are the causes. Numbers: 0 = censored, 1..K the causes, named by
-- causes = {...} (K = #causes) or "1".."K" (K = the largest code).
local function cif_status(fn, status, causes)
  if is_factor(status) then
    if causes ~= nil then fail(fn, "causes = is for numeric codes; a factor names its causes") end
    local lv = status.levels
    if #lv < 2 then fail(fn, "the status factor needs a censoring level and at least one cause") end
    local out = {}
    for j = 2, #lv do out[#out + 1] = tostring(lv[j]) end
    return status.codes - 1, out
  end
  if not is_mat(status) and type(status) ~= "table" then
    fail(fn, "'status' must be a factor or a vector of codes (0 = censored), got %s", type(status))
  end
  local n = is_mat(status) and #status or #status
  local codes, top = mat.new(n, 1, 0 / 0), 0
  local K = causes and #causes
  if causes ~= nil and (type(causes) ~= "table" or #causes == 0) then
    fail(fn, "causes must be a non-empty array of names")
  end
  for i = 1, n do
    local v = status[i]
    if type(v) ~= "number" then
      fail(fn, "'status' element %d is %s: give a factor or numeric codes", i, type(v))
    end
    if v == v then
      if v ~= math.floor(v) or v < 0 or (K and v > K) then
        fail(fn, "'status' element %d is %s: not 0 (censored) or a cause code 1..%s", i, C.label(v),
          K and tostring(K) or "K")
      end
      codes:set(i, 1, v)
      if v > top then top = v end
    end
  end
  if K == nil then
    if top == 0 then fail(fn, "there are no events") end
    causes = {}
    for j = 1, top do causes[j] = tostring(j) end
  end
  local names = {}
  for j, c in ipairs(causes) do names[j] = tostring(c) end
  return codes, names
end

local CIF = {}
CIF.__index = CIF
CIF.__name = "surv.cif"

function CIF:at(t)
  local fn = "surv.cif:at"
  if type(t) ~= "number" or t ~= t then fail(fn, "t must be a number") end
  local i = C.row_at(self.time, t)
  local K = #self.causes
  local f, se, lo, hi = {}, {}, {}, {}
  for k = 1, K do
    if i == 0 then f[k], se[k], lo[k], hi[k] = 0, 0, 0 / 0, 0 / 0
    else
      f[k], se[k] = self.cif:get(i, k), self.se:get(i, k)
      lo[k], hi[k] = self.lower:get(i, k), self.upper:get(i, k)
    end
  end
  return { cif = mat.vec(f), se = mat.vec(se), lower = mat.vec(lo), upper = mat.vec(hi),
    surv = i == 0 and 1 or self.surv[i] }
end
doc(CIF.at, "surv.cif:at", [[ci:at(t) -> {cif =, se =, lower =, upper =, surv =}: the cumulative
incidence of each cause at time t (vectors in the order of .causes; a step function, 0 before the
first time) and the probability of no event yet, as summary(survfit, times = t)'s pstate.]])

-- one line per cause: events, and the incidence at the last time with its SE
local function cif_rows(c, prefix)
  local m, names, cols = #c.time, {}, { {}, {}, {} }
  for k, cause in ipairs(c.causes) do
    local ev = 0
    for j = 1, m do ev = ev + c.n_event:get(j, k) end
    names[k] = prefix .. cause
    cols[1][k], cols[2][k], cols[3][k] = ev, m > 0 and c.cif:get(m, k) or 0, m > 0 and c.se:get(m, k) or 0
  end
  return names, cols
end

local function cif_header(c)
  local s = "Aalen-Johansen cumulative incidence"
  if c.n_dropped > 0 then s = s .. " (" .. C.deleted(c.n_dropped) .. ")" end
  return s
end

function CIF.__tostring(c)
  local names, cols = cif_rows(c, "")
  return cif_header(c) .. string.format("\n(n = %d; incidence at the last time, %s)\n", c.n, P.num(c.time[#c.time]))
    .. P.columns(names, { "events", "cif", "std.err" }, cols, 3)
end
P.guard(CIF, "surv.cif")  -- tostring never raises (an incomplete object)

local CIFG = {}
CIFG.__index = CIFG
CIFG.__name = "surv.cif_groups"

function CIFG.__tostring(g)
  local names, cols = {}, { {}, {}, {} }
  for _, lv in ipairs(g.levels) do
    local nm, cl = cif_rows(g[lv], (g.group_name and g.group_name .. "=" or "") .. C.label(lv) .. ", ")
    for k = 1, #nm do
      names[#names + 1] = nm[k]
      for c = 1, 3 do cols[c][#cols[c] + 1] = cl[c][k] end
    end
  end
  return cif_header(g) .. " by group\n(incidence at each group's last time)\n"
    .. P.columns(names, { "events", "cif", "std.err" }, cols, 3)
end
P.guard(CIFG, "surv.cif")  -- tostring never raises (an incomplete object)

local cif_allowed = set{ "time", "status", "group", "weights", "causes", "conf", "level", "na" }

function M.cif(spec)
  local fn = "surv.cif"
  if type(spec) ~= "table" or is_mat(spec) then fail(fn, "give a table: surv.cif{time =, status =, ...}") end
  local time, status, opts, group_name
  if spec.formula ~= nil then
    local g, strata
    local allowed = set{ "group", "weights", "causes", "conf", "level", "na" }
    time, status, g, strata, opts = C.from_formula(fn, spec, allowed)
    if strata then fail(fn, "strata() is not supported; use a grouping variable") end
    if g ~= nil then
      if opts.group ~= nil then fail(fn, "give the group either in the formula or as group =") end
      opts.group = g
      local _, terms = C.parse_surv_formula(fn, spec.formula)
      group_name = terms[1]:match("^factor%s*%(%s*([%w_%.]+)") or terms[1]
    end
  else
    opts = checkopts(fn, spec, cif_allowed)
    time, status = opts.time, opts.status
    if time == nil then fail(fn, "'time' is missing") end
    if status == nil then fail(fn, "'status' is missing") end
  end
  local na_rule = args.na(fn, opts.na)
  local ctype = C.conf_types[opts.conf or "log"]
  if ctype == nil then fail(fn, "conf must be \"log\", \"log-log\" or \"plain\", got %s", tostring(opts.conf)) end
  local z, level = C.zvalue(fn, opts.level)
  local n = C.vlen(time)
  if n == nil then fail(fn, "'time' must be a vector or an array of numbers") end
  local codes, causes = cif_status(fn, status, opts.causes)
  if #codes ~= n then fail(fn, "'status' has %d elements but 'time' has %d", #codes, n) end
  local weights = args.vec(fn, opts.weights, "weights")
  local function finish(r)
    r.causes, r.conf, r.level = causes, opts.conf or "log", level
    return setmetatable(r, CIF)
  end
  if opts.group == nil then
    local r = C._cif(fn, time, codes, z, ctype, nil, nil, nil, weights, #causes)
    C.check_dropped(fn, na_rule, r.n_dropped)
    if r.n == 0 then fail(fn, "no complete rows") end
    return finish(r)
  end
  local gcodes, levels = args.groups(fn, opts.group, "group", n, "'time'")
  gcodes = gcodes - 1
  local out = { levels = levels, group_name = group_name, causes = causes }
  for j, lv in ipairs(levels) do
    local r = finish(C._cif(fn, time, codes, z, ctype, gcodes, j - 1, nil, weights, #causes))
    out[lv] = r
    out.n_dropped = r.n_dropped
  end
  C.check_dropped(fn, na_rule, out.n_dropped or 0)
  return setmetatable(out, CIFG)
end
doc(M.cif, "surv.cif", [[surv.cif{time =, status = [, group =, weights =, causes =, conf = "log", level = 0.95,
  na = "omit"]}
  or surv.cif{formula = "Surv(time, status) ~ group", data = df, ...}
Competing risks: the Aalen-Johansen cumulative incidence of each cause, as R's survfit with a factor
status (its pstate), with the infinitesimal jackknife standard errors (survfit's default for
multi-state curves) and limits on the scale of conf, as survfit's.
status: a factor whose first level is "censored" and whose other levels are the causes (as R), or
numeric codes 0 = censored, 1..K = the causes (named by causes = {...}, whose length K bounds the
codes; otherwise "1".."K" up to the largest code).
.time .n_risk .n_censor .n_event (m x K) .cif .se .lower .upper (m x K, columns in the order of
.causes) .surv .surv_se (the probability of no event yet, R's "(s0)") .causes .n .n_dropped;
:at(t). With group: a table of estimates keyed by level, plus .levels.
weights: case weights >= 0; the estimates use them, the counts n_risk, n_event, n_censor count
rows (as survfit's multi-state counts, unlike surv.km's weighted ones). Right-censored data only.]])

-- ------------------------------------------------------------ Fine-Gray

-- The first position p of the ascending array a with a[p] >= v (#a + 1 if none).
local function first_ge(a, v)
  local lo, hi = 1, #a + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if a[mid] >= v then hi = mid else lo = mid + 1 end
  end
  return lo
end

-- The rows of survival's finegray(): every row on (0, t], status 1 for the
-- cause of interest; a row that failed of another cause stays in the risk
-- set past its time, to the end of its interval of the censoring curve G
-- with weight 1, then on each later interval of G that holds an event of
-- interest with weight G(interval) / G(its own interval). G is the
-- Kaplan-Meier estimate of censoring with events before censorings at
-- tied times, unweighted (as finegray). t: times, c: codes 0..K, both Lua
-- arrays of the complete rows. Returns arrays start, stop, status, wt, row.
local function fg_expand(fn, t, c, cause)
  local n = #t
  local utime, seen = {}, {}
  for i = 1, n do if not seen[t[i]] then seen[t[i]] = true; utime[#utime + 1] = t[i] end end
  table.sort(utime)
  -- the censoring curve on the ranks of the times, events at rank - 0.2
  local rk, cens = {}, {}
  for i = 1, n do
    rk[i] = first_ge(utime, t[i]) - (c[i] ~= 0 and 0.2 or 0)
    cens[i] = c[i] == 0 and 1 or 0
  end
  local G = C._km(fn, rk, cens, 1, 1)
  local ct, cp = {}, { 1 }
  for j = 1, #G.time do
    if G.n_event[j] > 0 then ct[#ct + 1] = utime[G.time[j]]; cp[#cp + 1] = G.surv[j] end
  end
  local maxtime = utime[#utime]
  ct[#ct + 1] = maxtime
  -- keep[p]: the interval (ct[p-1], ct[p]] holds an event of the cause
  local keep = {}
  for i = 1, n do
    if c[i] == cause then keep[first_ge(ct, t[i])] = true end
  end
  local start, stop, st, wt, row = {}, {}, {}, {}, {}
  local zero = utime[1] > 0 and 0 or -1
  local k = 0
  for i = 1, n do
    k = k + 1
    start[k], stop[k], st[k], wt[k], row[k] = zero, t[i], c[i] == cause and 1 or 0, 1, i
    if c[i] ~= 0 and c[i] ~= cause then
      local p = first_ge(ct, t[i])
      stop[k] = ct[p]
      local g0 = cp[p]
      for q = p + 1, #ct do
        if keep[q] then
          k = k + 1
          start[k], stop[k], st[k], wt[k], row[k] = ct[q - 1], ct[q], 0, cp[q] / g0, i
        end
      end
    end
  end
  return start, stop, st, wt, row
end

local fg_allowed = set{ "time", "status", "x", "names", "cause", "causes", "weights", "ties", "robust", "na",
  "formula", "data" }

-- {formula = "Surv(time, status) ~ rhs", data = df}: time, status and
-- weights (a column name) on the rows the model frame of rhs keeps, x and
-- its names, and the count of rows it dropped
local function fg_formula(fn, opts)
  local df = opts.data
  if df == nil then fail(fn, "formula needs data =") end
  for _, k in ipairs{ "time", "status", "x", "names" } do
    if opts[k] ~= nil then fail(fn, "give either formula = or %s =, not both", k) end
  end
  local cols = C.parse_surv_formula(fn, opts.formula)
  if #cols ~= 2 then fail(fn, "the left side must be Surv(time, status): no delayed entry") end
  local rhs = opts.formula:match("~(.*)$")
  if opts.weights ~= nil and type(opts.weights) ~= "string" then
    fail(fn, "with formula =, weights must name a column")
  end
  local formula = require "orrery.formula"
  local ok, mf = pcall(formula.model_frame, "~" .. rhs, df,
    { na = opts.na, intercept = false, extra = { opts.weights } })
  if not ok then fail(fn, "%s", (tostring(mf):gsub("^formula%.model_frame: ", ""))) end
  local rows = mf.rows   -- nil: every row kept
  local function sub(v, what)
    if v == nil then fail(fn, "no column '%s' in data", what) end
    local nr = rows and #rows or mf.n
    local out = mat.zeros(nr, 1)
    local src = is_factor(v) and v.codes or v
    for j = 1, nr do out:set(j, 1, src[rows and rows[j] or j]) end
    if is_factor(v) then return { levels = v.levels, codes = out } end
    return out
  end
  return sub(df[cols[1]], cols[1]), sub(df[cols[2]], cols[2]), mf.x, mf.names,
    opts.weights and mf.extra[opts.weights], mf.n_dropped
end

function M.finegray(spec)
  local fn = "surv.finegray"
  if type(spec) ~= "table" or is_mat(spec) then fail(fn, "give a table: surv.finegray{time =, status =, x = ...}") end
  local opts = checkopts(fn, spec, fg_allowed)
  local na_rule = args.na(fn, opts.na)
  local time, status, x, names, weights, pre = opts.time, opts.status, opts.x, opts.names, opts.weights, 0
  if opts.formula ~= nil then
    time, status, x, names, weights, pre = fg_formula(fn, opts)
  elseif opts.data ~= nil then
    fail(fn, "data = is for formula =")
  end
  if time == nil then fail(fn, "'time' is missing") end
  if status == nil then fail(fn, "'status' is missing") end
  if x == nil then fail(fn, "'x' is missing") end
  time = args.vec(fn, time, "time")
  local n = #time
  local codes, causes = cif_status(fn, status, opts.causes)
  if #codes ~= n then fail(fn, "'status' has %d elements but 'time' has %d", #codes, n) end
  local cause = opts.cause or 1
  if type(cause) == "string" then
    local found
    for k, nm in ipairs(causes) do if nm == cause then found = k end end
    if not found then fail(fn, "cause '%s' is not one of the causes (%s)", cause, table.concat(causes, ", ")) end
    cause = found
  elseif math.type(cause) ~= "integer" or cause < 1 or cause > #causes then
    fail(fn, "cause must be a cause's name or a number in 1..%d", #causes)
  end
  x = args.mat(fn, x, "x")
  if x:rows() ~= n and x:cols() == n and x:rows() == 1 then x = x:t() end
  if x:rows() ~= n then fail(fn, "'x' has %d rows but 'time' has %d", x:rows(), n) end
  weights = args.vec(fn, weights, "weights")
  if weights and #weights ~= n then fail(fn, "'weights' has %d elements but 'time' has %d", #weights, n) end
  args.checktime(fn, time, false)
  local keep, rows, dropped = args.mask(fn, { "time", time }, { "status", codes }, { "x", x },
    { "weights", weights })
  C.check_dropped(fn, na_rule, dropped)
  local t, c = {}, {}
  for j, r in ipairs(rows) do
    t[j], c[j] = time[r], codes[r]
    if weights and weights[r] < 0 then fail(fn, "'weights' element %d is negative (%s)", r, tostring(weights[r])) end
  end
  local _ = keep
  if #t == 0 then fail(fn, "no complete rows") end
  local has = false
  for j = 1, #c do if c[j] == cause then has = true; break end end
  if not has then fail(fn, "there are no events of cause '%s'", causes[cause]) end
  local start, stop, st, wt, row = fg_expand(fn, t, c, cause)
  -- rows of weight 0 (G has reached 0, or a zero case weight) add nothing
  local p = x:cols()
  local s2, e2, st2, w2, r2 = {}, {}, {}, {}, {}
  for k = 1, #row do
    local w = wt[k] * (weights and weights[rows[row[k]]] or 1)
    if w > 0 then
      local j = #r2 + 1
      s2[j], e2[j], st2[j], w2[j], r2[j] = start[k], stop[k], st[k], w, rows[row[k]]
    end
  end
  -- Cox risk sets do not move with the time origin: a time 0 (whose
  -- finegray row starts at -1) is shifted with every other by 1
  if s2[1] and start[1] < 0 then
    for j = 1, #s2 do s2[j], e2[j] = s2[j] + 1, e2[j] + 1 end
  end
  local X = mat.zeros(#r2, p)
  for j = 1, #r2 do
    for q = 1, p do X:set(j, q, x:get(r2[j], q)) end
  end
  local fit = M.cox{ time = mat.vec(e2), status = mat.vec(st2), start = mat.vec(s2), x = X,
    weights = mat.vec(w2), names = names, ties = opts.ties, robust = opts.robust, zph = false }
  fit.cause, fit.causes = causes[cause], causes
  fit.n_subjects, fit.n_dropped = #t, dropped + pre
  fit.fg = { start = mat.vec(s2), stop = mat.vec(e2), status = mat.vec(st2), weight = mat.vec(w2),
    row = mat.vec(r2) }
  return fit
end
doc(M.finegray, "surv.finegray", [[surv.finegray{time =, status =, x = [, cause = 1, causes =, names =, weights =,
  ties = "efron", robust =, na = "omit"]} -> a surv.cox fit of the Fine-Gray model
  or surv.finegray{formula = "Surv(time, status) ~ age + sex", data = df, weights = "w", cause = "pcm", ...}
The proportional subdistribution hazards model of one cause among competing risks, as R's
finegray() followed by coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt): the rows that
failed of another cause stay at risk with the inverse-probability-of-censoring weights of finegray.
status as surv.cif (a factor whose first level is censored, or codes 0..K); cause: the cause of
interest, by name or number.
.se is coxph's default for these weighted data, the robust (sandwich) variance with each expanded
row its own cluster; .naive_se the model-based one (robust = false makes .se that). Neither is
Fine and Gray's own variance, which also accounts for the estimated weights.
Also .cause .causes .n_subjects and .fg = {start, stop, status, weight, row}, the expanded rows.]])
