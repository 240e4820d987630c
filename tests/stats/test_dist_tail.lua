-- p functions in far tails (1e-300 .. 1e-6) against R, and stats on iris
-- (many ties). References: tests/ref/stats/make_tail.R (R 4.2).
local T = require "orrery.testing"

local names = { "norm", "t", "chisq", "f", "beta", "gamma" }
local npar = { 2, 1, 1, 2, 2, 2 }

-- Tolerance: 1e-11 relative for tail probabilities down to 1e-300 (R's own
-- pt/pbeta agree with a 50-digit mpmath evaluation to a few 1e-15 here); log
-- tails also 1e-11 relative, or 1e-13 absolute near 0. GSL's t for df > 30
-- (a Cornish-Fisher expansion) was 7e-8 off at 1e-44 and fails this.
T.test("p in far tails matches R (both tails, log and not)", function()
  local t = T.csv("stats/dist_tail.csv")
  local bad, n = {}, 0
  for i = 1, #t.dist do
    local d = t.dist[i]
    local f = stats["p" .. names[d]]
    local args = { t.x[i], t.a[i] }
    if npar[d] == 2 then args[3] = t.b[i] end
    local k = #args + 1
    for _, c in ipairs{ { "pl", nil }, { "pu", { lower = false } }, { "lpl", { log = true } },
                        { "lpu", { lower = false, log = true } } } do
      args[k] = c[2]
      local got, want = f(table.unpack(args, 1, k)), t[c[1]][i]
      local err = math.abs(got - want)
      local ok = err <= 1e-11 * math.abs(want) or (c[2] and c[2].log and err <= 1e-13)
        or (want < 1e-300 and want >= 0 and got < 1e-300 and got >= 0)   -- subnormal results
      if not ok then
        bad[#bad + 1] = string.format("p%s(%s) %s: got %.17g, R %.17g", names[d],
          table.concat(args, ", ", 1, k - 1), c[1], got, want)
      end
      n = n + 1
    end
  end
  T.ok(#bad == 0, #bad .. " mismatches:\n" .. table.concat(bad, "\n"))
  T.ok(n > 1000, "tail points: " .. n)
end)

local R = T.ref("stats/iris_desc.txt")
local ir = T.csv("stats/iris.csv")
local X = ir["Sepal.Length"]:hcat(ir["Sepal.Width"]):hcat(ir["Petal.Length"]):hcat(ir["Petal.Width"])

-- 1e-12 relative as test_desc.lua; pcor through Cholesky vs R's solve: 1e-12 too
T.test("cor, pcor, cor_test and quantile on iris (ties) match R", function()
  T.near(stats.cor(X), R.cor_pearson, 1e-12)
  T.near(stats.cor(X, "spearman"), R.cor_spearman, 1e-12)
  T.near(stats.cor(X, "kendall"), R.cor_kendall, 1e-12)
  T.near(stats.pcor(X), R.pcor, 1e-12)
  for _, m in ipairs{ "pearson", "spearman", "kendall" } do
    local r = stats.cor_test(X:col(1), X:col(2), m)
    T.near({ r.estimate, r.statistic, r.p }, R["cortest12_" .. m], 1e-12, "cor_test 1,2 " .. m)
    r = stats.cor_test(X:col(3), X:col(4), m)
    T.near({ r.estimate, r.statistic, r.p }, R["cortest34_" .. m], 1e-12, "cor_test 3,4 " .. m)
  end
  T.near(stats.quantile(X:col(1), { 0, 0.013, 0.25, 0.5, 0.77, 0.999, 1 }), R.quantile_sl, 1e-15)
end)

-- Tolerance 1e-12 relative on the log density (1e-13 absolute near 0): the
-- lgamma / lnbeta forms this replaced were 1e-9 off at n = 1e6 and 3e-7 at 1e8.
T.test("dbinom, dpois, dgamma, dbeta, df at sizes 1e3..1e9 match R's saddle-point values", function()
  local t = T.csv("stats/dens_large.csv")
  local bad = {}
  for i = 1, #t.dist do
    local d, got = t.dist[i]
    if d == 7 then got = stats.dbinom(t.x[i], t.a[i], t.b[i], { log = true })
    elseif d == 8 then got = stats.dpois(t.x[i], t.a[i], { log = true })
    elseif d == 5 then got = stats.dbeta(t.x[i], t.a[i], t.b[i], { log = true })
    elseif d == 4 then got = stats.df(t.x[i], t.a[i], t.b[i], { log = true })
    else got = stats.dgamma(t.x[i], t.a[i], t.b[i], { log = true }) end
    local want = t.logd[i]
    local err = math.abs(got - want)
    if not (err <= 1e-12 * math.abs(want) or err <= 1e-13) then
      bad[#bad + 1] = string.format("%s(%.17g; %g, %s): got %.17g, R %.17g", ({ [4] = "df", [5] = "dbeta", [6] = "dgamma", [7] = "dbinom", [8] = "dpois" })[d],
        t.x[i], t.a[i], tostring(t.b[i]), got, want)
    end
  end
  T.ok(#bad == 0, #bad .. " mismatches:\n" .. table.concat(bad, "\n"))
  T.ok(#t.dist > 100)
end)
