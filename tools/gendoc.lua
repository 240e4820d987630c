-- The reference manual, written from the help strings (make doc).
--
--   orrery tools/gendoc.lua DIR      writes DIR/<ns>.md per public namespace and DIR/README.md
--   orrery tools/gendoc.lua --check  lists the public functions that have no help; exit 1 if any
--
-- It walks what a user can reach, not a list kept by hand: each public
-- namespace table (every preloaded "orrery.<ns>" without a dot, except the
-- internal helpers in INTERNAL), the method tables of its objects, and for
-- each function it prints the text that help(f) prints (help.lookup(f)).
-- Objects are reached by making one of each kind from a few lines of data
-- (OBJECTS below; a namespace's new kind of object gets a line there). Their
-- methods are the functions of the metatable's __index table or, when
-- __index is a function, of its upvalues whose name ends in "methods" (the
-- convention of stdlib/data.lua and stdlib/regress.lua).
-- The output is sorted and depends only on the help strings, so the test
-- (tests/sh/test_docs.sh) can regenerate it and compare.

-- sorting must not depend on the user's locale (Lua compares strings with strcoll)
os.setlocale("C", "collate")

local help = require "orrery.help"
local mat, rng, data = require "orrery.mat", require "orrery.rng", require "orrery.data"
local stats, regress = require "orrery.stats", require "orrery.regress"
local surv, optim = require "orrery.surv", require "orrery.optim"
local sem = require "orrery.sem"

-- Preloaded modules that are not public namespaces.
local INTERNAL = { args = true, display = true, help = true, printing = true, repl = true, testing = true }

-- One line per namespace for the index (a namespace missing here gets none).
local ABOUT = {
  mat = "dense column-major matrices: arithmetic, decompositions, solves (LAPACK)",
  rng = "random streams (xoshiro256++) and draws from the usual laws",
  stats = "distributions (d/p/q), descriptive statistics, correlations, control variates",
  data = "frames and factors, CSV in and out",
  formula = "R's model formulas: parsing, model frames, design matrices",
  regress = "linear, generalised linear, ridge, IV, IVL, anchor, sketched and IPCW regression",
  surv = "Kaplan-Meier, Nelson-Aalen, log-rank, Cox and parametric survival models",
  optim = "minimisation (BFGS, Nelder-Mead), root finding, numerical derivatives",
  experiment = "replicates, sweeps and timing for experiments",
  plot = "plots: scenes drawn in the terminal (braille) or saved as SVG, PNG, PDF; orrery report",
  bayes = "conjugate updates, normal-inverse-Wishart, Bayesian regression, the HGF, Bayesian bootstrap, SMC",
  pref = "Bradley-Terry, reward-model and DPO-family losses with gradients, implicit rewards, LC win rates",
  sem = "linear structural equation models: simulation, interventions, causal effects, lavaan-syntax fits",
}

-- One object of each kind a public function returns, to reach its methods.
-- 'recv' names the receiver in the headings (as the help strings do).
local function small()
  local x = mat.vec{ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }
  local z = mat.vec{ 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11 }
  local y = mat.vec{ 1.2, 1.9, 3.4, 3.8, 5.1, 6.3, 6.8, 8.4, 9.1, 9.8, 11.2, 12.3 }
  local s = mat.vec{ 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0 }
  local g = mat.vec{ 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2 }
  local b = mat.vec{ 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1 }
  return x, z, y, s, g, b
end

local OBJECTS = {
  { ns = "pref", kind = "policies", from = "pref.policy", recv = "pol",
    make = function() return require("orrery.pref").policy{ features = { { 1, 0 }, { 0, 1 } } } end },
  { ns = "pref", kind = "reward models", from = "pref.reward_model", recv = "rm",
    make = function() return require("orrery.pref").reward_model{ features = { { 1 }, { -1 } },
      pairs = { chosen = { 1, 2 }, rejected = { 2, 1 } } } end },
  -- a matrix's __index is C (it also reads A[i]): name its table instead of making one
  { ns = "mat", kind = "matrices", recv = "A", methods = "methods" },
  { ns = "rng", kind = "streams", recv = "r", make = function() return rng.new(1) end },
  { ns = "data", kind = "frames", recv = "df", make = function() return data.frame{ a = { 1, 2 } } end },
  { ns = "data", kind = "factors", recv = "f",
    make = function() return data.factor{ "a", "b" } end },
  { ns = "data", kind = "descriptions", from = "df:describe", recv = "d",
    make = function() return data.frame{ a = { 1, 2 } }:describe() end },
  { ns = "formula", kind = "formulas", from = "formula.parse", recv = "F",
    make = function() return require("orrery.formula").parse("y ~ x") end },
  { ns = "stats", kind = "tests", from = "stats.cor_test", recv = "t",
    make = function() local x, z = small() return stats.cor_test(x, z) end },
  { ns = "stats", kind = "estimates", from = "stats.control_variate", recv = "cv",
    make = function() local x, z = small() return stats.control_variate{ y = x, h = z, mean_h = 6.5 } end },
  { ns = "regress", kind = "fits", from = "regress.ols", recv = "fit",
    make = function() local x, _, y = small() return regress.ols{ y = y, x = x } end },
  { ns = "regress", kind = "fits", from = "regress.lm", recv = "fit",
    make = function() local x, _, y = small() return regress.lm("y ~ x", data.frame{ y = y, x = x }) end },
  { ns = "regress", kind = "fits", from = "regress.glm", recv = "fit",
    make = function() local x, _, _, _, _, b = small() return regress.glm{ y = b, x = x, family = "binomial" } end },
  { ns = "regress", kind = "fits", from = "regress.ridge", recv = "fit",
    make = function() local x, _, y = small() return regress.ridge{ y = y, x = x, lambda = 1 } end },
  { ns = "regress", kind = "fits", from = "regress.iv", recv = "fit",
    make = function() local x, z, y = small() return regress.iv{ y = y, x = x, z = z } end },
  { ns = "regress", kind = "fits", from = "regress.ivl", recv = "fit",
    make = function() local x, z, y = small() return regress.ivl{ y = y, x = x, z = z, alpha = 1 } end },
  { ns = "regress", kind = "fits", from = "regress.anchor", recv = "fit",
    make = function() local x, z, y = small() return regress.anchor{ y = y, x = x, a = z, gamma = 2 } end },
  { ns = "regress", kind = "fits", from = "regress.sketch", recv = "fit",
    make = function()
      local x, _, y = small()
      return regress.sketch{ y = y, x = x, m = 8, kind = "gaussian", rng = rng.new(1) }
    end },
  { ns = "regress", kind = "fits", from = "regress.ipcw", recv = "fit",
    make = function() local x, _, y, s = small() return regress.ipcw{ time = y, status = s, x = x } end },
  { ns = "regress", kind = "tables", from = "regress.anova", recv = "a",
    make = function()
      local x, z, y = small()
      return regress.anova(regress.ols{ y = y, x = x }, regress.ols{ y = y, x = x:hcat(z:hadamard(z)) })
    end },
  { ns = "surv", kind = "estimates", from = "surv.km", recv = "km",
    make = function() local _, _, y, s = small() return surv.km(y, s) end },
  { ns = "surv", kind = "grouped estimates", from = "surv.km with group =", recv = "kms",
    make = function() local _, _, y, s, g = small() return surv.km(y, s, { group = g }) end },
  { ns = "surv", kind = "estimates", from = "surv.cif", recv = "ci",
    make = function() local _, _, y, s = small() return surv.cif{ time = y, status = s } end },
  { ns = "surv", kind = "estimates", from = "surv.na", recv = "na",
    make = function() local _, _, y, s = small() return surv.na(y, s) end },
  { ns = "surv", kind = "tests", from = "surv.logrank", recv = "lr",
    make = function() local _, _, y, s, g = small() return surv.logrank(y, s, g) end },
  { ns = "surv", kind = "fits", from = "surv.cox", recv = "fit",
    make = function() local x, _, y, s = small() return surv.cox{ time = y, status = s, x = x } end },
  { ns = "surv", kind = "results", from = "fit:zph()", recv = "zph",
    make = function() local x, _, y, s = small() return surv.cox{ time = y, status = s, x = x }:zph() end },
  { ns = "surv", kind = "baselines", from = "fit:baseline()", recv = "b",
    make = function() local x, _, y, s = small() return surv.cox{ time = y, status = s, x = x }:baseline() end },
  { ns = "surv", kind = "curves", from = "fit:survfit(X)", recv = "curve",
    make = function() local x, _, y, s = small() return surv.cox{ time = y, status = s, x = x }:survfit{ { 1 } } end },
  { ns = "surv", kind = "fits", from = "surv.fit", recv = "fit",
    make = function() local _, _, y, s = small() return surv.fit{ time = y, status = s, dist = "weibull" } end },
  { ns = "plot", kind = "scenes", from = "plot.new", recv = "p",
    make = function() return require("orrery.plot").new() end },
  { ns = "sem", kind = "models", from = "sem.linear", recv = "m",
    make = function() return sem.linear{ nodes = { "A", "B" }, edges = { { "A", "B", 1 } } } end },
  { ns = "sem", kind = "Bayes nets", from = "sem.bn", recv = "bn",
    make = function() return sem.bn_chain{ n = 2, rng = rng.new(1) } end },
  { ns = "sem", kind = "fits", from = "sem.fit", recv = "fit",
    make = function()
      local x, z, y = small()
      return sem.fit("y ~ x + z", data.frame{ x = x, z = z, y = y })
    end },
  { ns = "optim", kind = "results", from = "optim.minimize", recv = "res",
    make = function() return optim.minimize{ f = function(v) return (v[1] - 1) ^ 2 end, x0 = { 0 } } end },
  { ns = "optim", kind = "results", from = "optim.root", recv = "res",
    make = function() return optim.root{ f = function(v) return v - 1 end, lower = 0, upper = 3 } end },
  { ns = "bayes", kind = "posteriors", from = "bayes.beta_binomial", recv = "m",
    make = function() return require("orrery.bayes").beta_binomial(1, 1) end },
  { ns = "bayes", kind = "posteriors", from = "bayes.gamma_poisson", recv = "m",
    make = function() return require("orrery.bayes").gamma_poisson(1, 1) end },
  { ns = "bayes", kind = "posteriors", from = "bayes.normal_known_var", recv = "m",
    make = function() return require("orrery.bayes").normal_known_var(0, 1, 1) end },
  { ns = "bayes", kind = "posteriors", from = "bayes.nig", recv = "m",
    make = function() return require("orrery.bayes").nig(0, 1, 1, 1) end },
  { ns = "bayes", kind = "posteriors", from = "bayes.dirichlet", recv = "m",
    make = function() return require("orrery.bayes").dirichlet{ 1, 1 } end },
  { ns = "bayes", kind = "predictive laws", from = "m:predictive()", recv = "p",
    make = function() return require("orrery.bayes").beta_binomial(1, 1):predictive() end },
  { ns = "bayes", kind = "posteriors", from = "bayes.niw", recv = "m",
    make = function() return require("orrery.bayes").niw{ mu0 = { 0 }, kappa0 = 1, nu0 = 2, psi0 = { { 1 } } } end },
  { ns = "bayes", kind = "posteriors", from = "bayes.nig_regression", recv = "m",
    make = function() return require("orrery.bayes").nig_regression{ m0 = { 0 }, L0 = { { 1 } }, a0 = 1, b0 = 1 } end },
  { ns = "bayes", kind = "filters", from = "bayes.hgf", recv = "m",
    make = function() return require("orrery.bayes").hgf{} end },
}

local fmt = string.format

local function sortedkeys(t)
  local keys = {}
  for k in pairs(t) do if type(k) == "string" then keys[#keys + 1] = k end end
  table.sort(keys)
  return keys
end

local function namespaces()
  local out = {}
  for k in pairs(package.preload) do
    local ns = k:match("^orrery%.([%w_]+)$")
    if ns and not INTERNAL[ns] then out[#out + 1] = ns end
  end
  table.sort(out)
  return out
end

-- Where a function is defined, for the messages of --check.
local function where(f, ns)
  local info = debug.getinfo(f, "S")
  if info.what == "C" then return "a C function in modules/" .. ns .. "/" end
  -- built-in Lua halves are named "=[orrery.ns.part]": stdlib/ns/part.lua
  local mod = info.short_src:match("^%[orrery%.([%w_.]+)%]$")
  local src = mod and "stdlib/" .. mod:gsub("%.", "/") .. ".lua" or info.short_src
  return fmt("%s:%d", src, info.linedefined)
end

-- The method tables of an object: its metatable's __index table, or the
-- "*methods" upvalues of a function __index.
local function methodtables(obj)
  local mt = getmetatable(obj)
  local idx = type(mt) == "table" and rawget(mt, "__index")
  local out = {}
  if type(idx) == "table" then out[1] = idx
  elseif type(idx) == "function" then
    for i = 1, math.huge do
      local name, v = debug.getupvalue(idx, i)
      if name == nil then break end
      if type(v) == "table" and name:match("methods$") then out[#out + 1] = v end
    end
  end
  return out
end

-- Functions of a method table, without metamethods: name -> function.
local function methodsof(t)
  local fs = {}
  for _, k in ipairs(sortedkeys(t)) do
    if type(t[k]) == "function" and not k:match("^__") then fs[k] = t[k] end
  end
  return fs
end

--[[ The model of the manual: pages[ns] = { entries = {...}, sections = {...} }
  entries: { name =, text = } of the namespace's own functions (text nil: no help)
  sections: { title =, recv =, entries = } one per method table ]]
local function collect()
  local pages, order, missing, private = {}, namespaces(), {}, {}
  local byns = {}
  local registry = debug.getregistry()["orrery.docs"] or {}
  local function entry(ns, name, f, list)
    local text = help.lookup(f)
    if text == nil then missing[#missing + 1] = fmt("%s (%s)", name, where(f, ns)) end
    list[#list + 1] = { name = name, text = text }
  end
  for _, ns in ipairs(order) do
    local t = require("orrery." .. ns)
    local page = { entries = {}, sections = {}, tables = {} }
    pages[ns] = page
    byns[ns] = page
    local function walk(tbl, prefix, depth)
      for _, k in ipairs(sortedkeys(tbl)) do
        local v = tbl[k]
        local name = prefix .. k
        if k:match("^_") then
          if not k:match("^__") then private[#private + 1] = name end
        elseif type(v) == "function" then entry(ns, name, v, page.entries)
        elseif type(v) == "table" and k == "methods" and depth == 0 then
          page.tables[#page.tables + 1] = { t = v, from = {}, tname = name }
        elseif type(v) == "table" and depth < 2 and getmetatable(v) == nil then
          walk(v, name .. ".", depth + 1)
        elseif type(v) ~= "table" and registry[name] then
          page.entries[#page.entries + 1] = { name = name, text = registry[name] }
        end
      end
    end
    walk(t, ns .. ".", 0)
  end
  -- objects: group the kinds that share a method table
  for _, o in ipairs(OBJECTS) do
    local page = byns[o.ns]
    if page then
      local tables
      if o.make then
        local ok, obj = pcall(o.make)
        if not ok then
          error(fmt("gendoc: making %s from %s failed: %s", o.kind, o.from or o.ns, tostring(obj)), 0)
        end
        tables = methodtables(obj)
      else
        tables = { require("orrery." .. o.ns)[o.methods] }
      end
      for _, mt in ipairs(tables) do
        local found
        for _, tb in ipairs(page.tables) do if tb.t == mt then found = tb end end
        if not found then
          found = { t = mt, from = {} }
          page.tables[#page.tables + 1] = found
        end
        found.kind = found.kind or o.kind
        found.recv = found.recv or o.recv
        if o.from then found.from[#found.from + 1] = "`" .. o.from .. "`" end
      end
    end
  end
  for _, ns in ipairs(order) do
    local page = pages[ns]
    for _, tb in ipairs(page.tables) do
      local fs = methodsof(tb.t)
      local title = "Methods of " .. (tb.kind or "objects")
      if #tb.from > 0 then title = title .. " from " .. table.concat(tb.from, ", ") end
      if tb.tname then title = title .. " (`" .. tb.tname .. "`)" end
      local sec = { title = title, recv = tb.recv or "obj", entries = {} }
      for _, k in ipairs(sortedkeys(fs)) do
        if k:match("^_") then private[#private + 1] = sec.recv .. ":" .. k
        else entry(ns, sec.recv .. ":" .. k, fs[k], sec.entries) end
      end
      if #sec.entries > 0 then page.sections[#page.sections + 1] = sec end
    end
    table.sort(page.sections, function(a, b) return a.title < b.title end)
    page.tables = nil
  end
  return pages, order, missing, private
end

-- GitHub's heading anchors: lower case, punctuation dropped, spaces to '-',
-- repeats numbered.
local function anchor(s, used)
  local a = s:lower():gsub("[^%w%-_ ]", ""):gsub(" ", "-")
  local n = used[a]
  used[a] = (n or 0) + 1
  if n then a = a .. "-" .. n end
  return a
end

-- A fence longer than any run of backticks in the text.
local function fenced(text)
  local long = 2
  for run in text:gmatch("`+") do if #run > long then long = #run end end
  local fence = string.rep("`", long + 1)
  return fence .. "text\n" .. text:gsub("%s+$", "") .. "\n" .. fence .. "\n"
end

local HEADER = "<!-- Generated by `make doc` (tools/gendoc.lua) from the help strings: "
  .. "do not edit; edit the help next to the code and run `make doc`. -->\n"

local function render(ns, page, methods_exists)
  local out, used = { HEADER, "\n# ", ns, "\n\n" }, {}
  local function add(...) for _, s in ipairs{ ... } do out[#out + 1] = s end end
  if ABOUT[ns] then add("`", ns, "`: ", ABOUT[ns], ".\n\n") end
  add("Each entry is what `help \"name\"` (or `help(f)`) prints in the REPL.")
  if methods_exists then
    add(" What is computed, with the formulas and their sources: [../methods/", ns, ".md](../methods/", ns, ".md).")
  end
  add("\n\n")
  local groups = {}
  if #page.entries > 0 then groups[1] = { title = "Functions", entries = page.entries } end
  for _, sec in ipairs(page.sections) do groups[#groups + 1] = sec end
  -- contents: one line per group, "- Functions: [`a`](#a), [`b`](#b)"; then the body
  local toc, body = {}, {}
  for _, g in ipairs(groups) do
    anchor(g.title, used)
    body[#body + 1] = "## " .. g.title .. "\n"
    local links = {}
    for _, e in ipairs(g.entries) do
      local head = "`" .. e.name .. "`"
      links[#links + 1] = fmt("[%s](#%s)", head, anchor(head, used))
      body[#body + 1] = fmt("### %s\n\n%s", head, e.text and fenced(e.text) or "*No help yet.*\n")
    end
    toc[#toc + 1] = "- " .. g.title .. ": " .. table.concat(links, ", ")
  end
  add(table.concat(toc, "\n"), "\n\n", table.concat(body, "\n"))
  return table.concat(out)
end

local function count(page)
  local f, m = #page.entries, 0
  for _, sec in ipairs(page.sections) do m = m + #sec.entries end
  return f, m
end

local function index(pages, order)
  local out = { HEADER, "\n# Reference manual\n\n",
    "One page per public namespace, with every function and method a script can reach and the text\n",
    "that `help` prints for it. See [../README.md](../README.md) for the other documents.\n\n",
    "| namespace | functions | methods | contents |\n|---|---:|---:|---|\n" }
  for _, ns in ipairs(order) do
    local f, m = count(pages[ns])
    out[#out + 1] = fmt("| [%s](%s.md) | %d | %d | %s |\n", ns, ns, f, m, ABOUT[ns] or "")
  end
  return table.concat(out)
end

local function exists(path)
  local f = io.open(path, "r")
  if f then f:close() end
  return f ~= nil
end

local function write(path, text)
  local f, err = io.open(path, "w")
  if not f then error("gendoc: cannot write " .. tostring(err), 0) end
  f:write(text)
  f:close()
end

local arg1 = ...
-- tests/hostile/sweep.lua reaches the same functions and objects
if arg1 == "--objects" then return OBJECTS, INTERNAL, methodtables end
if arg1 == nil then
  io.stderr:write("usage: orrery tools/gendoc.lua DIR | --check\n")
  os.exit(2)
end
local pages, order, missing, private = collect()
if arg1 == "--check" then
  for _, m in ipairs(missing) do print("no help: " .. m) end
  for _, p in ipairs(private) do print("private name in a public table: " .. p) end
  print(fmt("%d public namespaces, %d functions without help, %d private names reachable",
    #order, #missing, #private))
  os.exit((#missing == 0 and #private == 0) and 0 or 1)
end
local dir = arg1:gsub("/$", "")
for _, ns in ipairs(order) do
  -- the link to docs/methods/<ns>.md is made from the source tree, not dir, so
  -- a temporary dir gives the same text
  write(dir .. "/" .. ns .. ".md", render(ns, pages[ns], exists("docs/methods/" .. ns .. ".md")))
end
write(dir .. "/README.md", index(pages, order))
for _, m in ipairs(missing) do io.stderr:write("gendoc: no help for " .. m .. "\n") end
