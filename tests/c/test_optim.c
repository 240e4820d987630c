/*
** Kernel tests for modules/optim on C callbacks: Rosenbrock by the three
** methods (with and without the analytic gradient), a barrier that returns
** non-finite values, abort from a callback, Brent on cos(x) - x, and finite
** differences against analytic derivatives.
*/
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "ctest.h"
#include "ointr.h"
#include "optim/optim.h"


static double rosen (optim_problem *p, const double *x) {
  (void)p;
  return 100 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]) +
         (1 - x[0]) * (1 - x[0]);
}

static void rosen_grad (optim_problem *p, const double *x, double *g) {
  (void)p;
  g[0] = -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]);
  g[1] = 200 * (x[1] - x[0] * x[0]);
}

/* (x - 2)^2 where x < 3, NaN beyond: the minimum is inside the region */
static double walled (optim_problem *p, const double *x) {
  (void)p;
  return x[0] < 3 ? (x[0] - 2) * (x[0] - 2) + x[1] * x[1] : NAN;
}

static double aborting (optim_problem *p, const double *x) {
  if (p->nf >= 5) p->abort = 1;
  return x[0] * x[0];
}

static double cosx (optim_problem *p, const double *x) {
  (void)p;
  return cos(x[0]) - x[0];
}

/* f = exp(x0) sin(x1) + x0^2 x1^3 */
static double smooth (optim_problem *p, const double *x) {
  (void)p;
  return exp(x[0]) * sin(x[1]) + x[0] * x[0] * x[1] * x[1] * x[1];
}


/* method: 0 bfgs, 1 nm, 2 bfgs2 (GSL's) */
static void rosenbrock (int method, int analytic) {
  static const char *const names[] = {"bfgs", "nm", "bfgs2"};
  optim_problem p = {2, rosen, NULL, NULL, 0, 0, 0};
  optim_result r;
  double x[2] = {-1.2, 1.0};
  int st;
  if (analytic) p.grad = rosen_grad;
  st = method == 0 ? optim_bfgs(&p, x, 1e-8, 1000, &r)
     : method == 1 ? optim_nm(&p, x, 1e-8, 5000, &r)
                   : optim_bfgs2(&p, x, 1e-8, 1000, &r);
  printf("rosenbrock %s %s: x = (%.12g, %.12g) f = %.3g iter %d nf %ld ng %ld, %s\n",
         names[method], analytic ? "grad" : "fd", x[0], x[1], r.value,
         r.iterations, p.nf, p.ng, r.reason);
  CHECK(st == OPTIM_OK);
  CHECK(r.converged);
  CHECK(fabs(x[0] - 1) < 1e-6 && fabs(x[1] - 1) < 1e-6);
}


