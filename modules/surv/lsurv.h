/*
** The parts of the surv binding. lsurv.c opens the module (km, logrank,
** cox) and calls each part's opener, which adds its functions to the table
** on the top of the stack: the parametric fit (lsurv_fit.c).
*/
#ifndef lsurv_h
#define lsurv_h

#include "lua.h"

void lsurv_fit_open (lua_State *L);

#endif
