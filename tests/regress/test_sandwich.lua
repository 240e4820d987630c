-- Covariances beyond HC0..HC3 against sandwich (tests/ref/regress/make_sandwich.R):
-- vcovHC's HC4, HC4m, HC5 and vcovCL with one and two clusterings, types HC0
-- and HC1 and each class's default, for lm, glm and iv. Closed forms (lm, iv):
-- 1e-8 relative; the glm SEs sit on IRLS's estimates: 1e-6.
local T = require "orrery.testing"
local regress = require "orrery.regress"
local data = require "orrery.data"
local R = T.ref("regress/sandwich.txt")

local pc = data.read_csv("tests/ref/regress/petersen.csv")
local mt = data.read_csv("tests/ref/regress/mtcars.csv")
local wb = data.read_csv("tests/ref/regress/warpbreaks.csv")
local cg = data.read_csv("tests/ref/regress/iv/cigarettes.csv")

-- pc's y > 0 as a 0/1 column for the binomial glm
local yb = {}
do
  local y = pc:col("y")
  for i = 1, #y do yb[i] = y[i] > 0 and 1 or 0 end
  pc = pc:add("yb", yb)
end

local function hc(tag, tol, fitter)
  for _, ty in ipairs{ "HC4", "HC4m", "HC5" } do
    T.near(fitter({ se = ty }).se, R[tag .. "." .. ty], tol, tag .. " " .. ty)
  end
end

-- one: the single clustering's option, two: the two-way one
local function cl(tag, tol, fitter, one, two)
  T.near(fitter({ cluster = one }).se, R[tag .. ".cl"], tol, tag .. " cluster default")
  T.near(fitter({ cluster = two }).se, R[tag .. ".cl2"], tol, tag .. " two-way default")
  for _, ty in ipairs{ "HC0", "HC1" } do
    T.near(fitter({ cluster = one, cluster_type = ty }).se, R[tag .. ".cl." .. ty], tol, tag .. " cluster " .. ty)
    T.near(fitter({ cluster = two, cluster_type = ty }).se, R[tag .. ".cl2." .. ty], tol, tag .. " two-way " .. ty)
  end
end

local function with(base, extra)
  local t = {}
  for k, v in pairs(base) do t[k] = v end
  for k, v in pairs(extra) do t[k] = v end
  return t
end

T.test("lm on PetersenCL: HC4, HC4m, HC5 and firm / firm x year clusters", function()
  local base = { formula = "y ~ x", data = pc }
  local function fit(o) return regress.ols(with(base, o)) end
  T.near(fit({}).coef, R["pc.coef"], 1e-8)
  hc("pc", 1e-8, fit)
  cl("pc", 1e-8, fit, "firm", { "firm", "year" })
  -- vectors instead of column names, and the default type is HC1 for lm
  local f = fit({ cluster = { pc:col("firm"), pc:col("year") } })
  T.near(f.se, R["pc.cl2"], 1e-8, "vectors")
  T.eq(f.cluster_type, "HC1")
  T.eq(f.clusters[1], 500); T.eq(f.clusters[2], 10)
  T.ok(tostring(f):find("2-way cluster (500 x 10 clusters, HC1)", 1, true))
  -- matrices instead of a formula
  local m = regress.ols{ y = pc:col("y"), x = pc:col("x"), cluster = { pc:col("firm"), pc:col("year") } }
  T.near(m.se, R["pc.cl2"], 1e-8, "matrices")
end)

T.test("binomial glm on PetersenCL: HC4..HC5, clusters with vcovCL's HC0 default", function()
  local base = { formula = "yb ~ x", data = pc, family = "binomial" }
  local function fit(o) return regress.glm(with(base, o)) end
  T.near(fit({}).coef, R["pcb.coef"], 1e-6)
  hc("pcb", 1e-6, fit)
  cl("pcb", 1e-6, fit, "firm", { "firm", "year" })
  T.eq(fit({ cluster = "firm" }).cluster_type, "HC0")
end)

