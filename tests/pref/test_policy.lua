-- The trainable softmax policy and the linear Bradley-Terry reward model.
-- The reward model with one-hot item features is the Bradley-Terry model:
-- it must reproduce pref.bt (itself checked against BTm) on the Premier
-- League games to 1e-8. The policy's training gradient is checked through
-- Adam's first step (w_j moves by -lr sign(g_j)) against central
-- differences of the mean DPO loss in w.
local T = require "orrery.testing"
local exp, log = math.exp, math.log

T.test("policy: uniform start, probabilities, log-probabilities", function()
  local pol = pref.policy{ features = { { 1, 0 }, { 0, 1 }, { 1, 1 } } }
  T.near(pol:probs(), { 1 / 3, 1 / 3, 1 / 3 }, 1e-15)
  T.near(pol:logprob(2), -log(3), 1e-15)
  T.near(pol:logprobs(), { -log(3), -log(3), -log(3) }, 1e-15)
  T.near(pol:implicit_rewards(0.1), { 0, 0, 0 }, 0, nil, 0)
  local r = pref.policy{ features = { { 1, 0 }, { 0, 1 } }, init_sd = 1, rng = rng.new(3) }
  T.near(r:probs():sum(), 1, 1e-15)
  T.errors(function() return pol:logprob(4) end, "pol:logprob: expected a response id in 1..3")
  T.errors(function() return pref.policy{ features = { { 1 } } } end, "pref.policy: 'features' needs at least 2 responses")
  T.errors(function() return pref.policy{ features = { { 1 }, { 0 / 0 } } } end, "'features' (2, 1) is not finite")
end)

T.test("policy: Adam's first step follows the gradient of the mean loss", function()
  local F = { { 1, 0.5, -1 }, { 0, 1, 2 }, { -1, 0.3, 0 }, { 0.5, -2, 1 } }
  local pairs = { chosen = { 1, 2, 4, 1 }, rejected = { 3, 3, 2, 4 } }
  local lr = 1e-3
  for _, loss in ipairs { "sigmoid", "ipo", "apo_zero", "discopop" } do
    local pol = pref.policy{ features = F }
    local function meanloss(w)
      local z, m = {}, 0
      for i = 1, 4 do z[i] = F[i][1] * w[1] + F[i][2] * w[2] + F[i][3] * w[3] end
      for i = 1, 4 do m = m + exp(z[i]) end
      local lz = log(m)
      local lw, ll, ref = {}, {}, {}
      for k = 1, 4 do
        lw[k], ll[k], ref[k] = z[pairs.chosen[k]] - lz, z[pairs.rejected[k]] - lz, -log(4)
      end
      return pref.dpo_loss{ policy_chosen = lw, policy_rejected = ll, ref_chosen = ref, ref_rejected = ref,
        loss = loss, beta = 0.5 }.loss
    end
    pol:train{ pairs = pairs, loss = loss, beta = 0.5, steps = 1, lr = lr }
    local w = pol:weights()
    for j = 1, 3 do
      local e = { 0, 0, 0 }
      e[j] = 1e-6
      local g = (meanloss(e) - meanloss({ -e[1], -e[2], -e[3] })) / 2e-6
      -- Adam's first step: -lr g / (|g| + 1e-8)
      T.near(w[j], -lr * g / (math.abs(g) + 1e-8), 1e-6, loss .. " w" .. j)
    end
  end
end)

T.test("policy: training lowers the loss and orders the preferred responses", function()
  local F = { { 1, 0 }, { 0, 1 }, { -1, 0 }, { 0, -1 } }
  local pairs = { chosen = { 1, 1, 1, 2, 2 }, rejected = { 2, 3, 4, 3, 4 } }
  local pol = pref.policy{ features = F }
  local h = pol:train{ pairs = pairs, beta = 0.5, steps = 200, lr = 0.05 }
  T.ok(h.final < h.loss[1], "loss decreased")
  T.near(h.loss[1], log(2), 1e-15, "starts at log 2")
  local p = pol:probs()
  T.ok(p[1] > p[2] and p[2] > p[3] and p[2] > p[4], "preferred responses gain mass")
  local ir = pol:implicit_rewards(0.5)
  T.eq(pref.accuracy{ chosen_scores = { ir[1], ir[1], ir[1], ir[2], ir[2] },
    rejected_scores = { ir[2], ir[3], ir[4], ir[3], ir[4] } }, 1)
  T.errors(function() pol:train{ pairs = { chosen = { 1 }, rejected = { 5 } } } end, "pol:train: pair 1: 5 is not a response id")
  T.errors(function() pol:train{ pairs = pairs, loss = "nope" } end, "pref.dpo_loss: unknown loss 'nope'")
  T.errors(function() pol:train{ pairs = pairs, steps = 0 } end, "steps must be an integer >= 1")
end)

T.test("reward model with one-hot features is Bradley-Terry (pref.bt on football)", function()
  local f = T.csv("pref/football.csv")
  local k = 29
  local F = {}
  for i = 1, k do
    F[i] = {}
    for j = 2, k do F[i][j - 1] = (i == j) and 1 or 0 end
  end
  local rm = pref.reward_model{ features = F, pairs = { chosen = f.winner, rejected = f.loser } }
  local bt = pref.bt{ winner = f.winner, loser = f.loser, n_items = k }
  T.ok(rm.converged)
  local s = rm:scores()
  T.near(s, bt.score, 1e-8, "scores", 1e-10)
  for j = 2, k do T.near(rm.se[j - 1], bt.se[j], 1e-8, "se " .. j) end
  T.near(rm:scores({ F[3] }), { s[3] }, 1e-15)
  T.errors(function() return pref.reward_model{ features = F, pairs = { chosen = { 1 }, rejected = { 30 } } } end,
    "pref.reward_model: pair 1: 30 is not a response id in 1..29")
  T.errors(function() return pref.reward_model{ features = F, pairs = { chosen = { 1 }, rejected = { 2 } }, l2 = -1 } end,
    "l2 must be a number >= 0")
end)
