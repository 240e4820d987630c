/*
** mat: dense column-major matrices for Lua (the binding).
** A matrix is one full userdata (omat.h); every operation returns a new one
** except A:set. The numerics live in the kernels (mat.c, decomp.c); this
** file checks arguments, allocates results and work arrays as userdata (so
** an error frees them) and turns kernel statuses into "mat:fn: problem".
*/
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "mat/omat.h"
#include "mat/lmat.h"
#include "mat/mat.h"


int luaopen_orrery_mat (lua_State *L);


/* ---------------------------------------------------------------------- */
/* the C API of omat.h                                                     */
/* ---------------------------------------------------------------------- */

/* The hint of OMAT_HUGE_MIN (lmat.h) for the whole 2 MB pages inside
   [p, p + nb): the only part of a buffer the kernel can back by one. */
static void hugepages (void *p, size_t nb) {
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
  uintptr_t e = ((uintptr_t)p + nb) & ~(huge - 1);
  if (nb >= OMAT_HUGE_MIN && e > a)
    (void)madvise((void *)a, e - a, MADV_HUGEPAGE);  /* a hint only */
#else
  (void)p; (void)nb;
#endif
}


double *omat_buffer (lua_State *L, size_t n) {
  size_t nb;
  void *p;
  if (n > ((size_t)-1 - sizeof(omat)) / sizeof(double))
    luaL_error(L, "not enough memory");
  nb = n * sizeof(double);
  p = lua_newuserdatauv(L, nb ? nb : 1, 0);
  hugepages(p, nb);
  return (double *)p;
}


omat *omat_new (lua_State *L, size_t r, size_t c) {
  omat *m = omat_newraw(L, r, c);
  if (r != 0 && c != 0) memset(m->x, 0, r * c * sizeof(double));
  return m;
}


omat *omat_newraw (lua_State *L, size_t r, size_t c) {
  omat *m;
  size_t n;
  if (c != 0 && r > ((size_t)-1 - sizeof(omat)) / sizeof(double) / c)
    luaL_error(L, "mat: a %d x %d matrix is too large", (int)r, (int)c);
  n = r * c;
  if (sizeof(omat) + n * sizeof(double) > orr_capleft(L))  /* a named error */
    orr_nomem(L, sizeof(omat) + n * sizeof(double));
  m = (omat *)lua_newuserdatauv(L, sizeof(omat) + n * sizeof(double), 0);
  m->r = r; m->c = c;
  m->x = (double *)(m + 1);
  hugepages(m->x, n * sizeof(double));
  if (luaL_getmetatable(L, OMAT_TNAME) == LUA_TNIL) {
    /* a binding made a matrix before anything loaded mat: load it now, so
       that no matrix ever lacks its metatable */
    lua_pop(L, 1);
    luaL_requiref(L, "orrery.mat", luaopen_orrery_mat, 0);
    lua_pop(L, 1);
    luaL_getmetatable(L, OMAT_TNAME);
  }
  lua_setmetatable(L, -2);
  return m;
}


omat *omat_test (lua_State *L, int idx) {
  return (omat *)luaL_testudata(L, idx, OMAT_TNAME);
}


omat *omat_check (lua_State *L, int idx, const char *fn, const char *what) {
  omat *m = omat_test(L, idx);
  if (m == NULL)
    orr_error(L, fn, "'%s' must be a matrix, got %s", what,
              luaL_typename(L, idx));
  return m;
}


/* the length of the array part as Lua's # sees it, without metamethods */
static size_t arraylen (lua_State *L, int idx) {
  return (size_t)lua_rawlen(L, idx);
}


