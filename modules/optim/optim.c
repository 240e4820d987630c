/*
** optim kernels (see optim.h): GSL drivers and finite differences.
** GSL's error handler is off (the binding switches it off): every status
** is checked here.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_vector.h>

#include "ointr.h"
#include "optim/optim.h"

/*
** Line searches. BFGS backtracks to Armijo's sufficient decrease with
** c1 = ARMIJO_C1 (Nocedal & Wright's usual value), each trial step the
** minimum of the interpolating quadratic kept within [SHRINK_MIN t,
** SHRINK_MAX t] (SHRINK_MIN alone after a non-finite f). A first step
** along an unscaled direction moves x by FIRST_MOVE of its scale, as does
** bfgs2's first trial and Nelder-Mead's initial simplex; FLETCHER_SIGMA is
** the accuracy GSL recommends for bfgs2's line search.
*/
#define ARMIJO_C1       1e-4
#define SHRINK_MIN      0.1
#define SHRINK_MAX      0.5
#define FIRST_MOVE      0.1
#define FLETCHER_SIGMA  0.1


/* ---------------------------------------------------------------------- */
/* finite differences                                                      */
/* ---------------------------------------------------------------------- */

/* f at w, counting; NaN once aborted */
static double evalf (optim_problem *p, const double *w) {
  double v;
  if (p->abort) return NAN;
  v = p->f(p, w);
  p->nf++;
  return p->abort ? NAN : v;
}


size_t optim_fd_work (size_t n) { return n; }


int optim_fdgrad (optim_problem *p, const double *x, double fx, double *g,
                  double *work, size_t *bad) {
  /* h ~ eps^(1/3) max(|x_i|, 1) balances truncation against the O(eps/h)
     rounding of f. The step is relative to x, not to how fast f changes
     with x_i (a coefficient of a covariate in the hundreds), so the
     O(h^2) error of the plain central difference can be large: the
     Richardson combination of the differences over h and 2h cancels it,
     leaving O(h^4) */
  const double c = cbrt(DBL_EPSILON);
  size_t i, n = p->n;
  int status = OPTIM_OK;
  memcpy(work, x, n * sizeof(double));
  for (i = 0; i < n; i++) {
    double h = c * fmax(fabs(x[i]), 1.0), f1p, f1m, f2p, f2m;
    h = (x[i] + h) - x[i];  /* a step that x_i + h represents exactly */
    work[i] = x[i] + h; f1p = evalf(p, work);
    work[i] = x[i] - h; f1m = evalf(p, work);
    work[i] = x[i] + 2 * h; f2p = evalf(p, work);
    work[i] = x[i] - 2 * h; f2m = evalf(p, work);
    work[i] = x[i];
    if (p->abort) return OPTIM_ABORTED;
    if (isfinite(f1p) && isfinite(f1m) && isfinite(f2p) && isfinite(f2m))
      g[i] = (8 * (f1p - f1m) - (f2p - f2m)) / (12 * h);
    else if (isfinite(f1p) && isfinite(f1m))
      g[i] = (f1p - f1m) / (2 * h);
    else {
      if (isnan(fx)) {  /* not given: needed now for a one-sided difference */
        fx = evalf(p, x);
        if (p->abort) return OPTIM_ABORTED;
      }
      if (isfinite(f1p) && isfinite(fx)) g[i] = (f1p - fx) / h;
      else if (isfinite(f1m) && isfinite(fx)) g[i] = (fx - f1m) / h;
      else {
        g[i] = NAN;
        if (status == OPTIM_OK && bad) *bad = i;
        status = OPTIM_ENOTFINITE;
      }
    }
  }
  return status;
}


