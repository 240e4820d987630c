-- help(f) or help "regress.ols": the short documentation kept next to each
-- function (C bindings record it through orr_newlib/orr_setdocs, Lua code
-- through help.doc).
local M = ...

local DOCS = M.docs  -- the registry table the C bindings write to
M.docs = nil

--- Records documentation for f under name ("mod.fn" or "obj:method").
function M.doc(f, name, text)
  DOCS[name] = text
  if f ~= nil then DOCS[f] = text end
  return f
end

local function lookup(what)
  if type(what) == "string" then
    if DOCS[what] then return DOCS[what] end
    local mod = what:match("^([%w_]+)[%.:][%w_]+$")
    if mod then
      pcall(require, "orrery." .. mod)
      return DOCS[what]
    end
    if package.preload["orrery." .. what] then
      local m = require("orrery." .. what)
      local names = {}
      for k, v in pairs(m) do
        if type(v) == "function" and not k:match("^_") then names[#names + 1] = k end
      end
      table.sort(names)
      return "module " .. what .. ": " .. table.concat(names, ", ")
    end
    return nil
  end
  return DOCS[what]
end

function M.help(what)
  if what == nil then
    print("help(f) or help \"module.function\" prints a function's documentation.")
    print("modules: mat rng stats data regress surv sem pref bayes optim experiment plot")
    return
  end
  local text = lookup(what)
  if text then print(text) else print("no documentation for " .. tostring(what)) end
end

M.lookup = lookup

return M
