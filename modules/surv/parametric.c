/*
** Newton-Raphson for surv.fit: the log-likelihood summed over observations,
** with the gradient and Hessian carried from the slot scale (families.c) to
** the coefficients by BLAS: grad_a = s_a X_a' g_a and
** Hess_ab = s_a s_b X_a' diag(w_ab) X_b, s_1 = -1 for the AFT block.
*/
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "ointr.h"
#include "surv/surv.h"
#include "surv/parametric.h"

#define NPAIR 10  /* slot pairs a <= b */

/*
** Newton-Raphson's safeguards. Marquardt's damping adds mu D to the
** information, D its diagonal but at least DAMP_FLOOR (so that a zero
** diagonal still gets damped); mu starts at MU_START, grows by MU_GROWTH
** while the damped information is not positive definite, gives up past
** MU_MAX (singular), and after an accepted step shrinks by MU_GROWTH,
** back to 0 (the pure Newton step, quadratic convergence) once below
** MU_OFF.
*/
#define DAMP_FLOOR  1e-8
#define MU_START    1e-4
#define MU_GROWTH   10.0
#define MU_MAX      1e12
#define MU_OFF      1e-6
/* step-halvings per iteration: 2^-50 is below the precision of a step */
#define MAX_HALVINGS  50
/* a step is accepted unless it loses more than this relative to |ll| + 1:
   rounding near the optimum must not reject the last step */
#define LL_SLACK    1e-12
/* when halving fails, a Newton decrement below DEC_SLACK * tol is the
   optimum reached within rounding, not a failure */
#define DEC_SLACK   1e3

static const double slot_sign[SR_NSLOT] = {1, -1, 1, 1};


size_t sr_npar (const sr_model *m) {
  return m->p[0] + m->p[1] + m->p[2] + (m->theta_free ? 1 : 0);
}


static size_t pmax3 (const sr_model *m) {
  size_t p = m->p[0];
  if (m->p[1] > p) p = m->p[1];
  if (m->p[2] > p) p = m->p[2];
  return p;
}


size_t sr_loglik_work (const sr_model *m) {
  return (3 + SR_NSLOT + NPAIR + pmax3(m)) * m->n;
}


size_t sr_newton_work (const sr_model *m) {
  size_t P = sr_npar(m);   /* g, H, the damped A, d, bnew */
  return sr_loglik_work(m) + 2 * P * P + 3 * P;
}


/* index of the pair (a, b), a <= b, in the packed per-observation Hessians */
static int pairidx (int a, int b) {
  static const int idx[SR_NSLOT][SR_NSLOT] = {
    {0, 1, 2, 3}, {1, 4, 5, 6}, {2, 5, 7, 8}, {3, 6, 8, 9}};
  return idx[a][b];
}


