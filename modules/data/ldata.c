/*
** data: the C half of frames -- factor building, row selection, column
** binding, summaries and CSV writing. The frame and factor objects themselves
** live in stdlib/data.lua; these functions work on their parts (mats, arrays
** of strings) and start with '_' because only the Lua half calls them.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "oworker.h"
#include "mat/omat.h"
#include "mat/lmat.h"
#include "data/csv.h"


/* ---------------------------------------------------------------------- */
/* factors                                                                 */
/* ---------------------------------------------------------------------- */

typedef struct strref { const char *s; size_t len; size_t row; } strref;

/* C byte order: memcmp on the common prefix, then the shorter first */
static int bytecmp (const char *a, size_t la, const char *b, size_t lb) {
  int c = memcmp(a, b, la < lb ? la : lb);
  if (c != 0) return c;
  return (la > lb) - (la < lb);
}

static int cmp_strref (const void *pa, const void *pb) {
  const strref *a = (const strref *)pa, *b = (const strref *)pb;
  int c = bytecmp(a->s, a->len, b->s, b->len);
  if (c != 0) return c;
  return (a->row > b->row) - (a->row < b->row);
}


/*
** _factor(values, n) -> levels, codes: values[1..n] are strings; nil, false
** and NaN are missing. Levels are the distinct strings in C byte order.
** The strings stay referenced by 'values' (argument 1) while we sort.
*/
static int d_factor (lua_State *L) {
  const char *fn = "data.factor";
  lua_Integer n = luaL_checkinteger(L, 2);
  strref *v;
  omat *codes;
  size_t i, m = 0, nlev = 0;
  luaL_checktype(L, 1, LUA_TTABLE);
  if (n < 0) orr_error(L, fn, "negative length");
  v = (strref *)orr_workbytes(L, (size_t)n * sizeof(strref));    /* 3 */
  codes = omat_new(L, (size_t)n, 1);                                /* 4 */
  for (i = 0; i < (size_t)n; i++) {
    int t = lua_rawgeti(L, 1, (lua_Integer)i + 1);
    if (t == LUA_TSTRING) {
      v[m].s = lua_tolstring(L, -1, &v[m].len);
      v[m].row = i;
      m++;
    }
    else if (t == LUA_TNIL || (t == LUA_TBOOLEAN && !lua_toboolean(L, -1)) ||
             (t == LUA_TNUMBER && isnan(lua_tonumber(L, -1))))
      codes->x[i] = NAN;
    else
      orr_error(L, fn, "element %d is %s; expected strings (nil, false or NaN "
                "for missing)", (int)i + 1, luaL_typename(L, -1));
    lua_pop(L, 1);  /* the string stays alive in values */
  }
  if (m > 1) qsort(v, m, sizeof(strref), cmp_strref);
  lua_newtable(L);                                                  /* 5 */
  for (i = 0; i < m; i++) {
    if (i == 0 || bytecmp(v[i].s, v[i].len, v[i - 1].s, v[i - 1].len) != 0) {
      nlev++;
      lua_pushlstring(L, v[i].s, v[i].len);
      lua_rawseti(L, 5, (lua_Integer)nlev);
    }
    codes->x[v[i].row] = (double)nlev;
  }
  lua_pushvalue(L, 4);
  return 2;
}


typedef struct numref { double x; size_t row; } numref;

static int cmp_numref (const void *pa, const void *pb) {
  const numref *a = (const numref *)pa, *b = (const numref *)pb;
  if (a->x != b->x) return a->x < b->x ? -1 : 1;
  return (a->row > b->row) - (a->row < b->row);
}


/*
** _factor_num(m) -> values, codes: the distinct non-NaN values of vector m
** in numeric order (a mat), and each element's index among them.
*/
static int d_factor_num (lua_State *L) {
  size_t n, i, m = 0, nlev = 0;
  omat *x = omat_vecarg(L, 1, "data.factor", "values", &n), *codes, *lev;
  numref *v = (numref *)orr_workbytes(L, n * sizeof(numref));
  codes = omat_new(L, n, 1);
  for (i = 0; i < n; i++) {
    if (isnan(x->x[i])) codes->x[i] = NAN;
    else { v[m].x = x->x[i]; v[m].row = i; m++; }
  }
  if (m > 1) qsort(v, m, sizeof(numref), cmp_numref);
  for (i = 0; i < m; i++) {
    if (i == 0 || v[i].x != v[i - 1].x) nlev++;
    codes->x[v[i].row] = (double)nlev;
  }
  lev = omat_new(L, nlev, 1);
  for (i = 0, nlev = 0; i < m; i++)
    if (i == 0 || v[i].x != v[i - 1].x) lev->x[nlev++] = v[i].x;
  lua_pushvalue(L, -2);
  return 2;
}


