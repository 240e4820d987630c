-- l_inf error of sketched least squares against the sketch size m, for the
-- three sketches ("A nearly-optimal bound for fast regression with l_inf
-- guarantee"): the error should fall like 1/sqrt(m).
--   orrery scripts/sketch_linf.lua [reps]
local reps = tonumber(arg and arg[1]) or 10
local n, d = 2 ^ 14, 20
local r = rng.new(7)
local A = r:normal(n * d):reshape(n, d)
local xstar = r:normal(d)
local y = A * xstar + r:normal(n)

print(string.format("n = %d, d = %d; mean l_inf distance to the exact solution over %d sketches", n, d, reps))
print(string.format("%8s %14s %14s %14s %16s", "m", "gaussian", "srht", "countsketch", "sqrt(d/m) scale"))
for _, m in ipairs{ 100, 200, 400, 800, 1600, 3200 } do
  local cells = {}
  for _, kind in ipairs{ "gaussian", "srht", "countsketch" } do
    local s = r:split()
    local sum = 0
    for _ = 1, reps do
      sum = sum + regress.sketch{ y = y, x = A, m = m, kind = kind, rng = s, exact = true, intercept = false }.linf
    end
    cells[#cells + 1] = string.format("%14.5f", sum / reps)
  end
  print(string.format("%8d %s %16.5f", m, table.concat(cells, " "), math.sqrt(d / m) / math.sqrt(n) ))
end
