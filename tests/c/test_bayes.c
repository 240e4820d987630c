/*
** Kernel tests for modules/bayes: a rank-one update of a Cholesky factor
** reproduces A + xx' and the downdate returns to A; a downdate past positive
** definiteness is reported; the HGF reports the trial where a precision
** turns non-positive and skips missing inputs.
*/
#include <math.h>
#include <string.h>

#include "ctest.h"
#include "bayes/bayes.h"

#define D 5

/* A = R'R for upper R (column-major) */
static void gram (const double *R, double *A) {
  int i, j, k;
  for (i = 0; i < D; i++)
    for (j = 0; j < D; j++) {
      double s = 0;
      for (k = 0; k <= (i < j ? i : j); k++) s += R[k + i * D] * R[k + j * D];
      A[i + j * D] = s;
    }
}

int main (void) {
  double R[D * D] = {0}, A0[D * D], A1[D * D], x[D], w[D];
  int i, j;
  /* an upper factor with a dominant diagonal */
  for (j = 0; j < D; j++)
    for (i = 0; i <= j; i++) R[i + j * D] = i == j ? 2.0 + j : 0.3 * (i + 1) - 0.1 * j;
  gram(R, A0);
  for (i = 0; i < D; i++) x[i] = 0.7 * i - 1.1;
  memcpy(w, x, sizeof x);
  CHECK(bayes_cholupdate(R, D, w, 1) == BAYES_OK);
  gram(R, A1);
  for (i = 0; i < D; i++)
    for (j = 0; j < D; j++) CHECK_NEAR(A1[i + j * D], A0[i + j * D] + x[i] * x[j], 1e-13);
  memcpy(w, x, sizeof x);
  CHECK(bayes_cholupdate(R, D, w, -1) == BAYES_OK);
  gram(R, A1);
  for (i = 0; i < D; i++)
    for (j = 0; j < D; j++) CHECK(fabs(A1[i + j * D] - A0[i + j * D]) < 1e-12);
  /* removing 10 x x' from A leaves it indefinite */
  for (i = 0; i < D; i++) w[i] = 10 * x[i];
  CHECK(bayes_cholupdate(R, D, w, -1) == BAYES_NOTPD);

  {
    bayes_hgf p = {1, 3, {0, -2}, {1, 1}, 0.5, 1, {0, 0, 1}, {1, 1, 1}};
    double u[4] = {1, NAN, 0, 1}, mu[12], pi[12], pe[12], s[4], total;
    size_t bad = 0;
    CHECK(bayes_hgf_filter(&p, u, 4, mu, pi, pe, s, &total, &bad) == BAYES_OK);
    CHECK(isnan(s[1]) && isnan(pe[1]));
    CHECK(mu[1 + 4] == mu[0 + 4]);          /* mu2 unchanged on the missing trial */
    CHECK(pi[1 + 4] < pi[0 + 4]);           /* its precision falls */
    CHECK_NEAR(total, s[0] + s[2] + s[3], 1e-15);
    /* a continuous model whose level-1 volatility swamps everything:
       its beliefs leave the valid region, reported with the trial */
    {
      bayes_hgf q = {0, 2, {50, 50}, {1, 1}, 1, 1e-300, {0, 0, 0}, {1, 1, 1}};
      double v[3] = {1, 2, 1e300}, m3[9], p3[9], e3[9], s3[3];
      CHECK(bayes_hgf_filter(&q, v, 3, m3, p3, e3, s3, &total, &bad) == BAYES_NEGPREC);
      CHECK(bad >= 1 && bad <= 3 && isnan(total));
    }
  }
  return CTEST_DONE();
}
