/*
** The C half of the 'args' namespace (stdlib/args.lua): the shared data
** rules of vm/orules.h for the Lua halves of every module. All private.
*/
#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "orules.h"


static const luaL_Reg args_funcs[] = {
  {"_mask", orr_mask}, {"_status", orr_status},
  {NULL, NULL}
};


int luaopen_orrery_args (lua_State *L) {
  /* results are matrices: their metatable must exist before the first one */
  lua_getglobal(L, "require");
  lua_pushliteral(L, "orrery.mat");
  lua_call(L, 1, 0);
  luaL_newlib(L, args_funcs);
  return 1;
}
