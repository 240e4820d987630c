/*
** The C half of surv.fit (parametric survival regression): the families
** and the Newton fit of parametric.c and families.c. The public surface
** lives in stdlib/surv/fit.lua (the missing-value mask is the args
** namespace's, the time rule surv's _checktime); these functions start
** with '_' and only check what would otherwise crash.
*/
#include <math.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "surv/lsurv.h"
#include "mat/omat.h"
#include "surv/surv.h"
#include "surv/families.h"
#include "surv/parametric.h"

#define FN "surv.fit"

/* Newton's defaults when the Lua half passes none (it passes its own) */
#define FIT_MAXIT  100
#define FIT_TOL    1e-10

static const char *const family_names[] = {
  "exponential", "weibull", "gompertz", "loglogistic", "lognormal", "burr",
  "apgw", NULL
};

static const char *const slot_names[] = {"ph", "aft", "shape"};


static int checkfamily (lua_State *L, int idx) {
  return luaL_checkoption(L, idx, NULL, family_names);
}


/* numbers from an array field of the table at t into out[0..n-1] */
static void numarray (lua_State *L, int t, const char *key, double *out,
                      int n) {
  int i;
  lua_getfield(L, t, key);
  luaL_checktype(L, -1, LUA_TTABLE);
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, -1, i + 1);
    out[i] = luaL_checknumber(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}


/*
** Reads the model table at idx into m. The mats stay referenced by the table
** at idx, which the caller keeps on the stack.
** {family=, time=, logt=, status=, weights=, ph=, aft=, shape= (mats or nil),
**  fixed = {e0, e1, e2, e3}, theta_free = bool}
*/
static void getmodel (lua_State *L, int idx, sr_model *m) {
  size_t n, nd, nl;
  int k;
  omat *t, *d, *lt;
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_getfield(L, idx, "family");
  m->fam = checkfamily(L, -1);
  lua_pop(L, 1);
  t = omat_field(L, idx, "time", FN);
  if (!t) orr_error(L, FN, "internal: no time");
  n = t->r * t->c;
  lua_pop(L, 1);
  d = omat_field(L, idx, "status", FN);
  lt = omat_field(L, idx, "logt", FN);
  if (!d || !lt) orr_error(L, FN, "internal: no status or logt");
  nd = d->r * d->c; nl = lt->r * lt->c;
  lua_pop(L, 2);
  if (nd != n || nl != n) orr_error(L, FN, "internal: lengths differ");
  m->n = n; m->t = t->x; m->delta = d->x; m->logt = lt->x;
  {
    omat *w = omat_field(L, idx, "weights", FN);
    lua_pop(L, 1);
    if (w && w->r * w->c != n) orr_error(L, FN, "internal: weights length");
    m->w = w ? w->x : NULL;
  }
  for (k = 0; k < 3; k++) {
    omat *x = omat_field(L, idx, slot_names[k], FN);
    lua_pop(L, 1);
    if (x && x->c > 0) {
      if (x->r != n) orr_error(L, FN, "internal: block %s has %d rows, not %d",
                               slot_names[k], (int)x->r, (int)n);
      m->p[k] = x->c; m->X[k] = x->x;
    }
    else { m->p[k] = 0; m->X[k] = NULL; }
  }
  numarray(L, idx, "fixed", m->fixed, SR_NSLOT);
  lua_getfield(L, idx, "theta_free");
  m->theta_free = lua_toboolean(L, -1);
  lua_pop(L, 1);
}


/* The model at 1 into m and its parameter vector at 2 (one per free
   parameter). */
static omat *modelargs (lua_State *L, sr_model *m, const char *what) {
  size_t np, P;
  omat *v;
  getmodel(L, 1, m);
  P = sr_npar(m);
  v = omat_vecarg(L, 2, FN, what, &np);
  if (np != P) orr_error(L, FN, "internal: %d values of '%s' for %d parameters",
                         (int)np, what, (int)P);
  return v;
}


