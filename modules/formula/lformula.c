/*
** formula: the C half of model formulas. The parser and the term algebra
** live in stdlib/formula.lua; these private functions build the columns
** (vexpr.c evaluates element-wise expressions, design.c the rest) and are
** called only by the Lua half, which hands them checked arguments: column
** mats of the frame's n rows, factor codes checked by _badcode, kept rows
** from _rows. They check what would make a kernel read out of bounds.
*/
#include <limits.h>
#include <math.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "orules.h"
#include "mat/omat.h"
#include "formula/vexpr.h"
#include "stats/dist.h"
#include "formula/design.h"


#define FN "formula"


/* the mat at idx, which must hold n values (n = (size_t)-1: any) */
static omat *column (lua_State *L, int idx, size_t n, const char *what) {
  omat *m = omat_check(L, idx, FN, what);
  if (n != (size_t)-1 && m->r * m->c != n)
    orr_error(L, FN, "'%s' has %d values, expected %d", what,
              (int)(m->r * m->c), (int)n);
  return m;
}

/* kept rows: a mat of 1-based row numbers within 1..n, or false/nil (all) */
static const double *keptrows (lua_State *L, int idx, size_t n, size_t *k) {
  omat *r;
  size_t i;
  if (lua_isnoneornil(L, idx) || lua_isboolean(L, idx)) { *k = n; return NULL; }
  r = column(L, idx, (size_t)-1, "rows");
  for (i = 0; i < r->r * r->c; i++)
    if (!(r->x[i] >= 1 && r->x[i] <= (double)n))
      orr_error(L, FN, "row number %d out of range", (int)i + 1);
  *k = r->r * r->c;
  return r->x;
}

static size_t checksize (lua_State *L, lua_Integer v, const char *what) {
  if (v < 0) orr_error(L, FN, "'%s' must be >= 0", what);
  return (size_t)v;
}


/* ---------------------------------------------------------------------- */
/* element-wise expressions                                                */
/* ---------------------------------------------------------------------- */

/*
** _eval(prog, k, cols, n) -> an n x 1 mat, or a number when the program
** reads no column. prog: flat array of (op, a, b) triples, a 0-based;
** k: constants; cols: mats of n values.
*/
static int f_eval (lua_State *L) {
  size_t np, nk, nc, n, i, depth;
  ofxop *p;
  double *k, *work, scalar = 0;
  const double **cols;
  ofxslot *slots;
  omat *out = NULL;
  int st;
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  n = checksize(L, luaL_checkinteger(L, 4), "n");
  np = (size_t)lua_rawlen(L, 1) / 3;
  nk = (size_t)lua_rawlen(L, 2);
  nc = (size_t)lua_rawlen(L, 3);
  p = (ofxop *)orr_workbytes(L, (np + 1) * sizeof(ofxop));
  for (i = 0; i < np; i++) {
    lua_rawgeti(L, 1, (lua_Integer)(3 * i + 1));
    lua_rawgeti(L, 1, (lua_Integer)(3 * i + 2));
    lua_rawgeti(L, 1, (lua_Integer)(3 * i + 3));
    p[i].op = (int)luaL_checkinteger(L, -3);
    p[i].a = checksize(L, luaL_checkinteger(L, -2), "prog");
    p[i].b = checksize(L, luaL_checkinteger(L, -1), "prog");
    lua_pop(L, 3);
  }
  k = orr_work(L, nk + 1);
  for (i = 0; i < nk; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    k[i] = luaL_checknumber(L, -1);
    lua_pop(L, 1);
  }
  cols = (const double **)orr_workbytes(L, (nc + 1) * sizeof(double *));
  for (i = 0; i < nc; i++) {
    lua_rawgeti(L, 3, (lua_Integer)i + 1);
    cols[i] = column(L, -1, n, "column")->x;   /* stays referenced by cols */
    lua_pop(L, 1);
  }
  depth = ofx_depth(p, np, nc, nk);
  if (depth == 0) orr_error(L, FN, "malformed expression program");
  work = orr_work(L, (depth - 1) * OFX_BLOCK + 1);
  slots = (ofxslot *)orr_workbytes(L, depth * sizeof(ofxslot));
  if (nc > 0) out = omat_new(L, n, 1);
  st = ofx_eval(p, np, depth, cols, k, n, out ? out->x : NULL, &scalar, work, slots);
  if (st < 0) return orr_interrupterror(L, FN);
  if (st == 1) lua_pushnumber(L, scalar);
  return 1;
}