/*
** Second differences at steps t h_i (t = 1 and 1/2) combined by Richardson:
** (4 D(h/2) - D(h)) / 3 cancels the O(h^2) term. h ~ 2 eps^(1/4): the
** rounding of f, O(eps / h^2), stays near sqrt(eps) relative.
*/
int optim_fdhessian (optim_problem *p, const double *x, double *H,
                     double *work) {
  const double c = 2 * sqrt(sqrt(DBL_EPSILON));
  size_t i, j, n = p->n;
  double f0;
  int t;
  memcpy(work, x, n * sizeof(double));
  f0 = evalf(p, x);
  if (p->abort) return OPTIM_ABORTED;
  if (!isfinite(f0)) return OPTIM_ENOTFINITE;
  for (i = 0; i < n; i++) {
    double d[2];
    for (t = 0; t < 2; t++) {
      double hi = (t ? 0.5 : 1.0) * c * fmax(fabs(x[i]), 1.0), fp, fm;
      hi = (x[i] + hi) - x[i];
      work[i] = x[i] + hi; fp = evalf(p, work);
      work[i] = x[i] - hi; fm = evalf(p, work);
      work[i] = x[i];
      if (p->abort) return OPTIM_ABORTED;
      if (!isfinite(fp) || !isfinite(fm)) return OPTIM_ENOTFINITE;
      d[t] = ((fp - f0) + (fm - f0)) / (hi * hi);
    }
    H[i + i * n] = (4 * d[1] - d[0]) / 3;
    for (j = 0; j < i; j++) {
      double v;
      for (t = 0; t < 2; t++) {
        double s = (t ? 0.5 : 1.0) * c, fpp, fpm, fmp, fmm;
        double hi = s * fmax(fabs(x[i]), 1.0), hj = s * fmax(fabs(x[j]), 1.0);
        hi = (x[i] + hi) - x[i];
        hj = (x[j] + hj) - x[j];
        work[i] = x[i] + hi; work[j] = x[j] + hj; fpp = evalf(p, work);
        work[j] = x[j] - hj; fpm = evalf(p, work);
        work[i] = x[i] - hi; fmm = evalf(p, work);
        work[j] = x[j] + hj; fmp = evalf(p, work);
        work[i] = x[i]; work[j] = x[j];
        if (p->abort) return OPTIM_ABORTED;
        if (!isfinite(fpp) || !isfinite(fpm) || !isfinite(fmp) ||
            !isfinite(fmm))
          return OPTIM_ENOTFINITE;
        d[t] = ((fpp - fpm) - (fmp - fmm)) / (4.0 * hi * hj);
      }
      v = (4 * d[1] - d[0]) / 3;
      H[i + j * n] = v;   /* one value for both: exactly symmetric */
      H[j + i * n] = v;
    }
  }
  return OPTIM_OK;
}


/* ---------------------------------------------------------------------- */
/* dense BFGS                                                              */
/* ---------------------------------------------------------------------- */

/* f and gradient at x; returns f (+Inf when not finite) */
static double fgrad (optim_problem *p, const double *x, double *g,
                     double *work, int want_g) {
  double fx = evalf(p, x);
  if (p->abort) return HUGE_VAL;
  if (!isfinite(fx)) return HUGE_VAL;
  if (want_g) {
    if (p->grad) {
      p->grad(p, x, g);
      p->ng++;
    }
    else optim_fdgrad(p, x, fx, g, work, NULL);
  }
  return fx;
}


static int finitevec (const double *v, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) if (!isfinite(v[i])) return 0;
  return 1;
}


