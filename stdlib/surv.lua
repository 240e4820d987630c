-- surv: survival analysis, the friendly layer over modules/surv (lsurv.c).
--
-- Shared with other modules (orrery.survreg, the parametric half, merges its
-- functions into this table at the end of this file):
--
--   M._status(status, fn) -> an n x 1 mat of 0/1 (1 = event, NaN = missing).
--     status is a mat, an array of numbers or an array of booleans (true =
--     event). Numbers follow R's Surv(): 0/1 (1 = event), or R's 1/2 (1 =
--     censored, 2 = event) when the largest code is 2. Any other value raises
--     "fn: 'status' element i is v: codes must be ...". NaN stays NaN (missing;
--     the caller drops and counts it, or raises for na = "fail").
local M = ...

function M._status(status, fn)
  return M._status_c(status, fn or "surv")
end

local ok, extra = pcall(require, "orrery.survreg")
if ok then for k, v in pairs(extra) do if M[k] == nil then M[k] = v end end end

return M
