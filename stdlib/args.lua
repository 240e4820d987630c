-- orrery.args: the rules every module's Lua half shares, written once:
-- errors that name the function, option tables, sets, type tests (mat,
-- factor, frame) and the missing-value mask (the C half, vm/largs.c, applies
-- vm/orules.c: NaN drops a row, Inf is an error).
local M, C = ...

-- "fn: message" without a chunk position (level 0)
function M.fail(fn, fmt, ...)
  error(fn .. ": " .. string.format(fmt, ...), 0)
end

-- mask(fn, {name, m}, ...) -> keep (n x 1 mat of 1/0), rows (kept 1-based
-- row numbers), n_dropped. Entries whose m is nil are skipped.
M.mask = C._mask

-- status(v, fn) -> n x 1 mat of 0/1 (NaN = missing), R's Surv() coding
M.status = C._status

return M
