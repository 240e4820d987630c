-- Decompositions against R (tests/ref/mat/make_decomp.R) and rebuilt from
-- their factors. Tolerances are relative to the largest |element| of the
-- input (max-norm) unless stated; 1e-12 is ~5000 eps.
local T = require "orrery.testing"
local R = T.ref("mat/decomp.txt")

-- a reference matrix or vector by key (values are column-major)
local function ref(key)
  local v, d = R[key], R[key .. ".dim"]
  if type(v) == "number" then v = { v } end
  local m = mat.vec(v)
  if d then m = m:reshape(d[1], d[2]) end
  return m
end

local function maxabs(A) return A:apply("abs"):max() end

-- max|A - B| / max|scale| (scale defaults to B)
local function relerr(A, B, scale)
  T.eq(A:rows(), B:rows(), "rows"); T.eq(A:cols(), B:cols(), "cols")
  local s = maxabs(scale or B)
  return maxabs(A - B) / (s > 0 and s or 1)
end

local function close(A, B, tol, what, scale)
  local e = relerr(A, B, scale)
  if not (e <= tol) then
    error(string.format("%s: relative error %.3g > %g", what, e, tol), 2)
  end
end

-- columns of A flipped to match the signs of the columns of B (eigen- and
-- singular vectors are determined up to sign)
local function align(A, B)
  local cols = {}
  for j = 1, A:cols() do
    local a, b = A:col(j), B:col(j)
    local s = a:crossprod(b):get(1, 1) < 0 and -1 or 1
    cols[j] = a * s
  end
  return cols[1]:hcat(table.unpack(cols, 2))
end

local function orthonormal(Q, tol, what)
  close(Q:crossprod(), mat.eye(Q:cols()), tol, what .. ": Q'Q = I")
end

-- a deterministic 'random' matrix without rng: fractional parts of a sine
local function pseudo(r, c, seed)
  local m = mat.zeros(r, c)
  for j = 1, c do for i = 1, r do
    local x = math.sin(i * 12.9898 + j * 78.233 + seed) * 43758.5453
    m:set(i, j, x - math.floor(x) - 0.5)
  end end
  return m
end

local S, G, N, H, D = ref("S"), ref("G"), ref("N"), ref("H"), ref("D")
local mtx = T.csv("mat/mtcars.csv")
local X = mat.ones(32, 1):hcat(mtx.disp, mtx.hp, mtx.drat, mtx.wt, mtx.qsec)
local C = ref("mt.cor")

T.test("chol matches R and rebuilds A = R'R", function()
  for _, c in ipairs{ { "S", S, ref("S.chol") }, { "H", H, ref("H.chol") },
                      { "mtcars cor", C, ref("mt.cor.chol") } } do
    local U = c[2]:chol()
    close(U, c[3], 1e-12, c[1] .. " vs R", c[2])
    close(U:crossprod(), c[2], 1e-12, c[1] .. " rebuilt")
    for i = 2, U:rows() do for j = 1, i - 1 do T.eq(U:get(i, j), 0) end end
  end
end)

T.test("solve matches R; SPD, general and ill-conditioned", function()
  local b5, b4, b8 = ref("b5"), ref("b4"), ref("b8")
  -- well conditioned: agree with R to 1e-12 relative to the solution
  close(S:solve(b5), ref("S.solve"), 1e-12, "S")
  close(G:solve(b4), ref("G.solve"), 1e-12, "G")
  -- Hilbert (cond ~1.5e10): Cholesky here, LU in R; both are backward
  -- stable, so the residual is at rounding level and the solutions agree
  -- to about cond * eps ~ 3e-6 (8e-8 seen)
  local x = H:solve(b8)
  close(x, ref("H.solve"), 3e-6, "H vs R")
  T.ok(maxabs(H * x - b8) / (maxabs(H) * maxabs(x)) < 1e-12, "H residual")
  -- a matrix right-hand side: columns solved together
  local B = b4:hcat(b4 * 2)
  close(G:solve(B), ref("G.solve"):hcat(ref("G.solve") * 2), 1e-12, "two columns")
  -- symmetric but indefinite: Cholesky fails, LU takes over
  local I = mat.from{ { 1, 2 }, { 2, 1 } }
  close(I:solve{ 3, 3 }, mat.vec{ 1, 1 }, 1e-15, "indefinite")
end)

