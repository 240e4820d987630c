/*
** State creation: module preloading, lazy globals, the sandbox and limits.
*/
#include <sched.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "orrery.h"
#include "oaux.h"
#include "omodules.h"
#include "oworker.h"


/* The modules that are globals in the program and after orrery_openlibs. */
static const char *const global_modules[] = {
  "mat", "rng", "stats", "data", "regress", "surv", "sem", "pref", "bayes",
  "optim", "experiment", "plot", NULL
};




static void live_register (lua_State *L);  /* the interrupt registry, below */


static const orr_module *findmodule (const char *name) {
  const orr_module *m;
  for (m = orr_modules; m->name; m++)
    if (strcmp(m->name, name) == 0) return m;
  return NULL;
}


/*
** A namespace's two tables. The public one is what require returns. The
** private one holds the binding's functions whose names start with '_' (glue
** for the module's own Lua half: the loader moves them out of the public
** table) and whatever the Lua half shares between its parts. Both are kept
** in the registry (ORR_PUBLIC[ns], ORR_PRIVATE[ns]) so that the parts of a
** namespace (stdlib/<ns>/<part>.lua) receive them, and nothing whose name
** starts with '_' is reachable from a public table.
*/
static void splitprivate (lua_State *L, const char *name) {
  int pub = lua_gettop(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, ORR_PUBLIC);
  lua_pushvalue(L, pub);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, ORR_PRIVATE);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, pub)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING && lua_tostring(L, -1)[0] == '_') {
      lua_pushvalue(L, -1);
      lua_rawget(L, pub);
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -4);                    /* private[key] = value */
      lua_pushvalue(L, -1);
      lua_pushnil(L);
      lua_rawset(L, pub);                   /* clearing a field during next is allowed */
    }
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, name);
  lua_remove(L, -2);                        /* leaves public, private */
}


/* Pushes ORR_PUBLIC[ns] and ORR_PRIVATE[ns]; returns 0 (pushing nothing)
   when namespace 'ns' has not started loading. */
static int namespace (lua_State *L, const char *ns) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, ORR_PUBLIC);
  if (lua_getfield(L, -1, ns) != LUA_TTABLE) { lua_pop(L, 2); return 0; }
  lua_remove(L, -2);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, ORR_PRIVATE);
  lua_getfield(L, -1, ns);
  lua_remove(L, -2);
  return 1;
}


/*
** Loads the Lua source of module 'm' as a chunk on the stack. The built-in
** copy is used unless the environment variable ORRERY_STDLIB_DIR names a
** directory holding <name>.lua (dots in the name are folders), so the
** friendly layer can be developed without rebuilding. Never in a sandboxed
** state: a sandboxed script cannot get a file loaded whatever it does to
** 'package' or the environment it can reach. The sandbox mark is in the
** registry before orrery_openlibs runs (orrery_new), and modules load
** lazily, so it is read here, at load time, for every path that loads a
** module: a global, require of a namespace or of a part, require "orrery".
*/
/*
** The environment of every chunk of the Lua halves: _G, except that its
** 'require' is the one the state started with (ORR_REQUIRE), so that a
** script replacing the global require cannot hand a module a table of its
** own. Reads of other names fall through to _G, writes go to _G.
*/
static void pushchunkenv (lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, ORR_ENV) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_createtable(L, 0, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, ORR_REQUIRE);
    lua_setfield(L, -2, "require");
    lua_createtable(L, 0, 2);
    lua_pushglobaltable(L);
    lua_setfield(L, -2, "__index");
    lua_pushglobaltable(L);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, ORR_ENV);
  }
}


static void setchunkenv (lua_State *L) {
  pushchunkenv(L);
  if (lua_setupvalue(L, -2, 1) == NULL) lua_pop(L, 1);  /* _ENV of the chunk */
}


static void loadsource (lua_State *L, const orr_module *m) {
  const char *dir = getenv("ORRERY_STDLIB_DIR");
  char chunk[96];
  int status, sandboxed;
  sandboxed = lua_getfield(L, LUA_REGISTRYINDEX, ORR_SANDBOX) != LUA_TNIL;
  lua_pop(L, 1);
  if (dir && *dir && !sandboxed) {
    FILE *f;
    const char *path, *s;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, dir);
    luaL_addchar(&b, '/');
    for (s = m->name; *s; s++) luaL_addchar(&b, *s == '.' ? '/' : *s);
    luaL_addstring(&b, ".lua");
    luaL_pushresult(&b);
    path = lua_tostring(L, -1);
    if ((f = fopen(path, "r")) != NULL) {
      fclose(f);
      status = luaL_loadfilex(L, path, "t");
      lua_remove(L, -2);                    /* the path */
      if (status != LUA_OK) lua_error(L);
      setchunkenv(L);
      return;
    }
    lua_pop(L, 1);
  }
  snprintf(chunk, sizeof chunk, "=[orrery.%s]", m->name);
  if (luaL_loadbufferx(L, m->src, m->srclen, chunk, "t") != LUA_OK)
    lua_error(L);
  setchunkenv(L);
}


/* ---------------------------------------------------------------------- */
/* shared metatables in a sandbox                                          */
/* ---------------------------------------------------------------------- */

static int readonly_newindex (lua_State *L) {
  return luaL_error(L, "this table is shared and read-only in this sandbox");
}

