-- optim: Rosenbrock by both methods, a likelihood against R's optim and glm
-- (tests/ref/optim/make_logit.R), non-convergence, non-finite values,
-- errors inside f, finite differences, Brent, and the error paths.
local T = require "orrery.testing"

local function rosen(x)
  local a, b = x[1], x[2]
  return 100 * (b - a * a)^2 + (1 - a)^2
end

local function rosen_grad(x)
  local a, b = x[1], x[2]
  return { -400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a) }
end

T.test("Rosenbrock from (-1.2, 1) to 1e-6, every method, with and without grad", function()
  for _, method in ipairs{ "bfgs", "nm", "bfgs2" } do
    for _, g in ipairs{ false, true } do
      local r = optim.minimize{ f = rosen, x0 = { -1.2, 1 }, method = method,
                                grad = g and rosen_grad or nil }
      local what = method .. (g and " with grad" or " without grad")
      T.ok(r.converged, what .. ": " .. r.reason)
      -- tolerance 1e-6 absolute on each coordinate (the minimum is (1, 1))
      T.near(r.x, { 1, 1 }, 0, what, 1e-6)
      T.ok(r.value < 1e-12, what .. ": value " .. r.value)
      T.eq(r.method, method)
      T.eq(r.x:rows(), 2); T.eq(r.x:cols(), 1)
      T.ok(r.iterations > 0 and r.evaluations > 0)
    end
  end
  -- the analytic gradient is used (and saves evaluations of f)
  local a = optim.minimize{ f = rosen, x0 = { -1.2, 1 }, grad = rosen_grad }
  local b = optim.minimize{ f = rosen, x0 = { -1.2, 1 } }
  T.ok(a.grad_evaluations > 0 and b.grad_evaluations == 0)
  T.ok(a.evaluations < b.evaluations)
  -- x0 may be a mat, and is not changed
  local x0 = mat.vec{ -1.2, 1 }
  local r = optim.minimize{ f = rosen, x0 = x0 }
  T.near(x0, { -1.2, 1 }, 0)
  T.near(r.x, { 1, 1 }, 0, nil, 1e-6)
  -- same input, same answer
  T.eq(optim.minimize{ f = rosen, x0 = { -1.2, 1 } }.value, b.value)
  -- one parameter, and a number as x0
  local q = optim.minimize{ f = function(x) return (x[1] - 3)^2 + 1 end, x0 = 0 }
  T.near(q.x, { 3 }, 0, nil, 1e-7); T.near(q.value, 1, 1e-12)
end)

-- logistic regression of am on hp and wt (mtcars): negative log-likelihood
local d = T.csv("optim/mtcars_logit.csv")
local ref = T.ref("optim/logit.txt")
local n = d.am:rows()

local function nll(b)
  local s = 0
  for i = 1, n do
    local eta = b[1] + b[2] * d.hp[i] + b[3] * d.wt[i]
    -- log(1 + e^eta) without overflow
    local l1p = eta > 0 and eta + math.log(1 + math.exp(-eta)) or math.log(1 + math.exp(eta))
    s = s + l1p - d.am[i] * eta
  end
  return s
end

local function nll_grad(b)
  local g = { 0, 0, 0 }
  for i = 1, n do
    local eta = b[1] + b[2] * d.hp[i] + b[3] * d.wt[i]
    local r = 1 / (1 + math.exp(-eta)) - d.am[i]
    g[1] = g[1] + r; g[2] = g[2] + r * d.hp[i]; g[3] = g[3] + r * d.wt[i]
  end
  return g
end

-- (bfgs2, GSL's memoryless BFGS, is left out here: on this badly scaled
-- problem it does not converge in 1000 iterations, which is why "bfgs" is
-- a dense BFGS; see modules/optim/optim.h)
T.test("a likelihood: the logit NLL of am ~ hp + wt against R's optim and glm", function()
  for _, method in ipairs{ "bfgs", "nm" } do
    for _, g in ipairs{ false, true } do
      if method == "bfgs" or not g then
        local r = optim.minimize{ f = nll, x0 = { 0, 0, 0 }, method = method,
                                  grad = g and nll_grad or nil, tol = 1e-10 }
        local what = method .. (g and " with grad" or "")
        T.ok(r.converged, what .. ": " .. r.reason)
        -- the exact MLE (glm with epsilon 1e-14): 1e-6 relative per coefficient
        T.near(r.x, ref.glm_coef, 1e-6, what .. " vs glm")
        -- R's optim (BFGS / Nelder-Mead, reltol 1e-14) found the same point:
        -- both within 1e-5 of each other, and the same minimum to 1e-12
        T.near(r.x, method == "bfgs" and ref.bfgs_par or ref.nm_par, 1e-5, what .. " vs R optim")
        T.near(r.value, ref.glm_nll, 1e-12, what .. " minimum")
        T.ok(r.value <= (method == "bfgs" and ref.bfgs_value or ref.nm_value) * (1 + 1e-14),
          what .. ": not above R's minimum")
      end
    end
  end
end)

