-- rng: reproducibility, independence of streams, moments of every family,
-- parameter conventions, and the error paths.
--
-- Moment checks use N = 1e5 draws and accept |estimate - truth| <= Z * SE
-- with Z = 6: for a correct sampler one check fails with probability
-- 2e-9 (normal tail), and the ~100 checks of this file together with
-- probability below 2e-7 < 1e-6 on any seed. (With the fixed seeds below
-- the draws are the same every run; Z only says how wrong a sampler may be
-- before the test must fail: e.g. a rate/scale mix-up moves a mean by
-- hundreds of SEs.)
local T = require "orrery.testing"

local N, Z = 100000, 6

local function moments(x)
  local n, s = #x, 0
  for i = 1, n do s = s + x[i] end
  local m = s / n
  local s2, s4 = 0, 0
  for i = 1, n do
    local d = x[i] - m
    local d2 = d * d
    s2 = s2 + d2; s4 = s4 + d2 * d2
  end
  local v = s2 / (n - 1)
  return m, v, s4 / n
end

-- checks the sample mean and variance of x against mean mu and variance
-- var, each within Z standard errors (SE of the variance from the sample's
-- fourth central moment: Var(s^2) ~ (m4 - var^2) / n)
local function check_moments(x, mu, var, what)
  local n = #x
  local m, v, m4 = moments(x)
  local se_m = math.sqrt(var / n)
  T.ok(math.abs(m - mu) <= Z * se_m, string.format(
    "%s: mean %.6g, expected %.6g (SE %.3g)", what, m, mu, se_m))
  local se_v = math.sqrt(math.max(m4 - v * v, 0) / n)
  T.ok(math.abs(v - var) <= Z * se_v, string.format(
    "%s: variance %.6g, expected %.6g (SE %.3g)", what, v, var, se_v))
end

-- the empirical CDF of x at each point t against cdf(t), within Z binomial
-- standard errors: checks the shape of a distribution, not only its moments
local function check_cdf(x, points, cdf, what)
  local n = #x
  for _, t in ipairs(points) do
    local c = 0
    for i = 1, n do if x[i] <= t then c = c + 1 end end
    local p = cdf(t)
    local se = math.sqrt(p * (1 - p) / n)
    T.ok(math.abs(c / n - p) <= Z * se + 1e-12, string.format(
      "%s: P(X <= %g) = %.5f, expected %.5f (SE %.2g)", what, t, c / n, p, se))
  end
end

-- column j of X as a Lua array (only get: independent of the rest of mat)
local function col(X, j)
  local t = {}
  for i = 1, X:rows() do t[i] = X:get(i, j) end
  return t
end

local function same(a, b) return a == b end  -- mat __eq compares exactly

T.test("same seed, same draws; different seeds differ", function()
  local a, b = rng.new(7), rng.new(7)
  T.ok(same(a:normal(100), b:normal(100)), "normal")
  T.ok(same(a:gamma(50, 2.5, 3), b:gamma(50, 2.5, 3)), "gamma")
  T.ok(same(a:permutation(20), b:permutation(20)), "permutation")
  T.ok(not same(rng.new(7):normal(10), rng.new(8):normal(10)), "seeds 7 and 8")
  T.ok(not same(rng.new(0):uniform(10), rng.new(-1):uniform(10)), "seeds 0 and -1")
  -- a stream continues: two calls are not the same draws
  local r = rng.new(3)
  T.ok(not same(r:normal(10), r:normal(10)))
  -- huge seeds are fine (all 64 bits are used)
  T.ok(not same(rng.new(math.maxinteger):normal(5), rng.new(math.mininteger):normal(5)))
end)

T.test("split: children differ, are reproducible, and leave a usable parent", function()
  local p = rng.new(11)
  local c1, c2 = p:split(), p:split()
  local x1, x2 = c1:normal(1000), c2:normal(1000)
  T.ok(not same(x1, x2), "two children of one parent")
  T.ok(not same(x1, p:normal(1000)), "child vs parent")
  local q = rng.new(11)
  T.ok(same(q:split():normal(1000), x1), "first child reproduces")
  T.ok(same(q:split():normal(1000), x2), "second child reproduces")
  -- children of different parents differ, and grandchildren too
  T.ok(not same(rng.new(12):split():normal(10), rng.new(11):split():normal(10)))
  local g1, g2 = rng.new(5):split():split(), rng.new(5):split()
  T.ok(not same(g1:normal(10), g2:normal(10)))
  -- a child's draws are uncorrelated with its sibling's: |r| < Z / sqrt(N)
  local a, b = p:split():normal(N), p:split():normal(N)
  local sab, saa, sbb = 0, 0, 0
  for i = 1, N do sab = sab + a[i] * b[i]; saa = saa + a[i]^2; sbb = sbb + b[i]^2 end
  T.ok(math.abs(sab / math.sqrt(saa * sbb)) < Z / math.sqrt(N), "sibling correlation")
end)

