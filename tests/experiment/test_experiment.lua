-- experiment.replicate and experiment.sweep: the same frame, bit for bit,
-- for 1, 2 and 3 workers and against a serial loop over r:split() children;
-- what is copied into a worker; failed replicates; bad input.
local T = require "orrery.testing"
local experiment = require "orrery.experiment"
local rng = require "orrery.rng"
local mat = require "orrery.mat"
local data = require "orrery.data"
local regress = require "orrery.regress"

-- frames equal bit for bit: the same names, and every value identical
-- (NaN matches NaN, text matches text)
local function same_frame(a, b, what)
  local na, nb = data.names(a), data.names(b)
  T.eq(table.concat(na, ","), table.concat(nb, ","), what .. ": column names")
  T.eq(data.nrow(a), data.nrow(b), what .. ": rows")
  for _, name in ipairs(na) do
    local ca, cb = data.col(a, name), data.col(b, name)
    for i = 1, data.nrow(a) do
      local x, y = ca[i], cb[i]
      local same = x == y or (x ~= x and y ~= y)
      if not same then
        error(string.format("%s: column %s row %d: %s vs %s", what, name, i,
          tostring(x), tostring(y)), 2)
      end
    end
  end
end

-- a replicate that exercises draws, BLAS and a model fit
local function sim(r, i)
  local x = r:normal(50)
  local y = 1 + 2 * x + r:normal(50)
  local fit = regress.ols{ y = y, x = x }
  return { slope = fit.coef[2], mean = x:mean(), i = i, tag = "r" .. (i % 3) }
end

T.test("replicate: 1, 2 and 3 workers give the same frame as a serial loop, bit for bit", function()
  local n, seed = 40, 20261204
  local f1 = experiment.replicate{ n = n, seed = seed, workers = 1, run = sim }
  local f2 = experiment.replicate{ n = n, seed = seed, workers = 2, run = sim }
  local f3 = experiment.replicate{ n = n, seed = seed, workers = 3, run = sim }
  same_frame(f1, f2, "1 vs 2 workers")
  same_frame(f1, f3, "1 vs 3 workers")
  T.eq(table.concat(data.names(f1), ","), "i,mean,slope,tag")
  -- the stream of replicate i is the i-th split() child of rng.new(seed)
  local root = rng.new(seed)
  for i = 1, n do
    local want = sim(root:split(), i)
    T.eq(f1.slope[i], want.slope, "slope of replicate " .. i)
    T.eq(f1.mean[i], want.mean, "mean of replicate " .. i)
    T.eq(f1.i[i], i)
    T.eq(f1.tag[i], want.tag)
  end
  -- another seed, another answer
  local g = experiment.replicate{ n = n, seed = seed + 1, workers = 2, run = sim }
  T.ok(g.slope[1] ~= f1.slope[1])
end)

T.test("replicate: a number is column 'value'; rng.default is the replicate's stream", function()
  local f = experiment.replicate{ n = 7, seed = 3, workers = 2, run = function(r)
    local a = r:uniform(1)[1]
    return a
  end }
  local g = experiment.replicate{ n = 7, seed = 3, workers = 3, run = function()
    return rng.default:uniform(1)[1]
  end }
  T.eq(table.concat(data.names(f), ","), "value")
  same_frame(f, g, "r and rng.default")
end)

T.test("sweep: axes sorted, first slowest, reps rows per setting, streams over the whole sweep", function()
  local grid = { n = { 10, 20 }, alpha = { "lo", "mid", "hi" } }
  local function run(r, s, i)
    return { draw = r:normal(1)[1], n2 = s.n * 2, a = s.alpha, i = i }
  end
  local f1 = experiment.sweep{ grid = grid, reps = 2, seed = 9, workers = 1, run = run }
  local f2 = experiment.sweep{ grid = grid, reps = 2, seed = 9, workers = 2, run = run }
  local f3 = experiment.sweep{ grid = grid, reps = 2, seed = 9, workers = 3, run = run }
  same_frame(f1, f2, "sweep 1 vs 2 workers")
  same_frame(f1, f3, "sweep 1 vs 3 workers")
  T.eq(table.concat(data.names(f1), ","), "alpha,n,rep,a,draw,i,n2")
  T.eq(data.nrow(f1), 12)
  local root = rng.new(9)
  local k = 0
  for _, a in ipairs{ "lo", "mid", "hi" } do
    for _, n in ipairs{ 10, 20 } do
      for rep = 1, 2 do
        k = k + 1
        T.eq(f1.alpha[k], a); T.eq(f1.n[k], n); T.eq(f1.rep[k], rep)
        T.eq(f1.a[k], a); T.eq(f1.n2[k], 2 * n); T.eq(f1.i[k], rep)
        T.eq(f1.draw[k], root:split():normal(1)[1], "draw of row " .. k)
      end
    end
  end
end)

