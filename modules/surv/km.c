/*
** Kaplan-Meier and Nelson-Aalen estimates, their confidence limits and
** quantiles, as R's survfit (conf.type "log" is its default).
*/
#include <math.h>

#include "surv/surv.h"
#include "surv/km.h"

/* with weights, the weight left at risk after the deaths is a difference
   of sums: below this fraction of the risk set it is rounding, S = 0 */
#define KM_ZERO  1e-12
/* quantile.survfit's tolerance for S equal to 1 - p (relative) */
#define KM_QUANTILE_TOL  1e-8


#define ORD(i) (ord ? ord[i] : (i))
#define W(i) (w ? w[i] : 1.0)

size_t km_fit (const km_data *d, double *t, double *nrisk, double *nevent,
               double *ncens, double *surv, double *gw, double *cumhaz,
               double *varhaz) {
  const double *time = d->stop, *status = d->status, *w = d->w;
  const double *start = d->start;
  const size_t *ord = d->ord, *sord = d->sord;
  double atrisk = 0, s = 1, g = 0, h = 0, vh = 0;
  size_t n = d->n, i, p = 0, m = 0;
  if (start == NULL)
    for (i = 0; i < n; i++) atrisk += W(i);
  i = 0;
  while (i < n) {
    double tt = time[ORD(i)], dd = 0, c = 0, left;
    /* delayed entry: at risk from just after the start time */
    if (start)
      for (; p < n && start[sord[p]] < tt; p++) atrisk += W(sord[p]);
    left = atrisk;
    for (; i < n && time[ORD(i)] == tt; i++) {
      double wi = W(ORD(i));
      if (status[ORD(i)] != 0) dd += wi; else c += wi;
      atrisk -= wi;
    }
    if (dd > 0) {
      /* left - dd is a difference of sums: exactly 0 when all die, by the
         order of the subtractions above, which gives S = 0 and g = Inf */
      double rest = left - dd;
      if (rest <= KM_ZERO * left) { s = 0; g = INFINITY; }
      else { s *= rest / left; g += dd / (left * rest); }
      h += dd / left;
      vh += dd / (left * left);
    }
    if (t) t[m] = tt;
    if (nrisk) nrisk[m] = left;
    if (nevent) nevent[m] = dd;
    if (ncens) ncens[m] = c;
    if (surv) surv[m] = s;
    if (gw) gw[m] = g;
    if (cumhaz) cumhaz[m] = h;
    if (varhaz) varhaz[m] = vh;
    m++;
  }
  return m;
}


size_t km_ntimes (const km_data *d) {
  const double *time = d->stop;
  const size_t *ord = d->ord;
  size_t i, m = 0;
  for (i = 0; i < d->n; i++)
    if (i == 0 || time[ORD(i)] != time[ORD(i - 1)]) m++;
  return m;
}


size_t km_table (const double *time, const double *status, const double *w,
                 const size_t *ord, size_t n, double *t, double *nrisk,
                 double *nevent, double *ncens, double *surv, double *gw,
                 double *cumhaz, double *varhaz) {
  km_data d;
  d.n = n; d.start = NULL; d.stop = time; d.status = status; d.w = w;
  d.ord = ord; d.sord = NULL;
  return km_fit(&d, t, nrisk, nevent, ncens, surv, gw, cumhaz, varhaz);
}


/*
** The influence of row i on log S(t_J) is a_i(J) = sum over event times
** t_j <= min(t_J, stop_i) with t_j > start_i of c_j = h_j / (n_j - d_j),
** less e_j = 1 / (n_j - d_j) at its own time if it is an event (h = d/n);
** the cumulative hazard the same with c_j = h_j / n_j, e_j = 1 / n_j.  So
** a row still at risk after t_J contributes (C_J - C(start_i))^2, C the
** running sum of c, and a row that has left a constant: one pass keeps the
** sums of w^2, w^2 C(start) and w^2 C(start)^2 over the rows at risk and
** the sum of w^2 a^2 over the rows that have left.
*/
size_t km_ij_work (size_t n, size_t m) {
  return 2 * n + 2 * m + 2;
}