T.test("rng.default and _reseed", function()
  T.ok(rng.is_rng(rng.default))
  local keep = rng.default
  T.private("rng")._reseed(123)
  T.ok(rawequal(rng.default, keep), "reseeded in place")
  T.ok(same(rng.default:normal(20), rng.new(123):normal(20)))
  T.private("rng")._reseed(123)
  T.ok(same(rng.default:uniform(5), rng.new(123):uniform(5)))
  T.ok(not rng.is_rng(1) and not rng.is_rng(mat.eye(2)) and not rng.is_rng(nil))
  T.ok(tostring(rng.new(1)):find("xoshiro256++", 1, true))
end)

T.program("orrery --seed N seeds rng.default; no seed means 42", function()
  local prog = arg and arg[-1]
  if not (prog and io and io.popen) then return end
  local function run(flags)
    local p = io.popen(prog .. " " .. flags .. " -e 'io.write(string.format(\"%.17g\", rng.default:normal(1)[1]))'")
    local out = p:read("a"); p:close()
    return tonumber(out)
  end
  T.eq(run("--seed 5"), rng.new(5):normal(1)[1], "--seed 5")
  T.eq(run("--seed -12"), rng.new(-12):normal(1)[1], "--seed -12")
  T.eq(run(""), rng.new(42):normal(1)[1], "no --seed")
end)

T.test("shapes", function()
  local r = rng.new(1)
  local x = r:normal(5)
  T.eq(x:rows(), 5); T.eq(x:cols(), 1)
  T.eq(r:normal(0):rows(), 0)
  T.eq(r:normal(1e3):rows(), 1000)  -- a float with an integer value is a count
  local d = r:dirichlet(4, {1, 2, 3})
  T.eq(d:rows(), 4); T.eq(d:cols(), 3)
  local m = r:mvnormal(6, {0, 0}, mat.eye(2))
  T.eq(m:rows(), 6); T.eq(m:cols(), 2)
  -- the first rows of mvnormal do not depend on n
  local a = rng.new(2):mvnormal(3, {1, 2}, {{2, 1}, {1, 2}})
  local b = rng.new(2):mvnormal(10, {1, 2}, {{2, 1}, {1, 2}})
  for i = 1, 3 do for j = 1, 2 do T.eq(a:get(i, j), b:get(i, j)) end end
end)

T.test("normal, uniform, laplace: moments", function()
  local r = rng.new(101)
  check_moments(r:normal(N), 0, 1, "normal(0,1)")
  check_moments(r:normal(N, -3, 2.5), -3, 6.25, "normal(-3,2.5)")
  local u = r:uniform(N, -2, 5)
  check_moments(u, 1.5, 49 / 12, "uniform(-2,5)")
  local lo, hi = math.huge, -math.huge
  for i = 1, N do lo = math.min(lo, u[i]); hi = math.max(hi, u[i]) end
  T.ok(lo >= -2 and hi < 5, "uniform range")
  check_moments(r:uniform(N), 0.5, 1 / 12, "uniform()")
  check_moments(r:laplace(N, 1, 2), 1, 2 * 4, "laplace(1,2)")
  -- sd = 0 gives the mean exactly
  T.near(r:normal(3, 4, 0), {4, 4, 4}, 0)
  -- the tail beyond the ziggurat's base strip (r = 3.44) is sampled:
  -- P(|x| > 3.5) = 4.65e-4, a Poisson count of mean 46.5 in 1e5 draws;
  -- 12 < count < 100 fails with probability 1.8e-9 (R: ppois)
  local x, far = r:normal(N), 0
  for i = 1, N do if math.abs(x[i]) > 3.5 then far = far + 1 end end
  T.ok(far > 12 and far < 100, "normal tail count " .. far)
end)

