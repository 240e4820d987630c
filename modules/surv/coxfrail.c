/*
** Gamma frailty Cox models (coxph's frailty(id, distribution = "gamma")):
** each cluster g multiplies the hazard by a frailty exp(b_g); b is
** estimated with beta by maximising the partial likelihood with the gamma
** log-density of exp(b) (variance theta) as a penalty, nu = 1/theta:
**     PPL(beta, b) = PL(beta, b) - nu sum_g (exp(b_g) - b_g - 1).
**
** The information of (beta, b) is kept as coxph's sparse form: the beta
** block A (p x p), the cross block B (p x G) and only the diagonal of the
** cluster block (its off-diagonal terms are O(1/risk set) small).  Newton
** steps with it solve by the Schur complement in O(G p^2); the reported
** variances are the inverse of that matrix (with the penalty's curvature
** nu exp(b) on the diagonal), as coxph's.
**
** One pass costs O(n p^2): the cluster terms of the score and information
** are sums over event times of (cluster risk sums) x (per-time scalars).
** A cluster's risk sums change only when one of its rows joins or leaves
** the risk set, so each cluster keeps the running sums of the scalars at
** its last change and adds its share ("flushes") just before the next one;
** the tied deaths' (Efron) corrections are added at their own time.
*/
#include <math.h>
#include <string.h>

#include "ointr.h"
#include "mat/mat.h"
#include "surv/coxfrail.h"

#define STRATUM(d, i)  ((d)->strata ? (d)->strata[i] : 0)
/* the polishing steps stop below this relative size */
#define FRAIL_STEP_TOL  1e-10


/* The work of one pass for n rows, p covariates, G clusters (doubles). */
static size_t pass_work (size_t n, size_t p, size_t G) {
  /* eta, r (n each); S1, D1 (p), S2, D2 (p^2); s0g, d0g, lh, lq (G each);
     s1g, d1g, ls1q, ldq (G p each); Cs1q, Cdq (p each); touched (G, as
     doubles) */
  return 2 * n + 2 * p + 2 * p * p + 5 * G + 4 * G * p + 2 * p + 1;
}


size_t cox_frail_work (size_t n, size_t p, size_t G) {
  size_t q = p + G;
  /* the pass; A, S and its factor (p^2 each); B (p G); Dg, gradient, step,
     trial, coef of the last pass (q each) */
  return pass_work(n, p, G) + 3 * p * p + p * G + 5 * q + G;
}


typedef struct fpass {
  double *A, *B, *Dg, *u;   /* information blocks and the score (q) */
} fpass;


/*
** The running sums over event times that a cluster's share needs: of the
** hazard h0, of q0, and of S1 q0 and D1 q1 (p each; S1, D1 the risk set's
** and the deaths' sums of r x, the latter the Efron term that reaches
** every cluster at risk, not only the deaths' own).
*/
typedef struct fcum {
  double h, q, *s1q, *dq;
} fcum;

/* adds the share of cluster g since its last change (see the top); l*: the
   running sums at that change */
static void flush (size_t g, size_t p, const fcum *C, const double *s0g,
                   const double *s1g, double *lh, double *lq, double *ls1q,
                   double *ldq, fpass *o) {
  double dh = C->h - lh[g], dq = C->q - lq[g], s0 = s0g[g];
  size_t j;
  if (s0 != 0) {
    o->u[p + g] -= s0 * dh;
    o->Dg[g] += s0 * dh - s0 * s0 * dq;
    for (j = 0; j < p; j++)
      o->B[j + g * p] += s1g[g * p + j] * dh - s0 * (C->s1q[j] - ls1q[g * p + j])
                         + s0 * (C->dq[j] - ldq[g * p + j]);
  }
  lh[g] = C->h; lq[g] = C->q;
  memcpy(ls1q + g * p, C->s1q, p * sizeof(double));
  memcpy(ldq + g * p, C->dq, p * sizeof(double));
}


/* adds s * (row x with risk r) to cluster g's sums, after a flush */
static void gadd (size_t g, size_t p, const double *x, double r, double *s0g,
                  double *s1g) {
  size_t j;
  s0g[g] += r;
  for (j = 0; j < p; j++) s1g[g * p + j] += r * x[j];
}


