/*
** Kernels of model frames and design matrices (see design.h).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ointr.h"
#include "orules.h"
#include "formula/design.h"


/* the 0-based row of kept row i */
#define ROW(rows, i)  ((rows) ? (size_t)(rows)[i] - 1 : (i))


/* ---------------------------------------------------------------------- */
/* rows                                                                    */
/* ---------------------------------------------------------------------- */

int ofd_dropnan (const double *x, size_t n, unsigned char *drop) {
  size_t s = 0, col;
  int inf = 0;
  while (s < n) {
    /* orr_rowmask stops at an infinite value: note it and go on past it */
    size_t i = orr_rowmask(x + s, n - s, 1, n - s, drop + s, &col);
    if (i == n - s) break;
    inf = 1;
    s += i + 1;
  }
  return inf;
}


size_t ofd_firstinf (const double *x, size_t n, const unsigned char *drop) {
  size_t i;
  for (i = 0; i < n; i++)
    if (isinf(x[i]) && (drop == NULL || !drop[i])) return i;
  return n;
}


size_t ofd_badcode (const double *codes, size_t n, size_t K) {
  size_t i;
  double k = (double)K;
  for (i = 0; i < n; i++) {
    double c = codes[i];
    /* in range, then whole (a conversion, not a call of floor) */
    if (!(c >= 1 && c <= k && (double)(size_t)c == c) && !isnan(c)) return i;
  }
  return n;
}


void ofd_take (double *out, const double *x, size_t k, const double *rows,
               const double *map, size_t K) {
  size_t i;
  if (map == NULL) {
    if (rows == NULL) memcpy(out, x, k * sizeof(double));
    else for (i = 0; i < k; i++) out[i] = x[(size_t)rows[i] - 1];
    return;
  }
  for (i = 0; i < k; i++) {
    double c = x[ROW(rows, i)];
    out[i] = (c >= 1 && c <= (double)K) ? map[(size_t)c - 1] : NAN;
  }
}


void ofd_levelcounts (const double *codes, size_t k, const double *rows,
                      size_t K, double *counts) {
  size_t i;
  for (i = 0; i < K; i++) counts[i] = 0;
  for (i = 0; i < k; i++) {
    double c = codes[ROW(rows, i)];
    if (c >= 1 && c <= (double)K) counts[(size_t)c - 1] += 1;
  }
}


size_t ofd_recode (double *out, const double *codes, size_t n,
                   const double *map, size_t K) {
  size_t i, bad = n;
  for (i = 0; i < n; i++) {
    double c = codes[i];
    out[i] = (c >= 1 && c <= (double)K) ? map[(size_t)c - 1] : NAN;
    if (out[i] == 0 && bad == n) bad = i;
  }
  return bad;
}


void ofd_cross (double *out, const double *a, size_t Ka, const double *b,
                size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    out[i] = a[i] + (double)Ka * (b[i] - 1);   /* NaN in either stays */
}


static int cmpdouble (const void *pa, const void *pb) {
  double a = *(const double *)pa, b = *(const double *)pb;
  return (a > b) - (a < b);
}


size_t ofd_factorize (const double *x, size_t n, double *codes, double *uniq,
                      size_t *nu, double *work) {
  size_t i, m = 0, u = 0;
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  int integers = 1;
  for (i = 0; i < n; i++) {
    double v = x[i];
    if (isnan(v)) continue;
    if (isinf(v)) return i;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v != floor(v)) integers = 0;
    m++;
  }
  if (m == 0) {
    for (i = 0; i < n; i++) codes[i] = x[i];
    *nu = 0;
    return n;
  }
  if (integers && hi - lo < (double)n) {
    /* small integers (factor(cyl), factor(year)): count the range */
    size_t range = (size_t)(hi - lo) + 1;
    for (i = 0; i < range; i++) work[i] = 0;
    for (i = 0; i < n; i++) if (!isnan(x[i])) work[(size_t)(x[i] - lo)] = 1;
    for (i = 0; i < range; i++)
      if (work[i] != 0) { uniq[u] = lo + (double)i; work[i] = (double)++u; }
    for (i = 0; i < n; i++)
      codes[i] = isnan(x[i]) ? x[i] : work[(size_t)(x[i] - lo)];
  }
  else {
    size_t w = 0;
    for (i = 0; i < n; i++) if (!isnan(x[i])) work[w++] = x[i];
    qsort(work, m, sizeof(double), cmpdouble);
    for (i = 0; i < m; i++)
      if (u == 0 || work[i] != uniq[u - 1]) uniq[u++] = work[i];
    for (i = 0; i < n; i++) {
      double v = x[i];
      size_t a = 0, b = u;
      if (isnan(v)) { codes[i] = v; continue; }
      while (b - a > 1) {   /* uniq[a] <= v < uniq[b] */
        size_t h = a + (b - a) / 2;
        if (uniq[h] <= v) a = h; else b = h;
      }
      codes[i] = (double)(a + 1);
    }
  }
  *nu = u;
  return n;
}


