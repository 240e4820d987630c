/*
** Kernel tests for modules/mat: hand-computed values, and inputs rebuilt
** from their factors. Work arrays are plain locals, as an embedding host
** would pass them.
*/
#include <float.h>
#include <string.h>

#include <lapacke.h>

#include "ctest.h"
#include "mat/mat.h"

/* |got - want| <= atol: for values that should be (near) zero */
#define CHECK_ABS(got, want, atol) CHECK(fabs((got) - (want)) <= (atol))

/* max |A - B| over n elements */
static double maxdiff (const double *A, const double *B, size_t n) {
  double m = 0;
  size_t i;
  for (i = 0; i < n; i++)
    if (fabs(A[i] - B[i]) > m) m = fabs(A[i] - B[i]);
  return m;
}


static void products (void) {
  /* column-major 2x2: A = [1 3; 2 4], B = [5 7; 6 8] */
  double A[] = {1, 2, 3, 4}, B[] = {5, 6, 7, 8}, C[4];
  /* X = [1 4; 2 5; 3 6] (3 x 2) */
  double X[] = {1, 2, 3, 4, 5, 6}, XtX[4], XXt[9], T[6];
  mat_mul(A, B, C, 2, 2, 2);
  CHECK_NEAR(C[0], 23, 0); CHECK_NEAR(C[1], 34, 0);
  CHECK_NEAR(C[2], 31, 0); CHECK_NEAR(C[3], 46, 0);
  mat_crossprod(X, 3, 2, XtX);
  CHECK_NEAR(XtX[0], 14, 0); CHECK_NEAR(XtX[1], 32, 0);
  CHECK_NEAR(XtX[2], 32, 0); CHECK_NEAR(XtX[3], 77, 0);
  mat_tcrossprod(X, 3, 2, XXt);
  CHECK_NEAR(XXt[0], 17, 0); CHECK_NEAR(XXt[1], 22, 0); CHECK_NEAR(XXt[3], 22, 0);
  CHECK_NEAR(XXt[8], 45, 0); CHECK_NEAR(XXt[5], 36, 0); CHECK_NEAR(XXt[7], 36, 0);
  mat_crossprod2(X, X, C, 3, 2, 2);
  CHECK(maxdiff(C, XtX, 4) == 0);
  mat_tcrossprod2(X, X, XXt, 3, 2, 3);
  CHECK_NEAR(XXt[5], 36, 0);
  mat_transpose(X, 3, 2, T);
  CHECK(T[0] == 1 && T[1] == 4 && T[2] == 2 && T[5] == 6);
  {  /* symfill across several 32 x 32 tiles */
    double S[70 * 70];
    size_t i, j, bad = 0;
    for (i = 0; i < 70 * 70; i++) S[i] = -1;
    for (j = 0; j < 70; j++) for (i = 0; i <= j; i++) S[i + j * 70] = i * 100.0 + j;
    mat_symfill(S, 70);
    for (j = 0; j < 70; j++) for (i = 0; i < 70; i++)
      if (S[i + j * 70] != S[j + i * 70]) bad++;
    CHECK(bad == 0);
  }
  mat_mul(A, B, C, 2, 0, 2);  /* empty inner dimension: zeros */
  CHECK(C[0] == 0 && C[3] == 0);
}


static void elementwise (void) {
  double x[] = {-800, -1, 0, 0.5, 2.5, 800}, y[6];
  CHECK(mat_func_lookup("logistic") == MAT_F_LOGISTIC);
  CHECK(mat_func_lookup("nope") == -1);
  CHECK(strcmp(mat_func_names[MAT_F_PNORM], "pnorm") == 0);
  mat_apply(MAT_F_LOGISTIC, x, y, 6);
  CHECK(y[0] >= 0 && y[0] < 1e-300); CHECK(y[5] == 1);
  CHECK_NEAR(y[1], 1 / (1 + exp(1.0)), 1e-15);
  mat_apply(MAT_F_SOFTPLUS, x, y, 6);
  CHECK(y[5] == 800); CHECK_NEAR(y[2], log(2.0), 1e-15);
  mat_apply(MAT_F_ROUND, x, y, 6);
  CHECK(y[3] == 0 && y[4] == 2);  /* halves to even */
  mat_apply(MAT_F_SIGN, x, y, 6);
  CHECK(y[0] == -1 && y[2] == 0 && y[5] == 1);
  mat_apply(MAT_F_SQUARE, x, x, 6);  /* in place */
  CHECK(x[1] == 1 && x[4] == 6.25);
}


