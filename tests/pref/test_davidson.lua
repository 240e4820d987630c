-- pref.bt with ties: Davidson's model on five Premier League seasons with
-- their draws (tests/ref/pref/football_all.csv, from BradleyTerry2's
-- football; BTm has no tie model). Checked against a general-purpose fit
-- of the same likelihood written out here: optim.minimize (BFGS) on the
-- negative log-likelihood (scores, nu, log-likelihood; 1e-6), and the SEs
-- against the inverse of optim.hessian at the estimate (1e-4: second
-- differences of a sum of 1900 terms carry ~1e-5 relative rounding).
local T = require "orrery.testing"
local f = T.csv("pref/football_all.csv")
local K = 29
local w, l, tie = {}, {}, {}
for i = 1, #f.home do
  local h, a, r = f.home[i], f.away[i], f.result[i]
  if r == -1 then w[i], l[i] = a, h else w[i], l[i] = h, a end
  tie[i] = r == 0 and 1 or 0
end

-- -loglik at x = (score_2..score_K, log nu), score_1 = 0
local function nll(x)
  local th = { 0 }
  for i = 2, K do th[i] = x[i - 1] end
  local lnu, s = x[K], 0
  for c = 1, #w do
    local a, b = th[w[c]], th[l[c]]
    local D = math.exp(a) + math.exp(b) + math.exp(lnu + (a + b) / 2)
    s = s - ((tie[c] == 1 and (lnu + (a + b) / 2) or a) - math.log(D))
  end
  return s
end

-- its gradient, for BFGS (the outcome's log-weight minus log D, differentiated)
local function grad(x)
  local th = { 0 }
  for i = 2, K do th[i] = x[i - 1] end
  local lnu, g = x[K], {}
  for p = 1, K do g[p] = 0 end
  local function add(item, v) if item > 1 then g[item - 1] = g[item - 1] + v end end
  for c = 1, #w do
    local a, b = th[w[c]], th[l[c]]
    local ea, eb, et = math.exp(a), math.exp(b), math.exp(lnu + (a + b) / 2)
    local D = ea + eb + et
    -- d log D: (ea + et/2)/D by a, (eb + et/2)/D by b, et/D by log nu
    local da, db, dl = (ea + et / 2) / D, (eb + et / 2) / D, et / D
    if tie[c] == 1 then
      add(w[c], -(0.5 - da)); add(l[c], -(0.5 - db)); g[K] = g[K] - (1 - dl)
    else
      add(w[c], -(1 - da)); add(l[c], db); g[K] = g[K] + dl
    end
  end
  return mat.vec(g)
end

T.test("Davidson ties vs BFGS and a numerical Hessian on the same likelihood", function()
  local fit = pref.bt{ winner = w, loser = l, ties = tie, n_items = K }
  T.ok(fit.converged)
  T.eq(fit.ties, 505)
  local x0 = mat.zeros(K, 1)
  local o = optim.minimize{ f = nll, grad = grad, x0 = x0, tol = 1e-10 }
  T.ok(o.converged, "BFGS converged")
  for i = 2, K do T.near(fit.score[i], o.x[i - 1], 1e-6, "score " .. i, 1e-7) end
  T.near(fit.nu, math.exp(o.x[K]), 1e-6, "nu")
  T.near(fit.loglik, -o.value, 1e-10, "loglik")
  local x = mat.zeros(K, 1)
  for i = 2, K do x:set(i - 1, 1, fit.score[i]) end
  x:set(K, 1, math.log(fit.nu))
  local V = optim.hessian(nll, x):inv()
  for i = 2, K do T.near(fit.se[i], math.sqrt(V:get(i - 1, i - 1)), 1e-4, "se " .. i) end
  T.near(fit.se_nu, fit.nu * math.sqrt(V:get(K, K)), 1e-4, "se nu")
  T.ok(tostring(fit):find("Tie parameter %(Davidson%) nu: 0%.834"), tostring(fit))
  local sum = pref.bt{ winner = w, loser = l, ties = tie, n_items = K, reference = "sum" }
  T.near(sum.score:sum(), 0, 0, "centred", 1e-12)
  T.near(sum.nu, fit.nu, 1e-9)
end)

T.test("Davidson: bad ties", function()
  T.errors(function() return pref.bt{ winner = { 1, 2 }, loser = { 2, 1 }, ties = { 0, 2 }, n_items = 2 } end,
    "pref.bt: 'ties' element 2 must be 0 or 1")
  T.errors(function() return pref.bt{ winner = { 1, 2 }, loser = { 2, 1 }, ties = { 0, 0 }, n_items = 2 } end,
    "needs both ties and decisive comparisons")
  T.errors(function() return pref.bt{ winner = { 1, 2 }, loser = { 2, 1 }, ties = { 0 }, n_items = 2 } end,
    "'ties' has 1 elements, expected 2")
end)
