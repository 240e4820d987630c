-- Bad input to regress: every error names the function and the problem.
local T = require "orrery.testing"

local y = { 1, 2, 3, 4, 5, 6 }
local x = mat.from{ { 1, 0 }, { 2, 1 }, { 3, 0 }, { 4, 1 }, { 5, 0 }, { 7, 1 } }

T.test("mismatched lengths", function()
  T.errors(function() regress.ols{ y = y, x = mat.ones(5, 2) } end, "regress.ols: x has 5 rows but y has 6")
  T.errors(function() regress.ols{ y = y, x = x, weights = { 1, 1 } } end, "regress.ols: 'weights' has 2 elements but y has 6")
  T.errors(function() regress.ols{ y = y, x = x, cluster = { 1, 2, 3 } } end, "regress.ols: 'cluster' has 3 elements but y has 6")
  T.errors(function() regress.glm{ y = y, x = x, offset = { 1 } } end, "regress.glm: 'offset' has 1 elements but y has 6")
  T.errors(function() regress.ridge{ y = y, x = mat.ones(4, 2) } end, "regress.ridge: x has 4 rows but y has 6")
end)

T.test("Inf is always an error, NaN only with na = fail", function()
  local xi = x:copy(); xi:set(2, 1, math.huge)
  T.errors(function() regress.ols{ y = y, x = xi } end, "regress.ols: 'x' has an infinite value at row 2")
  T.errors(function() regress.ols{ y = { 1, 2, -math.huge, 4, 5, 6 }, x = x } end, "'y' has an infinite value at row 3")
  T.errors(function() regress.glm{ y = y, x = x, weights = { 1, 1, 1, 1, 1, math.huge } } end, "regress.glm: 'weights' has an infinite value")
  T.errors(function() regress.ols{ y = { 1, 2, 0 / 0, 4, 5, 6 }, x = x, na = "fail" } end, "'y' has a missing value (NaN) at row 3")
  T.errors(function() regress.ols{ y = y, x = x, na = "drop" } end, "regress.ols: na must be \"omit\" or \"fail\"")
end)

T.test("fewer usable rows than columns", function()
  T.errors(function() regress.ols{ y = { 1, 2 }, x = mat.from{ { 1, 2 }, { 3, 5 } } } end,
    "regress.ols: fewer usable rows (2) than coefficients (3)")
  T.errors(function() regress.ols{ y = { 1, 0 / 0, 3 }, x = mat.from{ { 1, 2 }, { 3, 5 }, { 2, 2 } } } end,
    "fewer usable rows (2) than coefficients (3)")
  T.errors(function() regress.glm{ y = { 0, 1 }, x = mat.from{ { 1, 2 }, { 3, 5 } }, family = "binomial" } end,
    "regress.glm: fewer usable rows (2) than coefficients (3)")
  T.errors(function() regress.ols{ y = y, x = x, weights = { 1, 0, 0, 0, 0, 1 } } end, "fewer usable rows (2)")
end)

T.test("unknown options and bad option values", function()
  T.errors(function() regress.ols{ y = y, x = x, wieghts = { 1 } } end, "regress.ols: unknown option 'wieghts'")
  T.errors(function() regress.glm{ y = y, x = x, famliy = "poisson" } end, "regress.glm: unknown option 'famliy'")
  T.errors(function() regress.ridge{ y = y, x = x, alpha = 1 } end, "regress.ridge: unknown option 'alpha'")
  T.errors(function() regress.ols{ y = y, x = x, se = "HC6" } end, "regress.ols: se must be")
  T.errors(function() regress.glm{ y = y, x = x, family = "weibull" } end, "regress.glm: unknown family 'weibull'")
  T.errors(function() regress.glm{ y = y, x = x, family = "poisson", link = "logit" } end,
    "regress.glm: link 'logit' is not available for the poisson family")
  T.errors(function() regress.ridge{ y = y, x = x, lambda = -1 } end, "regress.ridge: lambda must be a non-negative number")
  T.errors(function() regress.ols{ y = y, x = x, intercept = "yes" } end, "option 'intercept' must be a boolean")
  T.errors(function() regress.ols{ x = x } end, "regress.ols: y is required")
  T.errors(function() regress.ols{ y = y, x = x, weights = { -1, 1, 1, 1, 1, 1 } } end, "regress.ols: 'weights' must be non-negative")
  T.errors(function() regress.ols{ y = y, x = x, cluster = { 1, 1, 1, 1, 1, 1 } } end, "regress.ols: cluster has 1 distinct value")
  T.errors(function() regress.glm{ y = y, x = x, maxit = 0 } end, "regress.glm: 'maxit' must be at least 1")
  T.errors(function() regress.ols{ y = y, x = x, weights = "w" } end, "needs formula = and data =")
  T.errors(function() regress.ols{ y = y, x = x, data = {} } end, "regress.ols: data = needs formula =")
  T.errors(function() regress.lm(42) end, "regress.lm: expected a formula string")
end)

