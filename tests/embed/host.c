/*
** A host program that embeds Orrery: an ordinary run, the memory cap, the
** instruction budget and the sandbox. Built against liborrery.a by make test.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "orrery.h"
#include "mat/omat.h"
#include "ctest.h"


/* Runs code; returns NULL on success or the error message (static copy). */
static const char *run (lua_State *L, const char *code) {
  static char msg[512];
  if (luaL_dostring(L, code) == LUA_OK) return NULL;
  snprintf(msg, sizeof msg, "%s", lua_tostring(L, -1));
  lua_pop(L, 1);
  return msg;
}


static int contains (const char *s, const char *part) {
  return s != NULL && strstr(s, part) != NULL;
}


int main (void) {
  lua_State *L;
  const char *err;
  orrery_config cfg;

  /* a state the host owns, with orrery_openlibs */
  L = luaL_newstate();
  luaL_openlibs(L);
  CHECK(orrery_openlibs(L) == 0);
  err = run(L, "assert(mat.eye(3):det() == 1); x = (mat.eye(2) * 3):get(2, 2)");
  CHECK(err == NULL);
  lua_getglobal(L, "x");
  CHECK(lua_tonumber(L, -1) == 3);
  lua_pop(L, 1);
  CHECK(run(L, "assert(require('orrery.mat') == mat)") == NULL);
  lua_close(L);

  /* the C API: a matrix made before anything loaded mat still gets its metatable */
  L = luaL_newstate();
  luaL_openlibs(L);
  orrery_openlibs(L);
  omat_new(L, 2, 3);
  lua_setglobal(L, "early");
  CHECK(run(L, "assert(early:rows() == 2 and early:cols() == 3 and tostring(early):find('[2,]', 1, true))") == NULL);
  lua_close(L);

  /* memory cap: a large matrix fails, the host and the state live on */
  memset(&cfg, 0, sizeof cfg);
  cfg.memory_limit = 8u << 20;
  L = orrery_new(&cfg);
  CHECK(L != NULL);
  err = run(L, "local m = mat.zeros(2000, 2000)");  /* 32 MB */
  CHECK(contains(err, "not enough memory"));
  err = run(L, "local t = {} for i = 1, 1e7 do t[i] = i end");
  CHECK(contains(err, "not enough memory"));
  CHECK(run(L, "y = mat.eye(10):det()") == NULL);
  orrery_close(L);

  /* instruction budget */
  memset(&cfg, 0, sizeof cfg);
  cfg.instruction_limit = 1000000;
  L = orrery_new(&cfg);
  err = run(L, "while true do end");
  CHECK(contains(err, "instruction budget"));
  orrery_close(L);
  L = orrery_new(&cfg);
  CHECK(run(L, "local s = 0 for i = 1, 1000 do s = s + i end assert(s == 500500)") == NULL);
  orrery_close(L);

  /* sandbox */
  memset(&cfg, 0, sizeof cfg);
  cfg.sandbox = 1;
  L = orrery_new(&cfg);
  CHECK(run(L, "assert(io == nil and os.execute == nil and os.remove == nil)") == NULL);
  CHECK(run(L, "assert(os.rename == nil and os.exit == nil and os.getenv == nil)") == NULL);
  CHECK(run(L, "assert(package.loadlib == nil and loadfile == nil and dofile == nil)") == NULL);
  CHECK(contains(run(L, "require 'socket'"), "not found"));
  CHECK(contains(run(L, "assert(load(string.dump(function() end)))"),
                 "attempt to load a binary chunk"));
  CHECK(run(L, "assert(load('return 1')() == 1)") == NULL);
  CHECK(run(L, "assert(mat.eye(2):det() == 1); assert(os.time() > 0)") == NULL);
  CHECK(contains(run(L, "data.read_csv('/etc/passwd')"), "disabled in this sandbox"));
  CHECK(contains(run(L, "data.write_csv(data.frame{a = {1, 2}}, '/tmp/orrery-sandbox.csv')"),
                 "disabled in this sandbox"));
  orrery_close(L);

  /* sandbox with a directory the host allows */
  {
    char dir[] = "/tmp/orrery-embed-XXXXXX", code[512];
    memset(&cfg, 0, sizeof cfg);
    cfg.sandbox = 1;
    CHECK(mkdtemp(dir) != NULL);
    cfg.allowed_dir = dir;
    L = orrery_new(&cfg);
    snprintf(code, sizeof code,
             "data.write_csv(data.frame{a = {1, 2}}, '%s/x.csv');"
             "assert(data.read_csv('%s/x.csv').a[2] == 2)", dir, dir);
    err = run(L, code);
    CHECK(err == NULL);
    if (err) fprintf(stderr, "allowed dir: %s\n", err);
    snprintf(code, sizeof code, "data.read_csv('%s/../x.csv')", dir);
    CHECK(contains(run(L, code), "disabled in this sandbox"));
    CHECK(contains(run(L, "data.read_csv('/etc/passwd')"), "disabled in this sandbox"));
    orrery_close(L);
    snprintf(code, sizeof code, "%s/x.csv", dir);
    remove(code);
    rmdir(dir);
  }

  /* a C kernel polls the interrupt flag; it stays up until the host
     lowers it, so every computation (in any thread) stops */
  L = orrery_new(NULL);
  CHECK(run(L, "y, x = rng.new(1):normal(100), rng.new(2):normal(100)") == NULL);
  orrery_interrupt();
  CHECK(contains(run(L, "regress.sketch{ y = y, x = x, m = 50, kind = 'countsketch' }"),
                 "regress.sketch: interrupted"));
  CHECK(contains(run(L, "rng.new(3):normal(10)"), "rng:normal: interrupted"));
  orrery_clear_interrupt(L);
  CHECK(run(L, "regress.sketch{ y = y, x = x, m = 50, kind = 'countsketch' }") == NULL);
  orrery_close(L);

  return CTEST_DONE();
}
