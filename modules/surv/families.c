/*
** The parametric families of surv.fit: log-likelihood, gradient and Hessian
** of one observation on the slot scale (see families.h), and the functions
** of the fitted distribution (H, log h, log S, quantiles, cure fraction).
** Formulas: docs/methods/surv.md, "Parametric families"; the APGW hazard
** of Burke, Jones & Noufaily with kappa carried as theta = log(kappa + 1).
*/
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_erf.h>

#include "surv/families.h"

/*
** expm1(kA)/k and its derivatives by their series where |x| = |kA| <
** SERIES_X (the closed forms cancel there): terms until one falls below
** SERIES_TOL of the sum (below the last bit), at most SERIES_MAX (x^40/40!
** at |x| < 0.5 is 1e-60: never reached).
*/
#define SERIES_X    0.5
#define SERIES_TOL  1e-17
#define SERIES_MAX  40
/* the central-difference step of the Hessian fallback, relative to 1 +
   |e|: near eps^(1/3) of the gradient's scale */
#define FD_STEP     1e-5

#define LOG_SQRT_2PI 0.91893853320467274178


/* log(1 + exp(x)) without overflow or loss for either sign of x */
static double log1pexp (double x) {
  return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}


/* log(exp(x) - 1) for x > 0: the quantiles need it where exp(x) overflows
   (H / lambda or the APGW A in the hundreds at a threshold boundary) */
static double logexpm1 (double x) {
  return x > 30 ? x + log1p(-exp(-x)) : log(expm1(x));
}


/* 1 / (1 + exp(-x)) */
static double logistic (double x) {
  return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
}


void sr_expm1_ratio (double k, double A, double *E, double *Ek) {
  double x = k * A;
  if (fabs(x) < SERIES_X) {
    /* E = A sum x^n/(n+1)!,  Ek = A^2 sum (n+1) x^n/(n+2)!: the closed forms
       below cancel catastrophically here, and are 0/0 at k = 0 */
    double se = 0, sk = 0, term = 1;  /* term = x^n / (n+1)! */
    int n;
    for (n = 0; n < SERIES_MAX; n++) {
      se += term;
      sk += (n + 1) * term / (n + 2);
      term *= x / (n + 2);
      if (fabs(term) < SERIES_TOL * fabs(se)) break;
    }
    *E = A * se;
    *Ek = A * A * sk;
  }
  else {
    double em = expm1(x);
    *E = em / k;
    *Ek = (A * (em + 1) - *E) / k;
  }
}


/* d^2/dk^2 of expm1(kA)/k: (A^2 e^{kA} - 2 E_k)/k, or its series
   A^3 sum (m+1)(m+2) x^m/(m+3)! for |x| = |kA| < 0.5 */
static double expm1_ratio_kk (double k, double A, double Ek) {
  double x = k * A;
  if (fabs(x) < SERIES_X) {
    double sum = 0, term = 1.0 / 6;  /* x^m / (m+3)! */
    int m;
    for (m = 0; m < SERIES_MAX; m++) {
      double t = (m + 1) * (m + 2) * term;
      sum += t;
      term *= x / (m + 4);
      if (fabs(t) < SERIES_TOL * fabs(sum)) break;
    }
    return A * A * A * sum;
  }
  return (A * A * exp(x) - 2 * Ek) / k;
}


/* ---------------------------------------------------------------------- */
/* one observation                                                         */
/* ---------------------------------------------------------------------- */

/* Weibull (kappa = 1): H = lambda (phi t)^gamma = exp(e0 + L), L = gamma(e1 + log t) */
static double weibull1 (double logt, double d, const double *e, double *g) {
  double gam = exp(e[2]), L = gam * (e[1] + logt), H = exp(e[0] + L);
  double l = d * (e[0] + e[2] + L - logt) - H;
  if (g) {
    g[0] = d - H;
    g[1] = gam * (d - H);
    g[2] = d + L * (d - H);
    g[3] = 0;
  }
  return l;
}


/* Burr XII (kappa = 0; log-logistic when lambda = 1): H = lambda log(1 + u) */
static double burr1 (double logt, double d, const double *e, double *g) {
  double gam = exp(e[2]), L = gam * (e[1] + logt);
  double A = log1pexp(L), lam = exp(e[0]), H = lam * A;
  double l = d * (e[0] + e[2] + L - logt - A) - H;
  if (g) {
    double w = logistic(L), dL = d * (1 - w) - lam * w;
    g[0] = d - H;
    g[1] = gam * dL;
    g[2] = d + L * dL;
    g[3] = 0;
  }
  return l;
}


