/*
** libFuzzer target for read_csv's options: the first four bytes of each
** input pick sep, header, threads, the missing-value markers, 'select' (by
** position or name, with repeats, zero and positions past the end) and
** 'types' (by position or name, with an unknown type now and then); the
** rest is the file, read with data's private parse_string in a sandboxed
** state with a memory cap, then printed and described. The oracle: no
** crash, sanitizer report or hang, and every error is a clean
** "data.read_csv: ..." or "not enough memory".
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "orrery.h"

static const char seps[] = {',', ';', '\t', ' ', '|', 'x'};
static const char *const nas[] = {"", "NA", "-999", "a"};
static const char *const names[] = {"V1", "a", "b", "c", "a.1", ""};
static const char *const types[] = {"text", "number", "text", "bogus"};

static lua_State *state (void) {
  static lua_State *L = NULL;
  if (L == NULL) {
    orrery_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.memory_limit = (size_t)256 << 20;
    cfg.sandbox = 1;
    L = orrery_new(&cfg);
    if (L == NULL) abort();
    if (luaL_dostring(L,
        "local data = require 'orrery.data'\n"
        "function fuzz_csv (s, opts)\n"
        "  local ok, df = pcall(parse_string, s, opts)\n"
        "  if not ok then\n"
        "    assert(type(df) == 'string' and (df:find('^data%.read_csv: ')\n"
        "           or df:find('not enough memory')), df)\n"
        "    return\n"
        "  end\n"
        "  local n = data.nrow(df)\n"
        "  for _, name in ipairs(data.names(df)) do assert(#data.col(df, name) == n) end\n"
        "  local _ = tostring(df), tostring(data.describe(df)), data.head(df, 2)\n"
        "end\n") != LUA_OK)
      abort();
    lua_getfield(L, LUA_REGISTRYINDEX, "orrery.private");
    lua_getfield(L, -1, "data");
    lua_getfield(L, -1, "parse_string");
    lua_setglobal(L, "parse_string");
    lua_pop(L, 2);
  }
  return L;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  lua_State *L;
  int top, i, k;
  uint8_t b0, b1, b2, b3;
  char sep;
  if (size < 4 || size > 8192) return 0;
  b0 = data[0]; b1 = data[1]; b2 = data[2]; b3 = data[3];
  data += 4; size -= 4;
  L = state();
  top = lua_gettop(L);
  lua_getglobal(L, "fuzz_csv");
  lua_pushlstring(L, (const char *)data, size);
  lua_createtable(L, 0, 6);
  sep = seps[b0 % sizeof seps];
  lua_pushlstring(L, &sep, 1); lua_setfield(L, -2, "sep");
  lua_pushboolean(L, (b0 >> 3) & 1); lua_setfield(L, -2, "header");
  lua_pushinteger(L, 1 + ((b0 >> 4) % 3)); lua_setfield(L, -2, "threads");
  if (!(b1 & 0x80)) {                        /* na: a subset of the markers */
    lua_newtable(L);
    for (i = 0, k = 0; i < 4; i++)
      if (b1 & (1 << i)) { lua_pushstring(L, nas[i]); lua_rawseti(L, -2, ++k); }
    lua_setfield(L, -2, "na");
  }
  if (b2 & 3) {                              /* select: positions, names or both */
    int m = 1 + ((b2 >> 2) & 3);
    lua_newtable(L);
    for (i = 0; i < m; i++) {
      int v = (b2 >> (4 + (i & 3))) & 3;
      if ((b2 & 3) == 1 || ((b2 & 3) == 3 && (i & 1)))
        lua_pushinteger(L, v == 3 ? (b2 & 0x40 ? 0 : 99) : v + 1);
      else lua_pushstring(L, names[(v + i) % 6]);
      lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "select");
  }
  if (b3 & 3) {                              /* types: by position or name */
    lua_newtable(L);
    for (i = 0; i < 1 + ((b3 >> 2) & 1); i++) {
      const char *t = types[(b3 >> (3 + 2 * i)) & 3];
      if (b3 & 1) lua_pushinteger(L, i + 1 + ((b3 >> 7) ? 5 : 0));
      else lua_pushstring(L, names[(i + (b3 >> 5)) % 6]);
      lua_pushstring(L, t);
      lua_rawset(L, -3);
    }
    lua_setfield(L, -2, "types");
  }
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "fuzz_csvopts: %s\n", msg ? msg : "?");
    abort();
  }
  lua_settop(L, top);
  lua_gc(L, LUA_GCSTEP, 0);
  return 0;
}
