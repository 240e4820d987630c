-- Timings for bench/bayes.sh: NIW rank-one updates at d = 10, the binary
-- 3-level HGF, and the Bayesian bootstrap of a mean (n, B from the command line).
-- usage: orrery bench/bayes_bench.lua reps n B
local reps, n, B = tonumber(arg[1] or "3"), tonumber(arg[2] or "100000"), tonumber(arg[3] or "10000")
local run_best = dofile "bench/best.lua"
local function best(f) return run_best(reps, f) end
local r = rng.new(1)
local d, N = 10, 200000
local X = r:normal(N * d):reshape(N, d)
local m = bayes.niw{ mu0 = mat.zeros(d, 1), kappa0 = 1, nu0 = d + 2, psi0 = mat.eye(d) }
local t = best(function() m:update(X) end)
print(string.format("niw_updates_per_s %.4g", N / t))
local K = 2000000
local u = r:bernoulli(K, 0.7)
local h = bayes.hgf{ kind = "binary", levels = 3, omega = -4, kappa = 1, theta = 0.1 }
t = best(function() h:filter(u) end)
print(string.format("hgf_inputs_per_s %.4g", K / t))
local x = r:normal(n)
local draws
t = best(function() draws = bayes.bootstrap(x, "mean", B, rng.new(2)).draws end)
print(string.format("bboot %.4f", t))
io.stderr:write(string.format("orrery bootstrap sd %.6g\n", stats.sd(draws)))