/*
** APGW: log h = log lambda + log gamma + L - log t + (kappa - 1) A,
** H = lambda (kappa + 1) E(kappa, A), with A = log(1 + u/(kappa+1)), u = e^L.
*/
static double apgw1 (double logt, double d, const double *e, double *g) {
  double gam = exp(e[2]), L = gam * (e[1] + logt);
  double s = exp(e[3]), k = expm1(e[3]), lam = exp(e[0]);
  double A = log1pexp(L - e[3]), E, Ek, H, l;
  sr_expm1_ratio(k, A, &E, &Ek);
  H = lam * s * E;
  l = d * (e[0] + e[2] + L - logt + (k - 1) * A) - H;
  if (g) {
    double w = logistic(L - e[3]), EA = exp(k * A);
    double dL = d * (1 + (k - 1) * w) - lam * s * EA * w;
    g[0] = d - H;
    g[1] = gam * dL;
    g[2] = d + L * dL;
    g[3] = d * (s * A - (k - 1) * w) - lam * s * (E + s * Ek - EA * w);
  }
  return l;
}


/* log P(Z > z) for a standard normal Z */
static double lognormq (double z) {
  return gsl_sf_log_erfc(z / M_SQRT2) - M_LN2;
}


/* log-normal: log T = -log phi + W / gamma, W standard normal */
static double lognormal1 (double logt, double d, const double *e, double *g) {
  double gam = exp(e[2]), z = gam * (logt + e[1]), l, dz;
  if (d > 0) {
    l = e[2] - logt - 0.5 * z * z - LOG_SQRT_2PI;
    dz = -z;
  }
  else {
    l = lognormq(z);
    dz = -exp(-0.5 * z * z - LOG_SQRT_2PI - l);  /* minus the inverse Mills ratio */
  }
  if (g) {
    g[0] = 0;
    g[1] = gam * dz;
    g[2] = d + z * dz;
    g[3] = 0;
  }
  return l;
}


/* Gompertz: h = lambda exp(gamma t), H = lambda E(gamma, t); e[2] is gamma */
static double gompertz1 (double t, double d, const double *e, double *g) {
  double lam = exp(e[0]), E, Ek, H, l;
  sr_expm1_ratio(e[2], t, &E, &Ek);
  H = lam * E;
  l = d * (e[0] + e[2] * t) - H;
  if (g) {
    g[0] = d - H;
    g[1] = 0;
    g[2] = d * t - lam * Ek;
    g[3] = 0;
  }
  return l;
}


double sr_loglik1 (int fam, double t, double logt, double delta,
                   const double e[SR_NSLOT], double g[SR_NSLOT]) {
  switch (fam) {
    case SR_EXPONENTIAL: case SR_WEIBULL: return weibull1(logt, delta, e, g);
    case SR_LOGLOGISTIC: case SR_BURR: return burr1(logt, delta, e, g);
    case SR_APGW: return apgw1(logt, delta, e, g);
    case SR_LOGNORMAL: return lognormal1(logt, delta, e, g);
    case SR_GOMPERTZ: return gompertz1(t, delta, e, g);
    default: return NAN;
  }
}


/*
** APGW (and Burr XII / log-logistic at theta = 0): value, gradient and the
** analytic Hessian. With l = d log h - H as a function of (e0, L, theta) and
** L = gamma (e1 + log t), gamma = e^e2, the chain rule gives the e1, e2 rows.
*/
static double apgw2 (double logt, double d, const double *e, double *g,
                     double *h) {
  double gam = exp(e[2]), L = gam * (e[1] + logt);
  double s = exp(e[3]), k = expm1(e[3]), lam = exp(e[0]);
  double A = log1pexp(L - e[3]), w = logistic(L - e[3]), w1 = w * (1 - w);
  double E, Ek, Ekk, EA, H, HL, Ht, HLL, HLt, Htt, l;
  double lL, lt, lLL, lLt, ltt;
  sr_expm1_ratio(k, A, &E, &Ek);
  Ekk = expm1_ratio_kk(k, A, Ek);
  EA = exp(k * A);
  H = lam * s * E;
  l = d * (e[0] + e[2] + L - logt + (k - 1) * A) - H;
  HL = lam * s * EA * w;
  Ht = lam * s * (E + s * Ek - EA * w);
  HLL = lam * s * EA * w * (k * w + 1 - w);
  HLt = lam * s * EA * w * (s * A + (1 - k) * w);
  {
    /* d/dtheta of Q = E + s E_k - E_A w, then H_tt = H_t + lam s Q_t */
    double Et = s * Ek - EA * w;
    double sEkt = s * Ek + s * (s * Ekk - w * A * EA);
    double EAwt = EA * (s * A - k * w) * w - EA * w1;
    Htt = Ht + lam * s * (Et + sEkt - EAwt);
  }
  lL = d * (1 + (k - 1) * w) - HL;
  lt = d * (s * A - (k - 1) * w) - Ht;
  lLL = d * (k - 1) * w1 - HLL;
  lLt = d * (s * w - (k - 1) * w1) - HLt;
  ltt = d * (s * A - 2 * s * w + (k - 1) * w1) - Htt;
  g[0] = d - H; g[1] = gam * lL; g[2] = d + L * lL; g[3] = lt;
  h[0] = -H;                              /* e0 e0 */
  h[1] = -HL * gam;                       /* e0 e1 */
  h[2] = -HL * L;                         /* e0 e2 */
  h[3] = -Ht;                             /* e0 theta */
  h[5] = lLL * gam * gam;                 /* e1 e1 */
  h[6] = lLL * gam * L + lL * gam;        /* e1 e2 */
  h[7] = lLt * gam;                       /* e1 theta */
  h[10] = lLL * L * L + lL * L;           /* e2 e2 */
  h[11] = lLt * L;                        /* e2 theta */
  h[15] = ltt;                            /* theta theta */
  return l;
}


