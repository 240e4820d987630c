/*
** Least squares by Householder QR with R's limited column pivoting
** (see ols.h).  The common case, a full-rank design, runs LAPACK's blocked
** dgeqrf; only a design with a column that is (nearly) a combination of the
** columns before it takes the unblocked path that moves such columns to the
** end, as LINPACK's dqrdc2 does for R.
*/
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "ointr.h"
#include "regress/ols.h"

/*
** The fast path hands over to the pivoting path when a diagonal of R is
** within this factor of the aliasing threshold: near the threshold the two
** orders of elimination could round differently, so the rule is applied
** exactly as dqrdc2 applies it.
*/
#define RQ_MARGIN 100.0
/* a sum of squares in this range gives the norm by sqrt without overflow
   or lost precision; outside it dnrm2 scales (slower) */
#define NORM2_MIN  1e-290
#define NORM2_MAX  1e290
/* rq_crossprod's blocks: 65536 doubles of X (512 KB, in cache for X'y
   after dsyrk), at least 256 rows */
#define XBLOCK_ELEMS  65536
#define XBLOCK_MIN    256


size_t rq_lwork (size_t n, size_t p) {
  double q = 0, tau = 0, a = 0;
  size_t lw = 0;
  lapack_int m = (lapack_int)(n ? n : 1), k = (lapack_int)(p ? p : 1);
  if (LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, k, &a, m, &tau, &q, -1) == 0)
    lw = (size_t)q;
  if (LAPACKE_dormqr_work(LAPACK_COL_MAJOR, 'L', 'T', m, 1, k, &a, m, &tau,
                          &a, m, &q, -1) == 0 && (size_t)q > lw)
    lw = (size_t)q;
  if (LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, k, k, &a, m, &tau, &q, -1) == 0
      && (size_t)q > lw)
    lw = (size_t)q;
  if (lw < n + p + 64) lw = n + p + 64;  /* rq_qr_pivot: n + p */
  return lw;
}


static void colnorms (const double *A, size_t n, size_t p, double *colnorm) {
  size_t i, j;
  for (j = 0; j < p; j++) {
    /* a plain sum of squares (dnrm2's scaling is several times slower);
       dnrm2 only when that under- or overflows */
    const double *a = A + j * n;
    double s = 0;
    for (i = 0; i < n; i++) s += a[i] * a[i];
    colnorm[j] = (s > NORM2_MIN && s < NORM2_MAX) ? sqrt(s) : cblas_dnrm2((int)n, a, 1);
    if (colnorm[j] == 0) colnorm[j] = 1.0;  /* a zero column is aliased */
  }
}


int rq_qr (double *A, size_t n, size_t p, double tol, double *tau,
           int *pivot, size_t *rank, double *colnorm, double *work,
           size_t lwork) {
  size_t j;
  lapack_int info;
  if (p == 0) { *rank = 0; return REG_OK; }
  if (n < p) return REG_NEEDPIVOT;
  colnorms(A, n, p, colnorm);
  info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)p,
                             A, (lapack_int)n, tau, work, (lapack_int)lwork);
  if (info != 0) return REG_ELAPACK;
  for (j = 0; j < p; j++)
    if (!(fabs(A[j + j * n]) >= RQ_MARGIN * tol * colnorm[j]))
      return REG_NEEDPIVOT;
  for (j = 0; j < p; j++) pivot[j] = (int)j;
  *rank = p;
  return REG_OK;
}


/* Moves column l of A (and its bookkeeping) to the end, shifting the rest. */
static void toend (double *A, size_t n, size_t p, size_t l, double *colnorm,
                   int *pivot, double *tmp) {
  double cn = colnorm[l];
  int pv = pivot[l];
  if (l + 1 == p) return;
  memcpy(tmp, A + l * n, n * sizeof(double));
  memmove(A + l * n, A + (l + 1) * n, (p - l - 1) * n * sizeof(double));
  memcpy(A + (p - 1) * n, tmp, n * sizeof(double));
  memmove(colnorm + l, colnorm + l + 1, (p - l - 1) * sizeof(double));
  memmove(pivot + l, pivot + l + 1, (p - l - 1) * sizeof(int));
  colnorm[p - 1] = cn; pivot[p - 1] = pv;
}