-- a censored Weibull likelihood on survival::lung (make_weibull.R)
T.test("a likelihood: censored Weibull on lung against survreg and R's optim", function()
  local w = T.csv("optim/lung_weibull.csv")
  local wr = T.ref("optim/weibull.txt")
  local m = w.time:rows()
  local function wnll(p)
    local lam, k, s = math.exp(p[1]), math.exp(p[2]), 0
    for i = 1, m do
      local lt = math.log(w.time[i] / lam)
      s = s + w.dead[i] * (p[2] - p[1] + (k - 1) * lt) - math.exp(k * lt)
    end
    return -s
  end
  for _, method in ipairs{ "bfgs", "nm", "bfgs2" } do
    local r = optim.minimize{ f = wnll, x0 = wr.start, method = method }
    T.ok(r.converged, method .. ": " .. r.reason)
    -- survreg's MLE to 1e-6 relative; R's optim's minimum to 1e-12
    T.near(r.x, wr.survreg_par, 1e-6, method .. " vs survreg")
    T.near(r.x, method == "nm" and wr.nm_par or wr.bfgs_par, 1e-6, method .. " vs R optim")
    T.near(r.value, wr.survreg_nll, 1e-12, method .. " minimum")
  end
end)

T.test("grad and hessian of known functions to 1e-6", function()
  -- at a point of the likelihood: the analytic gradient, and X'WX
  local b = { 1, -0.02, 0.5 }
  T.near(optim.grad(nll, b), nll_grad(b), 1e-6, "logit gradient")
  T.near(optim.grad(nll, { 0, 0, 0 }), ref.grad_at_0, 1e-6, "gradient at 0 (R)")
  local H = { { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } }
  local mle = ref.glm_coef
  for i = 1, n do
    local eta = mle[1] + mle[2] * d.hp[i] + mle[3] * d.wt[i]
    local p = 1 / (1 + math.exp(-eta))
    local xi = { 1, d.hp[i], d.wt[i] }
    for j = 1, 3 do for k = 1, 3 do H[j][k] = H[j][k] + p * (1 - p) * xi[j] * xi[k] end end
  end
  local Hn = optim.hessian(nll, mle)
  T.near(Hn, H, 1e-6, "logit Hessian X'WX")
  -- R's optimHess (differences of the analytic gradient) agrees less
  -- closely, as it is a numerical derivative too: 1e-5
  T.near(Hn, ref.hessian_at_mle, 1e-5, "vs optimHess")
  for j = 1, 3 do for k = 1, 3 do T.eq(Hn:get(j, k), Hn:get(k, j)) end end
  -- f = exp(x1) sin(x2) + x1^2 x2^3 at (0.5, -1.3), and Rosenbrock
  local function f(x) return math.exp(x[1]) * math.sin(x[2]) + x[1]^2 * x[2]^3 end
  local e, s, c = math.exp(0.5), math.sin(-1.3), math.cos(-1.3)
  T.near(optim.grad(f, { 0.5, -1.3 }), { e * s + 2 * 0.5 * (-1.3)^3, e * c + 3 * 0.25 * 1.69 }, 1e-6)
  T.near(optim.hessian(f, { 0.5, -1.3 }),
    { { e * s + 2 * (-1.3)^3, e * c + 6 * 0.5 * 1.69 },
      { e * c + 6 * 0.5 * 1.69, -e * s + 6 * 0.25 * -1.3 } }, 1e-6)
  T.near(optim.grad(rosen, { 1.5, 2 }), rosen_grad({ 1.5, 2 }), 1e-6)
  T.near(optim.hessian(rosen, { 1.5, 2 }), { { 1200 * 2.25 - 400 * 2 + 2, -600 }, { -600, 200 } }, 1e-6)
  -- large and small coordinates: steps scale with |x|
  local function g(x) return x[1]^2 / 1e12 + 1e6 * x[2]^2 end
  T.near(optim.grad(g, { 1e6, 1e-3 }), { 2e6 / 1e12, 2e6 * 1e-3 }, 1e-6)
end)