static double dot (const double *a, const double *b, size_t n) {
  size_t i;
  double s = 0;
  for (i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}


static double vmaxabs (const double *v, size_t n) {
  size_t i;
  double m = 0;
  for (i = 0; i < n; i++) m = fmax(m, fabs(v[i]));
  return m;
}


static void identity (double *H, size_t n, double scale) {
  size_t i;
  memset(H, 0, n * n * sizeof(double));
  for (i = 0; i < n; i++) H[i + i * n] = scale;
}


int optim_bfgs (optim_problem *p, double *x, double tol, int maxiter,
                optim_result *res) {
  size_t n = p->n, i, j;
  int status = OPTIM_OK, it, fresh = 1, scaled = 0;
  double *mem, *H, *g, *d, *xn, *gn, *s, *y, *Hy, *work, f, fn;
  res->converged = 0; res->iterations = 0; res->reason = "";
  mem = (double *)malloc((n * n + 9 * n) * sizeof(double));
  if (mem == NULL) return OPTIM_NOMEM;
  H = mem; g = H + n * n; d = g + n; xn = d + n; gn = xn + n; s = gn + n;
  y = s + n; Hy = y + n; work = Hy + n;  /* work: 2n for differences */
  f = fgrad(p, x, g, work, 1);
  if (p->abort) { status = OPTIM_ABORTED; goto done; }
  if (!isfinite(f) || !finitevec(g, n)) { status = OPTIM_BADSTART; goto done; }
  identity(H, n, 1.0);
  res->reason = "maximum iterations reached";
  for (it = 0; ; it++) {
    double gd, t, dn;
    if (vmaxabs(g, n) <= tol * fmax(1.0, fabs(f))) {
      res->converged = 1;
      res->reason = "gradient below tolerance";
      break;
    }
    if (it == maxiter) break;
    if (ORR_INTERRUPTED()) { status = OPTIM_INTERRUPTED; goto done; }
    res->iterations = it + 1;
    /* the quasi-Newton direction d = -H g; steepest descent if H has lost
       positive definiteness to rounding */
    for (i = 0; i < n; i++) {
      double v = 0;
      for (j = 0; j < n; j++) v += H[i + j * n] * g[j];
      d[i] = -v;
    }
    gd = dot(g, d, n);
    if (!(gd < 0)) {
      identity(H, n, 1.0); fresh = 1; scaled = 0;
      for (i = 0; i < n; i++) d[i] = -g[i];
      gd = -dot(g, g, n);
    }
    dn = sqrt(dot(d, d, n));
    /* unit step, except along the unscaled gradient: then a first move of
       a tenth of the scale of x */
    t = scaled ? 1.0 : fmin(1.0, FIRST_MOVE * fmax(1.0, sqrt(dot(x, x, n))) / dn);
    /* backtracking to Armijo's sufficient decrease; a non-finite f is a
       failed trial, so walls are stepped back from */
    for (;;) {
      int moved = 0;
      for (i = 0; i < n; i++) {
        xn[i] = x[i] + t * d[i];
        if (xn[i] != x[i]) moved = 1;
      }
      if (!moved) { t = 0; break; }
      fn = fgrad(p, xn, gn, work, 0);
      if (p->abort) { status = OPTIM_ABORTED; goto done; }
      if (isfinite(fn) && fn <= f + ARMIJO_C1 * t * gd) break;
      if (isfinite(fn)) {
        /* the minimum of the quadratic through f, f'(0) = gd and fn,
           kept within [SHRINK_MIN t, SHRINK_MAX t] */
        double q = -gd * t * t / (2 * (fn - f - gd * t));
        t = fmin(fmax(q, SHRINK_MIN * t), SHRINK_MAX * t);
      }
      else t *= SHRINK_MIN;
    }
    if (t == 0) {
      if (!fresh) {  /* retry once from steepest descent, as R's vmmin */
        identity(H, n, 1.0); fresh = 1; scaled = 0;
        continue;
      }
      /* no decrease along -g to rounding: a minimum if the gradient is
         small on a scale that allows for its own error (tol^(2/3)) */
      res->reason = "line search made no progress";
      res->converged = vmaxabs(g, n) <= pow(tol, 2.0 / 3.0) * fmax(1.0, fabs(f));
      break;
    }
    if (p->grad) { p->grad(p, xn, gn); p->ng++; }
    else optim_fdgrad(p, xn, fn, gn, work, NULL);
    if (p->abort) { status = OPTIM_ABORTED; goto done; }
    if (!isfinite(fn) || !finitevec(gn, n)) {
      res->reason = "the gradient is not finite at the new point";
      break;
    }
    for (i = 0; i < n; i++) { s[i] = xn[i] - x[i]; y[i] = gn[i] - g[i]; }
    {
      double sy = dot(s, y, n), yy = dot(y, y, n);
      /* update only under positive curvature s'y > 0 (with a margin for
         rounding); otherwise H stays, as in R's vmmin */
      if (sy > sqrt(DBL_EPSILON) * sqrt(dot(s, s, n) * yy)) {
        double rho = 1 / sy, yHy;
        if (!scaled) {  /* scale H0 = (s'y / y'y) I (Nocedal & Wright 6.20) */
          identity(H, n, sy / yy);
          scaled = 1;
        }
        for (i = 0; i < n; i++) {
          double v = 0;
          for (j = 0; j < n; j++) v += H[i + j * n] * y[j];
          Hy[i] = v;
        }
        yHy = dot(y, Hy, n);
        /* H <- (I - rho s y') H (I - rho y s') + rho s s', expanded:
           H - rho (Hy s' + s Hy') + (rho^2 y'Hy + rho) s s' */
        for (j = 0; j < n; j++)
          for (i = 0; i < n; i++)
            H[i + j * n] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) +
                            (rho * rho * yHy + rho) * s[i] * s[j];
        fresh = 0;
      }
    }
    memcpy(x, xn, n * sizeof(double));
    memcpy(g, gn, n * sizeof(double));
    f = fn;
  }
  res->value = f;
done:
  free(mem);
  return status;
}


