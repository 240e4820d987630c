/*
** Kaplan-Meier with case weights and delayed entry, its infinitesimal
** jackknife variance, the restricted mean (km.c), and the Aalen-Johansen
** cumulative incidence of competing risks (cif.c).  Plain C on arrays, no
** statics; the simpler right-censored table (km_table) and the confidence
** limits (km_ci, km_se) are declared in surv.h.  Formulas:
** docs/methods/surv.md.
*/
#ifndef km_h
#define km_h

#include <stddef.h>

/*
** One curve's data.  start NULL: every row at risk from time 0 (right
** censored); otherwise row i is at risk on (start[i], stop[i]] (start <
** stop, checked by the caller) and sord lists the rows by ascending start.
** ord lists the rows by ascending stop (NULL: already in that order).
** status 0 (censored) or 1 (event) for km_fit; w NULL for unit weights,
** else every w[i] > 0.
*/
typedef struct km_data {
  size_t n;
  const double *start, *stop, *status, *w;
  const size_t *ord, *sord;
} km_data;

/* The number of distinct stop times of d (the rows of km_fit's table). */
size_t km_ntimes (const km_data *d);

/*
** The Kaplan-Meier table of d, one row per distinct stop time (m <= n,
** returned), as km_table (surv.h): t, n_risk (the weight at risk, start <
** t <= stop), n_event, n_censor, surv, the Greenwood sum gw and the
** Nelson-Aalen cumulative hazard with its variance sum.  Any output may be
** NULL; each has room for n.  No work array.
*/
size_t km_fit (const km_data *d, double *t, double *nrisk, double *nevent,
               double *ncens, double *surv, double *gw, double *cumhaz,
               double *varhaz);

/*
** The infinitesimal jackknife variance of km_fit's m rows (R's survfit
** robust variance, each row its own cluster): overwrites gw with the
** variance of log S (so that km_se applies; 0 where S = 0, as R's standard
** error there) and varhaz with the variance of the cumulative hazard.  t,
** nrisk, nevent, surv: km_fit's outputs.  work: km_ij_work(n, m) doubles.
*/
size_t km_ij_work (size_t n, size_t m);
void km_ij (const km_data *d, size_t m, const double *t, const double *nrisk,
            const double *nevent, const double *surv, double *gw,
            double *varhaz, double *work);

/*
** The restricted mean survival time up to tau (the area under the curve
** from 0) and its standard error, as R's print.survfit(rmean = tau):
** sum over event times t_j <= tau of (the area from t_j to tau)^2 d/(n(n-d))
** (0 where n = d).  The caller checks 0 <= tau <= t[m-1].
*/
void km_rmean (const double *t, const double *surv, const double *nrisk,
               const double *nevent, size_t m, double tau, double *rmean,
               double *se);

/*
** The Aalen-Johansen cumulative incidence of ncause competing causes from
** right-censored data (start NULL in d), status[i] in 0..ncause (0 =
** censored, c = cause c).  At each of the m distinct times (returned; each
** output has room for n, matrices n x ncause column-major with leading
** dimension ldm): t, n_risk, the events of each cause nev, n_censor,
** the all-cause survival surv with its IJ standard error sse, the
** incidences cif with their IJ standard errors cse (survfit's robust
** variance, each row its own cluster).  work: cif_work(n, ncause) doubles.
*/
size_t cif_work (size_t n, int ncause);
size_t cif_fit (const km_data *d, int ncause, size_t ldm, double *t,
                double *nrisk, double *nev, double *ncens, double *surv,
                double *sse, double *cif, double *cse, double *work);

/*
** Confidence limits of len probabilities p with standard errors se (not of
** log p), at level z on the scale type as km_ci, as R's survfit_confint
** with logse = FALSE: missing where p = 0 on the log scales, [0, 0] on the
** plain one.
*/
void cif_ci (size_t len, const double *p, const double *se, double z,
             int type, double *lo, double *hi);

#endif
