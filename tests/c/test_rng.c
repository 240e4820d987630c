/*
** Kernel tests for modules/rng: the generator against an independent
** implementation (tests/ref/rng/make_xoshiro.py), the GSL wrapping, the
** draws kernels, and rng.default's seeding through orrery_setseed.
*/
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "lua.h"
#include "lauxlib.h"

#include "ctest.h"
#include "orrery.h"
#include "ointr.h"
#include "rng/xoshiro.h"
#include "rng/draws.h"
#include "rng/ziggurat.h"
#include "rng/orng.h"


/* from tests/ref/rng/xoshiro.txt */
static const uint64_t state_42[4] = {
  UINT64_C(0xbdd732262feb6e95), UINT64_C(0x28efe333b266f103),
  UINT64_C(0x47526757130f9f52), UINT64_C(0x581ce1ff0e4ae394)
};
static const uint64_t out_42[5] = {
  UINT64_C(0xd0764d4f4476689f), UINT64_C(0x519e4174576f3791),
  UINT64_C(0xfbe07cfb0c24ed8c), UINT64_C(0xb37d9f600cd835b8),
  UINT64_C(0xcb231c3874846a73)
};
static const uint64_t out_m1[5] = {
  UINT64_C(0x56ccf8ce948e27b2), UINT64_C(0xe68588432e5a5b90),
  UINT64_C(0xe3e9b5a48119ca8b), UINT64_C(0x460f19495532ae73),
  UINT64_C(0xa7d62040ea9263e1)
};
static const uint64_t out_1234[5] = {
  UINT64_C(0x0000000002800001), UINT64_C(0x0000000003800067),
  UINT64_C(0x000cc00003800067), UINT64_C(0x000cc201994400b2),
  UINT64_C(0x8012a2019ac433cd)
};


static void test_generator (void) {
  orng_state st;
  uint64_t x = 0;
  int i;
  /* SplitMix64 from 0: its well-known first output */
  CHECK(orng_splitmix64(&x) == UINT64_C(0xe220a8397b1dcdaf));
  orng_seed(&st, 42);
  for (i = 0; i < 4; i++) CHECK(st.s[i] == state_42[i]);
  for (i = 0; i < 5; i++) CHECK(orng_next(&st) == out_42[i]);
  orng_seed(&st, (uint64_t)-1);
  for (i = 0; i < 5; i++) CHECK(orng_next(&st) == out_m1[i]);
  /* state {1,2,3,4}: the first output by hand is rotl(5, 23) + 1 */
  st.s[0] = 1; st.s[1] = 2; st.s[2] = 3; st.s[3] = 4;
  CHECK(out_1234[0] == (UINT64_C(5) << 23) + 1);
  for (i = 0; i < 5; i++) CHECK(orng_next(&st) == out_1234[i]);
}


static void test_gsl_wrapping (void) {
  orng_state st, ref;
  gsl_rng r;
  double u;
  r.type = orng_xoshiro256pp;
  r.state = &st;
  gsl_rng_set(&r, 42);
  orng_seed(&ref, 42);
  CHECK(gsl_rng_get(&r) == (unsigned long)(orng_next(&ref) >> 32));
  u = gsl_rng_uniform(&r);
  CHECK(u == (double)(orng_next(&ref) >> 11) * 0x1.0p-53);
  CHECK(u >= 0 && u < 1);
  CHECK(gsl_rng_max(&r) == 0xffffffffUL && gsl_rng_min(&r) == 0);
  CHECK(strcmp(gsl_rng_name(&r), "xoshiro256++") == 0);
  /* a child differs from its parent and from its sibling */
  {
    orng_state p, c1, c2;
    orng_seed(&p, 7);
    orng_child(&p, &c1);
    orng_child(&p, &c2);
    CHECK(memcmp(&c1, &c2, sizeof c1) != 0);
    CHECK(memcmp(&c1, &p, sizeof c1) != 0);
  }
}


