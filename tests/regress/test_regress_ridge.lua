-- regress.ridge against a direct R computation of the closed form and
-- against MASS::lm.ridge (scale = true), on Boston.
local T = require "orrery.testing"
local R = T.ref("regress/regress.txt")

local b = T.csv("regress/boston.csv")
local names = { "crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "black", "lstat" }
local X = b[names[1]]
for i = 2, #names do X = X:hcat(b[names[i]]) end

T.test("fixed lambda: (Xc'Xc + lambda I)^-1 Xc'yc, intercept unpenalised", function()
  local f = regress.ridge{ y = b.medv, x = X, lambda = 10 }
  T.near(f.coef, R["ridge.l10"], 1e-8)
  T.eq(f.lambda, 10); T.eq(f.gcv_chosen, false)
  T.near(f.fitted + f:residuals(), b.medv, 1e-12)
  local p = f:predict(X)
  T.near(p, f.fitted, 1e-10)
  -- lambda = 0 is least squares
  local o = regress.ols{ y = b.medv, x = X }
  T.near(regress.ridge{ y = b.medv, x = X, lambda = 0 }.coef, o.coef, 1e-8)
end)

T.test("scale = true matches MASS::lm.ridge's lambda", function()
  local f = regress.ridge{ y = b.medv, x = X, lambda = 5, scale = true }
  T.near(f.coef, R["ridge.lmridge5"], 1e-8)
end)

T.test("lambda by GCV: the minimiser of RSS / (n - edf)^2", function()
  local f = regress.ridge{ y = b.medv, x = X, names = names }
  local g = R["ridge.gcv"]
  T.ok(f.gcv_chosen)
  -- the GCV curve is flat at its minimum: lambda to 1e-4, the criterion to 1e-10
  T.near(f.lambda, g[1], 1e-4, "lambda")
  T.near(f.gcv, g[2], 1e-10, "GCV")
  T.near(f.edf, g[3], 1e-5, "edf")
  T.near(f.coef, R["ridge.gcvcoef"], 1e-5, "coef at the GCV lambda")
  local s = tostring(f)
  T.ok(s:find("chosen by GCV", 1, true) and s:find("lstat", 1, true), s)
end)
