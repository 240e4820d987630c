-- surv.fit with case weights, with strata (one shape per stratum) and with an
-- aliased constant covariate, against R's survreg
-- (tests/ref/surv/fit/make_fit_ws.R) on lung and ovarian. survreg's AFT
-- coefficients are our aft block; its log(scale) is -log(gamma), per stratum
-- with strata. Tolerances as test_fit_r.lua (R's tolerance is tightened in
-- the script): relative 1e-9 for loglik, 1e-7 for coefficients and SEs.
local T = require "orrery.testing"
local surv = require "orrery.surv"
local data = require "orrery.data"
local R = T.ref("surv/fit/fit_ws.txt")
local lung = data.read_csv(T.refdir .. "surv/fit/lung.csv")
local ov = data.read_csv(T.refdir .. "surv/fit/ovarian.csv")

local w = {}
for i = 1, lung:nrow() do w[i] = 1 + (i % 3) / 2 end
lung.w = w

local function aft(f)
  local b = f.blocks.aft
  local coef, se = {}, {}
  for i = b[1], b[2] do coef[#coef + 1] = f.coef[i]; se[#se + 1] = f.se[i] end
  return coef, se
end

local function check(tag, f, nstrata)
  T.ok(f.converged, tag .. " converged")
  T.near(f.loglik, R[tag .. ".loglik"], 1e-9, tag .. " loglik")
  local coef, se = aft(f)
  T.near(coef, R[tag .. ".coef"], 1e-7, tag .. " coef")
  T.near(se, R[tag .. ".se"], 1e-7, tag .. " se")
  if nstrata then
    T.near(f.strata.log_scale, R[tag .. ".logscale"], 1e-7, tag .. " log scale")
    T.near(f.strata.se_log_scale, R[tag .. ".se_logscale"], 1e-7, tag .. " se log scale")
  elseif f.dist ~= "exponential" then
    local i = f.blocks.shape[1]
    T.near(-f.coef[i], R[tag .. ".logscale"], 1e-7, tag .. " log scale")
    T.near(f.se[i], R[tag .. ".se_logscale"], 1e-7, tag .. " se log scale")
  end
end

T.test("case weights, as survreg's weights =", function()
  for _, d in ipairs{ "weibull", "lognormal", "loglogistic", "exponential" } do
    check("w_" .. d, surv.fit{ formula = "Surv(time, status) ~ age + sex", data = lung, weights = "w", dist = d })
  end
  -- the matrix path, weights as an array
  local f = surv.fit{ time = lung.time, status = lung.status, x = lung.age:hcat(lung.sex), weights = w,
    dist = "weibull" }
  check("w_weibull", f)
  -- integer weights are replicated rows
  local t, s, x, t2, s2, x2, w2 = {}, {}, {}, {}, {}, {}, {}
  for i = 1, 40 do
    t[i], s[i], x[i], w2[i] = lung.time[i], lung.status[i], lung.age[i], 1 + i % 2
    for _ = 1, w2[i] do t2[#t2 + 1], s2[#s2 + 1], x2[#x2 + 1] = t[i], s[i], x[i] end
  end
  local a = surv.fit{ time = t, status = s, x = x, weights = w2, dist = "weibull" }
  local b = surv.fit{ time = t2, status = s2, x = x2, dist = "weibull" }
  T.near(a.coef, b.coef, 1e-8); T.near(a.loglik, b.loglik, 1e-10)
end)

T.test("strata: a separate scale per stratum, as survreg's strata()", function()
  for _, d in ipairs{ "weibull", "lognormal", "loglogistic" } do
    local f = surv.fit{ formula = "Surv(time, status) ~ age + ph.ecog + strata(sex)", data = lung, dist = d }
    check("s_" .. d, f, 2)
    T.eq(f.strata.levels[2], "2")
  end
  -- strata = a column, with weights
  check("sw_weibull", surv.fit{ formula = "Surv(time, status) ~ age", data = lung, strata = "sex",
    weights = "w", dist = "weibull" }, 2)
  -- matrix path
  local f = surv.fit{ time = lung.time, status = lung.status, x = lung.age, strata = lung.sex,
    weights = w, dist = "weibull" }
  check("sw_weibull", f, 2)
end)

T.test("a constant covariate is aliased (NA), as survreg", function()
  ov.one = ov.age * 0 + 1
  local f = surv.fit{ formula = "Surv(futime, fustat) ~ age + one + rx", data = ov, dist = "weibull" }
  T.ok(f.converged)
  T.near(f.loglik, R["alias.loglik"], 1e-9)
  local coef, se = aft(f)
  T.near(coef, R["alias.coef"], 1e-7)           -- NaN where R has NA
  T.near({ se[1], se[2], se[4] }, { R["alias.se"][1], R["alias.se"][2], R["alias.se"][4] }, 1e-7)
  T.eq(f.aliased[1], "aft:one")
  T.ok(not f.boundary)
  T.ok(tostring(f):find("NA", 1, true))
  -- predictions skip the aliased column
  local q = f:quantile(0.5, { { 50, 1, 1 } })
  T.ok(q == q and q > 0)
end)

T.test("weights and strata: bad input", function()
  local t, s = { 1, 2, 3, 4 }, { 1, 1, 0, 1 }
  T.errors(function() surv.fit{ time = t, status = s, dist = "weibull", weights = { 1, -1, 1, 1 } } end,
    "surv.fit: 'weights' element 2 is not positive (-1)")
  T.errors(function() surv.fit{ time = t, status = s, dist = "weibull", weights = { 1, 1 } } end,
    "surv.fit: 'weights' has 2 elements but 'time' has 4")
  T.errors(function() surv.fit{ time = t, status = s, dist = "weibull", strata = { 1, 2, 1 } } end,
    "surv.fit: 'strata' has 3 elements but 'time' has 4")
  T.errors(function() surv.fit{ time = t, status = s, dist = "exponential", strata = { 1, 2, 1, 2 } } end,
    "surv.fit: dist 'exponential' has no shape to stratify")
  T.errors(function() surv.fit{ time = t, status = s, dist = "weibull", strata = { 1, 2, 1, 2 },
    shape_x = { 1, 2, 3, 4 } } end, "surv.fit: give strata or a shape regression")
  T.errors(function() surv.fit{ formula = "Surv(time, status) ~ age", data = lung, dist = "weibull",
    weights = "nope" } end, "surv.fit: no column 'nope' in data")
end)
