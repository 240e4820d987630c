-- Writes the golden renderings of tests/ref/plot/scenes.lua:
--   ./orrery tests/ref/plot/make_golden.lua      (from the repository root)
package.path = "tests/ref/plot/?.lua;" .. package.path
local scenes = require "scenes"
local function write(path, s)
  local f = assert(io.open("tests/ref/plot/" .. path, "w"))
  f:write(s)
  f:close()
end
write("mixed.svg", scenes.mixed():svg())
write("km_lung.svg", scenes.km_lung():svg())
write("km_lung.txt", scenes.km_lung():terminal{ width = 72, height = 22, color = false } .. "\n")
write("km_lung_colour.txt", scenes.km_lung():terminal{ width = 60, height = 16, color = true } .. "\n")
