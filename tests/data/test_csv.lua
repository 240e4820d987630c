-- data.read_csv and data.write_csv: the torture file (tests/ref/data/
-- make_torture.py), errors with line numbers, options, round trips, and
-- R's data sets read back exactly as the plain reference reader reads them.
local T = require "orrery.testing"
local NaN, Inf = 0 / 0, math.huge

local function levels(f) return table.concat(f.levels, "|") end

local function tmpfile(text)
  local path = os.tmpname()
  if text then
    local f = assert(io.open(path, "wb")); f:write(text); f:close()
  end
  return path
end

T.test("torture.csv: every cell", function()
  local df = data.read_csv(T.refdir .. "data/torture.csv")
  T.eq(df:nrow(), 6)
  T.eq(table.concat(df:names(), " "), "id text num mixed quoted_num empty spaces")  -- BOM gone
  T.near(df.id, { 1, 2, 3, 4, 5, 6 }, 0)
  -- text: separators, doubled quotes and a CRLF inside quotes; NA missing;
  -- a quoted empty string is the empty string, not missing
  local t = df.text
  T.ok(data.is_factor(t))
  T.eq(levels(t), '|comma, inside|line\r\nbreak|plain|quote "inside"')
  T.eq(t[1], "plain"); T.eq(t[2], "comma, inside"); T.eq(t[3], 'quote "inside"')
  T.eq(t[4], "line\r\nbreak"); T.eq(t[5], nil); T.eq(t[6], "")
  -- num: exponents, NA, Inf/-inf in any case
  T.near(df.num, { 1.5, -2250, NaN, Inf, -Inf, 0.1 }, 0)
  T.eq(df.num[6], 0.1, "0.1 exactly rounded")
  -- mixed: numeric until row 3 says "late": text from the start, numbers
  -- kept as their text; unquoted NA and empty are missing, "NA" quoted is text
  local m = df.mixed
  T.ok(data.is_factor(m))
  T.eq(levels(m), "10|12|NA|late")
  T.near(m.codes, { 1, NaN, 4, 3, NaN, 2 }, 0)
  -- numbers in quotes are numbers
  T.near(df.quoted_num, { 1, 2.5, -3, 4, 0.5, 6 }, 0)
  -- a column of nothing but missing values is numeric NaN
  T.ok(not data.is_factor(df.empty))
  T.near(df.empty, { NaN, NaN, NaN, NaN, NaN, NaN }, 0)
  -- spaces around numbers are allowed
  T.near(df.spaces, { 7, 8, 9, 10, 11, 12 }, 0)
end)

T.test("errors name the line, counting line breaks inside quotes", function()
  local P = T.private("data").parse_string
  T.errors(function() P("a,b,c,d\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3\n") end,
    "data.read_csv: line 7 has 3 fields, expected 4")
  T.errors(function() P("a,b\n1,2,3\n") end, "data.read_csv: line 2 has 3 fields, expected 2")
  T.errors(function() P('a,b\n"x\r\ny",1\n\n3\n') end, "data.read_csv: line 5 has 1 fields, expected 2")
  T.errors(function() P('a,b\n1,"x\ny\n') end, "data.read_csv: line 2: a quoted field is not closed")
  T.errors(function() P('a,b\n1,"x"y\n') end, "data.read_csv: line 2: unexpected text after a closing quote")
  T.errors(function() P('a\r1\r2,3\r') end, "data.read_csv: line 3 has 2 fields, expected 1")
  -- blank lines (and a BOM) before the header count as lines
  T.errors(function() P("\xEF\xBB\xBF\r\n\na,b\n1\n") end, "data.read_csv: line 4 has 1 fields, expected 2")
  T.errors(function() P('a,b\n"x\ny\nz",1\n1\n') end, "data.read_csv: line 5 has 1 fields, expected 2")
  T.errors(function() P('a,b\n1,2\n"x,3\n') end, "data.read_csv: line 3: a quoted field is not closed")
  -- a ragged header-less file: the first record sets the width
  T.errors(function() P("1,2\n3\n", { header = false }) end, "data.read_csv: line 2 has 1 fields, expected 2")
  T.errors(function() data.read_csv(T.refdir .. "data/no_such_file.csv") end,
    "data.read_csv: cannot open '" .. T.refdir .. "data/no_such_file.csv'")
end)

