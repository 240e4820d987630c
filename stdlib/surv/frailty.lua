-- surv, the Cox part: gamma frailty models, surv.cox{..., frailty = "id"
-- [, theta =]}, as coxph's frailty(id, distribution = "gamma"). The fit at a
-- given theta is the C half's penalised Newton (modules/surv/coxfrail.c,
-- C._coxfrail); theta itself, when not given, maximises the marginal
-- likelihood of the gamma frailty model (the profile over theta).
local M, C = ...
local mat = require "orrery.mat"
local stats = require "orrery.stats"
local args = require "orrery.args"
local P = require "orrery.printing"

local fail = args.fail

local FRAIL = {}
FRAIL.__index = FRAIL
FRAIL.__name = "surv.cox_frailty"

local function pchisq1(x)
  return stats.pchisq(x, 1, { lower = false })
end

local function lgamma(x) return mat.vec{ x }:apply("lgamma")[1] end

-- The marginal (integrated) log-likelihood of the gamma frailty model at
-- theta, from the penalised fit there (Therneau and Grambsch, ch. 9; coxph's
-- I-likelihood): the penalised partial likelihood plus, per cluster with d_g
-- events, d_g + nu log nu - (nu + d_g) log(nu + d_g) + log Gamma(nu + d_g) -
-- log Gamma(nu), the gamma integral's constant.
local function marginal(r, d, nu)
  local c = 0
  for g = 1, #d do
    local dg = d[g]
    c = c + dg + nu * math.log(nu) - (nu + dg) * math.log(nu + dg) + lgamma(nu + dg) - lgamma(nu)
  end
  return r.pl - r.pen + c
end

-- one penalised fit at theta
local function fit_at(fn, base, theta)
  base.theta = theta
  return C._coxfrail(fn, base)
end

function C.cox_frailty(fn, a)
  if a.frailty == nil then fail(fn, "theta = needs frailty = (the cluster of each row)") end
  if a.weights ~= nil then fail(fn, "case weights are not supported with frailty =") end
  if a.scodes ~= nil then fail(fn, "strata are not supported with frailty =") end
  if a.cluster ~= nil or a.robust then fail(fn, "the robust variance is not supported with frailty =") end
  if a.ties == "exact" then fail(fn, "ties = \"exact\" is not supported with frailty =") end
  local theta = a.theta
  if theta ~= nil and (type(theta) ~= "number" or not (theta > 0) or theta == math.huge) then
    fail(fn, "theta must be a positive number")
  end
  local n = #a.status
  local codes, levels = args.groups(fn, a.frailty, "frailty", n, "'time'")
  local G = #levels
  if G < 2 then fail(fn, "frailty needs at least two clusters, got %d", G) end
  local x, p = a.x, a.x:cols()
  -- the cluster indicators as extra columns (NaN for a missing cluster:
  -- the row is dropped with the others)
  local Z = mat.zeros(n, G)
  for i = 1, n do
    local c = codes[i]
    if c ~= c then for g = 1, G do Z:set(i, g, 0 / 0) end
    else Z:set(i, c, 1) end
  end
  local base = { time = a.time, status = a.status, x = x:hcat(Z), start = a.start,
    efron = a.ties == "efron" and 1 or 0, maxiter = math.max(a.maxiter, 50), eps = a.eps, p = p }
  -- events per cluster over the rows kept (for the marginal likelihood)
  local d = {}
  for g = 1, G do d[g] = 0 end
  for i = 1, n do
    local c, s, t = codes[i], a.status[i], a.time[i]
    local ok = c == c and s == s and t == t
    for j = 1, p do if ok and x:get(i, j) ~= x:get(i, j) then ok = false end end
    if ok and s ~= 0 then d[c] = d[c] + 1 end
  end
  local r, history
  if theta then
    r = fit_at(fn, base, theta)
  else
    -- theta maximises the marginal likelihood: golden-section search on
    -- log theta, then a parabola through the best three points
    local cache = {}
    local function f(lt)
      local th = math.exp(lt)
      local rr = fit_at(fn, base, th)
      local m = marginal(rr, d, 1 / th)
      cache[#cache + 1] = { theta = th, marginal = m, r = rr }
      return m
    end
    local lo, hi = math.log(1e-4), math.log(100)
    local gr = (math.sqrt(5) - 1) / 2
    local x1, x2 = hi - gr * (hi - lo), lo + gr * (hi - lo)
    local f1, f2 = f(x1), f(x2)
    while hi - lo > 1e-7 do
      if f1 >= f2 then hi, x2, f2 = x2, x1, f1; x1 = hi - gr * (hi - lo); f1 = f(x1)
      else lo, x1, f1 = x1, x2, f2; x2 = lo + gr * (hi - lo); f2 = f(x2) end
    end
    local best = cache[1]
    for _, c in ipairs(cache) do if c.marginal > best.marginal then best = c end end
    theta, r = best.theta, best.r
    history = cache
  end
  local ndrop = r.n_dropped
  if a.na == "fail" and ndrop > 0 then fail(fn, "%d rows with missing values (na = \"fail\")", ndrop) end
  local fit = setmetatable({}, FRAIL)
  local coef, frail, se, se2, z, pv = {}, {}, {}, {}, {}, {}
  for j = 1, p do
    coef[j] = r.coef[j]
    se[j] = math.sqrt(r.var:get(j, j))
    se2[j] = math.sqrt(r.var2:get(j, j))
    z[j] = coef[j] / se[j]
    pv[j] = pchisq1(z[j] * z[j])
  end
  for g = 1, G do frail[g] = r.coef[p + g] end
  fit.names, fit.p, fit.ties = a.names, p, a.ties
  fit.coef, fit.se, fit.se2 = mat.vec(coef), mat.vec(se), mat.vec(se2)
  fit.vcov, fit.vcov2 = r.var, r.var2
  fit.z, fit.pvalue = mat.vec(z), mat.vec(pv)
  fit.theta, fit.frail, fit.levels = theta, mat.vec(frail), levels
  fit.loglik = { r.loglik0, r.pl }
  fit.penalty = r.pen
  fit.marginal = marginal(r, d, 1 / theta)
  fit.n, fit.nevent, fit.n_dropped = r.n, r.nevent, ndrop + (a.n_dropped_pre or 0)
  fit.iterations, fit.converged = r.iter, r.converged == 1
  fit.theta_fixed = a.theta ~= nil
  if history then fit._history = history end
  return fit
end

-- print.coxph for a frailty model (digits 4): coef, se(coef), se2, z, p
function FRAIL.__tostring(f)
  local lines = { "Cox proportional hazards model with gamma frailty (ties = " .. f.ties .. ")", "",
    P.coefmat({ rownames = f.names, colnames = { "coef", "se(coef)", "se2", "z", "p" },
      cols = { f.coef, f.se, f.se2, f.z, f.pvalue } }, { digits = 4, has_pvalue = true, signif_stars = false }),
    "" }
  lines[#lines + 1] = string.format("Variance of random effect= %s%s   I-likelihood = %s", P.num(f.theta, 7),
    f.theta_fixed and " (fixed)" or "", P.num(P.round(f.marginal, 1), 10))
  lines[#lines + 1] = string.format("n= %d, number of events= %d", f.n, f.nevent)
  if not f.converged then lines[#lines + 1] = "Warning: did not converge" end
  return table.concat(lines, "\n")
end

return M
