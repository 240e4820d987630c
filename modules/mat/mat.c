/*
** Matrix kernels on BLAS: products, element-wise functions, reductions.
** Dimensions fit LAPACK's int (the binding checks); leading dimensions are
** at least 1 even for empty matrices, as BLAS requires.
*/
#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "mat/mat.h"

#define LD(n)  ((int)((n) > 0 ? (n) : 1))
#define TILE   32   /* a 32 x 32 tile of doubles is 8 KiB: two fit in L1 */


void mat_mul (const double *A, const double *B, double *C,
              size_t m, size_t k, size_t n) {
  if (m == 0 || n == 0) return;
  if (k == 0) {  /* an empty inner dimension gives zeros, as in R */
    memset(C, 0, m * n * sizeof(double));
    return;
  }
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n,
              (int)k, 1.0, A, LD(m), B, LD(k), 0.0, C, LD(m));
}


void mat_symfill (double *C, size_t n) {
  size_t ib, jb, i, j;
  for (jb = 0; jb < n; jb += TILE) {
    size_t je = jb + TILE < n ? jb + TILE : n;
    for (ib = jb; ib < n; ib += TILE) {
      size_t ie = ib + TILE < n ? ib + TILE : n;
      for (j = jb; j < je; j++)
        for (i = (ib > j + 1 ? ib : j + 1); i < ie; i++)
          C[i + j * n] = C[j + i * n];
    }
  }
}


void mat_transpose (const double *A, size_t r, size_t c, double *B) {
  size_t ib, jb, i, j;
  for (jb = 0; jb < c; jb += TILE) {
    size_t je = jb + TILE < c ? jb + TILE : c;
    for (ib = 0; ib < r; ib += TILE) {
      size_t ie = ib + TILE < r ? ib + TILE : r;
      for (i = ib; i < ie; i++)
        for (j = jb; j < je; j++)
          B[j + i * c] = A[i + j * r];
    }
  }
}


/* dsyrk fills one triangle only; the other is copied so that the result
   is an ordinary (exactly symmetric) matrix. */
void mat_crossprod (const double *A, size_t n, size_t p, double *C) {
  if (p == 0) return;
  if (n == 0) { memset(C, 0, p * p * sizeof(double)); return; }
  cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)p, (int)n, 1.0,
              A, LD(n), 0.0, C, LD(p));
  mat_symfill(C, p);
}


void mat_tcrossprod (const double *A, size_t n, size_t p, double *C) {
  if (n == 0) return;
  if (p == 0) { memset(C, 0, n * n * sizeof(double)); return; }
  cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)n, (int)p, 1.0,
              A, LD(n), 0.0, C, LD(n));
  mat_symfill(C, n);
}


void mat_tcrossprod2 (const double *A, const double *B, double *C,
                      size_t n, size_t p, size_t m) {
  if (n == 0 || m == 0) return;
  if (p == 0) { memset(C, 0, n * m * sizeof(double)); return; }
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, (int)n, (int)m,
              (int)p, 1.0, A, LD(n), B, LD(m), 0.0, C, LD(n));
}


void mat_crossprod2 (const double *A, const double *B, double *C,
                     size_t n, size_t p, size_t q) {
  if (p == 0 || q == 0) return;
  if (n == 0) { memset(C, 0, p * q * sizeof(double)); return; }
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)p, (int)q,
              (int)n, 1.0, A, LD(n), B, LD(n), 0.0, C, LD(p));
}


/* ---------------------------------------------------------------------- */
/* element-wise functions                                                  */
/* ---------------------------------------------------------------------- */

const char *const mat_func_names[] = {
  "log", "log2", "log10", "log1p", "exp", "expm1",
  "sqrt", "cbrt", "square", "abs", "sign", "recip",
  "logistic", "logit", "softplus", "sin", "cos",
  "tan", "asin", "acos", "atan", "sinh", "cosh",
  "tanh", "asinh", "acosh", "atanh", "floor",
  "ceil", "round", "trunc", "lgamma", "gamma",
  "erf", "erfc", "pnorm", NULL
};


int mat_func_lookup (const char *name) {
  int i;
  for (i = 0; mat_func_names[i] != NULL; i++)
    if (strcmp(name, mat_func_names[i]) == 0) return i;
  return -1;
}


