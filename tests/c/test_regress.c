/*
** Kernel tests for modules/regress: the QR with limited pivoting (both
** paths), the normal equations, sandwich pieces, IRLS families and the
** theta of the negative binomial, ridge; against hand values and against
** each other.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ctest.h"
#include "regress/ols.h"
#include "regress/sandwich.h"
#include "regress/glm.h"
#include "regress/ridge.h"
#include "regress/ipcw.h"
#include "regress/iv.h"
#include "regress/sketch.h"
#include "regress/regress.h"

#define N 8

/* x_i = i, y = 1 + 2 x + small wiggle: known least-squares answer */
static void data (double *X, double *y, int collinear) {
  int i;
  for (i = 0; i < N; i++) {
    double x = i + 1;
    X[i] = 1; X[i + N] = x; X[i + 2 * N] = collinear ? 2 * x + 1 : x * x;
    y[i] = 1 + 2 * x + (i % 2 ? 0.25 : -0.25);
  }
}

/*
** The kernels the binding used to do by hand: fit summaries with a row of
** weight 0, predictions with an aliased coefficient, weighted sums, HC
** weights, separation, residuals, the null deviance, the 2SLS sandwich,
** the sketch's least squares, the status messages.
*/
static void summaries (void) {
  /* y = 1 + 2x at x = 0..3 except row 2 (y = 9, weight 0, not fitted) */
  double y0[4] = {1, 3, 9, 7}, w0[4] = {1, 1, 0, 2}, X0[4] = {0, 1, 2, 3};
  double sw[4], r[4] = {0, 0, 0, 0}, coef[2] = {1, 2}, resid[4], fitted[4];
  double ss[3], b[3] = {1, NAN, 2}, Xp[4] = {1, 2, 5, 5}, V[9], fit[2], se[2];
  double wk[3], sums[3], e[3] = {1, 2, 3}, h[3] = {0.5, 0, 1}, om[3];
  size_t i;
  for (i = 0; i < 4; i++) sw[i] = sqrt(w0[i]);
  rq_summary(y0, w0, X0, 4, 1, 1, NULL, 4, coef, r, sw, 1, resid, fitted, ss);
  CHECK(fitted[2] == 5 && resid[2] == 4);          /* predicted from x */
  CHECK(fitted[3] == 7 && resid[3] == 0);
  CHECK(ss[0] == 0);
  /* mss about the weighted mean of 1, 3, 7 with weights 1, 1, 2: 4.5 */
  CHECK_NEAR(ss[1], 12.25 + 2.25 + 2 * 6.25, 1e-15);
  CHECK_NEAR(ss[2], log(2.0), 1e-15);
  /* predictions: the NaN coefficient is left out; se = sqrt(x'Vx) */
  for (i = 0; i < 9; i++) V[i] = 0;
  V[0] = 1; V[8] = 4;
  rq_predict(Xp, 2, 2, 1, b, V, NULL, fit, se, wk);
  CHECK(fit[0] == 11 && fit[1] == 11);
  CHECK_NEAR(se[0], sqrt(1 + 4 * 25.0), 1e-15);
  rq_wsums(y0, w0, 4, sums);
  CHECK(sums[0] == 18 && sums[1] == 1 + 9 + 98 && sums[2] == 4);
  sw_omega(e, h, 3, SW_HC3, om);
  CHECK(om[0] == 4 && om[1] == 4 && isnan(om[2]));  /* leverage 1: NaN */
  sw_omega(e, h, 3, SW_HC0, om);
  CHECK(om[2] == 9);
  {
    /* n = 2, h = 1/2 each: k = 1 and n h / k = 1, so the exponents are 1
       (HC4), 1 + 1 (HC4m) and min(1, max(4, 0.7)) = 1 halved (HC5) */
    double e2[2] = {1, 2}, h2[2] = {0.5, 0.5}, o2[2];
    sw_omega(e2, h2, 2, SW_HC4, o2);
    CHECK_NEAR(o2[0], 2, 1e-15); CHECK_NEAR(o2[1], 8, 1e-15);
    sw_omega(e2, h2, 2, SW_HC4M, o2);
    CHECK_NEAR(o2[0], 4, 1e-15); CHECK_NEAR(o2[1], 16, 1e-15);
    sw_omega(e2, h2, 2, SW_HC5, o2);
    CHECK_NEAR(o2[0], sqrt(2.0), 1e-15); CHECK_NEAR(o2[1], 4 * sqrt(2.0), 1e-15);
  }
}

