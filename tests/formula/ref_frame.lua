-- A frame of the formula references (not a test: test_formula_r.lua and
-- test_formula_functions.lua load it with dofile): <ds>.csv holds numbers
-- and text columns as level codes, <ds>_levels.txt the levels
-- ("column level1 level2 ...").
local T = require "orrery.testing"
local data = require "orrery.data"

return function (ds)
  local c = T.csv("formula/" .. ds .. ".csv")
  local levels = {}
  for l in io.lines(T.refdir .. "formula/" .. ds .. "_levels.txt") do
    local words = {}
    for w in l:gmatch("%S+") do words[#words + 1] = w end
    levels[table.remove(words, 1)] = words
  end
  local cols = {}
  for _, name in ipairs(c.names) do
    cols[name] = levels[name] and {levels = levels[name], codes = c[name]} or c[name]
  end
  return data.frame(cols, {names = c.names})
end
