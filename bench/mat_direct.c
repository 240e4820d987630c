/*
** The yardstick of bench/mat.sh: the BLAS/LAPACK calls behind A:crossprod(),
** A * B and A:solve(b), made directly from C on the same data, best of
** 'reps' runs. usage: mat_direct n reps
** (prints "op wall-seconds cpu-seconds" lines)
*/
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>
#include <lapacke.h>

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* process CPU seconds (as Lua's os.clock): less sensitive to other load */
static double cpu (void) {
  return (double)clock() / CLOCKS_PER_SEC;
}

/* the same values as the Lua side: v - floor(v) with v = 43758.5453 sin(k)
   (or cos), k = 1, 2, ... column-major; sin(k) alone would give rank 2 */
static void fill (double *x, size_t n, int cosine) {
  size_t k;
  for (k = 0; k < n; k++) {
    double v = (cosine ? cos((double)(k + 1)) : sin((double)(k + 1))) * 43758.5453;
    x[k] = v - floor(v);
  }
}

int main (int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000, reps = argc > 2 ? atoi(argv[2]) : 3, r;
  size_t nn = (size_t)n * n;
  double *A = malloc(nn * sizeof *A), *B = malloc(nn * sizeof *B);
  double *C = malloc(nn * sizeof *C), *W = malloc(nn * sizeof *W);
  double *b = malloc((size_t)n * sizeof *b), best, bestc, t, c;
  int *ipiv = malloc((size_t)n * sizeof *ipiv);
  if (!A || !B || !C || !W || !b || !ipiv) { fprintf(stderr, "out of memory\n"); return 1; }
  fill(A, nn, 0); fill(B, nn, 1);
  for (r = 0; r < n; r++) b[r] = 1.0;

  best = bestc = HUGE_VAL;
  for (r = 0; r < reps; r++) {
    t = now(); c = cpu();
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, n, n, 1.0, A, n, 0.0, C, n);
    t = now() - t; c = cpu() - c;
    if (t < best) best = t;
    if (c < bestc) bestc = c;
  }
  printf("crossprod %.6f %.6f\n", best, bestc);

  best = bestc = HUGE_VAL;
  for (r = 0; r < reps; r++) {
    t = now(); c = cpu();
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A, n,
                B, n, 0.0, C, n);
    t = now() - t; c = cpu() - c;
    if (t < best) best = t;
    if (c < bestc) bestc = c;
  }
  printf("mul %.6f %.6f\n", best, bestc);

  best = bestc = HUGE_VAL;
  for (r = 0; r < reps; r++) {
    memcpy(W, A, nn * sizeof *W);  /* dgesv overwrites A and b: not timed */
    for (int i = 0; i < n; i++) C[i] = b[i];
    t = now(); c = cpu();
    if (LAPACKE_dgesv(LAPACK_COL_MAJOR, n, 1, W, n, ipiv, C, n) != 0) {
      fprintf(stderr, "dgesv failed\n"); return 1;
    }
    t = now() - t; c = cpu() - c;
    if (t < best) best = t;
    if (c < bestc) bestc = c;
  }
  printf("solve %.6f %.6f\n", best, bestc);
  free(A); free(B); free(C); free(W); free(b); free(ipiv);
  return 0;
}
