/*
** The C half of help: hands the documentation registry to stdlib/help.lua,
** which cannot reach the registry itself once a sandbox removes debug.
*/
#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"


int luaopen_orrery_help (lua_State *L) {
  lua_newtable(L);
  orr_pushdocs(L);
  lua_setfield(L, -2, "docs");
  return 1;
}
