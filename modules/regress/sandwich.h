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

/* M (r x r) = Q' diag(omega) Q; buf holds chunk x r doubles. */
void sw_meat_hc (const double *Q, size_t n, size_t r, const double *omega,
                 double *M, double *buf, size_t chunk);

/*
** Cluster meat: S_g = sum over i in cluster g of e_i Q_i (S is G x r,
** overwritten), M = S'S.  g[i] in 0..G-1.
*/
void sw_meat_cl (const double *Q, size_t n, size_t r, const double *e,
                 const int *g, size_t G, double *S, double *M);

/* V = Ri M Ri' with Ri upper triangular r x r; tmp r x r. */
void sw_sandwich (const double *Ri, size_t r, const double *M, double *V,
                  double *tmp);

#endif
