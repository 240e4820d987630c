/*
** The Cox proportional hazards model: the log partial likelihood, its score
** and information (Breslow or Efron ties, strata, case weights, (start,
** stop] data), Newton-Raphson with step-halving, and score residuals.
**
** A pass walks each stratum from the latest stop time to the earliest.
** The risk set at time t is {stop >= t, start < t}: rows join when the walk
** reaches their stop time and leave (with start) once t <= start, so the
** running sums S0 = sum w r, S1 = sum w r x and S2 = sum w r x x' (r =
** exp(eta)) cost O(p^2) per row and the whole pass O(n p^2).
**
** Efron's approximation at a time with d deaths (weights w, mean meanw):
** for k = 0..d-1, f = k/d, den_k = S0 - f D0 (D* the sums over the deaths),
** a_k = (S1 - f D1)/den_k; the log-likelihood gains sum w eta - meanw sum_k
** log den_k, the information meanw sum_k [(S2 - f D2)/den_k - a_k a_k'].
** Breslow's is f = 0 throughout.
*/
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "ointr.h"
#include "mat/mat.h"
#include "surv/surv.h"

/* fewer rows than this go through rank-one updates: cheaper than a call
   of dsyrk */
#define DSYRK_MIN_ROWS  8
/* the pivot tolerance of cox.zph's score tests (its solve(), R's default
   tolerance for a generalised inverse of the information blocks) */
#define ZPH_TOL_CHOL  1e-12


void cox_center (double *x, size_t n, size_t p, const double *w,
                 double *mean, double *rmean) {
  size_t i, j;
  double sw = 0;
  for (i = 0; i < n; i++) sw += w ? w[i] : 1.0;
  for (j = 0; j < p; j++) {
    double m = 0;
    int binary = 1;
    for (i = 0; i < n; i++) {
      double v = x[i * p + j];
      m += (w ? w[i] : 1.0) * v;
      if (v != 0 && v != 1) binary = 0;
    }
    mean[j] = m / sw;
    rmean[j] = binary ? 0 : mean[j];
    for (i = 0; i < n; i++) x[i * p + j] -= mean[j];
  }
}


void cox_eta (const cox_data *d, const double *beta, double *eta) {
  size_t i, j, p = d->p;
  for (i = 0; i < d->n; i++) {
    double e = 0;
    for (j = 0; j < p; j++) e += d->x[i * p + j] * beta[j];
    eta[i] = e;
  }
}


size_t cox_pass_work (size_t n, size_t p) {
  /* eta, r (n each), the rows scaled for dsyrk (n p), S2 and D2 (p^2
     each), S1, D1, sa, sad, sabar (p each) */
  return 2 * n + n * p + 2 * p * p + 5 * p;
}


/* Adds s * x x' (upper triangle) and s * x to S2, S1. */
static void addrow (const double *x, size_t p, double s, double *S1,
                    double *S2) {
  size_t j, l;
  for (j = 0; j < p; j++) {
    double sx = s * x[j];
    S1[j] += sx;
    for (l = j; l < p; l++) S2[j + l * p] += sx * x[l];
  }
}


/*
** Adds the rows i..e-1 (only the deaths when deaths_only) with weights r to
** S1 and the upper triangle of S2.  A block of many rows goes through BLAS
** dsyrk on the rows scaled by sqrt(r) (buf: (e-i) x p); a few rows through
** rank-one updates, cheaper than a BLAS call.
*/
static void addblock (const cox_data *d, size_t i, size_t e, const double *r,
                      int deaths_only, double *S1, double *S2, double *buf) {
  size_t p = d->p, k, j, nb = 0;
  for (k = i; k < e; k++)
    if (!deaths_only || d->status[k] != 0) nb++;
  if (nb < DSYRK_MIN_ROWS) {
    for (k = i; k < e; k++)
      if (!deaths_only || d->status[k] != 0) addrow(d->x + k * p, p, r[k], S1, S2);
    return;
  }
  nb = 0;
  for (k = i; k < e; k++) {
    const double *xk = d->x + k * p;
    double sr;
    if (deaths_only && d->status[k] == 0) continue;
    sr = sqrt(r[k]);
    for (j = 0; j < p; j++) {
      S1[j] += r[k] * xk[j];
      buf[nb * p + j] = sr * xk[j];
    }
    nb++;
  }
  /* buf is p x nb column-major: S2 += buf buf' */
  cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)p, (int)nb, 1.0,
              buf, (int)p, 1.0, S2, (int)p);
}


