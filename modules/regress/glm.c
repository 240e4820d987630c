/*
** GLM by IRLS as R's glm.fit, and the negative binomial as MASS::glm.nb
** (see glm.h).  The link functions keep R's guards (logit clamps eta at
** +-30, log and cloglog keep mu away from 0 and 1 by DBL_EPSILON) because
** the iterations must follow R's to give R's numbers.
*/
#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "ointr.h"
#include "regress/ols.h"
#include "regress/glm.h"

#define LOGIT_THRESH 30.0
/* cloglog's mu.eta takes exp(eta) at most at 700, as R's: exp(700) is
   near the largest double and exp(-exp(700)) underflows to 0 cleanly */
#define CLOGLOG_EMAX 700.0
/* glm.fit's QR tolerance: min(RQ_TOL, epsilon / GLM_QR_TOL_RATIO) */
#define GLM_QR_TOL_RATIO 1000.0

/*
** Rows per block of the weighted cross-product: BLOCK_ELEMS doubles of
** scaled rows (1 MB), but never fewer than BLOCK_MIN rows (a dsyrk on
** fewer is mostly overhead) nor more than BLOCK_MAX (BLOCK_NOCOL without
** columns).
*/
#define BLOCK_ELEMS  131072
#define BLOCK_MIN    64
#define BLOCK_MAX    4096
#define BLOCK_NOCOL  2048

static size_t blockrows (size_t p) {
  size_t b = p > 0 ? BLOCK_ELEMS / p : BLOCK_NOCOL;
  return b < BLOCK_MIN ? BLOCK_MIN : b > BLOCK_MAX ? BLOCK_MAX : b;
}


size_t glm_lwork (size_t n, size_t p) {
  return 6 * n + 4 * p + rq_lwork(n, p) + p * p + 6 * p + 8 +
         blockrows(p) * p;
}


/* ------------------------------------------------------------------ links */

double glm_linkfun (int link, double mu) {
  switch (link) {
    case GL_LOG: return log(mu);
    case GL_LOGIT: return log(mu / (1 - mu));
    case GL_PROBIT: return gsl_cdf_ugaussian_Pinv(mu);
    case GL_CLOGLOG: return log(-log1p(-mu));
    case GL_INVERSE: return 1 / mu;
    case GL_SQRT: return sqrt(mu);
    default: return mu;
  }
}


double glm_linkinv (int link, double eta) {
  switch (link) {
    case GL_LOG: {
      double m = exp(eta);
      return m > DBL_EPSILON ? m : DBL_EPSILON;
    }
    case GL_LOGIT: {
      double t = eta < -LOGIT_THRESH ? DBL_EPSILON
               : eta > LOGIT_THRESH ? 1 / DBL_EPSILON : exp(eta);
      return t / (1 + t);
    }
    case GL_PROBIT: {
      double th = -gsl_cdf_ugaussian_Pinv(DBL_EPSILON);
      if (eta < -th) eta = -th;
      if (eta > th) eta = th;
      return gsl_cdf_ugaussian_P(eta);
    }
    case GL_CLOGLOG: {
      double m = -expm1(-exp(eta));
      if (m > 1 - DBL_EPSILON) m = 1 - DBL_EPSILON;
      return m < DBL_EPSILON ? DBL_EPSILON : m;
    }
    case GL_INVERSE: return 1 / eta;
    case GL_SQRT: return eta * eta;
    default: return eta;
  }
}


double glm_mueta (int link, double eta) {
  switch (link) {
    case GL_LOG: {
      double m = exp(eta);
      return m > DBL_EPSILON ? m : DBL_EPSILON;
    }
    case GL_LOGIT: {
      double e = exp(eta), o = 1 + e;
      return (eta > LOGIT_THRESH || eta < -LOGIT_THRESH) ? DBL_EPSILON
             : e / (o * o);
    }
    case GL_PROBIT: {
      double d = exp(-0.5 * eta * eta) / sqrt(2 * M_PI);
      return d > DBL_EPSILON ? d : DBL_EPSILON;
    }
    case GL_CLOGLOG: {
      double e = eta < CLOGLOG_EMAX ? eta : CLOGLOG_EMAX, d = exp(e) * exp(-exp(e));
      return d > DBL_EPSILON ? d : DBL_EPSILON;
    }
    case GL_INVERSE: return -1 / (eta * eta);
    case GL_SQRT: return 2 * eta;
    default: return 1.0;
  }
}


