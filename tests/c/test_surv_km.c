/*
** Kernel tests for modules/surv/km.c and cif.c: delayed entry worked by
** hand, the jackknife variances of S, of the cumulative hazard and of the
** cumulative incidences against central differences in each row's weight
** (sum_i w_i^2 (dF/dw_i)^2, the definition), the restricted mean by hand.
*/
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "surv/surv.h"
#include "surv/km.h"

#define N 9

/* rows in stop order; some enter late (start > 0), ties at 4 */
static const double start[N] = {0, 1, 0, 2.5, 0, 3, 0, 1.5, 0};
static const double stop[N] = {1, 2, 3, 4, 4, 5, 6, 7, 8};
static const double cause[N] = {1, 2, 0, 1, 2, 1, 0, 2, 1};

static void order_by (const double *x, size_t *ord) {
  size_t i, j;
  for (i = 0; i < N; i++) ord[i] = i;
  for (i = 1; i < N; i++)   /* insertion sort, stable */
    for (j = i; j > 0 && x[ord[j - 1]] > x[ord[j]]; j--) {
      size_t t = ord[j]; ord[j] = ord[j - 1]; ord[j - 1] = t;
    }
}

static void test_delayed (void) {
  /* (0,2] event, (1,3] event, (2.5,4] censored, (0,5] event */
  double t0[] = {0, 1, 2.5, 0}, t1[] = {2, 3, 4, 5}, st[] = {1, 1, 0, 1};
  double t[4], nr[4], s[4];
  size_t ord[4] = {0, 1, 2, 3}, sord[4] = {0, 3, 1, 2}, m;
  km_data d;
  d.n = 4; d.start = t0; d.stop = t1; d.status = st; d.w = NULL;
  d.ord = ord; d.sord = sord;
  m = km_fit(&d, t, nr, NULL, NULL, s, NULL, NULL, NULL);
  CHECK(m == 4);
  CHECK_NEAR(nr[0], 3, 0); CHECK_NEAR(nr[1], 3, 0);
  CHECK_NEAR(nr[2], 2, 0); CHECK_NEAR(nr[3], 1, 0);
  CHECK_NEAR(s[0], 2.0 / 3, 1e-15); CHECK_NEAR(s[1], 4.0 / 9, 1e-15);
  CHECK_NEAR(s[2], 4.0 / 9, 1e-15); CHECK(s[3] == 0);
}

/* S, H and F_1, F_2 at every time for weights w (right-censored when
   delayed is 0) */
static size_t curves (const double *w, int delayed, double *t, double *S,
                      double *H, double *F, double *gw, double *vh,
                      double *cse) {
  static size_t ord[N], sord[N];
  double nr[N], ne[N], nc[N], nev[2 * N], sse[N], work[200];
  km_data d;
  size_t m;
  order_by(stop, ord); order_by(start, sord);
  d.n = N; d.start = delayed ? start : NULL; d.stop = stop; d.status = cause;
  d.w = w; d.ord = ord; d.sord = sord;
  m = km_fit(&d, t, nr, ne, nc, S, gw, H, vh);
  km_ij(&d, m, t, nr, ne, S, gw, vh, work);
  if (!delayed) {
    CHECK(cif_work(N, 2) <= 200);
    cif_fit(&d, 2, N, t, nr, nev, nc, S, sse, F, cse, work);
  }
  return m;
}

static void test_jackknife (void) {
  double w[N] = {1, 0.5, 2, 1.5, 1, 0.7, 1.2, 0.9, 1.1};
  double t[N], S[N], H[N], F[2 * N], gw[N], vh[N], cse[2 * N];
  double vs[N], vhz[N], vf[2 * N];
  double h = 1e-6;
  int delayed;
  for (delayed = 0; delayed <= 1; delayed++) {
    size_t m = curves(w, delayed, t, S, H, F, gw, vh, cse), i, j;
    memset(vs, 0, sizeof vs); memset(vhz, 0, sizeof vhz); memset(vf, 0, sizeof vf);
    for (i = 0; i < N; i++) {
      double wp[N], wm[N], t2[N], Sp[N], Sm[N], Hp[N], Hm[N], Fp[2 * N], Fm[2 * N];
      double g2[N], v2[N], c2[2 * N];
      memcpy(wp, w, sizeof w); memcpy(wm, w, sizeof w);
      wp[i] += h; wm[i] -= h;
      curves(wp, delayed, t2, Sp, Hp, Fp, g2, v2, c2);
      curves(wm, delayed, t2, Sm, Hm, Fm, g2, v2, c2);
      for (j = 0; j < m; j++) {
        double ds = (Sp[j] - Sm[j]) / (2 * h), dh = (Hp[j] - Hm[j]) / (2 * h);
        vs[j] += w[i] * w[i] * ds * ds;
        vhz[j] += w[i] * w[i] * dh * dh;
        if (!delayed) {
          double d1 = (Fp[j] - Fm[j]) / (2 * h), d2 = (Fp[j + N] - Fm[j + N]) / (2 * h);
          vf[j] += w[i] * w[i] * d1 * d1;
          vf[j + N] += w[i] * w[i] * d2 * d2;
        }
      }
    }
    for (j = 0; j < m; j++) {
      CHECK_NEAR(gw[j] * S[j] * S[j], vs[j], 1e-7);
      CHECK_NEAR(vh[j], vhz[j], 1e-7);
      if (!delayed) {
        CHECK_NEAR(cse[j] * cse[j], vf[j], 1e-7);
        CHECK_NEAR(cse[j + N] * cse[j + N], vf[j + N], 1e-7);
        CHECK_NEAR(S[j] + F[j] + F[j + N], 1, 1e-14);
      }
    }
  }
}

static void test_rmean (void) {
  /* events at 1 (2 at risk) and 3 (1 at risk): S = 1/2 on [1, 3) */
  double t[] = {1, 3}, s[] = {0.5, 0}, nr[] = {2, 1}, ne[] = {1, 1}, r, se;
  km_rmean(t, s, nr, ne, 2, 2, &r, &se);
  CHECK_NEAR(r, 1.5, 1e-15);                  /* 1 + (2 - 1) / 2 */
  CHECK_NEAR(se, sqrt(0.5 * 0.5 * 0.5), 1e-15);   /* area 1/2 after t = 1, d/(n(n-d)) = 1/2 */
  km_rmean(t, s, nr, ne, 2, 0.5, &r, &se);
  CHECK_NEAR(r, 0.5, 0); CHECK(se == 0);
  km_rmean(t, s, nr, ne, 2, 3, &r, &se);
  CHECK_NEAR(r, 2, 1e-15);
}

int main (void) {
  test_delayed();
  test_jackknife();
  test_rmean();
  return CTEST_DONE();
}
