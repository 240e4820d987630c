-- data.read_csv on threads, select and types; data.write_csv's exact digits
-- (against Python's repr, tests/ref/data/make_awkward.py) and its threads.
-- The private read_csv/parse_string take a chunk size, so that small inputs
-- are cut into many chunks and every path of the parallel parse runs.
local T = require "orrery.testing"
local data = require "orrery.data"
local mat = require "orrery.mat"
local P = T.private("data")

local function bitsof(x) return string.pack("<d", x) end
-- the same, but every NaN alike (a NaN's sign and payload are not data)
local function valueof(x) return x ~= x and "NaN" or string.pack("<d", x) end

-- two frames are the same: names, kinds, levels, and every value's bits
local function same(a, b, what)
  T.eq(table.concat(a:names(), "|"), table.concat(b:names(), "|"), what .. ": names")
  T.eq(a:nrow(), b:nrow(), what .. ": rows")
  for _, name in ipairs(a:names()) do
    local x, y = a[name], b[name]
    T.eq(data.is_factor(x), data.is_factor(y), what .. ": kind of " .. name)
    if data.is_factor(x) then
      T.eq(table.concat(x.levels, "\1"), table.concat(y.levels, "\1"), what .. ": levels of " .. name)
      x, y = x.codes, y.codes
    end
    local bx, by = {}, {}
    for i = 1, #x do bx[i] = valueof(x[i]); by[i] = valueof(y[i]) end
    T.eq(table.concat(bx), table.concat(by), what .. ": values of " .. name)
  end
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function spit(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

-- a messy CSV of n rows: numbers, text, a column that turns text late,
-- quoted separators, quotes and line breaks, blank lines, CRLF, markers
local function messy(n, seed)
  local state = seed
  local function rnd(k)
    state = (state * 1103515245 + 12345) % 2147483648
    return state % k
  end
  local num = { "1.5", "-2e3", "NA", "", " 7 ", '"3.25"', "0.1", "inf", "42", "1e-300", '"NA"', "-0" }
  local txt = { "a", "b b", '"q,""x"""', '"two\nlines"', '"cr\r\nlf"', "NA", '"NA"', "zz", '""', "10" }
  local rows = { "num,txt,late,mix,id" }
  for i = 1, n do
    if rnd(15) == 0 then rows[#rows + 1] = "" end
    rows[#rows + 1] = table.concat({
      num[rnd(#num) + 1], txt[rnd(#txt) + 1], i == n - 3 and "late" or num[rnd(#num) + 1],
      rnd(3) == 0 and txt[rnd(#txt) + 1] or num[rnd(#num) + 1], tostring(i) }, ",")
  end
  return table.concat(rows, rnd(2) == 0 and "\n" or "\r\n") .. "\n"
end

T.test("read_csv: the same frame for any number of threads and chunk size", function()
  for seed = 1, 12 do
    local s = messy(300 + 40 * seed, seed)
    local one = P.parse_string(s, { threads = 1 })
    T.ok(data.is_factor(one.late) and data.is_factor(one.txt) and not data.is_factor(one.id))
    for _, th in ipairs { 2, 3, 7 } do
      for _, chunk in ipairs { 1, 50, 999 } do
        same(one, P.parse_string(s, { threads = th }, chunk), ("seed %d, %d threads, chunks of %d"):format(seed, th, chunk))
      end
    end
  end
  -- a file on disk, mapped: the same too
  local path = os.tmpname()
  local s = messy(5000, 99)
  spit(path, s)
  same(P.parse_string(s, { threads = 1 }), P.read_csv(path, { threads = 2 }, 1000), "file, 2 threads")
  same(data.read_csv(path, { threads = 1 }), data.read_csv(path), "file, default threads")
  os.remove(path)
end)

T.test("read_csv: errors name the same line whatever the threads", function()
  local body = { "a,b", '"x\ny",1', "" }
  for i = 1, 3000 do body[#body + 1] = i % 5 == 0 and '"p","q"' or "1,2" end
  local head = table.concat(body, "\n") .. "\n"
  local cases = {
    { "7,8,9\n", "data.read_csv: line 3005 has 3 fields, expected 2" },
    { '7,"x\n8,9\n', "data.read_csv: line 3005: a quoted field is not closed" },
    { '7,"x"y\n', "data.read_csv: line 3005: unexpected text after a closing quote" },
  }
  for _, c in ipairs(cases) do
    for _, th in ipairs { 1, 2, 4 } do
      T.errors(function() P.parse_string(head .. c[1], { threads = th }, 64) end, c[2])
    end
  end
  local nums = "a,b\n" .. string.rep("1,2\n", 3000)
  for _, th in ipairs { 1, 2, 4 } do
    T.errors(function() P.parse_string(nums .. "1,x\n", { types = { b = "number" }, threads = th }, 64) end,
      "data.read_csv: line 3002, column 'b': \"x\" is not a number")
  end
  T.errors(function() P.parse_string("a\n1\n", { threads = 0 }) end,
    "data.read_csv: option 'threads' must be an integer from 1 to 1024")
  T.errors(function() P.parse_string("a\n1\n", { threads = 1.5 }) end, "option 'threads' must be an integer")
end)

T.test("read_csv: select and types", function()
  local s = "id,x,g,y\n007,1.5,a,10\n010,2,b,20\n3,NA,\"NA\",30\n"
  local df = P.parse_string(s, { select = { "y", 1 } })
  T.eq(table.concat(df:names(), " "), "y id")
  T.near(df.y, { 10, 20, 30 }, 0); T.near(df.id, { 7, 10, 3 }, 0)
  df = P.parse_string(s, { select = "g", threads = 2 }, 1)
  T.eq(table.concat(df:names(), " "), "g"); T.eq(df.g[3], "NA")
  df = P.parse_string(s, { types = { id = "text", [4] = "text", x = "number" } })
  T.ok(data.is_factor(df.id) and data.is_factor(df.y) and not data.is_factor(df.x))
  T.eq(table.concat(df.id.levels, " "), "007 010 3"); T.eq(df.id[1], "007")
  T.eq(table.concat(df.y.levels, " "), "10 20 30")
  -- the names as the frame has them: made unique, Vj without a header
  df = P.parse_string("a,a,\n1,2,3\n", { select = { "a.1", "V3" } })
  T.eq(table.concat(df:names(), " "), "a.1 V3"); T.near(df["a.1"], { 2 }, 0)
  df = P.parse_string("1,2\n3,4\n", { header = false, select = { 2 }, types = { V2 = "text" } })
  T.eq(df.V2[2], "4")
  -- a skipped column is not parsed: text in it is no error
  df = P.parse_string("a,b\n1,x\n2,\"y\"\n", { select = { "a" }, types = { b = "number" } })
  T.near(df.a, { 1, 2 }, 0)
  df = P.parse_string(s, { select = {} })
  T.eq(#df:names(), 0)
  T.errors(function() P.parse_string(s, { select = { "zz" } }) end, "data.read_csv: option 'select': no column named 'zz'")
  T.errors(function() P.parse_string(s, { select = { 5 } }) end, "data.read_csv: option 'select': column 5 is out of range 1..4")
  T.errors(function() P.parse_string(s, { select = { "x", 2 } }) end, "data.read_csv: option 'select': column 'x' is selected twice")
  T.errors(function() P.parse_string(s, { select = { true } }) end, "option 'select': expected column names or indices, got boolean")
  T.errors(function() P.parse_string(s, { select = 1.5 }) end, "option 'select' must be an array of column names or indices")
  T.errors(function() P.parse_string(s, { types = { x = "float" } }) end,
    "data.read_csv: option 'types': column 'x' must be \"number\" or \"text\"")
  T.errors(function() P.parse_string(s, { types = { q = "text" } }) end, "data.read_csv: option 'types': no column named 'q'")
  T.errors(function() P.parse_string(s, { types = "text" }) end, "option 'types' must be a table")
  T.errors(function() P.parse_string(s, { types = { g = "number" } }) end,
    "data.read_csv: line 2, column 'g': \"a\" is not a number")
end)

T.test("awkward doubles: read, write and read again, every bit kept", function()
  local ref = T.refdir .. "data/awkward.csv"
  local df = data.read_csv(ref, { types = { bits = "text" } })
  local n = df:nrow()
  T.ok(n > 3000)
  local want = {}
  for i = 1, n do want[i] = string.pack("<i8", tonumber(df.bits[i], 16)) end
  local function check(frame, what)
    local bad = 0
    for i = 1, n do
      if bitsof(frame.repr[i]) ~= want[i] or bitsof(frame.long[i]) ~= want[i] then
        bad = bad + 1
        if bad <= 3 then T.ok(false, ("%s: row %d, %s: %.17g %.17g"):format(what, i, frame.bits[i], frame.repr[i], frame.long[i])) end
      end
    end
    T.eq(bad, 0, what)
  end
  check(df, "read")
  -- written: both numeric columns exactly as Python's repr writes the
  -- double, the shortest decimal that reads back to it
  local path = os.tmpname()
  for _, th in ipairs { 1, 3 } do
    data.write_csv(df, path, { threads = th })
    local lines, k = {}, 0
    for line in slurp(path):gmatch("[^\n]+") do lines[#lines + 1] = line end
    local src = {}
    for line in slurp(ref):gmatch("[^\n]+") do src[#src + 1] = line end
    T.eq(lines[1], '"bits","repr","long"')
    for i = 2, #src do
      local bits, r = src[i]:match("^(%x+),([^,]+),")
      if lines[i] ~= ('"%s",%s,%s'):format(bits, r, r) then
        k = k + 1
        if k <= 3 then T.eq(lines[i], ('"%s",%s,%s'):format(bits, r, r)) end
      end
    end
    T.eq(k, 0, "lines written unlike repr")
    check(data.read_csv(path, { types = { bits = "text" } }), "read back")
  end
  os.remove(path)
end)

T.test("write_csv: the same bytes on any number of threads", function()
  -- over a block of rows (1 MB) per thread, so that the blocks are many
  local n = 60000
  local x, y, g = {}, {}, {}
  local state = 7
  for i = 1, n do
    state = (state * 1103515245 + 12345) % 2147483648
    x[i] = state / 2147483648 * 10 ^ (state % 9 - 4)
    y[i] = i % 17 == 0 and 0 / 0 or i
    g[i] = ({ "a", 'b "q"', "c,d", false, "e\nf" })[state % 5 + 1]
  end
  local df = data.frame({ { "x", x }, { "y", y }, { "g", g } })
  local p1, p2 = os.tmpname(), os.tmpname()
  data.write_csv(df, p1, { threads = 1 })
  local one = slurp(p1)
  T.ok(#one > 2 ^ 20)
  for _, th in ipairs { 2, 5 } do
    data.write_csv(df, p2, { threads = th })
    T.ok(slurp(p2) == one, th .. " threads")
  end
  same(df, data.read_csv(p2), "write then read")
  os.remove(p1); os.remove(p2)
  T.errors(function() data.write_csv(df, p1, { threads = "2" }) end,
    "data.write_csv: option 'threads' must be an integer from 1 to 1024")
end)

T.test("frames: which operations copy", function()
  local x = mat.vec { 1, 2, 3 }
  local df = data.frame({ { "x", x } })
  T.ok(rawequal(df.x, x), "a mat column is shared")
  local h = df:head(2)
  T.near(h.x, { 1, 2 }, 0)
  h.x:set(1, 1, 99)  -- head copied its rows
  T.eq(x[1], 1)
  T.eq(df:head(0):nrow(), 0); T.eq(#df:head(0).x, 0)
  local m = df:matrix()
  m:set(1, 1, 5)
  T.eq(x[1], 1, "matrix copies")
  -- a factor from parts gets codes of its own; from a mat, levels in order
  local codes = mat.vec { 1, 2, 1 }
  df = data.frame({ { "f", { levels = { "p", "q" }, codes = codes } } })
  codes:set(1, 1, 2)
  T.eq(df.f[1], "p")
  local f = data.factor(mat.vec { 3, 1, 0 / 0, 3 })
  T.eq(table.concat(f.levels, " "), "1 3"); T.near(f.codes, { 2, 1, 0 / 0, 2 }, 0)
  local sub = data.frame({ { "f", f } }):subset { true, false, true, true }
  T.ok(rawequal(sub.f.levels, f.levels), "levels are shared")
  T.eq(sub.f[2], nil)
end)
