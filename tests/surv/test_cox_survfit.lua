-- Survival curves from Cox models at covariate rows against R's
-- survfit(coxph, newdata) (survival 3.5, tests/ref/surv/coxsurv/make_coxsurv.R)
-- on lung (Efron and Breslow ties, strata), veteran (case weights, robust
-- variance) and heart ((start, stop] data).
-- Tolerances (relative): the fits themselves agree with coxph to ~1e-12
-- (test_cox.lua), so the curves, their standard errors and limits are
-- compared to 1e-8; times and counts exactly.
local T = require "orrery.testing"
local surv = require "orrery.surv"
local data = require "orrery.data"
local mat = require "orrery.mat"
local R = T.ref("surv/coxsurv/coxsurv_ref.txt")
local TOL = 1e-8

local function frame(name) return data.read_csv(T.refdir .. "surv/" .. name) end
local lung, vet, heart = frame("lung.csv"), frame("veteran.csv"), frame("heart.csv")

-- curves c (a list, stacked as R's strata) against the reference pre
local function check(list, pre)
  local time, nr, ne, nc = {}, {}, {}, {}
  local fields = { surv = {}, cumhaz = {}, se_cumhaz = {}, lower = {}, upper = {} }
  local ncol = list[1].surv:cols()
  for _, c in ipairs(list) do
    for i = 1, #c.time do
      time[#time + 1] = c.time[i]; nr[#nr + 1] = c.n_risk[i]
      ne[#ne + 1] = c.n_event[i]; nc[#nc + 1] = c.n_censor[i]
    end
  end
  for k in pairs(fields) do
    for j = 1, ncol do
      for _, c in ipairs(list) do
        for i = 1, c[k]:rows() do fields[k][#fields[k] + 1] = c[k]:get(i, j) end
      end
    end
  end
  T.near(time, R[pre .. ".time"], 0, pre .. " time")
  T.near(nr, R[pre .. ".n_risk"], 1e-12, pre .. " n_risk")
  T.near(ne, R[pre .. ".n_event"], 1e-12, pre .. " n_event")
  T.near(nc, R[pre .. ".n_censor"], 1e-12, pre .. " n_censor")
  T.near(fields.surv, R[pre .. ".surv"], TOL, pre .. " surv")
  T.near(fields.cumhaz, R[pre .. ".cumhaz"], TOL, pre .. " cumhaz")
  T.near(fields.se_cumhaz, R[pre .. ".std_err"], TOL, pre .. " std.err", 1e-15)
  T.near(fields.lower, R[pre .. ".lower"], TOL, pre .. " lower")
  T.near(fields.upper, R[pre .. ".upper"], TOL, pre .. " upper")
end

local ND = { { 50, 1, 0 }, { 70, 2, 2 } }

T.test("survfit at new rows, Efron and Breslow ties (lung)", function()
  for _, ties in ipairs{ "efron", "breslow" } do
    local f = surv.cox{ formula = "Surv(time, status) ~ age + sex + ph.ecog", data = lung, ties = ties }
    local c = f:survfit(ND)
    check({ c }, "lung_" .. ties)
    -- se is the standard error of S: surv * se_cumhaz
    T.near(c.se:get(10, 2), c.surv:get(10, 2) * c.se_cumhaz:get(10, 2), 1e-15)
    -- summary(survfit, times =): between two times and after the last
    local pre = "lung_" .. ties .. "_at"
    local a, b = c:at(100), c:at(365.5)
    T.near({ a.surv[1], b.surv[1], a.surv[2], b.surv[2] }, R[pre .. ".surv"], TOL, pre .. " surv")
    T.near({ a.se[1], b.se[1], a.se[2], b.se[2] }, R[pre .. ".se"], TOL, pre .. " se")
    T.near({ a.lower[1], b.lower[1], a.lower[2], b.lower[2] }, R[pre .. ".lower"], TOL, pre .. " lower")
    T.near({ a.upper[1], b.upper[1], a.upper[2], b.upper[2] }, R[pre .. ".upper"], TOL, pre .. " upper")
    local z = c:at(0)
    T.near({ z.surv[1], z.se[1], z.lower[2] }, { 1, 0, 1 }, 0)
    -- the same rows as a frame give the same curves
    local nd = data.frame{ age = { 50, 70 }, sex = { 1, 2 }, ["ph.ecog"] = { 0, 2 } }
    T.near(f:survfit(nd).surv, c.surv, 0)
  end
end)

T.test("survfit: level and the log-log and plain bands", function()
  local f = surv.cox{ formula = "Surv(time, status) ~ age + sex + ph.ecog", data = lung }
  check({ f:survfit({ ND[2] }, { level = 0.9 }) }, "lung_one90")
  check({ f:survfit(ND, { conf = "log-log" }) }, "lung_loglog")
  check({ f:survfit(ND, { conf = "plain" }) }, "lung_plain")
  T.ok(tostring(f:survfit(ND)):find("0.95LCL", 1, true))
end)

T.test("survfit with case weights uses the robust variance, as R (veteran)", function()
  local w = {}
  for i = 1, #vet.time do w[i] = 1 + (i % 3) / 2 end
  local x = vet.karno:hcat(vet.age)
  local f = surv.cox{ time = vet.time, status = vet.status, x = x, weights = w }
  T.ok(f.robust)
  check({ f:survfit{ { 30, 60 }, { 80, 60 } } }, "vet_w")
end)

T.test("survfit of a stratified model: one curve per stratum", function()
  local f = surv.cox{ formula = "Surv(time, status) ~ age + ph.ecog + strata(sex)", data = lung }
  local g = f:survfit({ { 60, 1 } })
  T.eq(#g.levels, 2)
  check({ g[g.levels[1]], g[g.levels[2]] }, "lung_strata")
  T.near(R["lung_strata.strata"], { #g["1"].time, #g["2"].time }, 0)
  local g2 = f:survfit({ { 60, 1 }, { 70, 2 } })
  check({ g2["1"], g2["2"] }, "lung_strata2")
  -- one stratum by its label or number
  T.near(f:survfit({ { 60, 1 }, { 70, 2 } }, { strata = 2 }).surv, g2["2"].surv, 0)
  T.near(f:survfit({ { 60, 1 } }, { strata = "1" }).surv, g["1"].surv, 0)
  -- one stratum per row (R's newdata with the strata column), also read from a frame
  local per = f:survfit({ { 60, 1 }, { 70, 2 } }, { strata = { 2, 1 } })
  T.near(per[1].surv, g2["2"].surv:cols_of{ 1 }, 0)
  T.near(per[2].surv, g2["1"].surv:cols_of{ 2 }, 0)
  local nd = data.frame{ age = { 60, 70 }, ["ph.ecog"] = { 1, 2 }, sex = { 2, 1 } }
  T.near(f:survfit(nd)[2].surv, per[2].surv, 0)
  T.ok(tostring(per):find("stratified", 1, true))
  T.errors(function() f:survfit({ { 60, 1 } }, { strata = 3 }) end,
    "surv.cox:survfit: '3' is not a stratum of the model")
  T.errors(function() f:survfit({ { 60, 1 }, { 70, 2 } }, { strata = { 1, 2, 1 } }) end,
    "surv.cox:survfit: strata has 3 entries but X has 2 rows")
end)

T.test("survfit on (start, stop] data (heart)", function()
  local f = surv.cox{ formula = "Surv(start, stop, event) ~ age + surgery", data = heart }
  check({ f:survfit{ { -10, 0 }, { 5, 1 } } }, "heart")
end)

T.test("survfit: bad input", function()
  local f = surv.cox{ formula = "Surv(time, status) ~ age + sex", data = lung }
  T.errors(function() f:survfit() end, "surv.cox:survfit: X (rows of covariates) is missing")
  T.errors(function() f:survfit({ { 1, 2, 3 } }) end, "surv.cox:survfit: X has 3 columns but the model has 2")
  T.errors(function() f:survfit({ { 1, 0 / 0 } }) end, "surv.cox:survfit:")
  T.errors(function() f:survfit({ { 1, 2 } }, { strata = 1 }) end,
    "surv.cox:survfit: strata = needs a stratified model")
  T.errors(function() f:survfit({ { 1, 2 } }, { conf = "logit" }) end, "surv.cox:survfit: conf must be")
  T.errors(function() f:survfit({ { 1, 2 } }, { level = 2 }) end, "surv.cox:survfit: level must be")
  T.errors(function() f:survfit({ { 1, 2 } }, { levels = 0.9 }) end, "surv.cox:survfit: unknown option 'levels'")
  T.errors(function() f:survfit({ { 1, 2 } }):at("a") end, "surv.cox_curve:at: t must be a number")
  T.ok(mat ~= nil)
end)
