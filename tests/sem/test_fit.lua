-- sem.fit against lavaan 0.6.14 (tests/ref/sem/make_lavaan.R): the
-- three-factor CFA of HolzingerSwineford1939, the PoliticalDemocracy model
-- (three factors, regressions, equal loadings by labels, residual
-- covariances), the CFA again with a fixed loading, an equality, a fixed
-- zero covariance and a defined parameter, and with a mean structure (x1 ~ 1).
-- Tolerance: 1e-5 relative on estimates, SEs (expected information),
-- std.all, the fit measures and the RMSEA interval (observed: 3e-6 at most,
-- on PoliticalDemocracy; 1e-7 elsewhere). lavaan computes p-values as
-- 1 - pchisq(x), so below ~1e-13 they carry an absolute error ~1e-16 (ours
-- use the upper tail): measures are also allowed 1e-15 absolute. The references come from
-- lavaan's BFGS to reltol 1e-15 (see the R script): lavaan's default nlminb
-- run stops ~1e-5 from the optimum on PoliticalDemocracy, where our chi-square
-- is the smaller of the two.
local T = require "orrery.testing"
local R = T.ref("sem/lavaan_ref.txt")
local hs = data.read_csv("tests/ref/sem/hs.csv")
local pd = data.read_csv("tests/ref/sem/politdem.csv")
local TOL = 1e-5

local specs = {
  hs = { hs, [[
    visual  =~ x1 + x2 + x3
    textual =~ x4 + x5 + x6
    speed   =~ x7 + x8 + x9]] },
  pd = { pd, [[
    ind60 =~ x1 + x2 + x3
    dem60 =~ y1 + a*y2 + b*y3 + c*y4
    dem65 =~ y5 + a*y6 + b*y7 + c*y8
    dem65 ~ ind60 + dem60
    dem60 ~ ind60
    y1 ~~ y5
    y2 ~~ y4 + y6
    y3 ~~ y7
    y4 ~~ y8
    y6 ~~ y8]] },
  hsfix = { hs, [[
    visual  =~ x1 + 0.8*x2 + x3
    textual =~ x4 + l*x5 + l*x6
    speed   =~ x7 + x8 + x9
    visual ~~ 0*speed
    twol := 2*l]] },
  hsmean = { hs, [[
    visual  =~ x1 + x2 + x3
    textual =~ x4 + x5 + x6
    speed   =~ x7 + x8 + x9
    x1 ~ 1]] },
}

local measures = { "npar", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi",
  "tli", "rmsea", "rmsea.pvalue", "srmr", "logl", "unrestricted.logl", "aic", "bic", "ntotal" }

