/*
** orrery: the standalone program, with lua's own flags plus --seed.
*/
#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "orrery.h"
#include "ohost.h"
#ifdef ORRERY_MPI
#include "experiment/lexperiment.h"
#endif

const char *orr_progname = "orrery";
static lua_State *globalL = NULL;


static void print_usage (const char *badoption) {
  if (badoption) fprintf(stderr, "%s: unrecognized option '%s'\n", orr_progname, badoption);
  fprintf(stderr,
    "usage: %s [options] [script [args]]\n"
    "Available options are:\n"
    "  -e stat   execute string 'stat'\n"
    "  -i        enter interactive mode after executing 'script'\n"
    "  -l mod    require library 'mod' into global 'mod'\n"
    "  -v        show version information\n"
    "  --seed N  seed rng.default with the integer N\n"
    "  --kernel FILE  serve a Jupyter kernel (connection file FILE); alone\n"
    "  --        stop handling options\n"
    "  -         stop handling options and execute stdin\n"
    "or: %s report script.lua [-o report.html] [args]\n",
    orr_progname, orr_progname);
}


int orr_report (lua_State *L, int status) {
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL) msg = "(error object is not a string)";
    fprintf(stderr, "%s: %s\n", orr_progname, msg);
    fflush(stderr);
    lua_pop(L, 1);
  }
  return status;
}


static int msghandler (lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}


/*
** Ctrl-C while Lua code runs, as lua.c does it: the signal handler only sets
** a hook (lua_sethook is safe in a signal handler), which raises
** "interrupted!" at the next Lua instruction, and raises the flag that C
** kernels poll (ointr.h), so a long kernel returns early and its binding
** raises "fn: interrupted". Either error unwinds through lua_pcall: nothing
** jumps over C frames, so the state stays intact.
*/
static void lstop (lua_State *L, lua_Debug *ar) {
  lua_sethook(L, NULL, 0, 0);
  /* a kernel that saw the flag has raised "fn: interrupted", and the hook
     fires as the error calls msghandler: let that error through */
  if (ar->event == LUA_HOOKCALL && lua_getinfo(L, "f", ar)) {
    int unwinding = lua_tocfunction(L, -1) == msghandler;
    lua_pop(L, 1);
    if (unwinding) return;
  }
  luaL_error(L, "interrupted!");
}


int orr_sigint_kills = 1;

static void laction (int i) {
  int flag = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
  if (orr_sigint_kills)
    signal(i, SIG_DFL);  /* a second Ctrl-C kills the process */
  orrery_interrupt();
  lua_sethook(globalL, lstop, flag, 1);
}


/*
** The handler is installed only while the call runs, and whatever was there
** before (nothing at the top level, the prompt's own while completing a
** word: repl.c) is restored afterwards.
*/
int orr_docall (lua_State *L, int narg, int nres) {
  int status;
  int base = lua_gettop(L) - narg;
  struct sigaction sa, old;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  globalL = L;
  sa.sa_handler = laction;
  sa.sa_flags = 0;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  status = lua_pcall(L, narg, nres, base);
  sigaction(SIGINT, &old, NULL);
  /* a Ctrl-C that came as the call returned must not stop the next one */
  if (lua_gethook(L) == lstop) lua_sethook(L, NULL, 0, 0);
  orrery_clear_interrupt(L);
  lua_remove(L, base);
  return status;
}


static int dochunk (lua_State *L, int status) {
  if (status == LUA_OK) status = orr_docall(L, 0, 0);
  return orr_report(L, status);
}


static int dostring (lua_State *L, const char *s, const char *name) {
  return dochunk(L, luaL_loadbuffer(L, s, strlen(s), name));
}


/* require 'mod' and store it in global 'mod' (as lua -l) */
static int dolibrary (lua_State *L, const char *name) {
  int status;
  lua_getglobal(L, "require");
  lua_pushstring(L, name);
  status = orr_docall(L, 1, 1);
  if (status == LUA_OK) lua_setglobal(L, name);
  return orr_report(L, status);
}


