-- regress.sketch (no packaged peer: properties that pin the sketches down)
-- and regress.ipcw against survfit + lm (tests/ref/regress/iv/make_ipcw.R).
local T = require "orrery.testing"

local function data(n, d, seed)
  local r = rng.new(seed)
  local A = r:normal(n * d):reshape(n, d)
  local y = A * r:normal(d) + r:normal(n)
  return A, y
end

T.test("sketch: exact = true gives the OLS solution and its distances", function()
  local A, y = data(512, 5, 1)
  local ols = regress.ols{ y = y, x = A }
  local fit = regress.sketch{ y = y, x = A, m = 100, kind = "gaussian", rng = rng.new(2), exact = true }
  T.near(fit.exact, ols.coef, 1e-10)
  local linf, l2 = 0, 0
  for j = 1, 6 do
    local e = math.abs(fit.coef[j] - ols.coef[j])
    linf = math.max(linf, e); l2 = l2 + e * e
  end
  T.near(fit.linf, linf, 1e-14); T.near(fit.l2, math.sqrt(l2), 1e-14)
end)

T.test("sketch: an SRHT with m = n = 2^k is orthogonal, so it returns the exact solution (1e-10)", function()
  local A, y = data(256, 4, 3)
  local fit = regress.sketch{ y = y, x = A, m = 256, kind = "srht", rng = rng.new(4), exact = true }
  T.near(fit.coef, fit.exact, 1e-10)
end)

T.test("sketch: same stream, same sketch; the error shrinks as m grows (20 sketches each)", function()
  local A, y = data(4096, 5, 5)
  for _, kind in ipairs{ "gaussian", "srht", "countsketch" } do
    local f1 = regress.sketch{ y = y, x = A, m = 200, kind = kind, rng = rng.new(9) }
    local f2 = regress.sketch{ y = y, x = A, m = 200, kind = kind, rng = rng.new(9) }
    T.near(f1.coef, f2.coef, 0, kind .. " reproducible")
    local s, mean = rng.new(10), {}
    for i, m in ipairs{ 50, 2000 } do
      local sum = 0
      for _ = 1, 20 do sum = sum + regress.sketch{ y = y, x = A, m = m, kind = kind, rng = s, exact = true }.l2 end
      mean[i] = sum / 20
    end
    -- the l2 error scales like sqrt(d/m): a 40x larger m should cut it by ~6x
    T.ok(mean[2] < mean[1] / 3, kind .. string.format(": %g then %g", mean[1], mean[2]))
  end
end)

T.test("sketch: bad input", function()
  local A, y = data(64, 3, 6)
  T.errors(function() regress.sketch{ y = y, x = A, m = 2, kind = "gaussian" } end, "m must be between")
  T.errors(function() regress.sketch{ y = y, x = A, m = 20, kind = "fft" } end, "kind must be")
  T.errors(function() regress.sketch{ y = y, x = A, kind = "srht" } end, "m (the sketch size) must be an integer")
  T.errors(function() regress.sketch{ y = y, x = A, m = 20, oops = 1 } end, "unknown option 'oops'")
end)

T.test("ipcw: weights and coefficients match survfit + lm on lung (1e-10)", function()
  local d = T.csv("regress/iv/lung_ipcw.csv")
  local R = T.ref("regress/iv/ipcw.txt")
  local fit = regress.ipcw{ time = d.time, status = d.event, x = d.age:hcat(d["ph.karno"]) }
  local w = fit.ipcw_weights
  local head = {}
  for i = 1, 10 do head[i] = w[i] end
  T.near(head, R.weights_head, 1e-12)
  T.near(w:sum(), R.weights_sum, 1e-12)
  T.near(fit.coef, R.coef, 1e-10)
  T.near(fit.se, R.se, 1e-8)
end)

T.test("ipcw: R's 1/2 status coding and booleans give the same fit; bad input", function()
  local d = T.csv("regress/iv/lung_ipcw.csv")
  local st2 = d.event + 1
  local a = regress.ipcw{ time = d.time, status = d.event, x = d.age }
  local b = regress.ipcw{ time = d.time, status = st2, x = d.age }
  T.near(a.coef, b.coef, 0)
  T.errors(function() regress.ipcw{ time = d.time, status = d.event } end, "x is required")
  local neg = d.time:copy(); neg:set(1, 1, -1)
  T.errors(function() regress.ipcw{ time = neg, status = d.event, x = d.age } end, "times must be >= 0")
  T.errors(function() regress.ipcw{ time = d.time, status = d.event, x = mat.ones(3, 1) } end, "x has 3 rows")
end)
