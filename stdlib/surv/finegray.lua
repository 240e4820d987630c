-- surv's Fine-Gray part: surv.finegray, the subdistribution-hazard model of
-- competing risks as R's finegray() + coxph(weights = fgwt): the rows are
-- expanded here and fitted by surv.cox. The status coding is the one of
-- surv.cif (C.cif_status, stdlib/surv/cif.lua).
local M, C = ...
local mat = require "orrery.mat"
local help = require "orrery.help"
local args = require "orrery.args"

local doc, fail, set, checkopts = help.doc, args.fail, args.set, args.checkopts
local is_mat, is_factor = args.is_mat, args.is_factor
local cif_status = C.cif_status

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
