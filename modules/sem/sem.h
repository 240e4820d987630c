/*
** sem: kernels of the structural equation models (plain C on arrays).
*/
#ifndef sem_h
#define sem_h

#include <stddef.h>

/* The status codes of the sem kernels. */
typedef enum {
  SEM_OK = 0,
  SEM_EINTR        /* ORR_INTERRUPTED() was seen; the output is incomplete */
} sem_status;

/* The message of a status (SEM_OK: "ok"), without the function's name. */
const char *sem_strerror (int status);

/*
** The structural equations of a linear SEM on a whole sample at once.
** X[0..p-1] are the nodes' columns (n doubles each) in a topological order,
** holding their noise on entry.  For j = j0 .. j1-1 in turn,
**   X[j] <- s[j] X[j] + c[j] + sum_{k < j} B[j, k] X[k]
** (B p x p column-major, B[j + k p] = effect of node k on node j; entries on
** or above the diagonal are ignored), i.e. the triangular solve
** X (I - B)^T = E + 1 c^T done forward.  Rows go in blocks of SEM_BLOCK so
** that a block's columns stay in cache.  No work array.
*/
int sem_solve (size_t n, size_t p, const double *B, const double *c,
               const double *s, double *const *X, size_t j0, size_t j1);

#endif
