/*
** mat: dense column-major matrices for Lua.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "omat.h"
#include "mat.h"


/* ---------------------------------------------------------------------- */
/* the C API of omat.h                                                     */
/* ---------------------------------------------------------------------- */

omat *omat_new (lua_State *L, size_t r, size_t c) {
  omat *m;
  size_t n;
  if (c != 0 && r > ((size_t)-1 - sizeof(omat)) / sizeof(double) / c)
    luaL_error(L, "mat: a %d x %d matrix is too large", (int)r, (int)c);
  n = r * c;
  m = (omat *)lua_newuserdatauv(L, sizeof(omat) + n * sizeof(double), 0);
  m->r = r; m->c = c;
  m->x = (double *)(m + 1);
  if (n) memset(m->x, 0, n * sizeof(double));
  luaL_setmetatable(L, OMAT_TNAME);
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


void omat_checkfinite (lua_State *L, const omat *m, const char *fn,
                       const char *what) {
  size_t i, n = m->r * m->c;
  for (i = 0; i < n; i++)
    if (!isfinite(m->x[i]))
      orr_error(L, fn, "'%s' has a non-finite value (%f) at element %d",
                what, m->x[i], (int)i + 1);
}


/* ---------------------------------------------------------------------- */
/* constructors                                                            */
/* ---------------------------------------------------------------------- */

static size_t checkdim (lua_State *L, int arg, const char *fn) {
  lua_Integer d = luaL_checkinteger(L, arg);
  if (d < 0) orr_error(L, fn, "dimension %d is negative", (int)d);
  return (size_t)d;
}


static int m_new (lua_State *L) {
  size_t r = checkdim(L, 1, "mat.new"), c = checkdim(L, 2, "mat.new"), i;
  double v = luaL_optnumber(L, 3, 0.0);
  omat *m = omat_new(L, r, c);
  if (v != 0.0) for (i = 0; i < r * c; i++) m->x[i] = v;
  return 1;
}


static int m_zeros (lua_State *L) {
  omat_new(L, checkdim(L, 1, "mat.zeros"), checkdim(L, 2, "mat.zeros"));
  return 1;
}


static int m_ones (lua_State *L) {
  size_t r = checkdim(L, 1, "mat.ones"), c = checkdim(L, 2, "mat.ones"), i;
  omat *m = omat_new(L, r, c);
  for (i = 0; i < r * c; i++) m->x[i] = 1.0;
  return 1;
}


static int m_eye (lua_State *L) {
  size_t n = checkdim(L, 1, "mat.eye"), i;
  omat *m = omat_new(L, n, n);
  for (i = 0; i < n; i++) OMAT(m, i, i) = 1.0;
  return 1;
}


static int m_from (lua_State *L) {
  omat *m;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  m = omat_arg(L, 1, "mat.from", "rows");  /* {1,2,3} gives a column */
  (void)m;
  return 1;
}


static int m_vec (lua_State *L) {
  size_t n;
  lua_settop(L, 1);
  if (lua_type(L, 1) != LUA_TTABLE && omat_test(L, 1) == NULL)
    orr_error(L, "mat.vec", "expected an array of numbers, got %s",
              luaL_typename(L, 1));
  omat_vecarg(L, 1, "mat.vec", "values", &n);
  if (omat_test(L, 1)->c != 1) {  /* a row vector becomes a column */
    omat *src = omat_test(L, 1), *m = omat_new(L, n, 1);
    memcpy(m->x, src->x, n * sizeof(double));
  }
  return 1;
}


/* ---------------------------------------------------------------------- */
/* methods and metamethods                                                 */
/* ---------------------------------------------------------------------- */

static int m_rows (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)omat_check(L, 1, "mat:rows", "self")->r);
  return 1;
}


static int m_cols (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)omat_check(L, 1, "mat:cols", "self")->c);
  return 1;
}


static int m_len (lua_State *L) {
  omat *m = omat_check(L, 1, "mat.__len", "self");
  lua_pushinteger(L, (lua_Integer)(m->r * m->c));
  return 1;
}


