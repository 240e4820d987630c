/*
** The C half of regress.ipcw: the censoring weights. The weighted least
** squares is regress.ols's (stdlib/ipcw.lua).
*/
#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "regress/lregress.h"
#include "mat/omat.h"
#include "regress/ipcw.h"


/* _weights(time, status) -> w; status already coded 0/1 */
static int ipcw_weights_l (lua_State *L) {
  size_t n, ns;
  omat *t = omat_vecarg(L, 1, "regress.ipcw", "time", &n);
  omat *s = omat_vecarg(L, 2, "regress.ipcw", "status", &ns);
  omat *w;
  if (ns != n) orr_error(L, "regress.ipcw", "time has %d values but status has %d", (int)n, (int)ns);
  w = omat_new(L, n, 1);
  ipcw_weights(t->x, s->x, n, w->x, orr_workbytes(L, ipcw_worksize(n)));
  lua_pop(L, 1);
  return 1;
}


static const luaL_Reg ipcw_funcs[] = {
  {"_weights", ipcw_weights_l},
  {NULL, NULL}
};


/* Adds this part's functions to the module table on the top of the stack. */
void lregress_ipcw_open (lua_State *L) {
  luaL_setfuncs(L, ipcw_funcs, 0);
}