T.test("family domains: binomial 0/1 or proportions with trials, counts, positive Gamma", function()
  T.errors(function() regress.glm{ y = { 0, 1, 2, 0, 1, 0 }, x = x, family = "binomial" } end,
    "regress.glm: binomial y must be 0/1 (or a proportion with weights = trials), row 3 is 2")
  T.errors(function() regress.glm{ y = { 0, 0.5, 1, 0, 1, 0 }, x = x, family = "binomial" } end,
    "regress.glm: binomial y must be 0/1 (or a proportion with weights = trials): row 2 has 0.5")
  local ok = regress.glm{ y = { 0, 0.5, 1, 0, 1, 0.25 }, x = x, family = "binomial", weights = { 4, 4, 4, 4, 4, 4 } }
  T.ok(ok.converged)
  T.errors(function() regress.glm{ y = { 0, -1, 1, 0, 1, 0 }, x = x, family = "poisson" } end,
    "regress.glm: poisson y must be non-negative, row 2")
  T.errors(function() regress.glm{ y = { 1, 0, 1, 2, 1, 3 }, x = x, family = "gamma" } end,
    "regress.glm: gamma y must be positive, row 2")
  T.errors(function() regress.glm{ y = { 1, -2, 1, 2, 1, 3 }, x = x, family = "negbin" } end,
    "regress.glm: negbin y must be non-negative")
end)

T.test("predict, confint, residuals and anova check their input", function()
  local f = regress.ols{ y = y, x = x }
  T.errors(function() f:predict(mat.ones(2, 3)) end, "regress.predict: newdata has 3 columns but the model has 2")
  T.errors(function() f:predict(mat.ones(2, 2), { interval = "both" }) end, "regress.predict: interval must be")
  T.errors(function() f:predict(mat.ones(2, 2), { levle = 0.9 }) end, "regress.predict: unknown option 'levle'")
  T.errors(function() f:confint(1.5) end, "regress.confint: level must be a number in (0, 1)")
  T.errors(function() f:residuals("raw") end, "regress.residuals: unknown type 'raw'")
  T.errors(function() regress.anova(f) end, "regress.anova: give at least two nested fits")
  local g = regress.glm{ y = y, x = x, family = "poisson" }
  T.errors(function() regress.anova(f, g) end, "regress.anova: cannot compare lm and glm fits")
  T.errors(function() regress.anova(f, regress.ols{ y = { 1, 2, 3, 4, 5 }, x = { 1, 2, 3, 4, 6 } }) end,
    "not all fitted to the same number of observations")
  T.errors(function() g:predict(mat.ones(1, 2), { interval = "prediction" }) end, "prediction intervals are for lm fits")
  T.errors(function() g:residuals("studentized") end, "studentized residuals are for lm fits")
  T.errors(function() f:epistemic{ folds = 1 } end, "regress.epistemic: folds must be an integer in 2..6")
  T.errors(function() f:epistemic{ features = "cubic" } end, "features must be")
  T.errors(function() f:epistemic{ k = 3 } end, "regress.epistemic: unknown option 'k'")
  T.errors(function() regress.ridge{ y = y, x = x, lambda = 1 }:confint() end, "regress.confint: this fit has no standard errors (ridge)")
end)

T.test("degenerate models: no columns is an error; n == p prints NaN, not garbage", function()
  T.errors(function() regress.ols{ y = { 1, 2, 3 }, intercept = false } end, "regress.ols: the model has no columns")
  T.errors(function() regress.glm{ y = { 1, 2, 3 }, intercept = false, family = "poisson" } end, "regress.glm: the model has no columns")
  local f = regress.ols{ y = { 1, 2 }, x = { 1, 3 } }
  T.eq(f.df_residual, 0)
  T.ok(f.sigma ~= f.sigma)
  local s = tostring(f)
  T.ok(not s:find("nan", 1, true), s)
  local i = regress.ols{ y = { 1, 2, 3, 5 } }   -- intercept only: mean and its se
  T.near(i.coef[1], 2.75, 1e-15); T.eq(i.fstat, nil)
end)
