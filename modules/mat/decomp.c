/*
** Matrix decompositions on LAPACK: solve, inverse, Cholesky, determinant,
** QR with R's limited pivoting, SVD, symmetric eigen-decomposition and the
** pseudo-inverse. The LAPACKE_*_work entry points are used throughout: they
** allocate nothing, so every byte of work comes from the caller.
*/
#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "ointr.h"
#include "mat/mat.h"

#define COL    LAPACK_COL_MAJOR
#define LD(n)  ((int)((n) > 0 ? (n) : 1))
#define QR_NB  32   /* panel width of mat_qr: LAPACK's usual block size */


int mat_issym (const double *A, size_t n, double tol, size_t *bi, size_t *bj) {
  size_t i, j;
  double amax = 0.0;
  for (i = 0; i < n * n; i++)
    if (fabs(A[i]) > amax) amax = fabs(A[i]);
  for (j = 0; j < n; j++)
    for (i = j + 1; i < n; i++)
      if (!(fabs(A[i + j * n] - A[j + i * n]) <= tol * amax)) {
        *bi = i; *bj = j;
        return 0;
      }
  return 1;
}


double mat_norm1 (const double *A, size_t r, size_t c) {
  size_t i, j;
  double best = 0.0;
  for (j = 0; j < c; j++) {
    double s = 0.0;
    for (i = 0; i < r; i++) s += fabs(A[i + j * r]);
    if (s > best) best = s;
  }
  return best;
}


/* exact symmetry and a positive diagonal: worth trying Cholesky first */
static int maybe_spd (const double *A, size_t n) {
  size_t i, j;
  for (j = 0; j < n; j++) {
    if (!(A[j + j * n] > 0)) return 0;
    for (i = j + 1; i < n; i++)
      if (A[i + j * n] != A[j + i * n]) return 0;
  }
  return 1;
}


/* W = A (n x n) and the 1-norm of A, in one pass over A */
static double copynorm1 (const double *A, double *W, size_t n) {
  size_t i, j;
  double best = 0.0;
  for (j = 0; j < n; j++) {
    const double *a = A + j * n;
    double *w = W + j * n, s = 0.0;
    for (i = 0; i < n; i++) { w[i] = a[i]; s += fabs(a[i]); }
    if (s > best) best = s;
  }
  return best;
}


/* 'U' or 'L' when the n x n A is upper or lower triangular (a diagonal
   matrix is 'U'), else 0; a dense matrix fails at its first off-diagonal */
static char triangular (const double *A, size_t n) {
  size_t i, j;
  int upper = 1, lower = 1;
  for (j = 0; j < n && upper; j++)
    for (i = j + 1; i < n; i++)
      if (A[i + j * n] != 0) { upper = 0; break; }
  if (upper) return 'U';
  for (j = 1; j < n && lower; j++)
    for (i = 0; i < j; i++)
      if (A[i + j * n] != 0) { lower = 0; break; }
  return lower ? 'L' : 0;
}


/* x = A^-1 x (trans = 0) or A^-T x from the factors F of A, of this kind:
   'G' LU with ipiv, 'C' upper Cholesky (A^-T = A^-1), 'U'/'L' F = A
   triangular */
static int factsolve (const double *F, size_t n, const int *ipiv, char kind,
                      int trans, double *x) {
  switch (kind) {
    case 'C':
      return LAPACKE_dpotrs_work(COL, 'U', (int)n, 1, F, (int)n, x, (int)n);
    case 'U': case 'L':
      return LAPACKE_dtrtrs_work(COL, kind, trans ? 'T' : 'N', 'N', (int)n, 1,
                                 F, (int)n, x, (int)n);
    default:
      return LAPACKE_dgetrs_work(COL, trans ? 'T' : 'N', (int)n, 1, F,
                                 (int)n, ipiv, x, (int)n);
  }
}


