/*
** experiment: the worker threads.
**
** The parent encodes run once (lexperiment_copy.c) and waits. Each worker
** thread makes its own state from the pool (vm/oworker.h: the parent's
** modules, sandbox and limits), decodes run into it and takes replicate
** indices one at a time from a shared counter. The stream of replicate k
** is the k-th child of rng.new(seed) (orng_child, as r:split()): the
** children are made in index order under the same lock that hands out the
** index, so replicate k gets the same stream whichever worker runs it, and
** the answer is the same, bit for bit, for any number of workers. Each
** worker writes its results as records into its own buffer (no Lua value
** crosses states); the parent gathers them by index into columns once the
** workers are done, and closes nothing of theirs: each worker closes its
** own state when it runs out of work.
**
** Record (native byte order, one process):
**   int64 k (0-based), byte status (0 ok, 1 error), then
**   ok:    int64 nfields, per field: int64 len, name, byte kind (0 number,
**          1 string), then a double or int64 len + bytes
**   error: int64 len, message
*/
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "oworker.h"
#include "mat/omat.h"
#include "rng/orng.h"
#include "rng/xoshiro.h"
#include "experiment/lexperiment.h"

/* OpenBLAS's thread count: one per worker while a run lasts */
extern void openblas_set_num_threads (int n);
extern int openblas_get_num_threads (void);

#define POLL_NS     100000000L   /* the parent looks at interrupts this often */
#define BAR_AFTER   0.5          /* seconds before a progress bar appears */
#define BAR_EVERY   0.2          /* seconds between its updates */

typedef struct job job;

typedef struct worker {
  job *j;
  pthread_t tid;
  int started;
  lua_State *L;       /* while it runs: the parent may interrupt it */
  ebuf out;           /* its records */
} worker;

struct job {
  const char *code;   /* run, encoded */
  size_t codelen;
  int64_t n;          /* replicates 0..n-1 here */
  int64_t first;      /* ... are the global indices first+1..first+n */
  int stop_on_error;
  orr_pool *pool;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  orng_state root;    /* the next child is replicate 'next''s stream */
  int64_t next, done;
  int stop;           /* 1 interrupted, 2 a failure with on_error = "stop" */
  int running;        /* workers not finished */
  char setup[256];    /* why a worker could not start ("" if none did not) */
};


static void put (ebuf *b, const void *p, size_t n) { ebuf_add(b, p, n); }
static void put_i (ebuf *b, int64_t v) { ebuf_add(b, &v, sizeof v); }
static void put_s (ebuf *b, const char *s, size_t n) { put_i(b, (int64_t)n); ebuf_add(b, s, n); }


static void failrecord (ebuf *b, size_t at, int64_t k, const char *msg) {
  unsigned char st = 1;
  b->n = at;
  put_i(b, k);
  put(b, &st, 1);
  put_s(b, msg, strlen(msg));
}


/* the result of replicate k, on the top of W, as a record; 0 if it failed */
static int record (ebuf *b, lua_State *W, int64_t k, int status) {
  size_t at = b->n;
  unsigned char st = 0, kind;
  int64_t nf = 0;
  size_t nfat;
  if (status != LUA_OK) {
    const char *msg = lua_tostring(W, -1);
    if (msg == NULL) msg = lua_pushfstring(W, "(error object is a %s value)",
                                           luaL_typename(W, -1));
    failrecord(b, at, k, msg);
    return 0;
  }
  put_i(b, k);
  put(b, &st, 1);
  nfat = b->n;
  put_i(b, 0);
  if (lua_type(W, -1) == LUA_TNUMBER) {
    double x = (double)lua_tonumber(W, -1);
    kind = 0;
    put_s(b, "value", 5);
    put(b, &kind, 1);
    put(b, &x, sizeof x);
    nf = 1;
  }
  else if (lua_istable(W, -1)) {
    lua_pushnil(W);
    while (lua_next(W, -2)) {
      size_t len;
      const char *name;
      if (lua_type(W, -2) != LUA_TSTRING) {
        failrecord(b, at, k, "run returned a table with a key that is not a "
                             "string (fields name the columns)");
        lua_pop(W, 2);
        return 0;
      }
      name = lua_tolstring(W, -2, &len);
      put_s(b, name, len);
      if (lua_type(W, -1) == LUA_TNUMBER) {
        double x = (double)lua_tonumber(W, -1);
        kind = 0;
        put(b, &kind, 1);
        put(b, &x, sizeof x);
      }
      else if (lua_type(W, -1) == LUA_TSTRING) {
        size_t sl;
        const char *s = lua_tolstring(W, -1, &sl);
        kind = 1;
        put(b, &kind, 1);
        put_s(b, s, sl);
      }
      else {
        failrecord(b, at, k, lua_pushfstring(W, "run returned a table whose "
          "field '%s' is a %s (a field must be a number or a string)", name,
          luaL_typename(W, -1)));
        lua_pop(W, 3);
        return 0;
      }
      nf++;
      lua_pop(W, 1);
    }
  }
  else {
    failrecord(b, at, k, lua_pushfstring(W, "run returned %s (expected a "
      "number or a table of numbers and strings)", lua_isnil(W, -1) ?
      "nothing" : lua_pushfstring(W, "a %s", luaL_typename(W, -1))));
    return 0;
  }
  if (!b->oom) memcpy(b->p + nfat, &nf, sizeof nf);
  return 1;
}