static void reductions (void) {
  double x[] = {1, 1e100, 1, -1e100}, A[] = {1, 2, 3, 4, 5, 6}, out[3], comp[2];
  double t[] = {0.1, 0.2, 0.3}, nanv[] = {3, NAN, -1};
  CHECK(mat_sum(x, 4) == 2);
  CHECK(mat_mean(t, 3) == 0.2);
  CHECK(isnan(mat_mean(t, 0)));
  mat_colsums(A, 2, 3, out);
  CHECK(out[0] == 3 && out[1] == 7 && out[2] == 11);
  mat_colmeans(A, 2, 3, out);
  CHECK(out[0] == 1.5 && out[2] == 5.5);
  mat_rowsums(A, 2, 3, out, comp);
  CHECK(out[0] == 9 && out[1] == 12);
  CHECK(mat_argext(A, 6, -1) == 0 && mat_argext(A, 6, 1) == 5);
  CHECK(mat_argext(nanv, 3, -1) == 1);
}


static void solve_inv_chol (void) {
  /* S = [4 2; 2 3] SPD, G = [0 1; 2 1] needs pivoting */
  double S[] = {4, 2, 2, 3}, G[] = {0, 2, 1, 1}, W[4], b[2], Ai[4], work[64];
  double Sing[] = {1, 2, 2, 4}, R[4], rcond;
  int ipiv[3], iwork[2], chol;
  size_t minor;
  CHECK(mat_issym(S, 2, 0, &minor, &minor) == 1);
  {
    size_t bi = 9, bj = 9;
    CHECK(mat_issym(G, 2, 1e-8, &bi, &bj) == 0 && bi == 1 && bj == 0);
  }
  CHECK(mat_norm1(G, 2, 2) == 2);
  b[0] = 2; b[1] = 1;   /* S x = b: x = (0.5, 0) */
  CHECK(mat_solve(S, 2, b, 1, W, ipiv, work, iwork, &rcond, &chol) == MAT_OK);
  CHECK(chol == 1);
  CHECK_NEAR(b[0], 0.5, 1e-15); CHECK(fabs(b[1]) < 1e-15);
  b[0] = 1; b[1] = 3;   /* G x = b: x = (1, 1) */
  CHECK(mat_solve(G, 2, b, 1, W, ipiv, work, iwork, &rcond, &chol) == MAT_OK);
  CHECK(chol == 0);
  CHECK_NEAR(b[0], 1, 1e-15); CHECK_NEAR(b[1], 1, 1e-15);
  CHECK(rcond > 0.1 && rcond <= 1);
  CHECK(mat_solve(Sing, 2, b, 1, W, ipiv, work, iwork, &rcond, &chol) == MAT_SINGULAR);
  {  /* upper triangular U = [2 1; 0 4]: solved as it is, x = (1/4, 1/2) */
    double U[] = {2, 0, 1, 4}, Z[] = {1, 0, 0, 0};
    b[0] = 1; b[1] = 2;
    CHECK(mat_solve(U, 2, b, 1, W, ipiv, work, iwork, &rcond, &chol) == MAT_OK);
    CHECK_NEAR(b[0], 0.25, 1e-15); CHECK_NEAR(b[1], 0.5, 1e-15);
    CHECK(mat_inv(U, 2, Ai, ipiv, work, 64, iwork, &rcond) == MAT_OK);
    CHECK(Ai[1] == 0); CHECK_NEAR(Ai[2], -0.125, 1e-15);
    CHECK(mat_solve(Z, 2, b, 1, W, ipiv, work, iwork, &rcond, &chol) == MAT_SINGULAR);
  }
  CHECK(mat_inv_lwork(2) >= 1);
  CHECK(mat_inv(S, 2, Ai, ipiv, work, 64, iwork, &rcond) == MAT_OK);
  CHECK_NEAR(Ai[0], 3.0 / 8, 1e-15); CHECK_NEAR(Ai[1], -2.0 / 8, 1e-15);
  CHECK(Ai[1] == Ai[2]);  /* dpotri + fill: exactly symmetric */
  CHECK(mat_inv(G, 2, Ai, ipiv, work, 64, iwork, &rcond) == MAT_OK);
  CHECK_NEAR(Ai[0], -0.5, 1e-15); CHECK_NEAR(Ai[2], 0.5, 1e-15);
  CHECK(mat_inv(Sing, 2, Ai, ipiv, work, 64, iwork, &rcond) == MAT_SINGULAR);
  memcpy(R, S, sizeof S);  /* R = [2 1; 0 sqrt(2)] */
  CHECK(mat_chol(R, 2, &minor) == MAT_OK);
  CHECK_NEAR(R[0], 2, 1e-15); CHECK_NEAR(R[2], 1, 1e-15);
  CHECK(R[1] == 0); CHECK_NEAR(R[3], sqrt(2.0), 1e-15);
  memcpy(R, Sing, sizeof Sing);
  CHECK(mat_chol(R, 2, &minor) == MAT_NOTPD && minor == 2);
  {
    double M[] = {4, 1, 0, 1, 3, 1, 0, 1, 2}, la;
    int sign;
    CHECK(mat_logdet_lu(M, 3, ipiv, &la, &sign) == 0);
    CHECK(sign == 1);
    CHECK_NEAR(la, log(18.0), 1e-14);
    memcpy(R, Sing, sizeof Sing);
    CHECK(mat_logdet_lu(R, 2, ipiv, &la, &sign) > 0);  /* singular */
    CHECK(sign == 0);
  }
}


