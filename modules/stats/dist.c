/*
** Distribution kernels (see dist.h).
**
** Values come from GSL's cdf and special-function modules. Where GSL's value
** of a tail underflows (below TINY_TAIL) and a log probability is wanted, the
** tail is recomputed in log space from the classical continued fractions and
** series of the incomplete gamma and beta functions (DLMF 8.11, 8.17.22;
** Abramowitz & Stegun 26.2.14 for the normal Mills ratio), so that e.g.
** log P(Z < -40) = -804.608... is finite and accurate.
**
** Quantiles solve log tail(x) = log p on the smaller tail (1 - p is exact
** for p >= 1/2; -expm1 for log p). GSL's inverse gives a starting point (when
** it has one) and Newton's method in x finishes it; when Newton misbehaves,
** or GSL has no start (NaN, underflowed p), the root is bracketed outwards
** and found by Brent's method in a transformed variable u (sinh, exp or
** logistic of u gives x, so brackets grow geometrically), then polished by
** Newton in x. GSL's occasional failures at extreme arguments (NaN, slow or
** inaccurate inverses) cannot leak out; a quantile beyond the doubles is
** STATS_ERANGE, one that underflows is 0 (or the smallest doubles).
*/
#include <float.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

#include "ointr.h"
#include "stats/dist.h"

/* long vectors poll the interrupt flag once per block of elements */
#define POLL(i)  ((i) % 1024 == 1023 && ORR_INTERRUPTED())

#define LOG_SQRT_2PI  0.918938533204672741780329736406
#define TINY_TAIL     1e-290   /* below this a tail is recomputed in log space */
#define CF_EPS        (2 * DBL_EPSILON)   /* a step of one or two ulps: converged */
#define CF_TINY       1e-300
#define CF_MAXIT      20000
#define BIG_SHAPES    1000   /* beta-family shapes summing beyond this: own tails */
/* R's tolerance for a count that is an integer but for representation error */
#define COUNT_FUZZ    1e-7
/* |t| or F beyond this (F below its inverse): GSL squares or scales x into
   overflow, the tails come from the log-space continued fraction */
#define FAR_X         1e100
#define FAR_X_INV     1e-100
/* GSL's t for df above CF_DF is a Cornish-Fisher expansion, good to 1e-12
   only down to tails of CF_TAIL: smaller ones are recomputed */
#define CF_DF         30
#define CF_TAIL       1e-6


int dist_npar (int dist) {
  static const int np[DIST_COUNT] = {2, 1, 1, 2, 2, 2, 2, 1};
  return (dist >= 0 && dist < DIST_COUNT) ? np[dist] : 0;
}


static int posfinite (double v) { return v > 0 && isfinite(v); }


/* the message for a bad parameter; *which gets its index */
const char *dist_checkpar (int dist, const double *par, int *which) {
  *which = 0;
  switch (dist) {
    case DIST_NORM:
      if (!isfinite(par[0])) return "mean must be finite";
      *which = 1;
      return posfinite(par[1]) ? NULL : "sd must be positive and finite";
    case DIST_T: case DIST_CHISQ:
      return posfinite(par[0]) ? NULL : "df must be positive and finite";
    case DIST_F:
      if (!posfinite(par[0])) return "df1 must be positive and finite";
      *which = 1;
      return posfinite(par[1]) ? NULL : "df2 must be positive and finite";
    case DIST_BETA:
      if (!posfinite(par[0])) return "shape1 must be positive and finite";
      *which = 1;
      return posfinite(par[1]) ? NULL : "shape2 must be positive and finite";
    case DIST_GAMMA:
      if (!posfinite(par[0])) return "shape must be positive and finite";
      *which = 1;
      return posfinite(par[1]) ? NULL : "rate must be positive and finite";
    case DIST_BINOM:
      if (!(par[0] >= 0 && isfinite(par[0]) && par[0] == floor(par[0])))
        return "size must be a non-negative integer";
      *which = 1;
      return (par[1] >= 0 && par[1] <= 1) ? NULL : "prob must be in [0, 1]";
    case DIST_POIS:
      return (par[0] >= 0 && isfinite(par[0])) ? NULL
             : "lambda must be non-negative and finite";
  }
  return "unknown distribution";
}


/* ---------------------------------------------------------------------- */
/* log-space tails                                                         */
/* ---------------------------------------------------------------------- */

/* log(1 + exp(v)) without overflow */
static double log1pexp (double v) {
  return v > 0 ? v + log1p(exp(-v)) : log1p(exp(v));
}

/*
** Modified Lentz evaluation of b0 + a1/(b1 + a2/(b2 + ...)), the terms given
** by a callback. Returns NaN when it does not converge.
*/
typedef void (*cf_terms) (int j, const double *c, double *a, double *b);

