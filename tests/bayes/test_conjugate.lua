-- bayes: the conjugate families against tests/ref/bayes/make_conjugate.R
-- (closed forms from R's qbeta/qgamma/qt, log marginal likelihoods by the
-- chain rule, a direct multivariate density or numerical integration),
-- sequential = batch, predictive checks by simulation, and bad input.
local T = require "orrery.testing"
local R = T.ref("bayes/conjugate.txt")

local y = { 1, 0, 1, 1, 1, 0, 1, 0, 1, 1 }
local x = { 3, 4, 5, 0, 2 }
local z = { 1.2, 0.3, 2.5, 1.9, -0.4 }

T.test("beta-binomial: posterior, moments, intervals, predictive, logml against R", function()
  local m = bayes.beta_binomial(2, 3):update(y)
  T.near({ m.a, m.b }, R.bb_post, 1e-15)
  T.near(m:mean(), R.bb_mean, 1e-14)
  T.near(m:var(), R.bb_var, 1e-14)
  T.near({ m:interval(0.95) }, R.bb_eq95, 1e-12)
  -- HPD: both searches stop where the width is flat to ~1e-16, so the ends agree to ~1e-8
  T.near({ m:interval(0.9, "hpd") }, R.bb_hpd90, 1e-7)
  T.near(m:logml(), R.bb_logml, 1e-12)
  local p = m:predictive(5)
  T.near(p:density(mat.range(0, 5)), R.bb_pred_pmf, 1e-12)
  T.near(p:cdf(mat.range(0, 5)), R.bb_pred_cdf, 1e-12)
  -- counts give the same posterior as the outcomes
  local c = bayes.beta_binomial(2, 3):update(7, 3)
  T.near({ c.a, c.b, c:logml() }, { m.a, m.b, m:logml() }, 1e-15)
end)

T.test("gamma-Poisson against R (logml by numerical integration)", function()
  local m = bayes.gamma_poisson(2, 1):update(x)
  T.near({ m.shape, m.rate }, R.gp_post, 1e-15)
  T.near(m:mean(), R.gp_mean, 1e-14); T.near(m:var(), R.gp_var, 1e-14)
  T.near({ m:interval(0.95) }, R.gp_eq95, 1e-12)
  T.near({ m:interval(0.9, "hpd") }, R.gp_hpd90, 1e-7)
  -- integrate() at rel.tol 1e-13
  T.near(m:logml(), R.gp_logml, 1e-11)
  local p = m:predictive()
  T.near(p:density(mat.range(0, 6)), R.gp_pred_pmf, 1e-12)
  T.near(p:cdf(mat.range(0, 6)), R.gp_pred_cdf, 1e-12)
end)

T.test("normal with known variance against R (logml by the direct N(mu0 1, s2 I + t2 11') density)", function()
  local m = bayes.normal_known_var(0.5, 2, 1.5):update(z)
  T.near({ m.mu, m.tau }, R.nk_post, 1e-14)
  T.near({ m:interval(0.95) }, R.nk_eq95, 1e-12)
  T.near(m:logml(), R.nk_logml, 1e-12)
  local p = m:predictive()
  T.near(p:density(mat.vec{ -1, 0, 1, 2 }), R.nk_pred_pdf, 1e-12)
  T.near(p:cdf(mat.vec{ -1, 0, 1, 2 }), R.nk_pred_cdf, 1e-12)
end)

T.test("normal-inverse-gamma against R (logml by the chain rule of t predictives)", function()
  local m = bayes.nig(0, 1, 2, 2):update(z)
  T.near({ m.mu, m.kappa, m.a, m.b }, R.nig_post, 1e-14)
  T.near({ m:mean() }, R.nig_mean, 1e-14)
  T.near({ m:var() }, R.nig_var, 1e-13)
  local iv = m:interval(0.95)
  T.near(iv.mu, R.nig_mu_eq95, 1e-12)
  T.near(iv.s2, R.nig_s2_eq95, 1e-12)
  T.near(m:interval(0.9, "hpd").s2, R.nig_s2_hpd90, 1e-7)
  T.near(m:logml(), R.nig_logml, 1e-12)
  local p = m:predictive()
  T.near(p:density(mat.vec{ -1, 0, 1, 2 }), R.nig_pred_pdf, 1e-12)
  T.near(p:cdf(mat.vec{ -1, 0, 1, 2 }), R.nig_pred_cdf, 1e-12)
end)

