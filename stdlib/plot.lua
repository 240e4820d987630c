-- plot: scenes built by chained calls, drawn in the terminal (braille) or
-- to files (SVG written here; PNG and PDF through cairo, modules/plot).
--
-- A scene is a list of layers in data units and the scene's options. Each
-- renderer lays it out: ranges over every layer, nice ticks that fit, one
-- panel per facet level. The file renderers share a display list (device
-- units: points, y down, see modules/plot/lplot.c); the terminal draws
-- on a braille canvas.
local M, C = ...
local mat = require "orrery.mat"
local args = require "orrery.args"
local help = require "orrery.help"
local display = require "orrery.display"

local fail, fmt = args.fail, string.format
local floor, ceil, abs = math.floor, math.ceil, math.abs
-- math.log(x, 10) is C's log10 (exact at powers of ten)
local function log10(x) return math.log(x, 10) end
local huge = math.huge
-- characters in s (bytes when s is not valid UTF-8)
local function ulen(s) return utf8.len(s) or #s end

local methods = {}
local Scene = { __index = methods, __name = "plot.scene" }

-- The palette (colour-blind safe, after Okabe and Ito) and the ANSI SGR
-- colour nearest to each, for the terminal.
local PALETTE = { "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9",
  "#f0e442", "#000000" }
local ANSI = { 34, 33, 32, 31, 35, 36, 93, 39 }
local NAMED = { black = "#000000", grey = "#7f7f7f", gray = "#7f7f7f", red = "#d55e00",
  blue = "#0072b2", green = "#009e73", orange = "#e69f00", purple = "#cc79a7",
  white = "#ffffff" }
local BASIC = { { 0, 0, 0, 39 }, { 205, 0, 0, 31 }, { 0, 205, 0, 32 }, { 205, 205, 0, 33 },
  { 0, 0, 238, 34 }, { 205, 0, 205, 35 }, { 0, 205, 205, 36 }, { 229, 159, 0, 33 } }

local DEFAULT_W, DEFAULT_H, DEFAULT_DPI = 7, 4.5, 100   -- inches, dots per inch

-- ------------------------------------------------------------ input

