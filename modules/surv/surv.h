/*
** Survival kernels: plain C on arrays, no Lua.  Work arrays come from the
** caller, sized by the *_work function beside each kernel; nothing is
** static, so the kernels are thread-safe.  Status vectors hold 0 (censored)
** or 1 (event); times are finite (the bindings apply vm/orules.h's rule:
** >= 0, as R's Surv).  Formulas and sources: docs/methods/surv.md.
*/
#ifndef surv_h
#define surv_h

#include <stddef.h>

/* ---- surv.c: the status codes of the surv kernels */
typedef enum {
  SURV_OK = 0,
  SURV_EMAXITER,    /* Newton ran out of iterations (the best point is kept) */
  SURV_EINTR,       /* ORR_INTERRUPTED() was seen: the output is incomplete */
  SURV_ENOTFINITE,  /* a risk-set sum is not positive and finite */
  SURV_ESTART,      /* the log-likelihood is not finite at the start */
  SURV_ESINGULAR,   /* the information matrix is singular */
  SURV_EHALVING     /* step-halving failed to increase the log-likelihood */
} surv_status;

/* The message of a status (SURV_OK: "ok"), without the function's name. */
const char *surv_strerror (int status);

/*
** coxph's tolerance for the Cholesky of the information matrix (its
** toler.chol, eps^0.75): a pivot below it times the largest diagonal
** element aliases the column.
*/
#define COX_TOL_CHOL  1.8189894035458617e-12

/* ---- sort.c */
/* Bytes of work that surv_order needs for n keys. */
size_t surv_order_work (size_t n);
/*
** ord[0..n-1] = a permutation putting x in ascending order (stable: equal
** keys keep their index order).  x must hold no NaN.  Radix sort on the
** bits of the doubles: O(n), which keeps 1e6-row Kaplan-Meier fast.
*/
void surv_order (const double *x, size_t n, size_t *ord, void *work);

/*
** Sorts x ascending in place, carrying y along (stable), by the same radix
** sort: no index gather afterwards.  work: surv_order_work(n) bytes.
*/
void surv_sort2 (double *x, double *y, size_t n, void *work);
/*
** Stable counting sort of the permutation in[] by code[in[i]] in 0..ncode-1:
** out lists the rows of code 0 first, each code keeping the order of in.
** start[0..ncode] receives the boundaries (code c is out[start[c]..start[c+1]-1]).
*/
void surv_strata_order (const int *code, int ncode, const size_t *in,
                        size_t n, size_t *out, size_t *start);

/* ---- km.c */
/*
** The Kaplan-Meier table from (time, status, weight) given in ascending time
** order (ord from surv_order, or NULL when the arrays are sorted already;
** w may be NULL for unit weights).  Writes, for
** each distinct time (m <= n of them, returned): t, n_risk, n_event,
** n_censor, the estimate surv, the Greenwood sum gw = sum d/(n(n-d))
** (the variance of log S; +Inf once S reaches 0) and the Nelson-Aalen
** cumulative hazard with its variance sum d/n^2.  Any output may be NULL
** (not wanted); each has room for n.  No work array.
*/
size_t km_table (const double *time, const double *status, const double *w,
                 const size_t *ord, size_t n, double *t, double *nrisk,
                 double *nevent, double *ncens, double *surv, double *gw,
                 double *cumhaz, double *varhaz);
/*
** Confidence limits of S at level z (a normal quantile) on the scale type:
** 0 plain, 1 log, 2 log-log (R's survfit conf.type).  se_log is the standard
** error of log S (sqrt of the Greenwood sum).  NaN where undefined (S = 0).
*/
void km_ci (double s, double se_log, double z, int type, double *lo,
            double *hi);
/*
** The standard errors and confidence limits of km_table's m rows, at level
** z on the scale type (km_ci): gw (the Greenwood sums) becomes the standard
** error of log S in place, varhaz the standard error of the cumulative
** hazard; se = S se(log S) (NaN once S = 0), lower and upper the limits.
*/
void km_se (size_t m, const double *surv, double *gw, double *varhaz,
            double z, int type, double *se, double *lower, double *upper);
/*
** The p-quantile time of a step function (t[i], s[i]) as R's
** quantile.survfit: the first t with s <= 1 - p, or the midpoint between
** that t and the next drop when s equals 1 - p there (within 1e-8
** relative).  NaN when never reached.
*/
double km_quantile (const double *t, const double *s, size_t m, double p);

/* ---- logrank.c */
/*
** The G-rho family of tests (survdiff): groups coded 0..k-1, strata coded
** 0..ns-1 (NULL = one stratum), rows in ascending time order within each
** stratum (ord from surv_strata_order over a time order; the kernel walks
** strata in turn).  Weights at
** each death time are S(t-)^rho, S the Kaplan-Meier estimate of the pooled
** stratum.  Writes obs[k], expv[k] and the k x k variance var (column-major).
** work: logrank_work(k) doubles.
*/
size_t logrank_work (int k);
void logrank (const double *time, const double *status, const int *group,
              int k, const int *strata, const size_t *ord, size_t n,
              double rho, double *obs, double *expv, double *var,
              double *work);

