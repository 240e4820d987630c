/*
** Survival curves from a fitted Cox model (survfit.coxph): the per-stratum
** base curve at the centre of the data, and its expansion at new covariate
** rows with standard errors (Tsiatis' variance) and confidence limits.
** Plain C on arrays; formulas in docs/methods/surv.md.
*/
#ifndef coxsurv_h
#define coxsurv_h

#include <stddef.h>

#include "surv/surv.h"

/*
** The base curve of each stratum at every distinct stop time, in
** increasing time within a stratum (strata in d's order), from a pass at
** the estimate that recorded ex->pos, haz, vh and A (x centred as in d).
** Writes per time: time, strata (the code), nrisk (the weighted number at
** risk: stop >= t, start < t), nevent and ncens (weighted, at t), cumhaz
** (the cumulative hazard at the centre), cumvh (the running sum of the
** variance increments, R's cumsum(varhaz)) and cumA (ROW-major, p per
** time: the running sum of the hazard-weighted mean covariates, R's
** xbar).  Each output has room for n times (cumA n p).  Returns the count.
*/
size_t cox_basecurve (const cox_data *d, const cox_extra *ex, double *time,
                      double *strata, double *nrisk, double *nevent,
                      double *ncens, double *cumhaz, double *cumvh,
                      double *cumA);

/*
** The curve at one covariate row xc (p, centred as the base curve), risk
** exp(xc' beta), over m base times (cumhaz, cumvh, cumA as cox_basecurve
** wrote them): chaz = risk cumhaz, surv = exp(-chaz), sehaz = the standard
** error of chaz, risk sqrt(cumvh + dt' V dt) with dt = cumhaz xc - cumA (V
** p x p column-major, the model's variance), and the limits at level z on
** the scale type (km_ci).  work: p doubles.
*/
void cox_curve (size_t m, size_t p, const double *cumhaz, const double *cumvh,
                const double *cumA, const double *V, const double *xc,
                double risk, double z, int type, double *surv, double *chaz,
                double *sehaz, double *lower, double *upper, double *work);

#endif
