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
#include <sys/stat.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "mat/omat.h"
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
  omat *r = omat_new(L, k, 1);
  for (i = 0; i < k; i++) {
    double j = idx->x[i];
    if (!(j >= 1 && j <= (double)n))
      orr_error(L, "data.take", "index %f out of range 1..%d", j, (int)n);
    r->x[i] = x->x[(size_t)j - 1];
  }
  return 1;
}


/* _cbind(cols, n) -> n x k mat from an array of k vectors of length n */
static int d_cbind (lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 2);
  size_t k, j;
  omat *r;
  luaL_checktype(L, 1, LUA_TTABLE);
  k = (size_t)lua_rawlen(L, 1);
  r = omat_new(L, n > 0 ? (size_t)n : 0, k);
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


static int needquote (const char *s, size_t len, char sep) {
  size_t i;
  for (i = 0; i < len; i++)
    if (s[i] == sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r') return 1;
  return 0;
}


/* A chunked writer: no Lua allocation once the file is open. */
typedef struct writer { FILE *f; char *buf; size_t len, cap; int err; } writer;

static void wflush (writer *w) {
  if (w->len && !w->err && fwrite(w->buf, 1, w->len, w->f) != w->len)
    w->err = errno ? errno : EIO;
  w->len = 0;
}

static void wput (writer *w, const char *s, size_t len) {
  while (len > 0) {
    size_t room = w->cap - w->len, m = len < room ? len : room;
    memcpy(w->buf + w->len, s, m);
    w->len += m; s += m; len -= m;
    if (w->len == w->cap) wflush(w);
  }
}

static void wchar (writer *w, char c) {
  if (w->len == w->cap) wflush(w);
  w->buf[w->len++] = c;
}

/* Text is always quoted (as R's write.csv), so that a level that looks like
   a number or a missing-value marker reads back as the same text. */
static void wtext (writer *w, const char *s, size_t len, char sep) {
  size_t i;
  wchar(w, '"');
  if (!needquote(s, len, sep)) wput(w, s, len);
  else
    for (i = 0; i < len; i++) {
      if (s[i] == '"') wchar(w, '"');
      wchar(w, s[i]);
    }
  wchar(w, '"');
}


typedef struct wcol {
  const double *x;      /* numbers, or factor codes */
  strref *lev;          /* factor levels (NULL for a numeric column) */
} wcol;

#define WBUF_SIZE 65536

/*
** _write_csv(path, names, cols, n, sep, na): cols[j] is a vector (numeric) or
** a table {levels =, codes =}. Every argument is checked and every level
** collected before the file is opened, so no Lua error can leak the FILE.
*/
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

static int d_write_csv (lua_State *L) {
  const char *fn = "data.write_csv";
  const char *path = luaL_checkstring(L, 1);
  lua_Integer n = luaL_checkinteger(L, 4);
  size_t seplen, nalen, k, i, j;
  const char *sepstr = luaL_checklstring(L, 5, &seplen);
  const char *na = luaL_checklstring(L, 6, &nalen);
  char sep;
  wcol *cols;
  strref *names;
  writer w;
  int intr = 0;
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  if (badsep(sepstr, seplen)) orr_error(L, fn, "%s", SEP_RULE);
  sep = sepstr[0];
  /* written bare, so it must not end the field or open a quote */
  for (i = 0; i < nalen; i++)
    if (na[i] == sep || na[i] == '"' || na[i] == '\n' || na[i] == '\r')
      orr_error(L, fn, "na must not hold the separator, a quote or a line break");
  orr_checkpath(L, path, fn);
  k = (size_t)lua_rawlen(L, 2);
  lua_settop(L, 6);
  cols = (wcol *)orr_workbytes(L, (k + 1) * sizeof(wcol));          /* 7 */
  names = (strref *)orr_workbytes(L, (k + 1) * sizeof(strref));     /* 8 */
  w.buf = (char *)orr_workbytes(L, WBUF_SIZE);                      /* 9 */
  w.cap = WBUF_SIZE; w.len = 0; w.err = 0;
  lua_newtable(L);                                                 /* 10 */
  for (j = 0; j < k; j++) {
    omat *m;
    if (lua_rawgeti(L, 2, (lua_Integer)j + 1) != LUA_TSTRING)
      orr_error(L, fn, "column name %d is not a string", (int)j + 1);
    names[j].s = lua_tolstring(L, -1, &names[j].len);  /* kept alive by arg 2 */
    lua_pop(L, 1);
    lua_rawgeti(L, 3, (lua_Integer)j + 1);
    cols[j].lev = NULL;
    if ((m = omat_test(L, -1)) == NULL) {
      size_t nlev, l;
      lua_getfield(L, -1, "codes");
      m = omat_test(L, -1);
      lua_pop(L, 1);
      if (m == NULL || lua_getfield(L, -1, "levels") != LUA_TTABLE)
        orr_error(L, fn, "column '%s' is not a vector or a factor", names[j].s);
      nlev = (size_t)lua_rawlen(L, -1);
      cols[j].lev = (strref *)orr_workbytes(L, (nlev + 1) * sizeof(strref));
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
  w.f = fopen(path, "wb");
  if (w.f == NULL)
    orr_error(L, fn, "cannot open '%s': %s", path, strerror(errno));
  errno = 0;
  for (j = 0; j < k; j++) {
    if (j) wchar(&w, sep);
    wtext(&w, names[j].s, names[j].len, sep);
  }
  if (k) wchar(&w, '\n');
  for (i = 0; i < (size_t)n && !w.err; i++) {
    if ((i & 0xffff) == 0 && ORR_INTERRUPTED()) { intr = 1; break; }
    for (j = 0; j < k; j++) {
      double v = cols[j].x[i];
      if (j) wchar(&w, sep);
      if (isnan(v)) wput(&w, na, nalen);
      else if (cols[j].lev) {
        const strref *s = &cols[j].lev[(size_t)v - 1];
        wtext(&w, s->s, s->len, sep);
      }
      else {
        char buf[40];
        wput(&w, buf, (size_t)csv_fmtnum(buf, sizeof buf, v));
      }
    }
    wchar(&w, '\n');
  }
  wflush(&w);
  if (fclose(w.f) != 0 && !w.err) w.err = errno ? errno : EIO;
  if (intr) orr_interrupterror(L, fn);
  if (w.err) orr_error(L, fn, "cannot write '%s': %s", path, strerror(w.err));
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
  char *buf;            /* the file's bytes, NUL-terminated */
  size_t bufcap;
} csvbox;

static void box_release (csvbox *b) {
  csv_free(&b->P);
  if (b->buf) b->P.alloc(b->P.ud, b->buf, b->bufcap, 0);
  b->buf = NULL; b->bufcap = 0;
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
  luaL_setmetatable(L, CSVBOX);
  return b;
}

static const char *const csv_optnames[] = {"sep", "header", "na", NULL};

/* reads the options table at idx into o; the strings stay in that table */
static void csv_getopts (lua_State *L, int idx, const char *fn, csv_opts *o) {
  static const char *const defna[] = {"", "NA"};
  static const size_t defnalen[] = {0, 2};
  size_t len, i, n;
  const char *s;
  o->sep = ','; o->header = 1;
  o->na = defna; o->nalen = defnalen; o->nna = 2;
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
   unique as R's make.unique does ("a", "a.1", "a.2") */
static void pushnames (lua_State *L, const csv_t *P, int header) {
  size_t j;
  int seen, names;
  lua_createtable(L, 0, (int)P->ncol);
  seen = lua_gettop(L);
  lua_createtable(L, (int)P->ncol, 0);
  names = lua_gettop(L);
  for (j = 0; j < P->ncol; j++) {
    pushbase(L, P, j, header);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, seen) != LUA_TNIL) {
      int i;
      lua_pop(L, 1);
      for (i = 1; ; i++) {
        lua_pushfstring(L, "%s.%d", lua_tostring(L, -1), i);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, seen) == LUA_TNIL) { lua_pop(L, 1); break; }
        lua_pop(L, 2);
      }
      lua_remove(L, -2);
    }
    else lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushboolean(L, 1);
    lua_rawset(L, seen);
    lua_rawseti(L, names, (lua_Integer)j + 1);
  }
  lua_remove(L, seen);
}


