-- The bad-input sweep: every public function and method, called with
-- hostile values (singly, in pairs and a sample of triples). A crash of the
-- program or a hang fails it (tests/sh/test_hostile.sh runs it in a child
-- process and names the case from the progress file); so does an error
-- raised by tostring of a value a call returned. Errors that do not name
-- the function ("attempt to index a nil value") are counted and listed
-- with --unclear, and fail the sweep with --strict.
--
--   orrery tests/hostile/sweep.lua [ns ...] [--pairs=N|all] [--triples=N]
--       [--progress=FILE] [--unclear] [--strict] [--seconds=S]
--
-- Every single value is tried at each function; pairs and triples are a
-- fixed sample (N per function; defaults 100 and 40, the budget of make
-- test), or every pair with --pairs=all (about 27 times longer).
--
-- ns filters by namespace ("regress", "mat"); methods count under the
-- namespace of their object. Run from the top of the tree (it reads the
-- object list of tools/gendoc.lua, so kinds added there are swept too).
-- Functions that write files get a path in a missing folder instead of a
-- hostile string, so the sweep writes nothing.

local mat, data = require "orrery.mat", require "orrery.data"
local fmt = string.format

local opts = { pairs = 100, triples = 40, seconds = 10, filter = {} }
for _, a in ipairs(arg or {}) do
  local k, v = a:match("^%-%-([%w_]+)=?(.*)$")
  if k then opts[k] = tonumber(v) or (v ~= "" and v) or true
  else opts.filter[a] = true end
end

-- ------------------------------------------------------------------ values
local function deep(n)
  local t = {}
  local root = t
  for _ = 1, n do local u = {} t[1] = u t = u end
  return root
end
local function raiser() error("hostile: a function that raises", 0) end
local hostile_mt = {}
for _, e in ipairs{ "__index", "__newindex", "__len", "__call", "__tostring", "__eq",
  "__lt", "__le", "__concat", "__unm", "__add", "__sub", "__mul", "__div", "__pairs",
  "__close", "__name" } do
  hostile_mt[e] = raiser
end
hostile_mt.__name = nil
local DEEP = deep(1e5)

-- name, maker (fresh for every case: a call may change a table it gets)
local VALUES = {
  { "nil", function() return nil end },
  { "true", function() return true end },
  { "0", function() return 0 end },
  { "-1", function() return -1 end },
  { "0.5", function() return 0.5 end },
  { "NaN", function() return 0 / 0 end },
  { "Inf", function() return math.huge end },
  { "-Inf", function() return -math.huge end },
  { "2^53", function() return 2 ^ 53 end },
  { "1e308", function() return 1e308 end },
  { "-0.0", function() return -0.0 end },
  { '""', function() return "" end },
  { '"abc"', function() return "abc" end },
  { "{}", function() return {} end },
  { "{{}}", function() return { {} } end },
  { '{1, "x"}', function() return { 1, "x" } end },
  { "sparse", function() return { 1, nil, 3, [100] = 4 } end },
  { "deep 1e5", function() return DEEP end },
  { "raising metatable", function() return setmetatable({}, hostile_mt) end },
  { "raising function", function() return raiser end },
  { "0x0", function() return mat.new(0, 0) end },
  { "3x0", function() return mat.new(3, 0) end },
  { "0x3", function() return mat.new(0, 3) end },
  { "1e8x0", function() return mat.new(1e8, 0) end },
  { "NaN matrix", function() return mat.new(3, 2, 0 / 0) end },
  { "0-row frame", function() return data.frame{ a = mat.new(0, 1) } end },
  { "factor", function() return data.factor{ "a", "b", "a" } end },
}
local NV = #VALUES

-- ------------------------------------------------------------------ targets
local OBJECTS, INTERNAL, methodtables = loadfile("tools/gendoc.lua")("--objects")

