/*
** rng streams, as the other bindings see them.
**
** A stream is a full userdata (metatable "orrery.rng") holding a gsl_rng
** whose generator is xoshiro256++ (modules/rng/xoshiro.h) and whose state
** lives inside the userdata itself: the garbage collector frees it, and the
** memory cap of orrery_new counts it. Every gsl_ran_* function accepts the
** returned gsl_rng *.
**
** The pointer stays valid while the stream is reachable from Lua: keep the
** argument on the stack (orng_check) or in its table (orng_field) while
** drawing. orng_default's stream is kept reachable by the registry until the
** next orng_default call, even if a script reassigns rng.default meanwhile.
**
** Usage in a binding whose random functions take the stream last or as
** 'rng =' (docs/reference/rng.md):
**     gsl_rng *r = orng_opt(L, 3, "sem.sample");        -- nil: rng.default
**     gsl_rng *r = orng_field(L, 1, "regress.sketch");  -- opts.rng or default
*/
#ifndef orng_h
#define orng_h

#include <gsl/gsl_rng.h>
#include "lua.h"

#define ORNG_TNAME  "orrery.rng"

/* The seed of rng.default when neither --seed nor orrery_setseed gave one. */
#define ORNG_DEFAULT_SEED  42

/* The stream at idx, or NULL if the value there is not a stream. */
gsl_rng *orng_test (lua_State *L, int idx);
/* The stream at idx, or raises "fn: expected an rng stream, got <type>". */
gsl_rng *orng_check (lua_State *L, int idx, const char *fn);
/* As orng_check, but none or nil gives orng_default(L). */
gsl_rng *orng_opt (lua_State *L, int idx, const char *fn);
/* Field 'rng' of the table at t, or orng_default(L) when it is nil. */
gsl_rng *orng_field (lua_State *L, int t, const char *fn);
/*
** rng.default (loading the rng module if needed); raises if a script set it
** to something that is not a stream. Leaves the stack as it was.
*/
gsl_rng *orng_default (lua_State *L);

/* Pushes a new stream seeded as rng.new(seed) (the same draws). */
gsl_rng *orng_push (lua_State *L, lua_Integer seed);
/* Pushes a child of the stream at idx, as r:split() (advances the parent). */
gsl_rng *orng_pushchild (lua_State *L, int idx, const char *fn);

#endif
