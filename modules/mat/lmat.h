/*
** The matrix module's internals that other bindings share, beside the public
** matrix API of omat.h (which hosts may use): one large-buffer allocator and
** matrices left unfilled.
*/
#ifndef lmat_h
#define lmat_h

#include <stddef.h>
#include "lua.h"
#include "mat/omat.h"

/*
** Buffers of OMAT_HUGE_MIN bytes or more (a 500 x 1000 matrix; numpy's
** threshold) ask for transparent huge pages before their first touch: 2 MB
** pages fault 512 times less often than 4 KB ones, and the first-touch
** faults of a fresh 10^6 x 20 design cost as much as a third of its QR.
** Smaller ones are not worth the madvise call.
*/
#define OMAT_HUGE_MIN  ((size_t)4 << 20)

/*
** Pushes a plain userdata (not a matrix) of n doubles, not zeroed, for a
** kernel's work or a result that is not a matrix (regress's compact QR):
** an error raised later frees it, and a large one gets huge pages as
** omat_new's matrices do.
*/
double *omat_buffer (lua_State *L, size_t n);

/* As omat_new, but the values are left unset: for a caller that writes every
   one (and may then touch the memory first from the threads that fill it). */
omat *omat_newraw (lua_State *L, size_t r, size_t c);

#endif
