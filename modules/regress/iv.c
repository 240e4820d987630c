/*
** Instrumental-variable kernels (see iv.h).
** Projections onto the instruments use the column-pivoted QR of Z, applied
** with dormqr: P_Z M = Q1 Q1' M costs O(n q m), never an n x n matrix.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "ointr.h"
#include "regress/iv.h"

/* the rank tolerance of R's lm (dqrdc2) for the instruments */
#define RANK_TOL  1e-7
/* reciprocal condition below which dgelsy drops a direction */
#define LS_RCOND  1e-10

#define MAX(a, b) ((a) > (b) ? (a) : (b))


size_t iv_worksize (size_t n, size_t p, size_t q) {
  return n * q + q + 2 * n * (p + 1) + q * p + MAX(MAX(q, p), n) + 16;
}


size_t iv_cv_worksize (size_t n, size_t p, size_t q) {
  return iv_worksize(n, p, q) + 2 * n * (p + q + 1) + p + n + q + 16;
}


int iv_lstsq (double *A, double *y, size_t nr, size_t p, double rcond,
              int *jpvt, double *coef, size_t *rank) {
  lapack_int r = 0, info;
  size_t j;
  if (p == 0) { *rank = 0; return REG_OK; }
  memset(jpvt, 0, p * sizeof(int));
  info = LAPACKE_dgelsy(LAPACK_COL_MAJOR, (lapack_int)nr, (lapack_int)p, 1,
                        A, (lapack_int)MAX(nr, 1), y,
                        (lapack_int)MAX(MAX(nr, p), 1), jpvt, rcond, &r);
  if (info != 0) return REG_ELAPACK;
  for (j = 0; j < p; j++) coef[j] = y[j];
  *rank = (size_t)r;
  return REG_OK;
}


/* Pivoted QR of Z (overwritten); the rank as R's lm would see it. */
static int qr_rank (double *Z, size_t n, size_t q, int *jpvt, double *tau,
                    size_t *rank) {
  size_t k, kmax = n < q ? n : q;
  double r11;
  if (q == 0 || n == 0) { *rank = 0; return REG_OK; }
  memset(jpvt, 0, q * sizeof(int));
  if (LAPACKE_dgeqp3(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)q, Z,
                     (lapack_int)n, jpvt, tau) != 0)
    return REG_ELAPACK;
  r11 = fabs(Z[0]);
  for (k = 0; k < kmax; k++)
    if (!(fabs(Z[k + k * n]) > RANK_TOL * r11)) break;
  *rank = k;
  return REG_OK;
}


/* M (n x m) := Q1' M (trans = 'T') or Q1 M (trans = 'N'), Q1 from k reflectors */
static int apply_q (const double *QR, const double *tau, size_t n, size_t k,
                    char trans, double *M, size_t m) {
  if (k == 0 || m == 0) return REG_OK;
  return LAPACKE_dormqr(LAPACK_COL_MAJOR, 'L', trans, (lapack_int)n,
                        (lapack_int)m, (lapack_int)k, QR, (lapack_int)n, tau,
                        M, (lapack_int)n) == 0 ? REG_OK : REG_ELAPACK;
}


/* M := P M: rotate, keep the first k rows, rotate back */
static int project (const double *QR, const double *tau, size_t n, size_t k,
                    double *M, size_t m) {
  size_t i, j;
  int st = apply_q(QR, tau, n, k, 'T', M, m);
  if (st != REG_OK) return st;
  for (j = 0; j < m; j++)
    for (i = k; i < n; i++) M[i + j * n] = 0.0;
  return apply_q(QR, tau, n, k, 'N', M, m);
}


/* M = [X y], n x (p + 1) */
static void stack_xy (const double *X, const double *y, size_t n, size_t p,
                      double *M) {
  memcpy(M, X, n * p * sizeof(double));
  memcpy(M + n * p, y, n * sizeof(double));
}


