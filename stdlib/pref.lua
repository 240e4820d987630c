-- pref: preference models, the friendly layer over modules/pref (lpref.c).
-- The DPO loss family (pref.dpo_loss) is all in C; here: Bradley-Terry fits
-- and their printing, reward-model losses, accuracy, implicit rewards and
-- process rewards, differential information, the KL-regularised optimum.
-- Formulas and sources: docs/methods/pref.md.
local M, C = ...
local mat = require "orrery.mat"
local help = require "orrery.help"
local args = require "orrery.args"
local P = require "orrery.printing"

local doc = help.doc
local fail, checkopts = args.fail, args.checkopts
local exp, log, sqrt, huge = math.exp, math.log, math.sqrt, math.huge
local type, tostring = type, tostring

-- log(1 + x) without the cancellation of 1 + x for small x (Lua has no log1p)
local function log1p(x)
  local u = 1 + x
  if u == 1 then return x end
  return log(u) * x / (u - 1)
end
-- log s(x), computed as x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x))
local function logsig(x)
  if x >= 0 then return -log1p(exp(-x)) end
  return x - log1p(exp(x))
end
-- s(x) without overflow
local function sig(x)
  if x >= 0 then return 1 / (1 + exp(-x)) end
  local t = exp(x)
  return t / (1 + t)
end
C.sig = sig

-- A numeric vector option as a Lua array of numbers (n: required length);
-- NaN and Inf are errors unless allow_nan.
local function numbers(fn, v, what, n, allow_nan)
  if v == nil then fail(fn, "'%s' is missing", what) end
  local m = args.vec(fn, v, what)
  local t = m:totable()
  local out = {}
  for i = 1, #t do
    local x = type(t[i]) == "table" and t[i][1] or t[i]
    if not allow_nan and (x ~= x or x == huge or x == -huge) then
      fail(fn, "'%s' element %d is not finite", what, i)
    end
    out[i] = x
  end
  if n and #out ~= n then fail(fn, "'%s' has %d elements, expected %d", what, #out, n) end
  return out
end
C.numbers = numbers

local function beta_opt(fn, b, default)
  if b == nil then b = default end
  if type(b) ~= "number" or not (b > 0) or b == huge then
    fail(fn, "beta must be a positive finite number, got %s", tostring(b))
  end
  return b
end
C.beta_opt = beta_opt

-- ------------------------------------------------------------ shared fitting

local NEWTON_HALVINGS = 30

