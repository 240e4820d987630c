/*
** Survival curves from a fitted Cox model, as survfit.coxph (Breslow's or
** Efron's hazard per the fit's ties).
**
** At the centre c of the data the cumulative hazard is H0(t) = sum over the
** event times t_k <= t of the increments haz_k of a pass at the estimate.
** At a row x (risk r = exp((x - c)' beta)) the curve is S(t) = exp(-r H0(t)).
** Its variance (Tsiatis) has a part for H0 with beta known, r^2 sum vh_k,
** and one for beta, r^2 dt' V dt with dt(t) = sum_k haz_k (x - xbar_k): the
** hazard-weighted distance between x and the mean covariates of the risk
** sets.  The pass records A_k = haz-weighted xbar_k (Efron: averaged over
** the k/d steps of each tied set), so dt = H0(t) x - sum_k A_k.
*/
#include <math.h>
#include <string.h>

#include "surv/coxsurv.h"

#define STRATUM(d, i)  ((d)->strata ? (d)->strata[i] : 0)


size_t cox_basecurve (const cox_data *d, const cox_extra *ex, double *time,
                      double *strata, double *nrisk, double *nevent,
                      double *ncens, double *cumhaz, double *cumvh,
                      double *cumA) {
  size_t n = d->n, p = d->p, nu = 0, a = 0, ev = 0, q = 0, j;
  while (a < n) {
    int s = STRATUM(d, a);
    size_t b = a, first = nu, i, lo, hi;
    double atrisk = 0;
    while (b < n && STRATUM(d, b) == s) b++;
    /* the walk from the latest time down: rows join at their stop time and
       leave once t <= start, as in cox_pass */
    i = a;
    while (i < b) {
      double t = d->stop[i], ne = 0, nc = 0;
      size_t e;
      for (e = i; e < b && d->stop[e] == t; e++) {
        double w = d->w ? d->w[e] : 1.0;
        atrisk += w;
        if (d->status[e] != 0) ne += w; else nc += w;
      }
      if (d->start) {
        while (q < n && STRATUM(d, d->sorder[q]) == s &&
               d->start[d->sorder[q]] >= t) {
          size_t o = d->sorder[q++];
          atrisk -= d->w ? d->w[o] : 1.0;
        }
      }
      time[nu] = t; strata[nu] = s;
      nrisk[nu] = atrisk; nevent[nu] = ne; ncens[nu] = nc;
      /* this time's hazard increments (0 without an event) */
      if (ev < ex->m && ex->pos[ev] == i) {
        cumhaz[nu] = ex->haz[ev]; cumvh[nu] = ex->vh[ev];
        memcpy(cumA + nu * p, ex->A + ev * p, p * sizeof(double));
        ev++;
      }
      else {
        cumhaz[nu] = cumvh[nu] = 0;
        memset(cumA + nu * p, 0, p * sizeof(double));
      }
      nu++;
      i = e;
    }
    if (d->start)
      while (q < n && STRATUM(d, d->sorder[q]) == s) q++;
    /* reverse the stratum's times to increasing order, then cumulate */
    for (lo = first, hi = nu - 1; lo < hi; lo++, hi--) {
      double tmp;
#define SWAP(v) tmp = v[lo]; v[lo] = v[hi]; v[hi] = tmp
      SWAP(time); SWAP(nrisk); SWAP(nevent); SWAP(ncens); SWAP(cumhaz);
      SWAP(cumvh);
#undef SWAP
      for (j = 0; j < p; j++) {
        tmp = cumA[lo * p + j];
        cumA[lo * p + j] = cumA[hi * p + j];
        cumA[hi * p + j] = tmp;
      }
    }
    for (i = first + 1; i < nu; i++) {
      cumhaz[i] += cumhaz[i - 1];
      cumvh[i] += cumvh[i - 1];
      for (j = 0; j < p; j++) cumA[i * p + j] += cumA[(i - 1) * p + j];
    }
    a = b;
  }
  return nu;
}


void cox_curve (size_t m, size_t p, const double *cumhaz, const double *cumvh,
                const double *cumA, const double *V, const double *xc,
                double risk, double z, int type, double *surv, double *chaz,
                double *sehaz, double *lower, double *upper, double *work) {
  size_t k, j, l;
  double *dt = work;
  for (k = 0; k < m; k++) {
    double q = 0, v;
    for (j = 0; j < p; j++) dt[j] = cumhaz[k] * xc[j] - cumA[k * p + j];
    for (j = 0; j < p; j++) {
      double s = 0;
      for (l = 0; l < p; l++) s += V[j + l * p] * dt[l];
      q += dt[j] * s;
    }
    v = cumvh[k] + q;
    chaz[k] = risk * cumhaz[k];
    surv[k] = exp(-chaz[k]);
    sehaz[k] = risk * sqrt(v > 0 ? v : 0);
    km_ci(surv[k], sehaz[k], z, type, &lower[k], &upper[k]);
  }
}
