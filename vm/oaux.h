/*
** Auxiliary functions shared by the bindings of every module:
** argument tables, work buffers, documentation, the sandbox and interrupts.
** In the spirit of lauxlib: small, no numerics.
*/
#ifndef oaux_h
#define oaux_h

#include <stddef.h>
#include "lua.h"
#include "lauxlib.h"
#include "ointr.h"

/* Registry keys */
#define ORR_DOCS     "orrery.docs"     /* function or "mod.name" -> doc string */
#define ORR_SANDBOX  "orrery.sandbox"  /* nil, or the allowed directory ("" = none) */
#define ORR_SEED     "orrery.seed"     /* integer seed for rng.default */
#define ORR_PUBLIC   "orrery.public"   /* namespace -> its public table */
#define ORR_PRIVATE  "orrery.private"  /* namespace -> its private table (see ostate.c) */
#define ORR_REQUIRE  "orrery.require"  /* the require the state started with */
#define ORR_ENV      "orrery.env"      /* _ENV of the Lua halves (ostate.c) */
#define ORR_CHECKED  "orrery.checked"  /* the path orr_checkpath returned last */
#define ORR_STREAMLIMIT "orrery.streamlimit"  /* bytes read from a non-regular file */
#define ORR_PATTERNLIMIT "orrery.patternlimit"  /* a sandbox's pattern_limit, for workers */

/* Documentation: {name, text}, terminated by {NULL, NULL}. */
typedef struct orr_doc { const char *name; const char *text; } orr_doc;

/*
** Creates the module table from 'funcs' (like luaL_newlib) and records the
** documentation of each function under "modname.name" and under the function.
*/
void orr_newlib (lua_State *L, const char *modname, const luaL_Reg *funcs,
                 const orr_doc *docs);
/* Pushes the documentation table (registry ORR_DOCS, weak keys). */
void orr_pushdocs (lua_State *L);
/* Records docs for the functions in the table at 'idx' under "prefix" + name
   ("mat:" for methods, "regress." for module functions). */
void orr_setdocs (lua_State *L, int idx, const char *prefix, const orr_doc *docs);

/*
** Argument tables. 'allowed' is NULL-terminated. An unknown key, or a key of
** the wrong type, raises "fn: unknown option 'key'".
*/
void orr_checkopts (lua_State *L, int idx, const char *fn,
                    const char *const allowed[]);
lua_Number orr_optnumber (lua_State *L, int idx, const char *key,
                          lua_Number def, const char *fn);
lua_Integer orr_optinteger (lua_State *L, int idx, const char *key,
                            lua_Integer def, const char *fn);
int orr_optboolean (lua_State *L, int idx, const char *key, int def,
                    const char *fn);
int orr_optoption (lua_State *L, int idx, const char *key, const char *def,
                   const char *const list[], const char *fn);

/*
** A work buffer of n doubles (or bytes) owned by a userdata pushed on the
** stack, so that an error raised later frees it with the GC: no leaks.
*/
double *orr_work (lua_State *L, size_t n);
void *orr_workbytes (lua_State *L, size_t nbytes);

/*
** The memory cap (orrery_config.memory_limit). Work from orr_work and
** matrices are allocated by Lua, so the cap counts them; before they are,
** a request beyond what is left raises "fn: not enough memory ..." naming
** the public function running (orr_nomem), rather than Lua's bare "not
** enough memory". Memory a library allocates itself (a GSL workspace, a
** kernel's malloc) is charged with orr_charge, which pushes a userdata
** that holds the charge until it is collected (nil without a cap).
** orr_capleft is (size_t)-1 in a state without a cap.
*/
size_t orr_capleft (lua_State *L);
void orr_charge (lua_State *L, size_t bytes);
int orr_nomem (lua_State *L, size_t bytes);

/* Raises "fn: interrupted": for a binding whose kernel returned early
   because the flag was up. The flag stays up until the host lowers it. */
int orr_interrupterror (lua_State *L, const char *fn);

/*
** Files. Every file a module reads or writes is opened with orr_openpath,
** which returns a descriptor (O_CLOEXEC) or raises "fn: ...". Outside a
** sandbox it is a plain open (writing creates or truncates). In a sandboxed
** state the path is resolved with realpath and must lie inside the
** directory the host allows (ORR_SANDBOX, resolved by orrery_new), so "..",
** symlinks and symlinked folders cannot lead out of it; only a regular file
** is opened (O_NOFOLLOW | O_NONBLOCK first, then fstat: a FIFO or a device
** never blocks the host), and a refusal raises "fn: file access to 'path'
** is disabled in this sandbox".
*/
int orr_openpath (lua_State *L, const char *path, int write, const char *fn);

/*
** For a binding that must hand a path to a library which opens it itself:
** returns the path to open (the resolved one in a sandbox, valid until the
** next call) or raises as orr_openpath does. Prefer orr_openpath: between
** this check and the library's open, a folder could still be replaced.
*/
const char *orr_checkpath (lua_State *L, const char *path, const char *fn);

/* Bytes a reader takes from a stream that is not a regular file (a pipe,
   /dev/stdin, a device) before it stops with an error: ORR_STREAM_MAX
   unless the host set orrery_config.stream_limit. */
#define ORR_STREAM_MAX  ((size_t)1 << 30)
size_t orr_streamlimit (lua_State *L);

/*
** Pushes the module "orrery.<ns>", loading it with the require the state
** started with (ORR_REQUIRE), never with a global a script may have
** replaced. Bindings whose results are matrices call it with "mat" (then
** pop) so that the matrix metatable exists before the first one.
*/
void orr_require (lua_State *L, const char *ns);

/* Raises "fn: message" (printf-style) with no position prefix. */
int orr_error (lua_State *L, const char *fn, const char *fmt, ...);

#endif
