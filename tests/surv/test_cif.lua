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

-- mgus2 as a frame whose column name holds the status as a factor (R's)
local function frame_with_factor(name)
  local df = data.read_csv(T.refdir .. "surv/cif/mgus2.csv")
  local lv, ev = { "censor", "pcm", "death" }, {}
  for i = 1, #mg.event do ev[i] = lv[mg.event[i] + 1] end
  df[name] = data.factor(ev, lv)
  return df
end

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
  local df = frame_with_factor("event")
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

-- ---------------------------------------------------------------- Fine-Gray
-- against finegray() + coxph(Surv(fgstart, fgstop, fgstatus) ~ age + sex,
-- weights = fgwt) (tests/ref/surv/cif/make_cif.R). Iterative: the
-- coefficients and SEs to 1e-8 relative (coxph's and our Newton stop at
-- the same rule), the expanded rows and weights to 1e-12.
local FG = T.ref("surv/cif/finegray.txt")

local function fg_x()
  local x = mat.zeros(#mg.age, 2)
  for i = 1, #mg.age do x:set(i, 1, mg.age[i]); x:set(i, 2, mg.sex[i]) end
  return x
end

local function check_fg(f, pre)
  T.eq(#f.fg.row, FG[pre .. ".nrow"])
  local wt = f.fg.weight
  local head = {}
  for i = 1, 200 do head[i] = wt[i] end
  T.near(head, FG[pre .. ".wt_head"], 1e-12, pre .. " weights")
  local s1, s2, s3 = 0, 0, 0
  for i = 1, #wt do s1 = s1 + wt[i]; s2 = s2 + wt[i] ^ 2; s3 = s3 + f.fg.stop[i] * wt[i] end
  T.near({ s1, s2, s3 }, FG[pre .. ".wt_sums"], 1e-12, pre .. " weight sums")
  T.near(f.coef, FG[pre .. ".coef"], 1e-8, pre .. " coef")
  T.near(f.se, FG[pre .. ".se"], 1e-8, pre .. " robust se")
  T.near(f.naive_se, FG[pre .. ".naive_se"], 1e-8, pre .. " naive se")
  T.near(f.loglik, FG[pre .. ".loglik"], 1e-10, pre .. " loglik")
  T.eq(f.nevent, FG[pre .. ".nevent"])
end

T.test("finegray: both causes of mgus2, Breslow ties, case weights", function()
  local x = fg_x()
  local f = surv.finegray{ time = mg.etime, status = mg.event, x = x, names = { "age", "sex" },
    causes = { "pcm", "death" }, cause = "pcm" }
  T.eq(f.cause, "pcm"); T.eq(f.robust, true)
  check_fg(f, "fg_pcm")
  check_fg(surv.finegray{ time = mg.etime, status = mg.event, x = x, cause = 2 }, "fg_death")
  check_fg(surv.finegray{ time = mg.etime, status = mg.event, x = x, ties = "breslow" }, "fg_pcm_breslow")
  check_fg(surv.finegray{ time = mg.etime, status = mg.event, x = x, weights = mg.w }, "fg_pcm_w")
  -- robust = false: the model-based variance as .se
  local g = surv.finegray{ time = mg.etime, status = mg.event, x = x, robust = false }
  T.near(g.se, FG["fg_pcm.naive_se"], 1e-8)
  T.ok(tostring(f):find("robust se", 1, true))
  -- a time 0 (finegray's rows then start at -1)
  local z = surv.finegray{ time = { 0, 1, 2, 3, 4, 5, 6, 7 }, status = { 1, 2, 0, 1, 2, 1, 0, 1 },
    x = { 1, 3, 2, 5, 4, 6, 8, 7 } }
  T.eq(#z.fg.row, FG["fg_zero.nrow"])
  T.near(z.coef, FG["fg_zero.coef"], 1e-8)
  T.near(z.se, FG["fg_zero.se"], 1e-8)
  T.near(z.naive_se, FG["fg_zero.naive_se"], 1e-8)
end)

T.test("finegray: bad input", function()
  local x = fg_x()
  T.errors(function() surv.finegray{ time = mg.etime, status = mg.event, x = x, cause = 3 } end,
    "surv.finegray: cause must be a cause's name or a number in 1..2")
  T.errors(function() surv.finegray{ time = mg.etime, status = mg.event, x = x, causes = { "a", "b" }, cause = "c" } end,
    "surv.finegray: cause 'c' is not one of the causes (a, b)")
  T.errors(function() surv.finegray{ time = { 1, 2, 3 }, status = { 0, 1, 4 }, x = { 1, 2, 3 }, causes = { "a", "b" } } end,
    "surv.finegray: 'status' element 3 is 4: not 0 (censored) or a cause code 1..2")
  T.errors(function() surv.finegray{ time = { 1, 2, 3 }, status = { 0, 2, 2 }, x = { 1, 2, 3 }, causes = { "a", "b" } } end,
    "surv.finegray: there are no events of cause 'a'")
  T.errors(function() surv.finegray{ time = { 1, 2, 3 }, status = { 0, 1, 2 }, x = { 1, 2 } } end,
    "surv.finegray: 'x' has 2 rows but 'time' has 3")
  T.errors(function() surv.finegray{ time = { 1, 2, 3 }, status = { 0, 1, 2 }, x = { 1, 2, 3 }, weights = { 1, -1, 1 } } end,
    "surv.finegray: 'weights' element 2 is negative")
  T.errors(function() surv.finegray{ time = { 1, -2, 3 }, status = { 0, 1, 2 }, x = { 1, 2, 3 } } end,
    "surv.finegray: 'time' element 2 is -2")
  T.errors(function() surv.finegray{ time = { 1, 2, 3 }, status = { 0, 1, 2 } } end, "surv.finegray: 'x' is missing")
  T.errors(function() surv.finegray{ time = { 1, 2, 3 }, status = { 0, 1, 2 }, x = { 1, 2, 3 }, colour = 1 } end,
    "surv.finegray: unknown option 'colour'")
end)

T.test("finegray through a formula with a factor status", function()
  local df = frame_with_factor("ev")
  local f = surv.finegray{ formula = "Surv(etime, ev) ~ age + sex", data = df, cause = "pcm" }
  T.eq(f.names[1], "age"); T.eq(f.names[2], "sex")
  check_fg(f, "fg_pcm")
  check_fg(surv.finegray{ formula = "Surv(etime, ev) ~ age + sex", data = df, weights = "w" }, "fg_pcm_w")
  check_fg(surv.finegray{ formula = "Surv(etime, ev) ~ age + sex", data = df, cause = "death" }, "fg_death")
  -- a missing covariate drops the row on both paths alike
  df.age:set(3, 1, 0 / 0)
  local a = surv.finegray{ formula = "Surv(etime, ev) ~ age + sex", data = df }
  local x = fg_x()
  x:set(3, 1, 0 / 0)
  local b = surv.finegray{ time = mg.etime, status = mg.event, x = x }
  T.eq(a.n_dropped, 1); T.eq(b.n_dropped, 1); T.eq(a.n_subjects, 1383)
  T.near(a.coef, b.coef, 1e-14)
  T.errors(function() surv.finegray{ formula = "Surv(etime, ev) ~ age + sex", data = df, na = "fail" } end,
    "surv.finegray:")
  T.errors(function() surv.finegray{ formula = "Surv(etime, ev) ~ age", data = df, x = { 1 } } end,
    "surv.finegray: give either formula = or x =, not both")
  T.errors(function() surv.finegray{ formula = "Surv(a, etime, ev) ~ age", data = df } end,
    "surv.finegray: the left side must be Surv(time, status)")
  T.errors(function() surv.finegray{ formula = "Surv(etime, ev) ~ nosuch", data = df } end, "surv.finegray:")
  T.errors(function() surv.finegray{ formula = "Surv(etime, ev) ~ age" } end, "surv.finegray: formula needs data =")
end)
