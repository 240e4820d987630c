/*
** optim: minimisation (BFGS, Nelder-Mead), Brent root finding and
** finite-difference derivatives of Lua functions.
**
** The kernels (optim.c) own GSL workspaces, so a Lua error must not unwind
** through them: every call of the user's f or grad runs under lua_pcall.
** On an error the callback parks the error object in a reserved stack slot
** and raises the kernel's abort flag; the kernel frees its workspace and
** returns; the binding then re-raises the original error object unchanged.
*/
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "mat/omat.h"
#include "optim/optim.h"


/* a non-finite value as R writes it (Lua's %f gives -nan or nan) */
static const char *nfname (double v) {
  return isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf";
}


/* what the callbacks need: stack slots of f and grad, and of the error */
typedef struct lctx {
  lua_State *L;
  int f, grad;       /* stack indices of the functions (grad: 0 = none) */
  int err;           /* stack index of a reserved slot for an error object */
  const char *fn;    /* public name, for messages */
  size_t n;
  int scalar;        /* f takes a number (root), not an n x 1 matrix */
} lctx;


/* Runs under lua_pcall: f(x) as a fresh n x 1 matrix (a number for root)
   -> number. Arguments: f, the lctx, the point (light userdata). A fresh
   matrix each call: f may keep or change it without touching the kernel's. */
static int callf (lua_State *L) {
  lctx *c = (lctx *)lua_touserdata(L, 2);
  const double *x = (const double *)lua_touserdata(L, 3);
  if (c->scalar) lua_pushnumber(L, x[0]);
  else {
    omat *m = omat_new(L, c->n, 1);
    if (c->n) memcpy(m->x, x, c->n * sizeof(double));
  }
  lua_pushvalue(L, 1);
  lua_insert(L, -2);
  lua_call(L, 1, 1);
  if (lua_type(L, -1) != LUA_TNUMBER)
    orr_error(L, c->fn, "f must return a number, got %s", luaL_typename(L, -1));
  return 1;
}


/* Runs under lua_pcall: grad(x) -> a vector of n numbers, copied to g.
   Arguments: grad, the lctx, the point, g. */
static int callgrad (lua_State *L) {
  lctx *c = (lctx *)lua_touserdata(L, 2);
  const double *x = (const double *)lua_touserdata(L, 3);
  double *g = (double *)lua_touserdata(L, 4);
  size_t k;
  omat *m = omat_new(L, c->n, 1), *gv;
  if (c->n) memcpy(m->x, x, c->n * sizeof(double));
  lua_pushvalue(L, 1);
  lua_insert(L, -2);
  lua_call(L, 1, 1);
  if (lua_type(L, -1) != LUA_TTABLE && omat_test(L, -1) == NULL)
    orr_error(L, c->fn, "grad must return a vector, got %s",
              luaL_typename(L, -1));
  gv = omat_vecarg(L, -1, c->fn, "grad(x)", &k);
  if (k != c->n)
    orr_error(L, c->fn, "grad returned %d values for %d parameters", (int)k,
              (int)c->n);
  memcpy(g, gv->x, k * sizeof(double));
  return 0;
}


/* After a failed pcall: keep the error object, ask the kernel to stop. */
static void park (optim_problem *p, lctx *c) {
  lua_replace(c->L, c->err);
  p->abort = 1;
}


static double lua_f (optim_problem *p, const double *x) {
  lctx *c = (lctx *)p->ctx;
  lua_State *L = c->L;
  double v;
  lua_pushcfunction(L, callf);
  lua_pushvalue(L, c->f);
  lua_pushlightuserdata(L, c);
  lua_pushlightuserdata(L, (void *)x);
  if (lua_pcall(L, 3, 1, 0) != LUA_OK) { park(p, c); return NAN; }
  v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return v;
}


static void lua_grad (optim_problem *p, const double *x, double *g) {
  lctx *c = (lctx *)p->ctx;
  lua_State *L = c->L;
  lua_pushcfunction(L, callgrad);
  lua_pushvalue(L, c->grad);
  lua_pushlightuserdata(L, c);
  lua_pushlightuserdata(L, (void *)x);
  lua_pushlightuserdata(L, g);
  if (lua_pcall(L, 4, 0, 0) != LUA_OK) park(p, c);
}


/*
** Sets up c and p for the function at stack index fidx (grad at gidx, or
** 0). Reserves the error slot and the stack space the callbacks use, so
** that nothing in a callback can fail outside lua_pcall.
*/
static void setup (lua_State *L, lctx *c, optim_problem *p, int fidx,
                   int gidx, size_t n, const char *fn) {
  luaL_checkstack(L, 8, fn);
  lua_pushnil(L);
  c->L = L; c->f = fidx; c->grad = gidx; c->err = lua_gettop(L);
  c->fn = fn; c->n = n; c->scalar = 0;
  memset(p, 0, sizeof *p);
  p->n = n; p->f = lua_f; p->grad = gidx ? lua_grad : NULL; p->ctx = c;
}


