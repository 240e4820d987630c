/*
** Gamma frailty Cox models by penalised partial likelihood, as coxph's
** frailty(id, distribution = "gamma").  Plain C on arrays; formulas in
** docs/methods/surv.md.
*/
#ifndef coxfrail_h
#define coxfrail_h

#include <stddef.h>

#include "surv/surv.h"

/* Work doubles of cox_frail_fit for d (d->p = p + G columns). */
size_t cox_frail_work (const cox_data *d);

/*
** Maximises the penalised partial likelihood
**     PPL = PL(beta, b) - nu sum_g (exp(b_g) - b_g),   nu = 1/theta,
** over coef = (beta (p), b (G)) by Newton-Raphson with step-halving, from
** coef (in: the start, out: the estimate), until |1 - PPL_old/PPL_new| <=
** eps.  d->x holds the p covariates then the G cluster indicators (centred
** or not: the fit does not depend on it).  The penalty's minimum over a
** common shift of b is at mean(exp(b)) = 1, so b needs no recentring.
** Outputs: pl = the partial likelihood at the estimate, *pen = the penalty
** nu sum(exp(b) - b) - nu G (zero at b = 0), var (p x p) and var2 (p x p):
** the beta blocks of H^-1 and H^-1 I H^-1 with coxph's sparse information
** (the cluster block kept diagonal; H = I + the penalty's second
** derivative), and *iter.  Returns SURV_OK, SURV_EMAXITER, SURV_EINTR or
** SURV_ESTART.  work: cox_frail_work(d) doubles.
*/
int cox_frail_fit (const cox_data *d, size_t p, double nu, double *coef,
                   int maxiter, double eps, double *pl, double *pen,
                   double *var, double *var2, int *iter, double *work);

#endif