static double asum (const double *x, size_t n) {
  size_t i;
  double s = 0.0;
  for (i = 0; i < n; i++) s += fabs(x[i]);
  return s;
}


static size_t iamax (const double *x, size_t n) {
  size_t i, j = 0;
  for (i = 1; i < n; i++)
    if (fabs(x[i]) > fabs(x[j])) j = i;
  return j;
}


/*
** Hager's estimate of ||A^-1||_1 with Higham's refinements (the estimator
** behind LAPACK's dlacn2: N. J. Higham, ACM TOMS 14 (1988) 381-396), made
** with plain dgetrs/dpotrs solves. LAPACK's dgecon guards each solve against
** overflow (dlatrs), which costs ~10 passes over the factors, as much as 15%
** of dgetrf at n = 2000; here an overflow yields Inf, i.e. rcond = 0, which is
** the same verdict. The estimate is a lower bound of ||A^-1||_1, so rcond is
** an upper bound of the true one, as LAPACK's.
*/
static int rcond_kind (const double *F, size_t n, const int *ipiv,
                       char kind, double anorm, double *work, double *rcond) {
  double *x = work, *sgn = work + n, est, estold;
  size_t i, j, jlast;
  int info, iter, same;
  *rcond = HUGE_VAL;
  if (n == 0) return MAT_OK;
  *rcond = 0.0;
  if (!(anorm > 0)) return MAT_OK;
  for (i = 0; i < n; i++) x[i] = 1.0 / (double)n;
  if ((info = factsolve(F, n, ipiv, kind, 0, x)) != 0) return info;
  est = asum(x, n);
  if (n > 1 && isfinite(est)) {
    for (i = 0; i < n; i++) x[i] = sgn[i] = x[i] >= 0 ? 1.0 : -1.0;
    if ((info = factsolve(F, n, ipiv, kind, 1, x)) != 0) return info;
    j = iamax(x, n);
    for (iter = 2; ; iter++) {  /* x = A^-1 e_j: the best column so far */
      memset(x, 0, n * sizeof(double));
      x[j] = 1.0;
      if ((info = factsolve(F, n, ipiv, kind, 0, x)) != 0) return info;
      estold = est;
      est = asum(x, n);
      if (!isfinite(est)) break;
      for (i = 0, same = 1; i < n && same; i++)
        same = (x[i] >= 0 ? 1.0 : -1.0) == sgn[i];
      if (same || est <= estold) { est = fmax(est, estold); break; }
      for (i = 0; i < n; i++) x[i] = sgn[i] = x[i] >= 0 ? 1.0 : -1.0;
      if ((info = factsolve(F, n, ipiv, kind, 1, x)) != 0) return info;
      jlast = j;
      j = iamax(x, n);
      if (fabs(x[jlast]) == fabs(x[j]) || iter >= 5) break;
    }
    if (isfinite(est)) {  /* a vector that defeats the known bad cases */
      for (i = 0; i < n; i++)
        x[i] = (i % 2 ? -1.0 : 1.0) * (1.0 + (double)i / (double)(n - 1));
      if ((info = factsolve(F, n, ipiv, kind, 0, x)) != 0) return info;
      est = fmax(est, 2.0 * asum(x, n) / (3.0 * (double)n));
    }
  }
  if (isfinite(est) && est > 0) *rcond = (1.0 / anorm) / est;
  return MAT_OK;
}


int mat_rcond (const double *F, size_t n, const int *ipiv, double anorm,
               double *work, double *rcond) {
  return rcond_kind(F, n, ipiv, ipiv ? 'G' : 'C', anorm, work, rcond);
}


/* a triangular A needs no factorisation: a zero on the diagonal is exact
   singularity, otherwise the estimate decides, as for the factored cases */
