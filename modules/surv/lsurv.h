/*
** The parts of the surv binding. lsurv.c opens the module (km, logrank,
** cox) and calls each part's opener, which adds its functions to the table
** on the top of the stack: the parametric fit (lsurv_fit.c).
*/
#ifndef lsurv_h
#define lsurv_h

#include "lua.h"

void lsurv_fit_open (lua_State *L);
void lsurv_cox_open (lua_State *L);   /* lsurv_cox.c: Cox survival curves */

#endif