int iv_tsls (const double *X, const double *y, const double *Z, size_t n,
             size_t p, size_t q, double *coef, double *xhat, size_t *rankz,
             size_t *rank, double *work, int *iwork) {
  double *Zq = work, *tau = Zq + n * q, *M = tau + q, *A = M + n * (p + 1);
  double *b = A + q * p;
  size_t r, i, j;
  int st;
  memcpy(Zq, Z, n * q * sizeof(double));
  if ((st = qr_rank(Zq, n, q, iwork, tau, &r)) != REG_OK) return st;
  *rankz = r;
  stack_xy(X, y, n, p, M);
  if ((st = apply_q(Zq, tau, n, r, 'T', M, p + 1)) != REG_OK) return st;
  /* 2SLS is least squares of Q1'y on Q1'X: an r x p problem */
  for (j = 0; j < p; j++)
    for (i = 0; i < r; i++) A[i + j * r] = M[i + j * n];
  for (i = 0; i < r; i++) b[i] = M[i + p * n];
  for (i = r; i < MAX(q, p); i++) b[i] = 0.0;
  if ((st = iv_lstsq(A, b, r, p, LS_RCOND, iwork + q, coef, rank)) != REG_OK)
    return st;
  if (xhat) {
    memcpy(xhat, M, n * p * sizeof(double));
    for (j = 0; j < p; j++)
      for (i = r; i < n; i++) xhat[i + j * n] = 0.0;
    if ((st = apply_q(Zq, tau, n, r, 'N', xhat, p)) != REG_OK) return st;
  }
  return REG_OK;
}


int iv_anchor (const double *X, const double *y, const double *A, size_t n,
               size_t p, size_t q, double gamma, double *coef, size_t *rank,
               double *work, int *iwork) {
  double *Aq = work, *tau = Aq + n * q, *M = tau + q, *PM = M + n * (p + 1);
  double c = 1.0 - sqrt(gamma);
  size_t r, i;
  int st;
  memcpy(Aq, A, n * q * sizeof(double));
  if ((st = qr_rank(Aq, n, q, iwork, tau, &r)) != REG_OK) return st;
  stack_xy(X, y, n, p, M);
  memcpy(PM, M, n * (p + 1) * sizeof(double));
  if ((st = project(Aq, tau, n, r, PM, p + 1)) != REG_OK) return st;
  for (i = 0; i < n * (p + 1); i++) M[i] -= c * PM[i];   /* W [X y] */
  return iv_lstsq(M, M + n * p, n, p, LS_RCOND, iwork + q, coef, rank);
}


/* ||P_Z r||^2 for the held-out fold, with Z's QR already in Zq */
static int ivrisk (const double *Zq, const double *tau, size_t n, size_t r,
                   double *res, double *risk) {
  size_t i;
  double s = 0;
  int st = apply_q(Zq, tau, n, r, 'T', res, 1);
  if (st != REG_OK) return st;
  for (i = 0; i < r; i++) s += res[i] * res[i];
  *risk = s;
  return REG_OK;
}


/* copy the rows of X (n x p) with fold == f (in = 1) or != f (in = 0) */
static size_t take_rows (const double *X, size_t n, size_t p, const int *fold,
                         int f, int in, double *out, size_t nout) {
  size_t i, j, k = 0;
  for (i = 0; i < n; i++)
    if ((fold[i] == f) == in) {
      for (j = 0; j < p; j++) out[k + j * nout] = X[i + j * n];
      k++;
    }
  return k;
}


