/*
** The G-rho family of k-sample tests (Harrington and Fleming), as R's
** survdiff: at each death time the observed and expected deaths of each
** group, weighted by S(t-)^rho (S the pooled Kaplan-Meier estimate within
** the stratum), and the hypergeometric variance, summed over strata.
*/
#include <math.h>
#include <string.h>

#include "mat/mat.h"
#include "surv/surv.h"

/*
** A pivot of the variance at most this times its largest diagonal element
** marks a group with no variance left (no one at risk at any death: exactly
** 0, where R's survdiff drops the groups with no expected deaths); rounding
** leaves an exact zero many orders of magnitude below it.
*/
#define LOGRANK_TOL_CHOL  1e-10


size_t logrank_work (int k) {
  return 2 * (size_t)k;
}


void logrank (const double *time, const double *status, const int *group,
              int k, const int *strata, const size_t *ord, size_t n,
              double rho, double *obs, double *expv, double *var,
              double *work) {
  double *nr = work, *dj = work + k;   /* at risk and deaths per group */
  size_t i = 0, a, b;
  int j, l;
  memset(obs, 0, (size_t)k * sizeof(double));
  memset(expv, 0, (size_t)k * sizeof(double));
  memset(var, 0, (size_t)k * (size_t)k * sizeof(double));
  while (i < n) {
    double km = 1, ntot;
    int s = strata ? strata[ord[i]] : 0;
    /* the stratum is ord[i..b-1] */
    for (b = i; b < n && (strata ? strata[ord[b]] : 0) == s; b++) ;
    memset(nr, 0, (size_t)k * sizeof(double));
    for (a = i; a < b; a++) nr[group[ord[a]]] += 1;
    ntot = (double)(b - i);
    while (i < b) {
      double tt = time[ord[i]], d = 0, wt;
      size_t e;
      memset(dj, 0, (size_t)k * sizeof(double));
      for (e = i; e < b && time[ord[e]] == tt; e++)
        if (status[ord[e]] != 0) { dj[group[ord[e]]] += 1; d += 1; }
      if (d > 0) {
        wt = rho == 0 ? 1.0 : pow(km, rho);
        for (j = 0; j < k; j++) {
          obs[j] += wt * dj[j];
          expv[j] += wt * d * nr[j] / ntot;
        }
        if (ntot > 1) {
          double kk = wt * wt * d * (ntot - d) / (ntot - 1);
          for (j = 0; j < k; j++) {
            double pj = nr[j] / ntot;
            for (l = 0; l < k; l++)
              var[j + (size_t)l * k] += kk * pj * ((j == l) - nr[l] / ntot);
          }
        }
        km *= (ntot - d) / ntot;
      }
      for (; i < e; i++) { nr[group[ord[i]]] -= 1; ntot -= 1; }
    }
  }
}


size_t logrank_chisq_work (int k) {
  size_t n = k > 1 ? (size_t)(k - 1) : 0;
  return n * n + 2 * n;
}


int logrank_chisq (const double *obs, const double *expv, const double *v,
                   int k, double *work, double *chisq) {
  size_t n = k > 1 ? (size_t)(k - 1) : 0, j;
  double q = 0, *a = work, *u = a + n * n, *y = u + n;
  int df;
  for (j = 0; j < n; j++) u[j] = obs[j] - expv[j];
  /* the leading (k-1) block of v in place (leading dimension k); a group
     with no variance left drops out, as a generalised inverse would */
  df = mat_cholrank(v, n, (size_t)k, LOGRANK_TOL_CHOL, a);
  memcpy(y, u, n * sizeof(double));
  mat_cholrank_solve(a, n, y);
  for (j = 0; j < n; j++) q += y[j] * u[j];
  *chisq = q;
  return df;
}