/* 1 / (1 + e^-x) without overflow for either sign of x */
static double logistic (double x) {
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  else {
    double e = exp(x);
    return e / (1.0 + e);
  }
}


/* log(1 + e^x), exact to rounding for large |x| */
static double softplus (double x) {
  return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}


static double sign (double x) {
  return x > 0 ? 1.0 : x < 0 ? -1.0 : x;  /* 0 stays 0, NaN stays NaN */
}


/* one loop per function: the switch stays out of the inner loop */
#define MAP(expr)  for (i = 0; i < n; i++) { double v = x[i]; y[i] = (expr); } break

void mat_apply (mat_func f, const double *x, double *y, size_t n) {
  size_t i;
  switch (f) {
    case MAT_F_LOG: MAP(log(v));
    case MAT_F_LOG2: MAP(log2(v));
    case MAT_F_LOG10: MAP(log10(v));
    case MAT_F_LOG1P: MAP(log1p(v));
    case MAT_F_EXP: MAP(exp(v));
    case MAT_F_EXPM1: MAP(expm1(v));
    case MAT_F_SQRT: MAP(sqrt(v));
    case MAT_F_CBRT: MAP(cbrt(v));
    case MAT_F_SQUARE: MAP(v * v);
    case MAT_F_ABS: MAP(fabs(v));
    case MAT_F_SIGN: MAP(sign(v));
    case MAT_F_RECIP: MAP(1.0 / v);
    case MAT_F_LOGISTIC: MAP(logistic(v));
    case MAT_F_LOGIT: MAP(log(v) - log1p(-v));
    case MAT_F_SOFTPLUS: MAP(softplus(v));
    case MAT_F_SIN: MAP(sin(v));
    case MAT_F_COS: MAP(cos(v));
    case MAT_F_TAN: MAP(tan(v));
    case MAT_F_ASIN: MAP(asin(v));
    case MAT_F_ACOS: MAP(acos(v));
    case MAT_F_ATAN: MAP(atan(v));
    case MAT_F_SINH: MAP(sinh(v));
    case MAT_F_COSH: MAP(cosh(v));
    case MAT_F_TANH: MAP(tanh(v));
    case MAT_F_ASINH: MAP(asinh(v));
    case MAT_F_ACOSH: MAP(acosh(v));
    case MAT_F_ATANH: MAP(atanh(v));
    case MAT_F_FLOOR: MAP(floor(v));
    case MAT_F_CEIL: MAP(ceil(v));
    case MAT_F_ROUND: MAP(nearbyint(v));  /* halves to even, as R's round */
    case MAT_F_TRUNC: MAP(trunc(v));
    case MAT_F_LGAMMA: { int s; MAP(lgamma_r(v, &s)); }  /* no global signgam */
    case MAT_F_GAMMA: MAP(tgamma(v));
    case MAT_F_ERF: MAP(erf(v));
    case MAT_F_ERFC: MAP(erfc(v));
    case MAT_F_PNORM: MAP(0.5 * erfc(-v * M_SQRT1_2));
    case MAT_F_N: break;
  }
}

#undef MAP


/* ---------------------------------------------------------------------- */
/* reductions                                                              */
/* ---------------------------------------------------------------------- */

/* One Neumaier step: s + c carries the sum with the lost low bits in c. */
#define NEUMAIER(s, c, v) do { \
    double t_ = (s) + (v); \
    if (fabs(s) >= fabs(v)) (c) += ((s) - t_) + (v); \
    else (c) += ((v) - t_) + (s); \
    (s) = t_; \
  } while (0)


double mat_sum (const double *x, size_t n) {
  double s = 0.0, c = 0.0;
  size_t i;
  for (i = 0; i < n; i++) NEUMAIER(s, c, x[i]);
  return isfinite(s) ? s + c : s;  /* Inf or NaN: the plain sum says which */
}


/* As R's mean: the sum over n, then the mean of the residuals added back,
   which corrects the last bits of the first division. */