/*
** work: n + p doubles.  The rule: before column l is factored, its norm
** below row l (what is left after the reflections of columns 0..l-1) is
** compared with tol * its original norm, computed afresh rather than
** downdated since one column at a time is all that is decided.
*/
int rq_qr_pivot (double *A, size_t n, size_t p, double tol, double *tau,
                 int *pivot, size_t *rank, double *colnorm, double *work) {
  size_t l, lup = p, j;
  double *tmp = work, *w = work + n;
  colnorms(A, n, p, colnorm);
  for (j = 0; j < p; j++) { pivot[j] = (int)j; tau[j] = 0; }
  for (l = 0; l < lup; l++) {
    if (ORR_INTERRUPTED()) return REG_EINTR;
    for (;;) {  /* move negligible columns to the end */
      double rest = l < n ? cblas_dnrm2((int)(n - l), A + l + l * n, 1) : 0;
      if (rest >= tol * colnorm[l]) break;
      toend(A, n, p, l, colnorm, pivot, tmp);
      lup--;
      if (l >= lup) break;
    }
    if (l >= lup) break;
    if (l + 1 < n) {
      double *v = A + l + l * n;
      double alpha = v[0], t;
      size_t m = n - l, nc = p - l - 1;
      LAPACKE_dlarfg_work((lapack_int)m, &alpha, v + 1, 1, &t);
      tau[l] = t;
      if (t != 0 && nc > 0) {
        /* C <- (I - t v v') C on the trailing block, v = (1, v[1..]) */
        double *C = A + l + (l + 1) * n;
        v[0] = 1.0;
        cblas_dgemv(CblasColMajor, CblasTrans, (int)m, (int)nc, 1.0, C,
                    (int)n, v, 1, 0.0, w, 1);
        cblas_dger(CblasColMajor, (int)m, (int)nc, -t, v, 1, w, 1, C, (int)n);
      }
      v[0] = alpha;
    }
  }
  *rank = lup;
  return REG_OK;
}


/*
** One vector: the reflectors one at a time (2 passes of n each), since
** dormqr's blocked form builds k x k triangular factors for every block,
** which for a single right-hand side costs as much as the QR itself.
*/
static void qty1 (const double *A, size_t n, size_t k, const double *tau,
                  double *y, int trans) {
  size_t jj;
  for (jj = 0; jj < k; jj++) {
    size_t j = trans ? jj : k - 1 - jj;
    const double *v = A + j + j * n;
    double *yj = y + j, w;
    size_t m = n - j;
    if (tau[j] == 0) continue;
    w = yj[0];
    if (m > 1) w += cblas_ddot((int)(m - 1), v + 1, 1, yj + 1, 1);
    w *= tau[j];
    yj[0] -= w;
    if (m > 1) cblas_daxpy((int)(m - 1), -w, v + 1, 1, yj + 1, 1);
  }
}


int rq_qty (const double *A, size_t n, size_t k, const double *tau,
            double *y, size_t m, int trans, double *work, size_t lwork) {
  lapack_int info;
  if (k == 0 || n == 0 || m == 0) return REG_OK;
  if (m == 1) { qty1(A, n, k, tau, y, trans); return REG_OK; }
  info = LAPACKE_dormqr_work(LAPACK_COL_MAJOR, 'L', trans ? 'T' : 'N',
                             (lapack_int)n, (lapack_int)m, (lapack_int)k,
                             (double *)A, (lapack_int)n, tau, y,
                             (lapack_int)n, work, (lapack_int)lwork);
  return info == 0 ? REG_OK : REG_ELAPACK;
}


int rq_solve (const double *A, size_t n, size_t rank, const double *tau,
              const double *y, double *coef, double *effects, double *resid,
              double *work, size_t lwork) {
  size_t i;
  memcpy(effects, y, n * sizeof(double));
  if (rq_qty(A, n, rank, tau, effects, 1, 1, work, lwork)) return REG_ELAPACK;
  if (rank > 0) {
    memcpy(coef, effects, rank * sizeof(double));
    cblas_dtrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit,
                (int)rank, A, (int)n, coef, 1);
  }
  /* residuals as R's qr.resid: Q applied to the effects past the rank */
  for (i = 0; i < n; i++) resid[i] = i < rank ? 0.0 : effects[i];
  if (rq_qty(A, n, rank, tau, resid, 1, 0, work, lwork)) return REG_ELAPACK;
  return REG_OK;
}


int rq_rinv (const double *A, size_t n, size_t rank, double *Ri) {
  size_t i, j;
  if (rank == 0) return REG_OK;
  for (j = 0; j < rank; j++)
    for (i = 0; i < rank; i++) Ri[i + j * rank] = i <= j ? A[i + j * n] : 0.0;
  return LAPACKE_dtrtri_work(LAPACK_COL_MAJOR, 'U', 'N', (lapack_int)rank,
                             Ri, (lapack_int)rank) == 0 ? REG_OK : REG_ESINGULAR;
}