double sr_loglik2 (int fam, double t, double logt, double delta,
                   const double e[SR_NSLOT], const int active[SR_NSLOT],
                   double g[SR_NSLOT], double h[SR_NSLOT * SR_NSLOT]) {
  double l;
  int a, b;
  if (fam == SR_EXPONENTIAL || fam == SR_WEIBULL) {
    double gam = exp(e[2]), L = gam * (e[1] + logt), H = exp(e[0] + L);
    l = delta * (e[0] + e[2] + L - logt) - H;
    g[0] = delta - H; g[1] = gam * (delta - H); g[2] = delta + L * (delta - H);
    g[3] = 0;
    h[0] = -H; h[1] = -gam * H; h[2] = -L * H;
    h[5] = -gam * gam * H; h[6] = gam * (delta - H - H * L);
    h[10] = L * (delta - H - H * L);
    h[3] = h[7] = h[11] = h[15] = 0;
  }
  else if (fam == SR_APGW || fam == SR_BURR || fam == SR_LOGLOGISTIC) {
    double e0[SR_NSLOT];
    e0[0] = e[0]; e0[1] = e[1]; e0[2] = e[2];
    e0[3] = fam == SR_APGW ? e[3] : 0;   /* Burr XII is kappa = 0 */
    l = apgw2(logt, delta, e0, g, h);
    if (fam != SR_APGW) g[3] = h[3] = h[7] = h[11] = h[15] = 0;
  }
  else if (fam == SR_LOGNORMAL) {
    /* z = gamma (log t + e1); l_zz = -1 (event) or -m (m - z), m = -l_z */
    double gam = exp(e[2]), z = gam * (logt + e[1]), lz, lzz;
    l = lognormal1(logt, delta, e, g);
    lz = g[1] / gam;
    lzz = delta > 0 ? -1 : lz * (-lz - z);
    h[0] = h[1] = h[2] = h[3] = h[7] = h[11] = h[15] = 0;
    h[5] = lzz * gam * gam;
    h[6] = lzz * gam * z + lz * gam;
    h[10] = lzz * z * z + lz * z;
  }
  else if (fam == SR_GOMPERTZ) {
    double lam = exp(e[0]), E, Ek;
    l = gompertz1(t, delta, e, g);
    sr_expm1_ratio(e[2], t, &E, &Ek);
    h[0] = -lam * E; h[1] = 0; h[2] = -lam * Ek; h[3] = 0;
    h[5] = h[6] = h[7] = h[11] = h[15] = 0;
    h[10] = -lam * expm1_ratio_kk(e[2], t, Ek);
  }
  else {
    /* fallback for a family without an analytic Hessian: central
       differences of the analytic gradient, error ~ 1e-10 relative */
    double ep[SR_NSLOT], gp[SR_NSLOT], gm[SR_NSLOT];
    l = sr_loglik1(fam, t, logt, delta, e, g);
    for (a = 0; a < SR_NSLOT; a++) {
      double step;
      if (!active[a]) {
        for (b = 0; b < SR_NSLOT; b++) h[a * SR_NSLOT + b] = 0;
        continue;
      }
      step = FD_STEP * (1 + fabs(e[a]));
      for (b = 0; b < SR_NSLOT; b++) ep[b] = e[b];
      ep[a] = e[a] + step;
      sr_loglik1(fam, t, logt, delta, ep, gp);
      ep[a] = e[a] - step;
      sr_loglik1(fam, t, logt, delta, ep, gm);
      for (b = 0; b < SR_NSLOT; b++)
        h[a * SR_NSLOT + b] = (gp[b] - gm[b]) / (2 * step);
    }
    /* symmetrise over the active slots */
    for (a = 0; a < SR_NSLOT; a++)
      for (b = a + 1; b < SR_NSLOT; b++)
        if (active[a] && active[b]) {
          double m = 0.5 * (h[a * SR_NSLOT + b] + h[b * SR_NSLOT + a]);
          h[a * SR_NSLOT + b] = m;
        }
  }
  for (a = 0; a < SR_NSLOT; a++)  /* fill the lower triangle */
    for (b = 0; b < a; b++) h[a * SR_NSLOT + b] = h[b * SR_NSLOT + a];
  return l;
}