int cox_pass (const cox_data *d, const double *beta, double *loglik,
              double *u, double *imat, cox_extra *ex, double *work) {
  size_t n = d->n, p = d->p, i, j, l, k, m = 0, q = 0;
  double *eta = work, *r = eta + n;
  double *S1 = r + n, *S2 = S1 + p, *D1 = S2 + p * p, *D2 = D1 + p;
  double *sa = D2 + p * p, *sad = sa + p, *sabar = sad + p, *blk = sabar + p;
  double lk = 0;
  int full = (u != NULL);
  size_t p2 = ex && ex->g ? 2 * p : 0;
  /* the exact likelihood for the fit; passes with per-time outputs use
     Breslow's quantities, as survfit.coxph's hazard for an exact fit */
  if (d->efron == COX_TIES_EXACT && ex == NULL)
    return cox_exact_pass(d, beta, loglik, u, imat, d->xwork);
  for (i = 0; i < n; i++) {
    double e = 0;
    const double *xi = d->x + i * p;
    for (j = 0; j < p; j++) e += xi[j] * beta[j];
    eta[i] = e;
    r[i] = exp(e) * (d->w ? d->w[i] : 1.0);
  }
  if (full) {
    memset(u, 0, p * sizeof(double));
    memset(imat, 0, p * p * sizeof(double));
  }
  if (p2) {
    memset(ex->u2, 0, p2 * sizeof(double));
    memset(ex->i2, 0, p2 * p2 * sizeof(double));
  }
  i = 0;
  while (i < n) {
    int s = d->strata ? d->strata[i] : 0;
    double S0 = 0;
    size_t b;
    for (b = i; b < n && (d->strata ? d->strata[b] : 0) == s; b++) ;
    if (full) {
      memset(S1, 0, p * sizeof(double));
      memset(S2, 0, p * p * sizeof(double));
    }
    while (i < b) {
      double t = d->stop[i], D0 = 0, dw = 0, nd = 0;
      size_t e;
      if (full) {
        memset(D1, 0, p * sizeof(double));
        memset(D2, 0, p * p * sizeof(double));
      }
      for (e = i; e < b && d->stop[e] == t; e++) {
        S0 += r[e];
        if (d->status[e] != 0) {
          double we = d->w ? d->w[e] : 1.0;
          D0 += r[e]; dw += we; nd += 1;
          lk += we * eta[e];
          if (full) {
            for (j = 0; j < p; j++) u[j] += we * d->x[e * p + j];
            if (p2) {
              double g = ex->g[e];
              for (j = 0; j < p; j++) ex->u2[p + j] += g * we * d->x[e * p + j];
            }
          }
        }
      }
      if (full) {
        /* S (all rows of the block) and D (its deaths; needed only for
           Efron's correction of tied deaths) */
        addblock(d, i, e, r, 0, S1, S2, blk);
        if (d->efron == 1 && nd > 1) addblock(d, i, e, r, 1, D1, D2, blk);
      }
      /* rows with start >= t leave the risk set (they joined earlier) */
      if (d->start) {
        while (q < n && (d->strata ? d->strata[d->sorder[q]] : 0) == s &&
               d->start[d->sorder[q]] >= t) {
          size_t o = d->sorder[q++];
          S0 -= r[o];
          if (full) addrow(d->x + o * p, p, -r[o], S1, S2);
        }
      }
      if (nd > 0) {
        /*
        ** The sums over k expand into scalars times S1, D1, S2, D2, so a
        ** time with d deaths costs O(d + p^2), not O(d p^2):
        **   h0 = sum wk/den, h1 = sum wk f/den (the hazard and its f part),
        **   q0, q1, q2 = sum wk {1, f, f^2}/den^2 (for sum wk a_k a_k'),
        **   r0, r1 = sum wk (1-f) {1, f}/den^2, e0, e1 = sum {1, f}/den.
        */
        double meanw = dw / nd, h0 = 0, h1 = 0, q0 = 0, q1 = 0, q2 = 0,
               r0 = 0, r1 = 0, e0 = 0, e1 = 0, hd = 0, ca;
        int efron = d->efron == 1 && nd > 1;
        size_t kd = efron ? (size_t)nd : 1;
        double g = p2 ? ex->g[i] : 0;
        for (k = 0; k < kd; k++) {
          double f = efron ? (double)k / nd : 0;
          double den = S0 - f * D0;
          double wk = efron ? meanw : dw;   /* Breslow: all d at once */
          if (!(den > 0) || !isfinite(den)) return SURV_ENOTFINITE;
          lk -= wk * log(den);
          h0 += wk / den; h1 += wk * f / den;
          q0 += wk / (den * den); q1 += wk * f / (den * den);
          q2 += wk * f * f / (den * den);
          r0 += wk * (1 - f) / (den * den); r1 += wk * (1 - f) * f / (den * den);
          e0 += 1 / den; e1 += f / den;
          hd += wk * (1 - f) / den;
        }
        ca = efron ? 1.0 / nd : 1.0;
        if (full) {
          for (j = 0; j < p; j++) {
            u[j] -= S1[j] * h0 - D1[j] * h1;
            sa[j] = S1[j] * q0 - D1[j] * q1;
            sad[j] = S1[j] * r0 - D1[j] * r1;
            sabar[j] = ca * (S1[j] * e0 - D1[j] * e1);
            for (l = j; l < p; l++) {
              double v = S2[j + l * p] * h0 - D2[j + l * p] * h1
                - (S1[j] * S1[l] * q0 - (S1[j] * D1[l] + D1[j] * S1[l]) * q1
                   + D1[j] * D1[l] * q2);
              imat[j + l * p] += v;
              if (p2) {
                /* blocks (beta, beta), (beta, theta), (theta, theta) */
                ex->i2[j + l * p2] += v;
                ex->i2[j + (l + p) * p2] += g * v;
                if (l != j) ex->i2[l + (j + p) * p2] += g * v;
                ex->i2[(j + p) + (l + p) * p2] += g * g * v;
              }
            }
            if (p2) ex->u2[p + j] -= g * (S1[j] * h0 - D1[j] * h1);
          }
        }
        if (ex) {
          if (ex->pos) ex->pos[m] = i;
          if (ex->haz) ex->haz[m] = h0;
          if (ex->vh) ex->vh[m] = q0;
          if (ex->hd) ex->hd[m] = hd;
          if (ex->A) memcpy(ex->A + m * p, sa, p * sizeof(double));
          if (ex->Ad) memcpy(ex->Ad + m * p, sad, p * sizeof(double));
          if (ex->abar) memcpy(ex->abar + m * p, sabar, p * sizeof(double));
        }
        m++;
      }
      i = e;
    }
    /* skip leftover start-ordered rows of this stratum */
    if (d->start)
      while (q < n && (d->strata ? d->strata[d->sorder[q]] : 0) == s) q++;
  }
  if (full) {
    for (j = 0; j < p; j++)
      for (l = 0; l < j; l++) imat[j + l * p] = imat[l + j * p];
  }
  if (p2) {
    for (j = 0; j < p; j++) ex->u2[j] = u[j];
    for (j = 0; j < p2; j++)
      for (l = 0; l < j; l++)   /* every block was written above the diagonal */
        ex->i2[j + l * p2] = ex->i2[l + j * p2];
  }
  if (ex) ex->m = m;
  *loglik = lk;
  return SURV_OK;
}


