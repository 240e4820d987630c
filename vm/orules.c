/*
** Rules about data that several modules share (see orules.h).
*/
#include <math.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "orules.h"
#include "mat/omat.h"


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
