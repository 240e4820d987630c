/*
** IPCW weights (see ipcw.h). The censoring distribution's Kaplan-Meier
** estimate is surv's kernel (km_table) on the status flipped: S_C drops at
** a time s by the factor 1 - c(s)/n(s), c(s) the censorings at s and n(s) =
** #{T >= s}; an observation at time t takes the value of S_C before any
** drop at t (the left limit).
*/
#include "surv/surv.h"
#include "regress/ipcw.h"


size_t ipcw_worksize (size_t n) {
  return 2 * n * sizeof(double) + n * sizeof(size_t) + surv_order_work(n);
}


void ipcw_weights (const double *time, const double *status, size_t n,
                   double *w, void *work) {
  double *cens = (double *)work, *S = cens + n;
  size_t *ord = (size_t *)(S + n), i, k;
  for (i = 0; i < n; i++) cens[i] = status[i] == 0;
  surv_order(time, n, ord, ord + n);
  km_table(time, cens, NULL, ord, n, NULL, NULL, NULL, NULL, S, NULL, NULL,
           NULL);
  /* S[k] is S_C just after the k-th distinct time: S_C(t-) is S[k - 1] */
  for (i = 0, k = 0; i < n; i++) {
    size_t r = ord[i];
    if (i > 0 && time[r] != time[ord[i - 1]]) k++;
    w[r] = status[r] != 0 ? 1.0 / (k > 0 ? S[k - 1] : 1.0) : 0.0;
  }
}
