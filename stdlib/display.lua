-- orrery.display: the one rich-output protocol, shared by the REPL, the
-- report (orrery report) and the Jupyter kernel.
--
-- An object is rich when its metatable has __html and/or __svg: functions
-- of the object returning a string (an HTML fragment; a complete <svg>
-- element). Every object also has a plain form, tostring(obj).
--
--   local display = require "orrery.display"
--   display.bundle(obj)    {["text/plain"] = ..., ["text/html"] = ...,
--                           ["image/svg+xml"] = ...}: the forms obj has
--   display.show(obj)      hands the bundle to the current sink; without
--                           one it prints the plain form
--   display.set_sink(f)    f(bundle) receives shown objects (nil: none);
--                           returns the previous sink, so callers restore it
--   display.escape(s)      s with & < > " as HTML entities
--   display.table_html(header, rows [, {note =}])
--                          an HTML <table>: header an array of strings
--                          (the column names; "" over row labels), rows an
--                          array of arrays of strings, every cell escaped;
--                          note (e.g. what a truncated printout left out)
--                          follows the table as a <p>. The one table writer
--                          of frames, matrices and the report.
--
-- A front end (report, kernel) installs a sink while it runs a script; a
-- function that wants a picture shown (plot.show) calls display.show and
-- knows nothing of where it goes.
local M = ...

local sink = nil

local function method(obj, name)
  local mt = getmetatable(obj)
  if type(mt) ~= "table" then return nil end
  local f = rawget(mt, name)
  if type(f) == "function" then return f end
  return nil
end

function M.bundle(obj)
  local b = { ["text/plain"] = tostring(obj) }
  local html, svg = method(obj, "__html"), method(obj, "__svg")
  if html then b["text/html"] = html(obj) end
  if svg then b["image/svg+xml"] = svg(obj) end
  return b
end

function M.show(obj)
  if sink then
    sink(M.bundle(obj))
  else
    print(tostring(obj))
  end
end

local ENTITY = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }

function M.escape(s)
  if type(s) ~= "string" then error("display.escape: expected a string, got " .. type(s), 2) end
  return (s:gsub('[&<>"]', ENTITY))
end

local function cells(out, row, tag, what)
  if type(row) ~= "table" then error("display.table_html: " .. what .. " must be an array of strings", 3) end
  out[#out + 1] = "<tr>"
  for j = 1, #row do
    local c = row[j]
    if type(c) ~= "string" and type(c) ~= "number" then
      error("display.table_html: " .. what .. " has a " .. type(c) .. " in cell " .. j, 3)
    end
    out[#out + 1] = "<" .. tag .. ">" .. M.escape(tostring(c)) .. "</" .. tag .. ">"
  end
  out[#out + 1] = "</tr>\n"
end

function M.table_html(header, rows, opts)
  if type(rows) ~= "table" then error("display.table_html: rows must be an array of rows", 2) end
  if opts ~= nil and type(opts) ~= "table" then error("display.table_html: options must be a table", 2) end
  for k in pairs(opts or {}) do
    if k ~= "note" then error("display.table_html: unknown option '" .. tostring(k) .. "'", 2) end
  end
  local out = { "<table>\n" }
  if header ~= nil then
    out[#out + 1] = "<thead>"
    cells(out, header, "th", "the header")
    out[#out + 1] = "</thead>\n"
  end
  out[#out + 1] = "<tbody>\n"
  for i = 1, #rows do cells(out, rows[i], "td", "row " .. i) end
  out[#out + 1] = "</tbody>\n</table>"
  local note = opts and opts.note
  if note ~= nil then
    if type(note) ~= "string" then error("display.table_html: note must be a string", 2) end
    out[#out + 1] = "\n<p>" .. M.escape(note) .. "</p>"
  end
  return table.concat(out)
end

function M.set_sink(f)
  if f ~= nil and type(f) ~= "function" then
    error("display.set_sink: sink must be a function or nil", 2)
  end
  local old = sink
  sink = f
  return old
end

return M