T.test("weighted lm (mtcars) and Poisson glm (warpbreaks): HC4..HC5, two-way with a negative variance", function()
  local w = {}
  for i, c in ipairs(mt:col("cyl"):totable()) do w[i] = 1 / c end
  hc("mtw", 1e-8, function(o) return regress.lm("mpg ~ wt + hp + qsec", mt, with({ weights = w }, o)) end)
  hc("mt", 1e-8, function(o) return regress.lm("mpg ~ wt + hp + qsec", mt, o) end)
  local function fit(o) return regress.glm(with({ formula = "breaks ~ wool + tension", data = wb, family = "poisson" }, o)) end
  hc("wb", 1e-6, fit)
  -- two-way meats need not be positive definite: R's NaN where a variance
  -- is negative (vcovCL's fix = FALSE)
  cl("wb", 1e-6, fit, "tension", { "wool", "tension" })
  T.ok(fit({ cluster = { "wool", "tension" } }).se[3] ~= fit({ cluster = { "wool", "tension" } }).se[3])
end)

T.test("iv on CigarettesSW: HC4..HC5, state / state x year clusters, HC0 by default as vcovCL", function()
  local base = { formula = "lpacks ~ lrprice + lrincome | lrincome + tdiff + rtax", data = cg }
  local function fit(o) return regress.iv(with(base, o)) end
  hc("iv", 1e-8, fit)
  cl("iv", 1e-8, fit, "state", { "state", "year95" })
  T.eq(fit({ cluster = "state" }).cluster_type, "HC0")
end)

T.test("a missing id in one clustering drops the row, as a missing value anywhere", function()
  local y, x = pc:col("y"):totable(), pc:col("x"):totable()
  local firm, year = pc:col("firm"):totable(), pc:col("year"):totable()
  local f2 = {}
  for i = 1, #firm do f2[i] = firm[i] end
  f2[7] = 0 / 0
  local f = regress.ols{ y = y, x = x, cluster = { f2, year } }
  T.eq(f.n_dropped, 1)
  -- the same fit on the other rows
  local yy, xx, ff, yr = {}, {}, {}, {}
  for i = 1, #y do
    if i ~= 7 then yy[#yy + 1], xx[#xx + 1], ff[#ff + 1], yr[#yr + 1] = y[i], x[i], firm[i], year[i] end
  end
  local g = regress.ols{ y = yy, x = xx, cluster = { ff, yr } }
  T.near(f.se, g.se, 1e-12)
end)

T.test("bad cluster and se options", function()
  local y, x = pc:col("y"), pc:col("x")
  T.errors(function() regress.ols{ y = y, x = x, se = "HC6" } end, "regress.ols: se must be")
  T.errors(function() regress.glm{ y = y, x = x, se = "HC7" } end, "regress.glm: se must be")
  T.errors(function() regress.ols{ y = y, x = x, cluster = pc:col("firm"), cluster_type = "HC3" } end,
    "regress.ols: cluster_type must be \"HC0\" or \"HC1\", got 'HC3'")
  T.errors(function() regress.glm{ y = y, x = x, cluster_type = "HC0" } end, "regress.glm: cluster_type needs cluster =")
  T.errors(function() regress.ols{ y = y, x = x, cluster = { pc:col("firm"), { 1, 2, 3 } } } end,
    "regress.ols: cluster[2] has 3 elements but cluster[1] has 5000")
  T.errors(function() regress.ols{ y = y, x = x, cluster = { 1, 2, 3 } } end, "regress.ols: 'cluster' has 3 elements but y has 5000")
  local one = {}
  for i = 1, #y do one[i] = 1 end
  T.errors(function() regress.ols{ y = y, x = x, cluster = { pc:col("firm"), one } } end,
    "regress.ols: cluster[2] has 1 distinct value; at least 2 are needed")
  T.errors(function() regress.ols{ y = y, x = x, cluster = one } end,
    "regress.ols: cluster has 1 distinct value; at least 2 are needed")
  T.errors(function() regress.ols{ formula = "y ~ x", data = pc, cluster = { "firm", "nosuch" } } end,
    "regress.ols: 'cluster' has 2 elements but data has 5000 rows")
  T.errors(function() regress.iv{ formula = "lpacks ~ lrprice | rtax", data = cg, cluster = "state", cluster_type = "HC2" } end,
    "regress.iv: cluster_type must be")
  T.errors(function() regress.iv{ formula = "lpacks ~ lrprice | rtax", data = cg, se = "HC9" } end,
    "regress.iv: se must be")
end)
