-- The REPL's Lua half: printing of results and tab completion.
local M = ...

local keywords = {
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function",
  "goto", "if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
  "true", "until", "while",
}

local function isident(s)
  return type(s) == "string" and s:match("^[%a_][%w_]*$") ~= nil
end

local function scalar(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

-- One level of a plain table, sorted keys, so results read like R's str().
local function showtable(t)
  local mt = getmetatable(t)
  if mt and mt.__tostring then return tostring(t) end
  local keys, n = {}, #t
  for k in pairs(t) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for i = 1, math.min(n, 20) do parts[#parts + 1] = scalar(t[i]) end
  if n > 20 then parts[#parts + 1] = "... (" .. n .. " elements)" end
  for i, k in ipairs(keys) do
    if i > 30 then parts[#parts + 1] = "..."; break end
    local v = t[k]
    local vs = type(v) == "table" and (getmetatable(v) and getmetatable(v).__name or "{...}") or scalar(v)
    parts[#parts + 1] = (isident(k) and k or "[" .. scalar(k) .. "]") .. " = " .. vs
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- The text the REPL prints for a command's results (the Jupyter kernel's
-- text/plain too).
function M.format(...)
  local n = select("#", ...)
  local out = {}
  for i = 1, n do
    local v = select(i, ...)
    if type(v) == "table" then out[i] = showtable(v)
    elseif type(v) == "string" then out[i] = v
    else out[i] = tostring(v) end
  end
  return table.concat(out, "\t")
end

function M.show(...)
  io.write(M.format(...), "\n")
end

-- The fields a value offers to completion: table keys, and for objects the
-- methods of their metatable (its __index table, or a 'methods' table).
local function fields(v, seen)
  local names = {}
  seen = seen or {}
  if seen[v] then return names end
  seen[v] = true
  if type(v) == "table" then
    for k in pairs(v) do if isident(k) then names[k] = true end end
  end
  local mt = getmetatable(v)
  if type(mt) == "table" then
    local idx = rawget(mt, "__index")
    if type(idx) == "table" then
      for k in pairs(fields(idx, seen)) do names[k] = true end
    end
    local methods = rawget(mt, "methods")
    if type(methods) == "table" then
      for k in pairs(methods) do if isident(k) then names[k] = true end end
    end
  end
  return names
end

function M.complete(text)
  local path, sep, partial = text:match("^(.-)([%.:]?)([%w_]*)$")
  local out = {}
  if sep == "" then
    local names = fields(_G)
    local mt = getmetatable(_G)
    if mt and mt.__orrery_globals then
      for _, k in ipairs(mt.__orrery_globals()) do names[k] = true end
    end
    for _, k in ipairs(keywords) do names[k] = true end
    for k in pairs(names) do
      if k:sub(1, #partial) == partial then out[#out + 1] = k end
    end
  else
    local v = _G
    for name in path:gmatch("[^%.:]+") do
      if not isident(name) then return out end
      local ok, nv = pcall(function() return v[name] end)
      if not ok or nv == nil then return out end
      v = nv
    end
    for k in pairs(fields(v)) do
      if k:sub(1, #partial) == partial and k:sub(1, 1) ~= "_" then
        local ok, fv = pcall(function() return v[k] end)
        if sep == "." or (ok and (type(fv) == "function" or type(fv) == "table")) then
          out[#out + 1] = path .. sep .. k
        end
      end
    end
  end
  table.sort(out)
  return out
end

return M
