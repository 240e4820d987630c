-- orrery report script.lua [-o report.html] [args]: runs the script and
-- writes one self-contained HTML page: its printed output in order, every
-- plot inline as SVG, every printed object's tables as HTML tables, the
-- script's source and a footer (version, seed, BLAS, threads, wall time).
--
-- While the script runs, print and io.write are captured and a display
-- sink is installed (orrery.display): objects with __svg / __html (plots,
-- frames, matrices) show as such, a printed one as well as a shown one;
-- other objects (fits, survival tables) print as usual and their aligned
-- columns become <table>s; plain text stays <pre>.
local _, C = ...
local display = require "orrery.display"

local R = {}
local fmt = string.format

local esc = display.escape

-- ------------------------------------------------------------ text to tables

local SPECIAL = { [""] = true, NA = true, NaN = true, Inf = true, ["-Inf"] = true, ["<NA>"] = true }

local function numeric(cell)
  if SPECIAL[cell] then return true end
  local c = cell:gsub("^[<>]", ""):gsub("[%*%.]+$", function(t) return t:find("%*") and "" or t end)
  return c:match("^[-+]?%d*%.?%d+[eE][-+]?%d+$") ~= nil or c:match("^[-+]?%d+%.?%d*$") ~= nil
    or c:match("^[-+]?%.%d+$") ~= nil
end

