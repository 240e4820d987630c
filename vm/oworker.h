/*
** Worker states for the experiment runner (modules/experiment), and the
** live-state registry behind orrery_interrupt (vm/ostate.c).
**
** A pool holds what the workers of one parent state share: the parent's
** sandbox, its memory cap and its instruction budget. Worker states are
** made from the pool on the worker threads themselves, with the standard
** libraries and every Orrery module (loaded on use, as in the parent).
*/
#ifndef oworker_h
#define oworker_h

#include <stddef.h>
#include "lua.h"

/* Registry key: true in a worker state (modules may default to one thread). */
#define ORR_WORKER  "orrery.worker"

typedef struct orr_pool orr_pool;

/* A pool for the workers of 'parent' (read from the parent's thread, while
   the parent waits). NULL if memory runs out. */
orr_pool *orr_pool_new (lua_State *parent);
/* A new worker state, registered for interrupts; NULL if the pool's memory
   share is spent or malloc fails. Safe from any thread. */
lua_State *orr_pool_state (orr_pool *p);
/* Closes a worker state made by orr_pool_state (its thread, any thread). */
void orr_pool_close (orr_pool *p, lua_State *W);
/* Frees the pool once every worker is closed; charges the instructions the
   workers ran to the parent's budget. From the parent's thread. */
void orr_pool_free (lua_State *parent, orr_pool *p);

/* Nonzero while L has an interrupt it has not observed yet. */
int orr_state_pending (lua_State *L);
/* L observed its interrupt (it raises "interrupted" now): lowers L's share
   of the kernels' flag and takes the stop hook away. */
void orr_state_observed (lua_State *L);

#endif
