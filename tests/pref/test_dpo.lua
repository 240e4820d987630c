-- pref.dpo_loss against tests/ref/pref/make_dpo.py, an independent numpy
-- implementation of the published formulas (losses) whose derivatives come
-- from the complex step. Tolerances: per-pair losses, gradients, rewards and
-- the mean 1e-12 relative (plus 1e-15 absolute where a value is ~0 after
-- cancellation: a gradient of exactly 0 or a margin near 0); gradients also
-- against central finite differences (1e-6 relative, h = 1e-6 |x|).
local T = require "orrery.testing"
local R = T.ref("pref/dpo_ref.txt")
local d = T.csv("pref/dpo_pairs.csv")
local REL, ABS = 1e-12, 1e-15

local function call(name, beta, e, uselen, over)
  local t = { policy_chosen = d.lw, policy_rejected = d.ll, ref_chosen = d.Lw, ref_rejected = d.Ll,
    loss = name, beta = beta, label_smoothing = e }
  if uselen then t.chosen_len, t.rejected_len = d.lc, d.lr end
  for k, v in pairs(over or {}) do t[k] = v end
  return pref.dpo_loss(t)
end

for k = 1, R.ncases do
  local key = "c" .. k
  local c = R[key .. ".case"]
  local name, beta, e, uselen = c[1], c[2], c[3], c[4] == 1
  T.test(string.format("%s, beta %g, label smoothing %g%s: losses, gradients, metrics vs numpy",
      name, beta, e, uselen and ", per-token averages" or ""), function()
    local r = call(name, beta, e, uselen)
    T.near(r.losses, R[key .. ".losses"], REL, "losses", ABS)
    T.near(r.loss, R[key .. ".loss"], REL, "mean", ABS)
    T.near(r.grad_chosen, R[key .. ".grad_chosen"], REL, "grad_chosen", ABS)
    T.near(r.grad_rejected, R[key .. ".grad_rejected"], REL, "grad_rejected", ABS)
    T.near(r.rewards_chosen, R[key .. ".rewards_chosen"], REL, "rewards_chosen", ABS)
    T.near(r.rewards_rejected, R[key .. ".rewards_rejected"], REL, "rewards_rejected", ABS)
    T.near(r.accuracy, R[key .. ".accuracy"], 0, "accuracy")
    T.near(r.margin, R[key .. ".margin"], 1e-12, "margin", 1e-13)
    for i = 1, #r.losses do
      local v = r.losses[i]
      T.ok(v == v and v > -math.huge and v < math.huge, "loss " .. i .. " finite")
    end
  end)

  T.test(string.format("%s, beta %g: gradients vs central differences", name, beta), function()
    -- rows 13.. (moderate values, away from the hinge's kink)
    local r = call(name, beta, e, uselen)
    for i = 13, #d.lw do
      local function at(dlw, dll)
        local one = function(v) return { v[i] } end
        local t = { policy_chosen = { d.lw[i] + dlw }, policy_rejected = { d.ll[i] + dll },
          ref_chosen = one(d.Lw), ref_rejected = one(d.Ll), loss = name, beta = beta, label_smoothing = e }
        if uselen then t.chosen_len, t.rejected_len = one(d.lc), one(d.lr) end
        return pref.dpo_loss(t).loss
      end
      local hc, hr = 1e-6 * math.abs(d.lw[i]), 1e-6 * math.abs(d.ll[i])
      local fc = (at(hc, 0) - at(-hc, 0)) / (2 * hc)
      local fr = (at(0, hr) - at(0, -hr)) / (2 * hr)
      T.near(r.grad_chosen[i], fc, 1e-6, "pair " .. i .. " d/dchosen", 1e-9)
      T.near(r.grad_rejected[i], fr, 1e-6, "pair " .. i .. " d/drejected", 1e-9)
    end
  end)
end

T.test("policy = reference: sigmoid loss is log 2, gradients -+beta/2", function()
  for _, b in ipairs { 0.01, 0.1, 1, 10 } do
    local r = pref.dpo_loss{ policy_chosen = { -3, -100 }, policy_rejected = { -7, -1 },
      ref_chosen = { -3, -100 }, ref_rejected = { -7, -1 }, beta = b }
    T.near(r.losses, { math.log(2), math.log(2) }, 1e-15)
    T.near(r.grad_chosen, { -b / 2, -b / 2 }, 1e-15)
    T.near(r.grad_rejected, { b / 2, b / 2 }, 1e-15)
    T.eq(r.accuracy, 0, "ties count 0")
    T.eq(r.margin, 0)
  end
end)

T.test("log-ratios of +-1e4 give finite, exact values", function()
  local function one(loss, D, e)
    return pref.dpo_loss{ policy_chosen = { D }, policy_rejected = { 0 }, ref_chosen = { 0 },
      ref_rejected = { 0 }, beta = 1, loss = loss, label_smoothing = e }
  end
  T.eq(one("sigmoid", 1e4).loss, 0)
  T.eq(one("sigmoid", -1e4).loss, 1e4)
  T.eq(one("sigmoid", -1e4).grad_chosen[1], -1)
  T.eq(one("cdpo", 1e4, 0.25).loss, 0.25 * 1e4)
  T.eq(one("robust", -1e4, 0.25).loss, 0.75 * 1e4 / 0.5)
  T.eq(one("discopop", -1e4).loss, 1e4)
  T.eq(one("discopop", 1e4).loss, 0)
  T.near(one("exo_pair", 1e4).loss, -math.log(1 - 1e-3), 1e-15)
  T.near(one("exo_pair", -1e4).loss, -math.log(1e-3), 1e-15)
  T.eq(one("bco_pair", -1e4).loss, 1e4 + math.log(2))
  T.eq(one("nca_pair", -1e4).loss, 1e4 + 0.5 * math.log(2))
  for _, loss in ipairs { "hinge", "ipo", "sppo_hard", "apo_zero", "apo_down" } do
    for _, D in ipairs { 1e4, -1e4 } do
      local r = one(loss, D)
      T.ok(r.loss == r.loss and math.abs(r.loss) < math.huge, loss .. " finite")
      T.ok(math.abs(r.grad_chosen[1]) < math.huge and math.abs(r.grad_rejected[1]) < math.huge, loss .. " grads finite")
    end
  end
end)

T.test("bad input: lengths, beta, label smoothing, loss name, values", function()
  local base = function(over)
    local t = { policy_chosen = { -1, -2 }, policy_rejected = { -2, -3 }, ref_chosen = { -1, -2 },
      ref_rejected = { -2, -3 } }
    for k, v in pairs(over) do t[k] = v end
    return function() return pref.dpo_loss(t) end
  end
  T.errors(base { ref_rejected = { -1 } }, "pref.dpo_loss: 'ref_rejected' has 1 elements, 'policy_chosen' has 2")
  T.errors(base { policy_rejected = false }, "pref.dpo_loss:")
  T.errors(base { beta = 0 }, "pref.dpo_loss: beta must be positive")
  T.errors(base { beta = -1 }, "pref.dpo_loss: beta must be positive")
  T.errors(base { beta = 0 / 0 }, "pref.dpo_loss: beta must be positive")
  T.errors(base { label_smoothing = -0.1 }, "label_smoothing must be in [0, 1)")
  T.errors(base { label_smoothing = 1 }, "label_smoothing must be in [0, 1)")
  T.errors(base { loss = "robust", label_smoothing = 0.5 }, "loss 'robust' needs label_smoothing below 0.5")
  T.errors(base { loss = "kto" }, "pref.dpo_loss: unknown loss 'kto'")
  T.errors(base { loss = 3 }, "pref.dpo_loss: 'loss' must be a string")
  T.errors(base { betta = 1 }, "pref.dpo_loss: unknown option 'betta'")
  T.errors(base { policy_chosen = { 0 / 0, 1 } }, "pref.dpo_loss: 'policy_chosen' element 1 is not finite")
  T.errors(base { ref_chosen = { 1, -math.huge } }, "pref.dpo_loss: 'ref_chosen' element 2 is not finite")
  T.errors(base { loss = "ipo", chosen_len = { 1, 2 } }, "give both chosen_len and rejected_len")
  T.errors(base { chosen_len = { 1, 2 }, rejected_len = { 1, 2 } }, "apply to loss 'ipo' only")
  T.errors(base { loss = "ipo", chosen_len = { 1, 0 }, rejected_len = { 1, 2 } }, "sequence lengths must be positive")
  T.errors(base { loss = "ipo", chosen_len = { 1, 2, 3 }, rejected_len = { 1, 2, 3 } }, "chosen_len has 3 elements")
  T.errors(function() return pref.dpo_loss(1) end, "table expected")
  T.errors(base { policy_chosen = {}, policy_rejected = {}, ref_chosen = {}, ref_rejected = {} }, "pref.dpo_loss: no pairs")
end)

T.test("ipo lengths may be one number; the label smoothing of sigmoid is cDPO", function()
  local a = pref.dpo_loss{ policy_chosen = { -10, -20 }, policy_rejected = { -30, -5 }, ref_chosen = { -12, -19 },
    ref_rejected = { -29, -6 }, loss = "ipo", chosen_len = 4, rejected_len = 4 }
  local b = pref.dpo_loss{ policy_chosen = { -2.5, -5 }, policy_rejected = { -7.5, -1.25 },
    ref_chosen = { -3, -4.75 }, ref_rejected = { -7.25, -1.5 }, loss = "ipo" }
  T.near(a.losses, b.losses, 1e-14)
  local s = { policy_chosen = { -1 }, policy_rejected = { -2 }, ref_chosen = { -1.5 }, ref_rejected = { -1 },
    label_smoothing = 0.2, beta = 0.7 }
  local c1 = pref.dpo_loss(s)
  s.loss = "cdpo"
  T.eq(pref.dpo_loss(s).loss, c1.loss)
end)