static omat *fromtable (lua_State *L, int idx, const char *fn,
                        const char *what) {
  size_t n = arraylen(L, idx), i, j, c = 0;
  omat *m;
  int t;
  if (n == 0) {
    lua_pushnil(L);
    if (lua_next(L, idx)) orr_error(L, fn, "'%s' must be an array, not a table with named fields", what);
    return omat_new(L, 0, 1);
  }
  t = lua_rawgeti(L, idx, 1);
  if (t == LUA_TTABLE) c = arraylen(L, -1);
  lua_pop(L, 1);
  if (t == LUA_TNUMBER) {  /* a column vector */
    m = omat_new(L, n, 1);
    for (i = 0; i < n; i++) {
      int isnum;
      lua_rawgeti(L, idx, (lua_Integer)i + 1);
      m->x[i] = lua_tonumberx(L, -1, &isnum);
      if (!isnum || lua_type(L, -1) != LUA_TNUMBER)
        orr_error(L, fn, "'%s' element %d is %s, not a number", what,
                  (int)i + 1, luaL_typename(L, -1));
      lua_pop(L, 1);
    }
    return m;
  }
  if (t != LUA_TTABLE)
    orr_error(L, fn, "'%s' must be a matrix or an array of numbers", what);
  m = omat_new(L, n, c);   /* an array of rows */
  for (i = 0; i < n; i++) {
    if (lua_rawgeti(L, idx, (lua_Integer)i + 1) != LUA_TTABLE)
      orr_error(L, fn, "'%s' row %d is not an array", what, (int)i + 1);
    if (arraylen(L, -1) != c)
      orr_error(L, fn, "'%s' row %d has %d elements, expected %d", what,
                (int)i + 1, (int)arraylen(L, -1), (int)c);
    for (j = 0; j < c; j++) {
      lua_rawgeti(L, -1, (lua_Integer)j + 1);
      if (lua_type(L, -1) != LUA_TNUMBER)
        orr_error(L, fn, "'%s' element [%d,%d] is %s, not a number", what,
                  (int)i + 1, (int)j + 1, luaL_typename(L, -1));
      OMAT(m, i, j) = lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  return m;
}


omat *omat_arg (lua_State *L, int idx, const char *fn, const char *what) {
  omat *m;
  idx = lua_absindex(L, idx);
  if ((m = omat_test(L, idx)) != NULL) return m;
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
      m = omat_new(L, 1, 1);
      m->x[0] = lua_tonumber(L, idx);
      break;
    case LUA_TTABLE:
      m = fromtable(L, idx, fn, what);
      break;
    default:
      orr_error(L, fn, "'%s' must be a matrix or an array of numbers, got %s",
                what, luaL_typename(L, idx));
      return NULL;
  }
  lua_replace(L, idx);
  return m;
}


omat *omat_vecarg (lua_State *L, int idx, const char *fn, const char *what,
                   size_t *n) {
  omat *m = omat_arg(L, idx, fn, what);
  if (m->r != 1 && m->c != 1 && m->r * m->c != 0)
    orr_error(L, fn, "'%s' must be a vector, got a %d x %d matrix", what,
              (int)m->r, (int)m->c);
  if (n) *n = m->r * m->c;
  return m;
}


omat *omat_field (lua_State *L, int t, const char *key, const char *fn) {
  if (lua_getfield(L, t, key) == LUA_TNIL) return NULL;
  return omat_arg(L, -1, fn, key);
}


static const char *nonfinite (double v) {
  return isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf";
}


void omat_checkfinite (lua_State *L, const omat *m, const char *fn,
                       const char *what) {
  size_t i, n = m->r * m->c;
  for (i = 0; i < n; i++)
    if (!isfinite(m->x[i]))
      orr_error(L, fn, "'%s' has a non-finite value (%s) at element %d",
                what, nonfinite(m->x[i]), (int)i + 1);
}


/* ---------------------------------------------------------------------- */
/* argument helpers                                                        */
/* ---------------------------------------------------------------------- */

/* v as "%.*g" pushed on the stack (lua_pushfstring has no %g): for messages */
static const char *gstr (lua_State *L, double v, int digits) {
  char buf[40];
  if (isnan(v)) return lua_pushliteral(L, "NaN");   /* %g writes -nan or nan */
  snprintf(buf, sizeof buf, "%.*g", digits, v);
  return lua_pushstring(L, buf);
}


/* a row or column count ('what') at arg: an integer in 0..INT_MAX */
static size_t checkdim (lua_State *L, int arg, const char *fn,
                        const char *what) {
  int isint;
  lua_Integer d = lua_tointegerx(L, arg, &isint);
  if (!isint)
    orr_error(L, fn, "%s must be an integer, got %s", what,
              lua_type(L, arg) == LUA_TNUMBER ? lua_tostring(L, arg)
                                              : luaL_typename(L, arg));
  if (d < 0) orr_error(L, fn, "%s must be >= 0, got %I", what, d);
  if (d > INT_MAX) orr_error(L, fn, "%s is too large (%I)", what, d);
  return (size_t)d;
}


/* a 1-based index in 1..n from a Lua number that must be an integer */
static size_t toindex (lua_State *L, int arg, size_t n, const char *fn,
                       const char *what) {
  int isint;
  lua_Integer i = lua_tointegerx(L, arg, &isint);
  if (!isint) {
    if (lua_type(L, arg) == LUA_TNUMBER)
      orr_error(L, fn, "%s index %s is not an integer", what,
                lua_tostring(L, arg));
    orr_error(L, fn, "%s index must be an integer, got %s", what,
              luaL_typename(L, arg));
  }
  if (i < 1 || (lua_Unsigned)i > (lua_Unsigned)n)
    orr_error(L, fn, "%s index %d out of range 1..%d", what, (int)i, (int)n);
  return (size_t)i - 1;
}


static omat *checkself (lua_State *L, const char *fn) {
  return omat_check(L, 1, fn, "self");
}


static omat *checksquare (lua_State *L, const char *fn) {
  omat *a = checkself(L, fn);
  if (a->r != a->c)
    orr_error(L, fn, "matrix must be square, got %d x %d", (int)a->r,
              (int)a->c);
  return a;
}


/* LAPACK takes int dimensions; a userdata of 2^31 columns is possible */
static void checkint (lua_State *L, const omat *a, const char *fn) {
  if (a->r > INT_MAX || a->c > INT_MAX)
    orr_error(L, fn, "a %d x %d matrix is too large for LAPACK", (int)a->r,
              (int)a->c);
}


/* decompositions refuse NaN and Inf: LAPACK would return garbage or loop */
static void checkfinite (lua_State *L, const omat *m, const char *fn,
                         const char *what) {
  size_t i, n = m->r * m->c;
  for (i = 0; i < n; i++)
    if (!isfinite(m->x[i]))
      orr_error(L, fn, "%s has a non-finite value (%s) at [%d,%d]", what,
                nonfinite(m->x[i]), (int)(i % m->r) + 1,
                (int)(i / m->r) + 1);
}


/* symmetric to a relative 1e-8 of the largest entry: products such as
   X'WX built by hand are symmetric only to rounding */
#define SYM_TOL 1e-8

static void checksym (lua_State *L, const omat *a, const char *fn) {
  size_t i, j;
  if (!mat_issym(a->x, a->r, SYM_TOL, &i, &j))
    orr_error(L, fn, "matrix is not symmetric: [%d,%d] = %s but [%d,%d] = %s",
              (int)i + 1, (int)j + 1, gstr(L, OMAT(a, i, j), 17), (int)j + 1,
              (int)i + 1, gstr(L, OMAT(a, j, i), 17));
}


/* turns a kernel status into an error; MAT_OK passes */
static void checkstatus (lua_State *L, int status, const char *fn,
                         const char *routine) {
  switch (status) {
    case MAT_OK: return;
    case MAT_INTERRUPTED: orr_interrupterror(L, fn); break;
    case MAT_NOCONV: orr_error(L, fn, "LAPACK %s did not converge", routine); break;
    default:
      if (status < 0)
        orr_error(L, fn, "LAPACK %s rejected argument %d (a bug: please report)",
                  routine, -status);
      orr_error(L, fn, "%s", mat_strerror(status));
  }
}


static omat *copyof (lua_State *L, const omat *a) {
  omat *m = omat_new(L, a->r, a->c);
  if (a->r * a->c != 0) memcpy(m->x, a->x, a->r * a->c * sizeof(double));
  return m;
}


/* ---------------------------------------------------------------------- */
/* constructors                                                            */
/* ---------------------------------------------------------------------- */

static int m_new (lua_State *L) {
  size_t r = checkdim(L, 1, "mat.new", "rows");
  size_t c = checkdim(L, 2, "mat.new", "columns"), i;
  double v = 0.0;
  omat *m;
  if (!lua_isnoneornil(L, 3)) {
    if (lua_type(L, 3) != LUA_TNUMBER)
      orr_error(L, "mat.new", "fill must be a number, got %s",
                luaL_typename(L, 3));
    v = lua_tonumber(L, 3);
  }
  m = omat_new(L, r, c);
  if (v != 0.0) for (i = 0; i < r * c; i++) m->x[i] = v;
  return 1;
}


static int m_zeros (lua_State *L) {
  size_t r = checkdim(L, 1, "mat.zeros", "rows");
  omat_new(L, r, checkdim(L, 2, "mat.zeros", "columns"));
  return 1;
}


static int m_ones (lua_State *L) {
  size_t r = checkdim(L, 1, "mat.ones", "rows");
  size_t c = checkdim(L, 2, "mat.ones", "columns"), i;
  omat *m = omat_new(L, r, c);
  for (i = 0; i < r * c; i++) m->x[i] = 1.0;
  return 1;
}


static int m_eye (lua_State *L) {
  size_t n = checkdim(L, 1, "mat.eye", "n"), i;
  omat *m = omat_new(L, n, n);
  for (i = 0; i < n; i++) OMAT(m, i, i) = 1.0;
  return 1;
}


static int m_from (lua_State *L) {
  if (lua_type(L, 1) != LUA_TTABLE && omat_test(L, 1) == NULL)
    orr_error(L, "mat.from", "expected an array of rows, got %s",
              luaL_typename(L, 1));
  lua_settop(L, 1);
  if (omat_test(L, 1)) copyof(L, omat_test(L, 1));
  else omat_arg(L, 1, "mat.from", "rows");  /* {1,2,3} gives a column */
  return 1;
}


static int m_vec (lua_State *L) {
  size_t n;
  omat *src, *m;
  lua_settop(L, 1);
  if (lua_type(L, 1) != LUA_TTABLE && omat_test(L, 1) == NULL)
    orr_error(L, "mat.vec", "expected an array of numbers, got %s",
              luaL_typename(L, 1));
  src = omat_vecarg(L, 1, "mat.vec", "values", &n);
  m = omat_new(L, n, 1);  /* always a fresh column, never an alias */
  if (n) memcpy(m->x, src->x, n * sizeof(double));
  return 1;
}


/* seq(a, b, by = step) as R computes it: n = floor((b-a)/step + 1e-10) */
static double checknum (lua_State *L, int arg, const char *fn,
                        const char *what) {
  if (lua_type(L, arg) != LUA_TNUMBER)
    orr_error(L, fn, "%s must be a number, got %s", what, luaL_typename(L, arg));
  return lua_tonumber(L, arg);
}


static int m_range (lua_State *L) {
  double a = checknum(L, 1, "mat.range", "a"), b = checknum(L, 2, "mat.range", "b");
  double step = lua_isnoneornil(L, 3) ? (b >= a ? 1.0 : -1.0)
                                      : checknum(L, 3, "mat.range", "step");
  double span, q;
  size_t n;
  omat *m;
  if (!isfinite(a) || !isfinite(b) || !isfinite(step))
    orr_error(L, "mat.range", "arguments must be finite, got %s, %s, %s",
              gstr(L, a, 17), gstr(L, b, 17), gstr(L, step, 17));
  span = b - a;
  if (span == 0) { m = omat_new(L, 1, 1); m->x[0] = a; return 1; }
  if (step == 0)
    orr_error(L, "mat.range", "step is 0 but %s ~= %s", gstr(L, a, 17),
              gstr(L, b, 17));
  q = span / step;
  if (q < 0)
    orr_error(L, "mat.range", "step %s has the wrong sign to go from %s to %s",
              gstr(L, step, 17), gstr(L, a, 17), gstr(L, b, 17));
  if (q >= (double)INT_MAX)
    orr_error(L, "mat.range", "too many elements (%s)", gstr(L, q + 1, 6));
  /* a span at rounding level of the ends gives a itself, as in R */
  n = mat_range_len(a, b, step);
  m = omat_new(L, n, 1);
  mat_range_fill(a, b, step, m->x, n);
  return 1;
}


static int m_diagonal (lua_State *L) {
  size_t n, i;
  omat *v, *m;
  lua_settop(L, 1);
  v = omat_vecarg(L, 1, "mat.diag", "v", &n);
  m = omat_new(L, n, n);
  for (i = 0; i < n; i++) OMAT(m, i, i) = v->x[i];
  return 1;
}


/* ---------------------------------------------------------------------- */
/* shape and elements                                                      */
/* ---------------------------------------------------------------------- */

static int m_rows (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)checkself(L, "mat:rows")->r);
  return 1;
}


