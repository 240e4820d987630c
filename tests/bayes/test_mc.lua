-- bayes.bootstrap, bayes.martingale and bayes.smc: moments of the Bayesian
-- bootstrap against its closed form, the Polya martingale posterior against
-- the Bayesian bootstrap, SMC's log evidence against the exact log marginal
-- likelihood of a conjugate model, the resampling schemes, and bad input.
local T = require "orrery.testing"
local Cp = T.private("bayes")

local x = mat.vec{ 2.3, 0.4, 1.9, 3.1, -0.7, 1.2, 0.8, 2.6, 1.5, 0.1 }
local n = #x
local xbar = x:mean()
local ss = 0
for i = 1, n do ss = ss + (x[i] - xbar) ^ 2 end
-- the Bayesian bootstrap's mean of a sample: E = xbar, Var = sum (x - xbar)^2 / (n (n + 1))
local bbvar = ss / (n * (n + 1))

local function moments(d)
  local m = d:mean()
  local v = 0
  for i = 1, #d do v = v + (d[i] - m) ^ 2 end
  return m, v / (#d - 1)
end

T.test("Bayesian bootstrap of the mean: E and Var against the closed form (C and Lua paths)", function()
  local B = 40000
  for _, stat in ipairs{ "mean", function(v, w) return (v:t() * w)[1] end } do
    local d = bayes.bootstrap(x, stat, B, rng.new(5)).draws
    local m, v = moments(d)
    T.near(m, xbar, 0, "mean", 5 * math.sqrt(bbvar / B))
    -- the variance of a sample variance of B draws: about 2 v^2 / B (a little more: not normal)
    T.near(v, bbvar, 5 * math.sqrt(3 / B), "variance")
  end
  -- same seed, same numbers
  T.near(bayes.bootstrap(x, "mean", 10, rng.new(9)).draws, bayes.bootstrap(x, "mean", 10, rng.new(9)).draws, 0)
end)

T.test("martingale posterior (Polya urn) of the mean approaches the Bayesian bootstrap", function()
  local B = 4000
  local d = bayes.martingale{ x = x, N = 2000, B = B, rng = rng.new(11) }.draws
  local m, v = moments(d)
  T.near(m, xbar, 0, "mean", 5 * math.sqrt(bbvar / B))
  -- finite N adds a variance of order 1/N relative: 5 standard errors of the variance plus 1%
  T.near(v, bbvar, 5 * math.sqrt(3 / B) + 0.01, "variance")
  -- a function statistic gives the same draws as "mean" for the same stream
  local e = bayes.martingale{ x = x, N = 200, B = 5, rng = rng.new(3) }.draws
  local f = bayes.martingale{ x = x, N = 200, B = 5, rng = rng.new(3), stat = function(z) return z:mean() end }.draws
  T.near(f, e, 1e-14)
end)

T.test("copula martingale posterior: the predictive cdf is a cdf, and the draws keep its mean (martingale)", function()
  local N, B = 200, 300
  local m = bayes.martingale{ x = x, N = N, B = B, predictive = "copula", rho = 0.8, rng = rng.new(13) }
  local P, g = m.cdf, m.grid
  T.ok(P[1] < 1e-10 and P[#P] > 1 - 1e-10)
  for i = 2, #P do T.ok(P[i] >= P[i - 1], "cdf increasing at " .. i) end
  -- the mean of the fitted predictive (piecewise-linear cdf: midpoints of the cells)
  local pm = 0
  for i = 2, #g do pm = pm + (g[i] + g[i - 1]) / 2 * (P[i] - P[i - 1]) end
  -- each new point has expectation pm (P_i is a martingale), so the mean of the N points
  -- has expectation (n xbar + (N - n) pm) / N
  local want = (n * xbar + (N - n) * pm) / N
  local dm, dv = moments(m.draws)
  T.near(dm, want, 0, "E(mean)", 5 * math.sqrt(dv / B))
  -- the fitted predictive sits between the prior guess N(xbar, sd) and the data
  T.ok(math.abs(pm - xbar) < 0.5 * stats.sd(x))
  T.errors(function() bayes.martingale{ x = x, predictive = "copula", rho = 1 } end, "rho must be in (0, 1)")
end)

-- conjugate model: mean mu ~ N(0, 2^2), data N(mu, 1.5^2)
local z = { 1.2, 0.3, 2.5, 1.9, -0.4 }
local exact = bayes.normal_known_var(0, 2, 1.5):update(z):logml()
local function prior(m, r) return r:normal(m, 0, 2) end
local function loglik(p)
  local out = mat.new(#p, 1)
  for i = 1, #p do
    local s = 0
    for _, v in ipairs(z) do s = s + stats.dnorm(v, p[i], 1.5, { log = true }) end
    out:set(i, 1, s)
  end
  return out
end

T.test("SMC log evidence matches the exact logml within Monte Carlo error", function()
  for _, how in ipairs{ "systematic", "multinomial" } do
    local reps, est = 8, {}
    local r = rng.new(21)
    for k = 1, reps do
      local s = bayes.smc{ prior = prior, loglik = loglik, n = 3000, steps = 10, resample = how, rng = r }
      est[k] = s.logZ
      T.eq(s.ess:rows(), 10)
      for i = 1, 10 do T.ok(s.ess[i] >= 1 - 1e-9 and s.ess[i] <= 3000 + 1e-9) end
      T.near(s.weights:sum(), 1, 1e-12)
    end
    local m, v = moments(mat.vec(est))
    -- five standard errors of the mean of the replicates (and a floor for a lucky small spread)
    T.near(m, exact, 0, how, 5 * math.sqrt(v / reps) + 0.005)
  end
  -- the posterior mean from the weighted particles
  local s = bayes.smc{ prior = prior, loglik = loglik, n = 20000, steps = 10, rng = rng.new(4) }
  local pm = 0
  for i = 1, #s.particles do pm = pm + s.particles[i] * s.weights[i] end
  local post = bayes.normal_known_var(0, 2, 1.5):update(z)
  T.near(pm, post.mu, 0, "posterior mean", 0.05)
end)

T.test("SMC with Metropolis moves keeps the particles diverse and matches the posterior", function()
  local function logprior(p)
    local out = mat.new(#p, 1)
    for i = 1, #p do out:set(i, 1, stats.dnorm(p[i], 0, 2, { log = true })) end
    return out
  end
  local post = bayes.normal_known_var(0, 2, 1.5):update(z)
  local s = bayes.smc{ prior = prior, loglik = loglik, logprior = logprior, moves = 3, n = 4000, steps = 10,
    ess_threshold = 0.9, rng = rng.new(3) }
  T.ok(s.resampled > 0)
  T.ok(s.acceptance > 0.1 and s.acceptance < 0.9, "acceptance " .. tostring(s.acceptance))
  local distinct, nd = {}, 0
  for i = 1, #s.particles do
    if not distinct[s.particles[i]] then distinct[s.particles[i]] = true; nd = nd + 1 end
  end
  -- without moves, resampling leaves about half the particles distinct; with them almost all
  T.ok(nd > 0.9 * 4000, nd .. " distinct particles")
  local m, v = 0, 0
  for i = 1, #s.particles do m = m + s.particles[i] * s.weights[i] end
  for i = 1, #s.particles do v = v + (s.particles[i] - m) ^ 2 * s.weights[i] end
  -- Monte Carlo error of 4000 correlated particles: 5 SE of an effective 1000
  T.near(m, post.mu, 0, "posterior mean", 5 * post.tau / math.sqrt(1000))
  T.near(v, post.tau ^ 2, 0.15, "posterior variance")
  T.near(s.logZ, exact, 0, "logZ", 0.05)
  -- array particles are moved too
  local sa = bayes.smc{ prior = function(k, r) return r:normal(k, 0, 2):totable() end, n = 500,
    loglik = loglik, logprior = logprior, rng = rng.new(5), ess_threshold = 0.9 }
  T.eq(type(sa.particles), "table"); T.eq(type(sa.particles[1]), "number")
  T.errors(function() bayes.smc{ prior = prior, loglik = loglik, moves = 2 } end, "moves need 'logprior'")
end)

T.test("systematic resampling keeps each count within one of n W", function()
  local W = { 0.05, 0.3, 0.15, 0.4, 0.1 }
  local idx = Cp.resample(W, 20, "systematic", rng.new(2))
  local c = { 0, 0, 0, 0, 0 }
  for _, j in ipairs(idx) do c[j] = c[j] + 1 end
  for j = 1, 5 do T.ok(math.abs(c[j] - 20 * W[j]) < 1, "count " .. j .. " " .. c[j]) end
  local m = Cp.resample(W, 100000, "multinomial", rng.new(2))
  local cm = { 0, 0, 0, 0, 0 }
  for _, j in ipairs(m) do cm[j] = cm[j] + 1 end
  for j = 1, 5 do T.near(cm[j] / 100000, W[j], 0, "multinomial " .. j, 5 * math.sqrt(W[j] * (1 - W[j]) / 100000)) end
end)

T.test("bad input is a clear error", function()
  T.errors(function() bayes.bootstrap({}, "mean", 10) end, "'x' is empty")
  T.errors(function() bayes.bootstrap(x, "median", 10) end, "stat must be")
  T.errors(function() bayes.bootstrap(x, function() return "a" end, 2) end, "stat must return a number")
  T.errors(function() bayes.bootstrap({ 1, 0 / 0 }, "mean", 10) end, "element 2 is not a finite number")
  T.errors(function() bayes.martingale{ x = x, N = 5 } end, "N must be a whole number >= #x")
  T.errors(function() bayes.martingale{ x = x, predictive = "kernel" } end, "predictive must be \"polya\" or \"copula\"")
  T.errors(function() bayes.martingale{ x = x, foo = 1 } end, "unknown option 'foo'")
  T.errors(function() bayes.smc{ prior = 1, loglik = loglik } end, "'prior' must be a function")
  T.errors(function() bayes.smc{ prior = prior, loglik = function() return { 1 } end, n = 10 } end,
    "loglik must return a vector of 10 numbers")
  T.errors(function() bayes.smc{ prior = prior, loglik = loglik, resample = "stratified" } end, "resample must be")
  T.errors(function() bayes.smc{ prior = prior, loglik = loglik, ess_threshold = 2 } end, "ess_threshold")
end)
