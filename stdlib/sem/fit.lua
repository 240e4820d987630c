-- sem.fit: maximum-likelihood fits of models written in lavaan's syntax, with
-- lavaan's defaults (cfa()/sem()): the first loading of each factor fixed to
-- 1, residual variances of the observed and variances of the latent
-- variables free, covariances of the exogenous latent variables free, S with
-- divisor N, standard errors from the expected information.
-- The model is written as RAM matrices over v = (observed, latent):
--   v = A v + u, Cov(u) = S,  Sigma = F (I - A)^-1 S (I - A)^-T F^T,
-- and fitted by Fisher scoring on F_ML = log|Sigma| + tr(S_data Sigma^-1)
-- (docs/methods/sem.md).
local M, C = ...
local mat = require "orrery.mat"
local help = require "orrery.help"
local args = require "orrery.args"
local stats = require "orrery.stats"
local P = require "orrery.printing"
require "orrery.sem.syntax"

local fail = args.fail
local fmt, concat = string.format, table.concat
local log, sqrt, abs, huge = math.log, math.sqrt, math.abs, math.huge

local MAXITER = 500      -- iterations (option maxiter)
local TOL = 1e-12        -- converged when the relative change in F is below this ...
local GTOL = 1e-9        -- ... and the largest step is below this
local PD_EPS = 1e-12     -- smallest eigenvalue of a positive definite Sigma
local FISHER_STEPS = 6  -- pure Fisher-scoring steps before the BFGS updates
local IDTOL = 1e-10      -- information eigenvalues below IDTOL x the largest: singular

-- ---------------------------------------------------------------------------
-- the parameter table
-- ---------------------------------------------------------------------------