static int m_cols (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)checkself(L, "mat:cols")->c);
  return 1;
}


static int m_len (lua_State *L) {
  omat *m = omat_check(L, 1, "mat.__len", "self");
  lua_pushinteger(L, (lua_Integer)(m->r * m->c));
  return 1;
}


static int m_get (lua_State *L) {
  omat *m = checkself(L, "mat:get");
  size_t i = toindex(L, 2, m->r, "mat:get", "row");
  size_t j = toindex(L, 3, m->c, "mat:get", "column");
  lua_pushnumber(L, OMAT(m, i, j));
  return 1;
}


static int m_set (lua_State *L) {
  omat *m = checkself(L, "mat:set");
  size_t i = toindex(L, 2, m->r, "mat:set", "row");
  size_t j = toindex(L, 3, m->c, "mat:set", "column");
  if (lua_type(L, 4) != LUA_TNUMBER)
    orr_error(L, "mat:set", "value must be a number, got %s",
              luaL_typename(L, 4));
  OMAT(m, i, j) = lua_tonumber(L, 4);
  lua_settop(L, 1);
  return 1;
}


/* A[i]: element i in column-major order (of a vector, its i-th element);
   A.name: a method, from the table in upvalue 1 */
static int m_index (lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) {
    omat *m = omat_test(L, 1);
    int isint;
    lua_Integer i = lua_tointegerx(L, 2, &isint);
    if (!isint)
      orr_error(L, "mat", "element index %s is not an integer", lua_tostring(L, 2));
    /* outside 1..#A is nil, as in a Lua array: ipairs(A) then stops at the end */
    if (i < 1 || (lua_Unsigned)i > (lua_Unsigned)(m->r * m->c)) return 0;
    lua_pushnumber(L, m->x[i - 1]);
    return 1;
  }
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  return 1;
}


static int m_newindex (lua_State *L) {
  return orr_error(L, "mat", "matrices are changed only through A:set(i, j, v)");
}


static int m_copy (lua_State *L) {
  copyof(L, checkself(L, "mat:copy"));
  return 1;
}


static int m_t (lua_State *L) {
  omat *a = checkself(L, "mat:t");
  omat *m = omat_new(L, a->c, a->r);
  mat_transpose(a->x, a->r, a->c, m->x);
  return 1;
}


