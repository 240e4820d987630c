/*
** Vectorised draws on top of GSL's samplers (see draws.h); normals come
** from our own ziggurat (ziggurat.h), which is faster than GSL's.
*/
#include <gsl/gsl_cblas.h>   /* the BLAS declarations GSL's headers use; OpenBLAS links */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "ointr.h"
#include "mat/mat.h"
#include "rng/draws.h"
#include "rng/xoshiro.h"
#include "rng/ziggurat.h"

/* Loops poll the interrupt flag once per block: cheap, and a Ctrl-C stops
   a draw of 1e9 values within a millisecond or so. */
#define BLOCK 65536

/* for (i = 0; i < n; i++) x[i] = (expr); with interrupt polling */
#define FILL(expr) do { \
    size_t i_, e_; \
    for (i_ = 0; i_ < n; i_ = e_) { \
      e_ = n - i_ > BLOCK ? i_ + BLOCK : n; \
      if (ORR_INTERRUPTED()) return ORNG_EINTR; \
      for (; i_ < e_; i_++) x[i_] = (expr); \
    } \
  } while (0)


/*
** A standard normal: our ziggurat (ziggurat.h) on a xoshiro256++ stream,
** which is every stream of the rng module. Another GSL generator (only a
** C caller can pass one) gets GSL's ziggurat, as its state is opaque.
*/
static double stdnormal (const gsl_rng *r) {
  if (r->type == orng_xoshiro256pp)
    return orng_zig_normal((orng_state *)r->state);
  return gsl_ran_gaussian_ziggurat(r, 1.0);
}


int orng_fill (const gsl_rng *r, int dist, const double *p, double *x,
               size_t n) {
  switch (dist) {
    case ORNG_NORMAL:  /* the bulk loop runs on the state itself */
      if (r->type == orng_xoshiro256pp)
        return orng_zig_fill((orng_state *)r->state, p[0], p[1], x, n, NULL);
      FILL(p[0] + p[1] * gsl_ran_gaussian_ziggurat(r, 1.0));
      break;
    case ORNG_UNIFORM:  /* a (1 - u) + b u stays inside [a, b) */
      FILL(gsl_ran_flat(r, p[0], p[1]));
      break;
    case ORNG_BERNOULLI:
      FILL((double)gsl_ran_bernoulli(r, p[0]));
      break;
    case ORNG_BINOMIAL:
      FILL((double)gsl_ran_binomial(r, p[1], (unsigned int)p[0]));
      break;
    case ORNG_POISSON:
      FILL((double)gsl_ran_poisson(r, p[0]));
      break;
    case ORNG_GAMMA:  /* GSL takes a scale: dividing a Gamma(shape, 1) draw by
                         the rate avoids forming 1/rate, which can overflow */
      FILL(gsl_ran_gamma(r, p[0], 1.0) / p[1]);
      break;
    case ORNG_BETA:
      FILL(gsl_ran_beta(r, p[0], p[1]));
      break;
    case ORNG_EXPONENTIAL:  /* -log1p(-u), u in [0, 1): finite, >= 0 */
      FILL(gsl_ran_exponential(r, 1.0) / p[0]);
      break;
    case ORNG_WEIBULL:  /* GSL's order is (scale, shape) */
      FILL(gsl_ran_weibull(r, p[1], p[0]));
      break;
    case ORNG_LAPLACE:
      FILL(p[0] + gsl_ran_laplace(r, p[1]));
      break;
    default:
      return ORNG_EDIST;
  }
  return ORNG_OK;
}


int orng_categorical (const gsl_rng *r, const double *w, size_t k,
                      double *cum, double *x, size_t n) {
  size_t j, last = 0;
  double total = 0.0;
  for (j = 0; j < k; j++) {
    total += w[j];
    cum[j] = total;
    if (w[j] > 0) last = j;
  }
  {
    size_t i_, e_;
    for (i_ = 0; i_ < n; i_ = e_) {
      e_ = n - i_ > BLOCK ? i_ + BLOCK : n;
      if (ORR_INTERRUPTED()) return ORNG_EINTR;
      for (; i_ < e_; i_++) {
        /* the smallest j with t < cum[j]: cum[j] = cum[j-1] (weight 0) never
           qualifies first, so zero-weight categories are never drawn */
        double t = gsl_rng_uniform(r) * total;
        size_t lo = 0, hi = k;  /* answer in [lo, hi) ... or none */
        while (lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if (t < cum[mid]) hi = mid; else lo = mid + 1;
        }
        /* u * total can round up to total: take the last positive weight */
        x[i_] = (double)((lo < k ? lo : last) + 1);
      }
    }
  }
  return ORNG_OK;
}


int orng_dirichlet (const gsl_rng *r, const double *alpha, size_t k,
                    double *theta, double *x, size_t n) {
  size_t i, j;
  for (i = 0; i < n; i++) {
    if ((i & (BLOCK - 1)) == 0 && ORR_INTERRUPTED()) return ORNG_EINTR;
    gsl_ran_dirichlet(r, k, alpha, theta);
    for (j = 0; j < k; j++) x[i + j * n] = theta[j];
  }
  return ORNG_OK;
}


int orng_mvnormal (const gsl_rng *r, const double *mu, double *R, size_t d,
                   double *x, size_t n) {
  size_t i, j, minor;
  if (d == 0) return ORNG_OK;
  if (mat_chol(R, d, &minor) != MAT_OK) return ORNG_ENOTPD;
  for (i = 0; i < n; i++) {  /* row by row: z_i uses consecutive draws */
    if ((i & (BLOCK - 1)) == 0 && ORR_INTERRUPTED()) return ORNG_EINTR;
    for (j = 0; j < d; j++) x[i + j * n] = stdnormal(r);
  }
  if (n == 0) return ORNG_OK;
  /* X = Z R (n x d): a BLAS-3 triangular product in place */
  cblas_dtrmm(CblasColMajor, CblasRight, CblasUpper, CblasNoTrans,
              CblasNonUnit, (int)n, (int)d, 1.0, R, (int)d, x, (int)n);
  for (j = 0; j < d; j++)
    for (i = 0; i < n; i++) x[i + j * n] += mu[j];
  return ORNG_OK;
}


int orng_permutation (const gsl_rng *r, double *x, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) x[i] = (double)(i + 1);
  /* Fisher-Yates from the top; gsl_rng_uniform_int rejects instead of
     taking a modulus, so every permutation is equally likely */
  for (i = n; i > 1; i--) {
    size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)i);
    double t = x[i - 1];
    if (((n - i) & (BLOCK - 1)) == 0 && ORR_INTERRUPTED()) return ORNG_EINTR;
    x[i - 1] = x[j]; x[j] = t;
  }
  return ORNG_OK;
}


const char *orng_strerror (int status) {
  switch (status) {
    case ORNG_OK: return "ok";
    case ORNG_EINTR: return "interrupted";
    case ORNG_ENOTPD: return "'Sigma' is not positive definite (Cholesky failed)";
    case ORNG_EDIST: return "unknown distribution";
    case ORNG_EBRACKET: return "the ziggurat's bisection did not bracket its root";
    default: return "unknown status";
  }
}


size_t orng_categorical_work (size_t k) { return k; }
size_t orng_dirichlet_work (size_t k) { return k; }
