-- surv.fit: the API (names, blocks, methods, formulas), the special cases
-- of APGW, recovery of known parameters from simulated data, missing values
-- and every error path.
local T = require "orrery.testing"
local lung = T.csv("surv/fit/lung.csv")

local cols = T.cols  -- columns of a T.csv table as one matrix
local age_sex = cols(lung, { "age", "sex" })
local L = { time = lung.time, status = lung.status }
local function with(extra)
  local c = { time = L.time, status = L.status }
  for k, v in pairs(extra) do c[k] = v end
  return c
end

T.test("APGW with kappa fixed at 1 is the Weibull fit", function()
  local w = surv.fit(with { dist = "weibull", x = age_sex })
  local a = surv.fit(with { dist = "apgw", aft_x = age_sex, fixed = { kappa = 1 } })
  T.near(a.loglik, w.loglik, 1e-9, "AFT loglik")
  T.eq(a.params.lambda, 1)
  T.eq(a.blocks.ph, nil)
  T.near(a.coef, w.coef, 1e-6, "same coefficients")
  local wp = surv.fit(with { dist = "weibull", x = age_sex, model = "ph" })
  local ap = surv.fit(with { dist = "apgw", ph_x = age_sex, fixed = { kappa = 1 } })
  T.near(ap.loglik, wp.loglik, 1e-9, "PH loglik")
  T.eq(ap.params.phi, 1)
  T.near(ap.coef, wp.coef, 1e-6, "same PH coefficients")
end)

T.test("APGW with kappa = 0 and lambda = 1 is the log-logistic fit", function()
  local ll = surv.fit(with { dist = "loglogistic", x = age_sex })
  local a = surv.fit(with { dist = "apgw", aft_x = age_sex, fixed = { kappa = 0, lambda = 1 } })
  T.near(a.loglik, ll.loglik, 1e-9, "loglik")
  T.near(a.coef, ll.coef, 1e-6, "coefficients")
  -- and kappa = 0 alone is Burr XII
  local b = surv.fit(with { dist = "burr", aft_x = age_sex })
  local a0 = surv.fit(with { dist = "apgw", aft_x = age_sex, fixed = { kappa = 0 } })
  T.near(a0.loglik, b.loglik, 1e-9, "Burr loglik")
end)

T.test("fixed gamma = 1 makes Weibull exponential; boolean and 0/1 status agree with R's 1/2", function()
  local e = surv.fit(with { dist = "exponential", x = age_sex })
  local w = surv.fit(with { dist = "weibull", x = age_sex, fixed = { gamma = 1 } })
  T.near(w.loglik, e.loglik, 1e-12)
  T.near(w.coef, e.coef, 1e-8)
  local b, z = {}, {}
  for i = 1, #lung.status do b[i] = lung.status[i] == 2; z[i] = lung.status[i] - 1 end
  local fb = surv.fit { time = lung.time, status = b, dist = "weibull", x = age_sex }
  local fz = surv.fit { time = lung.time, status = z, dist = "weibull", x = age_sex }
  local f2 = surv.fit(with { dist = "weibull", x = age_sex })
  T.near(fb.loglik, f2.loglik, 1e-13); T.near(fz.loglik, f2.loglik, 1e-13)
  T.eq(f2:quantile(0, { 60, 1 }), 0); T.eq(f2:quantile(1, { 60, 1 }), math.huge)
end)

T.test("the coefficient gradient (block assembly, AFT sign) matches differences", function()
  local sr = T.private("surv")
  local n = #lung.time
  local d = mat.zeros(n, 1)
  local logt = mat.zeros(n, 1)
  local one_age, one_sex, one = mat.zeros(n, 2), mat.zeros(n, 2), mat.ones(n, 1)
  for i = 1, n do
    d:set(i, 1, lung.status[i] - 1); logt:set(i, 1, math.log(lung.time[i]))
    one_age:set(i, 1, 1); one_age:set(i, 2, (lung.age[i] - 60) / 10)
    one_sex:set(i, 1, 1); one_sex:set(i, 2, lung.sex[i])
  end
  local model = { family = "apgw", time = lung.time, logt = logt, status = d,
                  ph = one_sex, aft = one_age, shape = one_sex, fixed = { 0, 0, 0, 0 },
                  theta_free = true }
  local beta = { -6, 0.3, 0.5, 0.2, 0.1, -0.2, 0.4 }
  local ll, g = sr._loglik(model, beta)
  for j = 1, #beta do
    local bp, bm = {}, {}
    for k = 1, #beta do bp[k] = beta[k]; bm[k] = beta[k] end
    local h = 1e-6 * (1 + math.abs(beta[j]))
    bp[j] = bp[j] + h; bm[j] = bm[j] - h
    local fd = (sr._loglik(model, bp) - sr._loglik(model, bm)) / (2 * h)
    T.near(g[j], fd, 1e-6, "gradient " .. j, 1e-6)
  end
  T.ok(ll < 0)
end)

