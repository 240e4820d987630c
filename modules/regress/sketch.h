/*
** Sketches for least squares ("A nearly-optimal bound for fast regression
** with l_inf guarantee"): SA = S A for an m x n random S applied to the n x k
** column-major A, without forming S when its structure allows. Plain C.
** Each returns a regress_status (regress.h): REG_OK, or REG_EINTR if
** interrupted.
*/
#ifndef sketch_h
#define sketch_h

#include <stddef.h>
#include <gsl/gsl_rng.h>
#include "regress/regress.h"

/* Dense Gaussian S with N(0, 1/m) entries, drawn column block by column
   block (buf holds m * SK_BLOCK doubles: 256 columns of S make the dgemm
   efficient while the block of normals stays in cache). */
#define SK_BLOCK 256
size_t sk_gaussian_work (size_t m);   /* m SK_BLOCK doubles */
int sk_gaussian (const gsl_rng *r, const double *A, size_t n, size_t k,
                 size_t m, double *SA, double *buf);

/* CountSketch: each row of A goes to one uniformly chosen row of SA with a
   random sign. */
int sk_countsketch (const gsl_rng *r, const double *A, size_t n, size_t k,
                    size_t m, double *SA);

/*
** Subsampled randomised Hadamard transform: S = sqrt(N/m) R H D with D random
** signs, H the normalised Walsh-Hadamard matrix of order N = the power of two
** >= n (A zero-padded) and R m rows sampled without replacement.
** buf holds sk_pow2(n) = N doubles, sign n doubles, rows N size_t.
*/
int sk_srht (const gsl_rng *r, const double *A, size_t n, size_t k, size_t m,
             double *SA, double *buf, double *sign, size_t *rows);

/* the smallest power of two >= n */
size_t sk_pow2 (size_t n);

/*
** Least squares of column k-1 on columns 0..k-2 of the r x k matrix M
** (overwritten) by dgels: coef gets k-1 values. REG_ERANK when the design
** is rank deficient. work: sk_lstsq_work(r, k) doubles.
*/
size_t sk_lstsq_work (size_t r, size_t k);
int sk_lstsq (double *M, size_t r, size_t k, double *coef, double *work);

#endif