/* Re-raises a parked error, or turns a kernel status into one. */
static void check (lua_State *L, lctx *c, int status) {
  if (status == OPTIM_ABORTED) {
    lua_pushvalue(L, c->err);
    lua_error(L);
  }
  if (status == OPTIM_INTERRUPTED) {
    orr_interrupterror(L, c->fn);
  }
  if (status == OPTIM_NOMEM) orr_error(L, c->fn, "%s", optim_strerror(status));
}


/* The starting point: a non-empty vector of finite numbers. */
static omat *startpoint (lua_State *L, int idx, const char *fn,
                         const char *what, size_t *n) {
  omat *x;
  if (lua_isnoneornil(L, idx)) orr_error(L, fn, "'%s' is missing", what);
  if (lua_type(L, idx) != LUA_TTABLE && lua_type(L, idx) != LUA_TNUMBER &&
      omat_test(L, idx) == NULL)
    orr_error(L, fn, "'%s' must be a vector (a matrix, a number or an array "
              "of numbers), got %s", what, luaL_typename(L, idx));
  x = omat_vecarg(L, idx, fn, what, n);
  if (*n == 0) orr_error(L, fn, "'%s' is empty", what);
  omat_checkfinite(L, x, fn, what);
  return x;
}


static void checkfunction (lua_State *L, int idx, const char *fn,
                           const char *what) {
  if (!lua_isfunction(L, idx) && !luaL_getmetafield(L, idx, "__call"))
    orr_error(L, fn, "'%s' must be a function, got %s", what,
              luaL_typename(L, idx));
  if (!lua_isfunction(L, idx)) lua_pop(L, 1);  /* the __call field */
}


/* the option maxiter of the table at 1: an integer in 1..OPTIM_MAXITER_CAP */
/* The argument of minimize and root: a table of options (at 1) whose
   function f is left at 2. */
static void problemtable (lua_State *L, const char *fn,
                          const char *const allowed[], const char *shape) {
  if (lua_type(L, 1) != LUA_TTABLE)
    orr_error(L, fn, "expected a table of options %s, got %s", shape,
              luaL_typename(L, 1));
  lua_settop(L, 1);
  orr_checkopts(L, 1, fn, allowed);
  lua_getfield(L, 1, "f");
  checkfunction(L, 2, fn, "f");
}


static int optmaxiter (lua_State *L, const char *fn, lua_Integer def) {
  lua_Integer mi = orr_optinteger(L, 1, "maxiter", def, fn);
  if (mi < 1 || mi > OPTIM_MAXITER_CAP)
    orr_error(L, fn, "'maxiter' must be between 1 and 1e8, got %I", mi);
  return (int)mi;
}


static void setfield_num (lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}


/* the fields every result shares, into the table on the top */
static void setresult (lua_State *L, const optim_result *res, int nf) {
  setfield_num(L, "value", res->value);
  lua_pushboolean(L, res->converged);
  lua_setfield(L, -2, "converged");
  lua_pushinteger(L, res->iterations);
  lua_setfield(L, -2, "iterations");
  lua_pushstring(L, res->reason);
  lua_setfield(L, -2, "reason");
  lua_pushinteger(L, nf);
  lua_setfield(L, -2, "evaluations");
}


/* ---------------------------------------------------------------------- */
/* optim.minimize                                                          */
/* ---------------------------------------------------------------------- */

static const char *const minimize_opts[] = {
  "f", "x0", "grad", "method", "tol", "maxiter", NULL
};
static const char *const methods[] = {"bfgs", "nm", "bfgs2", NULL};

