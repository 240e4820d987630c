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


/* log s(z), log s(-z), s(z), s(-z) from one exp and one log1p: with
   t = exp(-|z|), log s(z) = min(z, 0) - log1p(t) and s(|z|) = 1/(1 + t);
   the same values as the formulas above (up to the rounding of t q). */
typedef struct sig4 { double lp, lm, sp, sm; } sig4;

/* log1p(t) for 0 <= t <= 1 as log(u) t / (u - 1), u = 1 + t (Goldberg,
   "What every computer scientist should know about floating-point
   arithmetic", 1991, thm 4): within a few ulps, and three times faster
   than glibc's log1p, which dominated the loss's cost */
static double log1p01 (double t) {
  double u = 1 + t;
  return u == 1 ? t : log(u) * (t / (u - 1));
}

static void sig4_of (double z, sig4 *o) {
  double t = exp(-fabs(z)), l1 = log1p01(t), q = 1 / (1 + t);
  if (z >= 0) { o->lp = -l1; o->lm = -z - l1; o->sp = q; o->sm = t * q; }
  else { o->lp = z - l1; o->lm = -l1; o->sp = t * q; o->sm = q; }
}


/*
** One pair: the loss and dL/drw, dL/drl (rw, rl the policy-reference log-
** ratios as the loss uses them; the caller turns these into derivatives
** with respect to the policy inputs).
*/
static double pair (int loss, double rw, double rl, double b, double e,
                    double *dw, double *dl) {
  double D = rw - rl, z = b * D, L, g;
  sig4 s;
  switch (loss) {
    case DPO_SIGMOID: case DPO_CDPO:
      /* -(1-e) ls(z) - e ls(-z); d/dz = -(1-e) s(-z) + e s(z) */
      sig4_of(z, &s);
      if (e == 0) { L = -s.lp; g = -b * s.sm; }
      else {
        L = -(1 - e) * s.lp - e * s.lm;
        g = b * (-(1 - e) * s.sm + e * s.sp);
      }
      *dw = g; *dl = -g;
      return L;
    case DPO_ROBUST:
      sig4_of(z, &s);
      L = (-(1 - e) * s.lp + e * s.lm) / (1 - 2 * e);
      g = b * (-(1 - e) * s.sm - e * s.sp) / (1 - 2 * e);
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
      sig4_of(z, &s);
      L = s.sp * (s.lp - log1p(-ee)) + s.sm * (s.lm - log(ee));
      g = b * s.sp * s.sm * (z - log1p(-ee) + log(ee));
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


/*
** DPO's own loss (sigmoid without label smoothing) with every output: the
** case of training loops and of the benchmark, written out so that the
** compiler sees one straight loop: -ls(z) = log1p(t) - min(z, 0) and
** d/dz = -s(-z), with t = exp(-|z|) shared.
*/
static int sigmoid_loop (size_t n, const double *lw, const double *ll,
                         const double *Lw, const double *Ll, double b,
                         double *losses, double *gc, double *gr, double *rc,
                         double *rr, dpo_sums *sums, size_t *bad) {
  size_t i;
  double sl = 0, sc = 0, sm = 0;
  for (i = 0; i < n; i++) {
    double rw = lw[i] - Lw[i], rl = ll[i] - Ll[i];
    double cw = b * rw, cl = b * rl, z = b * (rw - rl);
    double t = exp(-fabs(z)), u = 1 + t, q = 1 / u, L, g;
    if (!isfinite(rw) || !isfinite(rl)) { *bad = i; return PREF_ENOTFINITE; }
    L = (u == 1 ? t : log(u) * (t / (u - 1))) - (z < 0 ? z : 0);
    g = -b * (z >= 0 ? t * q : q);
    losses[i] = L; gc[i] = g; gr[i] = -g; rc[i] = cw; rr[i] = cl;
    sl += L;
    sc += rw > rl;
    sm += b * (rw - rl);
    if ((i & POLL_MASK) == POLL_MASK && ORR_INTERRUPTED()) return PREF_EINTR;
  }
  sums->loss = sl; sums->correct = sc; sums->margin = sm;
  return PREF_OK;
}


int pref_dpo (int loss, size_t n, const double *lw, const double *ll,
              const double *Lw, const double *Ll, const double *lenc,
              const double *lenr, size_t nlen, double beta, double e,
              double *losses, double *gc, double *gr, double *rc, double *rr,
              dpo_sums *sums, size_t *bad) {
  size_t i;
  double sl = 0, sc = 0, sm = 0;
  int ipo = loss == DPO_IPO;
  if ((loss == DPO_SIGMOID || loss == DPO_CDPO) && e == 0 && losses && gc &&
      gr && rc && rr)
    return sigmoid_loop(n, lw, ll, Lw, Ll, beta, losses, gc, gr, rc, rr, sums,
                        bad);
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
