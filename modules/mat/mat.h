/*
** Matrix kernels: plain C on column-major arrays, no Lua.
** Work arrays come from the caller (no allocation, no file-level state), so
** every kernel is thread-safe and a binding can own the memory.
** Status codes: MAT_OK, a positive MAT_* code below, or a negative LAPACK
** argument number (a bug in the caller).
*/
#ifndef mat_h
#define mat_h

#include <stddef.h>

typedef enum {
  MAT_OK = 0,
  MAT_SINGULAR = 1,     /* exactly or computationally singular (rcond < eps) */
  MAT_NOTPD = 2,        /* Cholesky failed: not positive definite */
  MAT_NOCONV = 3,       /* an iterative LAPACK routine did not converge */
  MAT_INTERRUPTED = 4   /* ORR_INTERRUPTED() was seen */
} mat_status;

/*
** The message of a status (MAT_OK: "ok"; a negative one: "a LAPACK routine
** was called with a bad argument"), without the function's name.
*/
const char *mat_strerror (int status);

/* ------------------------------------------------------------ mat.c */

/* C = A B, A is m x k, B is k x n, C is m x n (dgemm) */
void mat_mul (const double *A, const double *B, double *C,
              size_t m, size_t k, size_t n);
/* C = A'A (p x p, both triangles) for an n x p A (dsyrk) */
void mat_crossprod (const double *A, size_t n, size_t p, double *C);
/* C = AA' (n x n, both triangles) for an n x p A (dsyrk) */
void mat_tcrossprod (const double *A, size_t n, size_t p, double *C);
/* C = AB' (n x m) for an n x p A and an m x p B (dgemm) */
void mat_tcrossprod2 (const double *A, const double *B, double *C,
                      size_t n, size_t p, size_t m);
/* C = A'B (p x q) for an n x p A and an n x q B (dgemm) */
void mat_crossprod2 (const double *A, const double *B, double *C,
                     size_t n, size_t p, size_t q);
/* The element-wise operations of mat_ewise. */
typedef enum {
  MAT_OP_ADD, MAT_OP_SUB, MAT_OP_MUL, MAT_OP_DIV,
  MAT_OP_RSUB, MAT_OP_RDIV,   /* s - a, s / a: a scalar on the left */
  MAT_OP_NEG                  /* -a (the sign of 0 and NaN flips too) */
} mat_op;
/*
** out[i] = a[i] op b[i], or a[i] op s when b is NULL (b, s unused by
** MAT_OP_NEG); out may be a or b.
*/
void mat_ewise (mat_op op, const double *a, const double *b, double s,
                double *out, size_t n);
/*
** The length of R's seq(a, b, by = step) for finite a != b and a step of
** the right sign (the caller checks): floor((b - a)/step + 1e-10) + 1, R's
** fuzz, or 1 when b - a is at the rounding level of the ends.
** mat_range_fill writes it, a + i step, never past b.
*/
size_t mat_range_len (double a, double b, double step);
void mat_range_fill (double a, double b, double step, double *out, size_t n);

/* Copies the upper triangle of the n x n C into its lower triangle. */
void mat_symfill (double *C, size_t n);
/* B (c x r) = A' for an r x c A, in cache-sized tiles. */
void mat_transpose (const double *A, size_t r, size_t c, double *B);

/* Element-wise functions for A:apply(name). */
typedef enum {
  MAT_F_LOG, MAT_F_LOG2, MAT_F_LOG10, MAT_F_LOG1P, MAT_F_EXP, MAT_F_EXPM1,
  MAT_F_SQRT, MAT_F_CBRT, MAT_F_SQUARE, MAT_F_ABS, MAT_F_SIGN, MAT_F_RECIP,
  MAT_F_LOGISTIC, MAT_F_LOGIT, MAT_F_SOFTPLUS, MAT_F_SIN, MAT_F_COS,
  MAT_F_TAN, MAT_F_ASIN, MAT_F_ACOS, MAT_F_ATAN, MAT_F_SINH, MAT_F_COSH,
  MAT_F_TANH, MAT_F_ASINH, MAT_F_ACOSH, MAT_F_ATANH, MAT_F_FLOOR,
  MAT_F_CEIL, MAT_F_ROUND, MAT_F_TRUNC, MAT_F_LGAMMA, MAT_F_GAMMA,
  MAT_F_ERF, MAT_F_ERFC, MAT_F_PNORM, MAT_F_N
} mat_func;
/* The names, indexed by mat_func, NULL-terminated. */
extern const char *const mat_func_names[];
/* Index of 'name' in mat_func_names, or -1. */
int mat_func_lookup (const char *name);
/* y[i] = f(x[i]); x and y may be the same array. */
void mat_apply (mat_func f, const double *x, double *y, size_t n);

