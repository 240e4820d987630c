-- Every printout formats through orrery.printing, so all of them show a
-- p-value below the double epsilon as R's format.pval does ("<2e-16",
-- "< 2e-16" or "< 2.2e-16" by R's width rule, never a number like 1e-30 or
-- 0), a missing value (an aliased coefficient, a median not reached) as NA,
-- and a NaN that a computation produced as NaN, never C's nan.
local T = require "orrery.testing"
local P = require "orrery.printing"
local mat = require "orrery.mat"
local regress = require "orrery.regress"
local surv = require "orrery.surv"
local stats = require "orrery.stats"
local optim = require "orrery.optim"

-- a p-value below eps, formatted by format.pval
local function tiny(s) return s:find("<%s?2e%-16") or s:find("<%s?2%.2e%-16") end

-- no raw C formatting, and (unless the printout has legitimately tiny
-- numbers) no p-value printed as a number below eps
local function clean(s, what, small_ok)
  T.ok(not s:find("nan") and not s:find("inf"), what .. ": C's nan/inf in\n" .. s)
  if small_ok then return end
  T.ok(not s:find("%de%-1[7-9]") and not s:find("%de%-[2-9]%d") and not s:find("%de%-%d%d%d"),
    what .. ": a number below 1e-16 printed in\n" .. s)
end

local function tiny_p(s, what)
  T.ok(tiny(s), what .. ": no p-value below eps as format.pval writes it in\n" .. s)
  clean(s, what)
end

-- deterministic data: u uniform-looking in (0, 1), x in {0, 1}
local n = 600
local u, x, x2, t, st = {}, {}, {}, {}, {}
for i = 1, n do
  u[i] = (math.sin(i * 12.9898) * 43758.5453) % 1
  x[i] = i % 2; x2[i] = 2 * x[i]
  t[i] = math.exp(1 - 1.5 * x[i] + 4 * (u[i] - 0.5))
  st[i] = (i % 7 == 0) and 0 or 1
end
local X = mat.vec(x):hcat(mat.vec(x2))       -- x2 = 2 x: aliased
local yl = {}
for i = 1, n do yl[i] = 3 + 2 * x[i] + 0.1 * (u[i] - 0.5) end

T.test("lm and glm: p < eps and an aliased row", function()
  local s = tostring(regress.ols{ y = yl, x = X })
  tiny_p(s, "lm"); T.ok(s:find("x2%s+NA%s+NA%s+NA%s+NA"), s)
  local cnt = {}
  for i = 1, n do cnt[i] = math.floor(math.exp(1 + 2 * x[i] + u[i])) end
  s = tostring(regress.glm{ y = cnt, x = X, family = "poisson" })
  tiny_p(s, "glm"); T.ok(s:find("x2%s+NA%s+NA%s+NA%s+NA"), s)
end)

T.test("lm with no residual df: computed NaN prints as NaN", function()
  local s = tostring(regress.ols{ y = { 1, 2 }, x = { 1, 3 } })
  T.ok(s:find("x1%s+0%.5%s+NaN%s+NaN%s+NaN"), s); clean(s, "saturated lm")
end)

T.test("iv, ivl, anchor, sketch, ipcw, ridge", function()
  local z, z2, xe, y = {}, {}, {}, {}
  for i = 1, n do
    z[i] = math.sin(i); z2[i] = math.cos(3 * i)
    xe[i] = z[i] + 0.5 * z2[i] + 0.1 * (u[i] - 0.5)
    y[i] = 1 + 2 * xe[i] + 0.05 * (u[(i * 7) % n + 1] - 0.5)
  end
  local xx = mat.vec(xe):hcat(mat.vec(xe) * 2)
  local zz = mat.vec(z):hcat(mat.vec(z2))
  local s = tostring(regress.iv{ y = y, x = xx, z = zz })
  tiny_p(s, "iv"); T.ok(s:find("x2%s+NA%s+NA%s+NA%s+NA"), s)
  s = tostring(regress.ivl{ y = y, x = xx, z = zz, alpha = 1 })
  T.ok(s:find("x2%s+NA"), s); clean(s, "ivl")
  s = tostring(regress.anchor{ y = y, x = xx, a = zz, gamma = 2 })
  T.ok(s:find("x2%s+NA"), s); clean(s, "anchor")
  s = tostring(regress.sketch{ y = y, x = mat.vec(xe), m = 64, rng = require("orrery.rng").new(3) })
  clean(s, "sketch")
  tiny_p(tostring(regress.ipcw{ time = t, status = st, x = x }), "ipcw")
  local r = regress.ridge{ y = yl, x = mat.vec(x):hcat(mat.vec(u)), lambda = 1 }
  s = tostring(r)
  local est = P.format(r.coef, 6)
  for j = 1, 3 do T.ok(s:find(est[j], 1, true), "ridge estimate " .. j .. " formatted together: " .. s) end
end)

T.test("cox, zph, logrank, surv.fit, km, na", function()
  local s = tostring(surv.cox{ time = t, status = st, x = X })
  tiny_p(s, "cox"); T.ok(s:find("x2%s+NA%s+NA%s+NA%s+NA%s+NA"), s)
  -- crossing hazards: x = 1 early or late
  local tz = {}
  for i = 1, n do tz[i] = x[i] == 1 and ((i % 4 == 1) and 0.05 * (1 + u[i]) or 20 * (1 + u[i])) or 2 * (0.5 + u[i]) end
  tiny_p(tostring(surv.cox{ time = tz, status = st, x = x }:zph()), "zph")
  tiny_p(tostring(surv.logrank(t, st, x)), "logrank")
  tiny_p(tostring(surv.fit{ time = t, status = st, x = x, dist = "weibull" }), "surv.fit")
  -- group 0 has events only before t = 1 (about a quarter of it): its
  -- survival stays near 3/4, so its median and limits are not reached
  local st2 = {}
  for i = 1, n do st2[i] = x[i] == 1 and st[i] or (t[i] < 1 and 1 or 0) end
  s = tostring(surv.km(t, st2, { group = x }))
  T.ok(s:find("\n0%s+%d+%s+%d+%s+NA%s+"), s); clean(s, "km")
  clean(tostring(surv.na(t, st)), "na")
end)

T.test("stats and optim", function()
  local a, b = {}, {}
  for i = 1, 100 do a[i] = i; b[i] = i + math.sin(i) end
  local s = tostring(stats.cor_test(a, b))
  tiny_p(s, "cor_test"); T.ok(s:find("p < 2.2e-16", 1, true), s)
  local r = optim.minimize{ f = function(v) return (v[1] - 1) ^ 2 + (v[2] + 2) ^ 2 end, x0 = { 0, 0 } }
  s = tostring(r)
  clean(s, "optim", true)
  T.ok(s:find("  value  " .. P.num(r.value, 10), 1, true), s)
end)
