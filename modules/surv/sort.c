/*
** Radix sort of doubles (returning the permutation).  An LSD radix sort on
** the IEEE bit patterns, mapped so that unsigned order equals numeric order:
** flip every bit of a negative number, only the sign bit of the others.
** Six passes of 11 bits; a pass whose digit is constant is skipped, which
** is most passes for integer-valued times.
*/
#include <stdint.h>
#include <string.h>

#include "surv/surv.h"

#define BITS 11
#define NB (1u << BITS)
#define PASSES 6


static uint64_t key (double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  if (x == 0) u = 0;   /* -0 and +0 sort together */
  return (u >> 63) ? ~u : (u | ((uint64_t)1 << 63));
}


size_t surv_order_work (size_t n) {
  return n * (2 * sizeof(uint64_t) + sizeof(size_t)) + 16;
}


void surv_order (const double *x, size_t n, size_t *ord, void *work) {
  uint64_t *k = (uint64_t *)work, *k2 = k + n;
  size_t *o2 = (size_t *)(k2 + n);
  size_t cnt[NB];
  size_t i;
  int pass;
  for (i = 0; i < n; i++) { k[i] = key(x[i]); ord[i] = i; }
  for (pass = 0; pass < PASSES; pass++) {
    int sh = pass * BITS;
    size_t sum = 0, b;
    uint64_t *tk;
    memset(cnt, 0, sizeof cnt);
    for (i = 0; i < n; i++) cnt[(k[i] >> sh) & (NB - 1)]++;
    if (n == 0 || cnt[(k[0] >> sh) & (NB - 1)] == n) continue;  /* constant digit */
    for (b = 0; b < NB; b++) { size_t c = cnt[b]; cnt[b] = sum; sum += c; }
    for (i = 0; i < n; i++) {
      size_t d = cnt[(k[i] >> sh) & (NB - 1)]++;
      k2[d] = k[i]; o2[d] = ord[i];
    }
    tk = k; k = k2; k2 = tk;
    memcpy(ord, o2, n * sizeof(size_t));
  }
}


void surv_strata_order (const int *code, int ncode, const size_t *in,
                        size_t n, size_t *out, size_t *start) {
  size_t i;
  int c;
  for (c = 0; c <= ncode; c++) start[c] = 0;
  for (i = 0; i < n; i++) start[code[in[i]] + 1]++;
  for (c = 0; c < ncode; c++) start[c + 1] += start[c];
  /* start[c] is now the first slot of code c; advance copies as we fill */
  for (i = 0; i < n; i++) out[start[code[in[i]]]++] = in[i];
  for (c = ncode; c > 0; c--) start[c] = start[c - 1];
  start[0] = 0;
}


/* the inverse of key() */
static double unkey (uint64_t u) {
  double x;
  u = (u >> 63) ? (u ^ ((uint64_t)1 << 63)) : ~u;
  memcpy(&x, &u, sizeof x);
  return x;
}


void surv_sort2 (double *x, double *y, size_t n, void *work) {
  uint64_t *k = (uint64_t *)work, *k2 = k + n;
  double *y2 = (double *)(k2 + n), *yy = y;
  size_t cnt[NB];
  size_t i;
  int pass;
  for (i = 0; i < n; i++) k[i] = key(x[i]);
  for (pass = 0; pass < PASSES; pass++) {
    int sh = pass * BITS;
    size_t sum = 0, b;
    uint64_t *tk;
    double *ty;
    memset(cnt, 0, sizeof cnt);
    for (i = 0; i < n; i++) cnt[(k[i] >> sh) & (NB - 1)]++;
    if (n == 0 || cnt[(k[0] >> sh) & (NB - 1)] == n) continue;  /* constant digit */
    for (b = 0; b < NB; b++) { size_t c = cnt[b]; cnt[b] = sum; sum += c; }
    for (i = 0; i < n; i++) {
      size_t d = cnt[(k[i] >> sh) & (NB - 1)]++;
      k2[d] = k[i]; y2[d] = yy[i];
    }
    tk = k; k = k2; k2 = tk;
    ty = yy; yy = y2; y2 = ty;
  }
  for (i = 0; i < n; i++) x[i] = unkey(k[i]);
  if (yy != y) memcpy(y, yy, n * sizeof(double));
}
