-- Design matrices against R's model.matrix (and AER's ivreg for instruments) on
-- mtcars, iris, warpbreaks, ToothGrowth, airquality and a small frame with a
-- level seen only on dropped rows (cases.txt, from tests/ref/formula/make_formula.R),
-- and the functions of make_functions.R (functions_cases.txt): poly, scale,
-- pmin/pmax, as.numeric, interaction, C(), %in%, round, and design() on new
-- rows with the fit's poly coefficients and scale centres ("pred" cases).
-- Tolerance: values to 1e-12 relative (1e-14 absolute near 0; the transforms
-- are the same libm calls as R's); names, n and n_dropped exactly.
local T = require "orrery.testing"
local formula = require "orrery.formula"

local DIR = "formula/"

local function lines(path)
  local out = {}
  for l in io.lines(T.refdir .. DIR .. path) do out[#out + 1] = l end
  return out
end

-- a frame from <ds>.csv (numbers; text columns as level codes) and <ds>_levels.txt
local load_frame = dofile("tests/formula/ref_frame.lua")
local frames = {}
local function frame(ds)
  frames[ds] = frames[ds] or load_frame(ds)
  return frames[ds]
end

local cases = {}
local list = lines("cases.txt")
for _, l in ipairs(lines("functions_cases.txt")) do list[#list + 1] = l end
for _, l in ipairs(list) do
  local id, ds, kind, drop, nd, f = l:match("^(%S+)\t(%S+)\t(%S+)\t(%S+)\t(%S+)\t(.*)$")
  cases[#cases + 1] = {id = id, ds = ds, kind = kind, drop = drop == "drop",
                       n_dropped = tonumber(nd), formula = f}
end
T.ok(#cases >= 90, "cases.txt and functions_cases.txt list the references")

for _, cs in ipairs(cases) do
  T.test(cs.id .. ": " .. cs.formula, function()
    local ds, newds = cs.ds:match("^([^:]+):?(.*)$")
    local mf = formula.model_frame(cs.formula, frame(ds), {drop_unused = cs.drop})
    local ref = T.csv(DIR .. cs.id .. ".csv")
    local names = lines(cs.id .. "_names.txt")
    local X = cs.kind == "z" and mf.z or mf.x
    local got = cs.kind == "z" and mf.znames or mf.names
    if cs.kind == "pred" then
      local d = formula.design(mf, frame(newds))
      X, got = d.x, d.names
    end
    T.eq(#got, #names, "number of columns")
    for j = 1, #names do T.eq(got[j], names[j], "name of column " .. j) end
    T.eq(X:rows(), ref.y:rows(), "rows of x")
    for j = 1, #names do
      T.near(X:col(j), ref["c" .. j], 1e-12, names[j], 1e-14)
    end
    if cs.kind == "pred" then return end
    T.eq(mf.n_dropped, cs.n_dropped, "n_dropped")
    T.eq(mf.n, ref.y:rows(), "n")
    T.near(mf.y, ref.y, 1e-12, "y", 1e-14)
    if ref.offset then T.near(mf.offset, ref.offset, 1e-12, "offset", 1e-14)
    else T.eq(mf.offset, nil, "no offset") end
  end)
end
