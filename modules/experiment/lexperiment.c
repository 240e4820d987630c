/*
** experiment: the clock, and the private _run behind experiment.replicate
** and experiment.sweep (stdlib/experiment.lua): worker threads in
** lexperiment_run.c, copying run into them in lexperiment_copy.c.
*/
#include <time.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "experiment/lexperiment.h"


/* Monotonic wall-clock seconds: immune to changes of the system clock. */
static int e_clock (lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec * 1e-9);
  return 1;
}


static const luaL_Reg experiment_funcs[] = {
  {"clock", e_clock},
  {NULL, NULL}
};

static const orr_doc experiment_docs[] = {
  {"clock", "experiment.clock() -> monotonic wall-clock seconds (differences are elapsed time)"},
  {NULL, NULL}
};


int luaopen_orrery_experiment (lua_State *L) {
  orr_newlib(L, "experiment", experiment_funcs, experiment_docs);
  lexperiment_run_open(L);
  return 1;
}
