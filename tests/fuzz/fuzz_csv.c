/*
** libFuzzer target for the CSV reader (tests/fuzz/run.sh builds and runs it).
** Arbitrary bytes go (1) straight to the kernel, on one thread and on two or
** three with chunks of a few bytes (so that even tiny inputs are cut, often
** inside quotes): both results are checked for consistency and must be the
** same, bit for bit, or the same error; and (2) through data's private
** parse_string in a sandboxed state with a memory cap, on two threads with
** small chunks, then printed and summarised. Errors are fine; crashes,
** sanitizer reports, leaks, hangs and a difference between the serial and
** the parallel parse are failures.
** The first byte picks the options: separator, header, markers, and the
** threads and chunk size.
*/
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "orrery.h"
#include "data/csv.h"

static void *plain_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud; (void)osize;
  if (nsize == 0) { free(ptr); return NULL; }
  return realloc(ptr, nsize);
}

static const char seps[] = {',', ';', '\t', ' ', '|'};

/* the serial and the parallel parse agree: status, message, or every value */
static void same (const csv_t *A, int sa, const csv_t *B, int sb) {
  size_t i, j;
  if (sa != sb || strcmp(A->msg, B->msg) != 0) {
    fprintf(stderr, "fuzz_csv: serial %d '%s', parallel %d '%s'\n", sa, A->msg, sb, B->msg);
    abort();
  }
  if (sa != CSV_OK) return;
  if (A->ncol != B->ncol || A->nrow != B->nrow) abort();
  for (j = 0; j < A->ncol; j++) {
    const csv_col *a = &A->cols[j], *b = &B->cols[j];
    if (a->text != b->text || a->nlev != b->nlev) abort();
    if (A->nrow && memcmp(a->x, b->x, A->nrow * sizeof(double)) != 0) abort();
    for (i = 0; i < a->nlev; i++)
      if (a->lev[i].len != b->lev[i].len ||
          memcmp(A->arena + a->lev[i].off, B->arena + b->lev[i].off, a->lev[i].len) != 0)
        abort();
  }
}

/* parses, checks the result for consistency; P is the caller's to free */
static int check_kernel (csv_t *P, const char *buf, size_t len,
                         const csv_opts *o) {
  size_t i, j;
  int st;
  csv_init(P, plain_alloc, NULL);
  if ((st = csv_parse(P, buf, len, o)) == CSV_OK) {
    for (j = 0; j < P->ncol; j++) {
      const csv_col *c = &P->cols[j];
      if (!c->text) continue;
      for (i = 0; i < P->nrow; i++)  /* codes are levels or missing */
        if (!isnan(c->x[i]) &&
            !(c->x[i] >= 1 && c->x[i] <= (double)c->nlev && c->x[i] == floor(c->x[i])))
          abort();
      for (i = 1; i < c->nlev; i++) {  /* levels strictly increasing */
        const csv_level *a = &c->lev[i - 1], *b = &c->lev[i];
        size_t m = a->len < b->len ? a->len : b->len;
        int cmp = memcmp(P->arena + a->off, P->arena + b->off, m);
        if (cmp > 0 || (cmp == 0 && a->len >= b->len)) abort();
      }
    }
  }
  return st;
}

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
        "function fuzz_csv (s, opts, minchunk)\n"
        "  local ok, df = pcall(parse_string, s, opts, minchunk)\n"
        "  if not ok then\n"
        "    assert(type(df) == 'string' and df:find('^data%.read_csv: '), df)\n"
        "    return\n"
        "  end\n"
        "  -- the function forms: a column may be named like a method\n"
        "  local n = data.nrow(df)\n"
        "  for _, name in ipairs(data.names(df)) do\n"
        "    local c = df[name]\n"
        "    assert(#c == n)\n"
        "    if data.is_factor(c) and n > 0 then local _ = c[n] end\n"
        "  end\n"
        "  local _ = tostring(df), tostring(data.describe(df)), data.head(df, 3)\n"
        "end\n") != LUA_OK)
      abort();
    /* read_csv on a string is private to data: the sandboxed script has no
       debug library, so the host hands it in */
    lua_getfield(L, LUA_REGISTRYINDEX, "orrery.private");
    lua_getfield(L, -1, "data");
    lua_getfield(L, -1, "parse_string");
    lua_setglobal(L, "parse_string");
    lua_pop(L, 2);
  }
  return L;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  static const char *const na[] = {"", "NA", "-999"};
  static const size_t nalen[] = {0, 2, 4};
  csv_opts o;
  char *buf;
  lua_State *L;
  int top, threads;
  size_t minchunk;
  if (size == 0) return 0;
  memset(&o, 0, sizeof o);
  o.sep = seps[data[0] % sizeof seps];
  o.header = (data[0] >> 3) & 1;
  o.na = na; o.nalen = nalen; o.nna = (data[0] >> 4) % 4;
  threads = 2 + ((data[0] >> 6) & 1);           /* 2 or 3 */
  minchunk = 1 + 5 * (size_t)(data[0] >> 7);    /* 1 or 6 bytes */
  data++; size--;
  buf = (char *)malloc(size + 1);  /* the kernel wants a '\0' sentinel */
  if (buf == NULL) return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  {
    csv_t A, B;
    int sa, sb;
    o.threads = 1;
    sa = check_kernel(&A, buf, size, &o);
    o.threads = threads; o.minchunk = minchunk;
    sb = check_kernel(&B, buf, size, &o);
    same(&A, sa, &B, sb);
    csv_free(&A);
    csv_free(&B);
  }
  free(buf);

  L = state();
  top = lua_gettop(L);
  lua_getglobal(L, "fuzz_csv");
  lua_pushlstring(L, (const char *)data, size);
  lua_createtable(L, 0, 4);
  lua_pushlstring(L, &o.sep, 1); lua_setfield(L, -2, "sep");
  lua_pushboolean(L, o.header); lua_setfield(L, -2, "header");
  lua_pushinteger(L, threads); lua_setfield(L, -2, "threads");
  lua_createtable(L, (int)o.nna, 0);
  {
    size_t i;
    for (i = 0; i < o.nna; i++) {
      lua_pushlstring(L, na[i], nalen[i]);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
  }
  lua_setfield(L, -2, "na");
  lua_pushinteger(L, (lua_Integer)minchunk);
  if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    /* running out of the 256 MB cap is an allowed outcome */
    if (msg == NULL || strstr(msg, "not enough memory") == NULL) {
      fprintf(stderr, "fuzz_csv: %s\n", msg ? msg : "?");
      abort();
    }
  }
  lua_settop(L, top);
  lua_gc(L, LUA_GCSTEP, 0);
  return 0;
}
