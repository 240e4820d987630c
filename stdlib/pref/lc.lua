-- pref.lc_winrate: the length-controlled win rate of AlpacaEval (Dubois et
-- al. 2024), a logistic GLM fitted by Newton on soft labels.
local M, C = ...
local mat = require "orrery.mat"
local help = require "orrery.help"
local args = require "orrery.args"
local P = require "orrery.printing"

local fail, checkopts = args.fail, args.checkopts
local numbers, sig = C.numbers, C.sig
local sqrt = math.sqrt

-- Lua 5.4 has no math.tanh
local function tanh(x)
  if x > 20 then return 1 elseif x < -20 then return -1 end
  local e2 = math.exp(2 * x)
  if math.abs(x) < 1e-4 then return x - x * x * x / 3 end
  return (e2 - 1) / (e2 + 1)
end

local MAXITER, TOL = 100, 1e-12

local LC = { __name = "pref.lc_winrate" }
LC.__index = LC
function LC.__tostring(r)
  local names = { "(Intercept)", "tanh(length diff / sd)" }
  if r.difficulty then names[3] = "difficulty" end
  local est, se, z = {}, {}, {}
  for j = 1, #names do
    est[j], se[j] = r.coef[j], r.se[j]
    z[j] = est[j] / se[j]
  end
  return "Length-controlled win rate (AlpacaEval GLM), " .. r.n .. " instructions\n\n"
    .. P.columns({ "LC win rate", "win rate" }, { "Estimate", "Std. Error" },
      { { r.lc_winrate, r.winrate }, { r.lc_se, r.winrate_se } }, 4)
    .. "\n\nGLM (logit, soft labels):\n"
    .. P.columns(names, { "Estimate", "Std. Error", "z value" }, { est, se, z }, 5)
    .. "\nLog-likelihood: " .. P.format({ r.loglik }, 7)[1]
    .. (r.converged and "" or "\n(Newton did not converge)")
end
P.guard(LC, "pref.lc_winrate")  -- tostring never raises (an incomplete object)

local lc_opts = args.set { "pref", "len_model", "len_base", "difficulty" }

function M.lc_winrate(t)
  local fn = "pref.lc_winrate"
  t = checkopts(fn, t, lc_opts)
  local p = numbers(fn, t.pref, "pref")
  local n = #p
  if n < 3 then fail(fn, "need at least 3 instructions, got %d", n) end
  for i = 1, n do
    if not (p[i] >= 0 and p[i] <= 1) then fail(fn, "'pref' element %d must be in [0, 1], got %g", i, p[i]) end
  end
  local lm = numbers(fn, t.len_model, "len_model", n)
  local lb = numbers(fn, t.len_base, "len_base", n)
  local gam = t.difficulty ~= nil and numbers(fn, t.difficulty, "difficulty", n) or nil
  -- Delta = len_base - len_model, standardised by its sample SD
  local delta, mean = {}, 0
  for i = 1, n do delta[i] = lb[i] - lm[i]; mean = mean + delta[i] end
  mean = mean / n
  local ss = 0
  for i = 1, n do ss = ss + (delta[i] - mean) ^ 2 end
  local sd = sqrt(ss / (n - 1))
  if not (sd > 0) then fail(fn, "the length differences are all equal: no length effect to fit") end
  local k = gam and 3 or 2
  local X = {}
  for i = 1, n do X[i] = { 1, tanh(delta[i] / sd), gam and gam[i] or nil } end
  local b, V, ll, converged = C.logistic(fn, X, p, k, 0, MAXITER, TOL,
    "the GLM's information matrix is singular (a constant difficulty?)")
  -- the prediction at zero length difference, averaged; its SE by the delta method
  local lc, g = 0, { 0, 0, 0 }
  for i = 1, n do
    local eta = b[1] + (gam and b[3] * gam[i] or 0)
    local s = sig(eta)
    lc = lc + s
    g[1] = g[1] + s * (1 - s)
    if gam then g[3] = g[3] + s * (1 - s) * gam[i] end
  end
  lc = 100 * lc / n
  local var = 0
  for j = 1, k do
    for l = 1, k do var = var + (100 * g[j] / n) * V:get(j, l) * (100 * g[l] / n) end
  end
  local pm, pv = 0, 0
  for i = 1, n do pm = pm + p[i] end
  pm = pm / n
  for i = 1, n do pv = pv + (p[i] - pm) ^ 2 end
  local se = {}
  for j = 1, k do se[j] = sqrt(V:get(j, j)) end
  return setmetatable({ lc_winrate = lc, lc_se = sqrt(var), winrate = 100 * pm,
    winrate_se = 100 * sqrt(pv / (n - 1)) / sqrt(n), coef = mat.vec(b), se = mat.vec(se), cov = V,
    loglik = ll, converged = converged, n = n, sd_delta = sd, difficulty = gam ~= nil }, LC)
end
help.doc(M.lc_winrate, "pref.lc_winrate", [[pref.lc_winrate{ pref =, len_model =, len_base = [, difficulty =] }
  -> { lc_winrate =, lc_se =, winrate =, winrate_se =, coef =, se =, cov =, loglik =, converged =, n = }
The length-controlled win rate of AlpacaEval 2: per instruction, pref in [0, 1] is the judge's
preference for the model over the baseline (a soft label), len_* the output lengths and
difficulty an optional instruction covariate gamma_x. The GLM
logit P(win) = theta + phi tanh(Delta / sd(Delta)) + psi gamma_x, Delta = len_base - len_model
(sd: the sample SD), is fitted by Newton with the soft labels as weighted duplicate rows
(as statsmodels' GLM with freq_weights); .coef = (theta, phi[, psi]) with SEs from the inverse
information. lc_winrate = 100 mean s(theta + psi gamma_x), the prediction at Delta = 0, with a
delta-method SE; winrate = 100 mean(pref) and its SE beside it. Values are percentages.]])