T.test("options: sep, header, na; unknown options rejected", function()
  local P = T.private("data").parse_string
  local df = P("1;x\n2;y\n", { sep = ";", header = false })
  T.eq(table.concat(df:names(), " "), "V1 V2")
  T.near(df.V1, { 1, 2 }, 0); T.eq(df.V2[2], "y")
  df = P("a\tb\n1\t2\n", { sep = "\t" })
  T.near(df.b, { 2 }, 0)
  -- custom markers: -999 is missing even though it is a number
  df = P("a,b\n1,x\n-999,.\n3,y\n", { na = { "-999", "." } })
  T.near(df.a, { 1, NaN, 3 }, 0)
  T.eq(df.b[2], nil); T.eq(levels(df.b), "x|y")
  df = P("a\nmissing\n2\n", { na = "missing" })
  T.near(df.a, { NaN, 2 }, 0)
  -- no markers: "NA" is text; empty fields are still missing numbers (as R)
  df = P("a,b\nNA,1\nz,\n", { na = {} })
  T.eq(levels(df.a), "NA|z"); T.near(df.b, { 1, NaN }, 0)
  T.errors(function() P("a\n1\n", { sepp = "," }) end, "data.read_csv: unknown option 'sepp'")
  T.errors(function() P("a\n1\n", { sep = ",," }) end, "data.read_csv: sep must be one character")
  T.errors(function() P("a\n1\n", { sep = '"' }) end, "data.read_csv: sep must be one character")
  T.errors(function() P("a\n1\n", { sep = "e" }) end, "data.read_csv: sep must be one character")
  T.errors(function() P("a\n1\n", { header = 1 }) end, "data.read_csv: option 'header' must be a boolean")
  T.errors(function() P("a\n1\n", { na = 5 }) end, "data.read_csv: option 'na' must be a string or an array of strings")
  T.errors(function() P("a\n1\n", { na = { "x", 5 } }) end, "data.read_csv: option 'na' element 2 is number")
  T.errors(function() P("a\n1\n", "x") end, "data.read_csv: options must be a table")
  T.errors(function() data.read_csv(nil) end, "string expected")
end)

