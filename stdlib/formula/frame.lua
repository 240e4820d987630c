-- formula.frame: model_frame and design. The variables are evaluated on
-- every row (formula.eval), the missing-value mask is computed once over
-- the columns used (C: _rows), and the design matrix is written by one C
-- call from the full columns and the kept rows (C: _design), so no column
-- is copied to be subset first.
local M, C = ...

local mat = require "orrery.mat"
local args = require "orrery.args"

local OP = C._ops
local fail = args.fail
local floor = math.floor
local concat = table.concat
local is_mat, deparse = args.is_mat, C.deparse
local MAXCOLS = C.MAXCOLS

-- -------------------------------------------------------------------------
-- design matrices
-- -------------------------------------------------------------------------

-- The coding of each variable in each term: 1 contrasts, 2 indicators
-- (R's TermCode, and model.matrix's rule for a model with no intercept).
local function termcodes (terms, isfac, intercept)
  local codes, sets = {}, {}
  for ti, t in ipairs(terms) do
    local set = {}
    for _, u in ipairs(t) do set[u] = true end
    sets[ti] = set
  end
  for ti, t in ipairs(terms) do
    local c = {}
    for _, v in ipairs(t) do
      local rest = {}
      for _, u in ipairs(t) do if u ~= v then rest[#rest + 1] = u end end
      local code = 2
      if #rest == 0 then code = 1
      else
        for pj = 1, ti - 1 do
          local prev = sets[pj]
          local sub = true
          for _, u in ipairs(rest) do if not prev[u] then sub = false; break end end
          if sub then code = 1; break end
        end
      end
      c[v] = code
    end
    codes[ti] = c
  end
  if not intercept then
    for ti, t in ipairs(terms) do
      local done = false
      for _, v in ipairs(t) do
        if isfac[v] then codes[ti][v] = 2; done = true; break end
      end
      if done then break end
    end
  end
  return codes
end

-- The columns a factor gives in a term: {kind, j, name suffix}. Indicators
-- (code 2) have one column per level; contrasts (code 1) follow the
-- factor's contrast: treatment (the first level is the base), SAS (the
-- last), sum and helmert (columns numbered, as R names a contrast matrix
-- without column names).
local function factorcols (val, code)
  local lv, k, out = val.levels, #val.levels, {}
  local kind = code == 2 and "indicator" or val.contrast or "treatment"
  if kind == "indicator" then
    for l = 1, k do out[l] = {OP.LEVEL, l, lv[l]} end
  elseif kind == "treatment" then
    for l = 2, k do out[l - 1] = {OP.LEVEL, l, lv[l]} end
  elseif kind == "SAS" then
    for l = 1, k - 1 do out[l] = {OP.LEVEL, l, lv[l]} end
  else
    local op = kind == "sum" and OP.SUM or OP.HELMERT
    for j = 1, k - 1 do out[j] = {op, j, tostring(j)} end
  end
  return out
end

local function join (a, b) return a == "" and b or a .. ":" .. b end