/* ---------------------------------------------------------------------- */
/* rows and columns                                                        */
/* ---------------------------------------------------------------------- */

/*
** _which(mask, n, fn) -> idx: the 1-based positions where mask is true.
** mask is an array of booleans or a 0/1 vector; NaN counts as false (as R's
** subset drops NA). Any other value is an error.
*/
static int d_which (lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 2);
  const char *fn = luaL_optstring(L, 3, "data.subset");
  omat *idx;
  size_t i, k = 0;
  double *w = orr_work(L, n > 0 ? (size_t)n : 0);                   /* 4 */
  if (lua_type(L, 1) == LUA_TTABLE && !omat_test(L, 1) &&
      (n == 0 || lua_rawgeti(L, 1, 1) != LUA_TNUMBER)) {
    if (n != 0) lua_pop(L, 1);
    if ((lua_Integer)lua_rawlen(L, 1) != n)
      orr_error(L, fn, "mask has %d elements but the frame has %d rows",
                (int)lua_rawlen(L, 1), (int)n);
    for (i = 0; i < (size_t)n; i++) {
      if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TBOOLEAN)
        orr_error(L, fn, "mask element %d is %s, expected a boolean",
                  (int)i + 1, luaL_typename(L, -1));
      if (lua_toboolean(L, -1)) w[k++] = (double)i + 1;
      lua_pop(L, 1);
    }
  }
  else {
    size_t len;
    omat *m;
    if (lua_type(L, 1) == LUA_TTABLE && n != 0 && !omat_test(L, 1)) lua_pop(L, 1);
    m = omat_vecarg(L, 1, fn, "mask", &len);
    if (len != (size_t)n)
      orr_error(L, fn, "mask has %d elements but the frame has %d rows",
                (int)len, (int)n);
    for (i = 0; i < len; i++) {
      double v = m->x[i];
      if (v == 1) w[k++] = (double)i + 1;
      else if (v != 0 && !isnan(v))
        orr_error(L, fn, "mask element %d is %f, expected 0 or 1 (or a boolean)",
                  (int)i + 1, v);
    }
  }
  idx = omat_new(L, k, 1);
  if (k) memcpy(idx->x, w, k * sizeof(double));
  return 1;
}


/* _take(m, idx) -> the elements of vector m at the 1-based positions idx */
static int d_take (lua_State *L) {
  size_t n, k, i;
  omat *x = omat_vecarg(L, 1, "data.take", "column", &n);
  omat *idx = omat_vecarg(L, 2, "data.take", "index", &k);
  omat *r = omat_newraw(L, k, 1);  /* every element written below */
  for (i = 0; i < k; i++) {
    double j = idx->x[i];
    if (!(j >= 1 && j <= (double)n))
      orr_error(L, "data.take", "index %f out of range 1..%d", j, (int)n);
    r->x[i] = x->x[(size_t)j - 1];
  }
  return 1;
}


/* _slice(m, i, j) -> a copy of the elements i..j of vector m (1-based;
   none when j < i) */
static int d_slice (lua_State *L) {
  size_t n;
  omat *x = omat_vecarg(L, 1, "data.head", "column", &n), *r;
  lua_Integer i = luaL_checkinteger(L, 2), j = luaL_checkinteger(L, 3);
  if (j < i) j = i - 1;
  if (i < 1 || (lua_Unsigned)j > n)
    orr_error(L, "data.head", "rows %d..%d out of range 1..%d", (int)i, (int)j, (int)n);
  r = omat_newraw(L, (size_t)(j - i + 1), 1);
  if (j >= i) memcpy(r->x, x->x + (i - 1), (size_t)(j - i + 1) * sizeof(double));
  return 1;
}


/* _cbind(cols, n) -> n x k mat from an array of k vectors of length n */
static int d_cbind (lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 2);
  size_t k, j;
  omat *r;
  luaL_checktype(L, 1, LUA_TTABLE);
  k = (size_t)lua_rawlen(L, 1);
  r = omat_newraw(L, n > 0 ? (size_t)n : 0, k);  /* every column copied in */
  for (j = 0; j < k; j++) {
    omat *c;
    lua_rawgeti(L, 1, (lua_Integer)j + 1);
    c = omat_test(L, -1);
    if (c == NULL || c->r * c->c != r->r)
      orr_error(L, "data.matrix", "column %d is not a vector of length %d",
                (int)j + 1, (int)r->r);
    if (r->r) memcpy(&OMAT(r, 0, j), c->x, r->r * sizeof(double));
    lua_pop(L, 1);
  }
  return 1;
}


static int cmp_double (const void *pa, const void *pb) {
  double a = *(const double *)pa, b = *(const double *)pb;
  return (a > b) - (a < b);
}

