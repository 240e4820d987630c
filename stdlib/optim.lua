-- optim, the Lua half: results print as a short report (method, whether
-- and why it stopped, the value and the point). The C half does the work.
local M = ...
local help = require "orrery.help"

local RESULT = { __name = "optim.result" }

local function fmt(v) return string.format("%.10g", v) end

local function vec(x)
  local t = {}
  for i = 1, #x do t[i] = fmt(x[i]) end
  return table.concat(t, "  ")
end

function RESULT.__tostring(r)
  local lines = {}
  if r.root ~= nil then
    lines[1] = string.format("optim.root (brent): %s after %d iterations (%s)",
      r.converged and "converged" or "NOT converged", r.iterations, r.reason)
    lines[2] = "  root   " .. fmt(r.root)
    lines[3] = "  f      " .. fmt(r.value)
  else
    lines[1] = string.format("optim.minimize (%s): %s after %d iterations (%s)",
      r.method, r.converged and "converged" or "NOT converged", r.iterations, r.reason)
    lines[2] = "  value  " .. fmt(r.value)
    lines[3] = "  x      " .. vec(r.x)
    lines[4] = string.format("  evaluations of f: %d%s", r.evaluations,
      r.grad_evaluations > 0 and (", of grad: " .. r.grad_evaluations) or "")
  end
  return table.concat(lines, "\n")
end

local c_minimize, c_root = M.minimize, M.root

M.minimize = help.doc(function(opts)
  return setmetatable(c_minimize(opts), RESULT)
end, "optim.minimize", help.lookup("optim.minimize"))

M.root = help.doc(function(opts)
  return setmetatable(c_root(opts), RESULT)
end, "optim.root", help.lookup("optim.root"))

return M