static int o_minimize (lua_State *L) {
  const char *fn = "optim.minimize";
  int method, maxiter, status, gidx = 0;
  double tol;
  size_t n;
  omat *x0, *x;
  lctx c;
  optim_problem p;
  optim_result res;
  problemtable(L, fn, minimize_opts, "{f =, x0 =, ...}");   /* f at 2 */
  lua_getfield(L, 1, "x0");                                 /* 3 */
  x0 = startpoint(L, 3, fn, "x0", &n);
  if (lua_getfield(L, 1, "grad") != LUA_TNIL) {             /* 4 */
    checkfunction(L, 4, fn, "grad");
    gidx = 4;
  }
  method = orr_optoption(L, 1, "method", "bfgs", methods, fn);
  tol = orr_optnumber(L, 1, "tol", OPTIM_TOL, fn);
  if (!(tol > 0 && tol < 1))
    orr_error(L, fn, "'tol' must be in (0, 1), got %s", isnan(tol) ? "NaN" : lua_pushfstring(L, "%f", tol));
  maxiter = optmaxiter(L, fn, method == 1 ? OPTIM_NM_MAXITER : OPTIM_MAXITER);
  x = omat_new(L, n, 1);                                    /* 5 */
  memcpy(x->x, x0->x, n * sizeof(double));
  setup(L, &c, &p, 2, method != 1 ? gidx : 0, n, fn);       /* 6: error slot */
  /* the kernels' own allocations, charged to the memory cap: bfgs's
     n x n inverse Hessian and 9 vectors (optim.c), GSL's simplex of n + 1
     points and its vectors for nm, GSL's vectors for bfgs2 */
  orr_charge(L, (method == 0 ? n * n + 9 * n : method == 1 ? (n + 1) * n + 8 * n
                                               : 16 * n) * sizeof(double));
  /* 7: the charge, on the stack until the call returns */
  status = method == 0 ? optim_bfgs(&p, x->x, tol, maxiter, &res)
         : method == 1 ? optim_nm(&p, x->x, tol, maxiter, &res)
                       : optim_bfgs2(&p, x->x, tol, maxiter, &res);
  check(L, &c, status);
  if (status == OPTIM_BADSTART)
    orr_error(L, fn, "f%s is not finite at x0",
              method != 1 ? " or its gradient" : "");
  lua_createtable(L, 0, 8);
  lua_pushvalue(L, 5);
  lua_setfield(L, -2, "x");
  setresult(L, &res, p.nf);
  lua_pushinteger(L, p.ng);
  lua_setfield(L, -2, "grad_evaluations");
  lua_pushstring(L, methods[method]);
  lua_setfield(L, -2, "method");
  return 1;
}


/* ---------------------------------------------------------------------- */
/* optim.root                                                              */
/* ---------------------------------------------------------------------- */

static const char *const root_opts[] = {
  "f", "lower", "upper", "tol", "maxiter", NULL
};

/* f(v) for the bracket check, through the same protected call */
static double endpoint (lua_State *L, lctx *c, optim_problem *p, double v,
                        const char *which) {
  double fv = lua_f(p, &v);
  check(L, c, p->abort ? OPTIM_ABORTED : OPTIM_OK);
  if (!isfinite(fv))
    orr_error(L, c->fn, "f(%s) is not finite (%s at %f)", which, nfname(fv), v);
  return fv;
}


static int o_root (lua_State *L) {
  const char *fn = "optim.root";
  double lo, hi, flo, fhi, tol, root;
  int maxiter, status;
  lctx c;
  optim_problem p;
  optim_result res;
  problemtable(L, fn, root_opts, "{f =, lower =, upper =}");  /* f at 2 */
  if (lua_getfield(L, 1, "lower") != LUA_TNUMBER)
    orr_error(L, fn, "'lower' must be a number, got %s", luaL_typename(L, -1));
  if (lua_getfield(L, 1, "upper") != LUA_TNUMBER)
    orr_error(L, fn, "'upper' must be a number, got %s", luaL_typename(L, -1));
  lo = lua_tonumber(L, -2); hi = lua_tonumber(L, -1);
  lua_pop(L, 2);
  if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
    orr_error(L, fn, "need finite lower < upper, got [%f, %f]", lo, hi);
  tol = orr_optnumber(L, 1, "tol", OPTIM_ROOT_TOL, fn);
  if (!(tol > 0)) orr_error(L, fn, "'tol' must be > 0, got %s", isnan(tol) ? "NaN" : lua_pushfstring(L, "%f", tol));
  maxiter = optmaxiter(L, fn, OPTIM_ROOT_MAXITER);
  setup(L, &c, &p, 2, 0, 1, fn);
  c.scalar = 1;
  flo = endpoint(L, &c, &p, lo, "lower");
  fhi = endpoint(L, &c, &p, hi, "upper");
  if ((flo > 0 && fhi > 0) || (flo < 0 && fhi < 0))
    orr_error(L, fn, "f(lower) = %f and f(upper) = %f have the same sign: "
              "[%f, %f] does not bracket a root", flo, fhi, lo, hi);
  status = optim_brent(&p, lo, hi, flo, fhi, tol, maxiter, &root, &res);
  check(L, &c, status);
  if (status == OPTIM_BADSTART)
    orr_error(L, fn, "GSL could not start on [%f, %f]", lo, hi);
  lua_createtable(L, 0, 6);
  setfield_num(L, "root", root);
  setresult(L, &res, p.nf);
  return 1;
}


/* ---------------------------------------------------------------------- */
/* optim.grad and optim.hessian                                            */
/* ---------------------------------------------------------------------- */

