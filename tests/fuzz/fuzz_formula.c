/*
** libFuzzer harness for the formula parser (stdlib/formula.lua).
**
** Each input (at most 4 KB) is a formula string: formula.parse, then
** formula.model_frame on a small fixed frame and formula.design on the same
** frame, all under lua_pcall. The oracle: no crash, no sanitizer report, no
** hang (an instruction budget per input), and every Lua error is a clean
** message from the formula module ("formula.<fn>: ...") or "not enough
** memory" -- an internal error such as "attempt to index a nil value" aborts.
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

/* Coverage of the Lua code: libFuzzer sees the C of the VM only, so a line
   hook counts (previous line, line) pairs in libFuzzer's extra counters. */
#define NCOUNTERS (1 << 14)
__attribute__((section("__libfuzzer_extra_counters")))
static uint8_t counters[NCOUNTERS];
static unsigned prevline;

/* The frame: numbers with a missing value, text with a missing level, 0/1. */
static const char setup[] =
  "local F = require 'orrery.formula'\n"
  "local data = require 'orrery.data'\n"
  "local N = 0/0\n"
  "local df = data.frame({\n"
  "  y = {1.5, 2, 3.25, 4, 5.5, 6, 7.75, 8},\n"
  "  x = {0.5, 1, N, 2, 2.5, 3, 3.5, 4},\n"
  "  t = {5, 6, 7, 8, 9, 10, 11, 12},\n"
  "  s = {1, 0, 1, 1, 0, 1, 0, 1},\n"
  "  g = {'b', 'a', 'b', 'c', 'a', false, 'c', 'a'},\n"
  "  h = {'u', 'v', 'u', 'v', 'u', 'v', 'u', 'v'},\n"
  "  k = {4, 6, 8, 4, 6, 8, 4, 6},\n"
  "}, {names = {'y', 'x', 't', 's', 'g', 'h', 'k'}})\n"
  "return function (s)\n"
  "  local f = F.parse(s)\n"
  "  local mf = F.model_frame(f, df, {extra = {'s'}})\n"
  "  F.design(mf, df)\n"
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
    fprintf(stderr, "fuzz_formula: an input took more than %ld instructions\n", BUDGET);
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
    fprintf(stderr, "fuzz_formula: setup failed: %s\n",
            L ? lua_tostring(L, -1) : "no state");
    abort();
  }
  lua_setfield(L, LUA_REGISTRYINDEX, "fuzz_formula");
  lua_sethook(L, hook, LUA_MASKCOUNT | LUA_MASKLINE, HOOKSTEP);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  int top;
  if (size > MAXINPUT) return 0;
  if (L == NULL) init();
  top = lua_gettop(L);
  spent = 0;
  prevline = 0;
  lua_getfield(L, LUA_REGISTRYINDEX, "fuzz_formula");
  lua_pushlstring(L, (const char *)data, size);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL || !(strncmp(msg, "formula.", 8) == 0
                         || strstr(msg, "not enough memory") != NULL)) {
      fprintf(stderr, "fuzz_formula: unexpected error: %s\n", msg ? msg : "(not a string)");
      abort();
    }
  }
  lua_settop(L, top);
  lua_gc(L, LUA_GCSTEP, 0);
  return 0;
}