static int readonly_pairs (lua_State *L) {
  lua_getglobal(L, "next");
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "__index");
  lua_remove(L, -2);
  lua_pushnil(L);
  return 3;
}

/* Replaces the table on the top with a read-only view of it. */
static void readonly (lua_State *L) {
  lua_newtable(L);
  lua_createtable(L, 0, 4);
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readonly_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, readonly_pairs);
  lua_setfield(L, -2, "__pairs");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_remove(L, -2);
}

/*
** A script in a sandbox must not change what other scripts of the same
** state get from the shared metatables (a host may reuse a state). So
** getmetatable of a matrix or a stream gives a read-only copy (is_mat and
** the display protocol read fields of it; the real one is out of reach),
** and the public method tables (mat.methods, rng.methods, data.methods)
** are read-only views. Strings get theirs in sandbox().
*/
static void protectmeta (lua_State *L, const char *tname) {
  if (luaL_getmetatable(L, tname) != LUA_TTABLE) { lua_pop(L, 1); return; }
  if (lua_getfield(L, -1, "__metatable") != LUA_TNIL) { lua_pop(L, 2); return; }
  lua_pop(L, 1);
  lua_newtable(L);                          /* mt, copy */
  lua_pushnil(L);
  while (lua_next(L, -3)) {
    if (lua_type(L, -1) == LUA_TTABLE) readonly(L);
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, -4);
  }
  readonly(L);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

static void protect (lua_State *L, int pub) {
  int sandboxed = lua_getfield(L, LUA_REGISTRYINDEX, ORR_SANDBOX) != LUA_TNIL;
  lua_pop(L, 1);
  if (!sandboxed) return;
  protectmeta(L, "orrery.mat");
  protectmeta(L, "orrery.rng");
  if (lua_istable(L, pub)) {
    if (lua_getfield(L, pub, "methods") == LUA_TTABLE && !lua_getmetatable(L, -1)) {
      readonly(L);
      lua_setfield(L, pub, "methods");
    }
    lua_settop(L, pub);
  }
}


/*
** package.preload loader: upvalue 1 is the orr_module.
** A namespace "ns" runs its C part (or starts from an empty table), splits
** off the private functions and calls its Lua half as f(public, private); a
** non-nil result replaces the public table. A part "ns.part" is called with
** the same two tables of its namespace, which it extends; it is loaded by
** the namespace's Lua half with a plain require, so a load error surfaces.
*/
static int loadmodule (lua_State *L) {
  const orr_module *m = (const orr_module *)lua_touserdata(L, lua_upvalueindex(1));
  const char *dot = strchr(m->name, '.');
  if (dot) {  /* a part */
    lua_pushlstring(L, m->name, (size_t)(dot - m->name));
    if (!namespace(L, lua_tostring(L, -1))) {
      /* required on its own: load the namespace, which loads this part */
      orr_require(L, lua_tostring(L, -1));
      lua_pop(L, 1);
      lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
      if (lua_getfield(L, -1, lua_tostring(L, 1)) != LUA_TNIL) return 1;
      lua_pop(L, 2);
      if (!namespace(L, lua_tostring(L, -1)))
        return luaL_error(L, "orrery.%s: namespace did not load", m->name);
    }
    loadsource(L, m);
    lua_insert(L, -3);
    lua_call(L, 2, 1);
    if (lua_isnil(L, -1)) lua_pushboolean(L, 1);
    return 1;
  }
  if (m->open) {
    lua_pushcfunction(L, m->open);
    lua_call(L, 0, 1);
  }
  else lua_newtable(L);
  splitprivate(L, m->name);                 /* public, private */
  if (m->src == NULL) { lua_pop(L, 1); protect(L, lua_gettop(L)); return 1; }
  loadsource(L, m);
  lua_pushvalue(L, -3);
  lua_pushvalue(L, -3);
  lua_call(L, 2, 1);
  if (lua_isnil(L, -1)) lua_pop(L, 2);
  else { lua_remove(L, -2); lua_remove(L, -2); }
  protect(L, lua_gettop(L));
  return 1;
}


/*
** Every module, and "orrery" itself (the table luaopen_orrery returns), is
** a package.preload entry: a state never looks for any of them on disk, so
** require "orrery" in the program or a sandbox does not load orrery.so.
** The loader calls the require the state started with (ORR_REQUIRE), so a
** script that replaces the global one does not change how modules load.
*/
static void preload (lua_State *L) {
  const orr_module *m;
  /* statuses are checked everywhere: GSL must never abort the process */
  gsl_set_error_handler_off();
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (m = orr_modules; m->name; m++) {
    lua_pushfstring(L, "orrery.%s", m->name);
    lua_pushlightuserdata(L, (void *)m);
    lua_pushcclosure(L, loadmodule, 1);
    lua_rawset(L, -3);
  }
  lua_pushcfunction(L, luaopen_orrery);
  lua_setfield(L, -2, "orrery");
  lua_pop(L, 1);
  if (lua_getfield(L, LUA_REGISTRYINDEX, ORR_REQUIRE) == LUA_TNIL) {
    lua_getglobal(L, "require");
    lua_setfield(L, LUA_REGISTRYINDEX, ORR_REQUIRE);
  }
  lua_pop(L, 1);
  /* made now, not at the first chunk: every state that opened Orrery has
     it, so an experiment worker finds it by name like any registry value */
  pushchunkenv(L);
  lua_pop(L, 1);
}


