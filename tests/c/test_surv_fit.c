/*
** Kernel tests for the families of surv.fit (modules/surv/families.c): the analytic slot gradients against
** central differences of the log-likelihood, the hazard integrated by GSL
** (QAGS) against the cumulative hazard, quantiles against H, the series of
** expm1(kA)/k against its closed form, and the cure fraction.
*/
#include <math.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_errno.h>

#include "ctest.h"
#include "surv/families.h"

static const char *names[] = {"exponential", "weibull", "gompertz",
  "loglogistic", "lognormal", "burr", "apgw"};

/* slot values to test at: {log lambda, log phi, log gamma (gompertz: gamma), theta} */
static const double cases[][SR_NSLOT] = {
  {0.3, -1.2, 0.4, 0.5},        /* kappa = 0.65 */
  {-0.5, 0.7, -0.3, -0.8},      /* kappa = -0.55: defective */
  {0.1, -0.2, 0.9, 1e-7},       /* kappa ~ 0: the series */
  {0.2, 0.1, 0.2, -1e-4},       /* kappa ~ 0 from below */
  {1.1, -2.0, 0.05, 2.0},       /* kappa = 6.4 */
  {-1.0, 0.3, -0.9, 0.3},
};

static double fd_grad (int fam, double t, double d, const double *e, int a) {
  double ep[SR_NSLOT], em[SR_NSLOT], h = 1e-6 * (1 + fabs(e[a]));
  int k;
  for (k = 0; k < SR_NSLOT; k++) ep[k] = em[k] = e[k];
  ep[a] += h; em[a] -= h;
  return (sr_loglik1(fam, t, log(t), d, ep, NULL) -
          sr_loglik1(fam, t, log(t), d, em, NULL)) / (2 * h);
}

struct hz { int fam; const double *e; };

static double hazard (double t, void *p) {
  struct hz *z = (struct hz *)p;
  return exp(sr_loghaz(z->fam, t, z->e));
}