-- rows: {lhs, op, rhs, free (index into theta or 0), value (fixed value),
-- label, kind = "A" | "S", i, j (RAM indices), user (written in the spec)}
local function partable(fn, stmts, df)
  local latent, lvorder = {}, {}
  for _, s in ipairs(stmts) do
    if s.op == "=~" and not latent[s.lhs] then latent[s.lhs] = true; lvorder[#lvorder + 1] = s.lhs end
  end
  local ovseen, ovorder = {}, {}
  local function addov(v)
    if not latent[v] and not ovseen[v] then ovseen[v] = true; ovorder[#ovorder + 1] = v end
  end
  -- intercepts: 'y ~ 1' asks for the mean structure; only free, saturated
  -- intercepts of observed variables are fitted (their estimates are the
  -- sample means), so a fixed or labelled one, or a latent mean, is refused
  local meanstructure = false
  local kept = {}
  for _, s in ipairs(stmts) do
    local icpt = s.op == "~" and s.rhs[1].kind == "number"
    if icpt then
      local t = s.rhs[1]
      if #s.rhs > 1 then fail(fn, "line %d: give the intercept '%s ~ 1' on its own line", s.line, s.lhs) end
      if latent[s.lhs] then fail(fn, "line %d: latent means ('%s ~ 1') are not supported", s.line, s.lhs) end
      if t.fixed ~= nil or t.label then
        fail(fn, "line %d: fixed or labelled intercepts ('%s ~ 1') are not supported", s.line, s.lhs)
      end
      meanstructure = true
    else
      kept[#kept + 1] = s
    end
    if s.op ~= "=~" then addov(s.lhs) end
    for _, t in ipairs(s.rhs) do
      if t.kind == "number" and not icpt then fail(fn, "line %d: a number is not a variable", s.line) end
      if t.kind ~= "number" then addov(t.name) end
    end
  end
  stmts = kept
  local names = df:names()
  local has = {}
  for _, v in ipairs(names) do has[v] = true end
  for _, v in ipairs(ovorder) do
    if not has[v] then fail(fn, "variable '%s' is neither in the data nor a latent variable", v) end
  end
  for _, v in ipairs(lvorder) do
    if has[v] then fail(fn, "latent variable '%s' has the name of a column of the data", v) end
  end
  local p = #ovorder
  local idx = {}
  for i, v in ipairs(ovorder) do idx[v] = i end
  for j, v in ipairs(lvorder) do idx[v] = p + j end

  local rows, key = {}, {}
  local function add(lhs, op, rhs, t, user)
    local k = lhs .. op .. rhs
    if op == "~~" and key[rhs .. op .. lhs] then k = rhs .. op .. lhs; lhs, rhs = rhs, lhs end
    local r = key[k]
    if r then
      if user and r.user then fail(fn, "'%s' is given twice", k) end
      if not user then return r end
    else
      r = { lhs = lhs, op = op, rhs = rhs, key = k }
      rows[#rows + 1] = r; key[k] = r
    end
    r.user = r.user or user
    t = t or {}
    r.label = t.label
    if t.fixed ~= nil then r.fixed = t.fixed elseif t.free then r.fixed = nil; r.freed = true end
    if op == "=~" then r.kind, r.i, r.j = "A", idx[rhs], idx[lhs]
    elseif op == "~" then r.kind, r.i, r.j = "A", idx[lhs], idx[rhs]
    else r.kind, r.i, r.j = "S", idx[lhs], idx[rhs] end
    return r
  end
  -- measurement, then regressions, then (co)variances: lavaan's order
  local firstind = {}
  for _, s in ipairs(stmts) do
    if s.op == "=~" then
      for _, t in ipairs(s.rhs) do
        local r = add(s.lhs, "=~", t.name, t, true)
        if not firstind[s.lhs] then
          firstind[s.lhs] = r
          if r.fixed == nil and not r.freed then r.fixed = 1 end
        end
      end
    end
  end
  local endo, pred = {}, {}
  for _, s in ipairs(stmts) do
    if s.op == "~" then
      endo[s.lhs] = true
      for _, t in ipairs(s.rhs) do add(s.lhs, "~", t.name, t, true); pred[t.name] = true end
    end
  end
  for _, s in ipairs(stmts) do
    if s.op == "~~" then
      for _, t in ipairs(s.rhs) do add(s.lhs, "~~", t.name, t, true) end
    end
  end
  -- exogenous observed variables of regressions (not indicators, not
  -- outcomes): lavaan's fixed.x, their (co)variances fixed at the sample's
  local indicator = {}
  for _, r in ipairs(rows) do if r.op == "=~" then indicator[r.rhs] = true end end
  local xs = {}
  for _, v in ipairs(ovorder) do
    if pred[v] and not endo[v] and not indicator[v] then xs[#xs + 1] = v end
  end
  local isx = {}
  for _, v in ipairs(xs) do isx[v] = true end
  for _, v in ipairs(ovorder) do if not isx[v] then add(v, "~~", v) end end
  for _, v in ipairs(lvorder) do add(v, "~~", v) end
  local lvx = {}
  for _, v in ipairs(lvorder) do if not endo[v] then lvx[#lvx + 1] = v end end
  for a = 1, #lvx do for b = a + 1, #lvx do add(lvx[a], "~~", lvx[b]) end end
  -- dependent variables that predict nothing: residual covariances free
  local ys = {}
  for _, v in ipairs(lvorder) do if endo[v] and not pred[v] then ys[#ys + 1] = v end end
  for _, v in ipairs(ovorder) do if endo[v] and not pred[v] then ys[#ys + 1] = v end end
  for a = 1, #ys do for b = a + 1, #ys do add(ys[a], "~~", ys[b]) end end
  for a = 1, #xs do
    for b = a, #xs do
      local r = add(xs[a], "~~", xs[b])
      r.fixedx = true
    end
  end
  -- free parameters: one per unlabelled free row, one per label
  local nfree, bylabel = 0, {}
  for _, r in ipairs(rows) do
    if r.fixed == nil and not r.fixedx then
      if r.label and bylabel[r.label] then r.free = bylabel[r.label]
      else
        nfree = nfree + 1; r.free = nfree
        if r.label then bylabel[r.label] = nfree end
      end
    else
      r.free = 0
    end
  end
  return { rows = rows, key = key, ov = ovorder, lv = lvorder, p = p, m = p + #lvorder,
           q = nfree, labels = bylabel, xs = xs, meanstructure = meanstructure }
end

-- ---------------------------------------------------------------------------
-- the implied covariance and its derivatives
-- ---------------------------------------------------------------------------

local function ram(pt, theta)
  local A, S = mat.zeros(pt.m, pt.m), mat.zeros(pt.m, pt.m)
  for _, r in ipairs(pt.rows) do
    local v = r.free > 0 and theta[r.free] or r.value or r.fixed
    if r.kind == "A" then A:set(r.i, r.j, v)
    else S:set(r.i, r.j, v); S:set(r.j, r.i, v) end
  end
  return A, S
end

-- Sigma, G = F (I - A)^-1, Ainv, and for the derivatives H = Ainv S G^T
local function implied(pt, theta)
  local A, S = ram(pt, theta)
  -- singular when a variable explains itself (f =~ 1*f): an error of sem.fit
  local ok, Ainv = pcall(function() return (mat.eye(pt.m) - A):inv() end)
  if not ok then fail("sem.fit", "I - B is singular: a variable explains itself (as in f =~ 1*f)") end
  local obs = {}
  for i = 1, pt.p do obs[i] = i end
  local G = Ainv:rows_of(obs)
  local H = Ainv * S * G:t()
  local Sigma = G * S * G:t()
  return Sigma, G, H, Ainv, S
end

-- dSigma / dtheta_k for each free parameter (p x p mats)
local function derivs(pt, G, H)
  local d = {}
  for k = 1, pt.q do d[k] = mat.zeros(pt.p, pt.p) end
  for _, r in ipairs(pt.rows) do
    if r.free > 0 then
      local D
      if r.kind == "A" then
        local g, h = G:col(r.i), H:row(r.j):t()
        D = g * h:t()
        D = D + D:t()
      else
        local gi, gj = G:col(r.i), G:col(r.j)
        D = gi * gj:t()
        if r.i ~= r.j then D = D + D:t() end
      end
      d[r.free] = d[r.free] + D
    end
  end
  return d
end

local function trprod(X, Y)  -- tr(X Y) for square X, Y
  return X:hadamard(Y:t()):sum()
end

-- F_ML and whether Sigma is positive definite
local function fml(Sigma, Sd, logdetS, p)
  local ok, ev = pcall(function() return Sigma:eigsym() end)
  if not ok then return huge end
  local vals = type(ev) == "table" and ev.values or ev
  if vals:min() <= PD_EPS then return huge end
  -- positive but numerically singular (a huge fixed value): outside too
  local okI, Si = pcall(function() return Sigma:inv() end)
  if not okI then return huge end
  return Sigma:logdet() + trprod(Sd, Si) - logdetS - p
end

-- the expected information (for F_ML: tr(Si dk Si dl)) and the gradient
-- tr(Si (Sigma - S) Si dk), as products of the stacked vec(dk): with
-- V = [vec(d1) ... vec(dq)] and U = [vec(Si dk Si)], info = U^T V
local function scoring(pt, theta, Sd)
  local Sigma, G, H = implied(pt, theta)
  local okS, Si = pcall(function() return Sigma:inv() end)
  if not okS then fail("sem.fit", "the implied covariance matrix is singular at the current values") end
  local d = derivs(pt, G, H)
  local pp = pt.p * pt.p
  local V, U
  for k = 1, pt.q do
    local v = d[k]:reshape(pp, 1)
    local u = (Si * d[k] * Si):reshape(pp, 1)
    V = k == 1 and v or V:hcat(v)
    U = k == 1 and u or U:hcat(u)
  end
  local info = U:t() * V
  info = (info + info:t()) * 0.5
  local R = (Si * (Sigma - Sd) * Si):reshape(1, pp)
  local grad = (R * V):t()
  return info, grad, Sigma
end

-- starting values: loadings 1 (or fixed), regressions 0, residual variances
-- half the observed variance, latent variances 0.05, covariances 0
local function start(pt, Sd)
  local theta = {}
  for _, r in ipairs(pt.rows) do
    if r.free > 0 and theta[r.free] == nil then
      local v = 0
      if r.op == "=~" then v = 1
      elseif r.op == "~~" and r.i == r.j then
        v = r.i <= pt.p and 0.5 * Sd:get(r.i, r.i) or 0.05
      end
      theta[r.free] = v
    end
  end
  return theta
end

-- Fisher scoring with step halving for the first FISHER_STEPS iterations;
-- then BFGS updates of the last inverse information (Fisher scoring alone
-- converges only linearly when the model misfits, ~0.7 per step on the
-- HolzingerSwineford CFA)
local function optimise(fn, pt, Sd, logdetS, maxiter)
  local theta = start(pt, Sd)
  local f = fml((implied(pt, theta)), Sd, logdetS, pt.p)
  if f == huge then fail(fn, "the starting values give a covariance that is not positive definite") end
  local converged, iter = false, 0
  local info, grad = scoring(pt, theta, Sd)
  local Hinv, s, y
  local q = pt.q
  for it = 1, maxiter do
    iter = it
    local step
    if it <= FISHER_STEPS or not s then
      local ok
      ok, Hinv = pcall(function() return info:inv() end)
      if not ok then
        ok, Hinv = pcall(function() return info:pinv() end)
        if not ok then break end
      end
    else
      local ys = (y:t() * s):get(1, 1)
      if ys > 0 then
        local rho = 1 / ys
        local Ir = mat.eye(q) - rho * (s * y:t())
        Hinv = Ir * Hinv * Ir:t() + rho * (s * s:t())
      end
    end
    step = Hinv * grad
    local alpha, newf, new = 1, huge, nil
    for _ = 1, 30 do
      new = {}
      for k = 1, q do new[k] = theta[k] - alpha * step:get(k, 1) end
      newf = fml((implied(pt, new)), Sd, logdetS, pt.p)
      if newf <= f + 1e-15 * abs(f) then break end
      alpha = alpha / 2
    end
    if newf == huge or newf > f + 1e-15 * abs(f) then
      converged = step:max() < GTOL and -step:min() < GTOL
      break
    end
    local maxstep = 0
    for k = 1, q do maxstep = math.max(maxstep, abs(new[k] - theta[k])) end
    local df = f - newf
    local newinfo, newgrad = scoring(pt, new, Sd)
    s = mat.zeros(q, 1)
    for k = 1, q do s:set(k, 1, new[k] - theta[k]) end
    y = newgrad - grad
    theta, f, info, grad = new, newf, newinfo, newgrad
    if maxstep < GTOL or (df >= 0 and df <= TOL * math.max(abs(f), 1e-8) and maxstep < 1e-6) then
      converged = true; break
    end
  end
  return theta, f, converged, iter
end

-- ---------------------------------------------------------------------------
-- fit measures
-- ---------------------------------------------------------------------------

local function lgamma(x)
  -- log Gamma for positive integers+ (Stirling with corrections); used only
  -- for Poisson weights, where x is a whole number
  if x < 12 then
    local v = 1
    for i = 2, x - 1 do v = v * i end
    return log(v)
  end
  local z = x
  return (z - 0.5) * log(z) - z + 0.5 * log(2 * math.pi) + 1 / (12 * z) - 1 / (360 * z ^ 3)
    + 1 / (1260 * z ^ 5) - 1 / (1680 * z ^ 7)
end

-- P(X <= x) for a noncentral chi-square(k, ncp): the Poisson mixture of
-- central chi-squares, summed outward from the Poisson mode until the
-- weights are negligible
local function pnchisq(x, k, ncp)
  if ncp <= 0 then return stats.pchisq(x, k) end
  local h = ncp / 2
  local mode = math.floor(h)
  local function w(j) return math.exp(-h + j * log(h) - lgamma(j + 1)) end
  local total = 0
  local j = mode
  while j >= 0 do
    local wj = w(j)
    total = total + wj * stats.pchisq(x, k + 2 * j)
    if wj < 1e-17 and j < mode then break end
    j = j - 1
  end
  j = mode + 1
  while true do
    local wj = w(j)
    total = total + wj * stats.pchisq(x, k + 2 * j)
    if wj < 1e-17 then break end
    j = j + 1
  end
  return total
end


-- the ncp at which P(X <= chisq; df, ncp) = prob, by bisection (0 when none)
local function ncp_at(chisq, df, prob)
  if pnchisq(chisq, df, 0) < prob then return 0 end
  local lo, hi = 0, math.max(chisq, 1)
  while pnchisq(chisq, df, hi) > prob do hi = hi * 2 end
  for _ = 1, 200 do
    local mid = (lo + hi) / 2
    if pnchisq(chisq, df, mid) > prob then lo = mid else hi = mid end
    if hi - lo <= 1e-13 * hi then break end
  end
  return (lo + hi) / 2
end

-- ---------------------------------------------------------------------------
-- sem.fit
-- ---------------------------------------------------------------------------

local Fit = {}
Fit.__index = Fit
Fit.__name = "sem.fit"

local fit_opts = { "maxiter" }

local function sample_cov(fn, df, vars)
  local n = df:nrow()
  local X
  if #vars == 0 then fail(fn, "the model names no observed variable (a column of the data)") end
  for j, v in ipairs(vars) do
    local c = df[v]
    if not args.is_mat(c) then fail(fn, "column '%s' is not numeric", v) end
    X = j == 1 and c or X:hcat(c)
  end
  for i = 1, n do
    for j = 1, #vars do
      local v = X:get(i, j)
      if v ~= v or v == huge or v == -huge then
        fail(fn, "column '%s' has a missing or infinite value (row %d)", vars[j], i)
      end
    end
  end
  local mu = X:colmeans()
  local S = X:crossprod() / n - mu * mu:t()
  -- exactly symmetric
  for i = 1, #vars do for j = 1, i - 1 do
    local v = (S:get(i, j) + S:get(j, i)) / 2
    S:set(i, j, v); S:set(j, i, v)
  end end
  return S, n, mu
end

local function fit(spec, df, opts)
  local fn = "sem.fit"
  if not args.is_frame(df) then fail(fn, "expected a data frame as the second argument") end
  opts = opts or {}
  args.checkopts(fn, opts, fit_opts)
  local maxiter = opts.maxiter or MAXITER
  if math.type(maxiter) ~= "integer" or maxiter < 1 then fail(fn, "maxiter must be a whole number >= 1") end
  local stmts, defs = C.parse_syntax(fn, spec)
  local pt = partable(fn, stmts, df)
  local Sd, N, xbar = sample_cov(fn, df, pt.ov)
  local p, q = pt.p, pt.q
  if q == 0 then fail(fn, "the model has no free parameter to estimate (every one is fixed)") end
  -- fixed.x: the exogenous covariates' (co)variances at the sample values
  for _, r in ipairs(pt.rows) do
    if r.fixedx then r.value = Sd:get(r.i, r.j) end
  end
  local nx = #pt.xs
  local dfree = p * (p + 1) / 2 - nx * (nx + 1) / 2
  local dof = math.tointeger(dfree - q) or (dfree - q)
  if dof < 0 then
    fail(fn, "the model is not identified: %d free parameters for %d sample moments (df = %d)", q, dfree, dof)
  end
  local okS, logdetS = pcall(function() return Sd:logdet() end)
  if not okS or logdetS ~= logdetS or logdetS == -huge then fail(fn, "the sample covariance matrix is singular") end
  local theta, fmin, converged, iter = optimise(fn, pt, Sd, logdetS, maxiter)
  local info, grad, Sigma = scoring(pt, theta, Sd)
  -- identification: at a converged solution the information must have full
  -- rank; a run that did not converge is reported with NaN SEs instead
  local ev = info:eigsym()
  local vals = type(ev) == "table" and ev.values or ev
  local singular = vals:min() <= IDTOL * math.max(vals:max(), 1e-300)
  if singular and converged then
    fail(fn, "the model is not identified: the information matrix is singular (rank < %d)", q)
  end
  local vcov = singular and mat.new(q, q, 0 / 0) or info:inv() * (2 / N)
  local res = {
    n = N, npar = q, df = dof, converged = converged, iterations = iter,
    fmin = fmin / 2, chisq = N * fmin, est = {}, se = {}, std = {}, names = {},
    rows = pt.rows, ov = pt.ov, lv = pt.lv, vcov = vcov, implied = Sigma, sample = Sd,
    gradient = grad,
  }
  res.pvalue = dof > 0 and stats.pchisq(res.chisq, dof, { lower = false }) or 0 / 0
  -- estimates and SEs by lavaan name
  local _, _, _, Ainv, Smat = implied(pt, theta)
  local Ctot = Ainv * Smat * Ainv:t()
  local sd = {}
  for i = 1, pt.m do sd[i] = sqrt(math.max(Ctot:get(i, i), 0)) end
  for _, r in ipairs(pt.rows) do
    local v = r.free > 0 and theta[r.free] or r.value or r.fixed
    local se = r.free > 0 and sqrt(vcov:get(r.free, r.free)) or 0
    res.names[#res.names + 1] = r.key
    res.est[r.key], res.se[r.key] = v, se
    local s
    if r.op == "=~" then s = v * sd[r.j] / sd[r.i]
    elseif r.op == "~" then s = v * sd[r.j] / sd[r.i]
    elseif r.i == r.j then s = v / (sd[r.i] * sd[r.j])
    else
      -- a covariance: the correlation of the residuals (lavaan's std.all)
      local vi, vj = Smat:get(r.i, r.i), Smat:get(r.j, r.j)
      s = v / sqrt(vi * vj)
    end
    res.std[r.key] = s
  end
  -- the saturated mean structure: intercepts at the sample means, SEs
  -- sqrt(sigma_ii / N) (the mean block of the information is N Sigma^-1);
  -- an exogenous covariate's mean is fixed (fixed.x), latent means are 0
  local nmean = 0
  if pt.meanstructure then
    local isx = {}
    for _, v in ipairs(pt.xs) do isx[v] = true end
    for i, v in ipairs(pt.ov) do
      local key = v .. "~1"
      res.names[#res.names + 1] = key
      res.est[key] = xbar:get(i, 1)
      res.se[key] = isx[v] and 0 or sqrt(Sigma:get(i, i) / N)
      res.std[key] = xbar:get(i, 1) / sd[i]
      if not isx[v] then nmean = nmean + 1 end
    end
    for _, v in ipairs(pt.lv) do
      local key = v .. "~1"
      res.names[#res.names + 1] = key
      res.est[key], res.se[key], res.std[key] = 0, 0, 0
    end
  end
  res.npar = q + nmean
  -- Heywood cases: negative variances; non-positive-definite latent covariance
  res.heywood = {}
  for _, r in ipairs(pt.rows) do
    if r.op == "~~" and r.i == r.j and res.est[r.key] < 0 then res.heywood[#res.heywood + 1] = r.key end
  end
  if #pt.lv > 0 then
    local idx = {}
    for j = 1, #pt.lv do idx[j] = p + j end
    local Psi = Smat:rows_of(idx):cols_of(idx)
    local lev = Psi:eigsym()
    local lv = type(lev) == "table" and lev.values or lev
    if lv:min() < 0 then res.heywood[#res.heywood + 1] = "latent covariance matrix not positive definite" end
  end
  -- defined parameters: delta method with a central-difference gradient
  if #defs > 0 then
    local env0 = setmetatable({}, { __index = math })
    local funcs = {}
    for _, d in ipairs(defs) do
      local chunk, err = load("return " .. d.expr, "=" .. d.name, "t", env0)
      if not chunk then fail(fn, "line %d: bad expression in '%s := %s': %s", d.line, d.name, d.expr, err) end
      funcs[#funcs + 1] = { d = d, f = chunk }
    end
    local function evaluate(th, std)
      local lv = {}
      for lab, k in pairs(pt.labels) do lv[lab] = th[k] end
      if std then
        -- a label on several parameters: the first one's standardized value
        for i = #pt.rows, 1, -1 do
          local r = pt.rows[i]
          if r.label then lv[r.label] = res.std[r.key] end
        end
      end
      local out = {}
      for _, f in ipairs(funcs) do
        setmetatable(env0, { __index = function(_, k)
          if lv[k] ~= nil then return lv[k] end
          if out[k] ~= nil then return out[k] end
          if math[k] ~= nil then return math[k] end
          fail(fn, "line %d: unknown label '%s' in '%s := %s'", f.d.line, k, f.d.name, f.d.expr)
        end })
        local ok, v = pcall(f.f)
        if not ok then  -- ours passes on; Lua's own ("1.5 // x1") gets named
          if type(v) == "string" and v:find("^sem%.fit: ") then error(v, 0) end
          fail(fn, "line %d: cannot evaluate '%s := %s': %s", f.d.line, f.d.name, f.d.expr,
            (tostring(v):gsub("^[^:]*:%d+: ", "")))
        end
        if type(v) ~= "number" then fail(fn, "line %d: '%s' is not a number", f.d.line, f.d.name) end
        out[f.d.name] = v
      end
      return out
    end
    local v0, vstd = evaluate(theta), evaluate(theta, true)
    for _, f in ipairs(funcs) do
      local nm = f.d.name
      local J = mat.zeros(1, q)
      for k = 1, q do
        local h = 1e-6 * math.max(abs(theta[k]), 1)
        local tp, tm = {}, {}
        for l = 1, q do tp[l], tm[l] = theta[l], theta[l] end
        tp[k], tm[k] = theta[k] + h, theta[k] - h
        J:set(1, k, (evaluate(tp)[nm] - evaluate(tm)[nm]) / (2 * h))
      end
      local key = nm .. ":=" .. f.d.expr:gsub("%s", "")
      res.names[#res.names + 1] = key
      res.est[key] = v0[nm]
      res.se[key] = sqrt((J * vcov * J:t()):get(1, 1))
      res.std[key] = vstd[nm]
      res.defined = res.defined or {}
      res.defined[nm] = key
    end
  end
  -- fit measures
  local logdetSig = Sigma:logdet()
  local trS = trprod(Sd, Sigma:inv())
  res.logl = -N / 2 * (p * log(2 * math.pi) + logdetSig + trS)
  res.unrestricted_logl = -N / 2 * (p * log(2 * math.pi) + logdetS + p)
  res.aic = -2 * res.logl + 2 * res.npar
  res.bic = -2 * res.logl + res.npar * log(N)
  -- baseline: independence of all but the exogenous covariates (kept free)
  local bl = 0
  local isx = {}
  for _, v in ipairs(pt.xs) do isx[v] = true end
  local xi = {}
  for i, v in ipairs(pt.ov) do
    if isx[v] then xi[#xi + 1] = i else bl = bl + log(Sd:get(i, i)) end
  end
  if #xi > 0 then bl = bl + Sd:rows_of(xi):cols_of(xi):logdet() end
  res.baseline_chisq = N * (bl - logdetS)
  res.baseline_df = p * (p - 1) / 2 - nx * (nx - 1) / 2
  local X2, d, Xb, db = res.chisq, dof, res.baseline_chisq, res.baseline_df
  local num, den = math.max(X2 - d, 0), math.max(Xb - db, X2 - d, 0)
  res.cfi = den == 0 and 1 or 1 - num / den
  res.tli = d > 0 and ((Xb / db) - (X2 / d)) / ((Xb / db) - 1) or 1
  if d > 0 then
    res.rmsea = sqrt(math.max(X2 - d, 0) / (d * N))
    res.rmsea_ci = { sqrt(ncp_at(X2, d, 0.95) / (N * d)), sqrt(ncp_at(X2, d, 0.05) / (N * d)) }
    res.rmsea_pvalue = 1 - pnchisq(X2, d, N * d * 0.05 ^ 2)
  else
    res.rmsea, res.rmsea_ci, res.rmsea_pvalue = 0, { 0, 0 }, 0 / 0
  end
  -- SRMR (Bentler): residuals scaled by the sample standard deviations
  local ssr, cnt = 0, 0
  for i = 1, p do
    for j = 1, i do
      local rr = (Sd:get(i, j) - Sigma:get(i, j)) / sqrt(Sd:get(i, i) * Sd:get(j, j))
      ssr = ssr + rr * rr; cnt = cnt + 1
    end
  end
  -- with a mean structure the (zero) mean residuals count too, as lavaan's
  if pt.meanstructure then cnt = cnt + p end
  res.srmr = sqrt(ssr / cnt)
  res.warnings = {}
  if not converged then res.warnings[#res.warnings + 1] = fmt("did not converge in %d iterations", iter) end
  if #res.heywood > 0 then
    res.warnings[#res.warnings + 1] = "Heywood case: " .. concat(res.heywood, ", ")
  end
  return setmetatable(res, Fit)
end

-- ---------------------------------------------------------------------------
-- printing, in the layout of lavaan's summary()
-- ---------------------------------------------------------------------------

local function f3(x) return x ~= x and "" or fmt("%.3f", x) end

function Fit:summary()
  local L = {}
  local function add(s) L[#L + 1] = s end
  local function kv(k, v) add(fmt("  %-42s %12s", k, v)) end
  add(fmt("sem.fit %s after %d iterations", self.converged and "ended normally" or "did NOT converge", self.iterations))
  add("")
  local int = function(x) return tostring(math.tointeger(x) or x) end
  local blocks = {
    { nil, { "Estimator", "ML" }, { "Optimization method", "Fisher scoring + BFGS" },
      { "Number of model parameters", int(self.npar) }, {}, { "Number of observations", int(self.n) } },
    { "Model Test User Model:", { "Test statistic", f3(self.chisq) }, { "Degrees of freedom", int(self.df) },
      { "P-value (Chi-square)", f3(self.pvalue) } },
    { "Model Test Baseline Model:", { "Test statistic", f3(self.baseline_chisq) },
      { "Degrees of freedom", int(self.baseline_df) } },
    { "User Model versus Baseline Model:", { "Comparative Fit Index (CFI)", f3(self.cfi) },
      { "Tucker-Lewis Index (TLI)", f3(self.tli) } },
    { "Loglikelihood and Information Criteria:", { "Loglikelihood user model (H0)", f3(self.logl) },
      { "Loglikelihood unrestricted model (H1)", f3(self.unrestricted_logl) }, {},
      { "Akaike (AIC)", f3(self.aic) }, { "Bayesian (BIC)", f3(self.bic) } },
    { "Root Mean Square Error of Approximation:", { "RMSEA", f3(self.rmsea) },
      { "90 Percent confidence interval - lower", f3(self.rmsea_ci[1]) },
      { "90 Percent confidence interval - upper", f3(self.rmsea_ci[2]) },
      { "P-value H_0: RMSEA <= 0.050", f3(self.rmsea_pvalue) } },
  }
  for b, block in ipairs(blocks) do
    if b > 1 then add("") end
    if block[1] then add(block[1]); add("") end
    for e = 2, #block do
      if block[e][1] then kv(block[e][1], block[e][2]) else add("") end
    end
  end
  add("")
  add("Standardized Root Mean Square Residual:")
  add("")
  kv("SRMR", f3(self.srmr))
  add("")
  add("Parameter Estimates:")
  add("")
  kv("Standard errors", "Standard")
  kv("Information", "Expected")
  local sections = {
    { op = "=~", title = "Latent Variables:" }, { op = "~", title = "Regressions:" },
    { op = "~~", cov = true, title = "Covariances:" }, { op = "~~", var = true, title = "Variances:" },
  }
  local head = fmt("%-20s %9s %9s %9s %9s %9s", "", "Estimate", "Std.Err", "z-value", "P(>|z|)", "Std.all")
  for _, sec in ipairs(sections) do
    local rows = {}
    for _, r in ipairs(self.rows) do
      if r.op == sec.op and (not sec.cov or r.lhs ~= r.rhs) and (not sec.var or r.lhs == r.rhs) then
        rows[#rows + 1] = r
      end
    end
    if #rows > 0 then
      add(""); add(sec.title); add(head)
      local last
      for _, r in ipairs(rows) do
        local est, se = self.est[r.key], self.se[r.key]
        local z = se > 0 and est / se or 0 / 0
        local pv = se > 0 and 2 * stats.pnorm(-abs(z)) or 0 / 0
        local name
        if sec.var then name = "   " .. (r.i <= #self.ov and "." or "") .. r.lhs
        else
          if r.lhs ~= last then add("  " .. r.lhs .. " " .. r.op); last = r.lhs end
          name = "    " .. (sec.cov and r.i <= #self.ov and "." or "") .. r.rhs
        end
        if r.label then name = name .. fmt(" (%s)", r.label) end
        add(fmt("%-20s %9s %9s %9s %9s %9s", name, f3(est), se > 0 and f3(se) or "",
          se > 0 and f3(z) or "", se > 0 and P.fixed(pv, 3) or "", f3(self.std[r.key])))
      end
    end
  end
  local icpts = {}
  for _, key in ipairs(self.names) do
    if key:sub(-2) == "~1" then icpts[#icpts + 1] = key end
  end
  if #icpts > 0 then
    add(""); add("Intercepts:"); add(head)
    for _, key in ipairs(icpts) do
      local est, se = self.est[key], self.se[key]
      local v = key:sub(1, -3)
      local isov = false
      for _, o in ipairs(self.ov) do if o == v then isov = true end end
      add(fmt("%-20s %9s %9s %9s %9s %9s", "   " .. (isov and "." or "") .. v, f3(est), se > 0 and f3(se) or "",
        se > 0 and f3(est / se) or "", se > 0 and P.fixed(2 * stats.pnorm(-abs(est / se)), 3) or "",
        f3(self.std[key])))
    end
  end
  if self.defined then
    add(""); add("Defined Parameters:"); add(head)
    for nm, key in pairs(self.defined) do
      local est, se = self.est[key], self.se[key]
      add(fmt("%-20s %9s %9s %9s %9s %9s", "    " .. nm, f3(est), f3(se), f3(est / se),
        P.fixed(2 * stats.pnorm(-abs(est / se)), 3), f3(self.std[key])))
    end
  end
  for _, w in ipairs(self.warnings) do add(""); add("Warning: " .. w) end
  return concat(L, "\n")
end
Fit.__tostring = Fit.summary
P.guard(Fit, "sem.fit")  -- tostring never raises (an incomplete object)

function Fit:measures()
  return { npar = self.npar, chisq = self.chisq, df = self.df, pvalue = self.pvalue,
    baseline_chisq = self.baseline_chisq, baseline_df = self.baseline_df, cfi = self.cfi,
    tli = self.tli, rmsea = self.rmsea, rmsea_ci_lower = self.rmsea_ci[1],
    rmsea_ci_upper = self.rmsea_ci[2], rmsea_pvalue = self.rmsea_pvalue, srmr = self.srmr,
    logl = self.logl, unrestricted_logl = self.unrestricted_logl, aic = self.aic,
    bic = self.bic, ntotal = self.n }
end

M.fit = help.doc(fit, "sem.fit", [[
sem.fit(spec, df [, {maxiter = 500}]) -> fit: maximum likelihood for a model in lavaan's syntax
  spec: "visual =~ x1 + x2 + x3; speed =~ x7 + x8; speed ~ visual; x1 ~~ x7"
  with operators =~ (loadings), ~ (regressions), ~~ (variances and
  covariances), := (defined parameters: an expression in the labels), and
  modifiers before '*': a label (a*x2; one label on several parameters makes
  them equal), a fixed value (0.8*x2, 0*x2), NA (frees a first loading).
  Statements end at newlines or ';', comments start with '#'. 'x ~ 1' adds
  the (saturated) mean structure, as lavaan: every observed intercept free
  ("x1~1", the sample mean, SE sqrt(sigma_ii / N)), latent means 0; fixed or
  labelled intercepts and latent means are refused.
  Defaults are lavaan's cfa()/sem(): first loading of each factor fixed to 1,
  residual and latent variances free, exogenous latent covariances free,
  exogenous observed covariates' (co)variances fixed at the sample's
  (fixed.x), S with divisor N, F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p,
  chi-square N F_ML, SEs from the expected information. Fitted by Fisher
  scoring, then BFGS updates of the inverse information, with step halving.
  Fields: est, se, std (std.all) keyed "visual=~x2", "y1~x1", "x1~~x1",
  "ab:=a*b"; names (the keys in lavaan's order), chisq, df, pvalue, cfi, tli,
  rmsea, rmsea_ci {lo, hi} (90%), rmsea_pvalue, srmr, logl, aic, bic, npar,
  n, baseline_chisq, baseline_df, vcov, implied, converged, heywood
  (negative variances), warnings. tostring(fit) / fit:summary() prints as
  lavaan's summary(fit, standardized = TRUE); fit:measures() as fitMeasures.
  Errors: syntax errors with line and column, unknown variables,
  under-identified models (df < 0 or a singular information matrix).]])
help.doc(Fit.summary, "sem.fit:summary", [[
fit:summary() -> the printout of lavaan's summary(fit, fit.measures = TRUE, standardized = TRUE)]])
help.doc(Fit.measures, "sem.fit:measures", [[
fit:measures() -> table of fit measures as lavaan's fitMeasures (names with '_' for '.')]])
