-- pref.lc_winrate against statsmodels' GLM (Binomial, freq_weights on the
-- soft labels as weighted duplicate rows; tests/ref/pref/make_lc.py) on the
-- same 600 rows of a simulated verbose model. Tolerance 1e-8 relative for
-- coefficients, SEs, log-likelihood and the LC win rate with its SE (both
-- fits are Newton to 1e-12 or better).
local T = require "orrery.testing"
local R = T.ref("pref/lc_ref.txt")
local d = T.csv("pref/lc_rows.csv")
local TOL = 1e-8

for _, tag in ipairs { "diff", "nodiff" } do
  T.test("LC GLM vs statsmodels, " .. (tag == "diff" and "with" or "without") .. " difficulty", function()
    local r = pref.lc_winrate{ pref = d.pref, len_model = d.len_model, len_base = d.len_base,
      difficulty = tag == "diff" and d.difficulty or nil }
    T.ok(r.converged)
    T.near(r.coef, R[tag .. ".coef"], TOL, "coef")
    T.near(r.se, R[tag .. ".se"], TOL, "se")
    T.near(r.loglik, R[tag .. ".loglik"], TOL, "loglik")
    T.near(r.lc_winrate, R[tag .. ".lc"], TOL, "LC win rate")
    T.near(r.lc_se, R[tag .. ".lc_se"], TOL, "LC SE")
    T.near(r.winrate, R.raw, 1e-13, "raw win rate")
    T.near(r.winrate_se, R.raw_se, 1e-12, "raw SE")
    T.ok(r.lc_winrate < r.winrate, "length control lowers a verbose model's win rate")
    local s = tostring(r)
    T.ok(s:find("LC win rate") and s:find("tanh%(length diff / sd%)"), s)
  end)
end

T.test("bad input", function()
  local function e(t, msg) T.errors(function() return pref.lc_winrate(t) end, msg) end
  e({ pref = { 0.5, 1.2, 0 }, len_model = { 1, 2, 3 }, len_base = { 1, 1, 1 } }, "pref.lc_winrate: 'pref' element 2 must be in [0, 1]")
  e({ pref = { 0.5, 1, 0 }, len_model = { 1, 2 }, len_base = { 1, 1, 1 } }, "'len_model' has 2 elements, expected 3")
  e({ pref = { 0.5, 1, 0 }, len_model = { 2, 2, 2 }, len_base = { 1, 1, 1 } }, "length differences are all equal")
  e({ pref = { 0.5, 1 }, len_model = { 2, 2 }, len_base = { 1, 1 } }, "need at least 3")
  e({ pref = { 0.5, 1, 0 }, len_model = { 1, 2, 3 }, len_base = { 1, 1, 1 }, x = 1 }, "unknown option 'x'")
end)
