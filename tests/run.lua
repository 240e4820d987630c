-- The Lua test runner: orrery tests/run.lua file1.lua file2.lua ...
-- Runs each file, counts the tests, prints "N passed, N failed".
local T = require "orrery.testing"
T.verbose = os.getenv("VERBOSE") ~= nil
local files = { ... }
for _, file in ipairs(files) do
  print(file)
  T.file = file
  local chunk, err = loadfile(file)
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
print(string.format("%d passed, %d failed", T.passed, T.failed))
os.exit(T.failed == 0 and 0 or 1)
