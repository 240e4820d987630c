-- The Lua test runner, for the program and for a stock Lua with orrery.so:
--   ./orrery tests/run.lua file1.lua file2.lua ...
--   LUA_CPATH='build/?.so' lua5.4 tests/run.lua file1.lua ...
-- Each file runs in its own environment in which the names of the modules
-- (mat, rng, stats, ...) are those of require "orrery" -- the program's
-- lazy globals in the program, the table of orrery.so under stock Lua --
-- so that every module is shown to work without the program. Tests that
-- need the program itself are T.program(...) tests, skipped and counted
-- under stock Lua. Prints "N passed, N failed" (", N skipped" when any).
local stock = package.preload["orrery.mat"] == nil
local orrery = stock and require "orrery" or nil
local T = require "orrery.testing"
T.verbose = os.getenv("VERBOSE") ~= nil
T.stock = stock

-- unknown names: the standard globals, then the modules
local function environment()
  local env = {}
  return setmetatable(env, { __index = function(_, k)
    local v = _G[k]
    if v == nil and orrery then v = orrery[k] end
    return v
  end })
end

local files = { ... }
for _, file in ipairs(files) do
  print(file)
  T.file = file
  local chunk, err = loadfile(file, "t", environment())
  local ok = chunk ~= nil
  if ok then ok, err = xpcall(chunk, debug.traceback) end
  if not ok then
    T.failed = T.failed + 1
    T.failures[#T.failures + 1] = file .. ": " .. tostring(err)
    print("  FAIL  (file) " .. tostring(err))
  end
  collectgarbage()
end
if #T.failures > 0 then
  print("\nfailures:")
  for _, f in ipairs(T.failures) do print("  " .. f:match("[^\n]*")) end
end
print(string.format("%d passed, %d failed", T.passed, T.failed)
  .. (T.skipped > 0 and string.format(", %d skipped", T.skipped) or ""))
os.exit(T.failed == 0 and 0 or 1)
