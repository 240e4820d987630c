-- df:plot{x =, y = [, by =, ...]}: a frame's metric against one of its
-- columns, one line per group, the usual picture of an experiment's sweep or
-- replicate frame. Rows that share x (and group) are replicates: the line
-- goes through their mean, with error bars mean +- z sd / sqrt(n) (a normal
-- interval at level, 0.95 by default). A part of data, loaded at the end of
-- stdlib/data.lua.
local M = ...
local args = require "orrery.args"
local help = require "orrery.help"
local stats = require "orrery.stats"
local plot = require "orrery.plot"

local fail = args.fail
local SCENE = { "title", "xlab", "ylab", "xlog", "ylog", "legend", "xlim", "ylim" }

local function column(fn, df, name, what)
  if type(name) ~= "string" then fail(fn, "%s must be a column name", what) end
  local ok, c = pcall(df.col, df, name)
  if not ok or c == nil then fail(fn, "no column '%s'", name) end
  return c
end

local function numeric(fn, df, name, what)
  local c = column(fn, df, name, what)
  if args.is_factor(c) then fail(fn, "column '%s' (%s) must be numeric, not a factor", name, what) end
  return c
end

local function frame_plot(df, o)
  local fn = "df:plot"
  local allowed = { "x", "y", "by", "level", "bars" }
  for _, k in ipairs(SCENE) do allowed[#allowed + 1] = k end
  o = args.checkopts(fn, o, allowed)
  if o.x == nil or o.y == nil then fail(fn, "x and y (column names) are required") end
  local x, y = numeric(fn, df, o.x, "x"), numeric(fn, df, o.y, "y")
  local level = o.level or 0.95
  if type(level) ~= "number" or not (level > 0 and level < 1) then fail(fn, "level must be in (0, 1)") end
  local z = stats.qnorm(1 - (1 - level) / 2)
  local n = #x
  local codes, levels
  if o.by ~= nil then
    codes, levels = args.groups(fn, column(fn, df, o.by, "by"), "by")
  else
    levels = { false }
  end
  local so = {}
  for _, k in ipairs(SCENE) do so[k] = o[k] end
  so.xlab = so.xlab or o.x
  so.ylab = so.ylab or o.y
  local p = plot.new(so)
  local any = false
  for j, lev in ipairs(levels) do
    -- replicates: sums by distinct x within the group
    local cells, keys = {}, {}
    for i = 1, n do
      local xi, yi = x[i], y[i]
      if xi == xi and yi == yi and (not codes or codes[i] == j) then
        local c = cells[xi]
        if not c then c = { n = 0, s = 0, ss = 0 }; cells[xi] = c; keys[#keys + 1] = xi end
        c.n, c.s, c.ss = c.n + 1, c.s + yi, c.ss + yi * yi
      end
    end
    if #keys > 0 then
      any = true
      table.sort(keys)
      local xs, m, lo, hi, reps = {}, {}, {}, {}, false
      for k, xv in ipairs(keys) do
        local c = cells[xv]
        local mean = c.s / c.n
        xs[k], m[k] = xv, mean
        if c.n > 1 then
          reps = true
          local var = math.max(0, (c.ss - c.n * mean * mean) / (c.n - 1))
          local h = z * math.sqrt(var / c.n)
          lo[k], hi[k] = mean - h, mean + h
        else
          lo[k], hi[k] = mean, mean
        end
      end
      local name = type(lev) == "number" and string.format("%.15g", lev) or tostring(lev)
      local label = lev and (o.by .. "=" .. name) or nil
      if reps and o.bars ~= false then p:errorbar(xs, lo, hi, { color = j }) end
      p:line(xs, m, { label = label, color = j }):points(xs, m, { color = j, size = 2.2 })
    end
  end
  if not any then fail(fn, "no complete rows in '%s' and '%s'", o.x, o.y) end
  return p
end

M.methods.plot = frame_plot
help.doc(frame_plot, "df:plot", [[
df:plot{x = "col", y = "col" [, by = "col", level = 0.95, bars = true, title =, ...]} -> a scene:
  y against x, one line per level of by. Rows sharing x (within a group) are
  replicates, as in a sweep or replicate frame: the line joins their means
  and error bars show mean +- z sd / sqrt(n) at level (bars = false hides
  them). Missing values drop the row. plot.new's options too.]])
