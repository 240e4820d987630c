-- Reward-model losses, accuracy, implicit rewards and process rewards,
-- differential information and the KL-regularised optimum: closed forms
-- computed here term by term (1e-14 relative), derivatives against central
-- differences (1e-7), and every error path.
local T = require "orrery.testing"
local log, exp = math.log, math.exp
local function sp(x) return log(1 + exp(x)) end  -- softplus, moderate x only

T.test("reward_loss: bt, margin, scaled, mse", function()
  local c, r, m = { 1.5, -0.2, 3 }, { 0.5, 0.7, -1 }, { 1, 0.5, 2 }
  local bt = pref.reward_loss{ chosen = c, rejected = r }
  local mg = pref.reward_loss{ chosen = c, rejected = r, kind = "margin", margin = m }
  local sc = pref.reward_loss{ chosen = c, rejected = r, kind = "scaled", margin = m }
  local sum = 0
  for i = 1, 3 do
    local d = c[i] - r[i]
    T.near(bt.losses[i], sp(-d), 1e-14)
    T.near(mg.losses[i], sp(-(d - m[i])), 1e-14)
    T.near(sc.losses[i], m[i] * sp(-d), 1e-14)
    T.near(bt.grad_chosen[i], -1 / (1 + exp(d)), 1e-14)
    T.near(bt.grad_rejected[i], 1 / (1 + exp(d)), 1e-14)
    local h = 1e-6
    local up = pref.reward_loss{ chosen = { c[i] + h }, rejected = { r[i] }, kind = "scaled", margin = m[i] }.loss
    local dn = pref.reward_loss{ chosen = { c[i] - h }, rejected = { r[i] }, kind = "scaled", margin = m[i] }.loss
    T.near(sc.grad_chosen[i], (up - dn) / (2 * h), 1e-7)
    sum = sum + sp(-d)
  end
  T.near(bt.loss, sum / 3, 1e-14)
  local ms = pref.reward_loss{ chosen = c, target = { 1, 0, 2 }, kind = "mse" }
  T.near(ms.loss, (0.25 + 0.04 + 1) / 3, 1e-14)
  T.near(ms.grad_chosen, { 1, -0.4, 2 }, 1e-14)
  -- stable at +-1e4
  local ex = pref.reward_loss{ chosen = { 1e4, -1e4 }, rejected = { 0, 0 } }
  T.eq(ex.losses[1], 0); T.eq(ex.losses[2], 1e4)
end)

T.test("reward_loss: bad input", function()
  local function e(t, msg) T.errors(function() return pref.reward_loss(t) end, msg) end
  e({ chosen = { 1 }, rejected = { 1, 2 } }, "pref.reward_loss: 'rejected' has 2 elements, expected 1")
  e({ chosen = { 1 }, rejected = { 1 }, kind = "hinge" }, "pref.reward_loss: unknown kind 'hinge'")
  e({ chosen = { 1 }, rejected = { 1 }, kind = "margin" }, "kind 'margin' needs margin =")
  e({ chosen = { 1 }, rejected = { 1 }, margin = 1 }, "margin applies to kinds")
  e({ chosen = { 1 }, rejected = { 1 }, kind = "scaled", margin = -1 }, "must be >= 0")
  e({ chosen = { 1 }, rejected = { 1 }, kind = "mse", target = { 1 } }, "kind 'mse' takes chosen and target only")
  e({ chosen = { 0 / 0 }, rejected = { 1 } }, "'chosen' element 1 is not finite")
  e({ chosen = { 1 }, rejected = { 1 }, x = 1 }, "unknown option 'x'")
end)

T.test("accuracy: ties count 0", function()
  T.eq(pref.accuracy{ chosen_scores = { 1, 2, 3, 4 }, rejected_scores = { 0, 2, 5, 1 } }, 0.5)
  T.errors(function() return pref.accuracy{ chosen_scores = { 1 }, rejected_scores = { 1, 2 } } end,
    "pref.accuracy: 'rejected_scores' has 2 elements, expected 1")
  T.errors(function() return pref.accuracy{ chosen_scores = {}, rejected_scores = {} } end, "pref.accuracy:")
end)

T.test("implicit_reward: per sequence and per token", function()
  local r = pref.implicit_reward{ policy = { -10, -20 }, ref = { -12, -19 }, beta = 0.5 }
  T.near(r, { 1, -0.5 }, 1e-15)
  local nan = 0 / 0
  local tok = pref.implicit_reward{ policy = { { -1, -2, nan }, { -3, -1, -1 } },
    ref = { { -2, -2, nan }, { -1, -1, -3 } }, beta = 2 }
  T.near(tok, { { 2, 0, nan }, { -4, 0, 4 } }, 1e-15)
  T.errors(function() return pref.implicit_reward{ policy = { 1 }, ref = { 1, 2 }, beta = 1 } end,
    "pref.implicit_reward: policy is 1 x 1 but ref is 2 x 1")
  T.errors(function() return pref.implicit_reward{ policy = { 1 }, ref = { 1 }, beta = 0 } end,
    "pref.implicit_reward: beta must be a positive finite number")
  T.errors(function() return pref.implicit_reward{ policy = { 1 }, ref = { 0 / 0 }, beta = 1 } end,
    "differ in missing values")
end)