T.test("distribution shapes: empirical CDFs at several points", function()
  local r = rng.new(707)
  -- standard normal CDF values (R: pnorm)
  local Phi = { [-3] = 0.0013498980316300946, [-1.96] = 0.024997895148220428,
    [-1] = 0.15865525393145705, [0] = 0.5, [0.5] = 0.69146246127401301,
    [2] = 0.97724986805182079, [3.5] = 0.99976737092096446 }
  local pts = { -3, -1.96, -1, 0, 0.5, 2, 3.5 }
  check_cdf(r:normal(N), pts, function(t) return Phi[t] end, "normal")
  check_cdf(r:normal(N, 10, 2), { 4, 6.08, 8, 10, 11, 14, 17 },
    function(t) return Phi[(t - 10) / 2] end, "normal(10, 2)")
  check_cdf(r:exponential(N, 2), { 0.05, 0.3, 1, 2.5 },
    function(t) return 1 - math.exp(-2 * t) end, "exponential(2)")
  check_cdf(r:weibull(N, 1.5, 3), { 0.5, 2, 3, 6 },
    function(t) return 1 - math.exp(-(t / 3)^1.5) end, "weibull(1.5, 3)")
  check_cdf(r:laplace(N, 1, 2), { -3, 0, 1, 2, 6 }, function(t)
    return t < 1 and 0.5 * math.exp((t - 1) / 2) or 1 - 0.5 * math.exp(-(t - 1) / 2) end,
    "laplace(1, 2)")
  -- gamma(shape 1, rate 3) is exponential(3): checks the rate once more
  check_cdf(r:gamma(N, 1, 3), { 0.1, 0.3, 1 },
    function(t) return 1 - math.exp(-3 * t) end, "gamma(1, rate 3)")
  -- beta(1, 1) is uniform; beta(2, 1) has CDF t^2
  check_cdf(r:beta(N, 2, 1), { 0.1, 0.5, 0.9 }, function(t) return t * t end, "beta(2, 1)")
end)

T.test("discrete families: bernoulli, binomial, poisson", function()
  local r = rng.new(202)
  check_moments(r:bernoulli(N, 0.3), 0.3, 0.21, "bernoulli(0.3)")
  check_moments(r:binomial(N, 20, 0.25), 5, 20 * 0.25 * 0.75, "binomial(20,0.25)")
  check_moments(r:binomial(N, 1000, 0.6), 600, 240, "binomial(1000,0.6)")
  check_moments(r:poisson(N, 3.5), 3.5, 3.5, "poisson(3.5)")
  check_moments(r:poisson(N, 250), 250, 250, "poisson(250)")
  -- edge cases are exact
  T.near(r:bernoulli(4, 0), {0, 0, 0, 0}, 0)
  T.near(r:bernoulli(4, 1), {1, 1, 1, 1}, 0)
  T.near(r:binomial(3, 7, 1), {7, 7, 7}, 0)
  T.near(r:poisson(3, 0), {0, 0, 0}, 0)
  local b = r:binomial(1000, 10, 0.5)
  for i = 1, 1000 do T.ok(b[i] == math.floor(b[i]) and b[i] >= 0 and b[i] <= 10) end
end)

T.test("gamma uses R's rate, exponential rate, weibull (shape, scale), beta", function()
  local r = rng.new(303)
  -- gamma(shape = 3, rate = 2): mean 1.5 (a scale of 2 would give 6)
  check_moments(r:gamma(N, 3, 2), 1.5, 3 / 4, "gamma(3, rate 2)")
  check_moments(r:gamma(N, 0.3, 0.5), 0.6, 0.3 / 0.25, "gamma(0.3, rate 0.5)")
  check_moments(r:gamma(N, 2), 2, 2, "gamma(2) default rate 1")
  -- exponential(rate = 4): mean 0.25
  check_moments(r:exponential(N, 4), 0.25, 1 / 16, "exponential(4)")
  check_moments(r:exponential(N), 1, 1, "exponential()")
  -- weibull(shape k = 2, scale l = 3): mean l G(1 + 1/k), var l^2 (G(1+2/k) - G(1+1/k)^2)
  local g1 = math.sqrt(math.pi) / 2          -- Gamma(1.5)
  check_moments(r:weibull(N, 2, 3), 3 * g1, 9 * (1 - g1 * g1), "weibull(2,3)")
  check_moments(r:weibull(N, 1, 2), 2, 4, "weibull(1,2) = exponential(mean 2)")
  -- beta(2, 5): mean 2/7, var ab/((a+b)^2 (a+b+1))
  check_moments(r:beta(N, 2, 5), 2 / 7, 10 / (49 * 8), "beta(2,5)")
  check_moments(r:beta(N, 0.5, 0.5), 0.5, 0.25 / 2, "beta(0.5,0.5)")
  local e = r:exponential(1000, 1e-300)  -- huge means stay finite
  for i = 1, 1000 do T.ok(e[i] >= 0 and e[i] < math.huge) end
end)