/*
** __index of _G: a module name loads the module and stores it as a global,
** so that start-up pays only for what a script uses. 'help' comes from the
** help module.
*/
static int lazyglobal (lua_State *L) {
  const char *key = lua_tostring(L, 2);
  int i;
  if (lua_type(L, 2) != LUA_TSTRING) return 0;
  for (i = 0; global_modules[i]; i++)
    if (strcmp(global_modules[i], key) == 0 && findmodule(key)) {
      orr_require(L, key);
      lua_pushvalue(L, 2);
      lua_pushvalue(L, -2);
      lua_rawset(L, 1);
      return 1;
    }
  if (strcmp(key, "help") == 0 && findmodule("help")) {
    orr_require(L, "help");
    lua_getfield(L, -1, "help");
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);
    return 1;
  }
  return 0;
}


static int globalnames (lua_State *L) {
  int i, n = 0;
  lua_newtable(L);
  for (i = 0; global_modules[i]; i++)
    if (findmodule(global_modules[i])) {
      lua_pushstring(L, global_modules[i]);
      lua_rawseti(L, -2, ++n);
    }
  lua_pushliteral(L, "help");
  lua_rawseti(L, -2, ++n);
  return 1;
}


int orrery_openlibs (lua_State *L) {
  preload(L);
  live_register(L);
  lua_pushglobaltable(L);
  if (lua_getmetatable(L, -1)) {
    /* the host has its own _G metatable: load the modules now instead */
    int i;
    lua_pop(L, 1);
    for (i = 0; global_modules[i]; i++)
      if (findmodule(global_modules[i])) {
        orr_require(L, global_modules[i]);
        lua_setfield(L, -2, global_modules[i]);
      }
  }
  else {
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, lazyglobal);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, globalnames);
    lua_setfield(L, -2, "__orrery_globals");  /* read by the REPL's completion */
    lua_setmetatable(L, -2);
  }
  lua_pop(L, 1);
  return 0;
}


void orrery_setseed (lua_State *L, lua_Integer seed) {
  lua_pushinteger(L, seed);
  lua_setfield(L, LUA_REGISTRYINDEX, ORR_SEED);
  /* an rng module already loaded reseeds its default stream */
  luaL_getsubtable(L, LUA_REGISTRYINDEX, ORR_PRIVATE);
  if (lua_getfield(L, -1, "rng") == LUA_TTABLE) {
    if (lua_getfield(L, -1, "_reseed") == LUA_TFUNCTION) {
      lua_pushinteger(L, seed);
      lua_call(L, 1, 0);
    }
    else lua_pop(L, 1);
  }
  lua_pop(L, 2);
}


/* ---------------------------------------------------------------------- */
/* orrery_new: limits                                                      */
/* ---------------------------------------------------------------------- */

typedef struct limits {
  size_t used, cap;               /* bytes held by Lua; cap 0 = none */
  unsigned long long budget, spent;  /* instructions; budget 0 = none */
  int over;                       /* the budget ran out: see budget_hook */
} limits;

#define HOOK_EVERY 1000


static void *limited_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  limits *lim = (limits *)ud;
  size_t old = ptr ? osize : 0;
  void *np;
  if (nsize == 0) {
    free(ptr);
    lim->used -= old;
    return NULL;
  }
  if (lim->cap && nsize > old && lim->used - old + nsize > lim->cap)
    return NULL;  /* Lua turns this into a "not enough memory" error */
  np = realloc(ptr, nsize);
  if (np) lim->used = lim->used - old + nsize;
  return np;
}


/* The limits of a state made by orrery_new, or NULL. */
static limits *getlimits (lua_State *L) {
  void *ud;
  return lua_getallocf(L, &ud) == limited_alloc ? (limits *)ud : NULL;
}


size_t orr_capleft (lua_State *L) {
  limits *lim = getlimits(L);
  if (lim == NULL || lim->cap == 0) return (size_t)-1;
  return lim->used < lim->cap ? lim->cap - lim->used : 0;
}


/* A charge of memory that a library allocates itself (a GSL workspace):
   counted as held by the state until the userdata is collected. */
typedef struct charge { limits *lim; size_t bytes; } charge;

static int uncharge (lua_State *L) {
  charge *c = (charge *)lua_touserdata(L, 1);
  if (c->lim) { c->lim->used -= c->bytes; c->lim = NULL; }
  return 0;
}


