/*
** The DPO loss family over vectors of summed log-probabilities: per-pair
** losses, their derivatives with respect to the two policy inputs, and
** TRL's metrics, in one pass with no work space.  Every log-sigmoid is
** computed as x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x)), so inputs of
** +-1e4 give finite, exact values.  Formulas: docs/methods/pref.md.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>

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
** exp(x) for x <= 0 and log1p(t) for 0 <= t <= 1 without branches or
** tables, so that the compiler can run them on vectors (libm's calls
** cannot be).  Both within 1 ulp of the exact value over their domains:
** tests/c/test_pref.c checks millions of arguments against long double.
**
** exp: x = k ln 2 + r with |r| <= ln 2 / 2 (Cody and Waite: ln 2 in two
** parts, the first with 28 significant bits so that k LN2HI is exact for
** |k| < 2^24), e^r by its Taylor series to r^13 (the next term is below
** 2^-57 relative), times 2^k as two powers of 2 so that results down to
** the smallest subnormal are rounded once.  Below -750 the result is 0.
*/
#if defined(__GNUC__) && !defined(__clang__)
/* GCC vectorises these loops only at -O3 and without -ftrapping-math (it
   will not if-convert a floating-point comparison that might trap); the
   code raises no exception it relies on */
#pragma GCC push_options
#pragma GCC optimize ("O3", "no-trapping-math")
#endif

#define LN2HI   0x1.62e42feep-1
#define LN2LO   0x1.a39ef35793c76p-33
#define LOG2E   0x1.71547652b82fep+0
#define SHIFTER 0x1.8p52          /* adding it rounds to an integer */

static double asdouble (uint64_t u) { double x; memcpy(&x, &u, 8); return x; }
static uint64_t asuint (double x) { uint64_t u; memcpy(&u, &x, 8); return u; }

static inline double expneg (double x) {
  double kd, r, r2, r4, p;
  uint64_t k, k1;
  x = x < -750 ? -750 : x;
  kd = x * LOG2E + SHIFTER;
  /* k + 2048 >= 0 from the bits of kd (their low bits are k, 2's
     complement); k1 = floor(k / 2), k2 = k - k1, each >= -542 */
  k = asuint(kd) - asuint(SHIFTER) + 2048;
  kd -= SHIFTER;
  r = (x - kd * LN2HI) - kd * LN2LO;
  /* e^r = 1 + r + r^2 P(r), P by Estrin's scheme: a short dependency
     chain, so that the processor overlaps consecutive pairs */
  r2 = r * r; r4 = r2 * r2;
  p = ((1.0/2 + 1.0/6 * r) + r2 * (1.0/24 + 1.0/120 * r))
    + r4 * ((1.0/720 + 1.0/5040 * r) + r2 * (1.0/40320 + 1.0/362880 * r))
    + (r4 * r4) * ((1.0/3628800 + 1.0/39916800 * r)
                   + r2 * (1.0/479001600 + 1.0/6227020800 * r));
  p = 1 + (r + r2 * p);
  k1 = k >> 1;                                /* floor(k / 2) + 1024 */
  return p * asdouble((k1 - 1) << 52)         /* 2^(k1 - 1024 + 1023) */
           * asdouble((k - k1 - 1024 + 1023) << 52);
}

/*
** log1p: u = 1 + t rounded, c = (t - (u - 1)) / u the first-order
** correction for that rounding (q = 1 / u is the caller's, who needs it
** anyway); log u = j ln 2 + log(1 + f), f = u / 2^j - 1 exact, j = [u >
** sqrt 2], and with s = f / (2 + f), log(1 + f) = f - f^2/2 + s (f^2/2 +
** R), R = 2 s^2/3 + 2 s^4/5 + ... (2 atanh s = log(1 + f); |s| <= 0.172,
** the terms to s^21 leave below 2^-60).
*/
static inline double log1p01q (double t, double u, double q) {
  /* selects between values, never between operations: the compiler may
     not speculate a floating-point operation that could trap */
  int big = u > 0x1.6a09e667f3bcdp+0;
  double j = big ? 1 : 0, m = u * (big ? 0.5 : 1);
  double f = m - 1, s = f / (2 + f), z = s * s, hf = 0.5 * f * f, R;
  double c = (t - (u - 1)) * q;
  double z2 = z * z, z4 = z2 * z2;
  R = z * (((2.0/3 + 2.0/5 * z) + z2 * (2.0/7 + 2.0/9 * z))
           + z4 * ((2.0/11 + 2.0/13 * z) + z2 * (2.0/15 + 2.0/17 * z))
           + (z4 * z4) * (2.0/19 + 2.0/21 * z));
  return j * LN2HI + (f - (hf - (s * (hf + R) + (j * LN2LO + c))));
}

double pref_expneg (double x) { return expneg(x); }
double pref_log1p01 (double t) { double u = 1 + t; return log1p01q(t, u, 1 / u); }


/* pairs per block of sigmoid_loop: its work space, 2 blocks on the stack */
#define BLOCK  512

/*
** DPO's own loss (sigmoid without label smoothing) with every output: the
** case of training loops and of the benchmark.  -ls(z) = log1p(t) -
** min(z, 0) and d/dz = -s(-z), with t = exp(-|z|) shared.  A block of
** pairs at a time: first straight-line code over the whole block (the
** compiler vectorises it), then the sums in order and the check of the
** inputs, on data still in cache.
*/
__attribute__((target_clones("avx2", "default")))
static int sigmoid_loop (size_t n, const double *restrict lw,
                         const double *restrict ll, const double *restrict Lw,
                         const double *restrict Ll, double b,
                         double *restrict losses, double *restrict gc,
                         double *restrict gr, double *restrict rc,
                         double *restrict rr, dpo_sums *sums, size_t *bad) {
  size_t i0, i, m;
  double sl = 0, sc = 0, sm = 0, zb[BLOCK], cb[BLOCK];
  for (i0 = 0; i0 < n; i0 += m) {
    m = n - i0 < BLOCK ? n - i0 : BLOCK;
    for (i = 0; i < m; i++) {
      size_t k = i0 + i;
      double rw = lw[k] - Lw[k], rl = ll[k] - Ll[k], z = b * (rw - rl);
      double t = expneg(-fabs(z)), u = 1 + t, q = 1 / u, tq = t * q;
      double g = -b * (z >= 0 ? tq : q);
      losses[k] = log1p01q(t, u, q) - (z < 0 ? z : 0);
      gc[k] = g; gr[k] = -g;
      rc[k] = b * rw; rr[k] = b * rl;
      zb[i] = z;
      cb[i] = rw > rl ? 1 : 0;
    }
    for (i = 0; i < m; i++) {
      /* a non-finite input makes z NaN or infinite; so may an overflow of
         rw - rl, which is not an error */
      if (!isfinite(zb[i])) {
        size_t k = i0 + i;
        if (!isfinite(lw[k] - Lw[k]) || !isfinite(ll[k] - Ll[k])) {
          *bad = k; return PREF_ENOTFINITE;
        }
      }
      sl += losses[i0 + i];
      sc += cb[i];
      sm += zb[i];
    }
    if (ORR_INTERRUPTED()) return PREF_EINTR;
  }
  sums->loss = sl; sums->correct = sc; sums->margin = sm;
  return PREF_OK;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif


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
