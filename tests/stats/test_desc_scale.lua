-- stats at huge and tiny scales, and degenerate control-variate input.
-- Correlations are scale-free: cor(c X) must equal R's cor(X) (desc.txt, from
-- tests/ref/stats/make_desc.R) whatever c, as long as c X is finite. At
-- 1e-200 the squares of deviations underflow and at 1e200 they overflow, so
-- a kernel that does not rescale gives "constant" errors or a silent 0.
-- Tolerance 1e-12 relative (c is not a power of two: c X carries rounding).
local T = require "orrery.testing"

local R = T.ref("stats/desc.txt")
local mt = T.csv("stats/mtcars.csv")
local six = { "mpg", "disp", "hp", "drat", "wt", "qsec" }
local X = mt[six[1]]
for i = 2, #six do X = X:hcat(mt[six[i]]) end
local TOL = 1e-12

T.test("cor, cor_test and pcor are scale-free at 1e-200 and 1e200", function()
  for _, c in ipairs{ 1e-200, 1e200, 2 ^ -1070 * 2 ^ 40 } do
    local Y = X * c
    T.near(stats.cor(Y), R.cor_pearson, TOL, "pearson at " .. c)
    T.near(stats.cor(Y, "spearman"), R.cor_spearman, TOL, "spearman at " .. c)
    T.near(stats.cor(Y, "kendall"), R.cor_kendall, TOL, "kendall at " .. c)
    T.near(stats.cor(Y:col(1), mt.wt), R.cor_pearson[5], TOL, "pair at " .. c)
    T.near(stats.cor(Y:col(1), mt.wt, "kendall"), R.cor_mpg_wt_kendall, TOL, "kendall pair at " .. c)
    T.near(stats.pcor(Y), R.pcor, 1e-10, "pcor at " .. c)
    local ct = stats.cor_test(Y:col(1), Y:col(5))
    T.near({ ct.estimate, ct.statistic, ct.p }, R.cortest_pearson, 1e-10, "cor_test at " .. c)
  end
end)

T.test("mean, var and sd do not overflow or underflow on finite data", function()
  -- exact answers: the data are small integers times a power of two
  T.eq(stats.mean({ 2 ^ 1023, 2 ^ 1023 }), 2 ^ 1023)
  T.eq(stats.mean({ 1e308, 1e308, 1e308 }), 1e308)
  T.near(stats.sd({ 2 ^ -1000, 2 * 2 ^ -1000, 3 * 2 ^ -1000 }), 2 ^ -1000, 1e-15)
  T.near(stats.sd({ 2 ^ 1000, 2 * 2 ^ 1000, 3 * 2 ^ 1000 }), 2 ^ 1000, 1e-15)
  T.near(stats.var({ 2 ^ 600, 2 * 2 ^ 600, 3 * 2 ^ 600 }), 2 ^ 1200 * 1, 1e-15)
  T.near(stats.sd(mt.mpg * 1e-300), R.sd_mpg * 1e-300, TOL)
  T.near(stats.sd(mt.mpg * 1e300), R.sd_mpg * 1e300, TOL)
  -- a variance beyond double range is an infinite value, honestly
  T.eq(stats.var({ -1e308, 1e308 }), math.huge)
end)

T.test("control_variate: mean_h must be finite; errors name the stratum", function()
  local y, h = { 1, 2, 1, 3, 1 }, { 1, 2, 1, 1, 2 }
  T.errors(function() return stats.control_variate{ y = y, h = h, mean_h = 0 / 0 } end,
    "stats.control_variate: 'mean_h' has a non-finite value (NaN) at element 1")
  T.errors(function() return stats.control_variate{ y = y, h = h, mean_h = math.huge } end,
    "stats.control_variate: 'mean_h' has a non-finite value (Inf) at element 1")
  T.errors(function() return stats.control_variate{ y = { 1, 2, 3, 4, 5, 6 }, h = { 1, 3, 2, 5, 4, 6 },
    mean_h = 3, strata = { 1, 1, 1, 1, 1, 2 } } end,
    "stats.control_variate: stratum 2 has 1 row: needs more than 2")
  -- constant y: the estimate is y and se 0; r2 (0/0 in R's summary.lm) is NaN, as documented
  local r = stats.control_variate{ y = { 1, 1, 1, 1, 1 }, h = { 1, 3, 2, 5, 4 }, mean_h = 3 }
  T.eq(r.estimate, 1); T.eq(r.se, 0); T.ok(r.r2 ~= r.r2, "r2 is NaN")
  T.ok(tostring(r):find("R^2 = NaN (y is constant)", 1, true), tostring(r))
  T.ok(require("orrery.help").lookup("stats.control_variate"):find("r2 is NaN when y is constant", 1, true))
  -- a stratum where y is constant prints its R^2 as NaN
  local rs = stats.control_variate{ y = { 1, 1, 1, 1, 2, 5, 3, 4 }, h = { 1, 3, 2, 5, 4, 6, 8, 7 },
    mean_h = 3, strata = { 1, 1, 1, 1, 2, 2, 2, 2 } }
  T.ok(rs.strata.r2[1] ~= rs.strata.r2[1], "stratum 1 r2 is NaN")
  T.ok(tostring(rs):find("%s+1%s+4%s+1%s+0%s+NaN"), tostring(rs))
end)

T.test("messages write NaN as NaN; help says what a constant column does", function()
  T.ok(require("orrery.help").lookup("stats.cor"):find("A constant column is an error", 1, true))
  T.errors(function() return stats.quantile({ 1, 2 }, 0 / 0) end, "p must be in [0, 1] (got NaN at element 1)")
end)
