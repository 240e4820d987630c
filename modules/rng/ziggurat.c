/*
** The 256-layer normal ziggurat (see ziggurat.h for the method and its
** sources). Written from Marsaglia and Tsang (2000) and Marsaglia (1964);
** the tables come from the recurrence, computed here.
*/
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "ointr.h"
#include "rng/draws.h"
#include "rng/ziggurat.h"

/* bisection steps for r: [3, 4] halves to adjacent doubles in about 52,
   the loop stops there; the cap only guards against a broken comparison */
#define ZIG_BISECT_MAX  200

#define N      ORNG_ZIG_LAYERS
#define BLOCK  65536     /* draws between interrupt polls */

#define SQRT_PI_2  1.2533141373155002512   /* sqrt(pi / 2) */
#define SQRT1_2    0.70710678118654752440  /* 1 / sqrt(2) */

#if defined(__GNUC__)
#define LIKELY(c)  __builtin_expect(!!(c), 1)
#else
#define LIKELY(c)  (c)
#endif


/* ---------------------------------------------------------------------- */
/* the tables                                                              */
/* ---------------------------------------------------------------------- */

/*
** Runs the recurrence from x[1] = r with the area v of r and returns the
** closing error x[255] (1 - f(x[255])) - v: negative when r is too small
** (-HUGE_VAL if the layers reach the top early), positive when too large.
** x[i+1]^2 = x[i]^2 - 2 log1p(v / (x[i] f(x[i]))), the logarithm of
** f(x[i]) + v/x[i] without the cancellation of 1 - t near the top.
*/
static double layers (double r, double *x, double *vp) {
  double v = r * exp(-0.5 * r * r) + SQRT_PI_2 * erfc(r * SQRT1_2);
  double x2 = r * r;
  int i;
  x[1] = r;
  for (i = 1; i < N - 1; i++) {
    x2 -= 2 * log1p(v / (x[i] * exp(-0.5 * x[i] * x[i])));
    if (!(x2 > 0)) return -HUGE_VAL;
    x[i + 1] = sqrt(x2);
  }
  *vp = v;
  return x[N - 1] * -expm1(-0.5 * x[N - 1] * x[N - 1]) - v;
}


int orng_zig_build (orng_zig *z) {
  double lo = 3.0, hi = 4.0, v;
  int i, it;
  if (!(layers(lo, z->x, &v) < 0 && layers(hi, z->x, &v) > 0)) return ORNG_EBRACKET;
  /* bisection to the last bit: the endpoint with the smaller error wins */
  for (it = 0; it < ZIG_BISECT_MAX; it++) {
    double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (layers(mid, z->x, &v) < 0) lo = mid; else hi = mid;
  }
  /* layers(lo) < 0 <= layers(hi): keep the endpoint that closes better */
  z->r = -layers(lo, z->x, &v) < layers(hi, z->x, &v) ? lo : hi;
  layers(z->r, z->x, &z->v);
  v = z->v;
  z->x[0] = v / exp(-0.5 * z->r * z->r);
  z->x[N] = 0;
  for (i = 0; i <= N; i++) z->f[i] = exp(-0.5 * z->x[i] * z->x[i]);
  for (i = 0; i < N; i++) {
    z->w[i] = ldexp(z->x[i], -53);
    /* floor: every fast-path abscissa is below x[i+1] */
    z->k[i] = (uint64_t)ldexp(z->x[i + 1] / z->x[i], 53);
  }
  return ORNG_OK;
}


static orng_zig tables;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void build_once (void) {
  (void)orng_zig_build(&tables);
}


const orng_zig *orng_zig_tables (void) {
  pthread_once(&tables_once, build_once);
  return &tables;
}


/* ---------------------------------------------------------------------- */
/* sampling                                                                */
/* ---------------------------------------------------------------------- */