/*
** One pass at coef = (beta, b): the log partial likelihood *lk and, when o
** is non-NULL, the score o->u and the sparse information (o->A, o->B,
** o->Dg).  grp[i] in 0..G-1 is row i's cluster.
*/
static int fpass_run (const cox_data *d, const int *grp, size_t G,
                      const double *coef, double *lk, fpass *o, double *work) {
  size_t n = d->n, p = d->p, q = p + G, i, j, l, k, qs = 0;
  double *eta = work, *r = eta + n, *S1 = r + n, *D1 = S1 + p, *S2 = D1 + p;
  double *D2 = S2 + p * p, *s0g = D2 + p * p, *d0g = s0g + G, *lh = d0g + G;
  double *lq = lh + G, *s1g = lq + G, *d1g = s1g + G * p, *ls1q = d1g + G * p;
  double *ldq = ls1q + G * p, *Cs1q = ldq + G * p, *Cdq = Cs1q + p;
  double *touched = Cdq + p, ll = 0;
  fcum C;
  const double *b = coef + p;
  for (i = 0; i < n; i++) {
    double e = b[grp[i]];
    for (j = 0; j < p; j++) e += d->x[i * p + j] * coef[j];
    eta[i] = e;
    r[i] = exp(e) * (d->w ? d->w[i] : 1.0);
  }
  if (o) {
    memset(o->u, 0, q * sizeof(double));
    memset(o->A, 0, p * p * sizeof(double));
    memset(o->B, 0, p * G * sizeof(double));
    memset(o->Dg, 0, G * sizeof(double));
  }
  memset(s0g, 0, G * sizeof(double)); memset(d0g, 0, G * sizeof(double));
  memset(lh, 0, G * sizeof(double)); memset(lq, 0, G * sizeof(double));
  memset(s1g, 0, G * p * sizeof(double)); memset(d1g, 0, G * p * sizeof(double));
  memset(ls1q, 0, G * p * sizeof(double)); memset(ldq, 0, G * p * sizeof(double));
  memset(Cs1q, 0, p * sizeof(double)); memset(Cdq, 0, p * sizeof(double));
  C.h = C.q = 0; C.s1q = Cs1q; C.dq = Cdq;
  i = 0;
  while (i < n) {
    int s = STRATUM(d, i);
    double S0 = 0;
    size_t bnd;
    for (bnd = i; bnd < n && STRATUM(d, bnd) == s; bnd++) ;
    memset(S1, 0, p * sizeof(double));
    memset(S2, 0, p * p * sizeof(double));
    while (i < bnd) {
      double t = d->stop[i], D0 = 0, dw = 0, nd = 0;
      size_t e, nt = 0;
      memset(D1, 0, p * sizeof(double));
      memset(D2, 0, p * p * sizeof(double));
      for (e = i; e < bnd && d->stop[e] == t; e++) {
        const double *xe = d->x + e * p;
        size_t g = (size_t)grp[e];
        S0 += r[e];
        for (j = 0; j < p; j++) {
          S1[j] += r[e] * xe[j];
          for (l = j; l < p; l++) S2[j + l * p] += r[e] * xe[j] * xe[l];
        }
        if (o) {
          flush(g, p, &C, s0g, s1g, lh, lq, ls1q, ldq, o);
          gadd(g, p, xe, r[e], s0g, s1g);
        }
        if (d->status[e] != 0) {
          double we = d->w ? d->w[e] : 1.0;
          D0 += r[e]; dw += we; nd += 1;
          ll += we * eta[e];
          for (j = 0; j < p; j++) {
            D1[j] += r[e] * xe[j];
            for (l = j; l < p; l++) D2[j + l * p] += r[e] * xe[j] * xe[l];
          }
          if (o) {
            for (j = 0; j < p; j++) o->u[j] += we * xe[j];
            o->u[p + g] += we;
            if (d0g[g] == 0) touched[nt++] = (double)g;
            d0g[g] += r[e];
            for (j = 0; j < p; j++) d1g[g * p + j] += r[e] * xe[j];
          }
        }
      }
      /* rows with start >= t leave the risk set */
      if (d->start) {
        while (qs < n && STRATUM(d, d->sorder[qs]) == s &&
               d->start[d->sorder[qs]] >= t) {
          size_t ro = d->sorder[qs++], g = (size_t)grp[ro];
          const double *xo = d->x + ro * p;
          S0 -= r[ro];
          for (j = 0; j < p; j++) {
            S1[j] -= r[ro] * xo[j];
            for (l = j; l < p; l++) S2[j + l * p] -= r[ro] * xo[j] * xo[l];
          }
          if (o) {
            flush(g, p, &C, s0g, s1g, lh, lq, ls1q, ldq, o);
            gadd(g, p, xo, -r[ro], s0g, s1g);
          }
        }
      }
      if (nd > 0) {
        double meanw = dw / nd, h0 = 0, h1 = 0, q0 = 0, q1 = 0, q2 = 0;
        int efron = d->efron == 1 && nd > 1;
        size_t kd = efron ? (size_t)nd : 1, c;
        for (k = 0; k < kd; k++) {
          double f = efron ? (double)k / nd : 0;
          double den = S0 - f * D0;
          double wk = efron ? meanw : dw;
          if (!(den > 0) || !isfinite(den)) return SURV_ENOTFINITE;
          ll -= wk * log(den);
          h0 += wk / den; h1 += wk * f / den;
          q0 += wk / (den * den); q1 += wk * f / (den * den);
          q2 += wk * f * f / (den * den);
        }
        if (o) {
          for (j = 0; j < p; j++) {
            o->u[j] -= S1[j] * h0 - D1[j] * h1;
            for (l = j; l < p; l++)
              o->A[j + l * p] += S2[j + l * p] * h0 - D2[j + l * p] * h1
                - (S1[j] * S1[l] * q0 - (S1[j] * D1[l] + D1[j] * S1[l]) * q1
                   + D1[j] * D1[l] * q2);
          }
          /* the clusters' S-only terms, lazily */
          C.h += h0; C.q += q0;
          for (j = 0; j < p; j++) { Cs1q[j] += S1[j] * q0; Cdq[j] += D1[j] * q1; }
          /* the deaths' clusters: their tied-death (Efron) terms now */
          for (c = 0; c < nt; c++) {
            size_t g = (size_t)touched[c];
            double s0 = s0g[g], dd = d0g[g];
            o->u[p + g] += dd * h1;
            o->Dg[g] += -dd * h1 + 2 * s0 * dd * q1 - dd * dd * q2;
            for (j = 0; j < p; j++)
              o->B[j + g * p] += -d1g[g * p + j] * h1 + S1[j] * dd * q1
                - D1[j] * dd * q2;
            d0g[g] = 0;
            memset(d1g + g * p, 0, p * sizeof(double));
          }
        }
      }
      else if (o) {
        size_t c;
        for (c = 0; c < nt; c++) d0g[(size_t)touched[c]] = 0;
      }
      i = e;
    }
    if (d->start)
      while (qs < n && STRATUM(d, d->sorder[qs]) == s) qs++;
    if (o) {   /* the stratum ends: every cluster's share, then empty sums */
      size_t g;
      for (g = 0; g < G; g++) flush(g, p, &C, s0g, s1g, lh, lq, ls1q, ldq, o);
      memset(s0g, 0, G * sizeof(double));
      memset(s1g, 0, G * p * sizeof(double));
    }
  }
  if (o)
    for (j = 0; j < p; j++)
      for (l = 0; l < j; l++) o->A[j + l * p] = o->A[l + j * p];
  *lk = ll;
  return SURV_OK;
}


