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

function M.set_sink(f)
  if f ~= nil and type(f) ~= "function" then
    error("display.set_sink: sink must be a function or nil", 2)
  end
  local old = sink
  sink = f
  return old
end

return M