/* mat_rcond against LAPACK's dgecon/dpocon: the same estimator, so the
   same value to rounding on ordinary matrices */
static void rcond (void) {
  enum { N = 12 };
  double H[N * N], F[N * N], work[4 * N], rc, lrc, anorm;
  int ipiv[N], iwork[N];
  size_t i, j, n;
  for (n = 2; n <= N; n += 5) {
    for (j = 0; j < n; j++)  /* Hilbert: SPD, rcond ~ 10^(-1.5 n) */
      for (i = 0; i < n; i++) H[i + j * n] = 1.0 / (double)(i + j + 1);
    anorm = mat_norm1(H, n, n);
    memcpy(F, H, n * n * sizeof(double));
    CHECK(LAPACKE_dgetrf(LAPACK_COL_MAJOR, (int)n, (int)n, F, (int)n, ipiv) == 0);
    CHECK(mat_rcond(F, n, ipiv, anorm, work, &rc) == MAT_OK);
    CHECK(LAPACKE_dgecon_work(LAPACK_COL_MAJOR, '1', (int)n, F, (int)n, anorm,
                              &lrc, work, iwork) == 0);
    CHECK_NEAR(rc, lrc, 1e-6);
    memcpy(F, H, n * n * sizeof(double));
    CHECK(LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (int)n, F, (int)n) == 0);
    CHECK(mat_rcond(F, n, NULL, anorm, work, &rc) == MAT_OK);
    CHECK(LAPACKE_dpocon_work(LAPACK_COL_MAJOR, 'U', (int)n, F, (int)n, anorm,
                              &lrc, work, iwork) == 0);
    CHECK_NEAR(rc, lrc, 1e-6);
  }
  {  /* a general matrix: the estimate is within a small factor of the truth */
    double G[] = {3, 1, -2, 4,  0, 2, 5, 1,  -1, 7, 2, 0,  6, -3, 1, 2};
    memcpy(F, G, sizeof G);
    anorm = mat_norm1(G, 4, 4);
    CHECK(LAPACKE_dgetrf(LAPACK_COL_MAJOR, 4, 4, F, 4, ipiv) == 0);
    CHECK(mat_rcond(F, 4, ipiv, anorm, work, &rc) == MAT_OK);
    CHECK(LAPACKE_dgecon_work(LAPACK_COL_MAJOR, '1', 4, F, 4, anorm, &lrc,
                              work, iwork) == 0);
    CHECK_NEAR(rc, lrc, 1e-12);
    CHECK(rc > 0.01 && rc < 1);
  }
  CHECK(mat_rcond(F, 0, ipiv, 1.0, work, &rc) == MAT_OK && rc == HUGE_VAL);
}