/* in the worker's state: decodes run (slot 1), loads rng (slot 2) */
static int setup (lua_State *W) {
  job *j = (job *)lua_touserdata(W, 1);
  lua_settop(W, 0);
  exp_decode(W, j->code, j->codelen);
  orr_require(W, "rng");
  return 2;
}


static void *work (void *arg) {
  worker *w = (worker *)arg;
  job *j = w->j;
  lua_State *W = orr_pool_state(j->pool);
  const char *why = NULL;
  if (W == NULL) why = "not enough memory for a worker's state";
  else {
    lua_pushcfunction(W, setup);
    lua_pushlightuserdata(W, j);
    if (lua_pcall(W, 1, 2, 0) != LUA_OK) why = lua_tostring(W, -1);
  }
  pthread_mutex_lock(&j->mu);
  if (why) {
    if (j->setup[0] == '\0')
      snprintf(j->setup, sizeof j->setup, "%s", why ? why : "?");
    j->stop = j->stop ? j->stop : 3;
  }
  else w->L = W;
  pthread_mutex_unlock(&j->mu);
  if (why == NULL) {
    for (;;) {
      int64_t k;
      orng_state st;
      gsl_rng *r;
      int status, ok;
      pthread_mutex_lock(&j->mu);
      if (j->stop || j->next >= j->n) { pthread_mutex_unlock(&j->mu); break; }
      k = j->next++;
      orng_child(&j->root, &st);
      pthread_mutex_unlock(&j->mu);
      lua_pushvalue(W, 1);
      r = orng_push(W, 0);
      memcpy(r->state, &st, sizeof st);
      /* rng.default is the replicate's stream too: a function called
         without a stream draws the same numbers in every worker count */
      lua_pushvalue(W, -1);
      lua_setfield(W, 2, "default");
      lua_pushinteger(W, (lua_Integer)(j->first + k + 1));
      status = lua_pcall(W, 2, 1, 0);
      ok = record(&w->out, W, k, status);
      lua_settop(W, 2);
      pthread_mutex_lock(&j->mu);
      j->done++;
      if (w->out.oom) {
        snprintf(j->setup, sizeof j->setup, "not enough memory for the results");
        j->stop = 3;
      }
      else if (!ok && j->stop_on_error && !j->stop) j->stop = 2;
      pthread_cond_signal(&j->cv);
      pthread_mutex_unlock(&j->mu);
    }
  }
  pthread_mutex_lock(&j->mu);
  w->L = NULL;
  pthread_mutex_unlock(&j->mu);
  if (W) orr_pool_close(j->pool, W);
  pthread_mutex_lock(&j->mu);
  j->running--;
  pthread_cond_signal(&j->cv);
  pthread_mutex_unlock(&j->mu);
  return NULL;
}


static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}


static void bar (const char *label, int64_t done, int64_t n, double elapsed) {
  double rate = elapsed > 0 ? (double)done / elapsed : 0;
  double left = rate > 0 ? (double)(n - done) / rate : 0;
  int width = 24, fill = n > 0 ? (int)((double)width * (double)done / (double)n) : 0;
  char b[32];
  int i;
  for (i = 0; i < width; i++) b[i] = i < fill ? '=' : ' ';
  b[width] = '\0';
  fprintf(stderr, "\r%s [%s] %lld/%lld  %.1f/s  %.0fs left ", label, b,
          (long long)done, (long long)n, rate, left);
  fflush(stderr);
}


