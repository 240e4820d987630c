/*
** The embedding side of experiment.replicate and of interrupts: a state
** interrupted from another thread stops and the others do not; a running
** experiment stops every worker; the workers of a state made by orrery_new
** live under its memory cap, its instruction budget and its sandbox.
** No sleeps: the interrupting thread waits for an event (a flag a C
** function sets, a file a worker creates) before it interrupts.
*/
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"

#include "ctest.h"
#include "orrery.h"

static atomic_int started;


static int mark (lua_State *L) {
  (void)L;
  atomic_store(&started, 1);
  return 0;
}


/* runs code; returns NULL on success or the error message (static copy) */
static const char *run (lua_State *L, const char *code) {
  static char msg[512];
  if (luaL_dostring(L, code) == LUA_OK) { lua_settop(L, 0); return NULL; }
  snprintf(msg, sizeof msg, "%s", lua_tostring(L, -1));
  lua_settop(L, 0);
  return msg;
}

static int contains (const char *s, const char *part) {
  if (s == NULL || strstr(s, part) == NULL) {
    fprintf(stderr, "  got: %s\n  wanted: %s\n", s ? s : "(no error)", part);
    return 0;
  }
  return 1;
}


typedef struct target { lua_State *L; const char *file; } target;

/* waits for the mark (or for the file to exist), then interrupts L */
static void *interrupter (void *arg) {
  target *t = (target *)arg;
  if (t->file) while (access(t->file, F_OK) != 0) sched_yield();
  else while (!atomic_load(&started)) sched_yield();
  orrery_interrupt_state(t->L);
  return NULL;
}


static void test_thread_interrupt (void) {
  lua_State *A = orrery_new(NULL), *B = orrery_new(NULL);
  pthread_t tid;
  target t = { A, NULL };
  lua_register(A, "mark", mark);
  atomic_store(&started, 0);
  pthread_create(&tid, NULL, interrupter, &t);
  CHECK(contains(run(A, "x = 0; mark(); while true do x = x + 1 end"), "interrupted!"));
  pthread_join(tid, NULL);
  /* B was not interrupted; A stays stopped until the host lowers it */
  CHECK(run(B, "return mat.eye(3):inv()") == NULL);
  CHECK(contains(run(A, "for i = 1, 1e6 do x = x + 1 end"), "interrupted!"));
  orrery_clear_interrupt(A);
  CHECK(run(A, "assert(x > 0); return mat.eye(3):inv()") == NULL);
  orrery_close(A);
  orrery_close(B);
}


/* A script cannot catch an interrupt away: a loop around pcall, a loop in
   xpcall's handler and a loop in a coroutine all stop, and the state works
   once the host lowers the interrupt. */
static void test_interrupt_uncatchable (void) {
  static const char *const evasions[] = {
    "mark(); while true do pcall(function() while true do end end) end",
    "mark(); while true do xpcall(function() while true do end end, "
    "function() while true do end end) end",
    "mark(); coroutine.wrap(function() while true do end end)()",
    "mark(); while true do coroutine.resume(coroutine.create(function() "
    "while true do end end)) end",
    NULL
  };
  int i;
  for (i = 0; evasions[i]; i++) {
    lua_State *A = orrery_new(NULL);
    pthread_t tid;
    target t = { A, NULL };
    lua_register(A, "mark", mark);
    atomic_store(&started, 0);
    pthread_create(&tid, NULL, interrupter, &t);
    CHECK(contains(run(A, evasions[i]), "interrupted!"));
    pthread_join(tid, NULL);
    orrery_clear_interrupt(A);
    CHECK(run(A, "return mat.eye(3):inv()") == NULL);
    orrery_close(A);
  }
}


