/*
** Ridge regression through the SVD of the centred (optionally scaled)
** design: b(lambda) = V diag(d / (d^2 + lambda)) U'y.  The intercept is
** not penalised (x and y are centred).  With lambda omitted (NaN) lambda
** minimises MASS::lm.ridge's GCV = RSS / (n - edf)^2, edf = sum d^2 / (d^2 +
** lambda), over a log grid refined by golden section.  scale = 1 divides
** each centred column by sqrt(sum x^2 / n) first, as lm.ridge does, so that
** lambda means what it means there; coefficients are always returned on
** the original scale.
*/
#ifndef ridge_h
#define ridge_h

#include <stddef.h>
#include "regress/regress.h"

/* ridge_fit returns a regress_status (regress.h): REG_OK, REG_ELAPACK or
   REG_EINTR. */

typedef struct ridge_in {
  size_t n, k;
  double *X;        /* n x k, overwritten */
  const double *y;
  int intercept, scale;
  double lambda;    /* NaN: choose by GCV */
} ridge_in;

typedef struct ridge_out {
  double *coef;     /* k + 1: intercept (0 without one), then slopes */
  double *fitted;   /* n */
  double *scales;   /* k: the column scales used (1 without scale) */
  double lambda, edf, gcv, rss;
} ridge_out;

size_t ridge_lwork (size_t n, size_t k);
int ridge_fit (const ridge_in *in, ridge_out *out, double *work, size_t lwork);

#endif
