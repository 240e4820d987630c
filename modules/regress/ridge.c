/*
** Ridge regression by one SVD (see ridge.h): every lambda, and so the GCV
** search, costs O(min(n, k)) once U'y is known.
*/
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "ointr.h"
#include "regress/ridge.h"


static size_t minsz (size_t a, size_t b) { return a < b ? a : b; }


static size_t svd_lwork (size_t n, size_t k) {
  size_t m = minsz(n, k);
  double q = 0, a = 0;
  int iw = 0;
  if (LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', (lapack_int)n, (lapack_int)k,
                          &a, (lapack_int)n, &a, &a, (lapack_int)n, &a,
                          (lapack_int)m, &q, -1, &iw) != 0)
    return 0;
  return (size_t)q + 1;
}


size_t ridge_lwork (size_t n, size_t k) {
  size_t m = minsz(n, k);
  /* means, U, Vt, d, rhs, iwork (8m ints in doubles), LAPACK work */
  return k + n * m + m * k + 2 * m + 8 * m + svd_lwork(n, k) + 16;
}


typedef struct gcvctx { const double *d, *rhs; size_t m, n; double rss0; } gcvctx;

/* RSS, edf and GCV at lambda */
static double gcv (const gcvctx *c, double lambda, double *rss, double *edf) {
  size_t j;
  double r = c->rss0, e = 0;
  for (j = 0; j < c->m; j++) {
    double d2 = c->d[j] * c->d[j];
    double f = d2 + lambda > 0 ? d2 / (d2 + lambda) : 0;
    double u = (1 - f) * c->rhs[j];
    r += u * u;
    e += f;
  }
  *rss = r; *edf = e;
  return r / (((double)c->n - e) * ((double)c->n - e));
}


/*
** The GCV search: GRID_N + 1 points of log lambda from log d_max^2 -
** GRID_BELOW (lambda negligible against every d^2: the OLS end) to
** + GRID_ABOVE (every coefficient shrunk to ~0), then golden section
** (ratio GOLDEN) around the best point, to GOLDEN_TOL in log lambda or
** GOLDEN_MAX steps.
*/
#define GRID_N      400
#define GRID_BELOW  30.0
#define GRID_ABOVE  12.0
#define GOLDEN      0.6180339887498949
#define GOLDEN_TOL  1e-12
#define GOLDEN_MAX  200

static double choose_lambda (const gcvctx *c) {
  double dmax = c->d[0] > 0 ? c->d[0] : 1, lo, hi, best = 0, bv, r, e;
  double a, b, x1, x2, f1, f2;
  const double g = GOLDEN;
  int i, ib = -1, N = GRID_N;
  lo = log(dmax * dmax) - GRID_BELOW; hi = log(dmax * dmax) + GRID_ABOVE;
  bv = gcv(c, 0, &r, &e);
  for (i = 0; i <= N; i++) {
    double l = lo + (hi - lo) * i / N, v = gcv(c, exp(l), &r, &e);
    if (v < bv) { bv = v; ib = i; }
  }
  if (ib < 0) return 0;
  a = lo + (hi - lo) * (ib > 0 ? ib - 1 : 0) / N;
  b = lo + (hi - lo) * (ib < N ? ib + 1 : N) / N;
  x1 = b - g * (b - a); x2 = a + g * (b - a);
  f1 = gcv(c, exp(x1), &r, &e); f2 = gcv(c, exp(x2), &r, &e);
  for (i = 0; i < GOLDEN_MAX && b - a > GOLDEN_TOL; i++) {
    if (f1 < f2) { b = x2; x2 = x1; f2 = f1; x1 = b - g * (b - a); f1 = gcv(c, exp(x1), &r, &e); }
    else { a = x1; x1 = x2; f1 = f2; x2 = a + g * (b - a); f2 = gcv(c, exp(x2), &r, &e); }
  }
  best = exp(0.5 * (a + b));
  return best;
}


int ridge_fit (const ridge_in *in, ridge_out *out, double *work,
               size_t lwork) {
  size_t n = in->n, k = in->k, m = minsz(n, k), i, j;
  double *xm = work, *U = xm + k, *Vt = U + n * m, *d = Vt + m * k;
  double *rhs = d + m, *iw = rhs + m, *lw = iw + 8 * m;
  double ym = 0, yy = 0, lambda;
  gcvctx c;
  size_t llw = lwork - (size_t)(lw - work);
  double *yc = out->fitted;  /* the centred y, until the fitted values */
  for (i = 0; i < n; i++) ym += in->y[i];
  ym = in->intercept ? ym / (double)n : 0;
  for (i = 0; i < n; i++) { yc[i] = in->y[i] - ym; yy += yc[i] * yc[i]; }
  for (j = 0; j < k; j++) {
    double *x = in->X + j * n, s = 0, q = 0;
    for (i = 0; i < n; i++) s += x[i];
    xm[j] = in->intercept ? s / (double)n : 0;
    for (i = 0; i < n; i++) { x[i] -= xm[j]; q += x[i] * x[i]; }
    out->scales[j] = in->scale ? sqrt(q / (double)n) : 1.0;
    if (out->scales[j] == 0) out->scales[j] = 1.0;  /* a constant column */
    if (in->scale) for (i = 0; i < n; i++) x[i] /= out->scales[j];
  }
  if (ORR_INTERRUPTED()) return REG_EINTR;
  if (LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', (lapack_int)n, (lapack_int)k,
                          in->X, (lapack_int)n, d, U, (lapack_int)n, Vt,
                          (lapack_int)m, lw, (lapack_int)llw,
                          (lapack_int *)iw) != 0)
    return REG_ELAPACK;
  cblas_dgemv(CblasColMajor, CblasTrans, (int)n, (int)m, 1.0, U, (int)n, yc,
              1, 0.0, rhs, 1);
  c.d = d; c.rhs = rhs; c.m = m; c.n = n; c.rss0 = yy;
  for (j = 0; j < m; j++) c.rss0 -= rhs[j] * rhs[j];
  if (c.rss0 < 0) c.rss0 = 0;
  lambda = isnan(in->lambda) ? choose_lambda(&c) : in->lambda;
  out->lambda = lambda;
  out->gcv = gcv(&c, lambda, &out->rss, &out->edf);
  /* a = diag(d / (d^2 + lambda)) rhs, b = V a / scales */
  for (j = 0; j < m; j++) {
    double den = d[j] * d[j] + lambda;
    iw[j] = den > 0 ? d[j] * rhs[j] / den : 0;  /* reuse: a */
  }
  out->coef[0] = ym;
  for (j = 0; j < k; j++) {
    double b = 0;
    size_t l;
    for (l = 0; l < m; l++) b += Vt[l + j * m] * iw[l];
    b /= out->scales[j];
    out->coef[j + 1] = b;
    if (in->intercept) out->coef[0] -= xm[j] * b;
  }
  if (!in->intercept) out->coef[0] = 0;
  for (j = 0; j < m; j++) iw[j] *= d[j];  /* U diag(f) rhs */
  cblas_dgemv(CblasColMajor, CblasNoTrans, (int)n, (int)m, 1.0, U, (int)n, iw,
              1, 0.0, out->fitted, 1);
  for (i = 0; i < n; i++) out->fitted[i] += ym;
  return REG_OK;
}
