/*
** Gamma frailty Cox models (coxph's frailty(id, distribution = "gamma")):
** each cluster g multiplies the hazard by a frailty exp(b_g); b is
** estimated with beta by maximising the partial likelihood with the gamma
** log-density of exp(b) (variance theta) as a penalty, nu = 1/theta:
**     PPL(beta, b) = PL(beta, b) - nu sum_g (exp(b_g) - b_g).
** The cluster indicators are extra columns of x, so one cox_pass gives the
** partial likelihood, its score and information for (beta, b) together;
** Newton adds the penalty's gradient nu (exp(b) - 1) and curvature
** nu exp(b).  The variance reported is coxph's: the inverse of the
** information in which the cluster block is kept diagonal (its sparse
** form), with the penalty; var2 is the sandwich H^-1 I H^-1.
*/
#include <math.h>
#include <string.h>

#include "ointr.h"
#include "mat/mat.h"
#include "surv/coxfrail.h"


size_t cox_frail_work (const cox_data *d) {
  size_t q = d->p;
  /* the pass; imat, H and its factor (q^2 each); u, g, step, trial (q each) */
  return cox_pass_work(d->n, q) + 3 * q * q + 4 * q;
}


/* PPL at c, with the gradient g and Hessian H (negative curvature: the
   information plus the penalty's) when g != NULL. */
static int ppl (const cox_data *d, size_t p, double nu, const double *c,
                double *val, double *plv, double *u, double *imat, double *g,
                double *H, double *work) {
  size_t q = d->p, G = q - p, j;
  double lk, pen = 0;
  int st = cox_pass(d, c, &lk, g ? u : NULL, g ? imat : NULL, NULL, work);
  if (st != SURV_OK || !isfinite(lk)) return SURV_ENOTFINITE;
  for (j = 0; j < G; j++) pen += exp(c[p + j]) - c[p + j] - 1;
  *plv = lk;
  *val = lk - nu * pen;
  if (g) {
    memcpy(g, u, q * sizeof(double));
    memcpy(H, imat, q * q * sizeof(double));
    for (j = 0; j < G; j++) {
      double e = exp(c[p + j]);
      g[p + j] -= nu * (e - 1);
      H[(p + j) * (q + 1)] += nu * e;
    }
  }
  return SURV_OK;
}


/*
** The beta blocks of H^-1 and H^-1 I H^-1 with the cluster block of imat
** kept diagonal: with A (p x p), B (p x G), Dt = diag(I_gg + nu e^b),
** V = (A - B Dt^-1 B')^-1 and, W = V B Dt^-1, var2 = V - W P W' where P =
** diag(nu e^b).  work: p^2 + p G doubles.
*/
static void sparse_var (const double *imat, size_t q, size_t p, double nu,
                        const double *b, double *var, double *var2,
                        double *work) {
  size_t G = q - p, j, l, g;
  double *S = work, *W = S + p * p;
  for (j = 0; j < p; j++)
    for (l = 0; l < p; l++) {
      double s = imat[j + l * q];
      for (g = 0; g < G; g++) {
        double dt = imat[(p + g) * (q + 1)] + nu * exp(b[g]);
        s -= imat[j + (p + g) * q] * imat[l + (p + g) * q] / dt;
      }
      S[j + l * p] = s;
    }
  mat_cholrank(S, p, p, COX_TOL_CHOL, var2);   /* var2 as scratch factor */
  mat_cholrank_inv(var2, p, var);
  for (j = 0; j < p; j++)
    for (g = 0; g < G; g++) {
      double dt = imat[(p + g) * (q + 1)] + nu * exp(b[g]), s = 0;
      for (l = 0; l < p; l++) s += var[j + l * p] * imat[l + (p + g) * q];
      W[j + g * p] = s / dt;
    }
  for (j = 0; j < p; j++)
    for (l = 0; l < p; l++) {
      double s = var[j + l * p];
      for (g = 0; g < G; g++) s -= W[j + g * p] * nu * exp(b[g]) * W[l + g * p];
      var2[j + l * p] = s;
    }
}


int cox_frail_fit (const cox_data *d, size_t p, double nu, double *coef,
                   int maxiter, double eps, double *pl, double *pen,
                   double *var, double *var2, int *iter, double *work) {
  size_t q = d->p, G = q - p, j;
  double *pw = work, *imat = pw + cox_pass_work(d->n, q), *H = imat + q * q;
  double *fac = H + q * q, *u = fac + q * q, *g = u + q, *step = g + q;
  double *trial = step + q, val, nval, plv, nplv;
  int it, halving = 0, status = SURV_EMAXITER;
  if (ppl(d, p, nu, coef, &val, &plv, u, imat, g, H, pw) != SURV_OK)
    return SURV_ESTART;
  *iter = 0;
  for (it = 1; it <= maxiter; it++) {
    *iter = it;
    if (ORR_INTERRUPTED()) return SURV_EINTR;
    if (halving == 0) {
      mat_cholrank(H, q, q, COX_TOL_CHOL, fac);
      memcpy(step, g, q * sizeof(double));
      mat_cholrank_solve(fac, q, step);
    }
    else for (j = 0; j < q; j++) step[j] /= 2;
    for (j = 0; j < q; j++) trial[j] = coef[j] + step[j];
    if (ppl(d, p, nu, trial, &nval, &nplv, u, imat, g, H, pw) != SURV_OK ||
        nval < val) {
      halving++;
      if (halving > 30) { status = SURV_EHALVING; break; }
      /* back at coef: its gradient and Hessian are needed again */
      ppl(d, p, nu, coef, &val, &plv, u, imat, g, H, pw);
      continue;
    }
    halving = 0;
    memcpy(coef, trial, q * sizeof(double));
    if (fabs(1 - val / nval) <= eps) { val = nval; plv = nplv; status = SURV_OK; break; }
    val = nval; plv = nplv;
  }
  /* the information at the estimate; the relative change of PPL is a loose
     test for the parameters (an error e moves PPL by e^2), so a converged
     fit takes up to two more full Newton steps while they still help */
  ppl(d, p, nu, coef, &val, &plv, u, imat, g, H, pw);
  for (it = 0; status == SURV_OK && it < 2; it++) {
    mat_cholrank(H, q, q, COX_TOL_CHOL, fac);
    memcpy(step, g, q * sizeof(double));
    mat_cholrank_solve(fac, q, step);
    for (j = 0; j < q; j++) trial[j] = coef[j] + step[j];
    if (ppl(d, p, nu, trial, &nval, &nplv, u, imat, g, H, pw) != SURV_OK ||
        !(nval >= val)) {
      ppl(d, p, nu, coef, &val, &plv, u, imat, g, H, pw);
      break;
    }
    memcpy(coef, trial, q * sizeof(double));
    val = nval; plv = nplv;
  }
  *pl = plv;
  *pen = 0;
  for (j = 0; j < G; j++) *pen += nu * (exp(coef[p + j]) - coef[p + j] - 1);
  sparse_var(imat, q, p, nu, coef + p, var, var2, H);
  return status;
}
