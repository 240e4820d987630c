/*
** The mat userdata, as the other bindings see it.
** A matrix is one full userdata: this header followed by rows*cols doubles in
** column-major order (LAPACK's), so Lua's allocator counts every byte and the
** memory cap of orrery_new applies to matrices too.
*/
#ifndef omat_h
#define omat_h

#include <stddef.h>
#include "lua.h"

#define OMAT_TNAME  "orrery.mat"

typedef struct omat {
  size_t r, c;      /* rows, columns */
  double *x;        /* r*c values, column-major: x[i + j*r] is (i+1, j+1) */
  double pad_;      /* keeps the data that follows 16-byte aligned */
} omat;

#define OMAT(m, i, j)  ((m)->x[(i) + (size_t)(j) * (m)->r])

/* Pushes a new r x c matrix filled with zeros. */
omat *omat_new (lua_State *L, size_t r, size_t c);
/* As omat_new, but the values are left unset: for a caller that writes every
   one (and may then touch the memory first from the threads that fill it). */
omat *omat_newraw (lua_State *L, size_t r, size_t c);
/* Returns the matrix at idx, or NULL if it is not one. */
omat *omat_test (lua_State *L, int idx);
/* Returns the matrix at idx, or raises "fn: 'what' must be a matrix". */
omat *omat_check (lua_State *L, int idx, const char *fn, const char *what);
/*
** Accepts a matrix, a number (1x1), an array of numbers (a column vector) or
** an array of row arrays; a table is converted and replaces the value at idx.
** Raises "fn: 'what' ..." naming the problem otherwise.
*/
omat *omat_arg (lua_State *L, int idx, const char *fn, const char *what);
/* As omat_arg, but the result must be a vector (r x 1 or 1 x c). *n gets its length. */
omat *omat_vecarg (lua_State *L, int idx, const char *fn, const char *what,
                   size_t *n);
/*
** Reads field 'key' of the table at t through omat_arg and leaves the
** converted value (or nil when absent) on the top of the stack.
** Returns NULL when the field is absent.
*/
omat *omat_field (lua_State *L, int t, const char *key, const char *fn);
/* Raises an error if any element is NaN or infinite. */
void omat_checkfinite (lua_State *L, const omat *m, const char *fn,
                       const char *what);

#endif
