-- Kaplan-Meier with case weights and with counting-process (start, stop]
-- data, the restricted mean and :at at several times, against R's
-- survival 3.5 (tests/ref/surv/km/make_km.R) on lung and heart. Tolerance
-- 1e-10 relative unless stated: closed-form sums, only rounding separates us
-- from R.
local T = require "orrery.testing"
local data = require "orrery.data"
local surv = require "orrery.surv"
local R = T.ref("surv/km/km.txt")
local lung = T.csv("surv/lung.csv")
local heart = T.csv("surv/heart.csv")
local TOL = 1e-10

-- the weights of make_km.R
local w, wi, hw = {}, {}, {}
for i = 1, #lung.time do w[i] = 1 + (i % 3) / 2; wi[i] = 1 + i % 3 end
for i = 1, #heart.id do hw[i] = 0.5 + (heart.id[i] % 4) / 4 end

local function check_km(k, pre)
  for _, c in ipairs{ "time", "surv", "se", "lower", "upper", "n_risk", "n_event", "n_censor",
                      "cumhaz", "se_cumhaz" } do
    T.near(k[c], R[pre .. "." .. c], TOL, pre .. " " .. c)
  end
  T.near({ k:median() }, R[pre .. ".median"], TOL, pre .. " median")
end

T.test("weighted km: the jackknife variance by default with non-integer weights", function()
  local k = surv.km(lung.time, lung.status, { weights = w })
  T.eq(k.robust, true)
  check_km(k, "lung_w")
  check_km(surv.km(lung.time, lung.status, { weights = w, conf = "log-log" }), "lung_w_ll")
  check_km(surv.km(lung.time, lung.status, { weights = w, conf = "plain" }), "lung_w_plain")
  -- Greenwood on the weighted counts: integer weights, or robust = false
  local kg = surv.km(lung.time, lung.status, { weights = w, robust = false })
  T.eq(kg.robust, false)
  check_km(kg, "lung_w_greenwood")
  check_km(surv.km(lung.time, lung.status, { weights = wi }), "lung_wi")
  -- the jackknife without weights, as survfit(robust = TRUE)
  check_km(surv.km(lung.time, lung.status, { robust = true }), "lung_robust")
end)

T.test("weighted km by group, and through a formula naming the weight column", function()
  local g = surv.km(lung.time, lung.status, { weights = w, group = lung.sex })
  check_km(g[1], "lung_w_sex1"); check_km(g[2], "lung_w_sex2")
  local df = data.read_csv(T.refdir .. "surv/lung.csv")
  df.w = w
  local f = surv.km{ formula = "Surv(time, status) ~ sex", data = df, weights = "w" }
  check_km(f[1], "lung_w_sex1"); check_km(f[2], "lung_w_sex2")
end)

T.test("km:at{...} at several times, as summary(survfit, times =)", function()
  local k = surv.km(lung.time, lung.status, { weights = w })
  local a = k:at(R["lung_w_at.t"])
  T.near(a.time, R["lung_w_at.t"], 0)
  T.near(a.surv, R["lung_w_at.surv"], TOL)
  T.near(a.se, R["lung_w_at.se"], TOL)
  T.near(a.lower, R["lung_w_at.lower"], TOL)
  T.near(a.upper, R["lung_w_at.upper"], TOL)
  -- the single-time form is unchanged; an array of one gives vectors
  local one = k:at(365)
  T.near(one.surv, R["lung_w_at.surv"][3], TOL)
  T.eq(k:at{ 365 }.surv[1], one.surv)
  -- before the first time: 1 with no error; order kept as given
  local b = k:at{ 500.5, 1 }
  T.eq(b.surv[2], 1); T.eq(b.se[2], 0)
  T.near(b.surv[1], R["lung_w_at.surv"][4], TOL)
  T.errors(function() k:at{} end, "surv.km:at: t must be a number or a non-empty array")
  T.errors(function() k:at{ 1, "a" } end, "surv.km:at: t element 2 is not a number")
  T.errors(function() k:at(0 / 0) end, "surv.km:at: t is NaN")
end)

