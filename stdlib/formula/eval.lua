-- formula.eval: the variables of a formula evaluated on a frame, column at
-- a time. An expression such as log(abs(x3) + 1) is compiled once into a
-- postfix program that the C half (modules/formula/vexpr.c) runs over the
-- whole column; factor functions (factor, relevel, interaction, C) work on
-- code columns through design.c. No Lua runs per row.
--
-- A value is one of
--   {t = "ex", prog =, cols =, k =, lgl =}  a numeric expression not yet run:
--       prog holds (op, a, b) triples, cols the column mats it reads (all of
--       E.n rows), k its constants; lgl marks a comparison (TRUE/FALSE);
--       with no column it is a constant;
--   {t = "fac", codes =, levels =, contrast =}  codes (n x 1 mat, 1..#levels,
--       NaN missing); contrast "treatment" (nil), "sum", "helmert" or "SAS";
--   {t = "mat", m =, colnames =}  a matrix variable (poly): n x k mat;
--   {t = "str", v =}  a string constant.
local _, C = ...

local mat = require "orrery.mat"
local args = require "orrery.args"

local OP = C._ops
local rnum, deparse = C.rnum, C.deparse
local fail = args.fail
local floor = math.floor

local MAXLEVELS = 1000000   -- levels of a crossing (interaction, strata)

local is_mat, is_factor = args.is_mat, args.is_factor

-- -------------------------------------------------------------------------
-- programs
-- -------------------------------------------------------------------------

local function ex_col (m) return {t = "ex", prog = {OP.COL, 0, 0}, cols = {m}, k = {}} end
local function ex_num (v, lgl) return {t = "ex", prog = {OP.CONST, 0, 0}, cols = {}, k = {v}, lgl = lgl} end
C.ex_col, C.ex_num = ex_col, ex_num

