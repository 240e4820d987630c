/*
** Element-wise formula expressions over whole columns (see vexpr.h).
*/
#include <float.h>
#include <math.h>
#include <string.h>

#include "ointr.h"
#include "formula/vexpr.h"
#include "stats/dist.h"


static int arity (int op) {
  if (op == OFX_COL || op == OFX_CONST) return 0;
  if (op >= OFX_NEG && op <= OFX_IN) return 1;
  if (op >= OFX_ADD && op < OFX_NOPS) return 2;
  return -1;
}


size_t ofx_depth (const ofxop *p, size_t np, size_t ncols, size_t nk) {
  size_t i, sp = 0, mx = 0;
  for (i = 0; i < np; i++) {
    int a = arity(p[i].op);
    if (a < 0) return 0;
    if (a == 0) {
      if (p[i].a >= (p[i].op == OFX_COL ? ncols : nk)) return 0;
      if (++sp > mx) mx = sp;
    }
    else {
      if (sp < (size_t)a) return 0;
      if (p[i].op == OFX_IN && (p[i].a > nk || p[i].b > nk - p[i].a)) return 0;
      sp -= (size_t)a - 1;
    }
  }
  return sp == 1 ? mx : 0;
}


/* sign(x) as R: -1, 0 or 1; zeros and NaN stay */
static double sign1 (double x) {
  return x > 0 ? 1 : x < 0 ? -1 : x;
}

/* x^y as R's arithmetic: x^2 is x * x (pow may differ in the last bit) */
static double pow1 (double x, double y) {
  return y == 2 ? x * x : pow(x, y);
}

/* log(x, base) as R: base 10 and 2 through log10 and log2 */
static double logb1 (double x, double b) {
  if (b == 10) return log10(x);
  if (b == 2) return log2(x);
  return log(x) / log(b);
}

#define CMP(e)  ((isnan(x) || isnan(y)) ? x + y : (double)(e))


/* One unary operation: a (m values) into d. */
static void unary (const ofxop *o, const double *k, const double *a,
                   double *d, size_t m) {
  size_t j;
#define MAP1(e)  for (j = 0; j < m; j++) { double x = a[j]; d[j] = (e); } break
  switch (o->op) {
    case OFX_NEG: MAP1(-x);
    case OFX_NOT: MAP1(isnan(x) ? x : (double)(x == 0));
    case OFX_LOG: MAP1(log(x));
    case OFX_LOG2: MAP1(log2(x));
    case OFX_LOG10: MAP1(log10(x));
    case OFX_LOG1P: MAP1(log1p(x));
    case OFX_EXP: MAP1(exp(x));
    case OFX_EXPM1: MAP1(expm1(x));
    case OFX_SQRT: MAP1(sqrt(x));
    case OFX_ABS: MAP1(fabs(x));
    case OFX_SIGN: MAP1(sign1(x));
    case OFX_SIN: MAP1(sin(x));
    case OFX_COS: MAP1(cos(x));
    case OFX_TAN: MAP1(tan(x));
    case OFX_ASIN: MAP1(asin(x));
    case OFX_ACOS: MAP1(acos(x));
    case OFX_ATAN: MAP1(atan(x));
    case OFX_SINH: MAP1(sinh(x));
    case OFX_COSH: MAP1(cosh(x));
    case OFX_TANH: MAP1(tanh(x));
    case OFX_FLOOR: MAP1(floor(x));
    case OFX_CEIL: MAP1(ceil(x));
    case OFX_TRUNC: MAP1(trunc(x));
    case OFX_IN: {  /* as R's match(): NaN matches nothing here */
      const double *set = k + o->a;
      size_t nset = o->b, t;
      for (j = 0; j < m; j++) {
        double x = a[j], r = 0;
        for (t = 0; t < nset; t++) if (set[t] == x) { r = 1; break; }
        d[j] = r;
      }
      break;
    }
    default: break;
  }
#undef MAP1
}


