-- sem.bn: exact conditionals by variable elimination against brute-force
-- enumeration of the joint (1e-12 relative: both are sums of the same
-- products), sample frequencies against exact marginals (5 binomial SEs,
-- fixed seeds), windows, constructors and errors.
local T = require "orrery.testing"

-- P(assignment) by enumerating every configuration of the net
local function brute(bn, fixed)
  local nodes, total = bn.nodes, 0
  local state = {}
  local function rec(i)
    if i > #nodes then
      local p = 1
      for _, v in ipairs(nodes) do
        local idx = 0
        for _, u in ipairs(bn.parents[v]) do idx = idx * bn.states[u] + (state[u] - 1) end
        p = p * bn.cpt[v][idx + 1][state[v]]
      end
      total = total + p
      return
    end
    local v = nodes[i]
    for s = 1, bn.states[v] do
      if fixed[v] == nil or fixed[v] == s then state[v] = s; rec(i + 1) end
    end
  end
  rec(1)
  return total
end

local function cond(bn, target, given)
  local joint = {}
  for k, v in pairs(given) do joint[k] = v end
  for k, v in pairs(target) do joint[k] = v end
  return brute(bn, joint) / brute(bn, given)
end

local function sprinkler()
  return sem.bn{ nodes = { "C", "S", "R", "W" },
    parents = { S = { "C" }, R = { "C" }, W = { "S", "R" } },
    cpt = { C = { 0.5, 0.5 }, S = { { 0.5, 0.5 }, { 0.9, 0.1 } }, R = { { 0.8, 0.2 }, { 0.2, 0.8 } },
            W = { { 1, 0 }, { 0.1, 0.9 }, { 0.1, 0.9 }, { 0.01, 0.99 } } } }
end

T.test("variable elimination = enumeration (sprinkler net)", function()
  local bn = sprinkler()
  -- the textbook value P(R = true | W = true) = 0.7079
  T.near(bn:prob{ target = { R = 2 }, given = { W = 2 } }, cond(bn, { R = 2 }, { W = 2 }), 1e-12)
  T.near(bn:prob{ target = { R = 2 }, given = { W = 2 } }, 0.7079, 1e-4)
  T.near(bn:prob{ target = { S = 2, R = 1 }, given = { W = 2, C = 1 } },
    cond(bn, { S = 2, R = 1 }, { W = 2, C = 1 }), 1e-12)
  T.near(bn:prob{ target = { W = 1 } }, brute(bn, { W = 1 }), 1e-12)
end)

T.test("variable elimination = enumeration (random nets, 3 states)", function()
  local r = rng.new(99)
  for _ = 1, 5 do
    local bn = sem.bn_random{ n = 7, max_parents = 3, states = 3, rng = r }
    for _, q in ipairs({ { { X7 = 1 }, { X1 = 2 } }, { { X4 = 3, X6 = 2 }, { X2 = 1, X7 = 3 } },
                         { { X1 = 1 }, { X7 = 2 } } }) do
      T.near(bn:prob{ target = q[1], given = q[2] }, cond(bn, q[1], q[2]), 1e-12)
    end
  end
  local chain = sem.bn_chain{ n = 6, rng = r }
  T.near(chain:prob{ target = { X6 = 1 }, given = { X1 = 2 } }, cond(chain, { X6 = 1 }, { X1 = 2 }), 1e-12)
  T.eq(chain.parents.X4[1], "X3")
end)

T.test("ancestral sampling: frequencies within 5 SEs of exact marginals", function()
  local bn = sem.bn_random{ n = 6, max_parents = 2, states = 3, rng = rng.new(4) }
  local n = 100000
  local df = bn:sample(n, rng.new(5))
  for _, v in ipairs(bn.nodes) do
    for s = 1, 3 do
      local p = bn:prob{ target = { [v] = s } }
      local col, c = df[v], 0
      for i = 1, n do if col:get(i, 1) == s then c = c + 1 end end
      T.near(c / n, p, 0, v .. "=" .. s, 5 * math.sqrt(p * (1 - p) / n))
    end
  end
  -- a conditional from the sample too: P(X6 = 1 | X1 = 2)
  local a, b = 0, 0
  for i = 1, n do
    if df.X1:get(i, 1) == 2 then b = b + 1; if df.X6:get(i, 1) == 1 then a = a + 1 end end
  end
  local p = bn:prob{ target = { X6 = 1 }, given = { X1 = 2 } }
  T.near(a / b, p, 0, "conditional", 5 * math.sqrt(p * (1 - p) / b))
end)

T.test("windows: k consecutive nodes observed per row; same seed, same rows", function()
  local bn = sem.bn_chain{ n = 8, rng = rng.new(1) }
  local df = bn:sample(500, { window = 3 }, rng.new(2))
  for i = 1, 500 do
    local seen, first, last = 0, nil, nil
    for j, v in ipairs(bn.nodes) do
      local x = df[v]:get(i, 1)
      if x == x then seen = seen + 1; first = first or j; last = j end
    end
    T.eq(seen, 3); T.eq(last - first, 2)
  end
  T.near(bn:sample(50, rng.new(3)).X5, bn:sample(50, rng.new(3)).X5, 0)
end)

T.test("bad input", function()
  T.errors(function() sem.bn{ nodes = { "A", "B" }, parents = { A = { "B" }, B = { "A" } },
    cpt = { A = { { 0.5, 0.5 }, { 0.5, 0.5 } }, B = { { 0.5, 0.5 }, { 0.5, 0.5 } } } } end,
    "sem.bn: the graph has a cycle")
  T.errors(function() sem.bn{ nodes = { "A" }, parents = { A = { "Z" } }, cpt = { A = { 0.5, 0.5 } } } end,
    "sem.bn: unknown node 'Z'")
  T.errors(function() sem.bn{ nodes = { "A" }, cpt = { A = { 0.5, 0.6 } } } end, "sums to")
  T.errors(function() sem.bn{ nodes = { "A", "B" }, parents = { B = { "A" } },
    cpt = { A = { 0.5, 0.5 }, B = { { 0.5, 0.5 } } } } end, "cpt.B has 1 rows, its parents have 2")
  T.errors(function() sem.bn{ nodes = { "A" } } end, "no cpt for node 'A'")
  local bn = sprinkler()
  T.errors(function() bn:prob{ target = { Q = 1 } } end, "sem.bn:prob: unknown node 'Q'")
  T.errors(function() bn:prob{ target = { R = 3 } } end, "not a state of 'R'")
  T.errors(function() bn:sample(10, { window = 9 }) end, "window must be")
  T.errors(function() sem.bn_chain{ n = 1 } end, "sem.bn_chain: n must be")
end)
