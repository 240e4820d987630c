-- Raw and length-controlled win rates (AlpacaEval 2, Dubois et al. 2024)
-- of two simulated models against one baseline: "concise" and "verbose"
-- have the same quality advantage, but verbose writes twice as long and the
-- judge likes length. The raw win rate rewards verbosity; the LC win rate
-- (pref.lc_winrate: the GLM's prediction at zero length difference) should
-- put the two models close together.
-- usage: orrery scripts/length_control.lua [n=805] [seed=1]
local pref = require "orrery.pref"
local rng = require "orrery.rng"
local P = require "orrery.printing"

local n = tonumber(arg and arg[1]) or 805
local r = rng.new(tonumber(arg and arg[2]) or 1)

-- instructions: difficulty gamma_x, baseline lengths
local gamma, len_base = r:normal(n), r:gamma(n, 4, 1 / 250)
local quality, length_bias = 0.3, 0.9

local function tanh(x)
  local e = math.exp(-2 * math.abs(x))
  return (x < 0 and -1 or 1) * (1 - e) / (1 + e)
end

local function judge(factor)
  local p, lm = {}, {}
  local noise = r:normal(n)
  local lens = r:normal(n, 0, 0.25)
  for i = 1, n do
    lm[i] = math.floor(len_base[i] * factor * math.exp(lens[i]) + 0.5)
    local delta = (len_base[i] - lm[i]) / 1000
    local eta = quality - length_bias * tanh(delta) - 0.5 * gamma[i] + 0.3 * noise[i]
    p[i] = 1 / (1 + math.exp(-eta))   -- the judge's probability: a soft label
  end
  return pref.lc_winrate{ pref = p, len_model = lm, len_base = len_base, difficulty = gamma }
end

local concise, verbose = judge(1), judge(2)
print(string.format("Win rates against the baseline on %d instructions (percent, SE)", n))
print()
local fmt = function(v, se) return P.format({ v }, 4)[1] .. " (" .. P.format({ se }, 2)[1] .. ")" end
print(P.matrix({ "concise", "verbose" }, { "raw win rate", "LC win rate" }, {
  { fmt(concise.winrate, concise.winrate_se), fmt(concise.lc_winrate, concise.lc_se) },
  { fmt(verbose.winrate, verbose.winrate_se), fmt(verbose.lc_winrate, verbose.lc_se) } }))
print()
print(string.format("verbose minus concise: raw %.2f points, length-controlled %.2f points",
  verbose.winrate - concise.winrate, verbose.lc_winrate - concise.lc_winrate))
print()
print(verbose)
