-- orrery.args: the rules every module's Lua half shares, written once:
-- errors that name the function, option tables, sets, type tests (mat,
-- factor, frame), vectors and matrices from what a user may pass, the na
-- option and the missing-value mask (the C half, vm/largs.c, applies
-- vm/orules.c: NaN drops a row, Inf is an error).
--
--   local args = require "orrery.args"
--   args.fail(fn, fmt, ...)             error "fn: message" (no position)
--   args.set{"a", "b"}                  {a = true, b = true}
--   args.checkopts(fn, t, allowed)      unknown or positional options are errors
--   args.is_mat(v) / is_factor(v) / is_frame(v)
--   args.mat(fn, v, what)               a matrix from a mat, number, numbers, rows
--   args.vec(fn, v, what)               the same, as an n x 1 vector
--   args.na(fn, na)                     "omit" (default) or "fail"
--   args.mask(fn, {name, m}, ...)       keep, rows, n_dropped (vm/orules.c)
--   args.complete(fn, what, m)          new data: a NaN row is an error
--   args.status(v, fn)                  R's Surv() status coding (vm/orules.c)
--   args.checktime(fn, time, positive)  survival times >= 0 (> 0) (vm/orules.c)
local M, C = ...
local mat = require "orrery.mat"

local fmt = string.format

-- "fn: message" without a chunk position (level 0)
local function fail(fn, f, ...)
  error(fn .. ": " .. fmt(f, ...), 0)
end
M.fail = fail

-- {k = true} for every k of the array list
function M.set(list)
  local s = {}
  for _, k in ipairs(list) do s[k] = true end
  return s
end

function M.is_mat(v)
  local mt = getmetatable(v)
  return type(v) == "userdata" and type(mt) == "table" and mt.__name == "mat"
end
local is_mat = M.is_mat

-- A factor (stdlib/data.lua), or anything with its shape: levels (an array
-- of strings) and codes (an n x 1 mat of level indices, NaN = missing).
function M.is_factor(v)
  if type(v) ~= "table" then return false end
  local mt = getmetatable(v)
  if type(mt) == "table" and mt.__name == "data.factor" then return true end
  return type(rawget(v, "levels")) == "table" and is_mat(rawget(v, "codes"))
end
local is_factor = M.is_factor

-- A frame (stdlib/data.lua), or an object with the frame's interface
-- (:names() and :nrow(), modules/README.md), which formulas accept too.
function M.is_frame(v)
  local mt = getmetatable(v)
  if type(mt) == "table" and mt.__name == "data.frame" then return true end
  if type(v) ~= "table" or is_factor(v) then return false end
  local ok, nrow, names = pcall(function() return v.nrow, v.names end)
  return ok and type(nrow) == "function" and type(names) == "function"
end

-- Checks an option table: every key a string in allowed (a set table, or
-- an array of names). nil gives an empty table, so optional option tables
-- need no test; anything else that is not a table is an error.
function M.checkopts(fn, t, allowed)
  if t == nil then return {} end
  if type(t) ~= "table" then
    fail(fn, "expected a table of options, got %s", is_mat(t) and "a matrix" or type(t))
  end
  if allowed[1] ~= nil then allowed = M.set(allowed) end
  for k in pairs(t) do
    if type(k) ~= "string" then fail(fn, "expected named options, got a positional value") end
    if not allowed[k] then fail(fn, "unknown option '%s'", k) end
  end
  return t
end

-- The na option of the missing-value rule (rows with NaN dropped, or an error).
function M.na(fn, na)
  if na == nil or na == "omit" then return "omit" end
  if na == "fail" then return "fail" end
  fail(fn, "na must be \"omit\" or \"fail\", got '%s'", tostring(na))
end

-- A matrix from what a user may pass for a data option: a mat (as it is),
-- a number (1 x 1), an array of numbers (a column), an array of rows, or a
-- factor (its codes). nil stays nil.
function M.mat(fn, v, what)
  if v == nil or is_mat(v) then return v end
  if type(v) == "number" then return mat.vec{ v } end
  if is_factor(v) then return v.codes end
  if type(v) ~= "table" then
    fail(fn, "'%s' must be a matrix, an array of numbers or an array of rows, got %s", what, type(v))
  end
  -- numbers are a column (mat.vec), tables are rows (mat.from); their
  -- message goes under fn's name
  local ok, m = pcall(type(v[1]) ~= "table" and mat.vec or mat.from, v)
  if not ok then
    fail(fn, "'%s' must be a matrix, an array of numbers or an array of rows (%s)", what,
      (tostring(m):gsub("^mat%.%a+: ", "")))
  end
  return m
