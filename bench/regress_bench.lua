-- bench/regress.sh's orrery side: regress.ols (full inference) and logistic
-- regress.glm on n x p Gaussian data. Prints "ols <s>" and "glm <s>", the
-- best of REPS timings.  usage: orrery bench/regress_bench.lua n p reps
local n, p, reps = tonumber(arg[1]), tonumber(arg[2]), tonumber(arg[3])
local r = rng.new(1)
local x = r:normal(n * p):reshape(n, p)
local e = r:normal(n)
local beta = mat.new(p, 1, 0.1)
local eta = x * beta
local y = eta + e
local u = r:uniform(n)
local yb = {}
for i = 1, n do yb[i] = u[i] < 1 / (1 + math.exp(-eta[i])) and 1 or 0 end
yb = mat.vec(yb)
local run_best = dofile "bench/best.lua"
local function best(f)
  local w, _, fit = run_best(reps, f)
  assert(fit.se[2] > 0)
  return w
end
print(string.format("ols %.4f", best(function() return regress.ols{ y = y, x = x } end)))
print(string.format("glm %.4f", best(function() return regress.glm{ y = yb, x = x, family = "binomial" } end)))
