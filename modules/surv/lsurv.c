/*
** surv: the binding of the survival kernels (Kaplan-Meier, Nelson-Aalen,
** log-rank, Cox).  Argument checks, the missing-value and time rules of
** vm/orules.h and userdata only; the numerics live in sort.c, km.c,
** logrank.c, cox.c and conc.c.  The friendly layer (option tables,
** formulas, printing, groups, p-values from the stats module) is
** stdlib/surv.lua, which calls the functions here whose names start with '_'.
*/
#include <math.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "surv/lsurv.h"
#include "orules.h"
#include "mat/omat.h"
#include "surv/surv.h"
#include "surv/km.h"
#include "surv/coxsurv.h"
#include "surv/coxfrail.h"

/* coxph.control's defaults, for a spec table without them */
#define COX_MAXITER  20
#define COX_EPS      1e-9


/* ---------------------------------------------------------------------- */
/* argument helpers                                                        */
/* ---------------------------------------------------------------------- */

/* The vector at idx (converted in place), of length n when n != 0. */
static omat *vecarg (lua_State *L, int idx, const char *fn, const char *what,
                     size_t n) {
  size_t len;
  omat *m = omat_vecarg(L, idx, fn, what, &len);
  if (n != (size_t)-1 && len != n)
    orr_error(L, fn, "'%s' has %d elements but 'time' has %d", what,
              (int)len, (int)n);
  return m;
}

/* Optional vector at idx: NULL when nil/none. */
static omat *optvec (lua_State *L, int idx, const char *fn, const char *what,
                     size_t n) {
  if (lua_isnoneornil(L, idx)) return NULL;
  return vecarg(L, idx, fn, what, n);
}

/*
** The missing-value rule (vm/orules.h) for the column(s) of m (n rows):
** NaN marks the row in drop; Inf is an error naming the element.
*/
static void mask (lua_State *L, const omat *m, size_t n, unsigned char *drop,
                  const char *fn, const char *what) {
  size_t col, i;
  if (m == NULL) return;
  i = orr_rowmask(m->x, n, m->r * m->c / (n ? n : 1), n, drop, &col);
  if (i < n)
    orr_error(L, fn, "'%s' element %d is infinite", what, (int)(i + col * n) + 1);
}

/* A zeroed mask of n rows, owned by a userdata on the stack. */
static unsigned char *newmask (lua_State *L, size_t n) {
  unsigned char *drop = (unsigned char *)orr_workbytes(L, n + 1);
  memset(drop, 0, n + 1);
  return drop;
}

/* Integer codes 0..k-1 from a vector of doubles (NaN allowed: missing). */
static int *codes (lua_State *L, const omat *m, int k, const char *fn,
                   const char *what) {
  size_t i, n = m->r * m->c;
  int *c = (int *)orr_workbytes(L, (n ? n : 1) * sizeof(int));
  for (i = 0; i < n; i++) {
    double v = m->x[i];
    if (isnan(v)) { c[i] = -1; continue; }
    if (v != floor(v) || v < 0 || v >= k)
      orr_error(L, fn, "'%s' element %d is not a code in 0..%d", what,
                (int)i + 1, k - 1);
    c[i] = (int)v;
  }
  return c;
}

/* A zeroed work array of n doubles (orr_work leaves it uninitialised). */
static double *zwork (lua_State *L, size_t n) {
  double *w = orr_work(L, n ? n : 1);
  memset(w, 0, (n ? n : 1) * sizeof(double));
  return w;
}

/* Pushes a new n x 1 mat holding x[0..n-1] and sets it as field k of t. */
static void setvec (lua_State *L, int t, const char *k, const double *x,
                    size_t n) {
  omat *m = omat_new(L, n, 1);
  if (n) memcpy(m->x, x, n * sizeof(double));
  lua_setfield(L, t, k);
}

static void setnum (lua_State *L, int t, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, t, k);
}


/* counts are Lua integers, as R's integers print without ".0" */
static void setcount (lua_State *L, int t, const char *k, size_t v) {
  lua_pushinteger(L, (lua_Integer)v);
  lua_setfield(L, t, k);
}


/* ---------------------------------------------------------------------- */
/* Kaplan-Meier and Nelson-Aalen                                           */
/* ---------------------------------------------------------------------- */

/*
** One curve's rows, read by km_read: kept (no NaN, in the group) and copied
** into work arrays; ord/sord order them by stop/start time.
*/
typedef struct kmrows {
  km_data d;
  size_t dropped;
} kmrows;

