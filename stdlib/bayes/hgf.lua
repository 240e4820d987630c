-- bayes.hgf: the hierarchical Gaussian filter (binary or continuous input,
-- 2 or 3 levels). The filter runs in C (modules/bayes/bayes.c); here are
-- the option table, the result object and the fit by minimal surprise.
local M, C = ...
local help = require "orrery.help"
local args = require "orrery.args"
local optim = require "orrery.optim"

local fail = args.fail
local finite, positive, num = C.finite, C.positive, C.num
local log, exp = math.log, math.exp
local fmt = string.format

local HGF, RES = nil, { __name = "bayes.hgf_result" }

local function pair(fn, v, what, default)
  if v == nil then return default end
  if type(v) ~= "table" then fail(fn, "'%s' must be an array of numbers, got %s", what, type(v)) end
  return v
end

local function hgf(opts)
  local fn = "bayes.hgf"
  args.checkopts(fn, opts, { "kind", "levels", "omega", "kappa", "theta", "omega3", "pi_u", "mu0", "pi0" })
  local kind = opts.kind or "binary"
  if kind ~= "binary" and kind ~= "continuous" then
    fail(fn, "kind must be \"binary\" or \"continuous\", got '%s'", tostring(kind))
  end
  local levels = opts.levels or 3
  if levels ~= 2 and levels ~= 3 then fail(fn, "levels must be 2 or 3, got %s", tostring(levels)) end
  local p = { kind = kind, levels = levels }
  if opts.theta ~= nil and opts.omega3 ~= nil then fail(fn, "give theta or omega3, not both") end
  if opts.omega3 ~= nil then p.theta = exp(finite(fn, opts.omega3, "omega3"))
  else p.theta = opts.theta == nil and 1 or positive(fn, opts.theta, "theta") end
  if kind == "binary" then
    -- binary: one omega and kappa (level 2); mu0/pi0 = {level 2, level 3}
    p.omega = { 0, finite(fn, opts.omega == nil and -2 or opts.omega, "omega") }
    p.kappa = { 1, finite(fn, opts.kappa == nil and 1 or opts.kappa, "kappa") }
    if opts.pi_u ~= nil then fail(fn, "pi_u is an option of the continuous model") end
    p.pi_u = 1
    local m0 = pair(fn, opts.mu0, "mu0", { 0, 1 })
    local q0 = pair(fn, opts.pi0, "pi0", { 1, 1 })
    p.mu0 = { 0, finite(fn, m0[1], "mu0[1]"), levels == 3 and finite(fn, m0[2] or 1, "mu0[2]") or 0 }
    p.pi0 = { 1, positive(fn, q0[1], "pi0[1]"), levels == 3 and positive(fn, q0[2] or 1, "pi0[2]") or 1 }
  else
    local o = pair(fn, opts.omega, "omega", { -3, -3 })
    local k = pair(fn, opts.kappa, "kappa", { 1, 1 })
    p.omega = { finite(fn, o[1], "omega[1]"), finite(fn, o[2], "omega[2]") }
    p.kappa = { finite(fn, k[1], "kappa[1]"), finite(fn, k[2] or 1, "kappa[2]") }
    p.pi_u = positive(fn, opts.pi_u == nil and 1e4 or opts.pi_u, "pi_u")
    local m0 = pair(fn, opts.mu0, "mu0", { 0, 0, 1 })
    local q0 = pair(fn, opts.pi0, "pi0", { 1, 1, 1 })
    p.mu0, p.pi0 = {}, {}
    for i = 1, 3 do
      if i <= levels then
        p.mu0[i] = finite(fn, m0[i], "mu0[" .. i .. "]")
        p.pi0[i] = positive(fn, q0[i], "pi0[" .. i .. "]")
      else p.mu0[i], p.pi0[i] = 0, 1 end
    end
  end
  return setmetatable(p, HGF)
end

local function run(p, u)
  return C._hgf(p.kind == "binary", p.levels, p.omega[1], p.omega[2], p.kappa[1], p.kappa[2],
    p.theta, p.pi_u, p.mu0[1], p.mu0[2], p.mu0[3], p.pi0[1], p.pi0[2], p.pi0[3], u)
end

-- the first k columns of A (A itself when it has k)
local function cols(A, k)
  if A:cols() == k then return A end
  local t = {}
  for j = 1, k do t[j] = j end
  return A:cols_of(t)
end

-- the model's free parameters as a table of names -> getter/setter on p
local PARAMS = {
  omega = { get = function(p) return p.omega[2] end, set = function(p, v) p.omega[2] = v end },
  omega1 = { get = function(p) return p.omega[1] end, set = function(p, v) p.omega[1] = v end },
  omega2 = { get = function(p) return p.omega[2] end, set = function(p, v) p.omega[2] = v end },
  kappa = { get = function(p) return p.kappa[2] end, set = function(p, v) p.kappa[2] = v end },
  omega3 = { get = function(p) return log(p.theta) end, set = function(p, v) p.theta = exp(v) end },
}

