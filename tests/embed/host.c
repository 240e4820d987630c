/*
** A host program that embeds Orrery: an ordinary run, the memory cap, the
** instruction budget, the sandbox, and the loader in a sandbox (no Lua file
** from disk, whatever the script does). Built against liborrery.a by make
** test.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
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



/* ---------------------------------------------------------------------- */
/* attacks on the sandbox and the limits                                   */
/* ---------------------------------------------------------------------- */

/* A hang is a failure, not a stuck test run: every attack runs under an
   alarm, and SIGALRM ends the program with a message. */
static void onalarm (int sig) {
  static const char msg[] = "embed_host: an attack hung (alarm)\n";
  (void)sig;
  if (write(2, msg, sizeof msg - 1) < 0) _exit(2);
  _exit(2);
}


static int exists (const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}


static lua_State *sandboxed (const char *dir, const char *e) {
  orrery_config cfg;
  lua_State *L;
  memset(&cfg, 0, sizeof cfg);
  cfg.sandbox = 1;
  cfg.allowed_dir = dir;
  cfg.memory_limit = 64u << 20;
  cfg.instruction_limit = 5000000;
  L = orrery_new(&cfg);
  lua_pushstring(L, dir);
  lua_setglobal(L, "D");
  lua_pushstring(L, e);
  lua_setglobal(L, "E");
  return L;
}


/* Expects code to fail with 'part' in its message; prints it otherwise. */
static void refused (lua_State *L, const char *code, const char *part) {
  const char *err = run(L, code);
  CHECK(contains(err, part));
  if (!contains(err, part))
    fprintf(stderr, "attack not refused (want '%s'): %s\n  -> %s\n", part, code,
            err ? err : "no error");
}


static void test_files (void) {
  char d[] = "/tmp/orrery-box-XXXXXX", e[] = "/tmp/orrery-out-XXXXXX";
  char p[600], q[600], l[700];
  lua_State *L;
  FILE *f;
  CHECK(mkdtemp(d) != NULL && mkdtemp(e) != NULL);
  snprintf(p, sizeof p, "%s/secret.csv", e);
  f = fopen(p, "w");
  CHECK(f != NULL);
  if (f) { fputs("secret\n1\n", f); fclose(f); }
#define LINK(target, name) do { \
    snprintf(l, sizeof l, "%s/%s", d, name); CHECK(symlink(target, l) == 0); } while (0)
  LINK("/etc/passwd", "passwd");
  LINK("/proc/self/environ", "environ");
  LINK("/dev/zero", "zero");
  LINK(p, "secret.csv");                     /* a file outside */
  LINK(e, "outdir");                         /* a folder outside */
  snprintf(q, sizeof q, "%s/created.csv", e);
  LINK(q, "dangling.csv");                   /* a file outside, not there yet */
  snprintf(q, sizeof q, "%s/fifo", d);
  CHECK(mkfifo(q, 0600) == 0);
  snprintf(q, sizeof q, "%s/in.csv", d);
  f = fopen(q, "w");
  CHECK(f != NULL);
  if (f) { fputs("a\n1\n", f); fclose(f); }
  LINK(q, "inside.csv");                     /* a symlink that stays inside */
