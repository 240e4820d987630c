-- Competing risks: the Aalen-Johansen cumulative incidence (surv.cif)
-- against R's survival 3.5, survfit with a factor status on mgus2
-- (tests/ref/surv/cif/make_cif.R). Tolerance 1e-10 relative: closed-form
-- sums (the jackknife standard errors too), only rounding separates us from R.
local T = require "orrery.testing"
local data = require "orrery.data"
local mat = require "orrery.mat"
local surv = require "orrery.surv"
local R = T.ref("surv/cif/cif.txt")
local mg = T.csv("surv/cif/mgus2.csv")
local TOL = 1e-10

local function check(c, pre)
  for _, k in ipairs{ "time", "n_risk", "n_censor", "surv", "surv_se" } do
    T.near(c[k], R[pre .. "." .. k], TOL, pre .. " " .. k)
  end
  for _, k in ipairs{ "n_event", "cif", "se", "lower", "upper" } do
    local v = c[k]
    T.eq(v:cols(), 2)
    T.near(v:reshape(v:rows() * 2, 1), R[pre .. "." .. k], TOL, pre .. " " .. k)
  end
end

T.test("cif on mgus2 (pcm, death), codes named by causes", function()
  local c = surv.cif{ time = mg.etime, status = mg.event, causes = { "pcm", "death" } }
  T.eq(c.causes[1], "pcm"); T.eq(c.causes[2], "death")
  check(c, "mgus2")
  check(surv.cif{ time = mg.etime, status = mg.event, conf = "log-log" }, "mgus2_ll")
  check(surv.cif{ time = mg.etime, status = mg.event, conf = "plain", level = 0.9 }, "mgus2_plain")
  check(surv.cif{ time = mg.etime, status = mg.event, weights = mg.w }, "mgus2_w")
  -- the incidences and the probability of no event add to 1
  local m = #c.time
  T.near(c.surv[m] + c.cif:get(m, 1) + c.cif:get(m, 2), 1, 1e-14)
end)

T.test("cif with a factor status and by group, via a formula", function()
  local df = data.read_csv(T.refdir .. "surv/cif/mgus2.csv")
  local lv = { "censor", "pcm", "death" }
  local ev = {}
  for i = 1, #mg.event do ev[i] = lv[mg.event[i] + 1] end
  df.event = data.factor(ev, lv)
  local g = surv.cif{ formula = "Surv(etime, event) ~ sex", data = df }
  T.eq(g.causes[2], "death")
  check(g[0], "mgus2_sex0"); check(g[1], "mgus2_sex1")
  T.ok(tostring(g):find("sex=1, pcm", 1, true), tostring(g))
  local c = surv.cif{ time = df.etime, status = df.event }
  check(c, "mgus2")
  T.ok(tostring(c):find("death", 1, true))
end)

T.test("cif:at(t) as summary(survfit, times =)", function()
  local c = surv.cif{ time = mg.etime, status = mg.event }
  local want, wse = R["mgus2_at.cif"], R["mgus2_at.se"]
  for i, t in ipairs{ 12, 120, 240 } do
    local a = c:at(t)
    T.near(a.cif, { want[i], want[i + 3] }, TOL)
    T.near(a.se, { wse[i], wse[i + 3] }, TOL)
  end
  local a = c:at(0.5)
  T.eq(a.cif[1], 0); T.eq(a.surv, 1)
  T.errors(function() c:at("x") end, "surv.cif:at: t must be a number")
end)

T.test("cif: bad input", function()
  T.errors(function() surv.cif{ time = { 1, 2, 3 }, status = { 0, 1, 3 }, causes = { "a", "b" } } end,
    "surv.cif: 'status' element 3 is 3: not 0 (censored) or a cause code 1..2")
  T.errors(function() surv.cif{ time = { 1, 2, 3 }, status = { 0, -1, 1 } } end,
    "surv.cif: 'status' element 2 is -1")
  T.errors(function() surv.cif{ time = { 1, 2, 3 }, status = { 0, 1.5, 1 } } end,
    "surv.cif: 'status' element 2 is 1.5")
  T.errors(function() surv.cif{ time = { 1, 2, 3 }, status = { 0, 0, 0 } } end, "surv.cif: there are no events")
  T.errors(function() surv.cif{ time = { 1, 2, 3 }, status = { "a", "b", "c" } } end,
    "surv.cif: 'status' element 1 is string: give a factor or numeric codes")
  T.errors(function() surv.cif{ time = { 1, 2 }, status = { 0, 1, 1 } } end,
    "surv.cif: 'status' has 3 elements but 'time' has 2")
  T.errors(function() surv.cif{ time = { 1, -2 }, status = { 0, 1 } } end, "surv.cif: 'time' element 2 is -2")
  T.errors(function() surv.cif{ time = { 1, 2 }, status = { 1, 1 }, weights = { 1, -1 } } end,
    "surv.cif: 'weights' element 2 is negative")
  T.errors(function() surv.cif{ time = { 1, 2 }, status = { 1, 1 }, colour = 1 } end,
    "surv.cif: unknown option 'colour'")
  T.errors(function() surv.cif{ time = { 1, 2 }, status = data.factor{ "a", "a" } } end,
    "surv.cif: the status factor needs a censoring level and at least one cause")
  T.errors(function() surv.cif{ time = { 1, 2 }, status = { 0, 1 }, conf = "logit" } end, "surv.cif: conf must be")
  T.errors(function() surv.cif{ time = { 1, 2 } } end, "surv.cif: 'status' is missing")
  -- missing values drop the row
  local c = surv.cif{ time = { 1, 2, 0 / 0, 4 }, status = { 1, 2, 1, 0 / 0 } }
  T.eq(c.n, 2); T.eq(c.n_dropped, 2)
  T.errors(function() surv.cif{ time = { 1, 0 / 0 }, status = { 1, 1 }, na = "fail" } end,
    "surv.cif: 1 row with missing values")
  local _ = mat
end)