/*
** Reads time (2), status (3), the optional group codes g (6) with level (7),
** start (8) and weights (9).  Times follow vm/orules.h (>= 0, as R's Surv);
** rows with NaN anywhere are dropped and counted, rows whose g is not level
** left out.  A negative weight and start >= stop are errors.  Without start
** and weights the rows are sorted in place (ord NULL).
*/
static void km_read (lua_State *L, const char *fn, kmrows *r) {
  size_t n, i, k = 0, dropped = 0;
  omat *tm = vecarg(L, 2, fn, "time", (size_t)-1), *st, *g, *t0, *wt;
  double level = luaL_optnumber(L, 7, 0);
  double *t, *s, *t0s = NULL, *ws = NULL;
  unsigned char *drop;
  n = tm->r * tm->c;
  st = vecarg(L, 3, fn, "status", n);
  g = optvec(L, 6, fn, "group", n);
  t0 = optvec(L, 8, fn, "start", n);
  wt = optvec(L, 9, fn, "weights", n);
  orr_checktime(L, fn, "time", tm->x, n, 0);
  if (t0) orr_checktime(L, fn, "start", t0->x, n, 0);
  drop = newmask(L, n);
  mask(L, tm, n, drop, fn, "time");
  mask(L, st, n, drop, fn, "status");
  mask(L, g, n, drop, fn, "group");
  mask(L, t0, n, drop, fn, "start");
  mask(L, wt, n, drop, fn, "weights");
  t = orr_work(L, 4 * n + 1); s = t + n;
  if (t0) t0s = s + n;
  if (wt) ws = s + 2 * n;
  for (i = 0; i < n; i++) {
    if (drop[i]) { dropped++; continue; }
    if (wt && wt->x[i] < 0)
      orr_error(L, fn, "'weights' element %d is negative (%f)", (int)i + 1, wt->x[i]);
    if (t0 && !(t0->x[i] < tm->x[i]))
      orr_error(L, fn, "row %d: 'start' (%f) must be less than the stop time (%f)",
                (int)i + 1, t0->x[i], tm->x[i]);
    if (g && g->x[i] != level) continue;
    t[k] = tm->x[i]; s[k] = st->x[i];
    if (t0s) t0s[k] = t0->x[i];
    if (ws) ws[k] = wt->x[i];
    k++;
  }
  memset(&r->d, 0, sizeof r->d);
  r->d.n = k; r->d.stop = t; r->d.status = s; r->d.start = t0s; r->d.w = ws;
  r->dropped = dropped;
  if (t0s == NULL && ws == NULL)   /* into time order, status carried along */
    surv_sort2(t, s, k, orr_workbytes(L, surv_order_work(k)));
  else {
    void *sw = orr_workbytes(L, surv_order_work(k));
    size_t *ord = (size_t *)orr_workbytes(L, 2 * (k + 1) * sizeof(size_t));
    surv_order(t, k, ord, sw);
    r->d.ord = ord;
    if (t0s) { surv_order(t0s, k, ord + k + 1, sw); r->d.sord = ord + k + 1; }
  }
}

/*
** _km(fn, time, status, z, conftype [, g, level, start, weights, robust])
** -> table of columns.  robust: the infinitesimal jackknife variance (R's
** survfit default with non-integer weights) instead of Greenwood's.
*/
static int s_km (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  double z = luaL_checknumber(L, 4);
  int type = (int)luaL_checkinteger(L, 5);
  int robust = lua_toboolean(L, 10);
  size_t m;
  double *col[11];
  kmrows r;
  int res, c;
  static const char *const names[11] = {"time", "n_risk", "n_event", "n_censor",
    "surv", "std_err", "cumhaz", "se_cumhaz", "se", "lower", "upper"};
  km_read(L, fn, &r);
  m = km_ntimes(&r.d);
  lua_createtable(L, 0, 16);
  res = lua_gettop(L);
  for (c = 0; c < 11; c++) {   /* the result columns, filled in place */
    col[c] = omat_new(L, m, 1)->x;
    lua_setfield(L, res, names[c]);
  }
  km_fit(&r.d, col[0], col[1], col[2], col[3], col[4], col[5], col[6], col[7]);
  if (robust)
    km_ij(&r.d, m, col[0], col[1], col[2], col[4], col[5], col[7],
          orr_work(L, km_ij_work(r.d.n, m)));
  km_se(m, col[4], col[5], col[7], z, type, col[8], col[9], col[10]);
  setcount(L, res, "n", r.d.n);
  setcount(L, res, "n_dropped", r.dropped);
  lua_settop(L, res);
  return 1;
}


