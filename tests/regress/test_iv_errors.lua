-- Bad input to regress.iv, ivl, anchor, sketch and ipcw: every error is a
-- Lua error that begins "regress.<fn>: " (no chunk position in front) and
-- names the argument and the row as the caller gave them.
local T = require "orrery.testing"

local inf, nan = math.huge, 0 / 0
local y = { 1, 2, 3, 4, 5, 6, 8, 7 }
local x = { 1, 3, 2, 5, 4, 7, 6, 8 }
local z = { 2, 1, 3, 5, 4, 6, 8, 7 }

-- the error message, which must begin with exactly "<fn>: " and contain want
local function err(fn, want, f)
  local e = T.errors(f, want)
  T.eq(e:sub(1, #fn + 2), fn .. ": ", "message starts with the function: " .. e)
  return e
end

T.test("iv, ivl, anchor: option and shape errors begin with the function name", function()
  err("regress.iv", "unknown option 'foo'", function() return regress.iv{ y = y, x = x, z = z, foo = 1 } end)
  err("regress.iv", "z has 2 rows but y has 8", function() return regress.iv{ y = y, x = x, z = { 1, 2 } } end)
  err("regress.iv", "'y' must be a matrix, an array of numbers or an array of rows", function() return regress.iv{ y = "a", x = x, z = z } end)
  err("regress.iv", "expected a table of options", function() return regress.iv(5) end)
  err("regress.iv", "needs instruments after a bar", function()
    return regress.iv{ formula = "y ~ x", data = data.frame{ y = y, x = x } }
  end)
  err("regress.iv", "unknown column 'w'", function()
    return regress.iv{ formula = "y ~ w | z", data = data.frame{ y = y, x = x, z = z } }
  end)
  err("regress.ivl", "unknown option 'gamma'", function() return regress.ivl{ y = y, x = x, z = z, gamma = 1 } end)
  err("regress.anchor", "gamma must be a finite number >= 0, got inf", function()
    return regress.anchor{ y = y, x = x, a = z, gamma = inf }
  end)
  err("regress.anchor", "a is required", function() return regress.anchor{ y = y, x = x, gamma = 2 } end)
end)

T.test("iv, ivl, anchor, sketch: Inf is an error naming the argument and its row", function()
  local zi = { 2, 1, inf, 5, 4, 6, 8, 7 }
  err("regress.iv", "'z' has an infinite value in row 3", function() return regress.iv{ y = y, x = x, z = zi } end)
  err("regress.ivl", "'z' has an infinite value in row 3", function()
    return regress.ivl{ y = y, x = x, z = zi, alpha = 1 }
  end)
  err("regress.anchor", "'a' has an infinite value in row 3", function()
    return regress.anchor{ y = y, x = x, a = zi, gamma = 2 }
  end)
  -- after a dropped row the row is still the caller's
  local yn = { nan, 2, 3, 4, 5, -inf, 8, 7 }
  err("regress.iv", "'y' has an infinite value in row 6", function() return regress.iv{ y = yn, x = x, z = z } end)
  err("regress.sketch", "'y' has an infinite value in row 6", function()
    return regress.sketch{ y = yn, x = x, m = 4, kind = "countsketch", rng = rng.new(1) }
  end)
  err("regress.sketch", "'x' has an infinite value in row 2", function()
    return regress.sketch{ y = y, x = { 1, inf, 2, 5, 4, 7, 6, 8 }, m = 4, kind = "gaussian", rng = rng.new(1) }
  end)
end)

T.test("sketch and ipcw: option errors begin with the function name", function()
  err("regress.sketch", "unknown option 'foo'", function()
    return regress.sketch{ y = y, x = x, m = 4, kind = "srht", foo = 1 }
  end)
  err("regress.sketch", "kind must be", function() return regress.sketch{ y = y, x = x, m = 4, kind = "foo" } end)
  err("regress.sketch", "m (the sketch size) must be an integer", function()
    return regress.sketch{ y = y, x = x, m = 2.5 }
  end)
  local t, s = { 1, 2, 3, 4, 5 }, { 1, 1, 0, 1, 1 }
  err("regress.ipcw", "unknown option 'foo'", function() return regress.ipcw{ time = t, status = s, x = t, foo = 1 } end)
  err("regress.ipcw", "time is required", function() return regress.ipcw{ status = s, x = t } end)
  err("regress.ipcw", "status has 2 values but time has 5", function()
    return regress.ipcw{ time = t, status = { 1, 0 }, x = t }
  end)
end)

T.test("ipcw: rows named as given; too few events is regress.ipcw's error", function()
  local x5 = { 1, 2, 3, 4, 5 }
  err("regress.ipcw", "'time' has an infinite value in row 3", function()
    return regress.ipcw{ time = { nan, 2, inf, 4, 5 }, status = { 1, 1, 1, 0, 1 }, x = x5 }
  end)
  err("regress.ipcw", "'time' element 2 is -1: times must be >= 0", function()
    return regress.ipcw{ time = { 1, -1, 3, 4, 5 }, status = { 1, 1, 1, 0, 1 }, x = x5 }
  end)
  err("regress.ipcw", "1 event", function()
    return regress.ipcw{ time = { 1, 2, 3, 4, 5 }, status = { 0, 0, 0, 0, 1 }, x = x5 }
  end)
  err("regress.ipcw", "0 events", function()
    return regress.ipcw{ time = { 1, 2, 3, 4, 5 }, status = { 0, 0, 0, 0, 0 }, x = x5 }
  end)
end)

T.test("iv with a formula: a cluster vector follows the rows the formula keeps", function()
  local d = data.read_csv("tests/ref/regress/iv/cigarettes.csv")
  local tdiff = d.tdiff:copy(); tdiff:set(2, 1, nan); tdiff:set(5, 1, nan)
  d:add("tdiff2", tdiff)
  local f = regress.iv{ formula = "lpacks ~ lrprice + lrincome | lrincome + tdiff2 + rtax", data = d,
    cluster = d.state }
  local g = regress.iv{ formula = "lpacks ~ lrprice + lrincome | lrincome + tdiff2 + rtax", data = d,
    cluster = "state" }
  T.eq(f.n, 94); T.near(f.se, g.se, 1e-14)
  err("regress.iv", "'cluster' has 3 elements but data has 96 rows", function()
    return regress.iv{ formula = "lpacks ~ lrprice | rtax", data = d, cluster = { 1, 2, 3 } }
  end)
end)

T.test("iv fits: summary(), residuals(type), confint level, predict on a frame for formula fits", function()
  local d = data.read_csv("tests/ref/regress/iv/cigarettes.csv")
  local f = regress.iv{ formula = "lpacks ~ lrprice + lrincome | lrincome + tdiff + rtax", data = d }
  T.eq(f:summary(), tostring(f))
  T.near(f:residuals("response"), f:residuals(), 0)
  err("regress.residuals", "unknown type 'pearson'", function() return f:residuals("pearson") end)
  err("regress.confint", "level must be a number in (0, 1)", function() return f:confint(2) end)
  -- a frame goes through the formula's design: the fitted values back
  local p = f:predict(d:head(3))
  T.near(p, { f.fitted[1], f.fitted[2], f.fitted[3] }, 1e-12)
  local g = regress.iv{ y = d.lpacks, x = d.lrprice:hcat(d.lrincome), z = d.lrincome:hcat(d.tdiff):hcat(d.rtax) }
  err("regress.predict", "fitted with matrices: give newdata as a matrix", function() return g:predict(d:head(3)) end)
  local a = regress.anchor{ formula = "lpacks ~ lrprice + lrincome | lrincome + tdiff + rtax", data = d, gamma = 2 }
  T.near(a:predict(d:head(2)), { a.fitted[1], a.fitted[2] }, 1e-12)
end)
