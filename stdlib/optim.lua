-- optim, the Lua half: results print as a short report (method, whether
-- and why it stopped, the value and the point). The C half does the work.
local M = ...
local help = require "orrery.help"
local P = require "orrery.printing"

local RESULT = { __name = "optim.result" }

-- numbers to 10 significant digits, the point formatted as one vector
local function num(v) return P.num(v, 10) end

local function vec(x)
  local t = {}
  for i = 1, #x do t[i] = x[i] end
  return table.concat(P.format(t, 10, { trim = true }), "  ")
end

function RESULT.__tostring(r)
  local lines = {}
  if r.root ~= nil then
    lines[1] = string.format("optim.root (brent): %s after %d iterations (%s)",
      r.converged and "converged" or "NOT converged", r.iterations, r.reason)
    lines[2] = "  root   " .. num(r.root)
    lines[3] = "  f      " .. num(r.value)
  else
    lines[1] = string.format("optim.minimize (%s): %s after %d iterations (%s)",
      r.method, r.converged and "converged" or "NOT converged", r.iterations, r.reason)
    lines[2] = "  value  " .. num(r.value)
    lines[3] = "  x      " .. vec(r.x)
    lines[4] = string.format("  evaluations of f: %d%s", r.evaluations,
      r.grad_evaluations > 0 and (", of grad: " .. r.grad_evaluations) or "")
  end
  return table.concat(lines, "\n")
end
P.guard(RESULT, "optim result")  -- tostring never raises (an incomplete object)

local c_minimize, c_root = M.minimize, M.root

M.minimize = help.doc(function(opts)
  return setmetatable(c_minimize(opts), RESULT)
end, "optim.minimize", help.lookup("optim.minimize"))

M.root = help.doc(function(opts)
  return setmetatable(c_root(opts), RESULT)
end, "optim.root", help.lookup("optim.root"))

return M