T.test("dirichlet: rows on the simplex, means alpha / sum", function()
  local r = rng.new(404)
  local alpha = {0.5, 2, 7.5}
  local d = r:dirichlet(N, alpha)
  for i = 1, 1000 do
    local s = d:get(i, 1) + d:get(i, 2) + d:get(i, 3)
    T.near(s, 1, 1e-14)
  end
  local a0 = 10
  for j = 1, 3 do
    local a = alpha[j] / a0
    check_moments(col(d, j), a, a * (1 - a) / (a0 + 1), "dirichlet component " .. j)
  end
  -- tiny alphas underflow in a naive gamma ratio; rows must still sum to 1
  local t = r:dirichlet(200, {0.01, 0.01})
  for i = 1, 200 do T.near(t:get(i, 1) + t:get(i, 2), 1, 1e-14) end
end)

T.test("mvnormal: mean and covariance", function()
  local r = rng.new(505)
  local mu = {1, -2, 0.5}
  local S = {{4, 1.2, -0.6}, {1.2, 2, 0.3}, {-0.6, 0.3, 1}}
  local X = r:mvnormal(N, mu, S)
  local cols, means = {}, {}
  for j = 1, 3 do
    cols[j] = col(X, j)
    local s = 0
    for i = 1, N do s = s + cols[j][i] end
    means[j] = s / N
    T.ok(math.abs(means[j] - mu[j]) <= Z * math.sqrt(S[j][j] / N), "mean " .. j)
  end
  for j = 1, 3 do
    for k = j, 3 do
      local s = 0
      for i = 1, N do s = s + (cols[j][i] - means[j]) * (cols[k][i] - means[k]) end
      local c = s / (N - 1)
      -- Var of a sample covariance of normals: (S_jj S_kk + S_jk^2) / n
      local se = math.sqrt((S[j][j] * S[k][k] + S[j][k]^2) / N)
      T.ok(math.abs(c - S[j][k]) <= Z * se, string.format(
        "cov[%d,%d] = %.5g, expected %.5g (SE %.3g)", j, k, c, S[j][k], se))
    end
  end
end)

T.test("categorical and permutation", function()
  local r = rng.new(606)
  local p = {0.1, 0, 0.6, 0.3}
  local x = r:categorical(N, p)
  local count = {0, 0, 0, 0}
  for i = 1, N do count[x[i]] = count[x[i]] + 1 end
  T.eq(count[2], 0, "a zero-probability category is never drawn")
  for j = 1, 4 do
    local se = math.sqrt(p[j] * (1 - p[j]) / N)
    T.ok(math.abs(count[j] / N - p[j]) <= Z * se + 1e-15, "category " .. j)
  end
  -- weights need not sum to 1
  local y = r:categorical(N, {2, 6})
  local ones = 0
  for i = 1, N do if y[i] == 1 then ones = ones + 1 end end
  T.ok(math.abs(ones / N - 0.25) <= Z * math.sqrt(0.25 * 0.75 / N), "weights 2:6")
  T.near(r:categorical(3, {5}), {1, 1, 1}, 0)
  -- permutation: a permutation of 1..n; each value equally likely first
  local q = r:permutation(1000):totable()
  table.sort(q)
  for i = 1, 1000 do T.eq(q[i], i) end
  local first, M = {0, 0, 0, 0, 0}, 20000
  for _ = 1, M do local v = r:permutation(5)[1]; first[v] = first[v] + 1 end
  for j = 1, 5 do
    T.ok(math.abs(first[j] / M - 0.2) <= Z * math.sqrt(0.16 / M), "first value " .. j)
  end
  T.eq(r:permutation(0):rows(), 0)
  T.near(r:permutation(1), {1}, 0)
end)

