-- Malignant melanoma (MASS::Melanoma, 205 patients after surgery, Odense)
-- analysed as in Burke, Jones & Noufaily, "A Flexible Parametric Modelling
-- Framework for Survival Analysis" (JRSS C, 2020): PH, AFT and multi-parameter
-- APGW models with their special cases, compared by AIC; a likelihood-ratio
-- test of whether both PH and AFT terms are needed; the chosen baseline, its
-- cure fraction (many patients never die of melanoma) and the hazard shapes.
-- Events are deaths from melanoma (status 1); other deaths and survivors are
-- censored. Data: scripts/data/melanoma.csv, exported by
-- tests/ref/surv/fit/make_flex.R. AFT coefficients are on the log-time scale
-- as R's survreg (positive = longer survival), the opposite sign to the paper's.
--   ./orrery scripts/apgw_melanoma.lua
local data = require "orrery.data"
local mat = require "orrery.mat"
local stats = require "orrery.stats"
local surv = require "orrery.surv"

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
local df = data.read_csv(here .. "/data/melanoma.csv")
local n = df:nrow()

-- covariates: sex (male = 1), age (centred at 50, per 10 years),
-- log tumour thickness (log mm), ulceration
local names = { "sex", "age50", "logthick", "ulcer" }
local X = mat.zeros(n, 4)
local status = mat.zeros(n, 1)
for i = 1, n do
  X:set(i, 1, df.sex[i]); X:set(i, 2, (df.age[i] - 50) / 10)
  X:set(i, 3, math.log(df.thickness[i])); X:set(i, 4, df.ulcer[i])
  status:set(i, 1, df.status[i] == 1 and 1 or 0)
end
local function fit(extra)
  local a = { time = df.time, status = status, names = names }
  for k, v in pairs(extra) do a[k] = v end
  return surv.fit(a)
end

local models = {
  { "Weibull PH",          fit { dist = "weibull", x = X, model = "ph" } },
  { "Log-logistic AFT",    fit { dist = "loglogistic", x = X } },
  { "Log-normal AFT",      fit { dist = "lognormal", x = X } },
  { "Gompertz PH",         fit { dist = "gompertz", x = X } },
  { "Burr PH",             fit { dist = "burr", ph_x = X } },
  { "Burr AFT",            fit { dist = "burr", aft_x = X } },
  { "APGW PH",             fit { dist = "apgw", ph_x = X } },
  { "APGW AFT",            fit { dist = "apgw", aft_x = X } },
  { "APGW PH + AFT",       fit { dist = "apgw", ph_x = X, aft_x = X } },
}

print(string.format("Melanoma: n = %d, deaths from melanoma = %d", n, models[1][2].n_event))
print()
print(string.format("%-20s %4s %11s %10s %10s %8s  %s", "model", "par", "loglik", "AIC", "BIC", "cure", "note"))
local best, lowest
for _, m in ipairs(models) do
  local f = m[2]
  local note = (f.boundary and ("boundary: " .. f.boundary)) or (not f.converged and f.reason) or ""
  print(string.format("%-20s %4d %11.3f %10.3f %10.3f %8.4f  %s", m[1], #f.coef, f.loglik, f.aic,
    f.bic, f.cure_fraction, note))
  if not f.boundary and f.converged and (not best or f.aic < best[2].aic) then best = m end
  if not lowest or f.aic < lowest[2].aic then lowest = m end
end

-- are both PH and AFT terms needed?
print()
local full = models[9][2]
for _, k in ipairs { 7, 8 } do
  local sub = models[k][2]
  local lr = 2 * (full.loglik - sub.loglik)
  local dfree = #full.coef - #sub.coef
  print(string.format("LR test %s vs %s: chi2 = %.3f on %d df, p = %.4g",
    models[9][1], models[k][1], lr, dfree, stats.pchisq(lr, dfree, { lower = false })))
end

print()
print("Chosen by AIC (among regular fits): " .. best[1])
if lowest ~= best then
  -- a boundary fit's AIC is an infimum that no parameter value attains
  print(string.format("The lowest AIC of all, %.3f (%.3f below), is the boundary of %s (%s),",
    lowest[2].aic, best[2].aic - lowest[2].aic, lowest[1], (lowest[2].boundary:match("^[^;]*"))))
  print(string.format("a cure model with cure fraction %.3f at x = 0: the data barely tell a cure fraction",
    lowest[2].cure_fraction))
  print("from a hazard that falls late.")
end
local km = surv.km(df.time, status)
local last, followed = 0, 0
for i = 1, #km.time do if km.n_event[i] > 0 then last = km.time[i] end end
for i = 1, n do if df.time[i] > last then followed = followed + 1 end end
print(string.format("Kaplan-Meier of melanoma deaths: %.3f at 5 years, %.3f at 10 years, flat after the last",
  km:at(1826).surv, km:at(3652).surv))
print(string.format("death at day %d with %d patients followed beyond it.", last, followed))
local f = best[2]
print(f)

-- cure fractions and hazard shapes for four patient profiles (female, 50)
local profiles = {
  { "thin (1 mm), no ulcer",  { 0, 0, 0, 0 } },
  { "thin (1 mm), ulcer",     { 0, 0, 0, 1 } },
  { "thick (5 mm), no ulcer", { 0, 0, math.log(5), 0 } },
  { "thick (5 mm), ulcer",    { 0, 0, math.log(5), 1 } },
}
local function X_for(r)
  local blocks, nblk = {}, 0
  for _, b in ipairs { "ph", "aft" } do
    local bl = f.blocks[b]
    if bl and bl[2] > bl[1] then blocks[b] = r; nblk = nblk + 1 end
  end
  if nblk == 1 then return select(2, next(blocks)) end
  return blocks
end
local ts = { 180, 365, 730, 1460, 2920, 5000 }
print()
print("Hazard h(t) per 1000 days, and the cure fraction, female aged 50:")
local hdr = string.format("%-24s", "profile")
for _, t in ipairs(ts) do hdr = hdr .. string.format(" %8s", "t=" .. t) end
print(hdr .. "     cure")
for _, p in ipairs(profiles) do
  local Xp = X_for(p[2])
  local h = f:hazard(ts, Xp)
  local line = string.format("%-24s", p[1])
  for i = 1, #ts do line = line .. string.format(" %8.4f", 1000 * h[i]) end
  print(line .. string.format(" %8.4f", f:cure(Xp)))
end