static void qr (void) {
  /* 4 x 3, column 2 = 2 * column 1: R's qr gives rank 2, pivot 1 3 2 */
  double X[] = {1, 2, 3, 4,  2, 4, 6, 8,  1, 0, 1, 0};
  double W[12], tau[3], S[12], norms[3], Q[12], QR[12], work[8192];
  int pivot[3];
  size_t rank, lw = mat_qr_lwork(4, 3), i, j, k;
  CHECK(lw <= 8192);
  CHECK(mat_qr_panel(4, 3) <= 12 + 1);
  CHECK(mat_qr(X, 4, 3, 1e-7, W, tau, pivot, &rank, S, norms, work, lw) == MAT_OK);
  CHECK(rank == 2);
  CHECK(pivot[0] == 1 && pivot[1] == 3 && pivot[2] == 2);
  CHECK(mat_qr_q(W, 4, 3, tau, Q, work, lw) == MAT_OK);
  /* Q R = X[, pivot], R the upper triangle of W */
  for (j = 0; j < 3; j++)
    for (i = 0; i < 4; i++) {
      double s = 0;
      for (k = 0; k <= j && k < 3; k++) s += Q[i + k * 4] * W[k + j * 4];
      QR[i + j * 4] = s;
    }
  for (j = 0; j < 3; j++)
    for (i = 0; i < 4; i++)
      CHECK_ABS(QR[i + j * 4], X[i + (size_t)(pivot[j] - 1) * 4], 1e-14 * 8);
  CHECK_NEAR(fabs(W[0]), sqrt(30.0), 1e-15);
  CHECK(W[0] < 0);  /* Householder sign: -sign(x11) * norm, as LINPACK */
  CHECK(fabs(W[2 + 2 * 4]) < 1e-14);  /* the moved column's residual */
}


static void svd_eig_pinv (void) {
  /* A = [3 0; 4 5] (col-major 3 4 0 5): singular values sqrt(45), sqrt(5) */
  double A[] = {3, 4, 0, 5}, Ac[4], d[2], U[4], VT[4], P[4], work[1024];
  double Sy[] = {2, 1, 1, 2}, vals[2], vecs[4];
  int iwork[64], isuppz[4];
  size_t lw, liw, rank, i, j, k;
  CHECK(mat_svd_lwork(2, 2, &lw, &liw) == MAT_OK && lw <= 1024 && liw <= 64);
  memcpy(Ac, A, sizeof A);
  CHECK(mat_svd(Ac, 2, 2, d, U, VT, work, 1024, iwork) == MAT_OK);
  CHECK_NEAR(d[0], sqrt(45.0), 1e-15); CHECK_NEAR(d[1], sqrt(5.0), 1e-15);
  for (j = 0; j < 2; j++)
    for (i = 0; i < 2; i++) {
      double s = 0;
      for (k = 0; k < 2; k++) s += U[i + k * 2] * d[k] * VT[k + j * 2];
      CHECK_ABS(s, A[i + j * 2], 1e-14 * 5);  /* relative to max|A| */
    }
  mat_pinv_svd(2, 2, U, d, VT, 1.49e-8, P, &rank);
  CHECK(rank == 2);  /* A^-1 = [1/3 0; -4/15 1/5] */
  CHECK_NEAR(P[0], 1.0 / 3, 1e-15); CHECK_NEAR(P[1], -4.0 / 15, 1e-15);
  CHECK(fabs(P[2]) < 1e-16); CHECK_NEAR(P[3], 0.2, 1e-15);
  CHECK(mat_eigsym_lwork(2, &lw, &liw) == MAT_OK && lw <= 1024 && liw <= 64);
  CHECK(mat_eigsym(Sy, 2, vals, vecs, work, 1024, iwork, 64, isuppz) == MAT_OK);
  CHECK_NEAR(vals[0], 3, 1e-15); CHECK_NEAR(vals[1], 1, 1e-15);  /* descending */
  CHECK_NEAR(fabs(vecs[0]), sqrt(0.5), 1e-15);
  CHECK_NEAR(vecs[0] * vecs[1], 0.5, 1e-15);    /* (1, 1)/sqrt 2 for 3 */
  CHECK_NEAR(vecs[2] * vecs[3], -0.5, 1e-15);   /* (1, -1)/sqrt 2 for 1 */
  {  /* the rank-1 [1 1; 1 1]: pinv = A / 4 */
    double O[] = {1, 1, 1, 1};
    CHECK(mat_svd(O, 2, 2, d, U, VT, work, 1024, iwork) == MAT_OK);
    mat_pinv_svd(2, 2, U, d, VT, 1.49e-8, P, &rank);
    CHECK(rank == 1);
    for (i = 0; i < 4; i++) CHECK_NEAR(P[i], 0.25, 1e-15);
  }
}

