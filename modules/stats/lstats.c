/*
** stats: distributions (d/p/q), reductions, correlation, partial
** correlation, compositional transforms and control variates.
** The binding checks arguments and missing values; dist.c and desc.c compute.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "orules.h"
#include "mat/omat.h"
#include "stats/dist.h"
#include "stats/desc.h"


/* a number as C's %.15g writes it (lua_pushfstring has no %g) */
static const char *num (char *buf, double v) {
  if (isnan(v)) return "NaN";   /* C's %g writes nan or -nan */
  if (isinf(v)) return v > 0 ? "Inf" : "-Inf";
  snprintf(buf, 32, "%.15g", v);
  return buf;
}


/* ---------------------------------------------------------------------- */
/* distributions                                                           */
/* ---------------------------------------------------------------------- */

typedef struct distinfo {
  const char *name;
  int npar, ndef;            /* parameters; how many trailing ones have defaults */
  const char *pname[2];
  double def[2];
} distinfo;

static const distinfo dists[DIST_COUNT] = {
  {"norm", 2, 2, {"mean", "sd"}, {0, 1}},
  {"t", 1, 0, {"df", NULL}, {0, 0}},
  {"chisq", 1, 0, {"df", NULL}, {0, 0}},
  {"f", 2, 0, {"df1", "df2"}, {0, 0}},
  {"beta", 2, 0, {"shape1", "shape2"}, {0, 0}},
  {"gamma", 2, 1, {"shape", "rate"}, {0, 1}},
  {"binom", 2, 0, {"size", "prob"}, {0, 0}},
  {"pois", 1, 0, {"lambda", NULL}, {0, 0}},
};

static const char *const d_opts[] = {"log", NULL};
static const char *const pq_opts[] = {"lower", "log", NULL};


/* raises the error for status st of element i */
static void dpq_error (lua_State *L, const char *fn, int kind, int st,
                       int give_log, double v, size_t i) {
  char nb[32];
  switch (st) {
    case STATS_EINTR:
      orr_interrupterror(L, fn);
      break;
    case STATS_EPROB:
      if (give_log)
        orr_error(L, fn, "log p must be <= 0 (got %s at element %d)", num(nb, v), (int)i + 1);
      orr_error(L, fn, "p must be in [0, 1] (got %s at element %d)", num(nb, v), (int)i + 1);
      break;
    case STATS_ERANGE:
      orr_error(L, fn, "the quantile at %sp = %s (element %d) lies beyond the range of double precision",
                give_log ? "log " : "", num(nb, v), (int)i + 1);
      break;
    default:
      orr_error(L, fn, "cannot compute an accurate value at %s = %s (element %d)",
                kind == 'q' ? (give_log ? "log p" : "p") : "x", num(nb, v), (int)i + 1);
  }
}

static int dpq_run (int kind, int dist, const double *par, const double *x,
                    double *out, size_t n, int lower, int give_log, size_t *bad) {
  switch (kind) {
    case 'd': return dist_d(dist, par, x, out, n, give_log, bad);
    case 'p': return dist_p(dist, par, x, out, n, lower, give_log, bad);
    default: return dist_q(dist, par, x, out, n, lower, give_log, bad);
  }
}