/* The arguments of grad and hessian, (f, x): returns x (n values). */
static omat *fdargs (lua_State *L, const char *fn, size_t *n) {
  omat *x;
  if (lua_gettop(L) > 2)
    orr_error(L, fn, "too many arguments (%d given, expected f, x)", lua_gettop(L));
  checkfunction(L, 1, fn, "f");
  x = startpoint(L, 2, fn, "x", n);
  lua_settop(L, 2);
  return x;
}


static int o_grad (lua_State *L) {
  const char *fn = "optim.grad";
  size_t n, bad = 0;
  omat *x, *g;
  double *work, fx;
  int status;
  lctx c;
  optim_problem p;
  x = fdargs(L, fn, &n);
  g = omat_new(L, n, 1);                                    /* 3 */
  work = orr_work(L, optim_fd_work(n));                     /* 4 */
  setup(L, &c, &p, 1, 0, n, fn);
  fx = lua_f(&p, x->x);
  check(L, &c, p.abort ? OPTIM_ABORTED : OPTIM_OK);
  if (!isfinite(fx)) orr_error(L, fn, "f is not finite at x (%s)", nfname(fx));
  status = optim_fdgrad(&p, x->x, fx, g->x, work, &bad);
  check(L, &c, status);
  if (status == OPTIM_ENOTFINITE)
    orr_error(L, fn, "f is not finite on either side of x along coordinate %d",
              (int)bad + 1);
  lua_pushvalue(L, 3);
  return 1;
}


static int o_hessian (lua_State *L) {
  const char *fn = "optim.hessian";
  size_t n;
  omat *x, *H;
  double *work;
  int status;
  lctx c;
  optim_problem p;
  x = fdargs(L, fn, &n);
  H = omat_new(L, n, n);                                    /* 3 */
  work = orr_work(L, optim_fd_work(n));                     /* 4 */
  setup(L, &c, &p, 1, 0, n, fn);
  status = optim_fdhessian(&p, x->x, H->x, work);
  check(L, &c, status);
  if (status == OPTIM_ENOTFINITE)
    orr_error(L, fn, "f is not finite at x or at a point of the stencil");
  lua_pushvalue(L, 3);
  return 1;
}


static const luaL_Reg optim_funcs[] = {
  {"minimize", o_minimize}, {"root", o_root}, {"grad", o_grad},
  {"hessian", o_hessian},
  {NULL, NULL}
};

static const orr_doc optim_docs[] = {
  {"minimize", "optim.minimize{ f =, x0 = [, grad=, method=\"bfgs\"|\"nm\"|\"bfgs2\", "
   "tol=1e-8, maxiter=] } -> {x =, value =, converged =, iterations =, "
   "reason =, evaluations =, grad_evaluations =, method =}. f(x) gets an n x 1 "
   "matrix and returns a number; grad(x) returns a vector (default: central "
   "differences, five-point). bfgs: dense BFGS (Nocedal & Wright 6.1) with a "
   "backtracking Armijo line search, as R's optim; converged when "
   "max |gradient| <= tol * max(1, |f|) (maxiter 1000). bfgs2: GSL's "
   "vector_bfgs2 (memoryless; slow on badly scaled problems), same test. "
   "nm: Nelder-Mead (GSL's nmsimplex2), converged when the simplex size "
   "<= tol * max(1, ||x||) (maxiter 5000; grad is not used). A non-finite f "
   "is a wall: the search steps back (bfgs) or moves away (nm); f(x0) must "
   "be finite. Errors raised in f or grad propagate unchanged."},
  {"root", "optim.root{ f =, lower =, upper = [, tol=1e-12, maxiter=1000] } -> "
   "{root =, value =, converged =, iterations =, reason =}: Brent's method "
   "(gsl_root_fsolver_brent); f(lower) and f(upper) must have opposite signs; "
   "converged when the bracket is narrower than tol + 4 eps |x|"},
  {"grad", "optim.grad(f, x) -> n x 1 gradient of f at x by central "
   "differences: steps h = eps^(1/3) max(|x_i|, 1) and 2h combined by "
   "Richardson extrapolation (five-point stencil, 4n evaluations); relative "
   "accuracy ~1e-10 for smooth f of order 1"},
  {"hessian", "optim.hessian(f, x) -> n x n Hessian of f at x, exactly "
   "symmetric, by central second differences at steps h = 2 eps^(1/4) "
   "max(|x_i|, 1) and h/2 combined by Richardson extrapolation "
   "(4n^2 + 1 evaluations)"},
  {NULL, NULL}
};


int luaopen_orrery_optim (lua_State *L) {
  /* statuses are checked; GSL must never abort the host */
  gsl_set_error_handler_off();
  orr_require(L, "mat");
  lua_pop(L, 1);
  orr_newlib(L, "optim", optim_funcs, optim_docs);
  return 1;
}