-- The columns of lines that line up: separators are positions blank in
-- every line. Returns rows of cells, or nil when the lines are not a table
-- (fewer than two columns, or mostly words rather than numbers).
local function as_table(lines)
  if #lines < 2 then return nil end
  local w = 0
  for _, l in ipairs(lines) do
    if #l > w then w = #l end
    if l:find("[\128-\255]") or l:find("\t") then return nil end
  end
  local blank = {}
  for p = 1, w do
    local all = true
    for _, l in ipairs(lines) do
      local ch = l:sub(p, p)
      if ch ~= "" and ch ~= " " then all = false; break end
    end
    blank[p] = all
  end
  local fields, p = {}, 1
  while p <= w do
    if blank[p] then p = p + 1
    else
      local q = p
      while q < w and not blank[q + 1] do q = q + 1 end
      fields[#fields + 1] = { p, q }
      p = q + 1
    end
  end
  if #fields < 2 then return nil end
  -- every row has two cells or more; every row after the header has a
  -- number past its label (a second header, as in a frame wrapped at 80
  -- columns, starts another table); prose ("test=43.1 on 3 df, p=...")
  -- is not a table
  local rows, num, cells = {}, 0, 0
  for i, l in ipairs(lines) do
    local row, filled, rownum = {}, 0, 0
    for j, f in ipairs(fields) do
      local c = l:sub(f[1], f[2]):match("^%s*(.-)%s*$")
      row[j] = c
      if c ~= "" then filled = filled + 1 end
      if c:find("[=:]$") or c:find(", ", 1, true) or c:find("[=:] ") then return nil end
      if i > 1 and j > 1 then
        cells = cells + 1
        if c ~= "" and numeric(c) then num = num + 1; rownum = rownum + 1 end
      end
    end
    if (i == 1 and filled < 2 and row[1] ~= "") or (i > 1 and (filled < 2 or rownum == 0)) then return nil end
    rows[i] = row
  end
  if cells == 0 or num < cells / 2 then return nil end
  -- a header word over no data ("t" of "t value", right-aligned numbers
  -- sit under "value") joins the next column's header
  for j = #fields - 1, 2, -1 do
    local empty = rows[1][j] ~= ""
    for i = 2, #rows do if rows[i][j] ~= "" then empty = false; break end end
    if empty then
      rows[1][j + 1] = rows[1][j] .. " " .. rows[1][j + 1]
      for i = 1, #rows do table.remove(rows[i], j) end
    end
  end
  return rows
end

-- rows[1] is the header
local function table_html(rows)
  return display.table_html(rows[1], table.move(rows, 2, #rows, 1, {}))
end

local function pre(lines)
  if #lines == 0 then return nil end
  return "<pre>" .. esc(table.concat(lines, "\n")) .. "</pre>"
end

-- A printout as HTML: in each paragraph, the longest run of lines that form a
-- table becomes a <table>, the lines around it stay text.
local function segment_html(seg, out)
  if #seg > 80 then out[#out + 1] = pre(seg); return end
  for s = 1, #seg - 1 do
    for e = #seg, s + 1, -1 do
      local run = table.move(seg, s, e, 1, {})
      local rows = as_table(run)
      if rows then
        out[#out + 1] = pre(table.move(seg, 1, s - 1, 1, {}))
        out[#out + 1] = table_html(rows)
        local rest = table.move(seg, e + 1, #seg, 1, {})
        if #rest > 0 then segment_html(rest, out) end
        return
      end
    end
  end
  out[#out + 1] = pre(seg)
end

function R.text_html(s)
  local out, seg = {}, {}
  for line in (s .. "\n"):gmatch("([^\n]*)\n") do
    if line:match("^%s*$") then
      if #seg > 0 then segment_html(seg, out); seg = {} end
    else
      seg[#seg + 1] = line
    end
  end
  if #seg > 0 then segment_html(seg, out) end
  local parts = {}
  for _, p in ipairs(out) do if p then parts[#parts + 1] = p end end
  return table.concat(parts, "\n")
end

-- ------------------------------------------------------------ the page

local CSS = [[
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:0 auto;
padding:1rem;color:#222;line-height:1.45;background:#fff}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
pre{background:#f6f8fa;border-radius:4px;padding:.6rem .8rem;overflow-x:auto;font-size:.82rem;margin:.4rem 0}
table{border-collapse:collapse;font-size:.82rem;margin:.6rem 0;display:block;overflow-x:auto;max-width:100%}
th,td{padding:.15rem .6rem;text-align:right;white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
th{border-bottom:2px solid #888;font-weight:600}td{border-bottom:1px solid #e3e3e3}
td:first-child,th:first-child{text-align:left}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto;display:block}
.error{background:#fdecea;color:#8a1c1c}
details{margin:1.5rem 0}summary{cursor:pointer;font-weight:600}
footer{color:#666;font-size:.78rem;border-top:1px solid #ddd;margin-top:2rem;padding-top:.5rem}
]]

local function basename(p) return p:match("([^/]+)$") or p end

local function page(title, blocks, source, footer)
  local out = {
    "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>" .. esc(title) .. "</title>", "<style>" .. CSS .. "</style>", "</head>", "<body>",
    "<h1>" .. esc(title) .. "</h1>", "<main>",
  }
  for _, b in ipairs(blocks) do out[#out + 1] = b end
  out[#out + 1] = "</main>"
  out[#out + 1] = "<details><summary>Source</summary><pre>" .. esc(source) .. "</pre></details>"
  out[#out + 1] = "<footer>" .. footer .. "</footer>"
  out[#out + 1] = "</body>"
  out[#out + 1] = "</html>\n"
  return table.concat(out, "\n")
end

local function usage()
  io.stderr:write("usage: orrery report script.lua [-o report.html] [args...]\n")
  return false
end

-- R.run(script, out, args): returns true, or false and the error
function R.run(script, out, argv)
  local fn = "orrery report"
  local f, ferr = io.open(script, "rb")
  if not f then return false, fn .. ": cannot read '" .. script .. "': " .. tostring(ferr) end
  local source = f:read("a")
  f:close()
  local chunk, lerr = load(source, "@" .. script, "t")
  if not chunk then return false, lerr end

  local blocks, text = {}, {}
  local function flush()
    if #text > 0 then
      local s = table.concat(text):gsub("\n$", "")
      blocks[#blocks + 1] = "<pre>" .. esc(s) .. "</pre>"
      text = {}
    end
  end
  local function add_bundle(b)
    flush()
    if b["image/svg+xml"] then
      blocks[#blocks + 1] = "<figure>" .. b["image/svg+xml"] .. "</figure>"
    elseif b["text/html"] then
      blocks[#blocks + 1] = "<div>" .. b["text/html"] .. "</div>"
    else
      blocks[#blocks + 1] = R.text_html(b["text/plain"] or "")
    end
  end
  local function object(v)
    local mt = getmetatable(v)
    if type(mt) ~= "table" then return false end
    if rawget(mt, "__svg") or rawget(mt, "__html") then add_bundle(display.bundle(v)); return true end
    if rawget(mt, "__tostring") and type(v) ~= "string" then
      add_bundle({ ["text/plain"] = tostring(v) })
      return true
    end
    return false
  end

  local oldprint, oldwrite, oldarg = print, io.write, rawget(_G, "arg")
  rawset(_G, "print", function(...)
    local n = select("#", ...)
    if n == 1 and object((...)) then return end
    local parts = {}
    for i = 1, n do parts[i] = tostring((select(i, ...))) end
    text[#text + 1] = table.concat(parts, "\t") .. "\n"
  end)
  rawset(io, "write", function(...)
    for i = 1, select("#", ...) do
      local v = select(i, ...)
      text[#text + 1] = type(v) == "number" and fmt("%.14g", v) or tostring(v)
    end
    return io.stdout
  end)
  local a = { [0] = script }
  for i, v in ipairs(argv) do a[i] = v end
  rawset(_G, "arg", a)
  local oldsink = display.set_sink(add_bundle)
  local clock = require("orrery.experiment").clock
  local t0 = clock()
  local ok, err = xpcall(chunk, debug.traceback, table.unpack(argv))
  local elapsed = clock() - t0
  display.set_sink(oldsink)
  rawset(_G, "print", oldprint)
  rawset(io, "write", oldwrite)
  rawset(_G, "arg", oldarg)
  flush()
  if not ok then
    blocks[#blocks + 1] = '<pre class="error">' .. esc(tostring(err)) .. "</pre>"
  end

  local seed = debug.getregistry()["orrery.seed"]
  local blas, threads = C._blasinfo()
  local footer = fmt("%s &middot; %s &middot; seed %s &middot; BLAS %s, %d thread%s &middot; wall time %.3f s",
    esc(C._version), esc(_VERSION), seed and tostring(seed) or "default", esc(blas or "?"), threads,
    threads == 1 and "" or "s", elapsed)
  local html = page(basename(script), blocks, source, footer)
  C._write(fn, out, html)
  if not ok then return false, err end
  return true
end

-- R.main(argv): the command line after "report"
function R.main(argv)
  local script, out, rest = nil, nil, {}
  local i = 1
  while i <= #argv do
    local v = argv[i]
    if v == "-o" and out == nil and #rest == 0 then
      out = argv[i + 1]
      if out == nil then return usage() end
      i = i + 1
    elseif script == nil and v:sub(1, 1) == "-" then
      return usage()
    elseif script == nil then script = v
    else rest[#rest + 1] = v end
    i = i + 1
  end
  if script == nil then return usage() end
  out = out or (basename(script):gsub("%.lua$", "") .. ".html")
  local ok, err = R.run(script, out, rest)
  if not ok then
    io.stderr:write("orrery report: ", tostring(err), "\n")
    if err and not tostring(err):find("cannot read", 1, true) then
      io.stderr:write("(the report, with the error, is in ", out, ")\n")
    end
    return false
  end
  io.stderr:write("wrote ", out, "\n")
  return true
end

return R