/*
** stats.<k><dist>(x, par... [, opts]); upvalues: the distribution and the
** kind ('d', 'p' or 'q'). x and each parameter are a number or a vector/mat;
** vectors have one length (a number goes with every element, as R recycles
** a length-1 argument). All numbers give a number, anything else a mat
** shaped as the first non-number argument.
*/
static int s_dpq (lua_State *L) {
  int dist = (int)lua_tointeger(L, lua_upvalueindex(1));
  int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
  const distinfo *D = &dists[dist];
  int top = lua_gettop(L), optidx = 0, i, lower, give_log, st = STATS_OK;
  double par[2] = {0, 0}, scalar;
  const double *pv[2] = {NULL, NULL}, *x;
  const omat *shape = NULL;
  const char *shape_name = "x";
  double *out;
  size_t n = 1, k, bad = 0;
  const char *msg;
  char fn[24], nb[32];
  snprintf(fn, sizeof fn, "stats.%c%s", kind, D->name);
  while (top > 1 && lua_isnil(L, top)) top--;   /* f(x, a, nil) is f(x, a) */
  lua_settop(L, top);
  /* the options: a table without an array part (an array is a vector) */
  if (top >= 2 && lua_type(L, top) == LUA_TTABLE && lua_rawlen(L, top) == 0) {
    optidx = top; top--;
  }
  while (top > 1 && lua_isnil(L, top)) top--;   /* f(x, a, nil, opts) too */
  if (top < 1) orr_error(L, fn, "missing argument 'x'");
  if (top - 1 > D->npar)
    orr_error(L, fn, "too many arguments (expected x and %d parameter%s)",
              D->npar, D->npar > 1 ? "s" : "");
  if (optidx) orr_checkopts(L, optidx, fn, kind == 'd' ? d_opts : pq_opts);
  lower = orr_optboolean(L, optidx, "lower", 1, fn);
  give_log = orr_optboolean(L, optidx, "log", 0, fn);
  /* x, then the parameters: numbers or vectors of one common length */
  for (i = -1; i < D->npar; i++) {
    int idx = i + 2;
    const char *what = i < 0 ? (kind == 'q' ? "p" : "x") : D->pname[i];
    if (i >= 0 && (idx > top || lua_isnil(L, idx))) {  /* a nil parameter takes its default */
      if (i >= D->npar - D->ndef) { par[i] = D->def[i]; continue; }
      orr_error(L, fn, "missing argument '%s'", D->pname[i]);
    }
    if (lua_type(L, idx) == LUA_TNUMBER) {
      if (i < 0) scalar = lua_tonumber(L, idx);
      else par[i] = lua_tonumber(L, idx);
    }
    else if (lua_type(L, idx) == LUA_TTABLE || omat_test(L, idx)) {
      omat *m = omat_arg(L, idx, fn, what);
      size_t len = m->r * m->c;
      if (shape == NULL) { shape = m; n = len; shape_name = what; }
      else if (len != n)
        orr_error(L, fn, "'%s' has %d elements but '%s' has %d (lengths must agree, or be a number)",
                  what, (int)len, shape_name, (int)n);
      if (i < 0) scalar = 0; else pv[i] = m->x;
    }
    else
      orr_error(L, fn, "'%s' must be a number or a vector, got %s", what,
                luaL_typename(L, idx));
  }
  if (pv[0] == NULL && pv[1] == NULL &&
      (msg = dist_checkpar(dist, par, &i)) != NULL)
    orr_error(L, fn, "%s (got %s)", msg, num(nb, par[i]));
  if (shape == NULL) {   /* all numbers: a number */
    x = &scalar; out = &scalar;
    st = dpq_run(kind, dist, par, x, out, 1, lower, give_log, &bad);
    if (st != STATS_OK) dpq_error(L, fn, kind, st, give_log, x[0], 0);
    lua_pushnumber(L, scalar);
    return 1;
  }
  if (lua_type(L, 1) == LUA_TNUMBER) {   /* a number x goes with every element */
    double *w = orr_work(L, n);
    for (k = 0; k < n; k++) w[k] = scalar;
    x = w;
  }
  else x = omat_test(L, 1)->x;
  out = omat_new(L, shape->r, shape->c)->x;
  if (pv[0] == NULL && pv[1] == NULL) {   /* one call for the whole vector */
    st = dpq_run(kind, dist, par, x, out, n, lower, give_log, &bad);
    if (st != STATS_OK) dpq_error(L, fn, kind, st, give_log, x[bad], bad);
    return 1;
  }
  for (k = 0; k < n; k++) {   /* parameters per element */
    double pk[2];
    pk[0] = pv[0] ? pv[0][k] : par[0];
    pk[1] = pv[1] ? pv[1][k] : par[1];
    if ((msg = dist_checkpar(dist, pk, &i)) != NULL)
      orr_error(L, fn, "%s (got %s at element %d)", msg, num(nb, pk[i]), (int)k + 1);
    st = dpq_run(kind, dist, pk, x + k, out + k, 1, lower, give_log, &bad);
    if (st != STATS_OK) dpq_error(L, fn, kind, st, give_log, x[k], k);
  }
  return 1;
}


/* ---------------------------------------------------------------------- */
/* data with missing values                                                */
/* ---------------------------------------------------------------------- */

static const char *const na_opts[] = {"na_rm", NULL};

/* the options table at idx (or none): checks fields, returns na_rm */
static int getna (lua_State *L, int idx, const char *fn) {
  if (lua_isnoneornil(L, idx)) return 0;
  if (lua_type(L, idx) != LUA_TTABLE || omat_test(L, idx))
    orr_error(L, fn, "expected an options table as argument %d, got %s", idx,
              luaL_typename(L, idx));
  orr_checkopts(L, idx, fn, na_opts);
  return orr_optboolean(L, idx, "na_rm", 0, fn);
}

/*
** Copies the rows of X (n x p) that have no NaN (the mask of vm/orules.h)
** into a work array pushed on the stack (over the mask), and returns it
** with *nout rows. Without na_rm a NaN is an error that says so; infinite
** values are an error unless allow_inf. Of several bad values the first in
** row order is named.
*/
static double *cleanrows (lua_State *L, const double *X, size_t n, size_t p,
                          int na_rm, int allow_inf, const char *fn,
                          const char *what, size_t *nout) {
  unsigned char *drop = (unsigned char *)orr_workbytes(L, n + 1);
  double *w;
  size_t i, j, k = 0, ri = n, ci = 0, rn, cn = 0, col;
  memset(drop, 0, n + 1);
  for (j = 0; j < p; j++) {   /* column by column: the first Inf by row */
    size_t r = orr_rowmask(X + j * n, n, 1, n, drop, &col);
    if (r < ri) { ri = r; ci = j; }
  }
  if (allow_inf) ri = n;
  for (rn = 0; rn < n && !drop[rn]; rn++) ;
  if (rn < n) while (!isnan(X[rn + cn * n])) cn++;
  if (!na_rm && rn < n && (rn < ri || (rn == ri && cn < ci))) {
    if (p == 1)
      orr_error(L, fn, "'%s' has a missing value (NaN) at element %d; "
                "use {na_rm = true} to drop missing values", what, (int)rn + 1);
    orr_error(L, fn, "'%s' has a missing value (NaN) at row %d, column %d; "
              "use {na_rm = true} to drop rows with missing values",
              what, (int)rn + 1, (int)cn + 1);
  }
  if (ri < n)
    orr_error(L, fn, "'%s' has an infinite value at %s %d", what,
              p == 1 ? "element" : "row", (int)ri + 1);
  w = orr_work(L, n * p);   /* above the mask, which stays referenced */
  for (i = 0; i < n; i++) {
    if (drop[i]) continue;
    for (j = 0; j < p; j++) w[k + j * n] = X[i + j * n];
    k++;
  }
  if (k < n)   /* close the gaps between columns */
    for (j = 1; j < p; j++) memmove(w + j * k, w + j * n, k * sizeof(double));
  *nout = k;
  return w;
}