/* Compensated (Neumaier) sum of n values. */
double mat_sum (const double *x, size_t n);
/* The mean of n values (NaN for n = 0), refined by a second pass as R's. */
double mat_mean (const double *x, size_t n);
/* out[j] = mean of column j of the r x c A (mat_mean). */
void mat_colmeans (const double *A, size_t r, size_t c, double *out);
/* out[j] = sum of column j of the r x c A (compensated). */
void mat_colsums (const double *A, size_t r, size_t c, double *out);
/* out[i] = sum of row i of the r x c A; comp: mat_rowsums_work(r) = r
   doubles of work (the compensations). */
size_t mat_rowsums_work (size_t r);
void mat_rowsums (const double *A, size_t r, size_t c, double *out,
                  double *comp);
/*
** Index of the smallest (sign < 0) or largest (sign > 0) of n >= 1 values;
** the first NaN wins, as NaN propagates through R's min and max.
*/
size_t mat_argext (const double *x, size_t n, int sign);

/* ------------------------------------------------------------ decomp.c */

/*
** 1 if the n x n A is symmetric: |a_ij - a_ji| <= tol * max|a| for all i, j;
** else 0 with (*bi, *bj) the first offending pair (0-based, bi > bj).
*/
int mat_issym (const double *A, size_t n, double tol, size_t *bi, size_t *bj);
/* The 1-norm (largest absolute column sum) of the r x c A. */
double mat_norm1 (const double *A, size_t r, size_t c);

/*
** Reciprocal condition number (1-norm) of A from its factors F: LU with
** ipiv (dgetrf), or the upper Cholesky factor (dpotrf) when ipiv is NULL;
** anorm = ||A||_1. Hager-Higham estimate, as LAPACK's dgecon/dpocon: an
** upper bound of the true value, 0 when a solve overflows.
** work: mat_rcond_work(n) = 2n doubles.
*/
size_t mat_rcond_work (size_t n);
int mat_rcond (const double *F, size_t n, const int *ipiv, double anorm,
               double *work, double *rcond);
/*
** Solves A X = B for an n x n A. B (n x nrhs) is overwritten by X. W gets
** n*n doubles (the factors), ipiv n ints, work mat_solve_work(n) = 4n
** doubles, iwork n ints (unused now; kept for callers).
** A triangular A is solved as it is (dtrtrs, no copy); a Cholesky solve
** (dpotrf) is tried first when A is exactly symmetric with a positive
** diagonal; LU (dgetrf) otherwise or when Cholesky fails. *rcond is
** the reciprocal condition number (1-norm); MAT_SINGULAR when it is below
** machine epsilon, as R's solve(). *chol tells which path was taken.
*/
size_t mat_solve_work (size_t n);
int mat_solve (const double *A, size_t n, double *B, size_t nrhs, double *W,
               int *ipiv, double *work, int *iwork, double *rcond, int *chol);
/* Workspace (doubles) that mat_inv needs besides its arguments. */
size_t mat_inv_lwork (size_t n);
/*
** Ainv = A^-1 for an n x n A: dtrtri when A is triangular (the inverse is
** too), Cholesky (dpotri, exactly symmetric result) when A is symmetric
** positive definite, LU (dgetri) otherwise. ipiv n ints,
** work lwork >= max(4n, mat_inv_lwork(n)) doubles, iwork n ints.
*/
int mat_inv (const double *A, size_t n, double *Ainv, int *ipiv,
             double *work, size_t lwork, int *iwork, double *rcond);
