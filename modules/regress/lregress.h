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
/* Raises "fn: message" for a kernel's regress_status (REG_EINTR clears the
   interrupt flag, as orr_interrupterror). */
int lregress_fail (lua_State *L, const char *fn, int status);
void lregress_sketch_open (lua_State *L);
void lregress_ipcw_open (lua_State *L);

#endif