static int valideta (int link, const double *eta, size_t n) {
  size_t i;
  if (link == GL_INVERSE) {
    for (i = 0; i < n; i++)
      if (!isfinite(eta[i]) || eta[i] == 0) return 0;
  }
  else if (link == GL_SQRT) {
    for (i = 0; i < n; i++)
      if (!isfinite(eta[i]) || eta[i] <= 0) return 0;
  }
  return 1;
}


/* ---------------------------------------------------------------- families */

double glm_variance (int family, double mu, double theta) {
  switch (family) {
    case GF_BINOMIAL: return mu * (1 - mu);
    case GF_POISSON: return mu;
    case GF_GAMMA: return mu * mu;
    case GF_NEGBIN: return mu + mu * mu / theta;
    default: return 1.0;
  }
}


static int validmu (int family, const double *mu, size_t n) {
  size_t i;
  switch (family) {
    case GF_BINOMIAL:
      for (i = 0; i < n; i++)
        if (!isfinite(mu[i]) || mu[i] <= 0 || mu[i] >= 1) return 0;
      return 1;
    case GF_POISSON: case GF_GAMMA: case GF_NEGBIN:
      for (i = 0; i < n; i++)
        if (!isfinite(mu[i]) || mu[i] <= 0) return 0;
      return 1;
    default: return 1;
  }
}


/* y log(y / mu), 0 at y = 0 */
static double ylogy (double y, double mu) {
  return y > 0 ? y * log(y / mu) : 0.0;
}


double glm_devres (int family, double y, double mu, double wt, double theta) {
  switch (family) {
    case GF_BINOMIAL:
      return 2 * wt * (ylogy(y, mu) + ylogy(1 - y, 1 - mu));
    case GF_POISSON: {
      double r = mu * wt;
      if (y > 0) r = wt * (y * log(y / mu) - (y - mu));
      return 2 * r;
    }
    case GF_GAMMA:
      return -2 * wt * (log(y == 0 ? 1 : y / mu) - (y - mu) / mu);
    case GF_NEGBIN:
      return 2 * wt * (y * log((y > 1 ? y : 1) / mu) -
                       (y + theta) * log((y + theta) / (mu + theta)));
    default: return wt * (y - mu) * (y - mu);
  }
}


double glm_deviance (const glm_model *m, const double *mu) {
  size_t i;
  double d = 0;
  for (i = 0; i < m->n; i++)
    d += glm_devres(m->family, m->y[i], mu[i], m->w[i], m->theta);
  return d;
}


/* log of the binomial probability of k successes in t trials */
static double ldbinom (double k, double t, double p) {
  double r = (k == 0 || k == t) ? 0.0 : gsl_sf_lnchoose((unsigned)t, (unsigned)k);
  if (k > 0) r += k * log(p);
  if (t - k > 0) r += (t - k) * log1p(-p);
  return r;
}


double glm_aic (const glm_model *m, const double *mu, double dev) {
  size_t i, n = m->n;
  double s = 0;
  switch (m->family) {
    case GF_BINOMIAL:
      for (i = 0; i < n; i++) {
        double wt = m->w[i];
        if (wt > 0) s += ldbinom(round(wt * m->y[i]), round(wt), mu[i]);
      }
      return -2 * s;
    case GF_POISSON:
      for (i = 0; i < n; i++) {
        double y = m->y[i];
        double l = (y > 0 ? y * log(mu[i]) : 0) - mu[i] - lgamma(y + 1);
        s += l * m->w[i];
      }
      return -2 * s;
    case GF_GAMMA: {
      double sw = 0, disp, shape;
      for (i = 0; i < n; i++) sw += m->w[i];
      disp = dev / sw; shape = 1 / disp;
      for (i = 0; i < n; i++) {
        double y = m->y[i], sc = mu[i] * disp;
        double l = (shape - 1) * log(y) - y / sc - lgamma(shape) - shape * log(sc);
        s += l * m->w[i];
      }
      return -2 * s + 2;
    }
    case GF_NEGBIN: {
      double th = m->theta;
      for (i = 0; i < n; i++) {
        double y = m->y[i];
        double t = (y + th) * log(mu[i] + th) - (y > 0 ? y * log(mu[i]) : 0) +
                   lgamma(y + 1) - th * log(th) + lgamma(th) - lgamma(th + y);
        s += t * m->w[i];
      }
      return 2 * s;
    }
    default: {
      double slw = 0;
      for (i = 0; i < n; i++) slw += log(m->w[i]);
      return (double)n * (log(dev / (double)n * 2 * M_PI) + 1) + 2 - slw;
    }
  }
}