/* a vector argument: all elements of a mat, NaN removed or rejected */
static double *vecdata (lua_State *L, int idx, int na_rm, int allow_inf,
                        const char *fn, const char *what, size_t *n) {
  omat *m = omat_arg(L, idx, fn, what);
  return cleanrows(L, m->x, m->r * m->c, 1, na_rm, allow_inf, fn, what, n);
}


/* ---------------------------------------------------------------------- */
/* reductions                                                              */
/* ---------------------------------------------------------------------- */

static int s_mean (lua_State *L) {
  size_t n;
  int na = getna(L, 2, "stats.mean");
  double *x = vecdata(L, 1, na, 0, "stats.mean", "x", &n);
  if (n == 0) orr_error(L, "stats.mean", "no values");
  lua_pushnumber(L, desc_mean(x, n));
  return 1;
}

/* the variance of x as v 2^(2 *e): x is scaled first, so that squares of
   huge or tiny deviations neither overflow nor underflow */
static double variance (lua_State *L, const char *fn, int *e) {
  size_t n;
  int na = getna(L, 2, fn);
  double *x;
  omat *m = omat_arg(L, 1, fn, "x");
  if (m->r > 1 && m->c > 1 && strcmp(fn, "stats.var") == 0)   /* R's var(X) is cov(X) */
    orr_error(L, fn, "'x' is a %d x %d matrix: use stats.cov for the covariance "
              "matrix of its columns", (int)m->r, (int)m->c);
  x = vecdata(L, 1, na, 0, fn, "x", &n);
  if (n < 2) orr_error(L, fn, "needs at least 2 values, got %d", (int)n);
  *e = desc_scale(x, n);
  return desc_var(x, n);
}

static int s_var (lua_State *L) {
  int e;
  double v = variance(L, "stats.var", &e);
  lua_pushnumber(L, ldexp(v, 2 * e));
  return 1;
}

static int s_sd (lua_State *L) {
  int e;
  double v = variance(L, "stats.sd", &e);
  lua_pushnumber(L, ldexp(sqrt(v), e));
  return 1;
}

static int s_median (lua_State *L) {
  size_t n;
  double m;
  int na = getna(L, 2, "stats.median");
  double *x = vecdata(L, 1, na, 1, "stats.median", "x", &n);
  if (n == 0) orr_error(L, "stats.median", "no values");
  desc_sort(x, n);
  m = desc_median(x, n);
  if (isnan(m)) orr_error(L, "stats.median", "the median lies between -Inf and Inf: undefined");
  lua_pushnumber(L, m);
  return 1;
}

static int s_quantile (lua_State *L) {
  const char *fn = "stats.quantile";
  size_t n, np, i;
  int na = getna(L, 3, fn), scalar = lua_type(L, 2) == LUA_TNUMBER;
  double *x, pv;
  const double *p;
  omat *out = NULL;
  char nb[32];
  if (lua_isnoneornil(L, 2)) orr_error(L, fn, "missing argument 'p'");
  x = vecdata(L, 1, na, 1, fn, "x", &n);
  if (n == 0) orr_error(L, fn, "no values");
  if (scalar) { pv = lua_tonumber(L, 2); p = &pv; np = 1; }
  else {
    omat *pm = omat_vecarg(L, 2, fn, "p", &np);
    p = pm->x;
    out = omat_new(L, np, 1);
  }
  for (i = 0; i < np; i++)
    if (!(p[i] >= 0 && p[i] <= 1))
      orr_error(L, fn, "p must be in [0, 1] (got %s at element %d)", num(nb, p[i]), (int)i + 1);
  desc_sort(x, n);
  for (i = 0; i < np; i++) {
    double q = desc_quantile7(x, n, p[i]);
    if (isnan(q))   /* between -Inf and Inf (R gives NaN) */
      orr_error(L, fn, "the quantile at p = %s lies between -Inf and Inf: undefined", num(nb, p[i]));
    if (scalar) lua_pushnumber(L, q); else out->x[i] = q;
  }
  return 1;
}


/* ---------------------------------------------------------------------- */
/* covariance and correlation                                              */
/* ---------------------------------------------------------------------- */

