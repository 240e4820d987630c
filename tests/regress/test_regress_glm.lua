-- regress.glm against R's glm, MASS::glm.nb, sandwich and anova
-- (tests/ref/regress/make_regress.R).  IRLS results: 1e-6 relative (in
-- practice they agree far closer, since the iterations are R's).
local T = require "orrery.testing"
local R = T.ref("regress/regress.txt")
local TOL = 1e-6

local function design(d, skip)
  local x
  for _, nm in ipairs(d.names) do
    if nm ~= skip then x = x and x:hcat(d[nm]) or d[nm] end
  end
  return x
end

local function checkglm(tag, f, what, opts)
  opts = opts or {}
  T.near(f.coef, R[tag .. ".coef"], TOL, what .. " coef")
  T.near(f.se, R[tag .. ".se"], TOL, what .. " se")
  T.near(f.t, R[tag .. ".z"], TOL, what .. " z")
  T.near(f.p, R[tag .. ".p"], 1e-5, what .. " p")
  local dv = R[tag .. ".dev"]
  T.near({ f.deviance, f.null_deviance }, { dv[1], dv[2] }, TOL, what .. " deviances")
  T.eq(f.df_residual, dv[3]); T.eq(f.df_null, dv[4])
  local a = R[tag .. ".aic"]
  T.near({ f.aic, f.loglik, f.bic }, a, TOL, what .. " aic/loglik/bic")
  T.near(f.dispersion, R[tag .. ".disp"], TOL, what .. " dispersion")
  if not opts.noiter then T.eq(f.iterations, R[tag .. ".iter"], what .. " iterations") end
  T.ok(f.converged, what .. " converged")
  T.near(f.fitted, R[tag .. ".fitted"], TOL, what .. " fitted")
  T.near(f:residuals(), R[tag .. ".rdev"], TOL, what .. " deviance residuals", 1e-12)
  T.near(f:residuals("pearson"), R[tag .. ".rpearson"], TOL, what .. " pearson", 1e-12)
  T.near(f:residuals("working"), R[tag .. ".rworking"], TOL, what .. " working", 1e-12)
  T.near(f.leverage, R[tag .. ".hat"], TOL, what .. " hat")
  if opts.t then  -- sandwich::vcovHC on the same fit
    for _, ty in ipairs{ "HC0", "HC3" } do
      local o = { se = ty }
      for k, v in pairs(opts.t) do o[k] = v end
      T.near(regress.glm(o).se, R[tag .. "." .. ty], TOL, what .. " " .. ty)
    end
  end
end

T.test("birthwt logistic: glm(low ~ ., binomial)", function()
  local d = T.csv("regress/birthwt.csv")
  local x = design(d, "low")
  local f = regress.glm{ y = d.low, x = x, family = "binomial" }
  checkglm("bw", f, "logit")
  T.eq(f.link, "logit"); T.eq(f.test, "z")
  for _, ty in ipairs{ "HC0", "HC3" } do
    T.near(regress.glm{ y = d.low, x = x, family = "binomial", se = ty }.se, R["bw." .. ty], TOL, ty)
  end
  T.near(regress.glm{ y = d.low, x = x, family = "binomial", se = "HC1" }.se, R["bw.hc1"], TOL, "HC1")
  T.near(regress.glm{ y = d.low, x = x, family = "binomial", cluster = d.ftv }.se, R["bw.cl"], TOL, "cluster")
  T.near(f:confint(), R["bw.confint"], TOL, "Wald confint")
  local first3 = mat.zeros(3, x:cols())
  for i = 1, 3 do for j = 1, x:cols() do first3:set(i, j, x:get(i, j)) end end
  local p, e = f:predict(first3, { type = "link" })
  T.near(p, R["bw.pred.link"], TOL); T.near(e.se, R["bw.pred.linkse"], TOL)
  p, e = f:predict(first3)
  T.near(p, R["bw.pred.resp"], TOL); T.near(e.se, R["bw.pred.respse"], TOL)
  local _, ci = f:predict(first3, { interval = "confidence" })
  T.ok(ci.lwr[1] < p[1] and p[1] < ci.upr[1] and ci.upr[1] < 1)
  local s = tostring(f)
  T.ok(s:find("Dispersion parameter for binomial family taken to be 1", 1, true), s)
  T.ok(s:find(string.format("AIC: %.2f", R["bw.aic"][1]), 1, true), s)
  T.ok(s:find("Number of Fisher Scoring iterations: 4", 1, true), s)
end)

T.test("birthwt probit and cloglog links", function()
  local d = T.csv("regress/birthwt.csv")
  local x = design(d, "low")
  checkglm("bwp", regress.glm{ y = d.low, x = x, family = "binomial", link = "probit" }, "probit")
  checkglm("bwc", regress.glm{ y = d.low, x = x, family = "binomial", link = "cloglog" }, "cloglog")
end)

T.test("anova of nested logistic fits: deviance tests (test = Chisq)", function()
  local d = T.csv("regress/birthwt.csv")
  local f0 = regress.glm{ y = d.low, x = d.age:hcat(d.lwt), family = "binomial" }
  local f1 = regress.glm{ y = d.low, x = d.age:hcat(d.lwt):hcat(d.smoke):hcat(d.ht), family = "binomial" }
  local f2 = regress.glm{ y = d.low, x = design(d, "low"), family = "binomial" }
  local a = regress.anova(f0, f1, f2)
  T.near({ a.ss[2], a.ss[3] }, R["bw.anova.dev"], TOL)
  T.near({ a.p[2], a.p[3] }, R["bw.anova.p"], 1e-5)
  T.ok(tostring(a):find("Analysis of Deviance Table", 1, true))
end)

T.test("budworm: binomial proportions with weights = trials", function()
  local d = T.csv("regress/budworm.csv")
  local f = regress.glm{ y = d.prop, x = d.male:hcat(d.ldose), weights = d.n, family = "binomial" }
  checkglm("bud", f, "budworm", { t = { y = d.prop, x = d.male:hcat(d.ldose), weights = d.n, family = "binomial" } })
end)

T.test("quine: negative binomial as MASS::glm.nb", function()
  local d = T.csv("regress/quine.csv")
  local f = regress.glm{ y = d.Days, x = design(d, "Days"), family = "negbin" }
  checkglm("nb", f, "negbin", { noiter = true, t = { y = d.Days, x = design(d, "Days"), family = "negbin" } })
  local th = R["nb.theta"]
  T.near({ f.theta, f.se_theta, f.twologlik }, th, TOL, "theta, SE, 2 loglik")
  local s = tostring(f)
  T.ok(s:find("Theta:", 1, true) and s:find("Negative Binomial(1.27", 1, true), s)
  local f0 = regress.glm{ y = d.Days, x = d.EthN:hcat(d.SexM), family = "negbin" }
  T.near({ f0.theta, f0.twologlik }, R["nb0.theta"], TOL, "smaller model")
  local a = regress.anova(f0, f)
  T.near({ a.ss[2], a.p[2] }, R["nb.anova"], TOL, "anova.negbin LR")
end)

T.test("poisson: InsectSprays, and Insurance with an offset", function()
  local d = T.csv("regress/insects.csv")
  checkglm("ins", regress.glm{ y = d.count, x = design(d, "count"), family = "poisson" }, "InsectSprays",
    { t = { y = d.count, x = design(d, "count"), family = "poisson" } })
  local u = T.csv("regress/insurance.csv")
  local x
  for _, nm in ipairs(u.names) do
    if nm ~= "Claims" and nm ~= "lholders" then x = x and x:hcat(u[nm]) or u[nm] end
  end
  local f = regress.glm{ y = u.Claims, x = x, offset = u.lholders, family = "poisson" }
  checkglm("insu", f, "Insurance with offset", { t = { y = u.Claims, x = x, offset = u.lholders, family = "poisson" } })
end)

T.test("Gamma: clotting (inverse link) and mtcars (log link); gaussian glm", function()
  local c = T.csv("regress/clotting.csv")
  checkglm("gam", regress.glm{ y = c.lot1, x = c.lu, family = "Gamma" }, "Gamma inverse",
    { t = { y = c.lot1, x = c.lu, family = "Gamma" } })
  local mt = T.csv("regress/mtcars.csv")
  local f = regress.glm{ y = mt.mpg, x = mt.wt:hcat(mt.hp), family = "gamma", link = "log" }
  checkglm("gaml", f, "Gamma log", { t = { y = mt.mpg, x = mt.wt:hcat(mt.hp), family = "gamma", link = "log" } })
  T.eq(f.test, "t")
  checkglm("gau", regress.glm{ y = mt.mpg, x = mt.wt:hcat(mt.hp):hcat(mt.qsec) }, "gaussian",
    { t = { y = mt.mpg, x = mt.wt:hcat(mt.hp):hcat(mt.qsec) } })
end)

T.test("separation and non-convergence are reported", function()
  local y, x = {}, {}
  for i = 1, 20 do x[i] = i; y[i] = i > 10 and 1 or 0 end
  local f = regress.glm{ y = y, x = x, family = "binomial" }
  T.ok(f.separation)
  local s = tostring(f)
  T.ok(s:find("fitted probabilities numerically 0 or 1 occurred", 1, true), s)
  local g = regress.glm{ y = y, x = x, family = "binomial", maxit = 2 }
  T.eq(g.converged, false)
  T.ok(g.reason:find("did not converge", 1, true))
  T.ok(tostring(g):find("algorithm did not converge", 1, true))
end)

T.test("aliased column in a glm: IRLS through the pivoting QR, NaN as R's NA", function()
  local d = T.csv("regress/birthwt.csv")
  local al = d.age + d.lwt
  local f = regress.glm{ y = d.low, x = d.age:hcat(d.lwt):hcat(al):hcat(d.smoke), family = "binomial" }
  T.eq(f.solver, "qr"); T.eq(f.aliased[1], 4); T.eq(f.rank, 4)
  T.near(f.coef, R["bwal.coef"], TOL)
  T.near({ f.se[1], f.se[2], f.se[3], f.se[5] }, R["bwal.se"], TOL)
  T.near({ f.deviance, f.aic }, R["bwal.dev"], TOL)
  T.ok(tostring(f):find("(1 not defined because of singularities)", 1, true))
  -- the well-conditioned fits above went through the normal equations
  T.eq(regress.glm{ y = d.low, x = d.age:hcat(d.lwt), family = "binomial" }.solver, "normal")
end)

T.test("glm drops rows with missing values and counts them (matrices and formula)", function()
  local d = T.csv("regress/mtcars_na.csv")
  local f = regress.glm{ y = d.mpg, x = d.wt:hcat(d.hp):hcat(d.qsec), family = "gamma", link = "log" }
  T.near(f.coef, R["gna.coef"], TOL); T.near(f.se, R["gna.se"], TOL)
  local g = R["gna.dev"]
  T.near({ f.deviance, f.null_deviance, f.aic }, { g[1], g[2], g[3] }, TOL)
  T.eq(f.n, g[4]); T.eq(f.n_dropped, 3)
  T.ok(tostring(f):find("(3 observations deleted due to missingness)", 1, true))
  local df = data.read_csv("tests/ref/regress/mtcars_na.csv")
  local h = regress.glm{ formula = "mpg ~ wt + hp + qsec", data = df, family = "gamma", link = "log" }
  T.near(h.coef, R["gna.coef"], TOL); T.eq(h.n_dropped, 3)
  T.errors(function() regress.glm{ y = d.mpg, x = d.wt, family = "gamma", na = "fail" } end,
    "regress.glm: 'x' has a missing value (NaN) at row 3")
end)