size_t cox_fit_work (size_t n, size_t p) {
  /* the pass, the information and its factor (p^2 each), the trial beta
     and the step (p each) */
  return cox_pass_work(n, p) + 2 * p * p + 2 * p;
}


int cox_fit (const cox_data *d, double *beta, int maxiter, double eps,
             double tol_chol, double *loglik, double *u, double *var,
             double *sctest, int *iter, int *rank, double *dlk,
             double *work) {
  size_t p = d->p, j;
  int halving = 0, it;
  double *pw = work, *imat = pw + cox_pass_work(d->n, p);
  double *fac = imat + p * p, *newbeta = fac + p * p, *step = newbeta + p;
  double lk, newlk;
  if (cox_pass(d, beta, &lk, u, imat, NULL, pw) != SURV_OK) return SURV_ESTART;
  loglik[0] = lk;
  *rank = mat_cholrank(imat, p, p, tol_chol, fac);
  memcpy(step, u, p * sizeof(double));
  mat_cholrank_solve(fac, p, step);
  *sctest = 0;
  for (j = 0; j < p; j++) *sctest += step[j] * u[j];
  for (j = 0; j < p; j++) newbeta[j] = beta[j] + step[j];
  *iter = 0;
  *dlk = NAN;
  if (maxiter == 0) {
    loglik[1] = lk;
    mat_cholrank_inv(fac, p, var);
    return SURV_OK;
  }
  for (it = 1; it <= maxiter; it++) {
    int bad;
    *iter = it;
    if (ORR_INTERRUPTED()) return SURV_EINTR;
    bad = cox_pass(d, newbeta, &newlk, u, imat, NULL, pw) != SURV_OK ||
          !isfinite(newlk);
    if (!bad) *dlk = fabs(1 - lk / newlk);
    if (!bad && fabs(1 - lk / newlk) <= eps && halving == 0) {
      memcpy(beta, newbeta, p * sizeof(double));
      loglik[1] = newlk;
      *rank = mat_cholrank(imat, p, p, tol_chol, fac);
      mat_cholrank_inv(fac, p, var);
      return SURV_OK;
    }
    if (it == maxiter) break;
    if (bad || newlk < lk) {  /* worse: halve the step back towards beta */
      halving++;
      for (j = 0; j < p; j++) newbeta[j] = (newbeta[j] + beta[j]) / 2;
    }
    else {
      halving = 0;
      lk = newlk;
      memcpy(beta, newbeta, p * sizeof(double));
      *rank = mat_cholrank(imat, p, p, tol_chol, fac);
      memcpy(step, u, p * sizeof(double));
      mat_cholrank_solve(fac, p, step);
      for (j = 0; j < p; j++) newbeta[j] = beta[j] + step[j];
    }
  }
  /* out of iterations: report the best point reached */
  if (cox_pass(d, newbeta, &newlk, u, imat, NULL, pw) == SURV_OK &&
      isfinite(newlk) && newlk >= lk) {
    memcpy(beta, newbeta, p * sizeof(double));
    lk = newlk;
  }
  else cox_pass(d, beta, &lk, u, imat, NULL, pw);
  loglik[1] = lk;
  *rank = mat_cholrank(imat, p, p, tol_chol, fac);
  mat_cholrank_inv(fac, p, var);
  return SURV_EMAXITER;
}


