/*
** Sketching kernels (see sketch.h). The random numbers are drawn in a fixed
** order that does not depend on blocking, so a seed gives one sketch.
*/
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "rng/draws.h"

#include "ointr.h"
#include "regress/sketch.h"

/* countsketch polls the interrupt flag every SK_POLL + 1 rows (a row costs
   k additions: 65536 of them take well under a millisecond) */
#define SK_POLL  0xffff
/* dgels's block size for the work it is given: LAPACK's ilaenv asks for 32
   on the QR of these sizes; 64 leaves room, so the blocked path runs */
#define SK_LS_NB  64


size_t sk_pow2 (size_t n) {
  size_t N = 1;
  while (N < n) N <<= 1;
  return N;
}


int sk_gaussian (const gsl_rng *r, const double *A, size_t n, size_t k,
                 size_t m, double *SA, double *buf) {
  size_t j0, nb;
  double par[2] = {0.0, 1.0 / sqrt((double)m)};   /* N(0, 1/m) */
  memset(SA, 0, m * k * sizeof(double));
  for (j0 = 0; j0 < n; j0 += SK_BLOCK) {
    nb = n - j0 < SK_BLOCK ? n - j0 : SK_BLOCK;
    if (orng_fill(r, ORNG_NORMAL, par, buf, m * nb) != 0) return REG_EINTR;
    /* SA += S[:, j0:j0+nb] A[j0:j0+nb, :] */
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)k,
                (int)nb, 1.0, buf, (int)m, A + j0, (int)n, 1.0, SA, (int)m);
  }
  return REG_OK;
}


int sk_countsketch (const gsl_rng *r, const double *A, size_t n, size_t k,
                    size_t m, double *SA) {
  size_t i, j;
  memset(SA, 0, m * k * sizeof(double));
  for (i = 0; i < n; i++) {
    size_t h = (size_t)gsl_rng_uniform_int(r, (unsigned long)m);
    double sg = gsl_rng_uniform_int(r, 2) ? 1.0 : -1.0;
    if ((i & SK_POLL) == 0 && ORR_INTERRUPTED()) return REG_EINTR;
    for (j = 0; j < k; j++) SA[h + j * m] += sg * A[i + j * n];
  }
  return REG_OK;
}


/* in-place unnormalised Walsh-Hadamard transform of x (length N, a power of 2) */
static void fwht (double *x, size_t N) {
  size_t h, i, j;
  for (h = 1; h < N; h <<= 1)
    for (i = 0; i < N; i += h << 1)
      for (j = i; j < i + h; j++) {
        double a = x[j], b = x[j + h];
        x[j] = a + b;
        x[j + h] = a - b;
      }
}


int sk_srht (const gsl_rng *r, const double *A, size_t n, size_t k, size_t m,
             double *SA, double *buf, double *sign, size_t *rows) {
  size_t N = sk_pow2(n), i, j;
  double s = 1.0 / sqrt((double)m);   /* sqrt(N/m) times H's 1/sqrt(N) */
  for (i = 0; i < n; i++) sign[i] = gsl_rng_uniform_int(r, 2) ? 1.0 : -1.0;
  for (i = 0; i < N; i++) rows[i] = i;
  for (i = 0; i < m; i++) {  /* the first m of a partial Fisher-Yates shuffle */
    size_t t = i + (size_t)gsl_rng_uniform_int(r, (unsigned long)(N - i));
    size_t tmp = rows[i]; rows[i] = rows[t]; rows[t] = tmp;
  }
  for (j = 0; j < k; j++) {
    if (ORR_INTERRUPTED()) return REG_EINTR;
    for (i = 0; i < n; i++) buf[i] = sign[i] * A[i + j * n];
    for (i = n; i < N; i++) buf[i] = 0.0;
    fwht(buf, N);
    for (i = 0; i < m; i++) SA[i + j * m] = s * buf[rows[i]];
  }
  return REG_OK;
}


size_t sk_lstsq_work (size_t r, size_t k) {
  size_t mn = r < k - 1 ? r : k - 1;
  return mn + (mn > 1 ? mn : 1) * SK_LS_NB;
}


int sk_lstsq (double *M, size_t r, size_t k, double *coef, double *work) {
  size_t p = k - 1, j;
  int info = LAPACKE_dgels_work(LAPACK_COL_MAJOR, 'N', (lapack_int)r,
                                (lapack_int)p, 1, M, (lapack_int)r, M + r * p,
                                (lapack_int)r, work,
                                (lapack_int)sk_lstsq_work(r, k));
  if (info > 0) return REG_ERANK;
  if (info < 0) return REG_ELAPACK;
  for (j = 0; j < p; j++) coef[j] = M[r * p + j];
  return REG_OK;
}


size_t sk_gaussian_work (size_t m) { return m * SK_BLOCK; }
