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

-- one penalised fit at theta by the fitter of C._coxfrail, from the last
-- fit's estimate (a warm start)
local function fit_at(fitter, state, theta, polish)
  local r = fitter(theta, state.start, polish)
  state.start = r.coef
  return r
end

-- Brent's method (R's optimize): the minimum of f on [a, b] to tol
local function brent(f, a, b, tol)
  local c = (3 - math.sqrt(5)) / 2
  local v = a + c * (b - a)
  local w, x = v, v
  local fx = f(x)
  local fv, fw = fx, fx
  local d, e = 0, 0
  for _ = 1, 200 do
    local xm = (a + b) / 2
    local tol1 = 1.4901161193847656e-08 * math.abs(x) + tol / 3
    local tol2 = 2 * tol1
    if math.abs(x - xm) <= tol2 - (b - a) / 2 then break end
    local golden = true
    if math.abs(e) > tol1 then   -- a parabola through x, w, v
      local r = (x - w) * (fx - fv)
      local q = (x - v) * (fx - fw)
      local pp = (x - v) * q - (x - w) * r
      q = 2 * (q - r)
      if q > 0 then pp = -pp else q = -q end
      r = e; e = d
      if math.abs(pp) < math.abs(q * r / 2) and pp > q * (a - x) and pp < q * (b - x) then
        d = pp / q
        local u = x + d
        if u - a < tol2 or b - u < tol2 then d = xm >= x and tol1 or -tol1 end
        golden = false
      end
    end
    if golden then
      e = (x < xm) and (b - x) or (a - x)
      d = c * e
    end
    local u = x + ((math.abs(d) >= tol1) and d or (d > 0 and tol1 or -tol1))
    local fu = f(u)
    if fu <= fx then
      if u < x then b = x else a = x end
      v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
    else
      if u < x then a = u else b = u end
      if fu <= fw or w == x then v, fv, w, fw = w, fw, u, fu
      elseif fu <= fv or v == x or v == w then v, fv = u, fu end
    end
  end
  return x
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
  local base = { time = a.time, status = a.status, x = x, start = a.start, cluster = codes - 1,
    ncluster = G, efron = a.ties == "efron" and 1 or 0, maxiter = math.max(a.maxiter, 50), eps = a.eps }
  local fitter, info = C._coxfrail(fn, base)
  local state = {}
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
    r = fit_at(fitter, state, theta, true)
  else
    -- theta maximises the marginal likelihood: Brent's minimisation of its
    -- negative over log theta in [log 1e-4, log 100] (golden sections and
    -- parabolas), to 1e-5 in log theta; each fit starts from the last
    local cache = {}
    local function negf(lt)
      local th = math.exp(lt)
      local rr = fit_at(fitter, state, th)
      local m = marginal(rr, d, 1 / th)
      cache[#cache + 1] = { theta = th, marginal = m, r = rr }
      return -m
    end
    brent(negf, math.log(1e-4), math.log(100), 1e-5)
    local best = cache[1]
    for _, c in ipairs(cache) do if c.marginal > best.marginal then best = c end end
    theta = best.theta
    state.start = best.r.coef
    r = fit_at(fitter, state, theta, true)   -- the winner, polished
    history = cache
  end
  local ndrop = info.n_dropped
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
  fit.loglik = { info.loglik0, r.pl }
  fit.penalty = r.pen
  fit.marginal = marginal(r, d, 1 / theta)
  fit.n, fit.nevent, fit.n_dropped = info.n, info.nevent, ndrop + (a.n_dropped_pre or 0)
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
P.guard(FRAIL, "surv.cox")  -- tostring never raises (an incomplete object)

return M
