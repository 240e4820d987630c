-- sem.linear: sampled moments against the exact ones, total effects against
-- (I - B)^-1 - I worked by hand, interventions, IV on sampled data, errors.
-- Sampling tolerances come from the standard errors of the estimates at the
-- exact values (normal data): a mean's SE is sqrt(s_ii / n), a covariance's
-- sqrt((s_ii s_jj + s_ij^2) / n); each check allows 5 SEs (a fixed seed, so
-- the test is deterministic; 5 SEs is a two-sided 6e-7 chance per entry).
local T = require "orrery.testing"

local function model()
  return sem.linear{
    nodes = { "Z", "H", "X", "M", "Y" },
    edges = { { "Z", "X", 0.8 }, { "H", "X", 1.0 }, { "X", "M", 0.5 },
              { "M", "Y", 1.5 }, { "X", "Y", 0.7 }, { "H", "Y", -1.2 } },
    noise = { Z = 1, H = 1, X = 0.5, M = 2, Y = 0.25 },
    means = { Z = 1, M = -2, Y = 3 },
    latent = { "H" },
  }
end

local function columns(df, names)
  local cols = {}
  for i, v in ipairs(names) do cols[i] = df[v] end
  local X = cols[1]
  for i = 2, #cols do X = X:hcat(cols[i]) end
  return X
end

-- sample mean and covariance (divisor n) of the columns of X
local function moments(X)
  local n = X:rows()
  local mu = X:colmeans()
  local S = X:crossprod() / n - mu:t():crossprod()
  return mu, S
end

local function within(est, exact, S, n, what)
  local p = exact:rows()
  if exact:cols() == 1 then
    for i = 1, p do
      local se = math.sqrt(S:get(i, i) / n)
      T.near(est:get(i, 1), exact:get(i, 1), 0, what .. " mean " .. i, 5 * se)
    end
  else
    for i = 1, p do
      for j = 1, p do
        local se = math.sqrt((S:get(i, i) * S:get(j, j) + S:get(i, j) ^ 2) / n)
        T.near(est:get(i, j), exact:get(i, j), 0, what .. " cov " .. i .. "," .. j, 5 * se)
      end
    end
  end
end

T.test("1e6 draws: sample moments within 5 SEs of m:cov() and m:mean()", function()
  local m = model()
  local n = 1000000
  local df = m:sample(n, rng.new(2024))
  T.eq(df:nrow(), n)
  T.eq(table.concat(df:names(), ","), "Z,X,M,Y")
  local Sig, mu = m:cov(), m:mean()
  local est_mu, est_S = moments(columns(df, m.observed))
  within(est_mu, mu, Sig, n, "observational")
  within(est_S, Sig, Sig, n, "observational")
end)

T.test("exact moments by hand", function()
  local m = model()
  -- X = 0.8 Z + H + e: E X = 0.8, Var X = 0.64 + 1 + 0.5
  T.near(m:mean():get(2, 1), 0.8, 1e-14)
  T.near(m:cov():get(2, 2), 2.14, 1e-14)
  -- M = -2 + 0.5 X + e: E M = -1.6
  T.near(m:mean():get(3, 1), -1.6, 1e-14)
  -- Y = 3 + 0.7 X + 1.5 M - 1.2 H + e: E Y = 3 + 0.56 - 2.4
  T.near(m:mean():get(4, 1), 1.16, 1e-14)
  local all = m:cov{ all = true }
  T.eq(all:rows(), 5)
  T.near(all:get(2, 2), 1, 1e-14)
end)