int rq_unscaled (const double *A, size_t n, size_t rank, double *V) {
  size_t i, j;
  if (rank == 0) return REG_OK;
  for (j = 0; j < rank; j++)
    for (i = 0; i < rank; i++) V[i + j * rank] = i <= j ? A[i + j * n] : 0.0;
  if (LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'U', (lapack_int)rank, V,
                          (lapack_int)rank) != 0)
    return REG_ESINGULAR;
  for (j = 0; j < rank; j++)  /* mirror the upper triangle */
    for (i = j + 1; i < rank; i++) V[i + j * rank] = V[j + i * rank];
  return REG_OK;
}


int rq_qform (const double *A, size_t n, size_t rank, const double *tau,
              double *Q, double *h, double *work, size_t lwork) {
  size_t i, j;
  if (rank > 0) {
    memcpy(Q, A, n * rank * sizeof(double));
    if (LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)rank,
                            (lapack_int)rank, Q, (lapack_int)n, tau, work,
                            (lapack_int)lwork) != 0)
      return REG_ELAPACK;
  }
  if (h) {
    for (i = 0; i < n; i++) h[i] = 0;
    for (j = 0; j < rank; j++) {
      const double *q = Q + j * n;
      for (i = 0; i < n; i++) h[i] += q[i] * q[i];
    }
  }
  return REG_OK;
}


int rq_normal (double *G, size_t p, const double *c, double rcmin,
               double *coef, double *V, double *work, int *iwork) {
  double *sc = work, *w3 = work + p, rcond = 0;
  size_t i, j;
  if (p == 0) return REG_NEEDQR;
  for (j = 0; j < p; j++) {
    if (!(G[j + j * p] > 0) || !isfinite(G[j + j * p])) return REG_NEEDQR;
    sc[j] = 1 / sqrt(G[j + j * p]);
  }
  for (j = 0; j < p; j++)
    for (i = 0; i <= j; i++) G[i + j * p] *= sc[i] * sc[j];
  if (LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', (lapack_int)p, G,
                          (lapack_int)p) != 0)
    return REG_NEEDQR;
  if (LAPACKE_dtrcon_work(LAPACK_COL_MAJOR, '1', 'U', 'N', (lapack_int)p, G,
                          (lapack_int)p, &rcond, w3, (lapack_int *)iwork) != 0
      || !(rcond >= rcmin))
    return REG_NEEDQR;
  for (j = 0; j < p; j++) coef[j] = c[j] * sc[j];
  cblas_dtrsv(CblasColMajor, CblasUpper, CblasTrans, CblasNonUnit, (int)p, G,
              (int)p, coef, 1);
  cblas_dtrsv(CblasColMajor, CblasUpper, CblasNoTrans, CblasNonUnit, (int)p,
              G, (int)p, coef, 1);
  for (j = 0; j < p; j++) coef[j] *= sc[j];
  for (j = 0; j < p; j++)
    for (i = 0; i < p; i++) V[i + j * p] = i <= j ? G[i + j * p] : 0.0;
  if (LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'U', (lapack_int)p, V,
                          (lapack_int)p) != 0)
    return REG_NEEDQR;
  for (j = 0; j < p; j++)
    for (i = 0; i <= j; i++) {
      V[i + j * p] *= sc[i] * sc[j];
      V[j + i * p] = V[i + j * p];
    }
  return REG_OK;
}


void rq_crossprod (const double *X, size_t n, size_t k, int intercept,
                   const double *oy, double *G, double *c, double *work) {
  size_t p = k + (intercept != 0), c0 = (size_t)(intercept != 0), i, j, i0;
  size_t B = k > 0 ? XBLOCK_ELEMS / k : n;  /* rows per block: ~512 KB of X */
  const double *y = oy + n;
  memset(G, 0, p * p * sizeof(double));
  memset(c, 0, p * sizeof(double));
  memset(work, 0, 2 * k * sizeof(double));
  if (B < XBLOCK_MIN) B = XBLOCK_MIN;
  /* by blocks of rows, so that X'y and the column sums read the block
     from cache right after dsyrk brought it in: one pass over X */
  if (k > 0)
    for (i0 = 0; i0 < n; i0 += B) {
      size_t mb = n - i0 < B ? n - i0 : B;
      cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)k, (int)mb, 1.0,
                  X + i0, (int)n, 1.0, G + c0 + c0 * p, (int)p);
      cblas_dgemv(CblasColMajor, CblasTrans, (int)mb, (int)k, 1.0, X + i0,
                  (int)n, y + i0, 1, 1.0, c + c0, 1);
      if (c0)
        cblas_dgemv(CblasColMajor, CblasTrans, (int)mb, (int)k, 1.0, X + i0,
                    (int)n, oy + i0, 1, 1.0, work, 1);
    }
  if (c0) {
    double sy = 0;
    G[0] = (double)n;
    for (j = 0; j < k; j++) G[(j + 1) * p] = work[j];
    for (i = 0; i < n; i++) sy += y[i];
    c[0] = sy;
  }
}