/* ---------------------------------------------------------------------- */
/* rows                                                                    */
/* ---------------------------------------------------------------------- */

/*
** _rows(fn, na_fail, n, {label, m}, ...) -> rows (the kept 1-based rows
** as a mat, in increasing order, or false when every row is kept),
** n_dropped. A row with NaN in any column is dropped (na_fail: an error
** naming the first such row and its first column); an infinite value in a
** kept row is an error naming the first column that has one.
*/
static int f_rows (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  int fail = lua_toboolean(L, 2);
  size_t n = checksize(L, luaL_checkinteger(L, 3), "n");
  int top = lua_gettop(L), a, anyinf = 0;
  size_t i, kept = 0, j;
  unsigned char *drop = (unsigned char *)orr_workbytes(L, n + 1);
  unsigned char *hasinf = (unsigned char *)orr_workbytes(L, (size_t)top + 1);
  omat *rows;
  memset(drop, 0, n + 1);
  for (a = 4; a <= top; a++) {
    omat *m;
    luaL_checktype(L, a, LUA_TTABLE);
    lua_rawgeti(L, a, 2);
    m = column(L, -1, (size_t)-1, "column");
    if (m->r * m->c % (n ? n : 1) != 0 || (n == 0 && m->r * m->c != 0))
      orr_error(L, fn, "a column has %d values for %d rows", (int)(m->r * m->c), (int)n);
    hasinf[a] = 0;
    for (j = 0; n > 0 && j < m->r * m->c / n; j++)
      if (ofd_dropnan(m->x + j * n, n, drop)) hasinf[a] = 1, anyinf = 1;
    lua_pop(L, 1);
  }
  if (fail) {
    for (i = 0; i < n && !drop[i]; i++) {}
    if (i < n)
      for (a = 4; a <= top; a++) {
        omat *m;
        lua_rawgeti(L, a, 2);
        m = omat_test(L, -1);
        for (j = 0; j < m->r * m->c / n; j++)
          if (isnan(m->x[j * n + i])) {
            lua_rawgeti(L, a, 1);
            return orr_error(L, fn, "missing value in '%s' at row %d (na = \"fail\")",
                             lua_tostring(L, -1), (int)i + 1);
          }
        lua_pop(L, 1);
      }
  }
  for (i = 0; i < n; i++) kept += !drop[i];
  if (n == 0) orr_error(L, fn, "the data have no rows");
  if (kept == 0)
    orr_error(L, fn, "no complete rows: each of the %d rows has a missing value", (int)n);
  for (a = 4; anyinf && a <= top; a++) {
    omat *m;
    if (!hasinf[a]) continue;
    lua_rawgeti(L, a, 2);
    m = omat_test(L, -1);
    for (j = 0; j < m->r * m->c / n; j++) {
      i = ofd_firstinf(m->x + j * n, n, drop);
      if (i < n) {
        lua_rawgeti(L, a, 1);
        return orr_error(L, fn, "'%s' has an infinite value at row %d",
                         lua_tostring(L, -1), (int)i + 1);
      }
    }
    lua_pop(L, 1);
  }
  if (kept == n) lua_pushboolean(L, 0);
  else {
    rows = omat_new(L, kept, 1);
    for (i = 0, j = 0; i < n; i++)
      if (!drop[i]) rows->x[j++] = (double)(i + 1);
  }
  lua_pushinteger(L, (lua_Integer)(n - kept));
  return 2;
}


