/*
** The G-rho family of k-sample tests (Harrington and Fleming), as R's
** survdiff: at each death time the observed and expected deaths of each
** group, weighted by S(t-)^rho (S the pooled Kaplan-Meier estimate within
** the stratum), and the hypergeometric variance, summed over strata.
*/
#include <math.h>
#include <string.h>

#include "surv/surv.h"


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


int logrank_chisq (const double *u, const double *v, int k, double *a,
                   double *chisq) {
  int n = k - 1, i, j, l, df = 0;
  double q = 0;
  /* a = the leading (k-1) block; a zero pivot (a group with no one at risk
     at any death) drops that row, as a generalised inverse would */
  for (j = 0; j < n; j++)
    for (i = 0; i < n; i++) a[i + j * n] = v[i + j * k];
  {
    double *y = a + n * n;
    int *ok = (int *)(y + n);
    for (j = 0; j < n; j++) {
      double d = a[j + j * n];
      for (l = 0; l < j; l++) if (ok[l]) d -= a[j + l * n] * a[j + l * n];
      ok[j] = d > 1e-10 * (fabs(v[j + j * k]) + 1e-300);
      if (!ok[j]) { y[j] = 0; continue; }
      d = sqrt(d);
      a[j + j * n] = d;
      for (i = j + 1; i < n; i++) {
        double e = a[i + j * n];
        for (l = 0; l < j; l++) if (ok[l]) e -= a[i + l * n] * a[j + l * n];
        a[i + j * n] = e / d;
      }
      df++;
    }
    for (j = 0; j < n; j++) {   /* forward solve L y = u */
      double e = u[j];
      if (!ok[j]) continue;
      for (l = 0; l < j; l++) if (ok[l]) e -= a[j + l * n] * y[l];
      y[j] = e / a[j + j * n];
      q += y[j] * y[j];
    }
  }
  *chisq = q;
  return df;
}
