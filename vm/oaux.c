/*
** Auxiliary functions for the bindings (see oaux.h).
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oaux.h"
#include "oworker.h"

atomic_int orr_interrupted = 0;  /* see ointr.h */


int orr_error (lua_State *L, const char *fn, const char *fmt, ...) {
  va_list ap;
  luaL_Buffer b;
  va_start(ap, fmt);
  luaL_buffinit(L, &b);
  luaL_addstring(&b, fn);
  luaL_addstring(&b, ": ");
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  luaL_addvalue(&b);
  luaL_pushresult(&b);
  return lua_error(L);
}


/* {docs = registry table} ; weak keys so documented functions can be freed */
void orr_pushdocs (lua_State *L) {
  if (luaL_getsubtable(L, LUA_REGISTRYINDEX, ORR_DOCS) == 0) {
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
  }
}


void orr_setdocs (lua_State *L, int idx, const char *prefix,
                  const orr_doc *docs) {
  idx = lua_absindex(L, idx);
  orr_pushdocs(L);
  for (; docs && docs->name; docs++) {
    lua_pushfstring(L, "%s%s", prefix, docs->name);
    lua_pushstring(L, docs->text);
    lua_rawset(L, -3);
    if (lua_getfield(L, idx, docs->name) != LUA_TNIL) {
      lua_pushstring(L, docs->text);
      lua_rawset(L, -3);
    }
    else lua_pop(L, 1);
  }
  lua_pop(L, 1);
}


void orr_newlib (lua_State *L, const char *modname, const luaL_Reg *funcs,
                 const orr_doc *docs) {
  lua_newtable(L);
  luaL_setfuncs(L, funcs, 0);
  lua_pushfstring(L, "%s.", modname);
  orr_setdocs(L, -2, lua_tostring(L, -1), docs);
  lua_pop(L, 1);
}


void orr_checkopts (lua_State *L, int idx, const char *fn,
                    const char *const allowed[]) {
  idx = lua_absindex(L, idx);
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *const *a;
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      if (lua_type(L, -1) == LUA_TNUMBER)
        orr_error(L, fn, "expected named options, got positional value %d",
                  (int)lua_tointeger(L, -1));
      orr_error(L, fn, "option names must be strings");
    }
    for (a = allowed; *a; a++)
      if (strcmp(*a, lua_tostring(L, -1)) == 0) break;
    if (*a == NULL)
      orr_error(L, fn, "unknown option '%s'", lua_tostring(L, -1));
  }
}


static int optfield (lua_State *L, int idx, const char *key) {
  if (idx == 0 || lua_isnoneornil(L, idx)) { lua_pushnil(L); return LUA_TNIL; }
  return lua_getfield(L, idx, key);
}


lua_Number orr_optnumber (lua_State *L, int idx, const char *key,
                          lua_Number def, const char *fn) {
  lua_Number v = def;
  int t = optfield(L, idx, key);
  if (t == LUA_TNUMBER) v = lua_tonumber(L, -1);
  else if (t != LUA_TNIL)
    orr_error(L, fn, "option '%s' must be a number, got %s", key,
              luaL_typename(L, -1));
  lua_pop(L, 1);
  return v;
}


lua_Integer orr_optinteger (lua_State *L, int idx, const char *key,
                            lua_Integer def, const char *fn) {
  lua_Integer v = def;
  int t = optfield(L, idx, key);
  if (t != LUA_TNIL) {
    int isint;
    v = lua_tointegerx(L, -1, &isint);
    if (!isint)
      orr_error(L, fn, "option '%s' must be an integer", key);
  }
  lua_pop(L, 1);
  return v;
}


