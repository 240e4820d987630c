/*
** A host program that embeds Orrery: an ordinary run, the memory cap, the
** instruction budget, the sandbox, and the loader in a sandbox (no Lua file
** from disk, whatever the script does). Built against liborrery.a by make
** test.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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


/* ---------------------------------------------------------------------- */
/* the loader in a sandbox                                                 */
/* ---------------------------------------------------------------------- */

/*
** Bait: Lua files where a loader might look for Orrery's modules (as
** package.path, ORRERY_STDLIB_DIR, LUA_PATH or LUA_INIT would name them).
** Each records itself in the global DISK and raises, so a file loaded from
** disk shows in the result and in DISK.
*/
static const char *const bait_dirs[] = {
  "orrery", "orrery/regress", "orrery/surv", NULL
};
static const char *const bait_files[] = {
  "orrery.lua", "orrery/init.lua", "orrery/regress.lua", "orrery/regress/iv.lua",
  "orrery/regress/init.lua", "orrery/stats.lua", "orrery/mat.lua",
  "orrery/args.lua", "orrery/surv.lua", "orrery/surv/fit.lua", "orrery/help.lua",
  "orrery/repl.lua", "probe.lua", NULL
};


static void bait (const char *root, int make) {
  char path[512];
  int i;
  if (make) {
    for (i = 0; bait_dirs[i]; i++) {
      snprintf(path, sizeof path, "%s/%s", root, bait_dirs[i]);
      CHECK(mkdir(path, 0700) == 0);
    }
  }
  for (i = 0; bait_files[i]; i++) {
    snprintf(path, sizeof path, "%s/%s", root, bait_files[i]);
    if (make) {
      FILE *f = fopen(path, "w");
      CHECK(f != NULL);
      if (f == NULL) continue;
      fprintf(f, "DISK = (DISK or '') .. '%s;'\n"
                 "error('loaded from disk: %s')\n", path, path);
      fclose(f);
    }
    else remove(path);
  }
  if (!make) {
    for (i = 0; bait_dirs[i]; i++) ;
    while (i-- > 0) {
      snprintf(path, sizeof path, "%s/%s", root, bait_dirs[i]);
      rmdir(path);
    }
    rmdir(root);
  }
}


/*
** What a script may do to get a file loaded. 'fails' is NULL when the
** script must succeed (the modules come from the program), or a part of
** the error it must raise. D is the directory the host allows (when it
** allows one), E one elsewhere; both hold the bait.
*/
static const struct { const char *code, *fails; } attempts[] = {
  /* package.path and cpath at the bait, in both directories */
  {"package.path = D .. '/?.lua;' .. D .. '/?/init.lua;' .. E .. '/?.lua;./?.lua'\n"
   "package.cpath = D .. '/?.so;' .. E .. '/?.so'\n"
   "assert(require('orrery.regress').ols and require('orrery.regress.iv'))\n"
   "assert(type(regress.iv) == 'function' and stats.mean(mat.vec{1, 3}) == 2)", NULL},
  /* a part required before its namespace */
  {"package.path = E .. '/?.lua'\n"
   "assert(require('orrery.surv.fit')); assert(type(surv.fit) == 'function')", NULL},
  /* require "orrery" is the program's table: neither a file nor orrery.so */
  {"package.path = D .. '/?.lua;' .. D .. '/?/init.lua'; package.cpath = D .. '/?.so'\n"
   "local o = require 'orrery'\n"
   "assert(o.version and type(o.regress.iv) == 'function' and o.stats.mean)", NULL},
  /* a module that is not built in is not looked for on disk */
  {"package.path = D .. '/?.lua;' .. E .. '/?.lua'; require 'probe'", "not found"},
  /* no searchpath to probe paths with; one of the script's own is harmless */
  {"assert(package.searchpath == nil)\n"
   "package.searchpath = function() return D .. '/orrery/stats.lua' end\n"
   "package.path = D .. '/?.lua'\n"
   "table.insert(package.searchers, 1, function(name)\n"
   "  return package.searchpath(name, package.path) end)\n"
   "assert(stats.mean(mat.vec{1, 3}) == 2 and require('orrery.regress.iv'))", NULL},
  /* preload: its entries are the only way in; the field is not */
  {"package.preload['orrery.stats'] = nil; package.path = D .. '/?.lua'\n"
   "return stats.mean", "module 'orrery.stats' not found"},
  {"package.preload = {}; package.path = D .. '/?.lua'\n"
   "assert(stats.mean(mat.vec{1, 3}) == 2)", NULL},
  /* reloading a module reloads the built-in copy */
  {"package.path = D .. '/?.lua'; assert(regress.ols)\n"
   "package.loaded['orrery.regress'] = nil; package.loaded['orrery.regress.iv'] = nil\n"
   "assert(require('orrery.regress').iv)", NULL},
  /* no package at all, or no require: the loader keeps its own */
  {"package = nil; assert(regress.ols and surv.fit and require('orrery.stats').mean)", NULL},
  {"require = nil; assert(mat.eye(2):det() == 1)", NULL},
  /* searchers broken or emptied */
  {"package.path = D .. '/?.lua'; package.searchers = {}; return stats.mean", "not found"},
  {"package.searchers = nil; return stats.mean", "searchers"},
  /* the environment the host was started with named the bait (main sets it) */
  {"assert(package.path:find(D, 1, true))\n"
   "assert(regress.ols and require('orrery.regress.iv') and stats.mean)", NULL},
};