void orr_charge (lua_State *L, size_t bytes) {
  limits *lim = getlimits(L);
  charge *c;
  if (lim == NULL || lim->cap == 0) { lua_pushnil(L); return; }
  c = (charge *)lua_newuserdatauv(L, sizeof *c, 0);
  c->lim = NULL; c->bytes = bytes;
  if (luaL_newmetatable(L, "orrery.charge")) {
    lua_pushcfunction(L, uncharge);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  if (bytes > orr_capleft(L)) orr_nomem(L, bytes);
  lim->used += bytes;
  c->lim = lim;
}


static int budgeterror (lua_State *L, limits *lim) {
  return luaL_error(L, "instruction budget of %I exceeded", (lua_Integer)lim->budget);
}


/* Whether L's budget is spent, for states of orrery_new and for the worker
   states of an experiment (pool_over, below); raises its error if so. */
static int pool_over (lua_State *L);

static int budgetspent (lua_State *L) {
  limits *lim = getlimits(L);
  if (lim) return lim->over;
  return pool_over(L);
}


/* Whether L was interrupted and the host has not yet lowered it
   (orrery_clear_interrupt): the registry of live states, below. */
static int live_stopping (lua_State *L);


/* Once stopped (a spent budget or an interrupt the host has not lowered),
   the count hook fires at every instruction of the thread. */
static int stoperror (lua_State *L, lua_Hook hook) {
  lua_sethook(L, hook, LUA_MASKCOUNT, 1);
  return luaL_error(L, "interrupted!");
}


/*
** Every state of orrery_new has this count hook (so every coroutine, which
** inherits its creator's hook, has it too). Once the budget has run out it
** cannot be caught away: the hook then fires at every instruction, of the
** main thread and of the thread that ran out, so an error handler, a loop
** after pcall, a coroutine and every new chunk raise again at once, until
** the host calls orrery_reset_budget. pcall, xpcall, coroutine.resume and
** coroutine.close are wrapped (guarded) so that they pass the error on
** instead of returning false. A finalizer runs with hooks off, hence no
** __gc in a sandbox (see sandbox).
*/
static void budget_hook (lua_State *L, lua_Debug *ar) {
  limits *lim = getlimits(L);
  int every = lua_gethookcount(L);
  (void)ar;
  if (lim == NULL) return;
  /* an interrupt reaches coroutines and loops after pcall through here: the
     stop hook of orrery_interrupt is set on the main thread only, once */
  if (live_stopping(L)) stoperror(L, budget_hook);
  if (lim->budget == 0 || lim->over == 0) {
    if (every != HOOK_EVERY)  /* a thread left at 1 by a spent budget */
      lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    if (lim->budget == 0) return;
  }
  lim->spent += (unsigned long long)every;
  if (lim->spent > lim->budget || lim->over) {
    if (!lim->over) {
      lua_State *main;
      lim->over = 1;
      lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
      main = lua_tothread(L, -1);
      lua_pop(L, 1);
      if (main) lua_sethook(main, budget_hook, LUA_MASKCOUNT, 1);
      lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    }
    budgeterror(L, lim);
  }
}


int orrery_reset_budget (lua_State *L, unsigned long long instructions) {
  limits *lim = getlimits(L);
  lua_State *main;
  if (lim == NULL) return -1;
  lim->budget = instructions;
  lim->spent = 0;
  lim->over = 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  main = lua_tothread(L, -1);
  lua_pop(L, 1);
  lua_sethook(main ? main : L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
  return 0;
}


/* The results of a guarded call start at index 1: (false, error) is
   passed on as an error while the budget is spent or the state is
   interrupted (until the host lowers it). */
static int guarded_k (lua_State *L, int status, lua_KContext ctx) {
  (void)status; (void)ctx;
  if (lua_gettop(L) >= 1 && !lua_toboolean(L, 1)) {
    limits *lim = getlimits(L);
    if (lim && lim->over) return budgeterror(L, lim);
    if (budgetspent(L) || live_stopping(L)) {
      lua_settop(L, 2);
      return lua_error(L);  /* the message, passed on */
    }
  }
  return lua_gettop(L);
}


static int guarded (lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_callk(L, lua_gettop(L) - 1, LUA_MULTRET, 0, guarded_k);
  return guarded_k(L, LUA_OK, 0);
}


/*
** An error raised by a hook calls xpcall's message handler from inside the
** hook, where Lua runs no hook at all: the handler of a spent budget
** would loop unstopped. So the handler is skipped (the message passes
** unchanged) once the budget is spent.
*/
static int guarded_handler (lua_State *L) {
  if (budgetspent(L) || live_stopping(L)) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}


static int guarded_xpcall (lua_State *L) {
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded_handler, 1);
  lua_replace(L, 2);
  return guarded(L);
}


static void guard (lua_State *L, const char *lib, const char *name) {
  int t = lib ? lua_getglobal(L, lib) : (lua_pushglobaltable(L), LUA_TTABLE);
  if (t == LUA_TTABLE && lua_getfield(L, -1, name) == LUA_TFUNCTION) {
    lua_pushcclosure(L, strcmp(name, "xpcall") == 0 ? guarded_xpcall : guarded, 1);
    lua_setfield(L, -2, name);
  }
  else lua_pop(L, 1);
  lua_pop(L, 1);
}


/* load() that refuses binary chunks: bytecode can break the VM's invariants */
static int textload (lua_State *L) {
  int n = lua_gettop(L) >= 4 ? 4 : 3;  /* an explicit env (even nil) counts */
  lua_settop(L, n);
  lua_pushliteral(L, "t");
  lua_replace(L, 3);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}


/* setmetatable() that refuses a __gc field: finalizers run with hooks off,
   where neither the budget nor an interrupt would stop a loop */
static int nogc_setmetatable (lua_State *L) {
  if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
    return luaL_error(L, "setmetatable: __gc metamethods are disabled in this sandbox");
  lua_settop(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 2, 1);
  return 1;
}


/*
** string.find/match/gmatch/gsub in a sandbox: Lua's matcher runs in C,
** where no hook fires, and backtracks without bound ("(.-)(.-)x" costs the
** subject's length to the power of its quantifiers). A subject or pattern
** longer than the host's limit (upvalue 2) is an error; this bounds the
** cost, it does not remove it (orrery.h).
*/
static int limited_match (lua_State *L) {
  lua_Integer lim = lua_tointeger(L, lua_upvalueindex(2));
  size_t ls, lp;
  const char *name = lua_tostring(L, lua_upvalueindex(3));
  if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER)
    lua_tolstring(L, 1, &ls);
  else ls = 0;
  if (lua_type(L, 2) == LUA_TSTRING || lua_type(L, 2) == LUA_TNUMBER)
    lua_tolstring(L, 2, &lp);
  else lp = 0;
  if (ls > (size_t)lim || lp > (size_t)lim)
    return luaL_error(L, "string.%s: a %s of %I bytes is over this sandbox's "
                      "limit of %I", name, ls > (size_t)lim ? "subject" : "pattern",
                      (lua_Integer)(ls > (size_t)lim ? ls : lp), lim);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}