int orr_optboolean (lua_State *L, int idx, const char *key, int def,
                    const char *fn) {
  int v = def;
  int t = optfield(L, idx, key);
  if (t == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
  else if (t != LUA_TNIL)
    orr_error(L, fn, "option '%s' must be a boolean, got %s", key,
              luaL_typename(L, -1));
  lua_pop(L, 1);
  return v;
}


int orr_optoption (lua_State *L, int idx, const char *key, const char *def,
                   const char *const list[], const char *fn) {
  const char *s = def;
  int i, t = optfield(L, idx, key);
  if (t == LUA_TSTRING) s = lua_tostring(L, -1);
  else if (t != LUA_TNIL)
    orr_error(L, fn, "option '%s' must be a string, got %s", key,
              luaL_typename(L, -1));
  for (i = 0; list[i]; i++)
    if (strcmp(list[i], s) == 0) { lua_pop(L, 1); return i; }
  return orr_error(L, fn, "invalid value '%s' for option '%s'", s, key);
}


/*
** Pushes the public name of the function at stack level 'level' ("ns.fn"
** in a namespace's public table, "ns:fn" in its methods table) and returns
** 1, or returns 0 (pushing nothing) when it is in none.
*/
static int publicname (lua_State *L, int level) {
  lua_Debug ar;
  int f, m;
  if (!lua_getstack(L, level, &ar) || !lua_getinfo(L, "f", &ar)) return 0;
  f = lua_gettop(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, ORR_PUBLIC);
  lua_pushnil(L);
  while (lua_next(L, f + 1)) {                         /* f, public, ns, t */
    if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1)) {
      for (m = 0; m < 2; m++) {
        if (m == 1 && lua_getfield(L, f + 3, "methods") != LUA_TTABLE) {
          lua_pop(L, 1);
          break;
        }
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          if (lua_rawequal(L, -1, f) && lua_type(L, -2) == LUA_TSTRING) {
            lua_pushfstring(L, "%s%s%s", lua_tostring(L, f + 2), m ? ":" : ".",
                            lua_tostring(L, -2));
            lua_replace(L, f);
            lua_settop(L, f);
            return 1;
          }
          lua_pop(L, 1);
        }
        if (m == 1) lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
  }
  lua_settop(L, f - 1);
  return 0;
}


/* The name of the public function running: the C function itself, or the
   nearest caller (a Lua half's wrapper) that is public; else Lua's name. */
static void pushfuncname (lua_State *L) {
  lua_Debug ar;
  int level;
  for (level = 0; level < 4; level++)
    if (publicname(L, level)) return;
  if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name)
    lua_pushstring(L, ar.name);
  else lua_pushliteral(L, "?");
}


int orr_nomem (lua_State *L, size_t bytes) {
  pushfuncname(L);
  lua_pushfstring(L, "%s: not enough memory (%I MB asked, over the state's memory cap)",
                  lua_tostring(L, -1), (lua_Integer)(bytes >> 20));
  return lua_error(L);
}


void *orr_workbytes (lua_State *L, size_t nbytes) {
  if (nbytes > orr_capleft(L)) orr_nomem(L, nbytes);
  return lua_newuserdatauv(L, nbytes ? nbytes : 1, 0);
}


double *orr_work (lua_State *L, size_t n) {
  if (n > ((size_t)-1) / sizeof(double))
    luaL_error(L, "not enough memory");
  return (double *)orr_workbytes(L, n * sizeof(double));
}


int orr_interrupterror (lua_State *L, const char *fn) {
  /* L observed its interrupt: its share of the flag comes down; other
     states' shares stay up for their kernels (ointr.h) */
  orr_state_observed(L);
  return orr_error(L, fn, "interrupted");
}



/* ---------------------------------------------------------------------- */
/* file access and the sandbox                                             */
/* ---------------------------------------------------------------------- */

/* Whether the resolved path p is 'dir' (resolved) or below it. */
static int inside (const char *p, const char *dir) {
  size_t n = strlen(dir);
  if (n == 0) return 0;                       /* the host allows no directory */
  if (strncmp(p, dir, n) != 0) return 0;
  return p[n] == '\0' || p[n] == '/' || dir[n - 1] == '/';
}


static int refuse (lua_State *L, const char *path, const char *fn) {
  return orr_error(L, fn, "file access to '%s' is disabled in this sandbox", path);
}


