-- DPO's implicit reward versus an explicit reward model (the DPORM vs EXRM
-- question, Lin et al. 2024, "On the limited generalization capability of
-- the implicit reward model induced by DPO"), by simulation.
-- Responses have d features; the true reward is linear in them plus a
-- quadratic term no model sees, and preferences are Bradley-Terry draws
-- from it. A softmax policy (pref.policy) is trained with the DPO loss and
-- a linear Bradley-Terry reward model (pref.reward_model) on the same pairs
-- of in-distribution responses; both are scored by preference accuracy
-- against the true reward on held-out pairs of in-distribution responses
-- and of responses from a shifted feature distribution.
-- usage: orrery scripts/dpo_vs_reward_model.lua [scale=1] [seed=1]
local pref = require "orrery.pref"
local rng = require "orrery.rng"
local P = require "orrery.printing"

local scale = tonumber(arg and arg[1]) or 1
local r = rng.new(tonumber(arg and arg[2]) or 1)
local d, nA, nB = 6, 60, 60
local npairs, ntest = math.floor(1500 * scale), 2000
local theta = { 1.0, -0.8, 0.6, 0.0, 0.4, -0.3 }

-- features: in-distribution responses N(0, 1); shifted ones N(1.5, 1) in
-- the first three coordinates
local F, truth = {}, {}
for i = 1, nA + nB do
  local z = r:normal(d)
  local row = {}
  for j = 1, d do row[j] = z[j] + ((i > nA and j <= 3) and 1.5 or 0) end
  F[i] = row
  local s = 0.5 * row[1] * row[1]
  for j = 1, d do s = s + theta[j] * row[j] end
  truth[i] = s
end

-- Bradley-Terry pairs among responses lo..hi
local function draw_pairs(n, lo, hi)
  local c, rj = {}, {}
  local u = r:uniform(3 * n)
  for k = 1, n do
    local a = lo + math.floor(u[3 * k - 2] * (hi - lo + 1))
    local b = lo + math.floor(u[3 * k - 1] * (hi - lo))
    if b >= a then b = b + 1 end
    local p = 1 / (1 + math.exp(-(truth[a] - truth[b])))
    if u[3 * k] < p then c[k], rj[k] = a, b else c[k], rj[k] = b, a end
  end
  return { chosen = c, rejected = rj }
end

-- the share of pairs whose truly better response scores higher
local function accuracy(score, pairs)
  local cs, rs = {}, {}
  for k = 1, #pairs.chosen do
    local a, b = pairs.chosen[k], pairs.rejected[k]
    if truth[a] < truth[b] then a, b = b, a end
    cs[k], rs[k] = score[a], score[b]
  end
  return pref.accuracy{ chosen_scores = cs, rejected_scores = rs }
end

local train = draw_pairs(npairs, 1, nA)
local test_in, test_shift = draw_pairs(ntest, 1, nA), draw_pairs(ntest, nA + 1, nA + nB)

local beta = 0.1
local pol = pref.policy{ features = F }
local h = pol:train{ pairs = train, loss = "sigmoid", beta = beta, steps = math.floor(300 * scale), lr = 0.05 }
local implicit = pol:implicit_rewards(beta)
local rm = pref.reward_model{ features = F, pairs = train, l2 = 1e-3 }
local explicit = rm:scores()

local rows = { "in distribution", "shifted responses" }
local dpo = { accuracy(implicit, test_in), accuracy(implicit, test_shift) }
local exrm = { accuracy(explicit, test_in), accuracy(explicit, test_shift) }
print(string.format("DPORM vs EXRM: %d training pairs among %d responses, %d test pairs each; "
  .. "DPO loss %.4f -> %.4f", npairs, nA, ntest, h.loss[1], h.final))
print()
print(P.columns(rows, { "DPO implicit", "explicit BT" }, { dpo, exrm }, 4))
print()
print(string.format("accuracy drop under shift: DPO implicit %.4f, explicit reward model %.4f",
  dpo[1] - dpo[2], exrm[1] - exrm[2]))
