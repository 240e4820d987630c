-- The HTML form of matrices and frames (orrery.display's __html): the same
-- cells and truncation as their printout (20 rows; a matrix also 10
-- columns), every cell escaped, through display.table_html.
local T = require "orrery.testing"
local mat = require "orrery.mat"
local data = require "orrery.data"
local display = require "orrery.display"

local function count(s, pat)
  local n = 0
  for _ in s:gmatch(pat) do n = n + 1 end
  return n
end

T.test("display.table_html escapes every cell, header and note", function()
  local h = display.table_html({ "", "a<b" }, { { "1", 'x & "y"' }, { "2", "<td>" } }, { note = "n > 1" })
  T.ok(h:find("<th>a&lt;b</th>", 1, true), h)
  T.ok(h:find("<td>x &amp; &quot;y&quot;</td>", 1, true), h)
  T.ok(h:find("<td>&lt;td&gt;</td>", 1, true), h)
  T.ok(h:find("<p>n &gt; 1</p>", 1, true), h)
  T.eq(count(h, "<tr>"), 3)
  T.eq(display.escape("<&>\""), "&lt;&amp;&gt;&quot;")
  T.ok(not display.table_html(nil, {}):find("<thead>", 1, true), "no header")
end)

T.test("display.table_html: bad input", function()
  T.errors(function() display.table_html({ "a" }, "x") end, "display.table_html: rows must be an array")
  T.errors(function() display.table_html({ "a" }, { { {} } }) end, "display.table_html: row 1 has a table in cell 1")
  T.errors(function() display.table_html({ "a" }, {}, { width = 3 }) end, "display.table_html: unknown option 'width'")
  T.errors(function() display.table_html({ "a" }, {}, { note = 1 }) end, "display.table_html: note must be a string")
  T.errors(function() display.escape(nil) end, "display.escape: expected a string")
end)

T.test("a frame's HTML: the printout's rows, escaped factor levels, its note", function()
  local x, g = {}, {}
  for i = 1, 25 do x[i] = i / 4; g[i] = i % 2 == 0 and "a<b" or "c&d" end
  x[3] = 0 / 0
  local df = data.frame{ x = x, g = data.factor(g) }
  local b = display.bundle(df)
  local h = b["text/html"]
  T.ok(h, "a frame has text/html")
  T.eq(b["text/plain"], tostring(df))
  T.eq(count(h, "<tr>"), 21, "a header and the 20 rows the printout shows")
  T.ok(h:find("<td>a&lt;b</td>", 1, true) and h:find("<td>c&amp;d</td>", 1, true), "levels escaped")
  T.ok(not h:find("a<b", 1, true), "nothing unescaped")
  T.ok(h:find("<td>20</td>", 1, true) and not h:find("<td>21</td>", 1, true), "row labels 1..20")
  -- the numbers are the printout's (one format for the column, NA for NaN)
  T.ok(tostring(df):find("  NA", 1, true) and h:find("<td>NA</td>", 1, true), "NA as printed")
  T.ok(h:find("<td>0.25</td>", 1, true) and tostring(df):find("0.25", 1, true), "0.25 as printed")
  T.ok(h:find("<p>[ 25 x 2 frame: showing the first 20 rows ]</p>", 1, true), h:sub(-120))
  local small = display.bundle(df:head(3))["text/html"]
  T.eq(count(small, "<tr>"), 4)
  T.ok(not small:find("<p>", 1, true), "no note when nothing is left out")
  T.ok(display.bundle(data.frame{})["text/html"]:find("<pre>data frame with 0 columns", 1, true))
end)

T.test("a matrix's HTML: 20 rows by 10 columns, as printed", function()
  local m = mat.new(25, 12)
  for i = 1, 25 do for j = 1, 12 do m:set(i, j, i + j / 100) end end
  local h = display.bundle(m)["text/html"]
  T.eq(count(h, "<tr>"), 21)
  T.eq(count(h, "<th>"), 11, "the row label column and 10 columns")
  T.ok(h:find("<th>[,10]</th>", 1, true) and not h:find("[,11]", 1, true))
  T.ok(h:find("<td>[20,]</td><td>20.01</td>", 1, true), "row 20 as printed")
  T.ok(tostring(m):find("20.01", 1, true))
  T.ok(h:find("<p>25 x 12 matrix, showing 20 x 10</p>", 1, true), h:sub(-80))
  local s = display.bundle(mat.from{ { 0 / 0, math.huge } })["text/html"]
  T.ok(s:find("<td>NaN</td><td>Inf</td>", 1, true) and not s:find("<p>", 1, true), s)
  T.eq(display.bundle(mat.new(0, 2))["text/html"], "<pre>&lt;0 x 2 matrix&gt;</pre>")
end)

T.test("report: a printed frame or matrix is its __html; other objects keep the heuristic", function()
  local R = require "orrery.plot.report"
  local base = os.tmpname()
  local script, out = base .. ".lua", base .. ".html"
  local f = assert(io.open(script, "w"))
  f:write([[
local data = require "orrery.data"
local mat = require "orrery.mat"
local x = {}
for i = 1, 25 do x[i] = i end
print(data.frame{ x = x, g = data.factor(x) })
print(mat.new(2, 2, 7))
print(require("orrery.regress").ols{ y = { 1, 3, 2, 5, 4, 6 }, x = { 1, 2, 3, 4, 5, 6 } })
print("a < b")
]])
  f:close()
  local ok, err = R.run(script, out, {})
  local h = io.open(out, "r"):read("a")
  os.remove(script); os.remove(out); os.remove(base)
  T.ok(ok, err)
  T.ok(h:find("<p>[ 25 x 2 frame: showing the first 20 rows ]</p>", 1, true), "the frame's own table and note")
  T.ok(h:find("<th>[,2]</th>", 1, true), "the matrix's own table")
  T.ok(h:find("<th>Estimate</th>", 1, true), "a fit without __html: its printout's columns become a table")
  T.ok(h:find("<pre>a &lt; b</pre>", 1, true), "plain text stays text")
end)