static void test_kernels (void) {
  orng_state st;
  gsl_rng r;
  double x[1000], cum[3], w[3] = {0.0, 1.0, 0.0}, p[2] = {0.0, 1.0};
  double R[4] = {4.0, 2.0, 2.0, 5.0}, mu[2] = {1.0, -1.0}, X[20];
  double bad[4] = {1.0, 2.0, 2.0, 1.0};
  size_t i;
  r.type = orng_xoshiro256pp;
  r.state = &st;
  orng_seed(&st, 1);
  CHECK(orng_categorical(&r, w, 3, cum, x, 1000) == 0);
  for (i = 0; i < 1000; i++) if (x[i] != 2.0) break;
  CHECK(i == 1000);  /* only the category with weight */
  CHECK(orng_fill(&r, ORNG_NORMAL, p, x, 1000) == 0);
  CHECK(orng_fill(&r, 99, p, x, 10) == ORNG_EDIST);
  /* Sigma = [4 2; 2 5] = R'R with R = [2 1; 0 2] */
  CHECK(orng_mvnormal(&r, mu, R, 2, X, 10) == 0);
  CHECK_NEAR(R[0], 2.0, 1e-15);
  CHECK_NEAR(R[2], 1.0, 1e-15);
  CHECK_NEAR(R[3], 2.0, 1e-15);
  CHECK(orng_mvnormal(&r, mu, bad, 2, X, 10) == ORNG_ENOTPD);
  CHECK(orng_permutation(&r, x, 10) == 0);
  {
    int seen[11] = {0};
    for (i = 0; i < 10; i++) seen[(int)x[i]]++;
    for (i = 1; i <= 10; i++) CHECK(seen[i] == 1);
  }
}


static double first_default (lua_State *L) {
  double v;
  (void)luaL_dostring(L, "return rng.default:normal(1)[1]");
  v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return v;
}


static double first_of (lua_State *L, int seed) {
  double v;
  lua_pushinteger(L, seed);
  lua_setglobal(L, "SEED");
  (void)luaL_dostring(L, "return rng.new(SEED):normal(1)[1]");
  v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return v;
}


static int call_default (lua_State *L) {
  orng_default(L);
  return 0;
}

static int call_field (lua_State *L) {
  orng_field(L, 1, "test.fn");
  return 0;
}


static void test_default_seed (void) {
  lua_State *L = orrery_new(NULL);
  double a;
  /* no seed: the documented default */
  CHECK(first_default(L) == first_of(L, ORNG_DEFAULT_SEED));
  /* seed after loading: _reseed */
  orrery_setseed(L, 99);
  CHECK(first_default(L) == first_of(L, 99));
  orrery_close(L);
  /* seed before loading: read from the registry */
  L = orrery_new(NULL);
  /* vm/ostate.c's orrery_setseed pops one value too many when the rng
     module is not loaded yet (reported to the owner of vm/): a spare slot
     keeps this test from underflowing the stack until it is fixed */
  lua_pushnil(L);
  orrery_setseed(L, 5);
  lua_settop(L, 0);
  a = first_default(L);
  CHECK(a == first_of(L, 5));
  CHECK(a != first_of(L, ORNG_DEFAULT_SEED));
  /* orng_default / orng_opt / orng_push / orng_pushchild from C */
  CHECK(orng_opt(L, 1, "test") != NULL);  /* none: the default */
  CHECK(lua_gettop(L) == 0);
  {
    gsl_rng *r1 = orng_push(L, 77), *r2, *c1, *c2;
    unsigned long a, b;
    r2 = orng_push(L, 77);
    CHECK(lua_gettop(L) == 2 && orng_test(L, 1) == r1 && orng_check(L, 2, "t") == r2);
    a = gsl_rng_get(r1); b = gsl_rng_get(r2);
    CHECK(a == b);
    c1 = orng_pushchild(L, 1, "t");
    c2 = orng_pushchild(L, 2, "t");
    CHECK(gsl_rng_get(c1) == gsl_rng_get(c2));   /* same parents, same children */
    CHECK(gsl_rng_get(c1) != gsl_rng_get(r1));
    lua_newtable(L);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "rng");
    CHECK(orng_field(L, -1, "t") == r1);
    lua_newtable(L);
    CHECK(orng_field(L, -1, "t") != NULL);  /* rng = nil: the default */
    CHECK(orng_test(L, -1) == NULL);
    lua_settop(L, 0);
  }
  (void)luaL_dostring(L, "rng.default = 3");
  CHECK(luaL_dostring(L, "return rng.new(1):normal(1)") == LUA_OK);
  lua_settop(L, 0);
  /* a script broke rng.default, or passed a non-stream: clear errors */
  lua_pushcfunction(L, call_default);
  CHECK(lua_pcall(L, 0, 0, 0) != LUA_OK &&
        strstr(lua_tostring(L, -1), "rng.default: expected an rng stream, got number"));
  lua_settop(L, 0);
  /* Ctrl-C: the kernel stops, the method raises (the kernels' flag raised
     by hand: orrery_interrupt would stop the chunk's first instruction) */
  orr_interrupted = 1;
  CHECK(luaL_dostring(L, "return rng.new(1):normal(10)") != LUA_OK &&
        strstr(lua_tostring(L, -1), "rng:normal: interrupted"));
  lua_settop(L, 0);
  orrery_clear_interrupt(L);  /* the host lowers the flag (orrery.h) */
  CHECK(luaL_dostring(L, "return rng.new(1):normal(10)") == LUA_OK);
  lua_settop(L, 0);
  lua_pushcfunction(L, call_field);
  (void)luaL_dostring(L, "return {rng = 'x'}");
  CHECK(lua_pcall(L, 1, 0, 0) != LUA_OK &&
        strstr(lua_tostring(L, -1), "test.fn: option 'rng' must be an rng stream, got string"));
  lua_settop(L, 0);
  orrery_close(L);
}


