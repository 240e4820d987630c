/*
** The element-wise functions of model formulas (log(abs(x3) + 1), I(x^2),
** g == "a", round(x, 2), pmin(x, 3), x %in% c(1, 2), ...) evaluated over
** whole columns. The Lua half compiles an expression tree once into a
** postfix program (an array of ofxop); ofx_eval runs it over blocks of
** OFX_BLOCK rows, each stack slot holding either one number (a constant, or
** an operation on constants) or a block of values. No per-row dispatch: each
** operation is one loop over a block.
**
** Missing values: NaN in, NaN out, as R's NA (comparisons of NaN are NaN;
** %in% never is, as R's match()). Results follow R's arithmetic: x^2 is
** x * x, sqrt and log of negatives are NaN, log(x, 10) is log10.
*/
#ifndef vexpr_h
#define vexpr_h

#include <stddef.h>

#define OFX_BLOCK 512   /* rows per block: a stack slot is 4 KB */

enum {
  /* leaves: push column a, push constant a */
  OFX_COL = 1, OFX_CONST,
  /* unary: replace the top */
  OFX_NEG, OFX_NOT, OFX_LOG, OFX_LOG2, OFX_LOG10, OFX_LOG1P, OFX_EXP,
  OFX_EXPM1, OFX_SQRT, OFX_ABS, OFX_SIGN, OFX_SIN, OFX_COS, OFX_TAN, OFX_ASIN,
  OFX_ACOS, OFX_ATAN, OFX_SINH, OFX_COSH, OFX_TANH, OFX_FLOOR, OFX_CEIL,
  OFX_TRUNC,
  OFX_IN,      /* 1 if the top is one of constants a .. a+b-1, else 0 */
  /* binary: replace the two top slots (left below right) */
  OFX_ADD, OFX_SUB, OFX_MUL, OFX_DIV, OFX_POW, OFX_EQ, OFX_NE, OFX_LT,
  OFX_GT, OFX_LE, OFX_GE, OFX_LOGB, OFX_ROUND, OFX_PMIN, OFX_PMAX,
  OFX_NOPS
};

typedef struct ofxop {
  int op;
  size_t a, b;     /* OFX_COL: column a; OFX_CONST: constant a; OFX_IN: a, b */
} ofxop;

/* A stack slot: a block of values, or the number s when v is NULL. */
typedef struct ofxslot { const double *v; double s; } ofxslot;

/*
** Checks a program of np operations on ncols columns and nk constants:
** every operand exists, every index is in range, one value remains. Returns
** the deepest stack it needs (>= 1), or 0 when the program is malformed.
*/
size_t ofx_depth (const ofxop *p, size_t np, size_t ncols, size_t nk);

/*
** Runs a program checked by ofx_depth (which gave depth) over rows 0..n-1
** of the columns cols[] (each of n values; none may alias out). When the
** program reads a column it writes out[0..n-1] and returns 0; when it reads
** none its value is a number, stored in *scalar (out untouched), and it
** returns 1. Returns -1 when interrupted (ORR_INTERRUPTED).
** Work: (depth - 1) * OFX_BLOCK doubles, and depth slots.
*/
int ofx_eval (const ofxop *p, size_t np, size_t depth,
              const double *const *cols, const double *k, size_t n,
              double *out, double *scalar, double *work, ofxslot *slots);


#endif