/*
** Score residual of row i (Therneau): sum over the event times t in its
** risk interval of dN_i(t) (x_i - abar(t)) - r_i c_i(t) sum_k h_k (x_i - a_k),
** with c = 1 - k/d for the deaths at t under Efron and 1 otherwise.  The
** sums over t use cumulative sums of haz and A over the event times of the
** stratum (in increasing time), so each row costs O(p log m).
*/
size_t cox_score_resid_work (size_t m, size_t p) {
  return (m + 1) * (p + 1);   /* cumulative hazard and mean covariates */
}


void cox_score_resid (const cox_data *d, const cox_extra *ex,
                      const double *risk, double *resid, double *work) {
  size_t n = d->n, p = d->p, m = ex->m, i, j;
  double *cH = work, *cA = cH + (m + 1);   /* cumulative from the earliest */
  size_t lo = 0;   /* event times of the current stratum: [lo, hi) in ex */
  i = 0;
  while (i < n) {
    int s = d->strata ? d->strata[i] : 0;
    size_t b, hi, e;
    for (b = i; b < n && (d->strata ? d->strata[b] : 0) == s; b++) ;
    for (hi = lo; hi < m && ex->pos[hi] < b; hi++) ;
    /* the stratum's event times are ex[lo..hi-1] in decreasing time;
       cH[c] = sum of haz over the c earliest of them */
    cH[0] = 0;
    memset(cA, 0, p * sizeof(double));
    for (e = 0; e < hi - lo; e++) {
      size_t ev = hi - 1 - e;
      cH[e + 1] = cH[e] + ex->haz[ev];
      for (j = 0; j < p; j++) cA[(e + 1) * p + j] = cA[e * p + j] + ex->A[ev * p + j];
    }
    for (; i < b; i++) {
      const double *xi = d->x + i * p;
      double *ri = resid + i * p;
      /* number of the stratum's event times <= t (times decrease with ex) */
      size_t nstop, nstart = 0, a0, a1;
      double t = d->stop[i];
      a0 = lo; a1 = hi;   /* first ev in [lo,hi) whose time <= t */
      while (a0 < a1) {
        size_t mid = (a0 + a1) / 2;
        if (d->stop[ex->pos[mid]] <= t) a1 = mid; else a0 = mid + 1;
      }
      nstop = hi - a0;
      if (d->start) {
        double t0 = d->start[i];
        a0 = lo; a1 = hi;
        while (a0 < a1) {
          size_t mid = (a0 + a1) / 2;
          if (d->stop[ex->pos[mid]] <= t0) a1 = mid; else a0 = mid + 1;
        }
        nstart = hi - a0;
      }
      for (j = 0; j < p; j++)
        ri[j] = -risk[i] * (xi[j] * (cH[nstop] - cH[nstart]) -
                            (cA[nstop * p + j] - cA[nstart * p + j]));
      if (d->status[i] != 0) {
        /* the event time of a death is the latest one <= its stop */
        size_t ev = hi - nstop;
        for (j = 0; j < p; j++) {
          /* swap the at-risk term at its own time for the deaths' version */
          ri[j] += risk[i] * (xi[j] * ex->haz[ev] - ex->A[ev * p + j]);
          ri[j] -= risk[i] * (xi[j] * ex->hd[ev] - ex->Ad[ev * p + j]);
          ri[j] += xi[j] - ex->abar[ev * p + j];
        }
      }
    }
    lo = hi;
  }
}


