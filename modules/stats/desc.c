/*
** Descriptive statistics kernels (see desc.h).
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "ointr.h"
#include "stats/dist.h"
#include "stats/desc.h"

/* a column whose part not explained by the columns before it is below
   this fraction of its scale is collinear: lm's 1e-7 on R_jj */
#define DESC_COLLINEAR  1e-7


/* The second pass adds the mean of the residuals, which recovers most of
   the rounding error of the first sum (as R's mean does in long double). */
double desc_mean (const double *x, size_t n) {
  double s = 0, m, c = 0, big = 0;
  size_t i;
  int e = 0;
  if (n == 0) return NAN;
  for (i = 0; i < n; i++) s += x[i];
  m = s / (double)n;
  if (!isfinite(m)) {
    /* the sum of finite values can overflow (two values near DBL_MAX): sum
       them scaled by a power of two, which is exact, and scale back */
    for (i = 0; i < n; i++) big = fmax(big, fabs(x[i]));
    if (!isfinite(big)) return m;
    frexp(big, &e);
    for (s = 0, i = 0; i < n; i++) s += ldexp(x[i], -e);
    m = s / (double)n;
  }
  if (e == 0) {
    for (i = 0; i < n; i++) c += x[i] - m;
    return m + c / (double)n;
  }
  for (i = 0; i < n; i++) c += ldexp(x[i], -e) - m;
  return ldexp(m + c / (double)n, e);
}


int desc_scale (double *x, size_t n) {
  double big = 0;
  size_t i;
  int e;
  for (i = 0; i < n; i++) big = fmax(big, fabs(x[i]));
  if (!(big > 0) || !isfinite(big)) return 0;
  frexp(big, &e);
  for (i = 0; i < n; i++) x[i] = ldexp(x[i], -e);
  return e;
}


/* Corrected two-pass algorithm (Chan, Golub & LeVeque 1983, eq. 1.7). */
double desc_var (const double *x, size_t n) {
  double m = desc_mean(x, n), ss = 0, s = 0;
  size_t i;
  if (n < 2) return NAN;
  for (i = 0; i < n; i++) {
    double d = x[i] - m;
    ss += d * d; s += d;
  }
  return (ss - s * s / (double)n) / (double)(n - 1);
}


double desc_cov2 (const double *x, const double *y, size_t n) {
  double mx = desc_mean(x, n), my = desc_mean(y, n), s = 0;
  size_t i;
  if (n < 2) return NAN;
  for (i = 0; i < n; i++) s += (x[i] - mx) * (y[i] - my);
  return s / (double)(n - 1);
}


static int cmpdouble (const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}


void desc_sort (double *x, size_t n) {
  qsort(x, n, sizeof(double), cmpdouble);
}


/* type 7: h = (n - 1) p, x[floor h] + (h - floor h)(x[ceil h] - x[floor h]),
   written as R writes it, (1 - f) lo + f hi, so results agree to the bit */
double desc_quantile7 (const double *sorted, size_t n, double p) {
  double idx = (double)(n - 1) * p, lo = floor(idx), f = idx - lo;
  size_t i = (size_t)lo;
  if (i + 1 >= n || f == 0 || sorted[i + 1] == sorted[i]) return sorted[i];
  return (1 - f) * sorted[i] + f * sorted[i + 1];
}


typedef struct vi { double v, i; } vi;

static int cmpvi (const void *a, const void *b) {
  const vi *x = (const vi *)a, *y = (const vi *)b;
  if (x->v != y->v) return (x->v > y->v) - (x->v < y->v);
  return (x->i > y->i) - (x->i < y->i);
}


void desc_rank (const double *x, size_t n, double *r, double *work) {
  vi *s = (vi *)work;
  size_t i, j, k;
  for (i = 0; i < n; i++) { s[i].v = x[i]; s[i].i = (double)i; }
  qsort(s, n, sizeof(vi), cmpvi);
  for (i = 0; i < n; i = j) {
    double avg;
    for (j = i + 1; j < n && s[j].v == s[i].v; j++) ;
    avg = 0.5 * (double)(i + 1 + j);   /* mean of ranks i+1 .. j */
    for (k = i; k < j; k++) r[(size_t)s[k].i] = avg;
  }
}


