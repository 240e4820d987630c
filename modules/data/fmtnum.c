/*
** csv_fmtnum: the shortest decimal that reads back to the same double, laid
** out as Python's repr lays it out (without repr's ".0" on integers).
**
** The digits come from Schubfach (R. Giulietti, "The Schubfach way to render
** doubles", 2021). For v = c 2^q, every double's rounding interval R is
** [v - 2^q/2, v + 2^q/2] (a quarter below when c is the smallest significand
** of its binade), closed when c is even. With k = floor(log10 2^q) the
** interval is narrower than 10^(k+1), so it holds at most one multiple of
** 10^(k+1) and at least one of 10^k. Hence, with s = floor(v / 10^k):
**   - if exactly one of the multiples of 10^(k+1) around v, 10 floor(s/10)
**     and that plus 10, lies in R, it is the shortest result (its trailing
**     zeros dropped);
**   - otherwise the result has the digits of s, and it is whichever of s
**     and s + 1 lies in R, or the nearer to v when both do (ties to even).
** v / 10^k is computed as g c 2^(q+h) / 2^127 with g, a 126-bit upper
** approximation of 10^-k (pow10.h, written by mkpow10.py), rounded to odd:
** the paper proves this keeps every comparison above exact. Unlike Java's
** Double.toString we drop the two-digit rule for the smallest subnormals
** (5e-324, not 4.9e-324), so the result is the shortest, as Python's repr.
** No statics but const tables: safe on any thread.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "data/csv.h"
#include "data/pow10.h"

#define C_MIN   ((uint64_t)1 << 52)     /* smallest normal significand */
#define Q_MIN   (-1074)                 /* exponent of the subnormals */
#define MASK63  (((uint64_t)1 << 63) - 1)

/* floor(q log10 2), floor(log10(3/4 2^q)), floor(e log2 10): exact for the
   exponents of doubles (checked over -1200..1100 in mkpow10.py's terms) */
static int flog10pow2 (int q) {
  return (int)(((int64_t)q * 661971961083LL) >> 41);
}
static int flog10threequarterspow2 (int q) {
  return (int)(((int64_t)q * 661971961083LL - 274743187321LL) >> 41);
}
static int flog2pow10 (int e) {
  return (int)(((int64_t)e * 913124641741LL) >> 38);
}