/*
** The ziggurat's table (ziggurat.h): every piece has the same area v, the
** recurrence closes at the top, the thresholds are consistent, and the
** values agree with the constants Marsaglia and Tsang (2000) print for
** 256 layers (r = 3.6541528853610088, v = 0.00492867323399): computed
** here, not copied, so they check the construction.
*/
static void test_ziggurat_table (void) {
  static orng_zig z, z2;
  const orng_zig *t;
  double tail = 1.2533141373155002512 * erfc(3.6541528853610088 / sqrt(2.0));
  int i, ok_area = 1, ok_dec = 1, ok_f = 1, ok_k = 1;
  CHECK(orng_zig_build(&z) == 0);
  CHECK_NEAR(z.r, 3.6541528853610088, 1e-15);
  CHECK_NEAR(z.v, 0.00492867323399, 1e-11);
  CHECK(z.x[1] == z.r && z.x[ORNG_ZIG_LAYERS] == 0.0);
  /* the base strip: rectangle r f(r) plus the tail, and the stretched
     rectangle x[0] f(r), both equal to v */
  CHECK_NEAR(z.r * z.f[1] + tail, z.v, 1e-14);
  CHECK_NEAR(z.x[0] * z.f[1], z.v, 1e-14);
  for (i = 1; i < ORNG_ZIG_LAYERS; i++) {   /* layers 1..255, 255 the top */
    double a = z.x[i] * (z.f[i + 1] - z.f[i]);
    if (!(fabs(a - z.v) <= 1e-12 * z.v)) {
      ok_area = 0;
      fprintf(stderr, "layer %d: area %.17g, v %.17g\n", i, a, z.v);
    }
  }
  CHECK(ok_area);
  /* the top closes: x[255] (1 - f(x[255])) = v, to 1e-12 relative */
  CHECK_NEAR(z.x[255] * -expm1(-0.5 * z.x[255] * z.x[255]), z.v, 1e-12);
  CHECK(z.f[ORNG_ZIG_LAYERS] == 1.0);
  for (i = 0; i < ORNG_ZIG_LAYERS; i++) {
    if (!(z.x[i] > z.x[i + 1])) ok_dec = 0;
    if (z.f[i] != exp(-0.5 * z.x[i] * z.x[i])) ok_f = 0;
    /* k[i] = floor(2^53 x[i+1] / x[i]) to one unit (the ratio is
       rounded): the fast path j < k[i] keeps the abscissa j 2^-53 x[i]
       below x[i+1] + 2^-53 x[i], where the density is f(x[i+1]) to a
       relative 1e-15. Checked in long double (64-bit significand on x86:
       the products are near exact) */
    {
      long double d = (long double)z.k[i] * z.x[i] - ldexpl(z.x[i + 1], 53);
      if (!(fabsl(d) <= (long double)z.x[i])) ok_k = 0;
    }
  }
  CHECK(ok_dec); CHECK(ok_f); CHECK(ok_k);
  CHECK(z.k[ORNG_ZIG_LAYERS - 1] == 0);   /* the top layer is all wedge */
  /* deterministic: a second build gives the same bits, as do the shared
     tables (built once under pthread_once) */
  CHECK(orng_zig_build(&z2) == 0 && memcmp(&z, &z2, sizeof z) == 0);
  t = orng_zig_tables();
  CHECK(t == orng_zig_tables() && memcmp(t, &z, sizeof z) == 0);
  /* the fast path takes sum_i k[i]/2^53 / 256 of the attempts: 98.51% */
  {
    double fast = 0;
    for (i = 0; i < ORNG_ZIG_LAYERS; i++) fast += ldexp((double)z.k[i], -53);
    fast /= ORNG_ZIG_LAYERS;
    CHECK(fast > 0.9845 && fast < 0.9855);
  }
  /* the bulk fill and the single draw give the same numbers; the fill
     advances the state as the single draws do */
  {
    orng_state a, b;
    double x[2000];
    size_t cnt[3] = {0, 0, 0};
    int same = 1;
    orng_seed(&a, 99); orng_seed(&b, 99);
    CHECK(orng_zig_fill(&a, 0.0, 1.0, x, 2000, cnt) == 0);
    for (i = 0; i < 2000; i++) if (x[i] != orng_zig_normal(&b)) same = 0;
    CHECK(same && memcmp(&a, &b, sizeof a) == 0);
    CHECK(cnt[0] > 0);  /* some wedges in 2000 draws (expected ~25) */
    CHECK(orng_zig_fill(&a, 2.0, 3.0, x, 3, NULL) == 0);
    CHECK(x[0] == 2.0 + 3.0 * orng_zig_normal(&b));
  }
}