local function extend (parts, p)
  local out = {}
  for i = 1, #parts do out[i] = parts[i] end
  out[#out + 1] = p
  return out
end

-- The spec of the design columns (for C._design) and their names. vals[v]
-- is {t = "num", m =}, {t = "mat", m =, colnames =} or a factor {codes,
-- levels, map, K, contrast}: map (a mat, or nil) gives the code of each of
-- the K original codes among the levels kept.
local function columns (fn, terms, codes, vals, vars, intercept_col)
  local spec, names = {}, {}
  if intercept_col then spec[1], names[1] = {}, "(Intercept)" end
  for ti, t in ipairs(terms) do
    local tc, tn = {{}}, {""}
    for _, v in ipairs(t) do
      local val, label = vals[v], vars[v].label
      if val.t == "num" then
        for j, c in ipairs(tc) do
          c[#c + 1] = {x = val.m, kind = OP.NUM}
          tn[j] = join(tn[j], label)
        end
      else
        local list = {}
        if val.t == "mat" then
          for q, cname in ipairs(val.colnames) do
            list[q] = {{x = val.m, col = q - 1, kind = OP.NUM}, label .. cname}
          end
        else
          local code = codes[ti][v]
          if code == 1 and #val.levels < 2 then
            fail(fn, "factor '%s' has %s; contrasts need at least two", label,
              #val.levels == 0 and "no levels" or "only the level '" .. val.levels[1] .. "'")
          end
          for q, fc in ipairs(factorcols(val, code)) do
            list[q] = {{x = val.codes, kind = fc[1], j = fc[2], k = #val.levels, K = val.K,
                        map = val.map}, label .. fc[3]}
          end
        end
        if #tc * #list + #spec > MAXCOLS then
          fail(fn, "the design matrix would have more than %d columns", MAXCOLS)
        end
        local nc, nn = {}, {}
        for _, l in ipairs(list) do
          for j, c in ipairs(tc) do
            nc[#nc + 1] = extend(c, l[1])
            nn[#nn + 1] = join(tn[j], l[2])
          end
        end
        tc, tn = nc, nn
      end
    end
    for j, c in ipairs(tc) do spec[#spec + 1] = c; names[#names + 1] = tn[j] end
    if #spec > MAXCOLS then
      fail(fn, "the design matrix would have more than %d columns", MAXCOLS)
    end
  end
  return spec, names
end

-- -------------------------------------------------------------------------
-- frames
-- -------------------------------------------------------------------------

local function checkframe (fn, df)
  if (type(df) ~= "table" and type(df) ~= "userdata") or is_mat(df) then
    fail(fn, "'data' must be a frame, got %s", is_mat(df) and "a matrix" or type(df))
  end
  -- a data frame: its function forms, which a column named "names" cannot hide
  local okd, data = pcall(require, "orrery.data")
  if okd and type(data) == "table" and data.is_frame and data.is_frame(df) then
    local names, n = data.names(df), data.nrow(df)
    local has = {}
    for _, name in ipairs(names) do has[name] = true end
    return names, n, has, function (name) return data.col(df, name) end
  end
  local ok, names = pcall(function () return df:names() end)
  local ok2, n = pcall(function () return df:nrow() end)
  if not ok or not ok2 or type(names) ~= "table" or math.type(n) == nil then
    fail(fn, "'data' must be a frame (with :names() and :nrow())")
  end
  local has = {}
  for _, name in ipairs(names) do has[name] = true end
  return names, floor(n), has, function (name) return df[name] end
end

-- mf.keep, an array of N booleans, is built on first use: a model frame of
-- 1e6 rows would otherwise spend more on it than on its design matrix
local function lazykeep (N, rows)
  return {__index = function (t, k)
    if k ~= "keep" then return nil end
    local keep = C._keep(N, rows)
    rawset(t, "keep", keep)
    return keep
  end}
end

-- the levels of a factor that occur in the kept rows: the factor with
-- .map (nil when all occur) and .K (the number of original codes)
local function droplevels (val, rows, drop)
  local K = #val.levels
  local out = {t = "fac", codes = val.codes, levels = val.levels, K = K, lgl = val.lgl,
               numeric = val.numeric, contrast = val.contrast}
  if not drop or val.lgl or K == 0 then return out end
  local counts = C._levelcounts(val.codes, K, rows)
  local levels, map, all = {}, {}, true
  for l = 1, K do
    if counts[l] > 0 then levels[#levels + 1] = val.levels[l]; map[l] = #levels
    else map[l] = 0; all = false end
  end
  if not all then out.levels, out.map = levels, mat.vec(map) end
  return out
end

-- the codes of the kept rows of a factor, among its kept levels
local function takecodes (val, rows)
  return C._take(rows, val.map, val.codes)
end

-- strata: as survival's strata(), one level per combination that occurs,
-- ordered by the first variable, then the next; a single variable keeps its
-- level names, several give "g=a, k=6" (short: "a, 6")
local function combine (fn, parts, short)
  local key, K = parts[1].codes, #parts[1].levels
  for j = 2, #parts do
    local kj = #parts[j].levels
    if K * kj > 2 ^ 53 then fail(fn, "too many combinations of strata") end
    key = C._cross(parts[j].codes, kj, key, K)
    K = K * kj
  end
  local uniq, codes = C._factorize(key)
  local labels = {}
  for c = 1, #uniq do
    local r, lab = uniq[c] - 1, {}
    for j = #parts, 1, -1 do
      local kj = #parts[j].levels
      local l = parts[j].levels[r % kj + 1]
      lab[j] = (short or #parts == 1) and l or parts[j].label .. "=" .. l
      r = r // kj
    end
    labels[c] = concat(lab, ", ")
  end
  return {codes = codes, levels = labels}
end

local MF_OPTS = { na = true, extra = true, intercept = true, drop_unused = true }

--- Evaluates a formula on a frame: response, design matrix and the rest.
function M.model_frame (f, df, opts)
  local fn = "formula.model_frame"
  local F
  if getmetatable(f) == C.FORMULA_MT then F = f
  elseif type(f) == "string" then F = M.parse(f)
  else fail(fn, "'formula' must be a string, got %s", type(f)) end
  opts = opts or {}
  if type(opts) ~= "table" then fail(fn, "'opts' must be a table") end
  for k in pairs(opts) do
    if not MF_OPTS[k] then fail(fn, "unknown option '%s'", tostring(k)) end
  end
  local na = opts.na or "omit"
  if na ~= "omit" and na ~= "fail" then
    fail(fn, "na must be \"omit\" or \"fail\", got %s", tostring(na))
  end
  local want_intercept = opts.intercept
  if want_intercept == nil then want_intercept = true end
  if type(want_intercept) ~= "boolean" then fail(fn, "intercept must be a boolean") end
  local drop = opts.drop_unused
  if drop == nil then drop = true end
  local extra = opts.extra or {}
  if type(extra) == "string" then extra = {extra} end
  if type(extra) ~= "table" then fail(fn, "extra must be an array of column names") end
  for i, name in ipairs(extra) do
    if type(name) ~= "string" then fail(fn, "extra[%d] must be a column name", i) end
  end

  local names, N, has, getcol = checkframe(fn, df)
  local B = C.build(F, names)
  local E = C.env(fn, getcol, N, has)

  -- every variable on all rows (as R's model.frame), then the rows to drop
  local vals = {}      -- the variables of the terms, as termvalue gives them
  local used = {}      -- {label, mat}: every column whose missing values drop rows
  local function mark (label, val)
    local m = val.t == "fac" and val.codes or val.m
    used[#used + 1] = {label, m}
  end
  local function use (v, what)
    if not vals[v] then
      local label = B.vars[v].label
      vals[v] = C.termvalue(E, C.evaluate(E, B.vars[v].e), label, what)
    end
    return vals[v]
  end
  local response
  if F.lhs then
    local l = F.lhs
    while l.k == "paren" do l = l.e end
    if l.k == "call" and (l.f == "Surv" or l.f == "cbind") then
      response = {kind = l.f, parts = {}}
      for i, a in ipairs(l.args) do
        local x = C.numeric(E, C.evaluate(E, a.e), a.e)
        if #x.cols == 0 then fail(fn, "%s() argument %d is a constant", l.f, i) end
        response.parts[i] = C.run(E, x)
        used[#used + 1] = {deparse(a.e), response.parts[i]}
      end
    else
      local val = use(B.response, "response")
      if val.t == "mat" then fail(fn, "the response '%s' is a matrix", B.vars[B.response].label) end
      response = {kind = "single"}
      mark(B.vars[B.response].label, val)
    end
  end
  local function usevars (terms)
    for _, t in ipairs(terms) do
      for _, v in ipairs(t) do mark(B.vars[v].label, use(v, "term")) end
    end
  end
  usevars(B.terms)
  if B.zterms then usevars(B.zterms) end
  local offsets = {}
  for i, v in ipairs(B.offsets) do
    local x = C.evaluate(E, B.vars[v].e)
    local m = #x.cols == 0 and C.fill(E, C.run(E, x)) or C.run(E, x)
    offsets[i] = m
    used[#used + 1] = {B.vars[v].label, m}
  end
  local strata = {}
  for t, v in ipairs(B.strata) do
    local parts = {}
    for i, a in ipairs(B.vars[v].e.args) do
      local val = C.evaluate(E, a.e)
      if val.t == "ex" and #val.cols > 0 then val = C.as_factor(E, val, a.e) end
      if val.t ~= "fac" then fail(fn, "strata() needs columns") end
      parts[i] = {label = deparse(a.e), codes = val.codes, levels = val.levels}
      used[#used + 1] = {deparse(a.e), val.codes}
    end
    strata[t] = parts
  end
  local extras = {}
  for _, name in ipairs(extra) do
    local val = C.evaluate(E, {k = "name", v = name})
    extras[name] = val.t == "fac" and val.codes or val.cols[1]
    used[#used + 1] = {name, extras[name]}
  end

  -- rows with a missing value anywhere are dropped (na.omit) or an error;
  -- each column is scanned once
  local seen, uniq = {}, {}
  for _, u in ipairs(used) do
    if not seen[u[2]] then seen[u[2]] = true; uniq[#uniq + 1] = u end
  end
  local rows, n_dropped = C._rows(fn, na == "fail", N, table.unpack(uniq))
  local n = N - n_dropped
  local res = setmetatable({n = n, n_dropped = n_dropped, rows = rows or nil}, lazykeep(N, rows))

  -- factors lose the levels that no longer occur (drop_unused)
  local sv = {}
  for v, val in pairs(vals) do
    sv[v] = val.t == "fac" and droplevels(val, rows, drop) or val
  end
  if response then
    res.yname = F.response.label
    if response.kind == "single" then
      local val = sv[B.response]
      if val.t == "fac" then
        res.y, res.ylevels = takecodes(val, rows), val.levels
      else
        res.y = C._take(rows, nil, val.m)
      end
      res.yname = B.vars[B.response].label
    elseif response.kind == "cbind" then
      res.y = C._take(rows, nil, table.unpack(response.parts))
    else
      local p = response.parts
      local s = {}
      for i, m in ipairs(p) do s[i] = C._take(rows, nil, m) end
      if #p == 2 then res.surv = {time = s[1], status = s[2]}
      else res.surv = {start = s[1], time = s[2], status = s[3]} end
    end
  end
  -- as R's model.matrix: every factor in a term needs two levels, whatever its coding
  local isfac = {}
  for v, val in pairs(sv) do isfac[v] = val.t == "fac" end
  for _, terms in ipairs{B.terms, B.zterms or {}} do
    for _, t in ipairs(terms) do
      for _, v in ipairs(t) do
        local val = sv[v]
        if val.t == "fac" and #val.levels < 2 then
          fail(fn, "factor '%s' has %s; contrasts need at least two levels", B.vars[v].label,
            #val.levels == 0 and "no levels" or "only the level '" .. val.levels[1] .. "'")
        end
      end
    end
  end
  local xint = B.intercept
  local codes = termcodes(B.terms, isfac, xint)
  local spec, cn = columns(fn, B.terms, codes, sv, B.vars, xint and want_intercept)
  res.x, res.names, res.intercept = C._design(N, rows, spec), cn, xint and want_intercept
  local info = {vars = B.vars, terms = B.terms, codes = codes, offsets = B.offsets,
                intercept = res.intercept, levels = {}, contrasts = {}, coefs = E.record}
  if B.zterms then
    local zcodes = termcodes(B.zterms, isfac, B.zintercept)
    local zspec, zn = columns(fn, B.zterms, zcodes, sv, B.vars, B.zintercept and want_intercept)
    res.z, res.znames = C._design(N, rows, zspec), zn
    info.zterms, info.zcodes = B.zterms, zcodes
    info.zintercept = B.zintercept and want_intercept
  end
  for v, val in pairs(sv) do
    if val.t == "fac" then info.levels[v], info.contrasts[v] = val.levels, val.contrast end
  end
  -- offset: the sum of the offset() terms
  if #offsets > 0 then
    local sum = C.ex_num(0)
    for _, m in ipairs(offsets) do sum = C.ex_op(OP["+"], false, sum, C.ex_col(m)) end
    res.offset = C._take(rows, nil, C.run(E, sum))
  end
  -- strata: several strata() terms are combined the same way with short labels
  if #strata > 0 then
    local terms = {}
    for t, parts in ipairs(strata) do
      for _, p in ipairs(parts) do p.codes = C._take(rows, nil, p.codes) end
      terms[t] = combine(fn, strata[t], false)
    end
    local st = #terms == 1 and terms[1] or combine(fn, terms, true)
    res.strata, res.strata_levels = st.codes, st.levels
  end
  -- extra columns (weights, clusters, ...): factors give their level codes
  if #extra > 0 then
    res.extra = {}
    for name, m in pairs(extras) do res.extra[name] = C._take(rows, nil, m) end
  end
  res.info = info
  return res
end

-- -------------------------------------------------------------------------
-- design on new data
-- -------------------------------------------------------------------------

-- A factor evaluated on new data, coded on the levels the fit used.
local function recode (fn, label, val, levels, contrast)
  local index = {}
  for i, l in ipairs(levels) do index[l] = i end
  local map = {}
  for i, l in ipairs(val.levels) do map[i] = index[l] or 0 end
  local codes, bad = C._recode(val.codes, mat.vec(#map > 0 and map or {0}))
  if bad then fail(fn, "factor '%s' has a new level '%s'", label, val.levels[val.codes[bad]]) end
  return {t = "fac", codes = codes, levels = levels, K = #levels, contrast = contrast}
end

--- Rebuilds x (and z, offset) for new rows with the coding of a model frame.
function M.design (mf, newdata)
  local fn = "formula.design"
  if type(mf) ~= "table" then fail(fn, "expected the result of formula.model_frame") end
  local info = mf.info or mf
  if type(info.terms) ~= "table" or type(info.vars) ~= "table" then
    fail(fn, "expected the result of formula.model_frame")
  end
  local _, N, has, getcol = checkframe(fn, newdata)
  local E = C.env(fn, getcol, N, has, info.coefs or {})
  local vals = {}
  local function need (terms)
    for _, t in ipairs(terms) do
      for _, v in ipairs(t) do
        if not vals[v] then
          local label = info.vars[v].label
          local val = C.termvalue(E, C.evaluate(E, info.vars[v].e), label, "term")
          if info.levels[v] then
            if val.t ~= "fac" then
              fail(fn, "'%s' was a factor in the fit but is numeric here", label)
            end
            val = recode(fn, label, val, info.levels[v], info.contrasts and info.contrasts[v])
          elseif val.t == "fac" then
            fail(fn, "'%s' was numeric in the fit but is a factor here", label)
          else
            local row = C._firstinf(val.m)
            if row then fail(fn, "'%s' has an infinite value at row %d", label, row) end
          end
          vals[v] = val
        end
      end
    end
  end
  need(info.terms)
  local spec, cn = columns(fn, info.terms, info.codes, vals, info.vars, info.intercept)
  local res = {x = C._design(N, false, spec), names = cn, n = N}
  if info.zterms then
    need(info.zterms)
    local zspec, zn = columns(fn, info.zterms, info.zcodes, vals, info.vars, info.zintercept)
    res.z, res.znames = C._design(N, false, zspec), zn
  end
  if #info.offsets > 0 then
    local sum = C.ex_num(0)
    for _, v in ipairs(info.offsets) do
      local e = info.vars[v].e
      local x = C.numeric(E, C.evaluate(E, e), e)
      if #x.cols > 0 then
        local m = C.run(E, x)
        local row = C._firstinf(m)
        if row then fail(fn, "'%s' has an infinite value at row %d", info.vars[v].label, row) end
      end
      sum = C.ex_op(OP["+"], false, sum, x)
    end
    local o = C.run(E, sum)
    res.offset = type(o) == "number" and C.fill(E, o) or o
  end
  return res
end