/* indexed by DESC_PEARSON, DESC_SPEARMAN, DESC_KENDALL (desc.h) */
static const char *const cor_methods[] = {"pearson", "spearman", "kendall", NULL};

typedef struct corargs {
  double *X;       /* complete rows, n x p */
  size_t n, p;
  int pair;        /* called as f(x, y): a number is returned */
  int method;
} corargs;

static int isdata (lua_State *L, int idx) {
  if (omat_test(L, idx) || lua_type(L, idx) == LUA_TNUMBER) return 1;
  return lua_type(L, idx) == LUA_TTABLE && lua_rawlen(L, idx) > 0;
}

/*
** Reads f(X [, y] [, method] [, opts]) into a: X a matrix (or x, y two
** vectors of equal length), rows with NaN removed (na_rm) or rejected.
*/
static void corargs_get (lua_State *L, const char *fn, int methods, corargs *a) {
  int top = lua_gettop(L), idx = 2, na;
  omat *X = omat_arg(L, 1, fn, "X"), *Y = NULL;
  a->pair = 0; a->method = DESC_PEARSON;
  if (idx <= top && isdata(L, idx)) {
    size_t nx, ny;
    omat_vecarg(L, 1, fn, "x", &nx);
    Y = omat_vecarg(L, idx, fn, "y", &ny);
    X = omat_test(L, 1);
    if (nx != ny) orr_error(L, fn, "x has %d elements but y has %d", (int)nx, (int)ny);
    a->pair = 1; idx++;
  }
  if (methods && idx <= top && lua_type(L, idx) == LUA_TSTRING) {
    const char *s = lua_tostring(L, idx);
    int i;
    for (i = 0; cor_methods[i]; i++) if (strcmp(s, cor_methods[i]) == 0) break;
    if (!cor_methods[i])
      orr_error(L, fn, "unknown method '%s' (expected \"pearson\", \"spearman\" or \"kendall\")", s);
    a->method = i; idx++;
  }
  if (idx < top)
    orr_error(L, fn, "unexpected argument %d (%s)", idx, luaL_typename(L, idx));
  na = getna(L, idx, fn);
  if (a->pair) {
    size_t n = X->r * X->c;
    double *w = orr_work(L, 2 * n);
    memcpy(w, X->x, n * sizeof(double));
    memcpy(w + n, Y->x, n * sizeof(double));
    a->X = cleanrows(L, w, n, 2, na, 0, fn, "x and y", &a->n);
    a->p = 2;
  }
  else {
    a->X = cleanrows(L, X->x, X->r, X->c, na, 0, fn, "X", &a->n);
    a->p = X->c;
  }
}

/* the error for a constant column j */
static void consterror (lua_State *L, const char *fn, size_t j, int pair) {
  if (pair) orr_error(L, fn, "%s is constant (zero standard deviation)", j ? "y" : "x");
  orr_error(L, fn, "column %d is constant (zero standard deviation)", (int)j + 1);
}

static void checkconst (lua_State *L, const double *S, size_t p, const char *fn,
                        int pair) {
  size_t j;
  for (j = 0; j < p; j++)
    if (!(S[j + j * p] > 0)) consterror(L, fn, j, pair);
}

/*
** The correlation matrix of a->X (p x p) into S. Pearson scales each column
** of a->X (a work copy) by a power of two first: the correlation does not
** change, but at 1e-200 the squared deviations would underflow to a false
** "constant" and at 1e200 overflow to a silent 0. Kendall needs no moments:
** a column is constant when all its values are equal.
*/
static void cormat (lua_State *L, const char *fn, corargs *a, double *S) {
  size_t n = a->n, p = a->p, i, j;
  size_t rw = desc_rank_work(n), cw = desc_covmat_work(n, p);
  double *w = orr_work(L, rw > cw ? rw : cw);
  if (a->method == DESC_SPEARMAN) {
    double *R = orr_work(L, n * p);
    for (j = 0; j < p; j++) desc_rank(a->X + j * n, n, R + j * n, w);
    a->X = R;
  }
  if (a->method != DESC_KENDALL) {
    if (a->method == DESC_PEARSON)
      for (j = 0; j < p; j++) desc_scale(a->X + j * n, n);
    desc_covmat(a->X, n, p, S, w);
    checkconst(L, S, p, fn, a->pair);
    desc_cov2cor(S, p);
    return;
  }
  for (j = 0; j < p; j++) {
    const double *c = a->X + j * n;
    for (i = 1; i < n && c[i] == c[0]; i++) ;
    if (i == n) consterror(L, fn, j, a->pair);
  }
  w = orr_work(L, desc_kendall_work(n));
  for (j = 0; j < p; j++) {
    S[j + j * p] = 1;
    for (i = j + 1; i < p; i++) {
      double tau;
      if (desc_kendall(a->X + i * n, a->X + j * n, n, &tau, w) != STATS_OK) {
        orr_interrupterror(L, fn);
      }
      S[i + j * p] = S[j + i * p] = tau;
    }
  }
}