void desc_ties (const double *sorted, size_t n, double s[3]) {
  size_t i, j;
  s[0] = s[1] = s[2] = 0;
  for (i = 0; i < n; i = j) {
    double t;
    for (j = i + 1; j < n && sorted[j] == sorted[i]; j++) ;
    t = (double)(j - i);
    if (t > 1) {
      s[0] += t * (t - 1);
      s[1] += t * (t - 1) * (2 * t + 5);
      s[2] += t * (t - 1) * (t - 2);
    }
  }
}


typedef struct xy { double x, y; } xy;

static int cmpxy (const void *a, const void *b) {
  const xy *p = (const xy *)a, *q = (const xy *)b;
  if (p->x != q->x) return (p->x > q->x) - (p->x < q->x);
  return (p->y > q->y) - (p->y < q->y);
}

/* pairs within groups of equal values of sorted v: sum t(t-1)/2 */
static double tiepairs (const double *v, size_t n, size_t stride) {
  double s = 0;
  size_t i, j;
  for (i = 0; i < n; i = j) {
    for (j = i + 1; j < n && v[j * stride] == v[i * stride]; j++) ;
    s += 0.5 * (double)(j - i) * (double)(j - i - 1);
  }
  return s;
}

/*
** Knight's O(n log n) tau-b (Knight 1966, JASA 61:436): sort by (x, y); a
** bottom-up merge sort of y then counts the strictly discordant pairs as its
** exchanges. With n0 = n(n-1)/2, n1 / n2 the pairs tied in x / y and n3 those
** tied in both, S = n0 - n1 - n2 + n3 - 2 exchanges and
** tau-b = S / sqrt((n0 - n1)(n0 - n2)), the same value as R's pairwise sum.
*/
int desc_kendall (const double *x, const double *y, size_t n, double *tau,
                  double *work) {
  xy *p = (xy *)work;
  double *a = work + 2 * n, *b = work + 3 * n, *t;
  double n0 = 0.5 * (double)n * (double)(n - 1), n1, n2, n3 = 0, ex = 0;
  size_t i, j, w;
  if (n < 2) { *tau = NAN; return STATS_OK; }
  for (i = 0; i < n; i++) { p[i].x = x[i]; p[i].y = y[i]; }
  qsort(p, n, sizeof(xy), cmpxy);
  if (ORR_INTERRUPTED()) return STATS_EINTR;
  n1 = tiepairs(&p[0].x, n, 2);
  for (i = 0; i < n; i = j) {   /* joint ties: runs equal in x and y */
    for (j = i + 1; j < n && p[j].x == p[i].x && p[j].y == p[i].y; j++) ;
    n3 += 0.5 * (double)(j - i) * (double)(j - i - 1);
  }
  for (i = 0; i < n; i++) a[i] = p[i].y;
  for (w = 1; w < n; w *= 2) {   /* merge runs of width w from a into b */
    for (i = 0; i < n; i += 2 * w) {
      size_t l = i, lend = i + w < n ? i + w : n, r = lend,
             rend = i + 2 * w < n ? i + 2 * w : n, k = i;
      while (l < lend && r < rend) {
        if (a[r] < a[l]) { ex += (double)(lend - l); b[k++] = a[r++]; }
        else b[k++] = a[l++];   /* equal values: no exchange */
      }
      while (l < lend) b[k++] = a[l++];
      while (r < rend) b[k++] = a[r++];
    }
    t = a; a = b; b = t;
  }
  n2 = tiepairs(a, n, 1);
  if (n0 - n1 == 0 || n0 - n2 == 0) { *tau = NAN; return STATS_OK; }
  *tau = (n0 - n1 - n2 + n3 - 2 * ex) / (sqrt(n0 - n1) * sqrt(n0 - n2));
  return STATS_OK;
}