T.test("total effects are (I - B)^-1 - I", function()
  local m = model()
  local E = m:effects()
  -- nodes Z, H, X, M, Y: effect of X on Y = 0.7 + 0.5 * 1.5
  T.near(m:effect("X", "Y"), 1.45, 1e-14)
  T.near(m:effect("Z", "Y"), 0.8 * 1.45, 1e-14)
  T.near(m:effect("H", "Y"), 1.45 - 1.2, 1e-14)
  T.near(m:effect("Y", "X"), 0, 0, nil, 0)
  T.near(m:direct("X", "Y"), 0.7, 0)
  T.near(m:indirect("X", "Y"), 0.75, 1e-14)
  -- E (I - B) = B: (E + I)(I - B) = I
  local B = mat.zeros(5, 5)
  local idx = { Z = 1, H = 2, X = 3, M = 4, Y = 5 }
  for _, e in ipairs({ { "Z", "X", 0.8 }, { "H", "X", 1.0 }, { "X", "M", 0.5 },
                      { "M", "Y", 1.5 }, { "X", "Y", 0.7 }, { "H", "Y", -1.2 } }) do
    B:set(idx[e[2]], idx[e[1]], e[3])
  end
  T.near((E + mat.eye(5)) * (mat.eye(5) - B), mat.eye(5), 0, "inverse", 1e-14)
  T.eq(table.concat(m:parents("Y"), ","), "H,X,M")
end)

T.test("do(X = 1): exact interventional moments and 1e6 draws", function()
  local m = model()
  local d = m:intervene{ X = 1 }
  -- under do(X = 1): M = -2 + 0.5 + e, Y = 3 + 0.7 + 1.5 M - 1.2 H + e
  T.near(d:mean():get(3, 1), -1.5, 1e-14)
  T.near(d:mean():get(4, 1), 3.7 - 2.25, 1e-14)
  T.near(d:cov():get(2, 2), 0, 0)
  T.near(d:cov():get(4, 4), 2.25 * 2 + 1.44 + 0.25, 1e-14)
  T.near(d:cov():get(1, 4), 0, 0, nil, 1e-15)  -- Z no longer reaches Y
  local n = 1000000
  local df = m:sample(n, { intervene = { X = 1 } }, rng.new(7))
  T.near(df.X:min(), 1, 0); T.near(df.X:max(), 1, 0)
  local cols = { "Z", "M", "Y" }
  local est_mu, est_S = moments(columns(df, cols))
  local keep = { 1, 3, 4 }
  local S, mu = d:cov():rows_of(keep):cols_of(keep), d:mean():rows_of(keep)
  within(est_mu, mu, S, n, "do(X=1)")
  within(est_S, S, S, n, "do(X=1)")
  -- a per-row vector intervention sets the column row by row
  local v = mat.range(1, 10)
  local dv = m:sample(10, { intervene = { X = v } }, rng.new(1))
  T.near(dv.X, v, 0)
end)

T.test("shift moves the mean, not the covariance; soft replaces noise and weights", function()
  local m = model()
  local s = m:intervene{ shift = { X = 2 } }
  T.near(s:mean() - m:mean(), mat.vec{ 0, 2, 1, 2 * 1.45 }, 0, nil, 1e-14)
  T.near(s:cov(), m:cov(), 1e-14)
  local soft = m:intervene{ soft = { X = { noise = 0, weights = { Z = 2 } } } }
  T.near(soft:cov():get(2, 2), 4 + 1, 1e-14)
  local n = 1000000
  local df = m:sample(n, { shift = { X = 2 } }, rng.new(3))
  within(moments(columns(df, m.observed)), s:mean(), s:cov(), n, "shift")
  T.errors(function() m:intervene{ soft = { X = { weights = { Y = 1 } } } } end,
    "sem.intervene: soft.X.weights: 'Y' is not a parent of 'X'")
end)

T.test("same seed, same sample; latent dropped; select keeps rows", function()
  local m = model()
  local a, b = m:sample(100, rng.new(5)), m:sample(100, rng.new(5))
  T.near(a.Y, b.Y, 0)
  T.eq(a.H, nil)
  local df, drawn = m:sample(1000, { select = function(row) return row.M > -1.6 end }, rng.new(5))
  T.eq(drawn, 1000)
  T.ok(df:nrow() > 300 and df:nrow() < 700, "about half kept")
  T.ok(df.M:min() > -1.6)
end)