T.test("names, blocks, params, information criteria", function()
  local f = surv.fit(with { dist = "apgw", ph_x = lung.sex, aft_x = lung.age, fixed = { kappa = 0.5 } })
  T.eq(table.concat(f.names, ","), "ph:(Intercept),ph:x,aft:(Intercept),aft:x,log(gamma)")
  T.eq(f.blocks.ph[1], 1); T.eq(f.blocks.ph[2], 2)
  T.eq(f.blocks.aft[1], 3); T.eq(f.blocks.shape[1], 5)
  T.eq(f.params.kappa, 0.5)
  T.near(f.params.lambda, math.exp(f.coef[1]), 1e-15)
  T.near(f.params.phi, math.exp(-f.coef[3]), 1e-15)
  T.near(f.aic, -2 * f.loglik + 2 * 5, 1e-12)
  T.near(f.bic, -2 * f.loglik + math.log(228) * 5, 1e-12)
  T.eq(f.vcov:rows(), 5); T.near(f.se[2], math.sqrt(f.vcov:get(2, 2)), 1e-15)
  -- methods with the table form of X, and consistency between them
  local X = { ph = { 1 }, aft = { 60 } }
  local S, H = f:survival(200, X), f:cumhazard(200, X)
  T.near(S, math.exp(-H), 1e-14, "S = exp(-H)")
  local q = f:quantile(0.5, X)
  T.near(f:survival(q, X), 0.5, 1e-10, "S(median) = 1/2")
  -- a numeric derivative of H is h
  local e = 1e-3
  T.near(f:hazard(200, X), (f:cumhazard(200 + e, X) - f:cumhazard(200 - e, X)) / (2 * e), 1e-7)
  -- vectors of t and rows
  local v = f:survival({ 100, 200, 300 }, X)
  T.eq(#v, 3); T.near(v[2], S, 1e-15)
  T.errors(function() return f:survival(100, { 60 }) end, "several blocks")
  T.errors(function() return f:survival(-1, X) end, "t must be >= 0")
  T.errors(function() return f:quantile(1.5, X) end, "p must be in [0, 1]")
  T.ok(tostring(f):find("fixed: kappa = 0.5", 1, true))
end)

T.test("single block: X rows, baseline, cure fraction method", function()
  local f = surv.fit(with { dist = "weibull", x = age_sex })
  T.near(f:survival(300), math.exp(-f:cumhazard(300)), 1e-14)
  local r = f:survival(300, { { 60, 1 }, { 70, 2 } })
  T.eq(#r, 2)
  T.near(r[1], f:survival(300, { 60, 1 }), 1e-15)
  T.eq(f:cure({ 60, 1 }), 0)
  T.eq(f.cure_fraction, 0)
  -- new covariate rows have no missing-value rule: NaN and Inf are errors
  T.errors(function() return f:survival(300, { { 60, 1 }, { 0 / 0, 2 } }) end,
    "surv.fit:survival: 'X' has a missing value in row 2")
  T.errors(function() return f:hazard(300, { 1 / 0, 2 }) end, "'X' has an infinite value in row 1")
end)

T.test("quantile inverts S when (phi t)^gamma or H/lambda is huge", function()
  -- lung's APGW fit without covariates runs to the threshold boundary
  -- (gamma ~ 850, lambda ~ 5e-6): exp(A) in the inversion overflowed and
  -- every quantile came out Inf; Burr with lambda fixed at 1e-4 the same
  -- way through expm1(H / lambda). Tolerance 1e-8 relative on t.
  local a = surv.fit(with { dist = "apgw" })
  local b = surv.fit(with { dist = "burr", fixed = { lambda = 1e-4 } })
  for _, f in ipairs { a, b } do
    for _, t in ipairs { 30, 200, 700 } do
      local S = f:survival(t)
      T.ok(S > 0 and S < 1, "S(t) strictly inside (0, 1)")
      T.near(f:quantile(1 - S), t, 1e-8, f.dist .. " quantile at t = " .. t)
    end
  end
end)

T.test("a ridge to a limit family is flagged, not reported as a regular optimum", function()
  -- with kappa fixed below 0 and both scales free, lung's supremum is the
  -- Weibull limit lambda -> infinity, phi -> 0 (lambda phi^gamma fixed): the
  -- Newton steps stop on the flat ridge near log lambda = 23 with SEs ~ 4e4,
  -- and the fit came back converged with boundary = false
  local f = surv.fit(with { dist = "apgw", fixed = { kappa = -0.5 } })
  local w = surv.fit(with { dist = "weibull" })
  T.near(f.loglik, w.loglik, 1e-8, "the Weibull limit's log-likelihood")
  T.ok(f.boundary and f.boundary:find("not identified", 1, true), "flagged: " .. tostring(f.boundary))
  T.ok(tostring(f):find("Boundary:", 1, true), "in the printout")
  T.ok(tostring(surv.fit(with { dist = "exponential" })):find("(1 parameter)", 1, true), "singular")
end)

T.test("formula and data", function()
  local df = data.frame { time = lung.time, status = lung.status, age = lung.age, sex = lung.sex,
                          ["ph.ecog"] = lung["ph.ecog"] }
  local R = T.ref("surv/fit/survreg.txt")
  local f = surv.fit { formula = "Surv(time, status) ~ age + sex + ph.ecog", data = df, dist = "weibull" }
  T.near(f.loglik, R["lung_weib_ecog.loglik"], 1e-6)
  T.eq(f.names[4], "aft:ph.ecog")
  T.eq(f.n_dropped, 1)
  T.ok(tostring(f):find("1 observation deleted due to missingness", 1, true))
  local g = surv.fit { formula = "Surv(time, status) ~ 1", data = df, dist = "apgw",
                       ph = "~ sex", aft = "~ age", fixed = { kappa = 0.5 } }
  local m = surv.fit(with { dist = "apgw", ph_x = lung.sex, aft_x = lung.age, fixed = { kappa = 0.5 } })
  T.near(g.loglik, m.loglik, 1e-10)
  T.eq(g.names[2], "ph:sex"); T.eq(g.names[4], "aft:age")
  local h = surv.fit { formula = "Surv(time, status) ~ age", data = df, dist = "weibull", shape = "~ sex" }
  T.eq(h.names[4], "shape:sex")
  T.errors(function() return surv.fit { formula = "Surv(time, status) ~ age", data = df,
    dist = "weibull", x = age_sex } end, "not 'x'")
end)

T.test("missing values are dropped and counted; na = fail", function()
  local t, x = {}, {}
  for i = 1, #lung.time do t[i] = lung.time[i]; x[i] = lung.age[i] end
  t[3] = 0 / 0; x[10] = 0 / 0
  local f = surv.fit { time = t, status = lung.status, x = x, dist = "weibull" }
  T.eq(f.n, 226); T.eq(f.n_dropped, 2)
  T.errors(function() return surv.fit { time = t, status = lung.status, x = x, dist = "weibull", na = "fail" } end,
    "2 rows have missing values")
end)

T.test("simulated APGW data: known parameters recovered within 4 SE", function()
  -- PH block (1, x1), AFT block (1, x2), log gamma, log(kappa+1); T drawn by
  -- inverting S: H(T) = -log U, solved in closed form below (not by surv.fit)
  local r = rng.new(20261126)
  local n = 2000
  local u, x1u, x2, cu = r:uniform(n), r:uniform(n), r:uniform(n), r:uniform(n)
  local b_ph, b_aft, lg, kap = { -0.3, 0.7 }, { 0.2, 0.8 }, math.log(1.4), 0.6
  local time, status, X1, X2 = {}, {}, {}, {}
  for i = 1, n do
    local z1 = x1u[i] < 0.5 and 1 or 0
    local z2 = x2[i] * 2 - 1
    local lam = math.exp(b_ph[1] + b_ph[2] * z1)
    local phi = math.exp(-(b_aft[1] + b_aft[2] * z2))
    local g, s = math.exp(lg), kap + 1
    local Hp = -math.log(u[i])
    local A = math.log(1 + kap * Hp / (lam * s)) / kap
    local ti = (s * (math.exp(A) - 1)) ^ (1 / g) / phi
    local ci = 4 * cu[i]
    time[i] = math.min(ti, ci); status[i] = ti <= ci and 1 or 0
    X1[i] = z1; X2[i] = z2
  end
  local f = surv.fit { time = time, status = status, dist = "apgw", ph_x = X1, aft_x = X2 }
  T.ok(f.converged, tostring(f.reason))
  local truth = { b_ph[1], b_ph[2], b_aft[1], b_aft[2], lg, math.log(1 + kap) }
  for i = 1, 6 do
    local z = (f.coef[i] - truth[i]) / f.se[i]
    T.ok(math.abs(z) < 4, string.format("%s: estimate %.4f, truth %.4f, se %.4f", f.names[i], f.coef[i], truth[i], f.se[i]))
  end
end)

T.test("non-convergence is reported in the result and the printout", function()
  local f = surv.fit(with { dist = "lognormal", x = age_sex, maxit = 1 })
  T.eq(f.converged, false)
  T.eq(f.reason, "the iteration limit was reached")
  T.ok(tostring(f):find("Not converged: the iteration limit was reached", 1, true))
end)

T.test("errors name the function and the problem", function()
  local t, d = { 1, 2, 3, 4 }, { 1, 0, 1, 1 }
  T.errors(function() return surv.fit { time = { 1, -2, 3, 4 }, status = d, dist = "weibull" } end,
    "surv.fit: 'time' element 2 is -2: times must be positive")
  T.errors(function() return surv.fit { time = { 1, 0, 3, 4 }, status = d, dist = "weibull" } end,
    "'time' element 2 is 0: times must be positive")
  T.errors(function() return surv.fit { time = t, status = { 1, 0, 3, 1 }, dist = "weibull" } end, "status")
  -- a negative or fractional iteration limit was accepted and ran no Newton step
  T.errors(function() return surv.fit { time = t, status = d, dist = "weibull", maxit = -3 } end,
    "surv.fit: maxit must be an integer >= 1")
  T.errors(function() return surv.fit { time = t, status = d, dist = "weibull", maxit = 2.5 } end,
    "surv.fit: maxit must be an integer >= 1")
  T.errors(function() return surv.fit { time = t, status = { 0, 0, 0, 0 }, dist = "weibull" } end,
    "surv.fit: no events")
  T.errors(function() return surv.fit { time = t, status = { 1, 0, 1 }, dist = "weibull" } end,
    "'status' has 3 elements but 'time' has 4")
  T.errors(function() return surv.fit { time = t, status = d, dist = "weibull", x = { 1, 2, 3 } } end,
    "'x' has 3 rows but 'time' has 4")
  T.errors(function() return surv.fit { time = t, status = d, dist = "gamma" } end,
    "surv.fit: unknown dist 'gamma'")
  T.errors(function() return surv.fit { time = t, status = d } end, "'dist' is required")
  T.errors(function() return surv.fit { time = t, status = d, dist = "apgw", ph_x = { 1, 2, 3, 4 },
    aft_x = { 4, 3, 2, 1 }, fixed = { kappa = 1 } } end, "kappa = 1 with both ph_x and aft_x")
  T.errors(function() return surv.fit { time = t, status = d, dist = "weibull", bogus = 1 } end,
    "surv.fit: unknown option 'bogus'")
  T.errors(function() return surv.fit { time = t, status = d, dist = "lognormal", model = "ph" } end,
    "AFT only")
  T.errors(function() return surv.fit { time = t, status = d, dist = "gompertz", model = "aft" } end,
    "PH only")
  T.errors(function() return surv.fit { time = t, status = d, dist = "weibull", ph_x = t, aft_x = t } end,
    "not both")
  T.errors(function() return surv.fit { time = t, status = d, dist = "weibull", x = { 1, 1 / 0, 2, 3 } } end,
    "'x' has an infinite value in row 2")
  T.errors(function() return surv.fit { time = t, status = d, dist = "weibull", fixed = { nu = 1 } } end,
    "unknown fixed parameter 'nu'")
  T.errors(function() return surv.fit { time = t, status = d, dist = "apgw", fixed = { kappa = -1 } } end,
    "kappa must be > -1")
  T.errors(function() return surv.fit { time = t, status = d, dist = "weibull", fixed = { kappa = 1 } } end,
    "no kappa")
  T.errors(function() return surv.fit { time = t, status = d, dist = "weibull", model = "cox" } end,
    "model must be")
  T.errors(function() return surv.fit { time = t, status = d, dist = "exponential", shape_x = t } end,
    "no shape parameter")
  T.errors(function() return surv.fit { time = t, status = d, dist = "weibull", na = "drop" } end, "na must be")
  T.errors(function() return surv.fit("weibull") end, "expects a table")
  -- a constant column is aliased as survreg's NA, not an error (test_fit_ws.lua checks it against R)
  local fa = surv.fit { time = { 1, 2, 3, 4, 5, 6 }, status = { 1, 1, 0, 1, 1, 1 },
    dist = "weibull", x = { { 1, 2 }, { 1, 3 }, { 1, 1 }, { 1, 5 }, { 1, 2 }, { 1, 7 } } }
  T.eq(fa.aliased[1], "aft:x1")
end)