double glm_nb_loglik (const glm_model *m, const double *mu, double th) {
  size_t i;
  double s = 0;
  for (i = 0; i < m->n; i++) {
    double y = m->y[i];
    s += m->w[i] * (lgamma(th + y) - lgamma(th) - lgamma(y + 1) +
                    th * log(th) + y * log(mu[i] + (y == 0)) -
                    (th + y) * log(th + mu[i]));
  }
  return s;
}


/* ------------------------------------------------------------------- IRLS */

/* eta = X b + offset, mu = linkinv(eta), returns the deviance */
static double update (const glm_model *m, const double *b, double *eta,
                      double *mu) {
  size_t i, c0 = (size_t)(m->intercept != 0), k = m->p - c0;
  double b0 = c0 ? b[0] : 0.0;
  if (k > 0)
    cblas_dgemv(CblasColMajor, CblasNoTrans, (int)m->n, (int)k, 1.0, m->X,
                (int)m->n, b + c0, 1, 0.0, eta, 1);
  else memset(eta, 0, m->n * sizeof(double));
  for (i = 0; i < m->n; i++) {
    eta[i] += b0;
    if (m->off) eta[i] += m->off[i];
    mu[i] = glm_linkinv(m->link, eta[i]);
  }
  return glm_deviance(m, mu);
}


static double mustart (const glm_model *m, size_t i) {
  double y = m->y[i];
  switch (m->family) {
    case GF_BINOMIAL: return (m->w[i] * y + 0.5) / (m->w[i] + 1);
    case GF_POISSON: return y + 0.1;
    case GF_NEGBIN: return y + (y == 0) / 6.0;
    default: return y;
  }
}


/* A = sqrt(W) [1 X] */
static void wdesign (const glm_model *m, const double *sw, double *A) {
  size_t n = m->n, c0 = (size_t)(m->intercept != 0), i, j;
  if (c0) memcpy(A, sw, n * sizeof(double));
  for (j = c0; j < m->p; j++) {
    const double *x = m->X + (j - c0) * n;
    double *a = A + j * n;
    for (i = 0; i < n; i++) a[i] = x[i] * sw[i];
  }
}


/*
** G = (sqrt(W) [1 X])'(sqrt(W) [1 X]) (upper) and c = (sqrt(W) [1 X])' zw,
** a block of rows at a time scaled into buf (B x p): one pass over X and
** no n x p copy, where forming sqrt(W) X whole would write and reread it.
*/
static void wcross (const glm_model *m, const double *sw, const double *zw,
                    double *G, double *c, double *buf, size_t B) {
  size_t n = m->n, p = m->p, c0 = (size_t)(m->intercept != 0), i0, i, j;
  memset(G, 0, p * p * sizeof(double));
  memset(c, 0, p * sizeof(double));
  for (i0 = 0; i0 < n; i0 += B) {
    size_t mb = n - i0 < B ? n - i0 : B;
    const double *s = sw + i0;
    if (c0) memcpy(buf, s, mb * sizeof(double));
    for (j = c0; j < p; j++) {
      const double *x = m->X + (j - c0) * n + i0;
      double *b = buf + j * mb;
      for (i = 0; i < mb; i++) b[i] = x[i] * s[i];
    }
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)p, (int)mb, 1.0,
                buf, (int)mb, 1.0, G, (int)p);
    cblas_dgemv(CblasColMajor, CblasTrans, (int)mb, (int)p, 1.0, buf,
                (int)mb, zw + i0, 1, 1.0, c, 1);
  }
}