/* quantile of sorted x[0..m-1] by R's default rule (type 7) */
static double quantile7 (const double *x, size_t m, double p) {
  double h = (double)(m - 1) * p;
  size_t lo = (size_t)floor(h);
  if (lo + 1 >= m) return x[m - 1];
  return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/*
** _summary(m) -> {n=, n_missing=, min=, q1=, median=, mean=, q3=, max=}
** over the non-NaN elements (as R's summary(), quantiles of type 7).
*/
static int d_summary (lua_State *L) {
  size_t n, i, m = 0;
  omat *x = omat_vecarg(L, 1, "data.describe", "column", &n);
  double *w = orr_work(L, n), sum = 0, mean = NAN, corr = 0;
  for (i = 0; i < n; i++)
    if (!isnan(x->x[i])) { w[m++] = x->x[i]; sum += x->x[i]; }
  if (m > 0) {
    mean = sum / (double)m;
    if (isfinite(mean)) {  /* one correction pass: the mean to the last bit */
      for (i = 0; i < m; i++) corr += w[i] - mean;
      mean += corr / (double)m;
    }
    qsort(w, m, sizeof(double), cmp_double);
  }
  lua_createtable(L, 0, 8);
  lua_pushinteger(L, (lua_Integer)m); lua_setfield(L, -2, "n");
  lua_pushinteger(L, (lua_Integer)(n - m)); lua_setfield(L, -2, "n_missing");
  lua_pushnumber(L, m ? w[0] : NAN); lua_setfield(L, -2, "min");
  lua_pushnumber(L, m ? quantile7(w, m, 0.25) : NAN); lua_setfield(L, -2, "q1");
  lua_pushnumber(L, m ? quantile7(w, m, 0.5) : NAN); lua_setfield(L, -2, "median");
  lua_pushnumber(L, mean); lua_setfield(L, -2, "mean");
  lua_pushnumber(L, m ? quantile7(w, m, 0.75) : NAN); lua_setfield(L, -2, "q3");
  lua_pushnumber(L, m ? w[m - 1] : NAN); lua_setfield(L, -2, "max");
  return 1;
}

/* ---------------------------------------------------------------------- */
/* writing CSV                                                             */
/* ---------------------------------------------------------------------- */

/*
** Separators either side refuses: ones that could be part of a number or a
** quoted field would make the file ambiguous, so write_csv must not produce
** what read_csv cannot read back.
*/
#define SEP_RULE "sep must be one character, not a quote, line break, " \
                 "letter, digit, '.', '+' or '-'"

static int badsep (const char *s, size_t len) {
  return len != 1 || s[0] == '"' || s[0] == '\n' || s[0] == '\r' ||
         s[0] == '\0' || s[0] == '.' || s[0] == '+' || s[0] == '-' ||
         (s[0] >= '0' && s[0] <= '9') ||
         ((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z');
}

#define MAXTHREADS 16   /* the default: online CPUs, at most this */

/* the online CPUs, at most MAXTHREADS */
static int defthreads (void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > MAXTHREADS ? MAXTHREADS : (int)n;
}

/* the default in L: one thread in an experiment's worker (its siblings
   have the other cores), else defthreads() */
static int autothreads (lua_State *L) {
  int worker = lua_getfield(L, LUA_REGISTRYINDEX, ORR_WORKER) != LUA_TNIL;
  lua_pop(L, 1);
  return worker ? 1 : defthreads();
}

/* the 'threads' argument at idx: nil for the default, else 1.. */
static int getthreads (lua_State *L, int idx, const char *fn) {
  lua_Integer t;
  if (lua_isnoneornil(L, idx)) return autothreads(L);
  if (!lua_isinteger(L, idx) || (t = lua_tointeger(L, idx)) < 1 || t > 1024)
    orr_error(L, fn, "option 'threads' must be an integer from 1 to 1024");
  t = lua_tointeger(L, idx);
  return t > 64 ? 64 : (int)t;
}

#define WBLOCK ((size_t)1 << 20)   /* bytes of rows a thread formats at once */

/*
** _write_csv(path, names, cols, n, sep, na [, threads]): cols[j] is a vector
** (numeric) or a table {levels =, codes =}. Every argument is checked and
** every level collected before the file is opened, so no Lua error can leak
** the descriptor.
*/
static int d_write_csv (lua_State *L) {
  const char *fn = "data.write_csv";
  const char *path = luaL_checkstring(L, 1);
  lua_Integer n = luaL_checkinteger(L, 4);
  size_t seplen, nalen, k, i, j, rowmax, bufsize;
  const char *sepstr = luaL_checklstring(L, 5, &seplen);
  const char *na = luaL_checklstring(L, 6, &nalen);
  int threads = getthreads(L, 7, fn), nbuf, fd, st, err;
  csv_wcol *cols;
  csv_wlevel *names;
  csv_wopts o;
  char *work;
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  if (badsep(sepstr, seplen)) orr_error(L, fn, "%s", SEP_RULE);
  o.sep = sepstr[0]; o.na = na; o.nalen = nalen;
  /* written bare, so it must not end the field or open a quote */
  for (i = 0; i < nalen; i++)
    if (na[i] == o.sep || na[i] == '"' || na[i] == '\n' || na[i] == '\r')
      orr_error(L, fn, "na must not hold the separator, a quote or a line break");
  k = (size_t)lua_rawlen(L, 2);
  lua_settop(L, 7);
  cols = (csv_wcol *)orr_workbytes(L, (k + 1) * sizeof(csv_wcol));      /* 8 */
  names = (csv_wlevel *)orr_workbytes(L, (k + 1) * sizeof(csv_wlevel)); /* 9 */
  lua_newtable(L);                                                      /* 10 */
  for (j = 0; j < k; j++) {
    omat *m;
    if (lua_rawgeti(L, 2, (lua_Integer)j + 1) != LUA_TSTRING)
      orr_error(L, fn, "column name %d is not a string", (int)j + 1);
    names[j].s = lua_tolstring(L, -1, &names[j].len);  /* kept alive by arg 2 */
    lua_pop(L, 1);
    lua_rawgeti(L, 3, (lua_Integer)j + 1);
    cols[j].lev = NULL; cols[j].nlev = 0;
    if ((m = omat_test(L, -1)) == NULL) {
      size_t nlev, l;
      lua_getfield(L, -1, "codes");
      m = omat_test(L, -1);
      lua_pop(L, 1);
      if (m == NULL || lua_getfield(L, -1, "levels") != LUA_TTABLE)
        orr_error(L, fn, "column '%s' is not a vector or a factor", names[j].s);
      nlev = (size_t)lua_rawlen(L, -1);
      cols[j].lev = (csv_wlevel *)orr_workbytes(L, (nlev + 1) * sizeof(csv_wlevel));
      cols[j].nlev = nlev;
      lua_rawseti(L, 10, (lua_Integer)j + 1);  /* keeps the array alive */
      for (l = 0; l < nlev; l++) {
        if (lua_rawgeti(L, -1, (lua_Integer)l + 1) != LUA_TSTRING)
          orr_error(L, fn, "column '%s': level %d is not a string", names[j].s, (int)l + 1);
        cols[j].lev[l].s = lua_tolstring(L, -1, &cols[j].lev[l].len);
        lua_pop(L, 1);
      }
      for (i = 0; i < m->r * m->c; i++) {
        double v = m->x[i];
        if (!isnan(v) && !(v >= 1 && v <= (double)nlev && v == floor(v)))
          orr_error(L, fn, "column '%s' row %d: factor code %f is not a level",
                    names[j].s, (int)i + 1, v);
      }
      lua_pop(L, 1);  /* levels */
    }
    if (m->r * m->c != (size_t)n)
      orr_error(L, fn, "column '%s' has length %d, expected %d", names[j].s,
                (int)(m->r * m->c), (int)n);
    cols[j].x = m->x;
    lua_pop(L, 1);
  }
  rowmax = csv_wrowmax(cols, k, &o);
  if (rowmax == 0) orr_error(L, fn, "not enough memory");
  bufsize = rowmax > WBLOCK ? rowmax : WBLOCK;
  /* one buffer without threads; two a thread with, so that none waits */
  nbuf = threads > 1 && (size_t)n * rowmax > bufsize ? 2 * threads : 1;
  if (nbuf > CSV_WMAXBUF) nbuf = CSV_WMAXBUF;
  if (bufsize > ((size_t)-1) / 4 / (size_t)nbuf) orr_error(L, fn, "not enough memory");
  work = (char *)orr_workbytes(L, bufsize * (size_t)nbuf);
  fd = orr_openpath(L, path, 1, fn);
  st = csv_write(fd, names, cols, k, (size_t)n, &o, rowmax, work, bufsize, nbuf, &err);
  if (close(fd) != 0 && st == CSV_OK) { st = CSV_EIO; err = errno; }
  if (st == CSV_EINTR) orr_interrupterror(L, fn);
  if (st != CSV_OK) orr_error(L, fn, "cannot write '%s': %s", path, strerror(err));
  return 0;
}



/* ---------------------------------------------------------------------- */
/* reading CSV                                                             */
/* ---------------------------------------------------------------------- */

#define CSVBOX "orrery.data.csvbox"

/*
** Everything a parse holds -- the file's bytes and the kernel's buffers --
** hangs off one userdata, allocated with Lua's allocator (so the memory cap
** applies) and freed by its __gc if an error cuts the call short.
*/
typedef struct csvbox {
  csv_t P;
  char *buf;            /* the file's bytes read in, NUL-terminated ... */
  size_t bufcap;
  void *map;            /* ... or mapped, with a zero page after them */
  size_t maplen;
} csvbox;

static void box_release (csvbox *b) {
  csv_free(&b->P);
  if (b->buf) b->P.alloc(b->P.ud, b->buf, b->bufcap, 0);
  if (b->map) munmap(b->map, b->maplen);
  b->buf = NULL; b->bufcap = 0;
  b->map = NULL; b->maplen = 0;
}

static int box_gc (lua_State *L) {
  box_release((csvbox *)luaL_checkudata(L, 1, CSVBOX));
  return 0;
}

static csvbox *newbox (lua_State *L) {
  csvbox *b = (csvbox *)lua_newuserdatauv(L, sizeof(csvbox), 0);
  void *ud;
  lua_Alloc f = lua_getallocf(L, &ud);
  csv_init(&b->P, f, ud);
  b->buf = NULL; b->bufcap = 0;
  b->map = NULL; b->maplen = 0;
  luaL_setmetatable(L, CSVBOX);
  return b;
}

/* what csv_getopts finds: the kernel's options, and where the rest is */
typedef struct readopts {
  csv_opts o;
  int select, types;    /* stack indices of those options, 0 if absent */
} readopts;

static const char *const csv_optnames[] = {"sep", "header", "na", "threads",
                                           "select", "types", NULL};

/*
** Reads the options table at idx into R; the strings stay in that table,
** and select and types are left for resolve (they need the names). minchunk
** (argument idx + 1, private: tests and fuzzing) makes small chunks.
*/
static void csv_getopts (lua_State *L, int idx, const char *fn, readopts *R) {
  static const char *const defna[] = {"", "NA"};
  static const size_t defnalen[] = {0, 2};
  csv_opts *o = &R->o;
  size_t len, i, n;
  const char *s;
  o->sep = ','; o->header = 1;
  o->na = defna; o->nalen = defnalen; o->nna = 2;
  o->threads = autothreads(L);
  o->minchunk = 0;
  R->select = R->types = 0;
  if (!lua_isnoneornil(L, idx + 1)) {
    lua_Integer m = luaL_checkinteger(L, idx + 1);
    o->minchunk = m < 1 ? 1 : (size_t)m;
  }
  if (lua_isnoneornil(L, idx)) return;
  if (!lua_istable(L, idx))
    orr_error(L, fn, "options must be a table, got %s", luaL_typename(L, idx));
  orr_checkopts(L, idx, fn, csv_optnames);
  if (lua_getfield(L, idx, "sep") != LUA_TNIL) {
    s = lua_tolstring(L, -1, &len);
    if (lua_type(L, -1) != LUA_TSTRING || badsep(s, len))
      orr_error(L, fn, "%s", SEP_RULE);
    o->sep = s[0];
  }
  lua_pop(L, 1);
  o->header = orr_optboolean(L, idx, "header", 1, fn);
  lua_getfield(L, idx, "threads");
  o->threads = getthreads(L, -1, fn);
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "select") != LUA_TNIL) {
    if (!lua_istable(L, -1) && lua_type(L, -1) != LUA_TSTRING && !lua_isinteger(L, -1))
      orr_error(L, fn, "option 'select' must be an array of column names or indices");
    R->select = lua_gettop(L);
  }
  else lua_pop(L, 1);
  if (lua_getfield(L, idx, "types") != LUA_TNIL) {
    if (!lua_istable(L, -1))
      orr_error(L, fn, "option 'types' must be a table {name = \"number\" or \"text\"}");
    R->types = lua_gettop(L);
  }
  else lua_pop(L, 1);
  /* the value of 'na' and the work arrays stay on the stack */
  switch (lua_getfield(L, idx, "na")) {
    case LUA_TNIL: lua_pop(L, 1); return;
    case LUA_TSTRING: n = 1; break;
    case LUA_TTABLE: n = (size_t)lua_rawlen(L, -1); break;
    default:
      orr_error(L, fn, "option 'na' must be a string or an array of strings");
      return;
  }
  {
    const char **na = (const char **)orr_workbytes(L, (n + 1) * sizeof(char *));
    size_t *nalen = (size_t *)orr_workbytes(L, (n + 1) * sizeof(size_t));
    if (lua_type(L, -3) == LUA_TSTRING) na[0] = lua_tolstring(L, -3, &nalen[0]);
    else
      for (i = 0; i < n; i++) {
        if (lua_rawgeti(L, -3, (lua_Integer)i + 1) != LUA_TSTRING)
          orr_error(L, fn, "option 'na' element %d is %s, expected a string",
                    (int)i + 1, luaL_typename(L, -1));
        na[i] = lua_tolstring(L, -1, &nalen[i]);  /* kept by the na table */
        lua_pop(L, 1);
      }
    o->na = na; o->nalen = nalen; o->nna = n;
  }
}


/* the name of column j as the file has it, or Vj */
static void pushbase (lua_State *L, const csv_t *P, size_t j, int header) {
  if (header && P->names[j].len > 0)
    lua_pushlstring(L, P->arena + P->names[j].off, P->names[j].len);
  else
    lua_pushfstring(L, "V%d", (int)j + 1);
}

/* the names: V1..Vk without a header, Vj for an empty one; repeats made
   unique as R's make.unique does ("a", "a.1", "a.2"). seen[name] is the
   next suffix to try for a repeat of name, so that 16000 columns "x" cost
   16000 tries, not 16000^2 / 2. */
static void pushnames (lua_State *L, const csv_t *P, int header, const char *fn) {
  size_t j;
  int seen, names;
  lua_createtable(L, 0, (int)P->ncol);
  seen = lua_gettop(L);
  lua_createtable(L, (int)P->ncol, 0);
  names = lua_gettop(L);
  for (j = 0; j < P->ncol; j++) {
    if ((j & 1023) == 0 && ORR_INTERRUPTED()) orr_interrupterror(L, fn);
    pushbase(L, P, j, header);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, seen) != LUA_TNIL) {   /* base, next */
      lua_Integer i = lua_tointeger(L, -1);
      lua_pop(L, 1);
      for (;; i++) {
        lua_pushfstring(L, "%s.%I", lua_tostring(L, -1), i);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, seen) == LUA_TNIL) { lua_pop(L, 1); break; }
        lua_pop(L, 2);
      }
      lua_pushvalue(L, -2);
      lua_pushinteger(L, i + 1);
      lua_rawset(L, seen);                     /* seen[base] = i + 1 */
      lua_remove(L, -2);
    }
    else lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushinteger(L, 1);
    lua_rawset(L, seen);
    lua_rawseti(L, names, (lua_Integer)j + 1);
  }
  lua_remove(L, seen);
}