/*
** Resolves 'path' with realpath into out (PATH_MAX bytes) and checks that
** the result lies inside the allowed directory 'dir' (itself resolved by
** orrery_new), so that neither "..", nor a symlink, nor a symlinked folder
** leads out of it. A path that does not resolve is resolved through its
** folder, which must be inside too: so a missing file outside is refused
** like an existing one (no oracle of what exists elsewhere), and a file to
** be created gets a resolved folder and a plain last component, which the
** caller opens with O_NOFOLLOW (a dangling symlink, which realpath reports
** as missing, is not followed either).
*/
static void resolve (lua_State *L, const char *path, const char *dir,
                     int write, char *out, const char *fn) {
  const char *slash, *base;
  char folder[PATH_MAX];
  size_t len;
  int err;
  if (realpath(path, out) != NULL) {
    if (!inside(out, dir)) refuse(L, path, fn);
    return;
  }
  err = errno;
  slash = strrchr(path, '/');
  base = slash ? slash + 1 : path;
  len = slash ? (size_t)(slash - path) : 0;
  if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
      len >= sizeof folder)
    refuse(L, path, fn);
  if (slash == NULL) strcpy(folder, ".");
  else if (len == 0) strcpy(folder, "/");
  else { memcpy(folder, path, len); folder[len] = '\0'; }
  if (realpath(folder, out) == NULL || !inside(out, dir)) refuse(L, path, fn);
  if (!write || err != ENOENT)
    orr_error(L, fn, "cannot open '%s': %s", path, strerror(err));
  len = strlen(out);
  if (len + 1 + strlen(base) >= PATH_MAX) refuse(L, path, fn);
  if (out[len - 1] != '/') out[len++] = '/';
  strcpy(out + len, base);
}


/* The allowed directory (resolved) in a sandboxed state, or NULL. */
static const char *sandboxdir (lua_State *L, char *dir) {
  const char *d;
  if (lua_getfield(L, LUA_REGISTRYINDEX, ORR_SANDBOX) == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  d = lua_tostring(L, -1);
  snprintf(dir, PATH_MAX, "%s", d ? d : "");
  lua_pop(L, 1);
  return dir;
}


int orr_openpath (lua_State *L, const char *path, int write, const char *fn) {
  char dir[PATH_MAX], real[PATH_MAX], link[PATH_MAX], self[64];
  struct stat st;
  int fd, flags, err;
  ssize_t n;
  if (sandboxdir(L, dir) == NULL) {  /* no sandbox: the host's own files */
    fd = write ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)
               : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) orr_error(L, fn, "cannot open '%s': %s", path, strerror(errno));
    return fd;
  }
  resolve(L, path, dir, write, real, fn);
  /* O_NONBLOCK: opening a FIFO must not wait for a writer (or a reader);
     truncation waits until the file is known to be a regular one */
  flags = O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
          (write ? O_WRONLY | O_CREAT : O_RDONLY);
  fd = open(real, flags, 0666);
  if (fd < 0) {
    err = errno;
    if (err == ELOOP) refuse(L, path, fn);
    orr_error(L, fn, "cannot open '%s': %s", path, strerror(err));
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    orr_error(L, fn, "'%s' is not a regular file (refused in this sandbox)", path);
  }
  /* what was opened, as the kernel names it: no folder on the way was
     swapped for a symlink between the check and the open */
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  n = readlink(self, link, sizeof link - 1);
  if (n > 0) {
    link[n] = '\0';
    if (!inside(link, dir)) { close(fd); refuse(L, path, fn); }
  }
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
      (write && ftruncate(fd, 0) != 0)) {
    err = errno;
    close(fd);
    orr_error(L, fn, "cannot open '%s': %s", path, strerror(err));
  }
  return fd;
}


const char *orr_checkpath (lua_State *L, const char *path, const char *fn) {
  char dir[PATH_MAX], real[PATH_MAX];
  if (sandboxdir(L, dir) == NULL) return path;  /* no sandbox */
  resolve(L, path, dir, 1, real, fn);
  lua_pushstring(L, real);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, ORR_CHECKED);  /* keeps it alive */
  path = lua_tostring(L, -1);
  lua_pop(L, 1);
  return path;
}


size_t orr_streamlimit (lua_State *L) {
  size_t lim = ORR_STREAM_MAX;
  if (lua_getfield(L, LUA_REGISTRYINDEX, ORR_STREAMLIMIT) == LUA_TNUMBER &&
      lua_tointeger(L, -1) > 0)
    lim = (size_t)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return lim;
}


void orr_require (lua_State *L, const char *ns) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, ORR_REQUIRE) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    lua_getglobal(L, "require");
  }
  lua_pushfstring(L, "orrery.%s", ns);
  lua_call(L, 1, 1);
}
