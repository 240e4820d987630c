-- regress.iv / ivl / anchor against AER::ivreg, sandwich and the closed forms
-- of docs/methods/regress.md (tests/ref/regress/iv/make_ivreg.R) on AER's CigarettesSW.
local T = require "orrery.testing"
local d = T.csv("regress/iv/cigarettes.csv")
local R = T.ref("regress/iv/ivreg.txt")

local x = d.lrprice:hcat(d.lrincome)
local z = d.lrincome:hcat(d.tdiff):hcat(d.rtax)

T.test("2SLS coefficients, SEs and sigma match AER::ivreg (1e-8)", function()
  local fit = regress.iv{ y = d.lpacks, x = x, z = z }
  T.near(fit.coef, R.coef, 1e-8)
  T.near(fit.se, R.se, 1e-8)
  T.near(fit.sigma, R.sigma, 1e-8)
  local e = fit:residuals()
  T.near({ e[1], e[2], e[3], e[4], e[5] }, R.resid_head, 1e-8)
  T.eq(fit.names[1], "(Intercept)"); T.eq(fit.names[2], "x1")
  T.eq(fit.n, 96); T.eq(fit.n_dropped, 0)
end)

T.test("2SLS sandwich SEs match vcovHC HC0-HC3 and vcovCL (1e-8)", function()
  for _, k in ipairs{ "HC0", "HC1", "HC2", "HC3" } do
    local fit = regress.iv{ y = d.lpacks, x = x, z = z, se = k }
    T.near(fit.se, R["se_" .. k], 1e-8, k)
  end
  -- vcovCL's default for ivreg is HC0 (test_sandwich.lua); the HC1 type:
  local fit = regress.iv{ y = d.lpacks, x = x, z = z, cluster = d.state, cluster_type = "HC1" }
  T.near(fit.se, R.se_cluster, 1e-8, "cluster")
end)

T.test("first-stage F of the endogenous column matches anova (1e-8)", function()
  local fit = regress.iv{ y = d.lpacks, x = x, z = z }
  T.eq(#fit.first_stage_f, 1)           -- lrincome is in z: exogenous
  T.near(fit.first_stage_f[1], R.first_stage_f, 1e-8)
end)

T.test("2SLS without intercept, just identified", function()
  local fit = regress.iv{ y = d.lpacks, x = x, z = d.lrincome:hcat(d.tdiff), intercept = false }
  T.near(fit.coef, R.coef_noint, 1e-8)
  T.near(fit.se, R.se_noint, 1e-8)
end)

T.test("IVL at fixed alpha and anchor match the closed forms (1e-8)", function()
  T.near(regress.ivl{ y = d.lpacks, x = x, z = z, alpha = 1 }.coef, R.coef_ivl_1, 1e-8)
  T.near(regress.ivl{ y = d.lpacks, x = x, z = z, alpha = 0.1 }.coef, R["coef_ivl_0.1"], 1e-8)
  T.near(regress.anchor{ y = d.lpacks, x = x, a = z, gamma = 5 }.coef, R.coef_anchor_5, 1e-8)
  T.near(regress.anchor{ y = d.lpacks, x = x, a = z, gamma = 0.5 }.coef, R["coef_anchor_0.5"], 1e-8)
end)

T.test("IVL limits: alpha -> 0 is 2SLS, alpha -> inf is OLS; IVL(alpha) = anchor(1 + 1/alpha)", function()
  T.near(regress.ivl{ y = d.lpacks, x = x, z = z, alpha = 0 }.coef, R.coef, 1e-10)
  T.near(regress.ivl{ y = d.lpacks, x = x, z = z, alpha = 1e-9 }.coef, R.coef, 1e-6)
  T.near(regress.ivl{ y = d.lpacks, x = x, z = z, alpha = math.huge }.coef, R.coef_ols, 1e-10)
  T.near(regress.ivl{ y = d.lpacks, x = x, z = z, alpha = 1e9 }.coef, R.coef_ols, 1e-6)
  for _, a in ipairs{ 0.01, 0.3, 2, 50 } do
    T.near(regress.ivl{ y = d.lpacks, x = x, z = z, alpha = a }.coef,
           regress.anchor{ y = d.lpacks, x = x, a = z, gamma = 1 + 1 / a }.coef, 1e-10)
  end
end)

T.test("IVL chooses alpha by cross-validated IV risk, reproducibly", function()
  local f1 = regress.ivl{ y = d.lpacks, x = x, z = z, rng = rng.new(3) }
  local f2 = regress.ivl{ y = d.lpacks, x = x, z = z, rng = rng.new(3) }
  T.eq(f1.alpha, f2.alpha)
  T.ok(f1.cv and #f1.cv.alphas == f1.cv.risk:rows())
  local best = math.huge
  for k = 1, f1.cv.risk:rows() do best = math.min(best, f1.cv.risk[k]) end
  for k, a in ipairs(f1.cv.alphas) do
    if a == f1.alpha then T.eq(f1.cv.risk[k], best) end
  end
end)

T.test("missing values are dropped and counted, or fail", function()
  local y = d.lpacks:copy()
  y:set(3, 1, 0 / 0)
  local xx = x:copy(); xx:set(7, 2, 0 / 0)
  local fit = regress.iv{ y = y, x = xx, z = z }
  T.eq(fit.n, 94); T.eq(fit.n_dropped, 2)
  T.ok(tostring(fit):find("2 observations deleted", 1, true))
  T.errors(function() regress.iv{ y = y, x = xx, z = z, na = "fail" } end,
    "regress.iv: 2 rows have missing values")
end)

T.test("bad input gives clear errors", function()
  T.errors(function() regress.iv{ y = d.lpacks, x = x } end, "regress.iv: z is required")
  T.errors(function() regress.iv{ y = d.lpacks, x = x, z = z, bogus = 1 } end, "unknown option 'bogus'")
  T.errors(function() regress.iv{ y = d.lpacks, x = x, z = mat.ones(5, 1) } end, "z has 5 rows but y has 96")
  local zi = z:copy(); zi:set(1, 1, math.huge)
  T.errors(function() regress.iv{ y = d.lpacks, x = x, z = zi } end, "regress.iv: 'z' has an infinite value in row 1")
  T.errors(function() regress.iv{ y = d.lpacks, x = x, z = d.tdiff, intercept = false } end, "under-identified")
  T.errors(function() regress.iv{ y = d.lpacks, x = x, z = z, se = "HC9" } end, "se must be")
  T.errors(function() regress.ivl{ y = d.lpacks, x = x, z = z, alpha = -1 } end, "alpha must be")
  T.errors(function() regress.anchor{ y = d.lpacks, x = x, a = z, gamma = -2 } end, "gamma must be")
  T.errors(function() regress.anchor{ y = d.lpacks, x = x, a = z } end, "gamma must be")
end)