int main (void) {
  gsl_set_error_handler_off();
  rosenbrock(0, 1);
  rosenbrock(0, 0);
  rosenbrock(1, 0);
  rosenbrock(2, 1);
  rosenbrock(2, 0);
  {
    /* maxiter = 2: not converged, with a reason */
    optim_problem p = {2, rosen, NULL, NULL, 0, 0, 0};
    optim_result r;
    double x[2] = {-1.2, 1.0};
    CHECK(optim_bfgs(&p, x, 1e-10, 2, &r) == OPTIM_OK);
    CHECK(!r.converged && r.iterations == 2);
    CHECK(r.value < 24.2);  /* below f(x0) = 24.2 */
  }
  {
    /* non-finite values beyond x = 3: both methods stay finite, converge */
    optim_problem p = {2, walled, NULL, NULL, 0, 0, 0};
    optim_result r;
    double x[2] = {2.9, 1.0};
    CHECK(optim_bfgs(&p, x, 1e-10, 200, &r) == OPTIM_OK);
    CHECK(r.converged);
    CHECK(fabs(x[0] - 2) < 1e-6 && fabs(x[1]) < 1e-6);
    x[0] = 2.9; x[1] = 1.0;
    CHECK(optim_bfgs2(&p, x, 1e-10, 200, &r) == OPTIM_OK);
    CHECK(r.converged);
    CHECK(fabs(x[0] - 2) < 1e-6 && fabs(x[1]) < 1e-6);
    x[0] = 2.95; x[1] = 1.0; p.nf = 0;
    CHECK(optim_nm(&p, x, 1e-10, 2000, &r) == OPTIM_OK);
    CHECK(r.converged);
    CHECK(fabs(x[0] - 2) < 1e-6 && fabs(x[1]) < 1e-6);
    x[0] = 5;  /* non-finite at x0 */
    CHECK(optim_nm(&p, x, 1e-10, 10, &r) == OPTIM_BADSTART);
    CHECK(optim_bfgs(&p, x, 1e-10, 10, &r) == OPTIM_BADSTART);
    CHECK(optim_bfgs2(&p, x, 1e-10, 10, &r) == OPTIM_BADSTART);
  }
  {
    /* abort from a callback stops both at once */
    optim_problem p = {1, aborting, NULL, NULL, 0, 0, 0};
    optim_result r;
    double x[1] = {3};
    CHECK(optim_bfgs(&p, x, 1e-10, 100, &r) == OPTIM_ABORTED);
    CHECK(p.nf <= 6);
    p.abort = 0; p.nf = 0;
    CHECK(optim_nm(&p, x, 1e-10, 100, &r) == OPTIM_ABORTED);
    p.abort = 0; p.nf = 0;
    CHECK(optim_bfgs2(&p, x, 1e-10, 100, &r) == OPTIM_ABORTED);
  }
  {
    /* the interrupt flag stops every method */
    optim_problem p = {2, rosen, NULL, NULL, 0, 0, 0};
    optim_result r;
    double x[2] = {-1.2, 1.0};
    orr_interrupted = 1;
    CHECK(optim_bfgs(&p, x, 1e-8, 100, &r) == OPTIM_INTERRUPTED);
    orr_interrupted = 1;
    CHECK(optim_nm(&p, x, 1e-8, 100, &r) == OPTIM_INTERRUPTED);
    orr_interrupted = 1;
    CHECK(optim_bfgs2(&p, x, 1e-8, 100, &r) == OPTIM_INTERRUPTED);
    orr_interrupted = 0;
  }
  {
    /* Brent: cos(x) = x at 0.739085133215160641655312 (the Dottie number) */
    optim_problem p = {1, cosx, NULL, NULL, 0, 0, 0};
    optim_result r;
    double root;
    CHECK(optim_brent(&p, 0, 1, 1, cos(1.0) - 1, 1e-14, 100, &root, &r) == OPTIM_OK);
    CHECK(r.converged);
    CHECK_NEAR(root, 0.739085133215160641655312, 1e-14);
  }
  {
    /* finite differences against the analytic derivatives at (0.5, -1.3) */
    optim_problem p = {2, smooth, NULL, NULL, 0, 0, 0};
    double x[2] = {0.5, -1.3}, g[2], H[4], w[4];
    double e = exp(0.5), s = sin(-1.3), c = cos(-1.3);
    CHECK(optim_fdgrad(&p, x, smooth(&p, x), g, w, NULL) == OPTIM_OK);
    CHECK_NEAR(g[0], e * s + 2 * 0.5 * pow(-1.3, 3), 1e-9);
    CHECK_NEAR(g[1], e * c + 3 * 0.25 * 1.69, 1e-9);
    CHECK(optim_fdhessian(&p, x, H, w) == OPTIM_OK);
    CHECK_NEAR(H[0], e * s + 2 * pow(-1.3, 3), 1e-7);
    CHECK_NEAR(H[3], -e * s + 6 * 0.25 * -1.3, 1e-7);
    CHECK_NEAR(H[1], e * c + 6 * 0.5 * 1.69, 1e-7);
    CHECK(H[1] == H[2]);
  }
  {
    /* walled is NaN for x0 >= 3: at x0 = 5 neither side of coordinate 0
       is finite, so that component cannot be formed (OPTIM_ENOTFINITE) */
    optim_problem p = {2, walled, NULL, NULL, 0, 0, 0};
    double x[2] = {5, 1}, g[2], H[4], w[4];
    size_t bad = 99;
    CHECK(optim_fdgrad(&p, x, NAN, g, w, &bad) == OPTIM_ENOTFINITE);
    CHECK(bad == 0 && isnan(g[0]));
    CHECK(optim_fdhessian(&p, x, H, w) == OPTIM_ENOTFINITE);
    CHECK(optim_strerror(OPTIM_NOMEM)[0] == 'n');
  }
  return CTEST_DONE();
}
