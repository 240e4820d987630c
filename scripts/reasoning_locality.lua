-- The reasoning gap on a chain Bayes net X1 -> X2 -> ... -> Xn ("Why think
-- step by step? Reasoning emerges from the locality of experience",
-- Prystawski, Li & Goodman, NeurIPS 2023). Target: P(Xn = 1 | X1 = s).
--   direct, full data: the frequency of Xn = 1 among rows with X1 = s, from
--     fully observed samples;
--   direct, local data: the same from samples that observe only windows of
--     k consecutive variables -- X1 and Xn are never seen together;
--   chained, local data: the local conditionals P(X(i+1) | X(i)) estimated
--     from the same local samples (add-one smoothing), multiplied along the
--     chain (step-by-step reasoning).
-- Errors are mean absolute differences from the exact conditional
-- (bn:prob, variable elimination) over both s and several nets.
--   orrery scripts/reasoning_locality.lua [n_nodes] [window] [nets] [seed]
local rng = require "orrery.rng"
local sem = require "orrery.sem"
local P = require "orrery.printing"

local nn = tonumber(arg and arg[1]) or 8
local k = tonumber(arg and arg[2]) or 2
local nets = tonumber(arg and arg[3]) or 20
local seed = tonumber(arg and arg[4]) or 11
local r = rng.new(seed)
local last = "X" .. nn

local function direct(df, s)
  local a, b = 0, 0
  local x1, xn = df.X1, df[last]
  for i = 1, df:nrow() do
    if x1:get(i, 1) == s and xn:get(i, 1) == xn:get(i, 1) then
      b = b + 1
      if xn:get(i, 1) == 1 then a = a + 1 end
    end
  end
  if b == 0 then return nil end
  return a / b
end

-- the chained estimate: a row vector of state probabilities pushed through
-- the estimated 2 x 2 transition matrices
local function chained(df, s)
  local p = { s == 1 and 1 or 0, s == 2 and 1 or 0 }
  for i = 1, nn - 1 do
    local a, b = df["X" .. i], df["X" .. (i + 1)]
    local cnt = { { 1, 1 }, { 1, 1 } }   -- add-one smoothing
    for row = 1, df:nrow() do
      local u, v = a:get(row, 1), b:get(row, 1)
      if u == u and v == v then cnt[u][v] = cnt[u][v] + 1 end
    end
    local q = { 0, 0 }
    for u = 1, 2 do
      local tot = cnt[u][1] + cnt[u][2]
      for v = 1, 2 do q[v] = q[v] + p[u] * cnt[u][v] / tot end
    end
    p = q
  end
  return p[1]
end

local sizes = { 100, 1000, 10000 }
local err = { full = {}, localdirect = {}, chain = {} }
local undefined = {}
for j in ipairs(sizes) do err.full[j], err.localdirect[j], err.chain[j], undefined[j] = 0, 0, 0, 0 end
for _ = 1, nets do
  local bn = sem.bn_chain{ n = nn, rng = r }
  for j, n in ipairs(sizes) do
    local full = bn:sample(n, r)
    local loc = bn:sample(n, { window = k }, r)
    for s = 1, 2 do
      local exact = bn:prob{ target = { [last] = 1 }, given = { X1 = s } }
      local f = direct(full, s)
      err.full[j] = err.full[j] + math.abs((f or 0.5) - exact)
      local d = direct(loc, s)
      if d == nil then undefined[j] = undefined[j] + 1 end
      err.localdirect[j] = err.localdirect[j] + math.abs((d or 0.5) - exact)
      err.chain[j] = err.chain[j] + math.abs(chained(loc, s) - exact)
    end
  end
end
local rows, cells = {}, {}
for j, n in ipairs(sizes) do
  rows[j] = "n = " .. n
  cells[j] = { P.num(err.full[j] / (2 * nets), 3), P.num(err.localdirect[j] / (2 * nets), 3),
               P.num(err.chain[j] / (2 * nets), 3), tostring(undefined[j]) }
end
print(string.format("chain of %d binary nodes, windows of %d, %d nets; target P(%s = 1 | X1)", nn, k, nets, last))
print(P.matrix(rows, { "direct (full)", "direct (local)", "chained (local)", "local: never co-observed" }, cells))
print("(direct estimates with no co-observed rows are taken as 0.5)")
