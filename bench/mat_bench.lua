-- The orrery side of bench/mat.sh: A:crossprod(), A * B and A:solve(b) on
-- n x n matrices, best of reps runs, timed with experiment.clock().
-- usage: orrery bench/mat_bench.lua n reps
-- (prints "op wall-seconds cpu-seconds" lines; cpu from os.clock)
local n, reps = tonumber(arg and arg[1]) or 2000, tonumber(arg and arg[2]) or 3
-- the same values as bench/mat_direct.c: v - floor(v), v = 43758.5453 sin(k)
local k = mat.range(1, n * n)
local function frac(v) return v - v:apply("floor") end
local A = frac(k:apply("sin") * 43758.5453):reshape(n, n)
local B = frac(k:apply("cos") * 43758.5453):reshape(n, n)
local b = mat.ones(n, 1)
k = nil
collectgarbage()

local run_best = dofile "bench/best.lua"
local function best(f) return run_best(reps, f) end

print(string.format("crossprod %.6f %.6f", best(function() return A:crossprod() end)))
print(string.format("mul %.6f %.6f", best(function() return A * B end)))
print(string.format("solve %.6f %.6f", best(function() return A:solve(b) end)))