int iv_cv_alpha (const double *X, const double *y, const double *Z, size_t n,
                 size_t p, size_t q, const int *fold, int nfold,
                 const double *alpha, size_t nalpha, double *risk,
                 double *work, int *iwork) {
  double *inner = work, *Xtr = inner + iv_worksize(n, p, q);
  double *ytr = Xtr + n * p, *Ztr = ytr + n, *Xte = Ztr + n * q;
  double *yte = Xte + n * p, *Zte = yte + n, *tau = Zte + n * q;
  double *coef = tau + q, *res = coef + p;
  size_t k, i, j, rte, rank, rz;
  int f, st;
  for (k = 0; k < nalpha; k++) risk[k] = 0.0;
  for (f = 0; f < nfold; f++) {
    size_t nte = 0, ntr;
    for (i = 0; i < n; i++) nte += fold[i] == f;
    ntr = n - nte;
    if (nte == 0 || ntr == 0) continue;
    take_rows(X, n, p, fold, f, 0, Xtr, ntr);
    take_rows(y, n, 1, fold, f, 0, ytr, ntr);
    take_rows(Z, n, q, fold, f, 0, Ztr, ntr);
    take_rows(X, n, p, fold, f, 1, Xte, nte);
    take_rows(y, n, 1, fold, f, 1, yte, nte);
    take_rows(Z, n, q, fold, f, 1, Zte, nte);
    if ((st = qr_rank(Zte, nte, q, iwork, tau, &rte)) != REG_OK) return st;
    for (k = 0; k < nalpha; k++) {
      double a = alpha[k], rk;
      if (ORR_INTERRUPTED()) return REG_EINTR;
      if (a == 0.0)
        st = iv_tsls(Xtr, ytr, Ztr, ntr, p, q, coef, NULL, &rz, &rank, inner, iwork);
      else
        st = iv_anchor(Xtr, ytr, Ztr, ntr, p, q, isinf(a) ? 1.0 : 1.0 + 1.0 / a,
                       coef, &rank, inner, iwork);
      if (st != REG_OK) return st;
      for (i = 0; i < nte; i++) {
        double s = yte[i];
        for (j = 0; j < p; j++) s -= Xte[i + j * nte] * coef[j];
        res[i] = s;
      }
      if ((st = ivrisk(Zte, tau, nte, rte, res, &rk)) != REG_OK) return st;
      risk[k] += rk;
    }
  }
  return REG_OK;
}


void iv_shared_columns (const double *X, const double *Z, size_t n, size_t p,
                        size_t q, int *exo) {
  size_t j, k;
  for (j = 0; j < p; j++) {
    exo[j] = -1;
    for (k = 0; k < q && exo[j] < 0; k++)
      if (memcmp(X + j * n, Z + k * n, n * sizeof(double)) == 0) exo[j] = (int)k;
  }
}


/* residual sums of squares of the columns of M (n x m) after projecting on
   the first r reflectors: the squared norm of rows r..n-1 of Q'M */
static int tail_rss (const double *QR, const double *tau, size_t n, size_t r,
                     double *M, size_t m, double *rss) {
  size_t i, j;
  int st = apply_q(QR, tau, n, r, 'T', M, m);
  if (st != REG_OK) return st;
  for (j = 0; j < m; j++) {
    double s = 0;
    for (i = r; i < n; i++) s += M[i + j * n] * M[i + j * n];
    rss[j] = s;
  }
  return REG_OK;
}


int iv_first_stage (const double *X, const double *Z, size_t n, size_t p,
                    size_t q, const int *exo, double *F, double *df1,
                    double *df2, double *work, int *iwork) {
  /* work: Zq (n q), tau (q), M (n p), rssu (p), rssr (p) */
  double *Zq = work, *tau = Zq + n * q, *M = tau + q, *rssu = M + n * p;
  double *rssr = rssu + p;
  size_t j, k, r, r0, ne = 0;
  int st;
  memcpy(Zq, Z, n * q * sizeof(double));
  if ((st = qr_rank(Zq, n, q, iwork, tau, &r)) != REG_OK) return st;
  memcpy(M, X, n * p * sizeof(double));
  if ((st = tail_rss(Zq, tau, n, r, M, p, rssu)) != REG_OK) return st;
  /* the restricted model: the exogenous columns alone */
  for (j = 0; j < p; j++)
    if (exo[j] >= 0) memcpy(Zq + ne++ * n, X + j * n, n * sizeof(double));
  r0 = 0;
  if (ne > 0 && (st = qr_rank(Zq, n, ne, iwork, tau, &r0)) != REG_OK) return st;
  memcpy(M, X, n * p * sizeof(double));
  if ((st = tail_rss(Zq, tau, n, r0, M, p, rssr)) != REG_OK) return st;
  *df1 = (double)r - (double)r0;
  *df2 = (double)n - (double)r;
  for (k = 0; k < p; k++)
    F[k] = exo[k] >= 0 ? NAN : ((rssr[k] - rssu[k]) / *df1) / (rssu[k] / *df2);
  return REG_OK;
}
