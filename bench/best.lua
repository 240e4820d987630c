-- The best (smallest) wall and CPU times of reps calls of fn, for every
-- bench/*_bench.lua. The previous call's result is dropped and collected
-- before each call, so a run neither pays for the last one's garbage nor
-- keeps two results alive.
-- usage: local best = dofile "bench/best.lua"; local wall, cpu, out = best(reps, fn)
local experiment = require "orrery.experiment"
return function(reps, fn)
  local bw, bc, out = math.huge, math.huge, nil
  for _ = 1, reps do
    out = nil; collectgarbage(); collectgarbage()
    local c0, t0 = os.clock(), experiment.clock()
    out = fn()
    local w, c = experiment.clock() - t0, os.clock() - c0
    if w < bw then bw = w end
    if c < bc then bc = c end
  end
  return bw, bc, out
end
