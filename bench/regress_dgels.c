/*
** bench/regress.sh's hardware yardstick: LAPACK dgels alone on an n x (p+1)
** Gaussian design with an intercept column (the copy dgels overwrites is
** made outside the timing).  Prints "dgels <seconds>", the best of reps.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lapacke.h>

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double gauss (unsigned long long *s) {  /* sum of uniforms: enough for timing */
  double u = 0;
  int k;
  for (k = 0; k < 4; k++) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    u += (double)(*s >> 11) / 9007199254740992.0;
  }
  return (u - 2) * 1.7320508075688772;
}

int main (int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000000;
  size_t p = (argc > 2 ? (size_t)atol(argv[2]) : 20) + 1;
  int reps = argc > 3 ? atoi(argv[3]) : 3, r;
  unsigned long long s = 1;
  double *X = malloc(n * p * sizeof(double)), *A = malloc(n * p * sizeof(double));
  double *y = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double));
  double best = 1e300;
  size_t i, j;
  if (!X || !A || !y || !b) return 1;
  for (i = 0; i < n; i++) X[i] = 1;
  for (j = 1; j < p; j++) for (i = 0; i < n; i++) X[i + j * n] = gauss(&s);
  for (i = 0; i < n; i++) y[i] = 0.1 * X[i + n] + gauss(&s);
  for (r = 0; r < reps; r++) {
    double t;
    memcpy(A, X, n * p * sizeof(double));
    memcpy(b, y, n * sizeof(double));
    t = now();
    if (LAPACKE_dgels(LAPACK_COL_MAJOR, 'N', (lapack_int)n, (lapack_int)p, 1,
                      A, (lapack_int)n, b, (lapack_int)n) != 0) return 1;
    t = now() - t;
    if (t < best) best = t;
  }
  printf("dgels %.4f\n", best);
  return 0;
}
