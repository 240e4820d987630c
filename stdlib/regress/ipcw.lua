-- regress.ipcw: least squares for a right-censored outcome with Kaplan-Meier
-- inverse-probability-of-censoring weights, a part of regress (required by
-- stdlib/regress.lua). The weights come from modules/regress/ipcw.c; the weighted fit is
-- regress.ols's, so the result has its full printout.
local M, C = ...
local help = require "orrery.help"

local opts = {}
for _, k in ipairs{ "time", "status", "x", "intercept", "na", "names", "se" } do opts[k] = true end

-- level 0: the message is "regress.ipcw: problem", without a chunk position
local function fail(fn, msg, ...)
  error(fn .. ": " .. string.format(msg, ...), 0)
end

function M.ipcw(t)
  local fn = "regress.ipcw"
  C.iv_checkopts(fn, t, opts)
  if t.time == nil then fail(fn, "time is required") end
  if t.status == nil then fail(fn, "status is required") end
  if t.x == nil then fail(fn, "x is required") end
  local time = C.asmat(fn, t.time, "time")
  local status = C._status(t.status, fn)
  local x = C.asmat(fn, t.x, "x")
  local n = time:rows()
  if status:rows() ~= n then fail(fn, "status has %d values but time has %d", status:rows(), n) end
  if x:rows() ~= n then fail(fn, "x has %d rows but time has %d", x:rows(), n) end
  local keep, dropped = C._complete(time, status, x)
  if dropped > 0 then
    if t.na == "fail" then fail(fn, "%d rows have missing values (na = \"fail\")", dropped) end
    time, status, x = time:rows_of(keep), status:rows_of(keep), x:rows_of(keep)
  end
  -- rows are named as the caller gave them: row i here was keep[i]
  for i = 1, time:rows() do
    local v = time[i]
    if v < 0 or v == math.huge then
      fail(fn, "time %d is %g; times must be finite and >= 0", math.tointeger(keep[i]) or keep[i], v)
    end
  end
  C.finite(fn, "x", x, keep)
  -- only events carry weight: fewer of them than coefficients leaves nothing to fit
  local events = math.tointeger(status:sum())
  local p = x:cols() + (t.intercept == false and 0 or 1)
  if events < p then
    fail(fn, "%d event%s for %d coefficients: too few uncensored times", events, events == 1 and "" or "s", p)
  end
  local w = C._weights(time, status)
  local fit = M.ols{ y = time, x = x, weights = w,
    intercept = t.intercept, names = t.names, se = t.se }
  fit.call = "ipcw"
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

