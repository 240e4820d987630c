/*
** Inverse-probability-of-censoring weights ("Empirical risk minimization
** under random censorship"): w_i = delta_i / S_C(T_i-), with S_C the
** Kaplan-Meier estimate of the censoring distribution (status flipped, as
** R's survfit(Surv(time, 1 - status)); surv's km_table), left-limited at
** T_i. Plain C.
*/
#ifndef ipcw_h
#define ipcw_h

#include <stddef.h>

/* Work, in bytes, that ipcw_weights needs for n observations. */
size_t ipcw_worksize (size_t n);

/* w[0..n-1] from time (no NaN) and status (1 = event, 0 = censored). */
void ipcw_weights (const double *time, const double *status, size_t n,
                   double *w, void *work);

#endif
