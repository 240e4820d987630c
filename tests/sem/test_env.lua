-- sem.environments: environment labels, per-environment interventions
-- (shift moves the means by the drawn amount times the total effect; noise
-- scale multiplies the variance), reproducibility, errors. Sampling
-- tolerances are 5 SEs of the per-environment means and variances.
local T = require "orrery.testing"

local function model()
  return sem.linear{ nodes = { "X", "Y", "Z" }, edges = { { "X", "Y", 2 }, { "Y", "Z", 0.5 } },
    noise = { X = 1, Y = 1, Z = 1 } }
end

local function colmean(c, i0, i1)
  local s = 0
  for i = i0, i1 do s = s + c:get(i, 1) end
  return s / (i1 - i0 + 1)
end

T.test("shift environments: env column and means", function()
  local m = model()
  local n = 20000
  local df, set = sem.environments{ model = m, n_env = 4, n_per_env = n,
    family = { nodes = { "X" }, kind = "shift", range = { -2, 2 } }, rng = rng.new(8) }
  T.eq(df:nrow(), 4 * n)
  T.eq(table.concat(df:names(), ","), "X,Y,Z,env")
  for e = 1, 4 do
    local a = set[e].X
    T.ok(a >= -2 and a <= 2)
    local i0, i1 = (e - 1) * n + 1, e * n
    T.eq(df.env:get(i0, 1), e); T.eq(df.env:get(i1, 1), e)
    local s = m:intervene{ shift = { X = a } }
    local mu, S = s:mean(), s:cov()
    for j, v in ipairs({ "X", "Y", "Z" }) do
      T.near(colmean(df[v], i0, i1), mu:get(j, 1), 0, v .. " env " .. e, 5 * math.sqrt(S:get(j, j) / n))
    end
  end
end)

T.test("noise-scale environments: variances", function()
  local m = model()
  local n = 20000
  local df, set = sem.environments{ model = m, n_env = 3, n_per_env = n,
    family = { nodes = { "Y" }, kind = "noise_scale", range = { 0.5, 3 } }, rng = rng.new(9) }
  for e = 1, 3 do
    local a = set[e].Y
    local i0, i1 = (e - 1) * n + 1, e * n
    local mu = colmean(df.Y, i0, i1)
    local v = 0
    for i = i0, i1 do v = v + (df.Y:get(i, 1) - mu) ^ 2 end
    v = v / n
    local exact = 4 + a * a
    T.near(v, exact, 0, "Var Y env " .. e, 5 * exact * math.sqrt(2 / n))
  end
  local again = sem.environments{ model = m, n_env = 3, n_per_env = 10,
    family = { nodes = { "Y" }, kind = "noise_scale", range = { 0.5, 3 } }, rng = rng.new(9) }
  local once = sem.environments{ model = m, n_env = 3, n_per_env = 10,
    family = { nodes = { "Y" }, kind = "noise_scale", range = { 0.5, 3 } }, rng = rng.new(9) }
  T.near(again.Z, once.Z, 0)
end)

T.test("bad input", function()
  local m = model()
  T.errors(function() sem.environments{ model = {}, n_env = 2, n_per_env = 2, family = { nodes = { "X" } } } end,
    "sem.environments: 'model' must be")
  T.errors(function() sem.environments{ model = m, n_env = 2, n_per_env = 2,
    family = { nodes = { "Q" }, range = { 0, 1 } } } end, "unknown node 'Q'")
  T.errors(function() sem.environments{ model = m, n_env = 2, n_per_env = 2,
    family = { nodes = { "X" }, kind = "tilt", range = { 0, 1 } } } end, "family.kind")
  T.errors(function() sem.environments{ model = m, n_env = 2, n_per_env = 2,
    family = { nodes = { "X" }, range = { 1, 0 } } } end, "family.range")
  T.errors(function() sem.environments{ model = m, n_env = 0, n_per_env = 2,
    family = { nodes = { "X" }, range = { 0, 1 } } } end, "n_env")
end)