/*
** _cif(fn, time, status, z, conftype [, g, level, nil, weights], ncause)
** -> table of columns: the Aalen-Johansen incidences of causes 1..ncause
** (status 0 censored; coded and checked by the Lua half) with their
** jackknife standard errors and limits, and the all-cause survival.
*/
static int s_cif (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  double z = luaL_checknumber(L, 4);
  int type = (int)luaL_checkinteger(L, 5);
  int K = (int)luaL_checkinteger(L, 10);
  size_t m, i;
  double *t, *nr, *nev, *nc, *sv, *sse, *cif, *cse, *lo, *hi;
  kmrows r;
  int res;
  if (K < 1) orr_error(L, fn, "there are no causes");
  if (!lua_isnoneornil(L, 8)) orr_error(L, fn, "start times are not supported");
  km_read(L, fn, &r);
  for (i = 0; i < r.d.n; i++) {   /* the kernel indexes by the codes */
    double c = r.d.status[i];
    if (c != floor(c) || c < 0 || c > K)
      orr_error(L, fn, "status code %f is not 0 (censored) or a cause in 1..%d", c, K);
  }
  m = km_ntimes(&r.d);
  lua_createtable(L, 0, 16);
  res = lua_gettop(L);
  t = omat_new(L, m, 1)->x; lua_setfield(L, res, "time");
  nr = omat_new(L, m, 1)->x; lua_setfield(L, res, "n_risk");
  nc = omat_new(L, m, 1)->x; lua_setfield(L, res, "n_censor");
  sv = omat_new(L, m, 1)->x; lua_setfield(L, res, "surv");
  sse = omat_new(L, m, 1)->x; lua_setfield(L, res, "surv_se");
  nev = omat_new(L, m, (size_t)K)->x; lua_setfield(L, res, "n_event");
  cif = omat_new(L, m, (size_t)K)->x; lua_setfield(L, res, "cif");
  cse = omat_new(L, m, (size_t)K)->x; lua_setfield(L, res, "se");
  lo = omat_new(L, m, (size_t)K)->x; lua_setfield(L, res, "lower");
  hi = omat_new(L, m, (size_t)K)->x; lua_setfield(L, res, "upper");
  cif_fit(&r.d, K, m, t, nr, nev, nc, sv, sse, cif, cse,
          orr_work(L, cif_work(r.d.n, K)));
  cif_ci(m * (size_t)K, cif, cse, z, type, lo, hi);
  setcount(L, res, "n", r.d.n);
  setcount(L, res, "n_dropped", r.dropped);
  lua_settop(L, res);
  return 1;
}


/* _rmean(time, surv, n_risk, n_event, tau) -> rmean, se (tau checked by
   the Lua half) */
static int s_rmean (lua_State *L) {
  size_t n;
  omat *t = omat_vecarg(L, 1, "surv.km:rmean", "time", &n);
  omat *s = vecarg(L, 2, "surv.km:rmean", "surv", n);
  omat *nr = vecarg(L, 3, "surv.km:rmean", "n_risk", n);
  omat *ne = vecarg(L, 4, "surv.km:rmean", "n_event", n);
  double rm, se;
  km_rmean(t->x, s->x, nr->x, ne->x, n, luaL_checknumber(L, 5), &rm, &se);
  lua_pushnumber(L, rm);
  lua_pushnumber(L, se);
  return 2;
}


/* _quantile(time, surv, p) -> the p-quantile time (NaN if not reached) */
static int s_quantile (lua_State *L) {
  size_t n;
  omat *t = omat_vecarg(L, 1, "surv.km", "time", &n);
  omat *s = vecarg(L, 2, "surv.km", "surv", n);
  lua_pushnumber(L, km_quantile(t->x, s->x, n, luaL_checknumber(L, 3)));
  return 1;
}


/* ---------------------------------------------------------------------- */
/* log-rank                                                                */
/* ---------------------------------------------------------------------- */

