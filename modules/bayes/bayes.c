/*
** bayes kernels: see bayes.h. The HGF equations are those of Mathys et al.
** (2011, 2014) as written in docs/methods/bayes.md.
*/
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "ointr.h"
#include "rng/xoshiro.h"
#include "bayes/bayes.h"

/* inputs between interrupt polls */
#define POLL_EVERY 65536

static const double LOG2PI = 1.8378770664093454836;

const char *bayes_message (int status) {
  switch (status) {
    case BAYES_OK: return "ok";
    case BAYES_NEGPREC: return "a posterior precision became non-positive";
    case BAYES_NOTPD: return "the downdate leaves the scale matrix not positive definite";
    case BAYES_INTERRUPTED: return "interrupted";
    default: return "unknown status";
  }
}

static double sigmoid (double x) { return 1.0 / (1.0 + exp(-x)); }

/*
** Volatility coupling of a child to its parent: given the child's
** variance-prediction quantities (v = its step variance, pihat = its
** predicted precision, delta = its volatility prediction error), updates
** the parent's belief. Returns the parent's new precision.
*/
static void volupdate (double kappa, double v, double pihat, double delta,
                       double parpihat, double *parmu, double *parpi) {
  double w = v * pihat;
  *parpi = parpihat + 0.5 * kappa * kappa * w * (w + (2 * w - 1) * delta);
  *parmu += kappa * w * delta / (2 * *parpi);
}

int bayes_hgf_filter (const bayes_hgf *p, const double *u, size_t n,
                      double *mu, double *pi, double *pe, double *surprise,
                      double *total, size_t *bad) {
  double m1 = p->mu0[0], m2 = p->mu0[1], m3 = p->mu0[2];
  double p1 = p->pi0[0], p2 = p->pi0[1], p3 = p->pi0[2];
  int three = p->levels == 3;
  double sum = 0;
  size_t k;
  for (k = 0; k < n; k++) {
    double x = u[k], s = NAN, d1 = NAN, dv1 = NAN, dv2 = NAN;
    double v2, p2hat, p3hat = 0;
    if (k % POLL_EVERY == 0 && ORR_INTERRUPTED()) return BAYES_INTERRUPTED;
    if (p->binary) {
      double m1hat = sigmoid(m2), m2old = m2;
      v2 = exp(three ? p->kappa[1] * m3 + p->omega[1] : p->omega[1]);
      p2hat = 1 / (1 / p2 + v2);
      if (three) p3hat = 1 / (1 / p3 + p->theta);
      if (isnan(x)) {
        p2 = p2hat;
        if (three) p3 = p3hat;
      }
      else {
        d1 = x - m1hat;
        p2 = p2hat + m1hat * (1 - m1hat);
        m2 += d1 / p2;
        s = -log(x > 0.5 ? m1hat : 1 - m1hat);
        sum += s;
        if (three) {
          dv2 = (1 / p2 + (m2 - m2old) * (m2 - m2old)) * p2hat - 1;
          volupdate(p->kappa[1], v2, p2hat, dv2, p3hat, &m3, &p3);
        }
      }
      mu[k] = m1hat; pi[k] = 1 / (m1hat * (1 - m1hat));
    }
    else {
      double v1 = exp(p->kappa[0] * m2 + p->omega[0]);
      double p1hat = 1 / (1 / p1 + v1), m1hat = m1, m2old = m2;
      v2 = exp(three ? p->kappa[1] * m3 + p->omega[1] : p->omega[1]);
      p2hat = 1 / (1 / p2 + v2);
      if (three) p3hat = 1 / (1 / p3 + p->theta);
      if (isnan(x)) {
        p1 = p1hat; p2 = p2hat;
        if (three) p3 = p3hat;
      }
      else {
        double var = 1 / p1hat + 1 / p->pi_u;
        d1 = x - m1hat;
        s = 0.5 * (LOG2PI + log(var) + d1 * d1 / var);
        sum += s;
        p1 = p1hat + p->pi_u;
        m1 = m1hat + p->pi_u / p1 * d1;
        dv1 = (1 / p1 + (m1 - m1hat) * (m1 - m1hat)) * p1hat - 1;
        volupdate(p->kappa[0], v1, p1hat, dv1, p2hat, &m2, &p2);
        if (three) {
          dv2 = (1 / p2 + (m2 - m2old) * (m2 - m2old)) * p2hat - 1;
          volupdate(p->kappa[1], v2, p2hat, dv2, p3hat, &m3, &p3);
        }
      }
      mu[k] = m1; pi[k] = p1;
    }
    mu[k + n] = m2; pi[k + n] = p2;
    mu[k + 2 * n] = three ? m3 : NAN; pi[k + 2 * n] = three ? p3 : NAN;
    pe[k] = d1; pe[k + n] = dv1; pe[k + 2 * n] = dv2;
    surprise[k] = s;
    if (!(p2 > 0) || (three && !(p3 > 0)) || (!p->binary && !(p1 > 0)) ||
        !isfinite(m2) || (three && !isfinite(m3)) || !isfinite(p2)) {
      *bad = k + 1;
      *total = NAN;
      return BAYES_NEGPREC;
    }
  }
  *total = sum;
  return BAYES_OK;
}

