/*
** data.read_csv under orrery_new's memory cap: the parse allocates through
** Lua's allocator, so a file or a parse too large for the cap is a clean
** "not enough memory" error, the state stays usable and the memory comes
** back (ASan's leak checker watches the rest).
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"

#include "ctest.h"
#include "orrery.h"

/* runs code; returns NULL on success or the error message */
static const char *run (lua_State *L, const char *code) {
  static char msg[256];
  if (luaL_dostring(L, code) == LUA_OK) { lua_settop(L, 0); return NULL; }
  snprintf(msg, sizeof msg, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
  lua_settop(L, 0);
  return msg;
}

int main (void) {
  orrery_config cfg;
  lua_State *L;
  const char *err;
  char code[768], path[64];
  FILE *f;
  long i;
  memset(&cfg, 0, sizeof cfg);
  cfg.memory_limit = (size_t)24 << 20;
  L = orrery_new(&cfg);
  CHECK(L != NULL);
  if (L == NULL) return CTEST_DONE();

  /* 8 MB of text (twice: the concatenation) and 4M numbers, parsed into
     32 MB of mats -- more than 24 MB in all */
  err = run(L, "require 'orrery.data'\n"
               "big = string.rep('1,2,3,4\\n', 1000000)\n"
               "local ok, e = pcall(debug.getregistry()['orrery.private'].data.parse_string, 'a,b,c,d\\n' .. big)\n"
               "assert(not ok); error(e, 0)");
  CHECK(err != NULL && strstr(err, "not enough memory") != NULL);
  if (err) printf("capped parse: %s\n", err);
  /* still usable, and the memory is back after a collection */
  CHECK(run(L, "big = nil; collectgarbage(); collectgarbage()\n"
               "assert(collectgarbage('count') < 4096, collectgarbage('count'))\n"
               "local df = debug.getregistry()['orrery.private'].data.parse_string('a,b\\n1,x\\n2,y\\n')\n"
               "assert(df:nrow() == 2 and df.b[2] == 'y')") == NULL);

  /* a file larger than the cap: refused while reading it */
  snprintf(path, sizeof path, "/tmp/orrery-data-limits-%ld.csv", (long)getpid());
  f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    fputs("x\n", f);
    for (i = 0; i < 4000000; i++) fputs("123456\n", f);  /* 28 MB */
    fclose(f);
    snprintf(code, sizeof code, "data.read_csv('%s')", path);
    err = run(L, code);
    CHECK(err != NULL && strstr(err, "data.read_csv: not enough memory") != NULL);
    if (err) printf("capped file: %s\n", err);
    remove(path);
  }
  CHECK(run(L, "collectgarbage(); assert(collectgarbage('count') < 4096)") == NULL);

  /* the frame costs its own size: 300000 x 5 numbers (12 MB of columns)
     from a 14 MB file, parsed on two threads into place, fit under the cap
     with room to spare (the file is mapped, not read into Lua's memory) */
  f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    fputs("a,b,c,d,e\n", f);
    for (i = 0; i < 300000; i++) fprintf(f, "%ld,1.5,-2,%ld.25,7\n", i, i % 1000);
    fclose(f);
    snprintf(code, sizeof code,
             "local df = data.read_csv('%s', {threads = 2})\n"
             "assert(df:nrow() == 300000 and df.a[300000] == 299999 and df.d[7] == 6.25)\n"
             "assert(collectgarbage('count') < 1.5 * 12 * 1024 + 4096, collectgarbage('count'))",
             path);
    err = run(L, code);
    if (err) printf("frame under the cap: %s\n", err);
    CHECK(err == NULL);
    remove(path);
  }
  orrery_close(L);
  return CTEST_DONE();
}
