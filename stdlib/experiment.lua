-- experiment, the Lua half: replicate and sweep check their options, build
-- the settings of a sweep, and turn what the workers returned into a frame.
-- The C half (modules/experiment) copies run into one state per worker
-- thread, hands out the replicates and their streams, and gathers the
-- results in replicate order.
local M, C = ...
local help = require "orrery.help"
local A = require "orrery.args"
local data = require "orrery.data"

local fail = A.fail
local fmt = string.format
local mtype = math.type

local MAX_REPORTED = 3   -- failed replicates named on stderr; the rest counted

local function doc(f, name, text) help.doc(f, name, text) return f end

local function checkint(fn, v, what, min, default)
  if v == nil and default ~= nil then return default end
  if v == nil then fail(fn, "'%s' is required (an integer)", what) end
  if mtype(v) ~= "integer" and not (mtype(v) == "float" and v == math.floor(v) and v >= min and v < 2^53) then
    fail(fn, "'%s' must be an integer, got %s", what, type(v) == "number" and tostring(v) or type(v))
  end
  v = math.tointeger(v)
  if v < min then fail(fn, "'%s' must be at least %d, got %d", what, min, v) end
  return v
end

-- The options replicate and sweep share; returns seed, workers, stop, progress.
local function common(fn, o)
  if type(o.run) ~= "function" then
    fail(fn, "'run' must be a function, got %s", type(o.run))
  end
  local seed = checkint(fn, o.seed, "seed", math.mininteger)
  local workers = checkint(fn, o.workers, "workers", 1, C._cores())
  local on_error = o.on_error
  if on_error == nil then on_error = "keep" end
  if on_error ~= "keep" and on_error ~= "stop" then
    fail(fn, "'on_error' must be \"keep\" or \"stop\", got %s", tostring(on_error))
  end
  local progress = o.progress
  if progress == nil then progress = true end
  if type(progress) ~= "boolean" then fail(fn, "'progress' must be a boolean") end
  return seed, workers, on_error == "stop", progress
end

-- A hint for the most common surprise: a global of the script is not a
-- global of the worker.
local function hint(msg)
  local name = msg:match("global '([%w_]+)'")
  if name and rawget(_G, name) ~= nil then
    return msg .. fmt(" (run sees the worker's own globals: make '%s' a local of the script, "
      .. "so that it is copied as an upvalue)", name)
  end
  return msg
end

-- Runs the replicates; returns names, cols, errors, nfailed. 'what' names a
-- row in messages ("replicate", "row").
local function run_all(fn, run, n, seed, workers, stop, progress, what)
  local names, cols, errors, nfailed, first, msg =
    C._run(run, n, seed, workers, stop, progress, fn, fn)
  if first ~= nil then
    msg = hint(msg)
    if stop then fail(fn, "%s %d: %s", what, first, msg) end
    if nfailed == n then
      fail(fn, "every %s failed; the first, %s %d: %s", what, what, first, msg)
    end
    local stderr = io and io.stderr
    if stderr then
      local shown = 0
      for i = 1, n do
        if errors[i] ~= "" then
          errors[i] = hint(errors[i])
          if shown < MAX_REPORTED then
            stderr:write(fmt("%s: %s %d failed: %s\n", fn, what, i, errors[i]))
          end
          shown = shown + 1
        end
      end
      stderr:write(fmt("%s: %d of %d %ss failed (NaN in their numeric fields, the message in column 'error')\n",
        fn, nfailed, n, what))
    end
  end
  return names, cols, errors
end

