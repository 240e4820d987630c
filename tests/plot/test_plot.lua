-- plot: ticks, R's hist() breaks and counts (tests/ref/plot/make_hist.R),
-- golden SVG and terminal renderings (tests/ref/plot/make_golden.lua),
-- PNG and PDF files checked by parsing them, facets, the :plot() methods
-- and the errors of bad input.
local T = require "orrery.testing"
local plot = require "orrery.plot"
local surv = require "orrery.surv"
local regress = require "orrery.regress"
local mat = require "orrery.mat"
local P = T.private("plot")

package.path = "tests/ref/plot/?.lua;" .. package.path
local scenes = require "scenes"

local function readfile(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function lines(path)
  local v = {}
  for l in io.lines("tests/ref/plot/" .. path) do v[#v + 1] = tonumber(l) end
  return v
end

local tmpdir = (function()
  local p = os.tmpname()
  os.remove(p)
  os.execute("mkdir -p '" .. p .. "'")
  return p
end)()

T.test("nice ticks: 1, 2, 5 steps inside the range", function()
  T.near(P.ticks(0, 1, 6), { 0, 0.2, 0.4, 0.6, 0.8, 1 }, 1e-12)
  T.near(P.ticks(-3.7, 12.2, 5), { 0, 5, 10 }, 1e-12)
  T.near(P.ticks(0.013, 0.087, 8), { 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08 }, 1e-12)
  T.near(P.ticks_log(0, 3, 6), { 1, 10, 100, 1000 }, 1e-12)
  T.near(P.ticks_log(0, 1, 8), { 1, 2, 5, 10 }, 1e-12)
  T.eq(table.concat(P.ticklabels({ 0, 0.5, 1 }), " "), "0.0 0.5 1.0")
  T.eq(table.concat(P.ticklabels({ -0.0, 10, 20 }), " "), "0 10 20")
  T.eq(table.concat(P.ticklabels({ 1e6, 2e6 }), " "), "1e+06 2e+06")
end)

T.test("pretty() and hist() as R's (faithful, precip, rivers; exact)", function()
  local R = T.ref("plot/hist_ref.txt")
  for i = 1, 6 do
    for _, n in ipairs{ 3, 5, 10 } do
      local r = R[("pretty_%d_%d_range"):format(i, n)]
      T.near(P.pretty(r[1], r[2], n), R[("pretty_%d_%d"):format(i, n)], 1e-12, "pretty " .. i .. " " .. n)
    end
  end
  for _, nm in ipairs{ "eruptions", "waiting", "precip", "rivers" } do
    local p = plot.hist(lines(nm .. ".txt"))
    local l = p.layers[1]
    T.near(l.edges, R[nm .. "_breaks"], 1e-12, nm .. " breaks")
    T.near(l.counts, R[nm .. "_counts"], 0, nm .. " counts")
  end
end)

T.test("golden SVG: a fixed scene and a KM plot, byte for byte", function()
  local a, b = scenes.mixed():svg(), scenes.mixed():svg()
  T.eq(a, b, "two renderings")
  T.eq(a, readfile("tests/ref/plot/mixed.svg"), "mixed.svg")
  T.eq(scenes.km_lung():svg(), readfile("tests/ref/plot/km_lung.svg"), "km_lung.svg")
  T.ok(not a:find(" id=", 1, true), "no ids")
  T.ok(a:find("<text[^>]*>A fixed scene &lt;&amp;&gt;</text>"), "title escaped, as text")
end)

T.test("terminal: KM by group against the committed text, no colour and in colour", function()
  local p = scenes.km_lung()
  T.eq(p:terminal{ width = 72, height = 22, color = false } .. "\n", readfile("tests/ref/plot/km_lung.txt"))
  T.eq(p:terminal{ width = 60, height = 16, color = true } .. "\n", readfile("tests/ref/plot/km_lung_colour.txt"))
  local plain = p:terminal{ width = 50, height = 12, color = false }
  T.ok(not plain:find("\27", 1, true), "no escapes without colour")
  for l in plain:gmatch("[^\n]+") do T.ok(utf8.len(l) <= 50, "line fits the width: " .. l) end
end)

-- PNG: signature, then the IHDR chunk's big-endian width and height
local function png_size(s)
  T.eq(s:sub(1, 8), "\137PNG\r\n\26\n", "PNG signature")
  T.eq(s:sub(13, 16), "IHDR")
  return string.unpack(">I4>I4", s, 17)
end

local function have_file()
  local h = io.popen("command -v file")
  local out = h and h:read("a") or ""
  if h then h:close() end
  return out ~= ""
end

local function file_says(path)
  local h = io.popen("file -b '" .. path .. "'")
  local s = h:read("a")
  h:close()
  return s
end

T.test("PNG and PDF through cairo: valid files of the asked size", function()
  local p = scenes.mixed()
  local png, pdf = tmpdir .. "/a.png", tmpdir .. "/a.pdf"
  p:save(png)
  local w, h = png_size(readfile(png))
  T.eq(w, 700); T.eq(h, 450)
  p:save(png, { width = 4, height = 3, dpi = 150 })
  w, h = png_size(readfile(png))
  T.eq(w, 600); T.eq(h, 450)
  p:save(pdf, { width = 5, height = 4 })
  local s = readfile(pdf)
  T.eq(s:sub(1, 5), "%PDF-")
  local pages = 0
  for _ in s:gmatch("/Type%s*/Page[^s]") do pages = pages + 1 end
  T.eq(pages, 1, "one page")
  T.ok(s:find("/MediaBox%s*%[%s*0 0 360 288%s*%]"), "5 x 4 inches")
  if have_file() then
    T.ok(file_says(png):find("PNG image data, 600 x 450", 1, true), "file(1) on the PNG")
    T.ok(file_says(pdf):find("PDF document", 1, true), "file(1) on the PDF")
  end
  -- a large scatter goes through the stamping path: the points show
  local x, y = {}, {}
  for i = 1, 5000 do x[i] = (i * 7919) % 1000; y[i] = (i * 104729) % 1000 end
  plot.scatter(x, y, { color = "red" }):save(png, { width = 2, height = 2, dpi = 50 })
  w, h = png_size(readfile(png))
  T.eq(w, 100); T.eq(h, 100)
end)

T.test("SVG file and deterministic output", function()
  local path = tmpdir .. "/a.svg"
  scenes.mixed():save(path)
  T.eq(readfile(path), readfile("tests/ref/plot/mixed.svg"))
end)

T.test("facets: one panel per level, shared axes", function()
  local x, y, g = {}, {}, {}
  for i = 1, 30 do x[i] = i; y[i] = i % 7; g[i] = ({ "a", "b", "c" })[i % 3 + 1] end
  local p = plot.scatter(x, y):abline(0, 0.2):facet(g)
  local s = p:svg()
  local strips = 0
  for _ in s:gmatch(">[abc]</text>") do strips = strips + 1 end
  T.eq(strips, 3)
  local t = p:terminal{ width = 40, height = 30, color = false }
  T.ok(t:find("a", 1, true) and t:find("c", 1, true))
end)

T.test("heatmap, bar, hist, log axes render in both forms", function()
  local hm = plot.heatmap({ { 1, -0.5 }, { -0.5, 1 } }, { rownames = { "u", "v" }, colnames = { "u", "v" } })
  T.ok(hm:svg():find(">-0.50</text>", 1, true))
  T.ok(tostring(hm):find("-0.50", 1, true))
  local b = plot.bar({ "x", "y" }, { 2, 3 })
  T.ok(b:svg():find(">x</text>", 1, true))
  local lg = plot.line({ 1, 10, 100, 1000 }, { 1, 2, 3, 4 }, { xlog = true })
  T.ok(lg:svg():find(">100</text>", 1, true))
  T.ok(lg:terminal{ width = 60, height = 12, color = false }:find("1000", 1, true))
  local bad = plot.line({ 1, 2 }, { 1, 2 }, { title = "not UTF-8 \255" })
  T.ok(bad:terminal{ width = 40, height = 8, color = false }:find("not UTF-8", 1, true), "a title that is not UTF-8")
end)

T.test(":plot() methods: KM, Nelson-Aalen, parametric fits, regression fits", function()
  local lung = T.csv("surv/lung.csv")
  local k = surv.km(lung.time, lung.status)
  local p = k:plot()
  T.eq(p.layers[1].kind, "band"); T.eq(p.layers[2].kind, "step")
  T.eq(#p.layers[2].x, #k.time + 1, "from (0, 1)")
  T.eq(#k:plot{ conf = false }.layers, 1)
  T.ok(surv.na(lung.time, lung.status):plot():svg():find("Cumulative hazard", 1, true))
  local f = surv.fit{ time = lung.time, status = lung.status, dist = "weibull" }
  local fp = f:plot{ what = "survival" }
  T.eq(fp.layers[1].kind, "line")
  T.near(fp.layers[1].y[1], 1, 1e-12, "S(0) = 1")
  local x, y = {}, {}
  for i = 1, 40 do x[i] = i; y[i] = 2 + 0.5 * i + ((i * 37) % 11 - 5) / 3 end
  local ols = regress.ols{ y = mat.vec(y), x = mat.vec(x) }
  local rp = ols:plot()
  T.eq(rp.layers[2].kind, "points")
  T.near(rp.layers[2].y, ols:residuals(), 1e-12)
  local qq = ols:plot{ what = "qq" }
  T.eq(#qq.layers[2].x, 40)
  T.errors(function() ols:plot{ what = "leverage" } end, "regress.plot: what must be")
  T.errors(function() k:plot{ colour = 1 } end, "surv.km:plot: unknown option 'colour'")
  -- a Cox fit's baseline: a step from (0, 1) through the baseline survival; per stratum
  local X = mat.new(#lung.time, 1)
  for i = 1, #lung.time do X:set(i, 1, lung.age[i]) end
  local b = surv.cox{ time = lung.time, status = lung.status, x = X }:baseline()
  local bp = b:plot()
  T.eq(bp.layers[1].kind, "step")
  T.eq(#bp.layers[1].x, #b.time + 1, "from time 0")
  T.eq(bp.layers[1].y[1], 1); T.near(bp.layers[1].y[2], b.surv[1], 0)
  T.near(b:plot{ what = "cumhaz" }.layers[1].y[#b.time + 1], b.cumhaz[#b.time], 0)
  local bs = surv.cox{ time = lung.time, status = lung.status, x = X, strata = lung.sex }:baseline()
  T.eq(#bs:plot().layers, 2, "a step per stratum")
  T.errors(function() b:plot{ what = "hazard" } end, "surv.baseline:plot: what must be")
end)

T.test("bad input: clear errors", function()
  T.errors(function() plot.line({ 1, 2, 3 }, { 1, 2 }) end, "plot.line: 'y' has 2 elements but 'x' has 3")
  T.errors(function() plot.new():points({ 1, 2 }, { 1, 2, 3 }) end, "plot:points: 'y' has 3 elements but 'x' has 2")
  T.errors(function() plot.line({ 0 / 0, 0 / 0 }, { 1, 2 }) end, "plot.line: no complete data")
  T.errors(function() plot.hist({ 0 / 0 }) end, "plot.hist: no complete data")
  T.errors(function() plot.heatmap({ { 0 / 0 } }) end, "plot.heatmap: no complete data")
  T.errors(function() plot.line({ 1, math.huge }, { 1, 2 }) end, "plot.line: 'x' has an infinite value")
  T.errors(function() plot.line({ 1, 2 }, { 1, 2 }, { colour = "red" }) end, "plot.line: unknown option 'colour'")
  T.errors(function() plot.new{ titel = "x" } end, "plot.new: unknown option 'titel'")
  T.errors(function() plot.new():line({ 1 }, { 1 }, { dash = 3 }) end, "plot:line: dash must be")
  T.errors(function() plot.new{ legend = "middle" } end, "plot.new: legend must be")
  T.errors(function() plot.new():line({ 1 }, { 1 }, { color = "mauve" }) end, "plot:line: color must be")
  T.errors(function() plot.new():save(tmpdir .. "/e.svg") end, "plot:save: the scene is empty")
  local p = plot.line({ 1, 2 }, { 1, 2 })
  T.errors(function() p:save(tmpdir .. "/x.jpg") end, "plot:save: unknown file type '.jpg'")
  T.errors(function() p:save(tmpdir .. "/noext") end, "plot:save: unknown file type")
  T.errors(function() p:save(tmpdir .. "/x.png", { dpi = 0 }) end, "plot:save: dpi must be")
  T.errors(function() p:save(tmpdir .. "/x.png", { widht = 3 }) end, "plot:save: unknown option 'widht'")
  for _, ext in ipairs{ "svg", "png", "pdf" } do
    T.errors(function() p:save("/nonexistent-dir/x." .. ext) end,
      "plot:save: cannot write '/nonexistent-dir/x." .. ext .. "'")
  end
  T.errors(function() plot.line({ -1, 1 }, { 1, 2 }, { xlog = true, xlim = { -1, 2 } }):svg() end,
    "plot:svg: a log axis needs positive limits")
  T.errors(function() plot.line({ -1, -2 }, { 1, 2 }, { xlog = true }):svg() end,
    "plot:svg: a log axis needs positive values")
  T.errors(function() p:facet({ 1, 2, 3 }):svg() end, "facet: 'by' has 3 elements but no layer")
  T.errors(function() plot.show(42) end, "plot.show: expected a scene")
end)

T.test("saving obeys the sandbox", function()
  local reg = debug.getregistry()
  local old = reg["orrery.sandbox"]
  reg["orrery.sandbox"] = "/nonexistent-sandbox-dir/"
  local p = plot.line({ 1, 2 }, { 1, 2 })
  local ok1, e1 = pcall(p.save, p, tmpdir .. "/s.svg")
  local ok2, e2 = pcall(p.save, p, tmpdir .. "/s.png")
  reg["orrery.sandbox"] = old
  T.ok(not ok1 and tostring(e1):find("disabled in this sandbox", 1, true), tostring(e1))
  T.ok(not ok2 and tostring(e2):find("disabled in this sandbox", 1, true), tostring(e2))
end)

T.test("display: scenes are rich (SVG) and show through the sink", function()
  local display = require "orrery.display"
  local p = plot.line({ 1, 2 }, { 1, 2 })
  local b = display.bundle(p)
  T.ok(b["image/svg+xml"]:find("^<svg"))
  T.ok(b["text/plain"]:find("┤", 1, true))
  local got
  local old = display.set_sink(function(bb) got = bb end)
  plot.show(p)
  display.set_sink(old)
  T.ok(got and got["image/svg+xml"], "the sink received the SVG")
end)

os.execute("rm -rf '" .. tmpdir .. "'")

T.test("report: printouts become HTML tables, prose stays text", function()
  local R = require "orrery.plot.report"
  local fit = regress.ols{ y = { 1, 3, 2, 5, 4, 6 }, x = { 1, 2, 3, 4, 5, 6 } }
  local h = R.text_html(tostring(fit))
  T.ok(h:find("<th>Estimate</th>", 1, true), "coefficient table")
  T.ok(h:find("<th>t value</th>", 1, true), "a header over no data joins the next")
  T.ok(h:find("<pre>Residual standard error", 1, true), "prose stays text")
  local prose = "Likelihood ratio test=43.14  on 3 df,   p=2.296e-09\nn= 137, number of events= 128"
  T.ok(not R.text_html(prose):find("<table>"))
  T.ok(R.text_html("a & b <c>"):find("a &amp; b &lt;c&gt;", 1, true), "escaped")
end)

T.test("df:plot: replicates averaged per x and group, with normal error bars", function()
  local data = require "orrery.data"
  local stats = require "orrery.stats"
  local df = data.frame{ n = { 1, 1, 1, 2, 2, 2, 1, 2 }, g = { "a", "a", "a", "a", "a", "a", "b", "b" },
    v = { 1, 2, 6, 4, 4, 7, 3, 0 / 0 } }
  local p = df:plot{ x = "n", y = "v", by = "g" }
  local bar, line = p.layers[1], p.layers[2]
  T.eq(bar.kind, "errorbar"); T.eq(line.kind, "line"); T.eq(line.label, "g=a")
  T.near(line.y, { 3, 5 }, 1e-14, "means")
  local h = stats.qnorm(0.975) * math.sqrt(7 / 3)   -- sd^2 = 7 at n = 1, s.e. sqrt(7/3)
  T.near(bar.lo[1], 3 - h, 1e-12); T.near(bar.hi[1], 3 + h, 1e-12)
  T.eq(#p.layers[4].x, 1, "group b: the NaN row dropped, one point, no bars")
  T.eq(p.layers[4].label, "g=b"); T.eq(p.layers[4].kind, "line")
  T.errors(function() df:plot{ x = "n" } end, "df:plot: x and y (column names) are required")
  T.errors(function() df:plot{ x = "n", y = "w" } end, "df:plot: no column 'w'")
  T.errors(function() df:plot{ x = "n", y = "g" } end, "df:plot: column 'g' (y) must be numeric")
  T.errors(function() df:plot{ x = "n", y = "v", colour = 1 } end, "df:plot: unknown option 'colour'")
end)