T.test("counting-process km (delayed entry) on heart", function()
  local k = surv.km(heart.stop, heart.event, { start = heart.start })
  T.eq(k.counting, true)
  check_km(k, "heart")
  check_km(surv.km(heart.stop, heart.event, { start = heart.start, weights = hw }), "heart_w")
  local df = data.read_csv(T.refdir .. "surv/heart.csv")
  local g = surv.km{ formula = "Surv(start, stop, event) ~ surgery", data = df }
  T.eq(#g.levels, 2)
  check_km(g[0], "heart_surg0"); check_km(g[1], "heart_surg1")
end)

T.test("restricted mean survival time and its SE, as print(survfit, rmean = tau)", function()
  local function near(r, pre)
    T.near(r.rmean, R[pre .. ".rmean"], TOL, pre .. " rmean")
    T.near(r.se, R[pre .. ".se"], TOL, pre .. " se")
  end
  local k = surv.km(lung.time, lung.status)
  near(k:rmean(500), "rm_lung_500")
  near(k:rmean(1022), "rm_lung_last")   -- tau at the last time is allowed
  near(k:rmean(6), "rm_lung_6")
  near(surv.km(lung.time, lung.status, { weights = w }):rmean(500), "rm_lung_w_500")
  near(surv.km(lung.time, lung.status, { weights = wi }):rmean(400), "rm_lung_wi_400")
  local g = surv.km(lung.time, lung.status, { group = lung.sex }):rmean(700)
  T.near({ g[1].rmean, g[2].rmean }, R["rm_lung_sex_700.rmean"], TOL)
  T.near({ g[1].se, g[2].se }, R["rm_lung_sex_700.se"], TOL)
  near(surv.km(heart.stop, heart.event, { start = heart.start }):rmean(500), "rm_heart_500")
  local hg = surv.km(heart.stop, heart.event, { start = heart.start, group = heart.surgery }):rmean(900)
  T.near({ hg[0].rmean, hg[1].rmean }, R["rm_heart_surg_900.rmean"], TOL)
  T.near({ hg[0].se, hg[1].se }, R["rm_heart_surg_900.se"], TOL)
  -- before the first time the area is tau itself (R refuses such a tau)
  local r = k:rmean(2)
  T.eq(r.rmean, 2); T.eq(r.se, 0)
end)

T.test("bad input: tau beyond the data, negative weight, start >= stop", function()
  local k = surv.km(lung.time, lung.status)
  T.errors(function() k:rmean(2000) end,
    "surv.km:rmean: tau = 2000 is beyond the last time of the curve (1022)")
  T.errors(function() k:rmean(-1) end, "surv.km:rmean: tau must be >= 0")
  T.errors(function() k:rmean(0 / 0) end, "surv.km:rmean: tau must be a number")
  T.errors(function() k:rmean() end, "surv.km:rmean: tau must be a number")
  local g = surv.km(lung.time, lung.status, { group = lung.sex })
  T.errors(function() g:rmean(1000) end, "surv.km_groups:rmean: tau = 1000 is beyond the last time of the curve of group 2 (965)")
  T.errors(function() surv.km({ 1, 2, 3 }, { 1, 1, 1 }, { weights = { 1, -1, 1 } }) end,
    "surv.km: 'weights' element 2 is negative (-1.0)")
  T.errors(function() surv.km({ 1, 2, 3 }, { 1, 1, 1 }, { weights = { 1, 1 } }) end,
    "surv.km: 'weights' has 2 elements but 'time' has 3")
  T.errors(function() surv.km({ 1, 2, 3 }, { 1, 1, 1 }, { start = { 0, 2, 1 } }) end,
    "surv.km: row 2: 'start' (2.0) must be less than the stop time (2.0)")
  T.errors(function() surv.km({ 1, 2, 3 }, { 1, 1, 1 }, { start = { 0, -1, 1 } }) end,
    "surv.km: 'start' element 2 is -1")
  T.errors(function() surv.km({ 1, 2, 3 }, { 1, 1, 1 }, { weights = { 1, 1 / 0, 1 } }) end,
    "surv.km: 'weights' element 2 is infinite")
  T.errors(function() surv.km({ 1, 2 }, { 1, 1 }, { robust = 1 }) end, "surv.km: robust must be true or false")
  -- zero weights are allowed, as survfit: the row's time stays, with no weight
  local z = surv.km({ 1, 2, 3, 4, 5 }, { 1, 1, 0, 1, 1 }, { weights = { 1, 0, 2, 1, 1 } })
  T.near(z.n_risk, { 5, 4, 4, 2, 1 }, 0)
  T.near(z.surv, { 0.8, 0.8, 0.8, 0.4, 0 }, 1e-15)
  -- missing weights or starts drop the row
  local d = surv.km({ 1, 2, 3 }, { 1, 1, 1 }, { weights = { 1, 0 / 0, 1 } })
  T.eq(d.n, 2); T.eq(d.n_dropped, 1)
end)
