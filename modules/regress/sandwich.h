/*
** Sandwich covariances in the QR's coordinates.  With the weighted design
** X = Q R (Q thin, n x r) and scores s_i = e_i x_i (e the weighted
** residuals), X'X = R'R and sum s_i s_i' = R' (Q' diag(e^2) Q) R, so
**   (X'X)^-1 [meat] (X'X)^-1 = R^-1 [Q' Omega Q] R^-T
** and only the r x r middle needs the n rows.  Plain C on arrays.
*/
#ifndef sandwich_h
#define sandwich_h

#include <stddef.h>

/* The HC types (sandwich's vcovHC; HC1 is HC0 times n/(n - p)). */
enum { SW_HC0, SW_HC1, SW_HC2, SW_HC3, SW_HC4, SW_HC4M, SW_HC5 };
/*
** The largest leverage HC2 and HC3 divide by 1 - h at: sandwich's warning
** threshold 1 - sqrt(eps) (sqrt(DBL_EPSILON) = 2^-26); above it omega is
** NaN.
*/
#define SW_HMAX  (1 - 1.4901161193847656e-08)
/* HC5's constant k (Cribari-Neto et al. 2007, sandwich's choice) */
#define SW_HC5_K  0.7
/*
** omega[i] = e_i^2, divided by 1 - h_i (HC2), (1 - h_i)^2 (HC3) or
** (1 - h_i)^d_i (HC4, HC4m; the square root of it for HC5), h the leverages
** (unused for HC0 and HC1).  With k = round(sum h) and u_i = n h_i / k,
** sandwich's exponents are d = min(4, u) (HC4), min(1, u) + min(1.5, u)
** (HC4m) and min(u, max(4, 0.7 n max(h) / k)) (HC5).
*/
void sw_omega (const double *e, const double *h, size_t n, int type,
               double *omega);

/* Rows of Q per block of sw_meat_hc: 4096 x r stays in cache for r <= 32. */
#define SW_CHUNK  4096
/* M (r x r) = Q' diag(omega) Q; buf: sw_meat_hc_work(chunk, r) = chunk r
   doubles (a block of rows scaled by sqrt(omega)). */
size_t sw_meat_hc_work (size_t chunk, size_t r);
void sw_meat_hc (const double *Q, size_t n, size_t r, const double *omega,
                 double *M, double *buf, size_t chunk);

/*
** Cluster meat: S_g = sum over i in cluster g of e_i Q_i (S is G x r,
** overwritten), M += a S'S (a multi-way meat is a signed sum of these, one
** per intersection of clusterings).  g[i] in 0..G-1.
*/
void sw_meat_cl (const double *Q, size_t n, size_t r, const double *e,
                 const int *g, size_t G, double a, double *S, double *M);

/* M[i, j] = M[j, i] for i > j: the lower triangle from the upper. */
void sw_symmetrize (double *M, size_t r);

/* V = Ri M Ri' with Ri upper triangular r x r; tmp: sw_sandwich_work(r) =
   r^2 doubles. */
size_t sw_sandwich_work (size_t r);
void sw_sandwich (const double *Ri, size_t r, const double *M, double *V,
                  double *tmp);

#endif