static void limitpatterns (lua_State *L, size_t limit) {
  static const char *const names[] = {"find", "match", "gmatch", "gsub", NULL};
  int i;
  lua_getglobal(L, "string");  /* also the __index of strings' metatable */
  for (i = 0; names[i]; i++) {
    lua_getfield(L, -1, names[i]);
    lua_pushinteger(L, (lua_Integer)limit);
    lua_pushstring(L, names[i]);
    lua_pushcclosure(L, limited_match, 3);
    lua_setfield(L, -2, names[i]);
  }
  lua_pop(L, 1);
}


static void sandbox (lua_State *L, const orrery_config *cfg) {
  static const char *const os_remove[] = {
    "execute", "remove", "rename", "exit", "getenv", "tmpname", "setlocale", NULL
  };
  static const char *const g_remove[] = {
    "io", "debug", "dofile", "loadfile", NULL
  };
  int i;
  for (i = 0; g_remove[i]; i++) {
    lua_pushnil(L);
    lua_setglobal(L, g_remove[i]);
  }
  lua_getglobal(L, "os");
  for (i = 0; os_remove[i]; i++) {
    lua_pushnil(L);
    lua_setfield(L, -2, os_remove[i]);
  }
  lua_pop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_pushnil(L); lua_setfield(L, -2, "io");
  lua_pushnil(L); lua_setfield(L, -2, "debug");
  lua_pop(L, 1);
  /* require keeps only the preload searcher: no files, no C libraries;
     searchpath would tell whether any path exists */
  lua_getglobal(L, "package");
  lua_pushnil(L); lua_setfield(L, -2, "loadlib");
  lua_pushnil(L); lua_setfield(L, -2, "searchpath");
  lua_getfield(L, -1, "searchers");
  for (i = (int)lua_rawlen(L, -1); i >= 2; i--) {
    lua_pushnil(L);
    lua_rawseti(L, -2, i);
  }
  lua_pop(L, 2);
  lua_getglobal(L, "load");
  lua_pushcclosure(L, textload, 1);
  lua_setglobal(L, "load");
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, nogc_setmetatable, 1);
  lua_setglobal(L, "setmetatable");
  limitpatterns(L, cfg->pattern_limit ? cfg->pattern_limit : ORRERY_PATTERN_LIMIT);
  lua_pushinteger(L, (lua_Integer)(cfg->pattern_limit ? cfg->pattern_limit
                                                      : ORRERY_PATTERN_LIMIT));
  lua_setfield(L, LUA_REGISTRYINDEX, ORR_PATTERNLIMIT);
  /* strings' methods: a copy of the string library (a script's changes to
     the global 'string' do not reach them), behind __metatable */
  lua_pushliteral(L, "");
  if (lua_getmetatable(L, -1)) {
    lua_newtable(L);
    lua_getglobal(L, "string");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -5);
    }
    lua_pop(L, 1);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}


static int panic (lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  fprintf(stderr, "orrery: unprotected error: %s\n", msg ? msg : "?");
  return 0;
}


lua_State *orrery_new (const orrery_config *cfg) {
  limits *lim = (limits *)calloc(1, sizeof *lim);
  lua_State *L;
  if (lim == NULL) return NULL;
  if (cfg) {
    lim->cap = cfg->memory_limit;
    lim->budget = cfg->instruction_limit;
  }
  L = lua_newstate(limited_alloc, lim);
  if (L == NULL) { free(lim); return NULL; }
  lua_atpanic(L, panic);
  luaL_openlibs(L);
  if (cfg && cfg->sandbox) {  /* the mark first: nothing loads without it */
    /* resolved, as orr_openpath resolves every path it compares with it;
       a directory that does not resolve allows nothing */
    char real[PATH_MAX];
    if (cfg->allowed_dir && realpath(cfg->allowed_dir, real) != NULL)
      lua_pushstring(L, real);
    else lua_pushliteral(L, "");
    lua_setfield(L, LUA_REGISTRYINDEX, ORR_SANDBOX);
  }
  if (cfg && cfg->stream_limit) {
    lua_pushinteger(L, (lua_Integer)cfg->stream_limit);
    lua_setfield(L, LUA_REGISTRYINDEX, ORR_STREAMLIMIT);
  }
  /* before any module loads, so that the Lua halves take these too */
  guard(L, NULL, "pcall");
  guard(L, NULL, "xpcall");
  guard(L, "coroutine", "resume");
  guard(L, "coroutine", "close");
  orrery_openlibs(L);
  if (cfg && cfg->sandbox) sandbox(L, cfg);
  /* always: threads inherit it, and orrery_reset_budget may start a budget */
  lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
  return L;
}