/* ---------------------------------------------------------------------- */
/* design                                                                  */
/* ---------------------------------------------------------------------- */

/* The value of a factor part at (mapped) code c, not NaN. */
static double facval (const ofdpart *p, double c) {
  switch (p->kind) {
    case OFD_LEVEL: return c == p->j;
    case OFD_SUM: return c == p->j ? 1 : c == p->k ? -1 : 0;
    case OFD_HELMERT: return c <= p->j ? -1 : c == p->j + 1 ? p->j : 0;
    default: return 0;
  }
}


/* d[t] = (first ? 1 : d[t]) * the part's value at x[t], t < m. Called with
   m = OFD_BLOCK for whole blocks, a trip count that lets -O2 vectorize. */
static inline void applypart (const ofdpart *p, const double *restrict x,
                              size_t m, double *restrict d, int first) {
  size_t t;
  if (p->kind == OFD_NUM) {
    if (first) memcpy(d, x, m * sizeof(double));
    else for (t = 0; t < m; t++) d[t] *= x[t];
  }
  else if (p->kind == OFD_LEVEL && p->map == NULL) {
    /* treatment dummies, without a branch (the codes are in random order,
       and the loop vectorizes): 0 * c adds nothing to a code (>= 1) and
       makes a missing one NaN */
    double j = p->j;
    if (first) for (t = 0; t < m; t++) d[t] = (double)(x[t] == j) + 0.0 * x[t];
    else for (t = 0; t < m; t++) d[t] *= (double)(x[t] == j) + 0.0 * x[t];
  }
  else {
    for (t = 0; t < m; t++) {
      double c = x[t], v;
      if (!(c >= 1 && c <= (double)p->K)) v = NAN;   /* missing */
      else {
        if (p->map) c = p->map[(size_t)c - 1];
        v = facval(p, c);
      }
      d[t] = first ? v : d[t] * v;
    }
  }
}


int ofd_design (double *X, size_t k, const double *rows,
                const double *const *in, size_t nin, const ofdcol *cols,
                size_t ncol, const ofdpart *parts, double *work,
                const double **src) {
  size_t b0, c, t, u, nb = 0;
  for (b0 = 0; b0 < k; b0 += OFD_BLOCK) {
    size_t m = k - b0 < OFD_BLOCK ? k - b0 : OFD_BLOCK;
    if ((++nb & 1023) == 0 && ORR_INTERRUPTED()) return -1;
    for (u = 0; u < nin; u++) {
      if (rows == NULL) src[u] = in[u] + b0;
      else {  /* the kept rows of this block, contiguous */
        double *g = work + u * OFD_BLOCK;
        const double *x = in[u], *r = rows + b0;
        for (t = 0; t < m; t++) g[t] = x[(size_t)r[t] - 1];
        src[u] = g;
      }
    }
    for (c = 0; c < ncol; c++) {
      double *d = X + c * k + b0;
      size_t q;
      if (cols[c].np == 0) {
        for (t = 0; t < m; t++) d[t] = 1;
        continue;
      }
      for (q = 0; q < cols[c].np; q++) {
        const ofdpart *p = parts + cols[c].first + q;
        if (m == OFD_BLOCK) applypart(p, src[p->in], OFD_BLOCK, d, q == 0);
        else applypart(p, src[p->in], m, d, q == 0);
      }
    }
  }
  return 0;
}


