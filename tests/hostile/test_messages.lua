-- The findings of the hardening sweep (issue 16), each a clear error that
-- names the public function instead of a silent result or a Lua error from
-- inside a Lua half; and read_csv's name de-duplication on a wide header.
local T = require "orrery.testing"
local data, regress, surv = require "orrery.data", require "orrery.regress", require "orrery.surv"
local bayes, pref = require "orrery.bayes", require "orrery.pref"

T.test("km:quantile outside [0, 1] is an error, as R's quantile.survfit", function()
  local km = surv.km({ 1, 2, 3 }, { 1, 1, 0 })
  T.errors(function() return km:quantile(-1) end, "surv.km:quantile: p must be a probability")
  T.errors(function() return km:quantile(2) end, "surv.km:quantile: p must be a probability")
  T.errors(function() return km:quantile(0 / 0) end, "surv.km:quantile")
  T.eq(km:quantile(0.5), km:median())
end)

T.test("messages name the public function", function()
  T.errors(function() return data.frame{ a = { 1, 2 } }:row(1e308) end,
    "data.row: row 1e+308 out of range 1..2")
  T.errors(function() return regress.anova(nil, 0) end, "regress.anova: argument 1 is not")
  T.errors(function() return data.read_csv(nil) end, "data.read_csv: path: string expected, got nil")
  T.errors(function() return bayes.niw{ mu0 = { 0 }, kappa0 = 1, nu0 = 3, psi0 = { { 1 } } }:sample(2 ^ 53) end,
    "n must be a positive integer")
  T.errors(function() return bayes.niw{ mu0 = { 0 }, kappa0 = 1, nu0 = 3, psi0 = { { 1 } } }:sample(math.huge) end,
    "n must be a positive integer")
end)

T.test("a reward model's 0-column features are an error at once", function()
  local mat = require "orrery.mat"
  local rm = pref.reward_model{ features = { { 1 }, { -1 } },
    pairs = { chosen = { 1, 2 }, rejected = { 2, 1 } }, l2 = 1 }
  T.errors(function() return rm:scores(mat.new(1e8, 0)) end, "'features' has no columns")
end)

T.test("a posterior that cannot be summarised still prints", function()
  local m = bayes.gamma_poisson(1, 1):update(2 ^ 53)
  local s = tostring(m)
  T.ok(s:find("bayes.gamma_poisson", 1, true), s)
end)

T.test("read_csv: 16000 repeated column names are made unique in linear time", function()
  local C = T.private("data")
  local n = 16000
  local head = string.rep("x,", n) .. "x.1,x.1"
  local row = string.rep("1,", n + 1) .. "1"
  local df = C.parse_string(head .. "\n" .. row .. "\n")
  local names = df:names()
  T.eq(#names, n + 2)
  T.eq(names[1], "x"); T.eq(names[2], "x.1"); T.eq(names[n], "x." .. (n - 1))
  T.eq(names[n + 1], "x.1.1"); T.eq(names[n + 2], "x.1.2")
end)

T.test("iv-type fits: alphas checked, predict() gives the fitted values, sketch's m", function()
  local rng = require "orrery.rng"
  local r = rng.new(1)
  local n = 50
  local x, z = r:normal(n), r:normal(n)
  local y = x + r:normal(n)
  T.errors(function() return regress.ivl{ y = y, x = x, z = z, alphas = {} } end,
    "regress.ivl: alphas must be a non-empty array")
  T.errors(function() return regress.ivl{ y = y, x = x, z = z, alphas = { -1 } } end,
    "regress.ivl: alphas[1] must be a number >= 0")
  T.errors(function() return regress.ivl{ y = y, x = x, z = z, alphas = { 1, 0 / 0 } } end,
    "regress.ivl: alphas[2] must be a number >= 0")
  local fit = regress.iv{ y = y, x = x, z = z }
  T.near(fit:predict(), fit.fitted, 0)
  T.near(regress.ivl{ y = y, x = x, z = z, alpha = 1 }:predict():rows(), n, 0)
  T.errors(function() return regress.sketch{ y = y, x = x, m = 30 }:predict() end,
    "regress.predict: give X")
  T.errors(function() return regress.sketch{ y = y, x = x, m = 1e9 } end,
    "regress.sketch: m must be between the number of coefficients (2) and n (50), got 1000000000")
  T.errors(function() return regress.sketch{ y = y, x = x, m = 2.5 } end,
    "regress.sketch: m (the sketch size) must be an integer, got 2.5")
end)

T.test("fuzz findings: a header-only text column; a variable that explains itself", function()
  local C = T.private("data")
  -- remap_chunk offset a NULL buffer (UBSan in make check)
  local df = C.parse_string("1=\t\138\t\130\t\23\t42\n", { sep = "\t", header = true, threads = 1,
    na = { "" } })
  T.eq(df:nrow(), 0)
  local sem, rng = require "orrery.sem", require "orrery.rng"
  local r = rng.new(7)
  local n = 60
  local cols = {}
  for j = 1, 3 do cols["x" .. j] = r:normal(n) end
  T.errors(function() return sem.fit("f =~ NA*x1 + 1*f\nx1 ~~ 0*x1", data.frame(cols)) end, "sem.fit: ")
  T.errors(function() return sem.fit("f =~ f", data.frame(cols)) end, "sem.fit: the model names no observed")
  T.errors(function() return sem.fit("f =~ 1*x1\nf ~~ 1*f\nx1 ~~ 0*x1", data.frame(cols)) end,
    "sem.fit: the model has no free parameter")
  T.errors(function() return sem.fit("x1 ~ b*x2\nd := b | 1", data.frame(cols)) end,
    "sem.fit: line 2: cannot evaluate 'd := b | 1'")
end)

T.test("ols: a constant y has r2 NaN, as R's summary.lm (not a ratio of rounding errors)", function()
  local fit = regress.ols{ y = { 0.1, 0.1, 0.1, 0.1, 0.1 }, x = { 1, 2, 3, 4, 7 } }
  T.ok(fit.r2 ~= fit.r2, "r2 " .. tostring(fit.r2))
  T.ok(fit.adj_r2 ~= fit.adj_r2 and fit.fstat.value ~= fit.fstat.value)
  T.ok(tostring(fit):find("Multiple R%-squared:%s+NaN") ~= nil, tostring(fit))
end)
