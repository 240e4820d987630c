/*
** Survival kernels: plain C on arrays, no Lua.  Work arrays come from the
** caller; nothing is static, so the kernels are thread-safe.
** Status vectors hold 0 (censored) or 1 (event); times are finite.
*/
#ifndef surv_h
#define surv_h

#include <stddef.h>

/* ---- sort.c */
/* Bytes of work that surv_order needs for n keys. */
size_t surv_order_work (size_t n);
/*
** ord[0..n-1] = a permutation putting x in ascending order (stable: equal
** keys keep their index order).  x must hold no NaN.  Radix sort on the
** bits of the doubles: O(n), which keeps 1e6-row Kaplan-Meier fast.
*/
void surv_order (const double *x, size_t n, size_t *ord, void *work);

/*
** Stable counting sort of the permutation in[] by code[in[i]] in 0..ncode-1:
** out lists the rows of code 0 first, each code keeping the order of in.
** start[0..ncode] receives the boundaries (code c is out[start[c]..start[c+1]-1]).
*/
void surv_strata_order (const int *code, int ncode, const size_t *in,
                        size_t n, size_t *out, size_t *start);

/* ---- km.c */
/*
** The Kaplan-Meier table from (time, status, weight) given in ascending time
** order (ord from surv_order; w may be NULL for unit weights).  Writes, for
** each distinct time (m <= n of them, returned): t, n_risk, n_event,
** n_censor, the estimate surv, the Greenwood sum gw = sum d/(n(n-d))
** (the variance of log S; +Inf once S reaches 0) and the Nelson-Aalen
** cumulative hazard with its variance sum d/n^2.
*/
size_t km_table (const double *time, const double *status, const double *w,
                 const size_t *ord, size_t n, double *t, double *nrisk,
                 double *nevent, double *ncens, double *surv, double *gw,
                 double *cumhaz, double *varhaz);
/*
** Confidence limits of S at level z (a normal quantile) on the scale type:
** 0 plain, 1 log, 2 log-log (R's survfit conf.type).  se_log is the standard
** error of log S (sqrt of the Greenwood sum).  NaN where undefined (S = 0).
*/
void km_ci (double s, double se_log, double z, int type, double *lo,
            double *hi);
/*
** The p-quantile time of a step function (t[i], s[i]) as R's
** quantile.survfit: the first t with s <= 1 - p, or the midpoint between
** that t and the next drop when s equals 1 - p there (within 1e-8
** relative).  NaN when never reached.
*/
double km_quantile (const double *t, const double *s, size_t m, double p);

/* ---- logrank.c */
/*
** The G-rho family of tests (survdiff): groups coded 0..k-1, strata coded
** 0..ns-1 (NULL = one stratum), rows in ascending time order within each
** stratum (ord from surv_strata_order over a time order; the kernel walks
** strata in turn).  Weights at
** each death time are S(t-)^rho, S the Kaplan-Meier estimate of the pooled
** stratum.  Writes obs[k], expv[k] and the k x k variance var (column-major).
** work: 3k doubles.
*/
void logrank (const double *time, const double *status, const int *group,
              int k, const int *strata, const size_t *ord, size_t n,
              double rho, double *obs, double *expv, double *var,
              double *work);

#endif