/*
** The parent's thread: waits for the workers, shows progress, passes an
** interrupt of the parent on to every worker.
*/
static void wait_workers (lua_State *L, job *j, worker *w, int nw,
                          int progress, const char *label) {
  double t0 = now(), last = 0;
  int shown = 0, i;
  pthread_mutex_lock(&j->mu);
  while (j->running > 0) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += POLL_NS;
    if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
    pthread_cond_timedwait(&j->cv, &j->mu, &ts);
    if (j->stop != 1 && orr_state_pending(L)) {
      j->stop = 1;
      for (i = 0; i < nw; i++)
        if (w[i].L) orrery_interrupt_state(w[i].L);
    }
    if (progress) {
      double t = now() - t0;
      if (t > BAR_AFTER && t - last > BAR_EVERY) {
        bar(label, j->done, j->n, t);
        last = t;
        shown = 1;
      }
    }
  }
  pthread_mutex_unlock(&j->mu);
  if (shown) {
    bar(label, j->done, j->n, now() - t0);
    fputc('\n', stderr);
    fflush(stderr);
  }
}


/* ---------------------------------------------------------------------- */
/* gathering                                                               */
/* ---------------------------------------------------------------------- */

typedef struct column {
  const char *name;
  size_t len;
  int kind;           /* 0 number, 1 string */
  int64_t firstk;     /* the first replicate that has it */
} column;


static int64_t rd_i (const char **p) {
  int64_t v;
  memcpy(&v, *p, sizeof v);
  *p += sizeof v;
  return v;
}


/* skips one record's body (after k and status) */
static const char *skip_fields (const char *p, int status) {
  int64_t nf, f;
  if (status) { int64_t len = rd_i(&p); return p + len; }
  nf = rd_i(&p);
  for (f = 0; f < nf; f++) {
    int64_t len = rd_i(&p);
    p += len;
    if (*p++ == 0) p += sizeof(double);
    else { len = rd_i(&p); p += len; }
  }
  return p;
}


static int colcmp (const void *a, const void *b) {
  const column *x = (const column *)a, *y = (const column *)b;
  size_t m = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->name, y->name, m);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}


static int findcol (column *cols, int ncol, const char *name, size_t len, int hint) {
  int c;
  if (hint < ncol && cols[hint].len == len && memcmp(cols[hint].name, name, len) == 0)
    return hint;
  for (c = 0; c < ncol; c++)
    if (cols[c].len == len && memcmp(cols[c].name, name, len) == 0) return c;
  return -1;
}