T.test("implicit_prm: steps, q, min/sum scores, CE outcome loss", function()
  local nan = 0 / 0
  local pol = { { -1, -2, -1, -3, nan }, { -2, -2, -2, -2, -2 } }
  local ref = { { -1.5, -1, -1, -2, nan }, { -2, -3, -1, -2, -4 } }
  local f = pref.implicit_prm{ policy_tokens = pol, ref_tokens = ref, step_ends = { { 2, 4 }, { 1, 3, 5 } },
    beta = 0.5, outcome = { 1, 0 } }
  -- row 1 token rewards 0.25 -0.5 0 -0.5: steps -0.25, -0.5
  -- row 2 token rewards 0 0.5 -0.5 0 1: steps 0, 0, 1
  T.near(f.step_rewards, { { -0.25, -0.5, nan }, { 0, 0, 1 } }, 1e-15)
  T.near(f.q, { { -0.25, -0.75, nan }, { 0, 0, 1 } }, 1e-15)
  T.near(f.score, { -0.5, 0 }, 1e-15)
  T.near(f.reward, { -0.75, 1 }, 1e-15)
  T.near(f.ce_losses, { sp(0.75), sp(1) }, 1e-14)
  T.near(f.ce_loss, (sp(0.75) + sp(1)) / 2, 1e-14)
  local g = pref.implicit_prm{ policy_tokens = pol, ref_tokens = ref, step_ends = { { 2, 4 }, { 1, 3, 5 } },
    beta = 0.5, aggregate = "sum" }
  T.near(g.score, { -0.75, 1 }, 1e-15)
  local one = pref.implicit_prm{ policy_tokens = { -1, -2, -1, -3 }, ref_tokens = { -1.5, -1, -1, -2 },
    step_ends = { 2, 4 }, beta = 0.5 }
  T.near(one.step_rewards, { -0.25, -0.5 }, 1e-15)
  T.near(one.q, { -0.25, -0.75 }, 1e-15)
  T.eq(one.score, -0.5)
  local function e(t, msg) T.errors(function() return pref.implicit_prm(t) end, msg) end
  e({ policy_tokens = { -1, -2 }, ref_tokens = { -1, -2 }, step_ends = { 2, 1 }, beta = 1 }, "must be increasing token indices")
  e({ policy_tokens = { -1, -2 }, ref_tokens = { -1, -2 }, step_ends = { 3 }, beta = 1 }, "in 1..2")
  e({ policy_tokens = { -1, -2 }, ref_tokens = { -1, -2 }, step_ends = { 2 }, beta = 1, aggregate = "max" }, "aggregate must be")
  e({ policy_tokens = { -1, -2 }, ref_tokens = { -1 }, step_ends = { 1 }, beta = 1 }, "differ in shape")
  e({ policy_tokens = { -1, -2 }, ref_tokens = { -1, -2 }, step_ends = { 2 }, beta = 1, outcome = { 2 } }, "outcome labels must be in [0, 1]")
end)

T.test("did and kl_optimum on a finite set", function()
  local d = pref.did{ policy = { 0.5, 0.3, 0.2 }, ref = { 0.25, 0.25, 0.5 } }
  local q = { 2, 1.2, 0.4 }
  local s = 3.6
  T.near(d.ratio, { 2 / s, 1.2 / s, 0.4 / s }, 1e-15)
  local h = 0
  for i = 1, 3 do h = h - q[i] / s * log(q[i] / s) end
  T.near(d.entropy, h, 1e-14)
  local same = pref.did{ policy = { 0.2, 0.8 }, ref = { 0.2, 0.8 } }
  T.near(same.entropy, log(2), 1e-15)
  local p = pref.kl_optimum{ ref = { 0.5, 0.25, 0.25 }, reward = { 1, 2, 0 }, beta = 0.5 }
  local w = { 0.5 * exp(2), 0.25 * exp(4), 0.25 }
  local z = w[1] + w[2] + w[3]
  T.near(p, { w[1] / z, w[2] / z, w[3] / z }, 1e-14)
  -- huge rewards do not overflow
  local big = pref.kl_optimum{ ref = { 0.5, 0.5 }, reward = { 1e4, 1e4 - 1 }, beta = 0.01 }
  T.near(big, { 1, 0 }, 1e-15, nil, 1e-40)
  T.errors(function() return pref.did{ policy = { 0.5, 0.5 }, ref = { 1, 0 } } end, "pref.did: 'ref' element 2 must be positive")
  T.errors(function() return pref.kl_optimum{ ref = { 0.5, 0.5 }, reward = { 1 }, beta = 1 } end,
    "pref.kl_optimum: 'reward' has 1 elements, expected 2")
  T.errors(function() return pref.kl_optimum{ ref = { 0.5, 0.5 }, reward = { 1, 1 }, beta = -1 } end, "beta must be")
end)
