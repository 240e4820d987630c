/*
** The interrupt flag shared by the host and the kernels.
** Kernels know nothing of Lua, so the host's SIGINT handler raises this flag
** (orrery_interrupt) and long loops in C poll it through ORR_INTERRUPTED()
** and return early with a status; the binding reports it with
** orr_interrupterror.
**
** It is one flag per process, not per state: a kernel has no lua_State to
** find a flag in. It is a lock-free C11 atomic, so that raising it from a
** signal handler or another thread and polling it from the worker threads
** of an experiment (one lua_State per thread) is well defined. It counts
** the live states with an interrupt they have not observed yet (vm/ostate.c,
** orrery.h): each state lowers its own share when it raises "interrupted",
** so every worker's kernel sees it until its own state has stopped. Polls
** use a relaxed load: a kernel only needs to see the store eventually, and
** orders nothing by it.
*/
#ifndef ointr_h
#define ointr_h

#include <stdatomic.h>

#if ATOMIC_INT_LOCK_FREE != 2
#error "the interrupt flag needs a lock-free atomic int (async-signal-safe)"
#endif

extern atomic_int orr_interrupted;

#define ORR_INTERRUPTED() \
  (atomic_load_explicit(&orr_interrupted, memory_order_relaxed) != 0)

#endif
