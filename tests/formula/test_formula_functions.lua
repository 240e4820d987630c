-- R's round() on a grid, cbind(successes, failures) as a binomial response,
-- and the rules of the new formula functions (poly, scale, interaction, C,
-- %in%, pmin/pmax, as.numeric) that test_formula_r.lua's model.matrix
-- references do not reach: errors, missing values, coefficients kept for new
-- rows. References: tests/ref/formula/make_round.R (round.txt) and
-- make_functions.R (glm_cbind.txt, fun.csv).
local T = require "orrery.testing"
local formula = require "orrery.formula"
local data = require "orrery.data"
local regress = require "orrery.regress"
local stats = require "orrery.stats"

local NaN = 0 / 0

-- the same double, the sign of a zero included
local function same(a, b)
  return a == b and (a ~= 0 or 1 / a == 1 / b) or (a ~= a and b ~= b)
end

local function num(s)
  if s == "-0" then return -0.0 end   -- tonumber("-0") is the integer 0
  return tonumber(s) + 0.0
end

T.test("stats.round(x, digits), which formulas use, is R's on the grid of make_round.R, bit for bit", function()
  local xs, ds, rs = {}, {}, {}
  for l in io.lines(T.refdir .. "formula/round.txt") do
    local x, d, r = l:match("^(%S+) (%S+) (%S+)$")
    xs[#xs + 1], ds[#ds + 1], rs[#rs + 1] = num(x), num(d), num(r)
  end
  T.ok(#xs > 100000, "about 1e5 values")
  local bad, first = 0, nil
  for i = 1, #xs do
    if not same(stats.round(xs[i], ds[i]), rs[i]) then
      bad = bad + 1
      first = first or string.format("round(%.17g, %g) = %.17g, R %.17g", xs[i], ds[i],
        stats.round(xs[i], ds[i]), rs[i])
    end
  end
  T.eq(bad, 0, first or "every value")
  -- the same through a formula, over whole columns (digits a column too)
  local df = data.frame({x = xs, d = ds}, {names = {"x", "d"}})
  local mf = formula.model_frame("~ round(x, d)", df, {intercept = false})
  local got = mf.x
  bad = 0
  for i = 1, #xs do if not same(got[i], rs[i]) then bad = bad + 1 end end
  T.eq(bad, 0, "round(x, d) in a formula")
  -- the cases of the issue
  local want = {{0.15, 1, 0.1}, {2.45, 1, 2.5}, {2.55, 1, 2.5}, {3.45, 1, 3.5},
                {82.095, 2, 82.1}, {5.015, 2, 5.02}, {2.5, 0, 2}, {-2.5, 0, -2}, {250, -2, 200}}
  for _, w in ipairs(want) do T.eq(stats.round(w[1], w[2]), w[3], "round(" .. w[1] .. ", " .. w[2] .. ")") end
  T.ok(stats.round(NaN, 1) ~= stats.round(NaN, 1), "NaN stays NaN")
  T.eq(stats.round(math.huge, 2), math.huge)
end)

-- the frame of make_functions.R (text columns as codes and levels)
local load_frame = dofile("tests/formula/ref_frame.lua")
local function fun() return load_frame("fun") end

T.test("cbind(successes, failures): the n x 2 response a binomial glm needs (R's glm)", function()
  local ref = T.ref("formula/glm_cbind.txt")
  local mf = formula.model_frame("cbind(s, f) ~ x + g", fun())
  T.eq(mf.yname, "cbind(s, f)")
  T.eq(mf.y:cols(), 2)
  T.eq(mf.n, ref.n)
  -- glm's binomial with counts: proportions y1 / (y1 + y2) with weights y1 + y2
  local s, f = mf.y:col(1), mf.y:col(2)
  local w = s + f
  local p = s:hadamard(w:apply("recip"))
  local fit = regress.glm{y = p, x = mf.x, intercept = false, weights = w, family = "binomial"}
  -- both IRLS runs converge to the same point: coefficients to 1e-10
  T.near(fit.coef, ref.coef, 1e-10, "coefficients")
  T.near(fit.deviance, ref.deviance, 1e-9, "deviance")
end)

T.test("regress.glm takes cbind(successes, failures) as R's glm does", function()
  local ref = T.ref("formula/glm_cbind.txt")
  local fit = regress.glm{formula = "cbind(s, f) ~ x + g", data = fun(), family = "binomial"}
  -- IRLS to R's convergence: coefficients and SEs to 1e-8, deviances and AIC to 1e-9
  T.near(fit.coef, ref.coef, 1e-8, "coefficients")
  T.near(fit.se, ref.se, 1e-8, "standard errors")
  T.near(fit.deviance, ref.deviance, 1e-9, "deviance")
  T.near(fit.null_deviance, ref.null_deviance, 1e-9, "null deviance")
  T.near(fit.aic, ref.aic, 1e-9, "AIC")
  T.eq(fit.df_residual, ref.df_residual, "residual df")
  T.errors(function() regress.glm{formula = "cbind(s, f) ~ x", data = fun(), family = "poisson"} end,
    "regress.glm: a two-column response (cbind(successes, failures)) needs family = \"binomial\"")
end)

T.test("poly and scale keep their training coefficients for new rows", function()
  local df = fun()
  local mf = formula.model_frame("y ~ poly(x, 2) + scale(z)", df)
  local c = mf.info.coefs["poly(x, 2)"]
  T.eq(c.alpha:rows(), 2); T.eq(c.norm2:rows(), 4)
  T.eq(c.norm2[1], 1); T.eq(c.norm2[2], 40)   -- every row, the dropped ones too (as R)
  local s = mf.info.coefs["scale(z)"]
  T.ok(s.center == s.center and s.scale > 0, "centre and scale recorded")
  -- the fit's own rows through design(): the same matrix
  local d = formula.design(mf, df:subset(mf.keep))
  T.near(d.x, mf.x, 1e-13, "design on the training rows", 1e-15)
  -- new rows do not move the coefficients: one row gives that row of the fit
  local one = formula.design(mf, df:subset(function (_, r) return r == 1 end))
  T.near(one.x:row(1), mf.x:row(1), 1e-13, "a single row", 1e-15)
end)

T.test("poly, scale, interaction, C, %in%: missing values and errors", function()
  local df = fun()
  -- poly refuses missing values (R: "missing values are not allowed in 'poly'")
  T.errors(function() formula.model_frame("y ~ poly(z, 2)", df) end,
    "formula.model_frame: poly(): missing values are not allowed")
  T.errors(function() formula.model_frame("y ~ poly(as.numeric(h), 3)", df) end,
    "the degree (3) must be less than the number of distinct values")
  T.errors(function() formula.model_frame("y ~ poly(x, 0)", df) end, "degree must be a whole number >= 1")
  T.errors(function() formula.model_frame("y ~ poly(x, z)", df) end, "degree must be a whole number >= 1")
  T.errors(function() formula.model_frame("y ~ poly(2, 1)", df) end, "poly() needs a column, got '2'")
  T.errors(function() formula.model_frame("y ~ poly(g, 1)", df) end, "'g' is a factor; arithmetic needs numbers")
  T.errors(function() formula.model_frame("y ~ scale(x, center = x)", df) end, "scale(): center must be TRUE or FALSE")
  -- scale skips missing values (R's colMeans(na.rm = TRUE)); the row then drops
  local mf = formula.model_frame("y ~ scale(z)", df)
  T.eq(mf.n_dropped, 3)
  T.errors(function() formula.model_frame("y ~ C(g, poly)", df) end, "C(): unknown contrasts 'poly'")
  T.errors(function() formula.model_frame("y ~ I(x %in% z)", df) end, "%in% needs constants on its right")
  T.errors(function() formula.model_frame("y ~ c(x)", df) end, "c() gives the values after %in%")
  T.errors(function() formula.model_frame("y ~ I(x * poly(x, 2))", df) end, "is a matrix; arithmetic needs one column")
  -- %in% is never missing (R's match): a NaN matches nothing, the row stays
  local d2 = data.frame({y = {1, 2, 3, 4}, x = {1, NaN, 3, 4}}, {names = {"y", "x"}})
  mf = formula.model_frame("y ~ I(x %in% c(1, 4))", d2)
  T.eq(mf.n_dropped, 0)
  T.near(mf.x:col(2), {1, 0, 0, 1}, 0)
  T.eq(mf.names[2], "I(x %in% c(1, 4))TRUE")
  -- pmin/pmax propagate missing values (na.rm = FALSE)
  mf = formula.model_frame("y ~ pmin(x, 2)", d2)
  T.eq(mf.n_dropped, 1)
  T.near(mf.x:col(2), {1, 2, 2}, 0)
  -- as.numeric of a factor gives its codes; of a comparison 0/1
  local d3 = data.frame({y = {1, 2, 3}, g = {"b", "a", "c"}, x = {1, 5, 2}}, {names = {"y", "g", "x"}})
  mf = formula.model_frame("y ~ as.numeric(g) + as.numeric(x > 1.5)", d3)
  T.near(mf.x, {{1, 2, 0}, {1, 1, 1}, {1, 3, 1}}, 0)
  -- interaction of a factor and numbers: levels "b.1", the first fastest
  mf = formula.model_frame("y ~ interaction(g, x > 1.5) - 1", d3)
  T.eq(table.concat(mf.names, " "), "interaction(g, x > 1.5)b.FALSE "
    .. "interaction(g, x > 1.5)a.TRUE interaction(g, x > 1.5)c.TRUE")
  -- C() on new rows keeps the fit's contrasts
  mf = formula.model_frame("y ~ C(g, helmert)", d3)
  local nd = formula.design(mf, data.frame({g = {"c", "a"}}, {names = {"g"}}))
  T.near(nd.x, {{1, 0, 2}, {1, -1, -1}}, 0)
end)

T.test("model frames: keep is built on first use, rows gives the kept rows", function()
  local d = data.frame({y = {1, 2, NaN, 4}, x = {1, 2, 3, 4}}, {names = {"y", "x"}})
  local mf = formula.model_frame("y ~ x", d)
  T.eq(rawget(mf, "keep"), nil, "not built yet")
  T.eq(table.concat({tostring(mf.keep[1]), tostring(mf.keep[3]), #mf.keep}, " "), "true false 4")
  T.near(mf.rows, {1, 2, 4}, 0)
  T.eq(formula.model_frame("x ~ y", data.frame({y = {1, 2}, x = {3, 4}}, {names = {"y", "x"}})).rows, nil,
    "no row dropped: no rows")
end)
