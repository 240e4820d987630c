/*
** Generalised linear models by IRLS, following R's glm.fit step by step
** (starting values from the family's initialize, working response and
** weights, weighted least squares by the limited-pivoting QR of ols.h,
** step-halving when the deviance is not finite or eta/mu leave the family's
** domain, convergence when |dev - devold| / (|dev| + 0.1) < epsilon), so
** that its answers and iteration counts are R's.  The negative binomial
** alternates IRLS with theta by maximum likelihood as MASS::glm.nb does.
** Plain C on arrays; no allocation.
*/
#ifndef glm_h
#define glm_h

#include <stddef.h>
#include "regress/regress.h"

enum { GF_GAUSSIAN, GF_BINOMIAL, GF_POISSON, GF_GAMMA, GF_NEGBIN };
enum { GL_IDENTITY, GL_LOG, GL_LOGIT, GL_PROBIT, GL_CLOGLOG, GL_INVERSE,
       GL_SQRT };

/* statuses: regress_status (regress.h) */

/* glm.control's defaults: at most 25 IRLS iterations, epsilon 1e-8 */
#define GLM_MAXIT    25
#define GLM_EPSILON  1e-8

typedef struct glm_model {
  size_t n, p;
  int intercept;        /* the design is [1 X]: a column of ones first */
  const double *X;      /* n x (p - intercept), column-major */
  const double *y;      /* response (binomial: proportion of successes) */
  const double *w;      /* prior weights (binomial: numbers of trials) */
  const double *off;    /* offset, or NULL */
  int family, link;
  double theta;         /* negative binomial: the current theta */
} glm_model;

typedef struct glm_fit {
  /* outputs; the caller owns every array */
  double *coef;         /* p; aliased columns NaN */
  double *eta, *mu;     /* n */
  double *wwork;        /* n: working weights of the last WLS */
  double *wres;         /* n: working residuals (y - mu) / mu.eta(eta) */
  double *A;            /* n x p: compact QR of the last WLS (sqrt(wwork) X) */
  double *tau;          /* p */
  int *pivot;           /* p */
  double *V;            /* p x p: (X'WX)^-1 of the last WLS, rank x rank in
                           pivoted order */
  int qr_valid;         /* the last WLS used the QR (A holds it); else the
                           normal equations (A holds sqrt(W) X) */
  size_t rank;
  double deviance;
  int iterations, converged, boundary;
  /* negative binomial */
  double theta, se_theta, twologlik;
  int theta_iter, theta_warn;  /* theta_warn: 1 truncated at 0, 2 limit */
  int outer, outer_converged;
} glm_fit;

/* Doubles of work glm_irls and glm_nb need. */
size_t glm_lwork (size_t n, size_t p);

double glm_linkfun (int link, double mu);
double glm_linkinv (int link, double eta);
double glm_mueta (int link, double eta);
double glm_variance (int family, double mu, double theta);
/* one observation's deviance residual (squared, with its weight) */
double glm_devres (int family, double y, double mu, double wt, double theta);
double glm_deviance (const glm_model *m, const double *mu);
/* the family's aic (R's family$aic), without the 2 * rank */
double glm_aic (const glm_model *m, const double *mu, double dev);
/* MASS's loglik for the negative binomial at theta */
double glm_nb_loglik (const glm_model *m, const double *mu, double theta);

/*
** IRLS from etastart (n, or NULL: the family's starting values).
** maxit, epsilon as glm.control; the QR tolerance is min(1e-7, epsilon/1000)
** as in glm.fit.
*/
int glm_irls (const glm_model *m, const double *etastart, int maxit,
              double epsilon, glm_fit *f, double *work, size_t lwork);

/* theta by ML given mu, as MASS::theta.ml (limit iterations). */
double glm_theta_ml (const glm_model *m, const double *mu, int limit,
                     double *se, int *iter, int *warn);

/* MASS::glm.nb: Poisson start, then alternate theta.ml and IRLS. */
int glm_nb (glm_model *m, int maxit, double epsilon, glm_fit *f,
            double *work, size_t lwork);

/*
** The null deviance of the fit f of m: with an intercept (hasint) the
** deviance of the intercept-only model, the weighted mean of y or, when
** m has an offset (and more than the intercept), the intercept-only fit
** with the offset by IRLS from f's mu, as glm.fit (negbin at f's theta);
** without one, that of eta = the offset. Returns REG_OK or the IRLS's
** status. work: glm_nulldev_work(n) doubles.
*/
size_t glm_nulldev_work (size_t n);
int glm_nulldev (const glm_model *m, const glm_fit *f, int hasint,
                 int maxit, double epsilon, double *dev, double *work);

/*
** glm.fit's warning threshold 10 eps: a binomial mean within it of 0 or 1,
** or a Poisson mean below it, is a fitted value "numerically 0 or 1".
*/
#define GLM_EXTREME_EPS  (10 * 2.220446049250313e-16)
/* 1 when some fitted mean is that extreme (separation), else 0. */
int glm_extreme (int family, const double *mu, size_t n);

/* The residual types of glm_resid. */
enum { GLM_PEARSON, GLM_DEVIANCE };
/* r = Pearson or deviance residuals of y at mu (w NULL: unit weights). */
void glm_resid (int family, int type, const double *y, const double *mu,
                const double *w, double theta, size_t n, double *r);

#endif
