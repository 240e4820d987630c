/*
** Kernel tests for vm/orules.c: the missing-value mask (NaN drops a row,
** the first Inf is reported and the mask stays complete past it) and the
** survival-time rule (>= 0, or > 0 for the parametric families).
*/
#include <math.h>
#include <string.h>

#include "ctest.h"
#include "orules.h"

static void test_rowmask (void) {
  /* 5 x 2 in a 6-row buffer (ld 6): NaN at (1, 0) and (3, 1), Inf at
     (4, 0) and (2, 1); row 5 of the buffer is outside the matrix */
  double x[12] = {1, NAN, 3, 4, INFINITY, NAN,
                  5, 6, -INFINITY, NAN, 7, NAN};
  unsigned char drop[5];
  size_t col = 99, k;
  memset(drop, 0, sizeof drop);
  k = orr_rowmask(x, 5, 2, 6, drop, &col);
  CHECK(k == 4 && col == 0);           /* the first Inf, column by column */
  CHECK(drop[0] == 0 && drop[1] == 1 && drop[2] == 0);
  CHECK(drop[3] == 1);                 /* marked after the Inf was seen */
  CHECK(drop[4] == 0);                 /* Inf is not missing */
  memset(drop, 0, sizeof drop);
  col = 99;
  k = orr_rowmask(x + 6, 5, 1, 5, drop, &col);   /* column 1 alone */
  CHECK(k == 2 && col == 0);
  CHECK(drop[3] == 1 && drop[1] == 0);
  {
    double y[3] = {1, 2, 3};
    memset(drop, 0, sizeof drop);
    col = 99;
    CHECK(orr_rowmask(y, 3, 1, 3, drop, &col) == 3);
    CHECK(col == 99 && drop[0] + drop[1] + drop[2] == 0);
    CHECK(orr_rowmask(y, 0, 1, 0, drop, &col) == 0);   /* no rows */
  }
}

static void test_badtime (void) {
  double t[] = {0, 2, NAN, 1.5};
  double neg[] = {1, -0.5, 3};
  double inf[] = {1, 2, INFINITY};
  CHECK(orr_badtime(t, 4, 0) == 4);      /* 0 is a time, as R's Surv */
  CHECK(orr_badtime(t, 4, 1) == 0);      /* but not for log t */
  CHECK(orr_badtime(t + 1, 3, 1) == 3);  /* NaN is missing, not invalid */
  CHECK(orr_badtime(neg, 3, 0) == 1);
  CHECK(orr_badtime(neg, 3, 1) == 1);
  CHECK(orr_badtime(inf, 3, 0) == 2);
  CHECK(orr_badtime(t, 0, 1) == 0);
}

int main (void) {
  test_rowmask();
  test_badtime();
  return CTEST_DONE();
}