/* PPL at coef, with the penalised gradient in o->u and curvature in o->Dg */
static int ppl (const cox_data *d, const int *grp, size_t G, double nu,
                const double *coef, double *val, double *plv, fpass *o,
                double *work) {
  size_t p = d->p, j;
  double lk, pen = 0;
  if (fpass_run(d, grp, G, coef, &lk, o, work) != SURV_OK || !isfinite(lk))
    return SURV_ENOTFINITE;
  for (j = 0; j < G; j++) {
    double e = exp(coef[p + j]);
    pen += e - coef[p + j] - 1;
    if (o) { o->u[p + j] -= nu * (e - 1); o->Dg[j] += nu * e; }
  }
  *plv = lk;
  *val = lk - nu * pen;
  return SURV_OK;
}


/*
** The Newton step of the sparse system [[A, B], [B', diag(Dg)]] step = u:
** S = A - B Dg^-1 B', step_beta = S^- (u_beta - B Dg^-1 u_b), step_b =
** Dg^-1 (u_b - B' step_beta).  S, fac: p^2 each.
*/
static void sparse_step (const fpass *o, size_t p, size_t G, double *step,
                         double *S, double *fac) {
  size_t j, l, g;
  for (j = 0; j < p; j++) {
    double rj = o->u[j];
    for (g = 0; g < G; g++) rj -= o->B[j + g * p] * o->u[p + g] / o->Dg[g];
    step[j] = rj;
    for (l = 0; l < p; l++) {
      double v = o->A[j + l * p];
      for (g = 0; g < G; g++) v -= o->B[j + g * p] * o->B[l + g * p] / o->Dg[g];
      S[j + l * p] = v;
    }
  }
  if (p > 0) {
    mat_cholrank(S, p, p, COX_TOL_CHOL, fac);
    mat_cholrank_solve(fac, p, step);
  }
  for (g = 0; g < G; g++) {
    double v = o->u[p + g];
    for (j = 0; j < p; j++) v -= o->B[j + g * p] * step[j];
    step[p + g] = v / o->Dg[g];
  }
}


