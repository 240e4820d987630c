/*
** bayes: the binding of the kernels in bayes.c. Only private functions
** (names starting with '_'): the public names, option tables and result
** objects are stdlib/bayes.lua's.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "mat/omat.h"
#include "rng/orng.h"
#include "bayes/bayes.h"


/* _hgf(binary, levels, omega1, omega2, kappa1, kappa2, theta, pi_u,
        mu1, mu2, mu3, pi1, pi2, pi3, u) -> mu, pi, pe, surprise, total, bad
   (bad: the 1-based trial where a precision became non-positive, or nil) */
static int b_hgf (lua_State *L) {
  const char *fn = "bayes.hgf";
  bayes_hgf p;
  omat *u, *mu, *pi, *pe, *s;
  size_t n, bad = 0;
  double total;
  int i, st;
  p.binary = lua_toboolean(L, 1);
  p.levels = (int)luaL_checkinteger(L, 2);
  p.omega[0] = luaL_checknumber(L, 3); p.omega[1] = luaL_checknumber(L, 4);
  p.kappa[0] = luaL_checknumber(L, 5); p.kappa[1] = luaL_checknumber(L, 6);
  p.theta = luaL_checknumber(L, 7); p.pi_u = luaL_checknumber(L, 8);
  for (i = 0; i < 3; i++) {
    p.mu0[i] = luaL_checknumber(L, 9 + i);
    p.pi0[i] = luaL_checknumber(L, 12 + i);
  }
  u = omat_vecarg(L, 15, fn, "u", &n);
  if (p.binary) {
    size_t k;
    for (k = 0; k < n; k++)
      if (!isnan(u->x[k]) && u->x[k] != 0 && u->x[k] != 1) {
        char v[32];
        snprintf(v, sizeof v, "%g", u->x[k]);
        orr_error(L, fn, "binary input %d is %s, not 0, 1 or NaN", (int)k + 1, v);
      }
  }
  else {
    size_t k;
    for (k = 0; k < n; k++)
      if (isinf(u->x[k])) orr_error(L, fn, "input %d is infinite", (int)k + 1);
  }
  mu = omat_new(L, n, 3);
  pi = omat_new(L, n, 3);
  pe = omat_new(L, n, 3);
  s = omat_new(L, n, 1);
  st = bayes_hgf_filter(&p, u->x, n, mu->x, pi->x, pe->x, s->x, &total, &bad);
  if (st == BAYES_INTERRUPTED) return orr_interrupterror(L, fn);
  lua_pushnumber(L, total);
  if (st == BAYES_NEGPREC) lua_pushinteger(L, (lua_Integer)bad);
  else lua_pushnil(L);
  return 6;
}


/* _niw(R, mu, kappa, X, sign) -> R', mu', kappa' (copies; sign = 1 or -1),
   or nil, message when a downdate fails */
static int b_niw (lua_State *L) {
  const char *fn = lua_tostring(L, 6) ? lua_tostring(L, 6) : "bayes.niw";
  omat *R = omat_check(L, 1, fn, "R"), *mu, *X, *R2, *mu2;
  size_t d = R->r, dm;
  double kappa = luaL_checknumber(L, 3);
  int sign = (int)luaL_checkinteger(L, 5), st;
  mu = omat_vecarg(L, 2, fn, "mu", &dm);
  X = omat_arg(L, 4, fn, "X");
  if (X->c != d)
    orr_error(L, fn, "X has %d columns, the model has dimension %d", (int)X->c, (int)d);
  omat_checkfinite(L, X, fn, "X");
  R2 = omat_new(L, d, d);
  memcpy(R2->x, R->x, d * d * sizeof(double));
  mu2 = omat_new(L, d, 1);
  memcpy(mu2->x, mu->x, d * sizeof(double));
  st = bayes_niw_rows(R2->x, mu2->x, &kappa, d, X->x, X->r, sign,
                      orr_work(L, 2 * d));
  lua_pop(L, 1);
  if (st == BAYES_INTERRUPTED) return orr_interrupterror(L, fn);
  if (st != BAYES_OK) {
    lua_pushnil(L);
    lua_pushstring(L, bayes_message(st));
    return 2;
  }
  lua_pushnumber(L, kappa);
  return 3;
}


/* _bboot_mean(x, B, r) -> B x 1 draws */
static int b_bboot_mean (lua_State *L) {
  const char *fn = "bayes.bootstrap";
  size_t n;
  omat *x = omat_vecarg(L, 1, fn, "x", &n), *d;
  lua_Integer B = luaL_checkinteger(L, 2);
  gsl_rng *r = orng_check(L, 3, fn);
  d = omat_new(L, (size_t)B, 1);
  if (bayes_bboot_mean(x->x, n, (size_t)B, r, d->x) != BAYES_OK)
    return orr_interrupterror(L, fn);
  return 1;
}


/* _copula_fit(x, rho, grid) -> P: the copula predictive's cdf on the grid */
static int b_copula_fit (lua_State *L) {
  const char *fn = "bayes.martingale";
  size_t n, G;
  omat *x = omat_vecarg(L, 1, fn, "x", &n), *grid, *P;
  double rho = luaL_checknumber(L, 2);
  grid = omat_vecarg(L, 3, fn, "grid", &G);
  P = omat_new(L, G, 1);
  bayes_copula_fit(x->x, n, rho, grid->x, G, P->x);
  return 1;
}


/* _copula_draw(P, grid, n, N, rho, r) -> (N - n) x 1 new points (P unchanged) */
static int b_copula_draw (lua_State *L) {
  const char *fn = "bayes.martingale";
  size_t G, G2;
  omat *P = omat_vecarg(L, 1, fn, "P", &G), *grid, *out;
  lua_Integer n, N;
  double rho, *work;
  gsl_rng *r;
  grid = omat_vecarg(L, 2, fn, "grid", &G2);
  n = luaL_checkinteger(L, 3); N = luaL_checkinteger(L, 4);
  rho = luaL_checknumber(L, 5);
  r = orng_check(L, 6, fn);
  if (G2 != G || G < 2 || n < 0 || N < n) orr_error(L, fn, "bad copula state");
  out = omat_new(L, (size_t)(N - n), 1);
  work = orr_work(L, G);
  memcpy(work, P->x, G * sizeof(double));
  if (bayes_copula_draw(work, grid->x, G, (size_t)n, (size_t)N, rho, r, out->x) != BAYES_OK)
    return orr_interrupterror(L, fn);
  lua_pop(L, 1);
  return 1;
}


/* special functions the Lua half needs: log Gamma, log Beta, digamma */
static int b_lgamma (lua_State *L) {
  lua_pushnumber(L, gsl_sf_lngamma(luaL_checknumber(L, 1)));
  return 1;
}

static int b_lbeta (lua_State *L) {
  lua_pushnumber(L, gsl_sf_lnbeta(luaL_checknumber(L, 1), luaL_checknumber(L, 2)));
  return 1;
}


static const luaL_Reg bayes_funcs[] = {
  {"_hgf", b_hgf}, {"_niw", b_niw}, {"_bboot_mean", b_bboot_mean},
  {"_copula_fit", b_copula_fit}, {"_copula_draw", b_copula_draw},
  {"_lgamma", b_lgamma}, {"_lbeta", b_lbeta},
  {NULL, NULL}
};

static const orr_doc bayes_docs[] = {
  {NULL, NULL}
};


int luaopen_orrery_bayes (lua_State *L) {
  gsl_set_error_handler_off();
  orr_require(L, "mat");
  lua_pop(L, 1);
  orr_newlib(L, "bayes", bayes_funcs, bayes_docs);
  return 1;
}
