/*
** Least squares by Householder QR with R's limited column pivoting.
**
** The QR is kept in LAPACK's compact form (dgeqrf): R on and above the
** diagonal, the Householder vectors below it with their scalars in tau, so
** that dormqr/dorgqr apply or form Q whichever path made it.
**
** Limited pivoting (as LINPACK dqrdc2, used by R's lm and glm): columns are
** taken in order; a column whose norm, after the reflections of the columns
** before it, is below tol times its original norm is moved to the end and
** not factored.  So of two collinear columns the later one is aliased, and
** the kept columns keep their order.  pivot[j] is the original (0-based)
** index of column j of the result; the first *rank columns are the kept ones.
**
** All arrays are column-major; A is n x p with leading dimension n.  No
** function allocates: work arrays come from the caller (sizes below).
*/
#ifndef ols_h
#define ols_h

#include <stddef.h>
#include "regress/regress.h"

/* The functions return a regress_status (regress.h). */

/* R's lm tolerance for limited pivoting (lm.fit's tol = 1e-07). */
#define RQ_TOL  1e-7

/* Doubles of work that rq_qr, rq_qr_pivot, rq_qty and rq_qform need. */
size_t rq_lwork (size_t n, size_t p);

/*
** Fast path: blocked dgeqrf of A, no pivoting.  If some diagonal of R is
** small enough relative to its column's original norm (colnorm, computed
** here, p doubles) that limited pivoting could decide differently, returns
** REG_NEEDPIVOT and A is garbage: the caller refills it and calls
** rq_qr_pivot.  Otherwise rank = p, pivot = identity.
*/
int rq_qr (double *A, size_t n, size_t p, double tol, double *tau,
           int *pivot, size_t *rank, double *colnorm, double *work,
           size_t lwork);

/* The limited-pivoting path (unblocked Householder, dqrdc2's rule). */
int rq_qr_pivot (double *A, size_t n, size_t p, double tol, double *tau,
                 int *pivot, size_t *rank, double *colnorm, double *work);

/* y (n x m) <- Q' y (trans = 1) or Q y (trans = 0), Q from the first k
   reflectors of the compact QR in A. */
int rq_qty (const double *A, size_t n, size_t k, const double *tau,
            double *y, size_t m, int trans, double *work, size_t lwork);

/*
** Least-squares solve with the first rank columns of the QR: on return
** coef[0..rank) (in pivoted order), effects = Q'y (n), resid = y - fit (n).
*/
int rq_solve (const double *A, size_t n, size_t rank, const double *tau,
              const double *y, double *coef, double *effects, double *resid,
              double *work, size_t lwork);

/* (R'R)^-1 of the leading rank x rank block of R into V (rank x rank);
   REG_ESINGULAR when R is. */
int rq_unscaled (const double *A, size_t n, size_t rank, double *V);

/* R^-1 of the leading rank x rank block into Ri (rank x rank, upper);
   REG_ESINGULAR when R is. */
int rq_rinv (const double *A, size_t n, size_t rank, double *Ri);

/* Q (n x rank, thin) into Q from the compact QR; h[i] = sum_j Q_ij^2. */
int rq_qform (const double *A, size_t n, size_t rank, const double *tau,
              double *Q, double *h, double *work, size_t lwork);

/*
** The normal-equations path, used only when it cannot disagree with the QR:
** G (p x p, upper triangle) = X'X and c = X'y are scaled to a unit
** diagonal and factored by Cholesky; the answer is accepted only if the
** estimated reciprocal condition number of the scaled factor is at least
** rcmin (so the error, about cond(X)^2 * eps, stays far below what a test
** against R can see, and no column can be near the aliasing threshold).
** On success (REG_OK) coef (p) and V = (X'X)^-1 (p x p, full); REG_NEEDQR
** when the caller must use the QR instead.  G is overwritten; work:
** rq_normal_work(p) = 4p doubles (dtrcon's 3p and the scales), iwork p.
*/
/*
** The threshold used by regress: rcond(U) >= 1e-2 keeps cond(X_scaled)
** below ~100 (times a small factor of p), so the normal equations lose at
** most ~1e4 * eps relative to the QR: well inside the 1e-8 at which the
** results are checked against R, even for coefficients a few orders of
** magnitude smaller than the others.
*/
#define RQ_RCOND_NORMAL 1e-2

size_t rq_normal_work (size_t p);
int rq_normal (double *G, size_t p, const double *c, double rcmin,
               double *coef, double *V, double *work, int *iwork);

/*
** For the normal equations without forming the design [1 X] (X n x k,
** the leading column of ones only when intercept): G (p x p, upper
** triangle, p = k + intercept) = [1 X]'[1 X] by dsyrk and c = [1 X]'y.
** oy is n x 2, a column of ones and then y, so that the column sums and
** X'y come from one dgemm, one pass over X.  work: rq_crossprod_work(k)
** = 2k doubles.
*/
size_t rq_crossprod_work (size_t k);
void rq_crossprod (const double *X, size_t n, size_t k, int intercept,
                   const double *oy, double *G, double *c, double *work);

/* r = y - [1 X] b */
void rq_resid (const double *X, size_t n, size_t k, int intercept,
               const double *b, const double *y, double *r);

/*
** The summaries of a fit. Its n rows are rows keep[0..n-1] (keep NULL:
** 0..n-1) of the caller's y0, w0 (NULL: unit weights) and X0 (n0 x k, with
** a column of ones first when intercept); r are the weighted residuals
** sqrt(w) (y - X b) of the solve and sw = sqrt(w). Writes resid = y -
** fitted and fitted for every row (a row of weight 0 is not in the fit:
** its fitted value is predicted from its x, the aliased (NaN)
** coefficients left out, as R's lm) and ss[0] = rss = sum r^2, ss[1] = mss,
** the weighted sum of squares of the fitted values about their weighted
** mean (about 0 when !center), ss[2] = sum log w (rows of positive weight).
*/
void rq_summary (const double *y0, const double *w0, const double *X0,
                 size_t n0, size_t k, int intercept, const size_t *keep,
                 size_t n, const double *coef, const double *r,
                 const double *sw, int center, double *resid, double *fitted,
                 double ss[3]);

/*
** Predictions for the m rows of X (m x k, NULL when k = 0) with a leading
** 1 when intercept (p = k + intercept coefficients b, the NaN ones left
** out as predict.lm does): fit = x'b + off (off NULL: 0) and, with V (p x
** p) not NULL, se = sqrt(x'V x). work: rq_predict_work(p) = p doubles.
*/
size_t rq_predict_work (size_t p);
void rq_predict (const double *X, size_t m, size_t k, int intercept,
                 const double *b, const double *V, const double *off,
                 double *fit, double *se, double *work);

/* out = sum w v, sum w v^2, sum w over the non-NaN v (w NULL: 1). */
void rq_wsums (const double *v, const double *w, size_t n, double out[3]);

#endif
