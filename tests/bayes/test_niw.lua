-- bayes.niw and bayes.nig_regression against tests/ref/bayes/make_niw.R:
-- batch formulas, logml by the chain rule (NIW) or the direct multivariate t
-- of y (regression), rank-one downdates, sampling moments, the flat-prior
-- limit (OLS), and bad input.
local T = require "orrery.testing"
local R = T.ref("bayes/niw.txt")

local X = mat.from{ { 1.2, 0.5 }, { 0.4, 1.1 }, { -0.3, -0.8 }, { 2.2, 1.9 }, { 0.9, 0.2 },
  { 1.7, 2.4 }, { 0.1, -0.5 }, { -1.1, 0.3 } }
local prior = { mu0 = { 0.5, -0.5 }, kappa0 = 2, nu0 = 5, psi0 = { { 2, 0.3 }, { 0.3, 1 } } }

T.test("NIW: the update (rank-one, row by row) equals R's batch formulas; logml by the chain rule", function()
  local m = bayes.niw(prior):update(X)
  T.near(m.mu, R.niw_mu, 1e-13)
  T.near({ m.kappa, m.nu }, { R.niw_kappa, R.niw_nu }, 0)
  T.near(m.psi, R.niw_psi, 1e-13)
  T.near(m:logml(), R.niw_logml, 1e-12)
  T.near(math.log(m:predictive():density{ 0.3, 0.7 }), R.niw_pred_logdens, 1e-12)
  -- sequential = batch: one row at a time, and two blocks
  local s = bayes.niw(prior)
  for i = 1, 8 do s = s:update{ X:get(i, 1), X:get(i, 2) } end
  T.near(s.psi, m.psi, 1e-13); T.near(s.mu, m.mu, 1e-13); T.near(s:logml(), m:logml(), 1e-13)
end)

T.test("NIW: downdates remove rows exactly (against R's batch posterior of 6 rows)", function()
  local m = bayes.niw(prior):update(X)
  local d = m:downdate{ -1.1, 0.3 }:downdate{ 0.1, -0.5 }
  T.near(d.mu, R.niw6_mu, 1e-12)
  T.near(d.psi, R.niw6_psi, 1e-12)
  T.eq(d.n, 6)
  local all = m:downdate(X)
  T.near(all.psi, prior.psi0, 1e-12, nil, 1e-12)
  T.near(all.mu, prior.mu0, 1e-12, nil, 1e-12)
  T.near(all:logml(), 0, 0, nil, 1e-11)
end)

T.test("NIW: sampled Sigma and mu have the closed-form means; the predictive draws its moments", function()
  local m = bayes.niw(prior):update(X)
  local N = 20000
  local s = m:sample(N, rng.new(7))
  local ES, Emu = mat.zeros(2, 2), mat.zeros(2, 1)
  for i = 1, N do ES = ES + s[i].Sigma; Emu = Emu + s[i].mu end
  ES = ES * (1 / N); Emu = Emu * (1 / N)
  local mu, S = m:mean()
  -- E(Sigma) = Psi/(nu - d - 1); Var(Sigma_ij) ~ Psi_ij^2/(nu-d-1)^2/(nu-d-3) ~ 1/8 relative:
  -- five standard errors of a mean of N draws is about 0.02 relative
  T.near(ES, S, 0.03)
  T.near(Emu, mu, 0, nil, 5 * math.sqrt(S:get(1, 1) / m.kappa / N) * 2)
  local p = m:predictive()
  local Y = p:sample(N, rng.new(8))
  T.near(Y:colmeans():t(), mu, 0, nil, 0.05)
  -- covariance of the multivariate t: scale df/(df - 2)
  local C = stats.cov(Y)
  T.near(C, p.scale * (p.df / (p.df - 2)), 0.05)
end)

local Z = mat.from{ { 1, 1.2 }, { 1, 0.4 }, { 1, -0.3 }, { 1, 2.2 }, { 1, 0.9 }, { 1, 1.7 }, { 1, 0.1 }, { 1, -1.1 } }
local y = mat.vec{ 2.1, 1.0, 0.2, 3.9, 1.8, 3.1, 0.7, -0.9 }

T.test("NIG regression against R: posterior, logml (direct multivariate t of y), predictive", function()
  local m = bayes.nig_regression{ m0 = { 0, 1 }, L0 = { { 0.5, 0.1 }, { 0.1, 2 } }, a0 = 3, b0 = 2 }:update(Z, y)
  T.near(m.m, R.nigr_m, 1e-13)
  T.near(m.L, R.nigr_L, 1e-14)
  T.near({ m.a, m.b }, { R.nigr_a, R.nigr_b }, 1e-13)
  T.near(m:logml(), R.nigr_logml, 1e-12)
  local p = m:predict{ { 1, 0.5 }, { 1, 3 } }
  T.near(p.mean, R.nigr_pred_mean, 1e-13)
  T.near(p.scale, R.nigr_pred_scale, 1e-13)
  T.near(p.lower, R.nigr_pred_lower, 1e-12)
  -- sequential = batch
  local s = bayes.nig_regression{ m0 = { 0, 1 }, L0 = { { 0.5, 0.1 }, { 0.1, 2 } }, a0 = 3, b0 = 2 }
  s = s:update(Z:cols_of{ 1, 2 }:reshape(8, 2), y)
  local s2 = bayes.nig_regression{ m0 = { 0, 1 }, L0 = { { 0.5, 0.1 }, { 0.1, 2 } }, a0 = 3, b0 = 2 }
  for i = 1, 8 do s2 = s2:update({ { 1, Z:get(i, 2) } }, { y[i] }) end
  T.near(s2.m, s.m, 1e-12); T.near({ s2.a, s2.b, s2:logml() }, { s.a, s.b, s:logml() }, 1e-12)
end)

