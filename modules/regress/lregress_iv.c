/*
** The C half of regress.iv, regress.ivl and regress.anchor: the estimators
** and the pieces of their sandwich covariances (iv.c). stdlib/regress/iv.lua
** handles the options, missing values and the fit objects.
*/
#include <math.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "regress/lregress.h"
#include "mat/omat.h"
#include "regress/iv.h"


static void check (lua_State *L, int st, const char *fn) {
  if (st != REG_OK) lregress_fail(L, fn, st);
}


/* X, y, Z at 1, 2, 3 with matching rows; returns n, p, q */
static void getxyz (lua_State *L, const char *fn, omat **X, omat **y,
                    omat **Z) {
  size_t ny;
  *X = omat_check(L, 1, fn, "x");
  *y = omat_check(L, 2, fn, "y");
  *Z = omat_check(L, 3, fn, "z");
  ny = (*y)->r * (*y)->c;
  if ((*X)->r != ny || (*Z)->r != ny)
    orr_error(L, fn, "x has %d rows, y %d and z %d", (int)(*X)->r, (int)ny,
              (int)(*Z)->r);
  omat_checkfinite(L, *X, fn, "x");
  omat_checkfinite(L, *y, fn, "y");
  omat_checkfinite(L, *Z, fn, "z");
}


/* _tsls(X, y, Z) -> coef, xhat, rank(Z), rank(P_Z X) */
static int iv_tsls_l (lua_State *L) {
  omat *X, *y, *Z, *coef, *xhat;
  size_t n, p, q, rz, r;
  double *work;
  int *iwork;
  getxyz(L, "regress.iv", &X, &y, &Z);
  n = X->r; p = X->c; q = Z->c;
  work = orr_work(L, iv_worksize(n, p, q));
  iwork = (int *)orr_workbytes(L, (p + q + 1) * sizeof(int));
  coef = omat_new(L, p, 1);
  xhat = omat_new(L, n, p);
  check(L, iv_tsls(X->x, y->x, Z->x, n, p, q, coef->x, xhat->x, &rz, &r,
                   work, iwork), "regress.iv");
  lua_pushinteger(L, (lua_Integer)rz);
  lua_pushinteger(L, (lua_Integer)r);
  return 4;
}


/* _anchor(X, y, A, gamma) -> coef, rank */
static int iv_anchor_l (lua_State *L) {
  omat *X, *y, *A, *coef;
  size_t n, p, q, r;
  double gamma = luaL_checknumber(L, 4), *work;
  int *iwork;
  getxyz(L, "regress.anchor", &X, &y, &A);
  if (!(gamma >= 0) || isinf(gamma))
    orr_error(L, "regress.anchor", "gamma must be finite and >= 0, got %f", gamma);
  n = X->r; p = X->c; q = A->c;
  if (n < p) orr_error(L, "regress.anchor", "%d rows for %d columns", (int)n, (int)p);
  work = orr_work(L, iv_worksize(n, p, q));
  iwork = (int *)orr_workbytes(L, (p + q + 1) * sizeof(int));
  coef = omat_new(L, p, 1);
  check(L, iv_anchor(X->x, y->x, A->x, n, p, q, gamma, coef->x, &r, work,
                     iwork), "regress.anchor");
  lua_pushinteger(L, (lua_Integer)r);
  return 2;
}


/* _cv_alpha(X, y, Z, folds, alphas) -> risk (one per alpha) */
static int iv_cv_l (lua_State *L) {
  omat *X, *y, *Z, *folds, *alphas, *risk;
  size_t n, p, q, i, na;
  int *fold, *iwork, nfold = 0;
  double *work;
  getxyz(L, "regress.ivl", &X, &y, &Z);
  folds = omat_check(L, 4, "regress.ivl", "folds");
  alphas = omat_check(L, 5, "regress.ivl", "alphas");
  n = X->r; p = X->c; q = Z->c; na = alphas->r * alphas->c;
  if (folds->r * folds->c != n)
    orr_error(L, "regress.ivl", "folds has %d entries for %d rows",
              (int)(folds->r * folds->c), (int)n);
  fold = (int *)orr_workbytes(L, (n + 1) * sizeof(int));
  for (i = 0; i < n; i++) {
    fold[i] = (int)folds->x[i] - 1;
    if (fold[i] + 1 > nfold) nfold = fold[i] + 1;
  }
  work = orr_work(L, iv_cv_worksize(n, p, q));
  iwork = (int *)orr_workbytes(L, (p + q + 1) * sizeof(int));
  risk = omat_new(L, na, 1);
  check(L, iv_cv_alpha(X->x, y->x, Z->x, n, p, q, fold, nfold, alphas->x, na,
                       risk->x, work, iwork), "regress.ivl");
  return 1;
}


/* _first_stage(X, Z) -> F (p x 1, NaN for exogenous columns), df1, df2 */
static int iv_first_stage_l (lua_State *L) {
  omat *X = omat_check(L, 1, "regress.iv", "x");
  omat *Z = omat_check(L, 2, "regress.iv", "z");
  size_t n = X->r, p = X->c, q = Z->c;
  int *exo, *iwork;
  double *work, df1, df2;
  omat *F;
  if (Z->r != n) orr_error(L, "regress.iv", "x has %d rows but z has %d", (int)n, (int)Z->r);
  exo = (int *)orr_workbytes(L, (p + 1) * sizeof(int));
  iwork = (int *)orr_workbytes(L, (p + q + 1) * sizeof(int));
  work = orr_work(L, iv_worksize(n, p, q));
  F = omat_new(L, p, 1);
  iv_shared_columns(X->x, Z->x, n, p, q, exo);
  check(L, iv_first_stage(X->x, Z->x, n, p, q, exo, F->x, &df1, &df2, work,
                          iwork), "regress.iv");
  lua_pushnumber(L, df1);
  lua_pushnumber(L, df2);
  return 3;
}


static const luaL_Reg ivreg_funcs[] = {
  {"_tsls", iv_tsls_l}, {"_anchor", iv_anchor_l}, {"_cv_alpha", iv_cv_l},
  {"_first_stage", iv_first_stage_l},
  {NULL, NULL}
};


/* Adds this part's functions to the module table on the top of the stack. */
void lregress_iv_open (lua_State *L) {
  luaL_setfuncs(L, ivreg_funcs, 0);
}