void orrery_close (lua_State *L) {
  void *ud;
  lua_Alloc f = lua_getallocf(L, &ud);
  lua_close(L);
  if (f == limited_alloc) free(ud);
}


/* ---------------------------------------------------------------------- */
/* worker states of the experiment runner (oworker.h)                     */
/* ---------------------------------------------------------------------- */

/*
** The workers of one parent share its limits. Memory: one atomic counter
** for all of them, charged against what the parent's cap leaves free when
** the run starts (the parent allocates nothing while it waits), so the
** parent and its workers together stay under the cap. Instructions: one
** atomic counter against the parent's remaining budget, charged to the
** parent when the run ends. The sandbox: the same mark and allowed
** directory, set before the modules load.
*/
struct orr_pool {
  atomic_size_t used;            /* bytes held by all the workers */
  size_t cap;                    /* 0: no cap */
  atomic_ullong spent;           /* instructions run by all the workers */
  unsigned long long budget;     /* 0: no budget */
  unsigned long long budget_total;  /* the parent's, for the message */
  atomic_int over;               /* the budget ran out (see budget_hook) */
  int sandboxed;
  size_t pattern_limit, stream_limit;  /* the parent's, 0 if none */
  char *allowed;                 /* the sandbox's directory, or NULL */
  char *path, *cpath;            /* the parent's package.path and cpath */
};


static void *pool_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  orr_pool *p = (orr_pool *)ud;
  size_t old = ptr ? osize : 0;
  void *np;
  if (nsize == 0) {
    free(ptr);
    if (p->cap) atomic_fetch_sub(&p->used, old);
    return NULL;
  }
  if (p->cap && nsize > old) {
    size_t grow = nsize - old;
    if (atomic_fetch_add(&p->used, grow) + grow > p->cap) {
      atomic_fetch_sub(&p->used, grow);
      return NULL;  /* "not enough memory" in that worker */
    }
  }
  np = realloc(ptr, nsize);
  if (p->cap) {
    if (np == NULL && nsize > old) atomic_fetch_sub(&p->used, nsize - old);
    else if (np != NULL && nsize < old) atomic_fetch_sub(&p->used, old - nsize);
  }
  return np;
}


/* As budget_hook: once spent, every instruction of the worker raises, and
   its guarded pcall/xpcall/resume/close pass the error on. */