/* _fit(model, start [, maxit, tol]) -> coef (mat), vcov (mat), info table */
static int s_fit (lua_State *L) {
  sr_model m;
  sr_result res;
  omat *start, *coef, *vcov;
  size_t P;
  double *work;
  int maxit = (int)luaL_optinteger(L, 3, FIT_MAXIT);
  double tol = luaL_optnumber(L, 4, FIT_TOL);
  lua_settop(L, 4);
  start = modelargs(L, &m, "start");
  P = sr_npar(&m);
  work = orr_work(L, sr_newton_work(&m));              /* 5 */
  coef = omat_new(L, P, 1);                            /* 6 */
  if (P) memcpy(coef->x, start->x, P * sizeof(double));
  vcov = omat_new(L, P, P);                            /* 7 */
  if (sr_newton(&m, coef->x, vcov->x, maxit, tol, &res, work) == SURV_EINTR)
    orr_interrupterror(L, FN);
  lua_createtable(L, 0, 4);
  lua_pushnumber(L, res.loglik); lua_setfield(L, -2, "loglik");
  lua_pushinteger(L, res.iterations); lua_setfield(L, -2, "iterations");
  lua_pushboolean(L, res.converged); lua_setfield(L, -2, "converged");
  if (!res.converged) {
    lua_pushstring(L, surv_strerror(res.status));
    lua_setfield(L, -2, "reason");
  }
  return 3;
}


/* _loglik(model, beta) -> loglik, gradient (mat) */
static int s_loglik (lua_State *L) {
  sr_model m;
  omat *beta, *g;
  size_t P;
  double *work, ll;
  lua_settop(L, 2);
  beta = modelargs(L, &m, "beta");
  P = sr_npar(&m);
  work = orr_work(L, sr_loglik_work(&m));
  g = omat_new(L, P, 1);
  ll = sr_loglik(&m, beta->x, g->x, NULL, work);
  lua_pushnumber(L, ll);
  lua_insert(L, -2);
  return 2;
}


/* indexed by SR_SURVIVAL .. SR_CURE (parametric.h) */
static const char *const what_names[] = {
  "survival", "hazard", "cumhazard", "quantile", "cure", NULL
};


/*
** _eval(family, what, t, E) -> mat (#t x rows of E): the fitted functions;
** E has 4 columns, one row of slot values (e0..e3) per covariate row.
*/
static int s_eval (lua_State *L) {
  int fam = checkfamily(L, 1);
  int what = luaL_checkoption(L, 2, NULL, what_names);
  size_t nt;
  omat *t = omat_vecarg(L, 3, FN, "t", &nt);
  omat *E = omat_arg(L, 4, FN, "E"), *out;
  if (E->c != SR_NSLOT) orr_error(L, FN, "internal: E needs 4 columns");
  out = omat_new(L, nt, E->r);
  sr_eval(fam, what, t->x, nt, E->x, E->r, out->x);
  return 1;
}


/*
** _design(x or nil, keep, intercept) -> the rows of x with keep = 1, with a
** column of ones first when intercept is true.
*/
static int s_design (lua_State *L) {
  omat *x = lua_isnil(L, 1) ? NULL : omat_check(L, 1, FN, "x");
  omat *keep = omat_check(L, 2, FN, "keep"), *d;
  int icpt = lua_toboolean(L, 3);
  size_t n = keep->r, m = 0, i, j, r, c = (x ? x->c : 0) + (icpt ? 1 : 0);
  if (keep->c != 1)  /* a 3 x 0 'keep' has no flags to read */
    orr_error(L, FN, "internal: keep must be a column, got %d x %d", (int)keep->r,
              (int)keep->c);
  if (x && x->r != n)
    orr_error(L, FN, "internal: x has %d rows but keep has %d", (int)x->r, (int)n);
  for (i = 0; i < n; i++) m += keep->x[i] != 0;
  d = omat_new(L, m, c);
  if (icpt) for (i = 0; i < m; i++) d->x[i] = 1;
  if (x)
    for (j = 0; j < x->c; j++) {
      double *dst = d->x + (j + (icpt ? 1 : 0)) * m;
      for (i = 0, r = 0; i < n; i++)
        if (keep->x[i] != 0) dst[r++] = OMAT(x, i, j);
    }
  return 1;
}


static const luaL_Reg survreg_funcs[] = {
  {"_fit", s_fit}, {"_loglik", s_loglik}, {"_eval", s_eval},
  {"_design", s_design},
  {NULL, NULL}
};

/* Adds this part's functions to the module table on the top of the stack. */
void lsurv_fit_open (lua_State *L) {
  luaL_setfuncs(L, survreg_funcs, 0);
}
