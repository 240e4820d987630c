/*
** Kernel tests for modules/stats: values known in closed form, identities
** between tails, and the rank/tie/Kendall helpers on hand-made data.
*/
#include <stdlib.h>
#include <gsl/gsl_errno.h>

#include "ctest.h"
#include "ointr.h"
#include "stats/dist.h"
#include "stats/desc.h"
#include <string.h>

/*
** The kernels the binding used to do by hand: the median with its
** overflow guard, cor.test's statistics, strata codes and the stratified
** control-variate mean.
*/
static void moved_kernels (void) {
  double a[4] = {1, 2, 3, 10}, big[2] = {1.5e308, 1.7e308}, inf[2] = {-INFINITY, INFINITY};
  double X[10] = {1, 2, 3, 4, 5, 2, 1, 4, 3, 5}, stat, p, df, ci[2], w[10];
  double s[6] = {3, 1, 3, 2, 1, 3}, lev[6];
  int code[6];
  size_t K;
  CHECK(desc_median(a, 3) == 2 && desc_median(a, 4) == 2.5);
  CHECK_NEAR(desc_median(big, 2), 1.6e308, 1e-15);   /* no overflow */
  CHECK(isnan(desc_median(inf, 2)));
  /* Pearson: t = sqrt(n - 2) r / sqrt(1 - r^2) on n - 2 df; r = 0.8 */
  desc_cortest(DESC_PEARSON, X, 5, 0.8, 0.95, &stat, &p, &df, ci, w);
  CHECK_NEAR(stat, sqrt(3.0) * 0.8 / 0.6, 1e-15);
  CHECK(df == 3);
  CHECK(ci[0] < 0.8 && ci[1] > 0.8 && ci[1] < 1);
  CHECK(p > 0 && p < 0.2);
  /* Spearman's S = (n^3 - n)(1 - rho)/6 */
  desc_cortest(DESC_SPEARMAN, X, 5, 0.8, 0.95, &stat, &p, &df, ci, w);
  CHECK_NEAR(stat, 120 * 0.2 / 6, 1e-14);
  CHECK(isnan(df) && isnan(ci[0]));
  /* strata: sorted unique levels, codes */
  K = desc_strata(s, 6, lev, code);
  CHECK(K == 3 && lev[0] == 1 && lev[1] == 2 && lev[2] == 3);
  CHECK(code[0] == 2 && code[1] == 0 && code[3] == 1 && code[5] == 2);
  {
    /* y = 2 + h exactly, in two strata of 4: est = mean(y) - (mean(h) -
       mean_h) = 2 + mean_h in each, se 0, r2 1 */
    double y[8], h[8], mh[1] = {0.5}, est_k[2], se_k[2], r2_k[2], beta[2];
    double *wk = malloc(desc_cv_strata_work(8, 1) * sizeof(double));
    int cd[8];
    size_t nk[2], bad, i;
    desc_cv_out out;
    for (i = 0; i < 8; i++) { h[i] = (double)(i * i % 7); y[i] = 2 + h[i]; cd[i] = i >= 4; }
    out.nk = nk; out.est_k = est_k; out.se_k = se_k; out.r2_k = r2_k; out.beta = beta;
    CHECK(desc_cv_strata(y, h, mh, 1, cd, 2, 8, 1, &out, &bad, wk) == STATS_OK);
    CHECK(nk[0] == 4 && nk[1] == 4);
    CHECK_NEAR(est_k[0], 2.5, 1e-14); CHECK_NEAR(beta[1], 1, 1e-14);
    CHECK_NEAR(out.est, 2.5, 1e-14);
    CHECK(fabs(out.se) < 1e-12);
    CHECK_NEAR(out.r2, 1, 1e-14);
    /* 2 rows for 1 column: too few (needs more than k + 1) */
    CHECK(desc_cv_strata(y, h, mh, 1, cd, 2, 6, 1, &out, &bad, wk) == STATS_ESMALL);
    CHECK(bad == 1 && nk[1] == 2);
    free(wk);
  }
  CHECK(strcmp(stats_strerror(STATS_ENOTPD), "the covariance matrix is singular") == 0);
}