static int tri_check (const double *A, size_t n, char kind, double *work,
                      double *rcond) {
  size_t i;
  int info;
  for (i = 0; i < n; i++)
    if (A[i + i * n] == 0) { *rcond = 0.0; return MAT_SINGULAR; }
  info = rcond_kind(A, n, NULL, kind, mat_norm1(A, n, n), work, rcond);
  if (info != 0) return info;
  return *rcond >= DBL_EPSILON ? MAT_OK : MAT_SINGULAR;
}


int mat_solve (const double *A, size_t n, double *B, size_t nrhs, double *W,
               int *ipiv, double *work, int *iwork, double *rcond, int *chol) {
  double anorm;
  int info;
  char tri;
  (void)iwork;
  *chol = 0;
  *rcond = HUGE_VAL;
  if (n == 0) return MAT_OK;
  if ((tri = triangular(A, n)) != 0) {  /* R of a QR, a Cholesky factor */
    if ((info = tri_check(A, n, tri, work, rcond)) != MAT_OK) return info;
    if (nrhs == 0) return MAT_OK;
    return LAPACKE_dtrtrs_work(COL, tri, 'N', 'N', (int)n, (int)nrhs, A,
                               (int)n, B, (int)n);
  }
  anorm = copynorm1(A, W, n);
  if (maybe_spd(A, n)) {
    info = LAPACKE_dpotrf_work(COL, 'U', (int)n, W, (int)n);
    if (info < 0) return info;
    if (info == 0) {
      *chol = 1;
      if ((info = mat_rcond(W, n, NULL, anorm, work, rcond)) != 0) return info;
      if (!(*rcond >= DBL_EPSILON)) return MAT_SINGULAR;
      if (nrhs == 0) return MAT_OK;
      return LAPACKE_dpotrs_work(COL, 'U', (int)n, (int)nrhs, W, (int)n, B,
                                 (int)n);
    }
    memcpy(W, A, n * n * sizeof(double));  /* not PD: start again with LU */
  }
  info = LAPACKE_dgetrf_work(COL, (int)n, (int)n, W, (int)n, ipiv);
  if (info < 0) return info;
  if (info > 0) { *rcond = 0.0; return MAT_SINGULAR; }
  if ((info = mat_rcond(W, n, ipiv, anorm, work, rcond)) != 0) return info;
  if (!(*rcond >= DBL_EPSILON)) return MAT_SINGULAR;
  if (nrhs == 0) return MAT_OK;
  return LAPACKE_dgetrs_work(COL, 'N', (int)n, (int)nrhs, W, (int)n, ipiv, B,
                             (int)n);
}


size_t mat_inv_lwork (size_t n) {
  double q = 0.0, dummy = 0.0;
  int ipiv = 0;
  if (n == 0) return 1;
  if (LAPACKE_dgetri_work(COL, (int)n, &dummy, (int)n, &ipiv, &q, -1) != 0)
    return 64 * n;
  return (size_t)q > 1 ? (size_t)q : 1;
}


