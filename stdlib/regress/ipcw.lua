-- regress.ipcw: least squares for a right-censored outcome with Kaplan-Meier
-- inverse-probability-of-censoring weights, a part of regress (required by
-- stdlib/regress.lua). The weights come from modules/regress/ipcw.c; the
-- weighted fit is regress.ols's, so the result has its full printout.
local M, C = ...
local help = require "orrery.help"
local args = require "orrery.args"

local fail = args.fail

local OPTS = args.set{ "time", "status", "x", "intercept", "na", "names", "se" }

function M.ipcw(t)
  local fn = "regress.ipcw"
  args.checkopts(fn, t, OPTS)
  local na = args.na(fn, t.na)
  if t.time == nil then fail(fn, "time is required") end
  if t.status == nil then fail(fn, "status is required") end
  if t.x == nil then fail(fn, "x is required") end
  local time = args.vec(fn, t.time, "time")
  local status = args.status(t.status, fn)
  local x = args.mat(fn, t.x, "x")
  local n = time:rows()
  if status:rows() ~= n then fail(fn, "status has %d values but time has %d", status:rows(), n) end
  if x:rows() ~= n then fail(fn, "x has %d rows but time has %d", x:rows(), n) end
  -- NaN drops a row; Inf is an error naming the caller's row
  local _, rows, dropped = args.mask(fn, { "time", time }, { "status", status }, { "x", x })
  if dropped > 0 then
    if na == "fail" then fail(fn, "%d rows have missing values (na = \"fail\")", dropped) end
    time, status, x = time:rows_of(rows), status:rows_of(rows), x:rows_of(rows)
  end
  -- the survival time rule of km, logrank, cox and surv.fit: times >= 0
  for i = 1, time:rows() do
    local v = time[i]
    if v < 0 then
      fail(fn, "'time' element %d is %g: times must be >= 0 (as R's Surv)", math.tointeger(rows[i]) or rows[i], v)
    end
  end
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
help.doc(M.ipcw, "regress.ipcw", [[
regress.ipcw{ time =, status =, x = [, intercept=true, se=, na=] }
Least squares for a right-censored outcome ("Empirical risk minimization under random
censorship"): weights delta_i / S_C(T_i-) with S_C the Kaplan-Meier estimate of the
censoring distribution (status flipped), then regress.ols with those weights (its
standard errors treat the weights as known). time is the observed min(T, C), on any
scale (pass log times to model log T), >= 0 as R's Surv; status as surv (0/1, 1/2,
booleans). .ipcw_weights holds the weights.]])
