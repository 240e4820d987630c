-- orrery.printing against R's own output (tests/ref/printing/printing.txt,
-- made by make_printing.R): format(), format.pval(), printCoefmat() and
-- print() of matrices and named vectors, byte for byte.
local T = require "orrery.testing"
local P = require "orrery.printing"

local function num(tok)
  if tok == "NA" then return P.NA end
  if tok == "NaN" then return 0 / 0 end
  if tok == "Inf" then return math.huge end
  if tok == "-Inf" then return -math.huge end
  return assert(tonumber(tok), tok)
end

local function numbers(s)
  local t = {}
  for tok in s:gmatch("%S+") do t[#t + 1] = num(tok) end
  t.n = #t
  return t
end

local function split(s)
  local t = {}
  for piece in (s .. ";"):gmatch("([^;]*);") do t[#t + 1] = piece end
  return t
end

-- the cases of the reference file
local cases = {}
do
  local f = assert(io.open(T.refdir .. "printing/printing.txt"))
  local c
  for line in f:lines() do
    local kind, rest = line:match("^case (%S+)%s*(.-)%s*$")
    if kind then
      c = { kind = kind, args = rest, ins = {}, out = {} }
      cases[#cases + 1] = c
    elseif line == "end" then c = nil
    else
      local tag, body = line:match("^(%S+) (.*)$")
      if tag == "in" then c.ins[#c.ins + 1] = numbers(body)
      elseif tag == "out" then c.out[#c.out + 1] = body:match("^%[(.*)%]$")
      elseif tag == "rows" or tag == "cols" or tag == "names" then c[tag] = split(body:match("^(.-)%s*$"))
      elseif tag == "formula" then c.formula = body:match("^(.-)%s*$")
      end
    end
  end
  f:close()
end

-- printCoefmat's arguments as the R script wrote them
local function coefopts(args)
  local o = {}
  for k, v in args:gmatch("([%w%.]+) = ([^,]+)") do
    if k == "digits" then o.digits = tonumber(v)
    elseif k == "signif.stars" then o.signif_stars = v == "TRUE"
    elseif k == "has.Pvalue" then o.has_pvalue = v == "TRUE"
    elseif k == "na.print" then o.na_print = v:match('"(.*)"')
    end
  end
  return o
end

local function lines(s)
  local t = {}
  for l in (s .. "\n"):gmatch("([^\n]*)\n") do t[#t + 1] = l end
  return t
end

local function same(got, want, what)
  T.eq(#got, #want, what .. ": number of lines")
  for i = 1, #want do
    T.eq("[" .. got[i] .. "]", "[" .. want[i] .. "]", what .. " line " .. i)
  end
end

local counts = {}
for i, c in ipairs(cases) do
  counts[c.kind] = (counts[c.kind] or 0) + 1
  local name = string.format("%s %d (%s)", c.kind, i, c.args)
  T.test(name, function()
    if c.kind == "format" then
      local d, nsmall = c.args:match("^(%d+) (%d+)$")
      same(P.format(c.ins[1], tonumber(d), { nsmall = tonumber(nsmall) }), c.out, name)
    elseif c.kind == "pval" then
      local d, eps = c.args:match("^(%d+) (%S+)$")
      same(P.pval(c.ins[1], tonumber(d), tonumber(eps)), c.out, name)
    elseif c.kind == "coefmat" then
      local s = P.coefmat({ rownames = c.rows, colnames = c.cols, cols = c.ins }, coefopts(c.args))
      same(lines(s), c.out, name)
    elseif c.kind == "matrix" then
      same(lines(P.columns(c.rows, c.cols, c.ins, tonumber(c.args))), c.out, name)
    elseif c.kind == "anova" then
      same(lines(P.anova({ rownames = c.rows, colnames = c.cols, cols = c.ins })), c.out, name)
    elseif c.kind == "summary" then
      -- summary.lm / summary.glm from the residuals on; trailing blanks and
      -- blank lines at the end aside (R's cat leaves some)
      local regress = require "orrery.regress"
      local df = require("orrery.data").read_csv(T.refdir .. "regress/mtcars.csv")
      local kind, family = c.args:match("^(%S+)%s*(%S*)$")
      local fit = kind == "lm" and regress.lm(c.formula, df)
        or regress.glm{ formula = c.formula, data = df, family = family }
      local function from_residuals(ls)
        local out, on = {}, false
        for _, l in ipairs(ls) do
          if l:find("Residuals:") then on = true end
          if on then out[#out + 1] = (l:gsub("%s+$", "")) end
        end
        while out[#out] == "" do out[#out] = nil end
        return out
      end
      same(from_residuals(lines(tostring(fit))), from_residuals(c.out), name)
    elseif c.kind == "named" then
      same(lines(P.named(c.names, c.ins[1], tonumber(c.args))), c.out, name)
    end
  end)
end

T.test("the reference file has every kind of case", function()
  T.ok((counts.format or 0) >= 80 and (counts.pval or 0) >= 60 and (counts.coefmat or 0) >= 10
    and (counts.matrix or 0) >= 2 and (counts.named or 0) >= 2 and (counts.anova or 0) >= 3
    and (counts.summary or 0) >= 6, "cases read")
end)

T.test("missing, NaN and infinite values", function()
  T.eq(P.num(P.NA), "NA"); T.eq(P.num(0 / 0), "NaN")
  T.eq(P.num(math.huge), "Inf"); T.eq(P.num(-math.huge), "-Inf")
  T.eq(P.g(0 / 0, 4), "NaN"); T.eq(P.g(P.NA, 4), "NA")
  local s = P.pval({ P.NA, 0 / 0, 1e-20, 0.5 }, 3)
  T.eq(s[1], "NA"); T.eq(s[2], "NaN"); T.eq(s[3], "<2e-16"); T.eq(s[4], "0.5")
  T.eq(P.stars(P.NA), ""); T.eq(P.stars(0 / 0), ""); T.eq(P.stars(0.001), "***"); T.eq(P.stars(0.05), "*")
  -- a coefficient table with an aliased row marked in opts.na and a NaN
  -- standard error: NA for the first, NaN for the second
  local t = P.coefmat({ rownames = { "a", "b", "c" }, colnames = { "Estimate", "Std. Error", "t value", "Pr(>|t|)" },
    cols = { { 1.5, 0 / 0, 2 }, { 0.5, 0 / 0, 0 / 0 }, { 3, 0 / 0, 0 / 0 }, { 0.003, 0 / 0, 0 / 0 } } },
    { digits = 4, na = { [2] = true } })
  local l = lines(t)
  T.ok(l[3]:find("^b%s+NA%s+NA%s+NA%s+NA"), l[3])
  T.ok(l[4]:find("^c%s+2%.0%s+NaN%s+NaN%s+NaN"), l[4])
end)

T.test("signif and round as R's", function()
  T.eq(P.signif(123456.7, 4), 123500); T.eq(P.num(P.signif(123456.7, 4)), "123500")
  T.eq(P.round(0.15, 1), 0.1); T.eq(P.round(2.5, 0), 2); T.eq(P.round(-0.00001, 3), 0)
  T.eq(P.round(0.0006, 3), 0.001); T.eq(P.round(1e300, 2), 1e300)
end)
