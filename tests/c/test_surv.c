/*
** Kernel tests for modules/surv: the radix order, Kaplan-Meier by hand with
** its standard errors and limits, the midpoint rule, a two-group log-rank
** test worked by hand and its chi-square (with a group nobody is in), a Cox
** fit whose Breslow score equation has a closed form, centring, ranks and
** the concordance of a small case counted by hand, the parametric kernels'
** work size and evaluation, and the status messages.
*/
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "mat/mat.h"
#include "surv/surv.h"
#include "surv/parametric.h"

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
  {
    /* km_se: Greenwood -> se(log S), S se(log S), the log limits at z */
    double se[5], lo[5], hi[5], z = 1.959963984540054, g2 = gw[2];
    km_se(m, sv, gw, vh, z, 1, se, lo, hi);
    CHECK_NEAR(gw[2], sqrt(g2), 1e-15);
    CHECK_NEAR(se[2], 0.3 * sqrt(g2), 1e-15);
    CHECK_NEAR(lo[2], 0.3 * exp(-z * sqrt(g2)), 1e-14);
    CHECK_NEAR(hi[0], fmin(1, 0.8 * exp(z * sqrt(1.0 / 20))), 1e-14);
    CHECK_NEAR(vh[0], sqrt(1.0 / 25), 1e-15);    /* se of H: sqrt(d/n^2) */
  }
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
  CHECK(logrank_work(2) <= 6 && logrank_chisq_work(2) == 3);
  {
    double cw[3], chisq;
    CHECK(logrank_chisq(obs, ex, var, 2, cw, &chisq) == 1);
    CHECK_NEAR(chisq, (2.0 / 3) * (2.0 / 3) / var[0], 1e-14);
  }
  {
    /* three groups, the middle one empty: its variance row and column are
       0, it drops out and the test has 1 degree of freedom */
    int g3[] = {0, 2, 0, 2};
    double o3[3], e3[3], v3[9], w3[6], cw[8], chisq;
    logrank(t, s, g3, 3, NULL, ord, 4, 0, o3, e3, v3, w3);
    CHECK(v3[4] == 0 && e3[1] == 0);
    CHECK(logrank_chisq(o3, e3, v3, 3, cw, &chisq) == 1);
    CHECK_NEAR(chisq, (2.0 / 3) * (2.0 / 3) / var[0], 1e-14);
  }
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
  double *work = malloc(cox_fit_work(5, 1) * sizeof(double));
  int iter, rank, st;
  memset(&d, 0, sizeof d);
  d.n = 5; d.p = 1; d.x = x; d.stop = stop; d.status = status; d.efron = 1;
  CHECK(cox_pass(&d, beta, &lk0, u, var, NULL, work) == SURV_OK);
  /* U(0) = sum over deaths (x_i - mean x of the risk set) */
  CHECK_NEAR(u[0], (1 - 2.0 / 5) + (0 - 1.0 / 4) + (1 - 1.0 / 3) + (0 - 0.0 / 2), 1e-14);
  CHECK_NEAR(lk0, -log(5.0 * 4 * 3 * 2), 1e-14);
  st = cox_fit(&d, beta, 20, 1e-9, 1e-12, ll, u, var, &sc, &iter, &rank, &dlk, work);
  CHECK(st == SURV_OK);
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

