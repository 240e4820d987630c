-- A first look (make run): simulated regression, then the veteran lung cancer
-- trial (survival::veteran, scripts/data/veteran.csv) through Kaplan-Meier,
-- a log-rank test and a Cox model. Plots draw in the terminal; as a web page:
-- ./orrery report scripts/demo.lua -o demo.html
local data = require "orrery.data"
local experiment = require "orrery.experiment"
local plot = require "orrery.plot"
local regress = require "orrery.regress"
local rng = require "orrery.rng"
local surv = require "orrery.surv"

local t0 = experiment.clock()
local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
-- --out dir: the figures are also saved there, as SVG and PNG
local outdir
for i = 1, arg and #arg or 0 do if arg[i] == "--out" then outdir = arg[i + 1] end end
local function figure(p, name)
  print(p)
  if outdir then p:save(outdir .. "/" .. name .. ".svg"); p:save(outdir .. "/" .. name .. ".png") end
end

local r = rng.new(1)
local x = r:normal(500)
local y = 1 + 2 * x + r:normal(500, 0, 0.5)
local fit = regress.ols{ y = y, x = x }
print(fit)
figure(plot.scatter(x, y, { title = "Simulated data and the OLS line", xlab = "x", ylab = "y",
  size = 1.5, alpha = 0.5 }):abline(fit.coef[1], fit.coef[2], { label = "OLS", color = "red" }), "ols")

local vet = data.read_csv(here .. "/data/veteran.csv")
print(vet:head())
local km = surv.km(vet.time, vet.status, { group = vet.trt })
figure(km:plot{ title = "veteran: survival by treatment" }, "km_veteran")
for _, level in ipairs(km.levels) do
  local med, lo, hi = km[level]:median()
  print(string.format("treatment %g: median survival %g days (95%% CI %g to %g)", level, med, lo, hi))
end
print(surv.logrank(vet.time, vet.status, vet.trt))
print(surv.lm("Surv(time, status) ~ trt + karno + age", vet))
print(string.format("\ndone in %.1f ms", (experiment.clock() - t0) * 1e3))