int mat_inv (const double *A, size_t n, double *Ainv, int *ipiv,
             double *work, size_t lwork, int *iwork, double *rcond) {
  double anorm;
  int info;
  char tri;
  *rcond = HUGE_VAL;
  if (n == 0) return MAT_OK;
  (void)iwork;
  if ((tri = triangular(A, n)) != 0) {
    if ((info = tri_check(A, n, tri, work, rcond)) != MAT_OK) return info;
    memcpy(Ainv, A, n * n * sizeof(double));
    info = LAPACKE_dtrtri_work(COL, tri, 'N', (int)n, Ainv, (int)n);
    if (info < 0) return info;
    return info > 0 ? MAT_SINGULAR : MAT_OK;
  }
  anorm = copynorm1(A, Ainv, n);
  if (maybe_spd(A, n)) {
    info = LAPACKE_dpotrf_work(COL, 'U', (int)n, Ainv, (int)n);
    if (info < 0) return info;
    if (info == 0) {
      if ((info = mat_rcond(Ainv, n, NULL, anorm, work, rcond)) != 0)
        return info;
      if (!(*rcond >= DBL_EPSILON)) return MAT_SINGULAR;
      info = LAPACKE_dpotri_work(COL, 'U', (int)n, Ainv, (int)n);
      if (info < 0) return info;
      if (info > 0) return MAT_SINGULAR;
      mat_symfill(Ainv, n);
      return MAT_OK;
    }
    memcpy(Ainv, A, n * n * sizeof(double));
  }
  info = LAPACKE_dgetrf_work(COL, (int)n, (int)n, Ainv, (int)n, ipiv);
  if (info < 0) return info;
  if (info > 0) { *rcond = 0.0; return MAT_SINGULAR; }
  if ((info = mat_rcond(Ainv, n, ipiv, anorm, work, rcond)) != 0) return info;
  if (!(*rcond >= DBL_EPSILON)) return MAT_SINGULAR;
  info = LAPACKE_dgetri_work(COL, (int)n, Ainv, (int)n, ipiv, work,
                             (int)lwork);
  if (info < 0) return info;
  return info > 0 ? MAT_SINGULAR : MAT_OK;
}


int mat_chol (double *A, size_t n, size_t *minor) {
  size_t i, j;
  int info;
  *minor = 0;
  if (n == 0) return MAT_OK;
  info = LAPACKE_dpotrf_work(COL, 'U', (int)n, A, (int)n);
  if (info < 0) return info;
  if (info > 0) { *minor = (size_t)info; return MAT_NOTPD; }
  for (j = 0; j < n; j++)
    for (i = j + 1; i < n; i++) A[i + j * n] = 0.0;
  return MAT_OK;
}


/* the marker of an aliased column in mat_cholrank's R: dpotrf's pivots are
   positive, so a negative diagonal element cannot be anything else */
#define ALIASED  (-1.0)

/*
** Passes of dpotrf over A with the aliased rows and columns replaced by
** those of the identity, each pass aliasing the first kept column whose
** pivot (R_jj^2, the part of a_jj the columns before it leave) is at most
** tol: the factor of the columns before it does not depend on it, those
** after it are refactored without it. Between passes the flags live in the
** strict lower triangle of R (row n-1 of column j < n-1), which dpotrf('U')
** never touches; the last column needs no flag, nothing comes after it.
*/
int mat_cholrank (const double *A, size_t n, size_t lda, double tol,
                  double *R) {
  size_t i, j;
  double mx = 0.0;
  int rank = 0;
#define FLAG(j)  R[(n - 1) + (j) * n]
  if (n == 0) return 0;
  for (j = 0; j < n; j++)
    if (fabs(A[j + j * lda]) > mx) mx = fabs(A[j + j * lda]);
  tol *= mx;
  for (j = 0; j + 1 < n; j++) FLAG(j) = 0.0;
  for (;;) {
    int info;
    size_t bad;
    for (j = 0; j < n; j++) {
      int aj = j + 1 < n && FLAG(j) != 0.0;
      for (i = 0; i <= j; i++) {
        int ai = i + 1 < n && FLAG(i) != 0.0;
        R[i + j * n] = (ai || aj) ? (i == j) : A[i + j * lda];
      }
    }
    info = LAPACKE_dpotrf_work(COL, 'U', (int)n, R, (int)n);
    bad = info > 0 ? (size_t)info - 1 : n;   /* the first pivot <= 0 */
    for (j = 0; j < bad; j++)
      if (!(j + 1 < n && FLAG(j) != 0.0) && !(R[j + j * n] * R[j + j * n] > tol))
        break;
    if (j == n) break;                        /* every kept pivot is large */
    if (j + 1 < n) { FLAG(j) = 1.0; continue; }
    for (i = 0; i < j; i++) R[i + j * n] = 0.0;   /* the last column */
    R[j + j * n] = ALIASED;
    break;
  }
  for (j = 0; j < n; j++) {
    if (j + 1 < n && FLAG(j) != 0.0) R[j + j * n] = ALIASED;
    if (R[j + j * n] > 0) rank++;
    for (i = j + 1; i < n; i++) R[i + j * n] = 0.0;
  }
#undef FLAG
  return rank;
}


