-- regress.sketch: sketched least squares, a part of regress (required by
-- stdlib/regress.lua). The C half (modules/regress/sketch.c) draws S [X y]
-- and solves.
local M, C = ...
local help = require "orrery.help"
local args = require "orrery.args"

local fail = args.fail

local OPTS = args.set{ "y", "x", "formula", "data", "intercept", "m", "kind", "rng", "exact", "na", "names" }

function M.sketch(t)
  local fn = "regress.sketch"
  args.checkopts(fn, t, OPTS)
  local kind = t.kind or "gaussian"
  if kind ~= "gaussian" and kind ~= "srht" and kind ~= "countsketch" then
    fail(fn, "kind must be \"gaussian\", \"srht\" or \"countsketch\", got '%s'", tostring(kind))
  end
  -- 1e9 is a whole number: the kernel then says how m compares with n
  if math.tointeger(t.m) == nil then
    fail(fn, "m (the sketch size) must be an integer, got %s", tostring(t.m))
  end
  local m = math.tointeger(t.m)
  local r = t.rng or require("orrery.rng").default
  local d = C.getdata(fn, t, nil)
  local coef, exact = C._sketch(d.x:hcat(d.y), m, kind, r, t.exact)
  local fit = C.newfit{ _terms = d.terms,
    title = "Sketched least squares (" .. kind .. ", m = " .. m .. ")",
    coef = coef, names = d.names, n = d.x:rows(), n_dropped = d.n_dropped,
    m = m, kind = kind, df_residual = d.x:rows() - d.x:cols(),
  }
  if exact then
    local linf, l2 = 0, 0
    for j = 1, coef:rows() do
      local e = math.abs(coef[j] - exact[j])
      linf = math.max(linf, e); l2 = l2 + e * e
    end
    fit.exact, fit.linf, fit.l2 = exact, linf, math.sqrt(l2)
  end
  return fit
end
help.doc(M.sketch, "regress.sketch", [[
regress.sketch{ y =, x =, m =, kind = "gaussian"|"srht"|"countsketch" [, rng=, exact=true, intercept=true] }
Least squares on a sketch S [X y] with m rows: a dense Gaussian S, a subsampled
randomised Hadamard transform, or CountSketch. With exact = true the exact solution
is computed too and .linf / .l2 give the distance of the sketched coefficients to it.]])