T.test("Dirichlet against R", function()
  local m = bayes.dirichlet{ 1, 2, 3 }:update{ 4, 5, 6 }
  T.near(m.alpha, R.dir_post, 1e-15)
  T.near(m:mean(), R.dir_mean, 1e-14)
  T.near(m:var(), R.dir_var, 1e-14)
  local lo, hi = m:interval(0.95)
  T.near(lo, R.dir_lo95, 1e-12); T.near(hi, R.dir_hi95, 1e-12)
  T.near(m:logml(), R.dir_logml, 1e-12)
  T.near(m:predictive():density(mat.vec{ 1, 2, 3 }), R.dir_mean, 1e-14)
end)

T.test("sequential updates equal the batch update, and logml adds up", function()
  local function seq(m, data, f)
    for _, v in ipairs(data) do m = f(m, v) end
    return m
  end
  local b1 = seq(bayes.beta_binomial(2, 3), y, function(m, v) return m:update{ v } end)
  local b2 = bayes.beta_binomial(2, 3):update(y)
  T.near({ b1.a, b1.b, b1:logml() }, { b2.a, b2.b, b2:logml() }, 1e-13)
  local g1 = seq(bayes.gamma_poisson(2, 1), x, function(m, v) return m:update(v) end)
  local g2 = bayes.gamma_poisson(2, 1):update(x)
  T.near({ g1.shape, g1.rate, g1:logml() }, { g2.shape, g2.rate, g2:logml() }, 1e-13)
  local n1 = seq(bayes.normal_known_var(0.5, 2, 1.5), z, function(m, v) return m:update(v) end)
  local n2 = bayes.normal_known_var(0.5, 2, 1.5):update(z)
  T.near({ n1.mu, n1.tau, n1:logml() }, { n2.mu, n2.tau, n2:logml() }, 1e-13)
  local v1 = seq(bayes.nig(0, 1, 2, 2), z, function(m, v) return m:update(v) end)
  local v2 = bayes.nig(0, 1, 2, 2):update(z)
  T.near({ v1.mu, v1.kappa, v1.a, v1.b, v1:logml() }, { v2.mu, v2.kappa, v2.a, v2.b, v2:logml() }, 1e-13)
  -- two batches equal one
  local v3 = bayes.nig(0, 1, 2, 2):update{ 1.2, 0.3 }:update{ 2.5, 1.9, -0.4 }
  T.near({ v3.mu, v3.b, v3:logml() }, { v2.mu, v2.b, v2:logml() }, 1e-13)
  local d1 = bayes.dirichlet{ 1, 2, 3 }:update{ 1, 0, 2 }:update{ 3, 5, 4 }
  local d2 = bayes.dirichlet{ 1, 2, 3 }:update{ 4, 5, 6 }
  T.near({ d1:logml() }, { d2:logml() }, 1e-13)
  -- the update returns a new object: the prior is unchanged
  local p = bayes.nig(0, 1, 2, 2)
  p:update(z)
  T.eq(p.n, 0)
end)