int main (void) {
  double par[2], x[4], out[4], r[5], w[10], s3[3], tau, v, kw[4 * 400];
  size_t bad = 99;
  int which;
  gsl_set_error_handler_off();

  /* normal: log tails in closed form far out (Mills ratio to 1e-13),
     symmetric, and log1p accuracy on the large side */
  v = dist_lognorm_tail(-40, 1);
  CHECK_NEAR(v, -804.6084420137538, 1e-14);
  CHECK_NEAR(dist_lognorm_tail(40, 0), v, 0);
  CHECK_NEAR(dist_lognorm_tail(10, 1), -7.6198530241605269e-24, 1e-12);
  par[0] = 0; par[1] = 1;
  x[0] = 0; x[1] = 1.959963984540054;
  CHECK(dist_p(DIST_NORM, par, x, out, 2, 1, 0, &bad) == STATS_OK);
  CHECK_NEAR(out[0], 0.5, 1e-16);
  CHECK_NEAR(out[1], 0.975, 1e-15);
  /* quantile round trip and the ends of the support */
  x[0] = 0.975; x[1] = 0; x[2] = 1; x[3] = 0.5;
  CHECK(dist_q(DIST_NORM, par, x, out, 4, 1, 0, &bad) == STATS_OK);
  CHECK_NEAR(out[0], 1.959963984540054, 1e-15);
  CHECK(isinf(out[1]) && out[1] < 0);
  CHECK(isinf(out[2]) && out[2] > 0);
  CHECK(fabs(out[3]) < 1e-300);
  /* invalid probability: status and index */
  x[0] = 0.5; x[1] = 1.5;
  CHECK(dist_q(DIST_NORM, par, x, out, 2, 1, 0, &bad) == STATS_EPROB);
  CHECK(bad == 1);
  x[0] = 0.1;
  CHECK(dist_q(DIST_NORM, par, x, out, 1, 1, 1, &bad) == STATS_EPROB);  /* log p > 0 */
  /* parameters */
  par[1] = -1;
  CHECK(dist_checkpar(DIST_NORM, par, &which) != NULL && which == 1);
  par[0] = 2.5; par[1] = 0.5;
  CHECK(dist_checkpar(DIST_BINOM, par, &which) != NULL && which == 0);
  par[0] = 3; par[1] = 0.5;
  CHECK(dist_checkpar(DIST_BINOM, par, &which) == NULL);
  /* exponential = gamma(1, rate): P(X > x) = exp(-rate x), in log space far out */
  par[0] = 1; par[1] = 2;
  x[0] = 1000;
  CHECK(dist_p(DIST_GAMMA, par, x, out, 1, 0, 1, &bad) == STATS_OK);
  CHECK_NEAR(out[0], -2000, 1e-14);
  x[0] = -2000;
  CHECK(dist_q(DIST_GAMMA, par, x, out, 1, 0, 1, &bad) == STATS_OK);
  CHECK_NEAR(out[0], 1000, 1e-13);
  /* beta(1, 1) is uniform; beta(a, 1): P = x^a, log P = a log x */
  par[0] = 1; par[1] = 1; x[0] = 0.25;
  CHECK(dist_p(DIST_BETA, par, x, out, 1, 1, 0, &bad) == STATS_OK);
  CHECK_NEAR(out[0], 0.25, 1e-15);
  par[0] = 3; x[0] = 1e-200;
  CHECK(dist_p(DIST_BETA, par, x, out, 1, 1, 1, &bad) == STATS_OK);
  CHECK_NEAR(out[0], 3 * log(1e-200), 1e-14);
  /* binomial: P(X <= 0) = (1 - p)^n, log = n log1p(-p), far below underflow */
  par[0] = 1000; par[1] = 0.9; x[0] = 0;
  CHECK(dist_p(DIST_BINOM, par, x, out, 1, 1, 1, &bad) == STATS_OK);
  CHECK_NEAR(out[0], 1000 * log(0.1), 1e-13);
  /* Cauchy = t_1: P(T > t) = 1/2 - atan(t)/pi */
  par[0] = 1; x[0] = 3;
  CHECK(dist_p(DIST_T, par, x, out, 1, 0, 0, &bad) == STATS_OK);
  CHECK_NEAR(out[0], 0.5 - atan(3.0) / M_PI, 1e-14);
  /* Poisson density */
  par[0] = 2; x[0] = 3; x[1] = 2.5;
  CHECK(dist_d(DIST_POIS, par, x, out, 2, 0, &bad) == STATS_OK);
  CHECK_NEAR(out[0], exp(-2.0) * 8 / 6, 1e-14);
  CHECK(out[1] == 0);   /* non-integer count */

  /* moments and quantiles */
  x[0] = 1; x[1] = 2; x[2] = 3; x[3] = 10;
  CHECK_NEAR(desc_mean(x, 4), 4, 1e-16);
  CHECK_NEAR(desc_var(x, 4), 50.0 / 3, 1e-15);
  CHECK_NEAR(desc_quantile7(x, 4, 0.5), 2.5, 1e-16);
  CHECK_NEAR(desc_quantile7(x, 4, 0.9), 3 + 0.7 * 7, 1e-15);
  CHECK_NEAR(desc_quantile7(x, 4, 1), 10, 0);
  /* average ranks with ties: 3 1 3 2 3 -> 4 1 4 2 4 */
  {
    double y[5] = {3, 1, 3, 2, 3}, z[5] = {1, 2, 3, 4, 5};
    desc_rank(y, 5, r, w);
    CHECK(r[0] == 4 && r[1] == 1 && r[2] == 4 && r[3] == 2 && r[4] == 4);
    desc_sort(y, 5);
    desc_ties(y, 5, s3);     /* one group of 3: 6, 6*11, 6*1 */
    CHECK(s3[0] == 6 && s3[1] == 66 && s3[2] == 6);
    /* tau-b: S = sum sign products; ties in y only */
    CHECK(desc_kendall(y, z, 5, &tau, kw) == STATS_OK);
    /* sorted y = 1 2 3 3 3 vs 1..5: S = 7 concordant, n0 = 10, ties in y = 3 */
    CHECK_NEAR(tau, 7 / sqrt(7.0 * 10.0), 1e-15);
  }
  /* Knight's tau-b equals the pairwise definition on data with many ties
     (values from a small set), for several sizes */
  {
    static double a[400], b[400];
    size_t n, i, j;
    unsigned long st = 12345;
    for (n = 2; n <= 400; n = n * 3 + 1) {
      double S = 0, nx = 0, ny = 0;
      for (i = 0; i < n; i++) {
        st = st * 6364136223846793005UL + 1442695040888963407UL;
        a[i] = (double)((st >> 33) % 7);
        st = st * 6364136223846793005UL + 1442695040888963407UL;
        b[i] = (double)((st >> 33) % 5) + 0.5 * a[i];
      }
      for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++) {
          double sx = (a[i] > a[j]) - (a[i] < a[j]), sy = (b[i] > b[j]) - (b[i] < b[j]);
          S += sx * sy; nx += sx * sx; ny += sy * sy;
        }
      CHECK(desc_kendall(a, b, n, &tau, kw) == STATS_OK);
      if (nx > 0 && ny > 0) CHECK_NEAR(tau, S / (sqrt(nx) * sqrt(ny)), 1e-14);
      else CHECK(isnan(tau));
    }
  }
  /* a long vector polls the interrupt flag and stops with STATS_EINTR */
  {
    static double big[5000], res[5000];
    size_t k;
    for (k = 0; k < 5000; k++) big[k] = (k + 0.5) / 5000;
    par[0] = 0; par[1] = 1;
    orr_interrupted = 1;
    CHECK(dist_q(DIST_NORM, par, big, res, 5000, 1, 0, &bad) == STATS_EINTR);
    CHECK(bad == 1023);
    orr_interrupted = 0;
    CHECK(dist_q(DIST_NORM, par, big, res, 5000, 1, 0, &bad) == STATS_OK);
    CHECK_NEAR(res[2500], 0.5 / 5000 * sqrt(2 * M_PI), 1e-6);  /* phi(0)^-1 dp */
  }
  moved_kernels();
  return CTEST_DONE();
}
