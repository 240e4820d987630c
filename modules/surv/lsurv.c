/*
** surv: the binding of the survival kernels (Kaplan-Meier, Nelson-Aalen,
** log-rank, Cox).  Argument checks and userdata only; the numerics live in
** km.c, logrank.c and cox.c.  The friendly layer (option tables, formulas,
** printing, groups) is stdlib/surv.lua, which calls the functions here whose
** names start with '_'.
*/
#include <math.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "omat.h"


/* ---------------------------------------------------------------------- */
/* status coding                                                           */
/* ---------------------------------------------------------------------- */

/*
** _status(v, fn) -> n x 1 mat of 0/1 (NaN = missing).  v is a mat, an array
** of numbers or an array of booleans.  Numbers follow R's Surv(): when the
** largest non-missing code is 2 the coding is 1/2 (1 = censored), otherwise
** 0/1; any other value is an error naming fn.
*/
static int s_status (lua_State *L) {
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


static const luaL_Reg surv_funcs[] = {
  {"_status_c", s_status},
  {NULL, NULL}
};

static const orr_doc surv_docs[] = {
  {NULL, NULL}
};


int luaopen_orrery_surv (lua_State *L) {
  /* results are matrices: their metatable must exist before the first one */
  lua_getglobal(L, "require");
  lua_pushliteral(L, "orrery.mat");
  lua_call(L, 1, 0);
  orr_newlib(L, "surv", surv_funcs, surv_docs);
  return 1;
}
