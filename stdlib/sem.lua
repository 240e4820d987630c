-- sem: linear structural equation models (simulation, interventions, exact
-- moments and total effects), ML fits of models written in lavaan's syntax
-- (the part stdlib/sem/fit.lua with its parser stdlib/sem/syntax.lua).
-- The C half (modules/sem) draws the noise and solves the structural
-- equations of a whole sample in one pass; this half keeps the graph: node
-- names, the topological order, interventions, and the exact moments
--   Sigma = (I - B)^-1 Omega (I - B)^-T,  mu = (I - B)^-1 c,
--   total effects (I - B)^-1 - I          (docs/methods/sem.md).
-- Shared with the parts through C: C.topo(fn, names, parents) -> order.
local M, C = ...
local mat = require "orrery.mat"
local help = require "orrery.help"
local args = require "orrery.args"
local data = require "orrery.data"

local fail, checkopts = args.fail, args.checkopts
local fmt, sqrt = string.format, math.sqrt

-- ---------------------------------------------------------------------------
-- the graph
-- ---------------------------------------------------------------------------

-- A topological order of names (array) given parents[name] = {names}; ties
-- keep the given order. A cycle is an error naming a node on it.
local function topo(fn, names, parents)
  local done, onstack, order = {}, {}, {}
  local function visit(v)
    if done[v] then return end
    if onstack[v] then fail(fn, "the graph has a cycle through '%s'", v) end
    onstack[v] = true
    for _, u in ipairs(parents[v] or {}) do visit(u) end
    onstack[v] = nil
    done[v] = true
    order[#order + 1] = v
  end
  for _, v in ipairs(names) do visit(v) end
  return order
end
C.topo = topo

local Linear = {}
Linear.__index = Linear
Linear.__name = "sem.linear"

local linear_opts = { "nodes", "edges", "noise", "means", "latent", "fn" }

local function isnode(fn, m, v, what)
  if type(v) ~= "string" then fail(fn, "%s must be a node name, got %s", what, type(v)) end
  if not m.index[v] then fail(fn, "unknown node '%s' in %s", v, what) end
  return v
end

-- keys of t must be nodes
local function nodekeys(fn, m, t, what)
  if t == nil then return {} end
  if type(t) ~= "table" then fail(fn, "option '%s' must be a table keyed by node", what) end
  for k in pairs(t) do isnode(fn, m, k, what) end
  return t
end

--- sem.linear{...} -> a linear SEM
local function linear(t)
  local fn = "sem.linear"
  if type(t) ~= "table" then fail(fn, "expected an option table") end
  checkopts(fn, t, linear_opts)
  if type(t.nodes) ~= "table" or #t.nodes == 0 then fail(fn, "'nodes' must be a non-empty array of names") end
  local m = { nodes = {}, index = {}, pa = {}, w = {}, var = {}, noisefn = {},
              icpt = {}, latent = {}, fn = {}, hard = {}, shift = {} }
  for i, v in ipairs(t.nodes) do
    if type(v) ~= "string" then fail(fn, "node %d is not a name", i) end
    if m.index[v] then fail(fn, "node '%s' appears twice", v) end
    m.nodes[i] = v; m.index[v] = i; m.pa[v] = {}; m.w[v] = {}
  end
  for i, e in ipairs(t.edges or {}) do
    if type(e) ~= "table" then fail(fn, "edge %d must be {from, to, weight}", i) end
    local a, b = isnode(fn, m, e[1], "edge " .. i), isnode(fn, m, e[2], "edge " .. i)
    local wt = e[3] == nil and 1 or e[3]
    if type(wt) ~= "number" or wt ~= wt then fail(fn, "edge %d (%s -> %s): weight must be a number", i, a, b) end
    if a == b then fail(fn, "the graph has a cycle through '%s' (edge %d is a self-loop)", a, i) end
    if m.w[b][a] then fail(fn, "edge %s -> %s given twice", a, b) end
    m.w[b][a] = wt
    local ps = m.pa[b]; ps[#ps + 1] = a
  end
  m.order = topo(fn, m.nodes, m.pa)
  for k, v in pairs(nodekeys(fn, m, t.noise, "noise")) do
    if type(v) == "function" then m.noisefn[k] = v
    elseif type(v) == "number" and v >= 0 and v < math.huge then m.var[k] = v
    else fail(fn, "noise of '%s' must be a variance >= 0 or a function(n, r)", k) end
  end
  for k, v in pairs(nodekeys(fn, m, t.means, "means")) do
    if type(v) ~= "number" or v ~= v then fail(fn, "mean of '%s' must be a number", k) end
    m.icpt[k] = v
  end
  for _, v in ipairs(t.latent or {}) do m.latent[isnode(fn, m, v, "latent")] = true end
  for k, v in pairs(nodekeys(fn, m, t.fn, "fn")) do
    if type(v) ~= "function" then fail(fn, "fn of '%s' must be a function(parents, noise)", k) end
    m.fn[k] = v
  end
  for _, v in ipairs(m.nodes) do
    if m.var[v] == nil and not m.noisefn[v] then m.var[v] = 1 end
    m.icpt[v] = m.icpt[v] or 0
  end
  m.observed = {}
  for _, v in ipairs(m.nodes) do
    if not m.latent[v] then m.observed[#m.observed + 1] = v end
  end
  return setmetatable(m, Linear)
end

-- a copy of the model's parameters (the graph is shared)
local function copy(m)
  local c = setmetatable({}, Linear)
  for k, v in pairs(m) do c[k] = v end
  c.w, c.var, c.noisefn, c.icpt, c.fn = {}, {}, {}, {}, {}
  for k, v in pairs(m.w) do local t = {}; for a, b in pairs(v) do t[a] = b end; c.w[k] = t end
  for k, v in pairs(m.var) do c.var[k] = v end
  for k, v in pairs(m.noisefn) do c.noisefn[k] = v end
  for k, v in pairs(m.icpt) do c.icpt[k] = v end
  for k, v in pairs(m.fn) do c.fn[k] = v end
  c.hard = {}
  for k, v in pairs(m.hard or {}) do c.hard[k] = v end
  c.shift = {}
  for k, v in pairs(m.shift or {}) do c.shift[k] = v end
  return c
end

local sample_opts = { "intervene", "shift", "soft", "select" }

local function numorvec(fn, v, what)
  if type(v) == "number" then
    if v ~= v then fail(fn, "%s is NaN", what) end
    return v
  end
  return args.vec(fn, v, what)
end

-- the model under the interventions of opts (intervene, shift, soft)
local function modified(fn, m, o)
  local c = copy(m)
  for k, v in pairs(nodekeys(fn, m, o.intervene, "intervene")) do
    c.hard[k] = numorvec(fn, v, "intervene." .. k)
  end
  for k, v in pairs(nodekeys(fn, m, o.shift, "shift")) do
    local d = numorvec(fn, v, "shift." .. k)
    if c.shift[k] and type(d) == "number" and type(c.shift[k]) == "number" then d = d + c.shift[k] end
    c.shift[k] = d
  end
  for k, v in pairs(nodekeys(fn, m, o.soft, "soft")) do
    if type(v) ~= "table" then fail(fn, "soft.%s must be a table {noise =, weights =}", k) end
    checkopts(fn, v, { "noise", "weights" })
    if v.noise ~= nil then
      if type(v.noise) == "function" then c.noisefn[k] = v.noise; c.var[k] = nil
      elseif type(v.noise) == "number" and v.noise >= 0 and v.noise < math.huge then
        c.var[k] = v.noise; c.noisefn[k] = nil
      else fail(fn, "soft.%s.noise must be a variance >= 0 or a function(n, r)", k) end
    end
    for a, wt in pairs(v.weights or {}) do
      isnode(fn, m, a, "soft." .. k .. ".weights")
      if m.w[k][a] == nil then fail(fn, "soft.%s.weights: '%s' is not a parent of '%s'", k, a, k) end
      if type(wt) ~= "number" or wt ~= wt then fail(fn, "soft.%s.weights.%s must be a number", k, a) end
      c.w[k][a] = wt
    end
  end
  return c
end

-- B (p x p, topological order), c, s (noise scales) of model m
local function matrices(m)
  local p, pos = #m.order, {}
  for j, v in ipairs(m.order) do pos[v] = j end
  local B, c, s = mat.zeros(p, p), mat.zeros(p, 1), mat.zeros(p, 1)
  for j, v in ipairs(m.order) do
    if m.hard[v] == nil then
      for a, wt in pairs(m.w[v]) do B:set(j, pos[a], wt) end
      local sh = m.shift[v]
      c:set(j, 1, m.icpt[v] + (type(sh) == "number" and sh or 0))
      s:set(j, 1, m.noisefn[v] and 1 or sqrt(m.var[v]))
    else
      s:set(j, 1, 1)
    end
  end
  return B, c, s, pos
end

local rng = require "orrery.rng"
local isrng = rng.is_rng

function Linear:sample(n, o, r)
  local fn = "sem.sample"
  if getmetatable(self) ~= Linear then fail(fn, "expected a model from sem.linear (call as m:sample(n))") end
  if isrng(o) and r == nil then o, r = nil, o end
  o = o or {}
  if type(o) ~= "table" then fail(fn, "options must be a table") end
  checkopts(fn, o, sample_opts)
  if math.type(n) ~= "integer" and not (type(n) == "number" and n == math.floor(n)) then
    fail(fn, "n must be a whole number")
  end
  n = math.tointeger(n) or fail(fn, "n must be a whole number, got %s", tostring(n))  -- Inf, 1e308
  if n < 1 then fail(fn, "n must be >= 1") end
  r = r or rng.default
  if not isrng(r) then fail(fn, "expected an rng stream, got %s", type(r)) end
  if o.select ~= nil and type(o.select) ~= "function" then fail(fn, "select must be a function(row) -> boolean") end
  local mm = modified(fn, self, o)
  local B, c, s, pos = matrices(mm)
  local p = #mm.order
  -- the noise, one standard normal column per node in topological order
  local X = {}
  for j = 1, p do X[j] = r:normal(n) end
  local function vecn(val, what)
    local ok, vv = pcall(args.vec, fn, val, what)
    if not ok or vv:rows() ~= n then fail(fn, "%s must give %d values", what, n) end
    return vv == val and vv:copy() or vv
  end
  -- columns the fast path cannot make: functional noise, per-row values
  for j, v in ipairs(mm.order) do
    local h = mm.hard[v]
    if h ~= nil then
      if type(h) ~= "number" and h:rows() ~= n then
        fail(fn, "intervene.%s has %d values for %d rows", v, h:rows(), n)
      end
      X[j] = type(h) == "number" and mat.new(n, 1, h) or h:copy()
    else
      if mm.noisefn[v] then X[j] = vecn(mm.noisefn[v](n, r), "the noise function of '" .. v .. "'") end
      local sh = mm.shift[v]
      if sh ~= nil and type(sh) ~= "number" then
        if sh:rows() ~= n then fail(fn, "shift.%s has %d values for %d rows", v, sh:rows(), n) end
        X[j] = X[j] * s:get(j, 1) + sh
        s:set(j, 1, 1)
      end
    end
  end
  -- the structural equations: one C pass, split at nonlinear nodes
  local j0 = 1
  for j, v in ipairs(mm.order) do
    if mm.fn[v] and mm.hard[v] == nil then
      C._solve(X, B, c, s, j0, j - 1)
      local ps = {}
      for a in pairs(mm.w[v]) do ps[a] = X[pos[a]] end
      X[j] = vecn(mm.fn[v](ps, X[j] * s:get(j, 1)), "the function of '" .. v .. "'")
      j0 = j + 1
    end
  end
  C._solve(X, B, c, s, j0, p)
  local cols = {}
  for _, v in ipairs(self.observed) do cols[v] = X[pos[v]] end
  local df = data.frame(cols, { names = self.observed })
  if o.select then
    local sel = o.select
    df = df:subset(function(row) return sel(row) end)
  end
  return df, n
end

-- (I - B)^-1 in the order of m.nodes, and B
local function inverse(fn, m)
  local p = #m.nodes
  local B = mat.zeros(p, p)
  for i, v in ipairs(m.nodes) do
    if m.hard[v] == nil then
      for a, wt in pairs(m.w[v]) do B:set(i, m.index[a], wt) end
    end
  end
  if next(m.fn) then
    for v in pairs(m.fn) do
      if m.hard[v] == nil then fail(fn, "node '%s' has a nonlinear function: no exact moments", v) end
    end
  end
  return (mat.eye(p) - B):inv(), B
end

local function hardvalue(fn, m, v)
  local h = m.hard[v]
  if type(h) ~= "number" then fail(fn, "the intervention on '%s' is a per-row vector: no exact moments", v) end
  return h
end

-- the covariance and mean over all nodes (m.nodes order)
local function moments(fn, m)
  local A = inverse(fn, m)
  local p = #m.nodes
  local Om, c = mat.zeros(p, p), mat.zeros(p, 1)
  for i, v in ipairs(m.nodes) do
    if m.hard[v] ~= nil then
      c:set(i, 1, hardvalue(fn, m, v))
    else
      if m.noisefn[v] then fail(fn, "the noise of '%s' is a function: give its variance for exact moments", v) end
      Om:set(i, i, m.var[v])
      local sh = m.shift[v]
      if sh ~= nil and type(sh) ~= "number" then
        fail(fn, "the shift of '%s' is a per-row vector: no exact moments", v)
      end
      c:set(i, 1, m.icpt[v] + (sh or 0))
    end
  end
  return A * Om * A:t(), A * c
end

-- the rows/cols of the observed nodes (all = true: every node)
local function observed(m, all)
  local idx = {}
  for i, v in ipairs(m.nodes) do
    if all or not m.latent[v] then idx[#idx + 1] = i end
  end
  return idx
end

local moment_opts = { "all" }

function Linear:cov(o)
  local fn = "sem.cov"
  o = o or {}; checkopts(fn, o, moment_opts)
  local S = moments(fn, self)
  local idx = observed(self, o.all)
  return S:rows_of(idx):cols_of(idx)
end

function Linear:mean(o)
  local fn = "sem.mean"
  o = o or {}; checkopts(fn, o, moment_opts)
  local _, mu = moments(fn, self)
  return mu:rows_of(observed(self, o.all))
end

function Linear:effects()
  local A = inverse("sem.effects", self)
  return A - mat.eye(#self.nodes)
end

local function pair(fn, m, a, b)
  isnode(fn, m, a, "the cause"); isnode(fn, m, b, "the effect")
  return m.index[a], m.index[b]
end

function Linear:effect(a, b)
  local fn = "sem.effect"
  local i, j = pair(fn, self, a, b)
  local E = self:effects()
  return E:get(j, i)
end

function Linear:direct(a, b)
  pair("sem.direct", self, a, b)
  if self.hard and self.hard[b] ~= nil then return 0 end
  return self.w[b][a] or 0
end

function Linear:indirect(a, b)
  pair("sem.indirect", self, a, b)
  return self:effect(a, b) - self:direct(a, b)
end

function Linear:parents(v)
  isnode("sem.parents", self, v, "the node")
  local t = {}
  for _, a in ipairs(self.nodes) do if self.w[v][a] then t[#t + 1] = a end end
  return t
end

function Linear:intervene(t)
  local fn = "sem.intervene"
  if type(t) ~= "table" then fail(fn, "expected a table {X = value} or {intervene =, shift =, soft =}") end
  local o = t
  if t.intervene == nil and t.shift == nil and t.soft == nil then o = { intervene = t } end
  checkopts(fn, o, { "intervene", "shift", "soft" })
  return modified(fn, self, o)
end

function Linear:__tostring()
  local nedges = 0
  for _, v in pairs(self.w) do for _ in pairs(v) do nedges = nedges + 1 end end
  local lines = { fmt("linear SEM: %d nodes (%d observed), %d edges", #self.nodes, #self.observed, nedges) }
  for _, v in ipairs(self.order) do
    local terms = {}
    for _, a in ipairs(self.nodes) do
      local wt = self.w[v][a]
      if wt then terms[#terms + 1] = fmt("%.6g*%s", wt, a) end
    end
    local rhs
    if self.hard and self.hard[v] ~= nil then
      rhs = type(self.hard[v]) == "number" and fmt("do(%.6g)", self.hard[v]) or "do(per-row values)"
    elseif self.fn[v] then rhs = "f(" .. table.concat(self:parents(v), ", ") .. ", e)"
    else
      terms[#terms + 1] = self.noisefn[v] and "e (function)" or fmt("e (var %.6g)", self.var[v])
      if self.icpt[v] ~= 0 then table.insert(terms, 1, fmt("%.6g", self.icpt[v])) end
      rhs = table.concat(terms, " + ")
    end
    lines[#lines + 1] = fmt("  %s%s = %s", v, self.latent[v] and " (latent)" or "", rhs)
  end
  return table.concat(lines, "\n")
end
require("orrery.printing").guard(Linear, "sem.linear")  -- tostring never raises (an incomplete object)

M.linear = help.doc(linear, "sem.linear", [[
sem.linear{ nodes = {...}, edges = {{from, to, weight}, ...} [, noise =, means =, latent =, fn =] } -> model
  A linear structural equation model X = B X + c + e, e independent with
  Var(e_v) = noise[v] (default 1). edges: {from, to, weight} (weight
  default 1). noise[v]: a variance >= 0, or a function(n, r) returning n draws
  (any distribution; then no exact moments). means[v]: the intercept c_v (the
  structural constant, not the marginal mean; default 0). latent: nodes that
  are simulated but not returned by m:sample and left out of m:cov/m:mean.
  fn[v] = function(parents, noise) -> n values: a nonlinear node (parents:
  a table name -> n x 1 matrix of the parents given by the edges into v,
  noise: n x 1); slower path, no exact moments.
  Errors: unknown nodes, repeated nodes or edges, cycles (named).
  Methods: sample, cov, mean, effect, effects, direct, indirect, intervene,
  parents.]])

help.doc(Linear.sample, "sem.linear:sample", [[
m:sample(n [, opts] [, r]) -> frame of the observed nodes (columns in node order), n
  Draws n rows: standard normal noise from r (default rng.default), then the
  structural equations solved over the whole sample in C (one forward
  triangular pass). opts:
    intervene = {X = 0}       hard do(X = a): a number or a per-row vector
    shift = {X = 0.5}         adds to X's noise (a number or per-row vector)
    soft = {X = {noise = 0.25, weights = {Z = 0.5}}}  replaces X's noise
                              variance (or function) and incoming weights
    select = function(row) -> boolean   keeps the rows where it holds
                              (row: name -> value); the second result is n,
                              the number drawn.
  The same stream state gives the same rows.]])
help.doc(Linear.cov, "sem.linear:cov", [[
m:cov([{all = true}]) -> Sigma = (I - B)^-1 Omega (I - B)^-T over the observed nodes
  (all = true: every node, latent ones included), in node order. Under an
  intervention (m:intervene) the intervened rows of B and Omega are zero.]])
help.doc(Linear.mean, "sem.linear:mean", [[
m:mean([{all = true}]) -> (I - B)^-1 c over the observed nodes (all: every node)
  c holds the intercepts plus shifts; a hard-intervened node's c is its value.]])
help.doc(Linear.effects, "sem.linear:effects", [[
m:effects() -> (I - B)^-1 - I, p x p over all nodes in node order:
  entry [i][j] is the total effect of node j on node i.]])
help.doc(Linear.effect, "sem.linear:effect", [[
m:effect(a, b) -> the total effect of node a on node b, d E[b | do(a = x)] / dx]])
help.doc(Linear.direct, "sem.linear:direct", [[
m:direct(a, b) -> the direct effect of a on b (the edge weight, 0 when none)]])
help.doc(Linear.indirect, "sem.linear:indirect", [[
m:indirect(a, b) -> total minus direct effect of a on b]])
help.doc(Linear.parents, "sem.linear:parents", [[
m:parents(v) -> array of v's parents, in node order]])
help.doc(Linear.intervene, "sem.linear:intervene", [[
m:intervene{X = 0, ...} -> the intervened model (hard do(); a number, or a
  per-row vector for sampling only), or m:intervene{intervene =, shift =,
  soft =} with m:sample's options. Its cov(), mean() and effects() are the
  interventional distribution's moments.]])

-- ---------------------------------------------------------------------------
-- environments
-- ---------------------------------------------------------------------------

local env_opts = { "model", "n_env", "n_per_env", "family", "rng" }

local function environments(t)
  local fn = "sem.environments"
  if type(t) ~= "table" then fail(fn, "expected an option table") end
  checkopts(fn, t, env_opts)
  local m = t.model
  if getmetatable(m) ~= Linear then fail(fn, "'model' must be a model from sem.linear") end
  local ne, np = t.n_env, t.n_per_env
  if math.type(ne) ~= "integer" or ne < 1 then fail(fn, "n_env must be a whole number >= 1") end
  if math.type(np) ~= "integer" or np < 1 then fail(fn, "n_per_env must be a whole number >= 1") end
  local fam = t.family
  if type(fam) ~= "table" then fail(fn, "'family' must be a table {nodes =, kind =, range =}") end
  checkopts(fn, fam, { "nodes", "kind", "range" })
  if type(fam.nodes) ~= "table" or #fam.nodes == 0 then fail(fn, "family.nodes must be a non-empty array of nodes") end
  for _, v in ipairs(fam.nodes) do isnode(fn, m, v, "family.nodes") end
  local kind = fam.kind or "shift"
  if kind ~= "shift" and kind ~= "noise_scale" then
    fail(fn, "family.kind must be 'shift' or 'noise_scale', got '%s'", tostring(kind))
  end
  local range = fam.range
  if type(range) ~= "table" or type(range[1]) ~= "number" or type(range[2]) ~= "number" or range[1] > range[2] then
    fail(fn, "family.range must be {lo, hi} with lo <= hi")
  end
  if kind == "noise_scale" and range[1] < 0 then fail(fn, "family.range: a noise scale must be >= 0") end
  local r = t.rng or rng.default
  if not isrng(r) then fail(fn, "rng must be an rng stream") end
  local cols, settings = {}, {}
  local names = {}
  for _, v in ipairs(m.observed) do names[#names + 1] = v; cols[v] = {} end
  local envcol = mat.zeros(ne * np, 1)
  for e = 1, ne do
    local u = r:uniform(#fam.nodes, range[1], range[2])
    local o, set = {}, {}
    for i, v in ipairs(fam.nodes) do
      local a = u:get(i, 1)
      set[v] = a
      if kind == "shift" then
        o.shift = o.shift or {}; o.shift[v] = a
      else
        -- the noise standard deviation times a (variance times a^2)
        o.soft = o.soft or {}
        if m.noisefn[v] then
          local f = m.noisefn[v]
          o.soft[v] = { noise = function(n, rr) return args.vec(fn, f(n, rr), "noise of " .. v) * a end }
        else
          o.soft[v] = { noise = m.var[v] * a * a }
        end
      end
    end
    settings[e] = set
    local df = m:sample(np, o, r)
    for _, v in ipairs(m.observed) do cols[v][e] = df[v] end
    for i = 1, np do envcol:set((e - 1) * np + i, 1, e) end
  end
  local out = {}
  for _, v in ipairs(names) do
    local c = cols[v][1]
    for e = 2, ne do c = c:vcat(cols[v][e]) end
    out[v] = c
  end
  out.env = envcol
  names[#names + 1] = "env"
  return data.frame(out, { names = names }), settings
end

M.environments = help.doc(environments, "sem.environments", [[
sem.environments{ model = m, n_env =, n_per_env =,
                  family = {nodes = {"X"}, kind = "shift", range = {lo, hi}} [, rng =] }
  -> frame (the observed nodes and an 'env' column 1..n_env), settings
  Environment e draws, for each node of family.nodes, a = Uniform(lo, hi)
  and samples n_per_env rows of the model under that intervention:
  kind = "shift" adds a to the node's noise (m:sample's shift);
  kind = "noise_scale" multiplies its noise standard deviation by a (a
  soft intervention). settings[e] = {node = a} gives each environment's draw.
  Environments are drawn in turn from the one stream.]])

require "orrery.sem.fit"
require "orrery.sem.bn"
