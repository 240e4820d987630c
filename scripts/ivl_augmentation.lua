-- Outcome-invariant data augmentation as an instrument: the linear simulation
-- of "Causal effect estimation using outcome invariant data augmentation"
-- (NeurIPS 2025), as docs/methods/regress.md writes it out.
--   orrery scripts/ivl_augmentation.lua [trials]
-- Claim checked: under confounding, DA+IVL has the lowest error (nCER).
local experiment = require "orrery.experiment"
local mat = require "orrery.mat"
local regress = require "orrery.regress"
local rng = require "orrery.rng"

local trials = tonumber(arg and arg[1]) or 32
local d, k, n = 30, 32, 2000
local r = rng.new(2025)

local function sq(v) local s = 0 for i = 1, #v do s = s + v[i] * v[i] end return s end

-- N: d x (d-1) orthonormal columns spanning the null space of f', the columns
-- 2..d of the Householder reflection that maps f to |f| e1
local function nullspace(f)
  local v = f:copy()
  local nf = math.sqrt(sq(f))
  v:set(1, 1, f[1] + (f[1] >= 0 and nf or -nf))
  local vv = sq(v)
  local N = mat.new(d, d - 1)
  for i = 1, d do
    for j = 2, d do
      N:set(i, j - 1, (i == j and 1 or 0) - 2 * v[i] * v[j] / vv)
    end
  end
  return N
end

local function ncer(b, f, b0)
  return sq(b - f) / sq(b0 - f)
end

-- one trial: returns the nCER of ERM, DA+ERM, DA+2SLS, DA+IVL
local function trial(kappa, gamma, s)
  local W = s:normal(k * d):reshape(k, d)
  local w = s:normal(k)
  local f = s:normal(d)
  local C = s:normal(n * k):reshape(n, k)
  local X = C * W + 0.1 * s:normal(n * d):reshape(n, d)
  local Y = X * f + kappa * (C * w) + 0.1 * s:normal(n)
  local G = s:normal(n * (d - 1)):reshape(n, d - 1)
  local Xa = X + gamma * (G * nullspace(f):t())
  local b0 = f + kappa * ((W:t() * W + 0.01 * mat.eye(d)):solve(W:t() * w))
  local erm = regress.ols{ y = Y, x = X, intercept = false }.coef
  local da_erm = regress.ols{ y = Y, x = Xa, intercept = false }.coef
  local da_2sls = regress.iv{ y = Y, x = Xa, z = G, intercept = false, min_norm = true }.coef
  local da_ivl = regress.ivl{ y = Y, x = Xa, z = G, intercept = false, alpha = 1 }.coef
  return { ncer(erm, f, b0), ncer(da_erm, f, b0), ncer(da_2sls, f, b0), ncer(da_ivl, f, b0) }
end

local names = { "ERM", "DA+ERM", "DA+2SLS", "DA+IVL" }

local function setting(kappa, gamma)
  local sum, sum2 = { 0, 0, 0, 0 }, { 0, 0, 0, 0 }
  local s = r:split()
  for _ = 1, trials do
    local e = trial(kappa, gamma, s)
    for j = 1, 4 do sum[j] = sum[j] + e[j]; sum2[j] = sum2[j] + e[j] * e[j] end
  end
  local mean, se = {}, {}
  for j = 1, 4 do
    mean[j] = sum[j] / trials
    se[j] = math.sqrt(math.max(sum2[j] / trials - mean[j] ^ 2, 0) / (trials - 1))
  end
  return mean, se
end

local function row(label, mean, se)
  local cells, best = {}, 1
  for j = 2, 4 do if mean[j] < mean[best] then best = j end end
  for j = 1, 4 do
    cells[j] = string.format("%7.3f (%5.3f)%s", mean[j], se[j], j == best and "*" or " ")
  end
  print(string.format("%-14s %s", label, table.concat(cells, " ")))
  return best
end

local header = string.format("%-14s %s", "", table.concat({
  string.format("%-16s", names[1]), string.format("%-16s", names[2]),
  string.format("%-16s", names[3]), string.format("%-16s", names[4]) }, " "))
local t0 = experiment.clock()
print(string.format("nCER, mean (SE) over %d trials; d = %d, k = %d, n = %d; * = lowest", trials, d, k, n))
print("\nconfounding strength kappa, augmentation gamma = 1")
print(header)
local wins = 0
for _, kappa in ipairs{ 0.1, 0.25, 0.5, 0.75, 1 } do
  local m, s = setting(kappa, 1)
  if row(string.format("kappa = %.2f", kappa), m, s) == 4 then wins = wins + 1 end
end
print("\naugmentation strength gamma, kappa = 1")
print(header)
for _, gamma in ipairs{ 0.01, 0.1, 1, 10, 100 } do
  local m, s = setting(1, gamma)
  if row(string.format("gamma = %g", gamma), m, s) == 4 then wins = wins + 1 end
end
print(string.format("\nDA+IVL has the lowest nCER in %d of 10 settings (%.1f s)", wins, experiment.clock() - t0))
