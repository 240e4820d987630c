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

C.cif_status = cif_status   -- for stdlib/surv/finegray.lua