-- Newton ascent with step halving, for the concave log-likelihoods of the
-- Lua half (lc_winrate, reward_model, Davidson's ties): maximises obj from
-- b (a Lua array of k numbers); step(b) -> I (k x k mat), g (k x 1 mat), the
-- information and the gradient at b; a singular I raises "fn: singular".
-- Converged when the largest change of a parameter is below tol.
-- Returns b, obj(b), converged, the number of iterations.
function C.newton(fn, k, b, obj, step, maxiter, tol, singular)
  local f, converged, iter = obj(b), false, 0
  for it = 1, maxiter do
    iter = it
    local I, g = step(b)
    local ok, s = pcall(I.solve, I, g)
    if not ok then fail(fn, "%s", singular) end
    local t, nb, fnew = 1, {}, nil
    for _ = 1, NEWTON_HALVINGS do
      for j = 1, k do nb[j] = b[j] + t * s[j] end
      fnew = obj(nb)
      if fnew >= f - 1e-12 * math.abs(f) then break end
      t = t / 2
    end
    local big = 0
    for j = 1, k do big = math.max(big, math.abs(nb[j] - b[j])) end
    b, f = nb, fnew
    if big < tol then converged = true; break end
  end
  return b, f, converged, iter
end

-- Logistic regression with soft labels: maximises
-- sum_i y_i log s(eta_i) + (1 - y_i) log s(-eta_i) - l2/2 |b|^2, eta = X b
-- (X: rows as Lua arrays of k numbers, y_i in [0, 1]: a soft label is the
-- pair of weighted rows y = 1 (weight y_i) and y = 0 (weight 1 - y_i)).
-- Returns b (a Lua array), the inverse information (k x k mat), the
-- objective and whether Newton converged.
function C.logistic(fn, X, y, k, l2, maxiter, tol, singular)
  local n = #y
  local function obj(b)
    local s = 0
    for i = 1, n do
      local eta = 0
      for j = 1, k do eta = eta + X[i][j] * b[j] end
      s = s + y[i] * logsig(eta) + (1 - y[i]) * logsig(-eta)
    end
    for j = 1, k do s = s - 0.5 * l2 * b[j] * b[j] end
    return s
  end
  local function step(b)
    local It, gt = {}, {}
    for j = 1, k do gt[j] = -l2 * b[j]; It[j] = {}; for l = 1, k do It[j][l] = 0 end end
    for i = 1, n do
      local x, eta = X[i], 0
      for j = 1, k do eta = eta + x[j] * b[j] end
      local mu = sig(eta)
      local v, r = mu * (1 - mu), y[i] - mu
      for j = 1, k do
        local xj = x[j]
        if xj ~= 0 then   -- one-hot features are mostly zeros
          gt[j] = gt[j] + xj * r
          local row = It[j]
          for l = 1, j do row[l] = row[l] + v * xj * x[l] end
        end
      end
    end
    local I, g = mat.zeros(k, k), mat.zeros(k, 1)
    for j = 1, k do
      g:set(j, 1, gt[j])
      for l = 1, j do I:set(j, l, It[j][l]); I:set(l, j, It[j][l]) end
      I:set(j, j, It[j][j] + l2)
    end
    return I, g
  end
  local b0 = {}
  for j = 1, k do b0[j] = 0 end
  local b, f, converged = C.newton(fn, k, b0, obj, step, maxiter, tol, singular)
  return b, step(b):inv(), f, converged
end

-- Scores identified by sum-to-zero from a reference solution: A theta and
-- A cov A' with A = I - 11'/k; and the SEs, the square roots of the diagonal.
local function centre(theta, cov, k)
  local A = mat.eye(k) - mat.ones(k, k) * (1 / k)
  return A * theta, A * cov * A:t()
end

local function diag_se(cov, k)
  local se = mat.zeros(k, 1)
  for i = 1, k do se:set(i, 1, sqrt(math.max(cov:get(i, i), 0))) end
  return se
end

-- ------------------------------------------------------------ Bradley-Terry

local BT = { __name = "pref.bt" }
BT.__index = BT

function BT.__tostring(f)
  local names, z = {}, {}
  for i = 1, f.n_items do
    names[i] = f.names and f.names[i] or ("item" .. i)
    local se = f.se[i]
    z[i] = se > 0 and f.score[i] / se or P.NA
  end
  local ident = f.reference == "sum" and "scores sum to zero"
    or ("reference item: " .. names[f.reference] .. " (score 0)")
  return "Bradley-Terry model, " .. f.n .. " comparisons of " .. f.n_items .. " items; "
    .. ident .. "\n\n"
    .. P.columns(names, { "Score", "Std. Error", "z value" },
      { f.score:totable(), f.se:totable(), z }, 5)
    .. (f.nu and ("\n\nTie parameter (Davidson) nu: " .. P.format({ f.nu }, 5)[1]
      .. " (SE " .. P.format({ f.se_nu }, 3)[1] .. ")") or "")
    .. "\n\nLog-likelihood: " .. P.format({ f.loglik }, 7)[1]
    .. (f.converged and "" or "\n(Newton did not converge)")
end
P.guard(BT, "pref.bt")  -- tostring never raises (an incomplete object)

local bt_opts = args.set { "winner", "loser", "n_items", "weights", "ties", "reference", "names" }

-- item ids: integers in 1..k
local function items(fn, v, what, k, n)
  local t = numbers(fn, v, what, n)
  for i, x in ipairs(t) do
    if x ~= math.floor(x) or x < 1 or x > k then
      fail(fn, "'%s' element %d is %g, not an item id in 1..%d", what, i, x, k)
    end
  end
  return t
end

function M.bt(t)
  local fn = "pref.bt"
  t = checkopts(fn, t, bt_opts)
  local k = t.n_items
  if type(k) ~= "number" or k ~= math.floor(k) or k < 2 then
    fail(fn, "n_items must be an integer >= 2, got %s", tostring(k))
  end
  local winner = items(fn, t.winner, "winner", k)
  local n = #winner
  local loser = items(fn, t.loser, "loser", k, n)
  local w = t.weights and numbers(fn, t.weights, "weights", n)
  local ref = t.reference
  if ref == nil then ref = 1 end
  if ref ~= "sum" and (type(ref) ~= "number" or ref ~= math.floor(ref) or ref < 1 or ref > k) then
    fail(fn, "reference must be an item id in 1..%d or \"sum\", got %s", k, tostring(ref))
  end
  if t.ties ~= nil then return C.davidson(fn, t, k, winner, loser, w, ref, n) end
  local wins = mat.zeros(k, k)
  local acc = {}
  for i = 1, n do
    local a, b = winner[i], loser[i]
    if a == b then fail(fn, "comparison %d has the same winner and loser (%d)", i, a) end
    local wi = w and w[i] or 1
    if not (wi >= 0) then fail(fn, "weights must be non-negative (element %d)", i) end
    local key = (a - 1) * k + b
    acc[key] = (acc[key] or 0) + wi
  end
  for key, v in pairs(acc) do
    local a, b = (key - 1) // k + 1, (key - 1) % k + 1
    wins:set(a, b, v)
  end
  local theta, cov, ll, iter, converged = C._bt(wins, ref == "sum" and 1 or ref)
  if ref == "sum" then theta, cov = centre(theta, cov, k) end
  return setmetatable({ score = theta, se = diag_se(cov, k), cov = cov, loglik = ll, iter = iter,
    converged = converged, n = n, n_items = k, reference = ref, names = t.names,
    wins = wins }, BT)
end
doc(M.bt, "pref.bt", [[pref.bt{ winner =, loser =, n_items = [, weights =, reference = 1, ties =, names =] }
  -> fit { score =, se =, cov =, loglik =, iter =, converged =, n =, n_items = }
Bradley-Terry maximum likelihood, P(i beats j) = s(score_i - score_j), by Newton on the
aggregated win counts (weights: a count or weight per comparison). reference = k fixes
score[k] = 0 (its SE is 0; BradleyTerry2::BTm's default is the first item); reference = "sum"
centres the scores (SEs from the centred covariance). names: item labels for the printout.
loglik is sum w log s(score_winner - score_loser). ties = a vector of 0/1 flags, 1 where the
comparison was a tie (winner and loser then just name the two items), fits Davidson's model:
P(i beats j) = pi_i / D, P(tie) = nu sqrt(pi_i pi_j) / D, D = pi_i + pi_j + nu sqrt(pi_i pi_j),
pi = exp(score); the result adds .nu and .se_nu (loglik then includes the tie terms). The MLE
exists only when every item beats, directly or through others, every other; else an error.]])

-- ------------------------------------------------------------ reward models

local rl_opts = args.set { "chosen", "rejected", "kind", "margin", "target" }
local KINDS = args.set { "bt", "margin", "scaled", "mse" }

function M.reward_loss(t)
  local fn = "pref.reward_loss"
  t = checkopts(fn, t, rl_opts)
  local kind = t.kind or "bt"
  if not KINDS[kind] then
    fail(fn, "unknown kind '%s' (bt, margin, scaled or mse)", tostring(kind))
  end
  local c = numbers(fn, t.chosen, "chosen")
  local n = #c
  local losses, gc, gr = mat.zeros(n, 1), mat.zeros(n, 1), mat.zeros(n, 1)
  local sum = 0
  if kind == "mse" then
    if t.rejected ~= nil or t.margin ~= nil then fail(fn, "kind 'mse' takes chosen and target only") end
    local y = numbers(fn, t.target, "target", n)
    for i = 1, n do
      local d = c[i] - y[i]
      losses:set(i, 1, d * d); gc:set(i, 1, 2 * d)
      sum = sum + d * d
    end
    return { loss = n > 0 and sum / n or 0 / 0, losses = losses, grad_chosen = gc, n = n, kind = kind }
  end
  if t.target ~= nil then fail(fn, "target applies to kind 'mse' only") end
  local r = numbers(fn, t.rejected, "rejected", n)
  local m
  if kind == "bt" then
    if t.margin ~= nil then fail(fn, "margin applies to kinds 'margin' and 'scaled' only") end
  else
    if t.margin == nil then fail(fn, "kind '%s' needs margin =", kind) end
    m = type(t.margin) == "number" and {} or numbers(fn, t.margin, "margin", n)
    if type(t.margin) == "number" then for i = 1, n do m[i] = t.margin end end
    if kind == "scaled" then
      for i = 1, n do
        if not (m[i] >= 0) then fail(fn, "the preference strength (margin) must be >= 0 (element %d)", i) end
      end
    end
  end
  for i = 1, n do
    local d = c[i] - r[i]
    local L, g
    if kind == "bt" then L, g = -logsig(d), -sig(-d)
    elseif kind == "margin" then L, g = -logsig(d - m[i]), -sig(-(d - m[i]))
    else L, g = -m[i] * logsig(d), -m[i] * sig(-d) end
    losses:set(i, 1, L); gc:set(i, 1, g); gr:set(i, 1, -g)
    sum = sum + L
  end
  return { loss = n > 0 and sum / n or 0 / 0, losses = losses, grad_chosen = gc, grad_rejected = gr,
    n = n, kind = kind }
end
doc(M.reward_loss, "pref.reward_loss", [[pref.reward_loss{ chosen =, rejected = [, kind = "bt", margin =] }
pref.reward_loss{ chosen =, target =, kind = "mse" }
  -> { loss =, losses =, grad_chosen =, grad_rejected =, n =, kind = }
Reward-model losses on the scores of the chosen and rejected responses, d = chosen - rejected:
"bt" (regular Bradley-Terry) -log s(d); "margin" -log s(d - m); "scaled" -m log s(d)
(HelpSteer2-Preference: m the preference strength, >= 0); margin = m is a number or one
value per pair. "mse" regresses the chosen scores on target =: (chosen - target)^2.
.losses per pair and .loss their mean; .grad_* the per-pair derivatives.]])

local acc_opts = args.set { "chosen_scores", "rejected_scores" }
function M.accuracy(t)
  local fn = "pref.accuracy"
  t = checkopts(fn, t, acc_opts)
  local c = numbers(fn, t.chosen_scores, "chosen_scores")
  local r = numbers(fn, t.rejected_scores, "rejected_scores", #c)
  if #c == 0 then fail(fn, "no pairs") end
  local k = 0
  for i = 1, #c do if c[i] > r[i] then k = k + 1 end end
  return k / #c
end
doc(M.accuracy, "pref.accuracy", [[pref.accuracy{ chosen_scores =, rejected_scores = } -> number
The share of pairs whose chosen score is above the rejected one; ties count 0 (as TRL).]])

-- ------------------------------------------------------------ implicit rewards

local ir_opts = args.set { "policy", "ref", "beta" }
function M.implicit_reward(t)
  local fn = "pref.implicit_reward"
  t = checkopts(fn, t, ir_opts)
  local beta = beta_opt(fn, t.beta)
  if t.policy == nil or t.ref == nil then fail(fn, "policy and ref are required") end
  local p, q = args.mat(fn, t.policy, "policy"), args.mat(fn, t.ref, "ref")
  if p:rows() ~= q:rows() or p:cols() ~= q:cols() then
    fail(fn, "policy is %d x %d but ref is %d x %d", p:rows(), p:cols(), q:rows(), q:cols())
  end
  local r = (p - q) * beta
  for i = 1, r:rows() do
    for j = 1, r:cols() do
      local a, b = p:get(i, j), q:get(i, j)
      if (a ~= a) ~= (b ~= b) then fail(fn, "policy and ref differ in missing values at (%d, %d)", i, j) end
      if a == huge or a == -huge or b == huge or b == -huge then
        fail(fn, "infinite log-probability at (%d, %d)", i, j)
      end
    end
  end
  return r
end
doc(M.implicit_reward, "pref.implicit_reward", [[pref.implicit_reward{ policy =, ref =, beta = } -> mat
beta (log pi - log pi_ref): the implicit reward of DPO. Vectors of summed log-probabilities give
one reward per sequence; token matrices (one row per sequence, NaN after its end) give one per
token (NaN stays NaN).]])

local prm_opts = args.set { "policy_tokens", "ref_tokens", "step_ends", "beta", "aggregate", "outcome" }

-- one sequence: token log-ratios (Lua array) -> step rewards, q
local function steps_of(fn, lr, ends, row)
  local sr, q, prev, cum = {}, {}, 0, 0
  for s, e in ipairs(ends) do
    if type(e) ~= "number" or e ~= math.floor(e) or e <= prev or e > #lr then
      fail(fn, "step_ends%s element %d (%s) must be increasing token indices in 1..%d",
        row and ("[" .. row .. "]") or "", s, tostring(e), #lr)
    end
    local v = 0
    for j = prev + 1, e do v = v + lr[j] end
    sr[s] = v; cum = cum + v; q[s] = cum
    prev = e
  end
  return sr, q
end

function M.implicit_prm(t)
  local fn = "pref.implicit_prm"
  t = checkopts(fn, t, prm_opts)
  local beta = beta_opt(fn, t.beta)
  local agg = t.aggregate or "min"
  if agg ~= "min" and agg ~= "sum" then fail(fn, "aggregate must be \"min\" or \"sum\", got '%s'", tostring(agg)) end
  if t.policy_tokens == nil or t.ref_tokens == nil then fail(fn, "policy_tokens and ref_tokens are required") end
  if type(t.step_ends) ~= "table" then fail(fn, "step_ends must be an array") end
  local P1, R1 = args.mat(fn, t.policy_tokens, "policy_tokens"), args.mat(fn, t.ref_tokens, "ref_tokens")
  local single = P1:cols() == 1 or (type(t.policy_tokens) == "table" and type(t.policy_tokens[1]) == "number")
  if single and P1:cols() == 1 and P1:rows() > 1 then P1, R1 = P1:t(), R1:t() end
  if P1:rows() ~= R1:rows() or P1:cols() ~= R1:cols() then
    fail(fn, "policy_tokens and ref_tokens differ in shape")
  end
  local nseq, T = P1:rows(), P1:cols()
  local rows_sr, rows_q, score, total, maxs = {}, {}, {}, {}, 0
  for i = 1, nseq do
    local lr = {}
    for j = 1, T do
      local a, b = P1:get(i, j), R1:get(i, j)
      if a ~= a or b ~= b then
        if (a ~= a) ~= (b ~= b) then
          fail(fn, "policy_tokens and ref_tokens differ in missing values at (%d, %d)", i, j)
        end
        break
      end
      if a == huge or a == -huge or b == huge or b == -huge then
        fail(fn, "infinite log-probability at (%d, %d)", i, j)
      end
      lr[j] = beta * (a - b)
    end
    local ends = single and t.step_ends or t.step_ends[i]
    if type(ends) ~= "table" then fail(fn, "step_ends[%d] must be an array of token indices", i) end
    local sr, q = steps_of(fn, lr, ends, not single and i or nil)
    rows_sr[i], rows_q[i] = sr, q
    if #sr > maxs then maxs = #sr end
    local s = #sr > 0 and (agg == "sum" and q[#q] or huge) or 0 / 0
    if agg == "min" then for _, v in ipairs(sr) do if v < s then s = v end end end
    score[i] = s
    local tot = 0
    for _, v in ipairs(lr) do tot = tot + v end
    total[i] = tot
  end
  local res = { aggregate = agg }
  if single then
    res.step_rewards, res.q = mat.vec(rows_sr[1]), mat.vec(rows_q[1])
    res.score, res.reward = score[1], total[1]
  else
    local S, Q = mat.new(nseq, maxs), mat.new(nseq, maxs)
    for i = 1, nseq do
      for s = 1, maxs do
        S:set(i, s, rows_sr[i][s] or 0 / 0); Q:set(i, s, rows_q[i][s] or 0 / 0)
      end
    end
    res.step_rewards, res.q, res.score, res.reward = S, Q, mat.vec(score), mat.vec(total)
  end
  if t.outcome ~= nil then
    local l = numbers(fn, t.outcome, "outcome", nseq)
    local sum, ls = 0, {}
    for i = 1, nseq do
      if not (l[i] >= 0 and l[i] <= 1) then fail(fn, "outcome labels must be in [0, 1] (element %d)", i) end
      -- l softplus(-R) + (1 - l) softplus(R), softplus(x) = -log s(-x)
      local R = total[i]
      ls[i] = -l[i] * logsig(R) - (1 - l[i]) * logsig(-R)
      sum = sum + ls[i]
    end
    res.ce_losses, res.ce_loss = mat.vec(ls), sum / nseq
  end
  return res
end
doc(M.implicit_prm, "pref.implicit_prm", [[pref.implicit_prm{ policy_tokens =, ref_tokens =, step_ends =, beta =
  [, aggregate = "min", outcome =] } -> { step_rewards =, q =, score =, reward = [, ce_loss =, ce_losses =] }
Implicit process rewards from token log-probabilities: the token rewards beta log(pi/pi_ref)
summed within each step are the step rewards, q their cumulative sums. Token matrices have one
row per sequence (NaN after its end) with step_ends[i] an array of 1-based token indices ending
each step, and give matrices (NaN-padded) and vectors; a vector is one sequence with step_ends a
flat array, and gives vectors and numbers. .score aggregates the step rewards for best-of-N
("min": the smallest step reward, "sum": their sum); .reward is beta times the total log-ratio.
outcome = labels l in [0, 1] per sequence give the cross-entropy outcome loss
l softplus(-reward) + (1 - l) softplus(reward) (.ce_losses and their mean .ce_loss).]])

-- ------------------------------------------------------------ finite sets

local did_opts = args.set { "policy", "ref" }
-- probabilities, positive (ref) or non-negative (policy)
local function probs(fn, v, what, n, strict)
  local p = numbers(fn, v, what, n)
  for i, x in ipairs(p) do
    if x < 0 or (strict and x == 0) then
      fail(fn, "'%s' element %d must be %s, got %s", what, i, strict and "positive" or "non-negative", tostring(x))
    end
  end
  return p
end

local function entropy(q)
  local h = 0
  for _, x in ipairs(q) do if x > 0 then h = h - x * log(x) end end
  return h
end

function M.did(t)
  local fn = "pref.did"
  t = checkopts(fn, t, did_opts)
  local p = probs(fn, t.policy, "policy")
  local r = probs(fn, t.ref, "ref", #p, true)
  local q, s = {}, 0
  for i = 1, #p do q[i] = p[i] / r[i]; s = s + q[i] end
  if not (s > 0) or s == huge then fail(fn, "the ratios policy/ref do not sum to a positive finite number") end
  for i = 1, #q do q[i] = q[i] / s end
  return { ratio = mat.vec(q), entropy = entropy(q) }
end
doc(M.did, "pref.did", [[pref.did{ policy =, ref = } -> { ratio =, entropy = }
Differential information on a finite set: the distribution q(y) proportional to
policy(y) / ref(y) (probabilities; ref positive), and its entropy -sum q log q (nats).]])

local klo_opts = args.set { "ref", "reward", "beta" }
function M.kl_optimum(t)
  local fn = "pref.kl_optimum"
  t = checkopts(fn, t, klo_opts)
  local beta = beta_opt(fn, t.beta)
  local r = probs(fn, t.ref, "ref")
  local rw = numbers(fn, t.reward, "reward", #r)
  -- log weights, shifted by their maximum before exp
  local lw, mx = {}, -huge
  for i = 1, #r do
    lw[i] = r[i] > 0 and log(r[i]) + rw[i] / beta or -huge
    if lw[i] > mx then mx = lw[i] end
  end
  if mx == -huge then fail(fn, "ref has no positive probability") end
  local s, p = 0, {}
  for i = 1, #r do p[i] = exp(lw[i] - mx); s = s + p[i] end
  for i = 1, #r do p[i] = p[i] / s end
  return mat.vec(p)
end
doc(M.kl_optimum, "pref.kl_optimum", [[pref.kl_optimum{ ref =, reward =, beta = } -> mat
The maximiser of E_pi[reward] - beta KL(pi || ref) on a finite set:
pi*(y) proportional to ref(y) exp(reward(y) / beta), computed in log space.]])

C.BT = BT

-- Davidson's ties (R. R. Davidson, JASA 65, 1970) by Newton on (free
-- scores, log nu). For a pair with a = score_i, b = score_j, l = log nu the
-- outcomes i wins, j wins, tie have log-weights a, b, l + (a + b)/2 and
-- "features" (1, 0, 0), (0, 1, 0), (1/2, 1/2, 1) in (a, b, l); log D is
-- their log-sum-exp, so its gradient is the mean feature and its Hessian
-- the feature covariance under the outcome probabilities.
local DAV_MAXITER, DAV_TOL = 100, 1e-10
function C.davidson(fn, t, k, winner, loser, w, ref, n)
  local tie = numbers(fn, t.ties, "ties", n)
  -- aggregate per unordered pair {i < j}: wins of i, wins of j, ties
  local agg, keys = {}, {}
  local nt, nw = 0, 0
  for c = 1, n do
    local a, b = winner[c], loser[c]
    if a == b then fail(fn, "comparison %d has the same winner and loser (%d)", c, a) end
    if tie[c] ~= 0 and tie[c] ~= 1 then fail(fn, "'ties' element %d must be 0 or 1", c) end
    local wc = w and w[c] or 1
    if not (wc >= 0) then fail(fn, "weights must be non-negative (element %d)", c) end
    local i, j = math.min(a, b), math.max(a, b)
    local key = (i - 1) * k + j
    local e = agg[key]
    if not e then e = { i, j, 0, 0, 0 }; agg[key] = e; keys[#keys + 1] = key end
    if tie[c] == 1 then e[5] = e[5] + wc; nt = nt + wc
    elseif a == i then e[3] = e[3] + wc; nw = nw + wc
    else e[4] = e[4] + wc; nw = nw + wc end
  end
  if nt == 0 or nw == 0 then fail(fn, "Davidson's model needs both ties and decisive comparisons") end
  table.sort(keys)
  local rk = ref == "sum" and 1 or ref
  -- parameter index of item i (nil for the reference), and of log nu
  local idx, m = {}, 0
  for i = 1, k do if i ~= rk then m = m + 1; idx[i] = m end end
  local il = m + 1
  local FEAT = { { 1, 0, 0 }, { 0, 1, 0 }, { 0.5, 0.5, 1 } }
  local function eval(th, lnu, want)
    local ll = 0
    local g, H = {}, {}
    if want then for p = 1, il do g[p] = 0; H[p] = {}; for q = 1, il do H[p][q] = 0 end end end
    for _, key in ipairs(keys) do
      local e = agg[key]
      local a, b = th[e[1]], th[e[2]]
      local z = { a, b, lnu + (a + b) / 2 }
      local mx = math.max(z[1], z[2], z[3])
      local s = exp(z[1] - mx) + exp(z[2] - mx) + exp(z[3] - mx)
      local logD = mx + log(s)
      local cnt = { e[3], e[4], e[5] }
      local tot = cnt[1] + cnt[2] + cnt[3]
      for o = 1, 3 do if cnt[o] > 0 then ll = ll + cnt[o] * (z[o] - logD) end end
      if want then
        local pr = { exp(z[1] - logD), exp(z[2] - logD), exp(z[3] - logD) }
        local ef = { 0, 0, 0 }
        for o = 1, 3 do for q = 1, 3 do ef[q] = ef[q] + pr[o] * FEAT[o][q] end end
        local pidx = { idx[e[1]], idx[e[2]], il }
        for q = 1, 3 do
          local pq = pidx[q]
          if pq then
            local gq = 0
            for o = 1, 3 do gq = gq + cnt[o] * FEAT[o][q] end
            g[pq] = g[pq] + gq - tot * ef[q]
            for r = 1, 3 do
              local pr_ = pidx[r]
              if pr_ then
                local cov = 0
                for o = 1, 3 do cov = cov + pr[o] * (FEAT[o][q] - ef[q]) * (FEAT[o][r] - ef[r]) end
                H[pq][pr_] = H[pq][pr_] + tot * cov
              end
            end
          end
        end
      end
    end
    return ll, g, H
  end
  -- x = (the free scores, log nu)
  local function unpack_x(x)
    local th = {}
    for i = 1, k do th[i] = idx[i] and x[idx[i]] or 0 end
    return th, x[il]
  end
  local function info(H)
    local I = mat.zeros(il, il)
    for p = 1, il do for q = 1, il do I:set(p, q, H[p][q]) end end
    return I
  end
  local x0 = {}
  for p = 1, il do x0[p] = 0 end
  local x, ll, converged, iter = C.newton(fn, il, x0,
    function(x) return (eval(unpack_x(x))) end,
    function(x)
      local th, lnu = unpack_x(x)
      local _, g, H = eval(th, lnu, true)
      return info(H), mat.vec(g)
    end, DAV_MAXITER, DAV_TOL, "the information matrix is singular")
  local th, lnu = unpack_x(x)
  local _, _, H = eval(th, lnu, true)
  local V = info(H):inv()
  local theta, cov = mat.zeros(k, 1), mat.zeros(k, k)
  for i = 1, k do
    theta:set(i, 1, th[i])
    for j = 1, k do
      if idx[i] and idx[j] then cov:set(i, j, V:get(idx[i], idx[j])) end
    end
  end
  if ref == "sum" then theta, cov = centre(theta, cov, k) end
  local se = diag_se(cov, k)
  local nu = exp(lnu)
  return setmetatable({ score = theta, se = se, cov = cov, loglik = ll, iter = iter,
    converged = converged, n = n, n_items = k, reference = ref, names = t.names,
    nu = nu, se_nu = nu * sqrt(V:get(il, il)), ties = nt }, BT)
end

-- ------------------------------------------------------------ the parts

require "orrery.pref.lc"
require "orrery.pref.policy"

return M
