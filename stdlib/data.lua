-- data: frames and factors (the shapes of modules/README.md, "Shared data
-- shapes"), CSV in and out. The C half (modules/data/ldata.c) does the bulk
-- work -- factor levels, row selection, column binding, summaries, parsing
-- and writing CSV -- on the parts of these objects: mats and arrays.
--
-- A frame is an empty proxy table: df.x or df["x"] finds the column, and
-- df.x = v adds, replaces (checked) or, with nil, drops one; pairs(df) goes
-- through the columns in order. Methods are found only when no column has
-- their name: a column called "names" hides df:names(), while data.names(df)
-- (and data.nrow, data.col, ...) always work, so library code uses those.
-- Factors and mats raise an error past their end, so iterate them with
-- for i = 1, #f rather than ipairs (a missing value is nil anyway).
local M, C = ...
local help = require "orrery.help"
local mat = require "orrery.mat"
local display = require "orrery.display"
local args = require "orrery.args"
local P = require "orrery.printing"
local checkopts, is_mat = args.checkopts, args.is_mat


local floor, mtype = math.floor, math.type
local concat, rep = table.concat, string.rep

-- string.format, but a string argument may hold zero bytes (shown as \0)
local sfmt = string.format
local function fmt(f, ...)
  local n, vals = select("#", ...), { ... }
  for i = 1, n do
    if type(vals[i]) == "string" and vals[i]:find("%z") then
      vals[i] = vals[i]:gsub("%z", "\\0")
    end
  end
  return sfmt(f, table.unpack(vals, 1, n))
end

local function doc(f, name, text) help.doc(f, name, text) return f end

local function copy(t)
  local out = {}
  for i = 1, #t do out[i] = t[i] end
  return out
end

-- ---------------------------------------------------------------- factors

local Factor = { __name = "data.factor" }
local fmethods = {}

local function is_factor(v)
  return getmetatable(v) == Factor
end

local function isnum(v) return type(v) == "number" end

-- A factor from trusted parts: levels (array of strings), codes (n x 1 mat).
local function new_factor(levels, codes)
  return setmetatable({ levels = levels, codes = codes }, Factor)
end

Factor.__index = function(f, i)
  if isnum(i) then
    local codes = rawget(f, "codes")
    local n = #codes
    if i ~= floor(i) or i < 1 or i > n then
      error(fmt("data.factor: index %s out of range 1..%d", tostring(i), n), 2)
    end
    local c = codes[i]
    if c ~= c then return nil end
    return rawget(f, "levels")[c]
  end
  return fmethods[i]
end

Factor.__len = function(f) return #rawget(f, "codes") end

Factor.__newindex = function()
  error("data.factor: factors are changed by building a new one (data.factor)", 2)
end

Factor.__tostring = function(f)
  local n, parts = #f, {}
  local show = n > 40 and 40 or n
  for i = 1, show do
    local s = f[i]
    parts[#parts + 1] = s == nil and "<NA>" or s
  end
  local out = "[1] " .. concat(parts, " ")
  if show < n then out = out .. fmt(" ... (%d values)", n) end
  if n == 0 then out = "factor(0)" end
  return out .. "\nLevels: " .. concat(f.levels, " ")
end
P.guard(Factor, "data factor")  -- tostring never raises (an incomplete object)

--- f:counts() -> array of counts, one per level, and the number missing
function fmethods.counts(f)
  local counts, codes, nmiss = {}, f.codes, 0
  for l = 1, #f.levels do counts[l] = 0 end
  for i = 1, #codes do
    local c = codes[i]
    if c ~= c then nmiss = nmiss + 1 else counts[c] = counts[c] + 1 end
  end
  return counts, nmiss
end

--- f:strings() -> array of the values as strings (false where missing)
function fmethods.strings(f)
  local out, codes, lev = {}, f.codes, f.levels
  for i = 1, #codes do
    local c = codes[i]
    out[i] = c == c and lev[c] or false
  end
  return out
end
doc(fmethods.counts, "data.factor:counts", [[f:counts() -> counts, nmissing: an array with the
number of values at each level (in the order of f.levels) and the number of missing values
(as R's table(f) and sum(is.na(f))).]])
doc(fmethods.strings, "data.factor:strings", [[f:strings() -> an array of the n values as strings,
false where a value is missing (a Lua array cannot hold nil in the middle).]])

-- R's as.character for a number (as factor() names its levels): at most 15
-- significant digits, fixed notation unless scientific is narrower.
local function numstr(x)
  return P.num(x, 15)
end

local function check_levels(levels, fn)
  if type(levels) ~= "table" then
    error(fn .. ": levels must be an array of strings", 3)
  end
  local index = {}
  for i = 1, #levels do
    local l = levels[i]
    if type(l) == "number" then l = numstr(l) end
    if type(l) ~= "string" then
      error(fmt("%s: level %d is %s, expected a string", fn, i, type(l)), 3)
    end
    if index[l] then error(fmt("%s: level '%s' appears twice", fn, l), 3) end
    index[l] = i
  end
  return index
end

-- Re-codes string values against given levels (values not in levels -> NaN).
local function recode(strs, n, levels, fn)
  local index = check_levels(levels, fn)
  local lev = {}
  for i = 1, #levels do lev[i] = type(levels[i]) == "number" and numstr(levels[i]) or levels[i] end
  local flat = {}
  for i = 1, n do
    local s = strs[i]
    flat[i] = (s and index[s]) or 0 / 0
  end
  return new_factor(lev, mat.vec(flat))
end

--- data.factor(values [, levels]) -> a factor.
local function factor(values, levels)
  local fn = "data.factor"
  if is_factor(values) then
    if levels == nil then return new_factor(copy(values.levels), values.codes:copy()) end
    return recode(values:strings(), #values, levels, fn)
  end
  if is_mat(values) then
    if values:cols() ~= 1 and values:rows() ~= 1 then
      error(fn .. ": values must be a vector", 2)
    end
    if levels == nil then  -- straight from the mat: no copy on the way
      local lv, codes = C._factor_num(values)
      local lev = {}
      for i = 1, #lv do lev[i] = numstr(lv[i]) end
      return new_factor(lev, codes)
    end
    values = values:totable()
    if type(values[1]) == "table" then values = values[1] end
  end
  if type(values) ~= "table" then
    error(fn .. ": values must be an array of strings or numbers, got " .. type(values), 2)
  end
  local n = #values
  local has_str, has_num = false, false
  for i = 1, n do
    local v = values[i]
    local t = type(v)
    if t == "string" then has_str = true
    elseif t == "number" then if v == v then has_num = true end
    elseif v ~= false and v ~= nil then
      error(fmt("%s: element %d is %s; expected strings or numbers", fn, i, t), 2)
    end
  end
  if has_str and has_num then
    error(fn .. ": values mix strings and numbers", 2)
  end
  if has_num then  -- levels in numeric order, as R's factor()
    local flat = {}
    for i = 1, n do
      local v = values[i]
      flat[i] = type(v) == "number" and v or 0 / 0
    end
    local x = mat.vec(flat)
    if levels ~= nil then
      local strs = {}
      for i = 1, n do strs[i] = flat[i] == flat[i] and numstr(flat[i]) or false end
      return recode(strs, n, levels, fn)
    end
    local lv, codes = C._factor_num(x)
    local lev = {}
    for i = 1, #lv do lev[i] = numstr(lv[i]) end
    return new_factor(lev, codes)
  end
  if levels ~= nil then return recode(values, n, levels, fn) end
  local lev, codes = C._factor(values, n)
  return new_factor(lev, codes)
end

--- data.relevel(f, level) -> f with 'level' moved first (the reference level)
local function relevel(f, level)
  if not is_factor(f) then error("data.relevel: expected a factor", 2) end
  local lev = { level }
  local found = false
  for _, l in ipairs(f.levels) do
    if l == level then found = true else lev[#lev + 1] = l end
  end
  if not found then error(fmt("data.relevel: '%s' is not a level", tostring(level)), 2) end
  return recode(f:strings(), #f, lev, "data.relevel")
end

-- ---------------------------------------------------------------- frames

local Frame = { __name = "data.frame" }
local methods = {}
local INFO = setmetatable({}, { __mode = "k" })  -- frame -> {names =, n =}

local function is_frame(v) return getmetatable(v) == Frame end

local function info(df, fn)
  local i = INFO[df]
  if i == nil then error((fn or "data") .. ": expected a data frame", 3) end
  return i
end

-- A frame is an empty proxy: its columns live in INFO[df].cols, so that
-- every assignment df.x = v passes through __newindex (checked, in order).
local function newframe(names, cols, n)
  local df = setmetatable({}, Frame)
  local byname = {}
  for j, name in ipairs(names) do byname[name] = cols[j] end
  INFO[df] = { names = names, n = n, cols = byname }
  return df
end

-- A column from user input: a vector mat, a factor, an array of numbers
-- (NaN missing) or booleans (0/1), or an array of strings (false or NaN
-- missing). Returns the column and its length.
local function as_column(v, name, fn)
  if is_factor(v) then return v, #v end
  if is_mat(v) then
    local r, c = v:rows(), v:cols()
    if c == 1 then return v, r end
    if r == 1 or r * c == 0 then return mat.vec(v), r * c end
    error(fmt("%s: column '%s' must be a vector, got a %d x %d matrix", fn, name, r, c), 3)
  end
  if type(v) == "table" then
    if getmetatable(v) == nil and v.levels ~= nil and v.codes ~= nil then
      -- the factor gets codes of its own: the user's mat copied once, an
      -- array converted once
      local codes = is_mat(v.codes) and v.codes:copy() or mat.vec(v.codes)
      check_levels(v.levels, fn)
      local nl = #v.levels
      for i = 1, #codes do
        local c = codes[i]
        if c == c and (c ~= floor(c) or c < 1 or c > nl) then
          error(fmt("%s: column '%s': code %s at row %d is not a level", fn, name, tostring(c), i), 3)
        end
      end
      return new_factor(copy(v.levels), codes), #codes
    end
    local n = #v
    local kind
    for i = 1, n do
      local t = type(v[i])
      if t == "string" then kind = "string" break end
    end
    if kind == "string" then
      local ok, f = pcall(factor, v)
      if not ok then
        error(fmt("%s: column '%s': %s", fn, name, (tostring(f):gsub("^data%.factor: ", ""))), 3)
      end
      return f, n
    end
    local flat = {}
    for i = 1, n do
      local x = v[i]
      if type(x) == "boolean" then x = x and 1 or 0
      elseif type(x) ~= "number" then
        error(fmt("%s: column '%s' element %d is %s, expected a number or string", fn, name, i, type(x)), 3)
      end
      flat[i] = x
    end
    return mat.vec(flat), n
  end
  error(fmt("%s: column '%s' must be a mat, a factor or an array, got %s", fn, name, type(v)), 3)
end

local function sorted_names(keys)
  if #keys == 0 then return {} end
  local lev = C._factor(keys, #keys)
  return lev
end

--- data.frame(columns [, {names = {...}}]) -> a frame
local function frame(spec, opts)
  local fn = "data.frame"
  if type(spec) ~= "table" or is_mat(spec) then
    error(fn .. ": expected a table of columns, got " .. type(spec), 2)
  end
  if is_frame(spec) then
    local i = info(spec, fn)
    local cols = {}
    for j, name in ipairs(i.names) do cols[j] = i.cols[name] end
    return newframe(copy(i.names), cols, i.n)
  end
  local order = checkopts(fn, opts, { "names" }).names
  if order ~= nil and type(order) ~= "table" then
    error(fn .. ": option 'names' must be an array of strings", 2)
  end
  local names, values = {}, {}
  if #spec > 0 then  -- an array of {name, column} pairs, in order
    if order then error(fn .. ": 'names' is for a table keyed by name, not an array of pairs", 2) end
    for k in pairs(spec) do
      if mtype(k) ~= "integer" or k < 1 or k > #spec then
        error(fn .. ": mixes {name, column} pairs and named columns", 2)
      end
    end
    for j = 1, #spec do
      local p = spec[j]
      if type(p) ~= "table" or type(p[1]) ~= "string" or p[2] == nil or is_mat(p) then
        error(fmt("%s: element %d must be a pair {name, column}", fn, j), 2)
      end
      names[j], values[j] = p[1], p[2]
    end
  else
    local keys = {}
    for k in pairs(spec) do
      if type(k) ~= "string" then
        error(fn .. ": column names must be strings, got " .. type(k), 2)
      end
      keys[#keys + 1] = k
    end
    if order then
      local seen = {}
      for j, name in ipairs(order) do
        if type(name) ~= "string" then error(fmt("%s: names[%d] is not a string", fn, j), 2) end
        if spec[name] == nil then error(fmt("%s: names lists '%s', which is not a column", fn, name), 2) end
        if seen[name] then error(fmt("%s: names lists '%s' twice", fn, name), 2) end
        seen[name] = true
      end
      if #order ~= #keys then
        for _, k in ipairs(keys) do
          if not seen[k] then error(fmt("%s: column '%s' is missing from names", fn, k), 2) end
        end
      end
      names = copy(order)
    else
      names = sorted_names(keys)
    end
    for j, name in ipairs(names) do values[j] = spec[name] end
  end
  local cols, n, first = {}, nil, nil
  local seen = {}
  for j, name in ipairs(names) do
    if seen[name] then error(fmt("%s: column '%s' appears twice", fn, name), 2) end
    seen[name] = true
    local col, len = as_column(values[j], name, fn)
    if n == nil then n, first = len, name
    elseif len ~= n then
      error(fmt("%s: column '%s' has %d rows, but column '%s' has %d", fn, name, len, first, n), 2)
    end
    cols[j] = col
  end
  return newframe(names, cols, n or 0)
end

Frame.__index = function(df, k)
  local c = INFO[df].cols[k]
  if c ~= nil then return c end
  return methods[k]
end

-- df.x = col adds or replaces a column (checked as df:add); df.x = nil drops it
Frame.__newindex = function(df, k, v)
  if type(k) ~= "string" then error("data.frame: column names must be strings", 2) end
  if v == nil then
    local i = INFO[df]
    if i.cols[k] ~= nil then
      i.cols[k] = nil
      for j = #i.names, 1, -1 do
        if i.names[j] == k then table.remove(i.names, j) end
      end
    end
    return
  end
  -- a tail call, so add's error levels reach the assignment's line
  return methods.add(df, k, v)
end

Frame.__pairs = function(df)
  local names, j = INFO[df].names, 0
  return function()
    j = j + 1
    local name = names[j]
    if name ~= nil then return name, INFO[df].cols[name] end
  end, df, nil
end

--- df:nrow() -> the number of rows
function methods.nrow(df) return info(df, "data.nrow").n end

--- df:ncol() -> the number of columns
function methods.ncol(df) return #info(df, "data.ncol").names end

--- df:names() -> the column names, in order (a fresh array)
function methods.names(df)
  return copy(info(df, "data.names").names)
end

--- df:col(name) -> the column (also when a method shares its name)
function methods.col(df, name)
  info(df, "data.col")
  local c = INFO[df].cols[name]
  if c == nil then error(fmt("data.col: no column named '%s'", tostring(name)), 2) end
  return c
end

--- df:add(name, col) -> df, with the column added (or replaced)
function methods.add(df, name, col)
  local fn = "data.add"
  local i = info(df, fn)
  if type(name) ~= "string" then error(fn .. ": column name must be a string", 2) end
  if col == nil then error(fmt("%s: column '%s' is nil", fn, name), 2) end
  local c, len = as_column(col, name, fn)
  if #i.names > 0 and len ~= i.n then
    error(fmt("%s: column '%s' has %d rows, but the frame has %d", fn, name, len, i.n), 2)
  end
  if i.cols[name] == nil then i.names[#i.names + 1] = name end
  if #i.names == 1 then i.n = len end
  i.cols[name] = c
  return df
end

local function column_names(df, which, fn)
  local i = info(df, fn)
  if which == nil then return i.names end
  if type(which) == "string" then which = { which } end
  if type(which) ~= "table" then error(fn .. ": expected an array of column names", 3) end
  for j, name in ipairs(which) do
    if type(name) ~= "string" then error(fmt("%s: column %d is not a name", fn, j), 3) end
    if i.cols[name] == nil then error(fmt("%s: no column named '%s'", fn, name), 3) end
  end
  return which
end

--- df:matrix{"a", "b"} -> an n x k mat of those numeric columns (all if omitted)
function methods.matrix(df, which)
  local fn = "data.matrix"
  local names = column_names(df, which, fn)
  local i = INFO[df]
  local cols = {}
  for j, name in ipairs(names) do
    local c = i.cols[name]
    if is_factor(c) then
      error(fmt("%s: column '%s' is a factor, not numeric", fn, name), 2)
    end
    cols[j] = c
  end
  return C._cbind(cols, i.n)
end

-- A new frame of n rows: each column's numbers (a factor's codes) through
-- pick, which copies the rows it keeps once; factors share their levels.
local function newrows(df, pick, n)
  local i = INFO[df]
  local cols = {}
  for j, name in ipairs(i.names) do
    local c = i.cols[name]
    if is_factor(c) then cols[j] = new_factor(c.levels, pick(c.codes))
    else cols[j] = pick(c) end
  end
  return newframe(copy(i.names), cols, n)
end

-- the rows at the 1-based positions in idx (a mat)
local function take(df, idx)
  return newrows(df, function(c) return C._take(c, idx) end, #idx)
end

--- df:row(i) -> a table name -> value (a number, or a string / nil for a factor)
function methods.row(df, r)
  local i = info(df, "data.row")
  if mtype(r) ~= "integer" and not (isnum(r) and r == floor(r)) then
    error("data.row: row index must be an integer", 2)
  end
  if r < 1 or r > i.n then error(fmt("data.row: row %.15g out of range 1..%d", r, i.n), 2) end
  local row = {}
  for _, name in ipairs(i.names) do row[name] = i.cols[name][r] end
  return row
end

--- df:subset(mask) -> a new frame of the rows where mask is true
function methods.subset(df, mask)
  local fn = "data.subset"
  local i = info(df, fn)
  if type(mask) == "function" then
    local keep = {}
    for r = 1, i.n do keep[r] = not not mask(methods.row(df, r), r) end
    mask = keep
  elseif mask == nil then
    error(fn .. ": expected a mask (booleans, a 0/1 vector or a function)", 2)
  end
  return take(df, C._which(mask, i.n, fn))
end

--- df:head([n]) -> a new frame of the first n rows (default 6)
function methods.head(df, n)
  local i = info(df, "data.head")
  n = n == nil and 6 or n
  if not isnum(n) or n ~= floor(n) or n < 0 then
    error("data.head: n must be a non-negative integer", 2)
  end
  if n > i.n then n = i.n end
  return newrows(df, function(c) return C._slice(c, 1, n) end, n)
end

-- ---------------------------------------------------------------- printing

-- R's formatting of a numeric vector with 7 significant digits: one number
-- of decimals for the whole column, or scientific notation for all of it
-- when that is narrower.
local function format_numbers(x, idx)
  local vals = { n = #idx }
  for k, r in ipairs(idx) do
    local v = x[r]
    vals[k] = v == v and v or P.NA  -- NaN in a frame is a missing value
  end
  return P.format(vals, 7, { trim = true })
end

local PRINT_ROWS, WIDTH = 20, 80

-- What a printout shows, for the text and the HTML form alike: the first
-- PRINT_ROWS rows of every column, as strings. Returns the cells (one
-- array per column), the row labels and the number of rows shown, or nil
-- and the whole printout of an empty frame.
local function print_cells(df)
  local i = INFO[df]
  local names, n = i.names, i.n
  if #names == 0 then return nil, fmt("data frame with 0 columns and %d rows", n) end
  if n == 0 then
    return nil, "[1] " .. concat(names, " ") .. "\n<0 rows> (data frame with " .. #names .. " columns)"
  end
  local show = n > PRINT_ROWS and PRINT_ROWS or n
  local idx, rowlab = {}, {}
  for r = 1, show do idx[r] = r; rowlab[r] = tostring(r) end
  local cells = {}
  for j, name in ipairs(names) do
    local c = i.cols[name]
    local col
    if is_factor(c) then
      col = {}
      for k = 1, show do local s = c[k]; col[k] = s == nil and "<NA>" or s end
    else
      col = format_numbers(c, idx)
    end
    cells[j] = col
  end
  return cells, rowlab, show
end

local function truncation_note(df, show)
  local i = INFO[df]
  if show >= i.n then return nil end
  return fmt(" [ %d x %d frame: showing the first %d rows ]", i.n, #i.names, show)
end

Frame.__tostring = function(df)
  local names = INFO[df].names
  local cells, rowlab, show = print_cells(df)
  if not cells then return rowlab end
  local rw, widths = 0, {}
  for r = 1, show do if #rowlab[r] > rw then rw = #rowlab[r] end end
  for j, name in ipairs(names) do
    local w = #name
    for k = 1, show do if #cells[j][k] > w then w = #cells[j][k] end end
    widths[j] = w
  end
  local lines = {}
  local j = 1
  while j <= #names do  -- blocks of columns that fit the width, as R wraps
    local last, used = j, rw + 1 + widths[j]
    while last < #names and used + 1 + widths[last + 1] <= WIDTH do
      last = last + 1; used = used + 1 + widths[last]
    end
    local head = { rep(" ", rw) }
    for c = j, last do head[#head + 1] = rep(" ", widths[c] - #names[c]) .. names[c] end
    lines[#lines + 1] = concat(head, " ")
    for r = 1, show do
      local row = { rowlab[r] .. rep(" ", rw - #rowlab[r]) }
      for c = j, last do row[#row + 1] = rep(" ", widths[c] - #cells[c][r]) .. cells[c][r] end
      lines[#lines + 1] = concat(row, " ")
    end
    j = last + 1
  end
  lines[#lines + 1] = truncation_note(df, show)
  return concat(lines, "\n")
end
P.guard(Frame, "data frame")  -- tostring never raises (an incomplete object)

-- the same cells as an HTML table (orrery.display), all columns in one
Frame.__html = function(df)
  local cells, rowlab, show = print_cells(df)
  if not cells then return "<pre>" .. display.escape(rowlab) .. "</pre>" end
  local header, rows = { "" }, {}
  for j, name in ipairs(INFO[df].names) do header[j + 1] = name end
  for r = 1, show do
    local row = { rowlab[r] }
    for j = 1, #cells do row[j + 1] = cells[j][r] end
    rows[r] = row
  end
  local note = truncation_note(df, show)
  return display.table_html(header, rows, { note = note and note:match("^%s*(.-)%s*$") })
end

-- ---------------------------------------------------------------- describe

local Description = { __name = "data.description" }

-- padding by hand: string.format refuses widths over 99 and strings with zeros
local function lpad(x, w) return rep(" ", w - #x) .. x end
local function rpad(x, w) return x .. rep(" ", w - #x) end

Description.__tostring = function(d)
  local lines = { fmt("%d rows, %d columns", d.nrow, #d) }
  local nw = 4
  for _, s in ipairs(d) do if #s.name > nw then nw = #s.name end end
  local heads = { "Min.", "1st Qu.", "Median", "Mean", "3rd Qu.", "Max." }
  local hdr = { rpad("", nw), rpad("type", 7) }
  for _, h in ipairs(heads) do hdr[#hdr + 1] = lpad(h, 11) end
  hdr[#hdr + 1] = lpad("NA's", 6)
  lines[#lines + 1] = concat(hdr, " ")
  for _, s in ipairs(d) do
    if s.type == "numeric" then
      local row = { rpad(s.name, nw), "numeric" }
      for _, key in ipairs { "min", "q1", "median", "mean", "q3", "max" } do
        local v = s[key]
        row[#row + 1] = lpad(v ~= v and "NA" or fmt("%.4g", v), 11)
      end
      row[#row + 1] = lpad(tostring(s.n_missing), 6)
      lines[#lines + 1] = concat(row, " ")
    else
      local parts = {}
      local order = {}
      for l = 1, #s.levels do order[l] = l end
      table.sort(order, function(a, b)
        if s.counts[a] ~= s.counts[b] then return s.counts[a] > s.counts[b] end
        return a < b
      end)
      for k = 1, math.min(6, #order) do
        local l = order[k]
        parts[#parts + 1] = s.levels[l] .. ": " .. s.counts[l]
      end
      if #order > 6 then parts[#parts + 1] = "(" .. (#order - 6) .. " others)" end
      lines[#lines + 1] = rpad(s.name, nw) .. " factor  " .. #s.levels .. " levels  " ..
        concat(parts, ", ") .. "  NA's: " .. s.n_missing
    end
  end
  return concat(lines, "\n")
end
P.guard(Description, "data description")  -- tostring never raises (an incomplete object)

--- df:describe() -> per-column summary (as R's summary of a data frame)
function methods.describe(df)
  local i = info(df, "data.describe")
  local d = setmetatable({ nrow = i.n }, Description)
  for j, name in ipairs(i.names) do
    local c = i.cols[name]
    local s
    if is_factor(c) then
      local counts, nmiss = c:counts()
      s = { type = "factor", levels = c.levels, counts = counts, n_missing = nmiss }
    else
      s = C._summary(c)
      s.type = "numeric"
    end
    s.name = name
    d[j] = s
  end
  return d
end

-- ---------------------------------------------------------------- CSV

--- data.write_csv(df, path [, {sep = ",", na = "NA", threads = n}])
local function write_csv(df, path, opts)
  local fn = "data.write_csv"
  local i = info(df, fn)
  if type(path) ~= "string" then error(fn .. ": path must be a string", 2) end
  opts = checkopts(fn, opts, { "sep", "na", "threads" })
  local sep, na = opts.sep or ",", opts.na or "NA"
  if type(sep) ~= "string" then error(fn .. ": option 'sep' must be a string", 2) end
  if type(na) ~= "string" then error(fn .. ": option 'na' must be a string", 2) end
  local cols = {}
  for j, name in ipairs(i.names) do cols[j] = i.cols[name] end
  C._write_csv(path, i.names, cols, i.n, sep, na, opts.threads)
end

-- The C parser returns names, columns (mats or {levels =, codes =}) and n.
local function wrap_parsed(names, cols, n)
  for j = 1, #cols do
    local c = cols[j]
    if not is_mat(c) then cols[j] = new_factor(c.levels, c.codes) end
  end
  return newframe(names, cols, n)
end

if C._read_csv then
  --- data.read_csv(path [, {sep, header, na, select, types, threads}]) -> a frame
  M.read_csv = function(path, opts)
    if type(path) ~= "string" then
      error(fmt("data.read_csv: path: string expected, got %s", type(path)), 2)
    end
    return wrap_parsed(C._read_csv(path, opts))
  end
  -- private, for tests and fuzzing: read_csv on a string, and both with
  -- chunks of minchunk bytes (so that tiny inputs are parsed in parallel)
  C.parse_string = function(s, opts, minchunk)
    return wrap_parsed(C._parse_string(s, opts, minchunk))
  end
  C.read_csv = function(path, opts, minchunk)
    return wrap_parsed(C._read_csv(path, opts, minchunk))
  end
  doc(M.read_csv, "data.read_csv", [[
data.read_csv(path [, {sep = ",", header = true, na = {"", "NA"},
                       select = {...}, types = {...}, threads = n}]) -> a frame
  Quoted fields may hold separators, doubled quotes and line breaks; CRLF and a
  UTF-8 byte-order mark are accepted; blank lines are skipped. A column whose
  every field is a number (or a missing-value marker) is numeric (NaN =
  missing); any other column is a factor with levels in C byte order.
  In a numeric column a marker, even in quotes, and a blank field are missing
  (as R); in a text column only unquoted markers are: "NA" in quotes is text.
  header = false names the columns V1..Vk; empty names become Vj and repeats
  are made unique (a, a.1, ...). A row with a different number of fields,
  an unclosed quote or text after a closing quote is an error naming its
  line. Numbers: decimal (no hex), inf, nan, spaces around them allowed;
  exactly rounded. sep: one character, not a quote, letter, digit, . + -
  select = {"b", 1, ...}: only these columns (names as the frame would have
  them, or 1-based positions), in this order; the others are not stored.
  types = {id = "text", x = "number"} (or by position): "text" makes a
  factor even of numbers; "number" makes a non-number, non-missing field an
  error naming its line and column.
  threads: the file (mapped, not copied) is parsed in that many chunks at
  once, one a thread (default: the online CPUs, at most 16, and 1 in a
  worker of experiment.replicate; files under 1 MB a thread get fewer); the frame is the same, bit for bit, for any
  number, and so are the errors' line numbers. The numeric columns are
  parsed into place: the frame costs its own size, no more.]])
end

M.frame = doc(frame, "data.frame", [[
data.frame{ a = mat or array, b = {"x", "y", ...} } -> a frame
  Columns: n x 1 mats (NaN = missing), factors, arrays of numbers (booleans
  become 0/1) or arrays of strings (made factors; false or NaN = missing).
  Column order: data.frame({...}, {names = {"b", "a"}}), or an array of pairs
  data.frame{{"b", col}, {"a", col}}; otherwise names sorted in C byte order.
  df.col / df["col"] is a column; methods: nrow ncol names col add matrix
  subset head row describe. A column named like a method hides it: use
  data.names(df), data.nrow(df), data.col(df, name), ... instead.
  Copies: a mat or factor column is shared, not copied (by data.frame,
  df:add, df.x = col, data.frame(df), and df.x returns the column itself:
  change it and the frame changes); an array is converted once; a
  {levels =, codes =} table gets codes of its own (one copy). df:matrix
  copies each column once, into the matrix; df:subset and df:head copy the
  rows they keep once (factors share their levels); read_csv parses into
  the columns it returns.]])
M.factor = doc(factor, "data.factor", [[
data.factor(values [, levels]) -> a factor {levels =, codes =}
  values: strings (levels in C byte order; false or NaN = missing) or numbers
  (levels in numeric order, as R's factor(), written as R's as.character).
  levels: an explicit order; values not among them are missing.
  f[i] is the i-th value (nil when missing), #f its length, f.codes an n x 1
  mat of level indices (NaN = missing), f:counts(), f:strings().
  data.factor(f) copies f.]])
M.is_factor = doc(is_factor, "data.is_factor", "data.is_factor(v) -> true if v is a factor")
M.is_frame = doc(is_frame, "data.is_frame", "data.is_frame(v) -> true if v is a data frame")
M.relevel = doc(relevel, "data.relevel",
  "data.relevel(f, level) -> a factor with 'level' first (the reference level of treatment contrasts)")
M.write_csv = doc(write_csv, "data.write_csv", [[
data.write_csv(df, path [, {sep = ",", na = "NA", threads = n}])
  Numbers as the shortest decimal that reads back to the same double, laid
  out as Python's repr (0.1, 1e-05, 1.5e+300, 5e-324; whole numbers without
  ".0"), so a round trip keeps every bit (R's write.csv and data.table's
  fwrite keep 15 digits); Inf, -Inf; NaN as na, bare. Text always quoted,
  with its quotes doubled, so data.read_csv reads the same frame back,
  except that a factor keeps only the levels it uses, in C byte order (a
  relevel or an unused level is not in the file), and a factor whose every
  level looks like a number comes back numeric, as with R's write.csv and
  read.csv. threads format blocks of rows at once (default: the online
  CPUs, at most 16; 1 in an experiment's worker), written in order, one large write a block.]])

local mdocs = {
  nrow = "df:nrow() -> the number of rows",
  ncol = "df:ncol() -> the number of columns",
  names = "df:names() -> the column names in order (a fresh array)",
  col = "df:col(name) -> the column named name (even when a method has that name); the column itself, not a copy",
  add = "df:add(name, col) -> df with the column added or replaced (mutates; the length must match; "
    .. "a mat or factor is shared, not copied); df.name = col does the same",
  matrix = "df:matrix{\"a\", \"b\"} -> an n x k mat of numeric columns (all columns if omitted), "
    .. "each copied once; a factor is an error",
  subset = "df:subset(mask) -> a new frame of the rows where mask holds: an array of booleans, "
    .. "a 0/1 vector (NaN counts as false, as R) or a function(row, i) -> bool; the kept rows are copied once",
  head = "df:head([n]) -> a new frame of the first n rows (default 6), copied once",
  row = "df:row(i) -> a table name -> value for row i (factor values as strings, nil when missing)",
  describe = "df:describe() -> per-column summary: Min, quartiles (R's type 7), mean, Max and NA count "
    .. "for numbers; level counts for factors",
}
for name, text in pairs(mdocs) do
  help.doc(methods[name], "df:" .. name, text)
  -- the function forms, which a column cannot hide
  M[name] = methods[name]
  help.doc(nil, "data." .. name, text)
end
M.methods = methods
M.Frame, M.Factor = Frame, Factor

require "orrery.data.plot"

return M