/*
** mat_cholrank: the tolerant Cholesky of coxph and survdiff. A full-rank
** matrix solves and inverts exactly as a plain Cholesky would; a column
** that is a combination of the ones before it, or zero, is aliased (its
** coefficient 0, its row and column of the inverse 0), the others solved
** as if it were not there.
*/
static void cholrank (void) {
  /* A = B'B for B = [1 2 0; 0 1 1; 1 0 2] (full rank) */
  double A[9] = {2, 2, 2, 2, 5, 1, 2, 1, 5}, R[9], Ai[9], b[3];
  double B[16], RB[16], bb[4], Bi[16];
  size_t i, j, k;
  CHECK(mat_cholrank(A, 3, 3, 1e-12, R) == 3);
  CHECK(R[1] == 0 && R[2] == 0 && R[5] == 0);   /* zeros below */
  b[0] = 6; b[1] = 8; b[2] = 8;                  /* A (1, 1, 1)' */
  mat_cholrank_solve(R, 3, b);
  for (i = 0; i < 3; i++) CHECK_NEAR(b[i], 1, 1e-14);
  mat_cholrank_inv(R, 3, Ai);
  for (i = 0; i < 3; i++)
    for (j = 0; j < 3; j++) {
      double e = 0;
      for (k = 0; k < 3; k++) e += A[i + k * 3] * Ai[k + j * 3];
      CHECK(fabs(e - (i == j)) < 1e-14);
      CHECK(Ai[i + j * 3] == Ai[j + i * 3]);
    }
  /* a 4 x 4 Gram matrix in a 5-row buffer (lda 5) whose column 2 is the
     sum of columns 0 and 1, column 3 independent: rank 3, column 2 aliased */
  {
    double Xc[16] = {1, 0, 1, 0, 2, 1, 0, 1, 3, 1, 1, 1, 0, 1, 4, 2};  /* 4 x 4 */
    double G[20];
    /* x2 = x0 + x1; G = Xc'Xc */
    for (i = 0; i < 4; i++) Xc[i + 2 * 4] = Xc[i] + Xc[i + 4];
    for (i = 0; i < 4; i++)
      for (j = 0; j < 4; j++) {
        double e = 0;
        for (k = 0; k < 4; k++) e += Xc[k + i * 4] * Xc[k + j * 4];
        G[i + j * 5] = e;
      }
    for (j = 0; j < 4; j++) G[4 + j * 5] = NAN;   /* outside the matrix */
    CHECK(mat_cholrank(G, 4, 5, 1e-10, RB) == 3);
    CHECK(RB[2 + 2 * 4] < 0);                    /* the marker */
    CHECK(RB[0 + 2 * 4] == 0 && RB[1 + 2 * 4] == 0 && RB[2 + 3 * 4] == 0);
    /* G b = G (1, 2, 0, -1)': the aliased coefficient is 0, the others
       those of the fit without column 2 */
    {
      double beta[4] = {1, 2, 0, -1};
      for (i = 0; i < 4; i++) {
        bb[i] = 0;
        for (k = 0; k < 4; k++) bb[i] += G[i + k * 5] * beta[k];
      }
    }
    mat_cholrank_solve(RB, 4, bb);
    CHECK_NEAR(bb[0], 1, 1e-12); CHECK_NEAR(bb[1], 2, 1e-12);
    CHECK(bb[2] == 0); CHECK_NEAR(bb[3], -1, 1e-12);
    mat_cholrank_inv(RB, 4, Bi);
    for (i = 0; i < 4; i++) CHECK(Bi[2 + i * 4] == 0 && Bi[i + 2 * 4] == 0);
    for (i = 0; i < 4; i++)     /* the kept block: G_kept Bi_kept = I */
      for (j = 0; j < 4; j++) {
        double e = 0;
        if (i == 2 || j == 2) continue;
        for (k = 0; k < 4; k++) if (k != 2) e += G[i + k * 5] * Bi[k + j * 4];
        CHECK(fabs(e - (i == j)) < 1e-10);
      }
  }
  /* a zero row and column (a group with no one at risk), first and last */
  {
    double Z[9] = {0, 0, 0, 0, 4, 2, 0, 2, 3}, Z2[9] = {4, 2, 0, 2, 3, 0, 0, 0, 0};
    CHECK(mat_cholrank(Z, 3, 3, 1e-10, B) == 2);
    CHECK(B[0] < 0 && B[4] > 0 && B[8] > 0);
    CHECK(mat_cholrank(Z2, 3, 3, 1e-10, B) == 2);
    CHECK(B[0] > 0 && B[4] > 0 && B[8] < 0);
    b[0] = 6; b[1] = 5; b[2] = 7;
    mat_cholrank_solve(B, 3, b);
    CHECK_NEAR(b[0], 1, 1e-14); CHECK_NEAR(b[1], 1, 1e-14); CHECK(b[2] == 0);
  }
  {  /* all zero: rank 0, everything aliased; n = 0 does nothing */
    double O[4] = {0, 0, 0, 0};
    CHECK(mat_cholrank(O, 2, 2, 1e-10, B) == 0);
    CHECK(B[0] < 0 && B[3] < 0 && B[1] == 0 && B[2] == 0);
    CHECK(mat_cholrank(O, 0, 1, 1e-10, B) == 0);
  }
}