/*
** Pushes names (array), columns (array: n x 1 mats, or arrays of strings
** with false for missing), errors (array of messages, "" for rows that
** succeeded, or nil when none failed), the number failed, and the index
** and message of the first failure (or nils).
*/
static int gather (lua_State *L, job *j, worker *w, int nw, const char *fn) {
  int64_t n = j->n, k;
  const char **rec = (const char **)orr_workbytes(L, (size_t)(n ? n : 1) * sizeof *rec);
  column *cols = NULL;
  int ncol = 0, capcol = 0, i, c;
  int64_t nfailed = 0, firstfail = -1;
  int top;
  memset(rec, 0, (size_t)n * sizeof *rec);
  for (i = 0; i < nw; i++) {
    const char *p = w[i].out.p, *end = p + w[i].out.n;
    while (p && p < end) {
      const char *r = p;
      int st;
      k = rd_i(&p);
      st = *p++;
      rec[k] = r;
      p = skip_fields(p, st);
    }
  }
  /* the columns, in the order of the replicates that first have them */
  for (k = 0; k < n; k++) {
    const char *p = rec[k];
    int64_t nf, f;
    if (p == NULL) continue;
    p += sizeof(int64_t);
    if (*p++) {
      nfailed++;
      if (firstfail < 0) firstfail = k;
      continue;
    }
    nf = rd_i(&p);
    for (f = 0; f < nf; f++) {
      int64_t len = rd_i(&p);
      const char *name = p;
      int kind;
      p += len;
      kind = *p++;
      if (kind == 0) p += sizeof(double);
      else { int64_t sl = rd_i(&p); p += sl; }
      c = findcol(cols, ncol, name, (size_t)len, (int)f);
      if (c < 0) {
        if (ncol == capcol) {
          column *nc;
          capcol = capcol ? 2 * capcol : 8;
          nc = (column *)realloc(cols, (size_t)capcol * sizeof *cols);
          if (nc == NULL) { free(cols); return orr_error(L, fn, "not enough memory"); }
          cols = nc;
        }
        cols[ncol].name = name;
        cols[ncol].len = (size_t)len;
        cols[ncol].kind = kind;
        cols[ncol].firstk = k;
        ncol++;
      }
      else if (cols[c].kind != kind) {
        lua_pushfstring(L, "%s: field '%s' is a %s in replicate %I but a %s in "
          "replicate %I", fn, lua_pushlstring(L, name, (size_t)len),
          cols[c].kind ? "string" : "number", (lua_Integer)(j->first + cols[c].firstk + 1),
          kind ? "string" : "number", (lua_Integer)(j->first + k + 1));
        free(cols);
        return lua_error(L);
      }
    }
  }
  if (ncol > 1) qsort(cols, (size_t)ncol, sizeof *cols, colcmp);
  top = lua_gettop(L);
  lua_createtable(L, ncol, 0);                 /* names */
  lua_createtable(L, ncol, 0);                 /* columns */
  for (c = 0; c < ncol; c++) {
    lua_pushlstring(L, cols[c].name, cols[c].len);
    lua_rawseti(L, top + 1, c + 1);
    if (cols[c].kind == 0) {
      omat *m = omat_new(L, (size_t)n, 1);
      for (k = 0; k < n; k++) m->x[k] = NAN;
    }
    else {
      lua_createtable(L, (int)n, 0);
      for (k = 0; k < n; k++) {
        lua_pushboolean(L, 0);
        lua_rawseti(L, -2, k + 1);
      }
    }
    lua_rawseti(L, top + 2, c + 1);
  }
  for (k = 0; k < n; k++) {
    const char *p = rec[k];
    int64_t nf, f;
    if (p == NULL) continue;
    p += sizeof(int64_t);
    if (*p++) continue;
    nf = rd_i(&p);
    for (f = 0; f < nf; f++) {
      int64_t len = rd_i(&p);
      const char *name = p;
      int kind;
      column key;
      column *hit;
      p += len;
      kind = *p++;
      key.name = name;
      key.len = (size_t)len;
      hit = (column *)bsearch(&key, cols, (size_t)ncol, sizeof *cols, colcmp);
      c = (int)(hit - cols);
      if (kind == 0) {
        double x;
        memcpy(&x, p, sizeof x);
        p += sizeof x;
        lua_rawgeti(L, top + 2, c + 1);
        ((omat *)lua_touserdata(L, -1))->x[k] = x;
        lua_pop(L, 1);
      }
      else {
        int64_t sl = rd_i(&p);
        lua_rawgeti(L, top + 2, c + 1);
        lua_pushlstring(L, p, (size_t)sl);
        lua_rawseti(L, -2, k + 1);
        lua_pop(L, 1);
        p += sl;
      }
    }
  }
  free(cols);
  if (nfailed) {
    lua_createtable(L, (int)n, 0);
    for (k = 0; k < n; k++) {
      const char *p = rec[k];
      if (p && p[sizeof(int64_t)]) {
        p += sizeof(int64_t) + 1;
        {
          int64_t len = rd_i(&p);
          lua_pushlstring(L, p, (size_t)len);
        }
      }
      else lua_pushliteral(L, "");
      lua_rawseti(L, -2, k + 1);
    }
  }
  else lua_pushnil(L);
  lua_pushinteger(L, (lua_Integer)nfailed);
  if (firstfail >= 0) {
    const char *p = rec[firstfail] + sizeof(int64_t) + 1;
    int64_t len = rd_i(&p);
    lua_pushinteger(L, (lua_Integer)(j->first + firstfail + 1));
    lua_pushlstring(L, p, (size_t)len);
  }
  else { lua_pushnil(L); lua_pushnil(L); }
  return 6;
}


/* ---------------------------------------------------------------------- */
/* the binding                                                             */
/* ---------------------------------------------------------------------- */