/* ---------------------------------------------------------------------- */
/* the fitted distribution                                                 */
/* ---------------------------------------------------------------------- */

double sr_cumhaz (int fam, double t, const double e[SR_NSLOT]) {
  double logt = log(t), gam = exp(e[2]), L = gam * (e[1] + logt), E, Ek;
  switch (fam) {
    case SR_EXPONENTIAL: case SR_WEIBULL: return exp(e[0] + L);
    case SR_LOGLOGISTIC: case SR_BURR: return exp(e[0]) * log1pexp(L);
    case SR_APGW:
      sr_expm1_ratio(expm1(e[3]), log1pexp(L - e[3]), &E, &Ek);
      return exp(e[0] + e[3]) * E;
    case SR_LOGNORMAL: return -lognormq(gam * (logt + e[1]));
    case SR_GOMPERTZ:
      sr_expm1_ratio(e[2], t, &E, &Ek);
      return exp(e[0]) * E;
    default: return NAN;
  }
}


double sr_loghaz (int fam, double t, const double e[SR_NSLOT]) {
  double logt = log(t), gam = exp(e[2]), L = gam * (e[1] + logt);
  switch (fam) {
    case SR_EXPONENTIAL: case SR_WEIBULL: return e[0] + e[2] + L - logt;
    case SR_LOGLOGISTIC: case SR_BURR:
      return e[0] + e[2] + L - logt - log1pexp(L);
    case SR_APGW:
      return e[0] + e[2] + L - logt + expm1(e[3]) * log1pexp(L - e[3])
             - log1pexp(L - e[3]);
    case SR_LOGNORMAL: {
      double z = gam * (logt + e[1]);
      return e[2] - logt - 0.5 * z * z - LOG_SQRT_2PI - lognormq(z);
    }
    case SR_GOMPERTZ: return e[0] + e[2] * t;
    default: return NAN;
  }
}


double sr_logsurv (int fam, double t, const double e[SR_NSLOT]) {
  return -sr_cumhaz(fam, t, e);
}


double sr_quantile (int fam, double p, const double e[SR_NSLOT]) {
  double Hp = -log1p(-p), gam = exp(e[2]), logu;
  if (p <= 0) return 0;
  if (p >= 1) return INFINITY;
  switch (fam) {
    case SR_EXPONENTIAL: case SR_WEIBULL:
      logu = log(Hp) - e[0];  /* lambda u = Hp */
      break;
    case SR_LOGLOGISTIC: case SR_BURR:
      logu = logexpm1(Hp / exp(e[0]));  /* lambda log(1+u) = Hp */
      break;
    case SR_APGW: {
      double k = expm1(e[3]), y = Hp / exp(e[0] + e[3]), A;
      /* (1 + v)^k = 1 + k y with v = u/(kappa+1) */
      if (k * y <= -1) return INFINITY;          /* beyond the cure fraction */
      A = (k == 0) ? y : log1p(k * y) / k;
      logu = e[3] + logexpm1(A);
      break;
    }
    case SR_LOGNORMAL:
      return exp(gsl_cdf_ugaussian_Pinv(p) / gam - e[1]);
    case SR_GOMPERTZ: {
      double y = e[2] * Hp / exp(e[0]);
      if (y <= -1) return INFINITY;
      return e[2] == 0 ? Hp / exp(e[0]) : log1p(y) / e[2];
    }
    default: return NAN;
  }
  return exp(logu / gam - e[1]);
}


double sr_cure (int fam, const double e[SR_NSLOT]) {
  if (fam == SR_APGW && e[3] < 0) {
    double k = expm1(e[3]);
    return exp(-exp(e[0] + e[3]) / (-k));
  }
  if (fam == SR_GOMPERTZ && e[2] < 0)
    return exp(exp(e[0]) / e[2]);
  return 0;
}
