/*
** The C half of regress.sketch: draws the sketch of [X y] and solves the
** sketched (and, when asked, the exact) least-squares problem (sketch.c).
*/
#include <math.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "regress/lregress.h"
#include "mat/omat.h"
#include "rng/orng.h"
#include "regress/sketch.h"

#define FN "regress.sketch"


/* least squares of column k-1 on the others (sk_lstsq) */
static void lstsq (lua_State *L, double *M, size_t r, size_t k, double *coef) {
  int st = sk_lstsq(M, r, k, coef, orr_work(L, sk_lstsq_work(r, k)));
  lua_pop(L, 1);
  if (st != REG_OK) lregress_fail(L, FN, st);
}


/* _sketch(XY, m, kind, rng [, exact]) -> coef [, exact coef] */
static int sk_solve (lua_State *L) {
  static const char *const kinds[] = {"gaussian", "srht", "countsketch", NULL};
  omat *A = omat_check(L, 1, FN, "data");
  lua_Integer m = luaL_checkinteger(L, 2);
  int kind = luaL_checkoption(L, 3, NULL, kinds);
  gsl_rng *r = orng_check(L, 4, FN);
  int exact = lua_toboolean(L, 5);
  size_t n = A->r, k = A->c, p = k - 1;
  double *SA;
  omat *coef, *ce = NULL;
  int st = 0, base;
  if (k < 2) orr_error(L, FN, "x has no columns");
  if (m < (lua_Integer)p || (size_t)m > n)
    orr_error(L, FN, "m must be between the number of coefficients (%d) and n (%d), got %d",
              (int)p, (int)n, (int)m);
  omat_checkfinite(L, A, FN, "data");
  lua_settop(L, 5);
  base = lua_gettop(L);
  coef = omat_new(L, p, 1);                 /* base + 1 */
  if (exact) ce = omat_new(L, p, 1);        /* base + 2 */
  SA = orr_work(L, (size_t)m * k);
  switch (kind) {
    case 0:
      st = sk_gaussian(r, A->x, n, k, (size_t)m, SA, orr_work(L, sk_gaussian_work((size_t)m)));
      break;
    case 1: {
      size_t N = sk_pow2(n);
      double *buf = orr_work(L, N), *sign = orr_work(L, n);
      size_t *rows = (size_t *)orr_workbytes(L, N * sizeof(size_t));
      st = sk_srht(r, A->x, n, k, (size_t)m, SA, buf, sign, rows);
      break;
    }
    default:
      st = sk_countsketch(r, A->x, n, k, (size_t)m, SA);
  }
  if (st != REG_OK) lregress_fail(L, FN, st);
  lstsq(L, SA, (size_t)m, k, coef->x);
  if (exact) {
    double *W = orr_work(L, n * k);
    memcpy(W, A->x, n * k * sizeof(double));
    lstsq(L, W, n, k, ce->x);
  }
  lua_settop(L, base + (exact ? 2 : 1));
  return exact ? 2 : 1;
}


static const luaL_Reg sketch_funcs[] = {
  {"_sketch", sk_solve},
  {NULL, NULL}
};


/* Adds this part's functions to the module table on the top of the stack. */
void lregress_sketch_open (lua_State *L) {
  luaL_setfuncs(L, sketch_funcs, 0);
}
