-- Timings for bench/pref.sh: pref.dpo_loss (sigmoid, with gradients and
-- metrics) on 1e7 pairs, and pref.bt on the CSV file the shell script wrote.
-- usage: orrery bench/pref_bench.lua bt.csv reps
local btf, reps = arg[1], tonumber(arg[2] or "3")
local run_best = dofile "bench/best.lua"
local function best(f) return run_best(reps, f) end
local n = 1e7
local r = rng.new(1)
local Lw, Ll = r:uniform(n, -300, -5), r:uniform(n, -300, -5)
local lw, ll = Lw + r:normal(n, 0, 8), Ll + r:normal(n, 0, 8)
local res
local dw, dc
dw, dc, res = best(function()
  return pref.dpo_loss{ policy_chosen = lw, policy_rejected = ll, ref_chosen = Lw, ref_rejected = Ll, beta = 0.1 }
end)
print(string.format("dpo %.4f\ndpocpu %.4f", dw, dc))
io.stderr:write(string.format("orrery dpo_loss mean %.10g accuracy %.6f\n", res.loss, res.accuracy))
res, lw, ll, Lw, Ll = nil, nil, nil, nil, nil
collectgarbage()
local d = data.read_csv(btf)
local fit
print(string.format("bt %.4f", best(function()
  fit = pref.bt{ winner = d.winner, loser = d.loser, n_items = 100 }
end)))
io.stderr:write(string.format("orrery bt score[2] %.10g\n", fit.score[2]))
