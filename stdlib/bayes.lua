-- bayes, the Lua half: the conjugate families (beta-binomial, gamma-Poisson,
-- normal with known variance, normal-inverse-gamma, Dirichlet-multinomial).
-- Parts: bayes/niw.lua (normal-inverse-Wishart, Bayesian regression),
-- bayes/hgf.lua (hierarchical Gaussian filter), bayes/mc.lua (Bayesian
-- bootstrap, martingale posteriors, SMC). Formulas: docs/methods/bayes.md.
-- Objects never change: :update returns a new object.
local M, C = ...
local help = require "orrery.help"
local args = require "orrery.args"
local P = require "orrery.printing"
local mat = require "orrery.mat"
local rng = require "orrery.rng"
local stats = require "orrery.stats"

local fail = args.fail
local lgamma, lbeta = C._lgamma, C._lbeta
local log, sqrt, exp, huge = math.log, math.sqrt, math.exp, math.huge
local fmt = string.format

-- shared with the parts
C.lgamma = lgamma

local function num(v) return P.num(v, 6) end
C.num = num

-- a positive finite number, or an error naming it
local function positive(fn, v, what)
  if type(v) ~= "number" or not (v > 0) or v == huge then
    fail(fn, "'%s' must be a positive number, got %s", what, tostring(v))
  end
  return v
end
C.positive = positive

local function finite(fn, v, what)
  if type(v) ~= "number" or v ~= v or v == huge or v == -huge then
    fail(fn, "'%s' must be a finite number, got %s", what, tostring(v))
  end
  return v
end
C.finite = finite

local function level_of(fn, level)
  level = level or 0.95
  if type(level) ~= "number" or not (level > 0 and level < 1) then
    fail(fn, "level must be in (0, 1), got %s", tostring(level))
  end
  return level
end
C.level_of = level_of

-- the stream argument: a stream or nil (rng.default)
local function stream(fn, r)
  if r == nil then return rng.default end
  if type(r) ~= "userdata" or type(r.uniform) ~= "function" then
    fail(fn, "r must be a random stream (rng.new), got %s", type(r))
  end
  return r
end
C.stream = stream

local function count(fn, n)
  if math.type(n) ~= "integer" and not (type(n) == "number" and n == math.floor(n)) or n < 1
    or n > 2 ^ 31 then
    fail(fn, "n must be a positive integer (at most 2^31), got %s", tostring(n))
  end
  return math.tointeger(n)
end
C.count = count

-- The numbers of a data argument (a number, an array or a vector) as a Lua
-- array; NaN and Inf are errors (a conjugate update has no missing rule).
local function values(fn, x, what)
  local t = {}
  if type(x) == "number" then t[1] = x
  elseif args.is_mat(x) then for i = 1, #x do t[i] = x[i] end
  elseif type(x) == "table" then for i = 1, #x do t[i] = x[i] end
  else fail(fn, "'%s' must be a number, an array of numbers or a vector, got %s", what, type(x)) end
  for i, v in ipairs(t) do
    if type(v) ~= "number" or v ~= v or v == huge or v == -huge then
      fail(fn, "'%s' element %d is not a finite number", what, i)
    end
  end
  return t
end
C.values = values

-- The highest-density interval of a unimodal law with quantile function q:
-- the shortest [q(p), q(p + level)], p in [0, 1 - level], by golden section.
local function hpd(q, level)
  local a, b = 0, 1 - level
  local g = (sqrt(5) - 1) / 2
  local function w(p) return q(p + level) - q(p) end
  local c, d = b - g * (b - a), a + g * (b - a)
  local fc, fd = w(c), w(d)
  for _ = 1, 200 do
    if b - a < 1e-13 then break end
    if fc < fd then b, d, fd = d, c, fc; c = b - g * (b - a); fc = w(c)
    else a, c, fc = c, d, fd; d = a + g * (b - a); fd = w(d) end
  end
  local p = (a + b) / 2
  -- a mode at a boundary (e.g. Beta(1, b)): the interval starts there
  if w(0) <= w(p) then p = 0 elseif w(1 - level) <= w(p) then p = 1 - level end
  return q(p), q(p + level)
end

local function kind_of(fn, kind)
  kind = kind or "equal"
  if kind ~= "equal" and kind ~= "hpd" then
    fail(fn, "kind must be \"equal\" or \"hpd\", got '%s'", tostring(kind))
  end
  return kind
