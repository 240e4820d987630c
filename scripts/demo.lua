-- A first look (make run): simulated regression, then the veteran lung cancer
-- trial (survival::veteran, scripts/data/veteran.csv) through Kaplan-Meier,
-- a log-rank test and a Cox model.
local data = require "orrery.data"
local experiment = require "orrery.experiment"
local regress = require "orrery.regress"
local rng = require "orrery.rng"
local surv = require "orrery.surv"

local t0 = experiment.clock()
local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."

local r = rng.new(1)
local x = r:normal(500)
local y = 1 + 2 * x + r:normal(500, 0, 0.5)
print(regress.ols{ y = y, x = x })

local vet = data.read_csv(here .. "/data/veteran.csv")
local km = surv.km(vet.time, vet.status, { group = vet.trt })
for _, level in ipairs(km.levels) do
  local med, lo, hi = km[level]:median()
  print(string.format("treatment %g: median survival %g days (95%% CI %g to %g)", level, med, lo, hi))
end
print(surv.logrank(vet.time, vet.status, vet.trt))
print(surv.lm("Surv(time, status) ~ trt + karno + age", vet))
print(string.format("\ndone in %.1f ms", (experiment.clock() - t0) * 1e3))
