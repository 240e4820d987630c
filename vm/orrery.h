/*
** Orrery: statistical modelling for Lua 5.4 -- the embedding interface.
**
** A host that already has a lua_State calls orrery_openlibs(L); a host that
** wants a ready state, optionally with limits, calls orrery_new(&cfg) and
** later orrery_close(L). The matrix userdata's C API is in <orrery/omat.h>.
**
** Only the names declared with ORRERY_API (here and in omat.h) are exported
** from liborrery.so and orrery.so: everything else is built with
** -fvisibility=hidden, so a host never links against a kernel by accident.
*/
#ifndef orrery_h
#define orrery_h

#include <stddef.h>
#include "lua.h"

#define ORRERY_VERSION  "Orrery 0.1"

#ifndef ORRERY_API
#if defined(__GNUC__)
#define ORRERY_API  __attribute__((visibility("default")))
#else
#define ORRERY_API
#endif
#endif

typedef struct orrery_config {
  size_t memory_limit;          /* bytes Lua may hold (0: no cap); an allocation
                                   over it raises "not enough memory" */
  unsigned long long instruction_limit;  /* VM instructions (0: no budget) */
  int sandbox;                  /* nonzero: no io, os.execute/remove/rename/exit/
                                   getenv, no C libraries, no binary chunks, no
                                   loadfile/dofile/debug/package.searchpath;
                                   modules come only from the library (never
                                   from package.path or ORRERY_STDLIB_DIR);
                                   and module file functions refuse every
                                   path ... */
  const char *allowed_dir;      /* ... except those inside this directory */
} orrery_config;

/*
** Registers every Orrery module in L: require "orrery.<name>" works, and the
** module names (mat, rng, stats, ...) become globals loaded on first use.
** The standard Lua libraries must already be open. Returns 0.
*/
ORRERY_API int orrery_openlibs (lua_State *L);

/* A new state with the standard libraries and Orrery, under cfg's limits
   (cfg may be NULL). Returns NULL if memory runs out. */
ORRERY_API lua_State *orrery_new (const orrery_config *cfg);

/* Closes a state made by orrery_new. */
ORRERY_API void orrery_close (lua_State *L);

/* Seeds rng.default (before or after the rng module is loaded). */
ORRERY_API void orrery_setseed (lua_State *L, lua_Integer seed);

/*
** Interrupts reach states, not only kernels. Every state that opens Orrery
** (orrery_new, orrery_openlibs, require "orrery", the worker states of
** experiment.replicate and experiment.sweep) is in a registry of live
** states until it is closed. orrery_interrupt() interrupts every live state,
** orrery_interrupt_state(L) one (it returns 0 if L is not live). Both are
** safe from a signal handler and from any thread. An interrupted state
** stops its Lua code at the next instruction (a hook, as lua.c sets on
** SIGINT: "interrupted!"), and C kernels stop at their next poll (the
** binding raises "fn: interrupted"); a running experiment stops every
** worker and raises "experiment.replicate: interrupted".
** The interrupt is per state: it stays pending until that state observes it
** (the error above, in its next or current call) or the host lowers it with
** orrery_clear_interrupt(L) (NULL: every state). An interrupt of one state
** does not fail the next call of another. Kernels know no state, so while
** some state has an interrupt it has not observed, a kernel running in
** another state at that moment stops too.
*/
ORRERY_API void orrery_interrupt (void);
ORRERY_API int orrery_interrupt_state (lua_State *L);
ORRERY_API void orrery_clear_interrupt (lua_State *L);

/*
** Limits and workers: experiment.replicate and experiment.sweep run their
** replicates in worker states (one a thread) with the parent's modules and
** sandbox. The workers of a state made by orrery_new share its limits: their
** memory, together, is charged against what the parent's cap leaves free
** when the run starts (one atomic counter; a worker over it gets "not
** enough memory" in that replicate), and their instructions against the
** parent's remaining budget, to which they are charged when the run ends.
*/

/* The Lua C module entry point, for stock interpreters: require "orrery". */
ORRERY_API int luaopen_orrery (lua_State *L);

#endif