/*
** The chi-square U'V^-U of the k-sample test on the first k-1 groups (U =
** obs - expv, V k x k), by mat_cholrank; a group with no variance left (no
** one at risk at any death) drops out, as a generalised inverse would.
** Returns the degrees of freedom.  work: logrank_chisq_work(k) doubles.
*/
size_t logrank_chisq_work (int k);
int logrank_chisq (const double *obs, const double *expv, const double *v,
                   int k, double *work, double *chisq);

/* ---- cox.c */
/*
** One Cox model's data, in the order the passes walk it: rows sorted by
** stratum and, within a stratum, by decreasing stop time (ties in any order).
**   x       n x p, ROW-major (x[i*p + j]), centred by the caller
**   stop    n stop (or event/censoring) times
**   start   n entry times of (start, stop] data, or NULL (all at risk from 0)
**   status  n 0/1
**   w       n case weights, or NULL
**   strata  n stratum codes (non-decreasing), or NULL for one stratum
**   sorder  with start: the rows ordered by stratum and decreasing start
**   efron   1 Efron's approximation for ties, 0 Breslow's, COX_TIES_EXACT
**           the exact (discrete) partial likelihood in the fit (coxexact.c;
**           passes that record per-time outputs use Breslow's quantities,
**           as survfit.coxph does for an exact fit)
**   xwork   with COX_TIES_EXACT: cox_exact_work(d) doubles for its passes
*/
#define COX_TIES_EXACT  2
typedef struct cox_data {
  size_t n, p;
  const double *x, *stop, *start, *status, *w;
  const int *strata;
  const size_t *sorder;
  int efron;
  double *xwork;
} cox_data;

/*
** Per-event-time outputs of a pass (each pointer may be NULL; arrays have
** room for one entry per distinct (stratum, death time)): the block start
** pos[m] (a row index), the hazard increment haz[m] (Breslow, or Efron's
** sum of meanw/denominator), hd[m] the same with the deaths' own
** downweighting (1 - k/d), mean covariates A[m*p] = sum_k h_k a_k,
** Ad[m*p] with the (1 - k/d) factors and abar[m*p] = the mean of the a_k.
** For cox.zph: g[row] the time transform at each row's stop time; the pass
** then also accumulates the score u2[2p] and information i2[2p x 2p] of the
** model with covariates (x, g(t) x).
*/
typedef struct cox_extra {
  size_t *pos;
  double *haz, *hd, *A, *Ad, *abar;
  double *vh;  /* survfit.coxph's variance increment sum w/den^2 (or NULL) */
  const double *g;
  double *u2, *i2;
  size_t m;    /* out: the number of event times */
} cox_extra;

/*
** Centres the columns of x (n x p, ROW-major) at their means weighted by w
** (NULL: unit weights) into mean[p]; rmean[p] gets R's coxph means, the
** same but 0 for a column of zeros and ones.  The fit does not depend on
** the centre; the baseline hazard is at it.
*/
void cox_center (double *x, size_t n, size_t p, const double *w,
                 double *mean, double *rmean);
/* eta[i] = x_i' beta, the linear predictor of each row of d. */
void cox_eta (const cox_data *d, const double *beta, double *eta);

/* ---- coxexact.c */
/*
** Work doubles of cox_exact_pass: the risk set's indices and risks and the
** subset sums up to the largest number of tied deaths in d.
*/
size_t cox_exact_work (const cox_data *d);
/*
** As cox_pass for the exact partial likelihood (coxph's ties = "exact", the
** conditional logistic likelihood): at each death time with k deaths the
** term exp(sum of the deaths' eta) over the sum, over every k-subset of the
** risk set, of exp(sum of its eta), computed with its score and information
** by the recursion of Gail, Lubin and Rubinstein (1981).  Case weights are
** not used.  work: cox_exact_work(d) doubles.
*/
int cox_exact_pass (const cox_data *d, const double *beta, double *loglik,
                    double *u, double *imat, double *work);

/* Work doubles that cox_pass needs. */
size_t cox_pass_work (size_t n, size_t p);
/*
** The log partial likelihood at beta; with u and imat non-NULL also the
** score vector and the information matrix (p x p, column-major, full).
** Returns SURV_OK, or SURV_ENOTFINITE when a risk-set sum is not positive
** and finite.
*/
int cox_pass (const cox_data *d, const double *beta, double *loglik,
              double *u, double *imat, cox_extra *ex, double *work);

/*
** Newton-Raphson with step-halving, as R's coxph: from beta (in: the start,
** out: the estimate) until |1 - loglik_old/loglik_new| <= eps.
** Outputs: loglik[0] at the start, loglik[1] at the estimate, u (score at
** the estimate), var (p x p inverse information), score test statistic at
** the start (*sctest), iterations, and *dlk = |1 - loglik_old/loglik_new|
** at the last iteration (tiny while the coefficients still move: monotone
** likelihood).  Cholesky by mat_cholrank with tolerance tol_chol (R's:
** COX_TOL_CHOL).  work: cox_fit_work(n, p) doubles.
** Returns SURV_OK (converged), SURV_EMAXITER, SURV_EINTR, or SURV_ESTART
** when the partial likelihood is not finite at the start.
*/
size_t cox_fit_work (size_t n, size_t p);
int cox_fit (const cox_data *d, double *beta, int maxiter, double eps,
             double tol_chol, double *loglik, double *u, double *var,
             double *sctest, int *iter, int *rank, double *dlk,
             double *work);

