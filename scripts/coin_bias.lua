-- A coin's bias inferred from its flips: a Beta(1, 1) prior updated as the
-- flips come in, with the 95% equal-tailed and highest-density intervals
-- tightening around the true bias, and the posterior predictive of the next
-- ten flips.
--   ./orrery scripts/coin_bias.lua [seed]
local bayes = require "orrery.bayes"
local rng = require "orrery.rng"
local P = require "orrery.printing"

local seed = tonumber(arg and arg[1]) or 1
local p_true = 0.3
local r = rng.new(seed)
local flips = r:bernoulli(2000, p_true)

print(string.format("coin with bias %.2f, flips drawn with seed %d; prior Beta(1, 1)\n", p_true, seed))
local rows, cells = {}, {}
local m, seen = bayes.beta_binomial(1, 1), 0
local widths = {}
for _, n in ipairs{ 10, 50, 200, 1000, 2000 } do
  local heads = 0
  for i = seen + 1, n do heads = heads + flips[i] end
  m = m:update(heads, n - seen - heads)
  seen = n
  local lo, hi = m:interval(0.95)
  local hlo, hhi = m:interval(0.95, "hpd")
  rows[#rows + 1] = tostring(n)
  cells[#cells + 1] = { P.num(m.a - 1, 6), P.num(m:mean(), 4), P.num(lo, 4), P.num(hi, 4),
    P.num(hlo, 4), P.num(hhi, 4), P.num(hi - lo, 3) }
  widths[#widths + 1] = hi - lo
end
print(P.matrix(rows, { "heads", "mean", "eq. lo", "eq. hi", "HPD lo", "HPD hi", "width" }, cells))
local pred = m:predictive(10)
print("\nposterior predictive of heads in the next 10 flips:")
local prow = {}
for k = 0, 10 do prow[#prow + 1] = { P.num(pred:density(k), 3) } end
local names = {}
for k = 0, 10 do names[#names + 1] = tostring(k) end
print(P.matrix(names, { "P(k)" }, prow))
local shrinking = true
for i = 2, #widths do if widths[i] >= widths[i - 1] then shrinking = false end end
print(string.format("\nthe 95%% interval %s from width %.3f to %.3f; it %s the true bias",
  shrinking and "tightens at every step" or "does not always tighten", widths[1], widths[#widths],
  (select(1, m:interval(0.95)) <= p_true and p_true <= select(2, m:interval(0.95))) and "covers" or "misses"))