static int m_totable (lua_State *L) {
  omat *a = checkself(L, "mat:totable");
  size_t i, j;
  if (a->c == 1) {  /* a vector becomes a flat array */
    lua_createtable(L, (int)a->r, 0);
    for (i = 0; i < a->r; i++) {
      lua_pushnumber(L, a->x[i]);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
  }
  lua_createtable(L, (int)a->r, 0);
  for (i = 0; i < a->r; i++) {
    lua_createtable(L, (int)a->c, 0);
    for (j = 0; j < a->c; j++) {
      lua_pushnumber(L, OMAT(a, i, j));
      lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}


static int m_col (lua_State *L) {
  omat *a = checkself(L, "mat:col"), *m;
  size_t j = toindex(L, 2, a->c, "mat:col", "column");
  m = omat_new(L, a->r, 1);
  if (a->r) memcpy(m->x, a->x + j * a->r, a->r * sizeof(double));
  return 1;
}


static int m_row (lua_State *L) {
  omat *a = checkself(L, "mat:row"), *m;
  size_t i = toindex(L, 2, a->r, "mat:row", "row"), j;
  m = omat_new(L, 1, a->c);
  for (j = 0; j < a->c; j++) m->x[j] = OMAT(a, i, j);
  return 1;
}


/*
** The indices listed at arg (an array, or a vector of numbers, each in
** 1..limit) as 0-based positions in a work buffer left on the stack.
*/
static size_t *getindices (lua_State *L, int arg, size_t limit, const char *fn,
                           const char *what, size_t *n) {
  omat *iv = NULL;
  size_t k, *idx;
  if (lua_type(L, arg) == LUA_TTABLE) *n = (size_t)lua_rawlen(L, arg);
  else if ((iv = omat_test(L, arg)) != NULL) {
    if (iv->r != 1 && iv->c != 1 && iv->r * iv->c != 0)
      orr_error(L, fn, "indices must be a vector, got a %d x %d matrix",
                (int)iv->r, (int)iv->c);
    *n = iv->r * iv->c;
  }
  else {
    orr_error(L, fn, "expected an array of %s indices, got %s", what,
              luaL_typename(L, arg));
    return NULL;
  }
  idx = (size_t *)orr_workbytes(L, (*n + 1) * sizeof(size_t));
  for (k = 0; k < *n; k++) {
    if (iv) {
      double v = iv->x[k];
      if (!(v >= 1 && v <= (double)limit && v == floor(v)))
        orr_error(L, fn, "%s index %s (element %d) is not in 1..%d", what,
                  gstr(L, v, 17), (int)k + 1, (int)limit);
      idx[k] = (size_t)v - 1;
    }
    else {
      lua_rawgeti(L, arg, (lua_Integer)k + 1);
      idx[k] = toindex(L, -1, limit, fn, what);
      lua_pop(L, 1);
    }
  }
  return idx;
}


/* A:cols_of(idx): idx an array of column numbers or a vector of them */
static int m_cols_of (lua_State *L) {
  omat *a = checkself(L, "mat:cols_of"), *m;
  size_t k, n, *idx = getindices(L, 2, a->c, "mat:cols_of", "column", &n);
  m = omat_new(L, a->r, n);
  for (k = 0; k < n; k++)
    if (a->r) memcpy(m->x + k * a->r, a->x + idx[k] * a->r, a->r * sizeof(double));
  return 1;
}


/* A:rows_of(idx): the rows listed, in that order (repeats allowed) */
static int m_rows_of (lua_State *L) {
  omat *a = checkself(L, "mat:rows_of"), *m;
  size_t k, j, n, *idx = getindices(L, 2, a->r, "mat:rows_of", "row", &n);
  m = omat_new(L, n, a->c);
  for (j = 0; j < a->c; j++) {
    const double *src = a->x + j * a->r;
    double *dst = m->x + j * n;
    for (k = 0; k < n; k++) dst[k] = src[idx[k]];
  }
  return 1;
}


static int m_hcat (lua_State *L) {
  int top = lua_gettop(L), k;
  omat *a = checkself(L, "mat:hcat"), *m;
  size_t c = a->c, off = 0;
  for (k = 2; k <= top; k++) {
    omat *b = omat_arg(L, k, "mat:hcat", "argument");
    if (b->r != a->r)
      orr_error(L, "mat:hcat", "row counts differ: %d x %d and %d x %d",
                (int)a->r, (int)a->c, (int)b->r, (int)b->c);
    c += b->c;
  }
  m = omat_new(L, a->r, c);
  for (k = 1; k <= top; k++) {  /* column-major: each block is contiguous */
    omat *b = omat_test(L, k);
    if (b->r * b->c != 0) memcpy(m->x + off, b->x, b->r * b->c * sizeof(double));
    off += b->r * b->c;
  }
  return 1;
}


static int m_vcat (lua_State *L) {
  int top = lua_gettop(L), k;
  omat *a = checkself(L, "mat:vcat"), *m;
  size_t r = a->r, off = 0, j;
  for (k = 2; k <= top; k++) {
    omat *b = omat_arg(L, k, "mat:vcat", "argument");
    if (b->c != a->c)
      orr_error(L, "mat:vcat", "column counts differ: %d x %d and %d x %d",
                (int)a->r, (int)a->c, (int)b->r, (int)b->c);
    r += b->r;
  }
  m = omat_new(L, r, a->c);
  for (k = 1; k <= top; k++) {
    omat *b = omat_test(L, k);
    for (j = 0; j < b->c && b->r; j++)
      memcpy(m->x + off + j * r, b->x + j * b->r, b->r * sizeof(double));
    off += b->r;
  }
  return 1;
}


static int m_reshape (lua_State *L) {
  omat *a = checkself(L, "mat:reshape"), *m;
  size_t r = checkdim(L, 2, "mat:reshape", "rows");
  size_t c = checkdim(L, 3, "mat:reshape", "columns");
  if (r * c != a->r * a->c)
    orr_error(L, "mat:reshape", "cannot make a %d x %d matrix (%d elements) into %d x %d",
              (int)a->r, (int)a->c, (int)(a->r * a->c), (int)r, (int)c);
  m = omat_new(L, r, c);
  if (r * c != 0) memcpy(m->x, a->x, r * c * sizeof(double));
  return 1;
}


static int m_diag (lua_State *L) {
  omat *a = checkself(L, "mat:diag"), *m;
  size_t k = a->r < a->c ? a->r : a->c, i;
  m = omat_new(L, k, 1);
  for (i = 0; i < k; i++) m->x[i] = OMAT(a, i, i);
  return 1;
}


/* ---------------------------------------------------------------------- */
/* arithmetic                                                              */
/* ---------------------------------------------------------------------- */

/* Element-wise a op b where either side may be a scalar. */
static int arith (lua_State *L, int op, const char *fn) {
  omat *a = NULL, *b = NULL, *m;
  double s = 0;
  size_t n;
  int scalar_left = 0;
  if (lua_type(L, 1) == LUA_TNUMBER) { s = lua_tonumber(L, 1); scalar_left = 1; }
  else a = omat_arg(L, 1, fn, "left operand");
  if (lua_type(L, 2) == LUA_TNUMBER) s = lua_tonumber(L, 2);
  else b = omat_arg(L, 2, fn, "right operand");
  if (a && b) {
    if (op == '/')
      orr_error(L, fn, "dividing by a %d x %d matrix is not defined (use "
                "B:solve(A) or A:hadamard(B:apply(\"recip\")))", (int)b->r,
                (int)b->c);
    if (a->r != b->r || a->c != b->c)
      orr_error(L, fn, "shapes differ: %d x %d and %d x %d", (int)a->r,
                (int)a->c, (int)b->r, (int)b->c);
    m = omat_new(L, a->r, a->c);
    mat_ewise(op == '+' ? MAT_OP_ADD : MAT_OP_SUB, a->x, b->x, 0, m->x,
              a->r * a->c);
    return 1;
  }
  if (!a) a = b;  /* scalar on the left */
  m = omat_new(L, a->r, a->c);
  n = a->r * a->c;
  switch (op) {
    case '+': mat_ewise(MAT_OP_ADD, a->x, NULL, s, m->x, n); break;
    case '-': mat_ewise(scalar_left ? MAT_OP_RSUB : MAT_OP_SUB, a->x, NULL, s, m->x, n); break;
    default: mat_ewise(scalar_left ? MAT_OP_RDIV : MAT_OP_DIV, a->x, NULL, s, m->x, n);
  }
  return 1;
}


static int m_add (lua_State *L) { return arith(L, '+', "mat.__add"); }
static int m_sub (lua_State *L) { return arith(L, '-', "mat.__sub"); }
static int m_div (lua_State *L) { return arith(L, '/', "mat.__div"); }


static int m_unm (lua_State *L) {
  omat *a = omat_check(L, 1, "mat.__unm", "operand"), *m;
  m = omat_new(L, a->r, a->c);
  mat_ewise(MAT_OP_NEG, a->x, NULL, 0, m->x, a->r * a->c);
  return 1;
}


static int m_mul (lua_State *L) {
  omat *a, *b, *m;
  if (lua_type(L, 1) == LUA_TNUMBER || lua_type(L, 2) == LUA_TNUMBER) {
    int si = lua_type(L, 1) == LUA_TNUMBER ? 1 : 2;
    double s = lua_tonumber(L, si);
    a = omat_arg(L, 3 - si, "mat.__mul", "operand");
    m = omat_new(L, a->r, a->c);
    mat_ewise(MAT_OP_MUL, a->x, NULL, s, m->x, a->r * a->c);
    return 1;
  }
  a = omat_arg(L, 1, "mat.__mul", "left operand");
  b = omat_arg(L, 2, "mat.__mul", "right operand");
  if (a->c != b->r)
    orr_error(L, "mat.__mul", "non-conformable: %d x %d times %d x %d",
              (int)a->r, (int)a->c, (int)b->r, (int)b->c);
  checkint(L, a, "mat.__mul"); checkint(L, b, "mat.__mul");
  m = omat_new(L, a->r, b->c);
  mat_mul(a->x, b->x, m->x, a->r, a->c, b->c);
  return 1;
}


static int m_hadamard (lua_State *L) {
  omat *a = checkself(L, "mat:hadamard"), *b, *m;
  b = omat_arg(L, 2, "mat:hadamard", "B");
  if (a->r != b->r || a->c != b->c)
    orr_error(L, "mat:hadamard", "shapes differ: %d x %d and %d x %d",
              (int)a->r, (int)a->c, (int)b->r, (int)b->c);
  m = omat_new(L, a->r, a->c);
  mat_ewise(MAT_OP_MUL, a->x, b->x, 0, m->x, a->r * a->c);
  return 1;
}


static int m_apply (lua_State *L) {
  omat *a = checkself(L, "mat:apply"), *m;
  const char *name;
  int f;
  if (lua_type(L, 2) != LUA_TSTRING)
    return orr_error(L, "mat:apply", "expected a function name such as \"log\", got %s",
                     luaL_typename(L, 2));
  name = lua_tostring(L, 2);
  if ((f = mat_func_lookup(name)) < 0) {
    luaL_Buffer b;
    const char *const *p;
    luaL_buffinit(L, &b);
    for (p = mat_func_names; *p; p++) {
      if (p != mat_func_names) luaL_addstring(&b, ", ");
      luaL_addstring(&b, *p);
    }
    luaL_pushresult(&b);
    return orr_error(L, "mat:apply", "unknown function '%s' (known: %s)", name,
                     lua_tostring(L, -1));
  }
  m = omat_new(L, a->r, a->c);
  mat_apply((mat_func)f, a->x, m->x, a->r * a->c);
  return 1;
}


static int m_eq (lua_State *L) {
  omat *a = omat_test(L, 1), *b = omat_test(L, 2);
  size_t i;
  int eq = a && b && a->r == b->r && a->c == b->c;
  for (i = 0; eq && i < a->r * a->c; i++)  /* IEEE: NaN ~= NaN, 0 == -0 */
    eq = a->x[i] == b->x[i];
  lua_pushboolean(L, eq);
  return 1;
}


/* ---------------------------------------------------------------------- */
/* reductions                                                              */
/* ---------------------------------------------------------------------- */

static int m_sum (lua_State *L) {
  omat *a = checkself(L, "mat:sum");
  lua_pushnumber(L, mat_sum(a->x, a->r * a->c));
  return 1;
}


static int m_mean (lua_State *L) {
  omat *a = checkself(L, "mat:mean");
  size_t n = a->r * a->c;
  lua_pushnumber(L, mat_mean(a->x, n));
  return 1;
}


static int colred (lua_State *L, const char *fn, int mean) {
  omat *a = checkself(L, fn), *m;
  m = omat_new(L, a->c, 1);
  if (mean) mat_colmeans(a->x, a->r, a->c, m->x);
  else mat_colsums(a->x, a->r, a->c, m->x);
  return 1;
}


static int rowred (lua_State *L, const char *fn, int mean) {
  omat *a = checkself(L, fn), *m;
  double *comp;
  size_t i;
  m = omat_new(L, a->r, 1);
  comp = orr_work(L, mat_rowsums_work(a->r));
  mat_rowsums(a->x, a->r, a->c, m->x, comp);
  if (mean) for (i = 0; i < a->r; i++) m->x[i] /= (double)a->c;
  lua_pop(L, 1);
  return 1;
}


static int m_colsums (lua_State *L) { return colred(L, "mat:colsums", 0); }
static int m_colmeans (lua_State *L) { return colred(L, "mat:colmeans", 1); }
static int m_rowsums (lua_State *L) { return rowred(L, "mat:rowsums", 0); }
static int m_rowmeans (lua_State *L) { return rowred(L, "mat:rowmeans", 1); }


static int extreme (lua_State *L, const char *fn, int sign) {
  omat *a = checkself(L, fn);
  size_t i;
  if (a->r * a->c == 0) orr_error(L, fn, "matrix is empty");
  i = mat_argext(a->x, a->r * a->c, sign);
  lua_pushnumber(L, a->x[i]);
  lua_pushinteger(L, (lua_Integer)i + 1);
  return 2;
}


static int m_min (lua_State *L) { return extreme(L, "mat:min", -1); }
static int m_max (lua_State *L) { return extreme(L, "mat:max", 1); }


/* ---------------------------------------------------------------------- */
/* products                                                                */
/* ---------------------------------------------------------------------- */

static int m_crossprod (lua_State *L) {
  omat *a = checkself(L, "mat:crossprod"), *b, *m;
  checkint(L, a, "mat:crossprod");
  if (lua_isnoneornil(L, 2)) {
    m = omat_new(L, a->c, a->c);
    mat_crossprod(a->x, a->r, a->c, m->x);
    return 1;
  }
  b = omat_arg(L, 2, "mat:crossprod", "B");
  if (b->r != a->r)
    orr_error(L, "mat:crossprod", "row counts differ: %d x %d and %d x %d",
              (int)a->r, (int)a->c, (int)b->r, (int)b->c);
  checkint(L, b, "mat:crossprod");
  m = omat_new(L, a->c, b->c);
  mat_crossprod2(a->x, b->x, m->x, a->r, a->c, b->c);
  return 1;
}


static int m_tcrossprod (lua_State *L) {
  omat *a = checkself(L, "mat:tcrossprod"), *b, *m;
  checkint(L, a, "mat:tcrossprod");
  if (lua_isnoneornil(L, 2)) {
    m = omat_new(L, a->r, a->r);
    mat_tcrossprod(a->x, a->r, a->c, m->x);
    return 1;
  }
  b = omat_arg(L, 2, "mat:tcrossprod", "B");
  if (b->c != a->c)
    orr_error(L, "mat:tcrossprod", "column counts differ: %d x %d and %d x %d",
              (int)a->r, (int)a->c, (int)b->r, (int)b->c);
  checkint(L, b, "mat:tcrossprod");
  m = omat_new(L, a->r, b->r);
  mat_tcrossprod2(a->x, b->x, m->x, a->r, a->c, b->r);
  return 1;
}


/* ---------------------------------------------------------------------- */
/* decompositions                                                          */
/* ---------------------------------------------------------------------- */

/* the square, finite, LAPACK-sized receiver of a decomposition */
static omat *decompself (lua_State *L, const char *fn, int square) {
  omat *a = square ? checksquare(L, fn) : checkself(L, fn);
  checkint(L, a, fn);
  checkfinite(L, a, fn, "matrix");
  return a;
}


static void singular (lua_State *L, const char *fn, double rcond) {
  if (rcond > 0)
    orr_error(L, fn, "matrix is singular (reciprocal condition number %s)",
              gstr(L, rcond, 3));
  orr_error(L, fn, "matrix is singular");
}


static int m_inv (lua_State *L) {
  omat *a = decompself(L, "mat:inv", 1), *m;
  size_t n = a->r, lwork = mat_inv_lwork(n);
  double rcond, *work;
  int *ipiv, *iwork, st;
  if (lwork < 4 * n) lwork = 4 * n;
  m = omat_new(L, n, n);
  work = orr_work(L, lwork);
  ipiv = (int *)orr_workbytes(L, (n + 1) * sizeof(int));
  iwork = (int *)orr_workbytes(L, (n + 1) * sizeof(int));
  st = mat_inv(a->x, n, m->x, ipiv, work, lwork, iwork, &rcond);
  if (st == MAT_SINGULAR) singular(L, "mat:inv", rcond);
  checkstatus(L, st, "mat:inv", "dgetri");
  lua_pop(L, 3);
  return 1;
}


static int m_solve (lua_State *L) {
  omat *a, *b, *x;
  size_t n;
  double rcond, *W, *work;
  int *ipiv, *iwork, st, chol;
  if (lua_isnoneornil(L, 2)) return m_inv(L);  /* solve(A) = A^-1, as R */
  a = decompself(L, "mat:solve", 1);
  n = a->r;
  b = omat_arg(L, 2, "mat:solve", "b");
  if (b->r != n)
    orr_error(L, "mat:solve", "non-conformable: matrix is %d x %d but b is %d x %d",
              (int)a->r, (int)a->c, (int)b->r, (int)b->c);
  checkint(L, b, "mat:solve");
  checkfinite(L, b, "mat:solve", "b");
  x = copyof(L, b);  /* LAPACK solves in place: the copy is the answer */
  W = orr_work(L, n * n);
  work = orr_work(L, mat_solve_work(n));
  ipiv = (int *)orr_workbytes(L, (n + 1) * sizeof(int));
  iwork = (int *)orr_workbytes(L, (n + 1) * sizeof(int));
  st = mat_solve(a->x, n, x->x, b->c, W, ipiv, work, iwork, &rcond, &chol);
  if (st == MAT_SINGULAR) singular(L, "mat:solve", rcond);
  checkstatus(L, st, "mat:solve", chol ? "dpotrs" : "dgetrs");
  lua_pop(L, 4);
  (void)x;
  return 1;
}


static int logdet (lua_State *L, const char *fn, double *logabs, int *sign) {
  omat *a = decompself(L, fn, 1);
  double *lu = orr_work(L, a->r * a->r);
  int *ipiv = (int *)orr_workbytes(L, (a->r + 1) * sizeof(int));
  int info;
  if (a->r != 0) memcpy(lu, a->x, a->r * a->r * sizeof(double));
  info = mat_logdet_lu(lu, a->r, ipiv, logabs, sign);
  if (info < 0) checkstatus(L, info, fn, "dgetrf");
  lua_pop(L, 2);
  return info;
}


static int m_det (lua_State *L) {
  double la; int sign;
  logdet(L, "mat:det", &la, &sign);
  lua_pushnumber(L, sign == 0 ? 0.0 : sign * exp(la));
  return 1;
}


static int m_logdet (lua_State *L) {
  double la; int sign;
  logdet(L, "mat:logdet", &la, &sign);
  lua_pushnumber(L, la);
  lua_pushinteger(L, sign);
  return 2;
}


static int m_chol (lua_State *L) {
  omat *a = decompself(L, "mat:chol", 1), *R;
  size_t minor;
  int st;
  checksym(L, a, "mat:chol");
  R = copyof(L, a);
  st = mat_chol(R->x, R->r, &minor);
  if (st == MAT_NOTPD)
    orr_error(L, "mat:chol", "matrix is not positive definite (the leading "
              "minor of order %d is not positive)", (int)minor);
  checkstatus(L, st, "mat:chol", "dpotrf");
  return 1;
}


/* reads {tol = } (the only option) from the table at 2, or gives def */
static double opttol (lua_State *L, const char *fn, double def) {
  static const char *const opts[] = {"tol", NULL};
  double tol;
  if (lua_isnoneornil(L, 2)) return def;
  if (lua_type(L, 2) != LUA_TTABLE)
    orr_error(L, fn, "expected an options table {tol = }, got %s",
              luaL_typename(L, 2));
  orr_checkopts(L, 2, fn, opts);
  tol = orr_optnumber(L, 2, "tol", def, fn);
  if (!(tol >= 0 && tol < 1))
    orr_error(L, fn, "tol must be in [0, 1), got %s", gstr(L, tol, 17));
  return tol;
}


/* R's qr() default: LINPACK dqrdc2 with tol = 1e-7 */
#define QR_TOL 1e-7

static int m_qr (lua_State *L) {
  omat *a = decompself(L, "mat:qr", 0), *W, *Q, *R;
  double tol = opttol(L, "mat:qr", QR_TOL);
  size_t n = a->r, p = a->c, k = n < p ? n : p, lwork, rank, i, j;
  double *tau, *S, *norms, *work;
  int *pivot, st;
  lua_settop(L, 1);
  lwork = mat_qr_lwork(n, p);
  W = omat_new(L, n, p);                                   /* 2 */
  tau = orr_work(L, k + 1);                                /* 3 */
  S = orr_work(L, mat_qr_panel(n, p));                     /* 4 */
  norms = orr_work(L, p + 1);                              /* 5 */
  work = orr_work(L, lwork);                               /* 6 */
  pivot = (int *)orr_workbytes(L, (p + 1) * sizeof(int));  /* 7 */
  st = mat_qr(a->x, n, p, tol, W->x, tau, pivot, &rank, S, norms, work, lwork);
  checkstatus(L, st, "mat:qr", "dgeqrf");
  lua_createtable(L, 0, 4);                                /* 8 */
  Q = omat_new(L, n, k);
  checkstatus(L, mat_qr_q(W->x, n, p, tau, Q->x, work, lwork), "mat:qr", "dorgqr");
  lua_setfield(L, -2, "q");
  R = omat_new(L, k, p);
  for (j = 0; j < p; j++)
    for (i = 0; i <= j && i < k; i++) OMAT(R, i, j) = OMAT(W, i, j);
  lua_setfield(L, -2, "r");
  lua_pushinteger(L, (lua_Integer)rank);
  lua_setfield(L, -2, "rank");
  lua_createtable(L, (int)p, 0);
  for (j = 0; j < p; j++) {
    lua_pushinteger(L, pivot[j]);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  lua_setfield(L, -2, "pivot");
  lua_pushnumber(L, tol);
  lua_setfield(L, -2, "tol");
  return 1;
}


/* the thin SVD of the receiver: pushes U, d, VT and leaves the work on top */
static void svd (lua_State *L, const char *fn, omat *a, omat **U, omat **d,
                 omat **VT) {
  size_t n = a->r, p = a->c, k = n < p ? n : p, lwork, liwork;
  double *A, *work;
  int st;
  checkstatus(L, mat_svd_lwork(n, p, &lwork, &liwork), fn, "dgesdd");
  *U = omat_new(L, n, k);
  *d = omat_new(L, k, 1);
  *VT = omat_new(L, k, p);
  A = orr_work(L, n * p + 1);
  if (n * p != 0) memcpy(A, a->x, n * p * sizeof(double));  /* dgesdd destroys A */
  work = orr_work(L, lwork);
  st = mat_svd(A, n, p, (*d)->x, (*U)->x, (*VT)->x, work, lwork,
               (int *)orr_workbytes(L, liwork * sizeof(int)));
  checkstatus(L, st, fn, "dgesdd");
  lua_pop(L, 3);
}


static int m_svd (lua_State *L) {
  omat *a = decompself(L, "mat:svd", 0), *U, *d, *VT, *V;
  lua_settop(L, 1);
  svd(L, "mat:svd", a, &U, &d, &VT);                       /* 2, 3, 4 */
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, 2); lua_setfield(L, -2, "u");
  lua_pushvalue(L, 3); lua_setfield(L, -2, "d");
  V = omat_new(L, VT->c, VT->r);
  mat_transpose(VT->x, VT->r, VT->c, V->x);
  lua_setfield(L, -2, "v");
  return 1;
}


/* MASS::ginv: singular values up to sqrt(eps) * d[1] count as zero */
static int m_pinv (lua_State *L) {
  omat *a = decompself(L, "mat:pinv", 0), *U, *d, *VT, *P;
  double tol = opttol(L, "mat:pinv", sqrt(DBL_EPSILON));
  size_t rank;
  lua_settop(L, 1);
  svd(L, "mat:pinv", a, &U, &d, &VT);
  P = omat_new(L, a->c, a->r);
  mat_pinv_svd(a->r, a->c, U->x, d->x, VT->x, tol, P->x, &rank);
  lua_pushinteger(L, (lua_Integer)rank);
  return 2;
}


static int m_eigsym (lua_State *L) {
  omat *a = decompself(L, "mat:eigsym", 1), *vals, *vecs;
  size_t n = a->r, lwork, liwork;
  double *A, *work;
  int *iwork, *isuppz, st;
  checksym(L, a, "mat:eigsym");
  lua_settop(L, 1);
  checkstatus(L, mat_eigsym_lwork(n, &lwork, &liwork), "mat:eigsym", "dsyevr");
  vals = omat_new(L, n, 1);                                /* 2 */
  vecs = omat_new(L, n, n);                                /* 3 */
  A = orr_work(L, n * n + 1);
  if (n) memcpy(A, a->x, n * n * sizeof(double));
  work = orr_work(L, lwork);
  iwork = (int *)orr_workbytes(L, liwork * sizeof(int));
  isuppz = (int *)orr_workbytes(L, (2 * n + 1) * sizeof(int));
  st = mat_eigsym(A, n, vals->x, vecs->x, work, lwork, iwork, liwork, isuppz);
  checkstatus(L, st, "mat:eigsym", "dsyevr");
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, 2); lua_setfield(L, -2, "values");
  lua_pushvalue(L, 3); lua_setfield(L, -2, "vectors");
  return 1;
}


/* ---------------------------------------------------------------------- */
/* printing                                                                */
/* ---------------------------------------------------------------------- */

#define PRINT_ROWS 20
#define PRINT_COLS 10

static void fmtnum (char *buf, size_t sz, double v) {
  if (isnan(v)) snprintf(buf, sz, "NaN");
  else if (isinf(v)) snprintf(buf, sz, v > 0 ? "Inf" : "-Inf");
  else snprintf(buf, sz, "%.7g", v);
}


static int m_tostring (lua_State *L) {
  omat *a = omat_check(L, 1, "mat.__tostring", "self");
  size_t nr = a->r > PRINT_ROWS ? PRINT_ROWS : a->r;
  size_t nc = a->c > PRINT_COLS ? PRINT_COLS : a->c;
  size_t i, j, w;
  char buf[64];
  luaL_Buffer b;
  if (a->r * a->c == 0) {
    lua_pushfstring(L, "<%d x %d matrix>", (int)a->r, (int)a->c);
    return 1;
  }
  snprintf(buf, sizeof buf, "[%d,]", (int)nr);
  {
    size_t rw = strlen(buf);
    size_t *cw = (size_t *)orr_workbytes(L, nc * sizeof(size_t));
    luaL_buffinit(L, &b);
    for (j = 0; j < nc; j++) {
      snprintf(buf, sizeof buf, "[,%d]", (int)j + 1);
      cw[j] = strlen(buf);
      for (i = 0; i < nr; i++) {
        fmtnum(buf, sizeof buf, OMAT(a, i, j));
        if ((w = strlen(buf)) > cw[j]) cw[j] = w;
      }
    }
    snprintf(buf, sizeof buf, "%*s", (int)rw, "");
    luaL_addstring(&b, buf);
    for (j = 0; j < nc; j++) {
      char h[32];
      snprintf(h, sizeof h, "[,%d]", (int)j + 1);
      snprintf(buf, sizeof buf, " %*s", (int)cw[j], h);
      luaL_addstring(&b, buf);
    }
    for (i = 0; i < nr; i++) {
      char h[32];
      snprintf(h, sizeof h, "[%d,]", (int)i + 1);
      snprintf(buf, sizeof buf, "\n%-*s", (int)rw, h);
      luaL_addstring(&b, buf);
      for (j = 0; j < nc; j++) {
        char v[40];
        fmtnum(v, sizeof v, OMAT(a, i, j));
        snprintf(buf, sizeof buf, " %*s", (int)cw[j], v);
        luaL_addstring(&b, buf);
      }
    }
    if (nr < a->r || nc < a->c) {
      snprintf(buf, sizeof buf, "\n... (%d x %d matrix, showing %d x %d)",
               (int)a->r, (int)a->c, (int)nr, (int)nc);
      luaL_addstring(&b, buf);
    }
  }
  luaL_pushresult(&b);
  return 1;
}


/*
** The HTML form (orrery.display's __html): the cells tostring shows (the
** first PRINT_ROWS rows and PRINT_COLS columns, the same labels and
** numbers), written by display.table_html, the one table writer.
*/
static int m_html (lua_State *L) {
  omat *a = omat_check(L, 1, "mat.__html", "self");
  size_t nr = a->r > PRINT_ROWS ? PRINT_ROWS : a->r;
  size_t nc = a->c > PRINT_COLS ? PRINT_COLS : a->c;
  size_t i, j;
  char buf[64];
  orr_require(L, "display");
  if (a->r * a->c == 0) {
    lua_getfield(L, -1, "escape");
    lua_pushfstring(L, "<%d x %d matrix>", (int)a->r, (int)a->c);
    lua_call(L, 1, 1);
    lua_pushliteral(L, "<pre>");
    lua_insert(L, -2);
    lua_pushliteral(L, "</pre>");
    lua_concat(L, 3);
    return 1;
  }
  lua_getfield(L, -1, "table_html");
  lua_createtable(L, (int)nc + 1, 0);                      /* header */
  lua_pushliteral(L, "");
  lua_rawseti(L, -2, 1);
  for (j = 0; j < nc; j++) {
    lua_pushfstring(L, "[,%d]", (int)j + 1);
    lua_rawseti(L, -2, (lua_Integer)j + 2);
  }
  lua_createtable(L, (int)nr, 0);                          /* rows */
  for (i = 0; i < nr; i++) {
    lua_createtable(L, (int)nc + 1, 0);
    lua_pushfstring(L, "[%d,]", (int)i + 1);
    lua_rawseti(L, -2, 1);
    for (j = 0; j < nc; j++) {
      fmtnum(buf, sizeof buf, OMAT(a, i, j));
      lua_pushstring(L, buf);
      lua_rawseti(L, -2, (lua_Integer)j + 2);
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_createtable(L, 0, 1);                                /* options */
  if (nr < a->r || nc < a->c) {
    lua_pushfstring(L, "%d x %d matrix, showing %d x %d",
                    (int)a->r, (int)a->c, (int)nr, (int)nc);
    lua_setfield(L, -2, "note");
  }
  lua_call(L, 3, 1);
  return 1;
}


/* ---------------------------------------------------------------------- */
/* registration                                                            */
/* ---------------------------------------------------------------------- */

static const luaL_Reg mat_funcs[] = {
  {"new", m_new}, {"zeros", m_zeros}, {"ones", m_ones}, {"eye", m_eye},
  {"from", m_from}, {"vec", m_vec}, {"range", m_range}, {"diag", m_diagonal},
  {NULL, NULL}
};

static const luaL_Reg mat_methods[] = {
  {"rows", m_rows}, {"cols", m_cols}, {"get", m_get}, {"set", m_set},
  {"copy", m_copy}, {"t", m_t}, {"totable", m_totable},
  {"col", m_col}, {"row", m_row}, {"cols_of", m_cols_of},
  {"rows_of", m_rows_of},
  {"hcat", m_hcat}, {"vcat", m_vcat}, {"reshape", m_reshape}, {"diag", m_diag},
  {"hadamard", m_hadamard}, {"apply", m_apply},
  {"sum", m_sum}, {"mean", m_mean}, {"colsums", m_colsums},
  {"colmeans", m_colmeans}, {"rowsums", m_rowsums}, {"rowmeans", m_rowmeans},
  {"min", m_min}, {"max", m_max},
  {"crossprod", m_crossprod}, {"tcrossprod", m_tcrossprod},
  {"solve", m_solve}, {"inv", m_inv}, {"det", m_det}, {"logdet", m_logdet},
  {"chol", m_chol}, {"qr", m_qr}, {"svd", m_svd}, {"eigsym", m_eigsym},
  {"pinv", m_pinv},
  {NULL, NULL}
};

static const luaL_Reg mat_meta[] = {
  {"__newindex", m_newindex}, {"__len", m_len},
  {"__add", m_add}, {"__sub", m_sub}, {"__mul", m_mul}, {"__div", m_div},
  {"__unm", m_unm}, {"__eq", m_eq}, {"__tostring", m_tostring},
  {"__html", m_html},
  {NULL, NULL}
};

static const orr_doc mat_docs[] = {
  {"new", "mat.new(r, c [, fill]) -> an r x c matrix filled with fill (default 0)"},
  {"zeros", "mat.zeros(r, c) -> an r x c matrix of zeros"},
  {"ones", "mat.ones(r, c) -> an r x c matrix of ones"},
  {"eye", "mat.eye(n) -> the n x n identity"},
  {"from", "mat.from{{1,2},{3,4}} -> a matrix from an array of rows (an array of numbers gives a column; a matrix gives a copy)"},
  {"vec", "mat.vec{1,2,3} -> a column vector (a row vector or matrix vector is copied into a column)"},
  {"range", "mat.range(a, b [, step]) -> the column a, a+step, ... up to b inclusive, as R's seq(a, b, by = step); step defaults to 1 (or -1 when b < a)"},
  {"diag", "mat.diag(v) -> the square matrix with the vector v on its diagonal"},
  {NULL, NULL}
};

static const orr_doc method_docs[] = {
  {"rows", "A:rows() -> the number of rows"},
  {"cols", "A:cols() -> the number of columns"},
  {"get", "A:get(i, j) -> element (i, j), 1-based"},
  {"set", "A:set(i, j, v) -> A, with element (i, j) set to v (mutates A)"},
  {"copy", "A:copy() -> a copy of A"},
  {"t", "A:t() -> the transpose of A"},
  {"totable", "A:totable() -> an array of rows (a flat array for a column vector)"},
  {"col", "A:col(j) -> column j as a new r x 1 vector"},
  {"row", "A:row(i) -> row i as a new 1 x c matrix"},
  {"rows_of", "A:rows_of{i1, i2, ...} -> a new matrix of those rows, in that order (indices may repeat; a vector of indices works too)"},
  {"cols_of", "A:cols_of{j1, j2, ...} -> a new matrix of those columns, in that order (indices may repeat; a vector of indices works too)"},
  {"hcat", "A:hcat(B, ...) -> [A B ...] side by side (row counts must match)"},
  {"vcat", "A:vcat(B, ...) -> A on top of B ... (column counts must match)"},
  {"reshape", "A:reshape(r, c) -> a new r x c matrix with A's elements in column-major order (r*c must equal #A)"},
  {"diag", "A:diag() -> the diagonal of A as a column vector (min(rows, cols) long)"},
  {"hadamard", "A:hadamard(B) -> the element-wise product (shapes must match)"},
  {"apply", "A:apply(name) -> f applied to each element, in C; name is one of log log2 log10 log1p exp expm1 sqrt cbrt square abs sign recip logistic logit softplus sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh floor ceil round (halves to even, as R) trunc lgamma gamma erf erfc pnorm. IEEE rules: log(-1) is NaN"},
  {"sum", "A:sum() -> the sum of all elements (compensated summation)"},
  {"mean", "A:mean() -> the mean of all elements (NaN for an empty matrix)"},
  {"colsums", "A:colsums() -> the column sums as a cols x 1 vector"},
  {"colmeans", "A:colmeans() -> the column means as a cols x 1 vector"},
  {"rowsums", "A:rowsums() -> the row sums as a rows x 1 vector"},
  {"rowmeans", "A:rowmeans() -> the row means as a rows x 1 vector"},
  {"min", "A:min() -> the smallest element and its column-major index (NaN if any element is NaN, as R)"},
  {"max", "A:max() -> the largest element and its column-major index (NaN if any element is NaN, as R)"},
  {"crossprod", "A:crossprod([B]) -> A'A (dsyrk, exactly symmetric) or A'B, as R's crossprod"},
  {"tcrossprod", "A:tcrossprod([B]) -> AA' (dsyrk, exactly symmetric) or AB', as R's tcrossprod"},
  {"solve", "A:solve(b) -> x with A x = b, b a vector or matrix; A:solve() is A:inv(). A triangular A is back-substituted (dtrtrs); Cholesky (dpotrf) is tried when A is symmetric with a positive diagonal; LU (dgesv) otherwise. 'matrix is singular' when the reciprocal condition number (1-norm estimate, as dgecon) is below machine epsilon, as R's solve()"},
  {"inv", "A:inv() -> the inverse of a square matrix (triangular: dtrtri; symmetric positive definite: Cholesky, exactly symmetric result; otherwise LU); errors when singular as A:solve"},
  {"det", "A:det() -> the determinant of a square matrix (LU, dgetrf)"},
  {"logdet", "A:logdet() -> log|det A|, sign (sign 0 and -Inf when singular)"},
  {"chol", "A:chol() -> upper triangular R with A = R'R, as R's chol(); A must be symmetric (to 1e-8 of its largest entry) and positive definite"},
  {"qr", "A:qr([{tol = 1e-7}]) -> {q =, r =, rank =, pivot =, tol =} with A:cols_of(pivot) = q * r, q n x min(n,p) with orthonormal columns, r min(n,p) x p upper triangular. Pivoting as R's default qr (LINPACK dqrdc2): a column whose part orthogonal to the columns kept before it has norm below tol times its own norm moves to the end; rank counts the columns kept"},
  {"svd", "A:svd() -> {u =, d =, v =} with A = u * mat.diag(d) * v:t(), d descending, u n x k, v p x k, k = min(n,p) (dgesdd), as R's svd()"},
  {"eigsym", "A:eigsym() -> {values =, vectors =} of a symmetric matrix, values descending with the matching unit eigenvectors as columns (dsyevr), as R's eigen()"},
  {"pinv", "A:pinv([{tol = sqrt(eps)}]) -> the Moore-Penrose inverse (p x n) and its rank; singular values <= tol * the largest count as zero, as MASS::ginv"},
  {NULL, NULL}
};


int luaopen_orrery_mat (lua_State *L) {
  if (luaL_newmetatable(L, OMAT_TNAME)) {
    luaL_setfuncs(L, mat_meta, 0);
    lua_newtable(L);
    luaL_setfuncs(L, mat_methods, 0);
    orr_setdocs(L, -1, "mat:", method_docs);
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, m_index, 1);  /* the method table as an upvalue */
    lua_setfield(L, -3, "__index");
    lua_setfield(L, -2, "methods");
    lua_pushliteral(L, "mat");
    lua_setfield(L, -2, "__name");
  }
  lua_pop(L, 1);
  orr_newlib(L, "mat", mat_funcs, mat_docs);
  luaL_getmetatable(L, OMAT_TNAME);
  lua_getfield(L, -1, "methods");
  lua_setfield(L, -3, "methods");  /* mat.methods: where the stdlib adds Lua methods */
  lua_pop(L, 1);
  return 1;
}
