-- offset() terms against R (tests/ref/regress/make_weights_offsets.R): lm fits
-- y - offset (R2 and F without it, as R >= 4.3), epistemic refits with it, and
-- the estimators that cannot take one say so. Closed forms 1e-8 relative.
local T = require "orrery.testing"
local R = T.ref("regress/weights_offsets.txt")

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
