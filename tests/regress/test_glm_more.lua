-- quasipoisson / quasibinomial, anova's test =, GLM predictions with se and
-- normal link-scale intervals, and every residual type of every family,
-- against R (tests/ref/regress/make_glm_more.R). IRLS results: 1e-6 relative.
local T = require "orrery.testing"
local regress = require "orrery.regress"
local data = require "orrery.data"
local R = T.ref("regress/glm_more.txt")
local TOL = 1e-6

local wb = data.read_csv("tests/ref/regress/warpbreaks.csv")
local mt = data.read_csv("tests/ref/regress/mtcars.csv")
local bud = data.read_csv("tests/ref/regress/budworm.csv")
local qd = data.read_csv("tests/ref/regress/quine.csv")

local function glm(formula, d, family, extra)
  local t = { formula = formula, data = d, family = family }
  for k, v in pairs(extra or {}) do t[k] = v end
  return regress.glm(t)
end

local function fitvals(tag, f)
  T.near(f.coef, R[tag .. ".coef"], TOL, tag .. " coef")
  T.near(f.se, R[tag .. ".se"], TOL, tag .. " se")
  T.near(f.p, R[tag .. ".p"], TOL, tag .. " p")
  T.near(f.dispersion, R[tag .. ".disp"], TOL, tag .. " dispersion")
  T.near({ f.deviance, f.null_deviance }, R[tag .. ".dev"], TOL, tag .. " deviances")
end

local function resid4(tag, f)
  for _, ty in ipairs{ "pearson", "deviance", "working", "response" } do
    T.near(f:residuals(ty), R[tag .. ".res." .. ty], TOL, tag .. " " .. ty .. " residuals")
  end
end

local function pred(tag, f, nd)
  local eta, e = f:predict(nd, { type = "link", interval = "confidence" })
  T.near(eta, R[tag .. ".pred.link"], TOL, tag .. " eta")
  T.near(e.se, R[tag .. ".pred.se"], TOL, tag .. " se(eta)")
  local mu, r = f:predict(nd, { interval = "confidence" })
  T.near(mu, R[tag .. ".pred.mu"], TOL, tag .. " mu")
  T.near(r.se, R[tag .. ".pred.muse"], TOL, tag .. " se(mu)")
  T.near(r.lwr, R[tag .. ".pred.lwr"], TOL, tag .. " lwr")
  T.near(r.upr, R[tag .. ".pred.upr"], TOL, tag .. " upr")
end

-- the rows idx of a frame (in their order, which is increasing here)
local function rows(d, idx)
  local want = {}
  for _, i in ipairs(idx) do want[i] = true end
  return d:subset(function(_, r) return want[r] == true end)
end

T.test("quasipoisson (warpbreaks): Poisson estimates, Pearson dispersion, t tests, no AIC", function()
  local f = glm("breaks ~ wool + tension", wb, "quasipoisson")
  fitvals("qp", f)
  resid4("qp", f)
  T.eq(f.test, "t")
  T.ok(f.aic ~= f.aic and f.loglik ~= f.loglik)
  local s = tostring(f)
  T.ok(s:find("Dispersion parameter for quasipoisson family taken to be", 1, true))
  T.ok(s:find("AIC: NA", 1, true))
  pred("qp", f, rows(wb, { 1, 20, 40 }))
end)

T.test("quasibinomial (budworm proportions with 20 trials)", function()
  local f = glm("prop ~ ldose + male", bud, "quasibinomial", { weights = "n" })
  fitvals("qb", f)
  resid4("qb", f)
  pred("qb", f, rows(bud, { 1, 6, 12 }))
end)