T.test("errors name the method and the problem", function()
  local r = rng.new(1)
  T.errors(function() return rng.new() end, "rng.new: seed must be an integer, got no value")
  T.errors(function() return rng.new(1.5) end, "rng.new: seed must be an integer, got a fraction")
  T.errors(function() return rng.new(2 ^ 63) end, "rng.new: seed must be an integer, got a whole number beyond the 64-bit integer range")
  T.errors(function() return rng.new(0 / 0) end, "rng.new: seed must be an integer, got NaN")
  T.errors(function() return rng.new(-math.huge) end, "rng.new: seed must be an integer, got an infinite value")
  T.errors(function() return rng.new("x") end, "seed must be an integer")
  T.errors(function() return rng.new(1, 2) end, "rng.new: too many arguments (2 given, expected a seed)")
  T.errors(function() return r:uniform(5, 0, 1, 2) end, "rng:uniform: too many arguments (4 given, at most 3)")
  T.errors(function() return r:normal(2.5) end, "rng:normal: 'n' must be a non-negative integer, got 2.5")
  T.errors(function() return r:normal(-1) end, "'n' must be a non-negative integer, got -1")
  T.errors(function() return r:normal() end, "'n' must be a non-negative integer, got no value")
  T.errors(function() return r:normal("5") end, "got string")
  T.errors(function() return r:normal(5, 0, -1) end, "rng:normal: 'sd' must be >= 0")
  T.errors(function() return r:normal(5, 0 / 0) end, "'mean' must be finite, got NaN")
  T.errors(function() return r:normal(5, 0, 1, 9) end, "rng:normal: too many arguments")
  T.errors(function() return r.normal(5) end, "rng:normal: expected an rng stream as self")
  T.errors(function() return r:uniform(5, 2, 1) end, "rng:uniform: need a <= b")
  T.errors(function() return r:bernoulli(5, 1.5) end, "rng:bernoulli: 'p' must be in [0, 1], got 1.5")
  T.errors(function() return r:bernoulli(5) end, "rng:bernoulli: 'p' must be a number, got no value")
  T.errors(function() return r:binomial(5, 2.5, 0.5) end, "rng:binomial: 'size' must be a non-negative integer")
  T.errors(function() return r:binomial(5, 10, -0.1) end, "'p' must be in [0, 1]")
  T.errors(function() return r:poisson(5, -1) end, "rng:poisson: 'lambda' must be in [0, 1e9]")
  T.errors(function() return r:gamma(5, 0, 1) end, "rng:gamma: 'shape' must be > 0")
  T.errors(function() return r:gamma(5, 1, -2) end, "rng:gamma: 'rate' must be > 0")
  T.errors(function() return r:beta(5, 1) end, "rng:beta: 'b' must be a number")
  T.errors(function() return r:exponential(5, 0) end, "rng:exponential: 'rate' must be > 0")
  T.errors(function() return r:weibull(5, -1) end, "rng:weibull: 'shape' must be > 0")
  T.errors(function() return r:laplace(5, 0, 0) end, "rng:laplace: 'b' must be > 0")
  T.errors(function() return r:dirichlet(5, {1, 0}) end, "rng:dirichlet: 'alpha' element 2 must be > 0")
  T.errors(function() return r:dirichlet(5, {}) end, "'alpha' is empty")
  T.errors(function() return r:dirichlet(5) end, "'alpha' is missing")
  T.errors(function() return r:categorical(5, {0.5, -0.1}) end, "rng:categorical: 'probs' element 2 is negative")
  T.errors(function() return r:categorical(5, {0, 0}) end, "'probs' must have a positive, finite sum")
  T.errors(function() return r:categorical(5, {1, 0 / 0}) end, "'probs' has a non-finite value")
  T.errors(function() return r:mvnormal(5, {0, 0}, {{1, 2}, {2, 1}}) end,
    "rng:mvnormal: 'Sigma' is not positive definite")
  T.errors(function() return r:mvnormal(5, {0, 0}, {{1, 0.5}, {0.4, 1}}) end, "'Sigma' is not symmetric")
  T.errors(function() return r:mvnormal(5, {0, 0}, mat.eye(3)) end, "'Sigma' must be 2 x 2 to match 'mu', got 3 x 3")
  T.errors(function() return r:mvnormal(5, {0, 0}) end, "'Sigma' is missing")
  T.errors(function() return r:mvnormal(5, {0, 0}, {{1, 0}, {0, 0}}) end, "not positive definite")
  T.errors(function() return r:permutation(-2) end, "rng:permutation: 'n' must be a non-negative integer")
  T.errors(function() return r:split(1) end, "rng:split: too many arguments")
end)