T.test("copying run: upvalues deep, shared upvalues stay shared, recursion, matrices, frames, modules", function()
  local M0 = mat.from{ { 1, 2 }, { 3, 4 } }
  local df = data.frame{ { "a", { 1, 2, 3 } }, { "b", { "x", "y", "x" } } }
  local cfg = { scale = 10, nested = { k = 2 }, list = { 1, 2, 3 } }
  cfg.self = cfg
  local count = 0
  local function bump() count = count + 1; return count end
  local function twice() bump(); return bump() end
  local function fact(m) if m <= 1 then return 1 end return m * fact(m - 1) end
  local stats = require "orrery.stats"
  local f = experiment.replicate{ n = 4, seed = 1, workers = 2, run = function(_, i)
    cfg.scale = cfg.scale + 1            -- the worker's copy only
    return {
      det = M0:det(), rows = data.nrow(df), b3 = df.b[3], a2 = df.a[2],
      scale = cfg.self.scale, k = cfg.nested.k, len = #cfg.list,
      shared = twice(), fact = fact(i + 2), q = stats.qnorm(0.975),
      s = string.format("%d", i),
    }
  end }
  T.eq(cfg.scale, 10, "the parent's table is not changed")
  for i = 1, 4 do
    T.near(f.det[i], -2, 1e-14)
    T.eq(f.rows[i], 3); T.eq(f.b3[i], "x"); T.eq(f.a2[i], 2)
    T.eq(f.k[i], 2); T.eq(f.len[i], 3)
    T.eq(f.fact[i], ({ 6, 24, 120, 720 })[i])
    T.eq(f.q[i], stats.qnorm(0.975))
    T.eq(f.s[i], tostring(i))
    -- bump and twice share 'count' inside each worker: twice returns even
    T.eq(f.shared[i] % 2, 0, "shared upvalue, row " .. i)
    T.ok(f.scale[i] >= 11, "cfg.self is cfg in the copy")
  end
  T.eq(count, 0, "the parent's counter is not changed")
end)

T.test("a failed replicate: its row NaN with its message, the others kept; on_error = 'stop'", function()
  local function run(r, i)
    if i == 17 then error("boom at " .. i) end
    return { x = r:uniform(1)[1], i = i }
  end
  local f = experiment.replicate{ n = 40, seed = 5, workers = 3, run = run, progress = false }
  T.eq(table.concat(data.names(f), ","), "i,x,error")
  T.ok(f.x[17] ~= f.x[17], "NaN in the failed row")
  T.ok(f.i[17] ~= f.i[17])
  T.ok(f.error[17]:find("boom at 17", 1, true), f.error[17])
  local root = rng.new(5)
  for i = 1, 40 do
    local want = root:split():uniform(1)[1]
    if i ~= 17 then
      T.eq(f.x[i], want, "row " .. i)
      T.eq(f.error[i], "")
    end
  end
  local g = experiment.replicate{ n = 40, seed = 5, workers = 1, run = run }
  same_frame(f, g, "failures with 3 and 1 workers")
  T.errors(function()
    experiment.replicate{ n = 40, seed = 5, workers = 2, run = run, on_error = "stop" }
  end, "experiment.replicate: replicate 17: ")
  T.errors(function()
    experiment.sweep{ grid = { a = { 1, 2 } }, reps = 20, seed = 5, workers = 2, run = function(r, s, i)
      return run(r, (s.a - 1) * 20 + i)
    end, on_error = "stop" }
  end, "experiment.sweep: row 17: ")
  T.errors(function()
    experiment.replicate{ n = 5, seed = 1, workers = 2, run = function() error("always") end }
  end, "every replicate failed; the first, replicate 1: ")
end)

