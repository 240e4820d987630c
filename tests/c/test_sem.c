/*
** Kernel tests for modules/sem: sem_solve against the structural equations
** written out by hand, across a row-block boundary, and on a column range.
*/
#include <stdlib.h>

#include "ctest.h"
#include "sem/sem.h"

#define N 5000   /* more than one row block (SEM_BLOCK = 2048) */

int main (void) {
  /* Z -> X (0.8), X -> Y (2), Z -> Y (-1); c = (1, 0, 3); s = (1, 0.5, 2) */
  static double z[N], x[N], y[N], e[3][N];
  double *X[3] = {z, x, y};
  const double B[9] = {0, 0.8, -1,  0, 0, 2,  0, 0, 0};
  const double c[3] = {1, 0, 3}, s[3] = {1, 0.5, 2};
  size_t i;
  int bad = 0;
  for (i = 0; i < N; i++) {
    e[0][i] = z[i] = sin(i + 1.0);
    e[1][i] = x[i] = cos(3.0 * i);
    e[2][i] = y[i] = 0.001 * i - 2;
  }
  CHECK(sem_solve(N, 3, B, c, s, X, 0, 3) == SEM_OK);
  for (i = 0; i < N; i++) {
    double zi = e[0][i] + 1;
    double xi = 0.5 * e[1][i] + 0.8 * zi;
    double yi = 2 * e[2][i] + 3 + 2 * xi - zi;
    if (fabs(z[i] - zi) > 1e-15 * fabs(zi) || fabs(x[i] - xi) > 1e-14 * (1 + fabs(xi))
        || fabs(y[i] - yi) > 1e-14 * (1 + fabs(yi))) bad++;
  }
  CHECK(bad == 0);
  /* only column 2 (Y), from the solved Z and X and Y's noise again */
  for (i = 0; i < N; i++) y[i] = e[2][i];
  CHECK(sem_solve(N, 3, B, c, s, X, 2, 3) == SEM_OK);
  CHECK_NEAR(y[N - 1], 2 * e[2][N - 1] + 3 + 2 * x[N - 1] - z[N - 1], 1e-14);
  CHECK(z[0] == e[0][0] + 1);  /* earlier columns untouched */
  return CTEST_DONE();
}