#undef LINK

  L = sandboxed(d, e);
  /* reading through symlinks that leave the directory */
  refused(L, "data.read_csv(D .. '/passwd')", "disabled in this sandbox");
  refused(L, "data.read_csv(D .. '/environ')", "disabled in this sandbox");
  refused(L, "data.read_csv(D .. '/zero')", "disabled in this sandbox");
  refused(L, "data.read_csv(D .. '/secret.csv')", "disabled in this sandbox");
  refused(L, "data.read_csv(D .. '/outdir/secret.csv')", "disabled in this sandbox");
  refused(L, "data.read_csv(D .. '/../' .. E:match('[^/]+$') .. '/secret.csv')",
          "disabled in this sandbox");
  /* writing through them: nothing outside changes or appears */
  refused(L, "data.write_csv(data.frame{a = {1}}, D .. '/secret.csv')",
          "disabled in this sandbox");
  refused(L, "data.write_csv(data.frame{a = {1}}, D .. '/outdir/new.csv')",
          "disabled in this sandbox");
  refused(L, "data.write_csv(data.frame{a = {1}}, D .. '/dangling.csv')",
          "disabled in this sandbox");
  snprintf(q, sizeof q, "%s/new.csv", e);
  CHECK(!exists(q));
  snprintf(q, sizeof q, "%s/created.csv", e);
  CHECK(!exists(q));
  f = fopen(p, "r");
  if (f) {
    char line[32] = "";
    CHECK(fgets(line, sizeof line, f) && strcmp(line, "secret\n") == 0);
    fclose(f);
  }
  /* a FIFO or a device is refused, and opening it does not block */
  refused(L, "data.read_csv(D .. '/fifo')", "not a regular file");
  refused(L, "data.write_csv(data.frame{a = {1}}, D .. '/fifo')", "");
  refused(L, "data.read_csv(D)", "not a regular file");
  /* what stays allowed: files inside, through a symlink that stays inside */
  CHECK(run(L, "assert(data.read_csv(D .. '/inside.csv').a[1] == 1)") == NULL);
  CHECK(run(L, "data.write_csv(data.frame{b = {2}}, D .. '/w.csv')\n"
               "assert(data.read_csv(D .. '/w.csv').b[1] == 2)") == NULL);
  /* no way to load a file as Lua, nor to probe paths */
  refused(L, "package.path = D .. '/?.csv'; require 'in'", "not found");
  CHECK(run(L, "assert(package.searchpath == nil and loadfile == nil and dofile == nil)") == NULL);
  refused(L, "package.path = '/etc/?'; require 'passwd'", "not found");
  CHECK(!contains(run(L, "package.path = '/etc/?'; require 'passwd'"), "root"));
  orrery_close(L);

  /* a stream outside a sandbox stops at the host's limit */
  {
    orrery_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.stream_limit = 1u << 20;
    L = orrery_new(&cfg);
    refused(L, "data.read_csv('/dev/zero')", "the limit for a stream");
    orrery_close(L);
  }

  snprintf(q, sizeof q, "rm -rf '%s' '%s'", d, e);
  CHECK(system(q) == 0);
}


/* Scripts that try to run on after the budget is spent. Each must end with
   the budget error and must not reach the line that sets DONE. */
static const char *const evasions[] = {
  "while true do pcall(function() while true do end end) end",
  "while true do pcall(error, 'x') end",
  "for i = 1, 100 do pcall(function() while true do end end) end DONE = 1",
  "xpcall(function() while true do end end, function(m) while true do end end) DONE = 1",
  "xpcall(function() while true do end end, function(m) return m end) DONE = 1",
  "local co = coroutine.create(function() while true do end end)\n"
  "for i = 1, 1000 do coroutine.resume(co) end DONE = 1",
  "local co = coroutine.wrap(function() while true do end end)\n"
  "for i = 1, 1000 do pcall(co) end DONE = 1",
  "local co = coroutine.create(function() while true do coroutine.yield() end end)\n"
  "while true do coroutine.resume(co) end",
  "local ok = pcall(string.gsub, ('x'):rep(100), 'x', function() while true do end end)\n"
  "DONE = 1",
  "local t = setmetatable({}, {__index = function() while true do end end})\n"
  "for i = 1, 1000 do pcall(function() return t.x end) end DONE = 1",
  "for i = 1, 1000 do pcall(load('while true do end')) end DONE = 1",
  "pcall(optim.minimize, {f = function() while true do end end, x0 = {1, 2}}) DONE = 1",
  "pcall(optim.root, {f = function() while true do end end, lower = 0, upper = 1}) DONE = 1",
  "local t = setmetatable({}, {__close = function() while true do end end})\n"
  "pcall(function() local x <close> = t; while true do end end) DONE = 1",
};