static int pushargs (lua_State *L) {
  int i, n;
  if (lua_getglobal(L, "arg") != LUA_TTABLE)
    luaL_error(L, "'arg' is not a table");
  n = (int)luaL_len(L, -1);
  luaL_checkstack(L, n + 3, "too many arguments to script");
  for (i = 1; i <= n; i++)
    lua_rawgeti(L, -i, i);
  lua_remove(L, -i);
  return n;
}


static int handle_script (lua_State *L, char **argv) {
  int status;
  const char *fname = argv[0];
  if (strcmp(fname, "-") == 0 && strcmp(argv[-1], "--") != 0)
    fname = NULL;  /* stdin */
  status = luaL_loadfile(L, fname);
  if (status == LUA_OK) {
    int n = pushargs(L);
    status = orr_docall(L, n, LUA_MULTRET);
  }
  return orr_report(L, status);
}


/* flags found by collectargs */
#define has_error 1
#define has_i     2
#define has_v     4
#define has_e     8

/*
** Traverses the options: returns the flags seen and sets *first to the index
** of the script (or argc). Options with arguments are checked here.
*/
static int collectargs (char **argv, int *first) {
  int args = 0, i;
  for (i = 1; argv[i] != NULL; i++) {
    *first = i;
    if (argv[i][0] != '-') return args;
    if (strcmp(argv[i], "--seed") == 0) {
      char *end;
      if (argv[i + 1] == NULL) return has_error;
      strtoll(argv[i + 1], &end, 10);
      if (*argv[i + 1] == '\0' || *end != '\0') return has_error;
      i++;
      continue;
    }
    switch (argv[i][1]) {
      case '-':
        if (argv[i][2] != '\0') return has_error;
        *first = i + 1;
        return args;
      case '\0':
        return args;  /* '-' is the script */
      case 'i':
        if (argv[i][2] != '\0') return has_error;
        args |= has_i | has_v;
        break;
      case 'v':
        if (argv[i][2] != '\0') return has_error;
        args |= has_v;
        break;
      case 'e':
        args |= has_e;  /* FALLTHROUGH */
      case 'l':
        if (argv[i][2] == '\0') {
          i++;
          if (argv[i] == NULL || argv[i][0] == '-') return has_error;
        }
        break;
      default:
        return has_error;
    }
  }
  *first = i;
  return args;
}


/* Runs -e, -l and --seed in order; returns 0 on error. */
static int runargs (lua_State *L, char **argv, int n) {
  int i;
  for (i = 1; i < n; i++) {
    if (strcmp(argv[i], "--seed") == 0) {
      orrery_setseed(L, (lua_Integer)strtoll(argv[++i], NULL, 10));
      continue;
    }
    if (argv[i][1] == 'e' || argv[i][1] == 'l') {
      int e = argv[i][1] == 'e';
      const char *extra = argv[i] + 2;
      if (*extra == '\0') extra = argv[++i];
      if ((e ? dostring(L, extra, "=(command line)")
             : dolibrary(L, extra)) != LUA_OK)
        return 0;
    }
  }
  return 1;
}


static void createargtable (lua_State *L, char **argv, int argc, int script) {
  int i, narg;
  if (script == argc) script = 0;
  narg = argc - (script + 1);
  lua_createtable(L, narg, script + 1);
  for (i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}


/* orrery report script.lua [-o report.html] [args]: stdlib/plot/report.lua */
static int handle_report (lua_State *L, int argc, char **argv) {
  int i, status;
  lua_getglobal(L, "require");
  lua_pushliteral(L, "orrery.plot.report");
  status = orr_docall(L, 1, 1);
  if (status != LUA_OK) return orr_report(L, status);
  lua_getfield(L, -1, "main");
  lua_remove(L, -2);
  lua_createtable(L, argc - 2, 0);
  for (i = 2; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - 1);
  }
  status = orr_docall(L, 1, 1);
  if (status != LUA_OK) return orr_report(L, status);
  status = lua_toboolean(L, -1) ? LUA_OK : LUA_ERRRUN;
  lua_pop(L, 1);
  return status;
}


static void print_version (void) {
  printf("%s (%s)\n", ORRERY_VERSION, LUA_RELEASE);
  fflush(stdout);
}


