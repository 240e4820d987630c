-- surv.fit against R's survreg (tests/ref/surv/fit/make_survreg.R) on lung and
-- ovarian: log-likelihood, coefficients, standard errors and predicted
-- quantiles. survreg's AFT coefficients are our aft block; its log(scale) is
-- -log(gamma). Tolerances (the task's bar is 1e-6; the fits agree to 1e-10
-- in loglik and 1e-8 in coefficients and quantiles, R's tolerance having been
-- tightened in the script): relative 1e-9 for loglik, 1e-7 for coefficients,
-- quantiles and standard errors (the observed information is analytic, as
-- survreg's; they agree to 1e-9).
local T = require "orrery.testing"
local R = T.ref("surv/fit/survreg.txt")
local lung = T.csv("surv/fit/lung.csv")
local ov = T.csv("surv/fit/ovarian.csv")

local cols = T.cols  -- columns of a T.csv table as one matrix

local function row(d, names, i)
  local r = {}
  for j, nm in ipairs(names) do r[j] = d[nm][i] end
  return r
end

local function check(tag, d, tname, sname, xnames, dist)
  local x = #xnames > 0 and cols(d, xnames) or nil
  local f = surv.fit{ time = d[tname], status = d[sname], dist = dist, x = x }
  T.ok(f.converged, tag .. " converged")
  T.near(f.loglik, R[tag .. ".loglik"], 1e-9, tag .. " loglik")
  local b = f.blocks.aft
  local coef, se = {}, {}
  for i = b[1], b[2] do coef[#coef + 1] = f.coef[i]; se[#se + 1] = f.se[i] end
  T.near(coef, R[tag .. ".coef"], 1e-7, tag .. " coef")
  T.near(se, R[tag .. ".se"], 1e-7, tag .. " se")
  if dist ~= "exponential" then
    local s = f.blocks.shape[1]
    T.near(-f.coef[s], R[tag .. ".logscale"], 1e-7, tag .. " log(scale)")
    T.near(f.se[s], R[tag .. ".se_logscale"], 1e-7, tag .. " se log(scale)")
  end
  local n = R[tag .. ".n"]
  T.eq(f.n, n[1], tag .. " n"); T.eq(f.n_dropped, n[2], tag .. " n_dropped")
  for i = 1, 3 do
    local want = R[tag .. ".q" .. i]
    if want[1] == want[1] then
      local X = #xnames > 0 and row(d, xnames, i) or nil
      T.near(f:quantile({ 0.1, 0.5, 0.9 }, X), want, 1e-7, tag .. " quantiles row " .. i)
    end
  end
  return f
end

T.test("lung: Weibull ~ age + sex", function()
  check("lung_weib", lung, "time", "status", { "age", "sex" }, "weibull")
end)
T.test("lung: Weibull ~ age + sex + ph.ecog drops the missing row", function()
  check("lung_weib_ecog", lung, "time", "status", { "age", "sex", "ph.ecog" }, "weibull")
end)
T.test("lung: exponential, log-logistic, log-normal ~ age + sex", function()
  check("lung_exp", lung, "time", "status", { "age", "sex" }, "exponential")
  check("lung_llog", lung, "time", "status", { "age", "sex" }, "loglogistic")
  check("lung_lnorm", lung, "time", "status", { "age", "sex" }, "lognormal")
end)
T.test("lung: Weibull without covariates", function()
  check("lung_weib0", lung, "time", "status", {}, "weibull")
end)
T.test("ovarian: Weibull, exponential, log-logistic, log-normal", function()
  check("ov_weib", ov, "futime", "fustat", { "age", "ecog.ps" }, "weibull")
  check("ov_exp", ov, "futime", "fustat", { "age" }, "exponential")
  check("ov_llog", ov, "futime", "fustat", { "age", "rx" }, "loglogistic")
  check("ov_lnorm", ov, "futime", "fustat", { "age", "resid.ds" }, "lognormal")
end)

T.test("Weibull and exponential: PH is the AFT fit reparameterised", function()
  local x = cols(lung, { "age", "sex" })
  for _, dist in ipairs { "weibull", "exponential" } do
    local a = surv.fit{ time = lung.time, status = lung.status, dist = dist, x = x }
    local p = surv.fit{ time = lung.time, status = lung.status, dist = dist, x = x, model = "ph" }
    T.near(p.loglik, a.loglik, 1e-10, dist .. " loglik")
    local g = dist == "weibull" and a.params.gamma or 1
    -- beta_ph = -gamma beta_aft
    for j = 1, 3 do
      T.near(p.coef[p.blocks.ph[1] + j - 1], -g * a.coef[a.blocks.aft[1] + j - 1], 1e-6, dist .. " coef " .. j)
    end
    T.near(p:survival(300, { 60, 1 }), a:survival(300, { 60, 1 }), 1e-7, dist .. " survival")
  end
end)
