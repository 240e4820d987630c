/*
** xoshiro256++ as a GSL generator type (see xoshiro.h for the why).
** Written from the description in Blackman and Vigna (2021), section 4:
** output rotl(s0 + s3, 23) + s0; linear engine with shifts 17 and
** rotation 45.
*/
#include "rng/xoshiro.h"


uint64_t orng_next (orng_state *st) {
  return orng_step(st->s);
}


/* SplitMix64's finaliser: a bijection of 64-bit words with full avalanche */
static uint64_t mix64 (uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}


uint64_t orng_splitmix64 (uint64_t *x) {
  *x += UINT64_C(0x9e3779b97f4a7c15);  /* the golden-ratio increment */
  return mix64(*x);
}


/* An all-zero state is the one fixed point of the linear engine. */
static void nonzero (orng_state *st) {
  if ((st->s[0] | st->s[1] | st->s[2] | st->s[3]) == 0)
    st->s[0] = UINT64_C(0x9e3779b97f4a7c15);
}


void orng_seed (orng_state *st, uint64_t seed) {
  int i;
  for (i = 0; i < 4; i++) st->s[i] = orng_splitmix64(&seed);
  nonzero(st);
}


void orng_child (orng_state *parent, orng_state *child) {
  int i;
  /* a distinct additive constant per word, so that equal parent outputs
     (possible in principle) still give distinct child words */
  for (i = 0; i < 4; i++)
    child->s[i] = mix64(orng_next(parent) +
                        (uint64_t)(i + 1) * UINT64_C(0x9e3779b97f4a7c15));
  nonzero(child);
}


/* ---- the GSL type ---- */

static void x_set (void *state, unsigned long seed) {
  orng_seed((orng_state *)state, (uint64_t)seed);
}


static unsigned long x_get (void *state) {
  return (unsigned long)(orng_next((orng_state *)state) >> 32);
}


static double x_get_double (void *state) {
  return (double)(orng_next((orng_state *)state) >> 11) * 0x1.0p-53;
}


static const gsl_rng_type xoshiro_type = {
  "xoshiro256++",
  0xffffffffUL,          /* max */
  0,                     /* min */
  sizeof(orng_state),
  x_set, x_get, x_get_double
};

const gsl_rng_type *orng_xoshiro256pp = &xoshiro_type;
