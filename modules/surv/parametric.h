/*
** Maximum likelihood for the multi-parameter regression models of surv.fit
** (docs/methods/surv.md, "Parametric families").
**
** Parameters, in this order (the order of fit.coef):
**   beta_ph   (p[0])  slot 0: log lambda = X0 beta_ph
**   beta_aft  (p[1])  slot 1: log phi    = -X1 beta_aft (log-time scale, as survreg)
**   beta_sh   (p[2])  slot 2: log gamma  = X2 beta_sh   (Gompertz: gamma)
**   theta     (0/1)   slot 3: log(kappa + 1), when free
** A slot with no block (p[k] = 0) is held at fixed[k]. Each X[k] is n x p[k],
** column-major, and carries its own intercept column if it has one.
*/
#ifndef surv_parametric_h
#define surv_parametric_h

#include <stddef.h>
#include "surv/families.h"

typedef struct sr_model {
  int fam;
  size_t n;
  const double *t;       /* times > 0 (orr_checktime, positive) */
  const double *logt;    /* log(t) */
  const double *delta;   /* 1 = event, 0 = censored */
  const double *w;       /* case weights (> 0), or NULL for unit weights */
  size_t p[3];
  const double *X[3];
  double fixed[SR_NSLOT];
  int theta_free;
} sr_model;

typedef struct sr_result {
  double loglik;
  int iterations;
  int converged;         /* 1, or 0 with 'status' saying why */
  int status;            /* SURV_OK, or SURV_ESTART, SURV_ESINGULAR,
                            SURV_EHALVING, SURV_EMAXITER (surv/surv.h) */
} sr_result;

/* the number of free parameters */
size_t sr_npar (const sr_model *m);

/*
** Work doubles sr_loglik needs: (3 + SR_NSLOT + 10 + pmax) n, for the
** three linear predictors, the slot gradients, the 10 slot-pair Hessians
** and the weighted copy of the widest block (pmax columns).
*/
size_t sr_loglik_work (const sr_model *m);
/*
** Log-likelihood at beta (each row's term times its case weight); with grad != NULL its gradient (npar) and with
** hess != NULL its Hessian (npar x npar, column-major).
** work: sr_loglik_work(m) doubles.
*/
double sr_loglik (const sr_model *m, const double *beta, double *grad,
                  double *hess, double *work);

/* Work doubles sr_newton needs: sr_loglik's, and 2 npar^2 + 3 npar. */
size_t sr_newton_work (const sr_model *m);

/*
** Newton-Raphson from beta (updated in place) with Levenberg damping when the
** Hessian is not negative definite and step-halving when the log-likelihood
** does not rise. On return vcov (npar x npar) is the inverse observed
** information (NaN when it is singular). Returns SURV_OK (res says whether
** it converged), or SURV_EINTR if interrupted.
*/
int sr_newton (const sr_model *m, double *beta, double *vcov, int maxit,
               double tol, sr_result *res, double *work);

/* What sr_eval computes (R's predict.survreg types, and the cure fraction) */
enum { SR_SURVIVAL, SR_HAZARD, SR_CUMHAZ, SR_QUANTILE, SR_CURE };

/*
** out (nt x ne, column-major): the function 'what' of family fam at each
** t[i] (a probability for SR_QUANTILE, ignored by SR_CURE), for each row j
** of the slot values E (ne x SR_NSLOT, column-major: one row e0..e3 per
** covariate row). No work array.
*/
void sr_eval (int fam, int what, const double *t, size_t nt, const double *E,
              size_t ne, double *out);

#endif