static double lentz (double b0, cf_terms terms, const double *c) {
  double f = b0 == 0 ? CF_TINY : b0, C = f, D = 0, a, b, delta;
  int j;
  for (j = 1; j <= CF_MAXIT; j++) {
    terms(j, c, &a, &b);
    D = b + a * D;
    if (D == 0) D = CF_TINY;
    C = b + a / C;
    if (C == 0) C = CF_TINY;
    D = 1 / D;
    delta = C * D;
    f *= delta;
    if (fabs(delta - 1) < CF_EPS) return f;
  }
  return NAN;
}

/* Mills ratio: b_j = z, a_j = j */
static void mills_terms (int j, const double *c, double *a, double *b) {
  *a = j; *b = c[0];
}

double dist_lognorm_tail (double z, int lower) {
  double w = lower ? -z : z, v, f;   /* the upper tail at w */
  if (isnan(z)) return z;
  if (w < 5) {
    v = gsl_cdf_ugaussian_Q(w);
    return v > 0.5 ? log1p(-gsl_cdf_ugaussian_P(w)) : log(v);
  }
  if (w == INFINITY) return -INFINITY;
  /* Q(w) = phi(w) / (w + 1/(w + 2/(w + ...))), fast for w >= 5 */
  f = lentz(w, mills_terms, &w);
  return -0.5 * w * w - LOG_SQRT_2PI - log(f);
}

/* log P(a, x), the regularised lower incomplete gamma, by its power series */
static double loggamma_lower (double a, double x) {
  double sum = 1, term = 1;
  int n;
  if (x <= 0) return x == 0 ? -INFINITY : NAN;
  for (n = 1; n <= CF_MAXIT; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * CF_EPS) break;
  }
  if (n > CF_MAXIT) return NAN;
  return a * log(x) - x - gsl_sf_lngamma(a + 1) + log(sum);
}

/* Legendre's continued fraction of Q(a, x): b_j = x + 2j + 1 - a, a_j = -j(j - a) */
static void gammaq_terms (int j, const double *c, double *a, double *b) {
  *a = -j * (j - c[0]);
  *b = c[1] + 2 * j + 1 - c[0];
}

/* log Q(a, x), the regularised upper incomplete gamma, for x > a + 1 */
static double loggamma_upper (double a, double x) {
  double c[2], f;
  if (x == INFINITY) return -INFINITY;
  if (!(x > a + 1)) return NAN;  /* the fraction is for the far tail only */
  c[0] = a; c[1] = x;
  f = lentz(x + 1 - a, gammaq_terms, c);
  return a * log(x) - x - gsl_sf_lngamma(a) - log(f);
}

/* DLMF 8.17.22: d_{2m+1} = -(a+m)(a+b+m)x/((a+2m)(a+2m+1)),
   d_{2m} = m(b-m)x/((a+2m-1)(a+2m)) */
static void ibeta_terms (int j, const double *c, double *a, double *b) {
  double pa = c[0], pb = c[1], x = c[2];
  int m = j / 2;
  if (j % 2 == 1)
    *a = -(pa + m) * (pa + pb + m) * x / ((pa + 2 * m) * (pa + 2 * m + 1));
  else
    *a = m * (pb - m) * x / ((pa + 2 * m - 1) * (pa + 2 * m));
  *b = 1;
}

/*
** log I_x(a, b) given lx = log x and l1mx = log(1 - x) (both passed so that
** callers can form them without cancellation). For the small tail only.
*/
static double binom_logd (double k, double n, double p, double q);

static double logibeta (double lx, double l1mx, double a, double b) {
  double c[3], x = exp(lx), f;
  if (lx == -INFINITY) return -INFINITY;
  if (!(x <= (a + 1) / (a + b + 2))) return NAN;
  c[0] = a; c[1] = b; c[2] = x;
  f = lentz(1, ibeta_terms, c);
  /* x^a (1-x)^b / (a B(a, b)) = binom(a; a + b, x) b / (a + b): at large
     shapes a lx + b l1mx - lnbeta cancels (3e-9 off at a = b = 1e6) */
  if (a + b > BIG_SHAPES && lx > -700 && l1mx > -700)
    return binom_logd(a, a + b, x, exp(l1mx)) + log(b / (a + b)) - log(f);
  return a * lx + b * l1mx - log(a) - gsl_sf_lnbeta(a, b) - log(f);
}


/* floor of a count argument, with R's tolerance for representation error */
static double countfloor (double x) { return floor(x + COUNT_FUZZ); }


static double far_tail (int d, const double *par, double x, int lower);