T.test("IV on sampled data recovers the effect OLS misses", function()
  -- Z -> X -> Y with a hidden confounder H of X and Y
  local m = sem.linear{ nodes = { "Z", "H", "X", "Y" },
    edges = { { "Z", "X", 1 }, { "H", "X", 1 }, { "X", "Y", 2 }, { "H", "Y", 3 } },
    latent = { "H" } }
  local n = 200000
  local df = m:sample(n, rng.new(11))
  local ols = regress.ols{ y = df.Y, x = df.X }
  local iv = regress.iv{ y = df.Y, x = df.X, z = df.Z }
  -- OLS converges to 2 + Cov(X, H) 3 / Var X = 2 + 3 / 3 = 3
  T.near(ols.coef:get(2, 1), 3, 0, "OLS is biased", 0.05)
  T.near(iv.coef:get(2, 1), 2, 0, "IV recovers the effect", 5 * iv.se:get(2, 1))
  T.ok(math.abs(ols.coef:get(2, 1) - 2) > 20 * iv.se:get(2, 1), "OLS misses it")
end)

T.test("nonlinear node and functional noise (slower path)", function()
  local m = sem.linear{ nodes = { "X", "Y" }, edges = { { "X", "Y" } },
    noise = { X = function(n, r) return r:uniform(n) end, Y = 0 },
    fn = { Y = function(pa, e) return pa.X:hadamard(pa.X) + e end } }
  local df = m:sample(50, rng.new(1))
  T.near(df.Y, df.X:hadamard(df.X), 1e-15)
  T.ok(df.X:min() >= 0 and df.X:max() <= 1)
  T.errors(function() m:cov() end, "sem.cov: node 'Y' has a nonlinear function")
end)

T.test("bad input", function()
  T.errors(function() sem.linear{ nodes = { "A", "B" }, edges = { { "A", "B" }, { "B", "A" } } } end,
    "sem.linear: the graph has a cycle through")
  T.errors(function() sem.linear{ nodes = { "A", "B" }, edges = { { "A", "C" } } } end,
    "sem.linear: unknown node 'C' in edge 1")
  T.errors(function() sem.linear{ nodes = { "A" }, noise = { B = 1 } } end,
    "sem.linear: unknown node 'B' in noise")
  T.errors(function() sem.linear{ nodes = { "A" }, noise = { A = -1 } } end,
    "sem.linear: noise of 'A' must be a variance")
  T.errors(function() sem.linear{ nodes = { "A", "A" } } end, "sem.linear: node 'A' appears twice")
  T.errors(function() sem.linear{ nodes = { "A" }, colour = 1 } end, "sem.linear")
  local m = sem.linear{ nodes = { "A", "B" }, edges = { { "A", "B", 2 } } }
  T.errors(function() m:sample(10, { intervene = { C = 1 } }) end, "sem.sample: unknown node 'C'")
  T.errors(function() m:sample(10, { intervene = { A = mat.zeros(3, 1) } }) end,
    "sem.sample: intervene.A has 3 values for 10 rows")
  T.errors(function() m:sample(-1) end, "sem.sample: n must be >= 1")
  T.errors(function() m:effect("A", "Q") end, "sem.effect: unknown node 'Q'")
  T.errors(function() m:intervene{ A = mat.zeros(3, 1) }:cov() end, "per-row vector")
end)

T.test("a nonlinear function or noise function of the wrong length", function()
  local m = sem.linear{ nodes = { "X", "Y" }, edges = { { "X", "Y" } },
    fn = { Y = function() return { 1, 2 } end } }
  T.errors(function() m:sample(5, rng.new(1)) end, "sem.sample: the function of 'Y' must give 5 values")
  local m2 = sem.linear{ nodes = { "X" }, noise = { X = function() return "no" end } }
  T.errors(function() m2:sample(5, rng.new(1)) end, "sem.sample: the noise function of 'X' must give 5 values")
end)