int bayes_cholupdate (double *R, size_t d, double *x, int sign) {
  size_t j, i;
  for (j = 0; j < d; j++) {
    double rjj = R[j + j * d], xj = x[j];
    double r2 = rjj * rjj + sign * xj * xj, r, c, s;
    if (!(r2 > 0)) return BAYES_NOTPD;
    r = sqrt(r2);
    c = r / rjj; s = xj / rjj;
    R[j + j * d] = r;
    {
      /* one division per column, not per element */
      double ic = rjj / r, ss = sign * s;
      for (i = j + 1; i < d; i++) {
        double *rji = &R[j + i * d];
        *rji = (*rji + ss * x[i]) * ic;
        x[i] = c * x[i] - s * *rji;
      }
    }
  }
  return BAYES_OK;
}

int bayes_niw_rows (double *R, double *mu, double *kappa, size_t d,
                    const double *X, size_t n, int sign, double *work) {
  size_t i, j;
  double *z = work;
  for (i = 0; i < n; i++) {
    double k = *kappa, f;
    if (i % POLL_EVERY == 0 && ORR_INTERRUPTED()) return BAYES_INTERRUPTED;
    if (sign > 0) {
      /* Psi += k/(k+1) (x - mu)(x - mu)', mu = (k mu + x)/(k + 1) */
      f = sqrt(k / (k + 1));
      for (j = 0; j < d; j++) {
        double xj = X[i + j * n];
        z[j] = f * (xj - mu[j]);
        mu[j] = (k * mu[j] + xj) / (k + 1);
      }
      *kappa = k + 1;
      bayes_cholupdate(R, d, z, 1);
    }
    else {
      /* the inverse: mu' = (k mu - x)/(k - 1), Psi -= (k-1)/k (x - mu')(x - mu')' */
      f = sqrt((k - 1) / k);
      for (j = 0; j < d; j++) {
        double xj = X[i + j * n];
        mu[j] = (k * mu[j] - xj) / (k - 1);
        z[j] = f * (xj - mu[j]);
      }
      *kappa = k - 1;
      if (bayes_cholupdate(R, d, z, -1) != BAYES_OK) return BAYES_NOTPD;
    }
  }
  return BAYES_OK;
}

int bayes_bboot_mean (const double *x, size_t n, size_t B, gsl_rng *r,
                      double *draws) {
  size_t b, i;
  /* Orrery's own generator: its state in registers, the same numbers as
     gsl_rng_uniform (53 bits of one output) without a call per draw */
  int own = r->type == orng_xoshiro256pp;
  uint64_t s[4];
  if (own) memcpy(s, r->state, sizeof s);
  for (b = 0; b < B; b++) {
    double sw = 0, swx = 0;
    if (ORR_INTERRUPTED()) {
      if (own) memcpy(r->state, s, sizeof s);
      return BAYES_INTERRUPTED;
    }
    for (i = 0; i < n; i++) {
      /* an Exp(1) draw; normalised, the weights are Dirichlet(1, ..., 1) */
      double u = own ? (double)(orng_step(s) >> 11) * 0x1.0p-53 : gsl_rng_uniform(r);
      double w = -log(1 - u);
      sw += w; swx += w * x[i];
    }
    draws[b] = swx / sw;
  }
  if (own) memcpy(r->state, s, sizeof s);
  return BAYES_OK;
}

/* linear interpolation of the increasing table (a, b) at a = v: b at the
   table's ends beyond them (used both ways: cdf and quantile) */
static double interp (const double *a, const double *b, size_t G, double v) {
  size_t lo = 0, hi = G - 1;
  if (v <= a[0]) return b[0];
  if (v >= a[G - 1]) return b[G - 1];
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (a[mid] <= v) lo = mid; else hi = mid;
  }
  if (a[hi] == a[lo]) return b[lo];
  return b[lo] + (b[hi] - b[lo]) * (v - a[lo]) / (a[hi] - a[lo]);
}

static void copula_step (double *P, size_t G, double v, double rho, size_t i) {
  double alpha = (2 - 1.0 / (double)i) / ((double)i + 1);
  double zv = gsl_cdf_ugaussian_Pinv(v), sr = sqrt(1 - rho * rho);
  size_t g;
  for (g = 0; g < G; g++) {
    double u = P[g];
    if (u > 0 && u < 1)
      P[g] = (1 - alpha) * u +
             alpha * gsl_cdf_ugaussian_P((gsl_cdf_ugaussian_Pinv(u) - rho * zv) / sr);
  }
}

void bayes_copula_fit (const double *x, size_t n, double rho, const double *grid,
                       size_t G, double *P) {
  size_t g, i;
  for (g = 0; g < G; g++) P[g] = gsl_cdf_ugaussian_P(grid[g]);
  for (i = 0; i < n; i++) {
    double v = interp(grid, P, G, x[i]);
    /* a point at the grid's edge: keep v inside (0, 1) */
    if (v < 1e-15) v = 1e-15;
    if (v > 1 - 1e-15) v = 1 - 1e-15;
    copula_step(P, G, v, rho, i + 1);
  }
}

int bayes_copula_draw (double *P, const double *grid, size_t G, size_t n, size_t N,
                       double rho, gsl_rng *r, double *out) {
  size_t i;
  for (i = n + 1; i <= N; i++) {
    double v = gsl_rng_uniform_pos(r);
    if (i % 256 == 0 && ORR_INTERRUPTED()) return BAYES_INTERRUPTED;
    out[i - n - 1] = interp(P, grid, G, v);
    copula_step(P, G, v, rho, i);
  }
  return BAYES_OK;
}