static size_t checkindex (lua_State *L, int arg, size_t n, const char *fn,
                          const char *what) {
  lua_Integer i = luaL_checkinteger(L, arg);
  if (i < 1 || (size_t)i > n)
    orr_error(L, fn, "%s index %d out of range 1..%d", what, (int)i, (int)n);
  return (size_t)i - 1;
}


static int m_get (lua_State *L) {
  omat *m = omat_check(L, 1, "mat:get", "self");
  size_t i = checkindex(L, 2, m->r, "mat:get", "row");
  size_t j = checkindex(L, 3, m->c, "mat:get", "column");
  lua_pushnumber(L, OMAT(m, i, j));
  return 1;
}


static int m_set (lua_State *L) {
  omat *m = omat_check(L, 1, "mat:set", "self");
  size_t i = checkindex(L, 2, m->r, "mat:set", "row");
  size_t j = checkindex(L, 3, m->c, "mat:set", "column");
  OMAT(m, i, j) = luaL_checknumber(L, 4);
  lua_settop(L, 1);
  return 1;
}


static int m_index (lua_State *L) {
  omat *m = omat_test(L, 1);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    size_t i = checkindex(L, 2, m->r * m->c, "mat.__index", "element");
    lua_pushnumber(L, m->x[i]);
    return 1;
  }
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "methods");
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}


static int m_newindex (lua_State *L) {
  return orr_error(L, "mat", "matrices are changed only through A:set(i, j, v)");
}


static int m_copy (lua_State *L) {
  omat *a = omat_check(L, 1, "mat:copy", "self");
  omat *m = omat_new(L, a->r, a->c);
  if (a->r * a->c != 0) memcpy(m->x, a->x, a->r * a->c * sizeof(double));
  return 1;
}


static int m_t (lua_State *L) {
  omat *a = omat_check(L, 1, "mat:t", "self");
  omat *m = omat_new(L, a->c, a->r);
  size_t i, j;
  for (j = 0; j < a->c; j++)
    for (i = 0; i < a->r; i++) OMAT(m, j, i) = OMAT(a, i, j);
  return 1;
}