static void glm_pieces (void) {
  double mu[3] = {0.5, 1e-17, 0.3}, y[3] = {1, 0, 1}, r[3], w[3] = {1, 1, 1};
  double one[1], dev, *wk;
  glm_model m;
  glm_fit f;
  CHECK(glm_extreme(GF_BINOMIAL, mu, 3) == 1);
  CHECK(glm_extreme(GF_BINOMIAL, mu, 1) == 0);
  CHECK(glm_extreme(GF_GAUSSIAN, mu, 3) == 0);
  glm_resid(GF_BINOMIAL, GLM_PEARSON, y, mu, NULL, 1, 1, r);
  CHECK_NEAR(r[0], 1, 1e-15);                       /* 0.5 / sqrt(0.25) */
  glm_resid(GF_GAUSSIAN, GLM_DEVIANCE, y, mu, NULL, 1, 3, r);
  CHECK_NEAR(r[2], 0.7, 1e-15);
  /* gaussian null deviance: the weighted sum of squares about the mean */
  memset(&m, 0, sizeof m); memset(&f, 0, sizeof f);
  m.n = 3; m.p = 1; m.intercept = 1; m.X = one; m.y = y; m.w = w;
  m.family = GF_GAUSSIAN; m.link = GL_IDENTITY; m.theta = 1; f.mu = mu;
  wk = malloc(glm_nulldev_work(3) * sizeof(double));
  CHECK(glm_nulldev(&m, &f, 1, GLM_MAXIT, GLM_EPSILON, &dev, wk) == REG_OK);
  CHECK_NEAR(dev, 2.0 / 3, 1e-15);
  CHECK(glm_nulldev(&m, &f, 0, GLM_MAXIT, GLM_EPSILON, &dev, wk) == REG_OK);
  CHECK_NEAR(dev, 2, 1e-15);                        /* about eta = 0 */
  free(wk);
}

static void iv_sketch_status (void) {
  /* the cluster meat of one column Q = (1, 1, 2), e = (1, -1, 2), clusters
     {0, 1}, {2}: sums 0 and 4, so M = a (0 + 16); a second call adds */
  double Q[3] = {1, 1, 2}, e[3] = {1, -1, 2}, S[2], Mc[1] = {0};
  int g[3] = {0, 0, 1};
  double M[8] = {1, 0, 0, 1, 2, 3, 5, 7}, co[1], *lw;
  sw_meat_cl(Q, 3, 1, e, g, 2, 2.0, S, Mc);
  CHECK_NEAR(Mc[0], 32, 1e-15);
  sw_meat_cl(Q, 3, 1, e, g, 2, -0.5, S, Mc);
  CHECK_NEAR(Mc[0], 24, 1e-15);
  /* 4 x 2: y = 2 x exactly (the first column is the regressor) */
  M[4] = 2; M[5] = 0; M[6] = 0; M[7] = 2;
  lw = malloc(sk_lstsq_work(4, 2) * sizeof(double));
  CHECK(sk_lstsq(M, 4, 2, co, lw) == REG_OK);
  CHECK_NEAR(co[0], 2, 1e-15);
  free(lw);
  CHECK(strcmp(regress_strerror(REG_ESINGULAR), "the design is singular") == 0);
}