/*
** _logrank(fn, time, status, g, k [, strata, ns], rho) -> observed,
** expected, var, chisq, df, n, n_dropped, n_group (the p value is the Lua
** half's, from the stats module).  Times follow vm/orules.h.
*/
static int s_logrank (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  size_t n, i, k = 0, dropped = 0;
  omat *tm = vecarg(L, 2, fn, "time", (size_t)-1), *st, *g, *sg;
  int ng = (int)luaL_checkinteger(L, 5);
  int ns = (int)luaL_optinteger(L, 7, 1);
  double rho = luaL_checknumber(L, 8);
  int *gc, *sc = NULL, *gk, *sk;
  double *t, *s, *obs, *ex, *var, chisq, nev = 0;
  size_t *ord, *ord2, *bounds;
  unsigned char *drop;
  int df;
  n = tm->r * tm->c;
  st = vecarg(L, 3, fn, "status", n);
  g = vecarg(L, 4, fn, "group", n);
  sg = optvec(L, 6, fn, "strata", n);
  orr_checktime(L, fn, "time", tm->x, n, 0);
  if (ng < 2) orr_error(L, fn, "'group' has %d level, at least 2 are needed", ng);
  gc = codes(L, g, ng, fn, "group");
  if (sg) sc = codes(L, sg, ns, fn, "strata");
  drop = newmask(L, n);
  mask(L, tm, n, drop, fn, "time");
  mask(L, st, n, drop, fn, "status");
  t = orr_work(L, 2 * n + 1); s = t + n;
  gk = (int *)orr_workbytes(L, 2 * (n + 1) * sizeof(int)); sk = gk + n + 1;
  for (i = 0; i < n; i++) {
    if (drop[i] || gc[i] < 0 || (sc && sc[i] < 0)) { dropped++; continue; }
    t[k] = tm->x[i]; s[k] = st->x[i]; gk[k] = gc[i]; sk[k] = sc ? sc[i] : 0; k++;
    nev += s[k - 1];
  }
  if (nev == 0) orr_error(L, fn, "there are no events");
  ord = (size_t *)orr_workbytes(L, 3 * (k + 1) * sizeof(size_t) + (size_t)(ns + 1) * sizeof(size_t));
  ord2 = ord + k + 1; bounds = ord2 + k + 1;
  surv_order(t, k, ord, orr_workbytes(L, surv_order_work(k)));
  surv_strata_order(sk, ns, ord, k, ord2, bounds);
  lua_createtable(L, 0, 10);
  obs = omat_new(L, (size_t)ng, 1)->x;
  lua_setfield(L, -2, "observed");
  ex = omat_new(L, (size_t)ng, 1)->x;
  lua_setfield(L, -2, "expected");
  var = omat_new(L, (size_t)ng, (size_t)ng)->x;
  lua_setfield(L, -2, "var");
  logrank(t, s, gk, ng, sk, ord2, k, rho, obs, ex, var,
          orr_work(L, logrank_work(ng)));
  lua_pop(L, 1);
  df = logrank_chisq(obs, ex, var, ng, orr_work(L, logrank_chisq_work(ng)),
                     &chisq);
  lua_pop(L, 1);
  setnum(L, -2, "chisq", chisq);   /* -2: the table, below the value */
  setnum(L, -2, "df", df);
  setcount(L, -2, "n", k);
  setcount(L, -2, "n_dropped", dropped);
  {
    omat *ngm = omat_new(L, (size_t)ng, 1);   /* rows used per group */
    for (i = 0; i < k; i++) ngm->x[gk[i]] += 1;
    lua_setfield(L, -2, "n_group");
  }
  return 1;
}




/* ---------------------------------------------------------------------- */
/* Cox                                                                     */
/* ---------------------------------------------------------------------- */

static void setmat (lua_State *L, int t, const char *k, const double *x,
                    size_t r, size_t c) {
  omat *m = omat_new(L, r, c);
  if (r != 0 && c != 0) memcpy(m->x, x, r * c * sizeof(double));
  lua_setfield(L, t, k);
}

/* reads an optional vector field of the spec table at 2 */
static omat *specvec (lua_State *L, const char *fn, const char *k, size_t n) {
  omat *m = omat_field(L, 2, k, fn);
  size_t len;
  if (m == NULL) { lua_pop(L, 1); return NULL; }
  if (m->r != 1 && m->c != 1 && m->r * m->c != 0)
    orr_error(L, fn, "'%s' must be a vector, got a %d x %d matrix", k, (int)m->r, (int)m->c);
  len = m->r * m->c;
  if (len != n)
    orr_error(L, fn, "'%s' has %d elements but 'time' has %d", k, (int)len, (int)n);
  /* the converted value stays on the stack (it owns the storage) */
  return m;
}

static int specint (lua_State *L, const char *k, int def) {
  int v = def;
  if (lua_getfield(L, 2, k) != LUA_TNIL) v = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return v;
}

static double specnum (lua_State *L, const char *k, double def) {
  double v = def;
  if (lua_getfield(L, 2, k) != LUA_TNIL) v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return v;
}

