/*
** regress: the binding of the regression kernels (ols.c, sandwich.c,
** glm.c, ridge.c).  Argument checks, the missing-value rule and userdata
** only; the numerics live in the kernels.  The friendly layer (option
** tables, formulas, fit objects, printing, anova, epistemic) is
** stdlib/regress.lua, which calls the functions here whose names start
** with '_'.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "orules.h"
#include "regress/lregress.h"
#include "mat/omat.h"
#include "mat/lmat.h"
#include "regress/ols.h"
#include "regress/sandwich.h"
#include "regress/glm.h"
#include "regress/ridge.h"
#include "regress/regress.h"


/* ---------------------------------------------------------------------- */
/* model data: inputs, the missing-value rule, the design                  */
/* ---------------------------------------------------------------------- */

typedef struct regdata {
  const char *fn;
  size_t n0, n, k, p;    /* rows given, rows kept, columns of x, of design */
  int intercept;
  omat *y, *x, *w, *cl, *off;
  size_t *keep;          /* the n kept rows (0-based) */
  int *g;                /* cluster index 0..G-1 of each kept row, or NULL */
  size_t G;
} regdata;


static omat *vecfield (lua_State *L, int t, const char *key, regdata *d) {
  omat *m = omat_field(L, t, key, d->fn);
  if (m == NULL) return NULL;
  if (m->r * m->c != d->n0 || (m->r != 1 && m->c != 1))
    orr_error(L, d->fn, "'%s' has %d elements but y has %d", key,
              (int)(m->r * m->c), (int)d->n0);
  return m;
}


/* na = "fail": names the variable whose value v at row i is missing */
static void failmissing (lua_State *L, regdata *d, double v, const char *what,
                         size_t i) {
  if (isnan(v))
    orr_error(L, d->fn, "'%s' has a missing value (NaN) at row %d and na = \"fail\"",
              what, (int)i + 1);
}


typedef struct clkey { double v; size_t i; } clkey;

static int clcmp (const void *a, const void *b) {
  double x = ((const clkey *)a)->v, y = ((const clkey *)b)->v;
  return x < y ? -1 : x > y;
}


/*
** Reads y (1), x (2) and the options table (3): intercept, weights,
** cluster, offset, na.  Leaves the converted matrices on the stack, applies
** the missing-value rule (rows with NaN dropped and counted, or an error
** with na = "fail"; Inf always an error) and numbers the clusters.
*/
static void readdata (lua_State *L, regdata *d, const char *fn) {
  static const char *const nas[] = {"omit", "fail", NULL};
  size_t i, j, n;
  int nafail;
  memset(d, 0, sizeof *d);
  d->fn = fn;
  lua_settop(L, 3);
  if (!lua_istable(L, 3)) lua_newtable(L), lua_replace(L, 3);
  d->y = omat_vecarg(L, 1, fn, "y", &d->n0);
  if (!lua_isnil(L, 2)) {
    d->x = omat_arg(L, 2, fn, "x");
    if (d->x->r != d->n0) {
      if (d->x->c == d->n0 && d->x->r == 1)
        orr_error(L, fn, "x is a row of %d values; give a column or an n x k matrix",
                  (int)d->x->c);
      orr_error(L, fn, "x has %d rows but y has %d", (int)d->x->r, (int)d->n0);
    }
    d->k = d->x->c;
  }
  d->intercept = orr_optboolean(L, 3, "intercept", 1, fn);
  nafail = orr_optoption(L, 3, "na", "omit", nas, fn);
  d->w = vecfield(L, 3, "weights", d);     /* stack 4 */
  d->cl = vecfield(L, 3, "cluster", d);    /* 5 */
  d->off = vecfield(L, 3, "offset", d);    /* 6 */
  d->p = d->k + (size_t)d->intercept;
  d->keep = (size_t *)orr_workbytes(L, (d->n0 + 1) * sizeof(size_t));  /* 7 */
  {
    /* the missing-value rule (vm/orules.h), variable by variable: NaN
       marks the row, the first Inf is an error naming the variable */
    unsigned char *drop = (unsigned char *)orr_workbytes(L, d->n0 + 1);
    const omat *vs[5];
    const char *names[5] = {"y", "x", "weights", "cluster", "offset"};
    size_t nv, v, col;
    memset(drop, 0, d->n0);
    vs[0] = d->y; vs[1] = d->x; vs[2] = d->w; vs[3] = d->cl; vs[4] = d->off;
    for (v = 0; v < 5; v++) {
      const omat *m = vs[v];
      if (m == NULL) continue;
      nv = v == 1 ? d->k : 1;
      i = orr_rowmask(m->x, d->n0, nv, d->n0, drop, &col);
      if (i < d->n0)
        orr_error(L, fn, "'%s' has an infinite value at row %d", names[v],
                  (int)i + 1);
    }
    if (d->w)
      for (i = 0; i < d->n0; i++)
        if (d->w->x[i] < 0)
          orr_error(L, fn, "'weights' must be non-negative (row %d is %f)",
                    (int)i + 1, d->w->x[i]);
    /* the kept rows */
    n = 0;
    for (i = 0; i < d->n0; i++) n += !drop[i];
    if (nafail && n < d->n0) {  /* name the first missing value, row by row */
      for (i = 0; !drop[i]; i++) ;
      for (v = 0; v < 5; v++) {
        if (vs[v] == NULL) continue;
        nv = v == 1 ? d->k : 1;
        for (j = 0; j < nv; j++)
          failmissing(L, d, vs[v]->x[i + j * d->n0], names[v], i);
      }
    }
    for (i = 0, j = 0; i < d->n0; i++)
      if (!drop[i]) d->keep[j++] = i;
    lua_pop(L, 1);  /* the flags */
  }
  d->n = n;
  d->g = (int *)orr_workbytes(L, (n + 1) * sizeof(int));  /* 8 */
  if (d->cl) {
    clkey *ck = (clkey *)orr_workbytes(L, (n + 1) * sizeof(clkey));
    size_t G = 0;
    for (i = 0; i < n; i++) { ck[i].v = d->cl->x[d->keep[i]]; ck[i].i = i; }
    qsort(ck, n, sizeof(clkey), clcmp);
    for (i = 0; i < n; i++) {
      if (i > 0 && ck[i].v != ck[i - 1].v) G++;
      d->g[ck[i].i] = (int)G;
    }
    d->G = n > 0 ? G + 1 : 0;
    lua_pop(L, 1);
  }
}


