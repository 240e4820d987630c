/*
** Matrix kernels on BLAS/LAPACK.
*/
#include <math.h>

#include <cblas.h>
#include <lapacke.h>

#include "mat.h"


void mat_mul (const double *A, const double *B, double *C,
              size_t m, size_t k, size_t n) {
  if (m == 0 || n == 0) return;
  if (k == 0) {  /* an empty inner dimension gives zeros, as in R */
    size_t i;
    for (i = 0; i < m * n; i++) C[i] = 0.0;
    return;
  }
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n,
              (int)k, 1.0, A, (int)m, B, (int)k, 0.0, C, (int)m);
}


int mat_logdet_lu (double *A, size_t n, int *ipiv, double *logabs,
                   int *sign) {
  size_t i;
  int info;
  *logabs = 0.0; *sign = 1;
  if (n == 0) return 0;
  info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, (int)n, (int)n, A, (int)n, ipiv);
  if (info < 0) return info;
  if (info > 0) { *logabs = -HUGE_VAL; *sign = 0; return info; }
  for (i = 0; i < n; i++) {
    double d = A[i + i * n];
    if (d < 0) { *sign = -*sign; d = -d; }
    if (ipiv[i] != (int)i + 1) *sign = -*sign;
    *logabs += log(d);
  }
  return 0;
}
