-- Frames and factors: the shapes of modules/README.md, methods, printing
-- and summaries checked against R (tests/ref/data/make_frames.R).
local T = require "orrery.testing"
local NaN = 0 / 0

local function isnan(x) return x ~= x end

T.test("factor from strings: levels in C byte order, codes, f[i], #f", function()
  local f = data.factor{ "b", "a", "B", false, "b", "_", "a b" }
  T.ok(data.is_factor(f))
  -- C byte order: " " < "B" < "_" < "a" < "b" (not a locale's collation)
  T.eq(table.concat(f.levels, "|"), "B|_|a|a b|b")
  T.near(f.codes, { 5, 3, 1, NaN, 5, 2, 4 }, 0)
  T.eq(f.codes:cols(), 1)
  T.eq(#f, 7)
  T.eq(f[1], "b"); T.eq(f[3], "B"); T.eq(f[4], nil); T.eq(f[7], "a b")
  T.errors(function() return f[8] end, "data.factor: index 8 out of range 1..7")
  T.errors(function() return f[0] end, "out of range")
  T.errors(function() f[1] = "x" end, "data.factor")
  T.ok(not data.is_factor({ levels = {}, codes = mat.zeros(0, 1) }))
  T.ok(not data.is_factor(mat.zeros(1, 1)))
  T.ok(not data.is_factor("a"))
end)

T.test("factor from numbers: levels in numeric order, as R's factor()", function()
  local f = data.factor{ 10, 2, 1.5, NaN, 2, -1 }
  T.eq(table.concat(f.levels, " "), "-1 1.5 2 10")
  T.near(f.codes, { 4, 3, 2, NaN, 3, 1 }, 0)
  T.eq(f[1], "10"); T.eq(f[4], nil)
  local g = data.factor(mat.vec{ 3, 1, 3 })
  T.eq(table.concat(g.levels, " "), "1 3")
  T.near(g.codes, { 2, 1, 2 }, 0)
  T.eq(table.concat(data.factor{ 0.1, 1e20 }.levels, " "), "0.1 1e+20")
  -- level names as R's as.character (tests/ref/data/make_frames.R); read
  -- as text, since T.ref would turn "1e+05" into a number
  local want
  for line in io.lines(T.refdir .. "data/summary.txt") do
    want = want or line:match("^numeric_levels (.*)$")
  end
  local x = { 100000, 123456, 0.0001, 0.1, 1e20, 1 / 3, 2, -1.5, 1e15, 1e5 + 0.5,
    1234567890123456, 0.00012345, 1e-300, 5e-324, 10, -100000 }
  T.eq(table.concat(data.factor(x).levels, " "), want)
end)

T.test("factor with given levels: order kept, others missing", function()
  local f = data.factor({ "lo", "hi", "mid", "x" }, { "lo", "mid", "hi" })
  T.eq(table.concat(f.levels, " "), "lo mid hi")
  T.near(f.codes, { 1, 3, 2, NaN }, 0)
  local g = data.factor({ 3, 1, 2 }, { 3, 2, 1 })
  T.eq(table.concat(g.levels, " "), "3 2 1")
  T.near(g.codes, { 1, 3, 2 }, 0)
  local r = data.relevel(data.factor{ "a", "b", "c", "b" }, "b")
  T.eq(table.concat(r.levels, " "), "b a c")
  T.near(r.codes, { 2, 1, 3, 1 }, 0)
  T.errors(function() data.relevel(r, "zz") end, "data.relevel: 'zz' is not a level")
  T.errors(function() data.factor({ "a" }, { "a", "a" }) end, "data.factor: level 'a' appears twice")
  T.errors(function() data.factor({ "a", 1 }) end, "data.factor: values mix strings and numbers")
  T.errors(function() data.factor({ "a", {} }) end, "data.factor: element 2 is table")
  T.errors(function() data.factor("abc") end, "data.factor: values must be an array")
end)

T.test("factor counts, strings and printing", function()
  local f = data.factor{ "x", "y", false, "x" }
  local counts, nmiss = f:counts()
  T.near(counts, { 2, 1 }, 0); T.eq(nmiss, 1)
  local s = f:strings()
  T.eq(s[1], "x"); T.eq(s[3], false)
  T.eq(tostring(f), "[1] x y <NA> x\nLevels: x y")
end)

T.test("frame: columns, names in order, nrow", function()
  local df = data.frame{ b = { "x", "y", "z" }, a = mat.vec{ 1, 2, 3 }, c = { true, false, true } }
  T.ok(data.is_frame(df))
  T.eq(df:nrow(), 3); T.eq(df:ncol(), 3)
  T.eq(table.concat(df:names(), " "), "a b c")  -- sorted, C byte order
  T.near(df.a, { 1, 2, 3 }, 0)
  T.ok(data.is_factor(df.b))
  T.eq(df["b"][2], "y")
  T.near(df.c, { 1, 0, 1 }, 0)
  T.eq(df.nosuch, nil)
  local names = df:names(); names[1] = "zzz"
  T.eq(df:names()[1], "a", "names() returns a copy")
  -- explicit order, and the array-of-pairs form
  local d2 = data.frame({ b = { 1, 2 }, a = { 3, 4 } }, { names = { "b", "a" } })
  T.eq(table.concat(d2:names(), " "), "b a")
  local d3 = data.frame{ { "z", { 1, 2 } }, { "y", { "p", "q" } } }
  T.eq(table.concat(d3:names(), " "), "z y")
  T.eq(d3.y[2], "q")
  -- ordered iteration
  local seen = {}
  for k in pairs(d3) do seen[#seen + 1] = k end
  T.eq(table.concat(seen, " "), "z y")
  -- a 1 x n mat becomes a column
  T.eq(data.frame{ r = mat.from{ { 1, 2, 3 } } }.r:rows(), 3)
  local empty = data.frame{}
  T.eq(empty:nrow(), 0); T.eq(#empty:names(), 0)
  T.eq(tostring(empty), "data frame with 0 columns and 0 rows")
end)

T.test("frame: a column named like a method", function()
  local df = data.frame{ names = { "p", "q" }, nrow = { 5, 6 } }
  T.ok(data.is_factor(df.names))      -- the column wins over the method
  T.eq(data.nrow(df), 2)              -- the function forms always work
  T.eq(table.concat(data.names(df), " "), "names nrow")
  T.near(data.col(df, "nrow"), { 5, 6 }, 0)
  T.errors(function() data.col(df, "zz") end, "data.col: no column named 'zz'")
end)

T.test("frame: construction errors", function()
  T.errors(function() data.frame{ a = { 1, 2 }, b = { 1, 2, 3 } } end, "data.frame: column 'b' has 3 rows, but column 'a' has 2")
  T.errors(function() data.frame{ a = mat.zeros(2, 2) } end, "data.frame: column 'a' must be a vector, got a 2 x 2 matrix")
  T.errors(function() data.frame{ a = { 1, "x" } } end, "data.frame: column 'a': values mix strings and numbers")
  T.errors(function() data.frame{ a = { 1, {} } } end, "data.frame: column 'a' element 2 is table")
  T.errors(function() data.frame{ a = 3 } end, "data.frame: column 'a' must be a mat, a factor or an array, got number")
  T.errors(function() data.frame("x") end, "data.frame: expected a table of columns, got string")
  T.errors(function() data.frame({ a = { 1 } }, { nmes = {} }) end, "data.frame: unknown option 'nmes'")
  T.errors(function() data.frame({ a = { 1 }, b = { 2 } }, { names = { "a" } }) end, "data.frame: column 'b' is missing from names")
  T.errors(function() data.frame({ a = { 1 } }, { names = { "a", "q" } }) end, "data.frame: names lists 'q', which is not a column")
  T.errors(function() data.frame({ a = { 1 } }, { names = { "a", "a" } }) end, "data.frame: names lists 'a' twice")
  T.errors(function() data.frame{ { "a", { 1 } }, { "a", { 2 } } } end, "data.frame: column 'a' appears twice")
  T.errors(function() data.frame{ { "a", { 1 } }, b = { 2 } } end, "data.frame: mixes {name, column} pairs and named columns")
  T.errors(function() data.frame{ { 1, 2 } } end, "data.frame: element 1 must be a pair {name, column}")
  T.errors(function() data.frame{ a = { levels = { "x" }, codes = { 2 } } } end, "data.frame: column 'a': code 2")
end)

T.test("a plain {levels, codes} table becomes a factor", function()
  local df = data.frame{ g = { levels = { "u", "v" }, codes = { 2, NaN, 1 } } }
  T.ok(data.is_factor(df.g))
  T.eq(df.g[1], "v"); T.eq(df.g[2], nil)
end)

T.test("add, assignment, matrix", function()
  local df = data.frame{ a = { 1, 2, 3 } }
  T.eq(df:add("b", { 4, 5, 6 }), df)
  df.c = { "u", "v", "w" }
  T.eq(table.concat(df:names(), " "), "a b c")
  df:add("a", { 7, 8, 9 })              -- replaced in place, same position
  T.eq(table.concat(df:names(), " "), "a b c")
  T.near(df.a, { 7, 8, 9 }, 0)
  T.errors(function() df:add("d", { 1, 2 }) end, "data.add: column 'd' has 2 rows, but the frame has 3")
  T.errors(function() df:add(1, { 1, 2, 3 }) end, "data.add: column name must be a string")
  T.errors(function() df:add("d") end, "data.add: column 'd' is nil")
  local X = df:matrix{ "b", "a" }
  T.eq(X:rows(), 3); T.eq(X:cols(), 2)
  T.near(X, { { 4, 7 }, { 5, 8 }, { 6, 9 } }, 0)
  T.errors(function() df:matrix{ "a", "c" } end, "data.matrix: column 'c' is a factor, not numeric")
  T.errors(function() df:matrix() end, "data.matrix: column 'c' is a factor")
  T.errors(function() df:matrix{ "zz" } end, "data.matrix: no column named 'zz'")
  T.near(df:matrix("b"), { 4, 5, 6 }, 0)
  -- assignment to an existing column is checked too; nil drops a column
  T.errors(function() df.a = { 1, 2 } end, "data.add: column 'a' has 2 rows, but the frame has 3")
  df.a = mat.vec{ 1, 1, 1 }
  T.near(df.a, { 1, 1, 1 }, 0)
  df.b = nil
  T.eq(table.concat(df:names(), " "), "a c")
  T.eq(df.b, nil)
  df.zz = nil                             -- dropping a missing column is a no-op
  T.eq(df:ncol(), 2)
  T.errors(function() df[1] = { 1, 2, 3 } end, "data.frame: column names must be strings")
  local e = data.frame{}
  e:add("x", { 1, 2 })                   -- the first column sets the row count
  T.eq(e:nrow(), 2)
end)

T.test("subset by booleans, 0/1 vector, function; head", function()
  local df = data.frame{ x = { 1, 2, 3, 4 }, g = { "a", "b", false, "a" } }
  local s = df:subset{ true, false, true, true }
  T.eq(s:nrow(), 3)
  T.near(s.x, { 1, 3, 4 }, 0)
  T.eq(s.g[2], nil); T.eq(s.g[3], "a")
  T.eq(table.concat(s.g.levels, " "), "a b")  -- levels kept, as R's subset
  T.eq(df:nrow(), 4, "the original is unchanged")
  T.near(df:subset(mat.vec{ 0, 1, NaN, 1 }).x, { 2, 4 }, 0)  -- NaN drops, as R
  T.near(df:subset(function(row) return row.x > 2 end).x, { 3, 4 }, 0)
  T.near(df:subset(function(row) return row.g == "a" end).x, { 1, 4 }, 0)
  T.near(df:subset(function(_, i) return i % 2 == 0 end).x, { 2, 4 }, 0)
  T.eq(df:subset{ false, false, false, false }:nrow(), 0)
  T.errors(function() df:subset{ true } end, "data.subset: mask has 1 elements but the frame has 4 rows")
  T.errors(function() df:subset{ true, 1, true, true } end, "data.subset: mask element 2 is number, expected a boolean")
  T.errors(function() df:subset(mat.vec{ 0, 2, 1, 1 }) end, "data.subset: mask element 2 is 2")
  T.errors(function() df:subset() end, "data.subset: expected a mask")
  local h = df:head(2)
  T.near(h.x, { 1, 2 }, 0)
  T.eq(df:head():nrow(), 4)
  T.eq(df:head(0):nrow(), 0)
  T.errors(function() df:head(-1) end, "data.head: n must be a non-negative integer")
  T.eq(df:row(2).g, "b"); T.eq(df:row(3).g, nil)
  T.errors(function() df:row(5) end, "data.row: row 5 out of range 1..4")
end)

T.test("describe: R's summary() on mtcars and airquality", function()
  local ref = T.ref("data/summary.txt")
  local mt = T.csv("data/mtcars.csv")
  local df = data.frame{ mpg = mt.mpg, hp = mt.hp, wt = mt.wt, qsec = mt.qsec }
  local d = df:describe()
  for j, v in ipairs{ "hp", "mpg", "qsec", "wt" } do
    local s = d[j]
    T.eq(s.name, v)
    -- quantiles are exact interpolations; the mean is one rounding off at most
    T.near({ s.min, s.q1, s.median, s.mean, s.q3, s.max }, ref[v], 1e-15, v)
    T.eq(s.n_missing, 0)
  end
  local aq = T.csv("data/airquality.csv")
  local s = data.frame{ Ozone = aq.Ozone }:describe()[1]
  T.near({ s.min, s.q1, s.median, s.mean, s.q3, s.max }, ref.Ozone, 1e-15)
  T.eq(s.n_missing, ref.Ozone_na)
  local txt = tostring(df:describe())
  T.ok(txt:find("32 rows, 4 columns", 1, true))
  T.ok(txt:find("mpg%s+numeric%s+10.4%s+15.43%s+19.2%s+20.09%s+22.8%s+33.9%s+0"), txt)
  local f = data.frame{ g = { "a", "b", "a", false } }:describe()[1]
  T.eq(f.type, "factor"); T.near(f.counts, { 2, 1 }, 0); T.eq(f.n_missing, 1)
  -- names with zero bytes or over 99 characters print (string.format would refuse)
  local odd = data.frame{ ["a\0b"] = { "x\0y" }, [string.rep("n", 120)] = { 1 } }
  T.ok(tostring(odd:describe()):find(string.rep("n", 120), 1, true))
  T.ok(tostring(odd):find("x\0y", 1, true))
  T.errors(function() odd:matrix{ "a\0b" } end, "data.matrix: column 'a\\0b' is a factor")
  local allnan = data.frame{ z = { NaN } }:describe()[1]
  T.ok(isnan(allnan.mean) and isnan(allnan.min)); T.eq(allnan.n_missing, 1)
end)

T.test("tostring: R's print layout", function()
  local df = data.frame({ a = { 1, 2.5, 3, NaN }, b = { "x", "y", false, "x" },
    c = { 1e10, 2, 3, -4 }, d = { 0.001234, 123.5, -7, 0 } }, { names = { "a", "b", "c", "d" } })
  local f = assert(io.open(T.refdir .. "data/print_small.txt"))
  local want = f:read("a"):gsub("\n$", ""); f:close()
  T.eq(tostring(df), want)
  -- long frames show the first 20 rows and say so
  local x = {}
  for i = 1, 25 do x[i] = i end
  local s = tostring(data.frame{ x = x })
  T.ok(s:find("\n20 20\n", 1, true) and not s:find("\n21 ", 1, true), s)
  T.ok(s:find("25 x 1 frame: showing the first 20 rows", 1, true))
  -- wide frames wrap into blocks of columns, as R does
  local wide = {}
  for j = 1, 12 do wide[#wide + 1] = { "column_" .. j, { 1000 * j, 2 } } end
  local lines = {}
  for line in (tostring(data.frame(wide)) .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = line end
  T.eq(#lines, 6)
  for _, line in ipairs(lines) do T.ok(#line <= 80, line) end
  T.eq(tostring(data.frame{ a = mat.zeros(0, 1) }), "[1] a\n<0 rows> (data frame with 1 columns)")
end)

T.test("df.x = bad: the error names data.add and the caller's line, not data.lua", function()
  -- through __newindex the checks ran one frame deeper, so their messages
  -- pointed into stdlib/data.lua ("[orrery.data]:412: data.add: ...")
  local df = data.frame({ { "x", { 1, 2, 3 } } })
  for _, v in ipairs { 5, "q", { 1, 2 }, { 1, {} } } do
    local err = T.errors(function() df.z = v end, "data.add: ")
    T.ok(not err:find("orrery.data", 1, true), err)
    T.ok(err:find("test_frame.lua", 1, true), err)
  end
end)
