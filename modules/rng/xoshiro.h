/*
** xoshiro256++ (Blackman and Vigna, "Scrambled linear pseudorandom number
** generators", ACM TOMS 47, 2021) packaged as a GSL generator type, so that
** every gsl_ran_* sampler can draw from it.
**
** Why not one of GSL's own: GSL has no 64-bit generator of this speed.
** mt19937 is 30-50% slower through gsl_ran_gaussian_ziggurat and fails
** the linear-complexity tests of BigCrush; taus2 is fast but has only
** 2^88 states. xoshiro256++ has 2^256 - 1 states, passes BigCrush and
** PractRand (to the 32 TB the authors ran), has no weak low bits (unlike
** xoshiro256+), and costs a few shifts, xors and adds per 64-bit output.
*/
#ifndef xoshiro_h
#define xoshiro_h

#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef struct orng_state { uint64_t s[4]; } orng_state;

/*
** The GSL type: get() returns the upper 32 bits of each output (GSL's
** samplers assume at most 32 bits: e.g. the ziggurat takes 8 + 24 of them),
** get_double() uses 53 bits of one output: k * 2^-53, k in [0, 2^53).
** set() seeds through orng_seed.
*/
extern const gsl_rng_type *orng_xoshiro256pp;

/* One step of SplitMix64 (Steele, Lea, Flood 2014): advances *x, returns a
   well-mixed 64-bit value. Used to expand seeds into states. */
uint64_t orng_splitmix64 (uint64_t *x);

/* Seeds the state from a 64-bit integer: four SplitMix64 outputs, as the
   authors of xoshiro recommend (never all zero). */
void orng_seed (orng_state *st, uint64_t seed);

/*
** One xoshiro256++ step on the four state words s[0..3]. Inline so that a
** bulk loop can keep a local copy of the state in registers (ziggurat.c).
*/
static inline uint64_t orng_step (uint64_t *s) {
  uint64_t out = ((s[0] + s[3]) << 23 | (s[0] + s[3]) >> 41) + s[0];
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = s[3] << 45 | s[3] >> 19;
  return out;
}

/* The next 64-bit output. */
uint64_t orng_next (orng_state *st);

/*
** A child state drawn from the parent: four parent outputs, each passed
** through SplitMix64's mixer, become the child's state (the parent advances
** by four steps). The child starts at a pseudo-random point of the 2^256 - 1
** cycle, so m streams of length L overlap with probability below
** m^2 L / 2^256 (2^20 children of 2^64 draws each: < 2^-150). Splitting
** the same parent state twice gives the same child: reproducible.
*/
void orng_child (orng_state *parent, orng_state *child);

#endif
