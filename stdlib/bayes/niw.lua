-- bayes.niw (normal-inverse-Wishart, kept as the Cholesky factor of Psi
-- and changed by rank-one updates and downdates in C) and
-- bayes.nig_regression (Bayesian linear regression with a normal-inverse-
-- gamma prior). Formulas: docs/methods/bayes.md.
local M, C = ...
local help = require "orrery.help"
local args = require "orrery.args"
local mat = require "orrery.mat"
local stats = require "orrery.stats"

local fail = args.fail
local lgamma, positive, num = C.lgamma, C.positive, C.num
local log, sqrt, pi = math.log, math.sqrt, math.pi
local fmt = string.format

-- log of the multivariate gamma function Gamma_d(x)
local function lmvgamma(x, d)
  local v = d * (d - 1) / 4 * log(pi)
  for j = 1, d do v = v + lgamma(x + (1 - j) / 2) end
  return v
end

local function logdet_chol(R)
  local v = 0
  for i = 1, R:rows() do v = v + log(R:get(i, i)) end
  return 2 * v
end

-- a required option, as a vector (vec) or a matrix
local function need(fn, v, what, kind)
  local m = (kind == "vec" and args.vec or args.mat)(fn, v, what)
  if m == nil then fail(fn, "'%s' is missing", what) end
  return m
end

-- rows of a data argument: a matrix with d columns, or one row as an array
local function rows(fn, X, d, what)
  if type(X) == "table" and type(X[1]) == "number" then X = mat.from{ X } end
  X = args.mat(fn, X, what)
  if X == nil then fail(fn, "'%s' is missing", what) end
  if X:cols() ~= d then fail(fn, "'%s' has %d columns, the model has dimension %d", what, X:cols(), d) end
  for i = 1, #X do
    local v = X[i]
    if v ~= v or v == math.huge or v == -math.huge then fail(fn, "'%s' has a non-finite value", what) end
  end
  return X
end

-- the upper Cholesky factor of a symmetric positive-definite matrix, or an error
local function chol(fn, A, what)
  local d = A:rows()
  if A:cols() ~= d then fail(fn, "'%s' must be square, got %d x %d", what, d, A:cols()) end
  for i = 1, d do
    for j = i + 1, d do
      local a, b = A:get(i, j), A:get(j, i)
      if math.abs(a - b) > 1e-10 * math.max(1, math.abs(a), math.abs(b)) then
        fail(fn, "'%s' must be symmetric", what)
      end
    end
  end
  local ok, R = pcall(A.chol, A)
  if not ok then fail(fn, "'%s' must be positive definite", what) end
  return R
end

---------------------------------------------------------------------------
-- normal-inverse-Wishart

local NIW
local function niw_new(t)
  t.psi = t.R:t() * t.R
  return setmetatable(t, NIW)
end

local function niw(opts)
  local fn = "bayes.niw"
  args.checkopts(fn, opts, { "mu0", "kappa0", "nu0", "psi0" })
  local mu0 = need(fn, opts.mu0, "mu0", "vec")
  local d = #mu0
  local kappa0 = positive(fn, opts.kappa0, "kappa0")
  local nu0 = opts.nu0
  if type(nu0) ~= "number" or not (nu0 > d - 1) then
    fail(fn, "'nu0' must be a number > d - 1 = %d, got %s", d - 1, tostring(nu0))
  end
  local psi0 = need(fn, opts.psi0, "psi0")
  if psi0:rows() ~= d then fail(fn, "'psi0' is %d x %d but mu0 has %d elements", psi0:rows(), psi0:cols(), d) end
  local R = chol(fn, psi0, "psi0")
  return niw_new{ d = d, mu = mu0:copy(), kappa = kappa0, nu = nu0, R = R, n = 0,
    prior = { kappa = kappa0, nu = nu0, logdet = logdet_chol(R) } }
end

local function niw_rows(self, X, sign, fn)
  X = rows(fn, X, self.d, sign > 0 and "X" or "x")
  local n = X:rows()
  if sign < 0 and (self.kappa - n <= 0 or self.nu - n <= self.d - 1 or self.n - n < 0) then
    fail(fn, "cannot remove %d rows from a posterior of %d observations", n, self.n)
  end
  local R, mu, kappa = C._niw(self.R, self.mu, self.kappa, X, sign, fn)
  if R == nil then fail(fn, "%s", mu) end
  return niw_new{ d = self.d, mu = mu, kappa = kappa, nu = self.nu + sign * n, R = R,
    n = self.n + sign * n, prior = self.prior }
end

-- the multivariate t predictive: df, location, Cholesky factor of the scale
local function mvt(self)
  local d = self.d
  local df = self.nu - d + 1
  local c = sqrt((self.kappa + 1) / (self.kappa * df))
  return df, self.mu, self.R * c
end