static void pool_budget_hook (lua_State *L, lua_Debug *ar) {
  orr_pool *p;
  (void)ar;
  lua_getallocf(L, (void **)&p);
  if (live_stopping(L)) stoperror(L, pool_budget_hook);
  if (atomic_load(&p->over)
      || atomic_fetch_add(&p->spent, HOOK_EVERY) + HOOK_EVERY > p->budget) {
    atomic_store(&p->over, 1);
    lua_sethook(L, pool_budget_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction budget of %I exceeded", (lua_Integer)p->budget_total);
  }
}


static int pool_over (lua_State *L) {
  void *ud;
  if (lua_getallocf(L, &ud) != pool_alloc) return 0;
  return atomic_load(&((orr_pool *)ud)->over);
}


/* a malloc'd copy of the string global t[k], or NULL */
static char *dupfield (lua_State *L, const char *t, const char *k) {
  char *s = NULL;
  int top = lua_gettop(L);
  if (lua_getglobal(L, t) == LUA_TTABLE && lua_getfield(L, -1, k) == LUA_TSTRING) {
    const char *v = lua_tostring(L, -1);
    if ((s = (char *)malloc(strlen(v) + 1)) != NULL) strcpy(s, v);
  }
  lua_settop(L, top);
  return s;
}


orr_pool *orr_pool_new (lua_State *parent) {
  orr_pool *p = (orr_pool *)calloc(1, sizeof *p);
  void *ud;
  int top = lua_gettop(parent);
  if (p == NULL) return NULL;
  if (lua_getallocf(parent, &ud) == limited_alloc) {
    limits *lim = (limits *)ud;
    if (lim->cap) p->cap = lim->cap > lim->used ? lim->cap - lim->used : 1;
    if (lim->budget) {
      p->budget_total = lim->budget;
      p->budget = lim->budget > lim->spent ? lim->budget - lim->spent : 1;
    }
  }
  if (lua_getfield(parent, LUA_REGISTRYINDEX, ORR_STREAMLIMIT) == LUA_TNUMBER)
    p->stream_limit = (size_t)lua_tointeger(parent, -1);
  if (lua_getfield(parent, LUA_REGISTRYINDEX, ORR_PATTERNLIMIT) == LUA_TNUMBER)
    p->pattern_limit = (size_t)lua_tointeger(parent, -1);
  if (lua_getfield(parent, LUA_REGISTRYINDEX, ORR_SANDBOX) == LUA_TSTRING) {
    const char *dir = lua_tostring(parent, -1);
    p->sandboxed = 1;
    if ((p->allowed = (char *)malloc(strlen(dir) + 1)) != NULL) strcpy(p->allowed, dir);
  }
  lua_settop(parent, top);
  if (!p->sandboxed) {
    p->path = dupfield(parent, "package", "path");
    p->cpath = dupfield(parent, "package", "cpath");
  }
  lua_settop(parent, top);
  return p;
}


static int worker_setup (lua_State *L) {
  orr_pool *p = (orr_pool *)lua_touserdata(L, 1);
  luaL_openlibs(L);
  if (p->sandboxed) {  /* the mark first: nothing loads without it */
    lua_pushstring(L, p->allowed ? p->allowed : "");
    lua_setfield(L, LUA_REGISTRYINDEX, ORR_SANDBOX);
  }
  if (p->stream_limit) {
    lua_pushinteger(L, (lua_Integer)p->stream_limit);
    lua_setfield(L, LUA_REGISTRYINDEX, ORR_STREAMLIMIT);
  }
  lua_pushboolean(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, ORR_WORKER);
  /* as orrery_new: before any module loads */
  guard(L, NULL, "pcall");
  guard(L, NULL, "xpcall");
  guard(L, "coroutine", "resume");
  guard(L, "coroutine", "close");
  if (p->path || p->cpath) {
    lua_getglobal(L, "package");
    if (p->path) { lua_pushstring(L, p->path); lua_setfield(L, -2, "path"); }
    if (p->cpath) { lua_pushstring(L, p->cpath); lua_setfield(L, -2, "cpath"); }
    lua_pop(L, 1);
  }
  orrery_openlibs(L);
  if (p->sandboxed) {
    orrery_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.sandbox = 1;
    cfg.pattern_limit = p->pattern_limit;
    sandbox(L, &cfg);
  }
  return 0;
}


lua_State *orr_pool_state (orr_pool *p) {
  lua_State *L = lua_newstate(pool_alloc, p);
  if (L == NULL) return NULL;
  lua_atpanic(L, panic);
  lua_pushcfunction(L, worker_setup);
  lua_pushlightuserdata(L, p);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) { lua_close(L); return NULL; }
  if (p->budget) lua_sethook(L, pool_budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
  return L;
}


void orr_pool_close (orr_pool *p, lua_State *W) {
  (void)p;
  lua_close(W);  /* the registry's sentinel leaves the live-state registry */
}


void orr_pool_free (lua_State *parent, orr_pool *p) {
  void *ud;
  if (p == NULL) return;
  if (p->budget && lua_getallocf(parent, &ud) == limited_alloc) {
    limits *lim = (limits *)ud;
    lim->spent += atomic_load(&p->spent);
  }
  free(p->allowed);
  free(p->path);
  free(p->cpath);
  free(p);
}


/* ---------------------------------------------------------------------- */
/* stock Lua: require "orrery"                                             */
/* ---------------------------------------------------------------------- */

/* __index of the table require "orrery" returns: modules on first use */
static int lazyfield (lua_State *L) {
  const char *key = lua_tostring(L, 2);
  if (lua_type(L, 2) != LUA_TSTRING || findmodule(key) == NULL) return 0;
  orr_require(L, key);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, 1);
  return 1;
}


int luaopen_orrery (lua_State *L) {
  preload(L);
  live_register(L);
  lua_newtable(L);
  lua_pushliteral(L, ORRERY_VERSION);
  lua_setfield(L, -2, "version");
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, lazyfield);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  return 1;
}


/* ---------------------------------------------------------------------- */
/* interrupts: the live-state registry                                    */
/* ---------------------------------------------------------------------- */

/*
** Every state that opens Orrery (orrery_openlibs, require "orrery", worker
** states) takes a slot here, and a sentinel userdata in its registry gives
** the slot back when the state is closed. orrery_interrupt walks the slots
** and orrery_interrupt_state finds one; both only do atomic stores and
** lua_sethook (which Lua allows asynchronously, as lua.c's SIGINT handler
** does), so they are safe from a signal handler or another thread. A slot
** is emptied only when no interrupter is walking (live_walkers), so a
** state is never touched after lua_close.
**
** An interrupt is per state: 'pending' until the state observes it (its
** stop hook raises "interrupted!", or a kernel's binding raises "fn:
** interrupted": orr_interrupterror) or the host lowers it. The kernels'
** flag (ointr.h) counts the pending states: kernels know no state, so it is
** up while any state has an unobserved interrupt, and down once each has
** observed its own; an interrupt of one state does not fail the next call
** of another.
*/
#define LIVE_MAX  1024
#define ORR_LIVE  "orrery.live"   /* registry: the state's sentinel */

typedef struct live_slot {
  _Atomic(lua_State *) L;
  atomic_int pending;
  atomic_int stopping;  /* interrupted, until orrery_clear_interrupt */
  lua_Hook oldhook;   /* the hook the stop hook replaced (a budget, ...) */
  int oldmask, oldcount;
} live_slot;

static live_slot live[LIVE_MAX];
static atomic_int live_walkers;