local function result_columns(fn, pairs_, taken, names, cols, errors)
  for j, name in ipairs(names) do
    if taken[name] then
      fail(fn, "run returned a field '%s', which is already a column of the result", name)
    end
    pairs_[#pairs_ + 1] = { name, cols[j] }
  end
  if errors then pairs_[#pairs_ + 1] = { "error", errors } end
  return data.frame(pairs_)
end

local REPLICATE_OPTS = A.set { "n", "seed", "workers", "run", "on_error", "progress" }

local function replicate(o)
  local fn = "experiment.replicate"
  if type(o) ~= "table" then fail(fn, "expected a table of options, got %s", type(o)) end
  A.checkopts(fn, o, REPLICATE_OPTS)
  local n = checkint(fn, o.n, "n", 1)
  local seed, workers, stop, progress = common(fn, o)
  local names, cols, errors = run_all(fn, o.run, n, seed, workers, stop, progress, "replicate")
  return result_columns(fn, {}, { error = errors ~= nil }, names, cols, errors)
end

local SWEEP_OPTS = A.set { "grid", "reps", "seed", "workers", "run", "on_error", "progress" }

-- The axes sorted by name, each checked: a non-empty array of numbers, or
-- of strings.
local function axes(fn, grid)
  if type(grid) ~= "table" or getmetatable(grid) ~= nil then
    fail(fn, "'grid' must be a table of axes (name = {values}), got %s", type(grid))
  end
  local list = {}
  for k, v in pairs(grid) do
    if type(k) ~= "string" then fail(fn, "grid axes must be named (name = {values})") end
    if type(v) ~= "table" then fail(fn, "grid axis '%s' must be an array of values, got %s", k, type(v)) end
    local m = #v
    if m == 0 then fail(fn, "grid axis '%s' is empty", k) end
    local kind = type(v[1])
    for key in pairs(v) do
      if mtype(key) ~= "integer" or key < 1 or key > m then
        fail(fn, "grid axis '%s' must be an array (keys 1..n)", k)
      end
    end
    for i = 1, m do
      local t = type(v[i])
      if (t ~= "number" and t ~= "string") or t ~= kind then
        fail(fn, "grid axis '%s' must hold numbers or strings, not both; value %d is a %s", k, i, t)
      end
    end
    list[#list + 1] = k
  end
  if #list == 0 then fail(fn, "'grid' has no axes") end
  table.sort(list)
  return list
end

local function sweep(o)
  local fn = "experiment.sweep"
  if type(o) ~= "table" then fail(fn, "expected a table of options, got %s", type(o)) end
  A.checkopts(fn, o, SWEEP_OPTS)
  local list = axes(fn, o.grid)
  local reps = checkint(fn, o.reps, "reps", 1, 1)
  local seed, workers, stop, progress = common(fn, o)
  -- the settings in lexicographic order of the axes: the first slowest
  local settings, nset = {}, 1
  for _, k in ipairs(list) do nset = nset * #o.grid[k] end
  for s = 1, nset do
    local t, rest = {}, s - 1
    for a = #list, 1, -1 do
      local vals = o.grid[list[a]]
      t[list[a]] = vals[rest % #vals + 1]
      rest = rest // #vals
    end
    settings[s] = t
  end
  local user = o.run
  -- copied into each worker with its upvalues; each row gets a fresh copy
  -- of its setting, so a run that changes it changes nothing else
  local function row(r, i)
    local s = (i - 1) // reps
    local set = {}
    for k, v in next, settings[s + 1] do set[k] = v end
    return user(r, set, i - s * reps)
  end
  local n = nset * reps
  local names, cols, errors = run_all(fn, row, n, seed, workers, stop, progress, "row")
  local pairs_, taken = {}, { rep = true, error = errors ~= nil }
  for _, k in ipairs(list) do
    local col = {}
    for i = 1, n do col[i] = settings[(i - 1) // reps + 1][k] end
    pairs_[#pairs_ + 1] = { k, col }
    taken[k] = true
  end
  local rep = {}
  for i = 1, n do rep[i] = (i - 1) % reps + 1 end
  pairs_[#pairs_ + 1] = { "rep", rep }
  return result_columns(fn, pairs_, taken, names, cols, errors)
end

M.replicate = doc(replicate, "experiment.replicate", [[
experiment.replicate{ n =, seed =, run = function(r, i) ... end [, workers =,
                      on_error = "keep"|"stop", progress = true] } -> a frame
  Runs run(r, i) for i = 1..n on worker threads and returns one row per
  replicate, in order. r is replicate i's own stream: the i-th r:split()
  child of rng.new(seed), whichever worker runs it, and rng.default is r
  during the call, so the frame is the same, bit for bit, for any number of
  workers. run returns a number (column 'value') or a table of numbers and
  strings (a column per field, sorted by name; a field a row lacks is NaN,
  or missing for text).
  Each worker is a thread with its own state: run is copied into it with
  its upvalues (deeply: tables, Lua functions, matrices, frames; module
  tables such as local regress = require "orrery.regress" are the worker's
  own). Globals are the worker's own: a script's global is not seen (make it
  a local). An rng stream, a coroutine or another userdata as an upvalue is
  an error naming it. workers: default the number of cores; each worker runs
  BLAS on one thread.
  An error in a replicate: with on_error = "keep" (the default) its row has
  NaN in its numeric fields and its message in an 'error' column (empty for
  the others), and stderr names it; with "stop" the first failed replicate
  raises its message. progress: a bar on stderr when it is a terminal.
  Ctrl-C stops every worker and raises "experiment.replicate: interrupted".]])

M.sweep = doc(sweep, "experiment.sweep", [[
experiment.sweep{ grid = { n = {100, 1000}, alpha = {0.1, 1} }, reps =, seed =,
                  run = function(r, setting, i) ... end [, workers =,
                  on_error =, progress =] } -> a frame
  Runs run over every setting of the grid, reps times each (default 1): the
  axes sorted by name, the settings in lexicographic order (the first axis
  slowest), reps consecutive rows per setting. setting is a fresh table
  {axis = value}; i is the rep number (1..reps). The frame has the grid
  columns, 'rep', then run's fields, as experiment.replicate. Row k (over
  the whole sweep) draws from the k-th r:split() child of rng.new(seed), so
  no two settings share random numbers and the frame is the same for any
  number of workers. Each axis is a non-empty array of numbers or of
  strings. Workers, errors and Ctrl-C as experiment.replicate.]])

return M
