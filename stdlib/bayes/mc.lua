-- bayes.bootstrap (Bayesian bootstrap), bayes.martingale (martingale
-- posteriors by predictive resampling) and bayes.smc (sequential Monte
-- Carlo with tempering). Formulas: docs/methods/bayes.md.
local M, C = ...
local help = require "orrery.help"
local args = require "orrery.args"
local mat = require "orrery.mat"
local stats = require "orrery.stats"

local fail = args.fail
local log, exp, floor, huge = math.log, math.exp, math.floor, math.huge
local fmt = string.format

-- the copula predictive's grid: COPULA_GRID points on [-COPULA_HALF, COPULA_HALF]
-- in standard deviations of the data around their mean
local COPULA_GRID, COPULA_HALF = 401, 8

local DRAWS = { __name = "bayes.draws" }
function DRAWS.__tostring(d)
  local s, ss, B = 0, 0, #d.draws
  for i = 1, B do s = s + d.draws[i] end
  local m = s / B
  for i = 1, B do ss = ss + (d.draws[i] - m) ^ 2 end
  return fmt("%s: %d draws, mean %s, sd %s", d.method, B, C.num(m), C.num(math.sqrt(ss / (B - 1))))
end
require("orrery.printing").guard(DRAWS, "bayes draws")  -- tostring never raises (an incomplete object)

local function data_vec(fn, x)
  x = args.vec(fn, x, "x")
  if x == nil then fail(fn, "'x' is missing") end
  if #x < 1 then fail(fn, "'x' is empty") end
  C.values(fn, x, "x")
  return x
end

local function bootstrap(x, stat, B, r)
  local fn = "bayes.bootstrap"
  x = data_vec(fn, x)
  B = C.count(fn, B or 1000)
  r = C.stream(fn, r)
  local draws
  if stat == nil or stat == "mean" then
    draws = C._bboot_mean(x, B, r)
  elseif type(stat) == "function" then
    local n = #x
    draws = mat.new(B, 1)
    for b = 1, B do
      local e = r:exponential(n, 1)
      local s = e:sum()
      local w = e * (1 / s)
      local v = stat(x, w)
      if type(v) ~= "number" then fail(fn, "stat must return a number, got %s", type(v)) end
      draws:set(b, 1, v)
    end
  else
    fail(fn, "stat must be \"mean\" or a function(x, w), got %s", type(stat))
  end
  return setmetatable({ draws = draws, method = "Bayesian bootstrap" }, DRAWS)
end

M.bootstrap = help.doc(bootstrap, "bayes.bootstrap",
  "bayes.bootstrap(x, stat, B [, r]) -> {draws = B x 1}: Rubin's Bayesian bootstrap: each draw gives "
  .. "the data weights w ~ Dirichlet(1, ..., 1) and records stat(x, w) (w an n x 1 vector summing to 1); "
  .. "stat = \"mean\" (or nil) is the weighted mean, computed in C")

local function martingale(opts)
  local fn = "bayes.martingale"
  args.checkopts(fn, opts, { "x", "stat", "N", "B", "predictive", "rng", "rho" })
  local x = data_vec(fn, opts.x)
  local n = #x
  local N = opts.N or 1000 * n
  if type(N) ~= "number" or N ~= floor(N) or N < n then fail(fn, "N must be a whole number >= #x = %d", n) end
  local B = C.count(fn, opts.B or 1000)
  local r = C.stream(fn, opts.rng)
  local pred = opts.predictive or "polya"
  if pred ~= "polya" and pred ~= "copula" then
    fail(fn, "predictive must be \"polya\" or \"copula\", got '%s'", tostring(pred))
  end
  local rho = opts.rho or 0.8
  if type(rho) ~= "number" or not (rho > 0 and rho < 1) then
    fail(fn, "rho must be in (0, 1), got %s", tostring(rho))
  end
  local stat = opts.stat or "mean"
  if stat ~= "mean" and type(stat) ~= "function" then
    fail(fn, "stat must be \"mean\" or a function(x) of the extended sample, got %s", type(stat))
  end
  local draws = mat.new(B, 1)
  local base = {}
  for i = 1, n do base[i] = x[i] end
  local cop
  if pred == "copula" then
    -- on the standardised scale, from P0 = N(0, 1)
    local m, s = x:mean(), n > 1 and stats.sd(x) or 1
    if not (s > 0) then s = 1 end
    local grid = mat.range(-COPULA_HALF, COPULA_HALF, 2 * COPULA_HALF / (COPULA_GRID - 1))
    local xs = (x - m) * (1 / s)
    cop = { m = m, s = s, grid = grid, P = C._copula_fit(xs, rho, grid) }
  end
  for b = 1, B do
    local z = { table.unpack(base) }
    if cop then
      local y = C._copula_draw(cop.P, cop.grid, n, N, rho, r)
      for k = n + 1, N do z[k] = cop.m + cop.s * y[k - n] end
    else
      -- Polya urn: each new point is a copy of a uniformly chosen earlier point
      local u = r:uniform(N - n)
      for k = n + 1, N do z[k] = z[floor(u[k - n] * (k - 1)) + 1] end
    end
    local v
    if stat == "mean" then
      local s = 0
      for k = 1, N do s = s + z[k] end
      v = s / N
    else
      v = stat(mat.vec(z))
      if type(v) ~= "number" then fail(fn, "stat must return a number, got %s", type(v)) end
    end
    draws:set(b, 1, v)
  end
  local res = { draws = draws, N = N,
    method = cop and "martingale posterior (copula)" or "martingale posterior (Polya urn)" }
  if cop then
    res.grid = cop.grid * cop.s + cop.m
    res.cdf = cop.P
  end
  return setmetatable(res, DRAWS)
