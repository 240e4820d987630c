/*
** The C half of the 'args' namespace (stdlib/args.lua): the shared data
** rules of vm/orules.h for the Lua halves of every module. All private.
*/
#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "orules.h"
#include "mat/omat.h"


/*
** _checktime(fn, time, positive) -> nothing: the survival time rule of
** orules.h for a Lua half (surv.fit and regress.ipcw).
*/
static int a_checktime (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  size_t n;
  omat *t = omat_vecarg(L, 2, fn, "time", &n);
  orr_checktime(L, fn, "time", t->x, n, lua_toboolean(L, 3));
  return 0;
}


static const luaL_Reg args_funcs[] = {
  {"_mask", orr_mask}, {"_status", orr_status}, {"_checktime", a_checktime},
  {NULL, NULL}
};


int luaopen_orrery_args (lua_State *L) {
  /* results are matrices: their metatable must exist before the first one */
  orr_require(L, "mat");
  lua_pop(L, 1);
  luaL_newlib(L, args_funcs);
  return 1;
}