int glm_irls (const glm_model *m, const double *etastart, int maxit,
              double epsilon, glm_fit *f, double *work, size_t lwork) {
  size_t n = m->n, p = m->p, i, j;
  double *z = work, *sw = z + n, *eff = sw + n, *res = eff + n;
  double *start = res + n, *coefold = start + p, *cw = coefold + p;
  double *colnorm = cw + p, *lw = colnorm + p + 2 * n;
  size_t B = blockrows(p);
  size_t llw = lwork - (size_t)(lw - work) - (p * p + 6 * p + 8) - B * p;
  double *G = lw + llw, *nw = G + p * p;
  int *niw = (int *)(nw + 4 * p);
  double *blk = nw + 6 * p + 8;
  double tol = epsilon / GLM_QR_TOL_RATIO < RQ_TOL ? epsilon / GLM_QR_TOL_RATIO
                                                  : RQ_TOL;
  double dev = 0, devold;
  int iter, have_old = 0;
  double *eta = f->eta, *mu = f->mu;
  f->converged = 0; f->boundary = 0; f->iterations = 0; f->rank = 0;
  for (i = 0; i < n; i++) {
    eta[i] = etastart ? etastart[i] : glm_linkfun(m->link, mustart(m, i));
    mu[i] = glm_linkinv(m->link, eta[i]);
  }
  dev = devold = glm_deviance(m, mu);
  for (j = 0; j < p; j++) start[j] = coefold[j] = 0;
  for (iter = 1; iter <= maxit; iter++) {
    size_t ngood = 0, rank;
    int st;
    if (ORR_INTERRUPTED()) return REG_EINTR;
    for (i = 0; i < n; i++) {
      double me = glm_mueta(m->link, eta[i]);
      if (m->w[i] > 0 && me != 0) {
        double v = glm_variance(m->family, mu[i], m->theta);
        z[i] = (eta[i] - (m->off ? m->off[i] : 0)) + (m->y[i] - mu[i]) / me;
        sw[i] = sqrt(m->w[i] * me * me / v);
        ngood++;
      }
      else z[i] = sw[i] = 0;  /* a zero row leaves R unchanged */
    }
    if (ngood == 0) return REG_ENOGOOD;
    for (i = 0; i < n; i++) z[i] *= sw[i];
    /* the normal equations when they are safely conditioned (see ols.h),
       else the QR with limited pivoting, as glm.fit's Cdqrls */
    st = REG_NEEDPIVOT;
    if (p > 0) {
      wcross(m, sw, z, G, eff, blk, B);
      if (rq_normal(G, p, eff, RQ_RCOND_NORMAL, cw, f->V, nw, niw) == 0) {
        rank = p;
        for (j = 0; j < p; j++) f->pivot[j] = (int)j;
        f->qr_valid = 0;
        st = REG_OK;
      }
    }
    if (st != REG_OK) {
      wdesign(m, sw, f->A);
      st = rq_qr(f->A, n, p, tol, f->tau, f->pivot, &rank, colnorm, lw, llw);
      if (st == REG_NEEDPIVOT) {
        wdesign(m, sw, f->A);
        st = rq_qr_pivot(f->A, n, p, tol, f->tau, f->pivot, &rank, colnorm, lw);
      }
      if (st == REG_EINTR) return REG_EINTR;
      if (st != REG_OK) return REG_ELAPACK;
      if (rq_solve(f->A, n, rank, f->tau, z, cw, eff, res, lw, llw))
        return REG_ELAPACK;
      if (rq_unscaled(f->A, n, rank, f->V)) return REG_ELAPACK;
      f->qr_valid = 1;
    }
    for (j = 0; j < rank; j++)
      if (!isfinite(cw[j])) return REG_ENONFINITE;
    for (j = 0; j < p; j++) start[j] = 0;
    for (j = 0; j < rank; j++) start[f->pivot[j]] = cw[j];
    f->rank = rank;
    f->iterations = iter;
    dev = update(m, start, eta, mu);
    f->boundary = 0;
    if (!isfinite(dev) || !(valideta(m->link, eta, n) &&
                            validmu(m->family, mu, n))) {
      int ii = 1;
      if (!have_old) return REG_ENOVALID;
      while (!isfinite(dev) || !(valideta(m->link, eta, n) &&
                                 validmu(m->family, mu, n))) {
        if (ii > maxit) return REG_EHALVING;
        ii++;
        for (j = 0; j < p; j++) start[j] = (start[j] + coefold[j]) / 2;
        dev = update(m, start, eta, mu);
      }
      f->boundary = 1;
    }
    if (fabs(dev - devold) / (fabs(dev) + 0.1) < epsilon) {
      f->converged = 1;
      break;
    }
    devold = dev;
    memcpy(coefold, start, p * sizeof(double));
    have_old = 1;
  }
  f->deviance = dev;
  for (j = 0; j < p; j++) f->coef[j] = start[j];
  for (j = f->rank; j < p; j++) f->coef[f->pivot[j]] = NAN;
  for (i = 0; i < n; i++) {
    f->wres[i] = (m->y[i] - mu[i]) / glm_mueta(m->link, eta[i]);
    f->wwork[i] = sw[i] * sw[i];
  }
  return REG_OK;
}