/*
** Column index (0-based) of the value at idx -- a name among the names at
** 'names' or a 1-based index -- for option 'what'.
*/
static size_t colindex (lua_State *L, int idx, int names, size_t ncol,
                        const char *what, const char *fn) {
  size_t j;
  idx = lua_absindex(L, idx);
  if (lua_isinteger(L, idx)) {
    lua_Integer i = lua_tointeger(L, idx);
    if (i < 1 || (lua_Unsigned)i > ncol)
      orr_error(L, fn, "option '%s': column %d is out of range 1..%d", what,
                (int)i, (int)ncol);
    return (size_t)i - 1;
  }
  if (lua_type(L, idx) != LUA_TSTRING)
    orr_error(L, fn, "option '%s': expected column names or indices, got %s",
              what, luaL_typename(L, idx));
  for (j = 0; j < ncol; j++) {
    int eq;
    lua_rawgeti(L, names, (lua_Integer)j + 1);
    eq = lua_rawequal(L, -1, idx);
    lua_pop(L, 1);
    if (eq) return j;
  }
  return orr_error(L, fn, "option '%s': no column named '%s'", what,
                   lua_tostring(L, idx));
}

/*
** Applies select and types to the parse (csv_settype) and pushes the order
** of the columns to return: an array of 1-based indices, the selected ones
** in the order given, or every column.
*/
static int resolve (lua_State *L, csv_t *P, const readopts *R, int names,
                    const char *fn) {
  size_t j, ncol = P->ncol;
  int order;
  lua_createtable(L, (int)ncol, 0);
  order = lua_gettop(L);
  if (R->select) {
    size_t nsel, i;
    for (j = 0; j < ncol; j++) csv_settype(P, j, CSV_SKIP);
    if (lua_istable(L, R->select)) nsel = (size_t)lua_rawlen(L, R->select);
    else nsel = 1;
    for (i = 0; i < nsel; i++) {
      if (lua_istable(L, R->select)) lua_rawgeti(L, R->select, (lua_Integer)i + 1);
      else lua_pushvalue(L, R->select);
      j = colindex(L, -1, names, ncol, "select", fn);
      lua_pop(L, 1);
      if (P->cols[j].want != CSV_SKIP) {
        lua_rawgeti(L, names, (lua_Integer)j + 1);
        orr_error(L, fn, "option 'select': column '%s' is selected twice",
                  lua_tostring(L, -1));
      }
      csv_settype(P, j, CSV_AUTO);
      lua_pushinteger(L, (lua_Integer)j + 1);
      lua_rawseti(L, order, (lua_Integer)i + 1);
    }
  }
  else
    for (j = 0; j < ncol; j++) {
      lua_pushinteger(L, (lua_Integer)j + 1);
      lua_rawseti(L, order, (lua_Integer)j + 1);
    }
  if (R->types) {
    lua_pushnil(L);
    while (lua_next(L, R->types)) {
      const char *t = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
      int want = strcmp(t, "number") == 0 ? CSV_NUMBER
               : strcmp(t, "text") == 0 ? CSV_TEXT : -1;
      j = colindex(L, -2, names, ncol, "types", fn);
      if (want < 0) {
        lua_rawgeti(L, names, (lua_Integer)j + 1);
        orr_error(L, fn, "option 'types': column '%s' must be \"number\" or "
                  "\"text\"", lua_tostring(L, -1));
      }
      if (P->cols[j].want != CSV_SKIP) csv_settype(P, j, want);
      lua_pop(L, 1);
    }
  }
  return order;
}