static int s_cov (lua_State *L) {
  const char *fn = "stats.cov";
  corargs a;
  omat *S;
  corargs_get(L, fn, 0, &a);
  if (a.n < 2) orr_error(L, fn, "needs at least 2 complete rows, got %d", (int)a.n);
  if (a.pair) {
    lua_pushnumber(L, desc_cov2(a.X, a.X + a.n, a.n));
    return 1;
  }
  S = omat_new(L, a.p, a.p);
  desc_covmat(a.X, a.n, a.p, S->x, orr_work(L, desc_covmat_work(a.n, a.p)));
  lua_pop(L, 1);
  return 1;
}

static int s_cor (lua_State *L) {
  const char *fn = "stats.cor";
  corargs a;
  omat *S;
  corargs_get(L, fn, 1, &a);
  if (a.n < 2) orr_error(L, fn, "needs at least 2 complete rows, got %d", (int)a.n);
  if (a.pair) {
    double s[4];
    cormat(L, fn, &a, s);
    lua_pushnumber(L, s[1]);
    return 1;
  }
  S = omat_new(L, a.p, a.p);
  lua_insert(L, 1);   /* keep the result below the work arrays */
  cormat(L, fn, &a, S->x);
  lua_settop(L, 1);
  return 1;
}


static void setnum (lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

static const char *const cortest_opts[] = {"na_rm", "conf_level", NULL};

/* cor.test's default conf.level */
#define CORTEST_LEVEL  0.95

/*
** cor.test with exact = FALSE: Pearson's t (with Fisher's z interval),
** Spearman's S with the asymptotic t_{n-2} p value, Kendall's z with R's tie
** corrections of the variance of S.
*/
static int s_cor_test (lua_State *L) {
  const char *fn = "stats.cor_test";
  int method = DESC_PEARSON, na = 0, optidx = 0;
  size_t nx, ny, n;
  double r, stat, p, df, ci[2], level = CORTEST_LEVEL, s[4], *X;
  char nb[32];
  omat *x, *y;
  if (lua_gettop(L) < 2) orr_error(L, fn, "expected x and y");
  x = omat_vecarg(L, 1, fn, "x", &nx);
  y = omat_vecarg(L, 2, fn, "y", &ny);
  if (nx != ny) orr_error(L, fn, "x has %d elements but y has %d", (int)nx, (int)ny);
  if (lua_type(L, 3) == LUA_TSTRING) {
    const char *m = lua_tostring(L, 3);
    for (method = 0; cor_methods[method]; method++)
      if (strcmp(m, cor_methods[method]) == 0) break;
    if (!cor_methods[method])
      orr_error(L, fn, "unknown method '%s' (expected \"pearson\", \"spearman\" or \"kendall\")", m);
    optidx = lua_isnoneornil(L, 4) ? 0 : 4;
  }
  else if (!lua_isnoneornil(L, 3)) optidx = 3;
  if (optidx) {
    if (lua_type(L, optidx) != LUA_TTABLE || omat_test(L, optidx))
      orr_error(L, fn, "expected an options table as argument %d, got %s",
                optidx, luaL_typename(L, optidx));
    orr_checkopts(L, optidx, fn, cortest_opts);
    na = orr_optboolean(L, optidx, "na_rm", 0, fn);
    level = orr_optnumber(L, optidx, "conf_level", CORTEST_LEVEL, fn);
    if (!(level > 0 && level < 1))
      orr_error(L, fn, "conf_level must be in (0, 1) (got %s)", num(nb, level));
  }
  {
    corargs a;
    double *w = orr_work(L, 2 * nx);
    memcpy(w, x->x, nx * sizeof(double));
    memcpy(w + nx, y->x, nx * sizeof(double));
    a.X = cleanrows(L, w, nx, 2, na, 0, fn, "x and y", &a.n);
    a.p = 2; a.pair = 1; a.method = method;
    n = a.n;
    if (n < 3)
      orr_error(L, fn, "not enough complete pairs (%d; needs 3)", (int)n);
    X = a.X;
    cormat(L, fn, &a, s);
    r = s[1];
  }
  desc_cortest(method, X, n, r, level, &stat, &p, &df, ci,
               orr_work(L, desc_cortest_work(n)));
  lua_pop(L, 1);
  lua_createtable(L, 0, 8);
  setnum(L, "estimate", r);
  lua_pushinteger(L, (lua_Integer)n);
  lua_setfield(L, -2, "n");
  if (method == DESC_PEARSON) {
    lua_pushinteger(L, (lua_Integer)n - 2);
    lua_setfield(L, -2, "df");
    if (n > 3) {   /* Fisher's z interval needs n - 3 > 0 */
      lua_createtable(L, 2, 0);
      lua_pushnumber(L, ci[0]); lua_rawseti(L, -2, 1);
      lua_pushnumber(L, ci[1]); lua_rawseti(L, -2, 2);
      lua_setfield(L, -2, "conf_int");
      setnum(L, "conf_level", level);
    }
  }
  setnum(L, "statistic", stat);
  setnum(L, "p", p);
  lua_pushstring(L, cor_methods[method]);
  lua_setfield(L, -2, "method");
  return 1;
}


/* ---------------------------------------------------------------------- */
/* partial correlations and compositions                                  */
/* ---------------------------------------------------------------------- */

static void checkpos (lua_State *L, const omat *X, const char *fn) {
  size_t i, j;
  for (j = 0; j < X->c; j++)
    for (i = 0; i < X->r; i++) {
      double v = OMAT(X, i, j);
      char nb[32];
      if (!(v > 0) && !isnan(v))
        orr_error(L, fn, "compositions must be positive: X[%d,%d] = %s",
                  (int)i + 1, (int)j + 1, num(nb, v));
    }
}

/* partial correlations of the complete rows of X (transformed by clr) */
static int pcor (lua_State *L, const char *fn, int clr) {
  int na = getna(L, 2, fn);
  omat *X = omat_arg(L, 1, fn, "X"), *R;
  size_t n, p = X->c, j;
  double *x, *w;
  int st;
  if (clr) checkpos(L, X, fn);
  x = cleanrows(L, X->x, X->r, p, na, 0, fn, "X", &n);
  if (p < 2) orr_error(L, fn, "needs at least 2 columns, got %d", (int)p);
  if (n < 2) orr_error(L, fn, "needs at least 2 complete rows, got %d", (int)n);
  if (clr) desc_clr(x, n, p, x);
  else   /* partial correlations are scale-free: keep the covariances in range */
    for (j = 0; j < p; j++) desc_scale(x + j * n, n);
  R = omat_new(L, p, p);
  lua_insert(L, 1);
  w = orr_work(L, desc_covmat_work(n, p) > desc_pcor_work(p) ?
                 desc_covmat_work(n, p) : desc_pcor_work(p));
  desc_covmat(x, n, p, R->x, w);
  checkconst(L, R->x, p, fn, 0);
  st = desc_pcor(R->x, p, clr, w);
  if (st != STATS_OK)
    orr_error(L, fn, "%s%s", stats_strerror(st), st == STATS_ENOTPD ?
              " (collinear columns or fewer rows than columns)" : "");
  lua_settop(L, 1);
  return 1;
}

static int s_pcor (lua_State *L) { return pcor(L, "stats.pcor", 0); }
static int s_pcor_clr (lua_State *L) { return pcor(L, "stats.pcor_clr", 1); }

static int s_clr (lua_State *L) {
  const char *fn = "stats.clr";
  omat *X = omat_arg(L, 1, fn, "X"), *Y;
  size_t i, n = X->r * X->c;
  if (!lua_isnone(L, 2)) orr_error(L, fn, "takes one argument");
  for (i = 0; i < n; i++)
    if (isnan(X->x[i])) orr_error(L, fn, "'X' has a missing value (NaN) at element %d", (int)i + 1);
    else if (isinf(X->x[i])) orr_error(L, fn, "'X' has an infinite value at element %d", (int)i + 1);
  checkpos(L, X, fn);
  Y = omat_new(L, X->r, X->c);
  desc_clr(X->x, X->r, X->c, Y->x);
  return 1;
}


/* ---------------------------------------------------------------------- */
/* control variates                                                        */
/* ---------------------------------------------------------------------- */

static const char *const cv_opts[] = {"y", "h", "mean_h", "strata", NULL};

/*
** stats.control_variate{y =, h =, mean_h = [, strata =]}. Stratified: one
** fit per stratum (mean_h a vector shared by all strata or a matrix with one
** row per stratum, strata in ascending order), combined with weights n_k/n;
** se = sqrt(sum (n_k/n)^2 se_k^2); r2 = 1 - sum RSS_k / sum TSS_k.
*/
static int s_control_variate (lua_State *L) {
  const char *fn = "stats.control_variate";
  omat *y, *h, *mh, *st = NULL, *beta;
  size_t n, k, i, K = 1, kk, bad = 0, mh_rows = 1;
  double *lev, *vals;
  int *code = NULL, status;
  desc_cv_out out;
  char nb[32];
  if (lua_type(L, 1) != LUA_TTABLE || omat_test(L, 1))
    orr_error(L, fn, "expected a table {y =, h =, mean_h = [, strata =]}");
  lua_settop(L, 1);
  orr_checkopts(L, 1, fn, cv_opts);
  if (!(y = omat_field(L, 1, "y", fn))) orr_error(L, fn, "missing field 'y'");
  if (!(h = omat_field(L, 1, "h", fn))) orr_error(L, fn, "missing field 'h'");
  if (!(mh = omat_field(L, 1, "mean_h", fn))) orr_error(L, fn, "missing field 'mean_h'");
  if (!omat_field(L, 1, "strata", fn)) lua_pop(L, 1);
  else st = omat_test(L, -1);    /* stack: t y h mean_h [strata] */
  if (y->c != 1 && y->r != 1) orr_error(L, fn, "'y' must be a vector");
  n = y->r * y->c;
  if (h->r == 1 && h->c == n && n > 1) orr_error(L, fn, "'h' must have one row per element of y (got 1 x %d; use a column)", (int)n);
  if (h->r != n) orr_error(L, fn, "'h' has %d rows but y has %d elements", (int)h->r, (int)n);
  k = h->c;
  if (k == 0) orr_error(L, fn, "'h' has no columns");
  omat_checkfinite(L, y, fn, "y");   /* no na_rm here: NaN is an error */
  omat_checkfinite(L, h, fn, "h");
  omat_checkfinite(L, mh, fn, "mean_h");
  /* y, h, mean_h and strata stay on the stack: a converted Lua array exists
     only there, and popping it would let the collector free it while used */
  lev = orr_work(L, n + 1);
  if (st) {
    size_t m = st->r * st->c;
    if (m != n) orr_error(L, fn, "'strata' has %d elements but y has %d", (int)m, (int)n);
    for (i = 0; i < n; i++)
      if (!isfinite(st->x[i])) orr_error(L, fn, "'strata' has a missing or infinite value at element %d", (int)i + 1);
    code = (int *)orr_workbytes(L, (n + 1) * sizeof(int));
    K = desc_strata(st->x, n, lev, code);
  }
  else lev[0] = 0;
  /* mean_h: k values, or K x k */
  if (mh->r * mh->c == k && (mh->r == 1 || mh->c == 1)) mh_rows = 1;
  else if (st && mh->r == K && mh->c == k) mh_rows = K;
  else
    orr_error(L, fn, "'mean_h' must have %d values (one per column of h)%s, got %d x %d",
              (int)k, st ? " or one row per stratum" : "", (int)mh->r, (int)mh->c);
  vals = orr_work(L, 3 * K);
  out.est_k = vals; out.se_k = vals + K; out.r2_k = vals + 2 * K;
  out.nk = (size_t *)orr_workbytes(L, K * sizeof(size_t));
  beta = omat_new(L, k, K);
  out.beta = beta->x;
  status = desc_cv_strata(y->x, h->x, mh->x, mh_rows, code, K, n, k, &out,
                          &bad, orr_work(L, desc_cv_strata_work(n, k)));
  lua_pop(L, 1);
  if (status == STATS_ESMALL) {
    if (st)
      orr_error(L, fn, "stratum %s has %d row%s: needs more than %d (the number of columns of h + 1)",
                num(nb, lev[bad]), (int)out.nk[bad], out.nk[bad] == 1 ? "" : "s", (int)k + 1);
    orr_error(L, fn, "y has %d rows: needs more than %d (the number of columns of h + 1)",
              (int)out.nk[bad], (int)k + 1);
  }
  if (status != STATS_OK) {
    if (st) orr_error(L, fn, "the columns of h are constant or collinear in stratum %s", num(nb, lev[bad]));
    orr_error(L, fn, "the columns of h are constant or collinear");
  }
  lua_createtable(L, 0, 8);                         /* result, on the top */
  lua_pushvalue(L, -2); lua_setfield(L, -2, "beta");
  if (st) {
    const char *f[5] = {"level", "n", "estimate", "se", "r2"};
    int q;
    lua_createtable(L, 0, 6);                       /* result.strata */
    for (q = 0; q < 5; q++) {
      lua_createtable(L, (int)K, 0);
      for (kk = 0; kk < K; kk++) {
        if (q == 1) lua_pushinteger(L, (lua_Integer)out.nk[kk]);
        else lua_pushnumber(L, q == 0 ? lev[kk] : vals[(size_t)(q - 2) * K + kk]);
        lua_rawseti(L, -2, (lua_Integer)kk + 1);
      }
      lua_setfield(L, -2, f[q]);
    }
    lua_setfield(L, -2, "strata");
  }
  setnum(L, "estimate", out.est);
  setnum(L, "se", out.se);
  setnum(L, "r2", out.r2);
  lua_pushinteger(L, (lua_Integer)n);
  lua_setfield(L, -2, "n");
  return 1;
}


/* ---------------------------------------------------------------------- */

/* round(x [, digits]): a number gives a number; a matrix or an array of
   numbers gives a matrix of the same shape, element by element */
static int s_round (lua_State *L) {
  double digits = luaL_optnumber(L, 2, 0);
  omat *x, *out;
  size_t i, n;
  if (lua_type(L, 1) == LUA_TNUMBER) {
    lua_pushnumber(L, dist_round(lua_tonumber(L, 1), digits));
    return 1;
  }
  x = omat_arg(L, 1, "stats.round", "x");
  out = omat_new(L, x->r, x->c);
  n = x->r * x->c;
  for (i = 0; i < n; i++) out->x[i] = dist_round(x->x[i], digits);
  return 1;
}


static const luaL_Reg stats_funcs[] = {
  {"mean", s_mean}, {"var", s_var}, {"sd", s_sd}, {"median", s_median},
  {"quantile", s_quantile}, {"cov", s_cov}, {"cor", s_cor},
  {"cor_test", s_cor_test}, {"pcor", s_pcor}, {"clr", s_clr},
  {"pcor_clr", s_pcor_clr}, {"control_variate", s_control_variate},
  {"round", s_round},
  {NULL, NULL}
};

static const orr_doc stats_docs[] = {
  {"round", "stats.round(x [, digits = 0]) -> R's round(x, digits) (R >= 4.0): of the two numbers with\n"
            "'digits' decimals around x, the one nearer to x as doubles measure it, the even one on a\n"
            "tie (round(0.15, 1) = 0.1, round(2.5) = 2); x a number, or a matrix or array element-wise"},
  {"mean", "stats.mean(x [, {na_rm = true}]) -> the mean of all elements (NaN is an error unless na_rm;\n"
           "Inf is an error in mean, var, sd, cov, cor, pcor)"},
  {"var", "stats.var(x [, {na_rm = true}]) -> the sample variance of a vector (divisor n - 1); use cov for a matrix"},
  {"sd", "stats.sd(x [, {na_rm = true}]) -> the sample standard deviation"},
  {"median", "stats.median(x [, {na_rm = true}]) -> the median (Inf allowed)"},
  {"quantile", "stats.quantile(x, p [, {na_rm = true}]) -> R's type-7 quantile(s); p a number or a vector"},
  {"cov", "stats.cov(X [, {na_rm = true}]) -> the covariance matrix of the columns; stats.cov(x, y) -> a number.\n"
          "na_rm drops rows with any NaN (R's use = \"complete.obs\")"},
  {"cor", "stats.cor(X [, method] [, {na_rm = true}]) -> the correlation matrix; stats.cor(x, y [, method]) -> a number.\n"
          "method: \"pearson\" (default), \"spearman\" (average ranks for ties), \"kendall\" (tau-b, as R).\n"
          "A constant column is an error naming it (R gives NA with a warning; we never return a silent NaN)"},
  {"cor_test", "stats.cor_test(x, y [, method] [, {na_rm =, conf_level = 0.95}]) -> {estimate, statistic, p, n, method,\n"
               "df and conf_int (pearson)}, as R's cor.test with exact = FALSE: pearson t test with Fisher-z interval;\n"
               "spearman S with the asymptotic t approximation; kendall z with tie-corrected variance"},
  {"pcor", "stats.pcor(X [, {na_rm = true}]) -> partial correlations -Omega_ij / sqrt(Omega_ii Omega_jj), Omega = cov(X)^-1"},
  {"clr", "stats.clr(X) -> the centred log-ratio transform of each row (all entries must be > 0)"},
  {"pcor_clr", "stats.pcor_clr(X [, {na_rm = true}]) -> log-ratio partial correlations: Omega = pseudo-inverse of cov(clr(X))"},
  {"control_variate", "stats.control_variate{y =, h =, mean_h = [, strata =]} -> {estimate, se, r2, beta, n [, strata]}:\n"
                      "mean(y) - beta'(mean(h) - mean_h), beta = Cov(h)^-1 Cov(h, y) (the intercept of lm(y ~ I(h - mean_h)),\n"
                      "se its standard error). strata: one fit per stratum, combined with weights n_k/n.\n"
                      "r2 is NaN when y is constant (nothing to explain; R's summary.lm gives NaN too)"},
  {NULL, NULL}
};

static const char *const dist_doc[DIST_COUNT] = {
  "(x, mean = 0, sd = 1)", "(x, df)", "(x, df)", "(x, df1, df2)",
  "(x, shape1, shape2)", "(x, shape, rate = 1)", "(x, size, prob)", "(x, lambda)"
};


int luaopen_orrery_stats (lua_State *L) {
  int d, k;
  gsl_set_error_handler_off();   /* statuses are checked: never abort */
  /* results are matrices: make sure their metatable exists (a table argument
     converted before mat is loaded would otherwise be a bare userdata) */
  orr_require(L, "mat");
  lua_pop(L, 1);
  orr_newlib(L, "stats", stats_funcs, stats_docs);
  orr_pushdocs(L);
  for (d = 0; d < DIST_COUNT; d++)
    for (k = 0; k < 3; k++) {
      static const char kinds[3] = {'d', 'p', 'q'};
      char name[16], doc[320];
      if (kinds[k] == 'q' && (d == DIST_BINOM || d == DIST_POIS)) continue;
      snprintf(name, sizeof name, "%c%s", kinds[k], dists[d].name);
      snprintf(doc, sizeof doc, "stats.%s%s -> %s, vectorised: x and the parameters are numbers or\n"
               "vectors of one length (all numbers give a number, else a mat)%s", name, dist_doc[d],
               kinds[k] == 'd' ? "the density (probability for discrete laws)"
               : kinds[k] == 'p' ? "the distribution function P(X <= x)" : "the quantile function",
               kinds[k] == 'd' ? "; {log = true} gives the log density"
               : "; a final {lower = false, log = true} as R's lower.tail and log.p");
      lua_pushinteger(L, d);
      lua_pushinteger(L, kinds[k]);
      lua_pushcclosure(L, s_dpq, 2);
      lua_pushvalue(L, -1);
      lua_setfield(L, -4, name);
      lua_pushstring(L, doc);
      lua_rawset(L, -3);                 /* docs[f] = doc */
      lua_pushfstring(L, "stats.%s", name);
      lua_pushstring(L, doc);
      lua_rawset(L, -3);                 /* docs["stats.name"] = doc */
    }
  lua_pop(L, 1);
  return 1;
}
