/*
** The DPO loss family over vectors of summed log-probabilities: per-pair
** losses, their derivatives with respect to the two policy inputs, and
** TRL's metrics, in one pass with no work space.  Every log-sigmoid is
** computed as x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x)), so inputs of
** +-1e4 give finite, exact values.  Formulas: docs/methods/pref.md.
*/
#include <math.h>

#include "ointr.h"
#include "pref/pref.h"

/* pairs between polls of the interrupt flag */
#define POLL_MASK  0xffff


const char *pref_strerror (int status) {
  switch (status) {
    case PREF_OK: return "ok";
    case PREF_EINTR: return "interrupted";
    case PREF_ENOTFINITE: return "an input is NaN or infinite";
    case PREF_ELEN: return "a sequence length is not positive";
    case PREF_EMAXITER: return "Newton did not converge";
    case PREF_ESINGULAR: return "the information matrix is singular";
    case PREF_ENOMLE: return "the maximum likelihood estimate does not exist "
                             "(the graph of wins is not strongly connected)";
    default: return "unknown status";
  }
}


double pref_logsig (double x) {
  return x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x));
}


double pref_sig (double x) {
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  else {
    double t = exp(x);
    return t / (1.0 + t);
  }
}

#define ls  pref_logsig
#define sg  pref_sig


/*
** One pair: the loss and dL/drw, dL/drl (rw, rl the policy-reference log-
** ratios as the loss uses them; the caller turns these into derivatives
** with respect to the policy inputs).
*/
static double pair (int loss, double rw, double rl, double b, double e,
                    double *dw, double *dl) {
  double D = rw - rl, z = b * D, L, g;
  switch (loss) {
    case DPO_SIGMOID: case DPO_CDPO:
      /* -(1-e) ls(z) - e ls(-z); d/dz = -(1-e) s(-z) + e s(z) */
      L = -(1 - e) * ls(z) - (e != 0 ? e * ls(-z) : 0);
      g = b * (-(1 - e) * sg(-z) + e * sg(z));
      *dw = g; *dl = -g;
      return L;
    case DPO_ROBUST:
      L = (-(1 - e) * ls(z) + (e != 0 ? e * ls(-z) : 0)) / (1 - 2 * e);
      g = b * (-(1 - e) * sg(-z) - e * sg(z)) / (1 - 2 * e);
      *dw = g; *dl = -g;
      return L;
    case DPO_HINGE:
      /* relu(1 - z); the derivative at the kink is 0, as torch's relu */
      L = 1 - z;
      if (L > 0) { *dw = -b; *dl = b; return L; }
      *dw = *dl = 0;
      return 0;
    case DPO_IPO: {
      double h = D - 1 / (2 * b);
      *dw = 2 * h; *dl = -2 * h;
      return h * h;
    }
    case DPO_BCO_PAIR:
      *dw = -b * sg(-b * rw); *dl = b * sg(b * rl);
      return -ls(b * rw) - ls(-b * rl);
    case DPO_SPPO_HARD: {
      double hw = rw - 1 / (2 * b), hl = rl + 1 / (2 * b);
      *dw = 2 * hw; *dl = 2 * hl;
      return hw * hw + hl * hl;
    }
    case DPO_NCA_PAIR:
      *dw = -b * sg(-b * rw) + 0.5 * b * sg(b * rw);
      *dl = 0.5 * b * sg(b * rl);
      return -ls(b * rw) - 0.5 * ls(-b * rw) - 0.5 * ls(-b * rl);
    case DPO_APO_ZERO: {
      double sw = sg(b * rw), sl = sg(b * rl);
      *dw = -b * sw * sg(-b * rw); *dl = b * sl * sg(-b * rl);
      return (1 - sw) + sl;
    }
    case DPO_APO_DOWN: {
      double sw = sg(b * rw), sz = sg(z), p = b * sz * sg(-z);
      *dw = b * sw * sg(-b * rw) - p; *dl = p;
      return sw + (1 - sz);
    }
    case DPO_EXO_PAIR: {
      /* s(z)(ls(z) - log1p(-e)) + s(-z)(ls(-z) - log e); since
         ls(z) - ls(-z) = z, d/dz = s(z) s(-z) (z - log((1-e)/e)) */
      double ee = e == 0 ? DPO_EXO_EPS : e;
      double sp = sg(z), sm = sg(-z);
      L = sp * (ls(z) - log1p(-ee)) + sm * (ls(-z) - log(ee));
      g = b * sp * sm * (z - log1p(-ee) + log(ee));
      *dw = g; *dl = -g;
      return L;
    }
    case DPO_DISCOPOP: {
      /* m = s(z/tau); (1-m)(-ls z) + m exp(-z), with m exp(-z) as
         E = exp(ls(z/tau) - z): no 0 * inf for large negative z.
         d/dz = -(m(1-m)/tau)(-ls z) - (1-m) s(-z) + E ((1-m)/tau - 1) */
      double t = DPO_DISCOPOP_TAU, u = z / t;
      double m = sg(u), m1 = sg(-u), nlz = -ls(z);
      double E = exp(ls(u) - z);
      L = m1 * nlz + E;
      g = b * (-(m * m1 / t) * nlz - m1 * sg(-z) + E * (m1 / t - 1));
      *dw = g; *dl = -g;
      return L;
    }
    default:
      *dw = *dl = NAN;
      return NAN;
  }
}


int pref_dpo (int loss, size_t n, const double *lw, const double *ll,
              const double *Lw, const double *Ll, const double *lenc,
              const double *lenr, size_t nlen, double beta, double e,
              double *losses, double *gc, double *gr, double *rc, double *rr,
              dpo_sums *sums, size_t *bad) {
  size_t i;
  double sl = 0, sc = 0, sm = 0;
  int ipo = loss == DPO_IPO;
  for (i = 0; i < n; i++) {
    double rw = lw[i] - Lw[i], rl = ll[i] - Ll[i], cw = 1, cl = 1, dw, dl, L;
    if (!isfinite(rw) || !isfinite(rl)) { *bad = i; return PREF_ENOTFINITE; }
    if (ipo && lenc != NULL) {
      /* per-token averages: d(rw/nc)/dlw = 1/nc */
      size_t j = nlen == 1 ? 0 : i;
      double nc = lenc[j], nr = lenr[j];
      if (!(nc > 0 && nr > 0 && isfinite(nc) && isfinite(nr))) {
        *bad = j; return PREF_ELEN;
      }
      cw = 1 / nc; cl = 1 / nr;
      rw *= cw; rl *= cl;
    }
    L = pair(loss, rw, rl, beta, e, &dw, &dl);
    if (losses) losses[i] = L;
    if (gc) gc[i] = dw * cw;
    if (gr) gr[i] = dl * cl;
    if (rc) rc[i] = beta * rw;
    if (rr) rr[i] = beta * rl;
    sl += L;
    sc += rw > rl;
    sm += beta * (rw - rl);
    if ((i & POLL_MASK) == POLL_MASK && ORR_INTERRUPTED()) return PREF_EINTR;
  }
  sums->loss = sl; sums->correct = sc; sums->margin = sm;
  return PREF_OK;
}
