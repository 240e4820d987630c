-- orrery.printing: numbers as R prints them, written once for every
-- printout (regression and survival fits, tests, optim and stats results).
--
--   local P = require "orrery.printing"
--   P.format(x, digits [, opts])   R's format(x, digits =): one format for the
--                                  whole vector (common decimals, fixed or
--                                  scientific by width), padded to one width
--   P.num(x [, digits, nsmall])    one number as format(x, digits =), unpadded
--   P.g(x, digits)                 formatC(x, digits =): C's %g
--   P.fixed(x, d)                  format(round(x, d), nsmall = d)
--   P.signif(x, digits), P.round(x, digits)   R's signif() and round()
--   P.pval(pv [, digits, eps])     R's format.pval
--   P.stars(p), P.LEGEND           significance stars and their legend
--   P.coefmat(t [, opts])          R's printCoefmat
--   P.matrix(rownames, colnames, cells [, opts])   print.default of a matrix
--   P.named(names, values [, opts])                print.default of a named vector
--   P.guard(mt, kind)              mt.__tostring never raises (see below)
--
-- Missing values. A value that is missing, aliased or undefined (R's NA) is
-- P.NA in an array given here, and prints as "NA"; a NaN that a
-- computation produced prints as "NaN"; infinities as "Inf" and "-Inf". A
-- caller that keeps aliased coefficients as NaN in a mat says so (the
-- 'na' mask of P.coefmat, or P.NA in the array it passes).
--
-- The rules are those of R 4.2's src/main/format.c (scientific, formatReal),
-- base::format.pval and stats::printCoefmat, with options(digits = 7,
-- scipen = 0, OutDec = ".", useFancyQuotes = FALSE); tests/ref/printing/
-- holds R's output for a grid of awkward vectors, compared byte for byte.
local M = ...

local fmt, rep, concat = string.format, string.rep, table.concat
local floor, abs, huge, log10 = math.floor, math.abs, math.huge, function(x) return math.log(x, 10) end
local max, min = math.max, math.min

--- The missing value (R's NA) in arrays given to this module.
M.NA = setmetatable({}, { __name = "printing.NA", __tostring = function() return "NA" end })
local NA = M.NA

--- P.guard(mt, kind) -> mt: its __tostring prints an object it cannot
-- print (a field missing or of the wrong kind: a table a script built
-- with the metatable, or changed) as "<kind: cannot print: reason>"
-- instead of raising a Lua error from inside the printout.
function M.guard(mt, kind)
  local f = mt.__tostring
  mt.__tostring = function(o)
    local ok, s = pcall(f, o)
    if ok and type(s) == "string" then return s end
    local why = ok and "the printout is not a string" or tostring(s):gsub("^%[orrery[%w_.]*%]:%d+: ", "")
    return fmt("<%s: cannot print: %s>", kind, why)
  end
  return mt
end

local function isna(v) return v == NA or v == nil end
local function finite(v) return type(v) == "number" and v == v and v ~= huge and v ~= -huge end

M.is_na = isna

-- the elements of a mat or an array, 1..n, as an array (mats are read
-- through indexing, so this module needs no require of orrery.mat)
local function values(x)
  if type(x) == "number" or x == NA then return { x }, 1 end
  if type(x) == "table" then return x, x.n or #x end
  local n = #x
  local t = {}
  for i = 1, n do t[i] = x[i] end
  return t, n
end

-- ---------------------------------------------------------------------------
-- R's scientific() and formatReal() (src/main/format.c)
-- ---------------------------------------------------------------------------

local KP_MAX = 27  -- powers of ten exact in a long double's 64-bit mantissa

-- For finite x and 1 <= digits <= 22: neg, kpower (|x| = alpha 10^kpower,
-- 1 <= alpha < 10, after rounding to 'digits' significant digits), nsig
-- (significant digits left after dropping trailing zeros) and whether
-- rounding to 'digits' widens the fixed notation (9996 at 3 digits is
-- 1e+04, but 9996 in fixed notation). The rounding is C's %e on the exact
-- binary value, which is what R's long double scaling computes.
local function scientific(x, digits)
  if x == 0 then return false, 0, 1, false end
  local neg = x < 0
  local r = neg and -x or x
  local s = fmt("%." .. (digits - 1) .. "e", r)
  local mant, ex = s:match("^([%d%.]+)e([-+]%d+)$")
  local kpower = tonumber(ex)
  local ds = mant:gsub("%.", "")
  local nsig = digits
  while nsig > 1 and ds:sub(nsig, nsig) == "0" do nsig = nsig - 1 end
  local widens = false
  if digits < 16 then
    local rgt = digits - kpower
    rgt = rgt < 0 and 0 or rgt > KP_MAX and KP_MAX or rgt
    local fuzz = 0.5 / 10 ^ rgt
    widens = kpower > 0 and kpower <= KP_MAX and r < 10 ^ kpower - fuzz
  end
  return neg, kpower, nsig, widens
end

--- R's formatReal: w (width), d (decimals, or mantissa digits in
-- scientific notation), e (0 fixed, 1 or 2 exponent digits - 1) of the
-- common format of the numbers in xs (an array; P.NA entries allowed).
function M.info(xs, digits, nsmall)
  digits = digits or 7
  nsmall = nsmall or 0
  local n = xs.n or #xs
  local naflag, nanflag, posinf, neginf = false, false, false, false
  local neg = false
  local mxl, rgt, mxsl, mxns, mnl = -huge, -huge, -huge, -huge, huge
  for i = 1, n do
    local x = xs[i]
    if isna(x) then naflag = true
    elseif x ~= x then nanflag = true
    elseif x == huge then posinf = true
    elseif x == -huge then neginf = true
    else
      local negi, kpower, nsig, widens = scientific(x, digits)
      local left = kpower + 1
      if widens then left = left - 1 end
      local sleft = (negi and 1 or 0) + (left <= 0 and 1 or left)
      local right = nsig - left
      if negi then neg = true end
      if right > rgt then rgt = right end
      if left > mxl then mxl = left end
      if left < mnl then mnl = left end
      if sleft > mxsl then mxsl = sleft end
      if nsig > mxns then mxns = nsig end
    end
  end
  local w, d, e
  local negw = neg and 1 or 0
  if mxl < 0 then mxsl = 1 + negw end
  if rgt < 0 then rgt = 0 end
  local wF = mxsl + rgt + (rgt ~= 0 and 1 or 0)
  e = (mxl > 100 or mnl <= -99) and 2 or 1
  if mxns ~= -huge then
    d = mxns - 1
    w = negw + (d > 0 and 1 or 0) + d + 4 + e
    if wF <= w then   -- fixed notation when it is no wider (scipen = 0)
      e = 0
      if nsmall > rgt then
        rgt = nsmall
        wF = mxsl + rgt + (rgt ~= 0 and 1 or 0)
      end
      d, w = rgt, wF
    end
  else
    w, d, e = 0, 0, 0
  end
  if naflag and w < 2 then w = 2 end
  if nanflag and w < 3 then w = 3 end
  if posinf and w < 3 then w = 3 end
  if neginf and w < 4 then w = 4 end
  return w, d, e
end

local function lpad(s, w) return #s >= w and s or rep(" ", w - #s) .. s end
local function rpad(s, w) return #s >= w and s or s .. rep(" ", w - #s) end

-- R's encodeReal: x in the format (w, d, e), right-justified in w
local function encode(x, w, d, e, na)
  local s
  if isna(x) then s = na or "NA"
  elseif x ~= x then s = "NaN"
  elseif x == huge then s = "Inf"
  elseif x == -huge then s = "-Inf"
  else
    if x == 0 then x = 0.0 end   -- no "-0" (IEEE signed zeros)
    if e ~= 0 then
      s = fmt(d > 0 and ("%#." .. d .. "e") or ("%." .. d .. "e"), x)
    else
      s = fmt("%." .. d .. "f", x)
    end
  end
  return lpad(s, w)
end

--- R's format(x, digits = digits): the numbers of x (a mat, a number or an
-- array, P.NA for missing) in one common format, each padded to the common
-- width. opts: nsmall (least decimals in fixed notation), trim = true (no
-- padding), width (least width), na (the text for P.NA, "NA").
function M.format(x, digits, opts)
  opts = opts or {}
  local xs, n = values(x)
  local w, d, e = M.info(xs, digits or 7, opts.nsmall)
  if opts.width and opts.width > w then w = opts.width end
  if opts.trim then w = 0 end
  local out = {}
  for i = 1, n do out[i] = encode(xs[i], w, d, e, opts.na) end
  return out
