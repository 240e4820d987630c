/*
** Rules about data that several modules share (see orules.h).
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "orules.h"
#include "mat/omat.h"


size_t orr_rowmask (const double *x, size_t n, size_t ncol, size_t ld,
                    unsigned char *drop, size_t *col) {
  size_t i, j, inf = n;
  for (j = 0; j < ncol; j++) {
    const double *c = x + j * ld;
    for (i = 0; i < n; i++) {
      if (isnan(c[i])) drop[i] = 1;
      else if (isinf(c[i]) && inf == n) { inf = i; *col = j; }
    }
  }
  return inf;
}


size_t orr_badtime (const double *t, size_t n, int positive) {
  size_t i;
  for (i = 0; i < n; i++) {
    double v = t[i];
    if (isnan(v)) continue;
    if (v < 0 || isinf(v) || (positive && v == 0)) return i;
  }
  return n;
}


void orr_checktime (lua_State *L, const char *fn, const char *what,
                    const double *t, size_t n, int positive) {
  size_t i = orr_badtime(t, n, positive);
  char num[32];   /* lua_pushfstring has no %g */
  if (i == n) return;
  if (isinf(t[i]))
    orr_error(L, fn, "'%s' element %d is infinite", what, (int)i + 1);
  snprintf(num, sizeof num, "%.15g", t[i]);
  orr_error(L, fn, "'%s' element %d is %s: times must be %s", what, (int)i + 1,
            num, positive ? "positive (the parametric families take log t)"
                          : ">= 0 (as R's Surv)");
}


int orr_mask (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  int top = lua_gettop(L), a;
  size_t n = 0, i, k, kept = 0;
  int have = 0;
  unsigned char *drop;
  omat *keep, *rows;
  for (a = 2; a <= top; a++) {  /* the row count, checked for every column */
    omat *m;
    if (lua_isnil(L, a)) continue;
    luaL_checktype(L, a, LUA_TTABLE);
    if (lua_rawgeti(L, a, 2) == LUA_TNIL) { lua_pop(L, 1); continue; }
    lua_rawgeti(L, a, 1);
    m = omat_check(L, -2, fn, luaL_optstring(L, -1, "data"));
    if (!have) { n = m->r; have = 1; }
    else if (m->r != n)
      orr_error(L, fn, "'%s' has %d rows but the data have %d", lua_tostring(L, -1),
                (int)m->r, (int)n);
    lua_pop(L, 2);
  }
  drop = (unsigned char *)orr_workbytes(L, n + 1);
  memset(drop, 0, n + 1);
  for (a = 2; a <= top; a++) {
    omat *m;
    size_t col;
    if (lua_isnil(L, a)) continue;
    if (lua_rawgeti(L, a, 2) == LUA_TNIL) { lua_pop(L, 1); continue; }
    m = omat_test(L, -1);
    k = orr_rowmask(m->x, m->r, m->c, m->r, drop, &col);
    if (k < n) {
      lua_rawgeti(L, a, 1);
      orr_error(L, fn, "'%s' has an infinite value in row %d",
                luaL_optstring(L, -1, "data"), (int)k + 1);
    }
    lua_pop(L, 1);
  }
  keep = omat_new(L, n, 1);
  for (i = 0; i < n; i++) { keep->x[i] = !drop[i]; kept += !drop[i]; }
  rows = omat_new(L, kept, 1);
  for (i = 0, k = 0; i < n; i++)
    if (!drop[i]) rows->x[k++] = (double)(i + 1);
  lua_pushinteger(L, (lua_Integer)(n - kept));
  return 3;
}


int orr_status (lua_State *L) {
  const char *fn = luaL_optstring(L, 2, "surv");
  size_t n, i;
  omat *out;
  if (lua_type(L, 1) == LUA_TTABLE && omat_test(L, 1) == NULL &&
      lua_rawlen(L, 1) > 0 && lua_rawgeti(L, 1, 1) == LUA_TBOOLEAN) {
    lua_pop(L, 1);
    n = (size_t)lua_rawlen(L, 1);
    out = omat_new(L, n, 1);
    for (i = 0; i < n; i++) {
      if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TBOOLEAN)
        orr_error(L, fn, "'status' element %d is %s, expected a boolean like the others",
                  (int)i + 1, luaL_typename(L, -1));
      out->x[i] = lua_toboolean(L, -1) ? 1.0 : 0.0;
      lua_pop(L, 1);
    }
    return 1;
  }
  else {
    omat *v;
    double mx = -HUGE_VAL;
    int two;
    if (lua_type(L, 1) == LUA_TTABLE && omat_test(L, 1) == NULL) lua_settop(L, 2);
    v = omat_vecarg(L, 1, fn, "status", &n);
    for (i = 0; i < n; i++)
      if (!isnan(v->x[i]) && v->x[i] > mx) mx = v->x[i];
    two = (mx == 2);
    out = omat_new(L, n, 1);
    for (i = 0; i < n; i++) {
      double s = v->x[i];
      if (isnan(s)) { out->x[i] = NAN; continue; }
      if (two) s -= 1;
      if (s != 0 && s != 1)
        orr_error(L, fn, "'status' element %d is %f: codes must be 0/1 (1 = event), "
                  "1/2 (2 = event) or booleans", (int)i + 1, v->x[i]);
      out->x[i] = s;
    }
    return 1;
  }
}