/*
** Column j's values as a mat: the one parsed into (index 'mats'), cut to
** n rows, or a fresh copy when the kernel had to move the column or the
** guess at the rows was far too high.
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

/* names, columns (mats, or {levels =, codes =}), n -- then frees the parse */
static int pushresult (lua_State *L, csvbox *b, int header, int mats) {
  csv_t *P = &b->P;
  size_t j, i;
  pushnames(L, P, header);
  lua_createtable(L, (int)P->ncol, 0);
  for (j = 0; j < P->ncol; j++) {
    const csv_col *c = &P->cols[j];
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
    lua_rawseti(L, -2, (lua_Integer)j + 1);
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
** place. Returns the index of that table.
*/
static int parse (lua_State *L, csvbox *b, const char *buf, size_t len,
                  const csv_opts *o, const char *fn) {
  csv_t *P = &b->P;
  size_t j;
  int st, mats;
  if ((st = csv_begin(P, buf, len, o)) != CSV_OK) raise_parse(L, b, st, fn);
  lua_createtable(L, (int)P->ncol, 0);
  mats = lua_gettop(L);
  for (j = 0; j < P->ncol; j++) {
    omat *m = omat_new(L, P->cap, 1);
    csv_setbuffer(P, j, m->x);
    lua_rawseti(L, mats, (lua_Integer)j + 1);
  }
  if ((st = csv_rows(P)) != CSV_OK) raise_parse(L, b, st, fn);
  return mats;
}


/*
** Reads the file into the box: one read for a regular file (its size is
** known), growing by halves otherwise. No Lua error is raised while the
** FILE is open.
*/
static void readfile (lua_State *L, csvbox *b, const char *path,
                      const char *fn) {
  FILE *f = fopen(path, "rb");
  struct stat st;
  size_t len = 0, want;
  int err = 0, oom = 0;
  if (f == NULL) orr_error(L, fn, "cannot open '%s': %s", path, strerror(errno));
  want = (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
         ? (size_t)st.st_size + 2 : 65536;  /* + 1 to see the end */
  for (;;) {
    size_t got, req;
    if (b->bufcap - len < 2 || b->bufcap < want) {
      size_t ncap = b->bufcap < want ? want : b->bufcap + b->bufcap / 2;
      char *nb = (ncap > b->bufcap) ? (char *)b->P.alloc(b->P.ud, b->buf, b->bufcap, ncap) : NULL;
      if (nb == NULL) { oom = 1; break; }
      b->buf = nb; b->bufcap = ncap;
    }
    req = b->bufcap - len - 1;
    got = fread(b->buf + len, 1, req, f);
    len += got;
    if (got < req) { if (ferror(f)) err = errno ? errno : EIO; break; }
    want = 0;
  }
  fclose(f);
  if (oom) orr_error(L, fn, "not enough memory to read '%s'", path);
  if (err) orr_error(L, fn, "cannot read '%s': %s", path, strerror(err));
  if (b->buf == NULL) {  /* an empty file still needs its terminator */
    b->buf = (char *)b->P.alloc(b->P.ud, NULL, 0, 1);
    if (b->buf == NULL) orr_error(L, fn, "not enough memory");
    b->bufcap = 1;
  }
  b->buf[len] = '\0';
  b->P.nrow = len;  /* the length, until the parse sets the row count */
}


/* _read_csv(path [, opts]) -> names, columns, n */
static int d_read_csv (lua_State *L) {
  const char *fn = "data.read_csv";
  const char *path = luaL_checkstring(L, 1);
  csv_opts o;
  csvbox *b;
  size_t len;
  int mats;
  csv_getopts(L, 2, fn, &o);
  orr_checkpath(L, path, fn);
  b = newbox(L);
  readfile(L, b, path, fn);
  len = b->P.nrow;
  b->P.nrow = 0;
  mats = parse(L, b, b->buf, len, &o, fn);
  b->P.alloc(b->P.ud, b->buf, b->bufcap, 0);  /* the text is parsed: drop it */
  b->buf = NULL; b->bufcap = 0;
  return pushresult(L, b, o.header, mats);
}


/* _parse_string(s [, opts]) -> names, columns, n: read_csv on a string */
static int d_parse_string (lua_State *L) {
  const char *fn = "data.read_csv";
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);  /* Lua ends it with '\0' */
  csv_opts o;
  csvbox *b;
  int mats;
  csv_getopts(L, 2, fn, &o);
  b = newbox(L);
  mats = parse(L, b, s, len, &o, fn);
  return pushresult(L, b, o.header, mats);
}

static const luaL_Reg data_funcs[] = {
  {"_factor", d_factor}, {"_factor_num", d_factor_num},
  {"_which", d_which}, {"_take", d_take}, {"_cbind", d_cbind},
  {"_summary", d_summary}, {"_write_csv", d_write_csv},
  {"_read_csv", d_read_csv}, {"_parse_string", d_parse_string},
  {NULL, NULL}
};


int luaopen_orrery_data (lua_State *L) {
  /* the mat metatable must exist before we make mats */
  lua_getglobal(L, "require");
  lua_pushliteral(L, "orrery.mat");
  lua_call(L, 1, 0);
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
