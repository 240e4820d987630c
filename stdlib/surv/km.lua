-- surv's Kaplan-Meier part: the restricted mean survival time of a curve
-- (km:rmean), per group for grouped curves. The curves themselves are
-- surv.km in stdlib/surv.lua; the kernel is km_rmean (modules/surv/km.c).
local M, C = ...
local help = require "orrery.help"
local args = require "orrery.args"

local doc, fail = help.doc, args.fail
local KM, KMG = C.KM, C.KMG
local _ = M

local function check_tau(fn, tau)
  if type(tau) ~= "number" or tau ~= tau then fail(fn, "tau must be a number") end
  if tau < 0 then fail(fn, "tau must be >= 0, got %g", tau) end
end

-- the area under one curve up to tau; beyond the last time is an error
-- (R extends the last value flat there: the area then rests on no data)
local function rmean(fn, k, tau, what)
  local m = #k.time
  local last = m > 0 and k.time[m] or 0
  if tau > last then
    fail(fn, "tau = %g is beyond the last time of the curve%s (%g)", tau, what or "", last)
  end
  local r, se = C._rmean(k.time, k.surv, k.n_risk, k.n_event, tau)
  return { rmean = r, se = se, tau = tau }
end

function KM:rmean(tau)
  local fn = "surv.km:rmean"
  check_tau(fn, tau)
  return rmean(fn, self, tau)
end
doc(KM.rmean, "surv.km:rmean", [[km:rmean(tau) -> {rmean =, se =, tau =}: the restricted mean survival
time, the area under the curve from 0 to tau, and its standard error (the Greenwood-type sum of
R's print(survfit, rmean = tau) on the weighted counts). tau beyond the last time of the curve is
an error (R extends the curve flat to tau).]])

function KMG:rmean(tau)
  local fn = "surv.km_groups:rmean"
  check_tau(fn, tau)
  local out = { levels = self.levels }
  for _, lv in ipairs(self.levels) do
    out[lv] = rmean(fn, self[lv], tau, " of group " .. C.label(lv))
  end
  return out
end
doc(KMG.rmean, "surv.km_groups:rmean", [[kms:rmean(tau) -> {[level] = {rmean =, se =, tau =}, levels =}:
km:rmean(tau) for each group's curve at the same tau, as print(survfit, rmean = tau) for a grouped
fit. tau beyond the last time of any group's curve is an error naming the group.]])
