/*
** pref: the binding of the preference kernels (the DPO loss family,
** Bradley-Terry maximum likelihood).  Argument checks and userdata only;
** the numerics live in dpo.c and bt.c.  The friendly layer (result
** objects, printing, the other losses and rewards, the trainable policy)
** is stdlib/pref.lua, which calls the functions here whose names start
** with '_'.
*/
#include <math.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "mat/omat.h"
#include "mat/lmat.h"
#include "pref/pref.h"

#define BT_MAXITER  100
#define BT_TOL      1e-10


static const char *const loss_names[] = {
  "sigmoid", "hinge", "ipo", "robust", "cdpo", "bco_pair", "sppo_hard",
  "nca_pair", "apo_zero", "apo_down", "exo_pair", "discopop", NULL
};


/* The vector field 'key' of the table at t, of length n (n == 0: any; its
   length goes to *len); NULL when absent and not required.  The converted
   value stays on the stack. */
static omat *vecfield (lua_State *L, int t, const char *key, const char *fn,
                       int required, size_t *len) {
  size_t n;
  omat *m;
  if (lua_getfield(L, t, key) == LUA_TNIL) {
    if (required) orr_error(L, fn, "'%s' is missing", key);
    return NULL;
  }
  m = omat_vecarg(L, lua_gettop(L), fn, key, &n);
  if (*len == 0) *len = n;
  else if (n != *len)
    orr_error(L, fn, "'%s' has %d elements, 'policy_chosen' has %d", key,
              (int)n, (int)*len);
  return m;
}


static const char *const dpo_opts[] = {
  "policy_chosen", "policy_rejected", "ref_chosen", "ref_rejected", "beta",
  "loss", "label_smoothing", "chosen_len", "rejected_len", NULL
};

static int ldpo_loss (lua_State *L) {
  const char *fn = "pref.dpo_loss";
  size_t n = 0, nlen = 0, nlr, bad = 0, i;
  omat *lw, *ll, *Lw, *Ll, *lc, *lr, *losses, *gc, *gr, *rc, *rr;
  double beta, e;
  const char *name;
  int loss, st;
  dpo_sums sums;
  luaL_checktype(L, 1, LUA_TTABLE);
  orr_checkopts(L, 1, fn, dpo_opts);
  lw = vecfield(L, 1, "policy_chosen", fn, 1, &n);
  ll = vecfield(L, 1, "policy_rejected", fn, 1, &n);
  Lw = vecfield(L, 1, "ref_chosen", fn, 1, &n);
  Ll = vecfield(L, 1, "ref_rejected", fn, 1, &n);
  if (n == 0) return orr_error(L, fn, "no pairs");
  lc = vecfield(L, 1, "chosen_len", fn, 0, &nlen);
  nlr = nlen;
  lr = vecfield(L, 1, "rejected_len", fn, 0, &nlr);
  lua_getfield(L, 1, "loss");
  if (lua_isnil(L, -1)) name = "sigmoid";
  else if (lua_type(L, -1) == LUA_TSTRING) name = lua_tostring(L, -1);
  else return orr_error(L, fn, "'loss' must be a string, got %s",
                        luaL_typename(L, -1));
  for (loss = 0; loss_names[loss]; loss++)
    if (strcmp(loss_names[loss], name) == 0) break;
  if (loss_names[loss] == NULL)
    return orr_error(L, fn, "unknown loss '%s' (sigmoid, hinge, ipo, robust, "
                     "cdpo, bco_pair, sppo_hard, nca_pair, apo_zero, apo_down, "
                     "exo_pair or discopop)", name);
  beta = orr_optnumber(L, 1, "beta", 0.1, fn);
  if (!(beta > 0) || !isfinite(beta))
    return orr_error(L, fn, "beta must be positive and finite, got %f", beta);
  e = orr_optnumber(L, 1, "label_smoothing", 0, fn);
  if (!(e >= 0 && e < 1))
    return orr_error(L, fn, "label_smoothing must be in [0, 1), got %f", e);
  if (loss == DPO_ROBUST && !(e < 0.5))
    return orr_error(L, fn, "loss 'robust' needs label_smoothing below 0.5, got %f", e);
  if ((lc == NULL) != (lr == NULL))
    return orr_error(L, fn, "give both chosen_len and rejected_len, or neither");
  if (lc != NULL && loss != DPO_IPO)
    return orr_error(L, fn, "chosen_len and rejected_len apply to loss 'ipo' only");
  if (lc != NULL && nlen != n && nlen != 1)
    return orr_error(L, fn, "chosen_len has %d elements, 'policy_chosen' has %d",
                     (int)nlen, (int)n);
  lua_createtable(L, 0, 10);
  losses = omat_newraw(L, n, 1); lua_setfield(L, -2, "losses");
  gc = omat_newraw(L, n, 1); lua_setfield(L, -2, "grad_chosen");
  gr = omat_newraw(L, n, 1); lua_setfield(L, -2, "grad_rejected");
  rc = omat_newraw(L, n, 1); lua_setfield(L, -2, "rewards_chosen");
  rr = omat_newraw(L, n, 1); lua_setfield(L, -2, "rewards_rejected");
  st = pref_dpo(loss, n, lw->x, ll->x, Lw->x, Ll->x, lc ? lc->x : NULL,
                lr ? lr->x : NULL, nlen, beta, e, losses->x, gc->x, gr->x,
                rc->x, rr->x, &sums, &bad);
  if (st == PREF_EINTR) return orr_interrupterror(L, fn);
  if (st == PREF_ENOTFINITE) {
    const omat *ms[4];
    const char *names[4] = { "policy_chosen", "policy_rejected", "ref_chosen",
                             "ref_rejected" };
    ms[0] = lw; ms[1] = ll; ms[2] = Lw; ms[3] = Ll;
    for (i = 0; i < 4; i++)
      if (!isfinite(ms[i]->x[bad]))
        return orr_error(L, fn, "'%s' element %d is not finite", names[i],
                         (int)bad + 1);
    return orr_error(L, fn, "pair %d: the log-ratios are not finite", (int)bad + 1);
  }
  if (st == PREF_ELEN)
    return orr_error(L, fn, "sequence lengths must be positive and finite "
                     "(element %d)", (int)bad + 1);
  lua_pushnumber(L, sums.loss / n); lua_setfield(L, -2, "loss");
  lua_pushnumber(L, sums.correct / n); lua_setfield(L, -2, "accuracy");
  lua_pushnumber(L, sums.margin / n); lua_setfield(L, -2, "margin");
  lua_pushstring(L, loss_names[loss]); lua_setfield(L, -2, "loss_type");
  lua_pushnumber(L, beta); lua_setfield(L, -2, "beta");
  lua_pushinteger(L, (lua_Integer)n); lua_setfield(L, -2, "n");
  return 1;
}


