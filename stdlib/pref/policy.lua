-- Small trainable models for simulation: a softmax policy over a finite
-- response set with linear features, trained with any loss of
-- pref.dpo_loss by full-batch Adam, and a linear Bradley-Terry reward model
-- fitted by Newton on the same pairs.
local M, C = ...
local mat = require "orrery.mat"
local help = require "orrery.help"
local args = require "orrery.args"

local fail, checkopts, is_mat = args.fail, args.checkopts, args.is_mat
local numbers = C.numbers
local exp, log, sqrt, huge = math.exp, math.log, math.sqrt, math.huge

-- Adam's constants (Kingma and Ba 2015)
local ADAM_B1, ADAM_B2, ADAM_EPS = 0.9, 0.999, 1e-8

-- features: rows as Lua arrays, checked finite
local function feature_rows(fn, F, minrows)
  if F == nil then fail(fn, "'features' is missing") end
  local m = args.mat(fn, F, "features")
  local n, d = m:rows(), m:cols()
  if n < (minrows or 2) then fail(fn, "'features' needs at least 2 responses (rows), got %d", n) end
  if d < 1 then fail(fn, "'features' has no columns") end
  local rows = {}
  for i = 1, n do
    rows[i] = {}
    for j = 1, d do
      local v = m:get(i, j)
      if v ~= v or v == huge or v == -huge then fail(fn, "'features' (%d, %d) is not finite", i, j) end
      rows[i][j] = v
    end
  end
  return rows, n, d
end

