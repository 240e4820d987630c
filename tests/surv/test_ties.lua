-- Heavy ties and the tails against R (tests/ref/surv/make_ties.R): Cox fits
-- on bladder (first recurrence) and on lung with times rounded up to months,
-- both tie methods, a covariate constant within strata, non-integer weights
-- with strata (robust variance, zph), survival curves for a new row;
-- Kaplan-Meier limits where S reaches 0; stratified log-rank with 3 groups.
-- Tolerances (relative): Cox coefficients, SEs, log-likelihoods and curves
-- 1e-7 (Newton to R's criterion: they agree to ~1e-15); concordance 1e-9;
-- zph 1e-6 (as test_cox.lua); KM and log-rank 1e-12 (closed forms).
local T = require "orrery.testing"
local R = T.ref("surv/ties_ref.txt")
local lm = T.csv("surv/lung_month.csv")
local bl = T.csv("surv/bladder1.csv")
local TOL = 1e-7

local cols = T.cols  -- columns of a T.csv table as one matrix

local function check(f, tag)
  T.near(f.coef, R[tag .. ".coef"], TOL, tag .. " coef")
  T.near(f.se, R[tag .. ".se"], TOL, tag .. " se")
  T.near(f.loglik, R[tag .. ".loglik"], TOL, tag .. " loglik")
  T.near({ f.concordance, f.concordance_se }, R[tag .. ".concordance"], 1e-9, tag .. " concordance")
end

for _, ties in ipairs { "efron", "breslow" } do
  T.test("tied months and bladder, ties = " .. ties, function()
    local f = surv.cox{ time = lm.mtime, status = lm.status, x = cols(lm, { "age", "sex", "ph.ecog" }),
                        ties = ties }
    check(f, "lm_" .. ties)
    local p = f:predict({ { 60, 2, 1 } }, "survival")
    T.near(p.time, R["lm_" .. ties .. ".pred_time"], 0, "curve times")
    T.near(p.surv, R["lm_" .. ties .. ".pred_surv"], TOL, "curve as survfit(fit, newdata)")
    check(surv.cox{ time = bl.stop, status = bl.event, x = cols(bl, { "rx", "number", "size" }), ties = ties },
          "bl_" .. ties)
  end)

  T.test("strata: a covariate constant within strata, weights, ties = " .. ties, function()
    local c = surv.cox{ time = lm.mtime, status = lm.status, x = cols(lm, { "age", "sex" }), strata = lm.sex,
                        ties = ties }
    T.near(c.coef[1], R["cst_" .. ties .. ".coef"][1], TOL, "age")
    T.ok(c.coef[2] ~= c.coef[2], "sex aliased (NaN) as coxph's NA")
    T.near(c.loglik, R["cst_" .. ties .. ".loglik"], TOL, "loglik")
    local w = surv.cox{ time = lm.mtime, status = lm.status, x = cols(lm, { "age", "ph.ecog" }), strata = lm.sex,
                        weights = lm.w, ties = ties }
    check(w, "ws_" .. ties)
    T.near(w:zph().chisq, R["ws_" .. ties .. ".zph_chisq"], 1e-6, "zph")
  end)
end

T.test("Kaplan-Meier limits on tied months and down to S = 0", function()
  local tt, ss = { 1, 1, 2, 3, 3, 4, 5, 5 }, { 1, 1, 0, 1, 1, 0, 1, 1 }
  for _, conf in ipairs { "log", "log-log", "plain" } do
    for _, d in ipairs { { "lm", lm.mtime, lm.status }, { "zero", tt, ss } } do
      local tag = "km_" .. d[1] .. "_" .. conf
      local k = surv.km(d[2], d[3], { conf = conf })
      for _, v in ipairs { "surv", "se", "lower", "upper" } do
        T.near(k[v], R[tag .. "." .. v], 1e-12, tag .. " " .. v, 1e-15)
      end
      T.near({ k:median() }, R[tag .. ".median"], 1e-12, tag .. " median and limits")
    end
  end
end)

T.test("log-rank and Peto-Peto: three groups within strata, tied months", function()
  local t, s, g, st = {}, {}, {}, {}
  for i = 1, #lm.mtime do
    if lm["ph.ecog"][i] < 3 then
      t[#t + 1] = lm.mtime[i]; s[#s + 1] = lm.status[i]; g[#g + 1] = lm["ph.ecog"][i]; st[#st + 1] = lm.sex[i]
    end
  end
  for rho = 0, 1 do
    local lr = surv.logrank(t, s, g, { rho = rho, strata = st })
    local tag = "lr_rho" .. rho
    T.near(lr.chisq, R[tag .. ".chisq"], 1e-12, tag)
    T.near(lr.observed, R[tag .. ".observed"], 1e-12, tag .. " observed (weighted when rho = 1)")
    T.near(lr.expected, R[tag .. ".expected"], 1e-12, tag .. " expected")
    T.eq(lr.df, 2)
  end
end)
