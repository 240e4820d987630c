/*
** Preference kernels: plain C on arrays, no Lua.  Nothing is static, so the
** kernels are thread-safe; long loops poll ORR_INTERRUPTED().  Formulas and
** sources: docs/methods/pref.md.
*/
#ifndef pref_h
#define pref_h

#include <stddef.h>

/* ---- status codes of the pref kernels */
typedef enum {
  PREF_OK = 0,
  PREF_EINTR,        /* ORR_INTERRUPTED() was seen: the output is incomplete */
  PREF_ENOTFINITE,   /* an input is NaN or infinite (index in *bad) */
  PREF_ELEN,         /* a sequence length is not positive (index in *bad) */
  PREF_EMAXITER,     /* Newton ran out of iterations */
  PREF_ESINGULAR,    /* the information matrix is not positive definite */
  PREF_ENOMLE        /* the comparison graph is not strongly connected */
} pref_status;

/* The message of a status (PREF_OK: "ok"), without the function's name. */
const char *pref_strerror (int status);

/* ---- dpo.c: the DPO loss family */
typedef enum {
  DPO_SIGMOID = 0, DPO_HINGE, DPO_IPO, DPO_ROBUST, DPO_CDPO, DPO_BCO_PAIR,
  DPO_SPPO_HARD, DPO_NCA_PAIR, DPO_APO_ZERO, DPO_APO_DOWN, DPO_EXO_PAIR,
  DPO_DISCOPOP
} dpo_loss;

/* label smoothing that exo_pair uses when it is given as 0 (as TRL) */
#define DPO_EXO_EPS      1e-3
/* the temperature of discopop's modulation (TRL's discopop_tau default) */
#define DPO_DISCOPOP_TAU 0.05

/* the stable pieces, exported to the other kernels of the module */
double pref_logsig (double x);   /* log s(x), never log(s(x)) */
double pref_sig (double x);      /* s(x) = 1 / (1 + exp(-x)) */
/* the branch-free exp and log1p of the sigmoid loss's vector loop, within
   1 ulp (tests/c/test_pref.c): exp(x) for x <= 0, log1p(t) for 0 <= t <= 1 */
double pref_expneg (double x);
double pref_log1p01 (double t);

typedef struct dpo_sums {
  double loss;       /* sum of the per-pair losses */
  double correct;    /* count of rw > rl (ties count 0) */
  double margin;     /* sum of beta (rw - rl) */
} dpo_sums;

/*
** Per-pair losses of 'loss' over n pairs: lw, ll the policy's summed log-
** probabilities of the chosen / rejected responses, Lw, Ll the reference's.
** lenc, lenr (NULL = 1; an array of nlen = 1 or n positive lengths) divide
** the log-ratios of ipo (per-token averages).  beta > 0; e the label
** smoothing (0 <= e < 1; robust: e < 0.5; exo_pair: 0 means DPO_EXO_EPS).
** Outputs, each of n doubles or NULL: losses, gc = d losses[i]/d lw[i],
** gr = d losses[i]/d ll[i], rc = beta rw, rr = beta rl; no output may
** overlap an input.  One pass, no work space beyond 8 KB of stack.  *bad
** gets the 0-based index of a bad element.
*/
int pref_dpo (int loss, size_t n, const double *lw, const double *ll,
              const double *Lw, const double *Ll, const double *lenc,
              const double *lenr, size_t nlen, double beta, double e,
              double *losses, double *gc, double *gr, double *rc, double *rr,
              dpo_sums *sums, size_t *bad);

/* ---- bt.c: Bradley-Terry maximum likelihood */
/* Doubles of work that pref_bt needs for k items: k^2 + 4 k. */
size_t pref_bt_work (size_t k);
/*
** Bradley-Terry MLE by Newton from a k x k matrix w (column-major) of
** weighted wins, w[i + j k] = total weight of i beating j.  The scores are
** identified by theta[ref] = 0 (0-based ref).  The MLE exists when the graph
** "i beat j" is strongly connected (Ford 1957); else PREF_ENOMLE.  Outputs:
** theta (k), cov (k x k: the inverse information, row and column ref
** zero), *loglik, *iter.  At most maxiter Newton steps; converged when the
** largest step is below tol.
*/
int pref_bt (size_t k, const double *w, size_t ref, int maxiter, double tol,
             double *theta, double *cov, double *loglik, int *iter,
             double *work);

#endif
