/*
** Kernels of model frames and design matrices (R's model.frame and
** model.matrix): the rows a model keeps, the columns of x built from
** numeric columns and factor codes, factor codes from numbers, level
** crossings, orthogonal polynomials and centring.
**
** Conventions: a column is n doubles; a factor is a column of codes 1..K
** (NaN = missing). Kept rows are given as 'rows', k doubles holding 1-based
** row numbers (as Lua sees them), or NULL for every row. No kernel keeps
** state between calls; work arrays come from the caller, with their sizes
** stated.
*/
#ifndef design_h
#define design_h

#include <stddef.h>

/* ---------------------------------------------------------------- rows */

/*
** Marks in drop[0..n-1] (sets to 1, never clears) the rows where x is NaN,
** through orr_rowmask (vm/orules.h), resumed past each infinite value.
** Returns 1 when x holds an infinite value, else 0.
*/
int ofd_dropnan (const double *x, size_t n, unsigned char *drop);

/* The first row i with x[i] infinite and drop[i] == 0 (drop may be NULL),
   or n. */
size_t ofd_firstinf (const double *x, size_t n, const unsigned char *drop);

/* The first row i where a factor code is neither NaN nor an integer in
   1..K, or n. */
size_t ofd_badcode (const double *codes, size_t n, size_t K);

/* out[i] = x[rows[i] - 1] (i < k; rows NULL: x[i]); with map (K values),
   x holds codes 1..K and out[i] = map[code - 1] (NaN, or a code out of
   range, gives NaN). */
void ofd_take (double *out, const double *x, size_t k, const double *rows,
               const double *map, size_t K);

/* counts[c - 1] = how many kept rows hold code c, c = 1..K (codes out of
   range are not counted). */
void ofd_levelcounts (const double *codes, size_t k, const double *rows,
                      size_t K, double *counts);

/*
** out[i] = map[codes[i] - 1] for n codes 1..K (NaN, or a code out of range,
** gives NaN). Returns the first row whose code maps to 0 (a level that has
** no place in map), or n.
*/
size_t ofd_recode (double *out, const double *codes, size_t n,
                   const double *map, size_t K);

/* Codes of the crossing of two factors, the first varying fastest:
   out[i] = a[i] + Ka * (b[i] - 1) (NaN when either is). */
void ofd_cross (double *out, const double *a, size_t Ka, const double *b,
                size_t n);

/*
** factor() of a numeric column: uniq[0..*nu-1] gets the distinct values of
** x (NaN left out) in increasing order and codes[i] the 1-based place of
** x[i] among them (NaN stays NaN). Returns the first row holding an
** infinite value (nothing else is then written), or n.
** Work: n doubles (the range of small integers is counted instead of
** sorted, within the same n doubles).
*/
size_t ofd_factorize (const double *x, size_t n, double *codes, double *uniq,
                      size_t *nu, double *work);

/* ---------------------------------------------------------------- design */

/* How a part of a design column reads its column at a row. */
enum {
  OFD_NUM,      /* the value itself */
  OFD_LEVEL,    /* 1 when the (mapped) code is j, else 0 */
  OFD_SUM,      /* contr.sum column j of k levels: 1 at j, -1 at k, else 0 */
  OFD_HELMERT   /* contr.helmert column j: -1 below j + 1, j at j + 1, else 0 */
};

#define OFD_BLOCK 256   /* rows of a design block: its inputs stay in L1 */

typedef struct ofdpart {
  size_t in;           /* the input it reads: in[] of ofd_design */
  const double *map;   /* factor parts: NULL, or map[c - 1] the code that
                          code c has once unused levels are dropped */
  size_t K;            /* factor parts: the codes of the input run 1..K */
  int kind;            /* OFD_* */
  double j, k;         /* the level or contrast column, the number of levels */
} ofdpart;

/* A design column: the product, in order, of parts[first .. first+np-1]
   (np = 0: the intercept column of ones). */
typedef struct ofdcol { size_t first, np; } ofdcol;

/*
** Writes the k x ncol design matrix X (column-major, leading dimension k)
** at the kept rows: X[i, c] = product of the parts of column c at row
** rows[i] - 1 (rows NULL: row i). The parts read the nin inputs in[] (a
** numeric column, or factor codes, each of the frame's rows); a factor code
** that is NaN (or out of 1..K) gives NaN. Rows go in
** blocks of OFD_BLOCK: each input is read from memory once, gathered once
** per block when rows are dropped, whatever the number of columns it feeds.
** Returns 0, or -1 when interrupted.
** Work: nin * OFD_BLOCK doubles (work) and nin pointers (src).
*/
int ofd_design (double *X, size_t k, const double *rows,
                const double *const *in, size_t nin, const ofdcol *cols,
                size_t ncol, const ofdpart *parts, double *work,
                const double **src);

/* ---------------------------------------------------------------- poly, scale */

/*
** R's poly(x, degree): the columns of the orthogonal polynomials of degree
** 1..deg in x (n values, no NaN), Z (n x deg, column-major), and the
** coefficients of their three-term recurrence: alpha[0..deg-1] and
** norm2[0..deg+1] (norm2[0] = 1, norm2[1] = n), as R's attr(, "coefs").
** The recurrence runs on x minus its mean, with sums in long double.
** Returns 0, or 1 when x has no more than deg distinct values (R's error).
** Work: none (Z holds the recurrence).
*/
int ofd_poly (const double *x, size_t n, size_t deg, double *Z,
              double *alpha, double *norm2);

/*
** The same polynomials at new values x from the coefficients of ofd_poly
** (R's predict through makepredictcall): Z (n x deg). Work: none.
*/
void ofd_polypredict (const double *x, size_t n, size_t deg,
                      const double *alpha, const double *norm2, double *Z);

/*
** R's scale(x, center, scale) of one column: *center = the mean of the
** non-NaN values (0 when center == 0), *scale = sqrt(sum (x - center)^2 /
** max(1, m - 1)) over the m non-NaN values (1 when scale == 0). Sums in
** long double, as R's colMeans and sum.
*/
void ofd_scalestats (const double *x, size_t n, int center, int scale,
                     double *cen, double *sc);

#endif
