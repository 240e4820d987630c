-- The survival-time rule (vm/orules.h) is the same in km, na, logrank, cox
-- and fit: a time must be >= 0, as R's Surv (time 0 is an event or a
-- censoring at the origin), and fit also refuses 0 because its families
-- take log t, as survreg does; a negative or infinite time is an error
-- naming the element, a NaN time is missing (the row is dropped).
local T = require "orrery.testing"

local status = { 1, 1, 0, 1, 1, 0 }
local group = { 1, 2, 1, 2, 1, 2 }
local x = { 0.5, 1.5, 0.2, 0.9, 1.1, 0.3 }

local function with(t)
  return {
    km = function() return surv.km(t, status) end,
    na = function() return surv.na(t, status) end,
    logrank = function() return surv.logrank(t, status, group) end,
    cox = function() return surv.cox{ time = t, status = status, x = x } end,
    fit = function() return surv.fit{ time = t, status = status, dist = "weibull" } end,
  }
end

T.test("time 0 is a time for km, na, logrank and cox (R's Surv); fit refuses it (log t)", function()
  local f = with { 0, 2, 3, 4, 5, 6 }
  local km = f.km()
  T.eq(km.time[1], 0)
  T.near(km.surv[1], 5 / 6, 1e-15)        -- the death at 0 counts
  T.eq(km.n, 6)
  T.eq(f.na().n, 6)
  local lr = f.logrank()
  T.eq(lr.n, 6)
  T.near(lr.observed:sum(), 4, 0)
  local c = f.cox()
  T.eq(c.n, 6); T.eq(c.nevent, 4)
  T.errors(f.fit, "surv.fit: 'time' element 1 is 0: times must be positive")
end)

T.test("a negative time is the same error everywhere", function()
  local f = with { 1, 2, -3, 4, 5, 6 }
  for _, k in ipairs { "km", "na", "logrank", "cox" } do
    T.errors(f[k], "surv." .. k .. ": 'time' element 3 is -3: times must be >= 0 (as R's Surv)")
  end
  T.errors(f.fit, "surv.fit: 'time' element 3 is -3: times must be positive")
end)

T.test("an infinite time is the same error everywhere", function()
  local f = with { 1, 2, 3, 1 / 0, 5, 6 }
  for _, k in ipairs { "km", "na", "logrank", "cox", "fit" } do
    T.errors(f[k], "surv." .. k .. ": 'time' element 4 is infinite")
  end
end)

T.test("a NaN time is missing: the row is dropped and counted everywhere", function()
  local f = with { 1, 2, 0 / 0, 4, 5, 6 }
  T.eq(f.km().n_dropped, 1)
  T.eq(f.logrank().n_dropped, 1)
  T.eq(f.cox().n_dropped, 1)
  T.eq(f.fit().n_dropped, 1)
end)

T.test("the rule is stated in each function's help", function()
  local help = require "orrery.help"
  for _, k in ipairs { "km", "na", "logrank", "cox" } do
    T.ok((help.lookup("surv." .. k) or ""):find("must be >= 0 as in R's Surv", 1, true), k)
  end
  T.ok((help.lookup("surv.fit") or ""):find("Times must be > 0", 1, true), "fit")
end)