local function copy(p)
  local q = {}
  for k, v in pairs(p) do
    if type(v) == "table" then q[k] = { table.unpack(v) } else q[k] = v end
  end
  return setmetatable(q, HGF)
end

HGF = C.family("hgf", {
  filter = { function(self, u)
    local fn = "bayes.hgf:filter"
    u = args.vec(fn, u, "u")
    if u == nil then fail(fn, "'u' is missing") end
    local mu, pi, pe, s, total, bad = run(self, u)
    if bad then
      fail(fn, "a posterior precision became non-positive at trial %d (the parameters leave the "
        .. "model's valid region)", bad)
    end
    local L = self.levels
    local npe = self.kind == "binary" and L - 1 or L
    local pecols = self.kind == "binary" and { 1, 3 } or { 1, 2, 3 }
    local pc = {}
    for j = 1, npe do pc[j] = pecols[j] end
    return setmetatable({ mu = cols(mu, L), pi = cols(pi, L), pe = pe:cols_of(pc), surprise = s,
      total = total, model = self }, RES)
  end, "m:filter(u) -> {mu =, pi =, pe =, surprise =, total =}: mu and pi are n x levels posterior "
    .. "means and precisions after each input (binary model: column 1 holds the prediction "
    .. "mu1^ = s(mu2) and 1/(mu1^(1 - mu1^))); pe: the value prediction error u - mu1^ then the "
    .. "volatility prediction errors (continuous: levels 1..L-1; binary: level 2 when L = 3); "
    .. "surprise: -log p(u_k) per input (NaN for a missing input, whose update is skipped), total its sum" },
  fit = { function(self, u, opts)
    local fn = "bayes.hgf:fit"
    u = args.vec(fn, u, "u")
    opts = args.checkopts(fn, opts, { "free", "method" })
    local free = opts.free or (self.kind == "binary" and { "omega" } or { "omega1", "omega2" })
    for _, name in ipairs(free) do
      if not PARAMS[name] then
        fail(fn, "unknown parameter '%s' (omega, omega1, omega2, kappa, omega3)", tostring(name))
      end
    end
    local x0 = {}
    for i, name in ipairs(free) do x0[i] = PARAMS[name].get(self) end
    local function f(x)
      local q = copy(self)
      for i, name in ipairs(free) do PARAMS[name].set(q, x[i]) end
      local _, _, _, _, total, bad = run(q, u)
      if bad or total ~= total then return math.huge end
      return total
    end
    if f(x0) == math.huge then
      fail(fn, "the starting parameters leave the model's valid region (a precision becomes non-positive)")
    end
    local r = optim.minimize{ f = f, x0 = x0, method = opts.method or "nm" }
    local q = copy(self)
    for i, name in ipairs(free) do PARAMS[name].set(q, r.x[i]) end
    return q, r
  end, "m:fit(u [, {free = {\"omega\", ...}, method = \"nm\"}]) -> the model with the free parameters "
    .. "(omega, omega1, omega2, kappa, omega3 = log theta) set by minimising the total surprise "
    .. "with optim.minimize, and optim's result" },
}, function(self)
  return fmt("bayes.hgf: %s, %d levels, omega {%s, %s}, kappa {%s, %s}, theta %s", self.kind, self.levels,
    num(self.omega[1]), num(self.omega[2]), num(self.kappa[1]), num(self.kappa[2]), num(self.theta))
end)

function RES.__tostring(r)
  return fmt("bayes.hgf filter: %d inputs, total surprise %s", r.surprise:rows(), num(r.total))
end
require("orrery.printing").guard(RES, "bayes.hgf result")  -- tostring never raises (an incomplete object)

M.hgf = help.doc(hgf, "bayes.hgf",
  "bayes.hgf{ kind = \"binary\"|\"continuous\", levels = 2|3, omega =, kappa =, theta = (or omega3 = "
  .. "log theta), mu0 =, pi0 = [, pi_u =] } -> a hierarchical Gaussian filter (Mathys et al. 2011, 2014). "
  .. "binary: omega, kappa of level 2 (defaults -2, 1), mu0 = {m2, m3}, pi0 = {p2, p3}; continuous: "
  .. "omega = {o1, o2}, kappa = {k1, k2}, pi_u (input precision, default 1e4), mu0/pi0 one per level. "
  .. "theta: level-3 step variance (default 1). :filter(u) :fit(u [, opts])")

