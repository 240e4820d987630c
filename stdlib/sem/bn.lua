-- sem.bn: discrete Bayes nets. Nodes take states 1..k; cpt[v] holds one
-- probability row per configuration of v's parents (the first parent varies
-- slowest), a root's cpt is one row. Ancestral sampling (optionally with a
-- local observation window per row), exact conditionals by variable
-- elimination. Constructors for chains and random DAGs with random CPTs.
local M, C = ...
local mat = require "orrery.mat"
local help = require "orrery.help"
local args = require "orrery.args"
local data = require "orrery.data"
local rng = require "orrery.rng"

local fail, checkopts = args.fail, args.checkopts
local fmt = string.format

local ROWTOL = 1e-9   -- a CPT row must sum to 1 within this

local BN = {}
BN.__index = BN
BN.__name = "sem.bn"

local function prod(t, from)
  local p = 1
  for i = from or 1, #t do p = p * t[i] end
  return p
end

-- the row of cpt for v at the parents' states (a table name -> state)
local function rowindex(bn, v, state)
  local idx = 0
  for _, u in ipairs(bn.parents[v]) do idx = idx * bn.states[u] + (state[u] - 1) end
  return idx + 1
end

local function newbn(fn, t)
  if type(t) ~= "table" then fail(fn, "expected an option table") end
  checkopts(fn, t, { "nodes", "parents", "cpt", "states" })
  if type(t.nodes) ~= "table" or #t.nodes == 0 then fail(fn, "'nodes' must be a non-empty array of names") end
  local bn = { nodes = {}, index = {}, parents = {}, states = {}, cpt = {} }
  for i, v in ipairs(t.nodes) do
    if type(v) ~= "string" then fail(fn, "node %d is not a name", i) end
    if bn.index[v] then fail(fn, "node '%s' appears twice", v) end
    bn.nodes[i] = v; bn.index[v] = i; bn.parents[v] = {}
  end
  local function known(v, what)
    if type(v) ~= "string" or not bn.index[v] then fail(fn, "unknown node '%s' in %s", tostring(v), what) end
  end
  for v, ps in pairs(t.parents or {}) do
    known(v, "parents")
    if type(ps) ~= "table" then fail(fn, "parents.%s must be an array of names", v) end
    for _, u in ipairs(ps) do
      known(u, "parents." .. v)
      if u == v then fail(fn, "the graph has a cycle through '%s'", v) end
      bn.parents[v][#bn.parents[v] + 1] = u
    end
  end
  for v in pairs(t.states or {}) do known(v, "states") end
  for v in pairs(t.cpt or {}) do known(v, "cpt") end
  bn.order = C.topo(fn, bn.nodes, bn.parents)
  for _, v in ipairs(bn.nodes) do
    local cp = (t.cpt or {})[v]
    if cp == nil then fail(fn, "no cpt for node '%s'", v) end
    if type(cp) ~= "table" then fail(fn, "cpt.%s must be a table of probability rows", v) end
    if type(cp[1]) == "number" then cp = { cp } end
    local k = (t.states or {})[v] or #cp[1]
    if math.type(k) ~= "integer" or k < 2 then fail(fn, "node '%s' needs at least 2 states", v) end
    bn.states[v] = k
  end
  for _, v in ipairs(bn.nodes) do
    local cp = t.cpt[v]
    if type(cp[1]) == "number" then cp = { cp } end
    local nrow = 1
    for _, u in ipairs(bn.parents[v]) do nrow = nrow * bn.states[u] end
    if #cp ~= nrow then fail(fn, "cpt.%s has %d rows, its parents have %d configurations", v, #cp, nrow) end
    local rows = {}
    for r, row in ipairs(cp) do
      if type(row) ~= "table" or #row ~= bn.states[v] then
        fail(fn, "cpt.%s row %d must have %d probabilities", v, r, bn.states[v])
      end
      local s, copy = 0, {}
      for j, p in ipairs(row) do
        if type(p) ~= "number" or p < 0 or p ~= p then fail(fn, "cpt.%s row %d: probabilities must be >= 0", v, r) end
        s = s + p; copy[j] = p
      end
      if math.abs(s - 1) > ROWTOL then fail(fn, "cpt.%s row %d sums to %.17g, not 1", v, r, s) end
      rows[r] = copy
    end
    bn.cpt[v] = rows
  end
  return setmetatable(bn, BN)
end

-- ---------------------------------------------------------------------------
-- sampling
-- ---------------------------------------------------------------------------

function BN:sample(n, o, r)
  local fn = "sem.bn:sample"
  if getmetatable(self) ~= BN then fail(fn, "expected a Bayes net (call as bn:sample(n))") end
  if rng.is_rng(o) and r == nil then o, r = nil, o end
  o = o or {}
  if type(o) ~= "table" then fail(fn, "options must be a table") end
  checkopts(fn, o, { "window" })
  if type(n) ~= "number" or n ~= math.floor(n) or n < 1 then fail(fn, "n must be a whole number >= 1") end
  r = r or rng.default
  if not rng.is_rng(r) then fail(fn, "expected an rng stream, got %s", type(r)) end
  local p = #self.nodes
  local k = o.window
  if k ~= nil and (math.type(k) ~= "integer" or k < 1 or k > p) then
    fail(fn, "window must be a whole number in 1..%d", p)
  end
  local cols = {}
  for _, v in ipairs(self.nodes) do cols[v] = mat.zeros(n, 1) end
  local state = {}
  for _, v in ipairs(self.order) do
    local u = r:uniform(n)
    local col, rows, ps = cols[v], self.cpt[v], self.parents[v]
    for i = 1, n do
      for _, a in ipairs(ps) do state[a] = cols[a]:get(i, 1) end
      local row = rows[rowindex(self, v, state)]
      local x, acc, s = u:get(i, 1), 0, #row
      for j = 1, #row do
        acc = acc + row[j]
        if x < acc then s = j; break end
      end
      col:set(i, 1, s)
    end
  end
  if k then
    -- each row sees k consecutive nodes (node order), the start uniform
    local starts = r:uniform(n)
    for i = 1, n do
      local s = math.floor(starts:get(i, 1) * (p - k + 1)) + 1
      for j, v in ipairs(self.nodes) do
        if j < s or j >= s + k then cols[v]:set(i, 1, 0 / 0) end
      end
    end
  end
  return data.frame(cols, { names = self.nodes })
end

-- ---------------------------------------------------------------------------
-- exact inference: variable elimination
-- ---------------------------------------------------------------------------

-- a factor: vars (array), card (array), vals (flat, last variable fastest)
local function factor_of(bn, v, evidence)
  local vars = {}
  for _, u in ipairs(bn.parents[v]) do vars[#vars + 1] = u end
  vars[#vars + 1] = v
  local card = {}
  for i, u in ipairs(vars) do card[i] = bn.states[u] end
  local vals, state = {}, {}
  local total = prod(card)
  for idx = 0, total - 1 do
    local rem = idx
    for i = #vars, 1, -1 do state[vars[i]] = rem % card[i] + 1; rem = rem // card[i] end
    local pv = bn.cpt[v][rowindex(bn, v, state)][state[v]]
    for u, s in pairs(evidence) do
      if state[u] ~= nil and state[u] ~= s then pv = 0 end
    end
    vals[idx + 1] = pv
  end
  return { vars = vars, card = card, vals = vals }
end

local function multiply(a, b)
  local vars, card, pos = {}, {}, {}
  for i, v in ipairs(a.vars) do vars[#vars + 1] = v; card[#card + 1] = a.card[i]; pos[v] = #vars end
  for i, v in ipairs(b.vars) do
    if not pos[v] then vars[#vars + 1] = v; card[#card + 1] = b.card[i]; pos[v] = #vars end
  end
  local function strides(f)
    local s, st = {}, 1
    for i = #f.vars, 1, -1 do s[f.vars[i]] = st; st = st * f.card[i] end
    return s
  end
  local sa, sb = strides(a), strides(b)
  local vals, state = {}, {}
  for idx = 0, prod(card) - 1 do
    local rem = idx
    for i = #vars, 1, -1 do state[i] = rem % card[i]; rem = rem // card[i] end
    local ia, ib = 0, 0
    for i, v in ipairs(vars) do
      if sa[v] then ia = ia + state[i] * sa[v] end
      if sb[v] then ib = ib + state[i] * sb[v] end
    end
    vals[idx + 1] = a.vals[ia + 1] * b.vals[ib + 1]
  end
  return { vars = vars, card = card, vals = vals }
end

local function sumout(f, v)
  local j
  for i, u in ipairs(f.vars) do if u == v then j = i end end
  local vars, card = {}, {}
  for i, u in ipairs(f.vars) do if i ~= j then vars[#vars + 1] = u; card[#card + 1] = f.card[i] end end
  local inner = prod(f.card, j + 1)
  local kj = f.card[j]
  local vals = {}
  for idx = 0, prod(card) - 1 do
    local hi, lo = idx // inner, idx % inner
    local s = 0
    for x = 0, kj - 1 do s = s + f.vals[(hi * kj + x) * inner + lo + 1] end
    vals[idx + 1] = s
  end
  return { vars = vars, card = card, vals = vals }
end

-- P(evidence) by variable elimination (min-size order, greedily)
local function eliminate(bn, evidence)
  local factors = {}
  for _, v in ipairs(bn.nodes) do factors[#factors + 1] = factor_of(bn, v, evidence) end
  local remaining = {}
  for _, v in ipairs(bn.nodes) do remaining[v] = true end
  while next(remaining) do
    -- the variable whose elimination makes the smallest factor
    local best, bestsize
    for _, v in ipairs(bn.nodes) do
      if remaining[v] then
        local seen, size = {}, 1
        for _, f in ipairs(factors) do
          local has = false
          for _, u in ipairs(f.vars) do if u == v then has = true end end
          if has then
            for i, u in ipairs(f.vars) do
              if not seen[u] then seen[u] = true; size = size * f.card[i] end
            end
          end
        end
        if not bestsize or size < bestsize then best, bestsize = v, size end
      end
    end
    local keep, prodf = {}, nil
    for _, f in ipairs(factors) do
      local has = false
      for _, u in ipairs(f.vars) do if u == best then has = true end end
      if has then prodf = prodf and multiply(prodf, f) or f else keep[#keep + 1] = f end
    end
    if prodf then keep[#keep + 1] = sumout(prodf, best) end
    factors = keep
    remaining[best] = nil
  end
  local total = 1
  for _, f in ipairs(factors) do total = total * f.vals[1] end
  return total
end

local function assignment(fn, bn, t, what)
  local out = {}
  if t == nil then return out end
  if type(t) ~= "table" then fail(fn, "%s must be a table {node = state}", what) end
  for v, s in pairs(t) do
    if not bn.index[v] then fail(fn, "unknown node '%s' in %s", tostring(v), what) end
    if math.type(s) ~= "integer" and not (type(s) == "number" and s == math.floor(s)) then
      fail(fn, "%s.%s must be a state number", what, v)
    end
    if s < 1 or s > bn.states[v] then
      fail(fn, "%s.%s = %s is not a state of '%s' (1..%d)", what, v, s, v, bn.states[v])
    end
    out[v] = math.tointeger(s)
  end
  return out
end

function BN:prob(t)
  local fn = "sem.bn:prob"
  if type(t) ~= "table" then fail(fn, "expected {target = {...}, given = {...}}") end
  checkopts(fn, t, { "target", "given" })
  local target = assignment(fn, self, t.target, "target")
  local given = assignment(fn, self, t.given, "given")
  if next(target) == nil then fail(fn, "target is empty") end
  local joint = {}
  for v, s in pairs(given) do joint[v] = s end
  for v, s in pairs(target) do
    if joint[v] ~= nil and joint[v] ~= s then return 0 end
    joint[v] = s
  end
  local den = next(given) and eliminate(self, given) or 1
  if den == 0 then fail(fn, "the evidence has probability 0") end
  return eliminate(self, joint) / den
end

function BN:__tostring()
  local lines = { fmt("Bayes net: %d nodes", #self.nodes) }
  for _, v in ipairs(self.order) do
    local ps = self.parents[v]
    lines[#lines + 1] = fmt("  %s (%d states)%s", v, self.states[v],
      #ps > 0 and " <- " .. table.concat(ps, ", ") or "")
  end
  return table.concat(lines, "\n")
end
require("orrery.printing").guard(BN, "sem.bn")  -- tostring never raises (an incomplete object)

-- ---------------------------------------------------------------------------
-- constructors
-- ---------------------------------------------------------------------------

-- a random probability row: Dirichlet(1, ..., 1) by normalised exponentials
local function randomrow(r, k)
  local e = r:exponential(k, 1)
  local s = e:sum()
  local row = {}
  for j = 1, k do row[j] = e:get(j, 1) / s end
  -- exactly summing to 1
  local acc = 0
  for j = 1, k - 1 do acc = acc + row[j] end
  row[k] = 1 - acc
  return row
end

local function randomcpt(r, k, nrow)
  local rows = {}
  for i = 1, nrow do rows[i] = randomrow(r, k) end
  return rows
end

local function names(n)
  local t = {}
  for i = 1, n do t[i] = "X" .. i end
  return t
end

local function checkn(fn, n, lo)
  if math.type(n) ~= "integer" or n < lo then fail(fn, "n must be a whole number >= %d", lo) end
end

-- the options shared by the constructors: n (>= nmin), states, rng
local function constructor(fn, t, allowed, nmin)
  if type(t) ~= "table" then fail(fn, "expected an option table") end
  checkopts(fn, t, allowed)
  checkn(fn, t.n, nmin)
  local k = t.states or 2
  if math.type(k) ~= "integer" or k < 2 then fail(fn, "states must be a whole number >= 2") end
  local r = t.rng or rng.default
  if not rng.is_rng(r) then fail(fn, "rng must be an rng stream") end
  return names(t.n), k, r
end

local function bn_chain(t)
  local fn = "sem.bn_chain"
  local nodes, k, r = constructor(fn, t, { "n", "states", "rng" }, 2)
  local parents, cpt, states = {}, {}, {}
  for i, v in ipairs(nodes) do
    states[v] = k
    if i == 1 then cpt[v] = randomcpt(r, k, 1)
    else parents[v] = { nodes[i - 1] }; cpt[v] = randomcpt(r, k, k) end
  end
  return newbn(fn, { nodes = nodes, parents = parents, cpt = cpt, states = states })
end

local function bn_random(t)
  local fn = "sem.bn_random"
  local nodes, k, r = constructor(fn, t, { "n", "max_parents", "states", "rng" }, 1)
  local mp = t.max_parents or 2
  if math.type(mp) ~= "integer" or mp < 0 then fail(fn, "max_parents must be a whole number >= 0") end
  local parents, cpt, states = {}, {}, {}
  for i, v in ipairs(nodes) do
    states[v] = k
    -- a number of parents uniform on 0..min(mp, i - 1), drawn among the
    -- earlier nodes without replacement (kept in node order)
    local m = math.min(mp, i - 1)
    local np = math.floor(r:uniform(1):get(1, 1) * (m + 1))
    local pool = {}
    for j = 1, i - 1 do pool[j] = j end
    local chosen = {}
    for c = 1, np do
      local j = c + math.floor(r:uniform(1):get(1, 1) * (#pool - c + 1))
      pool[c], pool[j] = pool[j], pool[c]
      chosen[#chosen + 1] = pool[c]
    end
    table.sort(chosen)
    local ps = {}
    for _, j in ipairs(chosen) do ps[#ps + 1] = nodes[j] end
    parents[v] = ps
    cpt[v] = randomcpt(r, k, math.tointeger(k ^ #ps))
  end
  return newbn(fn, { nodes = nodes, parents = parents, cpt = cpt, states = states })
end

M.bn = help.doc(function(t) return newbn("sem.bn", t) end, "sem.bn", [[
sem.bn{ nodes = {...}, parents = {B = {"A"}}, cpt = {A = {0.3, 0.7}, B = {{0.9, 0.1}, {0.2, 0.8}}} [, states =] } -> net
  A discrete Bayes net. States are 1..k (k = states[v], default the length
  of v's cpt rows). cpt[v] has one row per configuration of v's parents (in
  the order of parents[v], the first parent varying slowest); each row is a
  probability vector (sums to 1 within 1e-9). A root's cpt is one row.
  Errors: unknown nodes, cycles, rows of the wrong length or sum.
  Methods: sample, prob.]])
M.bn_chain = help.doc(bn_chain, "sem.bn_chain", [[
sem.bn_chain{ n =, states = 2 [, rng =] } -> net X1 -> X2 -> ... -> Xn
  with CPT rows drawn from the flat Dirichlet (normalised exponentials).]])
M.bn_random = help.doc(bn_random, "sem.bn_random", [[
sem.bn_random{ n =, max_parents = 2, states = 2 [, rng =] } -> net over X1..Xn
  Node i gets a number of parents uniform on 0..min(max_parents, i - 1),
  chosen uniformly among X1..X(i-1) (so the node order is topological), and
  CPT rows from the flat Dirichlet.]])
help.doc(BN.sample, "sem.bn:sample", [[
bn:sample(n [, {window = k}] [, r]) -> frame of states (numbers 1..k), one column per node
  Ancestral sampling (one uniform per node and row, inversion of the CPT
  row). window = k: each row observes only k consecutive nodes (in node
  order, the first uniform among the n - k + 1 possible), the others NaN.]])
help.doc(BN.prob, "sem.bn:prob", [[
bn:prob{ target = {X5 = 1}, given = {X1 = 2} } -> P(target | given), exact
  By variable elimination (greedy smallest-factor order) on the evidence-
  restricted CPTs: P(target, given) / P(given). An impossible given is an error.]])