void mat_cholrank_solve (const double *R, size_t n, double *b) {
  size_t j;
  if (n == 0) return;
  /* an aliased row of R'R is e_j': with b_j = 0 its x_j is 0 */
  for (j = 0; j < n; j++) if (R[j + j * n] < 0) b[j] = 0.0;
  LAPACKE_dpotrs_work(COL, 'U', (int)n, 1, R, (int)n, b, (int)n);
}


void mat_cholrank_inv (const double *R, size_t n, double *Ainv) {
  size_t i, j;
  if (n == 0) return;
  memcpy(Ainv, R, n * n * sizeof(double));
  LAPACKE_dpotri_work(COL, 'U', (int)n, Ainv, (int)n);
  for (j = 0; j < n; j++)
    for (i = 0; i <= j; i++) {
      double v = (R[i + i * n] < 0 || R[j + j * n] < 0) ? 0.0 : Ainv[i + j * n];
      Ainv[i + j * n] = Ainv[j + i * n] = v;
    }
}


int mat_logdet_lu (double *A, size_t n, int *ipiv, double *logabs,
                   int *sign) {
  size_t i;
  int info;
  *logabs = 0.0; *sign = 1;
  if (n == 0) return 0;
  info = LAPACKE_dgetrf_work(COL, (int)n, (int)n, A, (int)n, ipiv);
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


/* ---------------------------------------------------------------------- */
/* QR with limited pivoting                                                */
/* ---------------------------------------------------------------------- */

static size_t maxz (size_t a, size_t b) { return a > b ? a : b; }

size_t mat_qr_lwork (size_t n, size_t p) {
  size_t mn = n < p ? n : p, lw = 1;
  double q, dummy[1] = {0};
  if (mn == 0) return 1;
  if (LAPACKE_dgeqrf_work(COL, (int)n, (int)p, dummy, LD(n), dummy, &q, -1) == 0)
    lw = maxz(lw, (size_t)q);
  if (LAPACKE_dormqr_work(COL, 'L', 'T', (int)n, (int)p, (int)mn, dummy,
                          LD(n), dummy, dummy, LD(n), &q, -1) == 0)
    lw = maxz(lw, (size_t)q);
  if (LAPACKE_dorgqr_work(COL, (int)n, (int)mn, (int)mn, dummy, LD(n), dummy,
                          &q, -1) == 0)
    lw = maxz(lw, (size_t)q);
  return maxz(lw, p * 64);
}


size_t mat_qr_panel (size_t n, size_t p) {
  return n * (p < QR_NB ? p : QR_NB) + 1;
}


/*
** The pivoting rule decides column j from the norm of its part orthogonal to
** the kept columns before it, which is |R_jj| of a plain Householder QR of
** the kept columns. So the columns are factored a panel at a time (dgeqrf);
** if a panel meets a negligible column f, the panel's columns from f on are
** restored from a copy, the reflectors of the columns kept before f are
** applied to them and to the trailing columns, f is moved to the end and the
** next panel starts at f. A pass without a negligible column costs what
** dgeqrf costs; each negligible column wastes at most one panel.
** Moved columns are finished at the end: all kept reflectors are applied to
** their original values and their trailing block gets its own QR, as
** dqrdc2 goes on through the moved columns.
*/
int mat_qr (const double *X, size_t n, size_t p, double tol, double *W,
            double *tau, int *pivot, size_t *rank, double *S, double *norms,
            double *work, size_t lwork) {
  size_t l = 0, act = p, j, f, k, d;
  int info;
  *rank = 0;
  for (j = 0; j < p; j++) {
    double s = n ? cblas_dnrm2((int)n, X + j * n, 1) : 0.0;
    norms[j] = s > 0 ? s : 1.0;  /* a zero column is always negligible */
    pivot[j] = (int)j;
  }
  if (n * p != 0) memcpy(W, X, n * p * sizeof(double));
  while (l < (n < act ? n : act)) {
    size_t lim = n < act ? n : act, m = n - l;
    size_t b = lim - l < QR_NB ? lim - l : QR_NB;
    double *Wl = W + l + l * n;
    for (j = 0; j < b; j++) memcpy(S + j * m, Wl + j * n, m * sizeof(double));
    info = LAPACKE_dgeqrf_work(COL, (int)m, (int)b, Wl, (int)n, tau + l,
                               work, (int)lwork);
    if (info != 0) return info;
    for (f = l; f < l + b; f++)
      if (!(fabs(W[f + f * n]) >= tol * norms[pivot[f]])) break;
    if (f == l + b) {  /* the whole panel is kept: update the rest */
      if (act > l + b) {
        info = LAPACKE_dormqr_work(COL, 'L', 'T', (int)m, (int)(act - l - b),
                                   (int)b, Wl, (int)n, tau + l,
                                   W + l + (l + b) * n, (int)n, work,
                                   (int)lwork);
        if (info != 0) return info;
      }
      l += b;
    }
    else {
      int moved = pivot[f];
      for (j = f; j < l + b; j++)
        memcpy(W + l + j * n, S + (j - l) * m, m * sizeof(double));
      if (f > l && act > f) {  /* columns f.. catch up with reflectors l..f-1 */
        info = LAPACKE_dormqr_work(COL, 'L', 'T', (int)m, (int)(act - f),
                                   (int)(f - l), Wl, (int)n, tau + l,
                                   W + l + f * n, (int)n, work, (int)lwork);
        if (info != 0) return info;
      }
      if (act - 1 > f)
        memmove(W + f * n, W + (f + 1) * n, (act - 1 - f) * n * sizeof(double));
      memmove(pivot + f, pivot + f + 1, (p - 1 - f) * sizeof(int));
      pivot[p - 1] = moved;
      act--;
      l = f;
    }
    if (ORR_INTERRUPTED()) return MAT_INTERRUPTED;
  }
  k = n < act ? n : act;
  *rank = k;
  d = p - act;
  if (d > 0 && n > 0) {
    for (j = act; j < p; j++)
      memcpy(W + j * n, X + (size_t)pivot[j] * n, n * sizeof(double));
    if (k > 0) {
      info = LAPACKE_dormqr_work(COL, 'L', 'T', (int)n, (int)d, (int)k, W,
                                 (int)n, tau, W + act * n, (int)n, work,
                                 (int)lwork);
      if (info != 0) return info;
    }
    if (n > k) {
      info = LAPACKE_dgeqrf_work(COL, (int)(n - k), (int)d, W + k + act * n,
                                 (int)n, tau + k, work, (int)lwork);
      if (info != 0) return info;
    }
  }
  for (j = 0; j < p; j++) pivot[j] += 1;
  return MAT_OK;
}


int mat_qr_q (const double *W, size_t n, size_t p, const double *tau,
              double *Q, double *work, size_t lwork) {
  size_t k = n < p ? n : p;
  if (k == 0) return MAT_OK;
  memcpy(Q, W, n * k * sizeof(double));
  return LAPACKE_dorgqr_work(COL, (int)n, (int)k, (int)k, Q, (int)n, tau,
                             work, (int)lwork);
}


/* ---------------------------------------------------------------------- */
/* SVD, pseudo-inverse, symmetric eigen-decomposition                      */
/* ---------------------------------------------------------------------- */

int mat_svd_lwork (size_t n, size_t p, size_t *lwork, size_t *liwork) {
  size_t k = n < p ? n : p;
  double q = 0.0, dummy[1] = {0};
  int iq = 0, info;
  *liwork = 8 * k > 1 ? 8 * k : 1;
  *lwork = 1;
  if (k == 0) return MAT_OK;
  info = LAPACKE_dgesdd_work(COL, 'S', (int)n, (int)p, dummy, LD(n), dummy,
                             dummy, LD(n), dummy, LD(k), &q, -1, &iq);
  if (info != 0) return info;
  *lwork = (size_t)q > 1 ? (size_t)q : 1;
  return MAT_OK;
}


int mat_svd (double *A, size_t n, size_t p, double *d, double *U, double *VT,
             double *work, size_t lwork, int *iwork) {
  size_t k = n < p ? n : p;
  int info;
  if (k == 0) return MAT_OK;
  info = LAPACKE_dgesdd_work(COL, 'S', (int)n, (int)p, A, (int)n, d, U,
                             (int)n, VT, (int)k, work, (int)lwork, iwork);
  if (info < 0) return info;
  return info > 0 ? MAT_NOCONV : MAT_OK;
}


void mat_pinv_svd (size_t n, size_t p, const double *U, const double *d,
                   double *VT, double tol, double *P, size_t *rank) {
  size_t k = n < p ? n : p, r = 0, i, j;
  if (k > 0 && d[0] > 0)
    while (r < k && d[r] > tol * d[0]) r++;
  *rank = r;
  if (n * p == 0) return;
  if (r == 0) { memset(P, 0, n * p * sizeof(double)); return; }
  for (j = 0; j < p; j++)
    for (i = 0; i < r; i++) VT[i + j * k] /= d[i];
  /* P = V_r diag(1/d_r) U_r' = (scaled VT_r)' U_r' */
  cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, (int)p, (int)n, (int)r,
              1.0, VT, (int)k, U, (int)n, 0.0, P, (int)p);
}


