-- stats reductions, correlations, partial correlations, cor_test and
-- control variates against R (tests/ref/stats/make_desc.R) on mtcars and
-- airquality. Tolerance 1e-12 relative unless stated.
local T = require "orrery.testing"

local R = T.ref("stats/desc.txt")
local mt = T.csv("stats/mtcars.csv")
local aq = T.csv("stats/airquality.csv")

local cols = T.cols  -- columns of a T.csv table as one matrix
local six = { "mpg", "disp", "hp", "drat", "wt", "qsec" }
local X = cols(mt, six)
local TOL = 1e-12

T.test("mean, var, sd, median, quantile (type 7) on mtcars", function()
  T.near(stats.mean(mt.mpg), R.mean_mpg, TOL)
  T.near(stats.var(mt.mpg), R.var_mpg, TOL)
  T.near(stats.sd(mt.mpg), R.sd_mpg, TOL)
  T.near(stats.median(mt.mpg), R.median_mpg, TOL)
  T.near(stats.median(mt.hp), R.median_hp, TOL)
  local v = mt.mpg:totable(); table.remove(v, 1)
  T.near(stats.median(v), R.median_odd, TOL)      -- odd length, a Lua array
  T.near(stats.quantile(mt.mpg, { 0, 0.1, 0.25, 1 / 3, 0.5, 0.9, 0.99, 1 }), R.quantile_mpg, TOL)
  T.near(stats.quantile(mt.hp, 0.37), R["quantile_hp_0.37"], TOL)
  T.eq(type(stats.quantile(mt.hp, 0.37)), "number")
  T.eq(stats.mean(5), 5)
end)

T.test("cov and cor (pearson, spearman, kendall) on mtcars", function()
  T.near(stats.cov(X), R.cov, TOL)
  T.near(stats.cor(X), R.cor_pearson, TOL)
  T.near(stats.cor(X, "pearson"), R.cor_pearson, TOL)
  T.near(stats.cor(X, "spearman"), R.cor_spearman, TOL)
  T.near(stats.cor(X, "kendall"), R.cor_kendall, TOL)
  T.near(stats.cov(mt.mpg, mt.wt), R.cov_mpg_wt, TOL)
  T.near(stats.cor(mt.mpg, mt.wt, "kendall"), R.cor_mpg_wt_kendall, TOL)
  T.eq(type(stats.cor(mt.mpg, mt.wt)), "number")
end)

