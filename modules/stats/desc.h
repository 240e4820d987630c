/*
** Descriptive statistics kernels: moments, type-7 quantiles, covariance and
** correlation (Pearson, Spearman, Kendall tau-b), partial correlations,
** compositional (clr) transforms and control-variate means.
** Plain C on column-major arrays; no NaN handling (the binding removes or
** rejects NaN first); work arrays come from the caller.
*/
#ifndef stats_desc_h
#define stats_desc_h

#include <stddef.h>
#include "stats/stats.h"

/* The kernels that can fail return a stats_status (stats.h). */

/* Mean with a second correcting pass (as R's mean). */
double desc_mean (const double *x, size_t n);
/*
** Scales x in place by the power of two 2^-e that brings max |x| into
** [0.5, 1) and returns e (0 when x is all zero or not finite). Exact, so
** scale-free statistics computed on the result (correlations, variances
** times 2^2e) agree to the bit with the unscaled ones wherever those neither
** overflow nor underflow, and stay right where they would.
*/
int desc_scale (double *x, size_t n);
/* Sample variance (divisor n - 1), two-pass with the rounding correction. */
double desc_var (const double *x, size_t n);
/* Sample covariance of x and y (divisor n - 1). */
double desc_cov2 (const double *x, const double *y, size_t n);
/* Sorts x ascending (in place). */
void desc_sort (double *x, size_t n);
/* R's type-7 quantile of sorted[0..n-1] (n >= 1) at p in [0, 1]. */
double desc_quantile7 (const double *sorted, size_t n, double p);
/* Average ranks (1-based, ties get the mean rank) of x into r.
   work: desc_rank_work(n) doubles (2n: n (value, index) pairs). */
size_t desc_rank_work (size_t n);
void desc_rank (const double *x, size_t n, double *r, double *work);
/*
** Tie counts of sorted x: for each group of t equal values adds
** t(t-1) to s[0], t(t-1)(2t+5) to s[1], t(t-1)(t-2) to s[2].
*/
void desc_ties (const double *sorted, size_t n, double s[3]);
/* Kendall's tau-b of x and y in O(n log n) (Knight's algorithm); NaN when a
   variable is constant. work: desc_kendall_work(n) doubles (4n: n pairs
   and two merge buffers). */
size_t desc_kendall_work (size_t n);
int desc_kendall (const double *x, const double *y, size_t n, double *tau,
                  double *work);

/* S (p x p) = sample covariance of the columns of X (n x p, n >= 2).
   work: desc_covmat_work(n, p) doubles (n p: the centred columns). */
size_t desc_covmat_work (size_t n, size_t p);
void desc_covmat (const double *X, size_t n, size_t p, double *S, double *work);
/* Turns a covariance matrix S (p x p) into a correlation matrix in place. */
void desc_cov2cor (double *S, size_t p);
/*
** Partial correlations from the precision matrix: R = -Omega_ij /
** sqrt(Omega_ii Omega_jj), unit diagonal. 'pinv' = 0: Omega = S^-1 by
** Cholesky (STATS_ENOTPD when S is not positive definite); 'pinv' = 1:
** Omega = the Moore-Penrose pseudo-inverse (eigenvalues below
** sqrt(DBL_EPSILON) times the largest are dropped, as MASS::ginv).
** S is overwritten by R; work: desc_pcor_work(p) doubles (2 p^2 + p).
*/
size_t desc_pcor_work (size_t p);
int desc_pcor (double *S, size_t p, int pinv, double *work);
/* clr of each row of X (n x p, all entries > 0) into Y. */
void desc_clr (const double *X, size_t n, size_t p, double *Y);

/*
** Control-variate mean: the intercept of the least-squares fit of y on
** (1, h - mean_h), i.e. mean(y) - beta'(mean(h) - mean_h),
** beta = Cov(h)^-1 Cov(h, y). h is n x k column-major, n > k + 1.
** Outputs: *est, *se (the intercept's standard error, residual variance on
** n - k - 1 df), *r2, beta[k], *rss, *tss. work: desc_cv_work(n, k)
** doubles (n k + n + k^2 + k: the centred h and y, h'h, the mean shifts).
*/
size_t desc_cv_work (size_t n, size_t k);
int desc_cv (const double *y, const double *h, const double *mean_h, size_t n,
             size_t k, double *est, double *se, double *r2, double *beta,
             double *rss, double *tss, double *work);

/*
** The levels of the stratum ids s[0..n-1] (finite): lev[0..K-1] sorted
** ascending and unique (lev has room for n), code[i] the level of s[i].
** Returns K.
*/
size_t desc_strata (const double *s, size_t n, double *lev, int *code);

/* Stratified control variates: the combined and per-stratum results. */
typedef struct desc_cv_out {
  double est, se, r2;        /* combined */
  size_t *nk;                /* K: rows per stratum */
  double *est_k, *se_k, *r2_k;   /* K each */
  double *beta;              /* k x K */
} desc_cv_out;
/*
** desc_cv within each stratum (code[i] in 0..K-1; code NULL: one stratum),
** combined with weights n_k/n: est = sum (n_k/n) est_k, se = sqrt(sum
** (n_k/n)^2 se_k^2), r2 = 1 - sum rss_k / sum tss_k (NaN when that is 0).
** mean_h: k values (mh_rows = 1) or K x k (mh_rows = K, column-major).
** Returns STATS_OK, or with *bad the stratum: STATS_ESMALL when it has
** n_k <= k + 1 rows, STATS_ENOTPD when h is constant or collinear in it.
** work: desc_cv_strata_work(n, k) doubles.
*/
size_t desc_cv_strata_work (size_t n, size_t k);
int desc_cv_strata (const double *y, const double *h, const double *mean_h,
                    size_t mh_rows, const int *code, size_t K, size_t n,
                    size_t k, desc_cv_out *out, size_t *bad, double *work);

/* The median of sorted[0..n-1] (n >= 1); NaN between -Inf and Inf. */
double desc_median (const double *sorted, size_t n);

/* The methods of a correlation */
enum { DESC_PEARSON, DESC_SPEARMAN, DESC_KENDALL };
/*
** cor.test with exact = FALSE from the estimate r of method on the n
** complete pairs X (n x 2): Pearson's t on n - 2 df (*df) with Fisher's
** z interval at level (ci, NaN for n <= 3), Spearman's S with the
** asymptotic t p value, Kendall's z with R's tie corrections of the
** variance of S. *df and ci are NaN where they do not apply.
** work: desc_cortest_work(n) doubles (2n: Kendall's sorted copies).
*/
size_t desc_cortest_work (size_t n);
void desc_cortest (int method, const double *X, size_t n, double r,
                   double level, double *stat, double *p, double *df,
                   double ci[2], double *work);

#endif
