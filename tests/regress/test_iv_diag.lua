-- regress.iv's diagnostics (weak instruments, Wu-Hausman, Sargan) and
-- weighted 2SLS against AER::ivreg (tests/ref/regress/iv/make_ivdiag.R) on
-- CigarettesSW with state populations. Closed forms: 1e-8 relative.
local T = require "orrery.testing"
local regress = require "orrery.regress"
local data = require "orrery.data"
local R = T.ref("regress/iv/ivdiag.txt")
local TOL = 1e-8

local d = data.read_csv("tests/ref/regress/iv/cigarettes_w.csv")

local function check(tag, dg)
  local i = 0
  for _, w in ipairs(dg.weak) do
    i = i + 1
    T.near({ w.df1, w.df2, w.stat, w.p }, R[tag .. ".diag" .. i], TOL, tag .. " weak " .. i)
  end
  local h = dg.wu_hausman
  T.near({ h.df1, h.df2, h.stat, h.p }, R[tag .. ".diag" .. (i + 1)], TOL, tag .. " Wu-Hausman")
  local s, r = dg.sargan, R[tag .. ".diag" .. (i + 2)]
  T.eq(s.df, r[1])
  T.near({ s.stat, s.p }, { r[3], r[4] }, TOL, tag .. " Sargan")
end

T.test("diagnostics: one endogenous regressor, over-identified by one", function()
  local f = regress.iv{ formula = "lpacks ~ lrprice + lrincome | lrincome + tdiff + rtax", data = d }
  local dg = f:diagnostics()
  check("one", dg)
  T.eq(#dg.weak, 1); T.eq(dg.weak[1].name, "lrprice")
  T.near(dg.weak[1].stat, f.first_stage_f[1], 1e-10, "the first-stage F")
  -- R's print(summary(f, diagnostics = TRUE)), line for line
  local s = tostring(dg)
  T.ok(s:find(table.concat({
    "Diagnostic tests:",
    "                 df1 df2 statistic p-value    ",
    "Weak instruments   2  92   150.638  <2e-16 ***",
    "Wu-Hausman         1  92     1.994   0.161    ",
    "Sargan             1  NA     0.018   0.893    " }, "\n"), 1, true), s)
end)

T.test("diagnostics: two endogenous regressors; exactly identified (Sargan NaN)", function()
  local f = regress.iv{ formula = "lpacks ~ lrprice + lrincome | tdiff + rtax + year95", data = d }
  local dg = f:diagnostics()
  check("two", dg)
  T.eq(dg.weak[2].name, "lrincome")
  T.ok(tostring(dg):find("Weak instruments (lrprice)", 1, true))
  local e = regress.iv{ formula = "lpacks ~ lrprice + lrincome | lrincome + tdiff", data = d }:diagnostics()
  local i = 0
  for _, w in ipairs(e.weak) do
    i = i + 1
    T.near({ w.df1, w.df2, w.stat, w.p }, R["exact.diag" .. i], TOL)
  end
  T.eq(e.sargan.df, 0)
  T.ok(e.sargan.stat ~= e.sargan.stat and e.sargan.p ~= e.sargan.p)
end)

T.test("weighted 2SLS: coefficients, SEs, sigma, residuals, sandwich types and diagnostics", function()
  local base = { formula = "lpacks ~ lrprice + lrincome | lrincome + tdiff + rtax", data = d, weights = "pop" }
  local function fit(o)
    local t = {}
    for k, v in pairs(base) do t[k] = v end
    for k, v in pairs(o or {}) do t[k] = v end
    return regress.iv(t)
  end
  local f = fit()
  T.near(f.coef, R["w.coef"], TOL, "coef")
  T.near(f.se, R["w.se"], TOL, "se")
  T.near(f.sigma, R["w.sigma"], TOL, "sigma")
  T.near(f:residuals(), R["w.resid"], TOL, "residuals")
  for _, ty in ipairs{ "HC0", "HC1", "HC2", "HC3" } do
    T.near(fit({ se = ty }).se, R["w." .. ty], TOL, ty)
  end
  T.near(fit({ cluster = "state" }).se, R["w.cl"], TOL, "cluster")
  check("w", f:diagnostics())
  -- the weights as a vector, and with matrices
  local m = regress.iv{ y = d:col("lpacks"), x = d:matrix({ "lrprice", "lrincome" }),
    z = d:matrix({ "lrincome", "tdiff", "rtax" }), weights = d:col("pop") }
  T.near(m.coef, R["w.coef"], TOL, "matrices")
end)

T.test("diagnostics and weights: bad input", function()
  local w = {}
  for i = 1, d:nrow() do w[i] = 1 end
  w[5] = -1
  T.errors(function() regress.iv{ formula = "lpacks ~ lrprice | rtax", data = d, weights = w } end,
    "regress.iv: weights must be positive and finite (row 5 is -1")
  T.errors(function() regress.iv{ formula = "lpacks ~ lrprice | rtax", data = d, weights = { 1, 2 } } end,
    "regress.iv: 'weights' has 2 elements but data has 96 rows")
  T.errors(function() regress.iv{ y = d:col("lpacks"), x = d:col("lrprice"), z = d:col("rtax"), weights = "pop" } end,
    "regress.iv: 'weights' names a column, which needs formula = and data =")
  T.errors(function() regress.ivl{ formula = "lpacks ~ lrprice | rtax", data = d, weights = "pop" } end,
    "regress.ivl: unknown option 'weights'")
  -- no endogenous regressor: every x is an instrument
  local f = regress.iv{ formula = "lpacks ~ lrincome | lrincome + rtax", data = d }
  T.errors(function() f:diagnostics() end, "regress.diagnostics: the model has no endogenous regressors")
  local a = regress.anchor{ formula = "lpacks ~ lrprice | rtax", data = d, gamma = 2 }
  T.errors(function() a:diagnostics() end, "regress.diagnostics: diagnostics are for regress.iv fits")
end)
