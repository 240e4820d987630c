/*
** Sandwich covariances (HC0..HC3, cluster) from the thin Q of a QR; see
** sandwich.h for the algebra.
*/
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "regress/sandwich.h"


void sw_meat_hc (const double *Q, size_t n, size_t r, const double *omega,
                 double *M, double *buf, size_t chunk) {
  size_t i0, i, j;
  memset(M, 0, r * r * sizeof(double));
  if (r == 0) return;
  /* rows in chunks scaled by sqrt(omega): dsyrk keeps it BLAS-3 */
  for (i0 = 0; i0 < n; i0 += chunk) {
    size_t m = n - i0 < chunk ? n - i0 : chunk;
    for (j = 0; j < r; j++)
      for (i = 0; i < m; i++)
        buf[i + j * m] = Q[i0 + i + j * n] * sqrt(omega[i0 + i]);
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)r, (int)m, 1.0,
                buf, (int)m, 1.0, M, (int)r);
  }
  for (j = 0; j < r; j++)
    for (i = j + 1; i < r; i++) M[i + j * r] = M[j + i * r];
}


void sw_meat_cl (const double *Q, size_t n, size_t r, const double *e,
                 const int *g, size_t G, double a, double *S, double *M) {
  size_t i, j;
  memset(S, 0, G * r * sizeof(double));
  if (r == 0 || G == 0) return;
  for (j = 0; j < r; j++) {
    const double *q = Q + j * n;
    double *s = S + j * G;
    for (i = 0; i < n; i++) s[g[i]] += e[i] * q[i];
  }
  /* only the upper triangle is accumulated; the caller mirrors it
     (sw_symmetrize) after the last term */
  cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)r, (int)G, a, S,
              (int)G, 1.0, M, (int)r);
}


void sw_symmetrize (double *M, size_t r) {
  size_t i, j;
  for (j = 0; j < r; j++)
    for (i = j + 1; i < r; i++) M[i + j * r] = M[j + i * r];
}


void sw_sandwich (const double *Ri, size_t r, const double *M, double *V,
                  double *tmp) {
  size_t i, j;
  if (r == 0) return;
  /* tmp = Ri M, V = tmp Ri' */
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)r, (int)r,
              (int)r, 1.0, Ri, (int)r, M, (int)r, 0.0, tmp, (int)r);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)r, (int)r,
              (int)r, 1.0, tmp, (int)r, Ri, (int)r, 0.0, V, (int)r);
  for (j = 0; j < r; j++)  /* exact symmetry */
    for (i = j + 1; i < r; i++) V[i + j * r] = V[j + i * r] = 0.5 * (V[i + j * r] + V[j + i * r]);
}


void sw_omega (const double *e, const double *h, size_t n, int type,
               double *omega) {
  size_t i;
  double k = 0, hmax = 0, c5 = 0;
  if (type >= SW_HC4) {
    /* sandwich takes the number of parameters as round(sum h) */
    for (i = 0; i < n; i++) {
      k += h[i];
      if (h[i] > hmax) hmax = h[i];
    }
    k = nearbyint(k);
    c5 = fmax(4, SW_HC5_K * (double)n * hmax / k);
  }
  for (i = 0; i < n; i++) {
    double e2 = e[i] * e[i], u = (double)n * h[i] / k;
    /* at leverage 1 the residual is 0 and HC2.. divide 0 by 0: rounding
       would leave a meaningless number, so NaN as sandwich does */
    if (type >= SW_HC2 && h[i] > SW_HMAX) e2 = NAN;
    else switch (type) {
      case SW_HC2: e2 /= 1 - h[i]; break;
      case SW_HC3: e2 /= (1 - h[i]) * (1 - h[i]); break;
      case SW_HC4: e2 /= pow(1 - h[i], fmin(4, u)); break;
      case SW_HC4M: e2 /= pow(1 - h[i], fmin(1, u) + fmin(1.5, u)); break;
      case SW_HC5: e2 /= sqrt(pow(1 - h[i], fmin(u, c5))); break;
      default: break;
    }
    omega[i] = e2;
  }
}


size_t sw_meat_hc_work (size_t chunk, size_t r) { return chunk * r; }
size_t sw_sandwich_work (size_t r) { return r * r; }
