-- pref.bt against BradleyTerry2::BTm (tests/ref/pref/make_bt.R) on two real
-- data sets: journal cross-citations as counts (weights) and five seasons
-- of Premier League games (one row per decisive game, 29 teams).
-- Tolerance 1e-6 relative (the issue's), 1e-9 absolute for scores that are 0.
-- Observed agreement: about 1e-12 (both are the MLE to well below that).
local T = require "orrery.testing"
local R = T.ref("pref/bt_ref.txt")
local TOL = 1e-6

local function cit_args(ref)
  local c = T.csv("pref/citations.csv")
  local w, l, wt = {}, {}, {}
  for i = 1, #c.p1 do
    w[#w + 1], l[#l + 1], wt[#wt + 1] = c.p1[i], c.p2[i], c.win1[i]
    w[#w + 1], l[#l + 1], wt[#wt + 1] = c.p2[i], c.p1[i], c.win2[i]
  end
  return { winner = w, loser = l, weights = wt, n_items = R["cit.k"], reference = ref }
end

local function fb_args(ref)
  local f = T.csv("pref/football.csv")
  return { winner = f.winner, loser = f.loser, n_items = R["fb.k"], reference = ref }
end

for _, case in ipairs { { "cit", cit_args, "citations (counts as weights)" },
                        { "fb", fb_args, "Premier League games" } } do
  local tag, make, label = case[1], case[2], case[3]
  T.test(label .. ": scores, SEs, log-likelihood vs BTm (reference item 1)", function()
    local f = pref.bt(make())
    T.ok(f.converged, "converged")
    T.near(f.score, R[tag .. ".score"], TOL, "score", 1e-9)
    T.near(f.se, R[tag .. ".se"], TOL, "se", 1e-9)
    T.near(f.loglik, R[tag .. ".loglik"], TOL, "loglik")
  end)
  T.test(label .. ": sum-to-zero scores and SEs", function()
    local f = pref.bt(make("sum"))
    T.near(f.score, R[tag .. ".score_sum"], TOL, "score", 1e-9)
    T.near(f.se, R[tag .. ".se_sum"], TOL, "se", 1e-9)
    T.near(f.score:sum(), 0, 0, "sum", 1e-12)
  end)
end

T.test("another reference item shifts the scores", function()
  local a, b = pref.bt(cit_args(1)), pref.bt(cit_args(3))
  T.eq(b.score[3], 0)
  for i = 1, 4 do T.near(b.score[i], a.score[i] - a.score[3], 1e-9, nil, 1e-12) end
  T.near(b.loglik, a.loglik, 1e-12)
end)

T.test("printout", function()
  local s = tostring(pref.bt(cit_args()))
  T.ok(s:find("Bradley%-Terry model, 12 comparisons of 4 items"), s)
  T.ok(s:find("item2 %-2%.949"), s)
  T.ok(s:find("Log%-likelihood: %-1622%.89"), s)
end)

T.test("bad input", function()
  local function e(t, msg) T.errors(function() return pref.bt(t) end, msg) end
  e({ winner = { 1, 2 }, loser = { 2 }, n_items = 2 }, "pref.bt: 'loser' has 1 elements, expected 2")
  e({ winner = { 1, 3 }, loser = { 2, 1 }, n_items = 2 }, "pref.bt: 'winner' element 2 is 3, not an item id in 1..2")
  e({ winner = { 1, 1.5 }, loser = { 2, 1 }, n_items = 2 }, "not an item id")
  e({ winner = { 1, 2 }, loser = { 1, 1 }, n_items = 2 }, "comparison 1 has the same winner and loser")
  e({ winner = { 1, 2 }, loser = { 2, 1 }, n_items = 1 }, "n_items must be an integer >= 2")
  e({ winner = { 1, 2 }, loser = { 2, 1 }, n_items = 2, reference = 3 }, "reference must be an item id in 1..2 or \"sum\"")
  e({ winner = { 1, 2 }, loser = { 2, 1 }, n_items = 2, weights = { 1, -1 } }, "weights must be non-negative")
  e({ winner = { 1, 1 }, loser = { 2, 2 }, n_items = 2 }, "pref.bt: the maximum likelihood estimate does not exist")
  e({ winner = { 1, 2, 3 }, loser = { 2, 1, 1 }, n_items = 3 }, "does not exist")
  e({ winner = { 1, 2 }, loser = { 2, 1 }, n_items = 2, foo = 1 }, "pref.bt: unknown option 'foo'")
end)
