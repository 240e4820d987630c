/*
** The Cox part of the surv binding beyond the fit itself: survival curves
** at new covariate rows (coxsurv.c).  The public surface is cox:survfit in
** stdlib/surv/coxsurv.lua; these functions start with '_' and only check
** what would otherwise crash.
*/
#include <math.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "surv/lsurv.h"
#include "mat/omat.h"
#include "surv/coxsurv.h"


/*
** _coxcurve(fn, cumhaz, cumvh, cumA, V, X, center, beta, z, type) ->
** surv, cumhaz, se_cumhaz, lower, upper (m x r mats, one column per row of
** X).  cumhaz, cumvh: m base times; cumA p x m; V p x p; X r x p (raw
** covariates, centred here at center); beta p (0 for an aliased column).
*/
static int s_coxcurve (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  size_t m, mv, pc, pb, r, p, i, j;
  omat *H = omat_vecarg(L, 2, fn, "cumhaz", &m);
  omat *VH = omat_vecarg(L, 3, fn, "cumvh", &mv);
  omat *A = omat_arg(L, 4, fn, "cumA");
  omat *V = omat_arg(L, 5, fn, "V");
  omat *X = omat_arg(L, 6, fn, "X");
  omat *c = omat_vecarg(L, 7, fn, "center", &pc);
  omat *b = omat_vecarg(L, 8, fn, "beta", &pb);
  double z = luaL_checknumber(L, 9);
  int type = (int)luaL_checkinteger(L, 10);
  omat *out[5];
  double *xc, *work;
  p = X->c; r = X->r;
  if (mv != m || A->r != p || A->c != m || V->r != p || V->c != p ||
      pc != p || pb != p || type < 0 || type > 2)
    orr_error(L, fn, "inconsistent curve data");
  xc = orr_work(L, 2 * p + 1); work = xc + p;
  for (i = 0; i < 5; i++) out[i] = omat_new(L, m, r);
  for (i = 0; i < r; i++) {
    double eta = 0;
    for (j = 0; j < p; j++) {
      xc[j] = X->x[i + j * r] - c->x[j];
      eta += xc[j] * b->x[j];
    }
    cox_curve(m, p, H->x, VH->x, A->x, V->x, xc, exp(eta), z, type,
              out[0]->x + i * m, out[1]->x + i * m, out[2]->x + i * m,
              out[3]->x + i * m, out[4]->x + i * m, work);
  }
  return 5;
}


static const luaL_Reg cox_funcs[] = {
  {"_coxcurve", s_coxcurve},
  {NULL, NULL}
};


/* Adds this part's functions to the module table on the top of the stack. */
void lsurv_cox_open (lua_State *L) {
  luaL_setfuncs(L, cox_funcs, 0);
}