/* L's slot; L may be any thread (a coroutine) of the registered state */
static live_slot *live_find (lua_State *L) {
  live_slot *s = NULL;
  if (lua_getfield(L, LUA_REGISTRYINDEX, ORR_LIVE) == LUA_TUSERDATA) {
    int i = *(int *)lua_touserdata(L, -1);
    lua_State *main;
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
    main = lua_tothread(L, -1);
    lua_pop(L, 1);
    if (i >= 0 && i < LIVE_MAX && atomic_load(&live[i].L) == main) s = &live[i];
  }
  lua_pop(L, 1);
  return s;
}


/* Lowers s's interrupt; returns whether it was pending. */
static int live_lower (live_slot *s) {
  if (atomic_exchange(&s->pending, 0)) {
    atomic_fetch_sub(&orr_interrupted, 1);
    return 1;
  }
  return 0;
}


static void live_restorehook (lua_State *L, live_slot *s);

static void stophook (lua_State *L, lua_Debug *ar) {
  live_slot *s = live_find(L);
  /* at the call or return of a C function (a message handler that is
     reporting a kernel's "fn: interrupted", say) wait for Lua code */
  if ((ar->event == LUA_HOOKCALL || ar->event == LUA_HOOKTAILCALL ||
       ar->event == LUA_HOOKRET) && lua_getinfo(L, "S", ar) && ar->what[0] == 'C')
    return;
  if (s == NULL) { lua_sethook(L, NULL, 0, 0); return; }
  live_restorehook(L, s);
  if (live_lower(s)) luaL_error(L, "interrupted!");
}


static void live_restorehook (lua_State *L, live_slot *s) {
  if (lua_gethook(L) == stophook)
    lua_sethook(L, s->oldhook, s->oldmask, s->oldcount);
}


static int live_stopping (lua_State *L) {
  live_slot *s = live_find(L);
  return s != NULL && atomic_load(&s->stopping);
}


static void live_interrupt (live_slot *s) {
  lua_State *L = atomic_load(&s->L);
  if (L == NULL) return;
  if (lua_gethook(L) != stophook) {
    s->oldhook = lua_gethook(L);
    s->oldmask = lua_gethookmask(L);
    s->oldcount = lua_gethookcount(L);
  }
  if (atomic_exchange(&s->pending, 1) == 0) atomic_fetch_add(&orr_interrupted, 1);
  atomic_store(&s->stopping, 1);
  lua_sethook(L, stophook,
              LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
}


static int live_gc (lua_State *L) {
  int i = *(int *)lua_touserdata(L, 1);
  if (i >= 0 && i < LIVE_MAX && atomic_load(&live[i].L) == L) {
    live_lower(&live[i]);
    atomic_store(&live[i].L, NULL);
    while (atomic_load(&live_walkers) > 0) sched_yield();
  }
  return 0;
}


static void live_register (lua_State *L) {
  int i, *slot;
  lua_State *main;
  if (lua_getfield(L, LUA_REGISTRYINDEX, ORR_LIVE) != LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  slot = (int *)lua_newuserdatauv(L, sizeof(int), 0);
  *slot = -1;
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, live_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
  main = lua_tothread(L, -1);  /* require "orrery" may run in a coroutine */
  lua_pop(L, 1);
  for (i = 0; i < LIVE_MAX; i++) {
    lua_State *none = NULL;
    if (atomic_compare_exchange_strong(&live[i].L, &none, main)) {
      atomic_store(&live[i].pending, 0);
      atomic_store(&live[i].stopping, 0);
      *slot = i;
      break;
    }
  }
  /* a full registry: the state works, but interrupts do not reach it */
  lua_setfield(L, LUA_REGISTRYINDEX, ORR_LIVE);
}


void orrery_interrupt (void) {
  int i;
  atomic_fetch_add(&live_walkers, 1);
  for (i = 0; i < LIVE_MAX; i++) live_interrupt(&live[i]);
  atomic_fetch_sub(&live_walkers, 1);
}


int orrery_interrupt_state (lua_State *L) {
  int i, found = 0;
  atomic_fetch_add(&live_walkers, 1);
  for (i = 0; i < LIVE_MAX && !found; i++)
    if (L != NULL && atomic_load(&live[i].L) == L) {
      live_interrupt(&live[i]);
      found = 1;
    }
  atomic_fetch_sub(&live_walkers, 1);
  return found;
}


int orr_state_pending (lua_State *L) {
  live_slot *s = live_find(L);
  return s != NULL && atomic_load(&s->pending) != 0;
}


void orr_state_observed (lua_State *L) {
  live_slot *s = live_find(L);
  if (s == NULL) return;
  live_lower(s);
  live_restorehook(L, s);
}


void orrery_clear_interrupt (lua_State *L) {
  int i, any = 0;
  if (L != NULL) {
    live_slot *s = live_find(L);
    orr_state_observed(L);
    if (s) atomic_store(&s->stopping, 0);
  }
  for (i = 0; i < LIVE_MAX; i++) {
    if (L == NULL && atomic_load(&live[i].L) != NULL) {
      live_lower(&live[i]);
      atomic_store(&live[i].stopping, 0);
    }
    if (atomic_load(&live[i].pending)) any = 1;
  }
  /* a flag raised by hand (tests, a host's own handler) with no state
     pending comes down too */
  if (!any) atomic_store(&orr_interrupted, 0);
}
