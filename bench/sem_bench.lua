-- Timings for bench/sem.sh: sampling N rows of a 20-node linear SEM (a
-- chain plus skip edges, the same graph as the numpy and lavaan sides) and
-- sem.fit of the HolzingerSwineford three-factor CFA.
-- usage: orrery bench/sem_bench.lua N reps hs.csv
local N, reps, hsf = tonumber(arg[1]), tonumber(arg[2] or "3"), arg[3]
local run_best = dofile "bench/best.lua"
local function best(f) return run_best(reps, f) end
local p = 20
local nodes, edges = {}, {}
for i = 1, p do nodes[i] = "V" .. i end
for i = 2, p do
  edges[#edges + 1] = { "V" .. (i - 1), "V" .. i, 0.5 }
  if i > 2 then edges[#edges + 1] = { "V" .. (i - 2), "V" .. i, 0.25 } end
end
local m = sem.linear{ nodes = nodes, edges = edges }
local r = rng.new(1)
local df
print(string.format("sample %.4f", best(function() df = m:sample(N, r) end)))
io.stderr:write(string.format("orrery sample var(V20) %.6g exact %.6g\n",
  stats.var(df.V20), m:cov():get(p, p)))
df = nil
collectgarbage()
local hs = data.read_csv(hsf)
local spec = "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
local fit
print(string.format("cfa %.4f", best(function() fit = sem.fit(spec, hs) end)))
io.stderr:write(string.format("orrery cfa chisq %.10g\n", fit.chisq))
