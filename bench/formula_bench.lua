-- The Orrery side of bench/formula.sh: reads the CSV, then times
--   model_frame   formula.model_frame(f, df)                (best of reps)
--   lm            regress.lm{formula = f, data = df}        (best of reps)
--   fit           regress.lm{y =, x =} on the model frame's matrix
--   fit20         regress.lm{y =, x =} on a Gaussian n x 20 matrix (+ intercept)
-- and prints "name wall cpu" lines, then "coef" and the coefficients of lm.
-- usage: orrery bench/formula_bench.lua file.csv reps
local formula = require "orrery.formula"
local path, reps = arg[1], tonumber(arg[2] or "3")
local f = "y ~ x1 + x2*g + log(abs(x3)+1) + I(x4^2) + x5 + h"
local df = data.read_csv(path)

local run_best = dofile "bench/best.lua"
local function best(f) return run_best(reps, f) end

local w, c, mf = best(function () return formula.model_frame(f, df) end)
print(string.format("model_frame %.4f %.4f", w, c))
local X, y = mf.x, mf.y
io.stderr:write(string.format("  model frame: %d x %d\n", X:rows(), X:cols()))
mf = nil
local fit
w, c, fit = best(function () return regress.lm{formula = f, data = df} end)
print(string.format("lm %.4f %.4f", w, c))
local coef = fit.coef
fit = nil
w, c = best(function () return regress.lm{y = y, x = X, intercept = false} end)
print(string.format("fit %.4f %.4f", w, c))
local n = X:rows()
X, y = nil, nil
local r = rng.new(1)
local Z = r:normal(n * 20):reshape(n, 20)
local yz = r:normal(n)
w, c = best(function () return regress.lm{y = yz, x = Z} end)
print(string.format("fit20 %.4f %.4f", w, c))
local parts = {}
for i = 1, coef:rows() do parts[i] = string.format("%.17g", coef[i]) end
print("coef " .. table.concat(parts, " "))