T.test("inv and solve() match R; SPD inverse is exactly symmetric", function()
  close(G:inv(), ref("G.inv"), 1e-12, "G inv")
  close(G:solve(), ref("G.inv"), 1e-12, "G solve()")
  local Si = S:inv()
  close(Si, ref("S.inv"), 1e-12, "S inv")
  T.ok(Si == Si:t(), "S inverse symmetric")
  close(G * G:inv(), mat.eye(4), 1e-13, "G G^-1 = I")
  T.near(mat.zeros(0, 0):inv():rows(), 0, 0)
end)

T.test("det and logdet match R", function()
  T.near(G:det(), R["G.det"], 1e-13)
  local la, s = G:logdet()
  T.near(la, R["G.logdet"][1], 1e-13); T.eq(s, R["G.logdet"][2])
  T.near(S:logdet(), R["S.logdet"], 1e-13)
  T.near(H:logdet(), R["H.logdet"], 1e-9)  -- log det of Hilbert ~ -77
  T.eq(mat.zeros(0, 0):det(), 1)
end)

T.test("qr matches R's qr() (signs, pivot, rank) and rebuilds", function()
  for _, nm in ipairs{ "G", "N", "H", "D" } do
    local A = ref(nm)
    local q = A:qr()
    T.eq(q.rank, R[nm .. ".qr.rank"], nm .. " rank")
    local piv = R[nm .. ".qr.pivot"]
    for j = 1, A:cols() do T.eq(q.pivot[j], piv[j], nm .. " pivot") end
    close(q.r, ref(nm .. ".qr.r"), 1e-12, nm .. " R vs R", A)
    -- Q of a rank-deficient matrix: the column past the rank spans an
    -- arbitrary direction of a tiny residual, so compare the first rank ones.
    -- Hilbert: Q's last columns are known only to ~eps * cond(H) ~ 3e-6
    -- in theory (LINPACK and blocked LAPACK round differently); 1e-10 seen
    close(q.q:cols_of(mat.range(1, q.rank)), ref(nm .. ".qr.q"):cols_of(mat.range(1, q.rank)),
          nm == "H" and 1e-8 or 1e-12, nm .. " Q vs R")
    close(q.q * q.r, A:cols_of(q.pivot), 1e-12, nm .. " rebuilt")
    orthonormal(q.q, 1e-13, nm)
  end
  -- dependent columns on both sides of the 32-column panel, a zero column,
  -- and near-dependent ones either side of tol = 1e-7
  local P = ref("P")
  local q = P:qr()
  T.eq(q.rank, R["P.qr.rank"], "P rank")
  for j = 1, 40 do T.eq(q.pivot[j], R["P.qr.pivot"][j], "P pivot " .. j) end
  -- the kept near-dependent column makes cond ~1e6: R's rows after it are
  -- determined to ~cond * eps (LINPACK vs blocked LAPACK: 8e-11 seen)
  close(q.r, ref("P.qr.r"), 1e-9, "P R vs R", P)
  close(q.q * q.r, P:cols_of(q.pivot), 1e-12, "P rebuilt")
  q = N:t():qr()  -- wide: 4 x 6
  T.eq(q.q:rows(), 4); T.eq(q.q:cols(), 4); T.eq(q.r:rows(), 4); T.eq(q.r:cols(), 6)
  close(q.r, ref("Nt.qr.r"), 1e-12, "wide R", N)
  close(q.q * q.r, N:t():cols_of(q.pivot), 1e-12, "wide rebuilt")
  T.eq(q.rank, R["Nt.qr.rank"])
end)

