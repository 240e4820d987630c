/*
** Instrumental-variable kernels: 2SLS, anchor regression and IV-like (IVL)
** regression, all through the QR of the instruments so that no n x n
** projection is ever formed. Plain C on column-major arrays; no Lua.
*/
#ifndef iv_h
#define iv_h

#include <stddef.h>
#include "regress/regress.h"

/* The kernels return a regress_status (regress.h): REG_OK, REG_ELAPACK or
   REG_EINTR. */

/*
** Work sizes, in doubles, for n rows, p regressors and q instruments.
** iwork needs q + p ints.
*/
size_t iv_worksize (size_t n, size_t p, size_t q);

/*
** Least squares min ||A b - y|| for A (nr x p, overwritten) and y (nr,
** overwritten), by a complete orthogonal factorisation (dgelsy): the
** minimum-norm solution when A is rank deficient. rcond decides the rank.
*/
int iv_lstsq (double *A, double *y, size_t nr, size_t p, double rcond,
              int *jpvt, double *coef, size_t *rank);

/*
** 2SLS of y (n) on X (n x p) with instruments Z (n x q):
** b = argmin ||P_Z (y - X b)||, the minimum-norm solution when X'P_Z X is
** singular (under-identified). xhat (n x p) receives P_Z X. *rankz is the
** rank of Z, *rank that of P_Z X.
*/
int iv_tsls (const double *X, const double *y, const double *Z, size_t n,
             size_t p, size_t q, double *coef, double *xhat, size_t *rankz,
             size_t *rank, double *work, int *iwork);

/*
** Anchor regression (Rothenhauser et al.): b = argmin ||(I - P_A) r||^2 +
** gamma ||P_A r||^2, r = y - X b, as least squares on (W X, W y) with
** W = I - (1 - sqrt(gamma)) P_A. gamma = 1 is OLS; IVL(alpha) is
** gamma = 1 + 1/alpha.
*/
int iv_anchor (const double *X, const double *y, const double *A, size_t n,
               size_t p, size_t q, double gamma, double *coef, size_t *rank,
               double *work, int *iwork);

/*
** K-fold cross-validation of IVL's alpha: for each alpha[k], the summed
** held-out IV risk ||P_{Z_f}(y_f - X_f b_{-f})||^2 over the folds, where
** b_{-f} is fitted without fold f. fold[i] in 0..nfold-1. alpha = 0 is 2SLS,
** alpha = +inf is OLS.
*/
int iv_cv_alpha (const double *X, const double *y, const double *Z, size_t n,
                 size_t p, size_t q, const int *fold, int nfold,
                 const double *alpha, size_t nalpha, double *risk,
                 double *work, int *iwork);

/*
** First-stage F statistics, as anova(lm(x_j ~ exogenous), lm(x_j ~ Z)), for
** every column j of X with exo[j] < 0 (the endogenous ones); exo[j] >= 0
** marks a column of X that is also column exo[j] of Z. F[j], df1, df2 are
** set for endogenous j (F[j] = NaN otherwise). work: iv_worksize(n, p, q)
** doubles; iwork q + p ints.
*/
int iv_first_stage (const double *X, const double *Z, size_t n, size_t p,
                    size_t q, const int *exo, double *F, double *df1,
                    double *df2, double *work, int *iwork);

/* exo[j] = index of a column of Z identical to column j of X, or -1. */
void iv_shared_columns (const double *X, const double *Z, size_t n, size_t p,
                        size_t q, int *exo);

/* Work size in doubles for iv_cv_alpha. */
size_t iv_cv_worksize (size_t n, size_t p, size_t q);

#endif