/*
** Shifts b by -log(mean(exp(b))), as coxph's recentring: the partial
** likelihood is invariant to a common shift and the penalty least at
** mean(exp(b)) = 1.  The sparse information leaves out the cluster block's
** off-diagonal part, which is what pins that common shift down, so without
** this the steps would crawl along it.
*/
static void recenter (double *b, size_t G) {
  size_t g;
  double m = 0, c;
  for (g = 0; g < G; g++) m += exp(b[g]);
  c = log(m / (double)G);
  for (g = 0; g < G; g++) b[g] -= c;
}


int cox_frail_fit (const cox_data *d, const int *grp, size_t G, double nu,
                   double *coef, int maxiter, double eps, int polish, double *pl,
                   double *pen, double *var, double *var2, int *iter,
                   double *work) {
  size_t p = d->p, q = p + G, j, l, g;
  double *pw = work, *A = pw + pass_work(d->n, p, G), *S = A + p * p;
  double *fac = S + p * p, *B = fac + p * p, *Dg = B + p * G, *u = Dg + q;
  double *step = u + q, *trial = step + q, val, nval, plv, nplv;
  int it, halving = 0, status = SURV_EMAXITER;
  fpass o;
  o.A = A; o.B = B; o.Dg = Dg; o.u = u;
  if (ppl(d, grp, G, nu, coef, &val, &plv, &o, pw) != SURV_OK) return SURV_ESTART;
  *iter = 0;
  for (it = 1; it <= maxiter; it++) {
    *iter = it;
    if (ORR_INTERRUPTED()) return SURV_EINTR;
    if (halving == 0) sparse_step(&o, p, G, step, S, fac);
    else for (j = 0; j < q; j++) step[j] /= 2;
    for (j = 0; j < q; j++) trial[j] = coef[j] + step[j];
    recenter(trial + p, G);
    /* the trial's pass also gives its score and information: kept when
       the trial is (a rejected trial only halves the step it came from) */
    if (ppl(d, grp, G, nu, trial, &nval, &nplv, &o, pw) != SURV_OK || nval < val) {
      halving++;
      if (halving > 30) { status = SURV_EHALVING; break; }
      continue;
    }
    halving = 0;
    memcpy(coef, trial, q * sizeof(double));
    {
      double old = val;
      val = nval; plv = nplv;
      if (fabs(1 - old / val) <= eps) { status = SURV_OK; break; }
    }
  }
  /* the sparse Newton converges linearly, and a small change of PPL still
     leaves the parameters ~sqrt(eps) away: a converged fit takes a few more
     steps while they are not negligible (and PPL does not fall beyond
     rounding) */
  for (it = 0; polish && status == SURV_OK && it < 50; it++) {
    double big = 0;
    sparse_step(&o, p, G, step, S, fac);
    for (j = 0; j < q; j++) {
      double rel = fabs(step[j]) / (1 + fabs(coef[j]));
      if (rel > big) big = rel;
      trial[j] = coef[j] + step[j];
    }
    if (big < FRAIL_STEP_TOL) break;
    recenter(trial + p, G);
    if (ppl(d, grp, G, nu, trial, &nval, &nplv, &o, pw) != SURV_OK ||
        !(nval >= val - 1e-13 * fabs(val)))
      break;
    memcpy(coef, trial, q * sizeof(double));
    val = nval; plv = nplv;
  }
  ppl(d, grp, G, nu, coef, &val, &plv, &o, pw);
  *pl = plv;
  *pen = 0;
  for (g = 0; g < G; g++) *pen += nu * (exp(coef[p + g]) - coef[p + g] - 1);
  /* var = S^-1 with S the Schur complement; var2 = var - W P W', W = var B
     Dg^-1, P = diag(nu exp(b)) */
  sparse_step(&o, p, G, step, S, fac);
  mat_cholrank_inv(fac, p, var);
  for (j = 0; j < p; j++)
    for (l = 0; l < p; l++) {
      double v = var[j + l * p];
      for (g = 0; g < G; g++) {
        double wj = 0, wl = 0, pg = nu * exp(coef[p + g]);
        size_t m;
        for (m = 0; m < p; m++) {
          wj += var[j + m * p] * B[m + g * p];
          wl += var[l + m * p] * B[m + g * p];
        }
        v -= wj * wl * pg / (Dg[g] * Dg[g]);
      }
      var2[j + l * p] = v;
    }
  return status;
}