/* -------------------------------------------------------- negative binomial */

static double nb_score (const glm_model *m, const double *mu, double th) {
  size_t i;
  double s = 0;
  for (i = 0; i < m->n; i++) {
    double y = m->y[i];
    s += m->w[i] * (gsl_sf_psi(th + y) - gsl_sf_psi(th) + log(th) + 1 -
                    log(th + mu[i]) - (y + th) / (mu[i] + th));
  }
  return s;
}


static double nb_info (const glm_model *m, const double *mu, double th) {
  size_t i;
  double s = 0;
  for (i = 0; i < m->n; i++) {
    double y = m->y[i], d = mu[i] + th;
    s += m->w[i] * (-gsl_sf_psi_1(th + y) + gsl_sf_psi_1(th) - 1 / th +
                    2 / d - (y + th) / (d * d));
  }
  return s;
}


double glm_theta_ml (const glm_model *m, const double *mu, int limit,
                     double *se, int *iter, int *warn) {
  size_t i;
  double sw = 0, s = 0, t0, del = 1, inf = NAN;
  double eps = pow(DBL_EPSILON, 0.25);
  int it = 0;
  for (i = 0; i < m->n; i++) {
    double r = m->y[i] / mu[i] - 1;
    sw += m->w[i];
    s += m->w[i] * r * r;
  }
  t0 = sw / s;
  *warn = 0;
  while (++it < limit && fabs(del) > eps) {
    t0 = fabs(t0);
    inf = nb_info(m, mu, t0);
    del = nb_score(m, mu, t0) / inf;
    t0 += del;
  }
  if (t0 < 0) { t0 = 0; *warn = 1; }
  if (it == limit) *warn = 2;
  *se = sqrt(1 / inf);
  *iter = it;
  return t0;
}


