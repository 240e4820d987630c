/*
** Kernel tests for modules/pref: the branch-free exp and log1p of the
** sigmoid loss's vector loop against long double libm (64-bit
** significands, so the reference is exact to ~2^-11 ulp of a double) on
** millions of arguments, the ends of their domains included; the loop
** against the general per-pair path.
*/
#include <stdint.h>
#include <stdlib.h>

#include "ctest.h"
#include "pref/pref.h"

/* |got - want| in units in the last place of the double nearest want */
static double ulps (double got, long double want) {
  double w = (double)want;
  int e;
  if (w == 0) return got == 0 ? 0 : INFINITY;
  frexp(w, &e);
  /* the ulp of w; below DBL_MIN, the subnormal ulp 2^-1074 */
  return (double)(fabsl((long double)got - want) /
                  ldexpl(1.0L, (e - 53 < -1074 ? -1074 : e - 53)));
}

/* a deterministic uniform draw in [0, 1) (splitmix64) */
static double unif (uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1p-53;
}

static void exp_log1p (void) {
  uint64_t s = 42;
  double worst_e = 0, worst_l = 0, x, t, u;
  long i;
  /* exp on [-750, 0]: 2e6 uniform, 2e6 log-uniform in magnitude (small
     arguments), and the subnormal range */
  for (i = 0; i < 2000000; i++) {
    x = -750 * unif(&s);
    u = ulps(pref_expneg(x), expl((long double)x));
    if (u > worst_e) worst_e = u;
    x = -exp(-40 + 47 * unif(&s));
    u = ulps(pref_expneg(x), expl((long double)x));
    if (u > worst_e) worst_e = u;
  }
  for (i = 0; i < 200000; i++) {
    x = -708 - 38 * unif(&s);      /* results subnormal or 0 */
    u = ulps(pref_expneg(x), expl((long double)x));
    if (u > worst_e) worst_e = u;
  }
  CHECK(worst_e <= 1);
  printf("expneg: worst error %.3f ulp\n", worst_e);
  CHECK(pref_expneg(0) == 1 && pref_expneg(-0.0) == 1);
  CHECK(pref_expneg(-1e4) == 0 && pref_expneg(-INFINITY) == 0);
  CHECK(pref_expneg(-745.13) > 0 && pref_expneg(-746) == 0);
  CHECK(pref_expneg(-0x1p-60) == 1);
  /* log1p on [0, 1]: uniform, log-uniform, around sqrt 2 - 1 (the switch
     of the reduction) and the subnormals */
  for (i = 0; i < 2000000; i++) {
    t = unif(&s);
    u = ulps(pref_log1p01(t), log1pl((long double)t));
    if (u > worst_l) worst_l = u;
    t = exp(-745 * unif(&s));
    u = ulps(pref_log1p01(t), log1pl((long double)t));
    if (u > worst_l) worst_l = u;
    t = 0x1.a827999fcef32p-2 + 1e-6 * (unif(&s) - 0.5);
    u = ulps(pref_log1p01(t), log1pl((long double)t));
    if (u > worst_l) worst_l = u;
  }
  CHECK(worst_l <= 1);
  printf("log1p01: worst error %.3f ulp\n", worst_l);
  CHECK(pref_log1p01(0) == 0 && pref_log1p01(0x1p-1074) == 0x1p-1074);
  CHECK(pref_log1p01(1) == log(2.0));
}

/* the sigmoid loop (all outputs) and the general path (one output left
   out) agree, and both give -log s(z) exactly where it is known */
static void sigmoid_paths (void) {
  enum { N = 4099 };
  static double lw[N], ll[N], Lw[N], Ll[N], o[10][N];
  uint64_t s = 7;
  size_t i, bad, neq = 0;
  dpo_sums a, b;
  double worst = 0;
  for (i = 0; i < N; i++) {
    Lw[i] = -300 * unif(&s); Ll[i] = -300 * unif(&s);
    lw[i] = Lw[i] + 2e3 * (unif(&s) - 0.5);
    ll[i] = Ll[i] + 2e3 * (unif(&s) - 0.5);
  }
  for (i = 5; i < 8; i++) lw[i] = ll[i] = Lw[i] = Ll[i] = 0;
  lw[5] = 1e5; ll[6] = 1e5;
  CHECK(pref_dpo(DPO_SIGMOID, N, lw, ll, Lw, Ll, NULL, NULL, 0, 0.1, 0,
                 o[0], o[1], o[2], o[3], o[4], &a, &bad) == PREF_OK);
  CHECK(pref_dpo(DPO_SIGMOID, N, lw, ll, Lw, Ll, NULL, NULL, 0, 0.1, 0,
                 o[5], o[6], o[7], o[8], NULL, &b, &bad) == PREF_OK);
  for (i = 0; i < N; i++) {
    double d0 = fabs(o[0][i] - o[5][i]) / fabs(o[5][i]);
    double d1 = fabs(o[1][i] - o[6][i]) / fabs(o[6][i]);
    if (d0 > worst) worst = d0;
    if (d1 > worst) worst = d1;
    neq += !(o[2][i] == -o[1][i] && o[3][i] == o[8][i]);
  }
  CHECK(neq == 0);
  CHECK(worst <= 1e-15);
  CHECK(a.correct == b.correct && a.margin == b.margin);
  CHECK_NEAR(a.loss, b.loss, 1e-14);
  CHECK(o[0][5] == 0 && o[1][5] == 0);
  CHECK(o[0][6] == -(0.1 * -1e5) && o[1][6] == -0.1);
  CHECK(o[0][7] == log(2.0) && o[1][7] == -0.05);
  /* a non-finite input is found at its index; an overflowing difference
     of finite inputs is not an error */
  lw[3000] = NAN;
  CHECK(pref_dpo(DPO_SIGMOID, N, lw, ll, Lw, Ll, NULL, NULL, 0, 0.1, 0,
                 o[0], o[1], o[2], o[3], o[4], &a, &bad) == PREF_ENOTFINITE);
  CHECK(bad == 3000);
  lw[3000] = 1.5e308; ll[3000] = -1.5e308; Lw[3000] = Ll[3000] = 0;
  CHECK(pref_dpo(DPO_SIGMOID, N, lw, ll, Lw, Ll, NULL, NULL, 0, 1, 0,
                 o[0], o[1], o[2], o[3], o[4], &a, &bad) == PREF_OK);
  CHECK(o[0][3000] == 0 && o[1][3000] == 0);
}

int main (void) {
  exp_log1p();
  sigmoid_paths();
  return CTEST_DONE();
}
