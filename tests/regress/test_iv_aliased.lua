-- 2SLS with collinear columns of x against AER::ivreg
-- (tests/ref/regress/iv/make_aliased.R): the later column is aliased (NaN), the
-- rest as the fit without it.  Closed forms: 1e-8 relative.
local T = require "orrery.testing"
local d = T.csv("regress/iv/cigarettes.csv")
local R = T.ref("regress/iv/aliased.txt")

T.test("iv: a repeated column of x is aliased as AER::ivreg, not split by a minimum-norm solve", function()
  local x = d.lrprice:hcat(d.lrincome):hcat(d.lrincome * 2)
  local z = d.lrincome:hcat(d.tdiff):hcat(d.rtax)
  local f = regress.iv{ y = d.lpacks, x = x, z = z }
  T.near(f.coef, R["al.coef"], 1e-8)
  T.ok(f.coef[4] ~= f.coef[4] and f.se[4] ~= f.se[4], "aliased coefficient and SE are NaN")
  T.near({ f.se[1], f.se[2], f.se[3] }, R["al.se"], 1e-8)
  T.near(f.sigma, R["al.sigma"], 1e-8); T.eq(f.df_residual, R["al.df"])
  T.eq(f.rank, 3); T.eq(#f.aliased, 1); T.eq(f.aliased[1], 4)
  local h = regress.iv{ y = d.lpacks, x = x, z = z, se = "HC1" }
  T.near({ h.se[1], h.se[2], h.se[3] }, R["al.HC1"], 1e-8)
  T.ok(tostring(f):find("not defined because of singularities", 1, true), tostring(f))
  -- predictions use the kept columns
  T.near(f:predict(x:rows_of(mat.vec{ 1, 2 })), { f.fitted[1], f.fitted[2] }, 1e-12)
  -- the aliased copy of an exogenous column is not reported as endogenous
  T.eq(#f.first_stage_f, 1)
end)

T.test("ivl and anchor: a repeated column of x is aliased too, the rest as without it", function()
  local x = d.lrprice:hcat(d.lrincome):hcat(d.lrincome * 2)
  local x0 = d.lrprice:hcat(d.lrincome)
  local z = d.lrincome:hcat(d.tdiff):hcat(d.rtax)
  for _, alpha in ipairs{ 0, 1 } do
    local f = regress.ivl{ y = d.lpacks, x = x, z = z, alpha = alpha }
    local g = regress.ivl{ y = d.lpacks, x = x0, z = z, alpha = alpha }
    T.near({ f.coef[1], f.coef[2], f.coef[3] }, g.coef, 1e-10, "ivl alpha " .. alpha)
    T.ok(f.coef[4] ~= f.coef[4]); T.eq(f.aliased[1], 4); T.eq(f.df_residual, g.df_residual)
    T.near(f:residuals(), g:residuals(), 1e-10)
  end
  local f = regress.anchor{ y = d.lpacks, x = x, a = z, gamma = 2 }
  local g = regress.anchor{ y = d.lpacks, x = x0, a = z, gamma = 2 }
  T.near({ f.coef[1], f.coef[2], f.coef[3] }, g.coef, 1e-10, "anchor")
  T.ok(f.coef[4] ~= f.coef[4]); T.eq(f.aliased[1], 4)
  T.near(f:predict(x:rows_of(mat.vec{ 1, 2 })), { f.fitted[1], f.fitted[2] }, 1e-12)
end)