int glm_nb (glm_model *m, int maxit, double epsilon, glm_fit *f,
            double *work, size_t lwork) {
  size_t n = m->n, i;
  double *muold = work + 4 * n + 4 * m->p, *etas = muold + n;
  double th, t0, del, d1, d2, Lm, Lm0, rdf;
  int st, link = m->link, iter = 0, it, warn;
  /* the Poisson fit starts it */
  m->family = GF_POISSON;
  st = glm_irls(m, NULL, maxit, epsilon, f, work, lwork);
  m->family = GF_NEGBIN;
  if (st != REG_OK) return st;
  memcpy(muold, f->mu, n * sizeof(double));
  th = glm_theta_ml(m, muold, maxit, &f->se_theta, &it, &warn);
  rdf = 0;
  for (i = 0; i < n; i++) rdf += m->w[i] > 0;
  rdf -= (double)f->rank;
  d1 = sqrt(2 * (rdf > 1 ? rdf : 1));
  d2 = del = 1;
  Lm = glm_nb_loglik(m, muold, th);
  Lm0 = Lm + 2 * d1;
  f->outer_converged = 0;
  while ((iter = iter + 1) <= maxit &&
         (fabs(Lm0 - Lm) / d1 + fabs(del) / d2) > epsilon) {
    for (i = 0; i < n; i++) etas[i] = glm_linkfun(link, muold[i]);
    m->theta = th;
    st = glm_irls(m, etas, maxit, epsilon, f, work, lwork);
    if (st != REG_OK) return st;
    t0 = th;
    /* as glm.nb: theta from the mu of the previous fit, then mu moves on */
    th = glm_theta_ml(m, muold, maxit, &f->se_theta, &it, &warn);
    memcpy(muold, f->mu, n * sizeof(double));
    del = t0 - th;
    Lm0 = Lm;
    Lm = glm_nb_loglik(m, muold, th);
  }
  f->outer_converged = iter <= maxit;
  f->outer = iter > maxit ? maxit : iter - 1;
  f->theta = th;
  f->theta_iter = it;
  f->theta_warn = warn;
  f->twologlik = 2 * Lm;
  return REG_OK;
}


int glm_extreme (int family, const double *mu, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    double u = mu[i];
    if (family == GF_BINOMIAL && (u > 1 - GLM_EXTREME_EPS || u < GLM_EXTREME_EPS))
      return 1;
    if (family == GF_POISSON && u < GLM_EXTREME_EPS) return 1;
  }
  return 0;
}


void glm_resid (int family, int type, const double *y, const double *mu,
                const double *w, double theta, size_t n, double *r) {
  size_t i;
  for (i = 0; i < n; i++) {
    double yi = y[i], m = mu[i], wi = w ? w[i] : 1;
    if (type == GLM_PEARSON)
      r[i] = (yi - m) * sqrt(wi) / sqrt(glm_variance(family, m, theta));
    else {
      double dr = glm_devres(family, yi, m, wi, theta);
      r[i] = (yi > m ? 1 : -1) * sqrt(dr > 0 ? dr : 0);
    }
  }
}


size_t glm_nulldev_work (size_t n) {
  /* IRLS's work, the column of ones and the start, eta, mu, working
     weights and residuals, A (n each), coef, tau, V and two pivots */
  return glm_lwork(n, 1) + 7 * n + 6;
}


int glm_nulldev (const glm_model *m, const glm_fit *f, int hasint,
                 int maxit, double epsilon, double *dev, double *work) {
  size_t n = m->n, i, lw0 = glm_lwork(n, 1);
  if (hasint && m->off && m->p > 1) {
    /* the intercept-only fit with the offset, by IRLS from the fit's mu */
    glm_model m0 = *m;
    glm_fit f0;
    double *one = work + lw0, *es = one + n;
    int st;
    memset(&f0, 0, sizeof f0);
    for (i = 0; i < n; i++) { one[i] = 1; es[i] = glm_linkfun(m->link, f->mu[i]); }
    m0.p = 1; m0.X = one; m0.intercept = 0;
    if (m->family == GF_NEGBIN) m0.theta = f->theta;
    f0.eta = es + n; f0.mu = f0.eta + n; f0.wwork = f0.mu + n;
    f0.wres = f0.wwork + n; f0.A = f0.wres + n; f0.coef = f0.A + n;
    f0.tau = f0.coef + 1; f0.V = f0.tau + 1;
    f0.pivot = (int *)(f0.V + 1);
    st = glm_irls(&m0, es, maxit, epsilon, &f0, work, lw0);
    if (st != REG_OK) return st;
    *dev = f0.deviance;
  }
  else {  /* the weighted mean, or eta = the offset without an intercept */
    double sumw = 0, swy = 0, mu0;
    for (i = 0; i < n; i++) { sumw += m->w[i]; swy += m->w[i] * m->y[i]; }
    mu0 = swy / sumw;
    *dev = 0;
    for (i = 0; i < n; i++) {
      double mi = hasint ? mu0 : glm_linkinv(m->link, m->off ? m->off[i] : 0);
      *dev += glm_devres(m->family, m->y[i], mi, m->w[i], m->theta);
    }
  }
  return REG_OK;
}