int main (void) {
  double X[3 * N], A[3 * N], y[N], tau[3], cn[3], coef[3], eff[N], res[N];
  static double work[1 << 16];
  double V[9], V2[9], G[9], c[3], b2[3];
  double oy[2 * N], cw2[8];
  int piv[3], iw[8];
  size_t rank, lw = rq_lwork(N, 3), i, j;
  CHECK(lw <= (1 << 16));

  /* full rank: the blocked path, then the pivoting path gives the same */
  data(X, y, 0);
  memcpy(A, X, sizeof X);
  CHECK(rq_qr(A, N, 3, 1e-7, tau, piv, &rank, cn, work, lw) == REG_OK);
  CHECK(rank == 3 && piv[0] == 0 && piv[2] == 2);
  CHECK(rq_solve(A, N, 3, tau, y, coef, eff, res, work, lw) == REG_OK);
  CHECK(rq_unscaled(A, N, 3, V) == REG_OK);
  memcpy(A, X, sizeof X);
  CHECK(rq_qr_pivot(A, N, 3, 1e-7, tau, piv, &rank, cn, work) == REG_OK);
  CHECK(rank == 3);
  CHECK(rq_solve(A, N, 3, tau, y, b2, eff, res, work, lw) == REG_OK);
  for (j = 0; j < 3; j++) CHECK_NEAR(b2[j], coef[j], 1e-12);
  /* residuals are orthogonal to every column */
  for (j = 0; j < 3; j++) {
    double s = 0;
    for (i = 0; i < N; i++) s += X[i + j * N] * res[i];
    CHECK(fabs(s) < 1e-10);
  }
  /* the normal equations agree with the QR */
  for (i = 0; i < N; i++) { oy[i] = 1; oy[i + N] = y[i]; }
  rq_crossprod(X + N, N, 2, 1, oy, G, c, cw2);
  CHECK(rq_normal(G, 3, c, 1e-8, b2, V2, work, iw) == REG_OK);
  for (j = 0; j < 3; j++) CHECK(fabs(b2[j] - coef[j]) <= 1e-10 * (1 + fabs(coef[j])));
  for (j = 0; j < 9; j++) CHECK_NEAR(V2[j], V[j], 1e-9);
  /* ... but refuse an ill-conditioned design */
  rq_crossprod(X + N, N, 2, 1, oy, G, c, cw2);
  CHECK(rq_normal(G, 3, c, 0.5, b2, V2, work, iw) == REG_NEEDQR);

  /* collinear third column: the blocked path hands over, the pivoting
     path aliases the later column and fits the line exactly as without it */
  data(X, y, 1);
  memcpy(A, X, sizeof X);
  CHECK(rq_qr(A, N, 3, 1e-7, tau, piv, &rank, cn, work, lw) == REG_NEEDPIVOT);
  memcpy(A, X, sizeof X);
  CHECK(rq_qr_pivot(A, N, 3, 1e-7, tau, piv, &rank, cn, work) == REG_OK);
  CHECK(rank == 2 && piv[2] == 2);
  CHECK(rq_solve(A, N, 2, tau, y, coef, eff, res, work, lw) == REG_OK);
  CHECK_NEAR(coef[0], 1.0 + 0.25 * 0, 0.2);   /* the wiggle moves it a little */
  CHECK_NEAR(coef[1], 2.0, 0.05);
  /* leverage sums to the rank */
  {
    double Q[3 * N], h[N], s = 0;
    CHECK(rq_qform(A, N, 2, tau, Q, h, work, lw) == REG_OK);
    for (i = 0; i < N; i++) s += h[i];
    CHECK_NEAR(s, 2.0, 1e-12);
    /* HC0 meat with e = 1: Q'Q = I */
    {
      double om[N], M[4], buf[3 * N];
      for (i = 0; i < N; i++) om[i] = 1;
      sw_meat_hc(Q, N, 2, om, M, buf, 3);
      CHECK_NEAR(M[0], 1, 1e-12); CHECK_NEAR(M[3], 1, 1e-12);
      CHECK(fabs(M[1]) < 1e-12);
    }
  }

  /* links invert, and mu.eta is the derivative */
  {
    int links[] = {GL_LOG, GL_LOGIT, GL_PROBIT, GL_CLOGLOG, GL_INVERSE, GL_IDENTITY};
    double eta = 0.3, hh = 1e-6;
    for (j = 0; j < 6; j++) {
      double mu = glm_linkinv(links[j], eta);
      double d = (glm_linkinv(links[j], eta + hh) - glm_linkinv(links[j], eta - hh)) / (2 * hh);
      CHECK_NEAR(glm_linkfun(links[j], mu), eta, 1e-12);
      CHECK_NEAR(glm_mueta(links[j], eta), d, 1e-7);
    }
  }

  /* Poisson IRLS on counts equal to their mean: beta = (log mean, 0) */
  {
    double yc[N] = {3, 5, 4, 4, 3, 5, 4, 4}, w[N], xs[N];
    double cf[2], et[N], mu[N], ww[N], wr[N], AA[2 * N], ta[2], VV[4];
    static double gw[1 << 16];
    int pv[2];
    glm_model m;
    glm_fit f;
    for (i = 0; i < N; i++) { w[i] = 1; xs[i] = (i % 2) ? 1 : -1; }
    /* x = -1 has mean count 3.5, x = +1 mean 4.5 */
    m.n = N; m.p = 2; m.intercept = 1; m.X = xs; m.y = yc; m.w = w;
    m.off = NULL; m.family = GF_POISSON; m.link = GL_LOG; m.theta = 1;
    f.coef = cf; f.eta = et; f.mu = mu; f.wwork = ww; f.wres = wr; f.A = AA;
    f.tau = ta; f.pivot = pv; f.V = VV;
    CHECK(glm_lwork(N, 2) <= (1 << 16));
    CHECK(glm_irls(&m, NULL, 25, 1e-8, &f, gw, glm_lwork(N, 2)) == REG_OK);
    CHECK(f.converged);
    CHECK_NEAR(cf[0], 0.5 * (log(3.5) + log(4.5)), 1e-8);
    CHECK_NEAR(cf[1], 0.5 * (log(4.5) - log(3.5)), 1e-7);
    /* theta.ml: overdispersed counts give a finite positive theta */
    {
      double yo[N] = {0, 9, 1, 12, 0, 7, 2, 1}, mo[N], se;
      int it, warn;
      for (i = 0; i < N; i++) mo[i] = 4;
      m.y = yo;
      CHECK(glm_theta_ml(&m, mo, 25, &se, &it, &warn) > 0);
      CHECK(warn == 0 && se > 0);
    }
  }

  /* ridge: lambda = 0 is least squares; edf = k then */
  {
    double Xr[2 * N], yr[N], cf[3], fit[N], sc[2];
    static double rw[1 << 16];
    ridge_in in;
    ridge_out out;
    data(X, y, 0);
    memcpy(Xr, X + N, 2 * N * sizeof(double));
    memcpy(yr, y, sizeof y);
    in.n = N; in.k = 2; in.X = Xr; in.y = yr; in.intercept = 1; in.scale = 0;
    in.lambda = 0;
    out.coef = cf; out.fitted = fit; out.scales = sc;
    CHECK(ridge_lwork(N, 2) <= (1 << 16));
    CHECK(ridge_fit(&in, &out, rw, ridge_lwork(N, 2)) == REG_OK);
    memcpy(A, X, sizeof X);
    CHECK(rq_qr(A, N, 3, 1e-7, tau, piv, &rank, cn, work, lw) == REG_OK);
    CHECK(rq_solve(A, N, 3, tau, y, coef, eff, res, work, lw) == REG_OK);
    for (j = 0; j < 3; j++) CHECK(fabs(cf[j] - coef[j]) <= 1e-10 * (1 + fabs(coef[j])));
    CHECK_NEAR(out.edf, 2.0, 1e-12);
  }
  {
    /* IPCW by hand: times 2 1 4 2 3, status 1 1 1 0 0. S_C stays 1 at 1,
       drops to 3/4 at 2 (one censoring of 4 at risk) and to 3/8 at 3; an
       event takes 1 / S_C(t-): 1 at 1 and 2 (before the drop), 8/3 at 4 */
    double t[] = {2, 1, 4, 2, 3}, st[] = {1, 1, 1, 0, 0}, w[5];
    void *iw = malloc(ipcw_worksize(5));
    ipcw_weights(t, st, 5, w, iw);
    CHECK(w[0] == 1 && w[1] == 1 && w[3] == 0 && w[4] == 0);
    CHECK_NEAR(w[2], 8.0 / 3, 1e-15);
    free(iw);
  }
  summaries();
  glm_pieces();
  iv_sketch_status();
  return CTEST_DONE();
}