/* A Cox model's input, read and put in pass order by cox_read. */
typedef struct coxin {
  cox_data d;
  size_t dropped, nev;
  double *mean, *rmean;   /* the centre of d.x; R's coxph means */
  int *cluster, ncl;      /* cluster codes in pass order (or NULL) */
  int robust, dozph, maxiter;
  double eps;
} coxin;


/*
** Reads the spec table at 2 (checked and coded by stdlib/surv.lua): drops
** rows with NaN anywhere (counted), checks the rest, sorts the rows by
** stratum and decreasing stop time and centres x.  Every array lives in a
** userdata left on the stack.
*/
static void cox_read (lua_State *L, const char *fn, coxin *c) {
  omat *tm, *st, *X, *t0, *wt, *sg, *cl;
  size_t n, p, i, j, k = 0, dropped = 0, *ord, *ord2, *bounds, *sord, nev = 0;
  int ns, ncl, efron;
  double *xs, *ts, *ss, *t0s = NULL, *ws = NULL, *mean, *rmean;
  int *strs = NULL, *cls = NULL, *scode = NULL, *ccode = NULL;
  cox_data d;
  tm = omat_field(L, 2, "time", fn);
  if (tm == NULL) orr_error(L, fn, "'time' is missing");
  n = tm->r * tm->c;
  if (tm->r != 1 && tm->c != 1 && n != 0) orr_error(L, fn, "'time' must be a vector");
  st = specvec(L, fn, "status", n);
  if (st == NULL) orr_error(L, fn, "'status' is missing");
  X = omat_field(L, 2, "x", fn);
  if (X == NULL) orr_error(L, fn, "'x' is missing");
  if (X->r != n) orr_error(L, fn, "'x' has %d rows but 'time' has %d", (int)X->r, (int)n);
  p = X->c;
  if (p == 0) orr_error(L, fn, "'x' has no columns");
  t0 = specvec(L, fn, "start", n);
  wt = specvec(L, fn, "weights", n);
  sg = specvec(L, fn, "strata", n);
  cl = specvec(L, fn, "cluster", n);
  ns = specint(L, "nstrata", 1);
  ncl = specint(L, "ncluster", 0);
  efron = specint(L, "efron", 1);   /* 0 Breslow, 1 Efron, 2 exact */
  c->maxiter = specint(L, "maxiter", COX_MAXITER);
  c->robust = specint(L, "robust", 0) || cl != NULL;
  c->dozph = specint(L, "zph", 1);
  c->eps = specnum(L, "eps", COX_EPS);
  if (sg) scode = codes(L, sg, ns, fn, "strata");
  if (cl) ccode = codes(L, cl, ncl, fn, "cluster");
  /* rows kept: no NaN anywhere (vm/orules.h); Inf is an error */
  {
    unsigned char *drop = newmask(L, n);
    size_t *map = (size_t *)orr_workbytes(L, (n + 1) * sizeof(size_t));
    mask(L, tm, n, drop, fn, "time");
    mask(L, X, n, drop, fn, "x");
    mask(L, t0, n, drop, fn, "start");
    mask(L, wt, n, drop, fn, "weights");
    mask(L, st, n, drop, fn, "status");
    orr_checktime(L, fn, "time", tm->x, n, 0);
    if (t0) orr_checktime(L, fn, "start", t0->x, n, 0);
    for (i = 0; i < n; i++) {
      if (drop[i] || (scode && scode[i] < 0) || (ccode && ccode[i] < 0)) {
        drop[i] = 1;
        dropped++;
        continue;
      }
      if (t0 && !(t0->x[i] < tm->x[i]))
        orr_error(L, fn, "row %d: 'start' (%f) must be less than the stop time (%f)",
                  (int)i + 1, t0->x[i], tm->x[i]);
      if (wt && !(wt->x[i] > 0))
        orr_error(L, fn, "'weights' element %d is not positive (%f)", (int)i + 1, wt->x[i]);
      map[k++] = i;
      if (st->x[i] != 0) nev++;
    }
    if (nev == 0) orr_error(L, fn, "there are no events");
    /* order: stratum, then decreasing stop (radix sort of -stop) */
    ts = orr_work(L, 4 * k + 2);
    for (i = 0; i < k; i++) ts[i] = -tm->x[map[i]];
    ord = (size_t *)orr_workbytes(L, (4 * k + (size_t)ns + 4) * sizeof(size_t));
    ord2 = ord + k + 1; sord = ord2 + k + 1; bounds = sord + k + 1;
    {
      void *sw = orr_workbytes(L, surv_order_work(k));
      int *sk = (int *)orr_workbytes(L, (k + 1) * sizeof(int));
      for (i = 0; i < k; i++) sk[i] = scode ? scode[map[i]] : 0;
      surv_order(ts, k, ord, sw);
      surv_strata_order(sk, ns, ord, k, ord2, bounds);   /* ord2[pos] = kept index */
      /* data in pass order */
      ss = ts + k; 
      xs = orr_work(L, k * p + 1);
      if (t0) t0s = orr_work(L, k + 1);
      if (wt) ws = orr_work(L, k + 1);
      strs = (int *)orr_workbytes(L, (k + 1) * sizeof(int));
      if (ccode) cls = (int *)orr_workbytes(L, (k + 1) * sizeof(int));
      mean = orr_work(L, 2 * p); rmean = mean + p;
      {
        double *tstop = ss + k;
        for (i = 0; i < k; i++) {
          size_t r = map[ord2[i]];
          tstop[i] = tm->x[r];
          ss[i] = st->x[r] != 0;
          if (t0s) t0s[i] = t0->x[r];
          if (ws) ws[i] = wt->x[r];
          strs[i] = sk[ord2[i]];
          if (cls) cls[i] = ccode[r];
        }
        {
          /* x by columns (sequential reads); pos[r] = pass position of row r */
          size_t *pos = (size_t *)orr_workbytes(L, (n + 1) * sizeof(size_t));
          for (i = 0; i < k; i++) pos[map[ord2[i]]] = i;
          for (j = 0; j < p; j++) {
            const double *col = X->x + j * X->r;
            for (i = 0; i < n; i++)
              if (!drop[i]) xs[pos[i] * p + j] = col[i];
          }
        }
        cox_center(xs, k, p, ws, mean, rmean);
        /* start order: stratum, then decreasing start */
        if (t0s) {
          for (i = 0; i < k; i++) ts[i] = -t0s[i];
          surv_order(ts, k, ord, sw);
          surv_strata_order(strs, ns, ord, k, sord, bounds);
        }
        d.n = k; d.p = p; d.x = xs; d.stop = tstop; d.start = t0s;
        d.status = ss; d.w = ws; d.strata = sg ? strs : NULL;
        d.sorder = t0s ? sord : NULL; d.efron = efron;
        d.xwork = efron == COX_TIES_EXACT ? orr_work(L, cox_exact_work(&d)) : NULL;
      }
    }
  }
  c->d = d;
  c->dropped = dropped; c->nev = nev;
  c->mean = mean; c->rmean = rmean;
  c->cluster = cls; c->ncl = ncl;
}