void desc_covmat (const double *X, size_t n, size_t p, double *S, double *work) {
  size_t i, j;
  for (j = 0; j < p; j++) {
    double m = desc_mean(X + j * n, n);
    for (i = 0; i < n; i++) work[i + j * n] = X[i + j * n] - m;
  }
  if (p == 0) return;
  cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)p, (int)n,
              1.0 / (double)(n - 1), work, (int)n, 0.0, S, (int)p);
  for (j = 0; j < p; j++)
    for (i = j + 1; i < p; i++) S[i + j * p] = S[j + i * p];
}


/* S_ij / sqrt(S_ii S_jj), clamped to [-1, 1] against rounding */
void desc_cov2cor (double *S, size_t p) {
  size_t i, j;
  for (j = 0; j < p; j++)
    for (i = 0; i < p; i++)
      if (i != j) {
        double r = S[i + j * p] / (sqrt(S[i + i * p]) * sqrt(S[j + j * p]));
        S[i + j * p] = r > 1 ? 1 : (r < -1 ? -1 : r);
      }
  for (j = 0; j < p; j++) S[j + j * p] = S[j + j * p] > 0 ? 1 : NAN;
}


int desc_pcor (double *S, size_t p, int pinv, double *work) {
  double *W = work, *O = work + p * p, *ev = work + 2 * p * p;
  size_t i, j, k;
  if (p == 0) return STATS_OK;
  memcpy(W, S, p * p * sizeof(double));
  if (!pinv) {
    if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (int)p, W, (int)p) != 0)
      return STATS_ENOTPD;
    /* rank check as lm's QR: a column whose share not explained by the
       columns before it is below 1e-7 (on the scale of R_jj) is collinear,
       even when rounding leaves its Cholesky pivot positive */
    for (j = 0; j < p; j++)
      if (!(W[j + j * p] > DESC_COLLINEAR * sqrt(S[j + j * p]))) return STATS_ENOTPD;
    if (LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', (int)p, W, (int)p) != 0)
      return STATS_ENOTPD;
    for (j = 0; j < p; j++)
      for (i = 0; i < p; i++)
        O[i + j * p] = i <= j ? W[i + j * p] : W[j + i * p];
  }
  else {
    double tol;
    if (LAPACKE_dsyev(LAPACK_COL_MAJOR, 'V', 'U', (int)p, W, (int)p, ev) != 0)
      return STATS_ELAPACK;
    tol = sqrt(DBL_EPSILON) * ev[p - 1];   /* ascending: the largest is last */
    memset(O, 0, p * p * sizeof(double));
    for (k = 0; k < p; k++) {
      const double *v = W + k * p;
      if (!(ev[k] > tol && ev[k] > 0)) continue;
      for (j = 0; j < p; j++)
        for (i = 0; i < p; i++) O[i + j * p] += v[i] * v[j] / ev[k];
    }
  }
  for (j = 0; j < p; j++)
    for (i = 0; i < p; i++)
      S[i + j * p] = i == j ? 1
                   : -O[i + j * p] / sqrt(O[i + i * p] * O[j + j * p]);
  return STATS_OK;
}


void desc_clr (const double *X, size_t n, size_t p, double *Y) {
  size_t i, j;
  for (i = 0; i < n; i++) {
    double m = 0;
    for (j = 0; j < p; j++) m += log(X[i + j * n]);
    m /= (double)p;
    for (j = 0; j < p; j++) Y[i + j * n] = log(X[i + j * n]) - m;
  }
}