-- item ids of pairs, in 1..n
local function pair_ids(fn, pairs, n)
  if type(pairs) ~= "table" then fail(fn, "'pairs' must be a table { chosen =, rejected = }") end
  checkopts(fn, pairs, { "chosen", "rejected" })
  local c = numbers(fn, pairs.chosen, "pairs.chosen")
  local r = numbers(fn, pairs.rejected, "pairs.rejected", #c)
  if #c == 0 then fail(fn, "no pairs") end
  for i = 1, #c do
    for _, v in ipairs { c[i], r[i] } do
      if v ~= math.floor(v) or v < 1 or v > n then
        fail(fn, "pair %d: %g is not a response id in 1..%d", i, v, n)
      end
    end
  end
  return c, r
end

-- log pi for weights w over feature rows F: log-softmax of F w
local function logsoftmax(F, w)
  local z, mx = {}, -huge
  for i = 1, #F do
    local s = 0
    for j = 1, #w do s = s + F[i][j] * w[j] end
    z[i] = s
    if s > mx then mx = s end
  end
  local tot = 0
  for i = 1, #z do tot = tot + exp(z[i] - mx) end
  local lz = mx + log(tot)
  for i = 1, #z do z[i] = z[i] - lz end
  return z
end

local POL = { __name = "pref.policy" }
local methods = {}
POL.__index = methods

local pol_opts = args.set { "features", "rng", "init_sd" }

function M.policy(t)
  local fn = "pref.policy"
  t = checkopts(fn, t, pol_opts)
  local F, n, d = feature_rows(fn, t.features)
  local w = {}
  local sd = t.init_sd or 0
  if type(sd) ~= "number" or not (sd >= 0) then fail(fn, "init_sd must be a number >= 0") end
  local draws = sd > 0 and (t.rng or require("orrery.rng").default):normal(d) or nil
  for j = 1, d do w[j] = draws and sd * draws[j] or 0 end
  local p = setmetatable({ F = F, n = n, d = d, w = w }, POL)
  p.ref_logp = logsoftmax(F, w)
  return p
end
help.doc(M.policy, "pref.policy", [[pref.policy{ features = F [, init_sd = 0, rng =] } -> policy
A softmax policy over the n responses (rows) of F (n x d): pi(y) proportional to exp(F_y . w),
w starting at 0 (uniform) or at init_sd times normal draws from rng (rng.default). The policy at
creation is its frozen reference for training (pol:train) and implicit rewards.]])

function methods.logprobs(p)
  return mat.vec(logsoftmax(p.F, p.w))
end
help.doc(methods.logprobs, "pol:logprobs", [[pol:logprobs() -> n x 1 mat of log pi(y)]])

function methods.probs(p)
  local l = logsoftmax(p.F, p.w)
  for i = 1, #l do l[i] = exp(l[i]) end
  return mat.vec(l)
end
help.doc(methods.probs, "pol:probs", [[pol:probs() -> n x 1 mat of pi(y), summing to 1]])

function methods.logprob(p, i)
  if type(i) ~= "number" or i ~= math.floor(i) or i < 1 or i > p.n then
    fail("pol:logprob", "expected a response id in 1..%d, got %s", p.n, tostring(i))
  end
  return logsoftmax(p.F, p.w)[i]
end
help.doc(methods.logprob, "pol:logprob", [[pol:logprob(i) -> log pi(y_i)]])

function methods.weights(p) return mat.vec(p.w) end
help.doc(methods.weights, "pol:weights", [[pol:weights() -> d x 1 mat: the current w]])

function methods.implicit_rewards(p, beta)
  beta = C.beta_opt("pol:implicit_rewards", beta)
  local l = logsoftmax(p.F, p.w)
  for i = 1, #l do l[i] = beta * (l[i] - p.ref_logp[i]) end
  return mat.vec(l)
end
help.doc(methods.implicit_rewards, "pol:implicit_rewards", [[pol:implicit_rewards(beta) -> n x 1 mat
beta (log pi(y) - log pi_ref(y)) for every response: DPO's implicit reward.]])

local train_opts = args.set { "pairs", "loss", "beta", "steps", "lr", "label_smoothing" }

function methods.train(p, t)
  local fn = "pol:train"
  t = checkopts(fn, t, train_opts)
  local c, r = pair_ids(fn, t.pairs, p.n)
  local steps, lr = t.steps or 100, t.lr or 0.05
  if type(steps) ~= "number" or steps ~= math.floor(steps) or steps < 1 then
    fail(fn, "steps must be an integer >= 1")
  end
  if type(lr) ~= "number" or not (lr > 0) then fail(fn, "lr must be positive") end
  local beta = C.beta_opt(fn, t.beta, 0.1)
  local np, d, F = #c, p.d, p.F
  local Lw, Ll = mat.zeros(np, 1), mat.zeros(np, 1)
  for k = 1, np do Lw:set(k, 1, p.ref_logp[c[k]]); Ll:set(k, 1, p.ref_logp[r[k]]) end
  local lw, ll = mat.zeros(np, 1), mat.zeros(np, 1)
  local m, v, hist = {}, {}, {}
  for j = 1, d do m[j], v[j] = 0, 0 end
  for step = 1, steps do
    local lp = logsoftmax(F, p.w)
    -- E_pi[F], for d log pi(y)/dw = F_y - E_pi[F]
    local fbar = {}
    for j = 1, d do fbar[j] = 0 end
    for i = 1, p.n do
      local pi = exp(lp[i])
      for j = 1, d do fbar[j] = fbar[j] + pi * F[i][j] end
    end
    for k = 1, np do lw:set(k, 1, lp[c[k]]); ll:set(k, 1, lp[r[k]]) end
    local res = M.dpo_loss{ policy_chosen = lw, policy_rejected = ll, ref_chosen = Lw, ref_rejected = Ll,
      loss = t.loss, beta = beta, label_smoothing = t.label_smoothing }
    hist[step] = res.loss
    local g = {}
    for j = 1, d do g[j] = 0 end
    for k = 1, np do
      local gc, gr = res.grad_chosen[k], res.grad_rejected[k]
      local fc, fr = F[c[k]], F[r[k]]
      for j = 1, d do g[j] = g[j] + gc * (fc[j] - fbar[j]) + gr * (fr[j] - fbar[j]) end
    end
    for j = 1, d do
      local gj = g[j] / np
      m[j] = ADAM_B1 * m[j] + (1 - ADAM_B1) * gj
      v[j] = ADAM_B2 * v[j] + (1 - ADAM_B2) * gj * gj
      local mh, vh = m[j] / (1 - ADAM_B1 ^ step), v[j] / (1 - ADAM_B2 ^ step)
      p.w[j] = p.w[j] - lr * mh / (sqrt(vh) + ADAM_EPS)
    end
  end
  p.beta = beta
  return { loss = mat.vec(hist), final = hist[#hist] }
end
help.doc(methods.train, "pol:train", [[pol:train{ pairs = { chosen =, rejected = } [, loss = "sigmoid", beta = 0.1,
  steps = 100, lr = 0.05, label_smoothing = 0] } -> { loss =, final = }
Trains w in place by full-batch Adam on the mean pref.dpo_loss of the pairs (response ids),
against the frozen reference (the policy at creation); the gradient is
sum_k grad_chosen_k (F_c - E_pi F) + grad_rejected_k (F_r - E_pi F), over the pairs. .loss holds
the loss before each step.]])

-- ------------------------------------------------------------ linear BT reward model

local RM = { __name = "pref.reward_model" }
local rm_methods = {}
RM.__index = rm_methods
local rm_opts = args.set { "features", "pairs", "l2" }
local RM_MAXITER, RM_TOL = 100, 1e-10

function M.reward_model(t)
  local fn = "pref.reward_model"
  t = checkopts(fn, t, rm_opts)
  local F, n, d = feature_rows(fn, t.features)
  local c, r = pair_ids(fn, t.pairs, n)
  local l2 = t.l2 or 0
  if type(l2) ~= "number" or not (l2 >= 0) then fail(fn, "l2 must be a number >= 0") end
  -- logistic regression without intercept on x_k = F_c - F_r, label 1:
  -- maximise sum log s(w . x_k) - l2/2 |w|^2 by Newton
  local X, ones = {}, {}
  for k = 1, #c do
    X[k], ones[k] = {}, 1
    for j = 1, d do X[k][j] = F[c[k]][j] - F[r[k]][j] end
  end
  local w, V, f, converged = C.logistic(fn, X, ones, d, l2, RM_MAXITER, RM_TOL,
    "the information matrix is singular (collinear features or separable pairs: use l2 > 0)")
  local se = {}
  for j = 1, d do se[j] = sqrt(V:get(j, j)) end
  return setmetatable({ w = mat.vec(w), se = mat.vec(se), objective = f, converged = converged,
    F = F, n = n, d = d, l2 = l2 }, RM)
end
help.doc(M.reward_model, "pref.reward_model", [[pref.reward_model{ features = F, pairs = { chosen =, rejected = }
  [, l2 = 0] } -> rm { w =, se =, objective =, converged = }
A linear Bradley-Terry reward model r(y) = F_y . w fitted by Newton: it maximises
sum log s(r(chosen) - r(rejected)) - l2/2 |w|^2 over the pairs (response ids). Separable pairs
have no finite MLE: give l2 > 0.]])

function rm_methods.scores(rm, F)
  local rows = F and feature_rows("rm:scores", F, 1) or rm.F
  local s = {}
  for i = 1, #rows do
    if #rows[i] ~= rm.d then fail("rm:scores", "features have %d columns, the model %d", #rows[i], rm.d) end
    local v = 0
    for j = 1, rm.d do v = v + rows[i][j] * rm.w[j] end
    s[i] = v
  end
  return mat.vec(s)
end
help.doc(rm_methods.scores, "rm:scores", [[rm:scores([F]) -> the rewards F_y . w of the training
responses, or of the rows of a new feature matrix F]])

C.POL, C.RM, C.is_mat = POL, RM, is_mat
