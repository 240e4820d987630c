-- Kaplan-Meier, Nelson-Aalen and log-rank against R's survival 3.5
-- (tests/ref/surv/make_surv.R). Tolerance 1e-10 relative unless stated:
-- these are closed-form sums, so only rounding separates us from R.
local T = require "orrery.testing"
local R = T.ref("surv/surv_ref.txt")
local lung = T.csv("surv/lung.csv")
local ov = T.csv("surv/ovarian.csv")
local vet = T.csv("surv/veteran.csv")
local TOL = 1e-10

local function check_km(k, pre, rtol)
  rtol = rtol or TOL
  T.near(k.time, R[pre .. ".time"], rtol, pre .. " time")
  T.near(k.surv, R[pre .. ".surv"], rtol, pre .. " surv")
  T.near(k.se, R[pre .. ".se"], rtol, pre .. " se")
  T.near(k.lower, R[pre .. ".lower"], rtol, pre .. " lower")
  T.near(k.upper, R[pre .. ".upper"], rtol, pre .. " upper")
  T.near(k.n_risk, R[pre .. ".n_risk"], 0, pre .. " n_risk")
  T.near(k.n_event, R[pre .. ".n_event"], 0, pre .. " n_event")
  T.near({ k:median() }, R[pre .. ".median"], rtol, pre .. " median")
end

T.test("km on lung: log, log-log and plain limits, level 0.9", function()
  check_km(surv.km(lung.time, lung.status), "km_lung_log")
  check_km(surv.km(lung.time, lung.status, { conf = "log-log" }), "km_lung_log-log")
  check_km(surv.km(lung.time, lung.status, { conf = "plain" }), "km_lung_plain")
  check_km(surv.km(lung.time, lung.status, { level = 0.9 }), "km_lung_l90")
end)

