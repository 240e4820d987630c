/*
** Distribution kernels: densities, distribution functions and quantiles on
** arrays, from GSL, with log-space tails and a bracketed root finder where
** GSL's own values underflow or fail. Plain C, no Lua, no allocation.
**
** Parameters (par[]), in R's positional order:
**   DIST_NORM  mean, sd          DIST_T     df
**   DIST_CHISQ df                DIST_F     df1, df2
**   DIST_BETA  a, b              DIST_GAMMA shape, rate
**   DIST_BINOM size, prob        DIST_POIS  lambda
** NaN in x (or p) gives NaN out (a missing value stays missing).
*/
#ifndef stats_dist_h
#define stats_dist_h

#include <stddef.h>
#include "stats/stats.h"

enum { DIST_NORM, DIST_T, DIST_CHISQ, DIST_F, DIST_BETA, DIST_GAMMA,
       DIST_BINOM, DIST_POIS, DIST_COUNT };

/* The kernels return a stats_status (stats.h): STATS_OK, STATS_EPROB,
   STATS_EFAIL, STATS_ERANGE or STATS_EINTR (polled per block). */

/* Number of parameters of a distribution. */
int dist_npar (int dist);
/*
** NULL when par[] is valid for dist, else a message naming the problem
** ("sd must be positive and finite"); *which gets the bad parameter's index.
*/
const char *dist_checkpar (int dist, const double *par, int *which);

/*
** out[i] = density (log density when give_log) at x[i]. Never fails for
** valid parameters; returns STATS_OK.
*/
int dist_d (int dist, const double *par, const double *x, double *out,
            size_t n, int give_log, size_t *bad);
/*
** out[i] = P(X <= x[i]) (lower) or P(X > x[i]); log of it when give_log.
** On failure returns a status and sets *bad to the index.
*/
int dist_p (int dist, const double *par, const double *x, double *out,
            size_t n, int lower, int give_log, size_t *bad);
/*
** out[i] = the quantile at probability p[i] (log p when log_p), of the lower
** tail or (lower = 0) of the upper tail. Not for DIST_BINOM, DIST_POIS.
*/
int dist_q (int dist, const double *par, const double *p, double *out,
            size_t n, int lower, int log_p, size_t *bad);

/* log Phi(z) and log(1 - Phi(z)) without underflow (exposed for tests) */
double dist_lognorm_tail (double z, int lower);

/*
** R's round(x, digits) (R >= 4.0.0): of the two decimals with 'digits'
** digits that bracket x, the one nearer to x as doubles measure it; a tie
** goes to the even last digit. digits is rounded to an integer; 0 rounds
** half to even.
*/
double dist_round (double x, double digits);

#endif