end

M.martingale = help.doc(martingale, "bayes.martingale",
  "bayes.martingale{ x =, stat = \"mean\"|function(z), N =, B =, predictive = \"polya\"|\"copula\", "
  .. "rho = 0.8, rng = } -> {draws = B x 1}: predictive resampling (Fong, Holmes and Walker): extend x "
  .. "to N points from the predictive, record stat of the N points, repeat B times. polya: each new "
  .. "point a copy of a uniformly chosen earlier one; copula: the bivariate Gaussian copula update "
  .. "of the predictive cdf with correlation rho (on a 401-point grid over the data's mean +- 8 sd, "
  .. "starting from N(mean, sd)), whose fit to x is returned as .grid and .cdf. N defaults to "
  .. "1000 #x, B to 1000")

-- resampling: n indices into the normalised weights W (a Lua array)
local function resample(W, n, how, r)
  local idx, k = {}, #W
  if how == "systematic" then
    local u0 = r:uniform(1)[1] / n
    local c, j = W[1], 1
    for i = 1, n do
      local u = u0 + (i - 1) / n
      while u > c and j < k do j = j + 1; c = c + W[j] end
      idx[i] = j
    end
  else
    local u = r:uniform(n)
    local cum = {}
    local c = 0
    for j = 1, k do c = c + W[j]; cum[j] = c end
    for i = 1, n do
      local lo, hi = 1, k
      local v = u[i] * c
      while lo < hi do
        local mid = (lo + hi) // 2
        if cum[mid] < v then lo = mid + 1 else hi = mid end
      end
      idx[i] = lo
    end
  end
  return idx
end
C.resample = resample  -- for the tests of the resampling schemes