static void test_loader (void) {
  char d[] = "/tmp/orrery-allowed-XXXXXX", e[] = "/tmp/orrery-elsewhere-XXXXXX";
  char env[600];
  orrery_config cfg;
  lua_State *L;
  size_t i;
  int dirs;
  CHECK(mkdtemp(d) != NULL && mkdtemp(e) != NULL);
  bait(d, 1);
  bait(e, 1);
  /* the process environment names the bait before any state exists */
  snprintf(env, sizeof env, "%s/orrery", d);
  setenv("ORRERY_STDLIB_DIR", env, 1);
  snprintf(env, sizeof env, "%s/?.lua;%s/?/init.lua", d, d);
  setenv("LUA_PATH", env, 1);
  setenv("LUA_PATH_5_4", env, 1);
  snprintf(env, sizeof env, "@%s/orrery.lua", e);
  setenv("LUA_INIT", env, 1);

  /* controls: outside a sandbox the bait is found, so it would show */
  L = orrery_new(NULL);
  CHECK(contains(run(L, "return stats.mean"), "loaded from disk"));
  CHECK(contains(run(L, "require 'probe'"), "loaded from disk"));  /* LUA_PATH */
  CHECK(lua_getglobal(L, "DISK") == LUA_TSTRING);
  orrery_close(L);

  for (dirs = 0; dirs < 2; dirs++) {  /* without, then with allowed_dir */
    memset(&cfg, 0, sizeof cfg);
    cfg.sandbox = 1;
    cfg.allowed_dir = dirs ? d : NULL;
    for (i = 0; i < sizeof attempts / sizeof attempts[0]; i++) {
      const char *err;
      L = orrery_new(&cfg);
      lua_pushstring(L, d);
      lua_setglobal(L, "D");
      lua_pushstring(L, e);
      lua_setglobal(L, "E");
      err = run(L, attempts[i].code);
      if (attempts[i].fails == NULL) CHECK(err == NULL);
      else CHECK(contains(err, attempts[i].fails));
      CHECK(!contains(err, "loaded from disk"));
      CHECK(lua_getglobal(L, "DISK") == LUA_TNIL);
      if ((attempts[i].fails == NULL) != (err == NULL) || contains(err, "disk"))
        fprintf(stderr, "sandbox attempt %d (allowed_dir %s): %s\n", (int)i + 1,
                dirs ? d : "none", err ? err : "no error");
      orrery_close(L);
    }
  }

  /* without the variable, package.path never overrides a built-in module */
  unsetenv("ORRERY_STDLIB_DIR");
  L = orrery_new(NULL);
  CHECK(run(L, "assert(require('orrery.regress').iv and stats.mean)") == NULL);
  CHECK(lua_getglobal(L, "DISK") == LUA_TNIL);
  orrery_close(L);
  unsetenv("LUA_PATH");
  unsetenv("LUA_PATH_5_4");
  unsetenv("LUA_INIT");
  bait(d, 0);
  bait(e, 0);
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

  /* an interrupt is per state: it stops the state's next call (the hook's
     "interrupted!" at its first instruction), which observes it, and the
     call after that runs; orrery_interrupt reaches every live state, and
     an interrupt of one state does not fail the next call of another */
  L = orrery_new(NULL);
  {
    const char *sketch = "regress.sketch{ y = y, x = x, m = 50, kind = 'countsketch' }";
    lua_State *L2 = orrery_new(NULL);
    CHECK(run(L, "y, x = rng.new(1):normal(100), rng.new(2):normal(100)") == NULL);
    orrery_interrupt();
    CHECK(contains(run(L, sketch), "interrupted"));
    CHECK(contains(run(L2, "return 1"), "interrupted"));
    CHECK(run(L, sketch) == NULL);
    CHECK(run(L2, "return rng.new(3):normal(10)") == NULL);
    CHECK(orrery_interrupt_state(L2) == 1);
    CHECK(contains(run(L2, "return 1"), "interrupted"));
    CHECK(run(L, sketch) == NULL);
    CHECK(orrery_interrupt_state(L) == 1);
    orrery_clear_interrupt(L);  /* the host lowers an interrupt that came late */
    CHECK(run(L, sketch) == NULL);
    CHECK(run(L2, "return rng.new(3):normal(10)") == NULL);
    orrery_close(L2);
    CHECK(orrery_interrupt_state(L2) == 0);  /* closed: not live any more */
  }
  orrery_close(L);
  test_loader();
  return CTEST_DONE();
}