int main (void) {
  static const double times[] = {0.05, 0.7, 1.0, 2.5, 9.0};
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
  size_t c, i;
  int fam, a;
  gsl_set_error_handler_off();

  /* 1. gradients: analytic vs central differences, events and censored */
  for (fam = 0; fam < SR_NFAMILIES; fam++)
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++)
      for (i = 0; i < sizeof times / sizeof times[0]; i++) {
        double d;
        for (d = 0; d <= 1; d += 1) {
          double g[SR_NSLOT], t = times[i];
          sr_loglik1(fam, t, log(t), d, cases[c], g);
          for (a = 0; a < SR_NSLOT; a++) {
            double want = fd_grad(fam, t, d, cases[c], a);
            if (fabs(g[a] - want) > 1e-6 * (1 + fabs(want))) {
              fprintf(stderr, "%s case %d t=%g d=%g slot %d: %.12g vs fd %.12g\n",
                      names[fam], (int)c, t, d, a, g[a], want);
              ctest_failed++;
            }
            else ctest_passed++;
          }
        }
      }

  /* 2. the analytic Hessian of sr_loglik2 against central differences of
        the analytic gradient */
  {
    int active[SR_NSLOT] = {1, 1, 1, 1};
    for (fam = 0; fam < SR_NFAMILIES; fam++)
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++)
    for (i = 0; i < sizeof times / sizeof times[0]; i++) {
      double g[SR_NSLOT], h[SR_NSLOT * SR_NSLOT], t = times[i];
      const double *e = cases[c];
      double dd = (double)(i % 2);   /* events and censored times */
      sr_loglik2(fam, t, log(t), dd, e, active, g, h);
      for (a = 0; a < SR_NSLOT; a++) {
        double ep[SR_NSLOT], em[SR_NSLOT], gp[SR_NSLOT], gm[SR_NSLOT], st = 1e-6;
        int b;
        for (b = 0; b < SR_NSLOT; b++) ep[b] = em[b] = e[b];
        ep[a] += st; em[a] -= st;
        sr_loglik1(fam, t, log(t), dd, ep, gp);
        sr_loglik1(fam, t, log(t), dd, em, gm);
        for (b = 0; b < SR_NSLOT; b++) {
          double fd = (gp[b] - gm[b]) / (2 * st);
          if (fam != SR_APGW && (a == 3 || b == 3)) continue;  /* unused slot */
          if (fabs(h[a * SR_NSLOT + b] - fd) < 1e-6 * (1 + fabs(fd))) ctest_passed++;
          else {
            ctest_failed++;
            fprintf(stderr, "%s case %d t=%g d=%g hess[%d][%d] = %.12g, fd %.12g\n",
                    names[fam], (int)c, t, dd, a, b, h[a * SR_NSLOT + b], fd);
          }
        }
      }
    }
  }

  /* 3. int_0^t h = H(t), by QAGS (the hazard may be singular at 0) */
  for (fam = 0; fam < SR_NFAMILIES; fam++)
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++)
      for (i = 0; i < sizeof times / sizeof times[0]; i++) {
        struct hz z;
        gsl_function F;
        double res, abserr, H;
        z.fam = fam; z.e = cases[c];
        F.function = hazard; F.params = &z;
        if (gsl_integration_qags(&F, 0, times[i], 0, 1e-11, 1000, ws, &res, &abserr) != 0
            && abserr > 1e-9 * fabs(res)) {
          fprintf(stderr, "%s case %d: QAGS failed\n", names[fam], (int)c);
          ctest_failed++;
          continue;
        }
        H = sr_cumhaz(fam, times[i], cases[c]);
        if (fabs(res - H) > 1e-8 * fabs(H) + 1e-14) {
          fprintf(stderr, "%s case %d t=%g: int h = %.15g, H = %.15g\n",
                  names[fam], (int)c, times[i], res, H);
          ctest_failed++;
        }
        else ctest_passed++;
      }

  /* 4. quantiles invert H: H(q(p)) = -log(1 - p), or Inf past the cure fraction */
  for (fam = 0; fam < SR_NFAMILIES; fam++)
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
      double p;
      for (p = 0.05; p < 1; p += 0.15) {
        double q = sr_quantile(fam, p, cases[c]);
        double cure = sr_cure(fam, cases[c]);
        if (p > 1 - cure) { CHECK(isinf(q)); continue; }
        CHECK_NEAR(sr_cumhaz(fam, q, cases[c]), -log1p(-p), 1e-10);
      }
    }

  /* 5. expm1(kA)/k: series and closed form agree across the switch */
  {
    double E1, Ek1, E2, Ek2, A = 2.0;
    sr_expm1_ratio(0.2499999, A, &E1, &Ek1);   /* series: |kA| < 0.5 */
    sr_expm1_ratio(0.2500001, A, &E2, &Ek2);   /* closed form */
    CHECK_NEAR(E1, E2, 1e-6);
    CHECK_NEAR(Ek1, Ek2, 1e-6);
    sr_expm1_ratio(0, A, &E1, &Ek1);
    CHECK_NEAR(E1, A, 1e-15);
    CHECK_NEAR(Ek1, A * A / 2, 1e-15);
  }

  /* 6. special cases of the APGW hazard */
  {
    double w[SR_NSLOT] = {0.3, -0.4, 0.2, log(2.0)};   /* kappa = 1 */
    double b[SR_NSLOT] = {0.3, -0.4, 0.2, 0.0};        /* kappa = 0 */
    double tt = 3.3;
    CHECK_NEAR(sr_cumhaz(SR_APGW, tt, w), sr_cumhaz(SR_WEIBULL, tt, w), 1e-13);
    CHECK_NEAR(sr_loghaz(SR_APGW, tt, w), sr_loghaz(SR_WEIBULL, tt, w), 1e-13);
    CHECK_NEAR(sr_cumhaz(SR_APGW, tt, b), sr_cumhaz(SR_BURR, tt, b), 1e-13);
    CHECK_NEAR(sr_loghaz(SR_APGW, tt, b), sr_loghaz(SR_BURR, tt, b), 1e-13);
    /* cure fraction exp(-lambda (kappa+1)/|kappa|) and S(t) -> it */
    CHECK_NEAR(sr_cure(SR_APGW, cases[1]),
               exp(-exp(cases[1][0]) * exp(cases[1][3]) / -expm1(cases[1][3])), 1e-14);
    CHECK_NEAR(exp(-sr_cumhaz(SR_APGW, 1e60, cases[1])), sr_cure(SR_APGW, cases[1]), 1e-9);
  }
  gsl_integration_workspace_free(ws);
  return CTEST_DONE();
}
