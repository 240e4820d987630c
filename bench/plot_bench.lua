-- plot bench: a scatter plot of n points (the same data as bench/plot.sh
-- gives matplotlib: x ~ N(0, 1), y = x + N(0, 1) from a fixed formula, read
-- from a binary file) to PNG (7 x 4.5 in at 100 dpi) and to the terminal
-- (100 x 30 characters). Prints "png SECONDS" and "term SECONDS" (best of reps).
-- usage: orrery bench/plot_bench.lua data.bin n out.png [reps]
local plot = require "orrery.plot"
local mat = require "orrery.mat"
local best = dofile "bench/best.lua"
local path, n, png, reps = arg[1], tonumber(arg[2]), arg[3], tonumber(arg[4] or "3")
local f = assert(io.open(path, "rb"))
local raw = f:read("a")
f:close()
local x, y = mat.new(n, 1), mat.new(n, 1)
local fmtd = string.rep("d", 1024)
local pos = 1
for i = 1, 2 * n, 1024 do
  local k = math.min(1024, 2 * n - i + 1)
  local vals = { string.unpack(k == 1024 and fmtd or string.rep("d", k), raw, pos) }
  pos = vals[#vals]
  for j = 1, k do
    local idx = i + j - 1
    if idx <= n then x:set(idx, 1, vals[j]) else y:set(idx - n, 1, vals[j]) end
  end
end
local function scene() return plot.scatter(x, y, { size = 1, alpha = 0.3, title = "1e6 points" }) end
local wpng = best(reps, function() return scene():save(png) end)
local wterm = best(reps, function() return scene():terminal{ width = 100, height = 30, color = false } end)
print(string.format("png %.4f", wpng))
print(string.format("term %.4f", wterm))