T.test("qr pivoting moves every negligible column, keeping order", function()
  local a, b, c = mat.vec{ 1, 2, 3, 4, 5 }, mat.vec{ 1, -1, 2, 0, 1 }, mat.vec{ 0, 1, 0, 1, 3 }
  -- a, 2a, b, a+b, 0, c: columns 2, 4 and 5 go to the end in that order
  local A = a:hcat(a * 2, b, a + b, mat.zeros(5, 1), c)
  local q = A:qr()
  T.eq(q.rank, 3)
  T.eq(table.concat(q.pivot, ","), "1,3,6,2,4,5")
  close(q.q * q.r, A:cols_of(q.pivot), 1e-13, "rebuilt")
  -- more columns than the panel width (32), dependent ones spread out
  local P = pseudo(80, 70, 1)
  local cols = {}
  for j = 1, 70 do cols[j] = P:col(j) end
  for _, j in ipairs{ 5, 33, 34, 64 } do cols[j] = cols[j - 1] * 3 - cols[1] end
  local Q = cols[1]:hcat(table.unpack(cols, 2))
  local qq = Q:qr()
  T.eq(qq.rank, 66)
  T.eq(qq.pivot[67], 5); T.eq(qq.pivot[68], 33); T.eq(qq.pivot[69], 34); T.eq(qq.pivot[70], 64)
  close(qq.q * qq.r, Q:cols_of(qq.pivot), 1e-12, "panel rebuilt")
  -- tol: a column at 1e-9 relative is kept with tol = 1e-10
  local E = a:hcat(a + mat.vec{ 0, 0, 0, 0, 5e-9 })
  T.eq(E:qr().rank, 1); T.eq(E:qr{ tol = 1e-10 }.rank, 2)
end)

T.test("svd matches R (d, and u, v up to sign) and rebuilds", function()
  for _, nm in ipairs{ "G", "N", "H", "D" } do
    local A = ref(nm)
    local s = A:svd()
    local d = ref(nm .. ".svd.d")
    close(s.d, d, 1e-13, nm .. " d", d:row(1))   -- relative to d[1]
    for i = 2, s.d:rows() do T.ok(s.d[i] <= s.d[i - 1], "descending") end
    close(s.u * mat.diag(s.d) * s.v:t(), A, 1e-12, nm .. " rebuilt")
    orthonormal(s.u, 1e-13, nm .. " u"); orthonormal(s.v, 1e-13, nm .. " v")
    if nm == "G" or nm == "N" then  -- distinct, well separated values
      close(align(s.u, ref(nm .. ".svd.u")), ref(nm .. ".svd.u"), 1e-12, nm .. " u vs R")
      close(align(s.v, ref(nm .. ".svd.v")), ref(nm .. ".svd.v"), 1e-12, nm .. " v vs R")
    end
  end
  local s = X:svd()
  close(s.d, ref("mt.svd.d"), 1e-13, "mtcars d", ref("mt.svd.d"):row(1))
  close(s.u * mat.diag(s.d) * s.v:t(), X, 1e-12, "mtcars rebuilt")
  local w = N:t():svd()  -- wide
  T.eq(w.u:cols(), 4); T.eq(w.v:rows(), 6); T.eq(w.v:cols(), 4)
  close(w.u * mat.diag(w.d) * w.v:t(), N:t(), 1e-12, "wide rebuilt")
end)

T.test("eigsym matches R (values descending, vectors up to sign)", function()
  for _, c in ipairs{ { "S", S, "S.eigen" }, { "H", H, "H.eigen" },
                      { "mtcars cor", C, "mt.cor" } } do
    local e = c[2]:eigsym()
    local vals = ref(c[3] .. (c[3] == "mt.cor" and ".values" or ".values"))
    close(e.values, vals, 1e-13, c[1] .. " values", vals:row(1))
    for i = 2, e.values:rows() do T.ok(e.values[i] <= e.values[i - 1], "descending") end
    close(e.vectors * mat.diag(e.values) * e.vectors:t(), c[2], 1e-12, c[1] .. " rebuilt")
    orthonormal(e.vectors, 1e-13, c[1])
    if c[1] ~= "H" then  -- H's small eigenvalues are too close for 1e-12 vectors
      local V = ref(c[3] .. ".vectors")
      close(align(e.vectors, V), V, 1e-12, c[1] .. " vectors vs R")
    end
  end
end)

T.test("pinv matches MASS::ginv and the Penrose conditions", function()
  for _, nm in ipairs{ "G", "N", "D" } do
    local A = ref(nm)
    local P, rank = A:pinv()
    close(P, ref(nm .. ".ginv"), 1e-12, nm .. " vs ginv")
    close(A * P * A, A, 1e-12, nm .. " APA = A")
    close(P * A * P, P, 1e-12, nm .. " PAP = P")
    close(A * P, (A * P):t(), 1e-12, nm .. " AP symmetric")
    T.eq(rank, nm == "D" and 3 or 4)
  end
  -- Hilbert: ginv's sqrt(eps) cut drops the two smallest singular values
  -- (1.1e-8 and 6.6e-11 of the largest); the kept part has cond ~1.3e6
  local P, rank = H:pinv()
  T.eq(rank, 6)
  close(P, ref("H.ginv"), 1e-9, "H vs ginv")
  T.eq(mat.zeros(2, 3):pinv():rows(), 3)
  T.near(mat.zeros(2, 3):pinv(), mat.zeros(3, 2), 0)
end)

