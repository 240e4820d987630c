-- fit:epistemic (DEUP): held-out losses, the error model, reproducibility.
local T = require "orrery.testing"

local n = 60
local xs, ys = {}, {}
for i = 1, n do
  local x = (i - 1) / (n - 1)
  xs[i] = x
  ys[i] = 1 + 2 * x + 0.3 * math.sin(17 * i)   -- deterministic "noise"
end

T.test("held-out losses are the K-fold squared errors", function()
  local f = regress.ols{ y = ys, x = xs }
  local e = f:epistemic{ folds = 4 }
  -- row 1 is in fold 1 (rows 1, 5, 9, ...): refit without those rows
  local ytr, xtr = {}, {}
  for i = 1, n do if (i - 1) % 4 ~= 0 then ytr[#ytr + 1] = ys[i]; xtr[#xtr + 1] = xs[i] end end
  local g = regress.ols{ y = ytr, x = xtr }
  local pred = g.coef[1] + g.coef[2] * xs[1]
  T.near(e.loss[1], (ys[1] - pred) ^ 2, 1e-12)
  T.eq(e.folds, 4); T.eq(e.features, "linear")
  T.near(e.aleatoric[1], f.sigma ^ 2, 1e-14)
end)

T.test("u = max(e - a, 0) is non-negative and grows away from the data", function()
  local f = regress.ols{ y = ys, x = xs }
  local e = f:epistemic{ x = mat.vec{ 0.5, 3, 6 }, folds = 5, features = "quadratic" }
  for i = 1, 3 do
    T.ok(e.epistemic[i] >= 0)
    T.near(e.epistemic[i], math.max(e.total[i] - e.aleatoric[i], 0), 1e-14)
  end
  T.ok(e.total[3] > e.total[2] and e.total[2] > e.total[1], "extrapolation raises the error estimate")
  -- the same call gives the same numbers
  local e2 = f:epistemic{ x = mat.vec{ 0.5, 3, 6 }, folds = 5, features = "quadratic" }
  T.near(e2.epistemic, e.epistemic, 0)
end)

T.test("glm: aleatoric variance is dispersion * V(mu); explicit fold ids", function()
  local yb = {}
  for i = 1, n do yb[i] = (math.sin(5 * i) + 2 * xs[i] - 1 > 0) and 1 or 0 end
  local g = regress.glm{ y = yb, x = xs, family = "binomial" }
  local fold = {}
  for i = 1, n do fold[i] = i <= 30 and 1 or 2 end
  local e = g:epistemic{ fold = fold }
  T.eq(e.folds, 2)
  local mu = g.fitted[1]
  T.near(e.aleatoric[1], mu * (1 - mu), 1e-12)
end)