for _, m in ipairs({ "hs", "pd", "hsfix", "hsmean" }) do
  T.test("sem.fit matches lavaan: " .. m, function()
    local f = sem.fit(specs[m][2], specs[m][1])
    T.ok(f.converged, "converged")
    local names = R[m .. ".names"]
    T.eq(#names, #f.names, "number of parameters")
    for i, k in ipairs(names) do
      T.ok(f.est[k] ~= nil, "parameter " .. k)
      local se = R[m .. ".se"][i]
      T.near(f.est[k], R[m .. ".est"][i], TOL, m .. " est " .. k, 1e-12)
      T.near(f.se[k], se, TOL, m .. " se " .. k)
      T.near(f.std[k], R[m .. ".std"][i], TOL, m .. " std " .. k, 1e-12)
    end
    local fm = f:measures()
    for _, k in ipairs(measures) do
      -- lavaan's p-values are 1 - pchisq(...): absolute error ~1e-16
      T.near(fm[k:gsub("%.", "_")], R[m .. "." .. k], TOL, m .. " " .. k, 1e-15)
    end
    T.near(f.rmsea_ci[1], R[m .. ".rmsea.ci.lower"], TOL, m .. " rmsea ci lower")
    T.near(f.rmsea_ci[2], R[m .. ".rmsea.ci.upper"], TOL, m .. " rmsea ci upper")
    local s = tostring(f)
    T.ok(s:find("Comparative Fit Index (CFI)", 1, true), "summary layout")
    T.ok(s:find("Latent Variables:", 1, true), "summary sections")
  end)
end

T.test("syntax errors give the position", function()
  T.errors(function() sem.fit("visual =~ x1 + + x2", hs) end, "sem.fit: syntax error at line 1, column 15")
  T.errors(function() sem.fit("visual =~ x1 + x2\n  textual x4", hs) end,
    "sem.fit: syntax error at line 2, column 3: no operator")
  T.errors(function() sem.fit("visual =~ x1 + x2 $", hs) end, "sem.fit: syntax error at line 1, column 19")
  T.errors(function() sem.fit("=~ x1", hs) end, "sem.fit: syntax error at line 1, column 1")
  T.errors(function() sem.fit("visual =~ ", hs) end, "sem.fit: syntax error at line 1, column 10: nothing after")
end)

T.test("bad models", function()
  T.errors(function() sem.fit("visual =~ x1 + x2 + q3", hs) end,
    "sem.fit: variable 'q3' is neither in the data nor a latent variable")
  -- one factor with two indicators: 4 parameters, 3 moments
  T.errors(function() sem.fit("f =~ x1 + x2", hs) end, "sem.fit: the model is not identified")
  -- df = 0 but a factor whose scale is set twice over is fine; a free first
  -- loading with a free factor variance is not identified
  T.errors(function() sem.fit("f =~ NA*x1 + x2 + x3 + x4", hs) end, "sem.fit: the model is not identified")
  T.errors(function() sem.fit("visual =~ x1 + x2 + x3; visual ~ 1", hs) end, "sem.fit: line 1: latent means")
  T.errors(function() sem.fit("visual =~ x1 + x2 + x3; x1 ~ 2*1", hs) end, "sem.fit: line 1: fixed or labelled")
  T.errors(function() sem.fit("visual =~ x1 + x2 + x3", {}) end, "sem.fit: expected a data frame")
  T.errors(function() sem.fit("visual =~ x1 + x2 + x3", hs, { maxiter = 0 }) end, "sem.fit: maxiter")
  T.errors(function() sem.fit("visual =~ x1 + x2 + x3", hs, { tol = 1 }) end, "sem.fit")
  T.errors(function() sem.fit("visual =~ x1 + x2 + x3; x1 ~~ x1; x1 ~~ x1", hs) end, "given twice")
end)

T.test("Heywood case and non-convergence reported", function()
  -- three indicators, one measured almost without error, two weak ones: the
  -- ML solution has a negative residual variance (seed chosen for it)
  local function data_for(seed)
    local r = rng.new(seed)
    local n = 50
    local f0 = r:normal(n)
    return data.frame{ a = f0 + r:normal(n) * 0.1, b = f0 * 0.3 + r:normal(n),
      c = f0 * 0.3 + r:normal(n) }
  end
  local f = sem.fit("f =~ a + b + c", data_for(11))
  T.ok(f.converged, "converged")
  T.eq(f.heywood[1], "a~~a")
  T.ok(f.est["a~~a"] < 0)
  T.ok(tostring(f):find("Warning: Heywood case: a~~a", 1, true), "printed")
  -- here the exact fit (df = 0) needs a negative factor variance
  local h = sem.fit("f =~ a + b + c", data_for(2))
  T.ok(h.converged, "converged")
  T.ok(h.est["f~~f"] < 0)
  T.eq(h.heywood[1], "f~~f")
  -- two iterations are not enough
  local g = sem.fit("f =~ a + b + c", data_for(11), { maxiter = 2 })
  T.ok(not g.converged, "not converged")
  T.eq(g.iterations, 2)
  T.ok(tostring(g):find("did NOT converge", 1, true), "printed")
end)

T.test("a numerically singular implied covariance is outside the model, not a mat:inv error", function()
  -- found by fuzz_lavaan: a huge fixed regression makes Sigma positive but
  -- singular in double precision
  T.errors(function() sem.fit("f =~ LA*x2 + x1 + x6 + x4\nf ~ x3\nf ~~ 0*f\nf ~ 86*x2", hs) end,
    "sem.fit: ")
  local ok, e = pcall(sem.fit, "f =~ LA*x2 + x1 + x6 + x4\nf ~ x3\nf ~~ 0*f\nf ~ 86*x2", hs)
  T.ok(not ok and not tostring(e):find("mat:inv", 1, true), "named by sem.fit")
end)
