-- Model formulas: R's "y ~ a + b*g" turned into design matrices.
--
--   formula.parse(s)                    -> the parsed formula (terms, response, ...)
--   formula.model_frame(f, df [, opts]) -> {y, x, names, intercept, offset, z, znames,
--                                           surv, strata, extra, n, n_dropped, keep, info}
--   formula.design(mf, newdata)         -> {x, names, offset, z}: x for new rows, coded as mf
--
-- The rules follow R's terms.formula and model.matrix (stats/src/model.c) so that
-- the columns, their order and their names are R's: variables are numbered in the
-- order they first appear (the response first); a term is a set of variables; terms
-- are ordered by their number of variables, then by appearance; within a term the
-- first variable varies fastest. A factor in a term is coded by treatment contrasts
-- when the term without that factor is contained in an earlier term (or is empty),
-- else by one indicator per level; with no intercept the first factor of the first
-- term that has one gets indicators. Level order is C byte order for text, numeric
-- for factor(k); relevel() moves a level to the front.
local M, C = ...

local help = require "orrery.help"
local mat = require "orrery.mat"

local MAXDEPTH = 100     -- nesting of parentheses, calls and unary operators
local MAXTERMS = 4096    -- terms produced by expanding a formula
local MAXCOLS = 100000   -- columns of a design matrix

local floor, huge = math.floor, math.huge
local fmt, concat = string.format, table.concat

-- -------------------------------------------------------------------------
-- numbers and names printed as R prints them
-- -------------------------------------------------------------------------

-- R's as.character / deparse of a double: at most 15 significant digits, fixed
-- notation unless scientific is narrower.
local function rnum (x)
  if x ~= x then return "NaN" end
  if x == huge then return "Inf" end
  if x == -huge then return "-Inf" end
  if x == 0 then return "0" end
  local ref = tonumber(fmt("%.14e", x))
  local d = 15
  for k = 1, 15 do
    if tonumber(fmt("%." .. (k - 1) .. "e", x)) == ref then d = k; break end
  end
  local sci = fmt("%." .. (d - 1) .. "e", x)
  local e10 = tonumber(sci:match("e([-+]%d+)$"))
  local dec = d - 1 - e10
  if dec < 0 then dec = 0 end
  local fixed = fmt("%." .. dec .. "f", x)
  if #fixed <= #sci then return fixed end
  return sci
end
C.rnum = rnum

local RESERVED = {}
for w in ([[if else repeat while function for next break TRUE FALSE NULL Inf NaN
  NA NA_integer_ NA_real_ NA_character_ in]]):gmatch("%S+") do RESERVED[w] = true end

local function syntactic (s)
  if RESERVED[s] then return false end
  if s:match("^[%a][%w._]*$") then return true end
  return s:match("^%.[%a._][%w._]*$") ~= nil or s == "."
end

local function quotename (s)
  if syntactic(s) then return s end
  return "`" .. s:gsub("\\", "\\\\"):gsub("`", "\\`") .. "`"
end

-- -------------------------------------------------------------------------
-- the lexer and parser
-- -------------------------------------------------------------------------

-- Functions a formula may call: {min args, max args, named args allowed}.
local FUNCS = {
  I = {1, 1}, factor = {1, 1}, relevel = {2, 2, ref = 2},
  offset = {1, 1}, strata = {1, 8}, Surv = {2, 3}, cbind = {1, 8},
  log = {1, 2, base = 2}, log2 = {1, 1}, log10 = {1, 1}, log1p = {1, 1},
  exp = {1, 1}, expm1 = {1, 1}, sqrt = {1, 1}, abs = {1, 1}, sign = {1, 1},
  sin = {1, 1}, cos = {1, 1}, tan = {1, 1}, asin = {1, 1}, acos = {1, 1},
  atan = {1, 1}, sinh = {1, 1}, cosh = {1, 1}, tanh = {1, 1},
  floor = {1, 1}, ceiling = {1, 1}, trunc = {1, 1}, round = {1, 2, digits = 2},
}

local function shorten (s)
  if #s > 80 then return s:sub(1, 77) .. "..." end
  return s
end

local function perr (P, msg, pos)
  if pos then
    error(fmt("formula.parse: %s at position %d in '%s'", msg, pos, shorten(P.src)), 0)
  end
  error(fmt("formula.parse: %s in '%s'", msg, shorten(P.src)), 0)
end

local OPS2 = { ["=="] = true, ["!="] = true, ["<="] = true, [">="] = true }