/*
** GSL's value of the lower (or upper) tail at x; NaN when GSL fails.
** Where GSL's t and F squares or scales x into overflow (|t| or F beyond
** 1e100, or F below 1e-100) the small tail comes from the log-space
** continued fraction instead: GSL gives P(T <= 1e220; df = 0.001) = 1,
** not 0.7.
*/
static double gsl_tail (int d, const double *par, double x, int lower) {
  double k, z;
  if (isinf(x)) return (x > 0) == lower ? 1 : 0;   /* GSL gives NaN for some */
  /* GSL's incomplete beta at shapes summing beyond BIG_SHAPES, both above
     100, is 1e-9 off (pbinom at size 1e6) or fails (1e7): the continued
     fraction in the orientation where it converges, with the saddle-point
     prefactor. With one small shape, or x within 0.01 of 0 or 1, the
     fraction in x loses digits (1e-10): GSL is kept there. */
  if ((d == DIST_BETA && par[0] + par[1] > BIG_SHAPES && fmin(par[0], par[1]) > 100 &&
       x > 0.01 && x < 0.99) ||
      (d == DIST_F && (par[0] + par[1]) / 2 > BIG_SHAPES && fmin(par[0], par[1]) > 200 &&
       par[0] * x > 0.01 * par[1] && par[0] * x < 99 * par[1]) ||
      (d == DIST_BINOM && par[0] > BIG_SHAPES && x > 100 && par[0] - x > 100 &&
       par[1] > 0.01 && par[1] < 0.99)) {
    z = far_tail(d, par, x, lower);
    if (!isnan(z)) return exp(z);
    z = far_tail(d, par, x, !lower);
    if (!isnan(z)) return -expm1(z);
  }
  if ((d == DIST_T && fabs(x) > FAR_X) ||
      (d == DIST_F && (x > FAR_X || (x > 0 && x < FAR_X_INV)))) {
    int small_lower = d == DIST_T ? x < 0 : x < 1;
    double sm = exp(far_tail(d, par, x, small_lower));
    return lower == small_lower ? sm : 1 - sm;
  }
  switch (d) {
    case DIST_NORM:
      z = (x - par[0]) / par[1];
      return lower ? gsl_cdf_ugaussian_P(z) : gsl_cdf_ugaussian_Q(z);
    case DIST_T:
      z = lower ? gsl_cdf_tdist_P(x, par[0]) : gsl_cdf_tdist_Q(x, par[0]);
      /* for df > 30 GSL uses a Cornish-Fisher expansion: within 1e-12 down to
         tails of 1e-6, but 3e-8 off at 1e-20 (df 31, t 12) and 7e-8 at 1e-65
         (df 148, t 30). Small tails come from the continued fraction. */
      if (par[0] > CF_DF && (x < 0) == lower && z < CF_TAIL) {
        k = exp(far_tail(d, par, x, lower));
        if (!isnan(k)) return k;
      }
      return z;
    case DIST_CHISQ:
      return lower ? gsl_cdf_chisq_P(x, par[0]) : gsl_cdf_chisq_Q(x, par[0]);
    case DIST_F:
      return lower ? gsl_cdf_fdist_P(x, par[0], par[1])
                   : gsl_cdf_fdist_Q(x, par[0], par[1]);
    case DIST_BETA:
      return lower ? gsl_cdf_beta_P(x, par[0], par[1])
                   : gsl_cdf_beta_Q(x, par[0], par[1]);
    case DIST_GAMMA:
      z = x * par[1];
      return lower ? gsl_cdf_gamma_P(z, par[0], 1) : gsl_cdf_gamma_Q(z, par[0], 1);
    case DIST_BINOM:  /* P(X <= k) = 1 - I_p(k + 1, n - k) */
      k = countfloor(x);
      if (k < 0) return lower ? 0 : 1;
      if (k >= par[0]) return lower ? 1 : 0;
      return lower ? gsl_cdf_beta_Q(par[1], k + 1, par[0] - k)
                   : gsl_cdf_beta_P(par[1], k + 1, par[0] - k);
    case DIST_POIS:   /* P(X <= k) = Q(k + 1, lambda) */
      k = countfloor(x);
      if (k < 0) return lower ? 0 : 1;
      if (par[0] == 0 || k == INFINITY) return lower ? 1 : 0;
      return lower ? gsl_cdf_gamma_Q(par[0], k + 1, 1)
                   : gsl_cdf_gamma_P(par[0], k + 1, 1);
  }
  return NAN;
}