int mat_eigsym_lwork (size_t n, size_t *lwork, size_t *liwork) {
  double q = 0.0, dummy[1] = {0};
  int iq = 0, m = 0, isuppz[2], info;
  *lwork = 1; *liwork = 1;
  if (n == 0) return MAT_OK;
  info = LAPACKE_dsyevr_work(COL, 'V', 'A', 'L', (int)n, dummy, (int)n, 0.0,
                             0.0, 0, 0, 0.0, &m, dummy, dummy, (int)n, isuppz,
                             &q, -1, &iq, -1);
  if (info != 0) return info;
  *lwork = (size_t)q > 1 ? (size_t)q : 1;
  *liwork = iq > 1 ? (size_t)iq : 1;
  return MAT_OK;
}


int mat_eigsym (double *A, size_t n, double *values, double *vectors,
                double *work, size_t lwork, int *iwork, size_t liwork,
                int *isuppz) {
  size_t i, j;
  int m = 0, info;
  if (n == 0) return MAT_OK;
  /* abstol = 0: LAPACK's default accuracy, as R's eigen */
  info = LAPACKE_dsyevr_work(COL, 'V', 'A', 'L', (int)n, A, (int)n, 0.0, 0.0,
                             0, 0, 0.0, &m, values, vectors, (int)n, isuppz,
                             work, (int)lwork, iwork, (int)liwork);
  if (info < 0) return info;
  if (info > 0 || m != (int)n) return MAT_NOCONV;
  /* LAPACK gives ascending order; R's eigen gives descending */
  for (i = 0, j = n - 1; i < j; i++, j--) {
    double t = values[i];
    values[i] = values[j]; values[j] = t;
    cblas_dswap((int)n, vectors + i * n, 1, vectors + j * n, 1);
  }
  return MAT_OK;
}


size_t mat_rcond_work (size_t n) { return 2 * n; }   /* dlacn2's x and v */
size_t mat_solve_work (size_t n) { return 4 * n; }   /* dgecon/dpocon/dtrcon */