/* ---------------------------------------------------------------------- */
/* BFGS as GSL has it                                                      */
/* ---------------------------------------------------------------------- */

typedef struct bctx {
  optim_problem *p;
  double *x;     /* the point GSL asks about, contiguous */
  double *work;  /* finite-difference scratch */
} bctx;


static const double *contiguous (const gsl_vector *v, double *w) {
  size_t i;
  for (i = 0; i < v->size; i++) w[i] = gsl_vector_get(v, i);
  return w;
}


/* a non-finite f is +Inf to GSL: Fletcher's line search then takes the
   point as too far and interpolates back towards the last good step */
static double b_f (const gsl_vector *v, void *params) {
  bctx *c = (bctx *)params;
  double fx = evalf(c->p, contiguous(v, c->x));
  return isfinite(fx) ? fx : GSL_POSINF;
}


static void b_grad (bctx *c, double fx, gsl_vector *g) {
  optim_problem *p = c->p;
  size_t i;
  if (p->abort) { gsl_vector_set_all(g, NAN); return; }
  if (p->grad) {
    p->grad(p, c->x, c->work);
    p->ng++;
  }
  else optim_fdgrad(p, c->x, fx, c->work, c->work + p->n, NULL);
  for (i = 0; i < p->n; i++)
    gsl_vector_set(g, i, p->abort ? NAN : c->work[i]);
}


static void b_df (const gsl_vector *v, void *params, gsl_vector *g) {
  bctx *c = (bctx *)params;
  contiguous(v, c->x);
  b_grad(c, NAN, g);
}


static void b_fdf (const gsl_vector *v, void *params, double *f,
                   gsl_vector *g) {
  bctx *c = (bctx *)params;
  *f = b_f(v, params);
  b_grad(c, *f, g);
}


static int allfinite (const gsl_vector *v) {
  size_t i;
  for (i = 0; i < v->size; i++)
    if (!isfinite(gsl_vector_get(v, i))) return 0;
  return 1;
}


static double maxabs (const gsl_vector *v) {
  size_t i;
  double m = 0;
  for (i = 0; i < v->size; i++) m = fmax(m, fabs(gsl_vector_get(v, i)));
  return m;
}


