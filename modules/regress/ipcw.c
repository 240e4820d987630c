/*
** IPCW weights (see ipcw.h). One sort, then one pass over the distinct times:
** S_C drops at a time s by the factor 1 - c(s)/n(s), c(s) the censorings at
** s and n(s) = #{T >= s}; an observation at time t takes the value of S_C
** before any drop at t (the left limit).
*/
#include <stdlib.h>

#include "regress/ipcw.h"

/* qsort has no context argument: sort (time, index) pairs instead */
typedef struct { double t; size_t i; } pair;

static int cmp_pair (const void *a, const void *b) {
  double x = ((const pair *)a)->t, y = ((const pair *)b)->t;
  return x < y ? -1 : x > y;
}


size_t ipcw_worksize (size_t n) {
  return (n + 1) * sizeof(pair);
}


void ipcw_weights (const double *time, const double *status, size_t n,
                   double *w, void *work) {
  pair *p = (pair *)work;
  size_t i, j, atrisk = n;
  double S = 1.0;
  for (i = 0; i < n; i++) { p[i].t = time[i]; p[i].i = i; }
  qsort(p, n, sizeof *p, cmp_pair);
  for (i = 0; i < n; i = j) {
    size_t cens = 0;
    for (j = i; j < n && p[j].t == p[i].t; j++) {
      size_t k = p[j].i;
      w[k] = status[k] != 0 ? 1.0 / S : 0.0;   /* S is S_C(t-) here */
      cens += status[k] == 0;
    }
    S *= 1.0 - (double)cens / (double)atrisk;
    atrisk -= j - i;
  }
}