static inline uint64_t rotl (uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

/* xoshiro256++ on a local copy of the state, so the four words stay in
   registers through the loop */
#define next orng_step

/* a uniform on (0, 1]: its logarithm is finite */
static inline double open0 (uint64_t *s) {
  return (double)(int64_t)((next(s) >> 11) + 1) * 0x1.0p-53;
}


/* +-ax by bit 8 of b, without a branch (the sign is a coin flip, which a
   branch predictor would miss half the time) */
static inline double withsign (double ax, uint64_t b) {
  uint64_t u;
  memcpy(&u, &ax, sizeof u);
  u |= (b & 0x100) << 55;
  memcpy(&ax, &u, sizeof u);
  return ax;
}


/* The slow path of one draw: the wedge of layer i, or the tail (i = 0).
   Returns 1 with *out set on acceptance, 0 to start again. */
static int slow (uint64_t *s, const orng_zig *z, unsigned i, double ax,
                 uint64_t b, double *out, size_t *count) {
  if (i == 0) {  /* ax >= r: the tail beyond r, Marsaglia (1964) */
    double a, c;
    do {
      a = -log(open0(s)) / z->r;
      c = -log(open0(s));
    } while (c + c < a * a);
    if (count) count[1]++;
    *out = withsign(z->r + a, b);
    return 1;
  }
  else {  /* the wedge: y uniform over the layer's heights */
    double u = (double)(int64_t)(next(s) >> 11) * 0x1.0p-53;
    double y = z->f[i] + u * (z->f[i + 1] - z->f[i]);
    if (count) count[0]++;
    if (y < exp(-0.5 * ax * ax)) {
      *out = withsign(ax, b);
      return 1;
    }
    if (count) count[2]++;
    return 0;
  }
}


/* The fast path: b, its layer i, j and the abscissa ax; LIKELY(FAST) */
#define FAST(b, i, j, ax) \
  (i = (unsigned)(b & 0xff), j = b >> 11, \
   ax = (double)(int64_t)j * z->w[i], j < z->k[i])


/* One whole draw on the state s[0..3]. */
static double draw (uint64_t *s, const orng_zig *z, size_t *count) {
  for (;;) {
    uint64_t b = next(s), j;
    unsigned i;
    double ax, out;
    if (LIKELY(FAST(b, i, j, ax))) return withsign(ax, b);
    if (slow(s, z, i, ax, b, &out, count)) return out;
  }
}


/* A draw that missed the fast path, finished out of line so that the bulk
   loop below keeps the state in registers. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static double finish (uint64_t *s, const orng_zig *z, unsigned i, double ax,
                      uint64_t b, size_t *count) {
  double out;
  if (slow(s, z, i, ax, b, &out, count)) return out;
  return draw(s, z, count);
}


int orng_zig_fill (orng_state *st, double mean, double sd, double *x,
                   size_t n, size_t *count) {
  const orng_zig *z = orng_zig_tables();
  uint64_t s0 = st->s[0], s1 = st->s[1], s2 = st->s[2], s3 = st->s[3];
  size_t k, e;
  int std = (mean == 0.0 && sd == 1.0);
  for (k = 0; k < n; k = e) {
    e = n - k > BLOCK ? k + BLOCK : n;
    if (ORR_INTERRUPTED()) break;
    for (; k < e; k++) {
      /* xoshiro256++ inline on four scalars (as next()) */
      uint64_t b = rotl(s0 + s3, 23) + s0, t = s1 << 17, j;
      unsigned i;
      double ax, zz;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45);
      if (LIKELY(FAST(b, i, j, ax))) zz = withsign(ax, b);
      else {
        uint64_t s[4];
        s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
        zz = finish(s, z, i, ax, b, count);
        s0 = s[0]; s1 = s[1]; s2 = s[2]; s3 = s[3];
      }
      x[k] = std ? zz : mean + sd * zz;
    }
  }
  st->s[0] = s0; st->s[1] = s1; st->s[2] = s2; st->s[3] = s3;
  return k < n ? ORNG_EINTR : ORNG_OK;
}


double orng_zig_normal (orng_state *st) {
  return draw(st->s, orng_zig_tables(), NULL);
}