/* log of a small tail recomputed in log space; NaN when not applicable */
static double far_tail (int d, const double *par, double x, int lower) {
  double a, b, lr, k;
  if (isinf(x)) return (x > 0) == lower ? 0 : -INFINITY;
  switch (d) {
    case DIST_NORM:
      return dist_lognorm_tail((x - par[0]) / par[1], lower);
    case DIST_T:  /* small tail = I_{n/(n+t^2)}(n/2, 1/2) / 2 */
      if ((x < 0) != lower) return NAN;
      if (isinf(x)) return -INFINITY;
      lr = 2 * log(fabs(x)) - log(par[0]);   /* log(t^2/n) */
      return -M_LN2 + logibeta(-log1pexp(lr), lr - log1pexp(lr),
                               par[0] / 2, 0.5);
    case DIST_CHISQ: case DIST_GAMMA:
      a = d == DIST_GAMMA ? par[0] : par[0] / 2;
      b = d == DIST_GAMMA ? x * par[1] : x / 2;
      if (b < 0) return lower ? -INFINITY : 0;
      return lower ? loggamma_lower(a, b) : loggamma_upper(a, b);
    case DIST_BETA:
      if (x <= 0) return lower ? -INFINITY : 0;
      if (x >= 1) return lower ? 0 : -INFINITY;
      return lower ? logibeta(log(x), log1p(-x), par[0], par[1])
                   : logibeta(log1p(-x), log(x), par[1], par[0]);
    case DIST_F:  /* r = d1 x / d2; lower tail I_{r/(1+r)}(d1/2, d2/2) */
      if (x <= 0) return lower ? -INFINITY : 0;
      if (isinf(x)) return lower ? 0 : -INFINITY;
      lr = log(par[0]) + log(x) - log(par[1]);
      return lower ? logibeta(lr - log1pexp(lr), -log1pexp(lr), par[0] / 2, par[1] / 2)
                   : logibeta(-log1pexp(lr), lr - log1pexp(lr), par[1] / 2, par[0] / 2);
    case DIST_BINOM:
      k = countfloor(x);
      if (k < 0) return lower ? -INFINITY : 0;
      if (k >= par[0]) return lower ? 0 : -INFINITY;
      return lower ? logibeta(log1p(-par[1]), log(par[1]), par[0] - k, k + 1)
                   : logibeta(log(par[1]), log1p(-par[1]), k + 1, par[0] - k);
    case DIST_POIS:
      k = countfloor(x);
      if (k < 0) return lower ? -INFINITY : 0;
      if (par[0] == 0) return lower ? 0 : -INFINITY;
      return lower ? loggamma_upper(k + 1, par[0]) : loggamma_lower(k + 1, par[0]);
  }
  return NAN;
}


/* log of the lower (upper) tail at x; NaN when it cannot be computed */
static double logtail (int d, const double *par, double x, int lower) {
  double v = gsl_tail(d, par, x, lower), w;
  if (v > 0.5) {   /* the other tail is the small one: log1p keeps its digits */
    w = gsl_tail(d, par, x, !lower);
    if (w >= 0 && w <= 0.5) return log1p(-w);
  }
  if (v >= TINY_TAIL && v <= 1) return log(v);
  return far_tail(d, par, x, lower);
}


/* ---------------------------------------------------------------------- */
/* densities                                                               */
/* ---------------------------------------------------------------------- */

/* R's test for a non-integer count */
static int nonint (double x) {
  return fabs(x - nearbyint(x)) > COUNT_FUZZ * fmax(1, fabs(x));
}

/*
** Saddle-point densities (Loader 2000, "Fast and accurate computation of
** binomial probabilities"). Written as a log(lambda) - lambda - lgamma(k + 1),
** a Poisson or binomial log density subtracts terms of size k log k: at
** k = 1e6 the result is 1e-9 off, at 1e8 3e-7. Loader's form keeps only
** small quantities: the error of Stirling's formula and the deviance bd0.
*/

/* log k! - log(sqrt(2 pi k) (k/e)^k), for real k > 0 */
static double stirlerr (double k) {
  double kk = k * k;
  if (k <= 15) return gsl_sf_lngamma(k + 1) - (k + 0.5) * log(k) + k - LOG_SQRT_2PI;
  /* the Stirling series 1/12k - 1/360k^3 + 1/1260k^5 - 1/1680k^7 + 1/1188k^9,
     cut where the next term is below 1e-17 relative */
  if (k > 500) return (1.0 / 12 - 1.0 / 360 / kk) / k;
  if (k > 80) return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kk) / kk) / k;
  if (k > 35) return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / 1680 / kk) / kk) / kk) / k;
  return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / 1188 / kk) / kk) / kk) / kk) / k;
}

/* the deviance k log(k/m) + m - k >= 0; near k = m by the series in
   v = (k - m)/(k + m): 2k (v^3/3 + v^5/5 + ...) + (k - m) v, free of cancellation */
static double bd0 (double k, double m) {
  double v, s, ej, s1;
  int j;
  if (fabs(k - m) < 0.1 * (k + m)) {
    v = (k - m) / (k + m);
    s = (k - m) * v;
    ej = 2 * k * v;
    v *= v;
    for (j = 1; j < 1000; j++) {
      ej *= v;
      s1 = s + ej / (2 * j + 1);
      if (s1 == s) return s1;
      s = s1;
    }
  }
  v = k / m;   /* k log(k/m), with the logs apart where k/m leaves the range */
  return (isinf(v) || v == 0 ? k * (log(k) - log(m)) : k * log(v)) + m - k;
}

/* log of m^k e^-m / Gamma(k + 1) for real k >= 0, m >= 0 */
static double pois_logd (double k, double m) {
  if (m == 0) return k == 0 ? 0 : -INFINITY;
  if (isinf(m)) return -INFINITY;
  if (k == 0) return -m;
  return -stirlerr(k) - bd0(k, m) - 0.5 * log(2 * M_PI * k);
}

