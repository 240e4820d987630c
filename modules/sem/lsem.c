/*
** sem: the binding of the sampling kernel.  The structure (names, order,
** interventions, exact moments, lavaan fits, Bayes nets) is stdlib/sem.lua.
*/
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "mat/omat.h"
#include "sem/sem.h"

/* A vector argument of exactly p elements. */
static omat *vecp (lua_State *L, int idx, const char *fn, const char *what,
                   size_t p) {
  size_t len;
  omat *m = omat_vecarg(L, idx, fn, what, &len);
  if (len != p)
    orr_error(L, fn, "'%s' has %d elements, expected %d", what, (int)len,
              (int)p);
  return m;
}


/* _noise(n, p, r) -> n x p matrix of standard normal draws from r
   (r:normal(n p), the same draws, laid out column after column) */
static int s_noise (lua_State *L) {
  const char *fn = "sem.sample";
  lua_Integer n = luaL_checkinteger(L, 1), p = luaL_checkinteger(L, 2);
  omat *m;
  if (n < 0 || p < 1) orr_error(L, fn, "bad sample size %d x %d", (int)n, (int)p);
  luaL_checkudata(L, 3, "orrery.rng");
  lua_getfield(L, 3, "normal");
  lua_pushvalue(L, 3);
  lua_pushinteger(L, n * p);
  lua_call(L, 2, 1);
  m = omat_check(L, -1, fn, "draws");
  if (m->r * m->c != (size_t)(n * p)) orr_error(L, fn, "short draw");
  /* the draws are ours alone: view them as n x p, no copy */
  m->r = (size_t)n; m->c = (size_t)p;
  return 1;
}


/* _setcol(X, j, v): column j (1-based) of X <- v (a number or n-vector) */
static int s_setcol (lua_State *L) {
  const char *fn = "sem.sample";
  omat *X = omat_check(L, 1, fn, "X");
  lua_Integer j = luaL_checkinteger(L, 2);
  size_t i;
  if (j < 1 || (size_t)j > X->c) orr_error(L, fn, "column %d out of range", (int)j);
  if (lua_type(L, 3) == LUA_TNUMBER) {
    double v = lua_tonumber(L, 3);
    for (i = 0; i < X->r; i++) OMAT(X, i, j - 1) = v;
  }
  else {
    omat *v = vecp(L, 3, fn, "values", X->r);
    memcpy(&OMAT(X, 0, j - 1), v->x, X->r * sizeof(double));
  }
  return 0;
}


/* _solve(X, B, c, s, j0, j1): sem_solve on columns j0..j1 (1-based,
   inclusive) of X in place */
static int s_solve (lua_State *L) {
  const char *fn = "sem.sample";
  omat *X = omat_check(L, 1, fn, "X");
  size_t p = X->c;
  omat *B = omat_check(L, 2, fn, "B");
  omat *c = vecp(L, 3, fn, "c", p), *s = vecp(L, 4, fn, "s", p);
  lua_Integer j0 = luaL_checkinteger(L, 5), j1 = luaL_checkinteger(L, 6);
  int st;
  if (B->r != p || B->c != p) orr_error(L, fn, "B must be %d x %d", (int)p, (int)p);
  if (j0 < 1 || j1 > (lua_Integer)p || j0 > j1) return 0;
  st = sem_solve(X->r, p, B->x, c->x, s->x, X->x, (size_t)j0 - 1, (size_t)j1);
  if (st == SEM_EINTR) return orr_interrupterror(L, fn);
  if (st != SEM_OK) orr_error(L, fn, "%s", sem_strerror(st));
  return 0;
}


static const luaL_Reg sem_funcs[] = {
  {"_noise", s_noise}, {"_setcol", s_setcol}, {"_solve", s_solve},
  {NULL, NULL}
};

static const orr_doc sem_docs[] = {
  {NULL, NULL}
};


int luaopen_orrery_sem (lua_State *L) {
  lua_getglobal(L, "require");
  lua_pushliteral(L, "orrery.mat");
  lua_call(L, 1, 0);
  orr_newlib(L, "sem", sem_funcs, sem_docs);
  return 1;
}
