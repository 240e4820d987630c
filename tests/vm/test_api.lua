-- The public names (the API contract) that the delivered modules must
-- provide, and the documentation that help() must find for each of them.
local T = require "orrery.testing"
local H = require "orrery.help"

local api = {
  mat = { "new", "zeros", "ones", "eye", "from", "vec", "range" },
  rng = { "new" },
  stats = { "dnorm", "pnorm", "qnorm", "dt", "pt", "qt", "dchisq", "pchisq", "qchisq",
    "df", "pf", "qf", "dbeta", "pbeta", "qbeta", "dgamma", "pgamma", "qgamma", "dbinom",
    "pbinom", "dpois", "ppois", "mean", "var", "sd", "quantile", "median", "cov", "cor",
    "pcor", "clr", "pcor_clr", "cor_test", "control_variate", "round" },
  data = { "read_csv", "write_csv", "frame" },
  regress = { "ols", "lm", "glm", "ridge", "iv", "ivl", "anchor", "sketch", "ipcw", "anova" },
  surv = { "km", "na", "logrank", "cox", "fit", "lm", "cif", "finegray" },
  optim = { "minimize", "root", "grad", "hessian" },
  sem = { "linear", "fit", "bn", "bn_chain", "bn_random", "environments" },
  experiment = { "clock", "replicate", "sweep" },
  plot = { "new", "line", "scatter", "step", "hist", "bar", "heatmap", "show" },
  bayes = { "beta_binomial", "gamma_poisson", "dirichlet", "normal_known_var", "nig", "niw", "nig_regression", "hgf", "smc", "bootstrap", "martingale" },
  pref = { "dpo_loss", "bt", "reward_loss", "accuracy", "implicit_reward", "implicit_prm", "did", "kl_optimum", "lc_winrate",
    "policy", "reward_model" },
}

local mat_methods = { "rows", "cols", "get", "set", "hadamard", "apply", "col", "row",
  "cols_of", "hcat", "vcat", "reshape", "copy", "totable", "sum", "mean", "colsums",
  "colmeans", "crossprod", "solve", "inv", "det", "logdet", "pinv", "chol", "qr", "svd",
  "eigsym", "t" }
local rng_methods = { "normal", "uniform", "bernoulli", "binomial", "poisson", "gamma",
  "beta", "exponential", "weibull", "laplace", "dirichlet", "mvnormal", "categorical",
  "permutation", "split" }
local frame_methods = { "nrow", "names", "matrix", "subset", "head", "add", "describe" }

T.program("the modules are the program's globals", function()
  for mod in pairs(api) do T.ok(_G[mod] == require("orrery." .. mod), mod .. " global is the module") end
end)

T.test("every public function of the delivered modules exists and is documented", function()
  local missing, undocumented = {}, {}
  for mod, names in pairs(api) do
    local M = require("orrery." .. mod)
    for _, name in ipairs(names) do
      local f = M[name]
      if type(f) ~= "function" then missing[#missing + 1] = mod .. "." .. name
      elseif not H.lookup(f) and not H.lookup(mod .. "." .. name) then
        undocumented[#undocumented + 1] = mod .. "." .. name
      end
    end
  end
  table.sort(missing); table.sort(undocumented)
  T.eq(table.concat(missing, " "), "", "missing")
  T.eq(table.concat(undocumented, " "), "", "undocumented")
end)

local function methods_of(obj, names, label)
  local missing = {}
  for _, name in ipairs(names) do
    if type(obj[name]) ~= "function" then missing[#missing + 1] = label .. ":" .. name end
  end
  T.eq(table.concat(missing, " "), "", "missing methods")
end

T.test("methods of matrices, streams and frames", function()
  methods_of(mat.eye(2), mat_methods, "mat")
  methods_of(rng.new(1), rng_methods, "rng")
  methods_of(data.frame{ a = { 1, 2 } }, frame_methods, "frame")
  T.ok(getmetatable(rng.default) == getmetatable(rng.new(1)), "rng.default is a stream")
end)

T.test("help prints documentation by name and by function", function()
  T.ok(H.lookup("regress.ols"), "regress.ols by name")
  T.ok(H.lookup(surv.cox), "surv.cox by function")
  T.ok(H.lookup("mat:solve"), "methods by name")
  T.ok(H.lookup("no.such") == nil)
end)

T.test("no public table reaches a name starting with '_'", function()
  -- every namespace and every table reachable from it (methods, fit classes)
  local seen, leaks = {}, {}
  local function walk(t, path)
    if seen[t] then return end
    seen[t] = true
    for k, v in pairs(t) do
      if type(k) == "string" and k:sub(1, 1) == "_" and k:sub(1, 2) ~= "__" then
        leaks[#leaks + 1] = path .. "." .. k
      end
      if type(v) == "table" and type(k) == "string" then walk(v, path .. "." .. k) end
    end
  end
  for mod in pairs(api) do walk(require("orrery." .. mod), mod) end
  for _, mod in ipairs{ "formula", "help", "testing" } do walk(require("orrery." .. mod), mod) end
  table.sort(leaks)
  T.eq(table.concat(leaks, " "), "", "private names in public tables")
end)

T.test("the parts of a namespace are its own modules, loaded by require", function()
  T.eq(require("orrery.regress.iv"), true)
  T.eq(require("orrery.surv.fit"), true)
  T.ok(type(require("orrery.regress").iv) == "function")
  T.ok(type(require("orrery.surv").fit) == "function")
end)