static double yk (const regdata *d, size_t i) { return d->y->x[d->keep[i]]; }
static double wk (const regdata *d, size_t i) {
  return d->w ? d->w->x[d->keep[i]] : 1.0;
}
static double ok (const regdata *d, size_t i) {
  return d->off ? d->off->x[d->keep[i]] : 0.0;
}


/* A (n x p) = the design of the kept rows, each row times s[i] (or 1) */
static void filldesign (const regdata *d, double *A, const double *s) {
  size_t i, j, n = d->n;
  size_t c0 = (size_t)d->intercept;
  if (d->intercept)
    for (i = 0; i < n; i++) A[i] = s ? s[i] : 1.0;
  for (j = 0; j < d->k; j++) {
    const double *xc = d->x->x + j * d->x->r;
    double *a = A + (j + c0) * n;
    if (s) for (i = 0; i < n; i++) a[i] = xc[d->keep[i]] * s[i];
    else if (n == d->n0) memcpy(a, xc, n * sizeof(double));
    else for (i = 0; i < n; i++) a[i] = xc[d->keep[i]];
  }
}


static void setnum (lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}


static void setint (lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}




/* The common parts of an ols/glm result: keep, counts, clusters, pivot. */
static void setcommon (lua_State *L, const regdata *d, const int *pivot,
                       size_t rank) {
  size_t i, j, na = 0;
  int all = d->n == d->n0;  /* nothing dropped: the inputs serve as they are */
  omat *m;
  if (!all) {
    m = omat_new(L, d->n, 1);
    for (i = 0; i < d->n; i++) m->x[i] = (double)d->keep[i] + 1;
    lua_setfield(L, -2, "keep");
  }
  setint(L, "n_used", (lua_Integer)d->n);
  setint(L, "n_dropped", (lua_Integer)(d->n0 - d->n));
  setint(L, "rank", (lua_Integer)rank);
  setint(L, "p", (lua_Integer)d->p);
  if (all && d->y->c == 1) lua_pushvalue(L, 1);
  else {
    m = omat_new(L, d->n, 1);
    for (i = 0; i < d->n; i++) m->x[i] = yk(d, i);
  }
  lua_setfield(L, -2, "y");
  if (d->w) {
    m = omat_new(L, d->n, 1);
    for (i = 0; i < d->n; i++) m->x[i] = wk(d, i);
    lua_setfield(L, -2, "weights");
  }
  if (d->off) {
    m = omat_new(L, d->n, 1);
    for (i = 0; i < d->n; i++) m->x[i] = ok(d, i);
    lua_setfield(L, -2, "offset");
  }
  if (d->cl) {
    m = omat_new(L, d->n, 1);
    for (i = 0; i < d->n; i++) m->x[i] = d->g[i];
    lua_setfield(L, -2, "cl");
    setint(L, "G", (lua_Integer)d->G);
  }
  lua_createtable(L, (int)(d->p - rank), 0);   /* aliased, in original order */
  for (j = 0; j < d->p; j++) {
    int isal = 1;
    for (i = 0; i < rank; i++) if ((size_t)pivot[i] == j) { isal = 0; break; }
    if (isal) { lua_pushinteger(L, (lua_Integer)j + 1); lua_rawseti(L, -2, (lua_Integer)++na); }
  }
  lua_setfield(L, -2, "aliased");
  lua_createtable(L, (int)d->p, 0);
  for (j = 0; j < d->p; j++) {
    lua_pushinteger(L, pivot[j] + 1);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  lua_setfield(L, -2, "pivot");
}


/* pushes {A =, tau =, rank =, pivot = } describing a compact QR */
static void pushqr (lua_State *L, int iA, int itau, const int *pivot,
                    size_t p, size_t rank) {
  size_t j;
  lua_createtable(L, 0, 6);
  setint(L, "n", (lua_Integer)(lua_rawlen(L, iA) / sizeof(double) / (p ? p : 1)));
  setint(L, "p", (lua_Integer)p);
  lua_pushvalue(L, iA); lua_setfield(L, -2, "A");
  lua_pushvalue(L, itau); lua_setfield(L, -2, "tau");
  setint(L, "rank", (lua_Integer)rank);
  lua_createtable(L, (int)p, 0);
  for (j = 0; j < p; j++) {
    lua_pushinteger(L, pivot[j] + 1);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  lua_setfield(L, -2, "pivot");
}


/* p x p in the original column order from r x r in pivoted order; NaN elsewhere */
static omat *pushexpanded (lua_State *L, const double *V, size_t r,
                           const int *pivot, size_t p) {
  omat *m = omat_new(L, p, p);
  size_t i, j;
  for (i = 0; i < p * p; i++) m->x[i] = NAN;
  for (j = 0; j < r; j++)
    for (i = 0; i < r; i++) OMAT(m, pivot[i], pivot[j]) = V[i + j * r];
  return m;
}


int lregress_fail (lua_State *L, const char *fn, int status) {
  if (status == REG_EINTR) return orr_interrupterror(L, fn);
  return orr_error(L, fn, "%s", regress_strerror(status));
}


/* ---------------------------------------------------------------------- */
/* ols                                                                     */
/* ---------------------------------------------------------------------- */

/*
** _ols(y, x, opts, fn) -> table of the raw fit: coef (NaN where aliased),
** residuals, fitted, wresid (times sqrt(weight)), rss, mss, unscaled
** (X'WX)^-1, qr, and the data bookkeeping (see setcommon).
*/
static int r_ols (lua_State *L) {
  const char *fn = luaL_optstring(L, 4, "regress.ols");
  regdata d;
  size_t n, p, i, j, k, rank = 0, neff = 0, lw;
  double *sw, *yw, *cw, *eff, *res, *colnorm, *work, *V, *G, ss[3];
  int *pivot, st, iA = 0, itau = 0, center, forceqr, normal = 0;
  double *A = NULL;
  omat *tau = NULL, *coef, *resid, *fitted, *wres = NULL;
  lua_settop(L, 4);
  lua_remove(L, 4);
  readdata(L, &d, fn);
  center = orr_optboolean(L, 3, "center", d.intercept, fn);
  forceqr = orr_optboolean(L, 3, "qr", 0, fn);
  n = d.n; p = d.p; k = d.k;
  for (i = 0; i < n; i++) if (wk(&d, i) > 0) neff++;
  if (neff < p || neff == 0)
    orr_error(L, fn, "fewer usable rows (%d) than coefficients (%d)",
              (int)neff, (int)p);
  pivot = (int *)orr_workbytes(L, (p + 1) * 2 * sizeof(int));
  lw = rq_lwork(n, p);
  /* sw, yw, eff, res (n each), colnorm, cw (p each), V, G (p^2 each), then
     the work of rq_qr/rq_solve (lw) or of rq_normal and rq_crossprod */
  sw = omat_buffer(L, 4 * n + 2 * p + 2 * p * p + lw + rq_normal_work(p));
  yw = sw + n; eff = yw + n; res = eff + n; colnorm = res + n;
  cw = colnorm + p; V = cw + p; G = V + p * p; work = G + p * p;
  for (i = 0; i < n; i++) {
    double w = wk(&d, i);
    sw[i] = sqrt(w);
    yw[i] = yk(&d, i) * sw[i];
  }
  if (!forceqr) {
    /* X'X by dsyrk: straight from the caller's x when no row is dropped or
       weighted, else from the weighted design */
    int direct = !d.w && n == d.n0 && k > 0;
    /* sw, yw are adjacent: [1 y] when there are no weights */
    if (direct) rq_crossprod(d.x->x, n, k, d.intercept, sw, G, cw, work);
    else {
      A = omat_buffer(L, n * p); iA = lua_gettop(L);
      filldesign(&d, A, d.w ? sw : NULL);
      rq_crossprod(A, n, p, 0, sw, G, cw, work);
    }
    if (rq_normal(G, p, cw, RQ_RCOND_NORMAL, eff, V, work, pivot + p + 1) == 0) {
      normal = 1;
      rank = p;
      for (j = 0; j < p; j++) { pivot[j] = (int)j; cw[j] = eff[j]; }
      /* weighted residuals yw - (sqrt(w) X) b */
      if (direct) rq_resid(d.x->x, n, k, d.intercept, cw, yw, res);
      else rq_resid(A, n, p, 0, cw, yw, res);
    }
  }
  if (!normal) {
    if (A == NULL) { A = omat_buffer(L, n * p); iA = lua_gettop(L); }
    tau = omat_new(L, p, 1); itau = lua_gettop(L);
    filldesign(&d, A, d.w ? sw : NULL);
    st = rq_qr(A, n, p, RQ_TOL, tau->x, pivot, &rank, colnorm, work, lw);
    if (st == REG_NEEDPIVOT) {
      filldesign(&d, A, d.w ? sw : NULL);
      st = rq_qr_pivot(A, n, p, RQ_TOL, tau->x, pivot, &rank, colnorm, work);
    }
    if (st == REG_OK) st = rq_solve(A, n, rank, tau->x, yw, cw, eff, res, work, lw);
    if (st == REG_OK) st = rq_unscaled(A, n, rank, V);
    if (st != REG_OK) lregress_fail(L, fn, st);
  }
  lua_createtable(L, 0, 24);
  coef = omat_new(L, p, 1);
  for (j = 0; j < p; j++) coef->x[j] = NAN;
  for (j = 0; j < rank; j++) coef->x[pivot[j]] = cw[j];
  lua_setfield(L, -2, "coef");
  resid = omat_new(L, n, 1);
  fitted = omat_new(L, n, 1);
  if (d.w) {   /* the weighted residuals of the solve */
    wres = omat_new(L, n, 1);
    if (n) memcpy(wres->x, res, n * sizeof(double));
  }
  rq_summary(d.y->x, d.w ? d.w->x : NULL, d.x ? d.x->x : NULL, d.n0, k,
             d.intercept, d.keep, n, coef->x, res, sw, center, resid->x,
             fitted->x, ss);
  if (d.w) lua_setfield(L, -4, "wresid");
  else { lua_pushvalue(L, -2); lua_setfield(L, -4, "wresid"); }
  lua_setfield(L, -3, "fitted");
  lua_setfield(L, -2, "residuals");
  pushexpanded(L, V, rank, pivot, p);
  lua_setfield(L, -2, "unscaled");
  setnum(L, "rss", ss[0]);
  setnum(L, "mss", ss[1]);
  setnum(L, "sum_logw", ss[2]);
  setint(L, "n", (lua_Integer)neff);
  lua_pushstring(L, normal ? "normal" : "qr");
  lua_setfield(L, -2, "solver");
  setcommon(L, &d, pivot, rank);
  if (!normal) {
    pushqr(L, iA, itau, pivot, p, rank);
    lua_setfield(L, -2, "qr");
  }
  return 1;
}


/* ---------------------------------------------------------------------- */
/* leverage and sandwich covariances                                       */
/* ---------------------------------------------------------------------- */

typedef struct qrinfo { double *A; omat *tau; int *pivot; size_t n, p, rank; } qrinfo;

static void readqr (lua_State *L, int idx, qrinfo *q, const char *fn) {
  size_t j;
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_getfield(L, idx, "n");
  q->n = (size_t)lua_tointeger(L, -1);
  lua_getfield(L, idx, "p");
  q->p = (size_t)lua_tointeger(L, -1);
  lua_getfield(L, idx, "rank");
  q->rank = (size_t)lua_tointeger(L, -1);
  lua_getfield(L, idx, "A");
  if (lua_type(L, -1) != LUA_TUSERDATA || omat_test(L, -1) != NULL ||
      lua_rawlen(L, -1) < q->n * q->p * sizeof(double))
    orr_error(L, fn, "corrupt qr");
  q->A = (double *)lua_touserdata(L, -1);
  lua_getfield(L, idx, "tau");
  q->tau = omat_check(L, -1, fn, "qr.tau");
  lua_pop(L, 5);  /* A and tau are still referenced by the table */
  if (q->rank > q->p || q->tau->r * q->tau->c < q->p)
    orr_error(L, fn, "corrupt qr");
  q->pivot = (int *)orr_workbytes(L, (q->p + 1) * sizeof(int));
  lua_getfield(L, idx, "pivot");
  for (j = 0; j < q->p; j++) {
    lua_rawgeti(L, -1, (lua_Integer)j + 1);
    q->pivot[j] = (int)lua_tointeger(L, -1) - 1;
    if (q->pivot[j] < 0 || (size_t)q->pivot[j] >= q->p) orr_error(L, fn, "corrupt qr");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}


/* _leverage(qr) -> the diagonal of the hat matrix (weighted fit) */
static int r_leverage (lua_State *L) {
  qrinfo q;
  size_t lw;
  double *Q, *work;
  int st;
  omat *h;
  readqr(L, 1, &q, "regress.leverage");
  lw = rq_lwork(q.n, q.p);
  Q = orr_work(L, q.n * q.rank + lw);
  work = Q + q.n * q.rank;
  h = omat_new(L, q.n, 1);
  if ((st = rq_qform(q.A, q.n, q.rank, q.tau->x, Q, h->x, work, lw)) != REG_OK)
    lregress_fail(L, "regress.leverage", st);
  return 1;
}


/*
** _sandwich(qr, e, type [, h]) or _sandwich(qr, e, "CL", cls, Gs, as) -> p x p
** covariance in the original order (NaN where aliased), without the
** small-sample factors of HC1 and clusters: type "HC0" (or "HC1"), "HC2",
** "HC3", "HC4", "HC4m", "HC5" (h: leverages replacing the QR's, as an IV
** fit's), or "CL": the meat sum_k as[k] S_k'S_k over the clusterings cls[k]
** (ids 0..Gs[k]-1 of each row), e.g. +1, +1, -1 with the adjustments for
** two-way clustering.  e: the residuals times sqrt(weight) (working
** residuals times sqrt(working weight) for glm).
*/
static int r_sandwich (lua_State *L) {
  /* indexed by SW_HC0 .. SW_HC5, then the clusters */
  static const char *const types[] = {"HC0", "HC1", "HC2", "HC3", "HC4",
    "HC4m", "HC5", "CL", NULL};
  const int CL = 7;
  const char *fn = "regress.sandwich";
  qrinfo q;
  size_t lw, i, k, r, n, ne, nk = 0, Gmax = 0, chunk = SW_CHUNK;
  double *Q, *h, *om, *Ri, *M, *Vr, *tmp, *buf, *work;
  int type, st, *g = NULL;
  omat *e, *hh = NULL;
  readqr(L, 1, &q, fn);
  e = omat_vecarg(L, 2, fn, "e", &ne);
  type = luaL_checkoption(L, 3, NULL, types);
  n = q.n; r = q.rank;
  if (ne != n) orr_error(L, fn, "e has %d elements, expected %d", (int)ne, (int)n);
  if (type == CL) {
    luaL_checktype(L, 4, LUA_TTABLE);
    luaL_checktype(L, 5, LUA_TTABLE);
    luaL_checktype(L, 6, LUA_TTABLE);
    nk = lua_rawlen(L, 4);
    if (nk == 0 || lua_rawlen(L, 5) != nk || lua_rawlen(L, 6) != nk)
      orr_error(L, fn, "corrupt clusterings");
    /* the ids of every clustering, checked once: nk n ints */
    g = (int *)orr_workbytes(L, (nk * n + 1) * sizeof(int));
    for (k = 0; k < nk; k++) {
      size_t nc, G;
      omat *cl;
      lua_rawgeti(L, 5, (lua_Integer)k + 1);
      G = (size_t)lua_tointeger(L, -1);
      lua_pop(L, 1);
      lua_rawgeti(L, 4, (lua_Integer)k + 1);
      cl = omat_vecarg(L, -1, fn, "cl", &nc);
      if (nc != n) orr_error(L, fn, "cluster has %d elements, expected %d", (int)nc, (int)n);
      for (i = 0; i < n; i++) {
        double v = cl->x[i];
        if (!(v >= 0 && v < (double)G)) orr_error(L, fn, "corrupt cluster index");
        g[k * n + i] = (int)v;
      }
      lua_pop(L, 1);
      if (G > Gmax) Gmax = G;
    }
  }
  else if (!lua_isnoneornil(L, 4)) {
    hh = omat_vecarg(L, 4, fn, "h", &ne);
    if (ne != n) orr_error(L, fn, "h has %d elements, expected %d", (int)ne, (int)n);
  }
  lw = rq_lwork(n, q.p);
  if (chunk > n) chunk = n ? n : 1;
  /* Q (n r), h, om (n each), Ri, M, Vr (r^2 each), tmp, buf (the HC
     block, or the cluster sums: Gmax r), the work of rq_qform */
  Q = orr_work(L, n * r + 2 * n + 3 * r * r + sw_sandwich_work(r) +
                  sw_meat_hc_work(chunk, r) + Gmax * r + lw);
  h = Q + n * r; om = h + n; Ri = om + n; M = Ri + r * r; Vr = M + r * r;
  tmp = Vr + r * r; buf = tmp + r * r; work = buf + chunk * r + Gmax * r;
  if ((st = rq_qform(q.A, n, r, q.tau->x, Q, h, work, lw)) != REG_OK)
    lregress_fail(L, fn, st);
  if (type == CL) {
    memset(M, 0, r * r * sizeof(double));
    for (k = 0; k < nk; k++) {
      double a;
      size_t G;
      lua_rawgeti(L, 5, (lua_Integer)k + 1);
      G = (size_t)lua_tointeger(L, -1);
      lua_rawgeti(L, 6, (lua_Integer)k + 1);
      a = lua_tonumber(L, -1);
      lua_pop(L, 2);
      sw_meat_cl(Q, n, r, e->x, g + k * n, G, a, buf, M);
    }
    sw_symmetrize(M, r);
  }
  else {
    sw_omega(e->x, hh ? hh->x : h, n, type, om);
    sw_meat_hc(Q, n, r, om, M, buf, chunk);
  }
  if ((st = rq_rinv(q.A, n, r, Ri)) != REG_OK) lregress_fail(L, fn, st);
  sw_sandwich(Ri, r, M, Vr, tmp);
  pushexpanded(L, Vr, r, q.pivot, q.p);
  return 1;
}


/* ---------------------------------------------------------------------- */
/* glm                                                                     */
/* ---------------------------------------------------------------------- */

static const char *const families[] = {"gaussian", "binomial", "poisson",
  "gamma", "negbin", NULL};
static const char *const links[] = {"identity", "log", "logit", "probit",
  "cloglog", "inverse", "sqrt", NULL};
static const int deflink[] = {GL_IDENTITY, GL_LOGIT, GL_LOG, GL_INVERSE,
  GL_LOG};


/* binomial's y times weights must be whole successes: R's warning
   threshold for "non-integer #successes" (binomial()$initialize) */
#define BINOM_SUCC_TOL  1e-3

/*
** Rejects responses outside the family's support.  Binomial: a proportion
** needs weights = trials that make whole successes; a 0/1 response may carry
** any weights (survey or IPW weights), which R fits with a warning about
** non-integer successes: the return value says whether it applies.
*/
static int checkfamily (lua_State *L, const regdata *d, int fam) {
  size_t i, npos = 0;
  int nonint = 0;
  for (i = 0; i < d->n; i++) {
    double y = yk(d, i), w = wk(d, i);
    switch (fam) {
      case GF_BINOMIAL:
        if (y < 0 || y > 1)
          orr_error(L, d->fn, "binomial y must be 0/1 (or a proportion with weights = trials), row %d is %f",
                    (int)d->keep[i] + 1, y);
        if (fabs(w * y - round(w * y)) > BINOM_SUCC_TOL) {
          if (y != 1)
            orr_error(L, d->fn, "binomial y must be 0/1 (or a proportion with weights = trials): row %d has %f successes",
                      (int)d->keep[i] + 1, w * y);
          nonint = 1;
        }
        break;
      case GF_POISSON: case GF_NEGBIN:
        if (y < 0)
          orr_error(L, d->fn, "%s y must be non-negative, row %d is %f",
                    families[fam], (int)d->keep[i] + 1, y);
        npos += y > 0 && w > 0;
        break;
      case GF_GAMMA:
        if (y <= 0)
          orr_error(L, d->fn, "gamma y must be positive, row %d is %f",
                    (int)d->keep[i] + 1, y);
        break;
    }
  }
  /* all counts 0: theta's likelihood has no maximum (theta.ml fails in R) */
  if (fam == GF_NEGBIN && npos == 0)
    orr_error(L, d->fn, "negbin needs a positive count: with every count 0 theta is not identified");
  return nonint;
}


/*
** _glm(y, x, opts, fn) with opts.family, opts.link, opts.maxit,
** opts.epsilon as well as the data options.  Returns the raw fit.
*/
static int r_glm (lua_State *L) {
  const char *fn = luaL_optstring(L, 4, "regress.glm");
  regdata d;
  glm_model m;
  glm_fit f;
  size_t n, p, i, lw, neff = 0;
  double *D, *yv, *wv, *ov = NULL, *work, *V, nulldev, eps;
  int fam, link, maxit, st, iA, itau, lk, hasint, nonint;
  double *A;
  omat *tau, *coef, *mu, *eta, *ww, *wr;
  lua_settop(L, 4);
  lua_remove(L, 4);
  fam = orr_optoption(L, 3, "family", "gaussian", families, fn);
  lk = orr_optoption(L, 3, "link", links[deflink[fam]], links, fn);
  link = lk;
  maxit = (int)orr_optinteger(L, 3, "maxit", GLM_MAXIT, fn);
  eps = orr_optnumber(L, 3, "epsilon", GLM_EPSILON, fn);
  if (maxit < 1) orr_error(L, fn, "'maxit' must be at least 1");
  if (!(eps > 0)) orr_error(L, fn, "'epsilon' must be positive");
  readdata(L, &d, fn);
  hasint = orr_optboolean(L, 3, "center", d.intercept, fn);
  n = d.n; p = d.p;
  for (i = 0; i < n; i++) if (wk(&d, i) > 0) neff++;
  if (neff < p || neff == 0)
    orr_error(L, fn, "fewer usable rows (%d) than coefficients (%d)",
              (int)neff, (int)p);
  nonint = checkfamily(L, &d, fam);
  A = omat_buffer(L, n * p); iA = lua_gettop(L);
  tau = omat_new(L, p, 1); itau = lua_gettop(L);
  coef = omat_new(L, p, 1);
  mu = omat_new(L, n, 1);
  eta = omat_new(L, n, 1);
  ww = omat_new(L, n, 1);
  wr = omat_new(L, n, 1);
  lw = glm_lwork(n, p);
  D = omat_buffer(L, n * d.k + 3 * n + p * p + lw);
  yv = D + n * d.k; wv = yv + n; ov = wv + n; V = ov + n; work = V + p * p;
  f.pivot = (int *)orr_workbytes(L, (p + 1) * sizeof(int));
  if (d.k > 0 && n == d.n0) m.X = d.x->x;  /* the caller's x as it is */
  else {
    regdata d2 = d;
    d2.intercept = 0;
    filldesign(&d2, D, NULL);
    m.X = D;
  }
  for (i = 0; i < n; i++) { yv[i] = yk(&d, i); wv[i] = wk(&d, i); ov[i] = ok(&d, i); }
  m.intercept = d.intercept;
  m.n = n; m.p = p; m.y = yv; m.w = wv; m.off = d.off ? ov : NULL;
  m.family = fam; m.link = link; m.theta = 1;
  f.coef = coef->x; f.eta = eta->x; f.mu = mu->x; f.wwork = ww->x;
  f.wres = wr->x; f.A = A; f.tau = tau->x; f.V = V; f.qr_valid = 0;
  f.theta = f.se_theta = f.twologlik = NAN;
  st = fam == GF_NEGBIN ? glm_nb(&m, maxit, eps, &f, work, lw)
                        : glm_irls(&m, NULL, maxit, eps, &f, work, lw);
  if (st != REG_OK) lregress_fail(L, fn, st);
  st = glm_nulldev(&m, &f, hasint, maxit, eps, &nulldev,
                   orr_work(L, glm_nulldev_work(n)));
  if (st != REG_OK) lregress_fail(L, fn, st);
  lua_pop(L, 1);
  lua_createtable(L, 0, 32);
  lua_pushvalue(L, iA + 2); lua_setfield(L, -2, "coef");
  lua_pushvalue(L, iA + 3); lua_setfield(L, -2, "fitted");
  lua_pushvalue(L, iA + 4); lua_setfield(L, -2, "eta");
  lua_pushvalue(L, iA + 5); lua_setfield(L, -2, "wwork");
  lua_pushvalue(L, iA + 6); lua_setfield(L, -2, "wres");
  pushexpanded(L, V, f.rank, f.pivot, p);
  lua_setfield(L, -2, "unscaled");
  setnum(L, "deviance", f.deviance);
  setnum(L, "null_deviance", nulldev);
  setint(L, "iterations", f.iterations);
  lua_pushboolean(L, f.converged); lua_setfield(L, -2, "converged");
  lua_pushboolean(L, f.boundary); lua_setfield(L, -2, "boundary");
  setint(L, "n", (lua_Integer)neff);
  if (fam == GF_NEGBIN) {
    setnum(L, "theta", f.theta);
    setnum(L, "se_theta", f.se_theta);
    setnum(L, "twologlik", f.twologlik);
    setnum(L, "aic_family", -f.twologlik);
    setint(L, "theta_warn", f.theta_warn);
    lua_pushboolean(L, f.outer_converged); lua_setfield(L, -2, "outer_converged");
    setnum(L, "theta_used", m.theta);
  }
  else setnum(L, "aic_family", glm_aic(&m, mu->x, f.deviance));
  /* fitted values at 0 or 1 (binomial) or 0 (poisson): separation */
  lua_pushboolean(L, glm_extreme(fam, mu->x, n));
  lua_setfield(L, -2, "extreme_fitted");
  lua_pushboolean(L, nonint); lua_setfield(L, -2, "nonint_successes");
  lua_pushstring(L, f.qr_valid ? "qr" : "normal");
  lua_setfield(L, -2, "solver");
  setcommon(L, &d, f.pivot, f.rank);
  if (f.qr_valid) {
    pushqr(L, iA, itau, f.pivot, p, f.rank);
    lua_setfield(L, -2, "qr");
  }
  return 1;
}


/*
** _glmres(y, mu, w, family, theta, type) -> pearson or deviance residuals
*/
static int r_glmres (lua_State *L) {
  /* indexed by GLM_PEARSON, GLM_DEVIANCE (glm.h) */
  static const char *const types[] = {"pearson", "deviance", NULL};
  const char *fn = "regress.residuals";
  size_t n, n2, n3;
  omat *y = omat_vecarg(L, 1, fn, "y", &n);
  omat *mu = omat_vecarg(L, 2, fn, "mu", &n2);
  omat *w = lua_isnil(L, 3) ? NULL : omat_vecarg(L, 3, fn, "w", &n3);
  int fam = luaL_checkoption(L, 4, NULL, families);
  double theta = luaL_optnumber(L, 5, 1);
  int type = luaL_checkoption(L, 6, NULL, types);
  omat *r;
  if (n2 != n || (w && n3 != n)) orr_error(L, fn, "lengths differ");
  r = omat_new(L, n, 1);
  glm_resid(fam, type, y->x, mu->x, w ? w->x : NULL, theta, n, r->x);
  return 1;
}


/* _linkinv(eta, link) and _mueta(eta, link): vectors */
static int linkapply (lua_State *L, int which) {
  size_t n, i;
  omat *e = omat_vecarg(L, 1, "regress.predict", "eta", &n), *r;
  int link = luaL_checkoption(L, 2, NULL, links);
  r = omat_new(L, n, 1);
  for (i = 0; i < n; i++)
    r->x[i] = which ? glm_mueta(link, e->x[i]) : glm_linkinv(link, e->x[i]);
  return 1;
}
static int r_linkinv (lua_State *L) { return linkapply(L, 0); }
static int r_mueta (lua_State *L) { return linkapply(L, 1); }


/* ---------------------------------------------------------------------- */
/* prediction, residual summaries, distributions                           */
/* ---------------------------------------------------------------------- */

/*
** _predict(X, coef, V, intercept, offset, fn) -> fit, se (se nil when V is
** nil).  Aliased (NaN) coefficients are left out, as R's predict.lm does.
*/
static int r_predict (lua_State *L) {
  const char *fn = luaL_optstring(L, 6, "regress.predict");
  size_t pc, m, k, p, no = 0;
  omat *X = lua_isnil(L, 1) ? NULL : omat_arg(L, 1, fn, "x");
  omat *b = omat_vecarg(L, 2, fn, "coef", &p);
  omat *V = lua_isnil(L, 3) ? NULL : omat_check(L, 3, fn, "vcov");
  int icpt = lua_toboolean(L, 4);
  omat *off = lua_isnil(L, 5) ? NULL : omat_vecarg(L, 5, fn, "offset", &no);
  omat *fit, *se = NULL;
  double *xr;
  k = X ? X->c : 0;
  m = X ? X->r : (off ? no : 1);
  pc = k + (size_t)icpt;
  if (pc != p)
    orr_error(L, fn, "newdata has %d columns but the model has %d (besides the intercept)",
              (int)k, (int)(p - (size_t)icpt));
  if (off && no != m)
    orr_error(L, fn, "offset has %d elements but newdata has %d rows", (int)no, (int)m);
  if (X) omat_checkfinite(L, X, fn, "newdata");
  xr = orr_work(L, rq_predict_work(p));
  fit = omat_new(L, m, 1);
  if (V) se = omat_new(L, m, 1);
  rq_predict(X ? X->x : NULL, m, k, icpt, b->x, V ? V->x : NULL,
             off ? off->x : NULL, fit->x, se ? se->x : NULL, xr);
  if (!V) lua_pushnil(L);
  return 2;
}


/* _sums(v [, w]) -> sum(w v), sum(w v^2), sum(w) over non-NaN */
static int r_sums (lua_State *L) {
  size_t n, nw;
  omat *v = omat_vecarg(L, 1, "regress", "v", &n);
  omat *w = lua_isnoneornil(L, 2) ? NULL : omat_vecarg(L, 2, "regress", "w", &nw);
  double sums[3];
  if (w && nw != n) orr_error(L, "regress", "lengths differ");
  rq_wsums(v->x, w ? w->x : NULL, n, sums);
  lua_pushnumber(L, sums[0]); lua_pushnumber(L, sums[1]); lua_pushnumber(L, sums[2]);
  return 3;
}


/* ---------------------------------------------------------------------- */
/* ridge                                                                   */
/* ---------------------------------------------------------------------- */

/*
** _ridge(y, x, opts, fn): opts.lambda (nil: GCV), opts.intercept,
** opts.scale, opts.na.  Returns coef (original scale, intercept first),
** lambda, edf, gcv, fitted, residuals.
*/
static int r_ridge (lua_State *L) {
  const char *fn = luaL_optstring(L, 4, "regress.ridge");
  regdata d;
  ridge_in in;
  ridge_out out;
  size_t n, k, i, lw;
  double lambda, *X, *yv, *work;
  int scale, st, iscales;
  omat *coef, *fitted, *resid;
  lua_settop(L, 4);
  lua_remove(L, 4);
  lambda = orr_optnumber(L, 3, "lambda", NAN, fn);
  scale = orr_optboolean(L, 3, "scale", 0, fn);
  if (!isnan(lambda) && !(lambda >= 0 && isfinite(lambda)))
    orr_error(L, fn, "'lambda' must be a non-negative number");
  readdata(L, &d, fn);
  if (d.w || d.cl || d.off) orr_error(L, fn, "weights, cluster and offset are not supported");
  n = d.n; k = d.k;
  if (k == 0) orr_error(L, fn, "x has no columns");
  if (n < 2 || n <= (size_t)d.intercept)
    orr_error(L, fn, "fewer usable rows (%d) than needed", (int)n);
  lw = ridge_lwork(n, k);
  X = orr_work(L, n * k + n + lw);
  yv = X + n * k; work = yv + n;
  {
    regdata d2 = d;
    d2.intercept = 0;
    filldesign(&d2, X, NULL);
  }
  for (i = 0; i < n; i++) yv[i] = yk(&d, i);
  out.scales = omat_new(L, k, 1)->x;
  iscales = lua_gettop(L);
  coef = omat_new(L, k + 1, 1);
  fitted = omat_new(L, n, 1);
  resid = omat_new(L, n, 1);
  in.n = n; in.k = k; in.X = X; in.y = yv; in.intercept = d.intercept;
  in.scale = scale; in.lambda = lambda;
  out.coef = coef->x; out.fitted = fitted->x;
  st = ridge_fit(&in, &out, work, lw);
  if (st != REG_OK) lregress_fail(L, fn, st);
  for (i = 0; i < n; i++) resid->x[i] = yv[i] - fitted->x[i];
  lua_createtable(L, 0, 12);
  if (!d.intercept) {  /* drop the zero intercept slot */
    omat *c2 = omat_new(L, k, 1);
    memcpy(c2->x, coef->x + 1, k * sizeof(double));
    lua_setfield(L, -2, "coef");
  }
  else { lua_pushvalue(L, -4); lua_setfield(L, -2, "coef"); }
  lua_pushvalue(L, -3); lua_setfield(L, -2, "fitted");
  lua_pushvalue(L, -2); lua_setfield(L, -2, "residuals");
  setnum(L, "lambda", out.lambda);
  setnum(L, "edf", out.edf);
  setnum(L, "gcv", out.gcv);
  setnum(L, "rss", out.rss);
  lua_pushboolean(L, isnan(lambda)); lua_setfield(L, -2, "gcv_chosen");
  setint(L, "n", (lua_Integer)n);
  setint(L, "n_dropped", (lua_Integer)(d.n0 - n));
  lua_pushvalue(L, iscales); lua_setfield(L, -2, "scales");
  return 1;
}


/* ---------------------------------------------------------------------- */

static const luaL_Reg regress_funcs[] = {
  {"_ols", r_ols}, {"_glm", r_glm}, {"_leverage", r_leverage},
  {"_sandwich", r_sandwich}, {"_glmres", r_glmres}, {"_linkinv", r_linkinv},
  {"_mueta", r_mueta}, {"_predict", r_predict},
  {"_sums", r_sums},
  {"_ridge", r_ridge},
  {NULL, NULL}
};


int luaopen_orrery_regress (lua_State *L) {
  orr_newlib(L, "regress", regress_funcs, NULL);
  lregress_iv_open(L);
  lregress_sketch_open(L);
  lregress_ipcw_open(L);
  return 1;
}
