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
#include "fuzzlua.h"

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

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  return fuzzlua_run("fuzz_lavaan", setup, "sem.fit: ", data, size);
}