void rq_resid (const double *X, size_t n, size_t k, int intercept,
               const double *b, const double *y, double *r) {
  size_t c0 = (size_t)(intercept != 0), i;
  memcpy(r, y, n * sizeof(double));
  if (k > 0)
    cblas_dgemv(CblasColMajor, CblasNoTrans, (int)n, (int)k, -1.0, X, (int)n,
                b + c0, 1, 1.0, r, 1);
  if (c0) for (i = 0; i < n; i++) r[i] -= b[0];
}


void rq_summary (const double *y0, const double *w0, const double *X0,
                 size_t n0, size_t k, int intercept, const size_t *keep,
                 size_t n, const double *coef, const double *r,
                 const double *sw, int center, double *resid, double *fitted,
                 double ss[3]) {
  size_t i, j, p = k + (size_t)intercept;
  double rss = 0, mss = 0, slogw = 0, sumw = 0, fw = 0;
#define ROW(i) (keep ? keep[i] : (i))
  for (i = 0; i < n; i++) {
    size_t o = ROW(i);
    double w = w0 ? w0[o] : 1.0, y = y0[o];
    if (w > 0) {
      resid[i] = w0 ? r[i] / sw[i] : r[i];
      fitted[i] = y - resid[i];
    }
    else {  /* not in the fit: predicted from its x */
      double f = 0;
      for (j = 0; j < p; j++) {
        double b = coef[j];
        if (isnan(b)) continue;
        f += b * (intercept && j == 0 ? 1.0 : X0[o + (j - (size_t)intercept) * n0]);
      }
      fitted[i] = f;
      resid[i] = y - f;
    }
  }
  for (i = 0; i < n; i++) {
    double w = w0 ? w0[ROW(i)] : 1.0;
    rss += r[i] * r[i];
    if (w > 0) { sumw += w; if (w0) slogw += log(w); fw += w * fitted[i]; }
  }
  fw /= sumw;
  for (i = 0; i < n; i++) {
    double w = w0 ? w0[ROW(i)] : 1.0, f = fitted[i];
    if (w > 0) mss += center ? w * (f - fw) * (f - fw) : w * f * f;
  }
#undef ROW
  ss[0] = rss; ss[1] = mss; ss[2] = slogw;
}


void rq_predict (const double *X, size_t m, size_t k, int intercept,
                 const double *b, const double *V, const double *off,
                 double *fit, double *se, double *work) {
  size_t i, j, l, p = k + (size_t)intercept;
  double *xr = work;
  for (i = 0; i < m; i++) {
    double f = 0, s = 0;
    for (j = 0; j < p; j++)
      xr[j] = (intercept && j == 0) ? 1.0 : X[i + (j - (size_t)intercept) * m];
    for (j = 0; j < p; j++) if (!isnan(b[j])) f += xr[j] * b[j];
    fit[i] = f + (off ? off[i] : 0);
    if (V) {
      for (j = 0; j < p; j++) {
        if (isnan(b[j])) continue;
        for (l = 0; l < p; l++)
          if (!isnan(b[l])) s += xr[j] * V[j + l * p] * xr[l];
      }
      se[i] = sqrt(s > 0 ? s : 0);
    }
  }
}


void rq_wsums (const double *v, const double *w, size_t n, double out[3]) {
  size_t i;
  double s = 0, s2 = 0, sw = 0;
  for (i = 0; i < n; i++) {
    double x = v[i], wi = w ? w[i] : 1;
    if (isnan(x)) continue;
    s += wi * x; s2 += wi * x * x; sw += wi;
  }
  out[0] = s; out[1] = s2; out[2] = sw;
}


size_t rq_normal_work (size_t p) { return 4 * p; }
size_t rq_crossprod_work (size_t k) { return 2 * k; }
size_t rq_predict_work (size_t p) { return p; }
