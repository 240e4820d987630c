-- l_inf error of sketched least squares against the sketch size m, for the
-- three sketches ("A nearly-optimal bound for fast regression with l_inf
-- guarantee"): the error should fall like 1/sqrt(m), i.e. a slope of -1/2 on
-- the log-log scale, which the last line estimates by least squares.
--   orrery scripts/sketch_linf.lua [reps]
local regress = require "orrery.regress"
local rng = require "orrery.rng"

local reps = tonumber(arg and arg[1]) or 10
local n, d = 2 ^ 14, 20
local r = rng.new(7)
local A = r:normal(n * d):reshape(n, d)
local xstar = r:normal(d)
local y = A * xstar + r:normal(n)
local kinds = { "gaussian", "srht", "countsketch" }
local sizes = { 100, 200, 400, 800, 1600, 3200 }

print(string.format("n = %d, d = %d; mean l_inf distance to the exact solution over %d sketches", n, d, reps))
print(string.format("%8s %14s %14s %14s", "m", table.unpack(kinds)))
local logerr = { gaussian = {}, srht = {}, countsketch = {} }
for i, m in ipairs(sizes) do
  local cells = {}
  for _, kind in ipairs(kinds) do
    local s = r:split()
    local sum = 0
    for _ = 1, reps do
      sum = sum + regress.sketch{ y = y, x = A, m = m, kind = kind, rng = s, exact = true, intercept = false }.linf
    end
    cells[#cells + 1] = string.format("%14.5f", sum / reps)
    logerr[kind][i] = math.log(sum / reps)
  end
  print(string.format("%8d %s", m, table.concat(cells, " ")))
end
local logm = {}
for i, m in ipairs(sizes) do logm[i] = math.log(m) end
local slopes = {}
for _, kind in ipairs(kinds) do
  slopes[#slopes + 1] = string.format("%s %.2f", kind, regress.ols{ y = logerr[kind], x = logm }.coef[2])
end
print("log-log slope (1/sqrt(m) is -0.50): " .. table.concat(slopes, ", "))