end

-- A predictive law: {name =, density =, cdf =, sample =} as an object.
local PRED = { __name = "bayes.predictive" }
local pred_methods = {}
PRED.__index = pred_methods
pred_methods.density = help.doc(function(self, x) return self._density(x) end,
  "bayes.predictive:density", "p:density(x) -> the predictive density (or mass) at x")
pred_methods.cdf = help.doc(function(self, x) return self._cdf(x) end,
  "bayes.predictive:cdf", "p:cdf(x) -> the predictive distribution function at x")
pred_methods.sample = help.doc(function(self, n, r)
  return self._sample(count("bayes.predictive:sample", n), stream("bayes.predictive:sample", r))
end, "bayes.predictive:sample",
  "p:sample(n [, r]) -> n x 1 draws from the predictive law (stream r, default rng.default)")
function PRED.__tostring(p) return "bayes predictive: " .. p.law end
P.guard(PRED, "bayes predictive")  -- tostring never raises (an incomplete object)
local function predictive(t) return setmetatable(t, PRED) end
C.predictive = predictive

-- Declares a family: its metatable with methods (each with help) and
-- printing. methods: {name = {f, text}}.
local function family(name, methods, tostr)
  local mt = { __name = "bayes." .. name }
  local idx = {}
  for k, v in pairs(methods) do
    idx[k] = help.doc(v[1], "bayes." .. name .. ":" .. k, v[2])
  end
  mt.__index = idx
  mt.__tostring = tostr
  -- a posterior a printout cannot summarise (qgamma fails at shape 2^53)
  -- still prints, with the reason, instead of raising in tostring
  if tostr then P.guard(mt, "bayes." .. name) end
  return mt
end
C.family = family