/*
** _cox(fn, spec) with spec = {time, status, x [, start, weights, strata,
** nstrata, cluster, ncluster], efron, maxiter, eps, robust, zph} (checked
** and coded by stdlib/surv.lua) -> a table of results.
*/
static int s_cox (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  coxin c;
  size_t k, p;
  int status, iter = 0, rank = 0, res, robust, ncl;
  double *beta, *var, *u, *work, loglik[2], sctest, dlk;
  const double *ws;
  const int *cls;
  cox_data d;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  cox_read(L, fn, &c);
  d = c.d; k = d.n; p = d.p; ws = d.w;
  cls = c.cluster; ncl = c.ncl; robust = c.robust;
  beta = zwork(L, 2 * p + p * p);
  u = beta + p; var = u + p;
  work = orr_work(L, cox_fit_work(k, p));
  status = cox_fit(&d, beta, c.maxiter, c.eps, COX_TOL_CHOL, loglik, u, var,
                   &sctest, &iter, &rank, &dlk, work);
  if (status == SURV_EINTR) orr_interrupterror(L, fn);
  if (status != SURV_OK && status != SURV_EMAXITER)
    orr_error(L, fn, "%s", surv_strerror(status));
  lua_createtable(L, 0, 32);
  res = lua_gettop(L);
  setvec(L, res, "coef", beta, p);
  setmat(L, res, "var", var, p, p);
  setvec(L, res, "loglik", loglik, 2);
  setvec(L, res, "u", u, p);
  setvec(L, res, "center", c.mean, p);
  setvec(L, res, "means", c.rmean, p);
  setnum(L, res, "score", sctest);
  setnum(L, res, "iter", iter);
  setnum(L, res, "dlk", dlk);
  setnum(L, res, "rank", rank);
  setnum(L, res, "converged", status == SURV_OK);
  setcount(L, res, "n", k);
  setnum(L, res, "nevent", (double)c.nev);
  setcount(L, res, "n_dropped", c.dropped);
  {
    /* one more pass at the estimate, keeping the per-time quantities (the
       information goes to its slot in cox_fit's work) */
    size_t m = k + 1;
    double *eta = orr_work(L, k + 1), lk;
    cox_extra ex;
    memset(&ex, 0, sizeof ex);
    ex.pos = (size_t *)orr_workbytes(L, m * sizeof(size_t));
    ex.haz = orr_work(L, 3 * m); ex.hd = ex.haz + m; ex.vh = ex.hd + m;
    ex.A = orr_work(L, 3 * m * p); ex.Ad = ex.A + m * p; ex.abar = ex.Ad + m * p;
    if (c.dozph) {   /* cox.zph's g(t), so the pass also gives the test's u2, i2 */
      double *g = orr_work(L, k + 1);
      cox_zph_transform(&d, g, orr_workbytes(L, cox_zph_work(k)));
      ex.g = g; ex.u2 = orr_work(L, 2 * p); ex.i2 = orr_work(L, 4 * p * p);
    }
    cox_pass(&d, beta, &lk, u, work + cox_pass_work(k, p), &ex, work);
    cox_eta(&d, beta, eta);
    {
      double *bt = orr_work(L, 3 * k + 1);
      size_t nu = cox_baseline(&d, &ex, bt, bt + k, bt + 2 * k);
      setvec(L, res, "bh_time", bt, nu);
      setvec(L, res, "bh_cumhaz", bt + k, nu);
      setvec(L, res, "bh_strata", bt + 2 * k, nu);
    }
    {  /* survfit.coxph's base curves (cox:survfit): 7 columns and cumA */
      double *bc = orr_work(L, 7 * k + 1), *cA = orr_work(L, k * p + 1);
      size_t nu = cox_basecurve(&d, &ex, bc, bc + k, bc + 2 * k, bc + 3 * k,
                                bc + 4 * k, bc + 5 * k, bc + 6 * k, cA);
      setvec(L, res, "sc_time", bc, nu);
      setvec(L, res, "sc_strata", bc + k, nu);
      setvec(L, res, "sc_nrisk", bc + 2 * k, nu);
      setvec(L, res, "sc_nevent", bc + 3 * k, nu);
      setvec(L, res, "sc_ncens", bc + 4 * k, nu);
      setvec(L, res, "sc_cumhaz", bc + 5 * k, nu);
      setvec(L, res, "sc_cumvh", bc + 6 * k, nu);
      setmat(L, res, "sc_cumA", cA, p, nu);   /* p x nu: column t is A(t) */
    }
    {  /* concordance of eta: rank the scores, count the pairs */
      size_t *rk = (size_t *)orr_workbytes(L, (k + 1) * sizeof(size_t)), K;
      double *num = orr_work(L, 2 * k + 1), *den = num + k, cnt[5], conc;
      K = conc_rank(eta, k, rk, orr_workbytes(L, conc_rank_work(k)));
      conc = cox_concordance(&d, rk, K, cnt, num, den,
                             orr_work(L, cox_concordance_work(K)));
      setvec(L, res, "conc_counts", cnt, 5);
      setnum(L, res, "concordance", conc);
      setnum(L, res, "concordance_se", conc_se(k, cnt, num, den, ws, cls, (size_t)ncl,
                                               robust, orr_work(L, (size_t)ncl + 1)));
    }
    if (robust) {
      size_t G = cls ? (size_t)ncl : k;
      double *rv = orr_work(L, p * p);
      cox_robust_var(&d, &ex, eta, var, cls, (size_t)ncl, rv,
                     orr_work(L, cox_robust_var_work(k, p, G, ex.m)));
      setmat(L, res, "robust_var", rv, p, p);
      /* the last use of ex's per-time arrays: the test overwrites them */
      setnum(L, res, "robust_score",
             cox_robust_score(&d, &ex, cls, (size_t)ncl, COX_TOL_CHOL,
                              orr_work(L, cox_robust_score_work(k, p, G))));
    }
    if (c.dozph) {
      double *chi = orr_work(L, p + 1);
      cox_zph_test(ex.u2, ex.i2, p, chi, orr_work(L, cox_zph_test_work(p)));
      setvec(L, res, "zph_chisq", chi, p + 1);
      setvec(L, res, "zph_u2", ex.u2, 2 * p);   /* for tests of other blocks */
      setmat(L, res, "zph_i2", ex.i2, 2 * p, 2 * p);
    }
  }
  lua_settop(L, res);
  return 1;
}


