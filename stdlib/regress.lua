-- regress: linear models, GLMs, ridge, anova and DEUP epistemic uncertainty.
-- The C half (modules/regress) does the numerics: the QR with R's limited
-- pivoting (or the normal equations when they provably agree), IRLS,
-- sandwich covariances, ridge by SVD.  This half reads the option tables
-- (matrices or formula + frame), builds the fit objects and prints them as
-- R's summary() does.
--
-- The other regression estimators are the parts stdlib/regress/iv.lua
-- (iv, ivl, anchor), sketch.lua and ipcw.lua, required at the end of this
-- file. They share, through the private table C:
--   C.fit_meta       the fit class: setmetatable(fit, C.fit_meta) gives
--                    fit:predict, :confint, :residuals, :summary, tostring.
--                    Fields it reads:
--                      names (array; "(Intercept)" first when there is one),
--                      coef, se, t, p (mats, p x 1; NaN coef = aliased),
--                      vcov (p x p mat), test ("t" or "z"), df_residual,
--                      sigma, n, n_dropped, rank, aliased (array),
--                      model ("lm" gives the lm printout; "glm", "ridge"
--                      their own), call (the name after "regress." in the
--                      Call line), formula (string or nil), se_type,
--                      r2, adj_r2, fstat = {value, df1, df2, p} (optional),
--                      _ew (residuals shown in the summary; optional),
--                      weights (optional), _resid (for :residuals()),
--                      _x (design rows used, without the intercept column
--                      when _c_intercept is true), _c_intercept, _y, _terms
--                      (formula.model_frame's info, for newdata frames).
--                    fit.leverage is computed on first use from _y, _x,
--                    _c_intercept and weights (or set fit._qr yourself).
--   C.coef_table(fit)  the R-style coefficient table with stars (R's
--                    printCoefmat through orrery.printing); needs names,
--                    coef, se, t, p and test; rows listed in fit.aliased
--                    (indices, or true at an index) print as NA.
--   C.methods        the method table behind C.fit_meta.
--   C.modeldata
local M, C = ...
local mat = require "orrery.mat"
local help = require "orrery.help"
local stats = require "orrery.stats"
local args = require "orrery.args"
local P = require "orrery.printing"

local UPPER = { lower = false }

local fmt, concat = string.format, table.concat
local abs, sqrt, log, huge = math.abs, math.sqrt, math.log, math.huge

local fail, set, checkopts = args.fail, args.set, args.checkopts
local is_mat, is_factor = args.is_mat, args.is_factor

-- a vector option (weights, offset, cluster, fold): args.vec's, and
-- labels (strings or booleans, e.g. cluster names) numbered by level
local function asvec(fn, v, what)
  if type(v) == "table" and not is_factor(v) and (type(v[1]) == "string" or type(v[1]) == "boolean") then
    return (args.groups(fn, v, what))
  end
  return args.vec(fn, v, what)
end

local function xnames(k)
  local t = {}
  for j = 1, k do t[j] = "x" .. j end
  return t
end

-- ---------------------------------------------------------------------------
-- the data of a model: matrices, or formula + frame
-- ---------------------------------------------------------------------------

-- Returns y, x, copts (for the C half) and meta = {names, intercept, terms}.
local function modeldata(fn, t, extra_cols)
  local copts = { na = args.na(fn, t.na) }
  if t.intercept ~= nil and type(t.intercept) ~= "boolean" then
    fail(fn, "option 'intercept' must be a boolean")
  end
  local meta = {}
  if t.formula ~= nil then
    if t.y ~= nil or t.x ~= nil then fail(fn, "give either formula = and data = or y = and x =, not both") end
    if t.data == nil then fail(fn, "formula = needs data = (a frame)") end
    local F = require "orrery.formula"
    local extra = {}
    for _, k in ipairs(extra_cols) do
      if type(t[k]) == "string" then extra[#extra + 1] = t[k] end
    end
    local ok, mf = pcall(F.model_frame, t.formula, t.data,
      { na = t.na or "omit", extra = extra, intercept = t.intercept ~= false })
    if not ok then fail(fn, "%s", tostring(mf):gsub("^formula%.model_frame: ", "")) end
    if mf.surv then fail(fn, "a Surv() response belongs to surv, not %s", fn) end
    meta.names = mf.names
    meta.ylevels, meta.yname = mf.ylevels, mf.yname
    meta.intercept = mf.intercept and true or false
    meta.terms = mf.info
    meta.n_dropped_frame = mf.n_dropped or 0
    meta.formula = type(t.formula) == "string" and t.formula or t.formula.formula
    copts.intercept = false       -- model.matrix already has the column
    copts.center = meta.intercept
    for _, k in ipairs(extra_cols) do
      local v = t[k]
      if type(v) == "string" then v = mf.extra[v] end
      if v ~= nil and type(t[k]) ~= "string" then
        -- a vector given with a formula: take the kept rows
        v = asvec(fn, v, k)
        if is_mat(v) then
          local n0 = t.data:nrow()
          if #v ~= n0 then fail(fn, "'%s' has %d elements but data has %d rows", k, #v, n0) end
          if mf.rows then v = v:rows_of(mf.rows) end  -- nil: no row was dropped
        end
      end
      copts[k] = asvec(fn, v, k)
    end
    if mf.offset then
      if copts.offset then copts.offset = copts.offset + mf.offset else copts.offset = mf.offset end
    end
    return mf.y, mf.x, copts, meta
  end
  if t.data ~= nil then fail(fn, "data = needs formula =") end
  if t.y == nil then fail(fn, "y is required") end
  local y = t.y
  if is_factor(t.x) then fail(fn, "'x' is a factor: give it in a formula (with data =) for its dummy columns") end
  local x = args.mat(fn, t.x, "x")
  meta.intercept = t.intercept ~= false
  copts.intercept = meta.intercept
  local k = x and x:cols() or 0
  local names
  if t.names then
    if type(t.names) ~= "table" or #t.names ~= k then fail(fn, "names must be an array of %d column names", k) end
    names = t.names
  else names = xnames(k) end
  meta.names = {}
  if meta.intercept then meta.names[1] = "(Intercept)" end
  for _, nm in ipairs(names) do meta.names[#meta.names + 1] = nm end
  for _, k2 in ipairs(extra_cols) do
    if type(t[k2]) == "string" then fail(fn, "'%s' names a column, which needs formula = and data =", k2) end
    copts[k2] = asvec(fn, t[k2], k2)
  end
  return y, x, copts, meta
end

-- A text (factor) response has only its level codes in y: glm's binomial
-- family reads it as R does (the first level is failure, every other level
-- success); anything else would silently regress on the codes.
local function factor_response(fn, y, meta, binomial)
  if not meta.ylevels then return y end
  if not binomial then
    fail(fn, "the response '%s' is text (a factor); give numbers, or family = \"binomial\" in regress.glm",
      tostring(meta.yname))
  end
  local out = {}
  for i = 1, #y do out[i] = y[i] > 1 and 1 or 0 end
  return mat.vec(out)
end

-- ---------------------------------------------------------------------------
-- the fit class
-- ---------------------------------------------------------------------------

local Fit = { __name = "regress.fit" }
local methods = {}

-- The QR of the (weighted) design, for leverage and sandwich covariances.
-- A well-conditioned lm is solved by the normal equations and keeps no QR,
-- and a glm's last weights are known only at the end: both get it here,
-- once, from the kept rows (weighted by the prior weights, or by the
-- working weights of the last IRLS step, as R's hatvalues).
local function getqr(fit)
  local q = rawget(fit, "_qr")
  if q then return q end
  local w = fit.model == "glm" and fit._wwork or fit.weights
  local x = rawget(fit, "_x")
  local raw = C._ols(fit._y, x, { intercept = rawget(fit, "_c_intercept"), weights = w, qr = true },
    "regress." .. (fit.call or "ols"))
  rawset(fit, "_qr", raw.qr)
  return raw.qr
end

Fit.__index = function(fit, k)
  if k == "leverage" then
    local h = C._leverage(getqr(fit))
    rawset(fit, "leverage", h)
    return h
  end
  return methods[k]
end

-- p-value of a coefficient test
local function pcoef(fit, t)
  if fit.test == "z" then return 2 * stats.pnorm(math.abs(t), 0, 1, UPPER) end
  if not (fit.df_residual > 0) then return 0 / 0 end  -- a saturated fit tests nothing
  return 2 * stats.pt(math.abs(t), fit.df_residual, UPPER)
end

-- fills se, t, p from vcov
local function inference(fit)
  local p = fit.coef:rows()
  local se, tv, pv = {}, {}, {}
  for j = 1, p do
    local b = fit.coef[j]
    local v = fit.vcov:get(j, j)
    se[j] = b ~= b and 0 / 0 or sqrt(v)
    tv[j] = b / se[j]
    pv[j] = pcoef(fit, tv[j])
  end
  fit.se, fit.t, fit.p = mat.vec(se), mat.vec(tv), mat.vec(pv)
end

-- ---------------------------------------------------------------------------
-- clusters: one clustering or several (multi-way, sandwich::vcovCL)
-- ---------------------------------------------------------------------------

-- Several clusterings: cluster = {ids1, ids2, ...} (vectors or factors), or
-- with data = an array of column names. Returns nil when t.cluster is one
-- clustering (a vector, a column name or an array of labels), else the
-- option table to fit with (a copy of t whose cluster is one number per row
-- coding every clustering's level, NaN when one is missing) and the level
-- counts K of the clusterings, which decode that number (clusters_of).
local function multicluster(fn, t)
  local cl = t.cluster
  if type(cl) ~= "table" or is_mat(cl) or is_factor(cl) or #cl < 2 then return nil end
  local vecs = {}
  if type(cl[1]) == "string" then
    -- column names, when every string names a column of data (otherwise an
    -- array of labels: one clustering)
    if not args.is_frame(t.data) then return nil end
    local has = {}
    for _, nm in ipairs(t.data:names()) do has[nm] = true end
    for i = 1, #cl do
      if type(cl[i]) ~= "string" or not has[cl[i]] then return nil end
    end
    for i = 1, #cl do vecs[i] = t.data:col(cl[i]) end
  elseif is_mat(cl[1]) or is_factor(cl[1]) or (type(cl[1]) == "table" and #cl[1] > 1) then
    -- vectors (an array of one-element rows is one clustering)
    for i = 1, #cl do vecs[i] = cl[i] end
  else
    return nil
  end
  local codes, K, n, stride = {}, {}, nil, 1
  for i, v in ipairs(vecs) do
    if type(v) == "string" then
      fail(fn, "cluster[%d] is a column name, which needs data = and every element a column name", i)
    end
    local c, lev = args.groups(fn, v, fmt("cluster[%d]", i))
    n = n or #c
    if #c ~= n then fail(fn, "cluster[%d] has %d elements but cluster[1] has %d", i, #c, n) end
    codes[i], K[i] = c, #lev
    stride = stride * #lev
  end
  if stride >= 2 ^ 53 then fail(fn, "too many combinations of clusters") end
  local comb = mat.new(n, 1)
  for r = 1, n do
    local v, st = 0, 1
    for i = 1, #codes do
      v = v + (codes[i][r] - 1) * st   -- NaN stays NaN: the row is dropped
      st = st * K[i]
    end
    comb:set(r, 1, v)
  end
  local t2 = {}
  for k, v in pairs(t) do t2[k] = v end
  t2.cluster = comb
  return t2, K
end

-- The clusterings of the kept rows as {ids (0-based, mat), G} for every
-- non-empty set of clusterings (their intersections), with the sign of its
-- term in the multi-way meat: + for one clustering, - for two, ... (vcovCL).
-- code: the numbers of multicluster on the kept rows; K: its level counts.
local function clusters_of(fn, code, K)
  local p, n = #K, #code
  local out = {}
  for mask = 1, (1 << p) - 1 do
    local ids, size = {}, 0
    for i = 1, p do if mask & (1 << (i - 1)) ~= 0 then size = size + 1 end end
    for r = 1, n do
      local v, st, key = code[r], 1, 0
      local kst = 1
      for i = 1, p do
        local c = (v // st) % K[i]
        st = st * K[i]
        if mask & (1 << (i - 1)) ~= 0 then key = key + c * kst; kst = kst * K[i] end
      end
      ids[r] = key
    end
    local g, lev = args.groups(fn, ids, "cluster")
    out[#out + 1] = { ids = g - 1, G = #lev, sign = size % 2 == 1 and 1 or -1, size = size }
  end
  return out
end

local CLUSTER_TYPES = set{ "HC0", "HC1" }

-- The clustered covariance (vcovCL): the meat sum over the clusterings and
-- their intersections of sign G/(G - 1) S'S, times (n - 1)/(n - k) for the
-- HC1 type. cl: clusters_of's list; ctype "HC0" or "HC1".
local function cluster_vcov(fn, fit, qr, e, cl, ctype)
  local ids, Gs, as = {}, {}, {}
  for i, c in ipairs(cl) do
    if c.size == 1 and c.G < 2 then
      fail(fn, "cluster%s has %d distinct value; at least 2 are needed",
        #cl > 1 and fmt("[%d]", i) or "", c.G)
    end
    ids[i], Gs[i], as[i] = c.ids, c.G, c.sign * c.G / (c.G - 1)
  end
  local V = C._sandwich(qr, e, "CL", ids, Gs, as)
  if ctype == "HC1" then V = V * ((fit.n - 1) / (fit.n - fit.rank)) end
  local G = {}
  for i, c in ipairs(cl) do if c.size == 1 then G[i] = c.G end end
  if #G == 1 then
    fit.se_type = fmt("cluster (%d clusters, %s)", G[1], ctype)
    fit.clusters = G[1]
  else
    local gs = {}
    for i, g in ipairs(G) do gs[i] = tostring(g) end
    fit.se_type = fmt("%d-way cluster (%s clusters, %s)", #G, concat(gs, " x "), ctype)
    fit.clusters = G
  end
  fit.cluster_type = ctype
  return V
end

-- the cluster_type option: "HC0" or "HC1", default as vcovCL for the class
local function cluster_type(fn, t, default)
  local ct = t.cluster_type
  if ct == nil then return default end
  if t.cluster == nil then fail(fn, "cluster_type needs cluster =") end
  if not CLUSTER_TYPES[ct] then fail(fn, "cluster_type must be \"HC0\" or \"HC1\", got '%s'", tostring(ct)) end
  return ct
end

-- the clusterings of a fit's kept rows: K from multicluster (nil: one
-- clustering, whose ids C numbered already)
local function fit_clusters(fn, raw, copts, K)
  if not K then return { { ids = raw.cl, G = raw.G, sign = 1, size = 1 } } end
  local code = copts.cluster
  if raw.keep then code = code:rows_of(raw.keep) end
  return clusters_of(fn, code, K)
end

-- the covariance: classical, HC0..HC5 or clusters (vcovCL)
local function robust(fn, fit, raw, se, cl, ctype)
  local n, k = fit.n, fit.rank
  local e = raw.ew
  if cl then return cluster_vcov(fn, fit, getqr(fit), e, cl, ctype) end
  local V = C._sandwich(getqr(fit), e, se, raw.h)
  if se == "HC1" then V = V * (n / (n - k)) end
  fit.se_type = se
  if se ~= "HC0" and se ~= "HC1" then
    -- the C half returns NaN when an observation has leverage 1 (aliased
    -- coefficients are NaN anyway)
    for j = 1, fit.coef:rows() do
      local v = V:get(j, j)
      if fit.coef[j] == fit.coef[j] and v ~= v then
        fit.warnings = fit.warnings or {}
        fit.warnings[#fit.warnings + 1] = se .. " covariances are undefined: an observation has leverage 1"
        break
      end
    end
  end
  return V
end

--- Accessors shared by every fit.
function methods.confint(fit, level)
  if fit.se == nil then fail("regress.confint", "this fit has no standard errors (%s)", tostring(fit.model)) end
  level = level or 0.95
  if type(level) ~= "number" or not (level > 0 and level < 1) then
    fail("regress.confint", "level must be a number in (0, 1)")
  end
  local q
  local a = (1 - level) / 2
  if fit.test == "z" or fit.df_residual == nil then q = stats.qnorm(1 - a)
  elseif fit.df_residual > 0 then q = stats.qt(1 - a, fit.df_residual)
  else q = 0 / 0 end
  local p = fit.coef:rows()
  local out = mat.zeros(p, 2)
  for j = 1, p do
    out:set(j, 1, fit.coef[j] - q * fit.se[j])
    out:set(j, 2, fit.coef[j] + q * fit.se[j])
  end
  return out
end

function methods.vcov_matrix(fit) return fit.vcov end
help.doc(methods.vcov_matrix, "regress.vcov_matrix",
  "fit:vcov_matrix() -> the p x p covariance matrix of the coefficients (fit.vcov; R's vcov(fit)),\n" ..
  "with the standard-error type the fit was made with (se =, cluster =)")

local function map(v, f)
  local t = {}
  for i = 1, #v do t[i] = f(v[i], i) end
  return mat.vec(t)
end

function methods.residuals(fit, rtype)
  local fn = "regress.residuals"
  if fit.model == "ridge" then
    if rtype ~= nil and rtype ~= "response" then fail(fn, "ridge has only response residuals") end
    return fit._resid
  end
  local glm = fit.model == "glm"
  rtype = rtype or (glm and "deviance" or "response")
  local w = fit.weights
  if rtype == "response" then
    if glm then return fit._y - fit.fitted end
    return fit._resid
  elseif rtype == "working" then
    return glm and fit._wres or fit._resid
  elseif rtype == "pearson" or rtype == "deviance" then
    if glm then
      return C._glmres(fit._y, fit.fitted, w, fit._cfam, fit.theta_used or fit.theta or 1, rtype)
    end
    return fit._ew
  elseif rtype == "standardized" or rtype == "studentized" then
    local h = fit.leverage
    if glm then
      if rtype == "studentized" then fail(fn, "studentized residuals are for lm fits; use \"standardized\"") end
      local d = C._glmres(fit._y, fit.fitted, w, fit._cfam, fit.theta_used or fit.theta or 1, "deviance")
      local phi = fit.dispersion
      return map(d, function(r, i) return r / sqrt(phi * (1 - h[i])) end)
    end
    local e, s2, df = fit._ew, fit.sigma ^ 2, fit.df_residual
    local rss = fit.rss
    if rtype == "standardized" then
      return map(e, function(r, i) return r / sqrt(s2 * (1 - h[i])) end)
    end
    -- each leave-one-out fit has df - 1 residual df: none at n = p + 1 (R: NaN)
    if df <= 1 then return map(e, function() return 0 / 0 end) end
    return map(e, function(r, i)
      local si = (rss - r * r / (1 - h[i])) / (df - 1)
      return r / sqrt(si * (1 - h[i]))
    end)
  end
  fail(fn, "unknown type '%s' (response, working, pearson, deviance, standardized, studentized)", tostring(rtype))
end

-- new data for predict: a matrix of x (no intercept column) or a frame
local function newdesign(fn, fit, X)
  if fit._terms and args.is_frame(X) then
    local F = require "orrery.formula"
    local ok, d = pcall(F.design, fit._terms, X)
    if not ok then fail(fn, "%s", tostring(d):gsub("^formula%.design: ", "")) end
    return d.x, false, d.offset
  end
  if fit._terms then fail(fn, "the model was fitted with a formula: give newdata as a frame") end
  if type(X) == "table" and not is_mat(X) then
    -- an array of numbers is one row, or the column of a one-regressor fit
    local one = fit.coef:rows() - (fit.intercept and 1 or 0) == 1
    if type(X[1]) == "number" then X = one and mat.vec(X) or mat.from{ X } else X = mat.from(X) end
  end
  if not is_mat(X) then fail(fn, "newdata must be a matrix, got %s", type(X)) end
  return X, fit._c_intercept, nil
end

function methods.predict(fit, X, opts)
  local fn = "regress.predict"
  opts = opts or {}
  checkopts(fn, opts, set{ "type", "interval", "level", "offset", "se" })
  local ptype = opts.type or "response"
  if ptype ~= "link" and ptype ~= "response" then fail(fn, "type must be \"link\" or \"response\"") end
  local interval = opts.interval or "none"
  if interval ~= "none" and interval ~= "confidence" and interval ~= "prediction" then
    fail(fn, "interval must be \"confidence\" or \"prediction\"")
  end
  local level = opts.level or 0.95
  if type(level) ~= "number" or not (level > 0 and level < 1) then fail(fn, "level must be in (0, 1)") end
  local glm = fit.model == "glm"
  local x, icpt, off
  if X == nil then
    x, icpt, off = fit._x, fit._c_intercept, fit._offset
  else
    x, icpt, off = newdesign(fn, fit, X)
    if opts.offset ~= nil then
      local o = args.vec(fn, opts.offset, "offset")
      off = off and off + o or o
    end
  end
  if x == nil and X == nil then fail(fn, "this fit does not keep its design; give newdata") end
  if fit.model == "ridge" then
    return (C._predict(x, fit.coef, nil, icpt, off, fn))
  end
  local eta, se = C._predict(x, fit.coef, fit.vcov, icpt, off, fn)
  local extra = { se = se }
  local a = (1 - level) / 2
  local q
  -- a glm's intervals are normal on the link scale (predict(se.fit = TRUE)
  -- then linkinv), whatever its dispersion; lm's use t
  if fit.test == "z" or glm then q = stats.qnorm(1 - a)
  elseif fit.df_residual > 0 then q = stats.qt(1 - a, fit.df_residual)
  else q = 0 / 0 end
  if not glm then
    if interval ~= "none" then
      local s2 = interval == "prediction" and fit.sigma ^ 2 or 0
      local lwr, upr = {}, {}
      for i = 1, #eta do
        local w = sqrt(se[i] ^ 2 + s2) * q
        lwr[i], upr[i] = eta[i] - w, eta[i] + w
      end
      extra.lwr, extra.upr = mat.vec(lwr), mat.vec(upr)
    end
    return eta, extra
  end
  if interval == "prediction" then
    fail(fn, "prediction intervals are for lm fits; glm has interval = \"confidence\"")
  end
  local lo, hi
  if interval == "confidence" then
    local l, u = {}, {}
    for i = 1, #eta do l[i], u[i] = eta[i] - q * se[i], eta[i] + q * se[i] end
    lo, hi = mat.vec(l), mat.vec(u)
  end
  if ptype == "link" then
    extra.lwr, extra.upr = lo, hi
    return eta, extra
  end
  local mu = C._linkinv(eta, fit.link)
  local me = C._mueta(eta, fit.link)
  extra.se = se:hadamard(me:apply("abs"))
  if lo then
    local a1, b1 = C._linkinv(lo, fit.link), C._linkinv(hi, fit.link)
    local l, u = {}, {}
    for i = 1, #a1 do l[i], u[i] = math.min(a1[i], b1[i]), math.max(a1[i], b1[i]) end
    extra.lwr, extra.upr = mat.vec(l), mat.vec(u)
  end
  return mu, extra
end

-- ---------------------------------------------------------------------------
-- printing
-- ---------------------------------------------------------------------------

--- The coefficient table as R's printCoefmat (digits 4, as summary.lm and
-- summary.glm print it), with significance stars. Needs fit.names,
-- fit.coef, fit.se, fit.t, fit.p (mats or arrays of p numbers) and
-- fit.test ("t" or "z"); the rows in fit.aliased (indices, or true at an
-- index) print as NA, and so does a row whose coefficient is NaN.
local function coef_table(fit)
  local p = #fit.names
  local na, aliased = {}, 0
  for k, v in pairs(fit.aliased or {}) do
    if v == true then na[k] = true elseif type(v) == "number" then na[v] = true end
  end
  for j = 1, p do if fit.coef[j] ~= fit.coef[j] then na[j] = true end end
  for _ in pairs(na) do aliased = aliased + 1 end
  local lab = fit.test == "z" and "z" or "t"
  local tab = P.coefmat({ rownames = fit.names,
    colnames = { "Estimate", "Std. Error", lab .. " value", "Pr(>|" .. lab .. "|)" },
    cols = { fit.coef, fit.se, fit.t, fit.p } }, { digits = 4, na = na })
  local head = aliased > 0 and fmt("Coefficients: (%d not defined because of singularities)", aliased)
    or "Coefficients:"
  return head .. "\n" .. tab
end

local RESID_NAMES = { "Min", "1Q", "Median", "3Q", "Max" }

-- The residuals block of summary.lm (gap 1) and summary.glm (gap 2): the
-- five-number summary past 5 residual df, else the residuals themselves.
local function resid_summary(title, r, df, glm)
  if r == nil or #r == 0 then return nil end
  local v, names
  if df > 5 then
    v = P.zapsmall(stats.quantile(r, { 0, 0.25, 0.5, 0.75, 1 }):totable(), 5)
    names = RESID_NAMES
  elseif df > 0 or glm then
    v, names = {}, {}
    for i = 1, #r do v[i] = r[i]; names[i] = tostring(i) end
    if glm then v = P.zapsmall(v, 5) end
  else
    return title .. "\n" .. fmt("ALL %d residuals are 0: no residual degrees of freedom!", #r)
  end
  return title .. "\n" .. P.named(names, v, 4, { gap = glm and 2 or 1 })
end

local function droppedline(fit)
  if (fit.n_dropped or 0) > 0 then
    return fmt("  (%d observation%s deleted due to missingness)", fit.n_dropped,
      fit.n_dropped == 1 and "" or "s")
  end
end

local function lm_string(fit)
  local out = {}
  out[#out + 1] = "Call: regress." .. (fit.call or "ols") .. (fit.formula and ("(" .. fit.formula .. ")") or "")
  out[#out + 1] = ""
  out[#out + 1] = resid_summary(fit.weights and "Weighted Residuals:" or "Residuals:", fit._ew, fit.df_residual)
  out[#out + 1] = ""
  out[#out + 1] = coef_table(fit)
  if fit.se_type and fit.se_type ~= "classical" then
    out[#out + 1] = "Standard errors: " .. fit.se_type
  end
  for _, w in ipairs(fit.warnings or {}) do out[#out + 1] = "Warning: " .. w end
  out[#out + 1] = ""
  out[#out + 1] = fmt("Residual standard error: %s on %d degrees of freedom",
    P.num(P.signif(fit.sigma, 4)), fit.df_residual)
  out[#out + 1] = droppedline(fit)
  if fit.fstat then
    out[#out + 1] = fmt("Multiple R-squared:  %s,\tAdjusted R-squared:  %s",
      P.g(fit.r2, 4), P.g(fit.adj_r2, 4))
    out[#out + 1] = fmt("F-statistic: %s on %d and %d DF,  p-value: %s",
      P.g(fit.fstat.value, 4), fit.fstat.df1, fit.fstat.df2, P.pval(fit.fstat.p, 4)[1])
  end
  return concat(out, "\n")
end

local FAMNAME = { gaussian = "gaussian", binomial = "binomial", poisson = "poisson",
  gamma = "Gamma", negbin = "Negative Binomial", quasipoisson = "quasipoisson", quasibinomial = "quasibinomial" }

local function glm_string(fit)
  local out = {}
  local fam = fit.family == "negbin" and fmt("Negative Binomial(%s)", P.num(P.round(fit.theta, 4)))
    or FAMNAME[fit.family]
  out[#out + 1] = fmt("Call: regress.glm%s  family: %s, link: %s",
    fit.formula and ("(" .. fit.formula .. ")") or "", fam, fit.link)
  out[#out + 1] = ""
  out[#out + 1] = resid_summary("Deviance Residuals:", fit:residuals("deviance"), fit.df_residual, true)
  out[#out + 1] = ""
  out[#out + 1] = coef_table(fit)
  if fit.se_type and fit.se_type ~= "classical" then
    out[#out + 1] = "Standard errors: " .. fit.se_type
  end
  out[#out + 1] = ""
  out[#out + 1] = fmt("(Dispersion parameter for %s family taken to be %s)", fam, P.num(fit.dispersion))
  out[#out + 1] = ""
  -- deviances and their df each formatted together (summary.glm's print)
  local dev = P.format({ fit.null_deviance, fit.deviance }, 5)
  local dfs = P.format({ fit.df_null, fit.df_residual })
  out[#out + 1] = fmt("    Null deviance: %s  on %s  degrees of freedom", dev[1], dfs[1])
  out[#out + 1] = fmt("Residual deviance: %s  on %s  degrees of freedom", dev[2], dfs[2])
  out[#out + 1] = droppedline(fit)
  out[#out + 1] = "AIC: " .. (fit.aic == fit.aic and P.num(fit.aic, 5) or "NA")
  out[#out + 1] = ""
  out[#out + 1] = fmt("Number of Fisher Scoring iterations: %d", fit.iterations)
  if fit.family == "negbin" then
    out[#out + 1] = ""
    -- MASS's print.summary.negbin: theta and its SE to the SE's decimals
    local se = fit.se_theta
    local dp = (se == se and se > 0 and se < huge) and math.max(2 - math.floor(math.log(se, 10)), 0) or 2
    out[#out + 1] = fmt("              Theta:  %s", P.fixed(fit.theta, dp))
    out[#out + 1] = fmt("          Std. Err.:  %s", P.fixed(se, dp))
    out[#out + 1] = fmt(" 2 x log-likelihood:  %s", P.fixed(fit.twologlik, 2))
  end
  for _, w in ipairs(fit.warnings or {}) do out[#out + 1] = "Warning: " .. w end
  return concat(out, "\n")
end

local function ridge_string(fit)
  local out = { "Call: regress.ridge" .. (fit.formula and ("(" .. fit.formula .. ")") or ""), "" }
  out[#out + 1] = P.columns(fit.names, { "Estimate" }, { fit.coef }, 6)
  out[#out + 1] = ""
  out[#out + 1] = fmt("lambda: %s%s   effective df: %s   GCV: %s", P.num(fit.lambda, 6),
    fit.gcv_chosen and " (chosen by GCV)" or "", P.num(fit.edf, 5), P.num(fit.gcv, 6))
  out[#out + 1] = droppedline(fit)
  return concat(out, "\n")
end

Fit.__tostring = function(fit)
  if fit.model == "glm" then return glm_string(fit) end
  if fit.model == "ridge" then return ridge_string(fit) end
  return lm_string(fit)
end
P.guard(Fit, "regress fit")  -- tostring never raises (an incomplete object)

function methods.summary(fit) return tostring(fit) end

-- ---------------------------------------------------------------------------
-- ols / lm
-- ---------------------------------------------------------------------------

local SE_TYPES = set{ "classical", "HC0", "HC1", "HC2", "HC3", "HC4", "HC4m", "HC5" }
local SE_LIST = "\"classical\", \"HC0\", \"HC1\", \"HC2\", \"HC3\", \"HC4\", \"HC4m\" or \"HC5\""
local OLS_OPTS = set{ "y", "x", "intercept", "weights", "se", "cluster", "cluster_type", "na", "names",
  "formula", "data" }

local function ols(t, fn, call)
  fn = fn or "regress.ols"
  checkopts(fn, t, OLS_OPTS)
  local se = t.se or "classical"
  if not SE_TYPES[se] then fail(fn, "se must be %s, got '%s'", SE_LIST, tostring(se)) end
  local ctype = cluster_type(fn, t, "HC1")   -- vcovCL's default for lm
  local t2, K = multicluster(fn, t)
  local y, x, copts, meta = modeldata(fn, t2 or t, { "weights", "cluster" })
  factor_response(fn, y, meta, false)
  if #meta.names == 0 then fail(fn, "the model has no columns (no x and intercept = false)") end
  copts.qr = (se ~= "classical" or copts.cluster ~= nil) or nil  -- the sandwich needs Q
  -- an offset() term: lm regresses y - offset on x (R's lm.fit), so R2 and F
  -- leave it out; fitted values and predictions put it back
  local off = copts.offset
  copts.offset = nil
  if off ~= nil then
    if not is_mat(off) then off = mat.vec(off) end
    y = y - off
  end
  local raw = C._ols(y, x, copts, fn)
  if off ~= nil then
    if raw.n_dropped > 0 then off = off:rows_of(raw.keep) end
    raw.fitted, raw.y = raw.fitted + off, raw.y + off
  end
  local fit = setmetatable({}, Fit)
  fit._offset = off
  fit.model, fit.call, fit.formula = "lm", call or "ols", meta.formula
  fit.names = meta.names
  fit.intercept = meta.intercept
  fit._c_intercept = copts.intercept
  fit._terms = meta.terms
  fit._x = x
  fit._keep = raw.keep
  if raw.n_dropped > 0 and x then fit._x = x:rows_of(raw.keep) end
  fit.coef = raw.coef
  fit.rank, fit.aliased, fit.n = raw.rank, raw.aliased, raw.n
  fit.solver = raw.solver
  fit.n_dropped = raw.n_dropped + (meta.n_dropped_frame or 0)
  fit.df_residual = raw.n - raw.rank
  fit.fitted, fit._resid, fit._ew, fit._y = raw.fitted, raw.residuals, raw.wresid, raw.y
  fit.weights = raw.weights
  fit.rss = raw.rss
  fit._qr = raw.qr
  fit.test = "t"
  local n, r, df = raw.n, raw.rank, fit.df_residual
  fit.sigma = df > 0 and sqrt(raw.rss / df) or 0 / 0
  local icpt = meta.intercept
  local dfint = icpt and 1 or 0
  fit.r2 = raw.mss / (raw.mss + raw.rss)
  -- a constant y has nothing to explain: R's summary.lm gives 0/0 (NaN), not
  -- the ratio of two rounding errors
  local constant = dfint == 1 and raw.n > 0 and raw.y:max() == raw.y:min()
  if constant then fit.r2 = 0 / 0 end
  fit.adj_r2 = 1 - (1 - fit.r2) * ((n - dfint) / df)
  if r > dfint then
    local df1 = r - dfint
    local F = df > 0 and not constant and (raw.mss / df1) / (raw.rss / df) or 0 / 0
    fit.fstat = { value = F, df1 = df1, df2 = df, p = (df > 0 and df1 > 0) and stats.pf(F, df1, df, UPPER) or 0 / 0 }
    fit.fstat[1], fit.fstat[2], fit.fstat[3], fit.fstat[4] = F, df1, df, fit.fstat.p
  end
  -- logLik.lm: with weights, 0.5 * sum(log w) - N/2 (log(2 pi) + 1 - log N + log RSS)
  fit.loglik = 0.5 * (raw.sum_logw - n * (log(2 * math.pi) + 1 - log(n) + log(raw.rss)))
  fit.df_loglik = r + 1
  fit.aic = -2 * fit.loglik + 2 * (r + 1)
  fit.bic = -2 * fit.loglik + log(n) * (r + 1)
  fit.unscaled = raw.unscaled
  local cl = copts.cluster ~= nil and fit_clusters(fn, raw, copts, K)
  raw.ew = raw.wresid
  if cl or se ~= "classical" then
    fit.vcov = robust(fn, fit, raw, se, cl, ctype)
  else
    fit.vcov = raw.unscaled * (fit.sigma ^ 2)
    fit.se_type = "classical"
  end
  inference(fit)
  return fit
end

-- ---------------------------------------------------------------------------
-- glm
-- ---------------------------------------------------------------------------

local GLM_OPTS = set{ "y", "x", "intercept", "weights", "offset", "family", "link", "na",
  "names", "formula", "data", "maxit", "epsilon", "se", "cluster", "cluster_type" }
local FAMILIES = { gaussian = "gaussian", binomial = "binomial", poisson = "poisson",
  gamma = "gamma", Gamma = "gamma", negbin = "negbin", quasipoisson = "quasipoisson",
  quasibinomial = "quasibinomial" }
-- the quasi families fit as their base family (the same IRLS and deviance)
-- with the dispersion estimated; C and the residuals see the base family
local BASEFAM = { quasipoisson = "poisson", quasibinomial = "binomial" }
-- families whose dispersion is estimated (Pearson chi-square / df)
local FREE_DISPERSION = set{ "gaussian", "gamma", "quasipoisson", "quasibinomial" }
local LINKS = {
  gaussian = set{ "identity", "log", "inverse" },
  binomial = set{ "logit", "probit", "cloglog", "log" },
  poisson = set{ "log", "identity", "sqrt" },
  gamma = set{ "inverse", "log", "identity" },
  negbin = set{ "log", "identity", "sqrt" },
}
LINKS.quasipoisson, LINKS.quasibinomial = LINKS.poisson, LINKS.binomial
local DEFLINK = { gaussian = "identity", binomial = "logit", poisson = "log", gamma = "inverse", negbin = "log",
  quasipoisson = "log", quasibinomial = "logit" }

-- A two-column response, cbind(successes, failures): as R's binomial(), the
-- proportions s / (s + f) with the totals as prior weights (a row with no
-- trials has y = 0 and weight 0).
local function counts_response(fn, y, copts, family)
  if family ~= "binomial" then
    fail(fn, "a two-column response (cbind(successes, failures)) needs family = \"binomial\"")
  end
  local n = y:rows()
  local p, w = mat.new(n, 1), mat.new(n, 1)
  for i = 1, n do
    local s, f = y:get(i, 1), y:get(i, 2)
    if s < 0 or f < 0 then fail(fn, "row %d of the counts response is negative", i) end
    local m = s + f
    w:set(i, 1, m)
    p:set(i, 1, m > 0 and s / m or 0)
  end
  if copts.weights then copts.weights = asvec(fn, copts.weights, "weights"):hadamard(w)
  else copts.weights = w end
  return p
end

local function glm(t)
  local fn = "regress.glm"
  checkopts(fn, t, GLM_OPTS)
  local family = FAMILIES[t.family or "gaussian"]
  if not family then
    fail(fn, "unknown family '%s' (gaussian, binomial, poisson, gamma, negbin, quasipoisson, quasibinomial)",
      tostring(t.family))
  end
  local cfam = BASEFAM[family] or family
  local link = t.link or DEFLINK[family]
  if not LINKS[family][link] then fail(fn, "link '%s' is not available for the %s family", tostring(link), family) end
  local se = t.se or "classical"
  if not SE_TYPES[se] then fail(fn, "se must be %s, got '%s'", SE_LIST, tostring(se)) end
  local ctype = cluster_type(fn, t, "HC0")   -- vcovCL's default for glm
  local t2, K = multicluster(fn, t)
  local y, x, copts, meta = modeldata(fn, t2 or t, { "weights", "offset", "cluster" })
  y = factor_response(fn, y, meta, cfam == "binomial")
  if is_mat(y) and y:cols() == 2 then y = counts_response(fn, y, copts, cfam) end
  if #meta.names == 0 then fail(fn, "the model has no columns (no x and intercept = false)") end
  copts.family, copts.link = cfam, link
  copts.maxit, copts.epsilon = t.maxit, t.epsilon
  local raw = C._glm(y, x, copts, fn)
  local fit = setmetatable({}, Fit)
  fit.model, fit.call, fit.formula = "glm", "glm", meta.formula
  fit.family, fit.link, fit._cfam = family, link, cfam
  fit.names, fit.intercept, fit._c_intercept = meta.names, meta.intercept, copts.intercept
  fit._terms = meta.terms
  fit._x = x
  if raw.n_dropped > 0 and x then fit._x = x:rows_of(raw.keep) end
  fit._keep = raw.keep
  fit._offset = raw.offset
  fit.coef, fit.rank, fit.aliased, fit.n = raw.coef, raw.rank, raw.aliased, raw.n
  fit.solver = raw.solver
  fit.n_dropped = raw.n_dropped + (meta.n_dropped_frame or 0)
  fit.fitted, fit.eta, fit._y = raw.fitted, raw.eta, raw.y
  fit._wres, fit._wwork = raw.wwork and raw.wres, raw.wwork
  fit.weights = raw.weights
  fit.deviance, fit.null_deviance = raw.deviance, raw.null_deviance
  fit.iterations, fit.converged, fit.boundary = raw.iterations, raw.converged, raw.boundary
  fit.df_residual = raw.n - raw.rank
  fit.df_null = raw.n - (meta.intercept and 1 or 0)
  fit._qr = raw.qr
  fit.unscaled = raw.unscaled
  local warnings = {}
  if not raw.converged then
    fit.reason = fmt("IRLS did not converge in %d iterations", raw.iterations)
    warnings[#warnings + 1] = "algorithm did not converge (" .. fit.reason .. ")"
  end
  if raw.boundary then warnings[#warnings + 1] = "algorithm stopped at boundary value" end
  if raw.nonint_successes and family == "binomial" then
    warnings[#warnings + 1] = "non-integer #successes in a binomial glm"
  end
  if raw.extreme_fitted then
    if cfam == "binomial" then
      warnings[#warnings + 1] =
        "fitted probabilities numerically 0 or 1 occurred (perfect or quasi-perfect separation?)"
      fit.separation = true
    else
      warnings[#warnings + 1] = "fitted rates numerically 0 occurred"
    end
  end
  -- dispersion: Pearson chi-square / df for gaussian and Gamma (summary.glm)
  if FREE_DISPERSION[family] then
    local _, s = C._sums(raw.wres, raw.wwork)
    fit.dispersion = fit.df_residual > 0 and s / fit.df_residual or 0 / 0
    fit.test = "t"
  else
    fit.dispersion = 1
    fit.test = "z"
  end
  local padj = fit.rank
  if family == "negbin" then
    fit.theta, fit.se_theta, fit.twologlik = raw.theta, raw.se_theta, raw.twologlik
    fit.theta_used = raw.theta_used
    fit.aic = -raw.twologlik + 2 * fit.rank + 2
    fit.loglik = raw.twologlik / 2
    padj = fit.rank + 1
    if raw.theta_warn == 1 then warnings[#warnings + 1] = "theta estimate truncated at zero" end
    if raw.theta_warn == 2 then warnings[#warnings + 1] = "theta.ml iteration limit reached" end
    if raw.theta ~= raw.theta then
      fit.converged = false
      fit.reason = "theta estimate is not a number"
      warnings[#warnings + 1] = fit.reason
    end
    if not raw.outer_converged then
      fit.converged = false
      fit.reason = "alternation limit reached"
      warnings[#warnings + 1] = "alternation limit reached"
    end
  elseif BASEFAM[family] then
    fit.aic, fit.loglik = 0 / 0, 0 / 0   -- no likelihood: R's NA
  else
    fit.aic = raw.aic_family + 2 * fit.rank
    if family == "gaussian" or family == "gamma" then padj = fit.rank + 1 end
    fit.loglik = padj - fit.aic / 2
  end
  fit.df_loglik = padj
  fit.bic = -2 * fit.loglik + log(fit.n) * padj
  fit.warnings = warnings
  local cl = copts.cluster ~= nil and fit_clusters(fn, raw, copts, K)
  raw.ew = raw.wres:hadamard(raw.wwork:apply("sqrt"))
  if cl or se ~= "classical" then
    fit.vcov = robust(fn, fit, raw, se, cl, ctype)
  else
    fit.vcov = raw.unscaled * fit.dispersion
    fit.se_type = "classical"
  end
  inference(fit)
  return fit
end

-- ---------------------------------------------------------------------------
-- ridge
-- ---------------------------------------------------------------------------

local RIDGE_OPTS = set{ "y", "x", "lambda", "intercept", "scale", "na", "names", "formula", "data" }

local function ridge(t)
  local fn = "regress.ridge"
  checkopts(fn, t, RIDGE_OPTS)
  if t.lambda ~= nil and (type(t.lambda) ~= "number" or not (t.lambda >= 0) or t.lambda == huge) then
    fail(fn, "lambda must be a non-negative number")
  end
  if t.scale ~= nil and type(t.scale) ~= "boolean" then fail(fn, "scale must be a boolean") end
  local y, x, copts, meta = modeldata(fn, t, {})
  factor_response(fn, y, meta, false)
  local names = meta.names
  if meta.terms and meta.intercept then
    -- the formula's intercept column is handled by centring, not as a column
    local rest = {}
    for j = 2, x:cols() do rest[#rest + 1] = j end
    x = #rest > 0 and x:cols_of(rest) or nil
    copts.intercept = true
  end
  if x == nil then fail(fn, "x has no columns") end
  copts.lambda, copts.scale, copts.center = t.lambda, t.scale, nil
  local raw = C._ridge(y, x, copts, fn)
  local fit = setmetatable({}, Fit)
  fit.model, fit.call, fit.formula = "ridge", "ridge", meta.formula
  fit.names = names
  fit.intercept = copts.intercept
  fit._c_intercept = copts.intercept
  fit._terms = nil
  fit.coef = raw.coef
  fit.lambda, fit.edf, fit.gcv, fit.gcv_chosen = raw.lambda, raw.edf, raw.gcv, raw.gcv_chosen
  fit.rss, fit.n, fit.n_dropped = raw.rss, raw.n, raw.n_dropped + (meta.n_dropped_frame or 0)
  fit.fitted, fit._resid, fit.scales = raw.fitted, raw.residuals, raw.scales
  return fit
end

-- ---------------------------------------------------------------------------
-- anova
-- ---------------------------------------------------------------------------

local Anova = { __name = "regress.anova" }
Anova.__index = Anova

Anova.__tostring = function(a)
  local cols, names
  local NA = P.NA
  local n = #a.res_df
  local function col(v, first)
    local t = { n = n }
    for i = 1, n do
      local x = v[i]
      if (i == 1 and not first) or x == nil then x = NA end
      t[i] = x
    end
    return t
  end
  if a.kind == "lm" then
    names = { "Res.Df", "RSS", "Df", "Sum of Sq" }
  else
    names = { "Resid. Df", "Resid. Dev", "Df", "Deviance" }
  end
  cols = { col(a.res_df, true), col(a.rss, true), col(a.df), col(a.ss) }
  if a.test == "F" then
    names[5], names[6] = "F", "Pr(>F)"
    cols[5], cols[6] = col(a.F), col(a.p)
  else
    names[5] = "Pr(>Chi)"
    cols[5] = col(a.p)
  end
  local rows = {}
  for i = 1, n do rows[i] = tostring(i) end
  local out = { a.title, "" }
  for i, m in ipairs(a.models) do out[#out + 1] = fmt("Model %d: %s", i, m) end
  out[#out + 1] = P.anova({ rownames = rows, colnames = names, cols = cols })
  return concat(out, "\n")
end
P.guard(Anova, "regress.anova")  -- tostring never raises (an incomplete object)

local function modeldesc(f)
  if f.formula then return f.formula end
  return concat(f.names, " + ")
end

local ANOVA_TESTS = { F = "F", Chisq = "Chisq", LRT = "Chisq" }

-- the upper tail of F(df1, df2), df2 = inf being chi-square(df1) / df1
local function pf_upper(F, df1, df2)
  if df2 == huge then return stats.pchisq(F * df1, df1, UPPER) end
  return stats.pf(F, df1, df2, UPPER)
end

local function anova(...)
  local fn = "regress.anova"
  local fits, nfits = { ... }, select("#", ...)
  local opts = {}
  local last = fits[nfits]
  if type(last) == "table" and getmetatable(last) == nil then
    opts = last
    fits[nfits] = nil
    nfits = nfits - 1
    checkopts(fn, opts, set{ "test" })
  end
  if nfits < 2 then fail(fn, "give at least two nested fits") end
  local kind
  for i = 1, nfits do  -- not ipairs: anova(nil, fit) must name argument 1
    local f = fits[i]
    if getmetatable(f) ~= Fit or (f.model ~= "lm" and f.model ~= "glm") then
      fail(fn, "argument %d is not an lm or glm fit", i)
    end
    kind = kind or f.model
    if f.model ~= kind then fail(fn, "cannot compare lm and glm fits") end
    if f.n ~= fits[1].n then fail(fn, "models were not all fitted to the same number of observations") end
    if f.model == "glm" and f.family ~= fits[1].family then
      fail(fn, "cannot compare glm fits of different families (%s, %s)", fits[1].family, f.family)
    end
  end
  local nb = kind == "glm" and fits[1].family == "negbin"
  -- the default test: F where the dispersion is estimated (lm, gaussian,
  -- Gamma, quasi), the likelihood ratio otherwise (R >= 4.4)
  local test
  if opts.test == nil then
    test = (kind == "lm" or FREE_DISPERSION[fits[1].family]) and "F" or "Chisq"
  else
    test = ANOVA_TESTS[opts.test]
    if not test then fail(fn, "test must be \"F\", \"Chisq\" or \"LRT\", got '%s'", tostring(opts.test)) end
  end
  if nb and test == "F" then fail(fn, "negbin fits are compared by the likelihood-ratio test only (test = \"LRT\")") end
  local a = setmetatable({ res_df = {}, rss = {}, df = {}, ss = {}, F = {}, stat = {}, p = {}, models = {},
    kind = kind, test = test }, Anova)
  for i, f in ipairs(fits) do
    a.res_df[i] = f.df_residual
    a.rss[i] = kind == "lm" and f.rss or f.deviance
    a.models[i] = modeldesc(f)
  end
  -- the scale comes from the model with the fewest residual df (anova.lmlist,
  -- anova.glmlist); a known dispersion has infinite df
  local big = 1
  for i = 2, #fits do if a.res_df[i] < a.res_df[big] then big = i end end
  local scale, dfscale
  if kind == "lm" then
    a.title = "Analysis of Variance Table"
    scale, dfscale = a.rss[big] / a.res_df[big], a.res_df[big]
  else
    a.title = "Analysis of Deviance Table"
    scale = fits[big].dispersion
    dfscale = FREE_DISPERSION[fits[1].family] and a.res_df[big] or huge
  end
  for i = 2, #fits do
    local df = a.res_df[i - 1] - a.res_df[i]
    a.df[i] = df
    if nb then  -- anova.negbin: likelihood ratio with theta re-estimated
      a.ss[i] = fits[i].twologlik - fits[i - 1].twologlik
      a.stat[i] = abs(a.ss[i])
    else
      a.ss[i] = a.rss[i - 1] - a.rss[i]
      if test == "F" then
        local F = (a.ss[i] / df) / scale
        if F < 0 then F = 0 / 0 end   -- stat.anova: NA rather than p = 0
        a.F[i], a.stat[i] = F, F
      else
        a.stat[i] = abs(a.ss[i]) / scale
      end
    end
    if df == 0 or not (dfscale > 0) then
      a.p[i] = 0 / 0
    elseif test == "F" then
      local F = a.F[i]
      a.p[i] = F == F and pf_upper(abs(F), abs(df), dfscale) or 0 / 0
    else
      a.p[i] = stats.pchisq(a.stat[i], abs(df), UPPER)
    end
  end
  return a
end

-- ---------------------------------------------------------------------------
-- epistemic uncertainty (DEUP)
-- ---------------------------------------------------------------------------

local EPI_OPTS = set{ "x", "folds", "fold", "features" }

-- the columns of the error model: the design without its intercept, and
-- with "quadratic" their squares too
local function features(x, icpt_col, quad)
  local cols = {}
  local first = icpt_col and 2 or 1
  if x == nil then return nil end
  for j = first, x:cols() do cols[#cols + 1] = j end
  if #cols == 0 then return nil end
  local f = x:cols_of(cols)
  if quad then f = f:hcat(f:hadamard(f)) end
  return f
end

function methods.epistemic(fit, opts)
  local fn = "regress.epistemic"
  opts = opts or {}
  checkopts(fn, opts, EPI_OPTS)
  if fit.model ~= "lm" and fit.model ~= "glm" then fail(fn, "needs an lm or glm fit") end
  local X = fit._x
  if X == nil then fail(fn, "the fit has no design matrix (intercept only)") end
  local n = fit._y:rows()
  local K = opts.folds or 5
  if math.type(K) ~= "integer" or K < 2 or K > n then fail(fn, "folds must be an integer in 2..%d", n) end
  local quad = opts.features == "quadratic"
  if opts.features ~= nil and opts.features ~= "linear" and not quad then
    fail(fn, "features must be \"linear\" or \"quadratic\"")
  end
  local fold = {}
  if opts.fold ~= nil then
    local f = args.vec(fn, opts.fold, "fold")
    if #f ~= n then fail(fn, "fold has %d elements but the fit used %d rows", #f, n) end
    K = 0
    for i = 1, n do
      local v = f[i]
      if math.type(v) == nil or v < 1 or v ~= math.floor(v) then fail(fn, "fold ids must be positive integers") end
      fold[i] = math.tointeger(v); if fold[i] > K then K = fold[i] end
    end
  else
    for i = 1, n do fold[i] = (i - 1) % K + 1 end
  end
  local icpt = fit._c_intercept
  local icol = (not icpt) and fit.intercept  -- formula design: column 1 is the intercept
  -- held-out squared errors of the same model refitted without each fold
  local loss = {}
  local w = fit.weights
  for k = 1, K do
    local tr, te = {}, {}
    for i = 1, n do if fold[i] == k then te[#te + 1] = i else tr[#tr + 1] = i end end
    if #te > 0 then
      local trv, tev = mat.vec(tr), mat.vec(te)
      local t = { y = fit._y:rows_of(trv), x = X:rows_of(trv), intercept = icpt }
      if w then t.weights = w:rows_of(trv) end
      local sub
      if fit.model == "lm" then
        -- lm's offset is fitted as y - offset (ols with a formula); here by hand
        if fit._offset then t.y = t.y - fit._offset:rows_of(trv) end
        sub = ols(t, fn)
      else
        t.family, t.link = fit.family, fit.link
        if fit._offset then t.offset = fit._offset:rows_of(trv) end
        sub = glm(t)
      end
      local off = fit._offset and fit._offset:rows_of(tev) or nil
      local pred = C._predict(X:rows_of(tev), sub.coef, nil, icpt, off, fn)
      if fit.model == "glm" then pred = C._linkinv(pred, fit.link) end
      for j, i in ipairs(te) do loss[i] = (fit._y[i] - pred[j]) ^ 2 end
    end
  end
  loss = mat.vec(loss)
  -- e(x): least squares of the held-out losses on the features
  local F = features(X, icol, quad)
  local efit = ols({ y = loss, x = F }, fn)
  local Xn = opts.x
  local Xnew, offn
  if Xn == nil then Xnew = X; offn = fit._offset
  else local _; Xnew, _, offn = newdesign(fn, fit, Xn) end
  local Fn = features(Xnew, icol, quad)
  local e = C._predict(Fn, efit.coef, nil, true, nil, fn)
  -- a(x): the model's aleatoric variance at x
  local a
  if fit.model == "lm" then
    a = mat.new(#e, 1, fit.sigma ^ 2)
  else
    local eta = C._predict(Xnew, fit.coef, nil, icpt, offn, fn)
    local mu = C._linkinv(eta, fit.link)
    local th = fit.theta or 1
    local vf = {
      gaussian = function() return 1 end, binomial = function(m) return m * (1 - m) end,
      poisson = function(m) return m end, gamma = function(m) return m * m end,
      negbin = function(m) return m + m * m / th end }
    local v = {}
    for i = 1, #mu do v[i] = fit.dispersion * vf[fit._cfam](mu[i]) end
    a = mat.vec(v)
  end
  local u, ee = {}, {}
  for i = 1, #e do
    ee[i] = math.max(e[i], 0)
    u[i] = math.max(ee[i] - a[i], 0)
  end
  return { epistemic = mat.vec(u), total = mat.vec(ee), aleatoric = a, loss = loss,
    folds = K, features = quad and "quadratic" or "linear" }
end

-- ---------------------------------------------------------------------------
-- the public functions
-- ---------------------------------------------------------------------------

local function lm(formula, df, opts)
  local fn = "regress.lm"
  if type(formula) == "table" and df == nil then return ols(formula, fn, "lm") end
  if type(formula) ~= "string" then fail(fn, "expected a formula string, got %s", type(formula)) end
  if df == nil then fail(fn, "expected a data frame as argument 2") end
  local t = {}
  if opts ~= nil then
    if type(opts) ~= "table" then fail(fn, "options must be a table") end
    for k, v in pairs(opts) do t[k] = v end
  end
  if t.formula or t.data or t.y or t.x then fail(fn, "give formula and data positionally, not in the options") end
  t.formula, t.data = formula, df
  return ols(t, fn, "lm")
end

M.ols = help.doc(function(t) return ols(t) end, "regress.ols", [[
regress.ols{ y =, x = [, intercept = true, weights =, se = "classical"|"HC0".."HC3"|"HC4"|"HC4m"|"HC5",
             cluster =, cluster_type = "HC1"|"HC0", na = "omit"|"fail", names = {...}] }
  or  { formula =, data =, ... }
  Least squares by Householder QR with R's limited pivoting (tolerance 1e-7): the later of
  collinear columns is aliased (coefficient NaN, listed in fit.aliased). Rows with NaN in
  y, x, weights or cluster are dropped and counted (fit.n_dropped) unless na = "fail"; Inf is
  an error. se = "HC0".."HC5" are sandwich::vcovHC's types. cluster = ids (a vector, or a
  column name with data =) gives sandwich::vcovCL's covariance and overrides se; several
  clusterings, cluster = {ids1, ids2} or {"firm", "year"} with data =, give vcovCL's
  multi-way covariance (a variance may come out negative: its se is NaN, as R). cluster_type
  "HC1" (default for lm, as vcovCL) or "HC0" (fit.cluster_type; fit.clusters the counts).
  An offset(...) term of a formula is subtracted from y before the fit and added back to the
  fitted values and predictions; R2 and F leave it out (R >= 4.3's summary.lm).
  Fields: coef se t p vcov names n n_dropped rank aliased r2 adj_r2 sigma fstat loglik aic bic
  (r2, adj_r2 and the F statistic are NaN for a constant y with an intercept, as R's
  summary.lm) fitted leverage (computed on first use) df_residual rss se_type clusters
  cluster_type.
  Methods: predict confint residuals summary epistemic; tostring prints R's summary.lm.]])
M.lm = help.doc(lm, "regress.lm", [[
regress.lm(formula, df [, opts]) -> the same fit as regress.ols{formula =, data =, ...}
  opts: weights (a vector or a column name), se, cluster (vector or column name, or several),
  cluster_type, na.]])
M.glm = help.doc(glm, "regress.glm", [[
regress.glm{ y =, x =, family = "gaussian"|"binomial"|"poisson"|"gamma"|"negbin"|"quasipoisson"|"quasibinomial"
             [, link =, weights =, offset =, se =, cluster =, cluster_type = "HC0"|"HC1",
             maxit = 25, epsilon = 1e-8, na =] }
  IRLS as R's glm.fit (same starting values, step-halving, convergence test); negbin
  estimates theta by ML alternating with IRLS as MASS::glm.nb (fit.theta, fit.se_theta).
  Links: binomial logit/probit/cloglog/log, poisson log/identity/sqrt, gamma inverse/log/
  identity, gaussian identity/log/inverse. binomial y is 0/1, or a proportion with
  weights = numbers of trials (a 0/1 y takes any weights, with R's warning when
  they make non-integer successes), or two columns of counts, successes and failures
  (formula "cbind(s, f) ~ ...", or an n x 2 y), fitted as s / (s + f) with s + f as
  weights, as R's glm. quasipoisson and quasibinomial fit as poisson and binomial (same
  links, estimates and deviance) with the dispersion estimated, t tests, and no likelihood
  (aic, loglik, bic NaN, printed NA). Fields as ols plus deviance null_deviance df_null
  dispersion (Pearson chi2/(n-p) for gaussian, gamma and the quasi families, else 1)
  converged reason iterations warnings eta theta twologlik. Non-convergence and fitted
  probabilities of 0 or 1 (separation) are reported in fit.warnings and the printout.
  se and cluster as regress.ols (on the working residuals and weights, as sandwich's
  estfun.glm); cluster_type defaults to "HC0", vcovCL's default for glm.]])
M.ridge = help.doc(ridge, "regress.ridge", [[
regress.ridge{ y =, x = [, lambda =, intercept = true, scale = false, na =] }
  b = argmin |yc - Xc b|^2 + lambda |b|^2 with x and y centred (the intercept is not
  penalised). lambda omitted: the minimiser of GCV = RSS / (n - edf)^2 (MASS::lm.ridge's
  criterion), edf = sum d_j^2 / (d_j^2 + lambda) over the singular values of Xc.
  scale = true first divides each centred column by sqrt(sum x^2 / n) as MASS::lm.ridge
  does, so lambda means the same there; coefficients are on the original scale either way.
  Fields: coef (intercept first) lambda edf gcv gcv_chosen rss fitted scales.]])
M.anova = help.doc(anova, "regress.anova", [[
regress.anova(fit1, fit2, ... [, {test = "F"|"Chisq"|"LRT"}]) -> a table printed as R's anova()
  of nested lm or glm fits, the scale from the model with the fewest residual df (anova.lmlist,
  anova.glmlist). test "F": (change in RSS or deviance / df) / scale on (df, residual df of that
  model); "Chisq" (= "LRT"): change / scale against chi-square(df). The default is R 4.4's: F
  for lm and for glm families with an estimated dispersion (gaussian, gamma, quasipoisson,
  quasibinomial), the likelihood ratio (Chisq) for binomial and poisson (a poisson F test
  has infinite denominator df, as R); negbin fits compare 2 x log-likelihoods (anova.negbin,
  test "LRT" only). Fields: res_df rss (deviance for glm) df ss F stat p (arrays, one per
  model; the first row empty), test ("F" or "Chisq").]])

help.doc(methods.predict, "regress.predict", [[
fit:predict([newx, {type = "link"|"response", interval = "none"|"confidence"|"prediction",
             level = 0.95, offset =}]) -> predictions, {se =, lwr =, upr =}
  newx: a matrix of x without the intercept column (or a frame for formula fits); omitted:
  the fitted rows. glm: type "response" (default) or "link"; se on the response scale by
  the delta method (as predict.glm(se.fit = TRUE)); confidence intervals are eta -+ z se on
  the link scale with normal quantiles z (also for families with an estimated dispersion),
  mapped through the inverse link (lwr <= upr). lm intervals use t quantiles; prediction
  intervals add sigma^2.]])
help.doc(methods.confint, "regress.confint", [[
fit:confint([level = 0.95]) -> p x 2 matrix of Wald intervals: t quantiles with the residual
  df for lm and for glm with estimated dispersion, normal quantiles otherwise (confint.default).]])
help.doc(methods.residuals, "regress.residuals", [[
fit:residuals([type]) -> "response" (lm default), "working", "pearson", "deviance" (glm
  default), "standardized" (rstandard), "studentized" (rstudent, lm only). Every glm family
  has all four of R's residuals(glm, type): response y - mu, working (y - mu) / mu'(eta),
  pearson (y - mu) sqrt(w / V(mu)), deviance sign(y - mu) sqrt(w d(y, mu)).]])
help.doc(methods.summary, "regress.summary", "fit:summary() -> the R-style printout (as tostring(fit))")
help.doc(methods.epistemic, "regress.epistemic", [[
fit:epistemic{ [x = newx, folds = 5, fold = ids, features = "linear"|"quadratic"] }
  -> {epistemic =, total =, aleatoric =, loss =, folds =, features =}
  DEUP (Lahlou et al.): u(x) = e(x) - a(x). e is a least-squares regression of held-out
  squared errors (y - yhat)^2 on the model's columns (and their squares with "quadratic");
  the held-out errors come from refitting the same model K times without each fold
  (folds are i mod K, or the given fold ids, so the result is reproducible). a(x) is the
  model's own aleatoric variance: sigma^2 for lm, dispersion * V(mu(x)) for glm. e and u
  are clipped at 0.]])

C.fit_meta = Fit
C.methods = methods
C.coef_table = coef_table
C.modeldata = modeldata
C.robust = robust
C.multicluster, C.clusters_of, C.cluster_type = multicluster, clusters_of, cluster_type
C.SE_TYPES, C.SE_LIST = SE_TYPES, SE_LIST

require "orrery.regress.iv"
require "orrery.regress.sketch"
require "orrery.regress.ipcw"
require "orrery.regress.plot"

return M