NIW = C.family("niw", {
  update = { function(self, X) return niw_rows(self, X, 1, "bayes.niw:update") end,
    "m:update(X) -> the posterior after the rows of X (n x d, or one row as an array), added one at a "
    .. "time by rank-one updates of the Cholesky factor of Psi (sequential = batch)" },
  downdate = { function(self, x) return niw_rows(self, x, -1, "bayes.niw:downdate") end,
    "m:downdate(x) -> the posterior without the row(s) x (a rank-one downdate each); an error "
    .. "when Psi would stop being positive definite" },
  mean = { function(self)
    local S = self.psi * (1 / (self.nu - self.d - 1))
    return self.mu:copy(), self.nu > self.d + 1 and S or nil
  end, "m:mean() -> E(mu) = mu_n, E(Sigma) = Psi/(nu - d - 1) (nil when nu <= d + 1)" },
  predictive = { function(self)
    local df, loc, Rs = mvt(self)
    local d = self.d
    local ld = logdet_chol(Rs)
    local function logdens(x)
      local z = Rs:t():solve(x - loc)
      local q = 0
      for i = 1, d do q = q + z[i] ^ 2 end
      return lgamma((df + d) / 2) - lgamma(df / 2) - d / 2 * log(df * pi) - ld / 2
        - (df + d) / 2 * log(1 + q / df)
    end
    return C.predictive{
      law = fmt("multivariate t (df = %s, dimension %d)", num(df), d),
      df = df, location = loc, scale = Rs:t() * Rs,
      _density = function(x)
        x = rows("bayes.predictive:density", x, d, "x")
        local out = mat.new(x:rows(), 1)
        for i = 1, x:rows() do out:set(i, 1, math.exp(logdens(x:row(i):t()))) end
        return x:rows() == 1 and out[1] or out
      end,
      _cdf = function() fail("bayes.predictive:cdf", "the multivariate t has no distribution function here") end,
      _sample = function(n, r)
        local Z = mat.new(n, d)
        local z, g = r:normal(n * d), r:gamma(n, df / 2, df / 2)
        for i = 1, n do for j = 1, d do Z:set(i, j, z[(i - 1) * d + j] / sqrt(g[i])) end end
        local X = Z * Rs
        for i = 1, n do for j = 1, d do X:set(i, j, X:get(i, j) + loc[j]) end end
        return X
      end,
    }
  end, "m:predictive() -> the multivariate t of a new row: df nu - d + 1, location mu, scale "
    .. "Psi (kappa + 1)/(kappa df); :density(x) (rows) :sample(n, r) (n x d); fields .df .location .scale" },
  sample = { function(self, n, r)
    local fn = "bayes.niw:sample"
    n = C.count(fn, n); r = C.stream(fn, r)
    local d, out = self.d, {}
    for k = 1, n do
      -- Bartlett: A = L L' ~ Wishart(nu, I); Sigma = R' A^-1 R = B'B, B = L^-1 R
      local Lm = mat.zeros(d, d)
      for i = 1, d do
        Lm:set(i, i, sqrt(2 * r:gamma(1, (self.nu - i + 1) / 2, 1)[1]))
        for j = 1, i - 1 do Lm:set(i, j, r:normal(1)[1]) end
      end
      local B = Lm:solve(self.R)
      local Sigma = B:t() * B
      local z = r:normal(d)
      local mu = self.mu + B:t() * z * (1 / sqrt(self.kappa))
      out[k] = { mu = mu, Sigma = Sigma }
    end
    return out
  end, "m:sample(n [, r]) -> an array of n pairs {mu =, Sigma =}: Sigma ~ IW(nu, Psi) (Bartlett), "
    .. "mu | Sigma ~ N(mu_n, Sigma/kappa)" },
  logml = { function(self)
    local d, p = self.d, self.prior
    return -self.n * d / 2 * log(pi) + lmvgamma(self.nu / 2, d) - lmvgamma(p.nu / 2, d)
      + p.nu / 2 * p.logdet - self.nu / 2 * logdet_chol(self.R) + d / 2 * log(p.kappa / self.kappa)
  end, "m:logml() -> log marginal likelihood of the rows seen" },
}, function(self)
  return fmt("bayes.niw: dimension %d, n %d, kappa %s, nu %s", self.d, self.n, num(self.kappa), num(self.nu))
end)

M.niw = help.doc(niw, "bayes.niw",
  "bayes.niw{ mu0 =, kappa0 =, nu0 =, psi0 = } -> a normal-inverse-Wishart prior: Sigma ~ IW(nu0, psi0), "
  .. "mu | Sigma ~ N(mu0, Sigma/kappa0); nu0 > d - 1, psi0 symmetric positive definite. "
  .. ":update(X) :downdate(x) :mean() :predictive() :sample(n, r) :logml(); fields .mu .kappa .nu .psi .n")

---------------------------------------------------------------------------
-- normal-inverse-gamma regression

local NIGR
local function nigr_new(t) return setmetatable(t, NIGR) end

