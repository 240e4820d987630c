/*
** Auxiliary functions for the bindings (see oaux.h).
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "oaux.h"
#include "oworker.h"

atomic_int orr_interrupted = 0;  /* see ointr.h */


int orr_error (lua_State *L, const char *fn, const char *fmt, ...) {
  va_list ap;
  luaL_Buffer b;
  va_start(ap, fmt);
  luaL_buffinit(L, &b);
  luaL_addstring(&b, fn);
  luaL_addstring(&b, ": ");
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  luaL_addvalue(&b);
  luaL_pushresult(&b);
  return lua_error(L);
}


/* {docs = registry table} ; weak keys so documented functions can be freed */
void orr_pushdocs (lua_State *L) {
  if (luaL_getsubtable(L, LUA_REGISTRYINDEX, ORR_DOCS) == 0) {
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
  }
}


void orr_setdocs (lua_State *L, int idx, const char *prefix,
                  const orr_doc *docs) {
  idx = lua_absindex(L, idx);
  orr_pushdocs(L);
  for (; docs && docs->name; docs++) {
    lua_pushfstring(L, "%s%s", prefix, docs->name);
    lua_pushstring(L, docs->text);
    lua_rawset(L, -3);
    if (lua_getfield(L, idx, docs->name) != LUA_TNIL) {
      lua_pushstring(L, docs->text);
      lua_rawset(L, -3);
    }
    else lua_pop(L, 1);
  }
  lua_pop(L, 1);
}


void orr_newlib (lua_State *L, const char *modname, const luaL_Reg *funcs,
                 const orr_doc *docs) {
  lua_newtable(L);
  luaL_setfuncs(L, funcs, 0);
  lua_pushfstring(L, "%s.", modname);
  orr_setdocs(L, -2, lua_tostring(L, -1), docs);
  lua_pop(L, 1);
}


void orr_checkopts (lua_State *L, int idx, const char *fn,
                    const char *const allowed[]) {
  idx = lua_absindex(L, idx);
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *const *a;
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      if (lua_type(L, -1) == LUA_TNUMBER)
        orr_error(L, fn, "expected named options, got positional value %d",
                  (int)lua_tointeger(L, -1));
      orr_error(L, fn, "option names must be strings");
    }
    for (a = allowed; *a; a++)
      if (strcmp(*a, lua_tostring(L, -1)) == 0) break;
    if (*a == NULL)
      orr_error(L, fn, "unknown option '%s'", lua_tostring(L, -1));
  }
}


static int getopt (lua_State *L, int idx, const char *key) {
  if (idx == 0 || lua_isnoneornil(L, idx)) { lua_pushnil(L); return LUA_TNIL; }
  return lua_getfield(L, idx, key);
}


lua_Number orr_optnumber (lua_State *L, int idx, const char *key,
                          lua_Number def, const char *fn) {
  lua_Number v = def;
  int t = getopt(L, idx, key);
  if (t == LUA_TNUMBER) v = lua_tonumber(L, -1);
  else if (t != LUA_TNIL)
    orr_error(L, fn, "option '%s' must be a number, got %s", key,
              luaL_typename(L, -1));
  lua_pop(L, 1);
  return v;
}


lua_Integer orr_optinteger (lua_State *L, int idx, const char *key,
                            lua_Integer def, const char *fn) {
  lua_Integer v = def;
  int t = getopt(L, idx, key);
  if (t != LUA_TNIL) {
    int isint;
    v = lua_tointegerx(L, -1, &isint);
    if (!isint)
      orr_error(L, fn, "option '%s' must be an integer", key);
  }
  lua_pop(L, 1);
  return v;
}


int orr_optboolean (lua_State *L, int idx, const char *key, int def,
                    const char *fn) {
  int v = def;
  int t = getopt(L, idx, key);
  if (t == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
  else if (t != LUA_TNIL)
    orr_error(L, fn, "option '%s' must be a boolean, got %s", key,
              luaL_typename(L, -1));
  lua_pop(L, 1);
  return v;
}


int orr_optoption (lua_State *L, int idx, const char *key, const char *def,
                   const char *const list[], const char *fn) {
  const char *s = def;
  int i, t = getopt(L, idx, key);
  if (t == LUA_TSTRING) s = lua_tostring(L, -1);
  else if (t != LUA_TNIL)
    orr_error(L, fn, "option '%s' must be a string, got %s", key,
              luaL_typename(L, -1));
  for (i = 0; list[i]; i++)
    if (strcmp(list[i], s) == 0) { lua_pop(L, 1); return i; }
  return orr_error(L, fn, "invalid value '%s' for option '%s'", s, key);
}


void *orr_workbytes (lua_State *L, size_t nbytes) {
  void *p = lua_newuserdatauv(L, nbytes ? nbytes : 1, 0);
  return p;
}


double *orr_work (lua_State *L, size_t n) {
  if (n > ((size_t)-1) / sizeof(double))
    luaL_error(L, "not enough memory");
  return (double *)orr_workbytes(L, n * sizeof(double));
}


int orr_interrupterror (lua_State *L, const char *fn) {
  /* L observed its interrupt: its share of the flag comes down; other
     states' shares stay up for their kernels (ointr.h) */
  orr_state_observed(L);
  return orr_error(L, fn, "interrupted");
}



const char *orr_checkpath (lua_State *L, const char *path, const char *fn) {
  size_t len;
  const char *dir;
  if (lua_getfield(L, LUA_REGISTRYINDEX, ORR_SANDBOX) == LUA_TNIL) {
    lua_pop(L, 1);
    return path;  /* no sandbox */
  }
  dir = lua_tolstring(L, -1, &len);
  /* allowed only inside the host's directory, and never climbing out of it */
  if (len > 0 && strncmp(path, dir, len) == 0 &&
      (path[len] == '/' || dir[len - 1] == '/') &&
      strstr(path + len, "..") == NULL) {
    lua_pop(L, 1);
    return path;
  }
  lua_pop(L, 1);
  orr_error(L, fn, "file access to '%s' is disabled in this sandbox", path);
  return NULL;
}


void orr_require (lua_State *L, const char *ns) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, ORR_REQUIRE) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    lua_getglobal(L, "require");
  }
  lua_pushfstring(L, "orrery.%s", ns);
  lua_call(L, 1, 1);
}
