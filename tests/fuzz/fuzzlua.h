/*
** The harness the Lua-level targets share (fuzz_formula, fuzz_lavaan): a
** sandboxed state with a memory cap runs 'setup', which returns the
** function each input (at most FUZZLUA_MAXINPUT bytes) is passed to. The
** oracle: no crash, no sanitizer report, no hang (FUZZLUA_BUDGET VM
** instructions per input), and every Lua error starts with 'prefix' or is
** "not enough memory"; an internal error ("attempt to index a nil value")
** aborts. libFuzzer sees the C of the VM only, so a line hook counts
** (previous line, line) pairs of the Lua code in its extra counters.
** Included by one target each: its statics are that program's.
*/
#ifndef fuzzlua_h
#define fuzzlua_h

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "orrery.h"

#define FUZZLUA_MAXINPUT 4096
#define FUZZLUA_BUDGET   200000000L   /* VM instructions per input */
#define FUZZLUA_HOOKSTEP 10000

static lua_State *fuzzlua_L;
static long fuzzlua_spent;
static const char *fuzzlua_name;

#define FUZZLUA_NCOUNTERS (1 << 14)
__attribute__((section("__libfuzzer_extra_counters")))
static uint8_t fuzzlua_counters[FUZZLUA_NCOUNTERS];
static unsigned fuzzlua_prevline;

static void fuzzlua_hook (lua_State *l, lua_Debug *ar) {
  (void)l;
  if (ar->event == LUA_HOOKLINE) {
    unsigned line = (unsigned)ar->currentline;
    unsigned k = (fuzzlua_prevline * 7919u + line) & (FUZZLUA_NCOUNTERS - 1);
    if (fuzzlua_counters[k] < 255) fuzzlua_counters[k]++;
    fuzzlua_prevline = line;
    return;
  }
  fuzzlua_spent += FUZZLUA_HOOKSTEP;
  if (fuzzlua_spent > FUZZLUA_BUDGET) {
    fprintf(stderr, "%s: an input took more than %ld instructions\n", fuzzlua_name,
            FUZZLUA_BUDGET);
    abort();
  }
}

static void fuzzlua_init (const char *name, const char *setup) {
  orrery_config cfg;
  lua_State *L;
  memset(&cfg, 0, sizeof cfg);
  cfg.memory_limit = (size_t)512 << 20;
  cfg.sandbox = 1;
  fuzzlua_name = name;
  L = orrery_new(&cfg);
  if (L == NULL || luaL_loadstring(L, setup) != LUA_OK
      || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    fprintf(stderr, "%s: setup failed: %s\n", name, L ? lua_tostring(L, -1) : "no state");
    abort();
  }
  lua_setfield(L, LUA_REGISTRYINDEX, "fuzzlua");
  lua_sethook(L, fuzzlua_hook, LUA_MASKCOUNT | LUA_MASKLINE, FUZZLUA_HOOKSTEP);
  fuzzlua_L = L;
}

/* One input: the setup's function called with it, under the oracle. */
static int fuzzlua_run (const char *name, const char *setup, const char *prefix,
                        const uint8_t *data, size_t size) {
  lua_State *L;
  int top;
  if (size > FUZZLUA_MAXINPUT) return 0;
  if (fuzzlua_L == NULL) fuzzlua_init(name, setup);
  L = fuzzlua_L;
  top = lua_gettop(L);
  fuzzlua_spent = 0;
  fuzzlua_prevline = 0;
  lua_getfield(L, LUA_REGISTRYINDEX, "fuzzlua");
  lua_pushlstring(L, (const char *)data, size);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL || !(strncmp(msg, prefix, strlen(prefix)) == 0
                         || strstr(msg, "not enough memory") != NULL)) {
      fprintf(stderr, "%s: unexpected error: %s\n", name, msg ? msg : "(not a string)");
      abort();
    }
  }
  lua_settop(L, top);
  lua_gc(L, LUA_GCSTEP, 0);
  return 0;
}

#endif