double mat_mean (const double *x, size_t n) {
  double m, c = 0.0, s = 0.0;
  size_t i;
  if (n == 0) return NAN;
  m = mat_sum(x, n) / (double)n;
  if (!isfinite(m)) return m;
  for (i = 0; i < n; i++) NEUMAIER(s, c, x[i] - m);
  return m + (s + c) / (double)n;
}


void mat_colmeans (const double *A, size_t r, size_t c, double *out) {
  size_t j;
  for (j = 0; j < c; j++) out[j] = mat_mean(A + j * r, r);
}


void mat_colsums (const double *A, size_t r, size_t c, double *out) {
  size_t j;
  for (j = 0; j < c; j++) out[j] = mat_sum(A + j * r, r);
}


void mat_rowsums (const double *A, size_t r, size_t c, double *out,
                  double *comp) {
  size_t i, j;
  for (i = 0; i < r; i++) out[i] = comp[i] = 0.0;
  for (j = 0; j < c; j++) {  /* column by column: contiguous reads */
    const double *a = A + j * r;
    for (i = 0; i < r; i++) NEUMAIER(out[i], comp[i], a[i]);
  }
  for (i = 0; i < r; i++)
    if (isfinite(out[i])) out[i] += comp[i];
}


size_t mat_argext (const double *x, size_t n, int sign) {
  size_t i, best = 0;
  for (i = 0; i < n; i++) {
    if (isnan(x[i])) return i;
    if (sign < 0 ? x[i] < x[best] : x[i] > x[best]) best = i;
  }
  return best;
}


void mat_ewise (mat_op op, const double *a, const double *b, double s,
                double *out, size_t n) {
  size_t i;
  switch (op) {
    case MAT_OP_ADD:
      if (b) for (i = 0; i < n; i++) out[i] = a[i] + b[i];
      else for (i = 0; i < n; i++) out[i] = a[i] + s;
      break;
    case MAT_OP_SUB:
      if (b) for (i = 0; i < n; i++) out[i] = a[i] - b[i];
      else for (i = 0; i < n; i++) out[i] = a[i] - s;
      break;
    case MAT_OP_MUL:
      if (b) for (i = 0; i < n; i++) out[i] = a[i] * b[i];
      else for (i = 0; i < n; i++) out[i] = a[i] * s;
      break;
    case MAT_OP_DIV:
      if (b) for (i = 0; i < n; i++) out[i] = a[i] / b[i];
      else for (i = 0; i < n; i++) out[i] = a[i] / s;
      break;
    case MAT_OP_RSUB: for (i = 0; i < n; i++) out[i] = s - a[i]; break;
    case MAT_OP_RDIV: for (i = 0; i < n; i++) out[i] = s / a[i]; break;
    case MAT_OP_NEG: for (i = 0; i < n; i++) out[i] = -a[i]; break;
  }
}


/* R's seq.default: a count within RANGE_FUZZ of the next integer reaches
   it, so that seq(0, 1, 0.1) ends at 1 despite 1/0.1 rounding below 10 */
#define RANGE_FUZZ  1e-10
/* a span below this many ulps of the ends is rounding: seq gives a alone */
#define RANGE_ULPS  100


size_t mat_range_len (double a, double b, double step) {
  double span = b - a;
  if (fabs(span) / fmax(fabs(a), fabs(b)) < RANGE_ULPS * DBL_EPSILON) return 1;
  return (size_t)floor(span / step + RANGE_FUZZ) + 1;
}


void mat_range_fill (double a, double b, double step, double *out, size_t n) {
  size_t i;
  if (n == 1) { out[0] = a; return; }
  for (i = 0; i < n; i++) {
    double v = a + (double)i * step;
    out[i] = step > 0 ? fmin(v, b) : fmax(v, b);  /* never past b */
  }
}


const char *mat_strerror (int status) {
  switch (status) {
    case MAT_OK: return "ok";
    case MAT_SINGULAR: return "matrix is singular";
    case MAT_NOTPD: return "matrix is not positive definite";
    case MAT_NOCONV: return "LAPACK did not converge";
    case MAT_INTERRUPTED: return "interrupted";
    default:
      return status < 0 ? "a LAPACK routine was called with a bad argument"
                        : "unknown status";
  }
}


size_t mat_rowsums_work (size_t r) { return r; }