local function lex (P)
  local s, i, n, toks = P.src, 1, #P.src, {}
  while true do
    local c = s:sub(i, i)
    if c:match("^%s$") then
      i = i + 1
    elseif i > n then
      toks[#toks + 1] = {t = "eof", pos = n + 1}
      return toks
    elseif c:match("%d") or (c == "." and s:sub(i + 1, i + 1):match("%d")) then
      local num = s:match("^%d*%.?%d*", i)
      local j = i + #num
      local ex = s:match("^[eE][-+]?%d+", j)
      if ex then num = num .. ex; j = j + #ex end
      local v = tonumber(num)
      if v == nil or s:sub(j, j):match("[%w_.]") then perr(P, "malformed number", i) end
      toks[#toks + 1] = {t = "num", v = v, pos = i}
      i = j
    elseif c:match("[%a.]") or c:byte() >= 128 then
      local j = i
      while j <= n do
        local d = s:sub(j, j)
        if d:match("[%w._]") or d:byte() >= 128 then j = j + 1 else break end
      end
      local name = s:sub(i, j - 1)
      if name == "." then toks[#toks + 1] = {t = "dot", pos = i}
      elseif RESERVED[name] then perr(P, "unexpected '" .. name .. "'", i)
      else toks[#toks + 1] = {t = "name", v = name, pos = i} end
      i = j
    elseif c == "`" then
      local j, buf = i + 1, {}
      while true do
        local d = s:sub(j, j)
        if j > n then perr(P, "unterminated `name`", i) end
        if d == "`" then break end
        if d == "\\" and j < n then j = j + 1; d = s:sub(j, j) end
        buf[#buf + 1] = d; j = j + 1
      end
      if #buf == 0 then perr(P, "empty `name`", i) end
      toks[#toks + 1] = {t = "name", v = concat(buf), pos = i}
      i = j + 1
    elseif c == '"' or c == "'" then
      local j, buf = i + 1, {}
      while true do
        local d = s:sub(j, j)
        if j > n then perr(P, "unterminated string", i) end
        if d == c then break end
        if d == "\\" and j < n then j = j + 1; d = s:sub(j, j) end
        buf[#buf + 1] = d; j = j + 1
      end
      toks[#toks + 1] = {t = "str", v = concat(buf), pos = i}
      i = j + 1
    elseif c == "%" then
      local op = s:match("^%%[^%%]*%%", i)
      if op ~= "%in%" then perr(P, "unexpected '%'", i) end
      toks[#toks + 1] = {t = "op", v = op, pos = i}
      i = i + #op
    elseif OPS2[s:sub(i, i + 1)] then
      toks[#toks + 1] = {t = "op", v = s:sub(i, i + 1), pos = i}
      i = i + 2
    elseif c:match("[~+%-*/^:(),|=<>!]") then
      toks[#toks + 1] = {t = "op", v = c, pos = i}
      i = i + 1
    else
      perr(P, "unexpected character '" .. c .. "'", i)
    end
  end
end

-- binding powers, low to high (R's precedence); '^' is right-associative
local BP = {
  ["~"] = 1, ["|"] = 2, ["=="] = 4, ["!="] = 4, ["<"] = 4, [">"] = 4,
  ["<="] = 4, [">="] = 4, ["+"] = 5, ["-"] = 5, ["*"] = 6, ["/"] = 6,
  ["%in%"] = 7, [":"] = 8, ["^"] = 10,
}
local UNARY_BP = 9   -- unary minus: below '^', above ':'
local NOT_BP = 3     -- '!' takes a comparison

local function peek (P) return P.toks[P.i] end
local function take (P) local t = P.toks[P.i]; P.i = P.i + 1; return t end

local function unexpected (P, t)
  if t.t == "eof" then perr(P, "unexpected end of formula") end
  local what = t.t == "op" and t.v or t.t == "num" and "number " .. rnum(t.v)
    or t.t == "str" and "string" or t.t == "dot" and "." or t.v
  perr(P, "unexpected '" .. what .. "'", t.pos)
end

local function expect (P, v)
  local t = take(P)
  if t.t ~= "op" or t.v ~= v then unexpected(P, t) end
  return t
end

local parse_expr

local function parse_call (P, name)
  local spec = FUNCS[name.v]
  if not spec then perr(P, "unknown function '" .. name.v .. "'", name.pos) end
  take(P)  -- '('
  local args = {}
  if not (peek(P).t == "op" and peek(P).v == ")") then
    while true do
      local t, argname = peek(P), nil
      local nx = P.toks[P.i + 1]
      if t.t == "name" and nx.t == "op" and nx.v == "=" then
        if not spec[t.v] then
          perr(P, name.v .. "() has no argument '" .. t.v .. "'", t.pos)
        end
        argname = t.v
        P.i = P.i + 2
      end
      args[#args + 1] = {name = argname, e = parse_expr(P, 0)}
      local s = take(P)
      if s.t == "op" and s.v == ")" then break end
      if not (s.t == "op" and s.v == ",") then unexpected(P, s) end
    end
  else
    take(P)
  end
  if #args < spec[1] or #args > spec[2] then
    local want = spec[1] == spec[2] and tostring(spec[1]) or spec[1] .. " to " .. spec[2]
    perr(P, fmt("%s() takes %s argument%s, got %d", name.v, want,
      spec[2] == 1 and "" or "s", #args), name.pos)
  end
  for k, a in ipairs(args) do
    if a.name and spec[a.name] ~= k then
      perr(P, fmt("%s(): argument '%s' must come at position %d", name.v, a.name, spec[a.name]), name.pos)
    end
  end
  return {k = "call", f = name.v, args = args, pos = name.pos}
end

local function parse_prefix (P)
  local t = take(P)
  if t.t == "num" then return {k = "num", v = t.v, pos = t.pos} end
  if t.t == "str" then return {k = "str", v = t.v, pos = t.pos} end
  if t.t == "dot" then return {k = "dot", pos = t.pos} end
  if t.t == "name" then
    local nx = peek(P)
    if nx.t == "op" and nx.v == "(" then return parse_call(P, t) end
    return {k = "name", v = t.v, pos = t.pos}
  end
  if t.t == "op" then
    if t.v == "(" then
      local e = parse_expr(P, 0)
      expect(P, ")")
      return {k = "paren", e = e, pos = t.pos}
    elseif t.v == "-" or t.v == "+" then
      return {k = "un", op = t.v, e = parse_expr(P, UNARY_BP), pos = t.pos}
    elseif t.v == "!" then
      return {k = "un", op = "!", e = parse_expr(P, NOT_BP), pos = t.pos}
    elseif t.v == "~" and not P.tilde then
      P.tilde = true
      return {k = "bin", op = "~", r = parse_expr(P, BP["~"]), pos = t.pos}
    end
  end
  unexpected(P, t)
end

function parse_expr (P, minbp)
  P.depth = P.depth + 1
  if P.depth > MAXDEPTH then
    perr(P, "formula nested too deeply (more than " .. MAXDEPTH .. " levels)", peek(P).pos)
  end
  local left = parse_prefix(P)
  while true do
    local t = peek(P)
    if t.t ~= "op" then
      if t.t ~= "eof" then unexpected(P, t) end
      break
    end
    local bp = BP[t.v]
    if not bp or bp <= minbp then break end
    if t.v == "~" then
      if P.tilde then unexpected(P, t) end
      P.tilde = true
    end
    take(P)
    local rbp = bp
    if t.v == "^" then rbp = bp - 1 end
    if t.v == "==" or t.v == "<" or t.v == ">" or t.v == "!=" or t.v == "<=" or t.v == ">=" then
      local right = parse_expr(P, rbp)
      local nx = peek(P)
      if nx.t == "op" and BP[nx.v] == bp then unexpected(P, nx) end
      left = {k = "bin", op = t.v, l = left, r = right, pos = t.pos}
    else
      left = {k = "bin", op = t.v, l = left, r = parse_expr(P, rbp), pos = t.pos}
    end
  end
  P.depth = P.depth - 1
  return left
end

-- R's deparse: spaces around + - * and comparisons, none around / ^ :
local TIGHT = { ["/"] = true, ["^"] = true, [":"] = true }

local function deparse (e)
  local k = e.k
  if k == "name" then return quotename(e.v)
  elseif k == "num" then return rnum(e.v)
  elseif k == "str" then return '"' .. e.v:gsub('[\\"]', "\\%0") .. '"'
  elseif k == "dot" then return "."
  elseif k == "paren" then return "(" .. deparse(e.e) .. ")"
  elseif k == "un" then return e.op .. deparse(e.e)
  elseif k == "call" then
    local parts = {}
    for i, a in ipairs(e.args) do
      parts[i] = (a.name and a.name .. " = " or "") .. deparse(a.e)
    end
    return e.f .. "(" .. concat(parts, ", ") .. ")"
  else
    if e.l == nil then return "~" .. deparse(e.r) end
    if TIGHT[e.op] then return deparse(e.l) .. e.op .. deparse(e.r) end
    return deparse(e.l) .. " " .. e.op .. " " .. deparse(e.r)
  end
end
C.deparse = deparse

-- -------------------------------------------------------------------------
-- terms: R's EncodeVars on sets of variables
-- -------------------------------------------------------------------------

-- A term is a sorted array of variable indices with .key ("1,3").
local function mkterm (idx)
  local t = {}
  for i = 1, #idx do t[i] = idx[i] end
  t.key = concat(t, ",")
  return t
end

local function union (a, b)
  local seen, out = {}, {}
  for _, v in ipairs(a) do if not seen[v] then seen[v] = true; out[#out + 1] = v end end
  for _, v in ipairs(b) do if not seen[v] then seen[v] = true; out[#out + 1] = v end end
  table.sort(out)
  return mkterm(out)
end

-- drop repeated and empty terms, keeping the first occurrence
local function trim (list)
  local seen, out = {}, {}
  for _, t in ipairs(list) do
    if #t > 0 and not seen[t.key] then seen[t.key] = true; out[#out + 1] = t end
  end
  return out
end

local function checksize (C, n, pos)
  if n > MAXTERMS then
    perr(C.P, "formula expands to too many terms (more than " .. MAXTERMS .. ")", pos)
  end
end

local function interact (C, left, right, pos)
  checksize(C, #left * #right, pos)
  local out = {}
  for _, l in ipairs(left) do
    for _, r in ipairs(right) do out[#out + 1] = union(l, r) end
  end
  return out
end

local function append (a, b)
  local out = {}
  for _, t in ipairs(a) do out[#out + 1] = t end
  for _, t in ipairs(b) do out[#out + 1] = t end
  return out
end

local function install (C, e, label)
  label = label or deparse(e)
  local i = C.varindex[label]
  if not i then
    i = #C.vars + 1
    C.vars[i] = {label = label, e = e}
    C.varindex[label] = i
  end
  return i
end

local encode

-- The symbols used inside an expression (for '.', which leaves them out).
local function symbols (e, out)
  if e.k == "name" then out[e.v] = true
  elseif e.k == "paren" or e.k == "un" then symbols(e.e, out)
  elseif e.k == "bin" then
    if e.l then symbols(e.l, out) end
    symbols(e.r, out)
  elseif e.k == "call" then
    for _, a in ipairs(e.args) do symbols(a.e, out) end
  end
  return out
end

local function specials (e, out)
  if e.k == "call" then
    if e.f == "strata" or e.f == "offset" then symbols(e, out) end
    for _, a in ipairs(e.args) do specials(a.e, out) end
  elseif e.k == "paren" or e.k == "un" then specials(e.e, out)
  elseif e.k == "bin" then
    if e.l then specials(e.l, out) end
    specials(e.r, out)
  end
  return out
end

local function encode_var (C, e)
  if e.k == "call" then
    if e.f == "Surv" or e.f == "cbind" then
      perr(C.P, e.f .. "() belongs on the left of '~'", e.pos)
    end
    if e.f == "offset" or e.f == "strata" then
      if C.inter > 0 then
        perr(C.P, e.f .. "() cannot be part of an interaction", e.pos)
      end
      if C.part ~= 1 then perr(C.P, e.f .. "() cannot be an instrument", e.pos) end
      local i = install(C, e)
      local list = e.f == "offset" and C.offsets or C.strata
      list[#list + 1] = i
      return {}
    end
  end
  return {mkterm{install(C, e)}}
end

function encode (C, e)
  local k = e.k
  if k == "paren" then return encode(C, e.e) end
  if k == "name" or k == "call" then return encode_var(C, e) end
  if k == "num" then
    if e.v == 1 then C.intercept = C.parity
    elseif e.v == 0 then C.intercept = not C.parity
    else perr(C.P, "invalid model formula: the number " .. rnum(e.v) .. " is not a term", e.pos) end
    if C.inter > 0 then perr(C.P, "invalid model formula: 0 or 1 inside an interaction", e.pos) end
    return {}
  end
  if k == "dot" then
    if C.part == 2 then return C.dotterms or {} end
    if C.inter > 0 and not C.names then
      return {mkterm{install(C, e, ".")}}
    end
    if not C.names then return {mkterm{install(C, e, ".")}} end
    local out = {}
    for _, name in ipairs(C.names) do
      if not C.exclude[name] then
        out[#out + 1] = mkterm{install(C, {k = "name", v = name, pos = e.pos})}
      end
    end
    return out
  end
  if k == "un" then
    if e.op == "+" then return encode(C, e.e) end
    if e.op == "-" then
      C.parity = not C.parity
      encode(C, e.e)
      C.parity = not C.parity
      return {}
    end
    perr(C.P, "invalid model formula: '!' outside I()", e.pos)
  end
  if k == "str" then perr(C.P, "invalid model formula: a string is not a term", e.pos) end
  -- binary operators
  local op = e.op
  if op == "+" then
    local l = encode(C, e.l)
    local r = encode(C, e.r)
    checksize(C, #l + #r, e.pos)
    return trim(append(l, r))
  elseif op == "-" then
    local l = encode(C, e.l)
    C.parity = not C.parity
    local r = encode(C, e.r)
    C.parity = not C.parity
    local drop, out = {}, {}
    for _, t in ipairs(r) do drop[t.key] = true end
    for _, t in ipairs(l) do if not drop[t.key] then out[#out + 1] = t end end
    return out
  elseif op == ":" or op == "*" or op == "%in%" or op == "/" then
    C.inter = C.inter + 1
    local l = encode(C, e.l)
    local r = encode(C, e.r)
    C.inter = C.inter - 1
    if op == ":" or op == "%in%" then
      if op == "%in%" then
        local all = mkterm{}
        for _, t in ipairs(r) do all = union(all, t) end
        r = {all}
      end
      return trim(interact(C, l, r, e.pos))
    elseif op == "*" then
      local lr = interact(C, l, r, e.pos)
      checksize(C, #l + #r + #lr, e.pos)
      return trim(append(append(l, r), lr))
    else  -- a/b = a + (all of a):b
      local all = mkterm{}
      for _, t in ipairs(l) do all = union(all, t) end
      local nested = interact(C, {all}, r, e.pos)
      return trim(append(l, nested))
    end
  elseif op == "^" then
    local p = e.r
    while p.k == "paren" do p = p.e end
    if p.k ~= "num" or p.v ~= floor(p.v) or p.v < 2 then
      perr(C.P, "invalid power in formula", e.pos)
    end
    C.inter = C.inter + 1
    local l = encode(C, e.l)
    C.inter = C.inter - 1
    local res = l
    -- crossing more times than there are variables changes nothing
    local nvars = {}
    for _, t in ipairs(l) do for _, v in ipairs(t) do nvars[v] = true end end
    local nv = 0
    for _ in pairs(nvars) do nv = nv + 1 end
    for _ = 2, math.min(p.v, nv + 1) do res = trim(interact(C, l, res, e.pos)) end
    return res
  elseif op == "|" then
    perr(C.P, "invalid model formula: '|' only separates instruments, once", e.pos)
  elseif op == "~" then
    perr(C.P, "invalid model formula: a second '~'", e.pos)
  end
  perr(C.P, "invalid model formula: '" .. op .. "' outside I()", e.pos)
end

-- Stable sort by order (number of variables), then labels.
local function finish_terms (C, list)
  local resp = C.response_var
  local out = {}
  for i, t in ipairs(list) do
    if not (resp and #t == 1 and t[1] == resp) then out[#out + 1] = {t = t, i = i} end
  end
  table.sort(out, function (a, b)
    if #a.t ~= #b.t then return #a.t < #b.t end
    return a.i < b.i
  end)
  local terms = {}
  for i, o in ipairs(out) do
    local t = o.t
    local parts = {}
    for j, v in ipairs(t) do parts[j] = C.vars[v].label end
    t.label = concat(parts, ":")
    terms[i] = t
  end
  return terms
end

-- Expands a parsed formula into terms; names (the frame's columns) expand '.'.
local function build (F, names)
  local C = {P = F.P, vars = {}, varindex = {}, offsets = {}, strata = {},
             inter = 0, parity = true, intercept = true, names = names, part = 1}
  if F.lhs then C.response_var = install(C, F.lhs) end
  -- '.' leaves out the response's symbols and those in strata() and offset()
  C.exclude = {}
  if F.lhs then symbols(F.lhs, C.exclude) end
  specials(F.rhs, C.exclude)
  local terms = finish_terms(C, encode(C, F.rhs))
  local B = {vars = C.vars, terms = terms, intercept = C.intercept,
             offsets = C.offsets, strata = C.strata, response = C.response_var}
  if F.rhs2 then
    C.part, C.parity, C.intercept, C.dotterms = 2, true, true, terms
    B.zterms = finish_terms(C, encode(C, F.rhs2))
    B.zintercept = C.intercept
  end
  return B
end

local FORMULA_MT = {}
FORMULA_MT.__index = FORMULA_MT
FORMULA_MT.__tostring = function (F) return "formula: " .. F.formula end

--- Parses a formula string into its parts.
function M.parse (s)
  if getmetatable(s) == FORMULA_MT then return s end
  if type(s) ~= "string" then
    error("formula.parse: expected a string, got " .. type(s), 2)
  end
  local P = {src = s, depth = 0, i = 1}
  P.toks = lex(P)
  local e = parse_expr(P, 0)
  if peek(P).t ~= "eof" then unexpected(P, peek(P)) end
  if not (e.k == "bin" and e.op == "~") then perr(P, "no '~' (a formula is 'y ~ terms')") end
  local F = setmetatable({formula = s, P = P}, FORMULA_MT)
  F.lhs = e.l
  local rhs = e.r
  if rhs.k == "bin" and rhs.op == "|" then
    F.rhs, F.rhs2 = rhs.l, rhs.r
  else
    F.rhs = rhs
  end
  -- the response
  if F.lhs then
    local l = F.lhs
    while l.k == "paren" do l = l.e end
    local r = {label = deparse(F.lhs), expr = F.lhs}
    if l.k == "call" and l.f == "Surv" then
      r.kind = "surv"
      r.args = {}
      for i, a in ipairs(l.args) do r.args[i] = deparse(a.e) end
    elseif l.k == "call" and l.f == "cbind" then r.kind = "cbind"
    elseif l.k == "name" then r.kind = "name"
    else r.kind = "expr" end
    if l.k == "dot" then perr(P, "'.' cannot be the response", l.pos) end
    F.response = r
  end
  local B = build(F, nil)
  F.terms, F.intercept = {}, B.intercept
  for i, t in ipairs(B.terms) do F.terms[i] = t.label end
  F.variables = {}
  for i, v in ipairs(B.vars) do F.variables[i] = v.label end
  F.offset, F.strata = {}, {}
  for i, v in ipairs(B.offsets) do F.offset[i] = B.vars[v].label end
  for i, v in ipairs(B.strata) do F.strata[i] = B.vars[v].label end
  if B.zterms then
    F.instruments = {terms = {}, intercept = B.zintercept}
    for i, t in ipairs(B.zterms) do F.instruments.terms[i] = t.label end
  end
  return F
end

-- -------------------------------------------------------------------------
-- evaluating variables on a frame
-- -------------------------------------------------------------------------
-- A value is {t = "num", v = array} (NaN missing), {t = "fac", codes = array,
-- levels = array, lgl = logical?} or a scalar {t = "sc", v = number} / {t = "str"}.

local function is_mat (v)
  local mt = getmetatable(v)
  return mt ~= nil and type(mt) == "table" and mt.__name == "mat"
end

local function is_factor (v)
  if type(v) ~= "table" and type(v) ~= "userdata" then return false end
  if is_mat(v) then return false end
  local ok, lv = pcall(function () return v.levels end)
  return ok and type(lv) == "table"
end

local function getcolumn (E, name)
  local c = E.cache[name]
  if c then return c end
  if not E.has[name] then
    error(fmt("%s: unknown column '%s' in the data", E.fn, name), 0)
  end
  local col = E.getcol(name)
  local n = E.n
  if is_mat(col) then
    if col:rows() ~= n or col:cols() ~= 1 then
      error(fmt("%s: column '%s' is a %d x %d matrix, expected %d x 1", E.fn, name,
        col:rows(), col:cols(), n), 0)
    end
    c = {t = "num", v = n > 0 and col:totable() or {}}
  elseif is_factor(col) then
    local codes = col.codes
    local v = {}
    if is_mat(codes) then
      if n > 0 then v = codes:totable() end
    else
      for i = 1, n do v[i] = codes[i] or 0 / 0 end
    end
    local levels = {}
    for i, l in ipairs(col.levels) do levels[i] = l end
    c = {t = "fac", codes = v, levels = levels}
  else
    error(fmt("%s: column '%s' is neither numeric nor a factor", E.fn, name), 0)
  end
  E.cache[name] = c
  return c
end

local MATH = {
  log = math.log, exp = math.exp, sqrt = math.sqrt, abs = math.abs,
  sin = math.sin, cos = math.cos, tan = math.tan, asin = math.asin, acos = math.acos,
  atan = math.atan, floor = math.floor, ceiling = math.ceil,
  log2 = function (x) return math.log(x, 2) end,
  log10 = function (x) return math.log(x, 10) end,
  -- log1p/expm1 keep full precision near 0 (no log(1 + x) cancellation)
  log1p = function (x)
    local u = 1 + x
    if u == 1 then return x end
    if u == huge then return u end
    return math.log(u) * x / (u - 1)
  end,
  cosh = function (x) return (math.exp(x) + math.exp(-x)) / 2 end,
  sign = function (x) if x > 0 then return 1 elseif x < 0 then return -1 end return x end,
  trunc = function (x)
    if x ~= x or x == huge or x == -huge then return x end
    return x >= 0 and math.floor(x) or math.ceil(x)
  end,
}
-- sqrt and log of negatives: NaN (a missing value, as R), not an error
local function math_sqrt (x) if x < 0 then return 0 / 0 end return math.sqrt(x) end
local function math_log (x) if x < 0 then return 0 / 0 end return math.log(x) end
MATH.sqrt, MATH.log = math_sqrt, math_log
MATH.log2 = function (x) if x < 0 then return 0 / 0 end return math.log(x, 2) end
MATH.log10 = function (x) if x < 0 then return 0 / 0 end return math.log(x, 10) end
-- expm1 by Kahan's correction: (u - 1) x / log(u) with u = exp(x) cancels the
-- rounding of u; sinh and tanh through it keep their precision near 0
local function expm1 (x)
  local u = math.exp(x)
  if u == 1 then return x end
  local um1 = u - 1
  if um1 == -1 or u == huge then return um1 end
  return um1 * x / math.log(u)
end
MATH.expm1 = expm1
MATH.sinh = function (x) return (expm1(x) - expm1(-x)) / 2 end
MATH.tanh = function (x)
  if x > 20 then return 1 elseif x < -20 then return -1 end
  local e = expm1(2 * x)
  return e / (e + 2)
end
local log1p = MATH.log1p
MATH.log1p = function (x) if x < -1 then return 0 / 0 end return log1p(x) end
MATH.asin = function (x) if x < -1 or x > 1 then return 0 / 0 end return math.asin(x) end
MATH.acos = function (x) if x < -1 or x > 1 then return 0 / 0 end return math.acos(x) end

local function round_half_even (x, digits)
  if x ~= x or x == huge or x == -huge then return x end
  local p = 10 ^ digits
  local y = x * p
  local r = floor(y + 0.5)
  if r - y == 0.5 and r % 2 ~= 0 then r = r - 1 end
  return r / p
end

local evaluate

local function numeric (E, val, e)
  if val.t == "num" or val.t == "sc" then return val end
  if val.t == "fac" and val.lgl then
    local v = {}
    for i, c in ipairs(val.codes) do v[i] = c - 1 end
    return {t = "num", v = v}
  end
  if val.t == "fac" then
    error(fmt("%s: '%s' is a factor; arithmetic needs numbers", E.fn, deparse(e)), 0)
  end
  error(fmt("%s: '%s' is a string, not a number", E.fn, deparse(e)), 0)
end

local function map1 (E, val, f)
  if val.t == "sc" then return {t = "sc", v = f(val.v)} end
  local out = {}
  for i = 1, E.n do out[i] = f(val.v[i]) end
  return {t = "num", v = out}
end

local ARITH = {
  ["+"] = function (a, b) return a + b end, ["-"] = function (a, b) return a - b end,
  ["*"] = function (a, b) return a * b end, ["/"] = function (a, b) return a / b end,
  ["^"] = function (a, b)
    if a ~= a or b ~= b then return (a == 1 or b == 0) and 1 or 0 / 0 end
    return a ^ b
  end,
}
local COMPARE = {
  ["=="] = function (a, b) return a == b end, ["!="] = function (a, b) return a ~= b end,
  ["<"] = function (a, b) return a < b end, [">"] = function (a, b) return a > b end,
  ["<="] = function (a, b) return a <= b end, [">="] = function (a, b) return a >= b end,
}

local function lgl (E, f, a, b)
  local codes = {}
  for i = 1, E.n do
    local x = a.t == "sc" and a.v or a.v[i]
    local y = b and (b.t == "sc" and b.v or b.v[i])
    if x ~= x or (b and y ~= y) then codes[i] = 0 / 0
    else codes[i] = f(x, y) and 2 or 1 end
  end
  return {t = "fac", codes = codes, levels = {"FALSE", "TRUE"}, lgl = true}
end

-- g == "lvl" and g != "lvl" on a factor compare its labels, as R does; a
-- label that is not a level matches no row
local function label_compare (E, op, fac, str)
  local k = 0
  for i, l in ipairs(fac.levels) do if l == str.v then k = i break end end
  return lgl(E, COMPARE[op], {t = "num", v = fac.codes}, {t = "sc", v = k})
end

local function binop (E, e)
  local a, b = evaluate(E, e.l), evaluate(E, e.r)
  if e.op == "==" or e.op == "!=" then
    if a.t == "fac" and not a.lgl and b.t == "str" then return label_compare(E, e.op, a, b) end
    if b.t == "fac" and not b.lgl and a.t == "str" then return label_compare(E, e.op, b, a) end
  end
  a, b = numeric(E, a, e.l), numeric(E, b, e.r)
  local f = ARITH[e.op]
  if f then
    if a.t == "sc" and b.t == "sc" then return {t = "sc", v = f(a.v, b.v)} end
    local out = {}
    for i = 1, E.n do
      out[i] = f(a.t == "sc" and a.v or a.v[i], b.t == "sc" and b.v or b.v[i])
    end
    return {t = "num", v = out}
  end
  f = COMPARE[e.op]
  if f then
    if a.t == "sc" and b.t == "sc" then
      error(fmt("%s: '%s' compares two constants", E.fn, deparse(e)), 0)
    end
    return lgl(E, f, a, b)
  end
  error(fmt("%s: '%s' is not supported inside an expression", E.fn, e.op), 0)
end

-- factor() of a numeric variable: levels sorted numerically, named as R prints them
local function as_factor (E, val, e)
  if val.t == "fac" then
    if val.lgl then
      -- factor(TRUE/FALSE): the observed values, FALSE first
      local seen = {}
      for _, c in ipairs(val.codes) do if c == c then seen[c] = true end end
      local levels, map = {}, {}
      for c = 1, 2 do
        if seen[c] then levels[#levels + 1] = val.levels[c]; map[c] = #levels end
      end
      local codes = {}
      for i, c in ipairs(val.codes) do codes[i] = c == c and map[c] or 0 / 0 end
      return {t = "fac", codes = codes, levels = levels}
    end
    return val
  end
  if val.t ~= "num" then
    error(fmt("%s: factor() needs a column, got '%s'", E.fn, deparse(e)), 0)
  end
  local seen, uniq = {}, {}
  for _, x in ipairs(val.v) do
    if x == huge or x == -huge then
      error(fmt("%s: '%s' has an infinite value", E.fn, deparse(e)), 0)
    end
    if x == x and not seen[x] then seen[x] = true; uniq[#uniq + 1] = x end
  end
  table.sort(uniq)
  -- values printing alike (at 15 digits) share a level, as in R
  local levels, index = {}, {}
  for _, x in ipairs(uniq) do
    local s = rnum(x)
    if not index[s] then levels[#levels + 1] = s; index[s] = #levels end
  end
  local codes = {}
  for i, x in ipairs(val.v) do codes[i] = x == x and index[rnum(x)] or 0 / 0 end
  return {t = "fac", codes = codes, levels = levels, numeric = true}
end

local function relevel (E, val, refv, e)
  if val.t ~= "fac" or val.lgl then
    error(fmt("%s: relevel() needs a factor, got '%s'", E.fn, deparse(e.args[1].e)), 0)
  end
  local k
  if refv.t == "str" then
    for i, l in ipairs(val.levels) do if l == refv.v then k = i end end
    if not k then
      error(fmt("%s: '%s' is not a level of '%s'", E.fn, refv.v, deparse(e.args[1].e)), 0)
    end
  elseif refv.t == "sc" then
    k = refv.v
    if k ~= floor(k) or k < 1 or k > #val.levels then
      error(fmt("%s: relevel(): level number %s out of range", E.fn, rnum(k)), 0)
    end
  else
    error(fmt("%s: relevel(): the reference must be a level name", E.fn), 0)
  end
  local levels, map = {val.levels[k]}, {[k] = 1}
  for i, l in ipairs(val.levels) do
    if i ~= k then levels[#levels + 1] = l; map[i] = #levels end
  end
  local codes = {}
  for i, c in ipairs(val.codes) do codes[i] = c == c and map[c] or 0 / 0 end
  return {t = "fac", codes = codes, levels = levels, numeric = val.numeric}
end

function evaluate (E, e)
  local k = e.k
  if k == "name" then return getcolumn(E, e.v) end
  if k == "num" then return {t = "sc", v = e.v} end
  if k == "str" then return {t = "str", v = e.v} end
  if k == "paren" then return evaluate(E, e.e) end
  if k == "dot" then error(fmt("%s: '.' inside an expression", E.fn), 0) end
  if k == "un" then
    local a = evaluate(E, e.e)
    if e.op == "!" then
      a = numeric(E, a, e.e)
      return lgl(E, function (x) return x == 0 end, a)
    end
    a = numeric(E, a, e.e)
    if e.op == "+" then return a end
    return map1(E, a, function (x) return -x end)
  end
  if k == "bin" then
    if e.op == ":" or e.op == "|" or e.op == "~" or e.op == "%in%" then
      error(fmt("%s: '%s' is not supported inside an expression", E.fn, e.op), 0)
    end
    return binop(E, e)
  end
  -- calls
  local f = e.f
  local function arg (i) return evaluate(E, e.args[i].e) end
  if f == "I" then return arg(1) end
  if f == "factor" then return as_factor(E, arg(1), e.args[1].e) end
  if f == "relevel" then return relevel(E, arg(1), arg(2), e) end
  if f == "offset" then return numeric(E, arg(1), e.args[1].e) end
  if f == "strata" or f == "Surv" or f == "cbind" then
    error(fmt("%s: %s() is not allowed here", E.fn, f), 0)
  end
  local x = numeric(E, arg(1), e.args[1].e)
  if f == "log" and e.args[2] then
    local b = numeric(E, arg(2), e.args[2].e)
    if b.t ~= "sc" then error(fmt("%s: log(): the base must be a number", E.fn), 0) end
    local lb = math.log(b.v)
    return map1(E, x, function (u) return math_log(u) / lb end)
  end
  if f == "round" then
    local d = 0
    if e.args[2] then
      local dv = numeric(E, arg(2), e.args[2].e)
      if dv.t ~= "sc" then error(fmt("%s: round(): digits must be a number", E.fn), 0) end
      d = dv.v
    end
    return map1(E, x, function (u) return round_half_even(u, d) end)
  end
  local g = MATH[f]
  return map1(E, x, function (u) if u ~= u then return u end return g(u) end)
end

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

-- Builds the columns of x for rows 1..n of the evaluated variables.
local function columns (fn, terms, codes, vals, vars, n, intercept_col)
  local cols, names = {}, {}
  if intercept_col then
    local one = {}
    for i = 1, n do one[i] = 1 end
    cols[1], names[1] = one, "(Intercept)"
  end
  for ti, t in ipairs(terms) do
    local tc, tn = {{}}, {""}
    for i = 1, n do tc[1][i] = 1 end
    for _, v in ipairs(t) do
      local val, label = vals[v], vars[v].label
      if val.t == "num" then
        for j, c in ipairs(tc) do
          for i = 1, n do c[i] = c[i] * val.v[i] end
          tn[j] = tn[j] == "" and label or tn[j] .. ":" .. label
        end
      else
        local code = codes[ti][v]
        local first = code == 1 and 2 or 1
        if code == 1 and #val.levels < 2 then
          error(fmt("%s: factor '%s' has %s; contrasts need at least two", fn, label,
            #val.levels == 0 and "no levels" or "only the level '" .. val.levels[1] .. "'"), 0)
        end
        local nc, nn = {}, {}
        if #tc * (#val.levels - first + 1) + #cols > MAXCOLS then
          error(fmt("%s: the design matrix would have more than %d columns", fn, MAXCOLS), 0)
        end
        for lev = first, #val.levels do
          for j, c in ipairs(tc) do
            local out = {}
            for i = 1, n do
              local cd = val.codes[i]
              out[i] = cd ~= cd and 0 / 0 or (cd == lev and c[i] or 0)
            end
            nc[#nc + 1] = out
            local part = label .. val.levels[lev]
            nn[#nn + 1] = tn[j] == "" and part or tn[j] .. ":" .. part
          end
        end
        tc, tn = nc, nn
      end
    end
    for j, c in ipairs(tc) do cols[#cols + 1] = c; names[#names + 1] = tn[j] end
    if #cols > MAXCOLS then
      error(fmt("%s: the design matrix would have more than %d columns", fn, MAXCOLS), 0)
    end
  end
  return cols, names
end

-- One flat column-major array, made a matrix by a single C call.
local function tomat (cols, n)
  local p = #cols
  if n * p == 0 then return mat.zeros(n, p) end
  local flat, k = {}, 0
  for j = 1, p do
    local c = cols[j]
    for i = 1, n do flat[k + i] = c[i] end
    k = k + n
  end
  local X = mat.vec(flat)
  if p > 1 then X = X:reshape(n, p) end
  return X
end

local function colmat (v, n)
  return tomat({v}, n)
end

-- -------------------------------------------------------------------------
-- model_frame
-- -------------------------------------------------------------------------

local function checkframe (fn, df)
  if (type(df) ~= "table" and type(df) ~= "userdata") or is_mat(df) then
    error(fmt("%s: 'data' must be a frame, got %s", fn, is_mat(df) and "a matrix" or type(df)), 0)
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
    error(fmt("%s: 'data' must be a frame (with :names() and :nrow())", fn), 0)
  end
  local has = {}
  for _, name in ipairs(names) do has[name] = true end
  return names, floor(n), has, function (name) return df[name] end
end

local MF_OPTS = { na = true, extra = true, intercept = true, drop_unused = true }

local function subset_num (v, rows)
  local out = {}
  for i, r in ipairs(rows) do out[i] = v[r] end
  return out
end

-- the kept rows of a value; factors lose the levels that no longer occur
local function subset_val (val, rows, drop)
  if val.t == "num" then return {t = "num", v = subset_num(val.v, rows)} end
  if val.t ~= "fac" then return val end
  local codes = subset_num(val.codes, rows)
  if not drop or val.lgl then
    return {t = "fac", codes = codes, levels = val.levels, lgl = val.lgl, numeric = val.numeric}
  end
  local used = {}
  for _, c in ipairs(codes) do used[c] = true end
  local levels, map = {}, {}
  for l, name in ipairs(val.levels) do
    if used[l] then levels[#levels + 1] = name; map[l] = #levels end
  end
  for i, c in ipairs(codes) do codes[i] = map[c] end
  return {t = "fac", codes = codes, levels = levels, numeric = val.numeric}
end

local function checkinf (fn, label, val)
  if val.t ~= "num" then return end
  for i, x in ipairs(val.v) do
    if x == huge or x == -huge then
      error(fmt("%s: '%s' has an infinite value at row %d", fn, label, i), 0)
    end
  end
end

--- Evaluates a formula on a frame: response, design matrix and the rest.
function M.model_frame (f, df, opts)
  local fn = "formula.model_frame"
  local F
  if getmetatable(f) == FORMULA_MT then F = f
  elseif type(f) == "string" then F = M.parse(f)
  else error(fmt("%s: 'formula' must be a string, got %s", fn, type(f)), 2) end
  opts = opts or {}
  if type(opts) ~= "table" then error(fmt("%s: 'opts' must be a table", fn), 2) end
  for k in pairs(opts) do
    if not MF_OPTS[k] then error(fmt("%s: unknown option '%s'", fn, tostring(k)), 2) end
  end
  local na = opts.na or "omit"
  if na ~= "omit" and na ~= "fail" then
    error(fmt("%s: na must be \"omit\" or \"fail\", got %s", fn, tostring(na)), 2)
  end
  local want_intercept = opts.intercept
  if want_intercept == nil then want_intercept = true end
  if type(want_intercept) ~= "boolean" then error(fmt("%s: intercept must be a boolean", fn), 2) end
  local drop = opts.drop_unused
  if drop == nil then drop = true end
  local extra = opts.extra or {}
  if type(extra) == "string" then extra = {extra} end
  if type(extra) ~= "table" then error(fmt("%s: extra must be an array of column names", fn), 2) end

  local names, N, has, getcol = checkframe(fn, df)
  local B = build(F, names)
  local E = {fn = fn, getcol = getcol, n = N, has = has, cache = {}}

  -- evaluate every variable on all rows (as R's model.frame), then drop rows
  local vals = {}
  local function use (v) if not vals[v] then vals[v] = evaluate(E, B.vars[v].e) end return vals[v] end
  local used = {}   -- {label, value} of everything whose missing values drop rows
  local response
  if F.lhs then
    local l = F.lhs
    while l.k == "paren" do l = l.e end
    if l.k == "call" and (l.f == "Surv" or l.f == "cbind") then
      response = {kind = l.f, parts = {}}
      for i, a in ipairs(l.args) do
        local val = numeric(E, evaluate(E, a.e), a.e)
        if val.t ~= "num" then error(fmt("%s: %s() argument %d is a constant", fn, l.f, i), 0) end
        response.parts[i] = val
        used[#used + 1] = {deparse(a.e), val}
      end
    else
      local val = use(B.response)
      if val.t == "sc" or val.t == "str" then
        error(fmt("%s: the response '%s' is a constant", fn, B.vars[B.response].label), 0)
      end
      response = {kind = "single", val = val}
      used[#used + 1] = {B.vars[B.response].label, val}
    end
  end
  local function usevars (terms)
    for _, t in ipairs(terms) do
      for _, v in ipairs(t) do
        local val = use(v)
        if val.t == "sc" or val.t == "str" then
          error(fmt("%s: the term '%s' is a constant", fn, B.vars[v].label), 0)
        end
        used[#used + 1] = {B.vars[v].label, val}
      end
    end
  end
  usevars(B.terms)
  if B.zterms then usevars(B.zterms) end
  for _, v in ipairs(B.offsets) do
    local val = use(v)
    if val.t == "sc" then
      local c = {}
      for i = 1, N do c[i] = val.v end
      val = {t = "num", v = c}
      vals[v] = val
    end
    used[#used + 1] = {B.vars[v].label, val}
  end
  for _, v in ipairs(B.strata) do
    local e = B.vars[v].e
    local parts = {}
    for i, a in ipairs(e.args) do
      local val = evaluate(E, a.e)
      if val.t == "num" then val = as_factor(E, val, a.e) end
      if val.t ~= "fac" then error(fmt("%s: strata() needs columns", fn), 0) end
      parts[i] = {label = deparse(a.e), val = val}
      used[#used + 1] = {deparse(a.e), val}
    end
    vals[v] = {t = "strata", parts = parts}
  end
  local extras = {}
  for i, name in ipairs(extra) do
    if type(name) ~= "string" then error(fmt("%s: extra[%d] must be a column name", fn, i), 2) end
    local val = getcolumn(E, name)
    extras[name] = val
    used[#used + 1] = {name, val}
  end

  -- rows with a missing value anywhere are dropped (na.omit) or an error;
  -- checked a variable at a time (each once), the first variable named
  local seen, uniq = {}, {}
  for _, u in ipairs(used) do
    if not seen[u[2]] then seen[u[2]] = true; uniq[#uniq + 1] = u end
  end
  local bad = {}
  for _, u in ipairs(uniq) do
    local val = u[2]
    local arr = val.t == "num" and val.v or val.t == "fac" and val.codes
    if arr then
      for i = 1, N do
        local x = arr[i]
        if x ~= x and not bad[i] then bad[i] = u[1] end
      end
    end
  end
  local rows, keep = {}, {}
  for i = 1, N do
    if bad[i] and na == "fail" then
      error(fmt("%s: missing value in '%s' at row %d (na = \"fail\")", fn, bad[i], i), 0)
    end
    keep[i] = not bad[i]
    if not bad[i] then rows[#rows + 1] = i end
  end
  local n = #rows
  if N == 0 then error(fmt("%s: the data have no rows", fn), 0) end
  if n == 0 then
    error(fmt("%s: no complete rows: each of the %d rows has a missing value", fn, N), 0)
  end
  for _, u in ipairs(uniq) do
    if u[2].t == "num" then
      local v = u[2].v
      for _, r in ipairs(rows) do
        local x = v[r]
        if x == huge or x == -huge then
          error(fmt("%s: '%s' has an infinite value at row %d", fn, u[1], r), 0)
        end
      end
    end
  end

  local res = {n = n, n_dropped = N - n, keep = keep}
  local sv = {}
  for v, val in pairs(vals) do
    if val.t ~= "strata" then sv[v] = subset_val(val, rows, drop) end
  end
  -- the response
  if response then
    if response.kind == "single" then
      local val = sv[B.response]
      if val.t == "fac" then
        res.y = colmat(val.codes, n)
        res.ylevels = val.levels
      else
        res.y = colmat(val.v, n)
      end
      res.yname = B.vars[B.response].label
    elseif response.kind == "cbind" then
      local cols = {}
      for i, p in ipairs(response.parts) do cols[i] = subset_num(p.v, rows) end
      res.y = tomat(cols, n)
      res.yname = B.vars[B.response].label
    else
      local p = response.parts
      local s = {}
      for i, q in ipairs(p) do s[i] = colmat(subset_num(q.v, rows), n) end
      if #p == 2 then res.surv = {time = s[1], status = s[2]}
      else res.surv = {start = s[1], time = s[2], status = s[3]} end
      res.yname = B.vars[B.response].label
    end
  end
  -- x and z
  local isfac = {}
  for v, val in pairs(sv) do isfac[v] = val.t == "fac" end
  -- as R's model.matrix: every factor in a term needs two levels, whatever its coding
  for _, terms in ipairs{B.terms, B.zterms or {}} do
    for _, t in ipairs(terms) do
      for _, v in ipairs(t) do
        local val = sv[v]
        if val.t == "fac" and #val.levels < 2 then
          error(fmt("%s: factor '%s' has %s; contrasts need at least two levels", fn,
            B.vars[v].label, #val.levels == 0 and "no levels"
              or "only the level '" .. val.levels[1] .. "'"), 0)
        end
      end
    end
  end
  local xint = B.intercept
  local codes = termcodes(B.terms, isfac, xint)
  local cols, cn = columns(fn, B.terms, codes, sv, B.vars, n, xint and want_intercept)
  res.x, res.names, res.intercept = tomat(cols, n), cn, xint and want_intercept
  local info = {vars = B.vars, terms = B.terms, codes = codes, offsets = B.offsets,
                intercept = res.intercept, levels = {}}
  if B.zterms then
    local zcodes = termcodes(B.zterms, isfac, B.zintercept)
    local zc, zn = columns(fn, B.zterms, zcodes, sv, B.vars, n, B.zintercept and want_intercept)
    res.z, res.znames = tomat(zc, n), zn
    info.zterms, info.zcodes = B.zterms, zcodes
    info.zintercept = B.zintercept and want_intercept
  end
  for v, val in pairs(sv) do
    if val.t == "fac" then info.levels[v] = val.levels end
  end
  -- offset: the sum of the offset() terms
  if #B.offsets > 0 then
    local o = {}
    for i = 1, n do o[i] = 0 end
    for _, v in ipairs(B.offsets) do
      for i = 1, n do o[i] = o[i] + sv[v].v[i] end
    end
    res.offset = colmat(o, n)
  end
  -- strata: as survival's strata(), one level per combination that occurs,
  -- ordered by the first variable, then the next; a single variable keeps
  -- its level names, several give "g=a, k=6". Several strata() terms are
  -- combined the same way with short labels ("a, 6"), as coxph does.
  if #B.strata > 0 then
    local function combine (parts, short)
      local keys, combos, rowkey = {}, {}, {}
      for i = 1, n do
        local k = {}
        for j, p in ipairs(parts) do k[j] = p.codes[i] end
        local key = concat(k, ",")
        rowkey[i] = key
        if not keys[key] then keys[key] = k; combos[#combos + 1] = key end
      end
      table.sort(combos, function (a, b)
        local ka, kb = keys[a], keys[b]
        for j = 1, #ka do if ka[j] ~= kb[j] then return ka[j] < kb[j] end end
        return false
      end)
      local index, labels = {}, {}
      for c, key in ipairs(combos) do
        index[key] = c
        local lab = {}
        for j, p in ipairs(parts) do
          local l = p.levels[keys[key][j]]
          lab[j] = (short or #parts == 1) and l or p.label .. "=" .. l
        end
        labels[c] = concat(lab, ", ")
      end
      local codes = {}
      for i = 1, n do codes[i] = index[rowkey[i]] end
      return {codes = codes, levels = labels}
    end
    local terms = {}
    for t, v in ipairs(B.strata) do
      local parts = {}
      for j, p in ipairs(vals[v].parts) do
        parts[j] = {label = p.label, levels = p.val.levels, codes = subset_num(p.val.codes, rows)}
      end
      terms[t] = combine(parts, false)
    end
    local st = #terms == 1 and terms[1] or combine(terms, true)
    res.strata, res.strata_levels = colmat(st.codes, n), st.levels
  end
  -- extra columns (weights, clusters, ...): factors give their level codes
  if #extra > 0 then
    res.extra = {}
    for name, val in pairs(extras) do
      res.extra[name] = colmat(subset_num(val.t == "num" and val.v or val.codes, rows), n)
    end
  end
  res.info = info
  return res
end

-- -------------------------------------------------------------------------
-- design on new data
-- -------------------------------------------------------------------------

-- Maps a value evaluated on new data onto the levels the fit used.
local function recode (fn, label, val, levels)
  local index = {}
  for i, l in ipairs(levels) do index[l] = i end
  local codes = {}
  if val.t == "fac" then
    local map = {}
    for i, l in ipairs(val.levels) do map[i] = index[l] end
    for i, c in ipairs(val.codes) do
      if c ~= c then codes[i] = c
      else
        codes[i] = map[c]
        if not codes[i] then
          error(fmt("%s: factor '%s' has a new level '%s'", fn, label, val.levels[c]), 0)
        end
      end
    end
  else
    error(fmt("%s: '%s' was a factor in the fit but is numeric here", fn, label), 0)
  end
  return {t = "fac", codes = codes, levels = levels}
end

--- Rebuilds x (and z, offset) for new rows with the coding of a model frame.
function M.design (mf, newdata)
  local fn = "formula.design"
  if type(mf) ~= "table" then error(fn .. ": expected the result of formula.model_frame", 2) end
  local info = mf.info or mf
  if type(info.terms) ~= "table" or type(info.vars) ~= "table" then
    error(fn .. ": expected the result of formula.model_frame", 2)
  end
  local _, N, has, getcol = checkframe(fn, newdata)
  local E = {fn = fn, getcol = getcol, n = N, has = has, cache = {}}
  local vals = {}
  local function need (terms)
    for _, t in ipairs(terms) do
      for _, v in ipairs(t) do
        if not vals[v] then
          local val = evaluate(E, info.vars[v].e)
          local label = info.vars[v].label
          if info.levels[v] then
            if val.t == "num" and info.vars[v].e.k == "call" and info.vars[v].e.f == "factor" then
              val = as_factor(E, val, info.vars[v].e)
            end
            val = recode(fn, label, val, info.levels[v])
          elseif val.t == "fac" then
            error(fmt("%s: '%s' was numeric in the fit but is a factor here", fn, label), 0)
          else
            checkinf(fn, label, val)
          end
          vals[v] = val
        end
      end
    end
  end
  need(info.terms)
  local cols, cn = columns(fn, info.terms, info.codes, vals, info.vars, N, info.intercept)
  local res = {x = tomat(cols, N), names = cn, n = N}
  if info.zterms then
    need(info.zterms)
    local zc, zn = columns(fn, info.zterms, info.zcodes, vals, info.vars, N, info.zintercept)
    res.z, res.znames = tomat(zc, N), zn
  end
  if #info.offsets > 0 then
    local o = {}
    for i = 1, N do o[i] = 0 end
    for _, v in ipairs(info.offsets) do
      local val = numeric(E, evaluate(E, info.vars[v].e), info.vars[v].e)
      checkinf(fn, info.vars[v].label, val)
      for i = 1, N do o[i] = o[i] + (val.t == "sc" and val.v or val.v[i]) end
    end
    res.offset = colmat(o, N)
  end
  return res
end

-- -------------------------------------------------------------------------
-- documentation
-- -------------------------------------------------------------------------

help.doc(M.parse, "formula.parse", [[
formula.parse(s) -> the parsed formula
  Fields: .formula (s), .response = {kind = "name"|"expr"|"surv"|"cbind", label =, args =}
  (nil for "~ x"), .terms (R's term labels, in R's order), .intercept, .variables,
  .offset and .strata (labels), .instruments = {terms =, intercept =} after '|'.
  Syntax: + : * / %in% ^ (crossing), - (removal), . (all other columns), 0/1 and -1
  (intercept), I(expr) with + - * / ^ and comparisons (g == "lvl", g != "lvl" on a
  factor compare its labels), log exp sqrt log1p expm1 abs
  log2 log10 sign round floor ceiling trunc and the trigonometric functions,
  factor(k), relevel(g, "lvl"), offset(e), strata(v), Surv(time, status),
  Surv(start, stop, status), cbind(a, b), "y ~ x | z" (instruments, as AER's ivreg;
  '.' after '|' means the regressors). '.' is expanded by model_frame.
  Errors name the position: "formula.parse: unexpected ')' at position 9 in 'y ~ (a))'".]])

help.doc(M.model_frame, "formula.model_frame", [[
formula.model_frame(f, df [, {na = "omit"|"fail", extra = {"w", ...}, intercept = true,
                              drop_unused = true}])
  -> {y, x, names, intercept, offset, z, znames, surv = {time, status, start},
      strata, strata_levels, extra = {w = ...}, n, n_dropped, keep, yname, ylevels, info}
  x is R's model.matrix (treatment contrasts, first level in C order the reference,
  R's column order and names). Rows with a missing value (NaN, a missing factor
  level) in any variable used, or in an extra column, are dropped and counted
  (na = "omit", R's na.omit) or raise an error (na = "fail"); keep[i] tells whether
  row i was kept. Inf is an error. Factor levels that no longer occur are dropped
  (as lm's drop.unused.levels); drop_unused = false keeps them as columns of zeros
  (as model.matrix). intercept = false leaves out the intercept column but codes
  factors as if it were there (as coxph); "- 1" in the formula gives R's no-intercept
  coding. '.' means every column not in the response, strata() or offset().
  A factor response gives y = level codes and ylevels; cbind(a, b) gives an n x 2 y;
  Surv() fills surv instead of y. strata is a column of codes 1..K with
  strata_levels named as survival's strata(). extra columns that are factors give
  their level codes. mf.info is for formula.design.]])

help.doc(M.design, "formula.design", [[
formula.design(mf, newdata) -> {x, names, z, znames, offset, n}
  The design matrix of new rows with the terms, factor levels and coding of the
  model frame mf (for predict). The response is not needed. Rows with missing
  values give rows of NaN (R's na.pass); a factor level the fit did not see is an error.]])

return M