T.test("results: missing fields are NaN or missing text; a field that changes type is an error", function()
  local f = experiment.replicate{ n = 4, seed = 1, workers = 2, run = function(_, i)
    if i % 2 == 0 then return { a = i, s = "t" .. i } end
    return { a = -i }
  end }
  T.eq(f.a[2], 2); T.eq(f.a[3], -3)
  T.eq(f.s[2], "t2"); T.eq(f.s[1], nil)
  T.errors(function()
    experiment.replicate{ n = 4, seed = 1, workers = 2, run = function(_, i)
      if i == 3 then return { a = "x" } end
      return { a = i }
    end }
  end, "field 'a' is a number in replicate 1 but a string in replicate 3")
  T.errors(function()
    experiment.sweep{ grid = { rep = { 1 } }, seed = 1, run = function() return { rep = 1 } end }
  end, "field 'rep'")
end)

T.test("bad input is a clear error", function()
  local ok = function() return 1 end
  T.errors(function() experiment.replicate{ n = 3, seed = 1, workers = 0, run = ok } end,
    "experiment.replicate: 'workers' must be at least 1, got 0")
  T.errors(function() experiment.replicate{ n = 3, seed = 1, run = 42 } end,
    "experiment.replicate: 'run' must be a function, got number")
  T.errors(function() experiment.replicate{ n = 0, seed = 1, run = ok } end,
    "'n' must be at least 1")
  T.errors(function() experiment.replicate{ n = 2.5, seed = 1, run = ok } end,
    "'n' must be an integer")
  T.errors(function() experiment.replicate{ n = 2, run = ok } end, "'seed' is required")
  T.errors(function() experiment.replicate{ n = 2, seed = 1, run = ok, color = 1 } end,
    "unknown option 'color'")
  T.errors(function() experiment.replicate{ n = 2, seed = 1, run = ok, on_error = "skip" } end,
    "'on_error' must be \"keep\" or \"stop\"")
  T.errors(function() experiment.replicate(5) end, "expected a table of options")
  T.errors(function() experiment.sweep{ grid = { a = {}, b = { 1 } }, seed = 1, run = ok } end,
    "experiment.sweep: grid axis 'a' is empty")
  T.errors(function() experiment.sweep{ grid = {}, seed = 1, run = ok } end, "'grid' has no axes")
  T.errors(function() experiment.sweep{ grid = { a = { 1, "x" } }, seed = 1, run = ok } end,
    "grid axis 'a' must hold numbers or strings, not both")
  T.errors(function() experiment.sweep{ grid = { a = 3 }, seed = 1, run = ok } end,
    "grid axis 'a' must be an array")
  -- a replicate that returns a function: every row fails, which is an error
  T.errors(function()
    experiment.replicate{ n = 3, seed = 1, workers = 2, run = function() return print end }
  end, "run returned a function (expected a number or a table of numbers and strings)")
  T.errors(function()
    experiment.replicate{ n = 3, seed = 1, run = function() return { f = print } end }
  end, "field 'f' is a function")
  T.errors(function()
    experiment.replicate{ n = 3, seed = 1, run = function() end }
  end, "run returned nothing")
end)

T.test("an uncopyable upvalue is an error naming it", function()
  local r0 = rng.new(1)
  T.errors(function()
    experiment.replicate{ n = 2, seed = 1, run = function() return r0:normal(1)[1] end }
  end, "experiment.replicate: upvalue 'r0' of run is an rng stream")
  local co = coroutine.create(function() end)
  local helper = function() return co end
  T.errors(function()
    experiment.replicate{ n = 2, seed = 1, run = function() helper(); return 1 end }
  end, "upvalue 'co' of upvalue 'helper' of run is a coroutine")
  local t = { out = io.stdout }
  T.errors(function()
    experiment.sweep{ grid = { a = { 1 } }, seed = 1, run = function() return t end }
  end, "field 'out' of upvalue 't' of upvalue 'user' of run is a userdata")
end)