local function elementwise(f, x)
  if type(x) == "number" then return f(x) end
  local v = args.vec("bayes.predictive", x, "x")
  local out = mat.new(#v, 1)
  for i = 1, #v do out:set(i, 1, f(v[i])) end
  return out
end

---------------------------------------------------------------------------
-- beta-binomial

local BB
local function beta_binomial(a, b)
  local fn = "bayes.beta_binomial"
  positive(fn, a, "a"); positive(fn, b, "b")
  return setmetatable({ a = a, b = b, a0 = a, b0 = b, logml_ = 0 }, BB)
end

BB = family("beta_binomial", {
  update = { function(self, s, f)
    local fn = "bayes.beta_binomial:update"
    local ss, ff
    if f == nil then
      -- a vector of 0/1 outcomes
      local t = values(fn, s, "outcomes")
      ss = 0
      for i, v in ipairs(t) do
        if v ~= 0 and v ~= 1 then fail(fn, "outcome %d is %s, not 0 or 1", i, tostring(v)) end
        ss = ss + v
      end
      ff = #t - ss
    else
      ss, ff = s, f
      if type(ss) ~= "number" or ss < 0 or ss ~= math.floor(ss) then
        fail(fn, "successes must be a non-negative whole number, got %s", tostring(s))
      end
      if type(ff) ~= "number" or ff < 0 or ff ~= math.floor(ff) then
        fail(fn, "failures must be a non-negative whole number, got %s", tostring(f))
      end
    end
    local o = setmetatable({ a = self.a + ss, b = self.b + ff, a0 = self.a0, b0 = self.b0 }, BB)
    o.logml_ = lbeta(o.a, o.b) - lbeta(self.a0, self.b0)
    return o
  end, "m:update(successes, failures) or m:update(outcomes) -> the posterior Beta(a + s, b + f); "
    .. "outcomes: a vector of 0/1 trials. Sequential updates equal the batch update." },
  mean = { function(self) return self.a / (self.a + self.b) end, "m:mean() -> a / (a + b)" },
  var = { function(self)
    local s = self.a + self.b
    return self.a * self.b / (s * s * (s + 1))
  end, "m:var() -> ab / ((a + b)^2 (a + b + 1))" },
  interval = { function(self, level, kind)
    local fn = "bayes.beta_binomial:interval"
    level = level_of(fn, level); kind = kind_of(fn, kind)
    local a, b = self.a, self.b
    local function q(p) return stats.qbeta(p, a, b) end
    if kind == "hpd" then
      if a < 1 or b < 1 then fail(fn, "the HPD interval needs a unimodal posterior (a, b >= 1)") end
      return hpd(q, level)
    end
    return q((1 - level) / 2), q((1 + level) / 2)
  end, "m:interval([level = 0.95 [, kind = \"equal\"|\"hpd\"]]) -> lower, upper: the equal-tailed "
    .. "interval from qbeta, or the highest-density interval (shortest interval of that mass, a, b >= 1)" },
  sample = { function(self, n, r)
    local fn = "bayes.beta_binomial:sample"
    return stream(fn, r):beta(count(fn, n), self.a, self.b)
  end, "m:sample(n [, r]) -> n x 1 draws of the success probability" },
  predictive = { function(self, size)
    local fn = "bayes.beta_binomial:predictive"
    size = size or 1
    if type(size) ~= "number" or size < 1 or size ~= math.floor(size) then
      fail(fn, "size must be a positive whole number, got %s", tostring(size))
    end
    local a, b = self.a, self.b
    local function pmf(k)
      if k ~= math.floor(k) or k < 0 or k > size then return 0 end
      return exp(lgamma(size + 1) - lgamma(k + 1) - lgamma(size - k + 1)
        + lbeta(k + a, size - k + b) - lbeta(a, b))
    end
    return predictive{
      law = fmt("beta-binomial(size = %s, a = %s, b = %s)", num(size), num(a), num(b)),
      _density = function(x) return elementwise(pmf, x) end,
      _cdf = function(x) return elementwise(function(k)
        local s = 0
        for j = 0, math.min(math.floor(k), size) do s = s + pmf(j) end
        return s
      end, x) end,
      _sample = function(n, r)
        local p = r:beta(n, a, b)
        local out = mat.new(n, 1)
        for i = 1, n do out:set(i, 1, r:binomial(1, size, p[i])[1]) end
        return out
      end,
    }
  end, "m:predictive([size = 1]) -> the beta-binomial law of the successes in size new trials: "
    .. ":density(k) :cdf(k) :sample(n, r)" },
  logml = { function(self) return self.logml_ end,
    "m:logml() -> log marginal likelihood of the observed trials as a sequence: "
    .. "lbeta(a0 + s, b0 + f) - lbeta(a0, b0) (no binomial coefficient)" },
}, function(self)
  local lo, hi = self:interval(0.95)
  return fmt("bayes.beta_binomial: Beta(%s, %s)\n  mean %s  sd %s  95%% interval [%s, %s]",
    num(self.a), num(self.b), num(self:mean()), num(sqrt(self:var())), num(lo), num(hi))
end)

M.beta_binomial = help.doc(beta_binomial, "bayes.beta_binomial",
  "bayes.beta_binomial(a, b) -> a Beta(a, b) prior on a success probability (a, b > 0); "
  .. "methods :update(successes, failures) :mean() :var() :interval(level [, \"hpd\"]) :sample(n, r) "
  .. ":predictive([size]) :logml(); fields .a .b")

---------------------------------------------------------------------------
-- gamma-Poisson

local GP
local function gamma_poisson(shape, rate)
  local fn = "bayes.gamma_poisson"
  positive(fn, shape, "shape"); positive(fn, rate, "rate")
  return setmetatable({ shape = shape, rate = rate, shape0 = shape, rate0 = rate, lfact = 0 }, GP)
end

GP = family("gamma_poisson", {
  update = { function(self, x, exposure)
    local fn = "bayes.gamma_poisson:update"
    local t = values(fn, x, "counts")
    local s, lf = 0, self.lfact
    for i, v in ipairs(t) do
      if v < 0 or v ~= math.floor(v) then
        fail(fn, "count %d is %s, not a non-negative whole number", i, tostring(v))
      end
      s = s + v; lf = lf + lgamma(v + 1)
    end
    local e = #t
    if exposure ~= nil then e = positive(fn, exposure, "exposure") end
    return setmetatable({ shape = self.shape + s, rate = self.rate + e, shape0 = self.shape0,
      rate0 = self.rate0, lfact = lf }, GP)
  end, "m:update(counts [, exposure]) -> the posterior Gamma(shape + sum x, rate + n); exposure "
    .. "(default: the number of counts) replaces n" },
  mean = { function(self) return self.shape / self.rate end, "m:mean() -> shape / rate" },
  var = { function(self) return self.shape / self.rate ^ 2 end, "m:var() -> shape / rate^2" },
  interval = { function(self, level, kind)
    local fn = "bayes.gamma_poisson:interval"
    level = level_of(fn, level); kind = kind_of(fn, kind)
    local a, b = self.shape, self.rate
    local function q(p) return stats.qgamma(p, a, b) end
    if kind == "hpd" then
      if a < 1 then fail(fn, "the HPD interval needs shape >= 1") end
      return hpd(q, level)
    end
    return q((1 - level) / 2), q((1 + level) / 2)
  end, "m:interval([level = 0.95 [, kind = \"equal\"|\"hpd\"]]) -> lower, upper of the rate" },
  sample = { function(self, n, r)
    local fn = "bayes.gamma_poisson:sample"
    return stream(fn, r):gamma(count(fn, n), self.shape, self.rate)
  end, "m:sample(n [, r]) -> n x 1 draws of the Poisson rate" },
  predictive = { function(self)
    local a, b = self.shape, self.rate
    local p = b / (b + 1)
    local function pmf(k)
      if k ~= math.floor(k) or k < 0 then return 0 end
      return exp(lgamma(k + a) - lgamma(a) - lgamma(k + 1) + a * log(p) + k * log(1 - p))
    end
    return predictive{
      law = fmt("negative binomial(size = %s, prob = %s)", num(a), num(p)),
      _density = function(x) return elementwise(pmf, x) end,
      _cdf = function(x) return elementwise(function(k)
        if k < 0 then return 0 end
        -- P(K <= k) = I_p(a, floor(k) + 1)
        return stats.pbeta(p, a, math.floor(k) + 1)
      end, x) end,
      _sample = function(n, r)
        local lam = r:gamma(n, a, b)
        local out = mat.new(n, 1)
        for i = 1, n do out:set(i, 1, r:poisson(1, lam[i])[1]) end
        return out
      end,
    }
  end, "m:predictive() -> the negative binomial law of a new count (size = shape, prob = rate/(rate+1))" },
  logml = { function(self)
    return self.shape0 * log(self.rate0) - lgamma(self.shape0) + lgamma(self.shape)
      - self.shape * log(self.rate) - self.lfact
  end, "m:logml() -> log marginal likelihood of the counts seen" },
}, function(self)
  local lo, hi = self:interval(0.95)
  return fmt("bayes.gamma_poisson: Gamma(shape %s, rate %s)\n  mean %s  sd %s  95%% interval [%s, %s]",
    num(self.shape), num(self.rate), num(self:mean()), num(sqrt(self:var())), num(lo), num(hi))
end)

M.gamma_poisson = help.doc(gamma_poisson, "bayes.gamma_poisson",
  "bayes.gamma_poisson(shape, rate) -> a Gamma(shape, rate) prior on a Poisson rate; "
  .. ":update(counts) :mean() :var() :interval(level [, \"hpd\"]) :sample(n, r) :predictive() :logml(); "
  .. "fields .shape .rate")

---------------------------------------------------------------------------
-- normal mean, known variance

local NK
local function normal_known_var(mu0, tau0, sigma)
  local fn = "bayes.normal_known_var"
  finite(fn, mu0, "mu0"); positive(fn, tau0, "tau0"); positive(fn, sigma, "sigma")
  return setmetatable({ mu = mu0, tau = tau0, sigma = sigma, mu0 = mu0, tau0 = tau0,
    n = 0, sx = 0, sxx = 0 }, NK)
end

NK = family("normal_known_var", {
  update = { function(self, x)
    local t = values("bayes.normal_known_var:update", x, "x")
    local n, sx, sxx = self.n, self.sx, self.sxx
    for _, v in ipairs(t) do n = n + 1; sx = sx + v; sxx = sxx + v * v end
    local s2 = self.sigma ^ 2
    local prec = 1 / self.tau0 ^ 2 + n / s2
    local mu = (self.mu0 / self.tau0 ^ 2 + sx / s2) / prec
    return setmetatable({ mu = mu, tau = sqrt(1 / prec), sigma = self.sigma, mu0 = self.mu0,
      tau0 = self.tau0, n = n, sx = sx, sxx = sxx }, NK)
  end, "m:update(x) -> the posterior N(mu, tau^2) of the mean: 1/tau^2 = 1/tau0^2 + n/sigma^2, "
    .. "mu = tau^2 (mu0/tau0^2 + sum x/sigma^2)" },
  mean = { function(self) return self.mu end, "m:mean() -> mu" },
  var = { function(self) return self.tau ^ 2 end, "m:var() -> tau^2" },
  interval = { function(self, level, kind)
    level = level_of("bayes.normal_known_var:interval", level)
    kind_of("bayes.normal_known_var:interval", kind)
    local z = stats.qnorm((1 + level) / 2)
    return self.mu - z * self.tau, self.mu + z * self.tau
  end, "m:interval([level = 0.95 [, kind]]) -> lower, upper (equal-tailed = HPD: kind is either)" },
  sample = { function(self, n, r)
    local fn = "bayes.normal_known_var:sample"
    return stream(fn, r):normal(count(fn, n), self.mu, self.tau)
  end, "m:sample(n [, r]) -> n x 1 draws of the mean" },
  predictive = { function(self)
    local m, s = self.mu, sqrt(self.tau ^ 2 + self.sigma ^ 2)
    return predictive{
      law = fmt("N(%s, %s^2)", num(m), num(s)),
      _density = function(x) return stats.dnorm(x, m, s) end,
      _cdf = function(x) return stats.pnorm(x, m, s) end,
      _sample = function(n, r) return r:normal(n, m, s) end,
    }
  end, "m:predictive() -> N(mu, tau^2 + sigma^2), the law of a new observation" },
  logml = { function(self)
    local s2, t02, t2 = self.sigma ^ 2, self.tau0 ^ 2, self.tau ^ 2
    return -self.n / 2 * log(2 * math.pi * s2) + 0.5 * log(t2 / t02)
      - self.sxx / (2 * s2) - self.mu0 ^ 2 / (2 * t02) + self.mu ^ 2 / (2 * t2)
  end, "m:logml() -> log marginal likelihood of the observations seen" },
}, function(self)
  local lo, hi = self:interval(0.95)
  return fmt("bayes.normal_known_var: mean ~ N(%s, %s^2), sigma %s, n %d\n  95%% interval [%s, %s]",
    num(self.mu), num(self.tau), num(self.sigma), self.n, num(lo), num(hi))
end)

M.normal_known_var = help.doc(normal_known_var, "bayes.normal_known_var",
  "bayes.normal_known_var(mu0, tau0, sigma) -> a N(mu0, tau0^2) prior on the mean of normal data with "
  .. "known SD sigma (SDs, not variances); :update(x) :mean() :var() :interval(level) :sample(n, r) "
  .. ":predictive() :logml(); fields .mu .tau (posterior SD)")

---------------------------------------------------------------------------
-- normal-inverse-gamma: unknown mean and variance

local NIG
local function nig(mu0, kappa0, a0, b0)
  local fn = "bayes.nig"
  finite(fn, mu0, "mu0"); positive(fn, kappa0, "kappa0"); positive(fn, a0, "a0"); positive(fn, b0, "b0")
  return setmetatable({ mu = mu0, kappa = kappa0, a = a0, b = b0,
    mu0 = mu0, kappa0 = kappa0, a0 = a0, b0 = b0, n = 0 }, NIG)
end

local function nig_t(self)  -- the marginal t of the mean: df, location, scale
  return 2 * self.a, self.mu, sqrt(self.b / (self.a * self.kappa))
end

NIG = family("nig", {
  update = { function(self, x)
    local t = values("bayes.nig:update", x, "x")
    local n = #t
    if n == 0 then return self end
    local xbar = 0
    for _, v in ipairs(t) do xbar = xbar + v end
    xbar = xbar / n
    local S = 0
    for _, v in ipairs(t) do S = S + (v - xbar) ^ 2 end
    local k = self.kappa + n
    return setmetatable({ mu = (self.kappa * self.mu + n * xbar) / k, kappa = k, a = self.a + n / 2,
      b = self.b + S / 2 + self.kappa * n * (xbar - self.mu) ^ 2 / (2 * k),
      mu0 = self.mu0, kappa0 = self.kappa0, a0 = self.a0, b0 = self.b0, n = self.n + n }, NIG)
  end, "m:update(x) -> the posterior NIG: kappa + n, mu = (kappa mu + n xbar)/(kappa + n), a + n/2, "
    .. "b + S/2 + kappa n (xbar - mu)^2 / (2 (kappa + n))" },
  mean = { function(self)
    return self.mu, self.a > 1 and self.b / (self.a - 1) or huge
  end, "m:mean() -> E(mu), E(s2) = b/(a - 1) (Inf for a <= 1)" },
  var = { function(self)
    local a, b = self.a, self.b
    return a > 1 and b / ((a - 1) * self.kappa) or huge,
      a > 2 and b * b / ((a - 1) ^ 2 * (a - 2)) or huge
  end, "m:var() -> Var(mu) = b/((a - 1) kappa), Var(s2) = b^2/((a-1)^2 (a-2)) (Inf where undefined)" },
  interval = { function(self, level, kind)
    local fn = "bayes.nig:interval"
    level = level_of(fn, level); kind = kind_of(fn, kind)
    local df, m, s = nig_t(self)
    local tq = stats.qt((1 + level) / 2, df)
    local a, b = self.a, self.b
    local function q(p) return 1 / stats.qgamma(1 - p, a, b) end
    local lo, hi
    if kind == "hpd" then lo, hi = hpd(q, level) else lo, hi = q((1 - level) / 2), q((1 + level) / 2) end
    return { mu = { m - tq * s, m + tq * s }, s2 = { lo, hi } }
  end, "m:interval([level = 0.95 [, kind]]) -> {mu = {lo, hi}, s2 = {lo, hi}}: the mean's interval from "
    .. "its Student t marginal (symmetric: equal-tailed = HPD), the variance's from the inverse gamma" },
  sample = { function(self, n, r)
    local fn = "bayes.nig:sample"
    n = count(fn, n); r = stream(fn, r)
    local g = r:gamma(n, self.a, self.b)
    local z = r:normal(n)
    local mu, s2 = mat.new(n, 1), mat.new(n, 1)
    for i = 1, n do
      local v = 1 / g[i]
      s2:set(i, 1, v); mu:set(i, 1, self.mu + z[i] * sqrt(v / self.kappa))
    end
    return { mu = mu, s2 = s2 }
  end, "m:sample(n [, r]) -> {mu =, s2 =}: n joint draws (s2 ~ IG(a, b), mu | s2 ~ N(mu, s2/kappa))" },
  predictive = { function(self)
    local df, m = 2 * self.a, self.mu
    local s = sqrt(self.b * (self.kappa + 1) / (self.a * self.kappa))
    return predictive{
      law = fmt("Student t(df = %s, location %s, scale %s)", num(df), num(m), num(s)),
      _density = function(x) return elementwise(function(v) return stats.dt((v - m) / s, df) / s end, x) end,
      _cdf = function(x) return elementwise(function(v) return stats.pt((v - m) / s, df) end, x) end,
      _sample = function(n, r)
        local z, g = r:normal(n), r:gamma(n, df / 2, df / 2)
        local out = mat.new(n, 1)
        for i = 1, n do out:set(i, 1, m + s * z[i] / sqrt(g[i])) end
        return out
      end,
    }
  end, "m:predictive() -> Student t with 2a df, location mu, scale sqrt(b (kappa + 1)/(a kappa))" },
  logml = { function(self)
    return lgamma(self.a) - lgamma(self.a0) + self.a0 * log(self.b0) - self.a * log(self.b)
      + 0.5 * log(self.kappa0 / self.kappa) - self.n / 2 * log(2 * math.pi)
  end, "m:logml() -> log marginal likelihood of the observations seen" },
}, function(self)
  return fmt("bayes.nig: mu %s  kappa %s  a %s  b %s  (n %d)", num(self.mu), num(self.kappa),
    num(self.a), num(self.b), self.n)
end)

M.nig = help.doc(nig, "bayes.nig",
  "bayes.nig(mu0, kappa0, a0, b0) -> a normal-inverse-gamma prior: mu | s2 ~ N(mu0, s2/kappa0), "
  .. "s2 ~ IG(a0, b0); :update(x) :mean() :var() :interval(level) :sample(n, r) :predictive() :logml(); "
  .. "fields .mu .kappa .a .b")

---------------------------------------------------------------------------
-- Dirichlet-multinomial

local DIR
local function dirichlet(alpha)
  local fn = "bayes.dirichlet"
  local a = values(fn, alpha, "alpha")
  if #a < 2 then fail(fn, "alpha must have at least 2 elements, got %d", #a) end
  for i, v in ipairs(a) do
    if not (v > 0) then fail(fn, "alpha element %d is %s, must be positive", i, tostring(v)) end
  end
  return setmetatable({ alpha = a, alpha0 = a, counts = {} }, DIR)
end

local function dsum(a) local s = 0 for _, v in ipairs(a) do s = s + v end return s end

DIR = family("dirichlet", {
  update = { function(self, counts)
    local fn = "bayes.dirichlet:update"
    local c = values(fn, counts, "counts")
    if #c ~= #self.alpha then
      fail(fn, "counts has %d elements, alpha has %d", #c, #self.alpha)
    end
    local a, cc = {}, {}
    for i, v in ipairs(c) do
      if v < 0 or v ~= math.floor(v) then
        fail(fn, "count %d is %s, not a non-negative whole number", i, tostring(v))
      end
      a[i] = self.alpha[i] + v; cc[i] = (self.counts[i] or 0) + v
    end
    return setmetatable({ alpha = a, alpha0 = self.alpha0, counts = cc }, DIR)
  end, "m:update(counts) -> the posterior Dirichlet(alpha + counts); counts: one per category" },
  mean = { function(self)
    local s = dsum(self.alpha)
    local out = mat.new(#self.alpha, 1)
    for i, v in ipairs(self.alpha) do out:set(i, 1, v / s) end
    return out
  end, "m:mean() -> k x 1 vector alpha / sum(alpha)" },
  var = { function(self)
    local s = dsum(self.alpha)
    local out = mat.new(#self.alpha, 1)
    for i, v in ipairs(self.alpha) do out:set(i, 1, v * (s - v) / (s * s * (s + 1))) end
    return out
  end, "m:var() -> k x 1 marginal variances alpha_i (A - alpha_i) / (A^2 (A + 1)), A = sum(alpha)" },
  interval = { function(self, level)
    level = level_of("bayes.dirichlet:interval", level)
    local s = dsum(self.alpha)
    local lo, hi = mat.new(#self.alpha, 1), mat.new(#self.alpha, 1)
    for i, v in ipairs(self.alpha) do
      lo:set(i, 1, stats.qbeta((1 - level) / 2, v, s - v))
      hi:set(i, 1, stats.qbeta((1 + level) / 2, v, s - v))
    end
    return lo, hi
  end, "m:interval([level = 0.95]) -> lower, upper: k x 1 equal-tailed intervals of the marginal Betas" },
  sample = { function(self, n, r)
    local fn = "bayes.dirichlet:sample"
    return stream(fn, r):dirichlet(count(fn, n), self.alpha)
  end, "m:sample(n [, r]) -> n x k draws of the probabilities" },
  predictive = { function(self)
    local s, a, k = dsum(self.alpha), self.alpha, #self.alpha
    local probs = {}
    for i, v in ipairs(a) do probs[i] = v / s end
    local function pmf(j)
      if j ~= math.floor(j) or j < 1 or j > k then return 0 end
      return probs[j]
    end
    return predictive{
      law = "categorical (Dirichlet-multinomial of one draw)",
      _density = function(x) return elementwise(pmf, x) end,
      _cdf = function(x) return elementwise(function(j)
        local c = 0
        for i = 1, math.min(math.floor(j), k) do c = c + probs[i] end
        return c
      end, x) end,
      _sample = function(n, r) return r:categorical(n, probs) end,
    }
  end, "m:predictive() -> the law of the next category (1..k): P(j) = alpha_j / sum(alpha)" },
  logml = { function(self)
    local a0, a = self.alpha0, self.alpha
    local v = lgamma(dsum(a0)) - lgamma(dsum(a))
    for i = 1, #a do v = v + lgamma(a[i]) - lgamma(a0[i]) end
    return v
  end, "m:logml() -> log probability of the observed category sequence (no multinomial coefficient)" },
}, function(self)
  local m = self:mean()
  local t = {}
  for i = 1, #m do t[i] = num(m[i]) end
  return fmt("bayes.dirichlet: %d categories, mean {%s}", #self.alpha, table.concat(t, ", "))
end)

M.dirichlet = help.doc(dirichlet, "bayes.dirichlet",
  "bayes.dirichlet(alpha) -> a Dirichlet(alpha) prior on k category probabilities; :update(counts) "
  .. ":mean() :var() :interval(level) :sample(n, r) :predictive() :logml(); field .alpha")

require "orrery.bayes.niw"
require "orrery.bayes.hgf"
require "orrery.bayes.mc"

return M