T.test("mtcars: crossprod, OLS through QR and normal equations", function()
  close(X:crossprod(), ref("mt.crossprod"), 1e-14, "X'X")
  T.ok(X:crossprod() == X:crossprod():t(), "X'X exactly symmetric")
  close(X:colmeans(), ref("mt.colmeans"), 1e-15, "colmeans")
  T.near(X:sum(), R["mt.sum"], 1e-15)
  local coef = ref("mt.coef")
  -- QR: R b = Q'y
  local q = X:qr()
  T.eq(q.rank, 6)
  close(q.r, ref("mt.qr.r"), 1e-12, "R factor", X)
  close(q.r:solve(q.q:crossprod(mtx.mpg)), coef, 1e-9, "coef via QR")
  -- normal equations (cond(X'X) ~ 1e9 here: agreement to ~1e-7)
  close(X:crossprod():solve(X:crossprod(mtx.mpg)), coef, 1e-6, "coef via X'X")
end)

T.test("larger pseudo-random matrices rebuild to 1e-12", function()
  local A = pseudo(60, 40, 2)
  local q = A:qr();   close(q.q * q.r, A:cols_of(q.pivot), 1e-12, "qr")
  local s = A:svd();  close(s.u * mat.diag(s.d) * s.v:t(), A, 1e-12, "svd")
  local M = A:crossprod() + mat.eye(40)
  local U = M:chol(); close(U:crossprod(), M, 1e-12, "chol")
  local e = M:eigsym(); close(e.vectors * mat.diag(e.values) * e.vectors:t(), M, 1e-12, "eigsym")
  local B = pseudo(40, 40, 3)
  local x = B:solve(mat.ones(40, 1))
  T.ok(maxabs(B * x - mat.ones(40, 1)) / (maxabs(B) * maxabs(x)) < 1e-13, "solve residual")
  close(B * B:inv(), mat.eye(40), 1e-11, "inv")
  close(M:pinv(), M:inv(), 1e-10, "pinv = inv for full rank", M:inv())
end)

T.test("triangular systems are solved as they are (dtrtrs, dtrtri)", function()
  local U = mat.from{ { 2, 1, -1 }, { 0, 3, 2 }, { 0, 0, 4 } }
  local b = mat.vec{ 1, 2, 3 }
  local x = U:solve(b)
  close(U * x, b, 1e-15, "upper")
  close(x, mat.vec{ 1 / 2 - (2 - 3 / 2) / 6 + 3 / 8, (2 - 3 / 2) / 3, 3 / 4 }, 1e-15, "upper by hand")
  local L = U:t()
  close(L * L:solve(b), b, 1e-15, "lower")
  close(U:inv() * U, mat.eye(3), 1e-15, "upper inverse")
  local Ui = U:inv()
  T.eq(Ui:get(2, 1), 0); T.eq(Ui:get(3, 1), 0); T.eq(Ui:get(3, 2), 0)
  close(mat.diag{ 2, 4 }:solve{ 1, 1 }, mat.vec{ 0.5, 0.25 }, 0, "diagonal")
  -- the R of a QR: OLS coefficients by back-substitution
  local A = mat.from{ { 1, 1 }, { 1, 2 }, { 1, 3 }, { 1, 5 } }
  local q = A:qr()
  close(q.r:solve(q.q:crossprod{ 1, 3, 2, 6 }), mat.vec{ -1 / 7, 8 / 7 }, 1e-14, "OLS")
  T.errors(function() return mat.from{ { 1, 2 }, { 0, 0 } }:solve{ 1, 1 } end, "mat:solve: matrix is singular")
  T.errors(function() return mat.from{ { 1, 0 }, { 5, 0 } }:inv() end, "mat:inv: matrix is singular")
  T.errors(function() return mat.from{ { 1, 1 }, { 0, 1e-300 } }:solve{ 1, 1 } end,
           "mat:solve: matrix is singular (reciprocal condition number")
end)
