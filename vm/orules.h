/*
** Rules about data that several modules share, written once:
**   - missing values: a row with NaN in any used column is dropped (R's
**     na.omit); an infinite value is an error naming the column and row;
**   - survival data: the coding of a status, and which times are valid.
** The kernels (orr_rowmask, orr_badtime) are plain C; the rest is Lua glue
** in the style of oaux.h, used by the bindings and, through the private
** half of the 'args' namespace (vm/largs.c), by the Lua halves.
*/
#ifndef orules_h
#define orules_h

#include <stddef.h>
#include "lua.h"

/*
** Kernel. Marks in drop[0..n-1] (set to 1, never cleared) the rows of the
** n x ncol column-major array x (leading dimension ld >= n) that hold a
** NaN; the mask is complete even when there are infinite values, so a
** caller that treats Inf otherwise (a later check, or allowed) can use it.
** Returns the 0-based index of the first row holding an infinite value,
** scanning column by column, or n when there is none; *col gets its
** column (untouched when there is none). No work array.
*/
size_t orr_rowmask (const double *x, size_t n, size_t ncol, size_t ld,
                    unsigned char *drop, size_t *col);

/*
** Kernel. Survival times: returns the 0-based index of the first time that
** is invalid (negative, infinite, or zero when positive != 0), or n when
** all are valid. NaN times are missing, not invalid.
*/
size_t orr_badtime (const double *t, size_t n, int positive);

/*
** orr_mask(fn, {name, m}, ...) as a lua_CFunction: the missing-value rule
** over the given columns (mats with the same number of rows; a nil or
** absent entry is skipped). Returns keep (n x 1 mat of 1/0), rows (k x 1
** mat of the 1-based kept rows) and the number dropped. Inf raises
** "fn: 'name' has an infinite value in row i".
*/
int orr_mask (lua_State *L);

/*
** orr_status(v [, fn]) -> n x 1 mat of 0/1 (NaN = missing), as a
** lua_CFunction: v is a mat, an array of numbers or an array of booleans
** (true = event). Numbers follow R's Surv(): when the largest non-missing
** code is 2 the coding is 1/2 (1 = censored), otherwise 0/1; any other value
** is an error naming fn.
*/
int orr_status (lua_State *L);

/*
** orr_checktime(L, fn, what, t, n, positive): raises "fn: 'what' element i
** is v: ..." at the first invalid time (see orr_badtime). Times must be
** >= 0, as R's Surv(); positive != 0 (parametric families, which take
** log t) also refuses 0.
*/
void orr_checktime (lua_State *L, const char *fn, const char *what,
                    const double *t, size_t n, int positive);

#endif
