-- rng:normal, the 256-layer ziggurat of modules/rng/ziggurat.c: agreement
-- with an independent implementation, reproducibility, and statistical
-- checks of the distribution and of each branch of the method.
--
-- Every statistical check has a stated false-alarm probability for a
-- correct sampler: the moment checks use Z = 6 standard errors (two-sided
-- normal tail 2e-9 each), the tail counts exact binomial bounds at
-- alpha = 1e-7, the branch counts Z = 6, the Kolmogorov-Smirnov and
-- chi-square tests alpha = 1e-6. About 20 checks: a correct sampler fails
-- this file with probability below 3e-6 for a random seed (and, with the
-- fixed seeds used here, passes or fails the same way on every run).
local T = require "orrery.testing"

local R = 3.6541528853610088   -- x[1]: where the tail starts (Marsaglia-Tsang)
local Z = 6

-- the exact binomial two-sided test: P(X <= c) and P(X >= c) both at
-- least alpha/2 for X ~ Bin(n, p)
local function binom_ok(c, n, p, alpha)
  local lo = stats.pbinom(c, n, p)
  local hi = c == 0 and 1 or stats.pbinom(c - 1, n, p, {lower = false})
  return lo >= alpha / 2 and hi >= alpha / 2, lo, hi
end

-- the Kolmogorov-Smirnov critical value of D_n at level alpha:
-- P(sqrt(n) D > t) ~ 2 exp(-2 t^2) for small alpha (the next term of the
-- Kolmogorov series is below alpha^4), with Stephens' (1970) finite-n
-- factor sqrt(n) + 0.12 + 0.11 / sqrt(n)
local function ks_critical(n, alpha)
  local t = math.sqrt(-math.log(alpha / 2) / 2)
  return t / (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n))
end

-- D_n of a sorted Lua array a against the CDF values F (a mat, same order)
local function ks_stat(F, n)
  local d = 0
  for i = 1, n do
    local f = F[i]
    local d1, d2 = i / n - f, f - (i - 1) / n
    if d1 > d then d = d1 end
    if d2 > d then d = d2 end
  end
  return d
end

local function sorted(x)
  local a = {}
  for i = 1, #x do a[i] = x[i] end
  table.sort(a)
  return a
end


