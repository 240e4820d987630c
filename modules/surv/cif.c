/*
** The Aalen-Johansen cumulative incidence of competing risks, as R's
** survfit with a factor status, with its infinitesimal jackknife standard
** errors (survfit's default for multi-state curves).
*/
#include <math.h>
#include <string.h>

#include "surv/surv.h"
#include "surv/km.h"

/* the weight left at risk below this fraction of n_j is rounding: as km.c */
#define CIF_ZERO  1e-12

#define W(i) (w ? w[i] : 1.0)


/* nev[j + k ldm] = the weight (unit: the number) of the events of cause
   k + 1 at the j-th distinct time */
static void count_events (const km_data *d, size_t K, size_t m, size_t ldm,
                          double *nev, int unit) {
  const double *time = d->stop, *status = d->status;
  const double *w = unit ? NULL : d->w;
  const size_t *ord = d->ord;
  size_t i, j, k;
  for (k = 0; k < K; k++)
    for (j = 0; j < m; j++) nev[j + k * ldm] = 0;
  for (i = 0, j = 0; i < d->n; i++) {
    size_t r = ord ? ord[i] : i;
    int c = (int)status[r];
    if (i > 0 && time[r] != time[ord ? ord[i - 1] : i - 1]) j++;
    if (c > 0) nev[j + (size_t)(c - 1) * ldm] += W(r);
  }
}


size_t cif_work (size_t n, int ncause) {
  return km_ij_work(n, n) + 3 * n + 6 * (size_t)ncause + 2;
}

/*
** F_k(t_J) = sum_{j <= J} S(t_{j-1}) d_kj / n_j.  Differentiating in the
** weight of row i (exit time index r, cause c, 0 if censored), with C the
** running sum of h_j / (n_j - d_j) (the influence on log S of being at
** risk) and A = C_r - [c > 0] / (n_r - d_r) its value once the row has left:
**   J < r:  U = G_k(J) - H_k(J)
**   J >= r: U = G_k(r) - H_k(r) + A (F_k(J) - F_k(r)) + [c = k] S(t_{r-1}) / n_r
** where G_k = sum S(t_{j-1}) h_kj C_{j-1} and H_k = sum S(t_{j-1}) h_kj / n_j.
** So sum_i w_i^2 U_i^2 needs, per cause, the sums of w^2 B^2 and w^2 A B
** over the rows that have left (U = B + A F_k(J) for them), the sum of
** w^2 A^2 and the sum of w^2 over the rows still at risk.
*/
size_t cif_fit (const km_data *d, int ncause, size_t ldm, double *t,
                double *nrisk, double *nev, double *ncens, double *surv,
                double *sse, double *cif, double *cse, double *work) {
  const double *time = d->stop, *status = d->status, *w = d->w;
  const size_t *ord = d->ord;
  size_t n = d->n, m, i, j;
  size_t K = (size_t)ncause, k;
  double *dall = work, *gw = dall + n, *vh = gw + n;
  double *F = vh + n, *G = F + K, *H = G + K, *SB2 = H + K, *SAB = SB2 + K;
  double *ijw = SAB + K;
  double q0 = 0, sa2 = 0, cum = 0, sprev = 1;
  m = km_fit(d, t, nrisk, dall, ncens, surv, gw, NULL, vh);
  km_ij(d, m, t, nrisk, dall, surv, gw, vh, ijw);
  for (j = 0; j < m; j++) sse[j] = surv[j] * sqrt(gw[j]);
  count_events(d, K, m, ldm, nev, 0);
  for (k = 0; k < K; k++) F[k] = G[k] = H[k] = SB2[k] = SAB[k] = 0;
  for (i = 0; i < n; i++) q0 += W(i) * W(i);
  i = 0;
  for (j = 0; j < m; j++) {
    double nj = nrisk[j], dj = dall[j], rest = nj - dj, e = 0;
    double cprev = cum;
    for (k = 0; k < K; k++) {
      double hk = nev[j + k * ldm] / nj;
      G[k] += sprev * hk * cprev;
      H[k] += sprev * hk / nj;
      F[k] += sprev * hk;
    }
    if (dj > 0 && rest > CIF_ZERO * nj) { cum += dj / nj / rest; e = 1 / rest; }
    /* the rows leaving at t_j */
    for (; i < n && time[ord ? ord[i] : i] == t[j]; i++) {
      size_t r = ord ? ord[i] : i;
      int c = (int)status[r];
      double w2 = W(r) * W(r), A = cum - (c > 0 ? e : 0);
      q0 -= w2;
      sa2 += w2 * A * A;
      for (k = 0; k < K; k++) {
        double B = G[k] - H[k] - A * F[k] + ((int)k == c - 1 ? sprev / nj : 0);
        SB2[k] += w2 * B * B;
        SAB[k] += w2 * A * B;
      }
    }
    for (k = 0; k < K; k++) {
      double gh = G[k] - H[k];
      double v = gh * gh * q0 + SB2[k] + 2 * F[k] * SAB[k] + F[k] * F[k] * sa2;
      cif[j + k * ldm] = F[k];
      cse[j + k * ldm] = v > 0 ? sqrt(v) : 0;
    }
    sprev = surv[j];
  }
  if (w) {
    /* survfit's multi-state counts are of rows, not weights */
    km_data u = *d;
    u.w = NULL;
    km_fit(&u, NULL, nrisk, NULL, ncens, NULL, NULL, NULL, NULL);
    count_events(d, K, m, ldm, nev, 1);
  }
  return m;
}


void cif_ci (size_t len, const double *p, const double *se, double z,
             int type, double *lo, double *hi) {
  size_t i;
  for (i = 0; i < len; i++) {
    /* survfit_confint's plain limits are p -+ z se: [0, 0] at p = 0,
       where the log scales have none */
    if (type == 0 && p[i] == 0) { lo[i] = hi[i] = 0; continue; }
    km_ci(p[i], p[i] > 0 ? se[i] / p[i] : 0, z, type, &lo[i], &hi[i]);
  }
}