int optim_bfgs2 (optim_problem *p, double *x, double tol, int maxiter,
                 optim_result *res) {
  size_t n = p->n, i;
  int status = OPTIM_OK, it, restarted = 0;
  gsl_multimin_fdfminimizer *s;
  gsl_multimin_function_fdf fdf;
  gsl_vector *xv;
  bctx c;
  double *mem, fbest, step = 0;
  res->converged = 0; res->iterations = 0; res->reason = "";
  mem = (double *)malloc(3 * n * sizeof(double));
  s = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, n);
  xv = gsl_vector_alloc(n);
  if (mem == NULL || s == NULL || xv == NULL) { status = OPTIM_NOMEM; goto done; }
  c.p = p; c.x = mem; c.work = mem + n;
  fdf.n = n; fdf.f = b_f; fdf.df = b_df; fdf.fdf = b_fdf; fdf.params = &c;
  for (i = 0; i < n; i++) {
    gsl_vector_set(xv, i, x[i]);
    step += x[i] * x[i];
  }
  /* the first trial step of the line search, along the unit steepest-descent
     direction: a tenth of the scale of x0; 0.1 is Fletcher's sigma for the
     line search (the accuracy GSL recommends for bfgs2) */
  step = FIRST_MOVE * fmax(1.0, sqrt(step));
  gsl_multimin_fdfminimizer_set(s, &fdf, xv, step, FLETCHER_SIGMA);
  if (p->abort) { status = OPTIM_ABORTED; goto done; }
  fbest = s->f;
  if (!isfinite(fbest) || !allfinite(s->gradient)) {
    status = OPTIM_BADSTART;
    goto done;
  }
  res->value = fbest;
  if (maxabs(s->gradient) <= tol * fmax(1.0, fabs(fbest))) {
    res->converged = 1;
    res->reason = "gradient below tolerance";
    goto done;
  }
  res->reason = "maximum iterations reached";
  for (it = 1; it <= maxiter; it++) {
    int st;
    if (ORR_INTERRUPTED()) { status = OPTIM_INTERRUPTED; goto done; }
    st = gsl_multimin_fdfminimizer_iterate(s);
    res->iterations = it;
    if (p->abort) { status = OPTIM_ABORTED; goto done; }
    if (isfinite(s->f) && s->f <= fbest && allfinite(s->x)) {
      fbest = s->f;
      for (i = 0; i < n; i++) x[i] = gsl_vector_get(s->x, i);
    }
    if (st == GSL_ENOPROG && !restarted) {
      /* the quasi-Newton direction gave no decrease: start again from
         steepest descent once, as R's vmmin does, before giving up */
      gsl_multimin_fdfminimizer_restart(s);
      restarted = 1;
      continue;
    }
    if (st == GSL_ENOPROG) {
      /* no decrease even along the gradient: f is flat to rounding here.
         A minimum if the gradient is small on a scale that allows for the
         error of the gradient itself (tol^(2/3): the relative accuracy of
         central differences is eps^(2/3)), stuck otherwise */
      double g = maxabs(s->gradient);
      res->reason = "line search made no progress";
      res->converged = allfinite(s->gradient) &&
        g <= pow(tol, 2.0 / 3.0) * fmax(1.0, fabs(s->f));
      break;
    }
    restarted = 0;
    if (st != GSL_SUCCESS) { res->reason = gsl_strerror(st); break; }
    if (!isfinite(s->f) || !allfinite(s->gradient)) {
      res->reason = "f or its gradient is not finite at the new point";
      break;
    }
    if (maxabs(s->gradient) <= tol * fmax(1.0, fabs(s->f))) {
      res->converged = 1;
      res->reason = "gradient below tolerance";
      break;
    }
  }
  res->value = fbest;
done:
  if (s) gsl_multimin_fdfminimizer_free(s);
  if (xv) gsl_vector_free(xv);
  free(mem);
  return status;
}


/* ---------------------------------------------------------------------- */
/* Nelder-Mead                                                             */
/* ---------------------------------------------------------------------- */

static double nm_f (const gsl_vector *v, void *params) {
  bctx *c = (bctx *)params;
  double fx = evalf(c->p, contiguous(v, c->x));
  return isfinite(fx) ? fx : DBL_MAX;
}


int optim_nm (optim_problem *p, double *x, double tol, int maxiter,
              optim_result *res) {
  size_t n = p->n, i;
  int status = OPTIM_OK, it;
  gsl_multimin_fminimizer *s;
  gsl_multimin_function fn;
  gsl_vector *xv, *steps;
  bctx c;
  double *mem, f0;
  res->converged = 0; res->iterations = 0; res->reason = "";
  mem = (double *)malloc(n * sizeof(double));
  s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
  xv = gsl_vector_alloc(n);
  steps = gsl_vector_alloc(n);
  if (mem == NULL || s == NULL || xv == NULL || steps == NULL) {
    status = OPTIM_NOMEM;
    goto done;
  }
  c.p = p; c.x = mem; c.work = NULL;
  f0 = evalf(p, x);
  if (p->abort) { status = OPTIM_ABORTED; goto done; }
  if (!isfinite(f0)) { status = OPTIM_BADSTART; goto done; }
  fn.n = n; fn.f = nm_f; fn.params = &c;
  for (i = 0; i < n; i++) {
    gsl_vector_set(xv, i, x[i]);
    gsl_vector_set(steps, i, FIRST_MOVE * fmax(fabs(x[i]), 1.0));
  }
  if (gsl_multimin_fminimizer_set(s, &fn, xv, steps) != GSL_SUCCESS) {
    status = p->abort ? OPTIM_ABORTED : OPTIM_BADSTART;
    goto done;
  }
  res->reason = "maximum iterations reached";
  for (it = 1; it <= maxiter; it++) {
    int st;
    double size, xn;
    if (ORR_INTERRUPTED()) { status = OPTIM_INTERRUPTED; goto done; }
    st = gsl_multimin_fminimizer_iterate(s);
    res->iterations = it;
    if (p->abort) { status = OPTIM_ABORTED; goto done; }
    if (st != GSL_SUCCESS) { res->reason = gsl_strerror(st); break; }
    size = gsl_multimin_fminimizer_size(s);
    xn = gsl_blas_dnrm2(s->x);
    if (size <= tol * fmax(1.0, xn)) {
      res->converged = 1;
      res->reason = "simplex size below tolerance";
      break;
    }
  }
  /* the best vertex; its value is finite unless the whole simplex sits
     where f is not (then DBL_MAX stands for it) */
  for (i = 0; i < n; i++) x[i] = gsl_vector_get(s->x, i);
  res->value = s->fval;
  if (res->value == DBL_MAX) {
    res->value = HUGE_VAL;
    res->converged = 0;
    res->reason = "f is not finite anywhere on the simplex";
  }
done:
  if (s) gsl_multimin_fminimizer_free(s);
  if (xv) gsl_vector_free(xv);
  if (steps) gsl_vector_free(steps);
  free(mem);
  return status;
}


