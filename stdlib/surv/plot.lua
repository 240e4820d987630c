-- surv's :plot() methods (a part of surv, loaded at the end of stdlib/surv.lua):
-- Kaplan-Meier curves (one or by group) with censoring marks and confidence
-- bands, Nelson-Aalen cumulative hazards, and parametric fits' survival,
-- hazard or cumulative hazard per covariate profile. Each returns a scene
-- (orrery.plot) that the caller may extend.
local M, C = ...
local mat = require "orrery.mat"
local args = require "orrery.args"
local help = require "orrery.help"
local plot = require "orrery.plot"

local fail = args.fail

-- the metatables of the result objects, from tiny instances: surv.lua keeps
-- them local
local KM = getmetatable(M.km({ 1, 2 }, { 1, 0 }))
local KMG = getmetatable(M.km({ 1, 2 }, { 1, 0 }, { group = { 1, 2 } }))
local NA = getmetatable(M.na({ 1, 2 }, { 1, 0 }))

local SCENE = { "title", "xlab", "ylab", "xlog", "ylog", "legend", "xlim", "ylim" }

-- splits opts into the scene's and ours (allowed), unknown keys are errors
local function split(fn, o, allowed, defaults)
  o = args.checkopts(fn, o, (function()
    local a = {}
    for _, k in ipairs(SCENE) do a[#a + 1] = k end
    for _, k in ipairs(allowed) do a[#a + 1] = k end
    return a
  end)())
  local so, mine = {}, {}
  local sset = args.set(SCENE)
  for k, v in pairs(o) do if sset[k] then so[k] = v else mine[k] = v end end
  for k, v in pairs(defaults) do if so[k] == nil then so[k] = v end end
  return so, mine
end

-- one curve: from (0, 1), a step with its band and censoring marks
local function km_curve(p, k, conf, marks, label, colour)
  local t, s, lo, hi = { 0 }, { 1 }, { 1 }, { 1 }
  local cens = {}
  for i = 1, #k.time do
    t[#t + 1], s[#s + 1] = k.time[i], k.surv[i]
    lo[#lo + 1], hi[#hi + 1] = k.lower[i], k.upper[i]
    if k.n_censor[i] > 0 then cens[#cens + 1] = k.time[i] end
  end
  if conf then p:band(t, lo, hi, { step = true, color = colour, alpha = 0.15 }) end
  p:step(t, s, { label = label, color = colour, marks = (marks and #cens > 0) and cens or nil })
end

local function km_plot(fn, curves, labels, o)
  local so, mine = split(fn, o, { "conf", "marks" },
    { xlab = "Time", ylab = "Survival probability", ylim = { 0, 1.02 } })
  local p = plot.new(so)
  for j, k in ipairs(curves) do
    km_curve(p, k, mine.conf ~= false, mine.marks ~= false, labels and labels[j], j)
  end
  return p
end

function KM.plot(k, o)
  return km_plot("surv.km:plot", { k }, nil, o)
end

function KMG.plot(g, o)
  local curves, labels = {}, {}
  for j, lv in ipairs(g.levels) do
    curves[j] = g[lv]
    local name = (type(lv) == "number" and lv == math.floor(lv) and math.abs(lv) < 2 ^ 53)
      and string.format("%d", lv) or tostring(lv)
    labels[j] = (g.group_name and g.group_name .. "=" or "") .. name
  end
  return km_plot("surv.km_groups:plot", curves, labels, o)
end

function NA.plot(a, o)
  local fn = "surv.na:plot"
  local so, mine = split(fn, o, { "conf" }, { xlab = "Time", ylab = "Cumulative hazard" })
  local p = plot.new(so)
  local t, h, lo, hi = { 0 }, { 0 }, { 0 }, { 0 }
  for i = 1, #a.time do
    t[#t + 1], h[#h + 1] = a.time[i], a.cumhaz[i]
    lo[#lo + 1] = math.max(0, a.cumhaz[i] - 1.96 * a.se[i])
    hi[#hi + 1] = a.cumhaz[i] + 1.96 * a.se[i]
  end
  if mine.conf ~= false then p:band(t, lo, hi, { step = true, alpha = 0.15 }) end
  return p:step(t, h)
end

-- a Cox fit's baseline (fit:baseline()): survival or cumulative hazard at the
-- covariate means, a step per stratum
local BASE = C.baseline_meta
function BASE.plot(b, o)
  local fn = "surv.baseline:plot"
  local so, mine = split(fn, o, { "what" }, { xlab = "Time" })
  local what = mine.what or "survival"
  if what ~= "survival" and what ~= "cumhaz" then
    fail(fn, "what must be \"survival\" or \"cumhaz\", got %s", tostring(what))
  end
  if so.ylab == nil then
    so.ylab = what == "survival" and "Baseline survival" or "Baseline cumulative hazard"
  end
  local p = plot.new(so)
  local y = what == "survival" and b.surv or b.cumhaz
  local start = what == "survival" and 1 or 0
  local nstrata = b.strata_levels and #b.strata_levels or 1
  for k = 1, nstrata do
    local t, v = { 0 }, { start }
    for i = 1, #b.time do
      if not b.strata or b.strata[i] == k then t[#t + 1], v[#v + 1] = b.time[i], y[i] end
    end
    p:step(t, v, { label = b.strata_levels and tostring(b.strata_levels[k]) or nil, color = k })
  end
  return p
end

-- parametric fits: the curve at each row of X (nil: x = 0) over [0, tmax]
local Fit = C.fit_meta
local function fit_plot(fit, o)
  local fn = "surv.fit:plot"
  local so, mine = split(fn, o, { "what", "X", "tmax", "labels" }, {})
  local what = mine.what or "survival"
  if what ~= "survival" and what ~= "hazard" and what ~= "cumhazard" then
    fail(fn, "what must be \"survival\", \"hazard\" or \"cumhazard\", got '%s'", tostring(what))
  end
  so.xlab = so.xlab or "Time"
  so.ylab = so.ylab or ({ survival = "Survival probability", hazard = "Hazard",
    cumhazard = "Cumulative hazard" })[what]
  local X = mine.X
  local rows = 1
  if X ~= nil then
    X = args.mat(fn, X, "X")
    rows = X:rows()
  end
  local tmax = mine.tmax
  if tmax == nil then
    -- the time by which 95% of the first profile have failed
    local q = fit:quantile(0.95, X and X:rows() > 1 and X:row(1) or X)
    tmax = (q == q and q > 0 and q < math.huge) and q or 1
  elseif type(tmax) ~= "number" or not (tmax > 0 and tmax < math.huge) then
    fail(fn, "tmax must be a positive number")
  end
  local n = 200
  local t = {}
  for i = 0, n do t[#t + 1] = tmax * i / n end
  if what == "hazard" then t[1] = tmax * 1e-3 end  -- h(0) may be infinite
  local p = plot.new(so)
  for r = 1, rows do
    local Xr = X and (rows > 1 and X:row(r) or X) or nil
    local v = fit[what](fit, mat.vec(t), Xr)
    local y = {}
    for i = 1, #t do
      local e = type(v) == "number" and v or v[i]
      y[i] = (e == math.huge or e == -math.huge) and 0 / 0 or e
    end
    local label = mine.labels and mine.labels[r] or (rows > 1 and "profile " .. r or nil)
    p:line(t, y, { label = label })
  end
  return p
end
if Fit then Fit.plot = fit_plot end

help.doc(KM.plot, "surv.km:plot", [[
km:plot([opts]) -> a scene: the Kaplan-Meier curve as a step from (0, 1), its
  confidence band (conf = false hides it) and a tick at each censoring time
  (marks = false hides them); opts also take plot.new's (title, xlab, ...).]])
help.doc(KMG.plot, "surv.km_groups:plot", [[
km:plot([opts]) -> a scene with one curve per group, labelled "group=level",
  in palette order; options as km:plot.]])
help.doc(BASE.plot, "surv.baseline:plot", [[
b:plot([opts]) -> a scene: the baseline survival (what = "survival", the default) or cumulative
hazard (what = "cumhaz") of fit:baseline() as a step function from time 0, one per stratum; other
opts are plot.new's (title, xlab, ylab, xlog, ylog, legend, xlim, ylim).]])
help.doc(NA.plot, "surv.na:plot", [[
na:plot([opts]) -> a scene: the Nelson-Aalen cumulative hazard as a step with
  a pointwise band H(t) +- 1.96 se (clipped at 0; conf = false hides it).]])
if Fit then
  help.doc(Fit.plot, "surv.fit:plot", [[
fit:plot([{what = "survival"|"hazard"|"cumhazard", X =, tmax =, labels =}]) -> a scene:
  the fitted curve over [0, tmax] (by default the 95% quantile of the first
  profile), one line per row of X (nil: covariates at 0); plot.new's options too.]])
end

return M
