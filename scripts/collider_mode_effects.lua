-- Mixed-mode survey: the mode (web or phone) is chosen by people according
-- to both their education X and the attitude Y the survey measures, so mode
-- is a collider on X -> mode <- Y. Conditioning on it -- analysing the web
-- respondents alone, or "adjusting" for mode -- opens the path and biases the
-- effect of X on Y; the full sample without mode gives the causal effect.
--   orrery scripts/collider_mode_effects.lua [n] [seed]
local mat = require "orrery.mat"
local regress = require "orrery.regress"
local rng = require "orrery.rng"
local sem = require "orrery.sem"
local P = require "orrery.printing"

local n = tonumber(arg and arg[1]) or 100000
local seed = tonumber(arg and arg[2]) or 2024
local effect = 0.5

-- mode propensity M = X + Y + e; a respondent answers on the web when M > 0
local m = sem.linear{ nodes = { "X", "Y", "M" },
  edges = { { "X", "Y", effect }, { "X", "M", 1 }, { "Y", "M", 1 } },
  noise = { X = 1, Y = 1, M = 1 } }
print(m)
print()

local r = rng.new(seed)
local df = m:sample(n, r)
local web = mat.zeros(n, 1)
for i = 1, n do web:set(i, 1, df.M:get(i, 1) > 0 and 1 or 0) end
local webonly, drawn = m:sample(n, { select = function(row) return row.M > 0 end }, r)

local fits = {
  { "all respondents, Y ~ X", regress.ols{ y = df.Y, x = df.X } },
  { "adjusted for mode, Y ~ X + web", regress.ols{ y = df.Y, x = df.X:hcat(web) } },
  { "web respondents only, Y ~ X", regress.ols{ y = webonly.Y, x = webonly.X } },
}
local names, est, se, bias = {}, {}, {}, {}
for i, f in ipairs(fits) do
  names[i] = f[1]
  est[i] = f[2].coef:get(2, 1)
  se[i] = f[2].se:get(2, 1)
  bias[i] = est[i] - effect
end
print(string.format("effect of X on Y: %s (exact m:effect(\"X\", \"Y\") = %s); n = %d, web rows %d of %d",
  P.num(effect), P.num(m:effect("X", "Y")), n, webonly:nrow(), drawn))
print(P.columns(names, { "estimate", "SE", "bias" }, { est, se, bias }, 4))
