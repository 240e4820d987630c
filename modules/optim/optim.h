/*
** optim kernels: GSL's minimisers and root finder, and finite differences,
** driven through C callbacks. No Lua here: the binding's callbacks call Lua
** under lua_pcall and raise 'abort' instead of unwinding through GSL, so the
** kernels always get to free their GSL workspaces.
*/
#ifndef optim_h
#define optim_h

#include <stddef.h>

typedef struct optim_problem {
  size_t n;                 /* number of parameters */
  /* f(x); may set p->abort (then the value is ignored) */
  double (*f) (struct optim_problem *p, const double *x);
  /* gradient into g; NULL: central differences of f */
  void (*grad) (struct optim_problem *p, const double *x, double *g);
  void *ctx;                /* the caller's */
  int abort;                /* set by a callback: stop at once */
  long nf, ng;              /* evaluations of f and of grad */
} optim_problem;

typedef struct optim_result {
  double value;             /* f at the returned x */
  int converged;
  int iterations;
  const char *reason;       /* why it stopped (a static string) */
} optim_result;

/* kernel statuses (the result is valid only for OPTIM_OK) */
typedef enum {
  OPTIM_OK = 0,
  OPTIM_ABORTED = -1,      /* a callback set abort */
  OPTIM_INTERRUPTED = -2,  /* the interrupt flag (ointr.h) was raised */
  OPTIM_NOMEM = -3,        /* GSL could not allocate its workspace */
  OPTIM_BADSTART = -4,     /* f or its gradient is not finite at x0 */
  OPTIM_ENOTFINITE = -5    /* a finite difference met a non-finite f */
} optim_status;

/* The message of a status (OPTIM_OK: "ok"), without the function's name. */
const char *optim_strerror (int status);

/*
** The defaults of the binding's options: the convergence tolerance of the
** minimisers (relative to max(1, |f|)) and of Brent's bracket, and the
** iteration limits (Nelder-Mead needs many more, cheaper, steps).
*/
#define OPTIM_TOL           1e-8
#define OPTIM_MAXITER       1000
#define OPTIM_NM_MAXITER    5000
#define OPTIM_ROOT_TOL      1e-12
#define OPTIM_ROOT_MAXITER  1000
/* the largest iteration limit accepted: an int, and far beyond any use */
#define OPTIM_MAXITER_CAP   100000000

/*
** BFGS with a dense inverse-Hessian approximation (Nocedal & Wright,
** Algorithm 6.1: update 6.17, initial scaling 6.20) and a backtracking
** Armijo line search; updates are skipped when s'y <= 0, as in R's optim.
** x[n]: x0 on entry, the last (best) point on return. Converged when the
** gradient's largest component is <= tol * max(1, |f|). A non-finite f at
** a trial point fails the trial: the search steps back.
**
** Why not GSL's vector_bfgs2 alone: its update keeps only the last step (a
** memoryless BFGS, conjugate-gradient-like), and on badly scaled problems
** (a logistic likelihood whose covariates are in the hundreds) it needs
** hundreds of iterations or stalls where R's BFGS converges in 30. It stays
** available as optim_bfgs2 (method = "bfgs2").
*/
int optim_bfgs (optim_problem *p, double *x, double tol, int maxiter,
                optim_result *res);

/*
** GSL's gsl_multimin_fdfminimizer_vector_bfgs2 (Fletcher's line search,
** sigma = 0.1). Same contract as optim_bfgs; non-finite f is +Inf to GSL,
** which makes its line search interpolate back.
*/
int optim_bfgs2 (optim_problem *p, double *x, double tol, int maxiter,
                 optim_result *res);

/*
** Nelder-Mead (gsl_multimin_fminimizer_nmsimplex2), initial simplex x0 +
** 0.1 max(|x0_i|, 1) e_i. Converged when the simplex's RMS size is
** <= tol * max(1, ||x||). A non-finite f counts as DBL_MAX (a very bad
** point, as R's optim does): the simplex moves away from it.
*/
int optim_nm (optim_problem *p, double *x, double tol, int maxiter,
              optim_result *res);

/*
** Brent's method (gsl_root_fsolver_brent) on [lo, hi] for the n = 1
** problem p; flo and fhi are f(lo), f(hi), of opposite signs (checked by
** the caller). Converged when the bracket is narrower than
** tol + 4 eps min(|lo|, |hi|), or f(root) == 0.
*/
int optim_brent (optim_problem *p, double lo, double hi, double flo,
                 double fhi, double tol, int maxiter, double *root,
                 optim_result *res);

/*
** Central-difference gradient at x (fx = f(x), or NaN if unknown), with
** steps h_i = eps^(1/3) max(|x_i|, 1) rounded so that x_i +- h_i are exact,
** Richardson-extrapolated over h and 2h (the five-point stencil, O(h^4)).
** Where f is not finite at x +- 2h it falls back to the three-point
** difference, and where it is not finite at x + h or x - h to the one-sided
** one. work: optim_fd_work(n) = n doubles (the moving point). Returns
** OPTIM_OK, OPTIM_ABORTED, or
** OPTIM_ENOTFINITE when a component cannot be formed (f not finite on both
** sides; it is NaN and *bad, when not NULL, the first such index).
*/
size_t optim_fd_work (size_t n);
int optim_fdgrad (optim_problem *p, const double *x, double fx, double *g,
                  double *work, size_t *bad);

/*
** Central-difference Hessian (n x n, column-major, exactly symmetric):
** steps h_i = 2 eps^(1/4) max(|x_i|, 1) and h_i / 2, combined by
** Richardson extrapolation; diagonal from f(x +- h e_i), off the diagonal
** from the four points x +- h_i e_i +- h_j e_j (4n^2 + 1 evaluations).
** work: optim_fd_work(n). Returns OPTIM_OK, OPTIM_ABORTED, or OPTIM_ENOTFINITE
** when f is not finite at one of the points.
*/
int optim_fdhessian (optim_problem *p, const double *x, double *H,
                     double *work);

#endif