void km_ij (const km_data *d, size_t m, const double *t, const double *nrisk,
            const double *nevent, const double *surv, double *gw,
            double *varhaz, double *work) {
  const double *time = d->stop, *status = d->status, *w = d->w;
  const double *start = d->start;
  const size_t *ord = d->ord, *sord = d->sord;
  size_t n = d->n, i = 0, p = 0, q = 0, j;
  double *cs = work, *ch = work + n;          /* C(start) of each row */
  double *CS = work + 2 * n, *CH = CS + m;    /* running sums, per time */
  double q0 = 0, q1s = 0, q2s = 0, q1h = 0, q2h = 0, ds = 0, dh = 0;
  double cums = 0, cumh = 0;
  if (start == NULL) {
    for (i = 0; i < n; i++) { q0 += W(i) * W(i); cs[i] = ch[i] = 0; }
    i = 0;
  }
  for (j = 0; j < m; j++) {
    double tt = t[j], nj = nrisk[j], dj = nevent[j], rest = nj - dj;
    double e_s = 0, e_h = 0;
    if (start)
      for (; p < n && start[sord[p]] < tt; p++) {
        size_t r = sord[p];
        double w2 = W(r) * W(r), a, b;
        /* C at the last time <= start: t[q - 1] */
        for (; q < j && t[q] <= start[r]; q++) ;
        a = q ? CS[q - 1] : 0; b = q ? CH[q - 1] : 0;
        cs[r] = a; ch[r] = b;
        q0 += w2; q1s += w2 * a; q2s += w2 * a * a; q1h += w2 * b; q2h += w2 * b * b;
      }
    if (dj > 0) {
      double hj = dj / nj;
      if (rest > KM_ZERO * nj) { cums += hj / rest; e_s = 1 / rest; }
      cumh += hj / nj; e_h = 1 / nj;
    }
    CS[j] = cums; CH[j] = cumh;
    for (; i < n && time[ORD(i)] == tt; i++) {
      size_t r = ORD(i);
      double w2 = W(r) * W(r), as, ah;
      double ev = status[r] != 0;
      q0 -= w2; q1s -= w2 * cs[r]; q2s -= w2 * cs[r] * cs[r];
      q1h -= w2 * ch[r]; q2h -= w2 * ch[r] * ch[r];
      as = cums - cs[r] - ev * e_s;
      ah = cumh - ch[r] - ev * e_h;
      ds += w2 * as * as; dh += w2 * ah * ah;
    }
    {
      double vs = ds + q0 * cums * cums - 2 * cums * q1s + q2s;
      double vh = dh + q0 * cumh * cumh - 2 * cumh * q1h + q2h;
      /* S = 0: every row at risk died, and R's standard error there is 0 */
      gw[j] = surv[j] > 0 ? (vs > 0 ? vs : 0) : 0;
      varhaz[j] = vh > 0 ? vh : 0;
    }
  }
}


void km_rmean (const double *t, const double *surv, const double *nrisk,
               const double *nevent, size_t m, double tau, double *rmean,
               double *se) {
  size_t k = 0, j;
  double area = 0, var = 0, mean;
  while (k < m && t[k] <= tau) k++;   /* the rows at or before tau */
  if (k == 0) { *rmean = tau; *se = 0; return; }
  mean = t[0];    /* S = 1 from 0 to the first time */
  for (j = k; j-- > 0; ) {
    double next = j + 1 < k ? t[j + 1] : tau;
    double rect = (next - t[j]) * surv[j];
    double nj = nrisk[j], dj = nevent[j];
    area += rect;        /* the area from t_j to tau */
    mean += rect;
    if (nj - dj != 0) var += area * area * dj / (nj * (nj - dj));
  }
  *rmean = mean;
  *se = sqrt(var);
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