/*
** The fitter of _coxfrail: upvalue 1 the coxin (a userdata), 2 the
** function's name, the others the userdata its arrays live in.
** fitter(theta, start (p + G) or nil, polish) -> {coef, var, var2, pl, pen,
** iter, converged}.
*/
static int s_coxfrail_fit (lua_State *L) {
  coxin *c = (coxin *)lua_touserdata(L, lua_upvalueindex(1));
  const char *fn = lua_tostring(L, lua_upvalueindex(2));
  double theta = luaL_checknumber(L, 1), *coef, *var, *var2, pl, pen;
  int polish = lua_toboolean(L, 3), iter = 0, status, res;
  size_t p = c->d.p, G = (size_t)c->ncl, q = p + G;
  if (!(theta > 0) || !isfinite(theta)) orr_error(L, fn, "theta must be a positive number");
  lua_settop(L, 3);
  coef = zwork(L, q + 2 * p * p);
  var = coef + q; var2 = var + p * p;
  if (!lua_isnil(L, 2)) {
    size_t len;
    omat *st = omat_vecarg(L, 2, fn, "start", &len);
    if (len != q) orr_error(L, fn, "internal: start has %d values, not %d", (int)len, (int)q);
    memcpy(coef, st->x, q * sizeof(double));
  }
  status = cox_frail_fit(&c->d, c->cluster, G, 1 / theta, coef, c->maxiter, c->eps,
                         polish, &pl, &pen, var, var2, &iter,
                         orr_work(L, cox_frail_work(c->d.n, p, G)));
  if (status == SURV_EINTR) orr_interrupterror(L, fn);
  if (status == SURV_ESTART) orr_error(L, fn, "%s", surv_strerror(status));
  lua_createtable(L, 0, 8);
  res = lua_gettop(L);
  setvec(L, res, "coef", coef, q);
  setmat(L, res, "var", var, p, p);
  setmat(L, res, "var2", var2, p, p);
  setnum(L, res, "pl", pl);
  setnum(L, res, "pen", pen);
  setnum(L, res, "iter", iter);
  setnum(L, res, "converged", status == SURV_OK);
  return 1;
}


