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
  size_t memory_limit;          /* bytes the state may hold (0: no cap); an
                                   allocation over it raises "fn: not enough
                                   memory" (see "The memory cap" below) */
  unsigned long long instruction_limit;  /* VM instructions (0: no budget; see
                                   "The instruction budget" below) */
  int sandbox;                  /* nonzero: no io, os.execute/remove/rename/exit/
                                   getenv, no C libraries, no binary chunks, no
                                   loadfile/dofile/debug/package.searchpath;
                                   modules come only from the library (never
                                   from package.path or ORRERY_STDLIB_DIR);
                                   require finds only Orrery's own modules; no
                                   __gc in metatables a script sets; string
                                   patterns limited (pattern_limit); and
                                   module file functions refuse every
                                   path ... */
  const char *allowed_dir;      /* ... except regular files inside this
                                   directory, after resolving symlinks and
                                   "..": a symlink leading out of it is
                                   refused, and a FIFO or device is never
                                   opened (so never blocks) */
  size_t stream_limit;          /* bytes read from a file that is not a
                                   regular one, e.g. a pipe, outside a sandbox
                                   (0: 1 GiB) */
  size_t pattern_limit;         /* sandbox: bytes of a subject or pattern of
                                   string.find/match/gmatch/gsub (0: 1 MiB).
                                   Lua matches in C, where neither the budget
                                   nor an interrupt stops it, and a pattern
                                   can backtrack for the subject's length to
                                   the power of its quantifiers: the limit
                                   bounds that time, it does not remove it */
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

/*
** The memory cap. memory_limit counts what the state allocates through its
** allocator: Lua's values, every matrix (and so every frame column and
** model result), the kernels' work arrays, CSV buffers (a mapped file is
** counted at its size), and the workspaces that optim's kernels allocate
** themselves (charged to the state while the call runs). A binding that
** would go over it raises "ns.fn: not enough memory (...)", naming the
** function; Lua code going over it raises Lua's own "not enough memory".
** Not counted: OpenBLAS's internal buffers (per thread, sized by the
** library), the workspaces that GSL and LAPACKE's high-level wrappers
** allocate inside a call (O(n) to O(n * block size)), and the stacks of
** worker threads.
*/

/* The sandbox's default pattern_limit */
#define ORRERY_PATTERN_LIMIT  ((size_t)1 << 20)

/*
** The instruction budget. A state of orrery_new counts the VM instructions
** it runs, in every coroutine, against instruction_limit. When it is spent,
** the code running raises "instruction budget of N exceeded", and the error
** cannot be caught away: pcall, xpcall, coroutine.resume and coroutine.close
** pass it on, an error handler raises it again at once, and every further
** chunk the host runs raises it at its first instruction, until the host
** calls orrery_reset_budget(L, n), which grants n more instructions (0: no
** budget) and returns 0 (-1, doing nothing, for a state not made by
** orrery_new). C code (a kernel, a LAPACK call, a string match) runs
** between instructions and is not counted: a long BLAS/LAPACK call (an SVD
** of a 2500 x 2500 matrix takes seconds) runs to its end, and kernels that
** loop poll the interrupt flag (below) but not the budget.
*/
ORRERY_API int orrery_reset_budget (lua_State *L, unsigned long long instructions);

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
** The interrupt is per state, and a script cannot catch it away: once
** interrupted, a state made by orrery_new stays stopped -- its Lua code, in
** every coroutine, raises "interrupted!" again at its next instructions, and
** pcall, xpcall (whose handler is skipped), coroutine.resume and
** coroutine.close pass the error on -- until the host lowers it with
** orrery_clear_interrupt(L) (NULL: every state), as the orrery program and
** the Jupyter kernel do after each command. An interrupt of one state does
** not fail the next call of another. Kernels know no state, so while
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