T.test("NIG regression: a flat-ish prior reproduces OLS (coefficients, RSS)", function()
  local m = bayes.nig_regression{ m0 = { 0, 0 }, L0 = { { 1e-10, 0 }, { 0, 1e-10 } }, a0 = 1e-10, b0 = 1e-10 }:update(Z, y)
  T.near(m.m, R.ols_coef, 1e-8)
  local fit = regress.ols{ y = y, x = Z:col(2) }
  local rss = 0
  for i = 1, 8 do rss = rss + (y[i] - fit.fitted[i]) ^ 2 end
  T.near(m.b, rss / 2, 1e-8)
end)

T.test("bad input is a clear error", function()
  T.errors(function() bayes.niw{ mu0 = { 0, 0 }, kappa0 = 1, nu0 = 3, psi0 = { { 1, 2 }, { 2, 1 } } } end,
    "'psi0' must be positive definite")
  T.errors(function() bayes.niw{ mu0 = { 0, 0 }, kappa0 = 1, nu0 = 3, psi0 = { { 1, 0.5 }, { 0, 1 } } } end,
    "'psi0' must be symmetric")
  T.errors(function() bayes.niw{ mu0 = { 0, 0 }, kappa0 = -1, nu0 = 3, psi0 = { { 1, 0 }, { 0, 1 } } } end,
    "'kappa0' must be a positive")
  T.errors(function() bayes.niw{ mu0 = { 0, 0 }, kappa0 = 1, nu0 = 0.5, psi0 = { { 1, 0 }, { 0, 1 } } } end,
    "'nu0' must be a number > d - 1")
  T.errors(function() bayes.niw{ mu0 = { 0, 0, 0 }, kappa0 = 1, nu0 = 3, psi0 = { { 1, 0 }, { 0, 1 } } } end,
    "'psi0' is 2 x 2 but mu0 has 3 elements")
  T.errors(function() bayes.niw(prior):update{ 1, 2, 3 } end, "'X' has 3 columns, the model has dimension 2")
  T.errors(function() bayes.niw(prior):downdate{ 1, 2 } end, "cannot remove 1 rows")
  T.errors(function() bayes.niw(prior):update{ 1, 0 / 0 } end, "non-finite")
  T.errors(function() bayes.niw{ mu0 = { 0, 0 }, kappa0 = 1, nu0 = 3, foo = 1, psi0 = { { 1, 0 }, { 0, 1 } } } end,
    "unknown option 'foo'")
  -- removing a row that was never added can leave Psi not positive definite
  local m = bayes.niw{ mu0 = { 0, 0 }, kappa0 = 1, nu0 = 3, psi0 = { { 1, 0 }, { 0, 1 } } }:update{ 0, 0 }
  T.errors(function() m:downdate{ 5, 5 } end, "not positive definite")
  T.errors(function() bayes.nig_regression{ m0 = { 0, 0 }, L0 = { { 1, 0 }, { 0, -1 } }, a0 = 1, b0 = 1 } end,
    "'L0' must be positive definite")
  T.errors(function() bayes.nig_regression{ m0 = { 0, 0 }, L0 = { { 1 } }, a0 = 1, b0 = 1 } end,
    "'L0' is 1 x 1 but m0 has 2 elements")
  local r = bayes.nig_regression{ m0 = { 0, 0 }, L0 = { { 1, 0 }, { 0, 1 } }, a0 = 1, b0 = 1 }
  T.errors(function() r:update(Z, { 1, 2 }) end, "y has 2 elements but X has 8 rows")
  T.errors(function() r:update(Z:col(2), y) end, "'X' has 1 columns")
end)

T.test("missing options are named", function()
  T.errors(function() bayes.niw{ kappa0 = 1, nu0 = 3, psi0 = { { 1 } } } end, "bayes.niw: 'mu0' is missing")
  T.errors(function() bayes.niw{ mu0 = { 0 }, kappa0 = 1, nu0 = 3 } end, "bayes.niw: 'psi0' is missing")
  T.errors(function() bayes.nig_regression{ m0 = { 0 }, a0 = 1, b0 = 1 } end, "'L0' is missing")
  T.errors(function() bayes.nig_regression{ m0 = { 0 }, L0 = { { 1 } }, a0 = 1, b0 = 1 }:update({ { 1 } }) end,
    "bayes.nig_regression:update: 'y' is missing")
end)
