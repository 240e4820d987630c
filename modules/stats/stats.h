/*
** The status codes of the stats kernels (dist.c, desc.c) and their
** messages, one enum for the module. Formulas and sources:
** docs/methods/stats.md.
*/
#ifndef stats_h
#define stats_h

typedef enum {
  STATS_OK = 0,
  STATS_EPROB,      /* a probability outside [0, 1] (log p > 0) */
  STATS_EFAIL,      /* no accurate value could be computed */
  STATS_ERANGE,     /* the quantile lies beyond the doubles */
  STATS_EINTR,      /* ORR_INTERRUPTED() was seen (polled per block) */
  STATS_ENOTPD,     /* a covariance matrix is not positive definite */
  STATS_ELAPACK,    /* LAPACK failed (the eigen solver did not converge) */
  STATS_ESMALL      /* too few rows for the columns (control variates) */
} stats_status;

/* The message of a status (STATS_OK: "ok"), without the function's name. */
const char *stats_strerror (int status);

#endif
