/*
** A minimal harness for the C unit tests of kernels.
**   CHECK(cond)                 -- counts a pass or a failure
**   CHECK_NEAR(got, want, rtol) -- |got - want| <= rtol * |want| (+1e-300)
**   return CTEST_DONE();        -- prints "N passed, N failed", exit status
*/
#ifndef ctest_h
#define ctest_h

#include <math.h>
#include <stdio.h>

static int ctest_passed = 0, ctest_failed = 0;

#define CHECK(cond) do { \
    if (cond) ctest_passed++; \
    else { ctest_failed++; \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
  } while (0)

#define CHECK_NEAR(got, want, rtol) do { \
    double g_ = (got), w_ = (want); \
    if (fabs(g_ - w_) <= (rtol) * fabs(w_) + 1e-300) ctest_passed++; \
    else { ctest_failed++; \
      fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (rtol %g)\n", \
              __FILE__, __LINE__, #got, g_, w_, (double)(rtol)); } \
  } while (0)

#define CTEST_DONE() \
  (printf("%d passed, %d failed\n", ctest_passed, ctest_failed), \
   ctest_failed ? 1 : 0)

#endif