int desc_cv (const double *y, const double *h, const double *mean_h, size_t n,
             size_t k, double *est, double *se, double *r2, double *beta,
             double *rss, double *tss, double *work) {
  double *Hc = work, *yc = work + n * k, *A = yc + n, *d = A + k * k;
  double ybar = desc_mean(y, n), q = 0, s = 0, t = 0;
  size_t i, j;
  for (j = 0; j < k; j++) {
    double m = desc_mean(h + j * n, n);
    d[j] = m - mean_h[j];
    for (i = 0; i < n; i++) Hc[i + j * n] = h[i + j * n] - m;
  }
  for (i = 0; i < n; i++) { yc[i] = y[i] - ybar; t += yc[i] * yc[i]; }
  cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)k, (int)n, 1.0, Hc,
              (int)n, 0.0, A, (int)k);
  for (j = 0; j < k; j++) beta[j] = A[j + j * k];
  if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (int)k, A, (int)k) != 0)
    return STATS_ENOTPD;
  /* R_jj^2 / S_jj is the share of column j not explained by the columns
     before it: near zero, the columns are collinear (as lm's 1e-7 on R_jj) */
  for (j = 0; j < k; j++)
    if (!(A[j + j * k] > DESC_COLLINEAR * sqrt(beta[j]))) return STATS_ENOTPD;
  cblas_dgemv(CblasColMajor, CblasTrans, (int)n, (int)k, 1.0, Hc, (int)n, yc,
              1, 0.0, beta, 1);
  LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', (int)k, 1, A, (int)k, beta, (int)k);
  *est = ybar;
  for (j = 0; j < k; j++) *est -= beta[j] * d[j];
  /* residuals computed directly: RSS = TSS - beta'Sxy would cancel */
  for (i = 0; i < n; i++) {
    double r = yc[i];
    for (j = 0; j < k; j++) r -= Hc[i + j * n] * beta[j];
    s += r * r;
  }
  /* q = d' (Hc'Hc)^-1 d: the intercept's variance is s2 (1/n + q) */
  memcpy(Hc, d, k * sizeof(double));
  LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'U', (int)k, 1, A, (int)k, Hc, (int)k);
  for (j = 0; j < k; j++) q += d[j] * Hc[j];
  *rss = s; *tss = t;
  *se = sqrt(s / (double)(n - k - 1) * (1.0 / (double)n + q));
  *r2 = t > 0 ? 1 - s / t : NAN;
  return STATS_OK;
}


double desc_median (const double *sorted, size_t n) {
  double a, b, m;
  if (n % 2) return sorted[n / 2];
  a = sorted[n / 2 - 1]; b = sorted[n / 2]; m = (a + b) / 2;
  if (isinf(m) && isfinite(a) && isfinite(b)) m = a / 2 + b / 2;   /* overflow */
  return m;   /* NaN between -Inf and Inf */
}


void desc_cortest (int method, const double *X, size_t n, double r,
                   double level, double *stat, double *p, double *df,
                   double ci[2], double *work) {
  double nd = (double)n;
  size_t bad;
  *df = NAN; ci[0] = ci[1] = NAN;
  if (method == DESC_PEARSON) {
    double pl, pu;
    *df = nd - 2;
    *stat = sqrt(*df) * r / sqrt(1 - r * r);
    dist_p(DIST_T, df, stat, &pl, 1, 1, 0, &bad);
    dist_p(DIST_T, df, stat, &pu, 1, 0, 0, &bad);
    *p = 2 * fmin(pl, pu);
    if (nd > 3) {   /* Fisher's z interval */
      double z = atanh(r), sg = 1 / sqrt(nd - 3), pr = (1 + level) / 2, zq;
      double par[2] = {0, 1};
      dist_q(DIST_NORM, par, &pr, &zq, 1, 1, 0, &bad);
      ci[0] = tanh(z - sg * zq); ci[1] = tanh(z + sg * zq);
    }
  }
  else if (method == DESC_SPEARMAN) {
    double den = nd * (nd * nd - 1) / 6, q = (nd * nd * nd - nd) * (1 - r) / 6;
    double dfs = nd - 2, rr, t, pv;
    int lower = !(q > den);   /* R: the tail on the side of the observed S */
    *stat = q;
    rr = 1 - q / den;
    t = rr / sqrt((1 - rr * rr) / dfs);
    dist_p(DIST_T, &dfs, &t, &pv, 1, !lower, 0, &bad);
    *p = fmin(2 * pv, 1);
  }
  else {   /* Kendall: S / sqrt(var S) with R's tie corrections */
    double t0 = nd * (nd - 1) / 2, tx[3], ty[3], S, v, par[2] = {0, 1}, pl, pu;
    double *sx = work;
    memcpy(sx, X, 2 * n * sizeof(double));
    desc_sort(sx, n);
    desc_sort(sx + n, n);
    desc_ties(sx, n, tx);
    desc_ties(sx + n, n, ty);
    S = r * sqrt((t0 - tx[0] / 2) * (t0 - ty[0] / 2));
    v = (nd * (nd - 1) * (2 * nd + 5) - tx[1] - ty[1]) / 18
        + tx[0] * ty[0] / (2 * nd * (nd - 1))
        + (nd > 2 ? tx[2] * ty[2] / (9 * nd * (nd - 1) * (nd - 2)) : 0);
    *stat = S / sqrt(v);
    dist_p(DIST_NORM, par, stat, &pl, 1, 1, 0, &bad);
    dist_p(DIST_NORM, par, stat, &pu, 1, 0, 0, &bad);
    *p = 2 * fmin(pl, pu);
  }
}


