/*
** Standard normal draws by a 256-layer ziggurat (Marsaglia and Tsang,
** "The ziggurat method for generating random variables", Journal of
** Statistical Software 5(8), 2000), drawing straight from xoshiro256++
** (xoshiro.h): one 64-bit output per draw on the fast path.
**
** The density is cut into 256 pieces of equal area v under
** f(x) = exp(-x^2/2), x >= 0: a base strip (the rectangle [0, r] x
** [0, f(r)] plus the tail x > r) and 255 horizontal layers. With
** x[1] = r, layer i (1 <= i <= 255) spans heights f(x[i]) .. f(x[i+1]) and
** widths 0 .. x[i], so x[i] (f(x[i+1]) - f(x[i])) = v and
**     x[i+1] = f^-1(f(x[i]) + v / x[i]),      x[256] = 0 (f = 1).
** The base strip is stretched into a rectangle of width x[0] = v / f(r).
** r is the root of "the recurrence, started at r with
** v(r) = r f(r) + int_r^inf f, closes exactly at the top":
** x[255] (1 - f(x[255])) = v; orng_zig_build finds it by bisection. Nothing
** is copied from published tables.
**
** One draw: b = a 64-bit output; layer i = the low 8 bits, sign = bit 8,
** j = the top 53 bits, x = j 2^-53 x[i] (uniform on [0, x[i])).
**   - j < k[i] (= floor(2^53 x[i+1] / x[i])): x lies under every height
**     of the layer: accept (98.5% of attempts).
**   - i = 0 and x >= r: a tail draw by Marsaglia's method (Ann. Math.
**     Statist. 35, 1964): a = -log(U1) / r, c = -log(U2) until 2c > a^2,
**     then r + a; exact.
**   - otherwise (a wedge): y uniform on [f(x[i]), f(x[i+1])); accept x
**     if y < exp(-x^2/2), else start again with a new output.
** Either way the result is exactly N(0, 1) up to the 53-bit resolution of
** the uniforms; the sign bit makes it symmetric. Statistical checks:
** tests/rng/test_rng_normal.lua (moments, KS, chi-square, tails, branch
** counts, draws against the independent tests/ref/rng/make_ziggurat.py)
** and tests/c/test_rng.c (the table: equal areas, closure to 1e-12; the
** tail on 5e7 draws).
**
** Speed: the bulk loop keeps the four state words in registers (the slow
** path is out of line) and applies the sign without a branch: about
** 2.7 ns a draw, against ~5.9 ns with a sign branch and the state in
** memory.
*/
#ifndef ziggurat_h
#define ziggurat_h

#include <stddef.h>
#include <stdint.h>

#include "rng/xoshiro.h"

#define ORNG_ZIG_LAYERS  256

typedef struct orng_zig {
  double r;                           /* x[1]: where the tail starts */
  double v;                           /* the common area of the pieces */
  double x[ORNG_ZIG_LAYERS + 1];      /* x[0] = v/f(r) > x[1] = r > ... > x[256] = 0 */
  double f[ORNG_ZIG_LAYERS + 1];      /* exp(-x[i]^2 / 2); f[256] = 1 */
  double w[ORNG_ZIG_LAYERS];          /* x[i] 2^-53: j * w[i] is the abscissa */
  uint64_t k[ORNG_ZIG_LAYERS];        /* fast-path bound on j */
} orng_zig;

/*
** Fills *z from scratch (deterministic: the same bits on every call).
** Returns ORNG_OK, or ORNG_EBRACKET if the bisection failed to bracket
** (never, in IEEE double arithmetic). Exposed for the unit test.
*/
int orng_zig_build (orng_zig *z);

/*
** The tables, built on the first call under pthread_once: safe from any
** thread, read-only afterwards. luaopen_orrery_rng calls it, so in practice
** they exist before any draw.
*/
const orng_zig *orng_zig_tables (void);

/*
** x[0..n-1] <- mean + sd * Z, Z standard normal, from the stream *st
** (advanced in place). Polls the interrupt flag every 65536 draws: returns
** -1 when raised (x then incomplete), else 0. If 'count' is not NULL,
** count[0..2] get the number of wedge tests, tail draws and rejections
** (for the tests; NULL costs nothing on the fast path).
*/
int orng_zig_fill (orng_state *st, double mean, double sd, double *x,
                   size_t n, size_t *count);

/* One standard normal draw (the same numbers as orng_zig_fill). */
double orng_zig_normal (orng_state *st);

#endif