T.test("the first draws agree with an independent implementation", function()
  -- tests/ref/rng/make_ziggurat.py: Python, table built by another route,
  -- so agreement to rounding (1e-13 relative, 1e-15 absolute near 0)
  local ref = T.ref("rng/ziggurat.txt")
  T.near(ref.r, R, 0, "r of the Python table")
  for _, seed in ipairs{1, 42, -7} do
    local x = rng.new(seed):normal(20000)
    local first = {}
    for i = 1, 10 do first[i] = x[i] end
    T.near(first, ref["first_" .. seed], 1e-13, "first draws, seed " .. seed, 1e-15)
    for _, kind in ipairs{"tail", "wedge"} do
      local t = ref[kind .. "_" .. seed]
      T.ok(#t == 6, kind .. " draws listed")
      for k = 1, #t, 2 do
        T.near(x[t[k]], t[k + 1], 1e-13,
          string.format("%s draw %d, seed %d", kind, t[k], seed), 1e-15)
      end
    end
  end
end)


T.test("reproducible: same seed, same numbers; chunks continue the stream", function()
  local a, b = rng.new(5):normal(100000), rng.new(5):normal(100000)
  local same = true
  for i = 1, #a do if a[i] ~= b[i] then same = false; break end end
  T.ok(same, "two streams seeded 5")
  -- r:normal(7) then r:normal(13) is rng.new(9):normal(20)
  local r, whole = rng.new(9), rng.new(9):normal(20)
  local c1, c2 = r:normal(7), r:normal(13)
  for i = 1, 7 do T.eq(c1[i], whole[i]) end
  for i = 1, 13 do T.eq(c2[i], whole[7 + i]) end
  -- mean + sd * Z exactly, from the same Z
  local z, y = rng.new(11):normal(1000), rng.new(11):normal(1000, -2, 0.5)
  for i = 1, 1000 do
    if y[i] ~= -2 + 0.5 * z[i] then T.ok(false, "normal(n, -2, 0.5) at " .. i) end
  end
  -- mvnormal draws its standard normals from the same sampler
  T.near(rng.new(3):mvnormal(5, {0}, {{1}}), rng.new(3):normal(5), 0)
  -- the hidden counting variant gives the same numbers
  T.near(T.private("rng")._zig(rng.new(4), 1000), rng.new(4):normal(1000), 0)
  T.errors(function() T.private("rng")._zig(1, 5) end, "rng._zig: expected an rng stream, got number")
  T.errors(function() T.private("rng")._zig(rng.new(1), -1) end, "rng._zig: 'n' must be a non-negative integer")
end)


-- 1e6 draws shared by the next three tests
local N = 1000000
local X = rng.new(20261126):normal(N)
local A = sorted(X)

T.test("moments of 1e6 draws: mean, variance, skewness, kurtosis", function()
  local s = 0
  for i = 1, N do s = s + X[i] end
  local m = s / N
  local m2, m3, m4 = 0, 0, 0
  for i = 1, N do
    local d = X[i] - m
    local d2 = d * d
    m2 = m2 + d2; m3 = m3 + d2 * d; m4 = m4 + d2 * d2
  end
  m2, m3, m4 = m2 / N, m3 / N, m4 / N
  local var = m2 * N / (N - 1)
  local skew, kurt = m3 / m2 ^ 1.5, m4 / (m2 * m2) - 3
  -- standard errors under normality: 1/sqrt(n), sqrt(2/n), sqrt(6/n),
  -- sqrt(24/n); at n = 1e6 the estimators are normal to far below Z = 6
  local checks = {
    {"mean", m, 0, math.sqrt(1 / N)}, {"variance", var, 1, math.sqrt(2 / N)},
    {"skewness", skew, 0, math.sqrt(6 / N)}, {"excess kurtosis", kurt, 0, math.sqrt(24 / N)},
  }
  for _, c in ipairs(checks) do
    T.ok(math.abs(c[2] - c[3]) <= Z * c[4], string.format(
      "%s %.6g, expected %g (SE %.3g, bound %d SE)", c[1], c[2], c[3], c[4], Z))
  end
end)


T.test("Kolmogorov-Smirnov against stats.pnorm, 1e6 draws", function()
  local D = ks_stat(stats.pnorm(A), N)
  local crit = ks_critical(N, 1e-6)   -- 0.00269
  T.ok(D < crit, string.format("D = %.3g, critical %.3g (alpha 1e-6)", D, crit))
  -- the test has power: the draws shifted by 0.01 sd are rejected
  local S = {}
  for i = 1, N do S[i] = A[i] + 0.01 end
  T.ok(ks_stat(stats.pnorm(S), N) > crit, "a shift of 0.01 is detected")
end)


T.test("chi-square over 100 equiprobable bins (edges stats.qnorm(k/100))", function()
  local K = 100
  local edges = {}
  for k = 1, K - 1 do edges[k] = stats.qnorm(k / K) end
  edges[K] = math.huge
  local counts, k = {}, 1
  for j = 1, K do counts[j] = 0 end
  for i = 1, N do   -- A is sorted: one walk through the edges
    while A[i] >= edges[k] do k = k + 1 end
    counts[k] = counts[k] + 1
  end
  local e, x2 = N / K, 0
  for j = 1, K do x2 = x2 + (counts[j] - e) ^ 2 / e end
  local crit = stats.qchisq(1e-6, K - 1, {lower = false})   -- 180.79
  T.ok(x2 < crit, string.format("X^2 = %.2f on %d df, critical %.2f (alpha 1e-6)",
    x2, K - 1, crit))
end)


T.test("tail frequencies and branch counts, 1e7 draws", function()
  local n = 10000000
  local x, wedges, tails, rejects = T.private("rng")._zig(rng.new(77), n)
  local c3, c4, c5, cr, tail = 0, 0, 0, 0, {}
  for i = 1, n do
    local v = x[i]
    local a = v < 0 and -v or v
    if a > 3 then
      c3 = c3 + 1
      if a > 4 then c4 = c4 + 1 end
      if v > 5 then c5 = c5 + 1 end
      if a > R then cr = cr + 1; tail[cr] = a end
    end
  end
  local function check(c, p, what)
    local ok, lo, hi = binom_ok(c, n, p, 1e-7)
    T.ok(ok, string.format("%s: %d of %d, expected %.1f (P(X<=c) %.3g, P(X>=c) %.3g)",
      what, c, n, n * p, lo, hi))
  end
  local pr = 2 * stats.pnorm(R, {lower = false})   -- 2.58e-4
  check(c3, 2 * stats.pnorm(3, {lower = false}), "|Z| > 3")
  check(c4, 2 * stats.pnorm(4, {lower = false}), "|Z| > 4")
  check(c5, stats.pnorm(5, {lower = false}), "Z > 5")
  check(cr, pr, "|Z| > r")
  -- only the tail branch gives |Z| > r, and it always does
  T.eq(tails, cr, "tail-branch draws = draws beyond r")
  T.ok(c5 > 0, "draws beyond 5 occur (expected 2.9 in 1e7)")
  -- the tail draws follow N(0,1) given |Z| > r: KS on |Z|, with
  -- P(|Z| <= t | |Z| > r) = 1 - Q(t)/Q(r), Q the upper tail
  -- the mean of |Z| given |Z| > r is the inverse Mills ratio
  -- phi(r) / Q(r) = 3.8970: Z = 6 sample SEs. (A tail drawn as r + Exp(r),
  -- without Marsaglia's rejection step, has mean r + 1/r = 3.9278: only
  -- 5.7 SEs away at ~2550 tail draws, and the KS test below misses it too;
  -- tests/c/test_rng.c checks the tail on 5e7 draws, where it is 13 SEs.)
  local tm, tv = 0, 0
  for i = 1, cr do tm = tm + tail[i] end
  tm = tm / cr
  for i = 1, cr do tv = tv + (tail[i] - tm) ^ 2 end
  local tse = math.sqrt(tv / (cr - 1) / cr)
  local mills = stats.dnorm(R) / stats.pnorm(R, {lower = false})
  T.ok(math.abs(tm - mills) <= Z * tse, string.format(
    "mean of |Z| beyond r: %.5f, expected %.5f (SE %.2g)", tm, mills, tse))
  table.sort(tail)
  local F = stats.pnorm(tail, {lower = false}) * (-1 / (pr / 2)) + 1
  local D, crit = ks_stat(F, cr), ks_critical(cr, 1e-6)
  T.ok(D < crit, string.format("tail KS: D = %.3g over %d draws, critical %.3g", D, cr, crit))

  -- the wedges and rejections, against the areas of the table (rebuilt
  -- here from r by the recurrence): per attempt, the fast path takes
  -- (1/256) sum_i x[i+1]/x[i], the tail branch (1/256)(1 - r/x[0]), the
  -- wedge test the rest; an attempt is accepted with probability
  -- sqrt(pi/2) / (256 v) (the half-normal area over the ziggurat's).
  local f = function(t) return math.exp(-0.5 * t * t) end
  local v = R * f(R) + math.sqrt(2 * math.pi) * stats.pnorm(R, {lower = false})
  local xs = {[0] = v / f(R), R}
  for i = 1, 254 do xs[i + 1] = math.sqrt(-2 * math.log(f(xs[i]) + v / xs[i])) end
  xs[256] = 0
  local pfast = 0
  for i = 0, 255 do pfast = pfast + xs[i + 1] / xs[i] / 256 end
  local ptail = (1 - R / xs[0]) / 256
  local pwedge = 1 - pfast - ptail
  local pacc = math.sqrt(math.pi / 2) / (256 * v)
  local q = 1 - pacc                               -- 0.0067
  -- rejections before n acceptances: negative binomial, mean n q / (1 - q)
  local er, sr = n * q / pacc, math.sqrt(n * q) / pacc
  T.ok(math.abs(rejects - er) <= Z * sr, string.format(
    "wedge rejections %d, expected %.0f (SD %.0f)", rejects, er, sr))
  -- wedge tests: E = (n + E rejections) pwedge; SD at most sqrt(E) plus
  -- that of the rejections
  local ew = n / pacc * pwedge
  local sw = math.sqrt(ew) + sr
  T.ok(math.abs(wedges - ew) <= Z * sw, string.format(
    "wedge tests %d, expected %.0f (SD <= %.0f)", wedges, ew, sw))
  T.ok(pwedge > 0.014 and pwedge < 0.015, "the wedges take 1.47% of attempts: " .. pwedge)
end)