/*
** Column j's values as a mat: the one parsed into (index 'mats'), cut to
** n rows, or a fresh copy when the kernel had to move the column or the
** rows expected were far too many.
*/
static void pushcolumn (lua_State *L, const csv_t *P, size_t j, int mats) {
  const csv_col *c = &P->cols[j];
  size_t n = P->nrow;
  omat *m;
  if (c->ext && P->cap - n <= n / 8 + 64) {
    lua_rawgeti(L, mats, (lua_Integer)j + 1);
    m = omat_test(L, -1);
    m->r = n;  /* the storage was P->cap rows: the tail goes unused */
    return;
  }
  m = omat_new(L, n, 1);
  if (n) memcpy(m->x, c->x, n * sizeof(double));
}

/* names, columns (mats, or {levels =, codes =}), n in the order at 'order'
   -- then frees the parse */
static int pushresult (lua_State *L, csvbox *b, int names, int order,
                       int mats) {
  csv_t *P = &b->P;
  size_t i, o, nout = (size_t)lua_rawlen(L, order);
  lua_createtable(L, (int)nout, 0);
  lua_createtable(L, (int)nout, 0);
  for (o = 0; o < nout; o++) {
    size_t j;
    const csv_col *c;
    lua_rawgeti(L, order, (lua_Integer)o + 1);
    j = (size_t)lua_tointeger(L, -1) - 1;
    lua_pop(L, 1);
    c = &P->cols[j];
    lua_rawgeti(L, names, (lua_Integer)j + 1);
    lua_rawseti(L, -3, (lua_Integer)o + 1);
    if (c->text) {
      lua_createtable(L, 0, 2);
      lua_createtable(L, (int)c->nlev, 0);
      for (i = 0; i < c->nlev; i++) {
        lua_pushlstring(L, P->arena + c->lev[i].off, c->lev[i].len);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
      }
      lua_setfield(L, -2, "levels");
      pushcolumn(L, P, j, mats);
      lua_setfield(L, -2, "codes");
    }
    else pushcolumn(L, P, j, mats);
    lua_rawseti(L, -2, (lua_Integer)o + 1);
  }
  lua_pushinteger(L, (lua_Integer)P->nrow);
  box_release(b);  /* now, not at the next GC cycle: it may be large */
  return 3;
}