/* element-wise operations, R's seq lengths, the status messages */
static void ewise_range (void) {
  double a[3] = {1, -2, 0}, b[3] = {4, 5, 6}, o[3], r[12];
  mat_ewise(MAT_OP_ADD, a, b, 0, o, 3); CHECK(o[0] == 5 && o[1] == 3);
  mat_ewise(MAT_OP_RSUB, a, NULL, 10, o, 3); CHECK(o[0] == 9 && o[1] == 12);
  mat_ewise(MAT_OP_RDIV, a, NULL, 1, o, 3); CHECK(o[1] == -0.5 && isinf(o[2]));
  mat_ewise(MAT_OP_NEG, a, NULL, 0, o, 3); CHECK(o[0] == -1 && signbit(o[2]));
  mat_ewise(MAT_OP_MUL, a, b, 0, a, 3); CHECK(a[0] == 4 && a[1] == -10);
  /* seq(0, 1, 0.1) has 11 values, the last exactly 1; seq(1, 1 + 1e-15) one */
  CHECK(mat_range_len(0, 1, 0.1) == 11);
  mat_range_fill(0, 1, 0.1, r, 11);
  CHECK(r[10] == 1 && r[3] == 0.30000000000000004);
  CHECK(mat_range_len(1, 1 + 1e-15, 1) == 1);
  CHECK(mat_range_len(5, 2, -1) == 4);
  CHECK(strcmp(mat_strerror(MAT_NOTPD), "matrix is not positive definite") == 0);
  CHECK(mat_strerror(-3)[0] == 'a');
}


int main (void) {
  products();
  elementwise();
  reductions();
  solve_inv_chol();
  rcond();
  qr();
  svd_eig_pinv();
  cholrank();
  ewise_range();
  return CTEST_DONE();
}
