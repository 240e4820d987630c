-- A small assertion library for the test suite (tests/**/*.lua).
--   local T = require "orrery.testing"
--   T.test("name", function() T.near(x, 1.5, 1e-8) end)
-- Each test runs in pcall; the runner (tests/run.lua) counts the results.
local M = ...
local mat = require "orrery.mat"
local args = require "orrery.args"

M.passed, M.failed, M.skipped, M.failures = 0, 0, 0, {}
M.verbose = false
M.stock = false   -- set by tests/run.lua when it runs under a stock Lua

local function fail(msg, level)
  error(msg, (level or 1) + 1)
end

local function describe(v)
  if type(v) == "number" then return string.format("%.17g", v) end
  return tostring(v)
end

--- Runs fn as one test named name.
function M.test(name, fn)
  local ok, err = xpcall(fn, debug and debug.traceback or tostring)
  if ok then
    M.passed = M.passed + 1
    if M.verbose then print("  ok    " .. name) end
  else
    M.failed = M.failed + 1
    M.failures[#M.failures + 1] = (M.file or "?") .. ": " .. name .. ": " .. tostring(err)
    print("  FAIL  " .. name .. "\n        " .. tostring(err):gsub("\n", "\n        "))
  end
end

--- A test that needs the program itself (its globals, the REPL, arg
-- handling): run as M.test in the program, skipped and counted under a
-- stock Lua that loads orrery.so.
function M.program(name, fn)
  if M.stock then
    M.skipped = M.skipped + 1
    if M.verbose then print("  skip  " .. name .. " (needs the program)") end
    return
  end
  return M.test(name, fn)
end

function M.ok(v, msg)
  if not v then fail(msg or "assertion failed", 2) end
  return v
end

function M.eq(a, b, msg)
  if a ~= b then
    fail((msg and msg .. ": " or "") .. "expected " .. describe(b) .. ", got " .. describe(a), 2)
  end
end

-- Elements of a number, a mat or a (nested) array, flattened in order.
local function elements(v)
  if type(v) == "number" then return { v } end
  if type(v) == "table" then
    local out = {}
    for i = 1, #v do
      for _, x in ipairs(elements(v[i])) do out[#out + 1] = x end
    end
    return out
  end
  if args.is_mat(v) then
    local out = {}
    -- row-major, as a table of rows would list them
    for i = 1, v:rows() do for j = 1, v:cols() do out[#out + 1] = v:get(i, j) end end
    return out
  end
  error("testing: cannot compare a " .. type(v), 3)
end

--- |a - b| <= rtol * |b| + atol, element-wise; NaN matches only NaN.
function M.near(a, b, rtol, msg, atol)
  rtol, atol = rtol or 1e-12, atol or 0
  local ea, eb = elements(a), elements(b)
  if #ea ~= #eb then
    fail((msg and msg .. ": " or "") .. "sizes differ: " .. #ea .. " vs " .. #eb, 2)
  end
  for i = 1, #ea do
    local x, y = ea[i], eb[i]
    local bad
    if y ~= y then bad = x == x
    elseif y == math.huge or y == -math.huge then bad = x ~= y
    else bad = not (math.abs(x - y) <= rtol * math.abs(y) + atol) end
    if bad then
      fail(string.format("%selement %d: expected %.17g, got %.17g (rel. error %.3g, tol %g)",
        msg and msg .. ": " or "", i, y, x, math.abs(x - y) / math.max(math.abs(y), 1e-300), rtol), 2)
    end
  end
end

--- fn must raise an error whose message contains the plain text 'pattern'.
function M.errors(fn, pattern, msg)
  local ok, err = pcall(fn)
  if ok then fail((msg and msg .. ": " or "") .. "expected an error", 2) end
  err = tostring(err)
  if pattern and not err:find(pattern, 1, true) then
    fail((msg and msg .. ": " or "") .. "error '" .. err .. "' does not contain '" .. pattern .. "'", 2)
  end
  return err
end

M.refdir = "tests/ref/"

--- Reads a reference file: lines "key v1 v2 ..." ('#' starts a comment).
-- Returns key -> number (one value) or array of values; NA/NaN -> NaN,
-- Inf/-Inf -> +-math.huge, anything else non-numeric stays a string.
-- The private table of namespace ns (the binding's '_' functions and what its
-- Lua parts share), for tests of internals; it is never reachable from a
-- public table.
function M.private(ns)
  require("orrery." .. ns)
  return debug.getregistry()["orrery.private"][ns]
end

function M.ref(path)
  local f = assert(io.open(M.refdir .. path, "r"))
  local t = {}
  for line in f:lines() do
    if not line:match("^%s*#") and line:match("%S") then
      local key, rest = line:match("^%s*(%S+)%s*(.*)$")
      local vals = {}
      for tok in rest:gmatch("%S+") do
        local v = tonumber(tok)
        if v == nil then
          if tok == "NA" or tok == "NaN" then v = 0 / 0
          elseif tok == "Inf" then v = math.huge
          elseif tok == "-Inf" then v = -math.huge
          else v = tok end
        end
        vals[#vals + 1] = v
      end
      t[key] = #vals == 1 and vals[1] or vals
    end
  end
  f:close()
  return t
end

--- The columns 'names' of a T.csv table side by side: an n x k mat.
function M.cols(d, names)
  local x = d[names[1]]:copy()
  for i = 2, #names do x = x:hcat(d[names[i]]) end
  return x
end

--- Reads a plain numeric CSV (header line, no quoting; NA -> NaN) from
-- tests/ref/ into {names = {...}, <name> = column mat, ...}: reference data
-- for tests, independent of data.read_csv so that tests of models do not
-- rest on the parser they might share a bug with.
function M.csv(path)
  local f = assert(io.open(M.refdir .. path, "r"))
  local header = f:read("l"):gsub("\r$", "")
  local names, cols = {}, {}
  for name in (header .. ","):gmatch('"?([^,"]*)"?,') do
    names[#names + 1] = name; cols[#cols + 1] = {}
  end
  for line in f:lines() do
    line = line:gsub("\r$", "")
    if line ~= "" then
      local j = 0
      for tok in (line .. ","):gmatch("([^,]*),") do
        j = j + 1
        local v = tonumber(tok)
        if v == nil then v = (tok == "Inf" and math.huge) or (tok == "-Inf" and -math.huge) or 0 / 0 end
        cols[j][#cols[j] + 1] = v
      end
      assert(j == #names, path .. ": ragged line")
    end
  end
  f:close()
  local t = { names = names }
  for j, name in ipairs(names) do t[name] = mat.vec(cols[j]) end
  return t
end

return M