local function take(particles, idx)
  if args.is_mat(particles) then
    local p = particles:cols()
    local out = mat.new(#idx, p)
    for i, k in ipairs(idx) do for j = 1, p do out:set(i, j, particles:get(k, j)) end end
    return out
  end
  local out = {}
  for i, k in ipairs(idx) do out[i] = particles[k] end
  return out
end

local function smc(opts)
  local fn = "bayes.smc"
  args.checkopts(fn, opts, { "prior", "loglik", "steps", "n", "resample", "ess_threshold", "rng",
    "logprior", "moves" })
  if opts.logprior ~= nil and type(opts.logprior) ~= "function" then
    fail(fn, "'logprior' must be a function(particles)")
  end
  local moves = opts.moves or (opts.logprior and 2 or 0)
  if math.type(moves) ~= "integer" or moves < 0 then fail(fn, "moves must be a non-negative integer") end
  if moves > 0 and not opts.logprior then fail(fn, "moves need 'logprior'") end
  if type(opts.prior) ~= "function" then fail(fn, "'prior' must be a function(n, r)") end
  if type(opts.loglik) ~= "function" then fail(fn, "'loglik' must be a function(particles)") end
  local n = C.count(fn, opts.n or 1000)
  local K = C.count(fn, opts.steps or 10)
  local how = opts.resample or "systematic"
  if how ~= "systematic" and how ~= "multinomial" then
    fail(fn, "resample must be \"systematic\" or \"multinomial\", got '%s'", tostring(how))
  end
  local thr = opts.ess_threshold or 0.5
  if type(thr) ~= "number" or thr < 0 or thr > 1 then fail(fn, "ess_threshold must be in [0, 1]") end
  local r = C.stream(fn, opts.rng)
  local particles = opts.prior(n, r)
  local function ll(ps, f, what)
    f, what = f or opts.loglik, what or "loglik"
    local v = f(ps)
    if type(v) ~= "table" and not args.is_mat(v) or #v ~= n then
      fail(fn, "%s must return a vector of %d numbers", what, n)
    end
    local t = {}
    for i = 1, n do
      t[i] = v[i]
      if t[i] ~= t[i] or t[i] == huge then fail(fn, "%s returned %s for particle %d", what, tostring(t[i]), i) end
    end
    return t
  end
  local accepted, proposed = 0, 0
  local L, LP
  -- random-walk Metropolis moves targeting prior x likelihood^beta, with
  -- each column's proposal SD 2.38/sqrt(p) times its SD over the particles
  local function move(ps, beta)
    local asarray = not args.is_mat(ps)
    local X = asarray and mat.vec(ps) or ps
    local p = X:cols()
    local sd = {}
    for j = 1, p do sd[j] = stats.sd(X:col(j)) * 2.38 / math.sqrt(p) end
    for _ = 1, moves do
      local z = r:normal(n * p)
      local Y = X:copy()
      for i = 1, n do for j = 1, p do Y:set(i, j, X:get(i, j) + sd[j] * z[(i - 1) * p + j]) end end
      local yp = Y
      if asarray then
        yp = {}
        for i = 1, n do yp[i] = Y[i] end
      end
      local Ly, LPy = ll(yp), ll(yp, opts.logprior, "logprior")
      local u = r:uniform(n)
      for i = 1, n do
        proposed = proposed + 1
        if log(u[i]) < beta * (Ly[i] - L[i]) + LPy[i] - LP[i] then
          accepted = accepted + 1
          L[i], LP[i] = Ly[i], LPy[i]
          for j = 1, p do X:set(i, j, Y:get(i, j)) end
        end
      end
    end
    if asarray then
      local t = {}
      for i = 1, n do t[i] = X[i] end
      return t
    end
    return X
  end
  L = ll(particles)
  LP = moves > 0 and ll(particles, opts.logprior, "logprior") or nil
  local logw = {}
  for i = 1, n do logw[i] = -log(n) end
  local logZ, ess, betas, resampled = 0, mat.new(K, 1), mat.new(K, 1), 0
  local prev = 0
  local W = {}
  for k = 1, K do
    local beta = (k / K) ^ 3
    local db = beta - prev
    prev = beta
    -- incremental weights; logZ gains log sum_i W_i exp(db L_i)
    local mx = -huge
    for i = 1, n do
      logw[i] = logw[i] + db * L[i]
      if logw[i] > mx then mx = logw[i] end
    end
    local s = 0
    for i = 1, n do W[i] = exp(logw[i] - mx); s = s + W[i] end
    logZ = logZ + mx + log(s)
    local s2 = 0
    for i = 1, n do W[i] = W[i] / s; s2 = s2 + W[i] ^ 2; logw[i] = log(W[i]) end
    ess:set(k, 1, 1 / s2); betas:set(k, 1, beta)
    if 1 / s2 < thr * n and k < K then
      local idx = resample(W, n, how, r)
      particles = take(particles, idx)
      local L2 = {}
      local LP2 = {}
      for i, j in ipairs(idx) do L2[i] = L[j]; LP2[i] = LP and LP[j] end
      L = L2
      if moves > 0 then LP = LP2; particles = move(particles, beta) end
      for i = 1, n do logw[i] = -log(n) end
      resampled = resampled + 1
    end
  end
  local w = mat.new(n, 1)
  for i = 1, n do w:set(i, 1, exp(logw[i])) end
  return { particles = particles, weights = w, ess = ess, beta = betas, logZ = logZ, resampled = resampled,
    acceptance = proposed > 0 and accepted / proposed or nil }
end

M.smc = help.doc(smc, "bayes.smc",
  "bayes.smc{ prior = function(n, r) -> particles, loglik = function(particles) -> vector, steps = 10, "
  .. "n = 1000, resample = \"systematic\"|\"multinomial\", ess_threshold = 0.5, rng = } -> {particles =, "
  .. "weights =, ess =, beta =, logZ =, resampled =}: tempering from the prior (beta = 0) to the "
  .. "posterior (beta = 1) on beta_k = (k/steps)^3, reweighting by exp((beta_k - beta_k-1) loglik), "
  .. "resampling when the effective sample size 1/sum W^2 falls below ess_threshold n; logZ the "
  .. "estimate of the log evidence (sum over steps of log sum W exp(d beta loglik)). Particles: an "
  .. "n-row matrix or an array of n values. With logprior = function(particles) -> vector (the log "
  .. "prior density, up to a constant), each resampling is followed by moves = 2 random-walk "
  .. "Metropolis sweeps targeting prior x likelihood^beta (proposal SD 2.38/sqrt(p) times each "
  .. "column's SD; numeric particles only; .acceptance reports the rate); without it the particles "
  .. "are those drawn from the prior")
