-- usage: orrery bench/survfrail_bench.lua frail.csv reps
-- Gamma frailty Cox fits (fixed theta = 0.5 and theta estimated) on the file
-- bench/survfrail.sh writes; prints "fixed s" and "est s" (best of reps).
local surv = require "orrery.surv"
local data = require "orrery.data"
local best = dofile("bench/best.lua")
local file, reps = arg[1], tonumber(arg[2] or "3")
local d = data.read_csv(file)
local fit
print(string.format("fixed %.4f", best(reps, function()
  fit = surv.cox{ formula = "Surv(time, status) ~ x1 + x2", data = d, frailty = "id", theta = 0.5 }
end)))
io.stderr:write(string.format("orrery fixed coef1 %.10g\n", fit.coef[1]))
print(string.format("est %.4f", best(reps, function()
  fit = surv.cox{ formula = "Surv(time, status) ~ x1 + x2", data = d, frailty = "id" }
end)))
io.stderr:write(string.format("orrery estimated theta %.6g coef1 %.10g\n", fit.theta, fit.coef[1]))