/* One binary operation: a and b (m values each; a stride of 0 repeats a
   number) into d. */
static void binary (int op, const double *a, size_t ia, const double *b,
                    size_t ib, double *d, size_t m) {
  size_t j;
#define MAP2(e)  for (j = 0; j < m; j++) { \
    double x = a[j * ia], y = b[j * ib]; d[j] = (e); } break
  switch (op) {
    case OFX_ADD: MAP2(x + y);
    case OFX_SUB: MAP2(x - y);
    case OFX_MUL: MAP2(x * y);
    case OFX_DIV: MAP2(x / y);
    case OFX_POW: MAP2(pow1(x, y));
    case OFX_EQ: MAP2(CMP(x == y));
    case OFX_NE: MAP2(CMP(x != y));
    case OFX_LT: MAP2(CMP(x < y));
    case OFX_GT: MAP2(CMP(x > y));
    case OFX_LE: MAP2(CMP(x <= y));
    case OFX_GE: MAP2(CMP(x >= y));
    case OFX_LOGB: MAP2(logb1(x, y));
    case OFX_ROUND: MAP2(dist_round(x, y));
    case OFX_PMIN: MAP2((isnan(x) || isnan(y)) ? x + y : (y < x ? y : x));
    case OFX_PMAX: MAP2((isnan(x) || isnan(y)) ? x + y : (y > x ? y : x));
    default: break;
  }
#undef MAP2
}


/* Runs the program over rows [b0, b0 + m) (m = 0: numbers only). */
static void runblock (const ofxop *p, size_t np, const double *const *cols,
                      const double *k, size_t b0, size_t m, double *out,
                      double *work, ofxslot *st) {
  size_t i, sp = 0;
  for (i = 0; i < np; i++) {
    const ofxop *o = p + i;
    int a = arity(o->op);
    if (a == 0) {
      ofxslot *s = st + sp++;
      if (o->op == OFX_COL) s->v = cols[o->a] + b0;
      else { s->v = NULL; s->s = k[o->a]; }
    }
    else {
      ofxslot *x = st + sp - a, *y = st + sp - 1;
      size_t pos = sp - (size_t)a;   /* where the result goes */
      double *dst = pos > 0 ? work + (pos - 1) * OFX_BLOCK : out ? out + b0 : NULL;
      if (a == 1) {
        if (x->v == NULL) unary(o, k, &x->s, &x->s, 1);
        else { unary(o, k, x->v, dst, m); x->v = dst; }
      }
      else {
        if (x->v == NULL && y->v == NULL)
          binary(o->op, &x->s, 0, &y->s, 0, &x->s, 1);
        else {
          binary(o->op, x->v ? x->v : &x->s, x->v ? 1 : 0,
                 y->v ? y->v : &y->s, y->v ? 1 : 0, dst, m);
          x->v = dst;
        }
      }
      sp = pos + 1;
    }
  }
  /* a program that only loads a column leaves it where it was */
  if (m > 0 && st[0].v != NULL && st[0].v != out + b0)
    memcpy(out + b0, st[0].v, m * sizeof(double));
}


int ofx_eval (const ofxop *p, size_t np, size_t depth,
              const double *const *cols, const double *k, size_t n,
              double *out, double *scalar, double *work, ofxslot *slots) {
  size_t i, b0, nb = 0;
  int hascol = 0;
  (void)depth;
  for (i = 0; i < np; i++) if (p[i].op == OFX_COL) hascol = 1;
  if (!hascol) {
    runblock(p, np, cols, k, 0, 0, out, work, slots);
    *scalar = slots[0].s;
    return 1;
  }
  for (b0 = 0; b0 < n; b0 += OFX_BLOCK) {
    size_t m = n - b0 < OFX_BLOCK ? n - b0 : OFX_BLOCK;
    if ((++nb & 255) == 0 && ORR_INTERRUPTED()) return -1;
    runblock(p, np, cols, k, b0, m, out, work, slots);
  }
  return 0;
}