T.test("root of cos(x) - x and other brackets", function()
  local r = optim.root{ f = function(x) return math.cos(x) - x end, lower = 0, upper = 1 }
  T.ok(r.converged, r.reason)
  -- the Dottie number 0.7390851332151606416553120876738734...
  T.near(r.root, 0.73908513321516064, 1e-14)
  T.ok(math.abs(r.value) < 1e-15)
  T.ok(r.iterations > 0 and r.iterations < 50)
  -- a root at an end of the bracket
  local e = optim.root{ f = function(x) return x - 2 end, lower = 2, upper = 5 }
  T.eq(e.root, 2); T.ok(e.converged)
  -- sqrt(2), decreasing function, wide bracket
  local s = optim.root{ f = function(x) return 2 - x * x end, lower = 0, upper = 100 }
  T.near(s.root, math.sqrt(2), 1e-14)
  -- maxiter reached: not converged, with a reason
  local m = optim.root{ f = function(x) return math.cos(x) - x end, lower = 0, upper = 1, maxiter = 1 }
  T.eq(m.converged, false); T.eq(m.reason, "maximum iterations reached")
  T.ok(tostring(r):find("converged", 1, true))
end)

T.test("maxiter = 2 reports converged = false with a reason", function()
  for _, method in ipairs{ "bfgs", "nm", "bfgs2" } do
    local r = optim.minimize{ f = rosen, x0 = { -1.2, 1 }, method = method, maxiter = 2 }
    T.eq(r.converged, false, method)
    T.eq(r.iterations, 2, method)
    T.eq(r.reason, "maximum iterations reached")
    T.ok(r.value <= 24.2, method .. ": no worse than f(x0) = 24.2")
    T.ok(tostring(r):find("NOT converged after 2 iterations (maximum iterations reached)", 1, true))
  end
end)

T.test("non-finite values of f are walls, not crashes", function()
  -- NaN beyond x1 = 3, -Inf-free: both methods find (2, 0) from near the wall
  local function walled(x)
    if x[1] >= 3 then return 0 / 0 end
    return (x[1] - 2)^2 + x[2]^2
  end
  for _, method in ipairs{ "bfgs", "nm", "bfgs2" } do
    local r = optim.minimize{ f = walled, x0 = { 2.9, 1 }, method = method }
    T.ok(r.converged, method .. ": " .. r.reason)
    T.near(r.x, { 2, 0 }, 0, method, 1e-6)
  end
  -- a log-likelihood that is -log(0) = Inf outside its support
  local function nlog(x) return x[1] > 0 and x[1] - 2 * math.log(x[1]) or math.huge end
  local r = optim.minimize{ f = nlog, x0 = { 0.05 } }
  T.ok(r.converged, r.reason); T.near(r.x, { 2 }, 0, nil, 1e-6)
  -- non-finite at x0 is an error
  T.errors(function() return optim.minimize{ f = walled, x0 = { 4, 0 } } end,
    "optim.minimize: f or its gradient is not finite at x0")
  T.errors(function() return optim.minimize{ f = walled, x0 = { 4, 0 }, method = "nm" } end,
    "optim.minimize: f is not finite at x0")
  T.errors(function() return optim.grad(walled, { 5, 0 }) end, "optim.grad: f is not finite at x")
  T.errors(function() return optim.hessian(walled, { 5, 0 }) end, "optim.hessian: f is not finite")
end)

T.test("errors inside f propagate unchanged, and the state stays usable", function()
  local err = T.errors(function()
    return optim.minimize{ f = function(x) error("boom in f") end, x0 = { 1, 2 } }
  end, "boom in f")
  T.ok(err:find("test_optim.lua", 1, true), "the position of the error in f")
  -- an error object that is not a string, raised in the middle of a search
  local calls = 0
  local obj = { code = 42 }
  for _, method in ipairs{ "bfgs", "nm", "bfgs2" } do
    calls = 0
    local ok, e = pcall(optim.minimize, { method = method, x0 = { -1.2, 1 }, f = function(x)
      calls = calls + 1
      if calls == 20 then error(obj) end
      return rosen(x)
    end })
    T.eq(ok, false); T.ok(rawequal(e, obj), method .. ": the same error object")
  end
  -- in grad, in root, in optim.grad / optim.hessian
  T.errors(function()
    return optim.minimize{ f = rosen, grad = function() error("bad grad") end, x0 = { 0, 0 } }
  end, "bad grad")
  T.errors(function()
    return optim.root{ f = function(x) if x > 0.3 and x < 0.9 then error("in root") end return x - 0.5 end,
                       lower = 0, upper = 1 }
  end, "in root")
  T.errors(function() return optim.grad(function() error("g!") end, { 1 }) end, "g!")
  T.errors(function() return optim.hessian(function() error("h!") end, { 1 }) end, "h!")
  -- many aborted runs leak nothing visible and the next run works
  for _ = 1, 200 do
    pcall(optim.minimize, { f = function() error("x") end, x0 = { 1, 2, 3 } })
  end
  T.ok(optim.minimize{ f = rosen, x0 = { -1.2, 1 } }.converged)
end)