size_t cox_baseline (const cox_data *d, const cox_extra *ex, double *time,
                     double *cumhaz, double *strata) {
  size_t n = d->n, nu = 0, a = 0, ev = 0;
  while (a < n) {
    int sa = d->strata ? d->strata[a] : 0;
    size_t b = a, first = nu, e0 = ev, r, q;
    double cum = 0;
    while (b < n && (d->strata ? d->strata[b] : 0) == sa) b++;
    while (ev < ex->m && ex->pos[ev] < b) ev++;
    /* rows [a, b) and event times [e0, ev) run in decreasing time */
    for (r = b; r > a; r--) {
      double tt = d->stop[r - 1];
      if (nu > first && time[nu - 1] == tt) continue;
      time[nu] = tt; strata[nu] = sa; nu++;
    }
    for (r = first, q = ev; r < nu; r++) {   /* event times upwards */
      while (q > e0 && d->stop[ex->pos[q - 1]] <= time[r]) cum += ex->haz[--q];
      cumhaz[r] = cum;
    }
    a = b;
  }
  return nu;
}


size_t cox_zph_work (size_t n) {
  return 2 * (n + 1) * sizeof(size_t) + (n + 1) * sizeof(double) +
         surv_order_work(n);
}


void cox_zph_transform (const cox_data *d, double *g, void *work) {
  size_t n = d->n, *o = (size_t *)work, *o0 = o + n + 1, a = 0, b0 = 0, i;
  double *key = (double *)(o0 + n + 1), s = 1;
  void *sw = key + n + 1;
  for (i = 0; i < n; i++) key[i] = d->stop[i];
  surv_order(key, n, o, sw);
  if (d->start) {
    for (i = 0; i < n; i++) key[i] = d->start[i];
    surv_order(key, n, o0, sw);
  }
  while (a < n) {
    double tt = d->stop[o[a]], dd = 0, atrisk;
    size_t e;
    /* at risk: stop >= tt (rows a..n-1) less those with start >= tt */
    if (d->start) while (b0 < n && d->start[o0[b0]] < tt) b0++;
    atrisk = (double)(n - a) - (d->start ? (double)(n - b0) : 0);
    for (e = a; e < n && d->stop[o[e]] == tt; e++) {
      if (d->status[o[e]] != 0) dd += 1;
      g[o[e]] = 1 - s;      /* 1 - S(t-) */
    }
    if (dd > 0 && atrisk > 0) s *= (atrisk - dd) / atrisk;
    a = e;
  }
}


/*
** u_W' (V_WW)^- u_W over the indices idx[0..k-1] of u and V (P x P).
** a, r: k x k doubles each, b: 2k.
*/
static double blocktest (const double *u, const double *V, size_t P,
                         const size_t *idx, size_t k, double *a, double *r,
                         double *b) {
  size_t i, j;
  double q = 0, *y = b + k;
  for (j = 0; j < k; j++) {
    b[j] = u[idx[j]];
    for (i = 0; i < k; i++) a[i + j * k] = V[idx[i] + idx[j] * P];
  }
  mat_cholrank(a, k, k, ZPH_TOL_CHOL, r);
  memcpy(y, b, k * sizeof(double));
  mat_cholrank_solve(r, k, y);
  for (j = 0; j < k; j++) q += y[j] * b[j];
  return q;
}