local function nig_regression(opts)
  local fn = "bayes.nig_regression"
  args.checkopts(fn, opts, { "m0", "L0", "a0", "b0" })
  local m0 = need(fn, opts.m0, "m0", "vec")
  local p = #m0
  local L0 = need(fn, opts.L0, "L0")
  if L0:rows() ~= p or L0:cols() ~= p then
    fail(fn, "'L0' is %d x %d but m0 has %d elements", L0:rows(), L0:cols(), p)
  end
  local R = chol(fn, L0, "L0")
  local a0, b0 = positive(fn, opts.a0, "a0"), positive(fn, opts.b0, "b0")
  return nigr_new{ p = p, m = m0:copy(), L = L0:copy(), R = R, a = a0, b = b0, n = 0,
    prior = { logdet = logdet_chol(R), a = a0, b = b0 } }
end

-- solves (R'R) x = v through the two triangles
local function cholsolve(R, v) return R:solve(R:t():solve(v)) end

NIGR = C.family("nig_regression", {
  update = { function(self, X, y)
    local fn = "bayes.nig_regression:update"
    X = rows(fn, X, self.p, "X")
    y = need(fn, y, "y", "vec")
    if #y ~= X:rows() then fail(fn, "y has %d elements but X has %d rows", #y, X:rows()) end
    C.values(fn, y, "y")
    local Ln = self.L + X:crossprod()
    local R = chol(fn, Ln, "L")
    local rhs = self.L * self.m + X:t() * y
    local m = cholsolve(R, rhs)
    local yy = (y:t() * y)[1]
    local q0 = (self.m:t() * self.L * self.m)[1]
    local qn = (m:t() * Ln * m)[1]
    return nigr_new{ p = self.p, m = m, L = Ln, R = R, a = self.a + #y / 2,
      b = self.b + (yy + q0 - qn) / 2, n = self.n + #y, prior = self.prior }
  end, "m:update(X, y) -> the posterior: L = L0 + X'X, m = L^-1 (L0 m0 + X'y) (Cholesky solves), "
    .. "a = a0 + n/2, b = b0 + (y'y + m0'L0 m0 - m'L m)/2" },
  predict = { function(self, X, opts)
    local fn = "bayes.nig_regression:predict"
    X = rows(fn, X, self.p, "X")
    opts = args.checkopts(fn, opts, { "level" })
    local level = C.level_of(fn, opts.level)
    local df = 2 * self.a
    local tq = stats.qt((1 + level) / 2, df)
    local n = X:rows()
    local mean, scale, lo, hi = X * self.m, mat.new(n, 1), mat.new(n, 1), mat.new(n, 1)
    local Z = self.R:t():solve(X:t())   -- p x n: column i is R'^-1 x_i
    for i = 1, n do
      local q = 0
      for j = 1, self.p do q = q + Z:get(j, i) ^ 2 end
      local s = sqrt(self.b / self.a * (1 + q))
      scale:set(i, 1, s)
      lo:set(i, 1, mean[i] - tq * s); hi:set(i, 1, mean[i] + tq * s)
    end
    return { mean = mean, scale = scale, df = df, lower = lo, upper = hi, level = level }
  end, "m:predict(X [, {level = 0.95}]) -> {mean =, scale =, df =, lower =, upper =}: the Student t "
    .. "predictive of a new y at each row x: df 2a, location x'm, scale sqrt(b/a (1 + x' L^-1 x))" },
  mean = { function(self) return self.m:copy(), self.a > 1 and self.b / (self.a - 1) or math.huge end,
    "m:mean() -> E(beta) = m, E(s2) = b/(a - 1)" },
  sample = { function(self, n, r)
    local fn = "bayes.nig_regression:sample"
    n = C.count(fn, n); r = C.stream(fn, r)
    local B, s2 = mat.new(n, self.p), mat.new(n, 1)
    local g = r:gamma(n, self.a, self.b)
    for i = 1, n do
      local v = 1 / g[i]
      local beta = self.m + self.R:solve(r:normal(self.p)) * sqrt(v)
      s2:set(i, 1, v)
      for j = 1, self.p do B:set(i, j, beta[j]) end
    end
    return { beta = B, s2 = s2 }
  end, "m:sample(n [, r]) -> {beta = n x p, s2 = n x 1}: s2 ~ IG(a, b), beta | s2 ~ N(m, s2 L^-1)" },
  logml = { function(self)
    local p = self.prior
    return -self.n / 2 * log(2 * pi) + 0.5 * (p.logdet - logdet_chol(self.R))
      + p.a * log(p.b) - self.a * log(self.b) + lgamma(self.a) - lgamma(p.a)
  end, "m:logml() -> log marginal likelihood of the y seen given their X" },
}, function(self)
  local t = {}
  for i = 1, self.p do t[i] = num(self.m[i]) end
  return fmt("bayes.nig_regression: n %d, m {%s}, a %s, b %s", self.n, table.concat(t, ", "),
    num(self.a), num(self.b))
end)

M.nig_regression = help.doc(nig_regression, "bayes.nig_regression",
  "bayes.nig_regression{ m0 =, L0 =, a0 =, b0 = } -> Bayesian linear regression: beta | s2 ~ "
  .. "N(m0, s2 L0^-1), s2 ~ IG(a0, b0) (L0 a prior precision, symmetric positive definite); "
  .. ":update(X, y) :predict(X [, {level}]) :mean() :sample(n, r) :logml(); fields .m .L .a .b .n")
