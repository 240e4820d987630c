/*
** The module table, generated at build time by tools/genmodules.sh from the
** binding files (modules/<name>/l<name>.c, which define luaopen_orrery_<name>)
** and the Lua sources of the friendly layer (stdlib/<name>.lua).
** A module may have a C part, a Lua part, or both: the Lua part receives the
** table made by the C part as its first argument and adds to it.
*/
#ifndef omodules_h
#define omodules_h

#include <stddef.h>
#include "lua.h"

typedef struct orr_module {
  const char *name;       /* "mat": loaded as require "orrery.mat" */
  lua_CFunction open;     /* the C part, or NULL */
  const char *src;        /* the Lua part, or NULL */
  size_t srclen;
} orr_module;

extern const orr_module orr_modules[];  /* terminated by a NULL name */

#endif