local targets = {}
local function add(ns, name, f, maker)
  if next(opts.filter) == nil or opts.filter[ns] then
    targets[#targets + 1] = { ns = ns, name = name, f = f, maker = maker }
  end
end

local nss = {}
for k in pairs(package.preload) do
  local ns = k:match("^orrery%.([%w_]+)$")
  if ns and not INTERNAL[ns] then nss[#nss + 1] = ns end
end
table.sort(nss)
local seen = {}
for _, ns in ipairs(nss) do
  local function walk(t, prefix, depth)
    local keys = {}
    for k in pairs(t) do if type(k) == "string" then keys[#keys + 1] = k end end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local v = t[k]
      if k:match("^_") then -- luacheck: ignore 542 (private: not reachable)
      elseif type(v) == "function" and not seen[v] then
        seen[v] = true
        add(ns, prefix .. k, v)
      elseif type(v) == "table" and k ~= "methods" and depth < 2 and getmetatable(v) == nil then
        walk(v, prefix .. k .. ".", depth + 1)
      end
    end
  end
  walk(require("orrery." .. ns), ns .. ".", 0)
end
for _, o in ipairs(OBJECTS) do
  local tables, maker
  if o.make then
    local ok, obj = pcall(o.make)
    if ok then tables, maker = methodtables(obj), o.make end
  else
    local t = require("orrery." .. o.ns)[o.methods]
    tables = { t }
    maker = function() return mat.from{ { 1, 2 }, { 3, 4 } } end
  end
  for _, t in ipairs(tables or {}) do
    local keys = {}
    for k, v in pairs(t) do
      if type(k) == "string" and type(v) == "function" and not k:match("^_") then keys[#keys + 1] = k end
    end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local f = t[k]
      if not seen[f] then
        seen[f] = true
        add(o.ns, (o.recv or "obj") .. ":" .. k .. (o.from and " [" .. o.from .. "]" or ""), f, maker)
      end
    end
  end
end

-- ------------------------------------------------------------------ cases
local progress = opts.progress and io.open(opts.progress, "w")
if progress then progress:setvbuf("no") end
local failures, unclear, calls, nonerr = {}, {}, 0, 0
local clock = os.clock

local function describe(t, idx)
  local parts = {}
  if t.maker then parts[1] = "<" .. t.name:match("^[%w_]+") .. ">" end
  for _, i in ipairs(idx) do parts[#parts + 1] = VALUES[i][1] end
  return fmt("%s(%s)", t.name, table.concat(parts, ", "))
end

local function writes(t) return t.name:match("write") or t.name:match("save") end

-- a message is clear when it names a public function ("ns.fn:" or
-- "recv:method:"), or comes from the argument checks of Lua's auxlib
local function clear(msg)
  if type(msg) ~= "string" then return false end
  if msg:match("^[%w_]+[%.:][%w_.:]+: ") then return true end
  if msg:match("^bad argument #%d+ to '[%w_.:]+'") and not msg:match("to '%?'") then return true end
  if msg:match("^hostile: ") then return true end   -- our own raisers, passed on
  if msg:match("not enough memory") then return true end
  if msg:match("stack overflow") then return true end
  return false
end

local function case(t, idx)
  calls = calls + 1
  local desc = describe(t, idx)
  if progress then
    progress:seek("set")
    progress:write(desc, "\n", string.rep(" ", 80), "\n")
  end
  local args, n = {}, 0
  if t.maker then
    local ok, obj = pcall(t.maker)
    if not ok then return end
    n = 1; args[1] = obj
  end
  for _, i in ipairs(idx) do
    n = n + 1
    local v = VALUES[i][2]()
    if writes(t) and type(v) == "string" then v = "/nonexistent-orrery-dir/x" end
    args[n] = v
  end
  local deadline = clock() + opts.seconds
  debug.sethook(function()
    if clock() > deadline then debug.sethook(); error("hostile: hang (over " .. opts.seconds .. " s)", 0) end
  end, "", 10000)
  local res = table.pack(pcall(t.f, table.unpack(args, 1, n)))
  debug.sethook()
  if not res[1] then
    local msg = res[2]
    if type(msg) == "string" and msg:match("^hostile: hang") then
      failures[#failures + 1] = desc .. ": " .. msg
    elseif not clear(msg) then
      unclear[#unclear + 1] = desc .. ": " .. tostring(msg)
    end
    return
  end
  nonerr = nonerr + 1
  for i = 2, res.n do
    local v = res[i]
    if type(v) == "table" or type(v) == "userdata" then
      local ok, err = pcall(tostring, v)
      if not ok then failures[#failures + 1] = fmt("tostring of result %d of %s: %s", i - 1, desc, tostring(err)) end
    end
  end
end

-- a deterministic sample: Lua's PRNG with a fixed seed
math.randomseed(20261204)
local t0 = clock()
for _, t in ipairs(targets) do
  for i = 1, NV do case(t, { i }) end
  if opts.pairs == "all" then
    for i = 1, NV do for j = 1, NV do case(t, { i, j }) end end
  else
    for _ = 1, opts.pairs do case(t, { math.random(NV), math.random(NV) }) end
  end
  for _ = 1, opts.triples do
    case(t, { math.random(NV), math.random(NV), math.random(NV) })
  end
  collectgarbage()
end
-- printouts of incomplete objects: each kind, empty and with each field
-- removed in turn, must print without raising
local partial = 0
for _, o in ipairs(OBJECTS) do
  local ok, obj = pcall(o.make or function() end)
  if ok and type(obj) == "table" and (next(opts.filter) == nil or opts.filter[o.ns]) then
    local mt = getmetatable(obj)
    local keys = {}
    for k in pairs(obj) do keys[#keys + 1] = k end
    local function try(t, what)
      partial = partial + 1
      local ok2, err = pcall(tostring, setmetatable(t, mt))
      if not ok2 then
        failures[#failures + 1] = fmt("tostring of a %s object from %s %s: %s", o.kind,
          o.from or o.ns, what, tostring(err))
      end
    end
    try({}, "(empty)")
    for _, k in ipairs(keys) do
      local c = {}
      for k2, v in pairs(obj) do if k2 ~= k then c[k2] = v end end
      try(c, "without ." .. tostring(k))
    end
  end
end

if progress then progress:seek("set") progress:write("done\n", string.rep(" ", 200), "\n") progress:close() end

for _, f in ipairs(failures) do print("FAIL " .. f) end
if opts.unclear then for _, u in ipairs(unclear) do print("unclear: " .. u) end end
print(fmt("hostile sweep: %d functions and methods, %d calls (%d without error) and %d printouts of "
  .. "incomplete objects in %.1f s CPU; %d unclear messages", #targets, calls, nonerr, partial, clock() - t0, #unclear))
local failed = #failures + ((opts.strict and #unclear > 0) and 1 or 0)
print(fmt("%d passed, %d failed", #targets - math.min(#targets, #failures), failed))
os.exit(failed == 0 and 0 or 1)
