-- Timings for bench/surv.sh: Cox (Efron) on the 1e5 x 10 data and
-- Kaplan-Meier on the 1e6 data written by the shell script.
-- usage: orrery bench/surv_bench.lua cox.csv km.csv reps
local coxf, kmf, reps = arg[1], arg[2], tonumber(arg[3] or "3")
local run_best = dofile "bench/best.lua"
local function best(f) return run_best(reps, f) end
local d = data.read_csv(coxf)
local names = {}
for j = 1, 10 do names[j] = "x" .. j end
local X = d:matrix(names)
local fit
print(string.format("cox %.4f", best(function()
  fit = surv.cox{ time = d.time, status = d.status, x = X }
end)))
io.stderr:write(string.format("orrery cox loglik %.10g coef1 %.10g\n", fit.loglik[2], fit.coef[1]))
local k = data.read_csv(kmf)
local km
print(string.format("km %.4f", best(function() km = surv.km(k.time, k.status) end)))
io.stderr:write(string.format("orrery km median %.10g\n", (km:median())))
