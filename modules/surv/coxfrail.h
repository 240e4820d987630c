/*
** Gamma frailty Cox models by penalised partial likelihood, as coxph's
** frailty(id, distribution = "gamma").  Plain C on arrays; formulas in
** docs/methods/surv.md.
*/
#ifndef coxfrail_h
#define coxfrail_h

#include <stddef.h>

#include "surv/surv.h"

/* Work doubles of cox_frail_fit for n rows, p covariates, G clusters. */
size_t cox_frail_work (size_t n, size_t p, size_t G);

/*
** Maximises the penalised partial likelihood
**     PPL = PL(beta, b) - nu sum_g (exp(b_g) - b_g - 1),   nu = 1/theta,
** over coef = (beta (p = d->p), b (G)), grp[i] in 0..G-1 the cluster of
** row i of d, by Newton-Raphson with coxph's sparse information (the
** cluster block kept diagonal) and step-halving, from coef (in: the start,
** out: the estimate), until |1 - PPL_old/PPL_new| <= eps.  The penalty's
** minimum over a common shift of b is at mean(exp(b)) = 1, so b needs no
** recentring.  polish: after convergence, more steps until they are below
** 1e-10 relative (the sparse Newton converges linearly).  Outputs: pl = the partial likelihood at the estimate, *pen
** = nu sum(exp(b) - b - 1), var and var2 (p x p): the beta blocks of H^-1
** and H^-1 I H^-1 with the sparse information (H = I + the penalty's
** curvature), and *iter.  Returns SURV_OK, SURV_EMAXITER, SURV_EHALVING,
** SURV_EINTR or SURV_ESTART.  work: cox_frail_work(n, p, G) doubles.
*/
int cox_frail_fit (const cox_data *d, const int *grp, size_t G, double nu,
                   double *coef, int maxiter, double eps, int polish, double *pl,
                   double *pen, double *var, double *var2, int *iter,
                   double *work);

#endif
