-- regress.ols / lm against R's lm, sandwich and anova on mtcars and Boston
-- (tests/ref/regress/make_regress.R).  Closed forms: 1e-8 relative.
local T = require "orrery.testing"
local R = T.ref("regress/regress.txt")
local TOL = 1e-8

local cols = T.cols  -- columns of a T.csv table as one matrix

local mt = T.csv("regress/mtcars.csv")
local X = cols(mt, { "wt", "hp", "qsec" })

local function checklm(tag, f, what)
  T.near(f.coef, R[tag .. ".coef"], TOL, what .. " coef")
  T.near(f.se, R[tag .. ".se"], TOL, what .. " se")
  T.near(f.t, R[tag .. ".t"], TOL, what .. " t")
  T.near(f.p, R[tag .. ".p"], 1e-7, what .. " p")
  T.near(f.sigma, R[tag .. ".sigma"], TOL, what .. " sigma")
  T.near({ f.r2, f.adj_r2 }, R[tag .. ".r2"], TOL, what .. " r2")
  if R[tag .. ".fstat"] then
    local F = R[tag .. ".fstat"]
    T.near({ f.fstat.value, f.fstat.df1, f.fstat.df2 }, { F[1], F[2], F[3] }, TOL, what .. " F")
    T.near(f.fstat.p, F[4], 1e-7, what .. " F p")
  end
  T.near({ f.loglik, f.aic, f.bic }, R[tag .. ".loglik"], TOL, what .. " loglik/aic/bic")
  T.near(f.vcov, R[tag .. ".vcov"], TOL, what .. " vcov")
  T.near(f.fitted, R[tag .. ".fitted"], TOL, what .. " fitted")
  T.near(f.leverage, R[tag .. ".hat"], TOL, what .. " leverage")
  T.near(f:residuals("standardized"), R[tag .. ".rstandard"], TOL, what .. " rstandard")
  T.near(f:residuals("studentized"), R[tag .. ".rstudent"], TOL, what .. " rstudent")
end

T.test("mtcars lm: coef, se, t, p, R2, F, loglik, vcov, hat, rstandard, rstudent", function()
  local f = regress.ols{ y = mt.mpg, x = X, names = { "wt", "hp", "qsec" } }
  checklm("mt", f, "mtcars")
  T.eq(f.n, 32); T.eq(f.rank, 4); T.eq(f.df_residual, 28); T.eq(f.n_dropped, 0)
  T.eq(f.names[1], "(Intercept)"); T.eq(f.names[3], "hp")
end)

T.test("mtcars lm: HC0..HC3 and cluster (vcovHC, vcovCL default)", function()
  for _, ty in ipairs{ "HC0", "HC1", "HC2", "HC3" } do
    local f = regress.ols{ y = mt.mpg, x = X, se = ty }
    T.near(f.se, R["mt." .. ty], TOL, ty)
    T.near(f.coef, R["mt.coef"], TOL, ty .. " coef unchanged")
  end
  local f = regress.ols{ y = mt.mpg, x = X, cluster = mt.cyl }
  T.near(f.se, R["mt.cl"], TOL, "cluster")
  T.eq(f.clusters, 3)
  local fh = regress.ols{ y = mt.mpg, x = X, cluster = mt.cyl, se = "HC3" }
  T.near(fh.se, R["mt.cl"], TOL, "cluster overrides se")
  T.ok(tostring(f):find("cluster (3 clusters, HC1)", 1, true))
end)

T.test("mtcars weighted lm, with sandwich and clusters", function()
  local f = regress.ols{ y = mt.mpg, x = X, weights = mt.disp }
  checklm("mtw", f, "weighted")
  for _, ty in ipairs{ "HC0", "HC1", "HC2", "HC3" } do
    T.near(regress.ols{ y = mt.mpg, x = X, weights = mt.disp, se = ty }.se, R["mtw." .. ty], TOL, "weighted " .. ty)
  end
  T.near(regress.ols{ y = mt.mpg, x = X, weights = mt.disp, cluster = mt.gear }.se, R["mtw.cl"], TOL, "weighted cluster")
  T.ok(tostring(f):find("Weighted Residuals", 1, true))
end)

T.test("lm without intercept: R2 about zero, F on p df", function()
  local f = regress.ols{ y = mt.mpg, x = cols(mt, { "wt", "hp" }), intercept = false }
  checklm("mt0", f, "no intercept")
end)

