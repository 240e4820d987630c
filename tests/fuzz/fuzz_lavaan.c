/*
** libFuzzer target for the lavaan model syntax (stdlib/sem/syntax.lua) and
** what sem.fit does with it (the parameter table, the fit, the printout).
**
** Each input (at most 4 KB) is a model string, fitted to a fixed frame of
** six observed variables (x1..x6, from a seeded stream) and a factor g,
** with maxiter 30, then printed. The oracle: no crash, no sanitizer report,
** no hang (an instruction budget per input), and every Lua error is a
** clean message from sem ("sem.fit: ...") or "not enough memory"; an
** internal error such as "attempt to index a nil value" aborts.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "orrery.h"

#define MAXINPUT 4096
#define BUDGET   200000000L   /* VM instructions per input */
#define HOOKSTEP 10000

static lua_State *L;
static long spent;

/* Coverage of the Lua code, as fuzz_formula: (previous line, line) pairs. */
#define NCOUNTERS (1 << 14)
__attribute__((section("__libfuzzer_extra_counters")))
static uint8_t counters[NCOUNTERS];
static unsigned prevline;

static const char setup[] =
  "local sem = require 'orrery.sem'\n"
  "local data = require 'orrery.data'\n"
  "local rng = require 'orrery.rng'\n"
  "local r = rng.new(7)\n"
  "local n = 60\n"
  "local f, e = r:normal(n), {}\n"
  "local cols = {}\n"
  "for j = 1, 6 do cols['x' .. j] = f * (0.5 + j / 6) + r:normal(n) end\n"
  "local g = {}\n"
  "for i = 1, n do g[i] = i % 3 == 0 and 'a' or 'b' end\n"
  "cols.g = g\n"
  "local df = data.frame(cols)\n"
  "return function (s)\n"
  "  local fit = sem.fit(s, df, {maxiter = 30})\n"
  "  local _ = tostring(fit)\n"
  "end\n";

static void hook (lua_State *l, lua_Debug *ar) {
  (void)l;
  if (ar->event == LUA_HOOKLINE) {
    unsigned line = (unsigned)ar->currentline;
    unsigned k = (prevline * 7919u + line) & (NCOUNTERS - 1);
    if (counters[k] < 255) counters[k]++;
    prevline = line;
    return;
  }
  spent += HOOKSTEP;
  if (spent > BUDGET) {
    fprintf(stderr, "fuzz_lavaan: an input took more than %ld instructions\n", BUDGET);
    abort();
  }
}

static void init (void) {
  orrery_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.memory_limit = (size_t)512 << 20;
  cfg.sandbox = 1;
  L = orrery_new(&cfg);
  if (L == NULL || luaL_loadstring(L, setup) != LUA_OK
      || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    fprintf(stderr, "fuzz_lavaan: setup failed: %s\n",
            L ? lua_tostring(L, -1) : "no state");
    abort();
  }
  lua_setfield(L, LUA_REGISTRYINDEX, "fuzz_lavaan");
  lua_sethook(L, hook, LUA_MASKCOUNT | LUA_MASKLINE, HOOKSTEP);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  int top;
  if (size > MAXINPUT) return 0;
  if (L == NULL) init();
  top = lua_gettop(L);
  spent = 0;
  prevline = 0;
  lua_getfield(L, LUA_REGISTRYINDEX, "fuzz_lavaan");
  lua_pushlstring(L, (const char *)data, size);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL || !(strncmp(msg, "sem.fit: ", 9) == 0
                         || strstr(msg, "not enough memory") != NULL)) {
      fprintf(stderr, "fuzz_lavaan: unexpected error: %s\n", msg ? msg : "(not a string)");
      abort();
    }
  }
  lua_settop(L, top);
  lua_gc(L, LUA_GCSTEP, 0);
  return 0;
}