static void raise_parse (lua_State *L, csvbox *b, int status, const char *fn) {
  if (status == CSV_EINTR) orr_interrupterror(L, fn);
  orr_error(L, fn, "%s", b->P.msg);
}


/*
** Parses buf into mats made before the rows are read (P->cap rows each,
** kept in a table on the stack), so the numbers go straight to their final
** place; then pushes the result.
*/
static int parse (lua_State *L, csvbox *b, const char *buf, size_t len,
                  const readopts *R, const char *fn) {
  csv_t *P = &b->P;
  size_t j;
  int st, mats, names, order;
  if ((st = csv_begin(P, buf, len, &R->o)) != CSV_OK) raise_parse(L, b, st, fn);
  pushnames(L, P, R->o.header, fn);
  names = lua_gettop(L);
  order = resolve(L, P, R, names, fn);
  lua_createtable(L, (int)P->ncol, 0);
  mats = lua_gettop(L);
  for (j = 0; j < P->ncol; j++) {
    omat *m;
    if (P->cols[j].want == CSV_SKIP) continue;
    m = omat_newraw(L, P->cap, 1);  /* every row is written (first by the
                                       threads that parse it) */
    csv_setbuffer(P, j, m->x);
    lua_rawseti(L, mats, (lua_Integer)j + 1);
  }
  if ((st = csv_rows(P)) != CSV_OK) raise_parse(L, b, st, fn);
  return pushresult(L, b, names, order, mats);
}


