-- Cases a review added (tests/ref/regress/make_review.R): zero weights in lm
-- and glm, an offset with weights, weighted negbin and negbin with an offset,
-- binomial proportions through a formula with a text factor, anova of nested
-- Gamma glms.  Closed forms 1e-8 relative, IRLS 1e-6.
local T = require "orrery.testing"
local R = T.ref("regress/review.txt")
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

T.test("anova of nested Gamma glms: the larger model's dispersion scales the deviance", function()
  local d = data.read_csv("tests/ref/regress/mtcars.csv")
  local h1 = regress.glm{ formula = "mpg ~ wt", data = d, family = "gamma" }
  local h2 = regress.glm{ formula = "mpg ~ wt + hp + qsec", data = d, family = "gamma" }
  local a = regress.anova(h1, h2)
  T.near({ a.ss[2], a.p[2] }, R.gamanova, 1e-6)
end)

T.test("n = p + 1: leave-one-out has no residual df, so studentized residuals are NaN (R)", function()
  local f = regress.ols{ y = { 2, 1, 5 }, x = { 1, 2, 3.5 } }
  T.eq(f.df_residual, 1)
  local r = f:residuals("studentized")
  for i = 1, 3 do T.ok(r[i] ~= r[i], "rstudent " .. i .. " is NaN, got " .. tostring(r[i])) end
  -- the standardized ones still are defined
  r = f:residuals("standardized")
  for i = 1, 3 do T.ok(r[i] == r[i], "rstandard " .. i) end
end)

T.test("lm with offset() in the formula: fitted with the offset, R2 and F without (R >= 4.3 summary.lm)", function()
  local d = data.read_csv("tests/ref/regress/mtcars.csv")
  local f = regress.lm("mpg ~ wt + qsec + offset(hp / 10)", d)
  T.near(f.coef, R["lmoff.coef"], 1e-8); T.near(f.se, R["lmoff.se"], 1e-8)
  local s = R["lmoff.fit"]
  T.near({ f.sigma, f.r2, f.adj_r2, f.fstat.value, f.fstat.df1, f.fstat.df2, f.loglik, f.aic },
    { s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8] }, 1e-8)
  T.near(f.fitted, R["lmoff.fitted"], 1e-8); T.near(f:residuals(), R["lmoff.resid"], 1e-8, nil, 1e-12)
  T.near(f:predict(), R["lmoff.fitted"], 1e-8)
  local p, e = f:predict(d:head(3), { interval = "confidence" })
  local r = R["lmoff.pred"]
  for i = 1, 3 do
    T.near({ p[i], e.lwr[i], e.upr[i] }, { r[3 * i - 2], r[3 * i - 1], r[3 * i] }, 1e-8, "predict row " .. i)
  end
  local w = regress.lm("mpg ~ wt + offset(hp / 10)", d, { weights = "disp" })
  T.near(w.coef, R["lmoffw.coef"], 1e-8); T.near(w.se, R["lmoffw.se"], 1e-8); T.near(w.r2, R["lmoffw.r2"], 1e-8)
end)

T.test("iv, ivl, anchor, sketch refuse an offset() term instead of ignoring it", function()
  local d = data.read_csv("tests/ref/regress/mtcars.csv")
  T.errors(function() regress.iv{ formula = "mpg ~ wt + offset(hp) | qsec", data = d } end,
    "regress.iv: offset() terms are not supported")
  T.errors(function() regress.sketch{ formula = "mpg ~ wt + offset(hp)", data = d, m = 10, rng = rng.new(1) } end,
    "regress.sketch: offset() terms are not supported")
end)

T.test("epistemic of an lm with an offset refits each fold with the offset", function()
  local d = data.read_csv("tests/ref/regress/mtcars.csv")
  -- with the offset absorbed into the response the held-out losses are the same
  local f = regress.lm("mpg ~ wt + qsec + offset(hp / 10)", d)
  d:add("y0", d.mpg - d.hp * 0.1)
  local g = regress.lm("y0 ~ wt + qsec", d)
  local a, b = f:epistemic{ folds = 4 }, g:epistemic{ folds = 4 }
  T.near(a.epistemic, b.epistemic, 1e-10)
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

T.test("anova refuses glm fits of different families (deviances on different scales)", function()
  local q = data.read_csv("tests/ref/regress/quine.csv")
  local p = regress.glm{ formula = "Days ~ EthN", data = q, family = "poisson" }
  local nb = regress.glm{ formula = "Days ~ EthN + SexM", data = q, family = "negbin" }
  T.errors(function() regress.anova(p, nb) end, "regress.anova: cannot compare glm fits of different families (poisson, negbin)")
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