/* _keep(n, rows) -> an array of n booleans: whether each row is kept (rows:
   the kept rows as _rows gives them, false for all) */
static int f_keep (lua_State *L) {
  size_t n = checksize(L, luaL_checkinteger(L, 1), "n"), k, i, j = 0;
  const double *rows = keptrows(L, 2, n, &k);
  lua_createtable(L, n > INT_MAX ? INT_MAX : (int)n, 0);
  for (i = 0; i < n; i++) {
    int in = rows == NULL || (j < k && (size_t)rows[j] == i + 1);
    if (in && rows) j++;
    lua_pushboolean(L, in);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}


/* _firstinf(m) -> the first row (1-based) holding an infinite value, or nil */
static int f_firstinf (lua_State *L) {
  omat *m = column(L, 1, (size_t)-1, "column");
  size_t i = ofd_firstinf(m->x, m->r * m->c, NULL);
  if (i == m->r * m->c) return 0;
  lua_pushinteger(L, (lua_Integer)(i % (m->r ? m->r : 1)) + 1);
  return 1;
}


/* _firstnan(m) -> the first element (1-based) that is NaN, or nil */
static int f_firstnan (lua_State *L) {
  omat *m = column(L, 1, (size_t)-1, "column");
  size_t i, n = m->r * m->c;
  for (i = 0; i < n; i++)
    if (isnan(m->x[i])) {
      lua_pushinteger(L, (lua_Integer)i + 1);
      return 1;
    }
  return 0;
}


/* _badcode(codes, K) -> the first row (1-based) whose code is not NaN or
   an integer in 1..K, or nil */
static int f_badcode (lua_State *L) {
  omat *c = column(L, 1, (size_t)-1, "codes");
  size_t K = checksize(L, luaL_checkinteger(L, 2), "K");
  size_t i = ofd_badcode(c->x, c->r * c->c, K);
  if (i == c->r * c->c) return 0;
  lua_pushinteger(L, (lua_Integer)i + 1);
  return 1;
}


/* the map at idx (nil: none) for codes 1..K */
static const double *mapof (lua_State *L, int idx, size_t K) {
  omat *m;
  if (lua_isnoneornil(L, idx)) return NULL;
  m = column(L, idx, K, "map");
  return m->x;
}

/* checks that the codes at idx are valid for K levels */
static omat *codesof (lua_State *L, int idx, size_t K) {
  omat *c = column(L, idx, (size_t)-1, "codes");
  if (ofd_badcode(c->x, c->r * c->c, K) < c->r * c->c)
    orr_error(L, FN, "factor codes out of range");
  return c;
}


/*
** _take(rows, map, x1 [, x2, ...]) -> a k x m mat of the kept rows of the
** columns (all of the same length); with a map (a mat of K values) the
** columns are codes 1..K and give map[code].
*/
static int f_take (lua_State *L) {
  int top = lua_gettop(L), a;
  size_t n, k, K = 0;
  const double *rows, *map = NULL;
  omat *first = column(L, 3, (size_t)-1, "column"), *out;
  n = first->r * first->c;
  rows = keptrows(L, 1, n, &k);
  if (!lua_isnoneornil(L, 2)) {
    omat *m = column(L, 2, (size_t)-1, "map");
    K = m->r * m->c;
    map = m->x;
  }
  for (a = 3; a <= top; a++) column(L, a, n, "column");
  out = omat_new(L, k, (size_t)(top - 2));
  for (a = 3; a <= top; a++)
    ofd_take(out->x + (size_t)(a - 3) * k, omat_test(L, a)->x, k, rows, map, K);
  return 1;
}


/* _levelcounts(codes, K, rows) -> K x 1 mat: kept rows holding each code */
static int f_levelcounts (lua_State *L) {
  size_t K = checksize(L, luaL_checkinteger(L, 2), "K"), k;
  omat *c = column(L, 1, (size_t)-1, "codes"), *out;
  const double *rows = keptrows(L, 3, c->r * c->c, &k);
  out = omat_new(L, K, 1);
  ofd_levelcounts(c->x, k, rows, K, out->x);
  return 1;
}


/* _recode(codes, map) -> new codes, and the first row (1-based) whose code
   maps to 0, or nil */
static int f_recode (lua_State *L) {
  omat *m = column(L, 2, (size_t)-1, "map");
  omat *c = column(L, 1, (size_t)-1, "codes"), *out;
  size_t n = c->r * c->c, bad;
  out = omat_new(L, n, 1);
  bad = ofd_recode(out->x, c->x, n, m->x, m->r * m->c);
  if (bad == n) return 1;
  lua_pushinteger(L, (lua_Integer)bad + 1);
  return 2;
}


/* _cross(a, Ka, b, Kb) -> codes of the crossing, a varying fastest */
static int f_cross (lua_State *L) {
  size_t Ka = checksize(L, luaL_checkinteger(L, 2), "K");
  size_t Kb = checksize(L, luaL_checkinteger(L, 4), "K");
  omat *a = codesof(L, 1, Ka), *b = codesof(L, 3, Kb), *out;
  size_t n = a->r * a->c;
  if (b->r * b->c != n) orr_error(L, FN, "factors of different lengths");
  out = omat_new(L, n, 1);
  ofd_cross(out->x, a->x, Ka, b->x, n);
  return 1;
}


/* _factorize(x) -> uniq (sorted distinct values), codes; or nil, row (the
   first infinite value) */
static int f_factorize (lua_State *L) {
  omat *x = column(L, 1, (size_t)-1, "column"), *u, *codes;
  size_t n = x->r * x->c, nu = 0, bad;
  double *work = orr_work(L, n + 1);
  double *uniq = orr_work(L, n + 1);
  codes = omat_new(L, n, 1);
  bad = ofd_factorize(x->x, n, codes->x, uniq, &nu, work);
  if (bad < n) {
    lua_pushnil(L);
    lua_pushinteger(L, (lua_Integer)bad + 1);
    return 2;
  }
  u = omat_new(L, nu, 1);
  if (nu) memcpy(u->x, uniq, nu * sizeof(double));
  lua_insert(L, -2);
  return 2;
}


/* ---------------------------------------------------------------------- */
/* design                                                                  */
/* ---------------------------------------------------------------------- */

/* field key of the table at t, a number (absent: 0) */
static double numfield (lua_State *L, int t, const char *key) {
  double v;
  lua_getfield(L, t, key);
  v = luaL_optnumber(L, -1, 0);
  lua_pop(L, 1);
  return v;
}


/*
** _design(n, rows, spec) -> the k x #spec design matrix. spec[c] is the
** array of parts of column c (empty: ones); a part is {x = an n x c mat,
** col = its column (0-based, default 0), kind = OFD_*, map = mat or nil,
** K =, j =, k =}. The mats stay referenced
** by spec while the kernel runs.
*/
static int f_design (lua_State *L) {
  size_t n = checksize(L, luaL_checkinteger(L, 1), "n"), k, ncol, np = 0, nin = 0, c, q;
  const double *rows = keptrows(L, 2, n, &k);
  const double **in, **src;
  ofdcol *cols;
  ofdpart *parts;
  omat *X;
  int seen;
  luaL_checktype(L, 3, LUA_TTABLE);
  ncol = (size_t)lua_rawlen(L, 3);
  for (c = 0; c < ncol; c++) {
    lua_rawgeti(L, 3, (lua_Integer)c + 1);
    luaL_checktype(L, -1, LUA_TTABLE);
    np += (size_t)lua_rawlen(L, -1);
    lua_pop(L, 1);
  }
  cols = (ofdcol *)orr_workbytes(L, (ncol + 1) * sizeof(ofdcol));
  parts = (ofdpart *)orr_workbytes(L, (np + 1) * sizeof(ofdpart));
  in = (const double **)orr_workbytes(L, (np + 1) * sizeof(double *));
  lua_newtable(L);   /* input pointer -> its index in 'in' */
  seen = lua_gettop(L);
  np = 0;
  for (c = 0; c < ncol; c++) {
    int t;
    lua_rawgeti(L, 3, (lua_Integer)c + 1);
    t = lua_gettop(L);
    cols[c].first = np;
    cols[c].np = (size_t)lua_rawlen(L, t);
    for (q = 0; q < cols[c].np; q++, np++) {
      ofdpart *p = parts + np;
      const double *x;
      int pt;
      lua_rawgeti(L, t, (lua_Integer)q + 1);
      pt = lua_gettop(L);
      luaL_checktype(L, pt, LUA_TTABLE);
      lua_getfield(L, pt, "x");
      {  /* column 'col' (0-based) of an n x c mat */
        omat *m = column(L, -1, (size_t)-1, "column");
        size_t col = checksize(L, (lua_Integer)numfield(L, pt, "col"), "col");
        if (m->r != n || col >= m->c)
          orr_error(L, FN, "a design column reads a %d x %d mat at column %d for %d rows",
                    (int)m->r, (int)m->c, (int)col + 1, (int)n);
        x = m->x + col * n;   /* the mat stays referenced by spec */
      }
      lua_pop(L, 1);
      lua_pushlightuserdata(L, (void *)x);
      if (lua_rawget(L, seen) == LUA_TNUMBER) p->in = (size_t)lua_tointeger(L, -1);
      else {
        p->in = nin;
        in[nin++] = x;
        lua_pushlightuserdata(L, (void *)x);
        lua_pushinteger(L, (lua_Integer)p->in);
        lua_rawset(L, seen);
      }
      lua_pop(L, 1);
      p->kind = (int)numfield(L, pt, "kind");
      if (p->kind < OFD_NUM || p->kind > OFD_HELMERT)
        orr_error(L, FN, "unknown kind of design column");
      p->K = checksize(L, (lua_Integer)numfield(L, pt, "K"), "K");
      p->j = numfield(L, pt, "j");
      p->k = numfield(L, pt, "k");
      p->map = NULL;
      if (p->kind != OFD_NUM) {
        lua_getfield(L, pt, "map");
        p->map = mapof(L, -1, p->K);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  src = (const double **)orr_workbytes(L, (nin + 1) * sizeof(double *));
  {
    double *work = orr_work(L, rows ? nin * OFD_BLOCK + 1 : 1);
    X = omat_new(L, k, ncol);
    if (ofd_design(X->x, k, rows, in, nin, cols, ncol, parts, work, src) < 0)
      return orr_interrupterror(L, FN);
  }
  return 1;
}


/* ---------------------------------------------------------------------- */
/* poly, scale                                                             */
/* ---------------------------------------------------------------------- */

/* _poly(x, deg) -> Z (n x deg), alpha (deg x 1), norm2 ((deg + 2) x 1);
   or nil when x has no more than deg distinct values */
static int f_poly (lua_State *L) {
  omat *x = column(L, 1, (size_t)-1, "x"), *Z, *alpha, *norm2;
  size_t deg = checksize(L, luaL_checkinteger(L, 2), "degree");
  size_t n = x->r * x->c;
  if (deg == 0 || deg > n) return 0;
  Z = omat_new(L, n, deg);
  alpha = omat_new(L, deg, 1);
  norm2 = omat_new(L, deg + 2, 1);
  if (ofd_poly(x->x, n, deg, Z->x, alpha->x, norm2->x) != 0) return 0;
  return 3;
}


/* _polypredict(x, alpha, norm2) -> Z */
static int f_polypredict (lua_State *L) {
  omat *x = column(L, 1, (size_t)-1, "x"), *Z;
  omat *alpha = column(L, 2, (size_t)-1, "alpha");
  size_t deg = alpha->r * alpha->c, n = x->r * x->c;
  omat *norm2 = column(L, 3, deg + 2, "norm2");
  Z = omat_new(L, n, deg);
  ofd_polypredict(x->x, n, deg, alpha->x, norm2->x, Z->x);
  return 1;
}


/* _scale(x, center, scale) -> centre, scale (R's scale() of one column) */
static int f_scale (lua_State *L) {
  omat *x = column(L, 1, (size_t)-1, "x");
  double c, s;
  ofd_scalestats(x->x, x->r * x->c, lua_toboolean(L, 2), lua_toboolean(L, 3), &c, &s);
  lua_pushnumber(L, c);
  lua_pushnumber(L, s);
  return 2;
}


static const luaL_Reg formula_funcs[] = {
  {"_eval", f_eval}, {"_rows", f_rows}, {"_keep", f_keep},
  {"_firstinf", f_firstinf}, {"_firstnan", f_firstnan}, {"_badcode", f_badcode}, {"_take", f_take},
  {"_levelcounts", f_levelcounts}, {"_recode", f_recode}, {"_cross", f_cross},
  {"_factorize", f_factorize}, {"_design", f_design}, {"_poly", f_poly},
  {"_polypredict", f_polypredict}, {"_scale", f_scale},
  {NULL, NULL}
};


int luaopen_orrery_formula (lua_State *L) {
  /* results are matrices: their metatable must exist before the first one */
  orr_require(L, "mat");
  lua_pop(L, 1);
  orr_newlib(L, "formula", formula_funcs, NULL);
  /* the operation codes of the two kernels, for the Lua half */
  lua_newtable(L);
#define OPC(name, v)  (lua_pushinteger(L, v), lua_setfield(L, -2, name))
  OPC("COL", OFX_COL); OPC("CONST", OFX_CONST); OPC("NEG", OFX_NEG);
  OPC("NOT", OFX_NOT); OPC("log", OFX_LOG); OPC("log2", OFX_LOG2);
  OPC("log10", OFX_LOG10); OPC("log1p", OFX_LOG1P); OPC("exp", OFX_EXP);
  OPC("expm1", OFX_EXPM1); OPC("sqrt", OFX_SQRT); OPC("abs", OFX_ABS);
  OPC("sign", OFX_SIGN); OPC("sin", OFX_SIN); OPC("cos", OFX_COS);
  OPC("tan", OFX_TAN); OPC("asin", OFX_ASIN); OPC("acos", OFX_ACOS);
  OPC("atan", OFX_ATAN); OPC("sinh", OFX_SINH); OPC("cosh", OFX_COSH);
  OPC("tanh", OFX_TANH); OPC("floor", OFX_FLOOR); OPC("ceiling", OFX_CEIL);
  OPC("trunc", OFX_TRUNC); OPC("IN", OFX_IN);
  OPC("+", OFX_ADD); OPC("-", OFX_SUB); OPC("*", OFX_MUL); OPC("/", OFX_DIV);
  OPC("^", OFX_POW); OPC("==", OFX_EQ); OPC("!=", OFX_NE); OPC("<", OFX_LT);
  OPC(">", OFX_GT); OPC("<=", OFX_LE); OPC(">=", OFX_GE);
  OPC("LOGB", OFX_LOGB); OPC("round", OFX_ROUND); OPC("pmin", OFX_PMIN);
  OPC("pmax", OFX_PMAX);
  OPC("NUM", OFD_NUM); OPC("LEVEL", OFD_LEVEL); OPC("SUM", OFD_SUM);
  OPC("HELMERT", OFD_HELMERT);
#undef OPC
  lua_setfield(L, -2, "_ops");
  return 1;
}
