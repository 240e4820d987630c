/* Kernel tests for modules/mat: products and determinants against hand values. */
#include "ctest.h"
#include "mat.h"

int main (void) {
  /* column-major 2x2: A = [1 3; 2 4], B = [5 7; 6 8] */
  double A[] = {1, 2, 3, 4}, B[] = {5, 6, 7, 8}, C[4];
  double M[] = {4, 1, 0, 1, 3, 1, 0, 1, 2};
  double S[] = {1, 2, 2, 4};
  int ipiv[3], sign;
  double la;
  mat_mul(A, B, C, 2, 2, 2);
  CHECK_NEAR(C[0], 23, 0); CHECK_NEAR(C[1], 34, 0);
  CHECK_NEAR(C[2], 31, 0); CHECK_NEAR(C[3], 46, 0);
  CHECK(mat_logdet_lu(M, 3, ipiv, &la, &sign) == 0);
  CHECK(sign == 1);
  CHECK_NEAR(la, log(18.0), 1e-14);
  CHECK(mat_logdet_lu(S, 2, ipiv, &la, &sign) > 0);  /* singular */
  CHECK(sign == 0);
  return CTEST_DONE();
}
