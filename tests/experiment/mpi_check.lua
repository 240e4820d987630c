-- Prints a replicate and a sweep frame exactly (hex floats), for
-- tests/sh/test_mpi.sh: the output under mpirun must equal the threaded
-- run's, and the other ranks must print nothing.
--   orrery tests/experiment/mpi_check.lua [workers]
local experiment = require "orrery.experiment"
local data = require "orrery.data"
local regress = require "orrery.regress"

local workers = math.tointeger(tonumber(arg and arg[1]))

local function dump(df)
  local names = data.names(df)
  print(table.concat(names, ","))
  for i = 1, data.nrow(df) do
    local cells = {}
    for j, name in ipairs(names) do
      local v = data.col(df, name)[i]
      cells[j] = type(v) == "number" and string.format("%a", v) or tostring(v)
    end
    print(table.concat(cells, ","))
  end
end

dump(experiment.replicate{ n = 23, seed = 7, workers = workers, run = function(r, i)
  local x = r:normal(30)
  local fit = regress.ols{ y = 2 * x + r:normal(30), x = x }
  if i == 11 then error("replicate eleven fails") end
  return { slope = fit.coef[2], u = r:uniform(1)[1], tag = "t" .. i % 4 }
end })
dump(experiment.sweep{ grid = { a = { 1, 2, 3 }, b = { "x", "y" } }, reps = 3, seed = 8,
  workers = workers, run = function(r, s, i) return s.a * r:normal(1)[1] + i end })
print("done")
