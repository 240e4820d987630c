-- Rewards confounded by response length and style, after DeconfoundLM
-- (deconfounding a reward model by regressing its scores on the
-- confounders): a reward model that also rewards length
-- and a style feature (say, markdown lists) ranks long, list-heavy responses
-- above better ones. Regressing the rewards on the confounders
-- (regress.ols) and keeping the residuals removes that spurious preference.
-- Claim checked: the residualised rewards rank responses closer to their
-- true quality (Spearman and Kendall correlations, stats.cor_test) and no
-- longer prefer length. The second setting is the method's known limit: when
-- length partly reflects quality, residualising also removes that part.
-- Simulation: n = 2000 responses; quality q ~ N(0, 1); log-length and style
-- N(0, 1) (independent of q, or log-length = 0.5 q + noise in the second
-- setting); reward = q + 1.0 log-length + 0.7 style + N(0, 0.5^2).
--   orrery scripts/deconfounded_rewards.lua [reps] [--out dir]
-- --out dir saves the figure deconfounded_rewards.svg (and .png): raw and
-- residualised reward against quality, one data set.
local data = require "orrery.data"
local experiment = require "orrery.experiment"
local plot = require "orrery.plot"
local regress = require "orrery.regress"
local rng = require "orrery.rng"
local stats = require "orrery.stats"

local cli = dofile((arg[0]:match("^(.*)/") or ".") .. "/cli.lua")
local reps, outdir = cli.options(100, "deconfounded_rewards.lua")
local n = 2000

-- one data set: quality, length, raw and residualised rewards
local function draw(r, length_quality)
  local q = r:normal(n)
  local len = length_quality * q + r:normal(n)
  local style = r:normal(n)
  local reward = q + 1.0 * len + 0.7 * style + 0.5 * r:normal(n)
  return q, len, reward, regress.ols{ y = reward, x = len:hcat(style) }:residuals()
end

-- one replicate: rank correlations of the raw and residualised rewards with
-- quality and with length
local function run(r, setting)
  local q, len, reward, deconf = draw(r, setting.length_quality)
  return {
    raw_q = stats.cor_test(reward, q, "spearman").estimate,
    deconf_q = stats.cor_test(deconf, q, "spearman").estimate,
    raw_qk = stats.cor_test(reward, q, "kendall").estimate,
    deconf_qk = stats.cor_test(deconf, q, "kendall").estimate,
    raw_len = stats.cor_test(reward, len, "spearman").estimate,
    deconf_len = stats.cor_test(deconf, len, "spearman").estimate,
  }
end

local fr = experiment.sweep{ grid = { length_quality = { 0, 0.5 } }, reps = reps, seed = 17, run = run }
local lq = data.col(fr, "length_quality")
local function mean(name, v)
  local col, s, k = data.col(fr, name), 0, 0
  for i = 1, data.nrow(fr) do
    if lq[i] == v then s, k = s + col[i], k + 1 end
  end
  return s / k
end

print(string.format("n = %d responses, mean rank correlations over %d replicates", n, reps))
print(string.format("%-34s %10s %10s %10s %10s %10s %10s", "setting", "rho(r,q)", "tau(r,q)", "rho(r,len)",
  "rho(d,q)", "tau(d,q)", "rho(d,len)"))
local res = {}
for _, v in ipairs { 0, 0.5 } do
  local m = {}
  for _, name in ipairs { "raw_q", "raw_qk", "raw_len", "deconf_q", "deconf_qk", "deconf_len" } do
    m[name] = mean(name, v)
  end
  res[v] = m
  print(string.format("%-34s %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f",
    v == 0 and "length independent of quality" or "length = 0.5 quality + noise",
    m.raw_q, m.raw_qk, m.raw_len, m.deconf_q, m.deconf_qk, m.deconf_len))
end
print("r: raw rewards, d: rewards residualised on length and style (regress.ols)")
-- the figure: one data set of the first setting, reward against quality
-- before and after residualising, one panel each
cli.figure(outdir, "deconfounded_rewards", function()
  local q, _, reward, deconf = draw(rng.new(17), 0)
  local panel = {}
  for i = 1, n do panel[i], panel[n + i] = "raw reward", "residualised on length and style" end
  return plot.new{ title = string.format("reward against true quality, one data set of n = %d", n),
    xlab = "true quality q", ylab = "reward" }
    :points(q:vcat(q), reward:vcat(deconf), { size = 1.2, alpha = 0.35 })
    :facet(panel)
end)

-- verdict (first setting): residualising raises both rank correlations with
-- quality and brings the one with length within 0.05 of 0; the second
-- setting is reported, not judged
local m = res[0]
local better = m.deconf_q > m.raw_q and m.deconf_qk > m.raw_qk
local unconfounded = math.abs(m.deconf_len) < 0.05
print(string.format("verdict: Spearman with quality %.2f -> %.2f, with length %.2f -> %.2f: residualising %s and %s "
  .. "-- %s the paper (when length reflects quality: %.2f -> %.2f)", m.raw_q, m.deconf_q, m.raw_len, m.deconf_len,
  better and "ranks closer to quality" or "does not rank closer to quality",
  unconfounded and "removes the length preference" or "leaves a length preference",
  (better and unconfounded) and "agrees with" or "disagrees with", res[0.5].raw_q, res[0.5].deconf_q))