static int m_totable (lua_State *L) {
  omat *a = omat_check(L, 1, "mat:totable", "self");
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


/* Element-wise a op b where either side may be a scalar. */
static int arith (lua_State *L, int op, const char *fn) {
  omat *a = NULL, *b = NULL, *m;
  double s = 0;
  size_t i, n;
  int scalar_left = 0;
  if (lua_type(L, 1) == LUA_TNUMBER) { s = lua_tonumber(L, 1); scalar_left = 1; }
  else a = omat_arg(L, 1, fn, "left operand");
  if (lua_type(L, 2) == LUA_TNUMBER) s = lua_tonumber(L, 2);
  else b = omat_arg(L, 2, fn, "right operand");
  if (a && b) {
    if (a->r != b->r || a->c != b->c)
      orr_error(L, fn, "shapes differ: %d x %d and %d x %d", (int)a->r,
                (int)a->c, (int)b->r, (int)b->c);
    m = omat_new(L, a->r, a->c);
    n = a->r * a->c;
    if (op == '+') for (i = 0; i < n; i++) m->x[i] = a->x[i] + b->x[i];
    else for (i = 0; i < n; i++) m->x[i] = a->x[i] - b->x[i];
    return 1;
  }
  if (!a) a = b;  /* scalar on the left */
  m = omat_new(L, a->r, a->c);
  n = a->r * a->c;
  if (op == '+') for (i = 0; i < n; i++) m->x[i] = a->x[i] + s;
  else if (scalar_left) for (i = 0; i < n; i++) m->x[i] = s - a->x[i];
  else for (i = 0; i < n; i++) m->x[i] = a->x[i] - s;
  return 1;
}


static int m_add (lua_State *L) { return arith(L, '+', "mat.__add"); }
static int m_sub (lua_State *L) { return arith(L, '-', "mat.__sub"); }


static int m_unm (lua_State *L) {
  omat *a = omat_check(L, 1, "mat.__unm", "operand"), *m;
  size_t i;
  m = omat_new(L, a->r, a->c);
  for (i = 0; i < a->r * a->c; i++) m->x[i] = -a->x[i];
  return 1;
}


static int m_mul (lua_State *L) {
  omat *a, *b, *m;
  size_t i;
  if (lua_type(L, 1) == LUA_TNUMBER || lua_type(L, 2) == LUA_TNUMBER) {
    int si = lua_type(L, 1) == LUA_TNUMBER ? 1 : 2;
    double s = lua_tonumber(L, si);
    a = omat_arg(L, 3 - si, "mat.__mul", "operand");
    m = omat_new(L, a->r, a->c);
    for (i = 0; i < a->r * a->c; i++) m->x[i] = a->x[i] * s;
    return 1;
  }
  a = omat_arg(L, 1, "mat.__mul", "left operand");
  b = omat_arg(L, 2, "mat.__mul", "right operand");
  if (a->c != b->r)
    orr_error(L, "mat.__mul", "non-conformable: %d x %d times %d x %d",
              (int)a->r, (int)a->c, (int)b->r, (int)b->c);
  m = omat_new(L, a->r, b->c);
  mat_mul(a->x, b->x, m->x, a->r, a->c, b->c);
  return 1;
}


static omat *checksquare (lua_State *L, const char *fn) {
  omat *a = omat_check(L, 1, fn, "self");
  if (a->r != a->c)
    orr_error(L, fn, "matrix must be square, got %d x %d", (int)a->r,
              (int)a->c);
  return a;
}


static int logdet (lua_State *L, const char *fn, double *logabs, int *sign) {
  omat *a = checksquare(L, fn);
  double *lu = orr_work(L, a->r * a->r);
  int *ipiv = (int *)orr_workbytes(L, (a->r + 1) * sizeof(int));
  int info;
  if (a->r != 0) memcpy(lu, a->x, a->r * a->r * sizeof(double));
  info = mat_logdet_lu(lu, a->r, ipiv, logabs, sign);
  if (info < 0) orr_error(L, fn, "LAPACK dgetrf argument %d is invalid", -info);
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


static int m_eq (lua_State *L) {
  omat *a = omat_test(L, 1), *b = omat_test(L, 2);
  int eq = a && b && a->r == b->r && a->c == b->c &&
           (a->r * a->c == 0 || memcmp(a->x, b->x, a->r * a->c * sizeof(double)) == 0);
  lua_pushboolean(L, eq);
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


static const luaL_Reg mat_funcs[] = {
  {"new", m_new}, {"zeros", m_zeros}, {"ones", m_ones}, {"eye", m_eye},
  {"from", m_from}, {"vec", m_vec},
  {NULL, NULL}
};

static const luaL_Reg mat_methods[] = {
  {"rows", m_rows}, {"cols", m_cols}, {"get", m_get}, {"set", m_set},
  {"copy", m_copy}, {"t", m_t}, {"totable", m_totable},
  {"det", m_det}, {"logdet", m_logdet},
  {NULL, NULL}
};

static const luaL_Reg mat_meta[] = {
  {"__index", m_index}, {"__newindex", m_newindex}, {"__len", m_len},
  {"__add", m_add}, {"__sub", m_sub}, {"__mul", m_mul}, {"__unm", m_unm},
  {"__eq", m_eq}, {"__tostring", m_tostring},
  {NULL, NULL}
};

static const orr_doc mat_docs[] = {
  {"new", "mat.new(r, c [, fill]) -> an r x c matrix filled with fill (default 0)"},
  {"zeros", "mat.zeros(r, c) -> an r x c matrix of zeros"},
  {"ones", "mat.ones(r, c) -> an r x c matrix of ones"},
  {"eye", "mat.eye(n) -> the n x n identity"},
  {"from", "mat.from{{1,2},{3,4}} -> a matrix from an array of rows (an array of numbers gives a column)"},
  {"vec", "mat.vec{1,2,3} -> a column vector"},
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
  {"det", "A:det() -> the determinant of a square matrix (LU, dgetrf)"},
  {"logdet", "A:logdet() -> log|det A|, sign"},
  {NULL, NULL}
};


int luaopen_orrery_mat (lua_State *L) {
  if (luaL_newmetatable(L, OMAT_TNAME)) {
    luaL_setfuncs(L, mat_meta, 0);
    lua_newtable(L);
    luaL_setfuncs(L, mat_methods, 0);
    orr_setdocs(L, -1, "mat:", method_docs);
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
