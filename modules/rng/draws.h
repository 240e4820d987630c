/*
** Vectorised draws: plain C on arrays, any gsl_rng. Parameters are checked
** by the caller (the binding); these only loop. Each returns an
** orng_status: ORNG_OK, or ORNG_EINTR when the interrupt flag was raised
** (the output is then incomplete).
*/
#ifndef draws_h
#define draws_h

#include <stddef.h>
#include <gsl/gsl_rng.h>

/* The status codes of the rng kernels (draws.c, ziggurat.c). */
typedef enum {
  ORNG_OK = 0,
  ORNG_EINTR,      /* ORR_INTERRUPTED() was seen */
  ORNG_ENOTPD,     /* orng_mvnormal: Sigma is not positive definite */
  ORNG_EDIST,      /* orng_fill: an unknown family */
  ORNG_EBRACKET    /* orng_zig_build: the bisection did not bracket */
} orng_status;

/* The message of a status (ORNG_OK: "ok"), without the function's name. */
const char *orng_strerror (int status);

/* the scalar families of orng_fill; p[] holds their parameters */
enum {
  ORNG_NORMAL,       /* p0 mean, p1 sd */
  ORNG_UNIFORM,      /* p0 a, p1 b */
  ORNG_BERNOULLI,    /* p0 p */
  ORNG_BINOMIAL,     /* p0 size (integer), p1 p */
  ORNG_POISSON,      /* p0 lambda */
  ORNG_GAMMA,        /* p0 shape, p1 rate */
  ORNG_BETA,         /* p0 a, p1 b */
  ORNG_EXPONENTIAL,  /* p0 rate */
  ORNG_WEIBULL,      /* p0 shape, p1 scale */
  ORNG_LAPLACE       /* p0 mu, p1 b (scale) */
};

/* x[0..n-1] <- n independent draws of family 'dist'. */
int orng_fill (const gsl_rng *r, int dist, const double *p, double *x,
               size_t n);

/*
** Categorical codes 1..k with probabilities proportional to w[0..k-1]
** (w >= 0, finite, sum > 0). cum: orng_categorical_work(k) = k doubles
** of work (the cumulative sums). Inversion by binary
** search on the cumulative sums: one uniform per draw, and a zero-weight
** category is never drawn.
*/
size_t orng_categorical_work (size_t k);
int orng_categorical (const gsl_rng *r, const double *w, size_t k,
                      double *cum, double *x, size_t n);

/*
** n draws from Dirichlet(alpha[0..k-1]) into the n x k column-major x;
** theta: orng_dirichlet_work(k) = k doubles of work (one draw's gammas).
** Row i uses consecutive draws.
*/
size_t orng_dirichlet_work (size_t k);
int orng_dirichlet (const gsl_rng *r, const double *alpha, size_t k,
                    double *theta, double *x, size_t n);

/*
** n draws from N(mu, Sigma) into the n x d column-major x. R (d x d,
** column-major) holds Sigma on entry; on return its upper triangle holds the
** Cholesky factor (Sigma = R'R, LAPACK's dpotrf by mat_chol). Returns
** ORNG_ENOTPD if Sigma is not positive definite, ORNG_EINTR on interrupt,
** ORNG_OK otherwise. Row i takes d consecutive standard
** normals z_i and becomes mu + R' z_i, so the first rows do not depend on n.
*/
int orng_mvnormal (const gsl_rng *r, const double *mu, double *R, size_t d,
                   double *x, size_t n);

/* x <- a uniformly random permutation of 1..n (Fisher-Yates). */
int orng_permutation (const gsl_rng *r, double *x, size_t n);

#endif
