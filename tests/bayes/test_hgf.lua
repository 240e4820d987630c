-- bayes.hgf: trajectories against an independent R transcription of the
-- published update equations (tests/ref/bayes/make_hgf.R), binary and
-- continuous, 2 and 3 levels, with a missing input in each sequence; the
-- fit by minimal surprise; bad input.
local T = require "orrery.testing"

local ub = T.csv("bayes/hgf_binary_u.csv").u
local uc = T.csv("bayes/hgf_cont_u.csv").u

-- tolerance: 1e-10 relative (the issue's bar), with 1e-12 absolute for
-- values that pass through zero
local function same(res, ref, cols, what)
  for _, c in ipairs(cols) do
    local got, col = c[1], ref[c[2]]
    T.near(got, col, 1e-10, what .. " " .. c[2], 1e-12)
  end
end

local function total(s)
  local t = 0
  for i = 1, #s do if s[i] == s[i] then t = t + s[i] end end
  return t
end

T.test("binary 3-level HGF matches the R transcription to 1e-10", function()
  local ref = T.csv("bayes/hgf_binary3.csv")
  local m = bayes.hgf{ kind = "binary", levels = 3, omega = -2.5, kappa = 1.2, theta = 0.3,
    mu0 = { 0, 1 }, pi0 = { 1, 2 } }
  local r = m:filter(ub)
  T.eq(r.mu:cols(), 3); T.eq(r.pe:cols(), 2)
  same(r, ref, { { r.mu:col(1), "mu1" }, { r.mu:col(2), "mu2" }, { r.mu:col(3), "mu3" },
    { r.pi:col(2), "pi2" }, { r.pi:col(3), "pi3" }, { r.pe:col(1), "pe1" }, { r.pe:col(2), "pe2" },
    { r.surprise, "surprise" } }, "binary3")
  T.near(r.total, total(ref.surprise), 1e-12)
  -- omega3 = log theta is the same model (pyhgf's name)
  local m2 = bayes.hgf{ kind = "binary", levels = 3, omega = -2.5, kappa = 1.2, omega3 = math.log(0.3),
    mu0 = { 0, 1 }, pi0 = { 1, 2 } }
  T.near(m2:filter(ub).total, r.total, 1e-14)
end)

T.test("binary 2-level HGF matches the R transcription to 1e-10", function()
  local ref = T.csv("bayes/hgf_binary2.csv")
  local r = bayes.hgf{ kind = "binary", levels = 2, omega = -1.5, mu0 = { 0.5 }, pi0 = { 2 } }:filter(ub)
  T.eq(r.mu:cols(), 2); T.eq(r.pe:cols(), 1)
  same(r, ref, { { r.mu:col(1), "mu1" }, { r.mu:col(2), "mu2" }, { r.pi:col(2), "pi2" },
    { r.pe:col(1), "pe1" }, { r.surprise, "surprise" } }, "binary2")
  T.near(r.total, total(ref.surprise), 1e-12)
end)

T.test("continuous 3-level HGF matches the R transcription to 1e-10", function()
  local ref = T.csv("bayes/hgf_cont3.csv")
  local r = bayes.hgf{ kind = "continuous", levels = 3, omega = { -4, -3 }, kappa = { 1, 0.8 },
    theta = 0.2, pi_u = 400, mu0 = { 0, -1, 1 }, pi0 = { 10, 2, 3 } }:filter(uc)
  same(r, ref, { { r.mu:col(1), "mu1" }, { r.mu:col(2), "mu2" }, { r.mu:col(3), "mu3" },
    { r.pi:col(1), "pi1" }, { r.pi:col(2), "pi2" }, { r.pi:col(3), "pi3" },
    { r.pe:col(1), "pe1" }, { r.pe:col(2), "pe2" }, { r.pe:col(3), "pe3" },
    { r.surprise, "surprise" } }, "cont3")
  T.near(r.total, total(ref.surprise), 1e-12)
end)

T.test("continuous 2-level HGF matches the R transcription to 1e-10", function()
  local ref = T.csv("bayes/hgf_cont2.csv")
  local r = bayes.hgf{ kind = "continuous", levels = 2, omega = { -4, -3 }, kappa = { 1 },
    pi_u = 400, mu0 = { 0, -1 }, pi0 = { 10, 2 } }:filter(uc)
  T.eq(r.mu:cols(), 2)
  same(r, ref, { { r.mu:col(1), "mu1" }, { r.mu:col(2), "mu2" }, { r.pi:col(1), "pi1" },
    { r.pi:col(2), "pi2" }, { r.pe:col(1), "pe1" }, { r.pe:col(2), "pe2" },
    { r.surprise, "surprise" } }, "cont2")
end)

T.test("a missing input skips its update but the variances still grow", function()
  local m = bayes.hgf{ kind = "binary", levels = 3 }
  local r = m:filter{ 1, 0 / 0, 1 }
  T.eq(r.mu:get(2, 2), r.mu:get(1, 2))
  T.ok(r.pi:get(2, 2) < r.pi:get(1, 2))
  T.ok(r.surprise[2] ~= r.surprise[2])
end)

T.test("fit by minimal surprise recovers a lower surprise than the start", function()
  local m = bayes.hgf{ kind = "binary", levels = 3, omega = -6, kappa = 1, theta = 0.3, mu0 = { 0, 1 }, pi0 = { 1, 2 } }
  local before = m:filter(ub).total
  local fit, res = m:fit(ub, { free = { "omega" } })
  T.ok(res.converged, res.reason)
  T.near(fit:filter(ub).total, res.value, 1e-12)
  T.ok(res.value < before - 1, "surprise fell from " .. before .. " to " .. res.value)
  -- the optimum: nudging omega either way does not lower the surprise
  for _, h in ipairs{ -0.05, 0.05 } do
    local q = bayes.hgf{ kind = "binary", levels = 3, omega = fit.omega[2] + h, kappa = 1, theta = 0.3,
      mu0 = { 0, 1 }, pi0 = { 1, 2 } }
    T.ok(q:filter(ub).total >= res.value - 1e-9)
  end
end)

T.test("bad input is a clear error", function()
  T.errors(function() bayes.hgf{ kind = "ternary" } end, "kind must be")
  T.errors(function() bayes.hgf{ levels = 4 } end, "levels must be 2 or 3")
  T.errors(function() bayes.hgf{ theta = -1 } end, "'theta' must be a positive")
  T.errors(function() bayes.hgf{ theta = 1, omega3 = 0 } end, "not both")
  T.errors(function() bayes.hgf{ pi0 = { -1, 1 } } end, "'pi0[1]' must be a positive")
  T.errors(function() bayes.hgf{ foo = 1 } end, "unknown option 'foo'")
  T.errors(function() bayes.hgf{}:filter{ 1, 0.5 } end, "binary input 2 is 0.5")
  T.errors(function() bayes.hgf{ kind = "continuous" }:filter{ 1, math.huge } end, "input 2 is infinite")
  T.errors(function() bayes.hgf{ kind = "continuous", levels = 2, pi_u = 1e-300, omega = { 50, 50 } }:filter{ 1, 2, 1e300 } end,
    "non-positive at trial")
end)
