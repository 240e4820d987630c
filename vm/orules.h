/*
** Rules about data that several modules share, written once: the coding of
** a survival status. Lua-facing, like oaux.h: no numerics.
*/
#ifndef orules_h
#define orules_h

#include "lua.h"

/*
** orr_status(v [, fn]) -> n x 1 mat of 0/1 (NaN = missing), as a
** lua_CFunction: v is a mat, an array of numbers or an array of booleans
** (true = event). Numbers follow R's Surv(): when the largest non-missing
** code is 2 the coding is 1/2 (1 = censored), otherwise 0/1; any other value
** is an error naming fn.
*/
int orr_status (lua_State *L);

#endif