/*
** The tail branch, on many draws: 5e7 draws give about 12900 beyond r.
** Given |Z| > r, |Z| has mean phi(r)/Q(r) (the inverse Mills ratio,
** 3.8970) and P(|Z| > r + d | |Z| > r) = Q(r + d) / Q(r). Bounds: 6
** standard errors (false alarm 2e-9 each). A tail drawn as r + Exp(r),
** without Marsaglia's rejection step, has mean r + 1/r = 3.9278: 12 SEs
** off; the Lua tests (1e7 draws) cannot see so small a change of shape.
*/
static void test_ziggurat_tail (void) {
  static double x[1000000];
  const double r = orng_zig_tables()->r;
  const double d[2] = {0.3, 0.8};
  double q = 0.5 * erfc(r / sqrt(2.0)), s = 0, s2 = 0, m, se, mills;
  size_t c = 0, cd[2] = {0, 0}, i, k;
  orng_state st;
  orng_seed(&st, 2026);
  for (k = 0; k < 50; k++) {
    CHECK(orng_zig_fill(&st, 0.0, 1.0, x, 1000000, NULL) == 0);
    for (i = 0; i < 1000000; i++) {
      double a = fabs(x[i]);
      if (a > r) {
        c++; s += a; s2 += a * a;
        if (a > r + d[0]) cd[0]++;
        if (a > r + d[1]) cd[1]++;
      }
    }
  }
  m = s / (double)c;
  se = sqrt((s2 / (double)c - m * m) / (double)c);
  mills = exp(-0.5 * r * r) / sqrt(2 * 3.14159265358979323846) / q;
  if (!(fabs(m - mills) <= 6 * se))
    fprintf(stderr, "tail: mean %.6f, expected %.6f (SE %.2g, %zu draws)\n",
            m, mills, se, c);
  CHECK(fabs(m - mills) <= 6 * se);
  /* the count beyond r: Bin(5e7, 2 Q(r)), 12908 expected */
  CHECK(fabs((double)c - 5e7 * 2 * q) <= 6 * sqrt(5e7 * 2 * q));
  for (k = 0; k < 2; k++) {
    double p = 0.5 * erfc((r + d[k]) / sqrt(2.0)) / q;
    double sd = sqrt((double)c * p * (1 - p));
    if (!(fabs((double)cd[k] - (double)c * p) <= 6 * sd))
      fprintf(stderr, "tail: %zu of %zu beyond r + %g, expected %.1f\n",
              cd[k], c, d[k], (double)c * p);
    CHECK(fabs((double)cd[k] - (double)c * p) <= 6 * sd);
  }
}


int main (void) {
  gsl_set_error_handler_off();
  test_generator();
  test_gsl_wrapping();
  test_kernels();
  test_ziggurat_table();
  test_ziggurat_tail();
  test_default_seed();
  return CTEST_DONE();
}