double sr_loglik (const sr_model *m, const double *beta, double *grad,
                  double *hess, double *work) {
  size_t n = m->n, P = sr_npar(m), i, off[SR_NSLOT], psz[SR_NSLOT];
  double *eta = work, *G = eta + 3 * n, *W = G + SR_NSLOT * n;
  double *Y = W + NPAIR * n, theta, ll = 0;
  int active[SR_NSLOT], a, b;
  off[0] = 0; off[1] = m->p[0]; off[2] = off[1] + m->p[1];
  off[3] = off[2] + m->p[2];
  for (a = 0; a < 3; a++) { psz[a] = m->p[a]; active[a] = m->p[a] > 0; }
  psz[3] = 1; active[3] = m->theta_free;
  theta = m->theta_free ? beta[off[3]] : m->fixed[3];
  for (a = 0; a < 3; a++) {
    double *ea = eta + a * n;
    if (m->p[a] > 0)
      cblas_dgemv(CblasColMajor, CblasNoTrans, (int)n, (int)m->p[a],
                  slot_sign[a], m->X[a], (int)n, beta + off[a], 1, 0.0, ea, 1);
    else
      for (i = 0; i < n; i++) ea[i] = m->fixed[a];
  }
  for (i = 0; i < n; i++) {
    double e[SR_NSLOT], g[SR_NSLOT], h[SR_NSLOT * SR_NSLOT];
    double wi = m->w ? m->w[i] : 1.0;
    e[0] = eta[i]; e[1] = eta[n + i]; e[2] = eta[2 * n + i]; e[3] = theta;
    if (hess) {
      ll += wi * sr_loglik2(m->fam, m->t[i], m->logt[i], m->delta[i], e, active, g, h);
      for (a = 0; a < SR_NSLOT; a++)
        for (b = a; b < SR_NSLOT; b++)
          W[pairidx(a, b) * n + i] = wi * h[a * SR_NSLOT + b] * slot_sign[a] * slot_sign[b];
    }
    else if (grad)
      ll += wi * sr_loglik1(m->fam, m->t[i], m->logt[i], m->delta[i], e, g);
    else
      ll += wi * sr_loglik1(m->fam, m->t[i], m->logt[i], m->delta[i], e, NULL);
    if (grad || hess)
      for (a = 0; a < SR_NSLOT; a++) G[a * n + i] = wi * g[a] * slot_sign[a];
  }
  if (grad) {
    for (a = 0; a < 3; a++)
      if (active[a])
        cblas_dgemv(CblasColMajor, CblasTrans, (int)n, (int)m->p[a], 1.0,
                    m->X[a], (int)n, G + a * n, 1, 0.0, grad + off[a], 1);
    if (active[3]) {
      double s = 0;
      for (i = 0; i < n; i++) s += G[3 * n + i];
      grad[off[3]] = s;
    }
  }
  if (hess) {
    memset(hess, 0, P * P * sizeof(double));
    for (b = 0; b < SR_NSLOT; b++) {
      if (!active[b]) continue;
      for (a = 0; a <= b; a++) {
        const double *w = W + pairidx(a, b) * n;
        double *blk = hess + off[a] + off[b] * P;  /* rows of a, columns of b */
        size_t j, k;
        if (!active[a]) continue;
        if (b < 3) {  /* Y = diag(w) X_b, then X_a' Y */
          for (k = 0; k < m->p[b]; k++)
            for (i = 0; i < n; i++) Y[i + k * n] = w[i] * m->X[b][i + k * n];
          cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)m->p[a],
                      (int)m->p[b], (int)n, 1.0, m->X[a], (int)n, Y, (int)n,
                      0.0, blk, (int)P);
        }
        else if (a < 3) {  /* theta column: X_a' w */
          cblas_dgemv(CblasColMajor, CblasTrans, (int)n, (int)m->p[a], 1.0,
                      m->X[a], (int)n, w, 1, 0.0, blk, 1);
        }
        else {
          double s = 0;
          for (i = 0; i < n; i++) s += w[i];
          blk[0] = s;
        }
        /* mirror into the lower triangle */
        for (j = 0; j < psz[a]; j++)
          for (k = 0; k < psz[b]; k++)
            hess[(off[b] + k) + (off[a] + j) * P] = blk[j + k * P];
      }
    }
  }
  return ll;
}


/*
** Solves (I + mu D) d = g by Cholesky, with I = -H the observed information
** and D its diagonal (Marquardt). Returns 0, or LAPACK's info.
*/
static int damped_step (const double *H, const double *g, double mu, size_t P,
                        double *A, double *d) {
  size_t j;
  for (j = 0; j < P * P; j++) A[j] = -H[j];
  for (j = 0; j < P; j++) {
    double dj = fabs(H[j + j * P]);
    A[j + j * P] += mu * (dj > DAMP_FLOOR ? dj : DAMP_FLOOR);
  }
  memcpy(d, g, P * sizeof(double));
  if (P == 0) return 0;
  j = (size_t)LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)P, A, (lapack_int)P);
  if (j != 0) return (int)j;
  return LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'L', (lapack_int)P, 1, A,
                        (lapack_int)P, d, (lapack_int)P);
}


