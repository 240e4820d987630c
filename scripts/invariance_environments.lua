-- Invariance across environments: Y is caused by X1 and causes X2. Training
-- environments scale the noise of X1 and of X2 by factors in [0.2, 2];
-- held-out environments scale X2's noise far outside that range. OLS on the
-- pooled training data leans on X2 (the effect of Y), whose relation to Y
-- changes with the environment; the invariant predictor -- the subset of
-- covariates whose pooled residuals have the same mean and variance in every
-- training environment (a simple invariant causal prediction) -- is X1, and
-- its error does not move on the held-out interventions.
--   orrery scripts/invariance_environments.lua [n_per_env] [seed]
local regress = require "orrery.regress"
local rng = require "orrery.rng"
local sem = require "orrery.sem"
local P = require "orrery.printing"

local np = tonumber(arg and arg[1]) or 2000
local seed = tonumber(arg and arg[2]) or 7
local r = rng.new(seed)

local m = sem.linear{ nodes = { "X1", "Y", "X2" },
  edges = { { "X1", "Y", 1 }, { "Y", "X2", 1 } },
  noise = { X1 = 1, Y = 1, X2 = 0.25 } }

local train, set = sem.environments{ model = m, n_env = 5, n_per_env = np, rng = r,
  family = { nodes = { "X1", "X2" }, kind = "noise_scale", range = { 0.2, 2 } } }
local test = sem.environments{ model = m, n_env = 3, n_per_env = np, rng = r,
  family = { nodes = { "X2" }, kind = "noise_scale", range = { 4, 8 } } }

local function design(df, vars)
  local x = df[vars[1]]
  for i = 2, #vars do x = x:hcat(df[vars[i]]) end
  return x
end

local function predict(fit, df, vars)
  return fit:predict(design(df, vars))
end

-- residual mean and variance per environment: the spread of the means over
-- the largest residual SD, and the log ratio of the largest to the smallest
-- variance
local function invariance(fit, df, vars, k)
  local res = df.Y - predict(fit, df, vars)
  local n = df:nrow()
  local sum, ss, cnt = {}, {}, {}
  for e = 1, k do sum[e], ss[e], cnt[e] = 0, 0, 0 end
  for i = 1, n do
    local e = df.env:get(i, 1)
    local v = res:get(i, 1)
    sum[e], ss[e], cnt[e] = sum[e] + v, ss[e] + v * v, cnt[e] + 1
  end
  local mlo, mhi, vlo, vhi = math.huge, -math.huge, math.huge, -math.huge
  for e = 1, k do
    local mu = sum[e] / cnt[e]
    local var = ss[e] / cnt[e] - mu * mu
    mlo, mhi = math.min(mlo, mu), math.max(mhi, mu)
    vlo, vhi = math.min(vlo, var), math.max(vhi, var)
  end
  return (mhi - mlo) / math.sqrt(vhi), math.log(vhi / vlo)
end

local function mse(fit, df, vars)
  local d = df.Y - predict(fit, df, vars)
  return d:hadamard(d):sum() / df:nrow()
end

print("training environments (noise scales of X1, X2):")
for e, s in ipairs(set) do print(string.format("  env %d: %s, %s", e, P.num(s.X1, 3), P.num(s.X2, 3))) end
print()

local subsets = { { "X1" }, { "X2" }, { "X1", "X2" } }
local rows, cols = {}, { {}, {}, {}, {}, {} }
local best
for i, vars in ipairs(subsets) do
  local fit = regress.ols{ y = train.Y, x = design(train, vars) }
  local dm, dv = invariance(fit, train, vars, 5)
  rows[i] = "Y ~ " .. table.concat(vars, " + ")
  local coefs = {}
  for j = 2, fit.coef:rows() do coefs[#coefs + 1] = P.num(fit.coef:get(j, 1), 3) end
  cols[1][i] = table.concat(coefs, ", ")
  cols[2][i] = P.num(dm, 3)
  cols[3][i] = P.num(dv, 3)
  cols[4][i] = P.num(mse(fit, train, vars), 4)
  cols[5][i] = P.num(mse(fit, test, vars), 4)
  -- invariant: residual variances within a factor 1.25 across environments
  if dv < math.log(1.25) and (not best or mse(fit, train, vars) < best.mse) then
    best = { name = rows[i], mse = mse(fit, train, vars) }
  end
end
print(P.matrix(rows, { "coefficients", "mean spread", "log var ratio", "train MSE", "held-out MSE" },
  (function()
    local cells = {}
    for i = 1, #rows do cells[i] = { cols[1][i], cols[2][i], cols[3][i], cols[4][i], cols[5][i] } end
    return cells
  end)()))
print()
print("pooled OLS uses Y ~ X1 + X2; the invariant predictor is " .. (best and best.name or "(none)")
  .. string.format("; the causal coefficient of X1 is %s", P.num(m:effect("X1", "Y"))))
print("(exact: Var(Y | X1) = 1, the invariant predictor's MSE in every environment)")
