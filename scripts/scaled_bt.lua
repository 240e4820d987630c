-- Regular, margin and scaled Bradley-Terry reward losses on preference-
-- strength data (HelpSteer2-Preference, Wang et al. 2024), by simulation.
-- Annotators report which of two responses is better and by how much
-- (strength 1..3, from the size of the true reward gap, with noise). A
-- linear reward model r(y) = x_y . w is trained by full-batch Adam on each
-- pref.reward_loss kind and scored on held-out pairs: preference accuracy
-- against the true reward and the correlation of r with the true reward.
-- usage: orrery scripts/scaled_bt.lua [scale=1] [seed=1]
local pref = require "orrery.pref"
local rng = require "orrery.rng"
local stats = require "orrery.stats"
local mat = require "orrery.mat"
local P = require "orrery.printing"

local scale = tonumber(arg and arg[1]) or 1
local r = rng.new(tonumber(arg and arg[2]) or 1)
local d, ntrain, ntest = 5, math.floor(2000 * scale), 4000
local theta = { 1.2, -0.7, 0.5, 0.3, -0.2 }

local function response()
  local x = r:normal(d):totable()
  local t = 0
  for j = 1, d do t = t + theta[j] * x[j] end
  return x, t
end

-- a pair: the chosen response (by a Bradley-Terry draw), the rejected one,
-- and the reported strength: 1, 2 or 3 from the noisy gap
local function pairs(n)
  local out = {}
  for k = 1, n do
    local xa, ta = response()
    local xb, tb = response()
    if r:uniform(1)[1] >= 1 / (1 + math.exp(-(ta - tb))) then xa, ta, xb, tb = xb, tb, xa, ta end
    local gap = math.abs(ta - tb + 0.3 * r:normal(1)[1])
    out[k] = { xc = xa, xr = xb, tc = ta, tr = tb, m = gap < 0.7 and 1 or gap < 1.6 and 2 or 3 }
  end
  return out
end

local function score(x, w)
  local s = 0
  for j = 1, d do s = s + x[j] * w[j] end
  return s
end

local function fit(kind, data)
  local w, m, v = {}, {}, {}
  for j = 1, d do w[j], m[j], v[j] = 0, 0, 0 end
  local margins = {}
  for k, p in ipairs(data) do margins[k] = p.m end
  for step = 1, 400 do
    local c, rj = {}, {}
    for k, p in ipairs(data) do c[k], rj[k] = score(p.xc, w), score(p.xr, w) end
    local res = pref.reward_loss{ chosen = c, rejected = rj, kind = kind,
      margin = kind ~= "bt" and margins or nil }
    for j = 1, d do
      local g = 0
      for k, p in ipairs(data) do
        g = g + res.grad_chosen[k] * p.xc[j] + res.grad_rejected[k] * p.xr[j]
      end
      g = g / #data
      m[j] = 0.9 * m[j] + 0.1 * g
      v[j] = 0.999 * v[j] + 0.001 * g * g
      w[j] = w[j] - 0.05 * (m[j] / (1 - 0.9 ^ step)) / (math.sqrt(v[j] / (1 - 0.999 ^ step)) + 1e-8)
    end
  end
  return w
end

local train, test = pairs(ntrain), pairs(ntest)
local kinds = { "bt", "margin", "scaled" }
local acc, cor = {}, {}
for i, kind in ipairs(kinds) do
  local w = fit(kind, train)
  local cs, rs, est, tru = {}, {}, {}, {}
  for k, p in ipairs(test) do
    local better, worse = p.xc, p.xr
    if p.tc < p.tr then better, worse = p.xr, p.xc end
    cs[k], rs[k] = score(better, w), score(worse, w)
    est[k], tru[k] = score(p.xc, w), p.tc
  end
  acc[i] = pref.accuracy{ chosen_scores = cs, rejected_scores = rs }
  cor[i] = stats.cor(mat.vec(est), mat.vec(tru))
end
print(string.format("Reward losses on preference-strength data: %d training pairs, %d test pairs", ntrain, ntest))
print()
print(P.columns({ "regular BT", "margin BT", "scaled BT" }, { "accuracy", "cor(r, true)" }, { acc, cor }, 4))
