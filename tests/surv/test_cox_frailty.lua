-- Gamma frailty Cox models against R's coxph(... + frailty(id, distribution =
-- "gamma")) (survival 3.5, tests/ref/surv/coxfrail/make_coxfrail.R) on kidney
-- and rats.
-- At a fixed theta both maximise the same penalised partial likelihood (R's
-- inner loop run to eps = 1e-15 in the script, ours to 1e-12 plus two full
-- Newton steps), and the standard
-- errors come from the same sparse information: coefficients, frailties,
-- variances, log-likelihoods and penalties agree to 1e-6 relative.
-- With theta estimated R converges theta only to ~1e-3: theta and the
-- coefficients are compared to 1e-3 relative on rats. On kidney R's
-- reported coefficients are those of its last inner fit (theta = 0.41216,
-- the last row of its history) while its reported theta is 0.40780: our
-- theta is compared to R's to 1e-3, our coefficients to R's at R's theta
-- (the fixed fit there) and our I-likelihood must be at least as high as
-- the best R evaluated (-181.6388; docs/methods/surv.md).
local T = require "orrery.testing"
local surv = require "orrery.surv"
local data = require "orrery.data"
local R = T.ref("surv/coxfrail/coxfrail_ref.txt")

local function frame(name) return data.read_csv(T.refdir .. "surv/coxfrail/" .. name) end
local kidney, rats = frame("kidney.csv"), frame("rats.csv")
local TOL = 1e-6

local function check(f, pre, tol)
  T.near(f.coef, R[pre .. ".coef"], tol, pre .. " coef")
  T.near(f.vcov, R[pre .. ".var"], tol, pre .. " var")
  -- var2 off the diagonal is a difference of close numbers: 1e-9 absolute too
  T.near(f.vcov2, R[pre .. ".var2"], tol, pre .. " var2", 1e-9)
  T.near(f.loglik, R[pre .. ".loglik"], tol, pre .. " loglik")
  T.near(f.penalty, R[pre .. ".penalty"], tol, pre .. " penalty")
  -- R's sparse (approximate) Newton stops with some frailties ~2e-7 from the
  -- optimum (our full Newton steps leave ours unchanged): 1e-6 absolute
  T.near(f.frail, R[pre .. ".frail"], tol, pre .. " frailties", 1e-6)
  T.eq(f.n, R[pre .. ".n"][1]); T.eq(f.nevent, R[pre .. ".n"][2])
  T.ok(f.converged, pre .. " converged")
end

T.test("gamma frailty at a fixed theta, as coxph (kidney, rats)", function()
  -- (the script also writes theta = 2, where the PPL is so flat along age that
  -- R's own estimate moves by 3e-5 between eps 1e-12 and 1e-15: not compared)
  local f = surv.cox{ formula = "Surv(time, status) ~ age + sex", data = kidney, frailty = "id", theta = 0.5,
    eps = 1e-12 }
  check(f, "kidney_t0.5", TOL)
  T.eq(f.theta, 0.5)
  T.near(f.se, { math.sqrt(f.vcov:get(1, 1)), math.sqrt(f.vcov:get(2, 2)) }, 1e-15)
  check(surv.cox{ formula = "Surv(time, status) ~ age + sex", data = kidney, frailty = "id", theta = 0.5,
    ties = "breslow", eps = 1e-12 }, "kidney_t0.5_breslow", TOL)
  check(surv.cox{ formula = "Surv(time, status) ~ rx + female", data = rats, frailty = "litter", theta = 0.5,
    eps = 1e-12 }, "rats_t0.5", TOL)
  -- the matrix path, frailty as a vector
  f = surv.cox{ time = kidney.time, status = kidney.status, x = kidney.age:hcat(kidney.sex),
    frailty = kidney.id, theta = 0.5, eps = 1e-12 }
  T.near(f.coef, R["kidney_t0.5.coef"], TOL)
  T.ok(tostring(f):find("Variance of random effect", 1, true))
end)

T.test("gamma frailty with theta estimated (marginal likelihood)", function()
  local g = surv.cox{ formula = "Surv(time, status) ~ rx + female", data = rats, frailty = "litter" }
  T.near(g.theta, R["rats.theta"], 1e-3, "rats theta")
  T.near(g.coef, R["rats.coef"], 1e-3, "rats coef")
  T.ok(not g.theta_fixed)
  local f = surv.cox{ formula = "Surv(time, status) ~ age + sex", data = kidney, frailty = "id" }
  T.near(f.theta, R["kidney.theta"], 1e-3, "kidney theta")
  local at = surv.cox{ formula = "Surv(time, status) ~ age + sex", data = kidney, frailty = "id",
    theta = R["kidney.theta"] }
  T.near(f.coef, at.coef, 1e-3, "kidney coef at R's theta")
  T.ok(f.marginal >= -181.6388, "the I-likelihood at our theta is at least R's best")
end)

T.test("frailty: bad input", function()
  local t, s, x = { 1, 2, 3, 4 }, { 1, 1, 0, 1 }, { 1, 2, 3, 4 }
  T.errors(function() surv.cox{ time = t, status = s, x = x, frailty = { 1, 1, 1, 1 } } end,
    "surv.cox: frailty needs at least two clusters, got 1")
  T.errors(function() surv.cox{ time = t, status = s, x = x, frailty = { 1, 2, 1 } } end,
    "surv.cox: 'frailty' has 3 elements but 'time' has 4")
  T.errors(function() surv.cox{ time = t, status = s, x = x, frailty = { 1, 2, 1, 2 }, theta = -1 } end,
    "surv.cox: theta must be a positive number")
  T.errors(function() surv.cox{ time = t, status = s, x = x, theta = 1 } end,
    "surv.cox: theta = needs frailty =")
  T.errors(function() surv.cox{ time = t, status = s, x = x, frailty = { 1, 2, 1, 2 }, weights = { 1, 2, 1, 1 } } end,
    "surv.cox: case weights are not supported with frailty =")
  T.errors(function() surv.cox{ time = t, status = s, x = x, frailty = { 1, 2, 1, 2 }, ties = "exact" } end,
    "surv.cox: ties = \"exact\" is not supported with frailty =")
  T.errors(function() surv.cox{ time = t, status = s, x = x, strata = { 1, 2, 1, 2 }, frailty = { 1, 2, 1, 2 } } end,
    "surv.cox: strata are not supported with frailty =")
end)
