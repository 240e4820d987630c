-- Degenerate fits and input: n = p + 1, a leverage-one row under HC2/HC3, x that
-- is not numbers, a negbin response of zeros. Each gives R's NaN or an error
-- that names the function, never a number from 0/0 rounding.
local T = require "orrery.testing"
local mt = T.csv("regress/mtcars.csv")

T.test("n = p + 1: leave-one-out has no residual df, so studentized residuals are NaN (R)", function()
  local f = regress.ols{ y = { 2, 1, 5 }, x = { 1, 2, 3.5 } }
  T.eq(f.df_residual, 1)
  local r = f:residuals("studentized")
  for i = 1, 3 do T.ok(r[i] ~= r[i], "rstudent " .. i .. " is NaN, got " .. tostring(r[i])) end
  -- the standardized ones still are defined
  r = f:residuals("standardized")
  for i = 1, 3 do T.ok(r[i] == r[i], "rstandard " .. i) end
end)

T.test("HC2/HC3 with a leverage-one row: NaN as sandwich::vcovHC, with a warning, not a number from 0/0 rounding", function()
  local one = mat.zeros(32, 1); one:set(5, 1, 1)   -- a dummy for one car: h = 1 there
  for _, ty in ipairs{ "HC2", "HC3" } do
    local f = regress.ols{ y = mt.mpg, x = mt.wt:hcat(one), se = ty }
    for j = 1, 3 do T.ok(f.se[j] ~= f.se[j], ty .. " se " .. j .. " is NaN, got " .. tostring(f.se[j])) end
    T.ok(tostring(f):find("leverage 1", 1, true), ty .. " printout warns")
    local g = regress.glm{ y = mt.mpg, x = mt.wt:hcat(one), se = ty }
    T.ok(g.se[2] ~= g.se[2], "glm " .. ty)
  end
  -- HC0 and HC1 need no 1 - h: defined
  local f = regress.ols{ y = mt.mpg, x = mt.wt:hcat(one), se = "HC1" }
  T.ok(f.se[2] == f.se[2])
end)

T.test("x that is not numbers: the error names the model function", function()
  T.errors(function() regress.ols{ y = { 1, 2, 3 }, x = { "a", "b", "c" } } end,
    "regress.ols: 'x' must be a matrix, an array of numbers or an array of rows")
  T.errors(function() regress.glm{ y = { 1, 2, 3 }, x = { { 1 }, { "b" }, { 3 } }, family = "poisson" } end,
    "regress.glm: 'x' must be a matrix, an array of numbers or an array of rows")
end)

T.test("negbin with every count 0: theta is not identified, an error (MASS::glm.nb fails too) instead of theta = NaN", function()
  T.errors(function() regress.glm{ y = { 0, 0, 0, 0, 0, 0 }, x = { 1, 3, 2, 5, 4, 7 }, family = "negbin" } end,
    "regress.glm: negbin needs a positive count")
  -- one positive count is enough to try
  local g = regress.glm{ y = { 0, 0, 3, 0, 1, 0, 7, 0 }, x = { 1, 3, 2, 5, 4, 7, 6, 8 }, family = "negbin" }
  T.ok(g.theta == g.theta or g.converged == false, "theta is a number, or the fit says it failed")
end)