T.test("Boston lm (13 regressors) with HC and cluster by rad", function()
  local b = T.csv("regress/boston.csv")
  local names = { "crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax", "ptratio", "black", "lstat" }
  local f = regress.ols{ y = b.medv, x = cols(b, names), names = names }
  checklm("bos", f, "Boston")
  for _, ty in ipairs{ "HC0", "HC1", "HC2", "HC3" } do
    T.near(regress.ols{ y = b.medv, x = cols(b, names), se = ty }.se, R["bos." .. ty], TOL, "Boston " .. ty)
  end
  T.near(regress.ols{ y = b.medv, x = cols(b, names), cluster = b.rad }.se, R["bos.cl"], TOL, "Boston cluster")
end)

T.test("collinear column: the later one aliased as R", function()
  local x4 = mt.wt + mt.hp * 2
  local f = regress.ols{ y = mt.mpg, x = cols(mt, { "wt", "hp" }):hcat(x4):hcat(mt.qsec),
    names = { "wt", "hp", "x4", "qsec" } }
  T.near(f.coef, R["mtal.coef"], TOL, "coef with NaN")
  T.eq(f.rank, 4); T.eq(#f.aliased, 1); T.eq(f.aliased[1], 4)
  T.ok(f.coef[4] ~= f.coef[4], "aliased coefficient is NaN")
  T.near({ f.se[1], f.se[2], f.se[3], f.se[5] }, R["mtal.se"], TOL, "se of the kept")
  T.near(f.sigma, R["mtal.sigma"], TOL)
  local s = tostring(f)
  T.ok(s:find("(1 not defined because of singularities)", 1, true), s)
  T.ok(s:find("x4%s+NA"), s)
  -- same answer with sandwich SEs and predictions ignore the aliased column
  local h = regress.ols{ y = mt.mpg, x = cols(mt, { "wt", "hp" }):hcat(x4):hcat(mt.qsec), se = "HC1" }
  T.ok(h.se[4] ~= h.se[4])
  -- a zero column is aliased too
  local z = regress.ols{ y = mt.mpg, x = mt.wt:hcat(mat.zeros(32, 1)) }
  T.eq(z.aliased[1], 3)
end)

T.test("missing values dropped and counted, or na = fail", function()
  local d = T.csv("regress/mtcars_na.csv")
  local x = cols(d, { "wt", "hp", "qsec" })
  local f = regress.ols{ y = d.mpg, x = x }
  T.near(f.coef, R["mtna.coef"], TOL); T.near(f.se, R["mtna.se"], TOL)
  T.eq(f.n, R["mtna.n"]); T.eq(f.n_dropped, 3)
  T.ok(tostring(f):find("(3 observations deleted due to missingness)", 1, true))
  T.errors(function() regress.ols{ y = d.mpg, x = x, na = "fail" } end,
    "regress.ols: 'x' has a missing value (NaN) at row 3")
  -- NaN in the weights or the cluster drops the row too
  local w = {}
  for i = 1, 32 do w[i] = 1 end
  w[5] = 0 / 0
  T.eq(regress.ols{ y = mt.mpg, x = X, weights = w }.n_dropped, 1)
  local cl = {}
  for i = 1, 32 do cl[i] = i % 4 end
  cl[7] = 0 / 0
  T.eq(regress.ols{ y = mt.mpg, x = X, cluster = cl }.n_dropped, 1)
end)

T.test("predict with confidence and prediction intervals; confint", function()
  local f = regress.ols{ y = mt.mpg, x = X }
  local nd = mat.from{ { 2.5, 100, 18 }, { 3.5, 200, 16 } }
  local p, e = f:predict(nd, { interval = "confidence" })
  T.near(p, R["mt.pred.fit"], TOL); T.near(e.se, R["mt.pred.se"], TOL)
  local c = R["mt.pred.conf"]
  T.near({ e.lwr[1], e.upr[1], e.lwr[2], e.upr[2] }, c, TOL, "confidence")
  local _, e2 = f:predict(nd, { interval = "prediction", level = 0.9 })
  c = R["mt.pred.pred90"]
  T.near({ e2.lwr[1], e2.upr[1], e2.lwr[2], e2.upr[2] }, c, TOL, "prediction")
  T.near(f:confint(), R["mt.confint"], TOL)
  T.near(f:confint(0.9), R["mt.confint90"], TOL)
  T.near(f:predict(), f.fitted, 1e-12)
  T.near(f:residuals("response") + f.fitted, mt.mpg, 1e-12)
end)

T.test("anova of nested lm fits: F tests as anova(f1, f2, f3)", function()
  local f1 = regress.ols{ y = mt.mpg, x = mt.wt }
  local f2 = regress.ols{ y = mt.mpg, x = cols(mt, { "wt", "hp" }) }
  local f3 = regress.ols{ y = mt.mpg, x = X }
  local a = regress.anova(f1, f2, f3)
  T.near({ a.F[2], a.F[3] }, R["mt.anova.F"], TOL)
  T.near({ a.p[2], a.p[3] }, R["mt.anova.p"], 1e-7)
  T.near({ a.ss[2], a.ss[3] }, R["mt.anova.ss"], TOL)
  T.near(a.rss, R["mt.anova.rss"], TOL)
  local s = tostring(a)
  T.ok(s:find("Analysis of Variance Table", 1, true) and s:find("Pr(>F)", 1, true), s)
end)

T.test("printout: R's layout, stars, R2 and F lines", function()
  local s = tostring(regress.ols{ y = mt.mpg, x = X, names = { "wt", "hp", "qsec" } })
  T.ok(s:find("Residual standard error: 2.578 on 28 degrees of freedom", 1, true), s)
  T.ok(s:find("Multiple R-squared:  0.8348", 1, true), s)
  T.ok(s:find("F-statistic: 47.15 on 3 and 28 DF", 1, true), s)
  T.ok(s:find("Signif. codes", 1, true))
  T.ok(s:find("wt%s+%-4%.35"), s)
  T.eq(regress.ols{ y = mt.mpg, x = X }:summary(), tostring(regress.ols{ y = mt.mpg, x = X }))
end)

T.test("large n: the blocked path and the pivoting path agree", function()
  -- a design with an exactly collinear column forces the pivoting path;
  -- the kept columns must give the blocked path's answer
  local n = 2000
  local r = {}
  local x = mat.zeros(n, 3)
  local y = {}
  for i = 1, n do
    local a, b = math.sin(i), math.cos(3 * i)
    x:set(i, 1, a); x:set(i, 2, b); x:set(i, 3, a - b)
    y[i] = 1 + 2 * a - b + 0.1 * math.sin(7 * i)
    r[i] = i
  end
  local f1 = regress.ols{ y = y, x = x:cols_of{ 1, 2 } }
  local f2 = regress.ols{ y = y, x = x }
  T.near({ f2.coef[1], f2.coef[2], f2.coef[3] }, f1.coef, 1e-12)
  T.near({ f2.se[1], f2.se[2], f2.se[3] }, f1.se, 1e-12)
  T.eq(f2.aliased[1], 4)
end)

T.test("the normal-equations and QR paths agree; each is used where it should be", function()
  -- well conditioned: the normal equations; a sandwich asks for the QR
  local f = regress.ols{ y = mt.mpg, x = X }
  local q = regress.ols{ y = mt.mpg, x = X, se = "HC0" }
  T.eq(f.solver, "normal"); T.eq(q.solver, "qr")
  T.near(f.coef, q.coef, 1e-11, "coef by both paths")
  T.near(f.unscaled, q.unscaled, 1e-10, "(X'X)^-1 by both paths")
  T.near(f.fitted, q.fitted, 1e-12)
  -- ill conditioned (x and x + tiny noise): the QR, as R
  local x2 = mt.wt + mt.qsec * 1e-7
  local g = regress.ols{ y = mt.mpg, x = mt.wt:hcat(x2) }
  T.eq(g.solver, "qr")
  -- weights and dropped rows go through the copied design, still checked
  local d = T.csv("regress/mtcars_na.csv")
  local h = regress.ols{ y = d.mpg, x = cols(d, { "wt", "hp", "qsec" }) }
  T.eq(h.solver, "normal")
  T.near(h.coef, R["mtna.coef"], TOL)
end)

T.test("many leading missing rows: the kept rows are exactly the complete ones", function()
  local y, y2, x2 = {}, {}, {}
  for i = 1, 32 do y[i] = i <= 20 and 0 / 0 or mt.mpg[i] end
  for i = 21, 32 do y2[#y2 + 1] = mt.mpg[i]; x2[#x2 + 1] = mt.wt[i] end
  local f = regress.ols{ y = y, x = mt.wt }
  local g = regress.ols{ y = y2, x = x2 }
  T.eq(f.n, 12); T.eq(f.n_dropped, 20)
  T.near(f.coef, g.coef, 1e-12); T.near(f.se, g.se, 1e-12)
end)