/* log of Gamma(n + 1) / (Gamma(k + 1) Gamma(n - k + 1)) p^k q^(n - k), real
   0 <= k <= n, p + q = 1: the binomial saddle point, also the core of the
   beta and F densities at large shapes */
static double binom_logd (double k, double n, double p, double q) {
  if (k == 0) return n == 0 ? 0 : (p < 0.1 ? -bd0(n, n * q) - n * p : n * log(q));
  if (k == n) return q < 0.1 ? -bd0(n, n * p) - n * q : n * log(p);
  return stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p)
         - bd0(n - k, n * q) - 0.5 * (log(2 * M_PI) + log(k) + log1p(-k / n));
}

/* log density of gamma(shape a, rate r): (a/x) pois(a; r x) for a < 1,
   r pois(a - 1; r x) otherwise */
static double gamma_logd (double x, double a, double r) {
  if (x < 0) return -INFINITY;
  if (x == 0) return a < 1 ? INFINITY : (a == 1 ? log(r) : -INFINITY);
  if (isinf(x)) return -INFINITY;
  if (a < 1) return pois_logd(a, r * x) + log(a) - log(x);
  return pois_logd(a - 1, r * x) + log(r);
}

static double logdens (int d, const double *par, double x) {
  double z, a, b, n, k;
  switch (d) {
    case DIST_NORM:
      z = (x - par[0]) / par[1];
      return -0.5 * z * z - log(par[1]) - LOG_SQRT_2PI;
    case DIST_T:
      n = par[0];
      if (isinf(x)) return -INFINITY;
      z = fabs(x) < FAR_X ? log1p(x / n * x)      /* log(1 + x^2/n) */
                          : log1pexp(2 * log(fabs(x)) - log(n));
      return -0.5 * log(n) - gsl_sf_lnbeta(n / 2, 0.5) - (n + 1) / 2 * z;
    case DIST_CHISQ:
      return gamma_logd(x, par[0] / 2, 0.5);
    case DIST_GAMMA:
      return gamma_logd(x, par[0], par[1]);
    case DIST_BETA:
      a = par[0]; b = par[1];
      if (x < 0 || x > 1) return -INFINITY;
      if (x == 0) return a < 1 ? INFINITY : (a == 1 ? log(b) : -INFINITY);
      if (x == 1) return b < 1 ? INFINITY : (b == 1 ? log(a) : -INFINITY);
      /* x^(a-1) (1-x)^(b-1) / B(a, b) = (a + b - 1) binom(a - 1; a + b - 2, x):
         at large shapes the lnbeta form cancels (3e-9 off at a = b = 1e6) */
      if (a > 2 && b > 2) return log(a + b - 1) + binom_logd(a - 1, a + b - 2, x, 1 - x);
      return (a - 1) * log(x) + (b - 1) * log1p(-x) - gsl_sf_lnbeta(a, b);
    case DIST_F:
      a = par[0] / 2; b = par[1] / 2;
      if (x < 0 || isinf(x)) return -INFINITY;
      if (x == 0) return a < 1 ? INFINITY : (a == 1 ? 0 : -INFINITY);
      if (a + b > 4) {   /* as beta, with p = d1 x / (d2 + d1 x), q = 1 - p:
                            a log(d1/d2) and (a + b) log1p(z) cancel at large df */
        double f = 1 / (par[1] + x * par[0]), q = par[1] * f, pp = x * par[0] * f;
        if (pp > 0 && q > 0 && isfinite(f))
          return a >= 1 ? log(par[0] * q / 2) + binom_logd(a - 1, a + b - 1, pp, q)
                        : log(par[0] * par[0] * q / (2 * pp * (par[0] + par[1])))
                          + binom_logd(a, a + b, pp, q);
      }
      z = par[0] / par[1] * x;
      return a * log(par[0] / par[1]) + (a - 1) * log(x)
             - (a + b) * log1p(z) - gsl_sf_lnbeta(a, b);
    case DIST_BINOM:
      n = par[0];
      if (nonint(x)) return -INFINITY;  /* R: 0 with a warning */
      k = nearbyint(x);
      if (k < 0 || k > n) return -INFINITY;
      if (par[1] == 0) return k == 0 ? 0 : -INFINITY;
      if (par[1] == 1) return k == n ? 0 : -INFINITY;
      if (k == 0) return n * log1p(-par[1]);
      if (k == n) return n * log(par[1]);
      return stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * par[1])
             - bd0(n - k, n * (1 - par[1]))
             - 0.5 * (log(2 * M_PI) + log(k) + log1p(-k / n));
    case DIST_POIS:
      if (nonint(x)) return -INFINITY;
      k = nearbyint(x);
      if (k < 0 || isinf(k)) return -INFINITY;
      return pois_logd(k, par[0]);
  }
  return NAN;
}


