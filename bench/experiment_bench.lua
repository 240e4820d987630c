-- experiment.replicate and sweep: the runner's overhead per replicate of a
-- trivial run against a bare Lua loop doing the same calls, and the speed-up
-- of a CPU-bound sweep (the IVL simulation of scripts/ivl_augmentation.lua,
-- BLAS-heavy) with 2 workers against 1. Best of 3 wall times each.
--   orrery bench/experiment_bench.lua [n] [trials]
local experiment = require "orrery.experiment"
local rng = require "orrery.rng"
local best = dofile "bench/best.lua"

local n = math.tointeger(tonumber(arg and arg[1])) or 200000
local trials = math.tointeger(tonumber(arg and arg[2])) or 6

local function trivial(_, i) return i end

-- the bare loop: the same calls, each with a fresh stream, results in an array
local bare = best(3, function()
  local root, out = rng.new(1), {}
  for i = 1, n do out[i] = trivial(root:split(), i) end
  return out
end)
local one = best(3, function()
  return experiment.replicate{ n = n, seed = 1, workers = 1, run = trivial, progress = false }
end)
local two = best(3, function()
  return experiment.replicate{ n = n, seed = 1, workers = 2, run = trivial, progress = false }
end)
print(string.format("trivial run, n = %d: bare Lua loop %.3f us/replicate; replicate, 1 worker %.3f us "
  .. "(overhead %.3f us, target < 20); 2 workers %.3f us",
  n, bare / n * 1e6, one / n * 1e6, (one - bare) / n * 1e6, two / n * 1e6))

-- CPU-bound: the IVL trial (two sweeps of 5 settings) through the script
local function script(workers)
  local f = assert(loadfile("scripts/ivl_augmentation.lua"))
  local saved_print, saved_arg = print, arg
  print = function() end        -- luacheck: ignore
  arg = { [0] = "ivl_augmentation.lua", tostring(trials), tostring(workers) }  -- luacheck: ignore
  local ok, err = pcall(f)
  print, arg = saved_print, saved_arg  -- luacheck: ignore
  assert(ok, err)
end
local w1 = best(3, function() script(1) end)
local w2 = best(3, function() script(2) end)
print(string.format("IVL sweep, %d rows (%d trials x 10 settings): 1 worker %.2f s, 2 workers %.2f s, "
  .. "speed-up %.2fx (target >= 1.8 on 2 idle cores)", 10 * trials, trials, w1, w2, w1 / w2))
