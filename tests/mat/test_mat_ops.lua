-- Shapes, slicing, element-wise functions (against R), reductions, products.
local T = require "orrery.testing"

T.test("range is inclusive, as R's seq()", function()
  T.near(mat.range(1, 5), { 1, 2, 3, 4, 5 }, 0)
  T.near(mat.range(5, 1), { 5, 4, 3, 2, 1 }, 0)
  T.near(mat.range(1.5, 4), { 1.5, 2.5, 3.5 }, 0)
  T.near(mat.range(0, 1, 0.25), { 0, 0.25, 0.5, 0.75, 1 }, 0)
  T.near(mat.range(1, 0, -0.5), { 1, 0.5, 0 }, 0)
  -- seq(0, 1, 0.1) has 11 elements, the last exactly 1 (R: fuzz 1e-10)
  local r = mat.range(0, 1, 0.1)
  T.eq(#r, 11); T.eq(r[11], 1); T.near(r[4], 0.3, 1e-15)
  T.near(mat.range(0, 10, 3), { 0, 3, 6, 9 }, 0)
  T.near(mat.range(2, 2), { 2 }, 0)
  T.eq(mat.range(1, 3):cols(), 1)
end)

T.test("reshape, row, col, cols_of copy", function()
  local A = mat.range(1, 6):reshape(2, 3)  -- column-major, as R's matrix(1:6, 2)
  T.near(A, { { 1, 3, 5 }, { 2, 4, 6 } }, 0)
  T.near(A:row(2), { { 2, 4, 6 } }, 0)
  T.eq(A:row(2):rows(), 1)
  T.near(A:col(3), { 5, 6 }, 0)
  T.near(A:cols_of{ 3, 1, 3 }, { { 5, 1, 5 }, { 6, 2, 6 } }, 0)
  T.near(A:cols_of(mat.vec{ 2 }), { 3, 4 }, 0)
  T.eq(A:cols_of{}:cols(), 0)
  local c = A:col(1); c:set(1, 1, 99)
  T.eq(A:get(1, 1), 1, "col is a copy")
  local B = A:reshape(3, 2); B:set(1, 1, 99)
  T.eq(A:get(1, 1), 1, "reshape is a copy")
  local C = A:copy(); C:set(2, 2, -1)
  T.eq(A:get(2, 2), 4, "copy is a copy")
  T.near(A:t(), { { 1, 2 }, { 3, 4 }, { 5, 6 } }, 0)
  T.near(A:diag(), { 1, 4 }, 0)
  T.near(mat.diag{ 1, 2 }, { { 1, 0 }, { 0, 2 } }, 0)
end)

T.test("hcat and vcat, with tables and several arguments", function()
  local A = mat.from{ { 1, 2 }, { 3, 4 } }
  T.near(A:hcat({ 5, 6 }), { { 1, 2, 5 }, { 3, 4, 6 } }, 0)
  T.near(A:hcat(A, { 0, 0 }), { { 1, 2, 1, 2, 0 }, { 3, 4, 3, 4, 0 } }, 0)
  T.near(A:vcat({ { 5, 6 } }), { { 1, 2 }, { 3, 4 }, { 5, 6 } }, 0)
  T.near(A:vcat(A:row(1), A:row(2)), { { 1, 2 }, { 3, 4 }, { 1, 2 }, { 3, 4 } }, 0)
  T.near(A:hcat(), A, 0)
  T.eq(A:hcat(mat.zeros(2, 0)):cols(), 2)
end)

T.test("elements, totable, #, equality", function()
  local v = mat.vec{ 10, 20, 30 }
  T.eq(v[1], 10); T.eq(v[3], 30); T.eq(#v, 3)
  local A = mat.from{ { 1, 2 }, { 3, 4 } }
  T.eq(A[2], 3, "column-major linear index")
  T.eq(#mat.zeros(3, 4), 12)
  local t = A:totable()
  T.eq(t[2][1], 3); T.eq(#t, 2)
  local tv = v:totable(); T.eq(tv[2], 20); T.eq(type(tv[2]), "number")
  T.ok(A == mat.from{ { 1, 2 }, { 3, 4 } })
  T.ok(A ~= A:t())
  T.ok(mat.vec{ 0 / 0 } ~= mat.vec{ 0 / 0 }, "NaN ~= NaN")
  T.eq(A.nosuchmethod, nil)
end)

T.test("arithmetic with scalars on either side, division, hadamard", function()
  local A = mat.from{ { 1, 2 }, { 4, 8 } }
  T.near(A / 2, { { 0.5, 1 }, { 2, 4 } }, 0)
  T.near(8 / A, { { 8, 4 }, { 2, 1 } }, 0)
  T.near(A + 1, { { 2, 3 }, { 5, 9 } }, 0)
  T.near(1 + A, { { 2, 3 }, { 5, 9 } }, 0)
  T.near(A - 1, { { 0, 1 }, { 3, 7 } }, 0)
  T.near(A:hadamard(A), { { 1, 4 }, { 16, 64 } }, 0)
  T.near(A:hadamard{ { 1, 0 }, { 0, 1 } }, { { 1, 0 }, { 0, 8 } }, 0)
  T.near({ { 1, 1 } } * A, { { 5, 10 } }, 0)
  T.near(A / 0, { { math.huge, math.huge }, { math.huge, math.huge } }, 0)  -- IEEE
  T.near(mat.zeros(2, 0) * mat.zeros(0, 3), mat.zeros(2, 3), 0)
end)

T.test("apply matches R on each function", function()
  local R = T.ref("mat/apply.txt")
  local names = { "log", "log2", "log10", "log1p", "exp", "expm1", "sqrt", "cbrt",
    "square", "abs", "sign", "recip", "logistic", "logit", "softplus", "sin", "cos",
    "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
    "floor", "ceil", "round", "trunc", "lgamma", "gamma", "erf", "erfc", "pnorm" }
  for _, nm in ipairs(names) do
    local x = mat.vec(R[nm .. ".in"])
    -- libm and R's own code agree to a few ulps; R's gamma(171) is 1.2e-13
    -- off 170! (glibc's is right to the last bit), hence its 1e-12
    T.near(x:apply(nm), R[nm], nm == "gamma" and 1e-12 or 1e-13, nm, 1e-300)
  end
  -- stable tails: no overflow to NaN
  T.near(mat.vec{ -800, 800 }:apply("logistic"), { 0, 1 }, 0)
  T.near(mat.vec{ 800 }:apply("softplus"), { 800 }, 0)
  T.near(mat.vec{ 1e-20 }:apply("log1p"), { 1e-20 }, 1e-15)
  T.near(mat.vec{ 0.5, 1.5, 2.5, -0.5 }:apply("round"), { 0, 2, 2, -0 }, 0)
  T.near(mat.vec{ -1 }:apply("log"), { 0 / 0 }, 0)   -- IEEE
  local A = mat.from{ { 1, 4 } }
  T.near(A:apply("sqrt"), { { 1, 2 } }, 0)
  T.near(A, { { 1, 4 } }, 0, "apply does not mutate")
end)

T.test("reductions", function()
  local A = mat.from{ { 1, 2, 3 }, { 4, 5, 6 } }
  T.eq(A:sum(), 21); T.eq(A:mean(), 3.5)
  T.near(A:colsums(), { 5, 7, 9 }, 0); T.eq(A:colsums():cols(), 1)
  T.near(A:colmeans(), { 2.5, 3.5, 4.5 }, 0)
  T.near(A:rowsums(), { 6, 15 }, 0); T.near(A:rowmeans(), { 2, 5 }, 0)
  local v, i = A:min(); T.eq(v, 1); T.eq(i, 1)
  v, i = A:max(); T.eq(v, 6); T.eq(i, 6)
  v, i = mat.vec{ 3, -1, 7, -1 }:min(); T.eq(v, -1); T.eq(i, 2, "first of ties")
  v, i = mat.vec{ 3, 0 / 0, 7 }:max(); T.ok(v ~= v, "NaN propagates"); T.eq(i, 2)
  T.ok(mat.zeros(0, 1):mean() ~= mat.zeros(0, 1):mean(), "mean of empty is NaN")
  T.eq(mat.zeros(0, 1):sum(), 0)
  -- compensated: 1 + 1e100 - 1e100 + ... loses nothing
  T.eq(mat.vec{ 1, 1e100, 1, -1e100 }:sum(), 2)
  T.eq(mat.vec{ 1, 1e100, 1, -1e100 }:reshape(1, 4):rowsums()[1], 2)
  T.eq(mat.vec{ 1, math.huge }:sum(), math.huge)
  T.ok(mat.vec{ math.huge, -math.huge }:sum() ~= mat.vec{ math.huge, -math.huge }:sum())
  -- R's two-pass mean: mean(c(0.1, 0.2, 0.3)) == 0.2 in R
  T.eq(mat.vec{ 0.1, 0.2, 0.3 }:mean(), 0.2)
  T.eq(mat.vec{ 0.1, 0.2, 0.3 }:colmeans()[1], 0.2)
end)

T.test("crossprod and tcrossprod", function()
  local A = mat.from{ { 1, 2 }, { 3, 4 }, { 5, 6 } }
  T.near(A:crossprod(), A:t() * A, 0)
  T.near(A:tcrossprod(), A * A:t(), 0)
  T.near(A:crossprod({ 1, 1, 1 }), { 9, 12 }, 0)
  T.near(A:tcrossprod(A), A * A:t(), 0)
  T.near(mat.zeros(0, 2):crossprod(), mat.zeros(2, 2), 0)
  local C = mat.range(1, 40 * 37):apply("sin"):reshape(40, 37):crossprod()
  T.ok(C == C:t(), "both triangles, exactly")
end)

T.test("every function and method is documented", function()
  local help = require "orrery.help"
  local docs = debug.getregistry()["orrery.docs"]
  for k, f in pairs(mat) do
    if type(f) == "function" then T.ok(docs["mat." .. k], "mat." .. k) end
  end
  for k, f in pairs(mat.methods) do
    if type(f) == "function" then T.ok(docs["mat:" .. k], "mat:" .. k) end
  end
  T.ok(help ~= nil)
end)

T.test("tostring shows NaN, Inf and negatives aligned", function()
  local s = tostring(mat.from{ { 0 / 0, -1.5 }, { math.huge, -math.huge } })
  T.eq(s, "     [,1] [,2]\n[1,]  NaN -1.5\n[2,]  Inf -Inf")
  T.eq(tostring(mat.zeros(0, 3)), "<0 x 3 matrix>")
end)