static void test_budget (void) {
  char d[] = "/tmp/orrery-budget-XXXXXX";
  lua_State *L;
  size_t i;
  CHECK(mkdtemp(d) != NULL);
  for (i = 0; i < sizeof evasions / sizeof evasions[0]; i++) {
    const char *err;
    if (getenv("EMBED_VERBOSE")) fprintf(stderr, "evasion %d\n", (int)i + 1);
    L = sandboxed(d, d);
    err = run(L, evasions[i]);
    CHECK(contains(err, "instruction budget"));
    CHECK(lua_getglobal(L, "DONE") == LUA_TNIL);
    if (!contains(err, "instruction budget") || !lua_isnil(L, -1))
      fprintf(stderr, "budget evaded by: %s\n  -> %s\n", evasions[i], err ? err : "no error");
    lua_pop(L, 1);
    /* the state refuses every further chunk until the host resets it */
    CHECK(contains(run(L, "return 1"), "instruction budget"));
    CHECK(contains(run(L, "DONE = 1"), "instruction budget"));
    CHECK(orrery_reset_budget(L, 1000000) == 0);
    CHECK(run(L, "local s = 0 for i = 1, 1000 do s = s + i end assert(s == 500500)") == NULL);
    CHECK(run(L, "assert(mat.eye(3):det() == 1)") == NULL);
    orrery_close(L);
  }
  /* a finalizer runs with hooks off: a sandbox refuses __gc */
  L = sandboxed(d, d);
  refused(L, "setmetatable({}, {__gc = function() while true do end end})",
          "__gc metamethods are disabled");
  CHECK(run(L, "assert(getmetatable(setmetatable({}, {__index = {}})))") == NULL);
  /* shared metatables: a script's changes do not reach the next script */
  CHECK(run(L, "string.upper = function() return 'evil' end\n"
               "assert(('x'):upper() == 'X' and getmetatable('') == false)") == NULL);
  refused(L, "getmetatable(mat.eye(2)).__index = function() return 'evil' end",
          "read-only in this sandbox");
  refused(L, "getmetatable(mat.eye(2)).methods.det = function() return 'evil' end",
          "read-only in this sandbox");
  refused(L, "mat.methods.det = function() return 'evil' end", "read-only in this sandbox");
  refused(L, "rng.methods.normal = function() return 'evil' end", "read-only in this sandbox");
  refused(L, "data.methods.nrow = function() return 'evil' end", "read-only in this sandbox");
  CHECK(run(L, "assert(mat.eye(2):det() == 1 and rng.new(1):normal(2):rows() == 2)\n"
               "assert(data.frame{a = {1, 2}}:nrow() == 2 and tostring(mat.eye(2)):find('1'))\n"
               "local n = 0 for k in pairs(mat.methods) do n = n + 1 end assert(n > 10)") == NULL);
  /* a replaced require does not reach the modules' own loads */
  CHECK(run(L, "require = function() error('intercepted') end\n"
               "assert(regress.ols{y = {1, 2, 4}, x = {1, 2, 3}}.coef)") == NULL);
  orrery_close(L);
  /* a budget set later (none at first) counts coroutines made before */
  L = orrery_new(NULL);
  CHECK(run(L, "co = coroutine.wrap(function() while true do end end)") == NULL);
  CHECK(orrery_reset_budget(L, 100000) == 0);
  CHECK(contains(run(L, "co()"), "instruction budget"));
  CHECK(orrery_reset_budget(L, 0) == 0);
  CHECK(run(L, "local s = 0 for i = 1, 100000 do s = s + 1 end") == NULL);
  orrery_close(L);
  /* a state the host made itself has no budget to reset */
  L = luaL_newstate();
  CHECK(orrery_reset_budget(L, 10) == -1);
  lua_close(L);
  rmdir(d);
}


/*
** The memory cap sees the kernels' work: each call below needs more than
** the 16 MB cap through one kernel family (a matrix result, a work array,
** a library's workspace charged to the cap) and must fail with an error
** that names the public function; the state stays usable.
*/
static const struct { const char *code, *fn; } hungry[] = {
  {"mat.zeros(2000, 2000)", "mat.zeros: not enough memory"},
  {"local A = mat.eye(900) return A:svd()", "mat:svd: not enough memory"},
  {"local A = mat.eye(900) return A * A * A", "not enough memory"},
  {"return rng.new(1):normal(3e6)", "rng:normal: not enough memory"},
  {"return stats.cor(mat.zeros(1000, 1200))", "stats.cor: not enough memory"},
  {"return optim.minimize{f = function(x) return 0 end, x0 = mat.zeros(1500, 1)}",
   "optim.minimize: not enough memory"},
  {"return optim.minimize{f = function(x) return 0 end, x0 = mat.zeros(1500, 1), method = 'nm'}",
   "optim.minimize: not enough memory"},
  {"local x = mat.zeros(1e6, 1) return regress.ols{y = x, x = x}", "not enough memory"},
  {"local t = mat.zeros(6e5, 1) + 1 return surv.cox{time = t, status = t, x = t}", "not enough memory"},
  {"return data.frame{a = mat.zeros(1e6, 1), b = mat.zeros(1e6, 1), c = mat.zeros(1e6, 1)}", "not enough memory"},
};