local function an(tag, a, hasF)
  local n = #a.res_df
  local dev, p, F = {}, {}, {}
  for i = 2, n do dev[#dev + 1] = a.ss[i]; p[#p + 1] = a.p[i]; F[#F + 1] = a.F[i] end
  T.near(dev, R[tag .. ".dev"], TOL, tag .. " deviance")
  T.near(p, R[tag .. ".p"], TOL, tag .. " p")
  if hasF then T.near(F, R[tag .. ".F"], TOL, tag .. " F") end
end

T.test("anova of GLMs: test = F, Chisq, LRT and R 4.4's defaults", function()
  local p1 = glm("breaks ~ wool", wb, "poisson")
  local p2 = glm("breaks ~ wool + tension", wb, "poisson")
  local p3 = glm("breaks ~ wool * tension", wb, "poisson")
  an("an.pois.chisq", regress.anova(p1, p2, p3), false)        -- default for poisson: LRT
  an("an.pois.chisq", regress.anova(p1, p2, p3, { test = "LRT" }), false)
  an("an.pois.F", regress.anova(p1, p2, p3, { test = "F" }), true)  -- infinite denominator df
  local q1 = glm("breaks ~ wool", wb, "quasipoisson")
  local q2 = glm("breaks ~ wool + tension", wb, "quasipoisson")
  local a = regress.anova(q1, q2)                                -- default for quasi: F
  T.eq(a.test, "F")
  an("an.qp.F", a, true)
  T.near(a.stat[2], a.F[2], 0)
  an("an.qp.chisq", regress.anova(q1, q2, { test = "Chisq" }), false)
  local g1 = glm("mpg ~ wt", mt, "gaussian")
  local g2 = glm("mpg ~ wt + hp + qsec", mt, "gaussian")
  an("an.gaus.F", regress.anova(g1, g2), true)
  local h1 = glm("mpg ~ wt", mt, "gamma")
  local h2 = glm("mpg ~ wt + hp + qsec", mt, "gamma")
  an("an.gam.F", regress.anova(h1, h2), true)
  local b1 = glm("prop ~ ldose", bud, "quasibinomial", { weights = "n" })
  local b2 = glm("prop ~ ldose + male", bud, "quasibinomial", { weights = "n" })
  an("an.qb.F", regress.anova(b1, b2), true)
  local l1 = regress.lm("mpg ~ wt", mt)
  local l2 = regress.lm("mpg ~ wt + hp + qsec", mt)
  an("an.lm.chisq", regress.anova(l1, l2, { test = "Chisq" }), false)
  an("an.lm.rev", regress.anova(l2, l1), true)
  local s = tostring(regress.anova(q1, q2))
  T.ok(s:find("Resid. Df Resid. Dev Df Deviance", 1, true) and s:find("Pr(>F)", 1, true))
end)

T.test("anova's test = is checked", function()
  local p1 = glm("breaks ~ wool", wb, "poisson")
  local p2 = glm("breaks ~ wool + tension", wb, "poisson")
  T.errors(function() regress.anova(p1, p2, { test = "Rao" }) end,
    "regress.anova: test must be \"F\", \"Chisq\" or \"LRT\", got 'Rao'")
  T.errors(function() regress.anova(p1, p2, { tset = "F" }) end, "regress.anova: unknown option 'tset'")
  local n1 = glm("Days ~ EthN", qd, "negbin")
  local n2 = glm("Days ~ EthN + SexM", qd, "negbin")
  T.errors(function() regress.anova(n1, n2, { test = "F" }) end, "regress.anova: negbin fits are compared")
  T.errors(function() regress.anova(p1, { test = "F" }) end, "regress.anova: give at least two nested fits")
end)

T.test("the four residual types for gaussian, Gamma, poisson, binomial and negbin", function()
  resid4("gaus", glm("mpg ~ wt + hp + qsec", mt, "gaussian"))
  resid4("gam", glm("mpg ~ wt + hp + qsec", mt, "gamma"))
  resid4("pois", glm("breaks ~ wool + tension", wb, "poisson"))
  resid4("bin", glm("prop ~ ldose + male", bud, "binomial", { weights = "n" }))
  resid4("nb", glm("Days ~ EthN + SexM + AgeF1 + AgeF2 + AgeF3 + LrnSL", qd, "negbin"))
end)

T.test("predictions with se and normal intervals: Gamma (estimated dispersion) and binomial", function()
  pred("gam", glm("mpg ~ wt + hp + qsec", mt, "gamma"), rows(mt, { 1, 15, 30 }))
  pred("bin", glm("prop ~ ldose + male", bud, "binomial", { weights = "n" }), rows(bud, { 2, 7 }))
end)

T.test("quasi families: links and bad input", function()
  T.errors(function() glm("breaks ~ wool", wb, "quasipoisson", { link = "logit" }) end,
    "regress.glm: link 'logit' is not available for the quasipoisson family")
  T.errors(function() glm("breaks ~ wool", wb, "quasi") end, "regress.glm: unknown family 'quasi'")
end)
