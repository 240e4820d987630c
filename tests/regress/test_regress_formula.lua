-- The formula path: regress.lm(formula, df), formula = / data = in the
-- table, column names for weights and cluster, factors and offsets.
-- References from tests/ref/regress/make_regress.R (R's lm/glm).
local T = require "orrery.testing"
local R = T.ref("regress/regress.txt")
local TOL = 1e-8

local mt = data.read_csv("tests/ref/regress/mtcars.csv")

T.test("regress.lm(formula, df) is R's lm, names from the design", function()
  local f = regress.lm("mpg ~ wt + hp + qsec", mt)
  T.near(f.coef, R["mt.coef"], TOL); T.near(f.se, R["mt.se"], TOL)
  T.near({ f.r2, f.adj_r2 }, R["mt.r2"], TOL)
  local F = R["mt.fstat"]
  T.near({ f.fstat.value, f.fstat.df1, f.fstat.df2 }, { F[1], F[2], F[3] }, TOL)
  T.near({ f.loglik, f.aic, f.bic }, R["mt.loglik"], TOL)
  T.eq(f.names[1], "(Intercept)"); T.eq(f.names[4], "qsec")
  T.ok(tostring(f):find("Call: regress.lm(mpg ~ wt + hp + qsec)", 1, true))
  local g = regress.ols{ formula = "mpg ~ wt + hp + qsec", data = mt, se = "HC2" }
  T.near(g.se, R["mt.HC2"], TOL)
  local n0 = regress.lm("mpg ~ wt + hp - 1", mt)
  T.near(n0.coef, R["mt0.coef"], TOL); T.near({ n0.r2, n0.adj_r2 }, R["mt0.r2"], TOL)
end)

T.test("weights and cluster by column name", function()
  local f = regress.lm("mpg ~ wt + hp + qsec", mt, { weights = "disp" })
  T.near(f.coef, R["mtw.coef"], TOL); T.near(f.se, R["mtw.se"], TOL)
  local c = regress.lm("mpg ~ wt + hp + qsec", mt, { cluster = "cyl" })
  T.near(c.se, R["mt.cl"], TOL)
  local v = regress.lm("mpg ~ wt + hp + qsec", mt, { cluster = mt.cyl })
  T.near(v.se, R["mt.cl"], TOL, "cluster as a vector")
end)

T.test("factors: treatment contrasts, R's column names", function()
  local f = regress.lm("mpg ~ wt + factor(cyl)", mt)
  T.near(f.coef, R["fcyl.coef"], TOL); T.near(f.se, R["fcyl.se"], TOL)
  T.eq(f.names[3], "factor(cyl)6")
  local p = f:predict(mt:head(3))
  T.near(p, { f.fitted[1], f.fitted[2], f.fitted[3] }, 1e-12)
end)

T.test("missing values in the frame are dropped and counted", function()
  local d = data.read_csv("tests/ref/regress/mtcars_na.csv")
  local f = regress.lm("mpg ~ wt + hp + qsec", d)
  T.near(f.coef, R["mtna.coef"], TOL); T.eq(f.n, 29); T.eq(f.n_dropped, 3)
  T.ok(tostring(f):find("3 observations deleted", 1, true))
  T.errors(function() regress.lm("mpg ~ wt + hp + qsec", d, { na = "fail" }) end, "regress.lm")
end)

T.test("glm with formula: poisson with interaction, text factors and an offset", function()
  local wb = data.read_csv("tests/ref/regress/warpbreaks.csv")
  local f = regress.glm{ formula = "breaks ~ wool * tension + offset(log(expo))", data = wb, family = "poisson" }
  T.near(f.coef, R["wb.coef"], 1e-6); T.near(f.se, R["wb.se"], 1e-6)
  T.near({ f.deviance, f.null_deviance }, R["wb.dev"], 1e-6)
  T.near(f.aic, R["wb.aic"], 1e-6)
  T.eq(f.names[6], "woolB:tensionM")
  -- predictions for new rows use the same coding and the offset column
  local p = f:predict(wb:head(2))
  T.near(p, { f.fitted[1], f.fitted[2] }, 1e-10)
end)

T.test("a text response: binomial glm codes the first level 0 and the rest 1 (R); lm refuses it", function()
  local yt = { "no", "yes", "no", "yes", "yes", "no", "maybe", "yes", "no", "no" }
  local yn = {}
  for i, v in ipairs(yt) do yn[i] = v == "maybe" and 0 or 1 end
  -- levels in C order: maybe < no < yes, so "maybe" is the failure
  local x = { 1, 3, 2, 4, 2.5, 1.5, 0.5, 3.5, 2.2, 1.1 }
  local g = regress.glm{ formula = "y ~ x", data = data.frame{ y = yt, x = x }, family = "binomial" }
  local h = regress.glm{ y = yn, x = x, family = "binomial" }
  T.near(g.coef, h.coef, 1e-12); T.near(g.se, h.se, 1e-12)
  T.errors(function() regress.lm("y ~ x", data.frame{ y = yt, x = x }) end,
    "regress.lm: the response 'y' is text (a factor)")
  T.errors(function() regress.glm{ formula = "y ~ x", data = data.frame{ y = yt, x = x }, family = "poisson" } end,
    "regress.glm: the response 'y' is text (a factor)")
  T.errors(function() regress.ridge{ formula = "y ~ x", data = data.frame{ y = yt, x = x } } end,
    "regress.ridge: the response 'y' is text (a factor)")
end)
