-- stats: the friendly layer over modules/stats (lstats.c): printing of the
-- cor_test and control_variate results, and factor strata for
-- control_variate (the C half takes numeric stratum ids).
local M = ...
local help = require "orrery.help"
local args = require "orrery.args"
local P = require "orrery.printing"

-- re-documents a wrapper under the C function's text
local function redoc(f, name)
  local text = help.lookup(name)
  if text then help.doc(f, name, text) end
  return f
end

-- a number of a printout: R's format with 4 significant digits (NaN as NaN)
local function g(v) return P.num(v, 4) end

-- ---------------------------------------------------------------- cor_test

local CorTest = { __name = "stats.cor_test" }

local titles = {
  pearson = "Pearson's product-moment correlation",
  spearman = "Spearman's rank correlation rho (asymptotic t approximation)",
  kendall = "Kendall's rank correlation tau-b (normal approximation, tie-corrected)",
}

CorTest.__tostring = function(r)
  local s = { titles[r.method] or r.method }
  local stat = r.method == "pearson" and "t" or (r.method == "spearman" and "S" or "z")
  local line = string.format("  estimate = %s, %s = %s", g(r.estimate), stat, g(r.statistic))
  if r.df then line = line .. string.format(", df = %d", r.df) end
  -- as print.htest: "p = 0.0123", or "p < 2.2e-16" below the double epsilon
  local pv = P.pval(r.p, 4)[1]
  line = line .. string.format(", p %s, n = %d", pv:sub(1, 1) == "<" and pv or "= " .. pv, r.n)
  s[#s + 1] = line
  if r.conf_int then
    s[#s + 1] = string.format("  %s%% confidence interval: %s %s", P.num(100 * r.conf_level),
      g(r.conf_int[1]), g(r.conf_int[2]))
  end
  return table.concat(s, "\n")
end
P.guard(CorTest, "stats test")  -- tostring never raises (an incomplete object)

local c_cor_test = M.cor_test
M.cor_test = redoc(function(...)
  return setmetatable(c_cor_test(...), CorTest)
end, "stats.cor_test")

-- ---------------------------------------------------------------- control variates

local CV = { __name = "stats.control_variate" }

CV.__tostring = function(r)
  local r2 = r.r2 ~= r.r2 and "NaN (y is constant)" or g(r.r2)
  local s = { string.format("Control-variate mean: %s (se %s), R^2 = %s, n = %d",
    g(r.estimate), g(r.se), r2, r.n) }
  if r.strata then
    s[#s + 1] = "  stratum        n   estimate         se        R^2"
    for k = 1, #r.strata.n do
      local lev = r.strata.level[k]
      if type(lev) == "number" then lev = P.num(lev) end
      s[#s + 1] = string.format("  %-8s %6d %10s %10s %10s", lev,
        r.strata.n[k], g(r.strata.estimate[k]), g(r.strata.se[k]), g(r.strata.r2[k]))
    end
  end
  return table.concat(s, "\n")
end
P.guard(CV, "stats.control_variate")  -- tostring never raises (an incomplete object)

local c_cv = M.control_variate
M.control_variate = redoc(function(t)
  local levels
  if type(t) == "table" and args.is_factor(t.strata) then
    levels = t.strata.levels
    local u = {}
    for k, v in pairs(t) do u[k] = v end
    u.strata = t.strata.codes
    t = u
  end
  local r = c_cv(t)
  if levels and r.strata then   -- codes back to level names
    for k, code in ipairs(r.strata.level) do r.strata.level[k] = levels[code] end
  end
  return setmetatable(r, CV)
end, "stats.control_variate")

return M