-- appends the program of x to (prog, cols, k), renumbering its columns
-- (a column already there is read from its first place) and constants
local function splice (prog, cols, k, x)
  local nk, where = #k, {}
  for i, m in ipairs(x.cols) do
    local at
    for j = 1, #cols do if rawequal(cols[j], m) then at = j break end end
    if not at then cols[#cols + 1] = m; at = #cols end
    where[i - 1] = at - 1
  end
  local p = x.prog
  for i = 1, #p, 3 do
    local op, a = p[i], p[i + 1]
    if op == OP.COL then a = where[a]
    elseif op == OP.CONST or op == OP.IN then a = a + nk end
    prog[#prog + 1] = op; prog[#prog + 1] = a; prog[#prog + 1] = p[i + 2]
  end
  for i = 1, #x.k do k[nk + i] = x.k[i] end
end

-- op applied to the operands (ex values, left to right)
local function ex_op (op, lgl, ...)
  local prog, cols, k = {}, {}, {}
  for i = 1, select("#", ...) do splice(prog, cols, k, (select(i, ...))) end
  prog[#prog + 1] = op; prog[#prog + 1] = 0; prog[#prog + 1] = 0
  return {t = "ex", prog = prog, cols = cols, k = k, lgl = lgl}
end
C.ex_op = ex_op

-- x %in% set (an array of numbers)
local function ex_in (x, set)
  local prog, cols, k = {}, {}, {}
  splice(prog, cols, k, x)
  local first = #k
  for i, v in ipairs(set) do k[first + i] = v end
  prog[#prog + 1] = OP.IN; prog[#prog + 1] = first; prog[#prog + 1] = #set
  return {t = "ex", prog = prog, cols = cols, k = k, lgl = true}
end

-- Runs an expression over the E.n rows: an n x 1 mat, or a number for a
-- constant. A bare column is the frame's own mat, not a copy: the results
-- only ever read it.
local function run (E, x)
  local p = x.prog
  if #p == 3 and p[1] == OP.COL then return x.cols[p[2] + 1] end
  return C._eval(x.prog, x.k, x.cols, E.n)
end
C.run = run

-- -------------------------------------------------------------------------
-- columns of the frame
-- -------------------------------------------------------------------------

local function getcolumn (E, name)
  local c = E.cache[name]
  if c then return c end
  if not E.has[name] then fail(E.fn, "unknown column '%s' in the data", name) end
  local col = E.getcol(name)
  local n = E.n
  if is_mat(col) then
    if col:rows() ~= n or col:cols() ~= 1 then
      fail(E.fn, "column '%s' is a %d x %d matrix, expected %d x 1", name,
        col:rows(), col:cols(), n)
    end
    c = ex_col(col)
  elseif is_factor(col) then
    local codes = col.codes
    local levels = {}
    for i, l in ipairs(col.levels) do levels[i] = l end
    if not is_mat(codes) then  -- a frame of another kind: codes in an array
      local v = {}
      for i = 1, n do v[i] = codes[i] or 0 / 0 end
      codes = n > 0 and mat.vec(v) or mat.zeros(0, 1)
    end
    if codes:rows() * codes:cols() ~= n then
      fail(E.fn, "factor '%s' has %d codes for %d rows", name, codes:rows() * codes:cols(), n)
    end
    local bad = C._badcode(codes, #levels)
    if bad then fail(E.fn, "factor '%s' has an invalid code at row %d", name, bad) end
    c = {t = "fac", codes = codes, levels = levels}
  else
    fail(E.fn, "column '%s' is neither numeric nor a factor", name)
  end
  E.cache[name] = c
  return c
end

-- The environment of an evaluation: fn names errors; getcol(name) gives a
-- column of n rows; has[name] tells which exist. coefs (design on new rows)
-- holds the training values of poly() and scale(), keyed by their labels;
-- record (model_frame) receives them.
function C.env (fn, getcol, n, has, coefs)
  return {fn = fn, getcol = getcol, n = n, has = has, cache = {}, coefs = coefs, record = {}}
end

-- -------------------------------------------------------------------------
-- numbers and factors
-- -------------------------------------------------------------------------

local evaluate

-- the value as a number (an ex): TRUE/FALSE and logical factors are 1/0
local function numeric (E, val, e)
  if val.t == "ex" then
    if val.lgl then return {t = "ex", prog = val.prog, cols = val.cols, k = val.k} end
    return val
  end
  if val.t == "fac" and val.lgl then return ex_op(OP["-"], false, ex_col(val.codes), ex_num(1)) end
  if val.t == "fac" then fail(E.fn, "'%s' is a factor; arithmetic needs numbers", deparse(e)) end
  if val.t == "mat" then fail(E.fn, "'%s' is a matrix; arithmetic needs one column", deparse(e)) end
  fail(E.fn, "'%s' is a string, not a number", deparse(e))
end
C.numeric = numeric

-- a constant argument (degree, digits, ...): a number, or nil when it is not one
local function constant (E, val)
  if val.t ~= "ex" or #val.cols > 0 then return nil end
  return run(E, val)
end

-- a logical ex as a factor with the levels FALSE and TRUE (both, as R's
-- model.matrix gives a logical variable)
local function lglfactor (E, val)
  local codes = run(E, ex_op(OP["+"], false, val, ex_num(1)))
  return {t = "fac", codes = codes, levels = {"FALSE", "TRUE"}, lgl = true}
end

-- codes through a map (an array: map[c] the new code of code c)
local function remap (codes, map)
  return (C._recode(codes, mat.vec(map)))
end

-- factor() of a value: levels sorted (numbers numerically, named as R
-- prints them at 15 digits, those printing alike sharing a level)
local function as_factor (E, val, e)
  if val.t == "fac" then return val end
  if val.t == "ex" and val.lgl and #val.cols > 0 then
    -- factor(TRUE/FALSE): the observed values, FALSE first
    local f = lglfactor(E, val)
    local counts = C._levelcounts(f.codes, 2, false)
    local levels, map = {}, {}
    for c = 1, 2 do
      if counts[c] > 0 then levels[#levels + 1] = f.levels[c]; map[c] = #levels else map[c] = 0 end
    end
    return {t = "fac", codes = #levels == 2 and f.codes or remap(f.codes, map), levels = levels}
  end
  if val.t ~= "ex" or #val.cols == 0 then
    fail(E.fn, "factor() needs a column, got '%s'", deparse(e))
  end
  local uniq, codes = C._factorize(run(E, val))
  if not uniq then fail(E.fn, "'%s' has an infinite value", deparse(e)) end
  local levels, map, merged = {}, {}, false
  for i = 1, #uniq do
    local s = rnum(uniq[i])
    if levels[#levels] == s then merged = true else levels[#levels + 1] = s end
    map[i] = #levels
  end
  if merged then codes = remap(codes, map) end
  return {t = "fac", codes = codes, levels = levels, numeric = true}
end
C.as_factor = as_factor

local function relevel (E, val, refv, e)
  if val.t ~= "fac" or val.lgl then
    fail(E.fn, "relevel() needs a factor, got '%s'", deparse(e.slots[1]))
  end
  local k
  if refv.t == "str" then
    for i, l in ipairs(val.levels) do if l == refv.v then k = i end end
    if not k then fail(E.fn, "'%s' is not a level of '%s'", refv.v, deparse(e.slots[1])) end
  else
    k = constant(E, refv)
    if not k then fail(E.fn, "relevel(): the reference must be a level name") end
    if k ~= floor(k) or k < 1 or k > #val.levels then
      fail(E.fn, "relevel(): level number %s out of range", rnum(k))
    end
  end
  local levels, map = {val.levels[k]}, {[k] = 1}
  for i, l in ipairs(val.levels) do
    if i ~= k then levels[#levels + 1] = l; map[i] = #levels end
  end
  return {t = "fac", codes = remap(val.codes, map), levels = levels, numeric = val.numeric,
          contrast = val.contrast}
end

-- interaction(a, b, ...): one level per combination, the first factor
-- varying fastest, named "a.b" (R's interaction with lex.order = FALSE)
local function interaction (E, e)
  local acc
  for i = 1, #e.args do
    local f = as_factor(E, evaluate(E, e.slots[i]), e.slots[i])
    if not acc then acc = {t = "fac", codes = f.codes, levels = f.levels}
    else
      local ka, kb = #acc.levels, #f.levels
      if ka * kb > MAXLEVELS then
        fail(E.fn, "interaction(): more than %d combinations of levels", MAXLEVELS)
      end
      local levels = {}
      for b = 1, kb do
        for a = 1, ka do levels[#levels + 1] = acc.levels[a] .. "." .. f.levels[b] end
      end
      acc = {t = "fac", codes = C._cross(acc.codes, ka, f.codes, kb), levels = levels}
    end
  end
  return acc
end

local CONTRASTS = {
  treatment = "treatment", ["contr.treatment"] = "treatment", sum = "sum",
  ["contr.sum"] = "sum", helmert = "helmert", ["contr.helmert"] = "helmert",
  SAS = "SAS", ["contr.SAS"] = "SAS",
}

-- C(f, sum): the factor with other contrasts
local function contrasts (E, e)
  local f = as_factor(E, evaluate(E, e.slots[1]), e.slots[1])
  local a = e.slots[2]
  while a.k == "paren" do a = a.e end
  local kind = (a.k == "name" or a.k == "str") and CONTRASTS[a.v]
  if not kind then
    fail(E.fn, "C(): unknown contrasts '%s' (treatment, sum, helmert, SAS)", deparse(e.slots[2]))
  end
  return {t = "fac", codes = f.codes, levels = f.levels, numeric = f.numeric, contrast = kind}
end

-- the values of c(...) after %in%: numbers and strings
local function setvalues (E, e)
  while e.k == "paren" do e = e.e end
  local list = (e.k == "call" and e.f == "c") and e.args or {{e = e}}
  local out = {}
  for _, a in ipairs(list) do
    local x = a.e
    while x.k == "paren" do x = x.e end
    if x.k == "str" then out[#out + 1] = x.v
    elseif x.k == "lgl" then out[#out + 1] = x.v and 1 or 0
    else
      local v = x.k ~= "name" and x.k ~= "call" and constant(E, evaluate(E, x))
      if not v or (x.k == "call" and x.f ~= "c") then
        fail(E.fn, "%%in%% needs constants on its right, as c(1, 2) or c(\"a\", \"b\"); got '%s'",
          deparse(x))
      end
      out[#out + 1] = v
    end
  end
  return out
end

-- x %in% c(...) as R's match(): a factor matches its labels, a number its
-- value (a string that reads as the number matches too); missing values
-- match nothing
local function inset (E, e)
  local x = evaluate(E, e.l)
  local set = setvalues(E, e.r)
  if x.t == "fac" and not x.lgl then
    local want, idx = {}, {}
    for _, v in ipairs(set) do want[type(v) == "number" and rnum(v) or v] = true end
    for i, l in ipairs(x.levels) do if want[l] then idx[#idx + 1] = i end end
    return ex_in(ex_col(x.codes), idx)
  end
  x = numeric(E, x, e.l)
  local nums = {}
  for _, v in ipairs(set) do
    if type(v) == "string" then v = tonumber(v) end
    if v then nums[#nums + 1] = v end
  end
  return ex_in(x, nums)
end

-- a column of numbers that poly() and scale() work on
local function numcolumn (E, e, what)
  local x = numeric(E, evaluate(E, e), e)
  if #x.cols == 0 then fail(E.fn, "%s() needs a column, got '%s'", what, deparse(e)) end
  return run(E, x)
end

-- a TRUE/FALSE argument (absent: def)
local function flag (E, e, what, def)
  if not e then return def end
  local v = constant(E, evaluate(E, e))
  if v == nil then fail(E.fn, "%s must be TRUE or FALSE", what) end
  return v ~= 0
end

-- poly(x, degree, raw = FALSE): R's orthogonal polynomials, their
-- coefficients kept for new rows (R's makepredictcall)
local function poly (E, e)
  local label = deparse(e)
  local deg = 1
  if e.slots[2] then
    deg = constant(E, evaluate(E, e.slots[2]))
    if not deg or deg ~= floor(deg) or deg < 1 then
      fail(E.fn, "poly(): the degree must be a whole number >= 1")
    end
  end
  if deg > 100 then fail(E.fn, "poly(): degree %s is too large (at most 100)", rnum(deg)) end
  local x = numcolumn(E, e.slots[1], "poly")
  local names = {}
  for j = 1, deg do names[j] = tostring(j) end
  if flag(E, e.slots[3], "poly(): raw", false) then
    local cols, xe = {}, ex_col(x)
    for j = 1, deg do cols[j] = run(E, ex_op(OP["^"], false, xe, ex_num(j))) end
    return {t = "mat", m = cols[1]:hcat(table.unpack(cols, 2)), colnames = names}
  end
  local known = E.coefs and E.coefs[label]
  if known then
    return {t = "mat", m = C._polypredict(x, known.alpha, known.norm2), colnames = names}
  end
  if C._firstnan(x) then fail(E.fn, "poly(): missing values are not allowed (as R)") end
  local row = C._firstinf(x)
  if row then fail(E.fn, "'%s' has an infinite value at row %d", deparse(e.slots[1]), row) end
  local Z, alpha, norm2 = C._poly(x, deg)
  if not Z then
    fail(E.fn, "poly(): the degree (%d) must be less than the number of distinct values", deg)
  end
  E.record[label] = {alpha = alpha, norm2 = norm2}
  return {t = "mat", m = Z, colnames = names}
end

-- scale(x, center = TRUE, scale = TRUE): (x - mean) / sd, the mean and sd
-- of the training rows kept for new rows
local function scale (E, e)
  local label = deparse(e)
  local x = numcolumn(E, e.slots[1], "scale")
  local known = E.coefs and E.coefs[label]
  local c, s
  if known then c, s = known.center, known.scale
  else
    c, s = C._scale(x, flag(E, e.slots[2], "scale(): center", true),
      flag(E, e.slots[3], "scale(): scale", true))
    E.record[label] = {center = c, scale = s}
  end
  return ex_op(OP["/"], false, ex_op(OP["-"], false, ex_col(x), ex_num(c)), ex_num(s))
end

local ARITH = { ["+"] = true, ["-"] = true, ["*"] = true, ["/"] = true, ["^"] = true }
local COMPARE = { ["=="] = true, ["!="] = true, ["<"] = true, [">"] = true, ["<="] = true, [">="] = true }

local function binop (E, e)
  local op = e.op
  if op == "%in%" then return inset(E, e) end
  if op == ":" or op == "|" or op == "~" then
    fail(E.fn, "'%s' is not supported inside an expression", op)
  end
  local a, b = evaluate(E, e.l), evaluate(E, e.r)
  if op == "==" or op == "!=" then
    -- g == "lvl" and g != "lvl" on a factor compare its labels, as R does; a
    -- label that is not a level matches no row
    local fac, str = a, b
    if b.t == "fac" then fac, str = b, a end
    if fac.t == "fac" and not fac.lgl and str.t == "str" then
      local k = 0
      for i, l in ipairs(fac.levels) do if l == str.v then k = i break end end
      return ex_op(OP[op], true, ex_col(fac.codes), ex_num(k))
    end
  end
  a, b = numeric(E, a, e.l), numeric(E, b, e.r)
  if ARITH[op] then return ex_op(OP[op], false, a, b) end
  if COMPARE[op] then
    if #a.cols == 0 and #b.cols == 0 then fail(E.fn, "'%s' compares two constants", deparse(e)) end
    return ex_op(OP[op], true, a, b)
  end
  fail(E.fn, "'%s' is not supported inside an expression", op)
end

function evaluate (E, e)
  local k = e.k
  if k == "name" then return getcolumn(E, e.v) end
  if k == "num" then return ex_num(e.v) end
  if k == "lgl" then return ex_num(e.v and 1 or 0, true) end
  if k == "str" then return {t = "str", v = e.v} end
  if k == "paren" then return evaluate(E, e.e) end
  if k == "dot" then fail(E.fn, "'.' inside an expression") end
  if k == "un" then
    local a = numeric(E, evaluate(E, e.e), e.e)
    if e.op == "!" then return ex_op(OP.NOT, true, a) end
    if e.op == "+" then return a end
    return ex_op(OP.NEG, false, a)
  end
  if k == "bin" then return binop(E, e) end
  -- calls
  local f, s = e.f, e.slots
  if f == "I" then return evaluate(E, s[1]) end
  if f == "factor" then return as_factor(E, evaluate(E, s[1]), s[1]) end
  if f == "relevel" then return relevel(E, evaluate(E, s[1]), evaluate(E, s[2]), e) end
  if f == "interaction" then return interaction(E, e) end
  if f == "C" then return contrasts(E, e) end
  if f == "poly" then return poly(E, e) end
  if f == "scale" then return scale(E, e) end
  if f == "offset" then return numeric(E, evaluate(E, s[1]), s[1]) end
  if f == "strata" or f == "Surv" or f == "cbind" then
    fail(E.fn, "%s() is not allowed here", f)
  end
  if f == "c" then fail(E.fn, "c() gives the values after %%in%%, not a variable") end
  if f == "as.numeric" then
    local v = evaluate(E, s[1])
    if v.t == "fac" then return ex_col(v.codes) end  -- as R: the level codes
    return numeric(E, v, s[1])
  end
  if f == "pmin" or f == "pmax" then
    local acc = numeric(E, evaluate(E, s[1]), s[1])
    for i = 2, #e.args do acc = ex_op(OP[f], false, acc, numeric(E, evaluate(E, s[i]), s[i])) end
    return acc
  end
  local x = numeric(E, evaluate(E, s[1]), s[1])
  if f == "log" and s[2] then
    return ex_op(OP.LOGB, false, x, numeric(E, evaluate(E, s[2]), s[2]))
  end
  if f == "round" then
    local d = s[2] and numeric(E, evaluate(E, s[2]), s[2]) or ex_num(0)
    return ex_op(OP.round, false, x, d)
  end
  return ex_op(OP[f], false, x)
end
C.evaluate = evaluate

-- The value of a variable used as a term (or response): {t = "num", m =}
-- (an n x 1 mat), a factor, or a matrix; a constant is an error.
function C.termvalue (E, val, label, what)
  if val.t == "ex" then
    if #val.cols == 0 then fail(E.fn, "the %s '%s' is a constant", what, label) end
    if val.lgl then return lglfactor(E, val) end
    return {t = "num", m = run(E, val)}
  end
  if val.t == "str" then fail(E.fn, "the %s '%s' is a constant", what, label) end
  return val
end

-- A constant offset: a column of it
function C.fill (E, v)
  return mat.new(E.n, 1, v)
end

C.MAXLEVELS = MAXLEVELS
