/*
** bayes kernels: the hierarchical Gaussian filter, rank-one updates and
** downdates of a Cholesky factor (for the normal-inverse-Wishart family)
** and the Bayesian bootstrap of a mean. Plain C on arrays, no Lua.
*/
#ifndef BAYES_H
#define BAYES_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

enum {
  BAYES_OK = 0,
  BAYES_NEGPREC,        /* a posterior precision became <= 0 (or not finite) */
  BAYES_NOTPD,          /* a downdate left the matrix not positive definite */
  BAYES_INTERRUPTED
};

const char *bayes_message (int status);

/*
** Parameters of an HGF. binary = 1: input level is binary (levels = 2 or 3
** counts the input level); the continuous model has a Gaussian level 1.
** omega[0], kappa[0]: level-1 volatility (continuous only); omega[1],
** kappa[1]: level 2 (kappa[1] unused with 2 levels). State index 0..2 is
** level 1..3.
*/
typedef struct bayes_hgf {
  int binary, levels;
  double omega[2], kappa[2], theta, pi_u;
  double mu0[3], pi0[3];
} bayes_hgf;

/*
** Filters n inputs u (NaN = missing: the update is skipped, the
** predictions still advance the variances). Outputs, column-major n x 3:
** mu, pi (column 1 of the binary model: the prediction mu1^ = s(mu2) and
** 1/(mu1^(1-mu1^))), pe (n x 3: value prediction error u - mu1^, then the
** volatility prediction errors of levels 1 and 2; NaN where undefined),
** surprise (n; NaN for a missing input). *total gets the summed surprise.
** Returns BAYES_OK, or BAYES_NEGPREC with *bad = the 1-based trial.
*/
int bayes_hgf_filter (const bayes_hgf *p, const double *u, size_t n,
                      double *mu, double *pi, double *pe, double *surprise,
                      double *total, size_t *bad);

/*
** Rank-one update (sign = +1) or downdate (sign = -1) of the upper
** triangular d x d factor R (column-major, A = R'R) to that of A + sign xx'.
** x is overwritten (d doubles of work). Returns BAYES_NOTPD when a downdate
** would leave A not positive definite (R is then unspecified).
*/
int bayes_cholupdate (double *R, size_t d, double *x, int sign);

/*
** Normal-inverse-Wishart: adds (sign = +1) or removes (sign = -1) the n
** rows of X (n x d, column-major) one at a time: kappa, mu (d) and R (the
** upper Cholesky factor of Psi) change in place. work: 2d doubles.
*/
int bayes_niw_rows (double *R, double *mu, double *kappa, size_t d,
                    const double *X, size_t n, int sign, double *work);

/*
** Bayesian bootstrap of the mean: draws[b] = sum_i w_i x_i with
** w ~ Dirichlet(1, ..., 1) (normalised exponentials), b = 1..B.
*/
int bayes_bboot_mean (const double *x, size_t n, size_t B, gsl_rng *r,
                      double *draws);

/*
** The copula predictive of Fong, Holmes and Walker (2023) for univariate
** data, kept as its distribution function P on an increasing grid of G
** points (standardised scale). With alpha_i = (2 - 1/i)/(i + 1), a point y_i
** with v = P(y_i) updates P(y) to
**   (1 - alpha_i) P(y) + alpha_i Phi((Phi^-1(P(y)) - rho Phi^-1(v)) / sqrt(1 - rho^2)).
** bayes_copula_fit starts from P = Phi(grid) and adds x[0..n-1] (step i = 1..n).
** bayes_copula_draw continues from P (overwritten) with steps n+1..N, each
** drawing v ~ U(0, 1) and its point y = P^-1(v) (linear interpolation),
** written to out[0..N-n-1].
*/
void bayes_copula_fit (const double *x, size_t n, double rho, const double *grid,
                       size_t G, double *P);
int bayes_copula_draw (double *P, const double *grid, size_t G, size_t n, size_t N,
                       double rho, gsl_rng *r, double *out);

#endif
