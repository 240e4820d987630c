/*
** Kaplan-Meier and Nelson-Aalen estimates, their confidence limits and
** quantiles, as R's survfit (conf.type "log" is its default).
*/
#include <math.h>

#include "surv/surv.h"

/* with weights, the weight left at risk after the deaths is a difference
   of sums: below this fraction of the risk set it is rounding, S = 0 */
#define KM_ZERO  1e-12
/* quantile.survfit's tolerance for S equal to 1 - p (relative) */
#define KM_QUANTILE_TOL  1e-8


#define ORD(i) (ord ? ord[i] : (i))

size_t km_table (const double *time, const double *status, const double *w,
                 const size_t *ord, size_t n, double *t, double *nrisk,
                 double *nevent, double *ncens, double *surv, double *gw,
                 double *cumhaz, double *varhaz) {
  double atrisk = 0, s = 1, g = 0, h = 0, vh = 0;
  size_t i, m = 0;
  for (i = 0; i < n; i++) atrisk += w ? w[i] : 1.0;
  i = 0;
  while (i < n) {
    double tt = time[ORD(i)], d = 0, c = 0, left = atrisk;
    for (; i < n && time[ORD(i)] == tt; i++) {
      double wi = w ? w[ORD(i)] : 1.0;
      if (status[ORD(i)] != 0) d += wi; else c += wi;
      atrisk -= wi;
    }
    if (d > 0) {
      /* left - d is a difference of sums: exactly 0 when all die, by the
         order of the subtractions above, which gives S = 0 and g = Inf */
      double rest = left - d;
      if (rest <= KM_ZERO * left) { s = 0; g = INFINITY; }
      else { s *= rest / left; g += d / (left * rest); }
      h += d / left;
      vh += d / (left * left);
    }
    if (t) t[m] = tt;
    if (nrisk) nrisk[m] = left;
    if (nevent) nevent[m] = d;
    if (ncens) ncens[m] = c;
    if (surv) surv[m] = s;
    if (gw) gw[m] = g;
    if (cumhaz) cumhaz[m] = h;
    if (varhaz) varhaz[m] = vh;
    m++;
  }
  return m;
}


void km_ci (double s, double se_log, double z, int type, double *lo,
            double *hi) {
  if (!(s > 0) || !isfinite(se_log)) { *lo = *hi = NAN; return; }
  switch (type) {
    case 0: {  /* plain: S +- z se(S), clipped to [0, 1] */
      double e = z * se_log * s;
      *lo = s - e < 0 ? 0 : s - e;
      *hi = s + e > 1 ? 1 : s + e;
      break;
    }
    case 1: {  /* log: S exp(+-z se(log S)), the upper limit capped at 1 */
      double e = z * se_log;
      *lo = s * exp(-e);
      *hi = s * exp(e);
      if (*hi > 1) *hi = 1;
      break;
    }
    default: {  /* log-log: on log(-log S), se = se(log S) / |log S| */
      double ls = log(s);
      if (ls == 0) { *lo = *hi = NAN; return; }
      {
        double e = z * se_log / fabs(ls);
        /* S = exp(-exp(u)): a larger u is a smaller S */
        *lo = exp(-exp(log(-ls) + e));
        *hi = exp(-exp(log(-ls) - e));
      }
      break;
    }
  }
}


void km_se (size_t m, const double *surv, double *gw, double *varhaz,
            double z, int type, double *se, double *lower, double *upper) {
  size_t i;
  for (i = 0; i < m; i++) {
    double sl = sqrt(gw[i]);   /* Greenwood sum -> se of log S */
    gw[i] = sl;
    se[i] = isfinite(sl) ? surv[i] * sl : NAN;
    km_ci(surv[i], sl, z, type, &lower[i], &upper[i]);
    varhaz[i] = sqrt(varhaz[i]);
  }
}


double km_quantile (const double *t, const double *s, size_t m, double p) {
  double target = 1 - p, tol = KM_QUANTILE_TOL;
  size_t i, j;
  for (i = 0; i < m; i++) {
    if (isnan(s[i])) continue;
    if (fabs(s[i] - target) <= tol * target) {
      /* flat at the target: midway to the next time the curve drops */
      for (j = i + 1; j < m; j++)
        if (!isnan(s[j]) && s[j] < s[i] - tol * target) return (t[i] + t[j]) / 2;
      return t[i];
    }
    if (s[i] < target) return t[i];
  }
  return NAN;
}