static void test_cap (void) {
  orrery_config cfg;
  lua_State *L;
  size_t i;
  memset(&cfg, 0, sizeof cfg);
  cfg.memory_limit = 16u << 20;
  L = orrery_new(&cfg);
  CHECK(run(L, "assert(mat.eye(2):det() == 1 and regress and surv and optim and stats and data)") == NULL);
  for (i = 0; i < sizeof hungry / sizeof hungry[0]; i++) {
    const char *err = run(L, hungry[i].code);
    CHECK(contains(err, hungry[i].fn));
    if (!contains(err, hungry[i].fn))
      fprintf(stderr, "cap: %s\n  -> %s\n", hungry[i].code, err ? err : "no error");
    CHECK(run(L, "collectgarbage() assert(mat.eye(3):det() == 1)") == NULL);
  }
  orrery_close(L);
}


static void test_patterns (void) {
  orrery_config cfg;
  lua_State *L;
  memset(&cfg, 0, sizeof cfg);
  cfg.sandbox = 1;
  cfg.pattern_limit = 10000;
  L = orrery_new(&cfg);
  refused(L, "string.find(('a'):rep(20000), '.-.-.-.-b')", "string.find: a subject of 20000 bytes");
  refused(L, "(('a'):rep(20000)):match('(.-)(.-)(.-)b')", "string.match: a subject");
  refused(L, "for x in (('a'):rep(20000)):gmatch('.-b') do end", "string.gmatch");
  refused(L, "string.gsub('a', ('.?'):rep(6000), '')", "a pattern of 12000 bytes");
  CHECK(run(L, "assert(('key = value'):match('^(%w+)%s*=%s*(%w+)$') == 'key')") == NULL);
  CHECK(run(L, "assert(data.parse_csv == nil or true); assert(regress.ols{y = {1, 2, 4}, x = {1, 2, 3}})") == NULL);
  orrery_close(L);
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
     "interrupted!" at its first instruction), and the state stays stopped
     until the host lowers it (a script cannot catch it away: see
     tests/c/test_experiment.c); orrery_interrupt reaches every live state,
     and an interrupt of one state does not fail the next call of another */
  L = orrery_new(NULL);
  {
    const char *sketch = "regress.sketch{ y = y, x = x, m = 50, kind = 'countsketch' }";
    lua_State *L2 = orrery_new(NULL);
    CHECK(run(L, "y, x = rng.new(1):normal(100), rng.new(2):normal(100)") == NULL);
    orrery_interrupt();
    CHECK(contains(run(L, sketch), "interrupted"));
    CHECK(contains(run(L2, "return 1"), "interrupted"));
    orrery_clear_interrupt(L);
    orrery_clear_interrupt(L2);
    CHECK(run(L, sketch) == NULL);
    CHECK(run(L2, "return rng.new(3):normal(10)") == NULL);
    CHECK(orrery_interrupt_state(L2) == 1);
    CHECK(contains(run(L2, "return 1"), "interrupted"));
    CHECK(run(L, sketch) == NULL);  /* L was not interrupted */
    orrery_clear_interrupt(L2);
    CHECK(orrery_interrupt_state(L) == 1);
    orrery_clear_interrupt(L);  /* the host lowers an interrupt that came late */
    CHECK(run(L, sketch) == NULL);
    CHECK(run(L2, "return rng.new(3):normal(10)") == NULL);
    orrery_close(L2);
    CHECK(orrery_interrupt_state(L2) == 0);  /* closed: not live any more */
  }
  orrery_close(L);
  test_loader();
  signal(SIGALRM, onalarm);
  alarm(300);  /* a hang, not a slow machine: the whole run takes seconds */
  test_files();
  test_budget();
  test_patterns();
  test_cap();
  alarm(0);
  return CTEST_DONE();
}