T.test("empty, header-only and odd files", function()
  local P = T.private("data").parse_string
  local df = P("")
  T.eq(df:nrow(), 0); T.eq(#df:names(), 0)
  df = P("\xEF\xBB\xBF\r\n\r\n")
  T.eq(#df:names(), 0)
  df = P("a,b\r\n")
  T.eq(df:nrow(), 0); T.eq(table.concat(df:names(), " "), "a b")
  T.eq(df.a:rows(), 0)
  -- names: empty ones become Vj, repeats are made unique
  df = P("a,a,,b,a\n1,2,3,4,5\n")
  T.eq(table.concat(df:names(), " "), "a a.1 V3 b a.2")
  -- a trailing separator makes an empty last field; no final line break
  df = P("a,b\n1,\n2,3")
  T.near(df.b, { NaN, 3 }, 0)
  -- levels in C byte order, not the locale's
  df = P("g\nb\nB\n_\na\n")
  T.eq(levels(df.g), "B|_|a|b")
  -- a quoted header; NUL bytes are data
  df = P('"x y","z"\n"a\0b",1\n')
  T.eq(df["x y"][1], "a\0b")
  -- a file on disk, empty and header-only
  local path = tmpfile("")
  T.eq(#data.read_csv(path):names(), 0)
  path = tmpfile("p,q\n")
  T.eq(table.concat(data.read_csv(path):names(), " "), "p q")
  os.remove(path)
end)

T.test("numbers are exactly rounded, as strtod", function()
  local cases = { "0.1", "0.3", "2.2250738585072011e-308", "4.9e-324", "1e23",
    "1.7976931348623157e308", "9007199254740993", "123456789012345678901234567890",
    "3.141592653589793238462643383279", "-0", "1e400", "1e-400", "7.038531e-26" }
  local csv = "x\n" .. table.concat(cases, "\n") .. "\n"
  local df = T.private("data").parse_string(csv)
  for i, s in ipairs(cases) do
    local want = s == "-0" and -0.0 or tonumber(s) + 0.0  -- Lua's tonumber is strtod
    T.eq(string.pack("d", df.x[i]), string.pack("d", want), s)
  end
  T.eq(1 / df.x[10], -Inf, "-0 keeps its sign")
end)

T.test("R's data sets read as the plain reference reader reads them", function()
  for _, name in ipairs{ "mtcars", "airquality", "iris" } do
    local df = data.read_csv(T.refdir .. "data/" .. name .. ".csv")
    local ref = T.csv("data/" .. name .. ".csv")
    T.eq(table.concat(df:names(), " "), table.concat(ref.names, " "), name)
    for _, v in ipairs(ref.names) do
      if not data.is_factor(df[v]) then T.near(df[v], ref[v], 0, name .. "." .. v) end
    end
  end
  local iris = data.read_csv(T.refdir .. "data/iris.csv")
  local ref = T.ref("data/summary.txt")
  T.eq(levels(iris.Species), table.concat(ref.Species_levels, "|"))
  T.near({ iris.Species:counts() }, { ref.Species_counts, 0 }, 0)
  local mt = data.read_csv(T.refdir .. "data/mtcars.csv")
  T.eq(mt.model[1], "Mazda RX4")
  local f = assert(io.open(T.refdir .. "data/print_mtcars12.txt"))
  local want = f:read("a"):gsub("\n$", ""); f:close()
  T.eq(tostring(mt:head(12)), want)
end)

T.test("write_csv then read_csv gives the same frame", function()
  local x = { 0.1, 1 / 3, 1e-300, -0.0, Inf, -Inf, 5e-324, NaN, 2 ^ 53 + 2, -1.5e300 }
  local s = { "plain", "with, comma", 'a "quote"', "two\nlines", "", "NA",
    false, "  spaced  ", "\r", "é" }
  local df = data.frame({ x = x, s = s, n = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 } },
    { names = { "x", "s", "n" } })
  local path = tmpfile()
  data.write_csv(df, path)
  local back = data.read_csv(path)
  T.eq(table.concat(back:names(), " "), "x s n")
  for i = 1, #x do
    if x[i] ~= x[i] then T.ok(back.x[i] ~= back.x[i])
    else T.eq(string.pack("d", back.x[i]), string.pack("d", x[i]), "x[" .. i .. "]") end
    T.eq(back.s[i], s[i] or nil, "s[" .. i .. "]")
  end
  T.eq(levels(back.s), levels(df.s))
  T.near(back.n, df.n, 0)
  -- the text itself: shortest exact numbers, text quoted, NA bare
  local f = assert(io.open(path, "rb")); local text = f:read("a"); f:close()
  T.ok(text:find('^"x","s","n"\n0.1,"plain",1\n0.3333333333333333,"with, comma",2\n'), text)
  T.ok(text:find('\nNaN,"', 1, true) == nil)
  T.ok(text:find('\n5e-324,NA,7\nNA,"  spaced  ",8\n', 1, true), text)
  -- options
  data.write_csv(df:head(2), path, { sep = ";", na = "" })
  f = assert(io.open(path, "rb")); text = f:read("a"); f:close()
  T.eq(text, '"x";"s";"n"\n0.1;"plain";1\n0.3333333333333333;"with, comma";2\n')
  T.near(data.read_csv(path, { sep = ";" }).x, { 0.1, 1 / 3 }, 0)
  os.remove(path)
  T.errors(function() data.write_csv(df, path, { sepp = "," }) end, "data.write_csv: unknown option 'sepp'")
  T.errors(function() data.write_csv(df, path, { sep = "\n" }) end, "data.write_csv: sep must be one character")
  T.errors(function() data.write_csv({}, path) end, "data.write_csv: expected a data frame")
  T.errors(function() data.write_csv(df, 3) end, "data.write_csv: path must be a string")
  T.errors(function() data.write_csv(df, "/nonexistent/dir/x.csv") end, "data.write_csv: cannot open '/nonexistent/dir/x.csv'")
end)

T.test("help documents the public functions", function()
  local help = require "orrery.help"
  for _, name in ipairs{ "data.read_csv", "data.write_csv", "data.frame", "data.factor",
    "data.is_factor", "df:subset", "df:describe", "df:matrix" } do
    T.ok(help.lookup(name), name)
  end
end)

T.test("numeric columns: blank fields and quoted markers are missing (as R)", function()
  -- R's read.csv: read.csv(text = 'a,b\n1,2\n3,"NA"')$b is c(2, NA), and a
  -- field of only spaces (quoted or not) in a numeric column is NA. The
  -- column must stay numeric rather than turn into a factor of its values.
  -- Markers are not stripped: " NA " is text in R too.
  local P = T.private("data").parse_string
  local df = P('a,b\n1,2\n3,"NA"\n')
  T.ok(not data.is_factor(df.b)); T.near(df.b, { 2, NaN }, 0)
  df = P("a\tb\n1\t2\n3\t \n", { sep = "\t" })
  T.ok(not data.is_factor(df.b)); T.near(df.b, { 2, NaN }, 0)
  df = P('a,b\n1," "\n2,  \n4,5\n')
  T.ok(not data.is_factor(df.b)); T.near(df.b, { NaN, NaN, 5 }, 0)
  df = P('a\n"-99"\n1\n', { na = { "-99" } })
  T.near(df.a, { NaN, 1 }, 0)
  df = P("a\n NA \n1\n")
  T.ok(data.is_factor(df.a)); T.eq(levels(df.a), " NA |1")
  -- a column that turns text later keeps "NA" in quotes as its text and
  -- the blank field as a level (text fields are not stripped, as R)
  df = P('a\n"NA"\n \nx\n')
  T.ok(data.is_factor(df.a)); T.eq(levels(df.a), " |NA|x")
end)

T.test("write_csv refuses what read_csv could not read back", function()
  -- sep "." made 1.5 unreadable ("1.5"."a"); an na containing the separator
  -- or a quote made ragged rows or an unclosed quote in the file
  local df = data.frame({ { "x", { 1.5, NaN } }, { "s", { "a", false } } })
  local path = tmpfile()
  for _, sep in ipairs { ".", "1", "e", "-", "+", '"', "\n", "\0", ",," } do
    T.errors(function() data.write_csv(df, path, { sep = sep }) end,
      "data.write_csv: sep must be one character, not a quote, line break, letter, digit, '.', '+' or '-'")
  end
  for _, na in ipairs { "a,b", '"', "x\ny", "\r" } do
    T.errors(function() data.write_csv(df, path, { na = na }) end,
      "data.write_csv: na must not hold the separator, a quote or a line break")
  end
  data.write_csv(df, path, { sep = ";", na = "a,b" })  -- fine with another sep
  local back = data.read_csv(path, { sep = ";", na = "a,b" })
  T.near(back.x, { 1.5, NaN }, 0); T.eq(back.s[2], nil)
  os.remove(path)
end)

T.test("write_csv: a factor comes back with the levels it uses, in C order", function()
  -- as help says: a relevel and an unused level are not in the file
  local f = data.relevel(data.factor({ "b", "a", false, "b" }, { "a", "b", "c" }), "c")
  T.eq(levels(f), "c|a|b")
  local path = tmpfile()
  data.write_csv(data.frame({ { "f", f } }), path)
  local back = data.read_csv(path)
  T.eq(levels(back.f), "a|b")
  for i = 1, 4 do T.eq(back.f[i], f[i]) end
  os.remove(path)
end)
