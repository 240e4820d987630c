/*
** Kernel tests for modules/surv: the radix order, Kaplan-Meier by hand, the
** midpoint rule, a two-group log-rank test worked by hand, and a Cox fit
** whose Breslow score equation has a closed form.
*/
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "mat/mat.h"
#include "surv/surv.h"

static void test_order (void) {
  double x[] = {3, -1, 2.5, -0.0, 0.0, -7, 3, 1e300, -1e-300};
  size_t n = sizeof x / sizeof x[0], ord[9], i;
  void *w = malloc(surv_order_work(n));
  surv_order(x, n, ord, w);
  for (i = 1; i < n; i++) CHECK(x[ord[i - 1]] <= x[ord[i]]);
  CHECK(ord[0] == 5);
  CHECK(ord[n - 1] == 7);
  CHECK(ord[6] == 0 && ord[7] == 6);   /* stable among equal keys */
  {
    double y[9], xs[9];
    for (i = 0; i < n; i++) { y[i] = (double)i; xs[i] = x[i]; }
    surv_sort2(xs, y, n, w);
    for (i = 0; i < n; i++) {
      CHECK(xs[i] == x[ord[i]] || (xs[i] == 0 && x[ord[i]] == 0));
      CHECK(y[i] == (double)ord[i]);
    }
  }
  free(w);
}

static void test_km (void) {
  /* times 1 2 2 3 4, status 1 1 0 1 0 (a death and a censoring at 2):
     S = 4/5, 4/5 * 3/4, then * 1/2 at 3 (2 at risk) */
  double t[] = {2, 1, 3, 2, 4}, s[] = {1, 1, 1, 0, 0};
  double tt[5], nr[5], ne[5], nc[5], sv[5], gw[5], ch[5], vh[5];
  size_t ord[5], m;
  void *w = malloc(surv_order_work(5));
  surv_order(t, 5, ord, w);
  m = km_table(t, s, NULL, ord, 5, tt, nr, ne, nc, sv, gw, ch, vh);
  CHECK(m == 4);
  CHECK_NEAR(sv[0], 0.8, 1e-15);
  CHECK_NEAR(nr[1], 4, 0); CHECK_NEAR(ne[1], 1, 0); CHECK_NEAR(nc[1], 1, 0);
  CHECK_NEAR(sv[1], 0.6, 1e-15);
  CHECK_NEAR(nr[2], 2, 0);
  CHECK_NEAR(sv[2], 0.3, 1e-15);
  CHECK_NEAR(gw[2], 1.0 / 20 + 1.0 / 12 + 1.0 / 2, 1e-15);
  CHECK_NEAR(ch[2], 0.2 + 0.25 + 0.5, 1e-15);
  free(w);
  {
    /* median: S = 0.5 exactly on [2, 3) -> 2.5 */
    double ts[] = {1, 2, 3, 4}, ss[] = {0.75, 0.5, 0.25, 0};
    double lo, hi;
    CHECK_NEAR(km_quantile(ts, ss, 4, 0.5), 2.5, 0);
    CHECK_NEAR(km_quantile(ts, ss, 4, 0.25), 1.5, 0);  /* flat at 0.75 on [1, 2) */
    CHECK_NEAR(km_quantile(ts, ss, 4, 0.3), 2, 0);
    CHECK(isnan(km_quantile(ts, ss, 2, 0.9)));
    km_ci(0.5, 0.1, 1.959963984540054, 1, &lo, &hi);
    CHECK_NEAR(lo, 0.5 * exp(-0.1959963984540054), 1e-14);
    km_ci(0, 0.1, 1.96, 1, &lo, &hi);
    CHECK(isnan(lo) && isnan(hi));
  }
}

static void test_logrank (void) {
  /* group 0 dies at 1 and 3, group 1 at 2 and 4 (censored): by hand
     O - E for group 0 = (1 - 2/4) + (0 - 1/3) + (1 - 1/2) = 2/3 */
  double t[] = {1, 2, 3, 4}, s[] = {1, 1, 1, 0};
  int g[] = {0, 1, 0, 1};
  double obs[2], ex[2], var[4], work[6];
  size_t ord[4] = {0, 1, 2, 3};
  logrank(t, s, g, 2, NULL, ord, 4, 0, obs, ex, var, work);
  CHECK_NEAR(obs[0], 2, 0);
  CHECK_NEAR(obs[0] - ex[0], 2.0 / 3, 1e-15);
  /* V = sum n0 n1 d (n - d) / (n^2 (n - 1)) = 1/4 + 2/9 + 1/4 */
  CHECK_NEAR(var[0], 0.25 + 2.0 / 9 + 0.25, 1e-15);
  CHECK_NEAR(var[1], -var[0], 1e-15);
}

static void test_cox (void) {
  /*
  ** One binary covariate, no ties: x = 1 for rows dying at 1 and 3, 0 for
  ** the deaths at 2 and 4 and a censoring at 5.  Check the score at beta = 0
  ** by hand, and that the fit solves U(beta) = 0 with loglik increasing.
  */
  double stop[] = {5, 4, 3, 2, 1};           /* decreasing, as the pass walks */
  double status[] = {0, 1, 1, 1, 1};
  double x[] = {0, 0, 1, 0, 1};
  cox_data d;
  double beta[1] = {0}, ll[2], u[1], var[1], sc, dlk, lk0;
  double *work = malloc((cox_pass_work(5, 1) + 16) * sizeof(double));
  int iter, rank, st;
  memset(&d, 0, sizeof d);
  d.n = 5; d.p = 1; d.x = x; d.stop = stop; d.status = status; d.efron = 1;
  CHECK(cox_pass(&d, beta, &lk0, u, var, NULL, work) == 0);
  /* U(0) = sum over deaths (x_i - mean x of the risk set) */
  CHECK_NEAR(u[0], (1 - 2.0 / 5) + (0 - 1.0 / 4) + (1 - 1.0 / 3) + (0 - 0.0 / 2), 1e-14);
  CHECK_NEAR(lk0, -log(5.0 * 4 * 3 * 2), 1e-14);
  st = cox_fit(&d, beta, 20, 1e-9, 1e-12, ll, u, var, &sc, &iter, &rank, &dlk, work);
  CHECK(st == 0);
  CHECK(rank == 1);
  CHECK(fabs(u[0]) < 1e-8);
  CHECK(ll[1] > ll[0]);
  CHECK(var[0] > 0);
  free(work);
  {
    /* coxph's tolerant Cholesky (mat_cholrank) with an aliased column:
       [[4,2,2],[2,1,1],[2,1,3]] has rank 2 */
    double a[] = {4, 2, 2, 2, 1, 1, 2, 1, 3}, b[] = {2, 1, 3}, r[9];
    CHECK(mat_cholrank(a, 3, 3, 1e-12, r) == 2);
    mat_cholrank_solve(r, 3, b);
    CHECK(b[1] == 0);                          /* the aliased entry */
    CHECK_NEAR(4 * b[0] + 2 * b[2], 2, 1e-14);
    CHECK_NEAR(2 * b[0] + 3 * b[2], 3, 1e-14);
  }
}

int main (void) {
  test_order();
  test_km();
  test_logrank();
  test_cox();
  return CTEST_DONE();
}