static void test_center_conc (void) {
  /* centring: weighted means; R's means are 0 for a 0/1 column */
  double x[] = {1, 2, 0, 4, 1, 6};   /* 3 x 2 row-major: (1 2) (0 4) (1 6) */
  double w[] = {1, 2, 1}, mean[2], rmean[2];
  cox_center(x, 3, 2, w, mean, rmean);
  CHECK_NEAR(mean[0], 0.5, 1e-15); CHECK_NEAR(mean[1], 4, 1e-15);
  CHECK(rmean[0] == 0); CHECK_NEAR(rmean[1], 4, 1e-15);
  CHECK_NEAR(x[0], 0.5, 1e-15); CHECK_NEAR(x[3], 0, 1e-15);
  {
    /* ranks share ties; the concordance of score x on the Cox data of
       test_cox, counted by hand: 5 concordant, 1 discordant, 4 tied in x,
       C = (5 + 4/2) / 10 */
    double stop[] = {5, 4, 3, 2, 1}, status[] = {0, 1, 1, 1, 1};
    double sx[] = {0, 0, 1, 0, 1}, cnt[5], num[5], den[5], c;
    size_t rank[5], K;
    void *rw = malloc(conc_rank_work(5));
    double *tree;
    cox_data d;
    K = conc_rank(sx, 5, rank, rw);
    CHECK(K == 2);
    CHECK(rank[0] == 1 && rank[1] == 1 && rank[3] == 1);
    CHECK(rank[2] == 2 && rank[4] == 2);
    memset(&d, 0, sizeof d);
    d.n = 5; d.p = 1; d.x = sx; d.stop = stop; d.status = status;
    tree = malloc(cox_concordance_work(K) * sizeof(double));
    c = cox_concordance(&d, rank, K, cnt, num, den, tree);
    CHECK(cnt[0] == 5 && cnt[1] == 1 && cnt[2] == 4);
    CHECK_NEAR(c, 0.7, 1e-15);
    free(tree);
    free(rw);
  }
}

static void test_parametric (void) {
  /*
  ** A Weibull model with an 8-column PH block: sr_loglik must stay inside
  ** sr_loglik_work doubles (the binding used to allocate 23n, too little
  ** once a block has more than 6 columns; make check's ASan sees an
  ** overrun of this exact-size buffer), and its gradient must match a
  ** difference of the log-likelihood.
  */
  enum { N = 12, P = 8 };
  double t[N], lt[N], dl[N], X[N * P], beta[P + 1], g[P + 1], b2[P + 1];
  double H[(P + 1) * (P + 1)], *work, ll;
  sr_model m;
  size_t i, j;
  memset(&m, 0, sizeof m);
  for (i = 0; i < N; i++) {
    t[i] = 0.5 + 0.25 * (double)i; lt[i] = log(t[i]); dl[i] = i % 3 != 0;
    for (j = 0; j < P; j++) X[i + j * N] = j == 0 ? 1 : sin((double)(i * 7 + j));
  }
  m.fam = SR_WEIBULL; m.n = N; m.t = t; m.logt = lt; m.delta = dl;
  m.p[0] = P; m.X[0] = X;
  m.fixed[1] = 0; m.fixed[2] = 0.2; m.fixed[3] = 0;
  CHECK(sr_npar(&m) == P);
  CHECK(sr_loglik_work(&m) == (3 + SR_NSLOT + 10 + P) * (size_t)N);
  work = malloc(sr_loglik_work(&m) * sizeof(double));
  for (j = 0; j < P; j++) beta[j] = 0.05 * (double)j - 0.1;
  ll = sr_loglik(&m, beta, g, H, work);
  CHECK(isfinite(ll));
  memcpy(b2, beta, sizeof beta);
  b2[3] += 1e-6;
  {
    double up = sr_loglik(&m, b2, NULL, NULL, work), dn;
    b2[3] -= 2e-6;
    dn = sr_loglik(&m, b2, NULL, NULL, work);
    CHECK_NEAR(g[3], (up - dn) / 2e-6, 1e-6);
  }
  free(work);
  {
    /* sr_eval: the exponential with lambda = 2 (phi = 1) */
    double tt[2] = {0.5, 1}, E[SR_NSLOT] = {log(2.0), 0, 0, 0}, out[2];
    sr_eval(SR_EXPONENTIAL, SR_SURVIVAL, tt, 2, E, 1, out);
    CHECK_NEAR(out[0], exp(-1.0), 1e-15); CHECK_NEAR(out[1], exp(-2.0), 1e-15);
    sr_eval(SR_EXPONENTIAL, SR_HAZARD, tt, 2, E, 1, out);
    CHECK_NEAR(out[1], 2, 1e-15);
    sr_eval(SR_EXPONENTIAL, SR_CURE, tt, 1, E, 1, out);
    CHECK(out[0] == 0);
  }
  CHECK(strcmp(surv_strerror(SURV_EMAXITER), "the iteration limit was reached") == 0);
  CHECK(strcmp(surv_strerror(SURV_ESTART),
               "the log-likelihood is not finite at the starting values") == 0);
}

int main (void) {
  test_order();
  test_km();
  test_logrank();
  test_cox();
  test_center_conc();
  test_parametric();
  return CTEST_DONE();
}