/* all a run owns, freed by the GC of a userdata if an error is raised */
typedef struct runner {
  job j;
  worker *w;
  int nw;
  int inited;
  int blas;           /* OpenBLAS's thread count before the run, or 0 */
} runner;


static void runner_release (runner *R) {
  int i;
  if (R->w) {
    for (i = 0; i < R->nw; i++) ebuf_free(&R->w[i].out);
    free(R->w);
    R->w = NULL;
  }
  if (R->inited) {
    pthread_mutex_destroy(&R->j.mu);
    pthread_cond_destroy(&R->j.cv);
    R->inited = 0;
  }
}


static int runner_gc (lua_State *L) {
  runner_release((runner *)lua_touserdata(L, 1));
  return 0;
}


/*
** _run(run, n, seed, workers, stop_on_error, progress, label, fn)
**   -> names, columns, errors|nil, nfailed, firstfail|nil, message|nil
** Arguments are checked by the Lua half; 'fn' names the public function in
** errors. An interrupt raises "fn: interrupted"; a worker that cannot start
** raises "fn: ..." with the reason.
*/
static int e_run (lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 2);
  lua_Integer seed = luaL_checkinteger(L, 3);
  int nw = (int)luaL_checkinteger(L, 4);
  int stop_on_error = lua_toboolean(L, 5);
  int progress = lua_toboolean(L, 6) && isatty(2);
  const char *label = luaL_checkstring(L, 7);
  const char *fn = luaL_checkstring(L, 8);
  runner *R;
  ebuf *code;
  int i, started = 0;
  pthread_condattr_t ca;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  if (n < 0 || nw < 1) return orr_error(L, fn, "bad arguments");
  code = exp_encode(L, 1, fn, "run");                 /* slot 9 */
  R = (runner *)lua_newuserdatauv(L, sizeof *R, 0);  /* slot 10 */
  memset(R, 0, sizeof *R);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, runner_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  if ((lua_Integer)nw > n) nw = n > 0 ? (int)n : 1;
  R->j.code = code->p;
  R->j.codelen = code->n;
  R->j.n = (int64_t)n;
  R->j.first = 0;
  R->j.stop_on_error = stop_on_error;
  orng_seed(&R->j.root, (uint64_t)seed);
  pthread_mutex_init(&R->j.mu, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&R->j.cv, &ca);
  pthread_condattr_destroy(&ca);
  R->inited = 1;
  R->w = (worker *)calloc((size_t)nw, sizeof *R->w);
  R->nw = nw;
  R->j.pool = orr_pool_new(L);
  if (R->w == NULL || R->j.pool == NULL) {
    orr_pool_free(L, R->j.pool);
    return orr_error(L, fn, "not enough memory");
  }
  R->blas = openblas_get_num_threads();
  openblas_set_num_threads(1);
  R->j.running = nw;
  for (i = 0; i < nw; i++) {
    R->w[i].j = &R->j;
    R->w[i].started = pthread_create(&R->w[i].tid, NULL, work, &R->w[i]) == 0;
    if (R->w[i].started) started++;
    else {
      pthread_mutex_lock(&R->j.mu);
      R->j.running--;
      pthread_mutex_unlock(&R->j.mu);
    }
  }
  if (started > 0) wait_workers(L, &R->j, R->w, nw, progress, label);
  for (i = 0; i < nw; i++)
    if (R->w[i].started) pthread_join(R->w[i].tid, NULL);
  openblas_set_num_threads(R->blas > 0 ? R->blas : 1);
  orr_pool_free(L, R->j.pool);
  R->j.pool = NULL;
  if (started == 0) return orr_error(L, fn, "could not start a worker thread");
  if (R->j.stop == 1 || orr_state_pending(L)) return orr_interrupterror(L, fn);
  if (R->j.stop == 3) return orr_error(L, fn, "a worker could not start: %s", R->j.setup);
  return gather(L, &R->j, R->w, nw, fn);
}


/* _cores() -> the online CPUs (the default number of workers) */
static int e_cores (lua_State *L) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  lua_pushinteger(L, n < 1 ? 1 : (lua_Integer)n);
  return 1;
}


void lexperiment_run_open (lua_State *L) {
  lua_pushcfunction(L, e_run);
  lua_setfield(L, -2, "_run");
  lua_pushcfunction(L, e_cores);
  lua_setfield(L, -2, "_cores");
}