/*
** _bt(wins, ref) -> theta, cov, loglik, iter, converged: wins a k x k
** matrix of weighted wins (wins[i][j]: i beat j), ref 1-based.
*/
static int bt (lua_State *L) {
  const char *fn = "pref.bt";
  omat *w = omat_check(L, 1, fn, "wins"), *theta, *cov;
  size_t k = w->r, ref = (size_t)luaL_checkinteger(L, 2) - 1;
  double ll = 0, *work;
  int iter = 0, st;
  if (w->c != k || k < 2) return orr_error(L, fn, "need at least 2 items");
  work = orr_work(L, pref_bt_work(k));
  theta = omat_new(L, k, 1);
  cov = omat_new(L, k, k);
  st = pref_bt(k, w->x, ref, BT_MAXITER, BT_TOL, theta->x, cov->x, &ll, &iter,
               work);
  if (st == PREF_EINTR) return orr_interrupterror(L, fn);
  if (st != PREF_OK && st != PREF_EMAXITER)
    return orr_error(L, fn, "%s", pref_strerror(st));
  lua_pushnumber(L, ll);
  lua_pushinteger(L, iter);
  lua_pushboolean(L, st == PREF_OK);
  return 5;
}


static const luaL_Reg pref_funcs[] = {
  {"dpo_loss", ldpo_loss},
  {"_bt", bt},
  {NULL, NULL}
};

static const orr_doc pref_docs[] = {
  {"dpo_loss",
   "pref.dpo_loss{ policy_chosen =, policy_rejected =, ref_chosen =, ref_rejected =\n"
   "  [, beta = 0.1, loss = \"sigmoid\", label_smoothing = 0, chosen_len =, rejected_len =] }\n"
   "  -> { loss =, losses =, grad_chosen =, grad_rejected =, rewards_chosen =,\n"
   "       rewards_rejected =, accuracy =, margin =, n =, loss_type =, beta = }\n"
   "The DPO loss family over vectors of summed log-probabilities (policy and reference,\n"
   "chosen and rejected response of each pair). loss: sigmoid (DPO; with label_smoothing e\n"
   "it is cDPO, as TRL), cdpo, hinge, ipo, robust (e < 0.5), bco_pair (without TRL's running-\n"
   "mean shift), sppo_hard, nca_pair, apo_zero, apo_down, exo_pair (e = 0 means 1e-3, as TRL),\n"
   "discopop (tau = 0.05). ipo uses per-token averages: give chosen_len and rejected_len (the\n"
   "token counts, a vector or one number) or inputs already averaged; its rewards are then\n"
   "averaged too. Results: .losses per pair and .loss their mean; .grad_chosen[i] =\n"
   "d losses[i] / d policy_chosen[i], .grad_rejected likewise (the reference log-probabilities\n"
   "are constants); TRL's metrics: .rewards_chosen = beta (policy - ref) per pair, likewise\n"
   ".rewards_rejected, .accuracy = mean of rewards_chosen > rewards_rejected (ties count 0),\n"
   ".margin = mean of their difference. Log-sigmoids are computed stably: log-ratios of\n"
   "+-1e4 give finite, exact values. NaN or infinite inputs, mismatched lengths, beta <= 0,\n"
   "label_smoothing outside [0, 1) and an unknown loss are errors. Formulas: docs/methods/pref.md."},
  {NULL, NULL}
};


int luaopen_orrery_pref (lua_State *L) {
  /* results are matrices: their metatable must exist before the first one */
  orr_require(L, "mat");
  lua_pop(L, 1);
  orr_newlib(L, "pref", pref_funcs, pref_docs);
  return 1;
}