T.test("posterior and predictive checks by simulation agree with the closed forms", function()
  local r = rng.new(42)
  local N = 200000
  local m = bayes.nig(0, 1, 2, 2):update(z)
  local s = m:sample(N, r)
  -- the mean of N draws is within 5 standard errors of the closed form
  local mu, v = m:mean()
  local vm, vs = m:var()
  T.near(s.mu:mean(), mu, 0, "E(mu)", 5 * math.sqrt(vm / N))
  T.near(s.s2:mean(), v, 0, "E(s2)", 5 * math.sqrt(vs / N))
  local pr = m:predictive()
  local d = pr:sample(N, r)
  -- P(Y <= 1) from draws against the t cdf (binomial standard error)
  local c = 0
  for i = 1, N do if d[i] <= 1 then c = c + 1 end end
  local pc = pr:cdf(1)
  T.near(c / N, pc, 0, "P(Y <= 1)", 5 * math.sqrt(pc * (1 - pc) / N))
  local b = bayes.beta_binomial(2, 3):update(y)
  local bp = b:predictive(5)
  local k = bp:sample(50000, r)
  local c3 = 0
  for i = 1, #k do if k[i] == 3 then c3 = c3 + 1 end end
  local p3 = bp:density(3)
  T.near(c3 / #k, p3, 0, "P(K = 3)", 5 * math.sqrt(p3 * (1 - p3) / #k))
  local g = bayes.gamma_poisson(2, 1):update(x)
  local gk = g:predictive():sample(50000, r)
  local gm = gk:mean()
  T.near(gm, g.shape / g.rate, 0, "E(K)", 5 * math.sqrt((g.shape / g.rate) * (1 + 1 / g.rate) / 50000))
  local d = bayes.dirichlet{ 1, 2, 3 }:update{ 4, 5, 6 }
  local cats = d:predictive():sample(50000, r)
  local pm = d:mean()
  for j = 1, 3 do
    local cj = 0
    for i = 1, #cats do if cats[i] == j then cj = cj + 1 end end
    T.near(cj / #cats, pm[j], 0, "P(category " .. j .. ")", 5 * math.sqrt(pm[j] * (1 - pm[j]) / #cats))
  end
  local ds = d:sample(50000, r):colmeans()
  local dv = d:var()
  for j = 1, 3 do T.near(ds[j], pm[j], 0, "E(p" .. j .. ")", 5 * math.sqrt(dv[j] / 50000)) end
  local nk = bayes.normal_known_var(0.5, 2, 1.5):update(z)
  local ny = nk:predictive():sample(N, r)
  local pv = nk.tau ^ 2 + 1.5 ^ 2
  T.near(ny:mean(), nk.mu, 0, "E(Y)", 5 * math.sqrt(pv / N))
  T.near(stats.var(ny), pv, 5 * math.sqrt(2 / N), "Var(Y)")
  -- same seed, same numbers
  T.near(bayes.beta_binomial(1, 1):sample(5, rng.new(3)), bayes.beta_binomial(1, 1):sample(5, rng.new(3)), 0)
end)

T.test("bad input is a clear error", function()
  T.errors(function() bayes.beta_binomial(-1, 2) end, "bayes.beta_binomial: 'a' must be a positive number")
  T.errors(function() bayes.beta_binomial(1, 2):update{ 0, 2 } end, "outcome 2 is 2, not 0 or 1")
  T.errors(function() bayes.beta_binomial(1, 2):update(-1, 2) end, "successes must be")
  T.errors(function() bayes.beta_binomial(1, 2):interval(1.5) end, "level must be in")
  T.errors(function() bayes.beta_binomial(0.5, 2):interval(0.9, "hpd") end, "unimodal")
  T.errors(function() bayes.beta_binomial(1, 2):interval(0.9, "shortest") end, "kind must be")
  T.errors(function() bayes.gamma_poisson(1, 0) end, "'rate' must be a positive number")
  T.errors(function() bayes.gamma_poisson(1, 1):update{ 1.5 } end, "count 1 is 1.5")
  T.errors(function() bayes.normal_known_var(0, -1, 1) end, "'tau0' must be a positive")
  T.errors(function() bayes.normal_known_var(0, 1, 1):update{ 1, 0 / 0 } end, "element 2 is not a finite number")
  T.errors(function() bayes.nig(0, 1, 0, 1) end, "'a0' must be a positive")
  T.errors(function() bayes.dirichlet{ 1, -2 } end, "alpha element 2")
  T.errors(function() bayes.dirichlet{ 1, 2 }:update{ 1, 2, 3 } end, "counts has 3 elements, alpha has 2")
  T.errors(function() bayes.beta_binomial(1, 1):sample(0) end, "n must be a positive integer")
  T.errors(function() bayes.beta_binomial(1, 1):sample(2, 5) end, "r must be a random stream")
end)
