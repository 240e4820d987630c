-- Parsing, missing values, special terms and every error path of orrery.formula.
local T = require "orrery.testing"
local formula = require "orrery.formula"
local data = require "orrery.data"

local NaN = 0 / 0

local function df()
  return data.frame({
    y = {1.5, 2, 3.25, 4, 5.5, 6, 7.75, 8},
    x = {0.5, 1, NaN, 2, 2.5, 3, 3.5, 4},
    t = {5, 6, 7, 8, 9, 10, 11, 12},
    s = {1, 0, 1, 1, 0, 1, 0, 1},
    w = {1, 1, 2, 2, 1, NaN, 1, 1},
    g = {"b", "a", "b", "c", "a", false, "c", "a"},
    k = {4, 6, 8, 4, 6, 8, 4, 6},
  }, {names = {"y", "x", "t", "s", "w", "g", "k"}})
end

T.test("parse: terms in R's order, intercept, response", function()
  local f = formula.parse("y ~ b:a + a + c*d")
  T.eq(table.concat(f.terms, " "), "a c d b:a c:d")
  T.eq(f.intercept, true)
  T.eq(f.response.kind, "name"); T.eq(f.response.label, "y")
  f = formula.parse("log(y) ~ (a + b + c)^2 - a:b - 1")
  T.eq(table.concat(f.terms, " "), "a b c a:c b:c")
  T.eq(f.intercept, false)
  T.eq(f.response.kind, "expr"); T.eq(f.response.label, "log(y)")
  T.eq(formula.parse("y ~ 0 + a").intercept, false)
  T.eq(formula.parse("y ~ -1 + a + 1").intercept, true)
  T.eq(formula.parse("y ~ a - 0").intercept, true)
  T.eq(table.concat(formula.parse("y ~ (a + b)/c").terms, " "), "a b a:b:c")
  T.eq(table.concat(formula.parse("y ~ a %in% b").terms, " "), "a:b")
  T.eq(#formula.parse("y ~ 1").terms, 0)
  T.eq(formula.parse("~ x").response, nil)
end)

T.test("parse: deparsed labels as R", function()
  local f = formula.parse("y~I(a+b*c)+I(x^2)+I(1/x)+log(x,base=2)+relevel(g,'b')+I(x>=3)+exp(-x)+I(1e5*x)+I(.5*x)+`my var`")
  T.eq(table.concat(f.terms, "|"),
    'I(a + b * c)|I(x^2)|I(1/x)|log(x, base = 2)|relevel(g, "b")|I(x >= 3)|exp(-x)|I(1e+05 * x)|I(0.5 * x)|`my var`')
  T.eq(T.private("formula").rnum(123456), "123456"); T.eq(T.private("formula").rnum(1 / 3), "0.333333333333333")
  T.eq(T.private("formula").rnum(1e-5), "1e-05"); T.eq(T.private("formula").rnum(100), "100"); T.eq(T.private("formula").rnum(-2.5), "-2.5")
  -- constants beyond %f's 99 decimals were a raw string.format error
  T.eq(formula.parse("y ~ I(x + 1e-200)").terms[1], "I(x + 1e-200)")
  T.eq(T.private("formula").rnum(5e-324), "4.94065645841247e-324")  -- R: deparse(5e-324)
end)

T.test("parse: Surv, strata, offset, instruments", function()
  local f = formula.parse("Surv(start, stop, status) ~ age + strata(site) + offset(log(t))")
  T.eq(f.response.kind, "surv")
  T.eq(table.concat(f.response.args, ","), "start,stop,status")
  T.eq(table.concat(f.terms, " "), "age")
  T.eq(f.strata[1], "strata(site)"); T.eq(f.offset[1], "offset(log(t))")
  f = formula.parse("y ~ x1 + x2 | . - x2 + z")
  T.eq(table.concat(f.terms, " "), "x1 x2")
  T.eq(table.concat(f.instruments.terms, " "), "x1 z")
  T.eq(tostring(f), "formula: y ~ x1 + x2 | . - x2 + z")
end)

T.test("parse: syntax errors name the position", function()
  T.errors(function() formula.parse("y ~ (a))") end, "formula.parse: unexpected ')' at position 8 in 'y ~ (a))'")
  T.errors(function() formula.parse("y ~ (a") end, "formula.parse: unexpected end of formula in 'y ~ (a'")
  T.errors(function() formula.parse("y ~ a b") end, "unexpected 'b' at position 7")
  T.errors(function() formula.parse("y + a") end, "no '~'")
  T.errors(function() formula.parse("y ~ x ~ z") end, "unexpected '~' at position 7")
  T.errors(function() formula.parse("y ~ a + 2") end, "the number 2 is not a term at position 9")
  T.errors(function() formula.parse("y ~ x^1") end, "invalid power in formula")
  T.errors(function() formula.parse("y ~ x^z") end, "invalid power in formula")
  T.errors(function() formula.parse("y ~ foo(x)") end, "unknown function 'foo' at position 5")
  T.errors(function() formula.parse("y ~ log(x, 2, 3)") end, "log() takes 1 to 2 arguments, got 3")
  T.errors(function() formula.parse("y ~ log(x, b = 2)") end, "log() has no argument 'b'")
  -- a named argument may come first, as in R; twice is an error
  T.eq(formula.parse("y ~ log(base = 2, x)").terms[1], "log(base = 2, x)")
  T.errors(function() formula.parse("y ~ log(base = 2, base = 3)") end, "argument 'base' given twice")
  T.errors(function() formula.parse("y ~ poly(degree = 2)") end, "poly() takes 1 to 3 arguments, got 1")
  T.errors(function() formula.parse("y ~ 'a'") end, "a string is not a term")
  T.errors(function() formula.parse("y ~ a $ b") end, "unexpected character '$' at position 7")
  T.errors(function() formula.parse("y ~ 1.2.3") end, "malformed number at position 5")
  T.errors(function() formula.parse("y ~ `a") end, "unterminated `name`")
  T.errors(function() formula.parse("y ~ relevel(g, 'a)") end, "unterminated string")
  T.errors(function() formula.parse("y ~ a %% b") end, "unexpected '%'")
  T.errors(function() formula.parse("y ~ a == b") end, "'==' outside I()")
  T.errors(function() formula.parse("y ~ !a") end, "'!' outside I()")
  T.errors(function() formula.parse("y ~ a | b | c") end, "'|' only separates instruments")
  T.errors(function() formula.parse("y ~ a:1") end, "0 or 1 inside an interaction")
  T.errors(function() formula.parse("y ~ Surv(t, s)") end, "Surv() belongs on the left of '~'")
  T.errors(function() formula.parse("y ~ strata(g):x") end, "strata() cannot be part of an interaction")
  T.errors(function() formula.parse("y ~ x | offset(z)") end, "offset() cannot be an instrument")
  T.errors(function() formula.parse(". ~ x") end, "'.' cannot be the response")
  T.errors(function() formula.parse("y ~ if") end, "unexpected 'if'")
  T.errors(function() formula.parse("") end, "unexpected end of formula")
  T.errors(function() formula.parse(42) end, "formula.parse: expected a string, got number")
end)

T.test("parse: depth and size limits", function()
  T.errors(function() formula.parse("y ~ " .. string.rep("(", 500) .. "x" .. string.rep(")", 500)) end,
    "nested too deeply (more than 100 levels)")
  T.errors(function() formula.parse("y ~ " .. string.rep("-", 500) .. "x") end, "nested too deeply")
  local vars = {}
  for i = 1, 14 do vars[i] = "x" .. i end
  T.errors(function() formula.parse("y ~ " .. table.concat(vars, "*")) end, "too many terms (more than 4096)")
  -- a large power of few variables stops once nothing changes
  T.eq(#formula.parse("y ~ (a + b)^1e300").terms, 3)
  -- a long sum is fine
  local many = {}
  for i = 1, 1000 do many[i] = "x" .. i end
  T.eq(#formula.parse("y ~ " .. table.concat(many, " + ")).terms, 1000)
end)

T.test("missing values: rows dropped and counted, keep mask", function()
  local mf = formula.model_frame("y ~ x + g", df())
  -- row 3 (x NaN) and row 6 (g missing) go
  T.eq(mf.n, 6); T.eq(mf.n_dropped, 2)
  T.eq(table.concat(mf.names, " "), "(Intercept) x gb gc")
  local keep = {}
  for i = 1, 8 do keep[i] = tostring(mf.keep[i]) end
  T.eq(table.concat(keep, " "), "true true false true true false true true")
  T.near(mf.y, {1.5, 2, 4, 5.5, 7.75, 8}, 0)
  T.near(mf.x, {{1, 0.5, 1, 0}, {1, 1, 0, 0}, {1, 2, 0, 1}, {1, 2.5, 0, 0}, {1, 3.5, 0, 1}, {1, 4, 0, 0}}, 0)
  -- an extra column's NaN drops its row too
  mf = formula.model_frame("y ~ t", df(), {extra = {"w", "g"}})
  T.eq(mf.n_dropped, 1)
  T.near(mf.extra.w, {1, 1, 2, 2, 1, 1, 1}, 0)
  T.near(mf.extra.g, {2, 1, 2, 3, 1, 3, 1}, 0)   -- a factor gives its level codes
  -- a transform giving NaN (log of a negative) is a missing value, as in R
  mf = formula.model_frame("y ~ log(t - 7.5)", df())
  T.eq(mf.n_dropped, 3)
  T.eq(mf.names[2], "log(t - 7.5)")
end)

T.test("missing values: na = \"fail\" and Inf", function()
  T.errors(function() formula.model_frame("y ~ x", df(), {na = "fail"}) end,
    "formula.model_frame: missing value in 'x' at row 3 (na = \"fail\")")
  local mf = formula.model_frame("y ~ t", df(), {na = "fail"})
  T.eq(mf.n_dropped, 0)
  T.errors(function() formula.model_frame("y ~ log(t - 5)", df()) end,
    "formula.model_frame: 'log(t - 5)' has an infinite value at row 1")
  T.errors(function() formula.model_frame("y ~ I(1/(t - 6))", df()) end, "has an infinite value at row 2")
  local d = data.frame({y = {NaN, NaN}, x = {1, 2}}, {names = {"y", "x"}})
  T.errors(function() formula.model_frame("y ~ x", d) end,
    "formula.model_frame: no complete rows: each of the 2 rows has a missing value")
  local empty = data.frame({y = mat.zeros(0, 1), x = mat.zeros(0, 1)}, {names = {"y", "x"}})
  T.errors(function() formula.model_frame("y ~ x", empty) end, "formula.model_frame: the data have no rows")
  local two = data.frame({y = {1, 2}, x = {1, 2}}, {names = {"y", "x"}})
  local d0 = formula.design(formula.model_frame("y ~ x", two), empty)
  T.eq(d0.x:rows(), 0); T.eq(d0.x:cols(), 2)
end)

T.test("unused levels: dropped by default (as lm), kept on request (as model.matrix)", function()
  local d = data.frame({y = {1, 2, 3, 4}, x = {1, 2, NaN, 4}, g = {"a", "b", "c", "a"}},
    {names = {"y", "x", "g"}})
  T.eq(table.concat(formula.model_frame("y ~ x + g", d).names, " "), "(Intercept) x gb")
  local mf = formula.model_frame("y ~ x + g", d, {drop_unused = false})
  T.eq(table.concat(mf.names, " "), "(Intercept) x gb gc")
  T.near(mf.x, {{1, 1, 0, 0}, {1, 2, 1, 0}, {1, 4, 0, 0}}, 0)
end)

T.test("factor(k), relevel, logical terms", function()
  local mf = formula.model_frame("y ~ relevel(factor(k), \"6\") + I(t > 8)", df())
  T.eq(table.concat(mf.names, " "),
    '(Intercept) relevel(factor(k), "6")4 relevel(factor(k), "6")8 I(t > 8)TRUE')
  T.near(mf.x, {{1, 1, 0, 0}, {1, 0, 0, 0}, {1, 0, 1, 0}, {1, 1, 0, 0}, {1, 0, 0, 1},
                {1, 0, 1, 1}, {1, 1, 0, 1}, {1, 0, 0, 1}}, 0)
  mf = formula.model_frame("y ~ relevel(g, 2) - 1", df())
  T.eq(table.concat(mf.names, " "), "relevel(g, 2)b relevel(g, 2)a relevel(g, 2)c")
  T.errors(function() formula.model_frame("y ~ relevel(g, 'z')", df()) end,
    "formula.model_frame: 'z' is not a level of 'g'")
  T.errors(function() formula.model_frame("y ~ relevel(x, 'a')", df()) end,
    "relevel() needs a factor, got 'x'")
  T.errors(function() formula.model_frame("y ~ relevel(g, 7)", df()) end, "level number 7 out of range")
  T.errors(function() formula.model_frame("y ~ log(g)", df()) end, "'g' is a factor; arithmetic needs numbers")
  T.errors(function() formula.model_frame("y ~ I(2)", df()) end, "the term 'I(2)' is a constant")
end)

T.test("a factor with one level is an error, as in R's model.matrix", function()
  local d = data.frame({y = {1, 2, 3}, g = {"a", "a", "a"}, h = {"u", "v", "u"}, x = {1, 2, 3}},
    {names = {"y", "g", "h", "x"}})
  for _, f in ipairs{"y ~ g", "y ~ g - 1", "y ~ h + g - 1", "y ~ x:g", "y ~ x + g:h"} do
    T.errors(function() formula.model_frame(f, d) end,
      "formula.model_frame: factor 'g' has only the level 'a'; contrasts need at least two levels", f)
  end
  -- also when the other levels were on dropped rows
  local d2 = data.frame({y = {1, 2, 3}, g = {"a", "b", "a"}, x = {1, 0 / 0, 3}}, {names = {"y", "g", "x"}})
  T.errors(function() formula.model_frame("y ~ x + g", d2) end, "factor 'g' has only the level 'a'")
end)

T.test("intercept = false keeps the contrasts (as coxph), -1 does not", function()
  local mf = formula.model_frame("y ~ g + t", df(), {intercept = false})
  T.eq(table.concat(mf.names, " "), "gb gc t"); T.eq(mf.intercept, false)
  mf = formula.model_frame("y ~ g + t - 1", df())
  T.eq(table.concat(mf.names, " "), "ga gb gc t"); T.eq(mf.intercept, false)
end)

T.test("Surv response, strata, offset", function()
  local mf = formula.model_frame("Surv(t, s == 1) ~ x + strata(g) + offset(log(t))", df())
  T.eq(mf.y, nil)
  T.near(mf.surv.time, {5, 6, 8, 9, 11, 12}, 0)
  T.near(mf.surv.status, {1, 0, 1, 0, 0, 1}, 0)
  T.eq(mf.surv.start, nil)
  T.near(mf.strata, {2, 1, 3, 1, 3, 1}, 0)
  T.eq(table.concat(mf.strata_levels, "|"), "a|b|c")   -- survival's strata(g)
  T.near(mf.offset, {math.log(5), math.log(6), math.log(8), math.log(9), math.log(11), math.log(12)}, 1e-15)
  T.eq(table.concat(mf.names, " "), "(Intercept) x")
  mf = formula.model_frame("Surv(x, t, s) ~ k + strata(g, k)", df())
  T.near(mf.surv.start, {0.5, 1, 2, 2.5, 3.5, 4}, 0)
  T.near(mf.surv.time, {5, 6, 8, 9, 11, 12}, 0)
  T.eq(table.concat(mf.strata_levels, "|"), "g=a, k=6|g=b, k=4|g=c, k=4")
  T.near(mf.strata, {2, 1, 3, 1, 3, 1}, 0)
  -- all rows but the 6th (g missing): as levels(strata(g, k)) in R (survival 3)
  mf = formula.model_frame("Surv(t, s) ~ strata(g, k)", df())
  T.eq(table.concat(mf.strata_levels, "|"), "g=a, k=6|g=b, k=4|g=b, k=8|g=c, k=4")
  T.near(mf.strata, {2, 1, 3, 4, 1, 4, 1}, 0)
  -- two strata() terms combine with short labels, as coxph
  mf = formula.model_frame("Surv(t, s) ~ strata(g) + strata(k)", df())
  T.eq(table.concat(mf.strata_levels, "|"), "a, 6|b, 4|b, 8|c, 4")
  T.near(mf.strata, {2, 1, 3, 4, 1, 4, 1}, 0)
  -- '.' leaves out the response's and strata()'s columns
  mf = formula.model_frame("Surv(t, s) ~ . + strata(g)", df())
  T.eq(table.concat(mf.names, " "), "(Intercept) y x w k")
end)

T.test("cbind and factor responses", function()
  local mf = formula.model_frame("cbind(s, 1 - s) ~ t", df())
  T.eq(mf.y:cols(), 2); T.near(mf.y:get(2, 2), 1, 0)
  mf = formula.model_frame("g ~ t", df())
  T.near(mf.y, {2, 1, 2, 3, 1, 3, 1}, 0)
  T.eq(table.concat(mf.ylevels, " "), "a b c")
  mf = formula.model_frame("~ t + g", df())
  T.eq(mf.y, nil); T.eq(mf.n, 7)
end)

T.test("instruments", function()
  local mf = formula.model_frame("y ~ x + g | t + g", df())
  T.eq(table.concat(mf.znames, " "), "(Intercept) t gb gc")
  T.eq(mf.n_dropped, 2)
  T.eq(mf.z:rows(), 6)
end)

T.test("model_frame: argument errors", function()
  T.errors(function() formula.model_frame("y ~ nope", df()) end,
    "formula.model_frame: unknown column 'nope' in the data")
  T.errors(function() formula.model_frame("y ~ x", df(), {nas = "omit"}) end,
    "formula.model_frame: unknown option 'nas'")
  T.errors(function() formula.model_frame("y ~ x", df(), {na = "drop"}) end, "na must be \"omit\" or \"fail\"")
  T.errors(function() formula.model_frame("y ~ x", df(), {intercept = 1}) end, "intercept must be a boolean")
  T.errors(function() formula.model_frame("y ~ x", df(), {extra = 3}) end, "extra must be an array")
  T.errors(function() formula.model_frame("y ~ x", df(), {extra = {"zz"}}) end, "unknown column 'zz'")
  T.errors(function() formula.model_frame("y ~ x", df(), {extra = {1}}) end, "extra[1] must be a column name")
  T.errors(function() formula.model_frame("y ~ x", mat.zeros(2, 2)) end, "'data' must be a frame, got a matrix")
  T.errors(function() formula.model_frame("y ~ x", {}) end, "'data' must be a frame (with :names() and :nrow())")
  T.errors(function() formula.model_frame(3, df()) end, "'formula' must be a string")
  T.errors(function() formula.model_frame("y ~ x", df(), 5) end, "'opts' must be a table")
  T.errors(function() formula.model_frame("y ~ log(x:t)", df()) end, "':' is not supported inside an expression")
  T.errors(function() formula.model_frame("y ~ I(2 > 1)", df()) end, "compares two constants")
  T.errors(function() formula.model_frame("y ~ strata(I(2))", df()) end, "strata() needs columns")
  T.errors(function() formula.model_frame("Surv(t, 1) ~ x", df()) end, "Surv() argument 2 is a constant")
  T.errors(function() formula.model_frame("3 ~ x", df()) end, "the response '3' is a constant")
end)

T.test("a frame-like object with the shared interface works", function()
  local cols = {y = mat.vec{1, 2, 3}, g = {levels = {"p", "q"}, codes = mat.vec{1, 2, 0 / 0}}}
  local fake = setmetatable({}, {__index = function(_, k)
    if k == "names" then return function() return {"y", "g"} end end
    if k == "nrow" then return function() return 3 end end
    return cols[k]
  end})
  local mf = formula.model_frame("y ~ g", fake)
  T.eq(mf.n_dropped, 1)
  T.near(mf.x, {{1, 0}, {1, 1}}, 0)
  -- a column called "names" does not hide the frame's names with data.frame
  local d = data.frame({names = {1, 2, 3}, y = {2, 4, 7}}, {names = {"y", "names"}})
  T.eq(formula.model_frame("y ~ names", d).names[2], "names")
end)

T.test("design: new rows with the fit's coding", function()
  local mf = formula.model_frame("y ~ x * g + factor(k) + offset(t)", df())
  -- k = 8 occurs only on dropped rows (3 and 6): the fit has no level 8
  T.eq(table.concat(mf.names, " "), "(Intercept) x gb gc factor(k)6 x:gb x:gc")
  local nd = data.frame({x = {1, NaN, 2}, g = {"c", "a", "b"}, k = {4, 4, 6}, t = {1, 2, 3}},
    {names = {"x", "g", "k", "t"}})
  local d = formula.design(mf, nd)
  T.eq(table.concat(d.names, " "), table.concat(mf.names, " "))
  T.near(d.x:get(1, 1), 1, 0); T.near(d.x:get(1, 3), 0, 0); T.near(d.x:get(1, 4), 1, 0)
  T.near(d.x:get(1, 5), 0, 0); T.near(d.x:get(1, 7), 1, 0); T.near(d.x:get(3, 5), 1, 0)
  T.near(d.x:get(3, 6), 2, 0); T.near(d.x:get(3, 2), 2, 0)
  T.ok(d.x:get(2, 2) ~= d.x:get(2, 2), "a missing x gives NaN (na.pass)")
  T.near(d.offset, {1, 2, 3}, 0)
  -- the same rows as the fit give the same matrix
  local same = formula.design(mf.info, df():subset(mf.keep))
  T.near(same.x, mf.x, 0)
  T.near(same.offset, mf.offset, 0)
  T.errors(function()
    formula.design(mf, data.frame({x = {1}, g = {"z"}, k = {4}, t = {1}}, {names = {"x", "g", "k", "t"}}))
  end, "formula.design: factor 'g' has a new level 'z'")
  T.errors(function()
    formula.design(mf, data.frame({x = {1}, g = {"a"}, k = {5}, t = {1}}, {names = {"x", "g", "k", "t"}}))
  end, "factor 'factor(k)' has a new level '5'")
  T.errors(function()
    formula.design(mf, data.frame({x = {1}, g = {"a"}, k = {8}, t = {1}}, {names = {"x", "g", "k", "t"}}))
  end, "factor 'factor(k)' has a new level '8'")
  T.errors(function()
    formula.design(mf, data.frame({x = {1}, g = {1}, k = {4}, t = {1}}, {names = {"x", "g", "k", "t"}}))
  end, "'g' was a factor in the fit but is numeric here")
  T.errors(function()
    formula.design(mf, data.frame({x = {"a"}, g = {"a"}, k = {4}, t = {1}}, {names = {"x", "g", "k", "t"}}))
  end, "'x' was numeric in the fit but is a factor here")
  T.errors(function()
    formula.design(mf, data.frame({x = {1 / 0}, g = {"a"}, k = {4}, t = {1}}, {names = {"x", "g", "k", "t"}}))
  end, "'x' has an infinite value at row 1")
  T.errors(function() formula.design(mf, data.frame({x = {1}}, {names = {"x"}})) end, "unknown column 'g'")
  T.errors(function() formula.design({}, nd) end, "expected the result of formula.model_frame")
end)

T.test("help is registered", function()
  local help = require "orrery.help"
  for _, name in ipairs{"formula.parse", "formula.model_frame", "formula.design"} do
    T.ok(help.lookup(name), name)
  end
end)

T.test("element-wise functions keep their precision (values from R)", function()
  local d = data.frame({y = {1, 2, 3}, x = {1e-10, 1e-4, 0.5}}, {names = {"y", "x"}})
  local mf = formula.model_frame("y ~ log1p(x) + expm1(x) + sinh(x) + tanh(x) + log(x, 10) + log2(x) - 1", d)
  -- R: sprintf("%.17g", c(log1p(x), expm1(x), sinh(x), tanh(x), log10(x), log2(x)))
  T.near(mf.x, {
    {9.9999999995000007e-11, 1.00000000005e-10, 1e-10, 1e-10, -10, -33.219280948873624},
    {9.9995000333308339e-05, 0.00010000500016667084, 0.00010000000016666667, 9.9999999666666682e-05, -4, -13.287712379549449},
    {0.40546510810816438, 0.64872127070012819, 0.52109530549374738, 0.46211715726000974, -0.3010299956639812, -1},
  }, 1e-15)
end)

T.test("a parsed formula can be reused; design rebuilds z", function()
  local f = formula.parse("y ~ x + relevel(g, 'c') | t + g")
  local mf = formula.model_frame(f, df())
  T.eq(table.concat(mf.names, " "), "(Intercept) x relevel(g, \"c\")a relevel(g, \"c\")b")
  local d = formula.design(mf, df():subset(mf.keep))
  T.near(d.x, mf.x, 0); T.near(d.z, mf.z, 0)
  T.eq(table.concat(d.znames, " "), "(Intercept) t gb gc")
  -- the same object on another frame
  local mf2 = formula.model_frame(f, df():subset{true, true, true, true, true, true, true, false})
  T.eq(mf2.n, 5)
end)
