-- The veteran lung cancer trial (survival::veteran) analysed as in Burke, Jones
-- & Noufaily, "A Flexible Parametric Modelling Framework for Survival Analysis"
-- (JRSS C, 2020): proportional hazards (PH), accelerated failure time (AFT) and
-- multi-parameter APGW models with their special cases, compared by AIC; a
-- likelihood-ratio test of whether both the PH and the AFT terms are needed;
-- the chosen baseline, its cure fraction and the fitted hazard shapes.
-- Data: scripts/data/veteran.csv, exported by tests/ref/surv/fit/make_flex.R.
-- Note: AFT coefficients here are on the log-time scale as R's survreg
-- (positive = longer survival), the opposite sign to the paper's.
--   ./orrery scripts/apgw_veteran.lua
local data = require "orrery.data"
local mat = require "orrery.mat"
local stats = require "orrery.stats"
local surv = require "orrery.surv"

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
local df = data.read_csv(here .. "/data/veteran.csv")
local n = df:nrow()

-- covariates: Karnofsky score (centred at 60), cell type (squamous is the
-- reference), treatment (test = 1)
local X = mat.zeros(n, 5)
local names = { "karno60", "smallcell", "adeno", "large", "trt" }
for i = 1, n do
  X:set(i, 1, df.karno[i] - 60); X:set(i, 2, df.smallcell[i]); X:set(i, 3, df.adeno[i])
  X:set(i, 4, df.large[i]); X:set(i, 5, df.trt[i] - 1)
end
local base = { time = df.time, status = df.status, names = names }
local function fit(extra)
  local a = {}
  for k, v in pairs(base) do a[k] = v end
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
  { "APGW PH(karno) + AFT", fit { dist = "apgw", ph_x = X:col(1), aft_x = X,
                                  names = { ph = { "karno60" }, aft = names } } },
  { "APGW PH + AFT, shape ~ karno", fit { dist = "apgw", ph_x = X, aft_x = X, shape_x = X:col(1),
                                  names = { ph = names, aft = names, shape = { "karno60" } } } },
}

print("Veteran lung cancer trial: n = " .. n .. ", events = " .. models[1][2].n_event)
print()
print(string.format("%-30s %4s %11s %10s %10s  %s", "model", "par", "loglik", "AIC", "BIC", "note"))
local best, best_bic
for _, m in ipairs(models) do
  local f = m[2]
  local note = (f.boundary and ("boundary: " .. f.boundary)) or (not f.converged and f.reason) or ""
  print(string.format("%-30s %4d %11.3f %10.3f %10.3f  %s", m[1], #f.coef, f.loglik, f.aic, f.bic, note))
  if not f.boundary and f.converged then
    if not best or f.aic < best[2].aic then best = m end
    if not best_bic or f.bic < best_bic[2].bic then best_bic = m end
  end
end

-- are both PH and AFT terms needed? LR tests of APGW PH + AFT against each
print()
for _, pair in ipairs { { 9, 7 }, { 9, 8 }, { 10, 8 } } do
  local full, sub = models[pair[1]][2], models[pair[2]][2]
  local lr = 2 * (full.loglik - sub.loglik)
  local dfree = #full.coef - #sub.coef
  print(string.format("LR test %s vs %s: chi2 = %.3f on %d df, p = %.4g",
    models[pair[1]][1], models[pair[2]][1], lr, dfree, stats.pchisq(lr, dfree, { lower = false })))
end

-- APGW PH is a boundary fit: its supremum is not attained, so the chi-square
-- reference of the first test is only approximate
print()
print("Chosen by AIC (among regular fits): " .. best[1])
print("Chosen by BIC (among regular fits): " .. best_bic[1])
if best ~= best_bic then
  print(string.format("The two criteria disagree: the AIC choice spends %d more parameters for %.1f",
    #best[2].coef - #best_bic[2].coef, best[2].loglik - best_bic[2].loglik))
  print("log-likelihood units. Where a covariate enters both the PH and the AFT block its two")
  print("effects trade off against each other, so they can be barely identified (see the SEs):")
  print("read the hazard shapes below as what the flexible model can fit, not as firm estimates.")
end
print(best[2])
print(string.format("Cure fraction at x = 0 (karno 60, squamous, standard treatment): %.4f",
  best[2].cure_fraction))

-- fitted hazard shapes: h(t) per cell type at karno = 60, standard treatment
local f = best[2]
local ts = { 10, 30, 60, 90, 180, 365 }
local function row_for(cell)
  local r = { 0, 0, 0, 0, 0 }
  if cell > 1 then r[cell] = 1 end
  return r
end
local function X_for(r)
  -- each covariate block of the chosen fit gets its own columns of r
  local blocks, nblk = {}, 0
  for _, b in ipairs { "ph", "aft", "shape" } do
    local bl = f.blocks[b]
    local p = bl and (bl[2] - bl[1]) or 0
    if p == #r then blocks[b] = r; nblk = nblk + 1
    elseif p == 1 then blocks[b] = { r[1] }; nblk = nblk + 1 end   -- karno alone
  end
  if nblk == 1 then return select(2, next(blocks)) end
  return blocks
end
print()
print("Hazard h(t) per day at karno = 60, standard treatment:")
local hdr = string.format("%-10s", "cell type")
for _, t in ipairs(ts) do hdr = hdr .. string.format(" %9s", "t=" .. t) end
print(hdr)
for cell, lab in ipairs { "squamous", "smallcell", "adeno", "large" } do
  local line = string.format("%-10s", lab)
  local h = f:hazard(ts, X_for(row_for(cell)))
  for i = 1, #ts do line = line .. string.format(" %9.5f", h[i]) end
  print(line)
end