/*
** Upper Cholesky factor in place: A = R'R, the strict lower triangle is
** zeroed. MAT_NOTPD with *minor = the order of the failing leading minor.
*/
int mat_chol (double *A, size_t n, size_t *minor);
/*
** Cholesky with a tolerance, for a symmetric positive semi-definite A (as
** R's cholesky2, the factorisation of coxph and survdiff), on LAPACK's
** dpotrf: a column whose pivot (the variance left after the columns before
** it) is at most tol times the largest diagonal element of A is aliased:
** left out, and the later columns factored without it, so of collinear
** columns the later ones go. A is n x n with leading dimension lda >= n
** (only its upper triangle is read; it is not changed). R (n x n, not A)
** receives the upper factor of the kept columns, zeros below the diagonal,
** and an aliased column j as R_jj = -1 with the rest of its row and column
** 0. Returns the rank. No work array; a pass of dpotrf per aliased column.
*/
int mat_cholrank (const double *A, size_t n, size_t lda, double tol,
                  double *R);
/* Solves A x = b in place from mat_cholrank's R; x_j = 0 where j is aliased. */
void mat_cholrank_solve (const double *R, size_t n, double *b);
/*
** The inverse of A from mat_cholrank's R into Ainv (n x n, full, not R),
** with the rows and columns of the aliased j zero: a generalised inverse.
*/
void mat_cholrank_inv (const double *R, size_t n, double *Ainv);
/*
** log|det A| and its sign for an n x n A; A is overwritten by its LU factors,
** ipiv has n ints. Returns LAPACK's info (>0: exactly singular, det = 0).
*/
int mat_logdet_lu (double *A, size_t n, int *ipiv, double *logabs, int *sign);

/* Workspace (doubles) for mat_qr: work, and S (the panel copy). */
size_t mat_qr_lwork (size_t n, size_t p);
size_t mat_qr_panel (size_t n, size_t p);
/*
** Householder QR with R's limited column pivoting (the rule of LINPACK's
** dqrdc2, R's default qr): a column whose part orthogonal to the columns
** kept before it has norm below tol times its own norm is moved to the end,
** keeping the order of the others. Blocked: dgeqrf runs over the columns not
** yet decided; a pass that meets a negligible column restarts after it.
**   X (n x p) is not changed; W (n x p) gets the compact factors of X[, pivot]
**   as dgeqrf stores them, tau min(n,p) doubles, pivot p ints (1-based),
**   *rank the number of columns kept (<= min(n,p)), S mat_qr_panel(n, p)
**   doubles (a copy of the current panel) and
**   norms p doubles of scratch, work lwork doubles (mat_qr_lwork).
*/
int mat_qr (const double *X, size_t n, size_t p, double tol, double *W,
            double *tau, int *pivot, size_t *rank, double *S, double *norms,
            double *work, size_t lwork);
/* Q (n x min(n,p), orthonormal columns) from mat_qr's W and tau (dorgqr). */
int mat_qr_q (const double *W, size_t n, size_t p, const double *tau,
              double *Q, double *work, size_t lwork);

/* Workspace for mat_svd: *lwork doubles, *liwork ints. */
int mat_svd_lwork (size_t n, size_t p, size_t *lwork, size_t *liwork);
/*
** Thin SVD A = U diag(d) VT (dgesdd), k = min(n,p): A (n x p) is destroyed,
** d k values descending, U n x k, VT k x p. MAT_NOCONV if dgesdd fails.
*/
int mat_svd (double *A, size_t n, size_t p, double *d, double *U, double *VT,
             double *work, size_t lwork, int *iwork);
/*
** Moore-Penrose inverse P (p x n) from mat_svd's U, d, VT of an n x p A:
** singular values d_i <= tol * d_1 count as zero (MASS::ginv's rule).
** VT is overwritten (its rows are scaled). *rank gets the count kept.
*/
void mat_pinv_svd (size_t n, size_t p, const double *U, const double *d,
                   double *VT, double tol, double *P, size_t *rank);

/* Workspace for mat_eigsym: *lwork doubles, *liwork ints. */
int mat_eigsym_lwork (size_t n, size_t *lwork, size_t *liwork);
/*
** Eigen-decomposition of a symmetric n x n A (dsyevr, lower triangle; A is
** destroyed): values descending, vectors (n x n) the matching columns.
** isuppz 2n ints. MAT_NOCONV if dsyevr fails.
*/
int mat_eigsym (double *A, size_t n, double *values, double *vectors,
                double *work, size_t lwork, int *iwork, size_t liwork,
                int *isuppz);

#endif