/* the high 64 bits of a 64 x 64-bit product */
static uint64_t mulhi (uint64_t a, uint64_t b) {
#ifdef __SIZEOF_INT128__
  return (uint64_t)(((unsigned __int128)a * b) >> 64);
#else
  uint64_t al = a & 0xFFFFFFFFu, ah = a >> 32, bl = b & 0xFFFFFFFFu, bh = b >> 32;
  uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
  return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

/* g cp / 2^127 rounded to odd, g = g1 2^63 + g0 */
static uint64_t rop (uint64_t g1, uint64_t g0, uint64_t cp) {
  uint64_t x1 = mulhi(g0, cp);
  uint64_t y0 = g1 * cp, y1 = mulhi(g1, cp);
  uint64_t z = (y0 >> 1) + x1;
  uint64_t vbp = y1 + (z >> 63);
  return vbp | (((z & MASK63) + MASK63) >> 63);
}

/* the shortest f 10^e in the rounding interval of c 2^q (see above) */
static uint64_t todecimal (int q, uint64_t c, int *e10) {
  uint64_t out = c & 1, cb = c << 2, cbr = cb + 2, cbl;
  uint64_t vb, vbl, vbr, s, t, sp10, tp10;
  const uint64_t *g;
  int k, h, uin, win;
  if (c != C_MIN || q == Q_MIN) { cbl = cb - 2; k = flog10pow2(q); }
  else { cbl = cb - 1; k = flog10threequarterspow2(q); }
  h = q + flog2pow10(-k) + 2;   /* 1..5: cb << h stays below 2^61 */
  g = pow10g[k - POW10_KMIN];
  vb = rop(g[0], g[1], cb << h);
  vbl = rop(g[0], g[1], cbl << h);
  vbr = rop(g[0], g[1], cbr << h);
  s = vb >> 2;
  *e10 = k;
  sp10 = 10 * (s / 10);
  tp10 = sp10 + 10;
  uin = vbl + out <= sp10 << 2;          /* one digit fewer: */
  win = (tp10 << 2) + out <= vbr;
  if (uin != win) return uin ? sp10 : tp10;
  t = s + 1;
  uin = vbl + out <= s << 2;
  win = (t << 2) + out <= vbr;
  if (uin != win) return uin ? s : t;
  if (vb < (s + t) << 1) return s;       /* both in: the nearer, ties even */
  if (vb > (s + t) << 1) return t;
  return (s & 1) ? t : s;
}

static const char pairs[] =
  "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
  "8081828384858687888990919293949596979899";

/* writes the 4 digits of x < 10000 at p */
static void put4 (char *p, unsigned x) {
  memcpy(p, pairs + 2 * (x / 100), 2);
  memcpy(p + 2, pairs + 2 * (x % 100), 2);
}

/* writes the 8 digits of x < 10^8 at p: two independent halves */
static void put8 (char *p, uint32_t x) {
  put4(p, x / 10000);
  put4(p + 4, x % 10000);
}

static const uint64_t pow10u[] = {
  1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
  100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
  1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
  1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
  1000000000000000000ULL
};

/*
** The digits of f (0 < f < 10^18), in d[0..n-1] with n returned and their
** trailing zeros dropped (*e counts them). Always 18 digits are written, in
** three independent blocks, and the leading zeros skipped by the digit count
** (floor(log10 f) from the bit length, corrected by one comparison), so
** that no branch depends on the number of digits.
*/
static const char *todigits (uint64_t f, char *buf, int *n, int *e) {
  int bits = 64 - __builtin_clzll(f), t = (bits * 1233) >> 12, len;
  uint64_t hi = f / 100000000;
  const char *d;
  len = t + (f >= pow10u[t]);                 /* digits of f: 1..18 */
  memcpy(buf, pairs + 2 * (hi / 100000000), 2);
  put8(buf + 2, (uint32_t)(hi % 100000000));
  put8(buf + 10, (uint32_t)(f % 100000000));
  d = buf + 18 - len;
  while (d[len - 1] == '0') { len--; (*e)++; }
  *n = len;
  return d;
}

/*
** Every copy below has a constant size (16 or 24 bytes), which the compiler
** turns into a few vector moves instead of calls: the digits' buffer is
** long enough to read past them, and CSV_NUMLEN leaves room to write past
** the end, which the next field overwrites.
*/
char *csv_fmtdouble (char *p, double v) {
  uint64_t bits, frac, f;
  int bq, e = 0, n, E;
  char buf[48];
  const char *d;
  memcpy(&bits, &v, sizeof bits);
  if (bits >> 63) *p++ = '-';
  bits &= ~((uint64_t)1 << 63);
  bq = (int)(bits >> 52);
  frac = bits & (C_MIN - 1);
  if (bq == 0x7FF) {  /* NaN is the caller's business */
    memcpy(p, "Inf", 3);
    return p + 3;
  }
  if (bits == 0) { *p++ = '0'; return p; }
  if (bq != 0) {
    int mq = 1075 - bq;                  /* v = c 2^-mq */
    uint64_t c = C_MIN | frac;
    if (mq > 0 && mq < 53 && ((c >> mq) << mq) == c) f = c >> mq;
    else f = todecimal(-mq, c, &e);      /* not an integer below 2^53 */
  }
  else f = todecimal(Q_MIN, frac, &e);
  memset(buf + 18, '0', 30);             /* read past the digits below */
  d = todigits(f, buf, &n, &e);
  E = e + n - 1;                         /* v = d.ddd 10^E */
  if (E < -4 || E >= 16) {               /* as repr: 1e-05, 1.5e+16 */
    int a = E < 0 ? -E : E;
    p[0] = d[0]; p[1] = '.';
    memcpy(p + 2, d + 1, 16);
    p += n > 1 ? n + 1 : 1;
    p[0] = 'e'; p[1] = E < 0 ? '-' : '+';
    p += 2;
    if (a >= 100) { *p++ = (char)('0' + a / 100); a %= 100; }
    memcpy(p, pairs + 2 * a, 2);
    return p + 2;
  }
  if (e >= 0) {                          /* an integer: n + e <= 16 */
    memcpy(p, d, 16);
    memset(p + n, '0', 16);
    return p + n + e;
  }
  if (E >= 0) {                          /* 123.45 */
    memcpy(p, d, 16);
    p[E + 1] = '.';
    memcpy(p + E + 2, d + E + 1, 16);
    return p + n + 1;
  }
  p[0] = '0'; p[1] = '.';                /* 0.00123: -E - 1 <= 3 zeros */
  memset(p + 2, '0', 4);
  memcpy(p + 1 - E, d, 24);
  return p + 1 - E + n;
}


int csv_fmtnum (char *buf, size_t sz, double v) {
  char tmp[CSV_NUMLEN];
  size_t n = (size_t)(csv_fmtdouble(tmp, v) - tmp);
  if (sz == 0) return (int)n;
  memcpy(buf, tmp, n < sz ? n : sz - 1);
  buf[n < sz ? n : sz - 1] = '\0';
  return (int)n;
}
