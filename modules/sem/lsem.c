/*
** sem: the binding of the sampling kernel.  The structure (names, order,
** interventions, exact moments, lavaan fits, Bayes nets) is stdlib/sem.lua.
*/
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


/* _solve(cols, B, c, s, j0, j1): sem_solve on columns j0..j1 (1-based,
   inclusive) of cols, an array of p n x 1 matrices, in place */
static int s_solve (lua_State *L) {
  const char *fn = "sem.sample";
  size_t p, n = 0, j;
  omat *B, *c, *s;
  double **X;
  lua_Integer j0 = luaL_checkinteger(L, 5), j1 = luaL_checkinteger(L, 6);
  int st;
  luaL_checktype(L, 1, LUA_TTABLE);
  p = (size_t)luaL_len(L, 1);
  if (p == 0) orr_error(L, fn, "no columns");
  B = omat_check(L, 2, fn, "B");
  c = vecp(L, 3, fn, "c", p);
  s = vecp(L, 4, fn, "s", p);
  if (B->r != p || B->c != p) orr_error(L, fn, "B must be %d x %d", (int)p, (int)p);
  X = (double **)orr_workbytes(L, p * sizeof(double *));
  for (j = 0; j < p; j++) {
    omat *m;
    lua_geti(L, 1, (lua_Integer)j + 1);
    m = omat_check(L, -1, fn, "column");
    if (m->c != 1 || (j > 0 && m->r != n))
      orr_error(L, fn, "column %d is not an n x 1 matrix", (int)j + 1);
    n = m->r;
    X[j] = m->x;
    lua_pop(L, 1);  /* still referenced by the table at 1 */
  }
  if (j0 < 1 || j1 > (lua_Integer)p || j0 > j1) return 0;
  st = sem_solve(n, p, B->x, c->x, s->x, X, (size_t)j0 - 1, (size_t)j1);
  if (st == SEM_EINTR) return orr_interrupterror(L, fn);
  if (st != SEM_OK) orr_error(L, fn, "%s", sem_strerror(st));
  return 0;
}


static const luaL_Reg sem_funcs[] = {
  {"_solve", s_solve},
  {NULL, NULL}
};

static const orr_doc sem_docs[] = {
  {NULL, NULL}
};


int luaopen_orrery_sem (lua_State *L) {
  orr_require(L, "mat");
  lua_pop(L, 1);
  orr_newlib(L, "sem", sem_funcs, sem_docs);
  return 1;
}
