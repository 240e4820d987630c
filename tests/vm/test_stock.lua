-- Every module through require alone, as a stock lua5.4 with orrery.so sees
-- them (tests/run.sh runs this suite there too): no global set by the
-- program may be needed. The two cases that failed before: surv.km with
-- groups (stdlib/surv.lua indexed a global 'mat') and regress.iv with a
-- formula (formula, data and regress together).
local T = require "orrery.testing"
local mat = require "orrery.mat"
local surv = require "orrery.surv"
local regress = require "orrery.regress"
local data = require "orrery.data"

T.test("surv.km with groups, through require", function()
  local k = surv.km({ 5, 8, 3, 9, 12, 4, 7, 10 }, { 1, 1, 0, 1, 1, 1, 0, 1 }, { group = { 1, 2, 1, 2, 1, 2, 1, 2 } })
  T.eq(#k.levels, 2)
  T.eq(k[1].n, 4); T.eq(k[2].n, 4)
  T.ok(tostring(k):find("Kaplan-Meier estimates by group", 1, true))
  -- group 1: times 3+ 5 7+ 12 -> S is 2/3 from 5 (3 at risk), 0 at 12
  T.near(k[1].surv, { 1, 2 / 3, 2 / 3, 0 }, 1e-15)
end)

T.test("regress.iv with a formula, through require", function()
  local n = 40
  local z, x, y, w = {}, {}, {}, {}
  for i = 1, n do
    z[i] = math.sin(i); w[i] = math.cos(3 * i)
    x[i] = 1 + z[i] + 0.5 * w[i] + 0.1 * math.sin(7 * i)
    y[i] = 2 - 1.5 * x[i] + w[i] + 0.2 * math.cos(5 * i)
  end
  local df = data.frame{ y = y, x = x, z = z, w = w }
  local f = regress.iv{ formula = "y ~ x + w | z + w", data = df }
  local m = regress.iv{ y = y, x = mat.vec(x):hcat(mat.vec(w)), z = mat.vec(z):hcat(mat.vec(w)) }
  T.near(f.coef, m.coef, 1e-12)
  T.eq(f.names[2], "x")
  T.ok(tostring(f):find("Two-stage least squares", 1, true))
end)

T.test("every namespace loads through require", function()
  for _, ns in ipairs{ "mat", "rng", "stats", "data", "formula", "regress", "surv", "optim",
      "args", "printing", "help", "testing" } do
    T.eq(type(require("orrery." .. ns)), "table", ns)
  end
end)