int dist_d (int dist, const double *par, const double *x, double *out,
            size_t n, int give_log, size_t *bad) {
  size_t i;
  for (i = 0; i < n; i++) {
    double v;
    if (POLL(i)) { *bad = i; return STATS_EINTR; }
    if (isnan(x[i])) { out[i] = x[i]; continue; }
    v = logdens(dist, par, x[i]);
    out[i] = give_log ? v : exp(v);
  }
  return STATS_OK;
}


int dist_p (int dist, const double *par, const double *x, double *out,
            size_t n, int lower, int give_log, size_t *bad) {
  size_t i;
  for (i = 0; i < n; i++) {
    double v;
    if (POLL(i)) { *bad = i; return STATS_EINTR; }
    if (isnan(x[i])) { out[i] = x[i]; continue; }
    if (give_log) v = logtail(dist, par, x[i], lower);
    else {
      v = gsl_tail(dist, par, x[i], lower);
      if (!(v >= TINY_TAIL && v <= 1)) {   /* underflow or failure */
        double lv = far_tail(dist, par, x[i], lower);
        if (!isnan(lv)) v = exp(lv);
        else if (!(v >= 0 && v <= 1)) v = NAN;
      }
    }
    if (isnan(v)) { *bad = i; return STATS_EFAIL; }
    out[i] = v;
  }
  return STATS_OK;
}


/* ---------------------------------------------------------------------- */
/* quantiles                                                               */
/* ---------------------------------------------------------------------- */

enum { SUP_REAL, SUP_POS, SUP_UNIT };

static int support (int d) {
  switch (d) {
    case DIST_NORM: case DIST_T: return SUP_REAL;
    case DIST_BETA: return SUP_UNIT;
    default: return SUP_POS;
  }
}

static double to_x (int sup, double u) {
  switch (sup) {
    case SUP_REAL: return sinh(u);
    case SUP_POS: return exp(u);
    default: return u >= 0 ? 1 / (1 + exp(-u)) : exp(u) / (1 + exp(u));
  }
}

static double to_u (int sup, double x) {
  switch (sup) {
    case SUP_REAL: return asinh(x);
    case SUP_POS: return log(x);
    default: return log(x) - log1p(-x);
  }
}

/* GSL's quantile of tail probability q as a start; NaN when none */
static double guess (int d, const double *par, double q, int lower) {
  if (!(q > CF_TINY)) return NAN;   /* GSL's inverses have no start there */
  /* GSL's beta (and F) inverse never returns at large shapes: qbeta(0.3,
     1e6, 1e6) spun in its Newton loop. Brent from no start is bounded. */
  if ((d == DIST_BETA && par[0] + par[1] > BIG_SHAPES) ||
      (d == DIST_F && (par[0] + par[1]) / 2 > BIG_SHAPES))
    return NAN;
  switch (d) {
    case DIST_NORM:
      return par[0] + par[1] * (lower ? gsl_cdf_ugaussian_Pinv(q)
                                      : gsl_cdf_ugaussian_Qinv(q));
    case DIST_T:
      return lower ? gsl_cdf_tdist_Pinv(q, par[0]) : gsl_cdf_tdist_Qinv(q, par[0]);
    case DIST_CHISQ:
      return lower ? gsl_cdf_chisq_Pinv(q, par[0]) : gsl_cdf_chisq_Qinv(q, par[0]);
    case DIST_F:
      return lower ? gsl_cdf_fdist_Pinv(q, par[0], par[1])
                   : gsl_cdf_fdist_Qinv(q, par[0], par[1]);
    case DIST_BETA:
      return lower ? gsl_cdf_beta_Pinv(q, par[0], par[1])
                   : gsl_cdf_beta_Qinv(q, par[0], par[1]);
    case DIST_GAMMA:
      return (lower ? gsl_cdf_gamma_Pinv(q, par[0], 1)
                    : gsl_cdf_gamma_Qinv(q, par[0], 1)) / par[1];
  }
  return NAN;
}

typedef struct qprob {
  int d, sup, lower;
  const double *par;
  double lq;   /* target log tail probability */
} qprob;

/* increasing in u: the lower tail rises with x, the upper falls */
static double qfun (const qprob *Q, double u) {
  double v = logtail(Q->d, Q->par, to_x(Q->sup, u), Q->lower) - Q->lq;
  return Q->lower ? v : -v;
}

/* tolerance on u: two steps of u's own spacing; where that leaves x short
   of its last digits (large |u|), the final Newton steps in x finish */
static double qtol (int sup, double u) {
  return sup == SUP_REAL ? 2 * DBL_EPSILON * fabs(u) + 1e-300
                         : 2 * DBL_EPSILON * fmax(1, fabs(u));
}