T.test("pcor, clr and pcor_clr on mtcars", function()
  T.near(stats.pcor(X), R.pcor, TOL)
  local C = stats.clr(X)
  T.near(C:row(1), R.clr_row1, TOL, nil, 1e-15)
  T.near(C:row(32), R.clr_row32, TOL, nil, 1e-15)
  -- the pseudo-inverse goes through an eigen-decomposition (R: ginv's SVD): 1e-10
  T.near(stats.pcor_clr(X), R.pcor_clr, 1e-10)
end)

T.test("missing values: na_rm drops them (complete rows), else an error", function()
  T.near(stats.mean(aq.Ozone, { na_rm = true }), R.aq_mean_ozone_narm, TOL)
  T.near(stats.var(aq.Ozone, { na_rm = true }), R.aq_var_ozone_narm, TOL)
  T.near(stats.median(aq.Ozone, { na_rm = true }), R.aq_median_ozone_narm, TOL)
  T.near(stats.quantile(aq.Ozone, { 0.1, 0.5, 0.9 }, { na_rm = true }), R.aq_quantile_ozone_narm, TOL)
  local A = cols(aq, { "Ozone", "Solar.R", "Wind", "Temp" })
  T.near(stats.cor(A, { na_rm = true }), R.aq_cor_complete, TOL)
  T.near(stats.cor(A, "spearman", { na_rm = true }), R.aq_cor_spearman_complete, TOL)
  T.near(stats.cor(A, "kendall", { na_rm = true }), R.aq_cor_kendall_complete, TOL)
  T.near(stats.cov(A, { na_rm = true }), R.aq_cov_complete, TOL)
  T.near(stats.cor(aq.Ozone, aq.Temp, { na_rm = true }), R.aq_cor_ozone_temp, TOL)
  T.errors(function() return stats.mean(aq.Ozone) end,
    "stats.mean: 'x' has a missing value (NaN) at element 5; use {na_rm = true}")
  T.errors(function() return stats.sd(aq.Ozone) end, "stats.sd: 'x' has a missing value")
  T.errors(function() return stats.median(aq.Ozone) end, "stats.median: 'x' has a missing value")
  T.errors(function() return stats.quantile(aq.Ozone, 0.5) end, "stats.quantile: 'x' has a missing value")
  T.errors(function() return stats.cor(A) end, "stats.cor: 'X' has a missing value (NaN) at row 5, column 1")
  T.errors(function() return stats.cov(A) end, "stats.cov: 'X' has a missing value")
  T.errors(function() return stats.cor(aq.Ozone, aq.Temp) end, "stats.cor: 'x and y' has a missing value")
  T.errors(function() return stats.pcor(A) end, "stats.pcor: 'X' has a missing value")
  T.errors(function() return stats.cor_test(aq.Ozone, aq.Temp) end, "stats.cor_test: 'x and y' has a missing value")
end)

T.test("cor_test as R's cor.test(exact = FALSE)", function()
  for _, m in ipairs({ "pearson", "spearman", "kendall" }) do
    local r = stats.cor_test(mt.mpg, mt.wt, m)
    T.near({ r.estimate, r.statistic, r.p }, R["cortest_" .. m], 1e-11, m)
    T.eq(r.method, m); T.eq(r.n, 32)
    r = stats.cor_test(mt.hp, mt.qsec, m)
    T.near({ r.estimate, r.statistic, r.p }, R["cortest2_" .. m], 1e-11, m .. " 2")
  end
  local r = stats.cor_test(mt.mpg, mt.wt)
  T.near(r.conf_int, R.cortest_pearson_ci, TOL); T.eq(r.df, math.tointeger(R.cortest_pearson_df))
  T.near(stats.cor_test(mt.mpg, mt.wt, { conf_level = 0.9 }).conf_int, R.cortest_pearson_ci90, TOL)
  r = stats.cor_test(aq.Ozone, aq["Solar.R"], "kendall", { na_rm = true })
  T.near({ r.estimate, r.statistic, r.p }, R.cortest_aq_kendall, 1e-11)
  T.eq(r.n, 111)
end)

T.test("control_variate matches lm(y ~ I(h - mean_h)) and its stratified combination", function()
  local cv = stats.control_variate{ y = mt.mpg, h = mt.wt:hcat(mt.hp), mean_h = { 3, 150 } }
  T.near(cv.estimate, R.cv_estimate, TOL)
  T.near(cv.se, R.cv_se, 1e-11)
  T.near(cv.r2, R.cv_r2, TOL)
  T.near(cv.beta, R.cv_beta, 1e-11)
  T.eq(cv.n, 32)
  cv = stats.control_variate{ y = mt.mpg, h = mt.wt, mean_h = 3.2 }
  T.near({ cv.estimate, cv.se, cv.r2, cv.beta[1] }, R.cv1, 1e-11)
  cv = stats.control_variate{ y = mt.mpg, h = mt.wt, mean_h = 3, strata = mt.cyl }
  T.near({ cv.estimate, cv.se, cv.r2 }, R.cvs, 1e-11)
  T.near(cv.strata.estimate, R.cvs_estimates, 1e-11)
  T.near(cv.strata.se, R.cvs_ses, 1e-11)
  T.near(cv.beta, R.cvs_betas, 1e-11)                 -- one column per stratum
  T.near(cv.strata.level, { 4, 6, 8 }, 0); T.near(cv.strata.n, { 11, 7, 14 }, 0)
  cv = stats.control_variate{ y = mt.mpg, h = mt.wt, mean_h = { 2.3, 3.1, 4.0 }, strata = mt.cyl }
  T.near({ cv.estimate, cv.se }, R.cvs_mus, 1e-11)
  -- two controls, a row of known means per stratum
  cv = stats.control_variate{ y = mt.mpg, h = mt.wt:hcat(mt.hp),
    mean_h = { { 2.3, 85 }, { 3.1, 120 }, { 4.0, 210 } }, strata = mt.cyl }
  T.near({ cv.estimate, cv.se, cv.r2 }, R.cvs2, 1e-11)
  T.eq(cv.beta:rows(), 2); T.eq(cv.beta:cols(), 3)
  T.near(cv.beta:t(), R.cvs2_betas, 1e-10)   -- rows of the transpose: one stratum each
end)

T.test("bad input: types, shapes, options, degenerate data", function()
  T.errors(function() return stats.mean("a") end, "stats.mean: 'x' must be a matrix or an array of numbers, got string")
  T.errors(function() return stats.mean({}) end, "stats.mean: no values")
  T.errors(function() return stats.var({ 1 }) end, "stats.var: needs at least 2 values, got 1")
  T.errors(function() return stats.var(X) end, "stats.var: 'x' is a 32 x 6 matrix: use stats.cov")
  T.near(stats.sd(X:col(1)), R.sd_mpg, TOL)
  T.errors(function() return stats.mean({ 1, math.huge }) end, "stats.mean: 'x' has an infinite value at element 2")
  T.errors(function() return stats.mean({ 1, 2 }, { narm = true }) end, "stats.mean: unknown option 'narm'")
  T.errors(function() return stats.mean({ 1, 2 }, { na_rm = 1 }) end, "option 'na_rm' must be a boolean")
  T.errors(function() return stats.mean({ 1, 2 }, 3) end, "stats.mean: expected an options table as argument 2, got number")
  T.errors(function() return stats.quantile({ 1, 2 }) end, "stats.quantile: missing argument 'p'")
  -- infinite values are allowed in order statistics, but not between -Inf and Inf
  T.eq(stats.quantile({ 1, math.huge }, 1), math.huge)
  T.eq(stats.median({ -math.huge, 1, 2 }), 1)
  T.eq(stats.median({ 1e308, 1.5e308 }), 1.25e308)
  T.errors(function() return stats.quantile({ -math.huge, math.huge }, 0.5) end,
    "stats.quantile: the quantile at p = 0.5 lies between -Inf and Inf")
  T.errors(function() return stats.median({ -math.huge, math.huge }) end, "stats.median: the median lies between -Inf and Inf")
  T.errors(function() return stats.quantile({ 1, 2 }, 1.5) end, "stats.quantile: p must be in [0, 1] (got 1.5")
  T.errors(function() return stats.quantile({ 1, 2 }, { 0.5, 0 / 0 }) end, "stats.quantile: p must be in [0, 1]")
  T.errors(function() return stats.quantile({ 1, 2 }, mat.ones(2, 2)) end, "stats.quantile: 'p' must be a vector")
  T.errors(function() return stats.cor(X, "kendal") end, "stats.cor: unknown method 'kendal'")
  T.errors(function() return stats.cor({ 1, 2, 3 }, { 1, 2 }) end, "stats.cor: x has 3 elements but y has 2")
  T.errors(function() return stats.cor(X:col(1), mat.ones(32, 2)) end, "stats.cor: 'y' must be a vector")
  T.errors(function() return stats.cor({ 1, 2, 3 }, { 1, 1, 1 }) end, "stats.cor: y is constant")
  T.errors(function() return stats.cor(X:hcat(mat.ones(32, 1))) end, "stats.cor: column 7 is constant")
  T.errors(function() return stats.cor(X, "pearson", { na_rm = true }, 4) end, "stats.cor: unexpected argument")
  T.errors(function() return stats.cov({ 1 }, { 2 }) end, "stats.cov: needs at least 2 complete rows, got 1")
  T.errors(function() return stats.pcor(X:hcat(X:col(1) + X:col(2))) end, "stats.pcor: the covariance matrix is singular")
  T.errors(function() return stats.pcor({ 1, 2, 3 }) end, "stats.pcor: needs at least 2 columns")
  T.errors(function() return stats.clr({ { 1, 2 }, { 0, 3 } }) end, "stats.clr: compositions must be positive: X[2,1] = 0")
  T.errors(function() return stats.pcor_clr({ { 1, 2, 3 }, { 2, -1, 3 } }) end, "stats.pcor_clr: compositions must be positive: X[2,2] = -1")
  T.errors(function() return stats.clr({ { 1, 0 / 0 } }) end, "stats.clr: 'X' has a missing value")
  T.errors(function() return stats.cor_test({ 1, 2, 3 }) end, "stats.cor_test: expected x and y")
  T.errors(function() return stats.cor_test({ 1, 2 }, { 2, 1 }) end, "stats.cor_test: not enough complete pairs (2; needs 3)")
  T.errors(function() return stats.cor_test(mt.mpg, mt.wt, "spear") end, "stats.cor_test: unknown method 'spear'")
  T.errors(function() return stats.cor_test(mt.mpg, mt.wt, { level = 0.9 }) end, "stats.cor_test: unknown option 'level'")
  T.errors(function() return stats.cor_test(mt.mpg, mt.wt, { conf_level = 1 }) end, "stats.cor_test: conf_level must be in (0, 1)")
  local y, h = mt.mpg, mt.wt
  T.errors(function() return stats.control_variate(y) end, "stats.control_variate: expected a table")
  T.errors(function() return stats.control_variate{ y = y, h = h } end, "stats.control_variate: missing field 'mean_h'")
  T.errors(function() return stats.control_variate{ y = y, h = h, mean_h = 3, beta = 1 } end, "stats.control_variate: unknown option 'beta'")
  T.errors(function() return stats.control_variate{ y = y, h = mt.wt:vcat(mt.wt), mean_h = 3 } end, "'h' has 64 rows but y has 32 elements")
  T.errors(function() return stats.control_variate{ y = y, h = h, mean_h = { 1, 2 } } end, "'mean_h' must have 1 values")
  T.errors(function() return stats.control_variate{ y = y, h = h:hcat(h * 2), mean_h = { 1, 2 } } end, "the columns of h are constant or collinear")
  T.errors(function() return stats.control_variate{ y = aq.Ozone, h = aq.Temp, mean_h = 70 } end, "'y' has a non-finite value (NaN) at element 5")
  T.errors(function() return stats.control_variate{ y = y, h = h, mean_h = 3, strata = mt.cyl:vcat(mt.cyl) } end, "'strata' has 64 elements")
  T.errors(function() return stats.control_variate{ y = { 1, 2 }, h = { 1, 3 }, mean_h = 1 } end, "y has 2 rows: needs more than 2")
  T.errors(function() return stats.control_variate{ y = { 1, 2, 3, 4, 5 }, h = { 1, 3, 2, 5, 4 }, mean_h = 1,
    strata = { 1, 1, 1, 2, 2 } } end, "stratum 2 has 2 rows: needs more than 2")
  T.errors(function() return stats.control_variate{ y = y, h = h:hcat(mt.hp), mean_h = { { 1, 2 }, { 3, 4 } },
    strata = mt.cyl } end, "'mean_h' must have 2 values (one per column of h) or one row per stratum, got 2 x 2")
end)

T.test("printing, and factor strata for control_variate", function()
  local s = tostring(stats.cor_test(mt.mpg, mt.wt))
  T.ok(s:find("Pearson's product-moment correlation", 1, true), s)
  T.ok(s:find("t = -9.559, df = 30, p = 1.294e-10, n = 32", 1, true), s)
  T.ok(s:find("95% confidence interval: -0.9338 -0.7441", 1, true), s)
  s = tostring(stats.cor_test(mt.mpg, mt.wt, "spearman"))
  T.ok(s:find("S = ", 1, true), s)
  -- cyl as a text factor: the same fit, strata named by level
  local names = {}
  for i = 1, #mt.cyl do names[i] = ({ [4] = "four", [6] = "six", [8] = "eight" })[mt.cyl[i]] end
  local df = data.frame{ cyl = names }
  local cv = stats.control_variate{ y = mt.mpg, h = mt.wt, mean_h = 3, strata = df.cyl }
  -- levels sort in C order: eight, four, six
  T.eq(cv.strata.level[1], "eight"); T.eq(cv.strata.level[2], "four"); T.eq(cv.strata.level[3], "six")
  T.near(cv.estimate, R.cvs[1], 1e-11)
  T.near(cv.strata.estimate, { R.cvs_estimates[3], R.cvs_estimates[1], R.cvs_estimates[2] }, 1e-11)
  s = tostring(cv)
  T.ok(s:find("Control-variate mean: 19.73 (se 0.7047)", 1, true), s)
  T.ok(s:find("eight", 1, true), s)
  T.ok(tostring(stats.control_variate{ y = mt.mpg, h = mt.wt, mean_h = 3 }):find("n = 32", 1, true))
end)

T.test("help documents every public function, by name and by value", function()
  local help = require "orrery.help"
  local n = 0
  for name, f in pairs(stats) do
    if type(f) == "function" and not name:match("^_") then
      T.ok(help.lookup("stats." .. name), "no doc for stats." .. name)
      T.ok(help.lookup(f), "no doc for the function stats." .. name)
      n = n + 1
    end
  end
  T.eq(n, 13 + 22)   -- 13 functions and the d/p/q of eight laws (no q for binom, pois)
  T.ok(help.lookup("stats.qgamma"):find("shape, rate = 1", 1, true))
end)