/* ---------------------------------------------------------------------- */
/* poly, scale                                                             */
/* ---------------------------------------------------------------------- */

/* mean as R's mean(): a long double sum, then a second pass correction */
static double rmean (const double *x, size_t n) {
  long double s = 0, t;
  size_t i;
  for (i = 0; i < n; i++) s += x[i];
  t = s / n;
  s = 0;
  for (i = 0; i < n; i++) s += x[i] - t;
  return (double)(t + s / n);
}


int ofd_poly (const double *x, size_t n, size_t deg, double *Z,
              double *alpha, double *norm2) {
  size_t i, j, nd = 0;
  double xbar;
  /* deg + 1 distinct values at least (R: 'degree' must be less than the
     number of unique points); norm2 holds them while we look */
  for (i = 0; i < n && nd <= deg; i++) {
    for (j = 0; j < nd; j++) if (norm2[j] == x[i]) break;
    if (j == nd) norm2[nd++] = x[i];
  }
  if (nd <= deg) return 1;
  xbar = rmean(x, n);
  norm2[0] = 1;
  norm2[1] = (double)n;
  for (j = 0; j < deg; j++) {
    /* p_j (j >= 1 in column j - 1 of Z; p_0 = 1) gives a_j, then p_{j+1} */
    const double *pj = j > 0 ? Z + (j - 1) * n : NULL;
    const double *pm = j > 1 ? Z + (j - 2) * n : NULL;
    double *pn = Z + j * n;
    long double sx = 0, ss = 0;
    double a, r;
    for (i = 0; i < n; i++) {
      double xc = x[i] - xbar, p = pj ? pj[i] : 1;
      sx += xc * p * p;
    }
    a = (double)(sx / norm2[j + 1]);
    alpha[j] = a + xbar;
    r = j > 0 ? norm2[j + 1] / norm2[j] : 0;
    for (i = 0; i < n; i++) {
      double xc = x[i] - xbar, p = pj ? pj[i] : 1;
      double v = (xc - a) * p - (pm ? r * pm[i] : (j == 1 ? r : 0));
      pn[i] = v;
      ss += (long double)v * v;
    }
    norm2[j + 2] = (double)ss;
  }
  for (j = 0; j < deg; j++) {
    double s = sqrt(norm2[j + 2]);
    double *z = Z + j * n;
    for (i = 0; i < n; i++) z[i] /= s;
  }
  return 0;
}


void ofd_polypredict (const double *x, size_t n, size_t deg,
                      const double *alpha, const double *norm2, double *Z) {
  size_t i, j;
  for (j = 0; j < deg; j++) {
    const double *pj = j > 0 ? Z + (j - 1) * n : NULL;
    const double *pm = j > 1 ? Z + (j - 2) * n : NULL;
    double *pn = Z + j * n;
    double r = j > 0 ? norm2[j + 1] / norm2[j] : 0;
    for (i = 0; i < n; i++) {
      double p = pj ? pj[i] : 1;
      pn[i] = (x[i] - alpha[j]) * p - (pm ? r * pm[i] : (j == 1 ? r : 0));
    }
  }
  for (j = 0; j < deg; j++) {
    double s = sqrt(norm2[j + 2]);
    double *z = Z + j * n;
    for (i = 0; i < n; i++) z[i] /= s;
  }
}


void ofd_scalestats (const double *x, size_t n, int center, int scale,
                     double *cen, double *sc) {
  size_t i, m = 0;
  long double s = 0;
  double c = 0;
  if (center) {
    for (i = 0; i < n; i++) if (!isnan(x[i])) { s += x[i]; m++; }
    c = m > 0 ? (double)(s / m) : NAN;
  }
  *cen = c;
  *sc = 1;
  if (scale) {
    s = 0;
    m = 0;
    for (i = 0; i < n; i++)
      if (!isnan(x[i])) { double v = x[i] - c; s += v * v; m++; }
    *sc = sqrt((double)s / (m > 1 ? (double)(m - 1) : 1.0));
  }
}
