-- The first slice of mat: constructors, arithmetic, det, printing, errors.
local T = require "orrery.testing"

T.test("constructors and shape", function()
  local A = mat.from{{1, 2, 3}, {4, 5, 6}}
  T.eq(A:rows(), 2); T.eq(A:cols(), 3); T.eq(#A, 6)
  T.eq(A:get(2, 1), 4)
  T.near(mat.eye(2), {{1, 0}, {0, 1}}, 0)
  T.near(mat.new(2, 2, 7), {{7, 7}, {7, 7}}, 0)
  T.near(mat.vec{1, 2, 3}, {1, 2, 3}, 0)
  T.eq(mat.vec{1, 2, 3}:cols(), 1)
  T.eq(mat.vec{1, 2, 3}[2], 2)
end)

T.test("arithmetic", function()
  local A = mat.from{{1, 2}, {3, 4}}
  local B = mat.from{{5, 6}, {7, 8}}
  T.near(A + B, {{6, 8}, {10, 12}}, 0)
  T.near(A - B, {{-4, -4}, {-4, -4}}, 0)
  T.near(A * B, {{19, 22}, {43, 50}}, 0)
  T.near(2 * A, {{2, 4}, {6, 8}}, 0)
  T.near(A * 2, {{2, 4}, {6, 8}}, 0)
  T.near(1 - A, {{0, -1}, {-2, -3}}, 0)
  T.near(-A, {{-1, -2}, {-3, -4}}, 0)
  T.near(A * {1, 1}, {3, 7}, 0)   -- a Lua array is a column vector
end)

T.test("det and logdet", function()
  T.near(mat.from{{4, 1, 0}, {1, 3, 1}, {0, 1, 2}}:det(), 18, 1e-14)
  T.eq(mat.from{{1, 2}, {2, 4}}:det(), 0)
  local la, s = mat.from{{0, 1}, {1, 0}}:logdet()
  T.near(la, 0, 0, nil, 1e-15); T.eq(s, -1)
end)

T.test("set mutates only through set", function()
  local A = mat.zeros(2, 2)
  A:set(1, 2, 5)
  T.eq(A:get(1, 2), 5)
  T.errors(function() A[1] = 3 end, "A:set")
end)

T.test("errors name the function and the problem", function()
  local A = mat.from{{1, 2}, {3, 4}}
  T.errors(function() return A + mat.eye(3) end, "shapes differ: 2 x 2 and 3 x 3")
  T.errors(function() return A * mat.ones(3, 1) end, "non-conformable: 2 x 2 times 3 x 1")
  T.errors(function() return mat.ones(2, 3):det() end, "mat:det: matrix must be square")
  T.errors(function() return mat.from{{1, 2}, {3}} end, "row 2 has 1 elements, expected 2")
  T.errors(function() return mat.from{{1, "a"}} end, "is string, not a number")
  T.errors(function() return A:get(3, 1) end, "row index 3 out of range")
  T.errors(function() return mat.new(-1, 2) end, "mat.new: rows must be >= 0, got -1")
end)

T.test("tostring aligns and truncates", function()
  local s = tostring(mat.from{{1, 22}, {333, 4}})
  T.eq(s, "     [,1] [,2]\n[1,]    1   22\n[2,]  333    4")
  local big = tostring(mat.zeros(100, 30))
  T.ok(big:find("100 x 30 matrix", 1, true))
end)

T.test("rows_of takes rows in the order listed", function()
  local A = mat.from{{1, 2}, {3, 4}, {5, 6}}
  T.near(A:rows_of{3, 1, 3}, {{5, 6}, {1, 2}, {5, 6}}, 0)
  T.near(A:rows_of(mat.vec{2}), {{3, 4}}, 0)
  T.eq(A:rows_of{}:rows(), 0)
  T.errors(function() return A:rows_of{4} end, "mat:rows_of: row index 4 out of range 1..3")
  T.errors(function() return A:rows_of(mat.vec{0}) end, "mat:rows_of: row index 0 (element 1) is not in 1..3")
end)

T.test("A[i] outside 1..#A is nil, as in an array, so ipairs works", function()
  local v = mat.vec{ 1, 2, 3 }
  T.eq(v[0], nil); T.eq(v[4], nil)
  local s, n = 0, 0
  for _, x in ipairs(v) do s = s + x; n = n + 1 end
  T.eq(n, 3); T.eq(s, 6)
  T.errors(function() return v[1.5] end, "element index 1.5 is not an integer")
end)
