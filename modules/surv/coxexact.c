/*
** The exact partial likelihood of the Cox model for tied death times
** (coxph's ties = "exact"; Kalbfleisch and Prentice's discrete model, the
** conditional logistic likelihood).
**
** At a death time with k deaths D among the risk set R (m rows, risks r_i =
** exp(eta_i)) the term is exp(sum_D eta) / B(k, m), where B(k, m) sums
** prod_{i in S} r_i over every k-subset S of R.  Gail, Lubin and Rubinstein
** (1981): adding the rows one at a time,
**     B(j, i) = B(j, i-1) + r_i B(j-1, i-1),   B(0, i) = 1,
** and differentiating the recursion gives the first and second derivatives
** in beta (B1, B2) at the same cost:
**     B1(j, i) = B1(j, i-1) + r_i [x_i B(j-1, i-1) + B1(j-1, i-1)]
**     B2(j, i) = B2(j, i-1) + r_i [x_i x_i' B + x_i B1' + B1 x_i' + B2](j-1, i-1).
** The log-likelihood gains sum_D eta - log B, the score sum_D x - B1/B and
** the information B2/B - (B1/B)(B1/B)'.  Walking j downwards lets one
** column of each table be updated in place: O(k m p^2) per death time.
** The risks are scaled by the largest in the risk set (B scales by its
** k-th power), which keeps B finite for moderate k.
*/
#include <math.h>
#include <string.h>

#include "surv/surv.h"

#define STRATUM(d, i)  ((d)->strata ? (d)->strata[i] : 0)


/* the largest number of deaths at one (stratum, time) */
static size_t maxties (const cox_data *d) {
  size_t i = 0, best = 0;
  while (i < d->n) {
    size_t e = i, k = 0;
    while (e < d->n && STRATUM(d, e) == STRATUM(d, i) && d->stop[e] == d->stop[i]) {
      if (d->status[e] != 0) k++;
      e++;
    }
    if (k > best) best = k;
    i = e;
  }
  return best;
}


size_t cox_exact_work (const cox_data *d) {
  size_t p = d->p, K = maxties(d) + 1;
  /* eta, the risk-set rows (as doubles: n each) and risks (n), B (K), B1
     (K p), B2 (K p^2) */
  return 3 * d->n + K * (1 + p + p * p) + 1;
}


int cox_exact_pass (const cox_data *d, const double *beta, double *loglik,
                    double *u, double *imat, double *work) {
  size_t n = d->n, p = d->p, K = maxties(d) + 1, i, j, l;
  double *eta = work, *rset = eta + n, *rr = rset + n;
  double *B = rr + n, *B1 = B + K, *B2 = B1 + K * p, lk = 0;
  int full = (u != NULL);
  for (i = 0; i < n; i++) {
    double e = 0;
    for (j = 0; j < p; j++) e += d->x[i * p + j] * beta[j];
    eta[i] = e;
  }
  if (full) {
    memset(u, 0, p * sizeof(double));
    memset(imat, 0, p * p * sizeof(double));
  }
  i = 0;
  while (i < n) {
    int s = STRATUM(d, i);
    size_t b = i, a = i;
    while (b < n && STRATUM(d, b) == s) b++;
    /* rows [a, b) run in decreasing stop time: the risk set of a time t
       is {stop >= t, start < t}, the rows before the block's end */
    while (i < b) {
      double t = d->stop[i], emax = -HUGE_VAL, bk;
      size_t e, k = 0, m = 0, c, q;
      for (e = i; e < b && d->stop[e] == t; e++)
        if (d->status[e] != 0) {
          k++;
          lk += eta[e];
          if (full) for (j = 0; j < p; j++) u[j] += d->x[e * p + j];
        }
      if (k > 0) {
        for (q = a; q < e; q++) {
          if (d->start && d->start[q] >= t) continue;
          rset[m++] = (double)q;
          if (eta[q] > emax) emax = eta[q];
        }
        for (c = 0; c < m; c++) rr[c] = exp(eta[(size_t)rset[c]] - emax);
        memset(B, 0, K * sizeof(double));
        B[0] = 1;
        if (full) {
          memset(B1, 0, K * p * sizeof(double));
          memset(B2, 0, K * p * p * sizeof(double));
        }
        for (c = 0; c < m; c++) {
          const double *x = d->x + (size_t)rset[c] * p;
          double r = rr[c];
          size_t jj, top = c + 1 < k ? c + 1 : k;
          for (jj = top; jj >= 1; jj--) {
            if (full) {
              double *b2 = B2 + jj * p * p, *b2o = B2 + (jj - 1) * p * p;
              double *b1 = B1 + jj * p, *b1o = B1 + (jj - 1) * p, bo = B[jj - 1];
              for (j = 0; j < p; j++) {
                for (l = 0; l <= j; l++)
                  b2[j + l * p] += r * (x[j] * x[l] * bo + x[j] * b1o[l] +
                                        b1o[j] * x[l] + b2o[j + l * p]);
              }
              for (j = 0; j < p; j++) b1[j] += r * (x[j] * bo + b1o[j]);
            }
            B[jj] += r * B[jj - 1];
          }
        }
        bk = B[k];
        if (!(bk > 0) || !isfinite(bk)) return SURV_ENOTFINITE;
        lk -= log(bk) + (double)k * emax;
        if (full) {
          const double *b1 = B1 + k * p, *b2 = B2 + k * p * p;
          for (j = 0; j < p; j++) {
            u[j] -= b1[j] / bk;
            for (l = 0; l <= j; l++)
              imat[j + l * p] += b2[j + l * p] / bk - b1[j] * b1[l] / (bk * bk);
          }
        }
      }
      i = e;
    }
  }
  if (full)   /* the lower triangle was written: mirror it */
    for (j = 0; j < p; j++)
      for (l = 0; l < j; l++) imat[l + j * p] = imat[j + l * p];
  *loglik = lk;
  return SURV_OK;
}
