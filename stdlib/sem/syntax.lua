-- sem.syntax: lavaan's model syntax, parsed into statements.
--   f =~ x1 + x2        measurement (loadings)
--   y ~ x1 + x2         regressions
--   x1 ~~ x2            (co)variances
--   y ~ 1               intercepts (recognised, then refused by sem.fit)
--   a*x, 0.8*x, NA*x    a label, a fixed value, a freed parameter
--   d := a * b          a defined parameter (an expression in the labels)
-- Statements end at a newline or ';'; '#' and '!' start comments. Errors
-- name the line and column: "sem.fit: syntax error at line 2, column 9: ...".
-- Shared through C: C.parse_syntax(fn, spec) -> {statements}, {definitions}.
local _, C = ...
local args = require "orrery.args"
local fail = args.fail

local OPS = { "=~", "~~", ":=", "~" }

local function syntax_error(fn, line, col, msg)
  fail(fn, "syntax error at line %d, column %d: %s", line, col, msg)
end

local IDENT = "^[%a_.][%w_.]*"
local NUMBER = "^[-+]?%d*%.?%d+[eE][-+]?%d+"
local NUMBER2 = "^[-+]?%d*%.?%d+"

-- one term of a right-hand side: {name =, fixed =, label =, free =}
local function term(fn, s, line, col0)
  local pos = 1
  local function skip() pos = s:find("%S", pos) or #s + 1 end
  local function here() return col0 + pos - 1 end
  skip()
  local mods = {}
  while true do
    local start = pos
    local tok = s:match(NUMBER, pos) or s:match(NUMBER2, pos)
    local kind = "number"
    if not tok then tok = s:match(IDENT, pos); kind = "name" end
    if not tok then
      if pos > #s then syntax_error(fn, line, here(), "missing term after '+'") end
      syntax_error(fn, line, here(), "unexpected '" .. s:sub(pos, pos) .. "'")
    end
    pos = pos + #tok
    skip()
    if s:sub(pos, pos) == "*" then
      mods[#mods + 1] = { tok = tok, kind = kind, col = col0 + start - 1 }
      pos = pos + 1
      skip()
    else
      if pos <= #s then syntax_error(fn, line, here(), "unexpected '" .. s:sub(pos, pos) .. "'") end
      local t = { name = tok, kind = kind, col = col0 + start - 1 }
      for _, m in ipairs(mods) do
        if m.kind == "number" then t.fixed = tonumber(m.tok)
        elseif m.tok == "NA" then t.free = true
        else t.label = m.tok end
      end
      if kind == "number" then
        if tok ~= "1" then
          syntax_error(fn, line, t.col, "a number must be 1 (an intercept) or a modifier before '*'")
        end
      end
      return t
    end
  end
end

local function parse(fn, spec)
  if type(spec) ~= "string" then fail(fn, "the model must be a string in lavaan syntax") end
  local stmts, defs = {}, {}
  local lineno = 0
  for rawline in (spec .. "\n"):gmatch("([^\n]*)\n") do
    lineno = lineno + 1
    local line = rawline:gsub("[#!].*$", "")
    local col = 1
    for piece in (line .. ";"):gmatch("([^;]*);") do
      if piece:match("%S") then
        local op, opos
        for _, o in ipairs(OPS) do
          local i = piece:find(o, 1, true)
          if i and (opos == nil or i < opos) then op, opos = o, i end
        end
        if not op then
          syntax_error(fn, lineno, col + (piece:find("%S") or 1) - 1,
            "no operator (=~, ~, ~~ or :=) in '" .. piece:match("^%s*(.-)%s*$") .. "'")
        end
        local lhs = piece:sub(1, opos - 1)
        local lname = lhs:match("^%s*(.-)%s*$")
        local lcol = col + (lhs:find("%S") or 1) - 1
        if lname == "" then syntax_error(fn, lineno, col + opos - 1, "nothing before '" .. op .. "'") end
        if lname:match(IDENT) ~= lname then
          syntax_error(fn, lineno, lcol, "'" .. lname .. "' is not a variable name")
        end
        local rhs = piece:sub(opos + #op)
        local rcol = col + opos - 1 + #op
        if op == ":=" then
          if not rhs:match("%S") then syntax_error(fn, lineno, rcol, "nothing after ':='") end
          defs[#defs + 1] = { name = lname, expr = rhs:match("^%s*(.-)%s*$"), line = lineno }
        else
          local terms, p = {}, 1
          if not rhs:match("%S") then syntax_error(fn, lineno, rcol, "nothing after '" .. op .. "'") end
          while true do
            local q = rhs:find("+", p, true)
            local s = rhs:sub(p, (q or #rhs + 1) - 1)
            if not s:match("%S") then syntax_error(fn, lineno, rcol + p - 1, "missing term") end
            terms[#terms + 1] = term(fn, s, lineno, rcol + p - 1)
            if not q then break end
            p = q + 1
          end
          stmts[#stmts + 1] = { lhs = lname, op = op, rhs = terms, line = lineno, col = lcol }
        end
      end
      col = col + #piece + 1
    end
  end
  if #stmts == 0 then fail(fn, "the model has no statements") end
  return stmts, defs
end
C.parse_syntax = parse
