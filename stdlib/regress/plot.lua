-- regress's :plot() method (a part of regress, loaded at the end of
-- stdlib/regress.lua): the two diagnostic plots people look at first,
-- residuals against fitted values and a normal QQ plot of the residuals.
local _, C = ...
local mat = require "orrery.mat"
local args = require "orrery.args"
local help = require "orrery.help"
local stats = require "orrery.stats"
local plot = require "orrery.plot"

local fail = args.fail
local methods = C.methods

local SCENE = { "title", "xlab", "ylab", "xlog", "ylog", "legend", "xlim", "ylim" }

function methods.plot(fit, o)
  local fn = "regress.plot"
  local allowed = { "what", "type" }
  for _, k in ipairs(SCENE) do allowed[#allowed + 1] = k end
  o = args.checkopts(fn, o, allowed)
  local what = o.what or "residuals"
  if what ~= "residuals" and what ~= "qq" then
    fail(fn, "what must be \"residuals\" or \"qq\", got '%s'", tostring(what))
  end
  local so = {}
  for _, k in ipairs(SCENE) do so[k] = o[k] end
  local r = fit:residuals(o.type)
  if fit.fitted == nil then fail(fn, "this fit has no fitted values") end
  if what == "residuals" then
    so.xlab = so.xlab or "Fitted values"
    so.ylab = so.ylab or "Residuals"
    so.title = so.title or "Residuals vs fitted"
    return plot.new(so):abline(0, 0, { dash = "dot" }):points(fit.fitted, r, { size = 1.8, alpha = 0.7 })
  end
  -- normal QQ: sorted residuals against qnorm((i - a) / (n + 1 - 2a)), a = 3/8
  -- for n <= 10 and 1/2 above (R's ppoints), with the line through the quartiles
  local v = {}
  for i = 1, #r do if r[i] == r[i] then v[#v + 1] = r[i] end end
  table.sort(v)
  local n = #v
  if n < 2 then fail(fn, "a QQ plot needs at least two residuals") end
  local a = n <= 10 and 3 / 8 or 1 / 2
  local q = {}
  for i = 1, n do q[i] = stats.qnorm((i - a) / (n + 1 - 2 * a)) end
  local function quant(p)  -- type 7 sample quantile
    local h = (n - 1) * p + 1
    local lo = math.floor(h)
    return v[lo] + (h - lo) * ((v[math.min(lo + 1, n)]) - v[lo])
  end
  local y1, y3 = quant(0.25), quant(0.75)
  local x1, x3 = stats.qnorm(0.25), stats.qnorm(0.75)
  local slope = (y3 - y1) / (x3 - x1)
  so.xlab = so.xlab or "Theoretical quantiles"
  so.ylab = so.ylab or "Sample quantiles"
  so.title = so.title or "Normal QQ"
  return plot.new(so):abline(y1 - slope * x1, slope, { dash = "dot" })
    :points(mat.vec(q), mat.vec(v), { size = 1.8, alpha = 0.7 })
end

help.doc(methods.plot, "regress.plot", [[
fit:plot([{what = "residuals"|"qq", type =, title =, ...}]) -> a scene:
  residuals (fit:residuals(type)) against fitted values with a line at 0, or
  a normal QQ plot of the residuals (R's ppoints, the line through the
  quartiles as qqline); plot.new's options too.]])