/* ---------------------------------------------------------------------- */
/* Brent                                                                   */
/* ---------------------------------------------------------------------- */

static double r_f (double x, void *params) {
  return evalf((optim_problem *)params, &x);
}


int optim_brent (optim_problem *p, double lo, double hi, double flo,
                 double fhi, double tol, int maxiter, double *root,
                 optim_result *res) {
  gsl_root_fsolver *s;
  gsl_function fn;
  int status = OPTIM_OK, it;
  res->converged = 0; res->iterations = 0; res->reason = "";
  *root = fabs(flo) <= fabs(fhi) ? lo : hi;
  res->value = fabs(flo) <= fabs(fhi) ? flo : fhi;
  if (flo == 0 || fhi == 0) {
    res->converged = 1;
    res->reason = "f is zero at an end of the bracket";
    return OPTIM_OK;
  }
  s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
  if (s == NULL) return OPTIM_NOMEM;
  fn.function = r_f; fn.params = p;
  if (gsl_root_fsolver_set(s, &fn, lo, hi) != GSL_SUCCESS) {
    status = p->abort ? OPTIM_ABORTED : OPTIM_BADSTART;
    goto done;
  }
  res->reason = "maximum iterations reached";
  for (it = 1; it <= maxiter; it++) {
    int st = gsl_root_fsolver_iterate(s);
    double a, b;
    res->iterations = it;
    if (p->abort) { status = OPTIM_ABORTED; goto done; }
    if (ORR_INTERRUPTED()) { status = OPTIM_INTERRUPTED; goto done; }
    if (st != GSL_SUCCESS) {
      res->reason = st == GSL_EBADFUNC ? "f is not finite inside the bracket"
                                       : gsl_strerror(st);
      break;
    }
    *root = gsl_root_fsolver_root(s);
    a = gsl_root_fsolver_x_lower(s);
    b = gsl_root_fsolver_x_upper(s);
    if (gsl_root_test_interval(a, b, tol, 4 * DBL_EPSILON) == GSL_SUCCESS) {
      res->converged = 1;
      res->reason = "bracket below tolerance";
      break;
    }
  }
  res->value = evalf(p, root);
  if (p->abort) { status = OPTIM_ABORTED; goto done; }
  if (res->value == 0 && !res->converged) {
    res->converged = 1;
    res->reason = "f is zero at the root";
  }
done:
  gsl_root_fsolver_free(s);
  return status;
}


const char *optim_strerror (int status) {
  switch (status) {
    case OPTIM_OK: return "ok";
    case OPTIM_ABORTED: return "a callback raised an error";
    case OPTIM_INTERRUPTED: return "interrupted";
    case OPTIM_NOMEM: return "not enough memory";
    case OPTIM_BADSTART: return "f or its gradient is not finite at the start";
    case OPTIM_ENOTFINITE: return "f is not finite at a point of the stencil";
    default: return "unknown status";
  }
}