int sr_newton (const sr_model *m, double *beta, double *vcov, int maxit,
               double tol, sr_result *res, double *work) {
  size_t P = sr_npar(m), j;
  double *lw = work, *g = lw + sr_loglik_work(m), *H = g + P, *A = H + P * P;
  double *d = A + P * P, *bnew = d + P;
  double ll, mu = 0;
  int it;
  res->iterations = 0; res->converged = 0; res->status = SURV_OK;
  ll = sr_loglik(m, beta, g, H, lw);
  if (!isfinite(ll)) {
    res->loglik = ll;
    res->status = SURV_ESTART;
    for (j = 0; j < P * P; j++) vcov[j] = NAN;
    return SURV_OK;
  }
  for (it = 1; it <= maxit; it++) {
    double step = 1, llnew = -INFINITY, dec = 0;
    int halvings, accepted = 0;
    if (ORR_INTERRUPTED()) return SURV_EINTR;
    res->iterations = it;
    while (damped_step(H, g, mu, P, A, d) != 0) {  /* not negative definite */
      mu = mu == 0 ? MU_START : mu * MU_GROWTH;
      if (mu > MU_MAX) break;
    }
    if (mu > MU_MAX) { res->status = SURV_ESINGULAR; break; }
    /* the Newton decrement g' I^-1 g; the step is taken even when it is
       below tol, since that last step squares the remaining error */
    for (j = 0; j < P; j++) dec += g[j] * d[j];
    for (halvings = 0; halvings < MAX_HALVINGS; halvings++) {
      for (j = 0; j < P; j++) bnew[j] = beta[j] + step * d[j];
      llnew = sr_loglik(m, bnew, NULL, NULL, lw);
      if (isfinite(llnew) && llnew >= ll - LL_SLACK * (1 + fabs(ll))) {
        accepted = 1;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      if (mu == 0) { mu = MU_START; continue; }  /* retry nearer the gradient */
      if (dec < DEC_SLACK * tol) { res->converged = 1; break; }
      res->status = SURV_EHALVING;
      break;
    }
    memcpy(beta, bnew, P * sizeof(double));
    ll = sr_loglik(m, beta, g, H, lw);
    mu = mu > MU_OFF ? mu / MU_GROWTH : 0;
    if (step == 1 && mu == 0 && dec < tol) { res->converged = 1; break; }
  }
  if (!res->converged && res->status == SURV_OK) res->status = SURV_EMAXITER;
  res->loglik = ll;
  /* vcov = (-H)^-1 */
  for (j = 0; j < P * P; j++) vcov[j] = -H[j];
  if (P > 0 && (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)P, vcov,
                               (lapack_int)P) != 0 ||
                LAPACKE_dpotri(LAPACK_COL_MAJOR, 'L', (lapack_int)P, vcov,
                               (lapack_int)P) != 0)) {
    for (j = 0; j < P * P; j++) vcov[j] = NAN;
  }
  else {
    size_t k;
    for (j = 0; j < P; j++)
      for (k = j + 1; k < P; k++) vcov[j + k * P] = vcov[k + j * P];
  }
  return SURV_OK;
}


void sr_eval (int fam, int what, const double *t, size_t nt, const double *E,
              size_t ne, double *out) {
  size_t i, j;
  for (j = 0; j < ne; j++) {
    double e[SR_NSLOT];
    int k;
    for (k = 0; k < SR_NSLOT; k++) e[k] = E[j + k * ne];
    for (i = 0; i < nt; i++) {
      double x = t[i], v;
      switch (what) {
        case SR_SURVIVAL: v = exp(sr_logsurv(fam, x, e)); break;
        case SR_HAZARD: v = exp(sr_loghaz(fam, x, e)); break;
        case SR_CUMHAZ: v = sr_cumhaz(fam, x, e); break;
        case SR_QUANTILE: v = sr_quantile(fam, x, e); break;
        default: v = sr_cure(fam, e); break;
      }
      out[i + j * nt] = v;
    }
  }
}