/*
** Score residuals (per row, unweighted, n x p row-major) from the
** per-event-time outputs of a pass at the estimate (pos, haz, hd, A, Ad,
** abar all recorded).  risk[row] = exp(eta).  work: cox_score_resid_work(m,
** p) doubles, m = ex->m.
*/
size_t cox_score_resid_work (size_t m, size_t p);
void cox_score_resid (const cox_data *d, const cox_extra *ex,
                      const double *risk, double *resid, double *work);

/*
** The cumulative baseline hazard (at x = the centre of d->x) at every
** distinct stop time, stratum by stratum in increasing time, as
** survfit.coxph, from a pass's ex->pos, ex->haz.  Returns the count written
** to time, cumhaz and strata (room for n each).
*/
size_t cox_baseline (const cox_data *d, const cox_extra *ex, double *time,
                     double *cumhaz, double *strata);
/*
** cox.zph's "km" time transform: g[row] = 1 - S(t-) at the row's stop time,
** S the unweighted Kaplan-Meier estimate of the pooled data ((start, stop]
** risk sets).  work: cox_zph_work(n) bytes.
*/
size_t cox_zph_work (size_t n);
void cox_zph_transform (const cox_data *d, double *g, void *work);
/*
** The cox.zph chi-squares from the score u2 and information i2 of the
** model with (x, g(t) x) at (beta, 0): chi[j] for covariate j (df 1) and
** chi[p] the global test (df p).  work: cox_zph_test_work(p) doubles.
*/
size_t cox_zph_test_work (size_t p);
void cox_zph_test (const double *u2, const double *i2, size_t p, double *chi,
                   double *work);
/*
** The robust (sandwich) variance as coxph: the weighted dfbeta residuals
** w_i r_i' var summed within clusters (cluster NULL: each row alone),
** rv = D'D (p x p).  ex: a pass at the estimate with pos, haz, hd, A, Ad,
** abar.  With eta = NULL (all 0) and var = NULL it gives the middle of the
** robust score test at beta = 0 (the score residuals' cross-products).
** work: cox_robust_var_work(n, p, G, m) doubles, G = ncl (n without
** clusters), m = ex->m.
*/
size_t cox_robust_var_work (size_t n, size_t p, size_t G, size_t m);
void cox_robust_var (const cox_data *d, const cox_extra *ex, const double *eta,
                     const double *var, const int *cluster, size_t ncl,
                     double *rv, double *work);
/*
** coxph's robust score test at beta = 0: u0' (D0'D0)^- u0, u0 the score at
** 0 and D0 the weighted score residuals at 0 summed within clusters
** (cluster NULL: each row alone), the inverse by mat_cholrank with
** tol_chol.  ex supplies pos, haz, hd, A, Ad and abar arrays with room for
** n + 1 event times (overwritten; g, u2 and i2 are not used).
** work: cox_robust_score_work(n, p, G) doubles, G as cox_robust_var.
*/
size_t cox_robust_score_work (size_t n, size_t p, size_t G);
double cox_robust_score (const cox_data *d, cox_extra *ex,
                         const int *cluster, size_t ncl, double tol_chol,
                         double *work);

/* ---- conc.c */
/*
** rank[i] in 1..K ranks score[0..n-1] (no NaN): equal scores share a rank.
** Returns K.  work: conc_rank_work(n) bytes.
*/
size_t conc_rank_work (size_t n);
size_t conc_rank (const double *score, size_t n, size_t *rank, void *work);
/*
** Concordance as R's survival::concordance for a Cox model (a higher score
** predicts a shorter time), with (start, stop] data, strata and weights, on
** the rows of d in its order.  rank[row] in 1..K ranks the scores (equal
** scores share a rank).  Writes count[5] = concordant, discordant, tied.x,
** tied.y, tied.xy (weighted pair counts) and, per row, num = the weighted
** sum over its comparable partners of 1 (concordant) or 1/2 (tied) and
** den = the weighted number of its partners: the infinitesimal jackknife
** of C = (conc + tied.x/2)/(conc + disc + tied.x) follows from them.
** Returns C.  tree: cox_concordance_work(K) doubles of work.
*/
size_t cox_concordance_work (size_t K);
double cox_concordance (const cox_data *d, const size_t *rank, size_t K,
                        double *count, double *num, double *den, double *tree);

/*
** The standard error of the concordance by the infinitesimal jackknife, as
** survival::concordance: influence (num - C den)/npairs per row, squared
** and weighted by w (replication weights), or squared after multiplying by
** w and adding within clusters (robust: each row its own cluster).
** work: ncl doubles (none without clusters).
*/
double conc_se (size_t n, const double *count, const double *num,
                const double *den, const double *w, const int *cluster,
                size_t ncl, int robust, double *work);

#endif
