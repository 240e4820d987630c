-- Timings for bench/surv.sh: Cox (Efron) on the 1e5 x 10 data and
-- Kaplan-Meier on the 1e6 data written by the shell script.
-- With a third file, Kaplan-Meier with case weights on it: Greenwood's
-- variance on all rows (kmw) and the jackknife on the first 1e5 (kmij).
-- usage: orrery bench/surv_bench.lua cox.csv km.csv reps [kmw.csv]
local coxf, kmf, reps, kmwf = arg[1], arg[2], tonumber(arg[3] or "3"), arg[4]
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
if kmwf then
  local kw = data.read_csv(kmwf)
  print(string.format("kmw %.4f", best(function()
    km = surv.km(kw.time, kw.status, { weights = kw.w, robust = false })
  end)))
  io.stderr:write(string.format("orrery weighted km median %.10g\n", (km:median())))
  local n = 100000
  local t, s, w = mat.zeros(n, 1), mat.zeros(n, 1), mat.zeros(n, 1)
  for i = 1, n do t:set(i, 1, kw.time[i]); s:set(i, 1, kw.status[i]); w:set(i, 1, kw.w[i]) end
  print(string.format("kmij %.4f", best(function() km = surv.km(t, s, { weights = w }) end)))
  io.stderr:write(string.format("orrery jackknife se[100] %.10g\n", km.se[100]))
end