/*
** Brent's zero finder (Brent 1973, "Algorithms for minimization without
** derivatives", ch. 4) on [a, b] with fa < 0 < fb (or the reverse).
** Returns STATS_OK and the root in *root, or STATS_EFAIL.
*/
static int brent (const qprob *Q, double a, double b, double fa, double fb,
                  double *root) {
  double c = a, fc = fa, d = b - a, e = d;
  int it;
  for (it = 0; it < 300; it++) {
    double tol, m, p, q, r, s;
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a; fc = fa; d = e = b - a;
    }
    if (fabs(fc) < fabs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    tol = 0.5 * qtol(Q->sup, b);
    m = 0.5 * (c - b);
    if (fabs(m) <= tol || fb == 0) { *root = b; return STATS_OK; }
    if (fabs(e) < tol || fabs(fa) <= fabs(fb) || isinf(fa) || isinf(fc)) {
      d = e = m;   /* bisection */
    }
    else {
      s = fb / fa;
      if (a == c) { p = 2 * m * s; q = 1 - s; }   /* secant */
      else {                                      /* inverse quadratic */
        q = fa / fc; r = fb / fc;
        p = s * (2 * m * q * (q - r) - (b - a) * (r - 1));
        q = (q - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q; else p = -p;
      if (2 * p < fmin(3 * m * q - fabs(tol * q), fabs(e * q))) {
        e = d; d = p / q;
      }
      else { d = e = m; }
    }
    a = b; fa = fb;
    b += fabs(d) > tol ? d : (m > 0 ? tol : -tol);
    fb = qfun(Q, b);
    if (isnan(fb)) return STATS_EFAIL;
  }
  return STATS_EFAIL;
}

/*
** The range of u searched: up to the largest u with a finite x
** (asinh(DBL_MAX), log(DBL_MAX)); the logistic never overflows; below, x = 0
** is a true underflow of the quantile.
*/
static double ubound (int sup, int upper) {
  if (sup == SUP_REAL) return upper ? 710.475 : -710.475;
  if (sup == SUP_POS) return upper ? 709.78 : -746;
  return upper ? 800 : -800;
}

/*
** Newton's method in x on log tail(x) = lq, each step one log tail and one
** log density (the slope is density / tail). From GSL's start it converges
** in a step or two; after Brent it takes x to its last digits (a root found
** in u = log x cannot resolve them far out: exp(-700 + 1 ulp) moves x by
** 1e-13). Returns 1 with *x when the step falls below 4 ulps or stalls
** within 1000; 0 when Newton misbehaves (NaN, leaving the support, no
** progress), *x unchanged.
*/
static int newton (const qprob *Q, double *x) {
  double xc = *x, lt = logtail(Q->d, Q->par, xc, Q->lower), f = lt - Q->lq;
  int it;
  for (it = 0; it < 10; it++) {
    double g, dx, xn, ltn, fn;
    if (f == 0) { *x = xc; return 1; }
    if (isnan(f)) return 0;
    g = exp(logdens(Q->d, Q->par, xc) - lt);
    if (!(g > 0) || isinf(g)) return 0;
    dx = Q->lower ? -f / g : f / g;
    xn = xc + dx;
    if (!isfinite(xn) || (Q->sup != SUP_REAL && xn <= 0) ||
        (Q->sup == SUP_UNIT && xn >= 1))
      return 0;
    if (fabs(dx) <= 4 * DBL_EPSILON * fabs(xn)) { *x = xn; return 1; }
    ltn = logtail(Q->d, Q->par, xn, Q->lower);
    fn = ltn - Q->lq;
    if (isnan(fn)) return 0;
    if (fabs(fn) >= fabs(f)) {   /* rounding noise near the root, or a bad step */
      if (fabs(dx) <= 1e3 * DBL_EPSILON * fabs(xc)) { *x = xc; return 1; }
      return 0;
    }
    xc = xn; f = fn; lt = ltn;
  }
  return 0;
}


/* the quantile of the problem Q, starting from x0 (NaN: no start) */
static int solve (const qprob *Q, double x0, double *x) {
  double u0, f0, h, a, b, fa, fb;
  int k;
  *x = x0;   /* from GSL's start Newton usually suffices */
  if (isfinite(x0) && (Q->sup == SUP_REAL || x0 > 0) &&
      (Q->sup != SUP_UNIT || x0 < 1) && newton(Q, x))
    return STATS_OK;
  u0 = isfinite(x0) ? to_u(Q->sup, x0) : NAN;   /* else bracket and Brent */
  if (!isfinite(u0)) { u0 = 0; h = 1; }
  else h = 1e-6 * (1 + fabs(u0));
  f0 = qfun(Q, u0);
  if (isnan(f0)) return STATS_EFAIL;
  if (f0 == 0) { *x = to_x(Q->sup, u0); return STATS_OK; }
  a = b = u0; fa = fb = f0;
  for (k = 0; ; k++) {   /* step away from the start until the sign changes */
    double u = f0 < 0 ? u0 + h : u0 - h, fu;
    if (u > ubound(Q->sup, 1)) u = ubound(Q->sup, 1);
    if (u < ubound(Q->sup, 0)) u = ubound(Q->sup, 0);
    if (k == 200 || u == a || u == b) return STATS_ERANGE;
    fu = qfun(Q, u);
    if (isnan(fu)) return STATS_EFAIL;
    if (f0 < 0) { if (fu >= 0) { b = u; fb = fu; break; } a = u; fa = fu; }
    else { if (fu <= 0) { a = u; fa = fu; break; } b = u; fb = fu; }
    h *= 4;
  }
  if (fa == 0) { *x = to_x(Q->sup, a); return STATS_OK; }
  if (fb == 0) { *x = to_x(Q->sup, b); return STATS_OK; }
  k = brent(Q, a, b, fa, fb, &u0);
  if (k != STATS_OK) return k;
  *x = to_x(Q->sup, u0);
  if (*x > 0 || Q->sup == SUP_REAL) newton(Q, x);   /* the last digits */
  return STATS_OK;
}


int dist_q (int dist, const double *par, const double *p, double *out,
            size_t n, int lower, int log_p, size_t *bad) {
  size_t i;
  qprob Q;
  Q.d = dist; Q.sup = support(dist); Q.par = par;
  for (i = 0; i < n; i++) {
    double v = p[i], q, x;
    int tail = lower, st, at_zero, at_one;
    if (POLL(i)) { *bad = i; return STATS_EINTR; }
    if (isnan(v)) { out[i] = v; continue; }
    if (log_p ? v > 0 : (v < 0 || v > 1)) { *bad = i; return STATS_EPROB; }
    at_zero = log_p ? v == -INFINITY : v == 0;
    at_one = log_p ? v == 0 : v == 1;
    if (at_zero || at_one) {   /* the ends of the support */
      int upper_end = (at_one == lower);
      if (Q.sup == SUP_REAL) out[i] = upper_end ? INFINITY : -INFINITY;
      else if (Q.sup == SUP_POS) out[i] = upper_end ? INFINITY : 0;
      else out[i] = upper_end ? 1 : 0;
      continue;
    }
    /* work with the smaller tail: 1 - p is exact for p >= 1/2 */
    if (log_p) {
      if (v > -M_LN2) { tail = !lower; q = -expm1(v); Q.lq = log(q); }
      else { q = exp(v); Q.lq = v; }
    }
    else if (v > 0.5) { tail = !lower; q = 1 - v; Q.lq = log(q); }
    else { q = v; Q.lq = log(v); }
    Q.lower = tail;
    st = solve(&Q, guess(dist, par, q, tail), &x);
    if (st != STATS_OK) { *bad = i; return st; }
    out[i] = x;
  }
  return STATS_OK;
}


/* ---------------------------------------------------------------------- */
/* R's round                                                              */
/* ---------------------------------------------------------------------- */

#define LOG10_2  0.301029995663981195213738894724493027   /* log10(2) */


/* 10^e for an integer e, by repeated squaring and, for e < 0, one division
   (R's R_pow_di: exact up to 10^22, and the rounding R's round() sees) */
static double pow10i (int e) {
  double r = 1, b = 10;
  unsigned u = (unsigned)(e < 0 ? -e : e);
  while (u) {
    if (u & 1) r *= b;
    u >>= 1;
    if (u) b *= b;
  }
  return e < 0 ? 1 / r : r;
}


double dist_round (double x, double digits) {
  double sgn = 1, lo, xd, xu, du, dd;
  int d;
  if (isnan(x) || isnan(digits)) return x + digits;
  if (isinf(x) || x == 0 || digits > 308 + DBL_DIG) return x;
  if (digits < -308) return 0;
  if (digits == 0) return nearbyint(x);   /* half to even */
  d = (int)floor(digits + 0.5);
  if (x < 0) { sgn = -1; x = -x; }
  /* x has about log10(x) + 1 digits before the point (estimated from its
     binary exponent); asking for more than DBL_DIG digits in all leaves x
     as it is, since no decimal candidate can be nearer than x itself */
  if (d + LOG10_2 * (logb(x) + 0.5) > DBL_DIG) return sgn * x;
  if (d <= 308) {
    double p = pow10i(d), y = p * x;
    lo = floor(y);
    xd = lo / p;
    xu = ceil(y) / p;
  }
  else {  /* 10^d overflows: x is below 1e-290; scale in two steps */
    long double p = pow10i(308), q = pow10i(d - 308);
    double y = (double)((p * x) * q);
    lo = floor(y);
    xd = (double)(lo / p / q);
    xu = (double)(ceil(y) / p / q);
  }
  /* the candidate nearer to x, measured in doubles; a tie goes to the even
     last digit */
  du = xu - x;
  dd = x - xd;
  return sgn * ((du < dd || (du == dd && fmod(lo, 2) == 1)) ? xu : xd);
}
