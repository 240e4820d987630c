-- The binary 3-level hierarchical Gaussian filter on a sequence whose
-- probability switches: a stable phase (p = 0.8 for 100 trials), a volatile
-- phase (p alternating 0.8/0.2 every 20 trials) and a stable phase again.
-- (mu3 comes down only slowly after the volatile phase: volatility is learnt
-- faster than it is unlearnt with these parameters.)
-- The level-2 belief s(mu2) tracks the probability; the level-3 mean mu3
-- (the log-volatility estimate) rises in the volatile phase. omega is then
-- fitted by minimising the total surprise.
--   ./orrery scripts/hgf_volatility.lua [seed] [--out dir]
-- The beliefs are drawn in the terminal; --out dir also saves them as
-- hgf_volatility.svg (and .png).
local bayes = require "orrery.bayes"
local rng = require "orrery.rng"
local mat = require "orrery.mat"
local plot = require "orrery.plot"
local P = require "orrery.printing"
local cli = dofile((arg and arg[0] and arg[0]:match("^(.*)/") or "scripts") .. "/cli.lua")

local usage = "hgf_volatility.lua [seed] [--out dir]"
local pos, outdir = cli.parse(usage)
if #pos > 1 then error("usage: " .. usage) end
local seed = pos[1] or 1
local r = rng.new(seed)
local p = {}
for t = 1, 100 do p[t] = 0.8 end
for t = 101, 200 do p[t] = (math.floor((t - 101) / 20) % 2 == 0) and 0.2 or 0.8 end
for t = 201, 300 do p[t] = 0.8 end
local u = mat.new(#p, 1)
local unif = r:uniform(#p)
for t = 1, #p do u:set(t, 1, unif[t] < p[t] and 1 or 0) end

local model = bayes.hgf{ kind = "binary", levels = 3, omega = -3, kappa = 1, theta = 0.5,
  mu0 = { 0, 1 }, pi0 = { 1, 1 } }
local fit, res = model:fit(u, { free = { "omega" } })
print(tostring(model))
print(string.format("fitted omega %s: total surprise %s -> %s (%s)\n", P.num(fit.omega[2], 4),
  P.num(model:filter(u).total, 6), P.num(res.value, 6), res.converged and "converged" or "not converged"))
local f = fit:filter(u)

local rows, cells = {}, {}
local phase_mu3 = { 0, 0, 0 }
for b = 1, 15 do
  local lo, hi = (b - 1) * 20 + 1, b * 20
  local s2, s3, acc = 0, 0, 0
  for t = lo, hi do
    s2 = s2 + f.mu[t]; s3 = s3 + f.mu:get(t, 3)
    acc = acc + ((f.mu[t] > 0.5) == (p[t] > 0.5) and 1 or 0)
  end
  local ph = lo <= 100 and 1 or lo <= 200 and 2 or 3
  phase_mu3[ph] = phase_mu3[ph] + s3 / 100
  rows[b] = string.format("%d-%d", lo, hi)
  cells[b] = { P.num(p[hi], 2), P.num(s2 / 20, 3), P.num(s3 / 20, 3), P.num(acc / 20, 2) }
end
print(P.matrix(rows, { "true p", "mean s(mu2)", "mean mu3", "sides right" }, cells))
print(string.format("\nmean log-volatility mu3 by phase: stable %s, volatile %s, stable %s",
  P.num(phase_mu3[1], 3), P.num(phase_mu3[2], 3), P.num(phase_mu3[3], 3)))
print(string.format("volatility estimate %s in the volatile phase",
  phase_mu3[2] > phase_mu3[1] and "rises" or "does not rise"))

-- beliefs over time, drawn in the terminal (and saved with --out dir)
local t = mat.range(1, #p)
local truth = mat.vec(p)
local function beliefs()
  return plot.new{ title = "binary HGF: belief s(mu2) and the true probability", xlab = "trial",
    ylab = "probability" }
    :line(t, truth, { label = "true p" }):line(t, f.mu:col(1), { label = "belief s(mu2)" })
end
print(tostring(beliefs()))
print(tostring(plot.line(t, f.mu:col(3), { title = "level-3 mean mu3 (log-volatility)", xlab = "trial" })))
cli.figure(outdir, "hgf_volatility", beliefs)
