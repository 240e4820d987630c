/*
** sem: the sampling kernel of linear structural equation models.
*/
#include "sem/sem.h"
#include "ointr.h"

/* Rows per block: 20 columns of 2048 doubles are 320 KB, about an L2. */
#define SEM_BLOCK  2048

const char *sem_strerror (int status) {
  switch (status) {
    case SEM_OK: return "ok";
    case SEM_EINTR: return "interrupted";
    default: return "unknown status";
  }
}


int sem_solve (size_t n, size_t p, const double *B, const double *c,
               const double *s, double *const *X, size_t j0, size_t j1) {
  size_t i0, i, j, k;
  for (i0 = 0; i0 < n; i0 += SEM_BLOCK) {
    size_t i1 = i0 + SEM_BLOCK < n ? i0 + SEM_BLOCK : n;
    if (ORR_INTERRUPTED()) return SEM_EINTR;
    for (j = j0; j < j1 && j < p; j++) {
      double *xj = X[j];
      double sj = s[j], cj = c[j];
      for (i = i0; i < i1; i++) xj[i] = sj * xj[i] + cj;
      for (k = 0; k < j; k++) {
        double b = B[j + k * p];
        const double *xk = X[k];
        if (b == 0.0) continue;
        for (i = i0; i < i1; i++) xj[i] += b * xk[i];
      }
    }
  }
  return SEM_OK;
}