-- a colour option: a palette index, a name, or "#rrggbb"
local function colour(fn, c)
  if c == nil then return nil end
  if math.type(c) == "integer" and c >= 1 then return PALETTE[(c - 1) % #PALETTE + 1] end
  if type(c) == "string" then
    if NAMED[c] then return NAMED[c] end
    if c:match("^#%x%x%x%x%x%x$") then return c:lower() end
  end
  fail(fn, "color must be a palette number, a name (%s) or \"#rrggbb\", got '%s'",
    "black, grey, red, blue, green, orange, purple", tostring(c))
end

local function ansi_of(hex)
  for i, p in ipairs(PALETTE) do if p == hex then return ANSI[i] end end
  local r, g, b = tonumber(hex:sub(2, 3), 16), tonumber(hex:sub(4, 5), 16), tonumber(hex:sub(6, 7), 16)
  local best, bd = 39, huge
  for _, c in ipairs(BASIC) do
    local d = (r - c[1]) ^ 2 + (g - c[2]) ^ 2 + (b - c[3]) ^ 2
    if d < bd then best, bd = c[4], d end
  end
  return best
end

-- A data vector: n x 1 mat; an infinite value is an error, NaN is missing.
local function vec(fn, v, what)
  if v == nil then fail(fn, "'%s' is missing", what) end
  local m = args.vec(fn, v, what)
  local _, inf = C._scan(m)
  if inf > 0 then fail(fn, "'%s' has an infinite value in element %d", what, inf) end
  return m
end

-- Vectors of one length with at least one complete row.
local function same(fn, ...)
  local list = { ... }
  local n
  for k = 1, #list, 2 do
    local m, what = list[k], list[k + 1]
    if n == nil then n = #m
    elseif #m ~= n then fail(fn, "'%s' has %d elements but '%s' has %d", what, #m, list[2], n) end
  end
  for i = 1, n do
    local ok = true
    for k = 1, #list, 2 do local e = list[k][i]; if e ~= e then ok = false; break end end
    if ok then return n end
  end
  fail(fn, "no complete data: every row has a missing value (NaN)")
end

local function opts(fn, t, allowed)
  return args.checkopts(fn, t, allowed)
end

-- ------------------------------------------------------------ scenes

local SCENE_OPTS = { "title", "xlab", "ylab", "xlog", "ylog", "legend", "xlim", "ylim" }
local LEGENDS = args.set{ "topright", "topleft", "bottomright", "bottomleft", "none" }

local function limits(fn, v, what)
  if v == nil then return nil end
  if type(v) ~= "table" or type(v[1]) ~= "number" or type(v[2]) ~= "number" or not (v[1] < v[2]) then
    fail(fn, "%s must be {lo, hi} with lo < hi", what)
  end
  return { v[1], v[2] }
end

local function new(o)
  o = opts("plot.new", o, SCENE_OPTS)
  for _, k in ipairs{ "title", "xlab", "ylab" } do
    if o[k] ~= nil and type(o[k]) ~= "string" then fail("plot.new", "%s must be a string", k) end
  end
  if o.legend ~= nil and not LEGENDS[o.legend] then
    fail("plot.new", "legend must be \"topright\", \"topleft\", \"bottomright\", \"bottomleft\" or \"none\", got '%s'",
      tostring(o.legend))
  end
  local s = {
    title = o.title, xlab = o.xlab, ylab = o.ylab, xlog = o.xlog and true or false,
    ylog = o.ylog and true or false, legend = o.legend or "topright",
    xlim = limits("plot.new", o.xlim, "xlim"), ylim = limits("plot.new", o.ylim, "ylim"),
    layers = {}, ncolour = 0,
  }
  return setmetatable(s, Scene)
end
M.new = help.doc(new, "plot.new", [[
plot.new([opts]) -> an empty scene
  opts: title, xlab, ylab (strings), xlog, ylog (booleans: log10 axes),
  xlim, ylim ({lo, hi}: fixed axis ranges; data outside are clipped),
  legend ("topright" (default), "topleft", "bottomright", "bottomleft",
  "none"; shown when a layer has a label).
Layers are added by methods that return the scene, so calls chain:
  plot.new{title = "fit"}:points(x, y):line(x, yhat, {label = "ols"})
tostring(p) draws it in the terminal; p:save(path) writes SVG, PNG or PDF.]])

-- the next palette colour, or the layer's own
local function pick(s, fn, c, advance)
  local col = colour(fn, c)
  if col then return col end
  local k = s.ncolour
  if advance ~= false then s.ncolour = k + 1 end
  return PALETTE[k % #PALETTE + 1]
end

local function add(s, layer)
  s.layers[#s.layers + 1] = layer
  return s
end

local function label(fn, o)
  if o.label ~= nil and type(o.label) ~= "string" then fail(fn, "label must be a string") end
  return o.label
end

local function checkscene(fn, s)
  if getmetatable(s) ~= Scene then fail(fn, "expected a scene (plot.new), got %s", type(s)) end
end

local function dashopt(fn, d)
  if d == nil or d == false then return nil end
  if d == true or d == "dash" then return { 5, 3 } end
  if d == "dot" then return { 1.5, 2.5 } end
  fail(fn, "dash must be true, \"dash\" or \"dot\", got '%s'", tostring(d))
end

local function numopt(fn, v, what, lo)
  if v == nil then return nil end
  if type(v) ~= "number" or v ~= v or v <= (lo or 0) or v == huge then
    fail(fn, "%s must be a positive number", what)
  end
  return v
end

function methods.line(s, x, y, o)
  local fn = "plot:line"
  checkscene(fn, s)
  o = opts(fn, o, { "label", "color", "dash", "width" })
  x, y = vec(fn, x, "x"), vec(fn, y, "y")
  same(fn, x, "x", y, "y")
  return add(s, { kind = "line", x = x, y = y, label = label(fn, o), color = pick(s, fn, o.color),
    dash = dashopt(fn, o.dash), width = numopt(fn, o.width, "width") or 1.5 })
end

function methods.points(s, x, y, o)
  local fn = "plot:points"
  checkscene(fn, s)
  o = opts(fn, o, { "label", "color", "size", "alpha" })
  x, y = vec(fn, x, "x"), vec(fn, y, "y")
  same(fn, x, "x", y, "y")
  local alpha = o.alpha
  if alpha ~= nil and (type(alpha) ~= "number" or not (alpha > 0 and alpha <= 1)) then
    fail(fn, "alpha must be in (0, 1]")
  end
  return add(s, { kind = "points", x = x, y = y, label = label(fn, o), color = pick(s, fn, o.color),
    size = numopt(fn, o.size, "size") or 2, alpha = alpha or 1 })
end

function methods.step(s, x, y, o)
  local fn = "plot:step"
  checkscene(fn, s)
  o = opts(fn, o, { "label", "color", "dash", "width", "marks" })
  x, y = vec(fn, x, "x"), vec(fn, y, "y")
  same(fn, x, "x", y, "y")
  local marks = o.marks ~= nil and vec(fn, o.marks, "marks") or nil
  return add(s, { kind = "step", x = x, y = y, label = label(fn, o), color = pick(s, fn, o.color),
    dash = dashopt(fn, o.dash), width = numopt(fn, o.width, "width") or 1.5, marks = marks })
end

function methods.band(s, x, lo, hi, o)
  local fn = "plot:band"
  checkscene(fn, s)
  o = opts(fn, o, { "label", "color", "alpha", "step" })
  x, lo, hi = vec(fn, x, "x"), vec(fn, lo, "lo"), vec(fn, hi, "hi")
  same(fn, x, "x", lo, "lo", hi, "hi")
  local alpha = o.alpha
  if alpha ~= nil and (type(alpha) ~= "number" or not (alpha > 0 and alpha <= 1)) then
    fail(fn, "alpha must be in (0, 1]")
  end
  return add(s, { kind = "band", x = x, lo = lo, hi = hi, label = label(fn, o),
    color = pick(s, fn, o.color, false), alpha = alpha or 0.2, step = o.step and true or false })
end

function methods.errorbar(s, x, lo, hi, o)
  local fn = "plot:errorbar"
  checkscene(fn, s)
  o = opts(fn, o, { "label", "color" })
  x, lo, hi = vec(fn, x, "x"), vec(fn, lo, "lo"), vec(fn, hi, "hi")
  same(fn, x, "x", lo, "lo", hi, "hi")
  return add(s, { kind = "errorbar", x = x, lo = lo, hi = hi, label = label(fn, o),
    color = pick(s, fn, o.color, false) })
end

function methods.abline(s, a, b, o)
  local fn = "plot:abline"
  checkscene(fn, s)
  o = opts(fn, o, { "label", "color", "dash", "width" })
  if type(a) ~= "number" or type(b) ~= "number" or a ~= a or b ~= b or abs(a) == huge or abs(b) == huge then
    fail(fn, "intercept and slope must be finite numbers")
  end
  return add(s, { kind = "abline", a = a, b = b, label = label(fn, o), color = colour(fn, o.color) or "#7f7f7f",
    dash = dashopt(fn, o.dash), width = numopt(fn, o.width, "width") or 1 })
end

function methods.text(s, x, y, str, o)
  local fn = "plot:text"
  checkscene(fn, s)
  o = opts(fn, o, { "color", "size" })
  if type(x) ~= "number" or type(y) ~= "number" or x ~= x or y ~= y then fail(fn, "x and y must be numbers") end
  if type(str) ~= "string" then fail(fn, "text must be a string") end
  return add(s, { kind = "text", x = x, y = y, s = str, color = colour(fn, o.color) or "#000000",
    size = numopt(fn, o.size, "size") or 9 })
end

local ticks_linear  -- defined below

-- R's pretty(c(lo, hi), n) (src/appl/pretty.c, default biases h = 1.5,
-- h5 = 0.5 + 1.5 h, min.n = n %/% 3 unless given): about n + 1 equally spaced round
-- values covering [lo, hi]. hist() takes its breaks from it.
function C.pretty(lo, hi, n, min_n)
  local h, h5, eps = 1.5, 0.5 + 1.5 * 1.5, 1e-10
  min_n = min_n or n // 3
  local dx = hi - lo
  local cell, i_small
  if dx == 0 and hi == 0 then cell, i_small = 1, true
  else
    cell = math.max(abs(lo), abs(hi))
    local U = 1 + ((h5 >= 1.5 * h + 0.5) and 1 / (1 + h) or 1.5 / (1 + h5))
    U = U * math.max(1, n) * 2.220446049250313e-16
    i_small = dx < cell * U * 3
  end
  if i_small then
    if cell > 10 then cell = 9 + cell / 10 end
    cell = cell * 0.75   -- shrink.sml
    if min_n > 1 then cell = cell / min_n end
  else
    cell = dx
    if n > 1 then cell = cell / n end
  end
  if cell < 20 * 2.2250738585072014e-308 then cell = 20 * 2.2250738585072014e-308 end
  local base = 10 ^ floor(log10(cell))
  local unit = base
  local ns = 2 * base
  if ns - cell < h * (cell - unit) then
    unit = ns
    ns = 5 * base
    if ns - cell < h5 * (cell - unit) then
      unit = ns
      ns = 10 * base
      if ns - cell < h * (cell - unit) then unit = ns end
    end
  end
  local nsl, nu = floor(lo / unit + 1e-7), ceil(hi / unit - 1e-7)
  while nsl * unit > lo + eps * unit do nsl = nsl - 1 end
  while nu * unit < hi - eps * unit do nu = nu + 1 end
  local k = floor(0.5 + nu - nsl)
  if k < min_n then
    k = min_n - k
    if nsl >= 0 then nu = nu + k // 2; nsl = nsl - (k // 2 + k % 2)
    else nsl = nsl - k // 2; nu = nu + k // 2 + k % 2 end
  end
  local out = {}
  for i = nsl, nu do
    local v = i * unit
    if abs(v) < unit * 1e-10 then v = 0 end
    out[#out + 1] = v
  end
  return out
end

-- Sturges' number of classes over R's pretty breaks, as hist(); bins may be
-- a number of classes or the edges themselves.
function methods.hist(s, x, o)
  local fn = "plot:hist"
  checkscene(fn, s)
  o = opts(fn, o, { "bins", "label", "color", "density" })
  x = vec(fn, x, "x")
  same(fn, x, "x")
  local lo, hi, n = huge, -huge, 0
  for i = 1, #x do
    local v = x[i]
    if v == v then n = n + 1; if v < lo then lo = v end; if v > hi then hi = v end end
  end
  local edges
  local bins = o.bins
  if bins == nil or type(bins) == "number" then
    local k = bins or ceil(math.log(n, 2) + 1)
    if math.type(k) ~= "integer" and not (type(k) == "number" and k == floor(k)) or k < 1 then
      fail(fn, "bins must be a positive integer or an array of edges")
    end
    edges = C.pretty(lo, hi, k, 1)   -- hist.default: min.n = 1
  else
    local e = vec(fn, bins, "bins")
    edges = {}
    for i = 1, #e do
      edges[i] = e[i]
      if i > 1 and not (edges[i] > edges[i - 1]) then fail(fn, "bins (edges) must increase") end
    end
    if #edges < 2 then fail(fn, "bins (edges) needs at least two values") end
    if lo < edges[1] or hi > edges[#edges] then fail(fn, "bins (edges) must cover the data") end
  end
  -- right-closed classes (a, b], the first also [a, b], as R's default
  local counts = {}
  for j = 1, #edges - 1 do counts[j] = 0 end
  for i = 1, #x do
    local v = x[i]
    if v == v then
      local a, b = 1, #edges
      while b - a > 1 do
        local m = (a + b) // 2
        if v > edges[m] then a = m else b = m end
      end
      counts[a] = counts[a] + 1
    end
  end
  if o.density then
    for j = 1, #counts do counts[j] = counts[j] / (n * (edges[j + 1] - edges[j])) end
  end
  return add(s, { kind = "rects", edges = edges, counts = counts, label = label(fn, o),
    color = pick(s, fn, o.color) })
end

local function strings(fn, v, what)
  if type(v) ~= "table" or args.is_factor(v) then fail(fn, "'%s' must be an array of strings", what) end
  local out = {}
  for i = 1, #v do out[i] = tostring(v[i]) end
  return out
end

function methods.bar(s, labels, values, o)
  local fn = "plot:bar"
  checkscene(fn, s)
  o = opts(fn, o, { "label", "color" })
  labels = strings(fn, labels, "labels")
  values = vec(fn, values, "values")
  if #labels ~= #values then
    fail(fn, "'labels' has %d elements but 'values' has %d", #labels, #values)
  end
  same(fn, values, "values")
  if s.xcats and #s.xcats ~= #labels then fail(fn, "the scene's bars have %d categories, not %d", #s.xcats, #labels) end
  s.xcats = labels
  return add(s, { kind = "bar", values = values, label = label(fn, o), color = pick(s, fn, o.color) })
end

function methods.heatmap(s, m, o)
  local fn = "plot:heatmap"
  checkscene(fn, s)
  o = opts(fn, o, { "rownames", "colnames", "values" })
  m = args.mat(fn, m, "M")
  if m == nil then fail(fn, "'M' is missing") end
  local r, c = m:rows(), m:cols()
  if r == 0 or c == 0 then fail(fn, "'M' is empty") end
  local lo, hi = huge, -huge
  for i = 1, r do
    for j = 1, c do
      local v = m:get(i, j)
      if v == huge or v == -huge then fail(fn, "'M' has an infinite value at (%d, %d)", i, j) end
      if v == v then lo = math.min(lo, v); hi = math.max(hi, v) end
    end
  end
  if lo > hi then fail(fn, "no complete data: every element of 'M' is missing (NaN)") end
  local rn = o.rownames and strings(fn, o.rownames, "rownames") or nil
  local cn = o.colnames and strings(fn, o.colnames, "colnames") or nil
  if rn and #rn ~= r then fail(fn, "'rownames' has %d elements but 'M' has %d rows", #rn, r) end
  if cn and #cn ~= c then fail(fn, "'colnames' has %d elements but 'M' has %d columns", #cn, c) end
  rn = rn or {}; cn = cn or {}
  for i = 1, r do rn[i] = rn[i] or tostring(i) end
  for j = 1, c do cn[j] = cn[j] or tostring(j) end
  s.xcats, s.ycats = cn, rn
  return add(s, { kind = "heatmap", m = m, lo = lo, hi = hi, rows = r, cols = c,
    values = o.values ~= false })
end

function methods.facet(s, by)
  local fn = "plot:facet"
  checkscene(fn, s)
  local codes, levels = args.groups(fn, by, "by")
  s.facets = { codes = codes, levels = levels }
  return s
end

-- Shorthands: scene options and the layer's options in one table.
local function shorthand(name, layeropts, nargs)
  return function(...)
    local a = table.pack(...)
    local o = a[nargs + 1]
    local so, lo = {}, {}
    if o ~= nil then
      if type(o) ~= "table" then fail("plot." .. name, "expected a table of options, got %s", type(o)) end
      local sset, lset = args.set(SCENE_OPTS), args.set(layeropts)
      for k, v in pairs(o) do
        if sset[k] then so[k] = v
        elseif lset[k] then lo[k] = v
        else fail("plot." .. name, "unknown option '%s'", tostring(k)) end
      end
    end
    local ok, p = pcall(new, so)
    if not ok then error((p:gsub("^plot%.new", "plot." .. name)), 0) end
    local m = methods[name == "scatter" and "points" or name]
    local call = { p }
    for i = 1, nargs do call[i + 1] = a[i] end
    call[nargs + 2] = lo
    local res = table.pack(pcall(m, table.unpack(call, 1, nargs + 2)))
    if not res[1] then error((tostring(res[2]):gsub("^plot:%a+", "plot." .. name)), 0) end
    return p
  end
end
M.line = shorthand("line", { "label", "color", "dash", "width" }, 2)
M.scatter = shorthand("scatter", { "label", "color", "size", "alpha" }, 2)
M.step = shorthand("step", { "label", "color", "dash", "width", "marks" }, 2)
M.hist = shorthand("hist", { "bins", "label", "color", "density" }, 1)
M.bar = shorthand("bar", { "label", "color" }, 2)
M.heatmap = shorthand("heatmap", { "rownames", "colnames", "values" }, 1)

-- ------------------------------------------------------------ ticks

-- A nice number near x (1, 2, 5 times a power of ten), after Heckbert's
-- "Nice numbers for graph labels" (Graphics Gems, 1990).
local function nicenum(x)
  local e = floor(log10(x))
  local f = x / 10 ^ e
  local nf = f < 1.5 and 1 or f < 3 and 2 or f < 7 and 5 or 10
  return nf * 10 ^ e
end

-- About n nice ticks inside [lo, hi]; returns them and the step.
function ticks_linear(lo, hi, n)
  local step = nicenum((hi - lo) / math.max(n - 1, 1))
  local t = {}
  local k0, k1 = ceil(lo / step - 1e-9), floor(hi / step + 1e-9)
  for k = k0, k1 do
    local v = k * step
    if abs(v) < step * 1e-9 then v = 0 end
    t[#t + 1] = v
  end
  return t, step
end

-- Ticks of a log10 axis (range in log10 units): the powers of ten, with 2
-- and 5 between them when there are few, or every k-th power when many.
local function ticks_log(lo, hi, n)
  local t = {}
  local e0, e1 = floor(lo), ceil(hi)
  local decades = e1 - e0
  if decades <= 2 then
    for e = e0, e1 do
      for _, m in ipairs{ 1, 2, 5 } do
        local v = m * 10 ^ e
        local lv = log10(v)
        if lv >= lo - 1e-9 and lv <= hi + 1e-9 then t[#t + 1] = v end
      end
    end
  end
  if #t < 3 or #t > n then
    t = {}
    local visible = floor(hi + 1e-9) - ceil(lo - 1e-9) + 1
    local every = math.max(1, ceil(visible / math.max(n, 1)))
    for e = e0, e1 do
      if e % every == 0 and e >= lo - 1e-9 and e <= hi + 1e-9 then t[#t + 1] = 10 ^ e end
    end
    if #t < 2 then  -- less than a decade: linear ticks in data units
      t = ticks_linear(10 ^ lo, 10 ^ hi, n)
      local pos = {}
      for _, v in ipairs(t) do if v > 0 then pos[#pos + 1] = v end end
      t = pos
    end
  end
  return t
end

-- Labels for tick values: as many decimals as the step needs.
local function ticklabels(t, log)
  local out = {}
  local step = huge
  for i = 2, #t do step = math.min(step, abs(t[i] - t[i - 1])) end
  if step == huge or step == 0 then step = abs(t[1] or 1) end
  if step == 0 then step = 1 end
  local big = 0
  for _, v in ipairs(t) do big = math.max(big, abs(v)) end
  for i, v in ipairs(t) do
    local s
    if big >= 1e6 or (big > 0 and big < 1e-4) or (log and (v >= 1e5 or v < 1e-3)) then
      s = fmt("%g", v)
    else
      local d = log and math.max(0, -floor(log10(v) + 1e-9)) or math.max(0, -floor(log10(step) + 1e-9))
      s = fmt("%." .. math.min(d, 10) .. "f", v)
    end
    if s:match("^%-0%.?0*$") then s = s:sub(2) end
    out[i] = s
  end
  return out
end
C.ticks, C.ticks_log, C.ticklabels = ticks_linear, ticks_log, ticklabels

-- text width estimate (points) for a font size: the renderers draw with
-- DejaVu Sans / Helvetica, whose digits are 0.55-0.64 em wide
local function tw(s, size)
  return ulen(s) * size * 0.6
end

-- Chooses ticks for an axis of length len (device units) so that labels do
-- not overlap: fewer ticks until they fit. size: label width of one char
-- (for x) or the line height (for y). Returns labels and positions.
local function fit_ticks(ax, len, charw, gap, horizontal, size, spacing)
  local n = math.max(3, floor(len / spacing) + 1)
  local best
  while n >= 2 do
    local t
    if ax.log then t = ticks_log(ax.lo, ax.hi, n) else t = ticks_linear(ax.lo, ax.hi, n) end
    local labs = ticklabels(t, ax.log)
    local pos = {}
    for i, v in ipairs(t) do pos[i] = ax.map(v) end
    local ok = true
    for i = 2, #t do
      local need = horizontal and (tw(labs[i], size) + tw(labs[i - 1], size)) / 2 + gap or charw + gap
      if abs(pos[i] - pos[i - 1]) < need then ok = false; break end
    end
    if ok and #t >= 2 then return labs, pos end
    if #t >= 1 and (not best or ok) then best = { t, labs, pos } end
    n = n - 1
  end
  return best[2], best[3]
end

-- ------------------------------------------------------------ ranges

local function finite_range(m, lo, hi, log)
  return C._range(m, lo, hi, log)
end

-- The data ranges of a list of layers: x0, x1, y0, y1 (data units).
local function data_range(s, layers)
  local x0, x1, y0, y1 = huge, -huge, huge, -huge
  local zero = false
  for _, l in ipairs(layers) do
    local k = l.kind
    if k == "line" or k == "points" or k == "step" then
      x0, x1 = finite_range(l.x, x0, x1, s.xlog)
      y0, y1 = finite_range(l.y, y0, y1, s.ylog)
      if k == "step" and l.marks then x0, x1 = finite_range(l.marks, x0, x1, s.xlog) end
    elseif k == "band" or k == "errorbar" then
      x0, x1 = finite_range(l.x, x0, x1, s.xlog)
      y0, y1 = finite_range(l.lo, y0, y1, s.ylog)
      y0, y1 = finite_range(l.hi, y0, y1, s.ylog)
    elseif k == "rects" then
      x0, x1 = math.min(x0, l.edges[1]), math.max(x1, l.edges[#l.edges])
      for _, c in ipairs(l.counts) do y1 = math.max(y1, c) end
      y0 = math.min(y0, 0); zero = true
    elseif k == "bar" then
      y0, y1 = finite_range(l.values, y0, y1, s.ylog)
      if not s.ylog then y0, y1 = math.min(y0, 0), math.max(y1, 0); zero = true end
    elseif k == "text" then
      x0, x1 = math.min(x0, l.x), math.max(x1, l.x)
      y0, y1 = math.min(y0, l.y), math.max(y1, l.y)
    end
  end
  return x0, x1, y0, y1, zero
end

-- An axis: lo, hi in axis units (log10 when log), with map() to device.
local function axis(fn, lo, hi, lim, log, cats, pad_low)
  if cats then return { lo = 0.5, hi = #cats + 0.5, log = false, cats = cats } end
  if lim then lo, hi = lim[1], lim[2]
    if log and lo <= 0 then fail(fn, "a log axis needs positive limits") end
  end
  if lo > hi then
    if log then fail(fn, "a log axis needs positive values, and there are none") end
    lo, hi = 0, 1   -- only layers without extent (abline)
  end
  if log then lo, hi = log10(lo), log10(hi) end
  if hi == lo then
    local d = lo == 0 and 1 or abs(lo) * 0.1
    lo, hi = lo - d, hi + d
  end
  if not lim then  -- R's xaxs = "r": 4% each side
    local d = (hi - lo) * 0.04
    hi = hi + d
    if not (pad_low and lo == 0) then lo = lo - d end
  end
  return { lo = lo, hi = hi, log = log }
end

local function mapper(ax, p0, p1)
  ax.p0, ax.p1 = p0, p1
  local lo, hi, log = ax.lo, ax.hi, ax.log
  ax.map = function(v)
    if log then v = log10(v) end
    return p0 + (v - lo) / (hi - lo) * (p1 - p0)
  end
  -- the transform the C kernels apply (modules/plot/raster.h)
  return ax
end

local function tx_of(xa, ya)
  return { x0 = xa.lo, x1 = xa.hi, y0 = ya.lo, y1 = ya.hi, xlog = xa.log, ylog = ya.log,
    px0 = xa.p0, px1 = xa.p1, py0 = ya.p0, py1 = ya.p1 }
end

-- The layers of facet panel j: those with one row per element of 'by' are
-- subset; the others appear in every panel.
local function subset(m, codes, j)
  local out = {}
  for i = 1, #codes do if codes[i] == j then out[#out + 1] = m[i] end end
  return mat.vec(out)
end

local function panels(s, fn)
  if not s.facets then return { { layers = s.layers } } end
  local codes, levels = s.facets.codes, s.facets.levels
  local n, any = #codes, false
  local out = {}
  for j, lev in ipairs(levels) do
    local ls = {}
    for _, l in ipairs(s.layers) do
      local rowwise = (l.x and #l.x == n) and l.kind ~= "rects"
      if rowwise then
        any = true
        local c = {}
        for k, v in pairs(l) do c[k] = v end
        for _, f in ipairs{ "x", "y", "lo", "hi" } do
          if l[f] then c[f] = subset(l[f], codes, j) end
        end
        if j > 1 then c.label = nil end
        ls[#ls + 1] = c
      else
        ls[#ls + 1] = l
      end
    end
    out[j] = { layers = ls, title = tostring(lev) }
  end
  if not any then fail(fn, "facet: 'by' has %d elements but no layer has that many rows", n) end
  return out
end

local function axes(s, fn, layers)
  local x0, x1, y0, y1, zero = data_range(s, layers)
  if #s.layers == 0 then fail(fn, "the scene is empty: add a layer (p:line, p:points, ...)") end
  return axis(fn, x0, x1, s.xlim, s.xlog, s.xcats), axis(fn, y0, y1, s.ylim, s.ylog, s.ycats, zero)
end

-- A step function as a path: (x1, y1), (x2, y1), (x2, y2), ...
local function stepxy(x, y)
  local xs, ys = {}, {}
  local px, py
  for i = 1, #x do
    local a, b = x[i], y[i]
    if a == a and b == b then
      if px then xs[#xs + 1] = a; ys[#ys + 1] = py end
      xs[#xs + 1] = a; ys[#ys + 1] = b
      px, py = a, b
    end
  end
  return xs, ys
end

-- The step value at each mark (the last y at or before it), for censoring ticks.
local function markxy(x, y, marks)
  local xs, ys = {}, {}
  for k = 1, #marks do
    local t = marks[k]
    local v
    for i = 1, #x do
      if x[i] == x[i] and y[i] == y[i] then
        if x[i] <= t then v = y[i] else break end
      end
    end
    if v then xs[#xs + 1] = t; ys[#ys + 1] = v end
  end
  return xs, ys
end

-- heatmap colours: diverging blue-white-red when the values have both
-- signs (symmetric about 0), sequential white-blue otherwise
local function heatcolour(v, lo, hi)
  if v ~= v then return "#d9d9d9" end
  local t, r, g, b
  local function mix(c0, c1, u)
    return c0[1] + (c1[1] - c0[1]) * u, c0[2] + (c1[2] - c0[2]) * u, c0[3] + (c1[3] - c0[3]) * u
  end
  local white, blue, red = { 255, 255, 255 }, { 33, 102, 172 }, { 178, 24, 43 }
  if lo < 0 and hi > 0 then
    local m = math.max(-lo, hi)
    t = v / m
    if t < 0 then r, g, b = mix(white, blue, -t) else r, g, b = mix(white, red, t) end
  else
    t = hi > lo and (v - lo) / (hi - lo) or 1
    if lo < 0 then t = 1 - t end
    r, g, b = mix(white, blue, t)
  end
  return fmt("#%02x%02x%02x", floor(r + 0.5), floor(g + 0.5), floor(b + 0.5)), t
end

local function cellfmt(v)
  if v ~= v then return "NA" end
  local s = fmt("%.2f", v)
  if s == "-0.00" then s = "0.00" end
  return s
end

-- ------------------------------------------------------------ display list

local FONT_TICK, FONT_LAB, FONT_TITLE = 9, 10, 12

-- a polyline in device units, split at missing values
local function polyline(list, xs, ys, style)
  local px, py = {}, {}
  local function flush()
    if #px >= 2 then
      local op = { op = "path", x = px, y = py }
      for k, v in pairs(style) do op[k] = v end
      list[#list + 1] = op
    end
    px, py = {}, {}
  end
  for i = 1, #xs do
    local a, b = xs[i], ys[i]
    if a == a and b == b and abs(a) < 1e7 and abs(b) < 1e7 then px[#px + 1] = a; py[#py + 1] = b
    else flush() end
  end
  flush()
end

local function mapxy(xa, ya, x, y)
  local xs, ys = {}, {}
  for i = 1, #x do
    local a, b = x[i], y[i]
    if (xa.log and not (a > 0)) or (ya.log and not (b > 0)) then a, b = 0 / 0, 0 / 0
    else a, b = xa.map(a), ya.map(b) end
    xs[i], ys[i] = a, b
  end
  return xs, ys
end

local function draw_layer(list, l, xa, ya, box)
  local k = l.kind
  if k == "line" then
    local xs, ys = mapxy(xa, ya, l.x, l.y)
    polyline(list, xs, ys, { stroke = l.color, lw = l.width, dash = l.dash })
  elseif k == "step" then
    local sx, sy = stepxy(l.x, l.y)
    local xs, ys = mapxy(xa, ya, sx, sy)
    polyline(list, xs, ys, { stroke = l.color, lw = l.width, dash = l.dash })
    if l.marks then
      local mx, my = markxy(l.x, l.y, l.marks)
      mx, my = mapxy(xa, ya, mx, my)
      for i = 1, #mx do
        list[#list + 1] = { op = "path", x = { mx[i], mx[i] }, y = { my[i] - 3, my[i] + 3 },
          stroke = l.color, lw = 1 }
      end
    end
  elseif k == "points" then
    list[#list + 1] = { op = "points", x = l.x, y = l.y, tx = tx_of(xa, ya), r = l.size,
      fill = l.color, alpha = l.alpha }
  elseif k == "band" then
    local x, lo, hi = l.x, l.lo, l.hi
    local bx, blo, bhi = {}, {}, {}
    for i = 1, #x do bx[i], blo[i], bhi[i] = x[i], lo[i], hi[i] end
    if l.step then
      local sx, slo = stepxy(x, lo); local _, shi = stepxy(x, hi)
      bx, blo, bhi = sx, slo, shi
    end
    local xs, ys = {}, {}
    local ux, ul = mapxy(xa, ya, bx, blo)
    local _, uh = mapxy(xa, ya, bx, bhi)
    local function whole(i) return ux[i] == ux[i] and ul[i] == ul[i] and uh[i] == uh[i] end
    for i = 1, #ux do if whole(i) then xs[#xs + 1] = ux[i]; ys[#ys + 1] = ul[i] end end
    for i = #ux, 1, -1 do if whole(i) then xs[#xs + 1] = ux[i]; ys[#ys + 1] = uh[i] end end
    if #xs >= 3 then
      list[#list + 1] = { op = "path", x = xs, y = ys, fill = l.color, alpha = l.alpha, close = true }
    end
  elseif k == "errorbar" then
    local xs, ls = mapxy(xa, ya, l.x, l.lo)
    local _, hs = mapxy(xa, ya, l.x, l.hi)
    for i = 1, #xs do
      if xs[i] == xs[i] and ls[i] == ls[i] and hs[i] == hs[i] then
        list[#list + 1] = { op = "path", x = { xs[i], xs[i] }, y = { ls[i], hs[i] }, stroke = l.color, lw = 1 }
        list[#list + 1] = { op = "path", x = { xs[i] - 3, xs[i] + 3 }, y = { ls[i], ls[i] }, stroke = l.color, lw = 1 }
        list[#list + 1] = { op = "path", x = { xs[i] - 3, xs[i] + 3 }, y = { hs[i], hs[i] }, stroke = l.color, lw = 1 }
      end
    end
  elseif k == "abline" then
    -- y = a + b x across the panel, in data units (on a log axis: the line's points)
    local n = (xa.log or ya.log) and 100 or 2
    local xs, ys = {}, {}
    for i = 0, n - 1 do
      local u = xa.lo + (xa.hi - xa.lo) * i / (n - 1)
      local xv = xa.log and 10 ^ u or u
      xs[#xs + 1] = xv; ys[#ys + 1] = l.a + l.b * xv
    end
    local dx, dy = mapxy(xa, ya, xs, ys)
    polyline(list, dx, dy, { stroke = l.color, lw = l.width, dash = l.dash })
  elseif k == "rects" then
    local base = ya.log and nil or ya.map(0)
    for j = 1, #l.counts do
      local c = l.counts[j]
      if c > 0 and not (xa.log and l.edges[j] <= 0) and not ya.log then
        local x0, x1 = xa.map(l.edges[j]), xa.map(l.edges[j + 1])
        local y1 = ya.map(c)
        list[#list + 1] = { op = "rect", x = x0, y = y1, w = x1 - x0, h = base - y1, fill = l.color,
          alpha = 0.75, stroke = "#ffffff", lw = 0.5 }
      end
    end
  elseif k == "bar" then
    local base = ya.log and ya.p0 or ya.map(0)
    for j = 1, #l.values do
      local v = l.values[j]
      if v == v and not (ya.log and v <= 0) then
        local x0, x1 = xa.map(j - 0.4), xa.map(j + 0.4)
        local y1 = ya.map(v)
        list[#list + 1] = { op = "rect", x = x0, y = math.min(y1, base), w = x1 - x0, h = abs(base - y1),
          fill = l.color }
      end
    end
  elseif k == "heatmap" then
    local cw = abs(xa.map(2) - xa.map(1))
    local ch = abs(ya.map(2) - ya.map(1))
    local size = math.min(FONT_TICK, ch * 0.6)
    for i = 1, l.rows do
      for j = 1, l.cols do
        local v = l.m:get(i, j)
        local c, t = heatcolour(v, l.lo, l.hi)
        local x0, y0 = xa.map(j - 0.5), ya.map(l.rows - i + 1.5)
        list[#list + 1] = { op = "rect", x = x0, y = y0, w = cw, h = ch, fill = c, stroke = "#ffffff", lw = 0.5 }
        local s = cellfmt(v)
        if l.values and tw(s, size) < cw * 0.9 and size >= 5 then
          list[#list + 1] = { op = "text", x = x0 + cw / 2, y = y0 + ch / 2 + size * 0.35, s = s, size = size,
            anchor = 0.5, fill = (t and abs(t) > 0.6) and "#ffffff" or "#000000" }
        end
      end
    end
  elseif k == "text" then
    list[#list + 1] = { op = "text", x = xa.map(l.x), y = ya.map(l.y) + l.size * 0.35, s = l.s,
      size = l.size, anchor = 0.5, fill = l.color }
  end
  local _ = box
end

local function legend_entries(layers)
  local e = {}
  for _, l in ipairs(layers) do if l.label then e[#e + 1] = l end end
  return e
end

local function draw_legend(list, s, entries, box)
  if s.legend == "none" or #entries == 0 then return end
  local size, pad, sw = FONT_TICK, 5, 16
  local w = 0
  for _, l in ipairs(entries) do w = math.max(w, tw(l.label, size)) end
  local bw, bh = w + sw + 3 * pad, #entries * (size + 4) + pad * 1.5
  local x = s.legend:match("left") and box.x + 6 or box.x + box.w - bw - 6
  local y = s.legend:match("bottom") and box.y + box.h - bh - 6 or box.y + 6
  list[#list + 1] = { op = "rect", x = x, y = y, w = bw, h = bh, fill = "#ffffff", alpha = 0.85,
    stroke = "#bdbdbd", lw = 0.5 }
  for i, l in ipairs(entries) do
    local cy = y + pad + (i - 0.5) * (size + 4)
    local x0 = x + pad
    if l.kind == "points" then
      list[#list + 1] = { op = "rect", x = x0 + sw / 2 - 2.5, y = cy - 2.5, w = 5, h = 5, fill = l.color }
    elseif l.kind == "band" or l.kind == "rects" or l.kind == "bar" then
      list[#list + 1] = { op = "rect", x = x0, y = cy - 4, w = sw, h = 8, fill = l.color,
        alpha = l.kind == "band" and math.max(l.alpha, 0.3) or 0.75 }
    else
      list[#list + 1] = { op = "path", x = { x0, x0 + sw }, y = { cy, cy }, stroke = l.color,
        lw = l.width or 1.5, dash = l.dash }
    end
    list[#list + 1] = { op = "text", x = x0 + sw + pad, y = cy + size * 0.35, s = l.label, size = size }
  end
end

-- Lays the scene out on a W x H page (points) and returns the display list.
local function layout(s, fn, W, H)
  local list = {}
  list[#list + 1] = { op = "rect", x = 0, y = 0, w = W, h = H, fill = "#ffffff" }
  local ps = panels(s, fn)
  -- shared axes over every panel
  local all = {}
  for _, p in ipairs(ps) do for _, l in ipairs(p.layers) do all[#all + 1] = l end end
  local top = s.title and FONT_TITLE + 14 or 10
  local bottom = FONT_TICK + 10 + (s.xlab and FONT_LAB + 6 or 0)
  local leftlab = s.ylab and FONT_LAB + 8 or 0
  local np = #ps
  local ncol = np == 1 and 1 or ceil(math.sqrt(np))
  local nrow = ceil(np / ncol)
  local strip = s.facets and FONT_TICK + 6 or 0
  if s.title then
    list[#list + 1] = { op = "text", x = W / 2, y = 8 + FONT_TITLE, s = s.title, size = FONT_TITLE,
      anchor = 0.5, bold = true }
  end
  local cellh = (H - top - 4) / nrow
  for pi, p in ipairs(ps) do
    local xa, ya = axes(s, fn, all)
    local r, c = (pi - 1) // ncol, (pi - 1) % ncol
    local ph = cellh - bottom - strip
    if ph < 20 then fail(fn, "the page is too small for %d panels", np) end
    local y0 = top + r * cellh + strip
    mapper(ya, y0 + ph, y0)
    -- y ticks first: their labels' width sets the left margin
    local yl, ypos
    if ya.cats then
      yl, ypos = {}, {}
      local nc = #ya.cats
      local every = math.max(1, ceil(nc * (FONT_TICK + 2) / ph))
      for k = 1, nc, every do yl[#yl + 1] = ya.cats[nc - k + 1]; ypos[#ypos + 1] = ya.map(k) end
    else
      yl, ypos = fit_ticks(ya, ph, FONT_TICK, 6, false, FONT_TICK, 36)
    end
    local lw = 0
    for _, t in ipairs(yl) do lw = math.max(lw, tw(t, FONT_TICK)) end
    local cellw = (W - leftlab) / ncol
    local x0 = leftlab + c * cellw + lw + 8
    local pw = cellw - (lw + 8) - 12
    if pw < 20 then fail(fn, "the page is too narrow") end
    mapper(xa, x0, x0 + pw)
    local xl, xpos
    if xa.cats then
      xl, xpos = {}, {}
      local nc = #xa.cats
      local wmax = 0
      for _, t in ipairs(xa.cats) do wmax = math.max(wmax, tw(t, FONT_TICK)) end
      local every = math.max(1, ceil(nc * (wmax + 6) / pw))
      for k = 1, nc, every do xl[#xl + 1] = xa.cats[k]; xpos[#xpos + 1] = xa.map(k) end
    else
      xl, xpos = fit_ticks(xa, pw, FONT_TICK * 0.6, 8, true, FONT_TICK, 60)
    end
    local box = { x = x0, y = y0, w = pw, h = ph }
    list[#list + 1] = { op = "rect", x = x0, y = y0, w = pw, h = ph, fill = "#fafafa" }
    -- grid
    for i = 1, #xpos do
      list[#list + 1] = { op = "path", x = { xpos[i], xpos[i] }, y = { y0, y0 + ph }, stroke = "#e0e0e0", lw = 0.5 }
      list[#list + 1] = { op = "text", x = xpos[i], y = y0 + ph + FONT_TICK + 4, s = xl[i], size = FONT_TICK,
        anchor = 0.5, fill = "#333333" }
    end
    for i = 1, #ypos do
      list[#list + 1] = { op = "path", x = { x0, x0 + pw }, y = { ypos[i], ypos[i] }, stroke = "#e0e0e0", lw = 0.5 }
      list[#list + 1] = { op = "text", x = x0 - 4, y = ypos[i] + FONT_TICK * 0.35, s = yl[i], size = FONT_TICK,
        anchor = 1, fill = "#333333" }
    end
    if p.title then
      list[#list + 1] = { op = "rect", x = x0, y = y0 - strip, w = pw, h = strip, fill = "#e8e8e8" }
      list[#list + 1] = { op = "text", x = x0 + pw / 2, y = y0 - 4, s = p.title, size = FONT_TICK, anchor = 0.5 }
    end
    list[#list + 1] = { op = "clip", x = x0, y = y0, w = pw, h = ph }
    for _, l in ipairs(p.layers) do draw_layer(list, l, xa, ya, box) end
    list[#list + 1] = { op = "unclip" }
    list[#list + 1] = { op = "rect", x = x0, y = y0, w = pw, h = ph, stroke = "#808080", lw = 0.75 }
    if pi == 1 then draw_legend(list, s, legend_entries(p.layers), box) end
    if s.xlab and r == nrow - 1 then
      list[#list + 1] = { op = "text", x = x0 + pw / 2, y = y0 + ph + FONT_TICK + 8 + FONT_LAB, s = s.xlab,
        size = FONT_LAB, anchor = 0.5 }
    end
    if s.ylab and c == 0 then
      list[#list + 1] = { op = "text", x = 4 + FONT_LAB, y = y0 + ph / 2, s = s.ylab, size = FONT_LAB,
        anchor = 0.5, rot = 90 }
    end
  end
  return list
end
C.layout = layout

-- ------------------------------------------------------------ SVG

local function num(v)
  local s = fmt("%.2f", v):gsub("0+$", ""):gsub("%.$", "")
  if s == "-0" then s = "0" end
  return s
end

local function esc(s)
  return (s:gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }))
end

local function paint(op)
  local a = {}
  a[#a + 1] = op.fill and fmt(' fill="%s"', op.fill) or ' fill="none"'
  if op.fill and op.alpha and op.alpha < 1 then a[#a + 1] = fmt(' fill-opacity="%s"', num(op.alpha)) end
  if op.stroke then
    a[#a + 1] = fmt(' stroke="%s" stroke-width="%s"', op.stroke, num(op.lw or 1))
    if op.dash then
      local d = {}
      for i, v in ipairs(op.dash) do d[i] = num(v) end
      a[#a + 1] = fmt(' stroke-dasharray="%s"', table.concat(d, " "))
    end
  end
  return table.concat(a)
end

-- The SVG document of a display list. Clipping uses nested <svg> viewports,
-- not clipPath ids: several plots in one HTML page must not share ids.
local function svg(list, W, H)
  local out = {
    fmt('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" ' ..
      'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">', num(W), num(H), num(W), num(H)),
  }
  for _, op in ipairs(list) do
    local k = op.op
    if k == "rect" then
      out[#out + 1] = fmt('<rect x="%s" y="%s" width="%s" height="%s"%s/>', num(op.x), num(op.y),
        num(op.w), num(op.h), paint(op))
    elseif k == "path" then
      local d = {}
      for i = 1, #op.x do d[i] = (i == 1 and "M" or "L") .. num(op.x[i]) .. " " .. num(op.y[i]) end
      if op.close then d[#d + 1] = "Z" end
      out[#out + 1] = fmt('<path d="%s"%s/>', table.concat(d), paint(op))
    elseif k == "points" then
      local t = op.tx
      local xl, yl = t.xlog, t.ylog
      local g = { fmt('<g fill="%s"%s>', op.fill, op.alpha < 1 and fmt(' fill-opacity="%s"', num(op.alpha)) or "") }
      local r = num(op.r)
      local x, y = op.x, op.y
      for i = 1, #x do
        local a, b = x[i], y[i]
        if xl then a = a > 0 and log10(a) or 0 / 0 end
        if yl then b = b > 0 and log10(b) or 0 / 0 end
        if a == a and b == b and (a - t.x0) * (a - t.x1) <= 0 and (b - t.y0) * (b - t.y1) <= 0 then
          local px = t.px0 + (a - t.x0) / (t.x1 - t.x0) * (t.px1 - t.px0)
          local py = t.py0 + (b - t.y0) / (t.y1 - t.y0) * (t.py1 - t.py0)
          g[#g + 1] = fmt('<circle cx="%s" cy="%s" r="%s"/>', num(px), num(py), r)
        end
      end
      g[#g + 1] = "</g>"
      out[#out + 1] = table.concat(g)
    elseif k == "text" then
      local anchor = op.anchor == 0.5 and ' text-anchor="middle"' or op.anchor == 1 and ' text-anchor="end"' or ""
      local rot = op.rot and op.rot ~= 0
        and fmt(' transform="rotate(%s %s %s)"', num(-op.rot), num(op.x), num(op.y)) or ""
      out[#out + 1] = fmt('<text x="%s" y="%s" font-size="%s"%s%s%s%s>%s</text>', num(op.x), num(op.y),
        num(op.size), anchor, op.bold and ' font-weight="bold"' or "", op.fill and fmt(' fill="%s"', op.fill) or "",
        rot, esc(op.s))
    elseif k == "clip" then
      out[#out + 1] = fmt('<svg x="%s" y="%s" width="%s" height="%s" viewBox="%s %s %s %s" overflow="hidden">',
        num(op.x), num(op.y), num(op.w), num(op.h), num(op.x), num(op.y), num(op.w), num(op.h))
    elseif k == "unclip" then
      out[#out + 1] = "</svg>"
    end
  end
  out[#out + 1] = "</svg>\n"
  return table.concat(out, "\n")
end

local function page(fn, o)
  local w, h = o.width or DEFAULT_W, o.height or DEFAULT_H
  for k, v in pairs{ width = w, height = h } do
    if type(v) ~= "number" or not (v > 0 and v <= 100) then fail(fn, "%s must be in (0, 100] inches", k) end
  end
  return w * 72, h * 72
end

function methods.svg(s, o)
  checkscene("plot:svg", s)
  o = opts("plot:svg", o, { "width", "height" })
  local W, H = page("plot:svg", o)
  return svg(layout(s, "plot:svg", W, H), W, H)
end

function methods.save(s, path, o)
  local fn = "plot:save"
  checkscene(fn, s)
  if type(path) ~= "string" then fail(fn, "path must be a string, got %s", type(path)) end
  o = opts(fn, o, { "width", "height", "dpi" })
  local ext = path:match("%.(%w+)$")
  ext = ext and ext:lower()
  if ext ~= "svg" and ext ~= "png" and ext ~= "pdf" then
    fail(fn, "unknown file type '%s' (use .svg, .png or .pdf)", ext and "." .. ext or path)
  end
  local dpi = o.dpi or DEFAULT_DPI
  if type(dpi) ~= "number" or not (dpi >= 10 and dpi <= 1200) then fail(fn, "dpi must be in [10, 1200]") end
  C._checkpath(fn, path)
  local W, H = page(fn, o)
  local list = layout(s, fn, W, H)
  if ext == "svg" then C._write(fn, path, svg(list, W, H))
  else C._cairo(fn, list, path, ext, W, H, dpi / 72) end
  return s
end

-- ------------------------------------------------------------ terminal

local function use_colour()
  local nc = os.getenv("NO_COLOR")
  if nc ~= nil and nc ~= "" then return false end
  if os.getenv("TERM") == "dumb" then return false end
  return C._isatty()
end

local function pad(s, w, right)
  local n = ulen(s)
  if n >= w then return s end
  return right and s .. (" "):rep(w - n) or (" "):rep(w - n) .. s
end

local function sgr(code, s, on) return on and fmt("\27[%dm%s\27[0m", code, s) or s end

-- the terminal form of a heatmap: shaded cells, values when they fit
local function terminal_heatmap(s, l, W, col)
  local out = {}
  local rn, cn = s.ycats, s.xcats
  local lw = 0
  for _, r in ipairs(rn) do lw = math.max(lw, ulen(r)) end
  local cw = math.max(6, math.min(10, floor((W - lw - 1) / #cn)))
  local shades = { " ", "░", "▒", "▓", "█" }
  if s.title then out[#out + 1] = s.title end
  local head = { (" "):rep(lw + 1) }
  for _, c in ipairs(cn) do head[#head + 1] = pad(c:sub(1, cw - 1), cw) end
  out[#out + 1] = table.concat(head)
  for i = 1, l.rows do
    local row = { pad(rn[i], lw), " " }
    for j = 1, l.cols do
      local v = l.m:get(i, j)
      local _, t = heatcolour(v, l.lo, l.hi)
      t = t or 0
      local sh = shades[math.min(5, 1 + floor(abs(t) * 4.999))]
      local cell = l.values and pad(cellfmt(v), cw - 1) .. sh or sh:rep(cw)
      row[#row + 1] = sgr(t < 0 and 34 or 31, cell, col and t ~= 0)
    end
    out[#out + 1] = table.concat(row)
  end
  return table.concat(out, "\n")
end

-- Draws the scene with braille dots, w x h characters in all.
local function terminal(s, fn, W, H, col)
  local ps = panels(s, fn)
  if s.facets then
    -- panels one under another, each with its level as a title
    local parts = {}
    local hh = math.max(8, floor(H / #ps))
    for _, p in ipairs(ps) do
      local sub = setmetatable({}, { __index = s })
      sub.facets = false; sub.layers = p.layers; sub.title = (s.title and s.title .. ": " or "") .. p.title
      parts[#parts + 1] = terminal(sub, fn, W, hh, col)
    end
    return table.concat(parts, "\n")
  end
  for _, l in ipairs(s.layers) do
    if l.kind == "heatmap" then return terminal_heatmap(s, l, W, col) end
  end
  local xa, ya = axes(s, fn, s.layers)
  local entries = s.legend ~= "none" and legend_entries(s.layers) or {}
  local extra = (s.title and 1 or 0) + (s.ylab and 1 or 0) + 2 + (s.xlab and 1 or 0) + (#entries > 0 and 1 or 0)
  local rows = math.max(3, H - extra)
  -- y ticks by rows, then the left margin from their labels
  mapper(ya, 4 * rows - 1, 0)
  local yl, ypos
  if ya.cats then
    yl, ypos = {}, {}
  else
    yl, ypos = fit_ticks(ya, 4 * rows, 4, 4, false, 1, 16)
  end
  local lw = 0
  for _, t in ipairs(yl) do lw = math.max(lw, #t) end
  local cols = math.max(10, W - lw - 2)
  mapper(xa, 0, 2 * cols - 1)
  local xl, xpos
  if xa.cats then
    xl, xpos = {}, {}
    local wmax = 0
    for _, t in ipairs(xa.cats) do wmax = math.max(wmax, ulen(t)) end
    local every = math.max(1, ceil(#xa.cats * (wmax + 1) * 2 / (2 * cols)))
    for k = 1, #xa.cats, every do xl[#xl + 1] = xa.cats[k]; xpos[#xpos + 1] = xa.map(k) end
  else
    -- one character is two dots wide: widths in dots
    xl, xpos = fit_ticks(xa, 2 * cols, 2, 4, true, 2 / 0.6, 24)
  end
  local cv = C._canvas(cols, rows)
  local tx = tx_of(xa, ya)
  local ci = {}
  local function cindex(l)
    local hex = l.color or "#000000"
    if not ci[hex] then
      local k = 0
      for _ in pairs(ci) do k = k + 1 end
      if k >= 15 then return 15 end
      ci[hex] = k + 1
    end
    return ci[hex]
  end
  for _, l in ipairs(s.layers) do
    local k = l.kind
    local c = cindex(l)
    if k == "points" then cv:points(l.x, l.y, tx, c)
    elseif k == "line" then
      local xs, ys = mapxy(xa, ya, l.x, l.y)
      cv:line(xs, ys, c)
    elseif k == "step" then
      local sx, sy = stepxy(l.x, l.y)
      local xs, ys = mapxy(xa, ya, sx, sy)
      if #xs > 0 then cv:line(xs, ys, c) end
      if l.marks then
        local mx, my = markxy(l.x, l.y, l.marks)
        mx, my = mapxy(xa, ya, mx, my)
        for i = 1, #mx do cv:line({ mx[i], mx[i] }, { my[i] - 2, my[i] - 1 }, c) end
      end
    elseif k == "band" or k == "errorbar" then
      local bx, blo = l.x, l.lo
      local bhi = l.hi
      if k == "band" and l.step then
        local sx, slo = stepxy(l.x, l.lo); local _, shi = stepxy(l.x, l.hi)
        bx, blo, bhi = sx, slo, shi
      end
      -- bands are left out: braille has no transparency, and their edges
      -- would read as more curves
      if k == "errorbar" then
        local xs, ls = mapxy(xa, ya, bx, blo)
        local _, hs = mapxy(xa, ya, bx, bhi)
        for i = 1, #xs do cv:line({ xs[i], xs[i] }, { ls[i], hs[i] }, c) end
      end
    elseif k == "abline" then
      local xs, ys = {}, {}
      for i = 0, 99 do
        local u = xa.lo + (xa.hi - xa.lo) * i / 99
        local xv = xa.log and 10 ^ u or u
        xs[#xs + 1] = xv; ys[#ys + 1] = l.a + l.b * xv
      end
      xs, ys = mapxy(xa, ya, xs, ys)
      cv:line(xs, ys, c)
    elseif k == "rects" and not ya.log then
      local base = ya.map(0)
      for j = 1, #l.counts do
        if l.counts[j] > 0 then
          cv:fill(floor(xa.map(l.edges[j]) + 0.5) + 1, floor(ya.map(l.counts[j]) + 0.5),
            floor(xa.map(l.edges[j + 1]) + 0.5) - 1, floor(base + 0.5), c)
        end
      end
    elseif k == "bar" then
      local base = ya.log and 4 * rows - 1 or ya.map(0)
      for j = 1, #l.values do
        local v = l.values[j]
        if v == v and not (ya.log and v <= 0) then
          cv:fill(floor(xa.map(j - 0.35) + 0.5), floor(ya.map(v) + 0.5), floor(xa.map(j + 0.35) + 0.5),
            floor(base + 0.5), c)
        end
      end
    end
  end
  local codes = {}
  for hex, k in pairs(ci) do codes[k] = ansi_of(hex) end
  local body = cv:rows(col and codes or nil)
  -- y labels on the rows their ticks fall in
  local ylab_at = {}
  for i, p in ipairs(ypos) do
    local r = floor(p / 4 + 1e-9) + 1
    if r >= 1 and r <= rows then ylab_at[r] = yl[i] end
  end
  local out = {}
  if s.title then out[#out + 1] = pad("", math.max(0, floor((W - ulen(s.title)) / 2))) .. s.title end
  if s.ylab then out[#out + 1] = s.ylab end
  for r = 1, rows do
    local lab = ylab_at[r]
    out[#out + 1] = pad(lab or "", lw) .. (lab and " ┤" or " │") .. body[r]
  end
  -- the x axis, its tick marks and labels
  local axisline, labline = {}, {}
  for j = 1, cols do axisline[j] = "─"; labline[j] = " " end
  local lastend = 0
  for i, p in ipairs(xpos) do
    local c = floor(p / 2 + 1e-9) + 1
    if c >= 1 and c <= cols then
      axisline[c] = "┬"
      local t = xl[i]
      local st = math.max(1, math.min(cols - #t + 1, c - #t // 2))
      if st > lastend then
        for k = 1, #t do labline[st + k - 1] = t:sub(k, k) end
        lastend = st + #t
      end
    end
  end
  out[#out + 1] = (" "):rep(lw) .. " └" .. table.concat(axisline)
  out[#out + 1] = (" "):rep(lw + 2) .. (table.concat(labline):gsub("%s+$", ""))
  if s.xlab then out[#out + 1] = (" "):rep(lw + 2 + math.max(0, floor((cols - ulen(s.xlab)) / 2))) .. s.xlab end
  if #entries > 0 then
    local e = {}
    for _, l in ipairs(entries) do
      local filled = l.kind == "band" or l.kind == "rects" or l.kind == "bar"
      local mark = l.kind == "points" and "⠶" or filled and "█" or "━━"
      e[#e + 1] = sgr(ansi_of(l.color or "#000000"), mark, col) .. " " .. l.label
    end
    out[#out + 1] = (" "):rep(lw + 2) .. table.concat(e, "   ")
  end
  return table.concat(out, "\n")
end

local function termsize()
  local cols, rows = C._termsize()
  cols = cols or tonumber(os.getenv("COLUMNS") or "") or 80
  local W = math.max(30, math.min(cols - 1, 160))
  local H = math.max(10, math.min(floor(W / 3.2), 30))
  if rows then H = math.max(10, math.min(H, rows - 4)) end
  return W, H
end

function methods.terminal(s, o)
  local fn = "plot:terminal"
  checkscene(fn, s)
  o = opts(fn, o, { "width", "height", "color" })
  local W, H = termsize()
  if o.width ~= nil then
    if math.type(o.width) ~= "integer" or o.width < 20 or o.width > 1000 then
      fail(fn, "width must be an integer in [20, 1000]")
    end
    W = o.width
  end
  if o.height ~= nil then
    if math.type(o.height) ~= "integer" or o.height < 5 or o.height > 1000 then
      fail(fn, "height must be an integer in [5, 1000]")
    end
    H = o.height
  end
  local col = o.color
  if col == nil then col = use_colour() end
  return terminal(s, fn, W, H, col and true or false)
end

Scene.__tostring = function(s)
  local ok, r = pcall(methods.terminal, s)
  if ok then return r end
  return "plot.scene (" .. tostring(r) .. ")"
end
Scene.__svg = function(s) return methods.svg(s) end

local function show(p)
  checkscene("plot.show", p)
  display.show(p)
  -- nothing returned (as Python's display()): a cell or REPL line ending in
  -- plot.show(p) shows the plot once, not again as its value
end
M.show = show
function methods.show(s) show(s) end

-- ------------------------------------------------------------ help

help.doc(M.line, "plot.line", [[
plot.line(x, y [, opts]) -> a scene with one line; opts are plot.new's and p:line's.
Likewise plot.scatter(x, y), plot.step(x, y), plot.hist(x), plot.bar(labels, values),
plot.heatmap(M).]])
help.doc(M.scatter, "plot.scatter", "plot.scatter(x, y [, opts]) = plot.new(opts):points(x, y, opts)")
help.doc(M.step, "plot.step", "plot.step(x, y [, opts]) = plot.new(opts):step(x, y, opts)")
help.doc(M.hist, "plot.hist", "plot.hist(x [, opts]) = plot.new(opts):hist(x, opts)")
help.doc(M.bar, "plot.bar", "plot.bar(labels, values [, opts]) = plot.new(opts):bar(labels, values, opts)")
help.doc(M.heatmap, "plot.heatmap", "plot.heatmap(M [, opts]) = plot.new(opts):heatmap(M, opts)")
help.doc(M.show, "plot.show", [[
plot.show(p): shows the scene through orrery.display: inline in a report
or a notebook, drawn in the terminal otherwise.]])
help.doc(methods.line, "plot:line", [[
p:line(x, y [, {label =, color =, dash =, width =}]) -> p
  x, y: vectors of one length (mats or arrays); NaN is missing and breaks the
  line; Inf is an error. color: a palette number, a name or "#rrggbb" (the next
  palette colour by default); dash: true, "dash" or "dot"; width in points.]])
help.doc(methods.points, "plot:points", [[
p:points(x, y [, {label =, color =, size =, alpha =}]) -> p
  A scatter layer; size is the radius in points (2), alpha the opacity.
  Large layers are stamped straight into PNG images (fast for 1e6 points).]])
help.doc(methods.step, "plot:step", [[
p:step(x, y [, {label =, color =, dash =, width =, marks =}]) -> p
  A right-continuous step function (survival curves): y[i] holds from x[i] to
  x[i+1]. marks: x values to tick on the curve (censoring times).]])
help.doc(methods.band, "plot:band", [[
p:band(x, lo, hi [, {label =, color =, alpha =, step =}]) -> p
  A filled band between lo and hi (confidence bands); step = true for bands
  of step functions. Takes the colour of the next layer unless given.]])
help.doc(methods.errorbar, "plot:errorbar", [[
p:errorbar(x, lo, hi [, {label =, color =}]) -> p: vertical bars from lo to hi at x.]])
help.doc(methods.abline, "plot:abline", [[
p:abline(a, b [, {label =, color =, dash =, width =}]) -> p: the line y = a + b x.]])
help.doc(methods.text, "plot:text", [[
p:text(x, y, s [, {color =, size =}]) -> p: the string s centred at (x, y)
  (data units). Not drawn in the terminal.]])
help.doc(methods.hist, "plot:hist", [[
p:hist(x [, {bins =, label =, color =, density =}]) -> p
  A histogram: bins is a number of classes (Sturges' by default) over nice
  edges, or the edges; classes are right-closed (a, b], the first also holds
  its left edge, as R's hist(). density = true: heights integrate to 1.]])
help.doc(methods.bar, "plot:bar", [[
p:bar(labels, values [, {label =, color =}]) -> p: one bar per label (a categorical x axis).]])
help.doc(methods.heatmap, "plot:heatmap", [[
p:heatmap(M [, {rownames =, colnames =, values =}]) -> p
  A matrix as coloured cells, row 1 at the top: blue-white-red about 0 when
  M has both signs (a correlation or effect matrix), white to blue otherwise.
  values = false hides the numbers in the cells.]])
help.doc(methods.facet, "plot:facet", [[
p:facet(by) -> p: one panel per level of by (a factor or a vector with one
  element per row of the layers), with shared axes; layers of another length
  are drawn in every panel.]])
help.doc(methods.save, "plot:save", [[
p:save(path [, {width =, height =, dpi =}]) -> p
  Writes .svg (by Orrery, deterministic), .png or .pdf (cairo); width and
  height in inches (7 x 4.5), dpi for PNG (100). The sandbox applies.]])
help.doc(methods.svg, "plot:svg", [[
p:svg([{width =, height =}]) -> the SVG document as a string (what p:save writes).]])
help.doc(methods.terminal, "plot:terminal", [[
p:terminal([{width =, height =, color =}]) -> the terminal drawing (braille
  dots) as a string; tostring(p) is p:terminal() sized to the terminal,
  in colour on a terminal unless NO_COLOR is set.]])
help.doc(methods.show, "plot:show", "p:show(): as plot.show(p).")

return M
