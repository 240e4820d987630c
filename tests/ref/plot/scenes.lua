-- The fixed scenes of the golden tests (tests/plot/test_plot.lua), shared
-- with make_golden.lua, which writes their committed renderings:
--   ./orrery tests/ref/plot/make_golden.lua
-- The files are Orrery's own output, checked by eye when made (a browser
-- for the SVG, a terminal for the text); the tests keep them from drifting.
local surv = require "orrery.surv"
local plot = require "orrery.plot"
local T = require "orrery.testing"

local M = {}

-- a line, points, a step with marks, a band, an abline, text, a legend
function M.mixed()
  local x, y, y2 = {}, {}, {}
  for i = 0, 20 do
    x[#x + 1] = i / 2
    y[#y + 1] = math.sin(i / 4) * 2
    y2[#y2 + 1] = math.cos(i / 4) + 0.25 * ((i * 7) % 5 - 2)
  end
  local lo, hi = {}, {}
  for i = 1, #x do lo[i], hi[i] = y[i] - 0.4, y[i] + 0.4 end
  return plot.new{ title = "A fixed scene <&>", xlab = "x", ylab = "y" }
    :band(x, lo, hi)
    :line(x, y, { label = "2 sin(x/2)" })
    :points(x, y2, { label = "noisy cos" })
    :step({ 0, 2, 4, 6, 8, 10 }, { -2, -1.5, -1, -0.5, 0, 0.5 }, { label = "step", marks = { 3, 7 }, dash = true })
    :abline(0, 0.1)
    :text(5, 2.3, "peak")
end

-- survival's lung data (tests/ref/surv/lung.csv): Kaplan-Meier by sex
function M.km_lung()
  local lung = T.csv("surv/lung.csv")
  return surv.km(lung.time, lung.status, { group = lung.sex }):plot{ title = "lung: survival by sex" }
end

return M