/*
** The file's bytes in the box, NUL-terminated. A regular file is mapped,
** with an anonymous zero page after it for the terminator; the memory cap
** applies as if it were read in (an allocation of its size must succeed,
** though it is given back at once). Anything else is read, growing by
** halves, up to orr_streamlimit bytes (/dev/zero must not fill the
** memory). No Lua error is raised while the file is open.
*/
static size_t loadfile (lua_State *L, csvbox *b, const char *path,
                        const char *fn) {
  int fd = orr_openpath(L, path, 0, fn);
  size_t limit = orr_streamlimit(L);
  struct stat st;
  size_t len = 0;
  int err = 0, oom = 0, big = 0;
  FILE *f;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      (uint64_t)st.st_size < ((size_t)-1) / 2) {
    size_t size = (size_t)st.st_size, page = (size_t)sysconf(_SC_PAGESIZE);
    size_t total = (size + 1 + page - 1) / page * page;
    void *probe = b->P.alloc(b->P.ud, NULL, 0, size + 1);
    void *m;
    if (probe == NULL) {
      close(fd);
      orr_error(L, fn, "not enough memory to read '%s'", path);
    }
    b->P.alloc(b->P.ud, probe, size + 1, 0);
    m = mmap(NULL, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) {
      int flags = MAP_PRIVATE | MAP_FIXED;
#ifdef MAP_POPULATE
      flags |= MAP_POPULATE;  /* the page tables now, not a fault a page */
#endif
      if (mmap(m, size, PROT_READ, flags, fd, 0) != MAP_FAILED) {
        close(fd);
        b->map = m; b->maplen = total;
        return size;
      }
      munmap(m, total);
    }
  }
  f = fdopen(fd, "rb");
  if (f == NULL) {
    err = errno;
    close(fd);
    orr_error(L, fn, "cannot read '%s': %s", path, strerror(err));
  }
  for (;;) {
    size_t got, req;
    if (b->bufcap - len < 2) {
      size_t ncap = b->bufcap ? b->bufcap + b->bufcap / 2 : 65536;
      if (len >= limit) { big = 1; break; }
      if (ncap > limit + 2) ncap = limit + 2;
      char *nb = (char *)b->P.alloc(b->P.ud, b->buf, b->bufcap, ncap);
      if (nb == NULL) { oom = 1; break; }
      b->buf = nb; b->bufcap = ncap;
    }
    req = b->bufcap - len - 1;
    got = fread(b->buf + len, 1, req, f);
    len += got;
    if (got < req) { if (ferror(f)) err = errno ? errno : EIO; break; }
  }
  fclose(f);
  if (oom) orr_error(L, fn, "not enough memory to read '%s'", path);
  if (big) orr_error(L, fn, "reading '%s' stopped at %I bytes, the limit for a "
                     "stream that is not a regular file", path, (lua_Integer)limit);
  if (err) orr_error(L, fn, "cannot read '%s': %s", path, strerror(err));
  b->buf[len] = '\0';
  return len;
}


