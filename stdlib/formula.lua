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
--
-- The parser and the term algebra are here; formula/eval.lua evaluates the
-- variables column at a time through the C half (modules/formula: vexpr.c runs
-- compiled element-wise expressions, design.c builds masks, codes and x) and
-- formula/frame.lua assembles model_frame and design.
local M, C = ...

local help = require "orrery.help"
local P = require "orrery.printing"

local MAXDEPTH = 100     -- nesting of parentheses, calls and unary operators
local MAXTERMS = 4096    -- terms produced by expanding a formula
local MAXCOLS = 100000   -- columns of a design matrix

local floor = math.floor
local fmt, concat = string.format, table.concat

-- -------------------------------------------------------------------------
-- numbers and names printed as R prints them
-- -------------------------------------------------------------------------

-- R's as.character / deparse of a double: at most 15 significant digits, fixed
-- notation unless scientific is narrower.
local function rnum (x)
  return P.num(x, 15)
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

-- Functions a formula may call: {min args, max args, name = position of a
-- named argument}. A named argument may come anywhere, as in R; the others
-- fill the free positions in order.
local FUNCS = {
  I = {1, 1}, factor = {1, 1}, relevel = {2, 2, ref = 2},
  offset = {1, 1}, strata = {1, 8}, Surv = {2, 3}, cbind = {1, 8},
  log = {1, 2, base = 2}, log2 = {1, 1}, log10 = {1, 1}, log1p = {1, 1},
  exp = {1, 1}, expm1 = {1, 1}, sqrt = {1, 1}, abs = {1, 1}, sign = {1, 1},
  sin = {1, 1}, cos = {1, 1}, tan = {1, 1}, asin = {1, 1}, acos = {1, 1},
  atan = {1, 1}, sinh = {1, 1}, cosh = {1, 1}, tanh = {1, 1},
  floor = {1, 1}, ceiling = {1, 1}, trunc = {1, 1}, round = {1, 2, digits = 2},
  poly = {1, 3, degree = 2, raw = 3}, scale = {1, 3, center = 2, scale = 3},
  pmin = {1, 8}, pmax = {1, 8}, ["as.numeric"] = {1, 1}, interaction = {1, 8},
  C = {2, 2, contr = 2}, c = {1, 1000},
}
C.FUNCS = FUNCS

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
      elseif name == "TRUE" or name == "FALSE" then
        toks[#toks + 1] = {t = "lgl", v = name == "TRUE", pos = i}
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
    or t.t == "str" and "string" or t.t == "dot" and "."
    or t.t == "lgl" and (t.v and "TRUE" or "FALSE") or t.v
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
  if #args > spec[2] then
    local want = spec[1] == spec[2] and tostring(spec[1]) or spec[1] .. " to " .. spec[2]
    perr(P, fmt("%s() takes %s argument%s, got %d", name.v, want,
      spec[2] == 1 and "" or "s", #args), name.pos)
  end
  -- slots[k]: the argument at position k (named ones first, then the rest in order)
  local slots = {}
  for _, a in ipairs(args) do
    if a.name then
      if slots[spec[a.name]] then
        perr(P, fmt("%s(): argument '%s' given twice", name.v, a.name), name.pos)
      end
      slots[spec[a.name]] = a.e
    end
  end
  local k = 1
  for _, a in ipairs(args) do
    if not a.name then
      while slots[k] do k = k + 1 end
      slots[k] = a.e
    end
  end
  for j = 1, spec[1] do
    if not slots[j] then
      local want = spec[1] == spec[2] and tostring(spec[1]) or spec[1] .. " to " .. spec[2]
      perr(P, fmt("%s() takes %s argument%s, got %d", name.v, want,
        spec[2] == 1 and "" or "s", #args), name.pos)
    end
  end
  return {k = "call", f = name.v, args = args, slots = slots, pos = name.pos}
end

local function parse_prefix (P)
  local t = take(P)
  if t.t == "num" then return {k = "num", v = t.v, pos = t.pos} end
  if t.t == "str" then return {k = "str", v = t.v, pos = t.pos} end
  if t.t == "lgl" then return {k = "lgl", v = t.v, pos = t.pos} end
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
  elseif k == "lgl" then return e.v and "TRUE" or "FALSE"
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

local function checksize (S, n, pos)
  if n > MAXTERMS then
    perr(S.P, "formula expands to too many terms (more than " .. MAXTERMS .. ")", pos)
  end
end

local function interact (S, left, right, pos)
  checksize(S, #left * #right, pos)
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

local function install (S, e, label)
  label = label or deparse(e)
  local i = S.varindex[label]
  if not i then
    i = #S.vars + 1
    S.vars[i] = {label = label, e = e}
    S.varindex[label] = i
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

local function encode_var (S, e)
  if e.k == "call" then
    if e.f == "Surv" or e.f == "cbind" then
      perr(S.P, e.f .. "() belongs on the left of '~'", e.pos)
    end
    if e.f == "offset" or e.f == "strata" then
      if S.inter > 0 then
        perr(S.P, e.f .. "() cannot be part of an interaction", e.pos)
      end
      if S.part ~= 1 then perr(S.P, e.f .. "() cannot be an instrument", e.pos) end
      local i = install(S, e)
      local list = e.f == "offset" and S.offsets or S.strata
      list[#list + 1] = i
      return {}
    end
  end
  return {mkterm{install(S, e)}}
end

function encode (S, e)
  local k = e.k
  if k == "paren" then return encode(S, e.e) end
  if k == "name" or k == "call" then return encode_var(S, e) end
  if k == "num" then
    if e.v == 1 then S.intercept = S.parity
    elseif e.v == 0 then S.intercept = not S.parity
    else perr(S.P, "invalid model formula: the number " .. rnum(e.v) .. " is not a term", e.pos) end
    if S.inter > 0 then perr(S.P, "invalid model formula: 0 or 1 inside an interaction", e.pos) end
    return {}
  end
  if k == "dot" then
    if S.part == 2 then return S.dotterms or {} end
    if S.inter > 0 and not S.names then
      return {mkterm{install(S, e, ".")}}
    end
    if not S.names then return {mkterm{install(S, e, ".")}} end
    local out = {}
    for _, name in ipairs(S.names) do
      if not S.exclude[name] then
        out[#out + 1] = mkterm{install(S, {k = "name", v = name, pos = e.pos})}
      end
    end
    return out
  end
  if k == "un" then
    if e.op == "+" then return encode(S, e.e) end
    if e.op == "-" then
      S.parity = not S.parity
      encode(S, e.e)
      S.parity = not S.parity
      return {}
    end
    perr(S.P, "invalid model formula: '!' outside I()", e.pos)
  end
  if k == "str" then perr(S.P, "invalid model formula: a string is not a term", e.pos) end
  if k == "lgl" then perr(S.P, "invalid model formula: TRUE or FALSE is not a term", e.pos) end
  -- binary operators
  local op = e.op
  if op == "+" then
    local l = encode(S, e.l)
    local r = encode(S, e.r)
    checksize(S, #l + #r, e.pos)
    return trim(append(l, r))
  elseif op == "-" then
    local l = encode(S, e.l)
    S.parity = not S.parity
    local r = encode(S, e.r)
    S.parity = not S.parity
    local drop, out = {}, {}
    for _, t in ipairs(r) do drop[t.key] = true end
    for _, t in ipairs(l) do if not drop[t.key] then out[#out + 1] = t end end
    return out
  elseif op == ":" or op == "*" or op == "%in%" or op == "/" then
    S.inter = S.inter + 1
    local l = encode(S, e.l)
    local r = encode(S, e.r)
    S.inter = S.inter - 1
    if op == ":" or op == "%in%" then
      if op == "%in%" then
        local all = mkterm{}
        for _, t in ipairs(r) do all = union(all, t) end
        r = {all}
      end
      return trim(interact(S, l, r, e.pos))
    elseif op == "*" then
      local lr = interact(S, l, r, e.pos)
      checksize(S, #l + #r + #lr, e.pos)
      return trim(append(append(l, r), lr))
    else  -- a/b = a + (all of a):b
      local all = mkterm{}
      for _, t in ipairs(l) do all = union(all, t) end
      local nested = interact(S, {all}, r, e.pos)
      return trim(append(l, nested))
    end
  elseif op == "^" then
    local p = e.r
    while p.k == "paren" do p = p.e end
    if p.k ~= "num" or p.v ~= floor(p.v) or p.v < 2 then
      perr(S.P, "invalid power in formula", e.pos)
    end
    S.inter = S.inter + 1
    local l = encode(S, e.l)
    S.inter = S.inter - 1
    local res = l
    -- crossing more times than there are variables changes nothing
    local nvars = {}
    for _, t in ipairs(l) do for _, v in ipairs(t) do nvars[v] = true end end
    local nv = 0
    for _ in pairs(nvars) do nv = nv + 1 end
    for _ = 2, math.min(p.v, nv + 1) do res = trim(interact(S, l, res, e.pos)) end
    return res
  elseif op == "|" then
    perr(S.P, "invalid model formula: '|' only separates instruments, once", e.pos)
  elseif op == "~" then
    perr(S.P, "invalid model formula: a second '~'", e.pos)
  end
  perr(S.P, "invalid model formula: '" .. op .. "' outside I()", e.pos)
end

-- Stable sort by order (number of variables), then labels.
local function finish_terms (S, list)
  local resp = S.response_var
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
    for j, v in ipairs(t) do parts[j] = S.vars[v].label end
    t.label = concat(parts, ":")
    terms[i] = t
  end
  return terms
end

-- Expands a parsed formula into terms; names (the frame's columns) expand '.'.
local function build (F, names)
  local S = {P = F.P, vars = {}, varindex = {}, offsets = {}, strata = {},
             inter = 0, parity = true, intercept = true, names = names, part = 1}
  if F.lhs then S.response_var = install(S, F.lhs) end
  -- '.' leaves out the response's symbols and those in strata() and offset()
  S.exclude = {}
  if F.lhs then symbols(F.lhs, S.exclude) end
  specials(F.rhs, S.exclude)
  local terms = finish_terms(S, encode(S, F.rhs))
  local B = {vars = S.vars, terms = terms, intercept = S.intercept,
             offsets = S.offsets, strata = S.strata, response = S.response_var}
  if F.rhs2 then
    S.part, S.parity, S.intercept, S.dotterms = 2, true, true, terms
    B.zterms = finish_terms(S, encode(S, F.rhs2))
    B.zintercept = S.intercept
  end
  return B
end

local FORMULA_MT = {}
FORMULA_MT.__index = FORMULA_MT
FORMULA_MT.__tostring = function (F) return "formula: " .. F.formula end
P.guard(FORMULA_MT, "formula")  -- tostring never raises (an incomplete object)

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


-- shared with the parts
C.build, C.FORMULA_MT, C.MAXCOLS = build, FORMULA_MT, MAXCOLS

require "orrery.formula.eval"
require "orrery.formula.frame"

-- -------------------------------------------------------------------------
-- documentation
-- -------------------------------------------------------------------------

help.doc(M.parse, "formula.parse", [[
formula.parse(s) -> the parsed formula
  Fields: .formula (s), .response = {kind = "name"|"expr"|"surv"|"cbind", label =, args =}
  (nil for "~ x"), .terms (R's term labels, in R's order), .intercept, .variables,
  .offset and .strata (labels), .instruments = {terms =, intercept =} after '|'.
  Syntax: + : * / %in% ^ (crossing), - (removal), . (all other columns), 0/1 and -1
  (intercept), I(expr) with + - * / ^, comparisons (g == "lvl", g != "lvl" on a
  factor compare its labels), ! and x %in% c(1, 2) / g %in% c("a", "b") (never
  missing, as R's match); log(x [, base]) exp sqrt log1p expm1 abs log2 log10 sign
  floor ceiling trunc, the trigonometric and hyperbolic functions, round(x, digits)
  (R 4's: the nearer of the two decimals around x, ties to even), pmin, pmax,
  as.numeric (a factor gives its codes), poly(x, degree [, raw = TRUE]) (R's
  orthogonal polynomials), scale(x [, center =, scale =]), factor(k),
  relevel(g, "lvl"), interaction(a, b, ...) (levels "a.b", the first varying
  fastest), C(g, sum|helmert|SAS|treatment) (contrasts; contr.sum etc. too),
  offset(e), strata(v), Surv(time, status), Surv(start, stop, status),
  cbind(successes, failures), "y ~ x | z" (instruments, as AER's ivreg; '.' after
  '|' means the regressors). Named arguments may come in any order. '.' is
  expanded by model_frame.
  Errors name the position: "formula.parse: unexpected ')' at position 9 in 'y ~ (a))'".]])

help.doc(M.model_frame, "formula.model_frame", [[
formula.model_frame(f, df [, {na = "omit"|"fail", extra = {"w", ...}, intercept = true,
                              drop_unused = true}])
  -> {y, x, names, intercept, offset, z, znames, surv = {time, status, start},
      strata, strata_levels, extra = {w = ...}, n, n_dropped, keep, rows, yname, ylevels,
      info}
  x is R's model.matrix (treatment contrasts, first level in C order the reference,
  R's column order and names). Rows with a missing value (NaN, a missing factor
  level) in any variable used, or in an extra column, are dropped and counted
  (na = "omit", R's na.omit) or raise an error (na = "fail"); keep[i] tells whether
  row i was kept (an array built on first use), rows is the n x 1 mat of the kept
  row numbers (nil when every row is kept). Inf in a kept row is an error.
  Variables are evaluated on every row, as R's model.frame: poly() and scale() see
  the rows that are dropped later, and poly() refuses missing values, as R.
  Copies: each variable is computed once over all rows (a column of the frame is
  read in place, not copied); x, y and the other results are new matrices of the
  kept rows, written once. Factor levels that no longer occur are dropped
  (as lm's drop.unused.levels); drop_unused = false keeps them as columns of zeros
  (as model.matrix). intercept = false leaves out the intercept column but codes
  factors as if it were there (as coxph); "- 1" in the formula gives R's no-intercept
  coding. '.' means every column not in the response, strata() or offset().
  A factor response gives y = level codes and ylevels; cbind(a, b) gives an n x 2 y
  (for a binomial glm: successes, failures);
  Surv() fills surv instead of y. strata is a column of codes 1..K with
  strata_levels named as survival's strata(). extra columns that are factors give
  their level codes. mf.info is for formula.design; it keeps poly()'s coefficients
  and scale()'s centres, for new rows (as R's makepredictcall).]])

help.doc(M.design, "formula.design", [[
formula.design(mf, newdata) -> {x, names, z, znames, offset, n}
  The design matrix of new rows with the terms, factor levels and coding of the
  model frame mf (for predict): poly() and scale() use the fit's coefficients and
  centres, C() its contrasts. The response is not needed. Rows with missing values
  give rows of NaN (R's na.pass); a factor level the fit did not see is an error.]])

return M
