-- A first experiment: a 3x3 system, its determinant, and the clock.
local t0 = experiment.clock()
local A = mat.from{{4, 1, 0}, {1, 3, 1}, {0, 1, 2}}
print("A =")
print(A)
print("det(A) = " .. A:det())
print("A * A' =")
print(A * A:t())
print(string.format("done in %.3f ms", (experiment.clock() - t0) * 1e3))