/*
** _coxfrail(fn, spec) with spec as _cox's and the frailty clusters as its
** cluster (codes 0..ncluster-1) -> fitter, info: the data are read and
** sorted once; fitter(theta, start, polish) fits at one theta (the search
** for theta calls it many times).  info = {loglik0, n, nevent, n_dropped}.
*/
static int s_coxfrail (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  coxin *c;
  int top, nup;
  double lk0;
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  c = (coxin *)lua_newuserdatauv(L, sizeof(coxin), 0);   /* 3: upvalue 1 */
  lua_pushvalue(L, 1);                                     /* 4: upvalue 2 */
  /* cox_read reads the spec at 2 and leaves its arrays' userdata above */
  cox_read(L, fn, c);
  if (c->cluster == NULL || c->ncl < 1) orr_error(L, fn, "internal: no frailty clusters");
  top = lua_gettop(L);
  nup = top - 2;   /* coxin, fn, and every array userdata */
  if (nup > 250) orr_error(L, fn, "internal: too many work arrays");
  {
    double *w = orr_work(L, cox_pass_work(c->d.n, c->d.p)), *b0 = zwork(L, c->d.p);
    cox_pass(&c->d, b0, &lk0, NULL, NULL, NULL, w);
    lua_settop(L, top);
  }
  lua_pushcclosure(L, s_coxfrail_fit, nup);
  lua_createtable(L, 0, 4);
  setnum(L, lua_gettop(L), "loglik0", lk0);
  setcount(L, lua_gettop(L), "n", c->d.n);
  setnum(L, lua_gettop(L), "nevent", (double)c->nev);
  setcount(L, lua_gettop(L), "n_dropped", c->dropped);
  return 2;
}


static const luaL_Reg surv_funcs[] = {
  {"_km", s_km}, {"_quantile", s_quantile},
  {"_rmean", s_rmean}, {"_cif", s_cif},
  {"_logrank", s_logrank}, {"_cox", s_cox}, {"_coxfrail", s_coxfrail},
  {NULL, NULL}
};

static const orr_doc surv_docs[] = {
  {NULL, NULL}
};


int luaopen_orrery_surv (lua_State *L) {
  /* results are matrices: their metatable must exist before the first one */
  orr_require(L, "mat");
  lua_pop(L, 1);
  orr_newlib(L, "surv", surv_funcs, surv_docs);
  lsurv_fit_open(L);
  lsurv_cox_open(L);
  return 1;
}
