-- Prior weights in lm and glm against R (tests/ref/regress/make_weights_offsets.R):
-- zero weights (rows that count nowhere), weights with an offset, weighted
-- negbin, binomial proportions with weights = trials through a formula, and
-- a 0/1 response with non-integer weights. Closed forms 1e-8 relative, IRLS 1e-6.
local T = require "orrery.testing"
local R = T.ref("regress/weights_offsets.txt")
local mt = T.csv("regress/mtcars.csv")

local function glmcheck(tag, g, what)
  T.near(g.coef, R[tag .. ".coef"], 1e-6, what .. " coef")
  T.near(g.se, R[tag .. ".se"], 1e-6, what .. " se")
  local d = R[tag .. ".dev"]
  T.near({ g.deviance, g.null_deviance, g.aic }, { d[1], d[2], d[3] }, 1e-6, what .. " deviance, null, AIC")
  T.eq(g.df_residual, d[4], what .. " df residual"); T.eq(g.df_null, d[5], what .. " df null")
end

T.test("lm with zero weights: those rows count nowhere (lm's n, df, R2, F, logLik)", function()
  local X = mt.wt:hcat(mt.hp)
  local f = regress.ols{ y = mt.mpg, x = X, weights = R.w0 }
  T.near(f.coef, R["lm0.coef"], 1e-8); T.near(f.se, R["lm0.se"], 1e-8)
  local s = R["lm0.fit"]
  T.near({ f.sigma, f.r2, f.adj_r2, f.fstat.value, f.fstat.df1, f.fstat.df2 },
    { s[1], s[2], s[3], s[4], s[5], s[6] }, 1e-8)
  T.eq(f.df_residual, s[7]); T.eq(f.n, s[8]); T.eq(f.n_dropped, 0)
  T.near({ f.loglik, f.aic, f.bic }, R["lm0.loglik"], 1e-8)
  -- R's hatvalues and rstandard leave the zero-weight rows out
  local keep, h, rs, rt = {}, f.leverage, f:residuals("standardized"), f:residuals("studentized")
  local hk, rsk, rtk = {}, {}, {}
  for i = 1, 32 do
    if R.w0[i] > 0 then keep[#keep + 1] = i; hk[#hk + 1] = h[i]; rsk[#rsk + 1] = rs[i]; rtk[#rtk + 1] = rt[i] end
  end
  T.near(hk, R["lm0.hat"], 1e-8); T.near(rsk, R["lm0.rstandard"], 1e-8); T.near(rtk, R["lm0.rstudent"], 1e-8)
  -- sandwich SEs equal those of the fit without the zero-weight rows
  T.near(regress.ols{ y = mt.mpg, x = X, weights = R.w0, se = "HC0" }.se, R["lm0.HC0"], 1e-8, "HC0")
  T.near(regress.ols{ y = mt.mpg, x = X, weights = R.w0, se = "HC3" }.se, R["lm0.HC3"], 1e-8, "HC3")
  T.near(regress.ols{ y = mt.mpg, x = X, weights = R.w0, cluster = mt.cyl }.se, R["lm0.cl"], 1e-8, "cluster")
  local p, e = f:predict(mat.from{ { 3, 150 } }, { interval = "prediction" })
  local r = R["lm0.pred"]
  T.near({ p[1], e.lwr[1], e.upr[1] }, r, 1e-8, "prediction interval, new row of weight 1")
end)

T.test("glm with zero weights: poisson, Gamma (dispersion without them), binomial", function()
  local X = mt.wt:hcat(mt.hp)
  local w = {}
  for i = 1, 32 do w[i] = R.w0[i] / 100 end
  glmcheck("pois0", regress.glm{ y = mt.carb, x = X, family = "poisson", weights = w }, "poisson")
  local g = regress.glm{ y = mt.mpg, x = X, family = "gamma", link = "log", weights = w }
  glmcheck("gam0", g, "Gamma"); T.near(g.dispersion, R["gam0.disp"], 1e-6, "Gamma dispersion")
  local b = {}
  for i = 1, 32 do b[i] = R.w0[i] > 0 and 1 or 0 end
  glmcheck("bin0", regress.glm{ y = mt.am, x = mt.wt, family = "binomial", weights = b }, "binomial")
end)

T.test("poisson with an offset and weights (Insurance)", function()
  local u = T.csv("regress/insurance.csv")
  local x
  for _, nm in ipairs(u.names) do
    if nm ~= "Claims" and nm ~= "lholders" then x = x and x:hcat(u[nm]) or u[nm] end
  end
  glmcheck("poiow", regress.glm{ y = u.Claims, x = x, offset = u.lholders, weights = R.wu, family = "poisson" },
    "offset + weights")
end)

T.test("negbin: weights, and an offset in the formula (MASS::glm.nb)", function()
  local q = data.read_csv("tests/ref/regress/quine.csv")
  local g = regress.glm{ formula = "Days ~ .", data = q, family = "negbin", weights = R.wq }
  glmcheck("nbw", g, "weighted negbin")
  T.near({ g.theta, g.se_theta, g.twologlik }, R["nbw.theta"], 1e-6, "weighted theta")
  local h = regress.glm{ formula = "Days ~ EthN + SexM + offset(log(AgeF1 + 2))", data = q, family = "negbin" }
  glmcheck("nboff", h, "negbin offset")
  T.near({ h.theta, h.se_theta, h.twologlik }, R["nboff.theta"], 1e-6, "theta with offset")
end)

T.test("binomial proportions through a formula: weights by column name, text factor, anova, predict", function()
  local b = data.read_csv("tests/ref/regress/budworm_sex.csv")
  local g1 = regress.glm{ formula = "prop ~ sex + ldose", data = b, family = "binomial", weights = "n" }
  local g2 = regress.glm{ formula = "prop ~ sex * ldose", data = b, family = "binomial", weights = "n" }
  glmcheck("budf", g1, "budworm formula")
  T.eq(g1.names[2], "sexM")
  local a = regress.anova(g1, g2)
  T.near({ a.ss[2], a.p[2] }, R["budf.anova"], 1e-6)
  local p, e = g1:predict(data.frame{ sex = { "M" }, ldose = { 3 } })
  T.near({ p[1], e.se[1] }, R["budf.pred"], 1e-6)
end)

T.test("binomial: a 0/1 response with non-integer weights is fitted with R's warning; fractional y without trials is not", function()
  local w = {}
  for i = 1, 32 do w[i] = mt.disp[i] / 100 end
  local g = regress.glm{ y = mt.am, x = mt.wt, family = "binomial", weights = w }
  glmcheck("binfw", g, "0/1 with fractional weights")
  T.ok(tostring(g):find("non-integer #successes in a binomial glm", 1, true))
  T.errors(function() regress.glm{ y = { 0, 0.5, 1, 0, 1, 1 }, x = { 1, 2, 3, 4, 5, 6 }, family = "binomial" } end,
    "regress.glm: binomial y must be 0/1 (or a proportion with weights = trials): row 2 has 0.5")
  local h = regress.glm{ y = mt.am, x = mt.wt, family = "binomial" }
  for _, s in ipairs(h.warnings) do T.ok(not s:find("non-integer", 1, true)) end
end)