end

-- As M.mat, for an option that is one value per row: an n x 1 mat (a 1 x n
-- matrix is turned; more columns are an error).
function M.vec(fn, v, what)
  if v == nil then return nil end
  if type(v) ~= "number" and type(v) ~= "table" and not is_mat(v) then
    fail(fn, "'%s' must be a vector (a matrix, a number or an array of numbers), got %s", what, type(v))
  end
  local m = M.mat(fn, v, what)
  if m:cols() ~= 1 then
    if m:rows() == 1 then return m:t() end
    fail(fn, "'%s' must be a vector, got a %d x %d matrix", what, m:rows(), m:cols())
  end
  return m
end

-- The levels of a grouping variable (groups, strata, clusters): g is a
-- factor, a mat or an array of numbers, strings or booleans, with n
-- elements when n is given (against names what n counts, "the data" by
-- default). Returns codes (an n x 1 mat of level numbers
-- 1..k, NaN = missing) and levels (an array of the k values that occur):
-- numbers in numeric order, strings and booleans (as "false"/"true") in C
-- byte order, a factor's levels in its own order.
function M.groups(fn, g, what, n, against)
  if g == nil then fail(fn, "'%s' is missing", what) end
  local len
  if is_mat(g) then len = #g
  elseif is_factor(g) then len = #g.codes
  elseif type(g) == "table" then len = #g end
  if len == nil then fail(fn, "'%s' must be a vector, a factor or an array, got %s", what, type(g)) end
  if n ~= nil and len ~= n then
    fail(fn, "'%s' has %d elements but %s has %d", what, len, against or "the data", n)
  end
  n = len
  local codes = mat.new(n, 1, 0 / 0)
  if is_factor(g) then
    local used, levels, map = {}, {}, {}
    for i = 1, n do
      local c = g.codes[i]
      if c == c then used[c] = true end
    end
    for j = 1, #g.levels do
      if used[j] then levels[#levels + 1] = g.levels[j]; map[j] = #levels end
    end
    for i = 1, n do
      local c = g.codes[i]
      if c == c then codes:set(i, 1, map[c]) end
    end
    return codes, levels
  end
  local vals, seen, kind = {}, {}, nil
  local function get(i)
    local v = g[i]
    if type(v) == "boolean" then v = tostring(v) end
    return v
  end
  for i = 1, n do
    local v = get(i)
    if v ~= nil and v == v then
      local tv = type(v)
      kind = kind or tv
      if tv ~= kind or (tv ~= "number" and tv ~= "string") then
        fail(fn, "'%s' element %d is %s, expected a %s", what, i, tv, kind)
      end
      if not seen[v] then seen[v] = true; vals[#vals + 1] = v end
    end
  end
  table.sort(vals)
  local map = {}
  for j, v in ipairs(vals) do map[v] = j end
  for i = 1, n do
    local v = get(i)
    if v ~= nil and v == v then codes:set(i, 1, map[v]) end
  end
  return codes, vals
end

-- mask(fn, {name, m}, ...) -> keep (n x 1 mat of 1/0), rows (kept 1-based
-- row numbers), n_dropped. Entries whose m is nil are skipped. An infinite
-- value raises "fn: 'name' has an infinite value in row i".
M.mask = C._mask

-- complete(fn, what, m): new data for a prediction has no missing rule to
-- fall back on, so a NaN is "fn: 'what' has a missing value in row i" (and
-- an Inf the mask's error) instead of a silent NaN result.
function M.complete(fn, what, m)
  local keep, _, missing = C._mask(fn, { what, m })
  if missing > 0 then
    for i = 1, m:rows() do
      if keep[i] == 0 then fail(fn, "'%s' has a missing value in row %d", what, i) end
    end
  end
end

-- status(v, fn) -> n x 1 mat of 0/1 (NaN = missing), R's Surv() coding
M.status = C._status

-- checktime(fn, time, positive): the survival time rule of km, logrank, cox,
-- surv.fit and regress.ipcw: times >= 0 as R's Surv (positive: > 0, for the
-- parametric families, which take log t); Inf is an error, NaN is missing.
M.checktime = C._checktime

return M