static void test_experiment_interrupt (void) {
  lua_State *A = orrery_new(NULL);
  char dir[] = "/tmp/orrery_expXXXXXX", file[64], code[512];
  pthread_t tid;
  target t;
  CHECK(mkdtemp(dir) != NULL);
  snprintf(file, sizeof file, "%s/running", dir);
  t.L = A;
  t.file = file;
  pthread_create(&tid, NULL, interrupter, &t);
  /* every worker spins for ever once it has created the file */
  snprintf(code, sizeof code,
    "local path = '%s'\n"
    "return experiment.replicate{ n = 8, seed = 1, workers = 2, run = function()\n"
    "  io.open(path, 'w'):close()\n"
    "  while true do end\n"
    "end }", file);
  CHECK(contains(run(A, code), "experiment.replicate: interrupted"));
  pthread_join(tid, NULL);
  CHECK(run(A, "return experiment.replicate{ n = 4, seed = 1, workers = 2, "
               "run = function(r) return r:normal(1)[1] end }") == NULL);
  orrery_close(A);
  remove(file);
  rmdir(dir);
}


static void test_limits (void) {
  orrery_config cfg;
  lua_State *L;
  const char *big = "return experiment.replicate{ n = 4, seed = 1, workers = 2, "
                    "run = function() return mat.zeros(2000, 1000):sum() end }";
  memset(&cfg, 0, sizeof cfg);
  /* memory: the workers share what the parent's cap leaves free */
  cfg.memory_limit = (size_t)64 << 20;
  L = orrery_new(&cfg);
  CHECK(run(L, big) == NULL);                       /* 16 MB a replicate */
  CHECK(run(L, "hold = mat.zeros(6500, 1000)") == NULL);  /* the parent keeps 52 MB */
  CHECK(contains(run(L, big), "not enough memory"));
  CHECK(contains(run(L, "return experiment.replicate{ n = 2, seed = 1, workers = 2, "
                        "run = function() return mat.zeros(9000, 1000):sum() end }"),
                 "not enough memory"));
  CHECK(run(L, "hold = nil; collectgarbage()") == NULL);
  CHECK(run(L, big) == NULL);
  orrery_close(L);
  /* instructions: the workers run under the parent's remaining budget */
  memset(&cfg, 0, sizeof cfg);
  cfg.instruction_limit = 2000000;
  L = orrery_new(&cfg);
  CHECK(contains(run(L, "return experiment.replicate{ n = 4, seed = 1, workers = 2, "
                        "run = function() local x = 0; for i = 1, 1e8 do x = x + i end; return x end }"),
                 "instruction budget of 2000000 exceeded"));
  orrery_close(L);
  /* ... and a worker cannot catch it away: pcall and xpcall's handler pass
     it on, as in the parent (without this the run would never end) */
  L = orrery_new(&cfg);
  CHECK(contains(run(L, "return experiment.replicate{ n = 2, seed = 1, workers = 2, "
                        "run = function() while true do pcall(function() while true do end end) end end }"),
                 "instruction budget of 2000000 exceeded"));
  CHECK(contains(run(L, "return experiment.replicate{ n = 2, seed = 1, workers = 2, "
                        "run = function() while true do xpcall(function() while true do end end, "
                        "function(e) while true do end end) end end }"),
                 "instruction budget of 2000000 exceeded"));
  orrery_close(L);
  /* the sandbox: the workers' too */
  memset(&cfg, 0, sizeof cfg);
  cfg.sandbox = 1;
  L = orrery_new(&cfg);
  CHECK(contains(run(L, "return experiment.replicate{ n = 2, seed = 1, workers = 2, "
                        "run = function() return data.read_csv('/etc/passwd'):nrow() end }"),
                 "disabled in this sandbox"));
  CHECK(contains(run(L, "return experiment.replicate{ n = 2, seed = 1, workers = 2, "
                        "run = function() return io.open('/etc/passwd'):read('a') end }"),
                 "global 'io'"));
  CHECK(run(L, "return experiment.replicate{ n = 2, seed = 1, workers = 2, "
               "run = function(r) return r:normal(1)[1] end }") == NULL);
  orrery_close(L);
}


int main (void) {
  test_thread_interrupt();
  test_interrupt_uncatchable();
  test_experiment_interrupt();
  test_limits();
  return CTEST_DONE();
}