end

--- One number as R's format(x, digits = digits, nsmall = nsmall) prints
-- it (digits 7 by default), without padding.
function M.num(x, digits, nsmall)
  return M.format({ x, n = 1 }, digits, { trim = true, nsmall = nsmall })[1]
end

--- format(round(x, d), nsmall = d): x with exactly d decimals (R's idiom
-- for fixed decimals, e.g. MASS's theta and log-likelihood lines).
function M.fixed(x, d)
  return M.num(M.round(x, d), 7, d)
end

--- formatC(x, digits = digits): C's %g ("NA", "NaN", "Inf", "-Inf" for
-- the others).
function M.g(x, digits)
  if isna(x) then return "NA" end
  if x ~= x then return "NaN" end
  if x == huge then return "Inf" elseif x == -huge then return "-Inf" end
  return fmt("%." .. (digits or 4) .. "g", x)
end

-- R_pow_di: x^n by repeated squaring (R's rounding of powers of ten)
local function pow_di(x, n)
  local xn = 1.0
  local neg = n < 0
  if neg then n = -n end
  while n > 0 do
    if n % 2 == 1 then xn = xn * x end
    n = n // 2
    if n > 0 then x = x * x end
  end
  return neg and 1 / xn or xn
end

-- nearbyint in the default rounding mode: halves to even
local function rint(x)
  local f = floor(x)
  local diff = x - f
  if diff > 0.5 or (diff == 0.5 and f % 2 == 1) then return f + 1 end
  return f
end

local MAX10E = 308

--- R's signif(x, digits) (src/nmath/fprec.c).
function M.signif(x, digits)
  if not finite(x) or x == 0 then return x end
  local dig = floor(digits + 0.5)
  if dig > 22 then return x elseif dig < 1 then dig = 1 end
  local sgn = 1.0
  if x < 0 then sgn, x = -1.0, -x end
  local l10 = log10(x)
  local e10 = dig - 1 - floor(l10)
  if abs(l10) < MAX10E - 2 then
    local p10 = 1.0
    if e10 > MAX10E then p10 = pow_di(10, e10 - MAX10E); e10 = MAX10E end
    if e10 > 0 then
      local pow10 = pow_di(10, e10)
      return sgn * (rint((x * pow10) * p10) / pow10) / p10
    end
    local pow10 = pow_di(10, -e10)
    return sgn * (rint(x / pow10) * pow10)
  end
  local do_round = MAX10E - l10 >= pow_di(10, -dig)
  local e2 = dig + (e10 > 0 and 1 or -1) * 22
  local p10 = pow_di(10, e2)
  x = x * p10
  local P10 = pow_di(10, e10 - e2)
  x = x * P10
  if do_round then x = x + 0.5 end
  x = floor(x) / p10
  return sgn * x / P10
end

--- R's round(x, digits): the stats kernel (stats.round), which formulas'
-- round() uses too. Required here, not at the top: stats prints through
-- this module.
function M.round(x, digits)
  if type(x) ~= "number" then return x end  -- P.NA
  return require("orrery.stats").round(x, digits or 0)
end

-- ---------------------------------------------------------------------------
-- p-values
-- ---------------------------------------------------------------------------

local EPS = 2.220446049250313e-16   -- .Machine$double.eps

--- R's format.pval(pv, digits, eps): p-values of 1e-4 and above are
-- formatted together in fixed-or-scientific notation, smaller ones
-- together, each group padded to its own width; those below eps become
-- "< 2.2e-16" ("<2e-16" when the others are narrow, as R chooses). digits
-- defaults to 5 (R's getOption("digits") - 2), eps to the double epsilon.
-- Missing (P.NA) gives "NA"; a NaN gives "NaN", as printCoefmat shows it
-- (format.pval itself would write NA).
function M.pval(pv, digits, eps)
  digits = digits or 5
  eps = eps or EPS
  local xs, n = values(pv)
  local r = {}
  local ok, is0 = {}, {}
  for i = 1, n do
    local p = xs[i]
    if isna(p) then r[i] = "NA"
    elseif p ~= p then r[i] = "NaN"
    elseif p < eps then is0[#is0 + 1] = i
    else ok[#ok + 1] = i end
  end
  local nc = 0
  if #ok > 0 then
    local fixg, scig = {}, {}
    for _, i in ipairs(ok) do
      local p = xs[i]
      local expo = floor(log10(p > 0 and p or 1e-50))
      if expo >= -3 or (expo == -4 and digits > 1) then fixg[#fixg + 1] = i else scig[#scig + 1] = i end
    end
    for _, g in ipairs{ fixg, scig } do
      if #g > 0 then
        local v = {}
        for k, i in ipairs(g) do v[k] = xs[i] end
        local s = M.format(v, digits)
        for k, i in ipairs(g) do r[i] = s[k]; if #s[k] > nc then nc = #s[k] end end
      end
    end
  end
  if #is0 > 0 then
    local d = max(1, digits - 2)
    local sep
    if #ok > 0 then
      if d > 1 and d + 6 > nc then d = max(1, nc - 7) end
      sep = (d == 1 and nc <= 6) and "" or " "
    else
      sep = d == 1 and "" or " "
    end
    local s = "<" .. sep .. M.num(eps, d)
    for _, i in ipairs(is0) do r[i] = s end
  end
  return r
end

--- The significance code of a p-value, as symnum in printCoefmat: "***"
-- up to 0.001, "**" to 0.01, "*" to 0.05, "." to 0.1, " " to 1, and ""
-- for a missing one.
function M.stars(p)
  if isna(p) or p ~= p or p < 0 or p > 1 then return "" end
  if p <= 0.001 then return "***" elseif p <= 0.01 then return "**"
  elseif p <= 0.05 then return "*" elseif p <= 0.1 then return "." end
  return " "
end

M.LEGEND = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"

-- ---------------------------------------------------------------------------
-- tables
-- ---------------------------------------------------------------------------

--- print.default of a matrix of strings (quote = FALSE): row names
-- left-justified (nil: "[1,]", "[2,]", ...), each column as wide as its
-- widest entry or name and right-justified (left-justified where
-- opts.left[j]), one space between columns (opts.gap). cells[i][j] are
-- strings. Returns the lines joined by "\n", without a final newline.
function M.matrix(rownames, colnames, cells, opts)
  opts = opts or {}
  local gap = rep(" ", opts.gap or 1)
  local nr = #cells
  local nc = #colnames
  local rn = {}
  for i = 1, nr do rn[i] = rownames and rownames[i] or ("[" .. i .. ",]") end
  local rw = 0
  for i = 1, nr do if #rn[i] > rw then rw = #rn[i] end end
  local w = {}
  for j = 1, nc do
    w[j] = #colnames[j]
    for i = 1, nr do if #cells[i][j] > w[j] then w[j] = #cells[i][j] end end
  end
  local left = opts.left or {}
  local lines = {}
  local h = { rep(" ", rw) }
  for j = 1, nc do h[#h + 1] = gap .. (left[j] and rpad or lpad)(colnames[j], w[j]) end
  lines[1] = concat(h)
  for i = 1, nr do
    local l = { rpad(rn[i], rw) }
    for j = 1, nc do l[#l + 1] = gap .. (left[j] and rpad or lpad)(cells[i][j], w[j]) end
    lines[#lines + 1] = concat(l)
  end
  return concat(lines, "\n")
end

--- print.default of a numeric matrix: each column formatted on its own
-- with 'digits' (P.format), then laid out by P.matrix. cols[j] is an array
-- (P.NA allowed) or an array of strings already formatted.
function M.columns(rownames, colnames, cols, digits, opts)
  local nr = 0
  local s = {}
  for j, c in ipairs(cols) do
    local n = c.n or #c
    if n > nr then nr = n end
    s[j] = type(c[1]) == "string" and c or M.format(c, digits)
  end
  local cells = {}
  for i = 1, nr do
    cells[i] = {}
    for j = 1, #cols do cells[i][j] = s[j][i] or "" end
  end
  return M.matrix(rownames, colnames, cells, opts)
end

--- print.default of a named numeric vector: values formatted together
-- (P.format, digits), names above them, every column as wide as the
-- widest name or value, each followed by opts.gap spaces (1), lines of at
-- most opts.width (80) characters. values may be strings already formatted.
function M.named(names, vals, digits, opts)
  opts = opts or {}
  local gap = opts.gap or 1
  local width = opts.width or 80
  local s = type(vals[1]) == "string" and vals or M.format(vals, digits, { na = opts.na })
  local w = 0
  for i = 1, #s do
    if #s[i] > w then w = #s[i] end
    if #names[i] > w then w = #names[i] end
  end
  local perline = max(1, floor(width / (w + gap)))
  local lines = {}
  for first = 1, #s, perline do
    local a, b = {}, {}
    for i = first, min(#s, first + perline - 1) do
      a[#a + 1] = lpad(names[i], w) .. rep(" ", gap)
      b[#b + 1] = lpad(s[i], w) .. rep(" ", gap)
    end
    lines[#lines + 1] = concat(a)
    lines[#lines + 1] = concat(b)
  end
  return concat(lines, "\n")
end

--- R's zapsmall(x, digits): values tiny beside the largest become 0 (R
-- 4.2's rule: rounded to digits - log10(max |x|) decimals, which round()
-- takes to the nearest integer). xs: an array (P.NA allowed; xs.n for the
-- length when it has holes).
function M.zapsmall(xs, digits)
  digits = digits or 7
  local n = xs.n or #xs
  local mx = 0
  for i = 1, n do
    local v = xs[i]
    if type(v) == "number" and v == v and abs(v) > mx then mx = abs(v) end
  end
  local d = digits
  if mx == huge then d = 0 elseif mx > 0 then d = max(0, digits - log10(mx)) end
  local out = { n = n }
  for i = 1, n do
    local v = xs[i]
    out[i] = type(v) == "number" and M.round(v, d) or v
  end
  return out
end

--- R's printCoefmat. t = {rownames = {...}, colnames = {...}, cols = {c1,
-- c2, ...}} with each column an array or mat of numbers (P.NA, or rows
-- marked in opts.na, for missing; NaN stays "NaN"). The last column is
-- the p-value when its name starts with "Pr(" or "p-v". opts (R's
-- arguments): digits (5), signif_stars (true), signif_legend
-- (= signif_stars), dig_tst (max(1, min(5, digits - 1))), cs_ind (the
-- estimate and its standard errors: columns 1..k), tst_ind (the test
-- statistics, {k + 1}), zap_ind (columns put through zapsmall), has_pvalue,
-- eps_pvalue, na (a set of row numbers whose entries are all missing, e.g.
-- aliased coefficients), na_print ("NA").
-- Returns the table, with the legend below it when stars are shown.
function M.coefmat(t, opts)
  opts = opts or {}
  local digits = opts.digits or 5
  local cn = t.colnames
  local nc = #cn
  local nr = #t.rownames
  local pre = cn[nc]:sub(1, 3)
  local has_p = nc >= 4 and (pre == "Pr(" or pre == "p-v")
  if opts.has_pvalue ~= nil then has_p = opts.has_pvalue end
  local stars_on = opts.signif_stars ~= false
  local legend = opts.signif_legend
  if legend == nil then legend = stars_on end
  local dig_tst = opts.dig_tst or max(1, min(5, digits - 1))
  local k = nc - (has_p and 1 or 0) - (opts.tst_ind and #opts.tst_ind or 1)
  local cs = opts.cs_ind
  if cs == nil then cs = {}; for j = 1, k do cs[j] = j end end
  local tst = opts.tst_ind or { k + 1 }
  local narows = opts.na or {}
  -- xm[i][j]: numbers or NA
  local xm = {}
  for i = 1, nr do xm[i] = {} end
  for j = 1, nc do
    local c = values(t.cols[j])
    for i = 1, nr do
      local v = c[i]
      if narows[i] then v = NA end
      xm[i][j] = v
    end
  end
  for _, j in ipairs(opts.zap_ind or {}) do
    local v = { n = nr }
    for i = 1, nr do v[i] = xm[i][j] end
    v = M.zapsmall(v, digits)
    for i = 1, nr do xm[i][j] = v[i] end
  end
  local Cf = {}
  for i = 1, nr do Cf[i] = {}; for j = 1, nc do Cf[i][j] = "" end end
  local function isok(v) return not isna(v) and v == v end
  -- columns js rounded to dec decimals, then formatted together
  local function rounded(js, dec)
    local v, pos = {}, {}
    for _, j in ipairs(js) do
      for i = 1, nr do
        local x = xm[i][j]
        v[#v + 1] = type(x) == "number" and M.round(x, dec) or x
        pos[#pos + 1] = { i, j }
      end
    end
    v.n = #pos
    local s = M.format(v, digits)
    for q, ij in ipairs(pos) do Cf[ij[1]][ij[2]] = s[q] end
  end
  local incs, intst = {}, {}
  for _, j in ipairs(cs) do incs[j] = true end
  for _, j in ipairs(tst) do intst[j] = true end
  -- estimates and standard errors: rounded to the decimals the smallest
  -- non-zero one needs, then formatted together
  if #cs > 0 then
    local lo, anyfin = huge, false
    for i = 1, nr do
      for _, j in ipairs(cs) do
        local v = xm[i][j]
        if finite(v) then
          anyfin = true
          if v ~= 0 and abs(v) < lo then lo = abs(v) end
        end
      end
    end
    if anyfin then
      local digmin = lo < huge and 1 + floor(log10(lo)) or 0
      rounded(cs, max(1, digits - digmin))
    end
  end
  if #tst > 0 then rounded(tst, dig_tst) end
  for j = 1, nc do
    if not incs[j] and not intst[j] and not (has_p and j == nc) then
      local v = { n = nr }
      for i = 1, nr do v[i] = xm[i][j] end
      local s = M.format(v, digits)
      for i = 1, nr do Cf[i][j] = s[i] end
    end
  end
  -- entries that print as 0 but are not (or the reverse) get one digit less
  local redo, pos = { }, {}
  for j = 1, has_p and nc - 1 or nc do
    if not intst[j] then
      for i = 1, nr do
        local x = xm[i][j]
        if isok(x) then
          local shown = tonumber(Cf[i][j])
          if shown ~= nil and (x == 0) ~= (shown == 0) then
            redo[#redo + 1] = x; pos[#pos + 1] = { i, j }
          end
        end
      end
    end
  end
  if #redo > 0 then
    local s = M.format(redo, max(1, digits - 1))
    for q, ij in ipairs(pos) do Cf[ij[1]][ij[2]] = s[q] end
  end
  for i = 1, nr do
    for j = 1, nc do
      local x = xm[i][j]
      if isna(x) then Cf[i][j] = opts.na_print or "NA"
      elseif x ~= x then Cf[i][j] = "NaN" end
    end
  end
  local showstars = false
  local names = {}
  for j = 1, nc do names[j] = cn[j] end
  if has_p then
    local okp, pv = {}, {}
    for i = 1, nr do
      if isok(xm[i][nc]) then okp[#okp + 1] = i; pv[#pv + 1] = xm[i][nc] end
    end
    if #okp > 0 then
      local s = M.pval(pv, dig_tst, opts.eps_pvalue)
      local any01 = false
      for q, i in ipairs(okp) do
        Cf[i][nc] = s[q]
        if pv[q] < 0.1 then any01 = true end
      end
      showstars = stars_on and any01
      if showstars then
        local sy, sw = {}, 0
        for i = 1, nr do
          sy[i] = M.stars(xm[i][nc])
          if #sy[i] > sw then sw = #sy[i] end
        end
        for i = 1, nr do Cf[i][nc + 1] = rpad(sy[i], sw) end
        names[nc + 1] = ""
      end
    end
  end
  local out = M.matrix(t.rownames, names, Cf)
  if showstars and legend then out = out .. "\n---\n" .. M.LEGEND end
  return out
end

--- R's print.anova of a table t as P.coefmat takes it: the test columns
-- (" value", F, Chisq) rounded as statistics, the others but the degrees
-- of freedom put through zapsmall, missing entries blank. opts.digits 5.
function M.anova(t, opts)
  opts = opts or {}
  local cn = t.colnames
  local nc = #cn
  local has_p = cn[nc]:find("^P%(") ~= nil or cn[nc]:find("^Pr%(") ~= nil
  local tst, istst = {}, {}
  for j = 1, nc do
    if cn[j]:sub(2, 7) == " value" then tst[#tst + 1] = j; istst[j] = true end
  end
  for j = 1, nc do
    if (cn[j] == "F" or cn[j] == "Cp" or cn[j] == "Chisq") and not istst[j] then
      tst[#tst + 1] = j; istst[j] = true
    end
  end
  local zap = {}
  for j = 1, has_p and nc - 1 or nc do
    if not istst[j] and not cn[j]:find("Df$") then zap[#zap + 1] = j end
  end
  return M.coefmat(t, { digits = opts.digits or 5, signif_stars = opts.signif_stars,
    has_pvalue = has_p, cs_ind = {}, zap_ind = zap, tst_ind = tst, na_print = "" })
end

return M