static int pmain (lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  int script = argc;
  int args;
  if (argc >= 2 && strcmp(argv[1], "report") == 0) {
    lua_pushinteger(L, handle_report(L, argc, argv) == LUA_OK ? 0 : 1);
    return 1;
  }
  args = collectargs(argv, &script);
  if (args == has_error) {
    print_usage(argv[script]);
    lua_pushinteger(L, 2);
    return 1;
  }
  if (args & has_v) print_version();
  createargtable(L, argv, argc, script);
  if (!runargs(L, argv, script)) { lua_pushinteger(L, 1); return 1; }
  if (script < argc && handle_script(L, argv + script) != LUA_OK) {
    lua_pushinteger(L, 1);
    return 1;
  }
  if (args & has_i) orr_repl(L);
  else if (script == argc && !(args & (has_e | has_v))) {
    if (isatty(0)) { print_version(); orr_repl(L); }
    else if (dochunk(L, luaL_loadfile(L, NULL)) != LUA_OK) {
      lua_pushinteger(L, 1);
      return 1;
    }
  }
  lua_pushinteger(L, 0);
  return 1;
}


/*
** --kernel FILE: loads okernel.so (see ohost.h) from beside the program,
** from build/ below it (the source tree) or from ../lib/orrery (installed).
*/
static int runkernel (const char *connfile) {
  static const char *const where[] = {
    "%s/okernel.so", "%s/build/okernel.so", "%s/../lib/orrery/okernel.so", NULL
  };
  static const orr_host host = {
    orr_docall, orr_incomplete, orr_addreturn, &orr_sigint_kills
  };
  char exe[PATH_MAX], path[PATH_MAX + 64], *slash;
  void *h = NULL;
  orr_kernel_main_fn kmain;
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  int i;
  if (n <= 0) { fprintf(stderr, "%s: --kernel: cannot find the program\n", orr_progname); return 1; }
  exe[n] = '\0';
  if ((slash = strrchr(exe, '/')) != NULL) *slash = '\0';
  for (i = 0; where[i] && h == NULL; i++) {
    snprintf(path, sizeof path, where[i], exe);
    /* lazy: ZeroMQ's C++ and Kerberos dependencies have many symbols the
       kernel never calls, and binding them all costs milliseconds */
    if (access(path, R_OK) == 0 && (h = dlopen(path, RTLD_LAZY | RTLD_LOCAL)) == NULL) {
      fprintf(stderr, "%s: --kernel: %s\n", orr_progname, dlerror());
      return 1;
    }
  }
  if (h == NULL) {
    fprintf(stderr, "%s: --kernel: okernel.so not found beside %s\n", orr_progname, exe);
    return 1;
  }
  *(void **)&kmain = dlsym(h, ORR_KERNEL_MAIN);
  if (kmain == NULL) { fprintf(stderr, "%s: --kernel: %s\n", orr_progname, dlerror()); return 1; }
  return kmain(connfile, &host);
}


int main (int argc, char **argv) {
  int status, code;
  lua_State *L;
#ifdef ORRERY_MPI
  /* under mpirun only rank 0 runs the script; the others serve its
     experiments (modules/experiment/lexperiment_run.c) and print nothing */
  if (orr_mpi_start(&argc, &argv) != 0) return orr_mpi_serve();
  atexit(orr_mpi_stop);  /* os.exit too lets the other ranks go */
#endif
  if (argv[0] && argv[0][0]) orr_progname = argv[0];
  if (argc == 3 && strcmp(argv[1], "--kernel") == 0)  /* makes its own states */
    return runkernel(argv[2]);
  L = orrery_new(NULL);
  if (L == NULL) {
    fprintf(stderr, "%s: cannot create state: not enough memory\n", orr_progname);
    return 1;
  }
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  status = lua_pcall(L, 2, 1, 0);
  code = status == LUA_OK ? (int)lua_tointeger(L, -1) : 1;
  orr_report(L, status);
  orrery_close(L);
#ifdef ORRERY_MPI
  orr_mpi_stop();
#endif
  return code;
}
