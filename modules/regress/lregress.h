/*
** The parts of the regress binding. lregress.c opens the module and calls
** each part's opener, which adds its functions to the table on the top of
** the stack: iv/ivl/anchor (lregress_iv.c), sketch (lregress_sketch.c) and
** ipcw (lregress_ipcw.c).
*/
#ifndef lregress_h
#define lregress_h

#include "lua.h"

void lregress_iv_open (lua_State *L);
void lregress_sketch_open (lua_State *L);
void lregress_ipcw_open (lua_State *L);

#endif