size_t desc_strata (const double *s, size_t n, double *lev, int *code) {
  size_t i, K = 0;
  memcpy(lev, s, n * sizeof(double));
  desc_sort(lev, n);
  for (i = 0; i < n; i++) if (i == 0 || lev[i] != lev[K - 1]) lev[K++] = lev[i];
  for (i = 0; i < n; i++) {
    size_t lo = 0, hi = K;   /* the level of s[i]: a binary search */
    while (hi - lo > 1) {
      size_t mid = (lo + hi) / 2;
      if (lev[mid] <= s[i]) lo = mid; else hi = mid;
    }
    code[i] = (int)lo;
  }
  return K;
}


size_t desc_cv_strata_work (size_t n, size_t k) {
  /* desc_cv's, the stratum's y and h, its mean_h */
  return desc_cv_work(n, k) + n + n * k + k;
}


int desc_cv_strata (const double *y, const double *h, const double *mean_h,
                    size_t mh_rows, const int *code, size_t K, size_t n,
                    size_t k, desc_cv_out *out, size_t *bad, double *work) {
  size_t kk, i, j;
  double *cw = work, *yk = cw + desc_cv_work(n, k), *hk = yk + n;
  double *mu = hk + n * k, est = 0, var = 0, rss = 0, tss = 0;
  for (kk = 0; kk < K; kk++) {
    size_t nk = 0;
    double e, se, r2, rs, ts;
    for (i = 0; i < n; i++) {
      if (code && (size_t)code[i] != kk) continue;
      yk[nk] = y[i];
      for (j = 0; j < k; j++) hk[nk + j * n] = h[i + j * n];
      nk++;
    }
    for (j = 0; j < k; j++) {   /* pack h rows of this stratum: column stride nk */
      memmove(hk + j * nk, hk + j * n, nk * sizeof(double));
      mu[j] = mh_rows == 1 ? mean_h[j] : mean_h[kk + j * mh_rows];
    }
    out->nk[kk] = nk;
    *bad = kk;
    if (nk <= k + 1) return STATS_ESMALL;
    if (desc_cv(yk, hk, mu, nk, k, &e, &se, &r2, out->beta + kk * k, &rs, &ts,
                cw) != STATS_OK)
      return STATS_ENOTPD;
    out->est_k[kk] = e; out->se_k[kk] = se; out->r2_k[kk] = r2;
    est += (double)nk / (double)n * e;
    var += ((double)nk / (double)n) * ((double)nk / (double)n) * se * se;
    rss += rs; tss += ts;
  }
  out->est = est;
  out->se = sqrt(var);
  out->r2 = tss > 0 ? 1 - rss / tss : NAN;
  return STATS_OK;
}


size_t desc_rank_work (size_t n) { return 2 * n; }
size_t desc_kendall_work (size_t n) { return 4 * n; }
size_t desc_covmat_work (size_t n, size_t p) { return n * p; }
size_t desc_pcor_work (size_t p) { return 2 * p * p + p; }
size_t desc_cv_work (size_t n, size_t k) { return n * k + n + k * k + k; }
size_t desc_cortest_work (size_t n) { return 2 * n; }