size_t cox_zph_test_work (size_t p) {
  /* the indices (2p size_t), a block and its factor ((2p)^2 each), b and y
     (2p each) */
  size_t idx = (2 * p * sizeof(size_t) + sizeof(double) - 1) / sizeof(double);
  return idx + 8 * p * p + 4 * p;
}


void cox_zph_test (const double *u2, const double *i2, size_t p, double *chi,
                   double *work) {
  size_t *idx = (size_t *)work, j, l;
  double *a = (double *)(idx + 2 * p), *r = a + 4 * p * p, *b = r + 4 * p * p;
  for (j = 0; j < p; j++) {
    for (l = 0; l < p; l++) idx[l] = l;
    idx[p] = p + j;
    chi[j] = blocktest(u2, i2, 2 * p, idx, p + 1, a, r, b);
  }
  for (j = 0; j < 2 * p; j++) idx[j] = j;
  chi[p] = blocktest(u2, i2, 2 * p, idx, 2 * p, a, r, b);
}


size_t cox_robust_var_work (size_t n, size_t p, size_t G, size_t m) {
  /* the residuals (n p), the risks (n), the dfbeta sums (G p) */
  return n * p + n + G * p + cox_score_resid_work(m, p);
}


void cox_robust_var (const cox_data *d, const cox_extra *ex, const double *eta,
                     const double *var, const int *cluster, size_t ncl,
                     double *rv, double *work) {
  size_t n = d->n, p = d->p, G = cluster ? ncl : n, i, j, l, g;
  double *res = work, *risk = res + n * p, *db = risk + n,
         *rw = db + G * p;
  for (i = 0; i < n; i++) risk[i] = eta ? exp(eta[i]) : 1.0;
  cox_score_resid(d, ex, risk, res, rw);
  /* weighted dfbeta = w_i r_i' V, summed within clusters (V = NULL: the
     weighted score residuals themselves) */
  memset(db, 0, G * p * sizeof(double));
  for (i = 0; i < n; i++) {
    double wi = d->w ? d->w[i] : 1.0;
    g = cluster ? (size_t)cluster[i] : i;
    for (j = 0; j < p; j++) {
      double e = 0;
      if (var == NULL) e = res[i * p + j];
      else for (l = 0; l < p; l++) e += res[i * p + l] * var[l + j * p];
      db[g * p + j] += wi * e;
    }
  }
  memset(rv, 0, p * p * sizeof(double));
  for (g = 0; g < G; g++)
    for (j = 0; j < p; j++)
      for (l = 0; l < p; l++) rv[j + l * p] += db[g * p + j] * db[g * p + l];
}


size_t cox_robust_score_work (size_t n, size_t p, size_t G) {
  /* the pass and its information (unused), beta = 0, the score, D0'D0 and
     its factor, the solve, then cox_robust_var with up to n event times */
  return cox_pass_work(n, p) + 3 * p * p + 3 * p +
         cox_robust_var_work(n, p, G, n);
}


double cox_robust_score (const cox_data *d, cox_extra *ex,
                         const int *cluster, size_t ncl, double tol_chol,
                         double *work) {
  size_t p = d->p, j;
  double *pw = work, *imat = pw + cox_pass_work(d->n, p);
  double *b0 = imat + p * p, *u0 = b0 + p, *y = u0 + p, *rv = y + p;
  double *fac = rv + p * p, *rw = fac + p * p, lk0, q = 0;
  cox_extra ex0 = *ex;
  ex0.g = NULL; ex0.u2 = ex0.i2 = NULL;
  memset(b0, 0, p * sizeof(double));
  cox_pass(d, b0, &lk0, u0, imat, &ex0, pw);
  cox_robust_var(d, &ex0, NULL, NULL, cluster, ncl, rv, rw);
  mat_cholrank(rv, p, p, tol_chol, fac);
  memcpy(y, u0, p * sizeof(double));
  mat_cholrank_solve(fac, p, y);
  for (j = 0; j < p; j++) q += y[j] * u0[j];
  return q;
}
