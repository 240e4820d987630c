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
#include "fuzzlua.h"

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

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  return fuzzlua_run("fuzz_formula", setup, "formula.", data, size);
}