T.test("bad input: clear errors", function()
  T.errors(function() return optim.minimize{ x0 = { 1 } } end, "optim.minimize: 'f' must be a function, got nil")
  T.errors(function() return optim.minimize{ f = 3, x0 = { 1 } } end, "'f' must be a function, got number")
  T.errors(function() return optim.minimize{ f = rosen } end, "optim.minimize: 'x0' is missing")
  T.errors(function() return optim.minimize{ f = rosen, x0 = "a" } end,
    "optim.minimize: 'x0' must be a vector (a matrix, a number or an array of numbers), got string")
  T.errors(function() return optim.minimize{ f = rosen, x0 = { 1, "a" } } end, "'x0' element 2 is string")
  T.errors(function() return optim.minimize{ f = rosen, x0 = {} } end, "'x0' is empty")
  T.errors(function() return optim.minimize{ f = rosen, x0 = mat.eye(2) } end, "'x0' must be a vector")
  T.errors(function() return optim.minimize{ f = rosen, x0 = { 1, 0 / 0 } } end, "'x0' has a non-finite value")
  T.errors(function() return optim.minimize{ f = rosen, x0 = { 1, 2 }, foo = 1 } end, "optim.minimize: unknown option 'foo'")
  T.errors(function() return optim.minimize{ f = rosen, x0 = { 1, 2 }, method = "cg" } end, "invalid value 'cg' for option 'method'")
  T.errors(function() return optim.minimize{ f = rosen, x0 = { 1, 2 }, tol = 0 } end, "'tol' must be in (0, 1)")
  T.errors(function() return optim.minimize{ f = rosen, x0 = { 1, 2 }, tol = "x" } end, "option 'tol' must be a number")
  T.errors(function() return optim.minimize{ f = rosen, x0 = { 1, 2 }, maxiter = 0 } end, "'maxiter' must be between 1")
  T.errors(function() return optim.minimize{ f = rosen, x0 = { 1, 2 }, maxiter = 2.5 } end, "option 'maxiter' must be an integer")
  T.errors(function() return optim.minimize{ f = rosen, x0 = { 1, 2 }, grad = 1 } end, "'grad' must be a function")
  T.errors(function() return optim.minimize(rosen, { 1, 2 }) end, "optim.minimize: expected a table of options")
  T.errors(function() return optim.minimize{ f = function() return "x" end, x0 = { 1 } } end,
    "optim.minimize: f must return a number, got string")
  T.errors(function() return optim.minimize{ f = function() end, x0 = { 1 } } end, "f must return a number, got nil")
  T.errors(function() return optim.minimize{ f = rosen, grad = function() return { 1 } end, x0 = { 1, 2 } } end,
    "optim.minimize: grad returned 1 values for 2 parameters")
  T.errors(function() return optim.minimize{ f = rosen, grad = function() return 7 end, x0 = { 1, 2 } } end,
    "grad must return a vector, got number")
  T.errors(function() return optim.root{ f = math.cos, lower = 0, upper = 0.5 } end,
    "optim.root: f(lower) = 1.0 and f(upper) = 0.87758256189037 have the same sign")
  T.errors(function() return optim.root{ f = math.cos, lower = 1 } end, "optim.root: 'upper' must be a number, got nil")
  T.errors(function() return optim.root{ lower = 0, upper = 1 } end, "optim.root: 'f' must be a function")
  T.errors(function() return optim.root{ f = math.cos, lower = 2, upper = 1 } end, "need finite lower < upper")
  T.errors(function() return optim.root{ f = math.cos, lower = 0, upper = 2, tol = -1 } end, "'tol' must be > 0")
  T.errors(function() return optim.root{ f = math.cos, lower = 0, upper = 2, tol = 0 / 0 } end, "'tol' must be > 0, got NaN")
  T.errors(function() return optim.minimize{ f = math.cos, x0 = { 1 }, tol = 0 / 0 } end, "'tol' must be in (0, 1), got NaN")
  T.errors(function() return optim.root{ f = function() return 0 / 0 end, lower = 0, upper = 2 } end,
    "optim.root: f(lower) is not finite (NaN at 0")
  T.errors(function() return optim.grad(function() return 0 / 0 end, { 1 }) end, "optim.grad: f is not finite at x (NaN)")
  T.errors(function() return optim.root{ f = math.cos, lower = 0, upper = 2, x0 = 1 } end, "unknown option 'x0'")
  T.errors(function() return optim.root{ f = function(x) return 1 / x end, lower = 0, upper = 1 } end,
    "optim.root: f(lower) is not finite")
  T.errors(function() return optim.grad(rosen) end, "optim.grad: 'x' is missing")
  T.errors(function() return optim.grad(nil, { 1 }) end, "optim.grad: 'f' must be a function")
  T.errors(function() return optim.grad(rosen, { 1, 2 }, 3) end, "optim.grad: too many arguments")
  T.errors(function() return optim.hessian(rosen, "x") end, "optim.hessian: 'x' must be a vector")
end)
