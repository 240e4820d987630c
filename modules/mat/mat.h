/*
** Matrix kernels: plain C on column-major arrays, no Lua.
** Return 0 on success, or a positive LAPACK info / negative argument code.
*/
#ifndef mat_h
#define mat_h

#include <stddef.h>

/* C = A B, A is m x k, B is k x n, C is m x n (dgemm) */
void mat_mul (const double *A, const double *B, double *C,
              size_t m, size_t k, size_t n);
/*
** log|det A| and its sign for an n x n A; A is overwritten by its LU factors,
** ipiv has n ints. Returns LAPACK's info (>0: exactly singular, det = 0).
*/
int mat_logdet_lu (double *A, size_t n, int *ipiv, double *logabs, int *sign);

#endif
