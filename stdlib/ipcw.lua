-- regress.ipcw: least squares for a right-censored outcome with Kaplan-Meier
-- inverse-probability-of-censoring weights (merged into regress through
-- stdlib/ivreg.lua). The weights come from modules/ipcw; the weighted fit is
-- regress.ols's, so the result has its full printout.
local M = ...
local help = require "orrery.help"

local opts = {}
for _, k in ipairs{ "time", "status", "x", "intercept", "na", "names", "se" } do opts[k] = true end

function M.ipcw(t)
  local fn = "regress.ipcw"
  local IV = require "orrery.ivreg"
  IV._checkopts(fn, t, opts)
  if t.time == nil then error(fn .. ": time is required", 2) end
  if t.status == nil then error(fn .. ": status is required", 2) end
  if t.x == nil then error(fn .. ": x is required", 2) end
  local time = IV._asmat(fn, t.time, "time")
  local status = require("orrery.surv")._status(t.status, fn)
  local x = IV._asmat(fn, t.x, "x")
  local n = time:rows()
  if status:rows() ~= n then error(string.format("%s: status has %d values but time has %d", fn, status:rows(), n), 2) end
  if x:rows() ~= n then error(string.format("%s: x has %d rows but time has %d", fn, x:rows(), n), 2) end
  local keep, dropped = IV._complete(time, status, x)
  if dropped > 0 then
    if t.na == "fail" then error(string.format("%s: %d rows have missing values (na = \"fail\")", fn, dropped), 2) end
    time, status, x = time:rows_of(keep), status:rows_of(keep), x:rows_of(keep)
  end
  for i = 1, time:rows() do
    local v = time[i]
    if v < 0 or v == math.huge then error(string.format("%s: time %d is %g; times must be finite and >= 0", fn, i, v), 2) end
  end
  local w = M._weights(time, status)
  local fit = require("orrery.regress").ols{ y = time, x = x, weights = w,
    intercept = t.intercept, names = t.names, se = t.se }
  fit.ipcw_weights = w
  fit.n_dropped = (fit.n_dropped or 0) + dropped
  return fit
end
help.doc(M.ipcw, "regress.ipcw", [[regress.ipcw{ time =, status =, x = [, intercept=true, se=, na=] }
Least squares for a right-censored outcome ("Empirical risk minimization under random
censorship"): weights delta_i / S_C(T_i-) with S_C the Kaplan-Meier estimate of the
censoring distribution (status flipped), then regress.ols with those weights (its
standard errors treat the weights as known). time is the observed min(T, C), on any
scale (pass log times to model log T); status as surv (0/1, 1/2, booleans).
.ipcw_weights holds the weights.]])

return M