/* _read_csv(path [, opts [, minchunk]]) -> names, columns, n */
static int d_read_csv (lua_State *L) {
  const char *fn = "data.read_csv";
  const char *path = luaL_checkstring(L, 1);
  readopts R;
  csvbox *b;
  size_t len;
  csv_getopts(L, 2, fn, &R);
  b = newbox(L);
  len = loadfile(L, b, path, fn);
  return parse(L, b, b->map ? (const char *)b->map : b->buf, len, &R, fn);
}


/* _parse_string(s [, opts [, minchunk]]) -> names, columns, n: read_csv on
   a string */
static int d_parse_string (lua_State *L) {
  const char *fn = "data.read_csv";
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);  /* Lua ends it with '\0' */
  readopts R;
  csvbox *b;
  csv_getopts(L, 2, fn, &R);
  b = newbox(L);
  return parse(L, b, s, len, &R, fn);
}

static const luaL_Reg data_funcs[] = {
  {"_factor", d_factor}, {"_factor_num", d_factor_num},
  {"_which", d_which}, {"_take", d_take}, {"_slice", d_slice},
  {"_cbind", d_cbind},
  {"_summary", d_summary}, {"_write_csv", d_write_csv},
  {"_read_csv", d_read_csv}, {"_parse_string", d_parse_string},
  {NULL, NULL}
};


int luaopen_orrery_data (lua_State *L) {
  /* the mat metatable must exist before we make mats */
  orr_require(L, "mat");
  lua_pop(L, 1);
  if (luaL_newmetatable(L, CSVBOX)) {
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__close");
  }
  lua_pop(L, 1);
  orr_newlib(L, "data", data_funcs, NULL);
  return 1;
}