T.test("km by group, ovarian and veteran", function()
  local g = surv.km(lung.time, lung.status, { group = lung.sex })
  T.eq(#g.levels, 2)
  check_km(g[1], "km_lung_sex1"); check_km(g[2], "km_lung_sex2")
  check_km(surv.km(ov.futime, ov.fustat), "km_ovarian")
  check_km(surv.km(vet.time, vet.status), "km_vet")
end)

T.test("km median: the midpoint rule where S is exactly 0.5", function()
  check_km(surv.km({ 1, 2, 3, 4, 5, 6 }, { 1, 1, 1, 0, 1, 1 }), "km_mid")
  check_km(surv.km({ 1, 2, 3, 4 }, { true, true, true, true }), "km_mid2")
end)

T.test("km :at(t) as summary(fit, times =)", function()
  local k = surv.km(lung.time, lung.status)
  local t = R["km_lung_at.t"]
  for i = 1, #t do
    local a = k:at(t[i])
    T.near(a.surv, R["km_lung_at.surv"][i], TOL)
    T.near(a.se, R["km_lung_at.se"][i], TOL)
    T.near(a.lower, R["km_lung_at.lower"][i], TOL)
    T.near(a.upper, R["km_lung_at.upper"][i], TOL)
  end
  local a = k:at(1)
  T.eq(a.surv, 1); T.eq(a.se, 0)
end)

T.test("nelson-aalen on lung", function()
  local a = surv.na(lung.time, lung.status)
  T.near(a.time, R["na_lung.time"], TOL)
  T.near(a.cumhaz, R["na_lung.cumhaz"], TOL)
  T.near(a.se, R["na_lung.se"], TOL)
end)

local function check_lr(t, pre)
  T.near(t.chisq, R[pre .. ".chisq"], TOL, pre .. " chisq")
  T.eq(t.df, R[pre .. ".df"])
  T.near(t.p, R[pre .. ".p"], 1e-8, pre .. " p")
  T.near(t.observed, R[pre .. ".observed"], TOL, pre .. " observed")
  T.near(t.expected, R[pre .. ".expected"], TOL, pre .. " expected")
end

-- R returns a groups x strata matrix (column-major) with strata: sum rows
local function rowsums(v, k)
  local out = {}
  for j = 1, k do out[j] = 0 end
  for i = 1, #v do out[(i - 1) % k + 1] = out[(i - 1) % k + 1] + v[i] end
  return out
end

T.test("log-rank and Peto-Peto, k groups, strata", function()
  check_lr(surv.logrank(lung.time, lung.status, lung.sex), "lr_lung_sex")
  check_lr(surv.logrank(lung.time, lung.status, lung.sex, { rho = 1 }), "lr_lung_sex_rho1")
  local e = surv.logrank(lung.time, lung.status, lung["ph.ecog"])
  check_lr(e, "lr_lung_ecog")
  T.eq(e.n_dropped, 1)
  T.near(e.n_group, { 63, 113, 50, 1 }, 0)   -- survdiff's N
  check_lr(surv.logrank(vet.time, vet.status, vet.celltype), "lr_vet_cell")
  for _, pre in ipairs{ "lr_ov_rx_strata", "lr_ov_rx_strata_rho1" } do
    local t = surv.logrank(ov.futime, ov.fustat, ov.rx, { strata = ov["ecog.ps"], rho = pre:match("rho1") and 1 or 0 })
    T.near(t.chisq, R[pre .. ".chisq"], TOL)
    T.near(t.p, R[pre .. ".p"], 1e-8)
    T.near(t.observed, rowsums(R[pre .. ".observed"], 2), TOL)
    T.near(t.expected, rowsums(R[pre .. ".expected"], 2), TOL)
  end
end)

T.test("missing values dropped and counted; na = fail", function()
  local k = surv.km({ 1, 2, 0 / 0, 4 }, { 1, 0 / 0, 1, 1 })
  T.eq(k.n, 2); T.eq(k.n_dropped, 2)
  T.ok(tostring(k):find("2 observations deleted", 1, true))
  T.errors(function() surv.km({ 1, 0 / 0 }, { 1, 1 }, { na = "fail" }) end,
    "surv.km: 1 row with missing values (na = \"fail\")")
  T.errors(function() surv.logrank({ 1, 2, 3, 0 / 0 }, { 1, 1, 1, 1 }, { 1, 2, 1, 2 }, { na = "fail" }) end,
    "surv.logrank: 1 row with missing values")
  T.errors(function() surv.na({ 1, 0 / 0 }, { 1, 1 }, { na = "fail" }) end, "surv.na: 1 row with missing values")
  T.errors(function() surv.km({ 1, 2 }, { 1, 1 }, { na = "drop" }) end, "surv.km: na must be")
  local t = surv.logrank({ 1, 2, 3, 4, 5 }, { 1, 1, 1, 1, 1 }, { 1, 2, 1, 2, 0 / 0 })
  T.eq(t.n_dropped, 1); T.eq(t.n, 4)
end)

T.test("bad input raises clear errors", function()
  T.errors(function() surv.km({ 1, -2 }, { 1, 1 }) end, "surv.km: 'time' element 2 is -2: times must be >= 0")
  T.errors(function() surv.km({ 1, 2 }, { 1, 3 }) end, "surv.km: 'status' element 2 is 3")
  T.errors(function() surv.km({ 1, 2 }, { 0, 1, 2 }) end, "surv.km: 'status' element 1 is 0")
  T.errors(function() surv.km({ 1, 2 }, { 1 }) end, "surv.km: 'status' has 1 elements but 'time' has 2")
  T.errors(function() surv.km({ 1, 1 / 0 }, { 1, 1 }) end, "surv.km: 'time' element 2 is infinite")
  T.errors(function() surv.km({ 1, 2 }, { 1, 1 }, { conf = "logit" }) end, "surv.km: conf must be")
  T.errors(function() surv.km({ 1, 2 }, { 1, 1 }, { levle = 0.9 }) end, "surv.km: unknown option 'levle'")
  T.errors(function() surv.km({ 1, 2 }, { 1, 1 }, { group = { 1 } }) end, "'group' has 1 elements but 'time' has 2")
  T.errors(function() surv.logrank({ 1, 2 }, { 0, 0 }, { 1, 2 }) end, "surv.logrank: there are no events")
  T.errors(function() surv.logrank({ -1, 2 }, { 1, 1 }, { 1, 2 }) end, "surv.logrank: 'time' element 1 is -1: times must be >= 0")
  T.errors(function() surv.logrank({ 1, 2 }, { 1, 1 }, { 1, 1 }) end, "at least 2 are needed")
  T.errors(function() surv.logrank({ 1, 2 }, { 1, 1 }, { 1, 2 }, { rho = -1 }) end, "rho must be")
  T.errors(function() surv.na({ 1, 2 }, { 1, "a" }) end, "surv.na: 'status' element 2 is string")
  T.errors(function() surv.km({ 0 / 0 }, { 1 }) end, "surv.km: no complete rows")
  T.errors(function() surv.km({ 1, 2 }, { true, 1 }) end, "surv.km: 'status' element 2 is number, expected a boolean")
end)

T.test("printouts", function()
  local s = tostring(surv.km(lung.time, lung.status))
  T.ok(s:find("median", 1, true) and s:find("310", 1, true), s)
  s = tostring(surv.km(lung.time, lung.status, { group = lung.sex }))
  T.ok(s:find("270", 1, true) and s:find("426", 1, true), s)
  s = tostring(surv.logrank(lung.time, lung.status, lung.sex))
  T.ok(s:find("Chisq= 10.3  on 1 degrees of freedom", 1, true), s)
end)

T.test("formula interface of km and logrank", function()
  local df = data.read_csv(T.refdir .. "surv/lung.csv")
  local g = surv.km{ formula = "Surv(time, status) ~ sex", data = df }
  check_km(g[1], "km_lung_sex1"); check_km(g[2], "km_lung_sex2")
  T.ok(tostring(g):find("sex=1", 1, true))
  check_km(surv.km{ formula = "Surv(time, status) ~ 1", data = df, conf = "plain" }, "km_lung_plain")
  check_lr(surv.logrank{ formula = "Surv(time, status) ~ sex", data = df, rho = 1 }, "lr_lung_sex_rho1")
  check_lr(surv.logrank{ formula = "Surv(time, status) ~ ph.ecog", data = df }, "lr_lung_ecog")
  local ov2 = data.read_csv(T.refdir .. "surv/ovarian.csv")
  local t = surv.logrank{ formula = "Surv(futime, fustat) ~ rx + strata(ecog.ps)", data = ov2 }
  T.near(t.chisq, R["lr_ov_rx_strata.chisq"], TOL)
  local a = surv.na{ formula = "Surv(time, status) ~ 1", data = df }
  T.near(a.cumhaz, R["na_lung.cumhaz"], TOL)
  -- options naming a column
  local g2 = surv.km{ formula = "Surv(time, status) ~ 1", data = df, group = "sex" }
  check_km(g2[2], "km_lung_sex2")
  t = surv.logrank{ formula = "Surv(futime, fustat) ~ rx", data = ov2, strata = "ecog.ps" }
  T.near(t.chisq, R["lr_ov_rx_strata.chisq"], TOL)
  T.errors(function() surv.km{ formula = "Surv(time, status) ~ sex", data = df, group = "sex" } end,
    "surv.km: give the group either in the formula or as group =")
  T.errors(function() surv.km{ formula = "time ~ sex", data = df } end, "surv.km: the left side of")
  T.errors(function() surv.km{ formula = "Surv(time, status) ~ sex", data = df, colour = 1 } end,
    "surv.km: unknown option 'colour'")
  T.errors(function() surv.km{ formula = "Surv(time, status) ~ nosuch", data = df } end,
    "surv.km: no column 'nosuch' in data")
end)
