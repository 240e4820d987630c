/*
** plot: the binding. A braille canvas for the terminal renderer, the cairo
** renderer of a display list (PNG, PDF) and file output for SVG. The
** scene, layout, ticks and SVG are in stdlib/plot.lua; every function here
** is private (the Lua half calls it).
**
** A display list is an array of operations, each a table with 'op':
**   rect   x y w h [fill stroke lw alpha]
**   path   x y (arrays) [fill stroke lw dash alpha close]
**   points x y (vectors, data units) tx (the transform) r fill [alpha]
**   text   x y s size [fill anchor (0, 0.5, 1) rot (degrees) bold]
**   clip   x y w h        unclip
** in points (1/72 in), y down; colours are "#rrggbb".
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <dlfcn.h>

#include <cairo.h>
#include <cairo-pdf.h>

#include "lua.h"
#include "lauxlib.h"

#include "oaux.h"
#include "orrery.h"
#include "mat/omat.h"
#include "plot/raster.h"

#define CANVAS "plot.canvas"
/* at most this many points go to cairo one by one in a PNG; more are
   stamped into the image directly (raster_points) */
#define PNG_STAMP_MIN 2000


static double fieldnum (lua_State *L, int t, const char *k, double def) {
  double v = def;
  if (lua_getfield(L, t, k) == LUA_TNUMBER) v = lua_tonumber(L, -1);
  else if (lua_isboolean(L, -1)) v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}


static void gettx (lua_State *L, int idx, ptx *t, const char *fn) {
  if (!lua_istable(L, idx)) orr_error(L, fn, "transform must be a table");
  t->x0 = fieldnum(L, idx, "x0", 0); t->x1 = fieldnum(L, idx, "x1", 1);
  t->y0 = fieldnum(L, idx, "y0", 0); t->y1 = fieldnum(L, idx, "y1", 1);
  t->xlog = (int)fieldnum(L, idx, "xlog", 0);
  t->ylog = (int)fieldnum(L, idx, "ylog", 0);
  t->px0 = fieldnum(L, idx, "px0", 0); t->px1 = fieldnum(L, idx, "px1", 1);
  t->py0 = fieldnum(L, idx, "py0", 1); t->py1 = fieldnum(L, idx, "py1", 0);
  if (t->x1 == t->x0 || t->y1 == t->y0) orr_error(L, fn, "empty axis range");
}


/* ------------------------------------------------------------ canvas */

static bcanvas *checkcanvas (lua_State *L) {
  return (bcanvas *)luaL_checkudata(L, 1, CANVAS);
}

/* _canvas(cols, rows): the dots and colours live in the userdata */
static int p_canvas (lua_State *L) {
  lua_Integer cols = luaL_checkinteger(L, 1), rows = luaL_checkinteger(L, 2);
  bcanvas *c;
  size_t n;
  if (cols < 1 || rows < 1 || cols > 4096 || rows > 4096)
    return orr_error(L, "plot", "canvas of %d x %d cells", (int)cols, (int)rows);
  n = (size_t)cols * (size_t)rows;
  c = (bcanvas *)lua_newuserdatauv(L, sizeof(bcanvas) + 2 * n, 0);
  c->cols = (int)cols; c->rows = (int)rows;
  c->dots = (unsigned char *)(c + 1);
  c->colour = c->dots + n;
  braille_clear(c);
  luaL_setmetatable(L, CANVAS);
  return 1;
}

/* cv:points(x, y, tx, col) */
static int cv_points (lua_State *L) {
  bcanvas *c = checkcanvas(L);
  size_t nx, ny;
  omat *x = omat_vecarg(L, 2, "plot", "x", &nx);
  omat *y = omat_vecarg(L, 3, "plot", "y", &ny);
  ptx t;
  gettx(L, 4, &t, "plot");
  if (nx != ny) return orr_error(L, "plot", "x and y differ in length");
  if (braille_points(c, x->x, y->x, nx, &t, (int)luaL_optinteger(L, 5, 0)))
    return orr_interrupterror(L, "plot");
  return 0;
}

/* cv:line(x, y, col): dot coordinates */
static int cv_line (lua_State *L) {
  bcanvas *c = checkcanvas(L);
  size_t nx, ny;
  omat *x = omat_vecarg(L, 2, "plot", "x", &nx);
  omat *y = omat_vecarg(L, 3, "plot", "y", &ny);
  if (nx != ny) return orr_error(L, "plot", "x and y differ in length");
  braille_line(c, x->x, y->x, nx, (int)luaL_optinteger(L, 4, 0));
  return 0;
}

/* cv:fill(px0, py0, px1, py1, col) */
static int cv_fill (lua_State *L) {
  bcanvas *c = checkcanvas(L);
  braille_fill(c, (int)luaL_checknumber(L, 2), (int)luaL_checknumber(L, 3),
               (int)luaL_checknumber(L, 4), (int)luaL_checknumber(L, 5),
               (int)luaL_optinteger(L, 6, 0));
  return 0;
}

/* cv:rows([ansi]) -> array of strings; ansi: array of SGR codes by colour */
static int cv_rows (lua_State *L) {
  bcanvas *c = checkcanvas(L);
  int ansi[16], *pa = NULL, r;
  char *buf;
  if (lua_istable(L, 2)) {
    int k;
    for (k = 0; k < 16; k++) {
      lua_rawgeti(L, 2, k);
      ansi[k] = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 39;
      lua_pop(L, 1);
    }
    pa = ansi;
  }
  buf = (char *)orr_workbytes(L, BRAILLE_ROWBYTES(c->cols));
  lua_createtable(L, c->rows, 0);
  for (r = 0; r < c->rows; r++) {
    size_t len = braille_row(c, r, pa, buf);
    lua_pushlstring(L, buf, len);
    lua_rawseti(L, -2, r + 1);
  }
  return 1;
}

/* cv:size() -> cols, rows */
static int cv_size (lua_State *L) {
  bcanvas *c = checkcanvas(L);
  lua_pushinteger(L, c->cols);
  lua_pushinteger(L, c->rows);
  return 2;
}


/* ------------------------------------------------------------ data */

/* _scan(m) -> number of NaNs, index of the first infinite value (0: none) */
static int p_scan (lua_State *L) {
  size_t n, nan, inf;
  omat *m = omat_vecarg(L, 1, "plot", "x", &n);
  if (plot_scan(m->x, n, &nan, &inf)) return orr_interrupterror(L, "plot");
  lua_pushinteger(L, (lua_Integer)nan);
  lua_pushinteger(L, (lua_Integer)inf);
  return 2;
}

/* _range(m, lo, hi, positive) -> lo, hi widened to m's values */
static int p_range (lua_State *L) {
  size_t n;
  omat *m = omat_vecarg(L, 1, "plot", "x", &n);
  double lo = luaL_checknumber(L, 2), hi = luaL_checknumber(L, 3);
  plot_range(m->x, n, lua_toboolean(L, 4), &lo, &hi);
  lua_pushnumber(L, lo);
  lua_pushnumber(L, hi);
  return 2;
}


/* ------------------------------------------------------------ terminal, files */

/* _termsize() -> cols, rows of the terminal on stdout, or nil */
static int p_termsize (lua_State *L) {
  struct winsize ws;
  if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    lua_pushinteger(L, ws.ws_col);
    lua_pushinteger(L, ws.ws_row);
    return 2;
  }
  return 0;
}

static int p_isatty (lua_State *L) {
  lua_pushboolean(L, isatty(1));
  return 1;
}

/* _write(fn, path, s): the sandbox decides, as for every file */
static int p_write (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  const char *path = luaL_checkstring(L, 2);
  size_t len;
  const char *s = luaL_checklstring(L, 3, &len);
  FILE *f;
  orr_checkpath(L, path, fn);
  f = fopen(path, "wb");
  if (f == NULL) return orr_error(L, fn, "cannot write '%s': %s", path, strerror(errno));
  if (fwrite(s, 1, len, f) != len || fclose(f) != 0)
    return orr_error(L, fn, "cannot write '%s'", path);
  return 0;
}

/* OpenBLAS's own description of itself and its thread count, for the
   report's footer */
extern char *openblas_get_config (void);
extern int openblas_get_num_threads (void);

static int p_blasinfo (lua_State *L) {
  lua_pushstring(L, openblas_get_config());
  lua_pushinteger(L, openblas_get_num_threads());
  return 2;
}

/* _checkpath(fn, path) */
static int p_checkpath (lua_State *L) {
  orr_checkpath(L, luaL_checkstring(L, 2), luaL_checkstring(L, 1));
  return 0;
}


/* ------------------------------------------------------------ cairo */


/*
** cairo is opened when a PNG or PDF is first written, not linked: its
** libraries (fontconfig, freetype, X11, ...) would add milliseconds to every
** start of the program, and a machine without libcairo2 still runs
** everything else. The table of its functions lives in the registry (one per
** state: no statics).
*/
#define CAIRO_FUNCS(X) \
  X(arc) \
  X(clip) \
  X(close_path) \
  X(create) \
  X(destroy) \
  X(fill) \
  X(fill_preserve) \
  X(image_surface_create) \
  X(image_surface_get_data) \
  X(image_surface_get_height) \
  X(image_surface_get_stride) \
  X(image_surface_get_width) \
  X(line_to) \
  X(move_to) \
  X(new_path) \
  X(new_sub_path) \
  X(pdf_surface_create) \
  X(rectangle) \
  X(restore) \
  X(rotate) \
  X(save) \
  X(scale) \
  X(select_font_face) \
  X(set_dash) \
  X(set_font_size) \
  X(set_line_cap) \
  X(set_line_join) \
  X(set_line_width) \
  X(set_source_rgb) \
  X(set_source_rgba) \
  X(show_text) \
  X(status_to_string) \
  X(stroke_preserve) \
  X(surface_destroy) \
  X(surface_finish) \
  X(surface_flush) \
  X(surface_mark_dirty) \
  X(surface_status) \
  X(surface_write_to_png) \
  X(text_extents) \
  X(translate)

typedef struct cairo_api {
#define CA_DECL(f) __typeof__(cairo_##f) *f;
  CAIRO_FUNCS(CA_DECL)
#undef CA_DECL
} cairo_api;

#define CAIRO_KEY "orrery.plot.cairo"
#define CAIRO_LIB "libcairo.so.2"

static const cairo_api *cairo_load (lua_State *L, const char *fn) {
  cairo_api *ca;
  void *h;
  if (lua_getfield(L, LUA_REGISTRYINDEX, CAIRO_KEY) == LUA_TUSERDATA) {
    ca = (cairo_api *)lua_touserdata(L, -1);
    lua_pop(L, 1);
    return ca;
  }
  lua_pop(L, 1);
  h = dlopen(CAIRO_LIB, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    orr_error(L, fn, "PNG and PDF need cairo (apt-get install libcairo2): %s", dlerror());
  ca = (cairo_api *)lua_newuserdatauv(L, sizeof(cairo_api), 0);
#define CA_LOAD(f) \
  *(void **)&ca->f = dlsym(h, "cairo_" #f); \
  if (ca->f == NULL) orr_error(L, fn, "cairo has no cairo_" #f);
  CAIRO_FUNCS(CA_LOAD)
#undef CA_LOAD
  lua_setfield(L, LUA_REGISTRYINDEX, CAIRO_KEY);  /* the library stays open */
  return ca;
}

static void parsecolour (const char *s, double *r, double *g, double *b) {
  unsigned v = 0;
  if (s && s[0] == '#' && strlen(s) == 7 && sscanf(s + 1, "%6x", &v) == 1) {
    *r = ((v >> 16) & 255) / 255.0;
    *g = ((v >> 8) & 255) / 255.0;
    *b = (v & 255) / 255.0;
  } else *r = *g = *b = 0;
}

/* sets the source to field k's colour; returns 0 if the field is absent */
static int setcolour (const cairo_api *ca, lua_State *L, cairo_t *cr, int t, const char *k, double alpha) {
  double r, g, b;
  if (lua_getfield(L, t, k) != LUA_TSTRING) { lua_pop(L, 1); return 0; }
  parsecolour(lua_tostring(L, -1), &r, &g, &b);
  lua_pop(L, 1);
  ca->set_source_rgba(cr, r, g, b, alpha);
  return 1;
}

/* the path of fields x and y (arrays of numbers) */
static int makepath (const cairo_api *ca, lua_State *L, cairo_t *cr, int t) {
  int n, i;
  lua_getfield(L, t, "x");
  lua_getfield(L, t, "y");
  if (!lua_istable(L, -2) || !lua_istable(L, -1)) { lua_pop(L, 2); return 0; }
  n = (int)lua_rawlen(L, -2);
  for (i = 1; i <= n; i++) {
    double x, y;
    lua_rawgeti(L, -2, i); x = lua_tonumber(L, -1);
    lua_rawgeti(L, -2, i); y = lua_tonumber(L, -1);
    lua_pop(L, 2);
    if (i == 1) ca->move_to(cr, x, y); else ca->line_to(cr, x, y);
  }
  lua_pop(L, 2);
  return n;
}

static void strokefill (const cairo_api *ca, lua_State *L, cairo_t *cr, int t) {
  double alpha = fieldnum(L, t, "alpha", 1);
  if (setcolour(ca, L, cr, t, "fill", alpha)) ca->fill_preserve(cr);
  if (setcolour(ca, L, cr, t, "stroke", fieldnum(L, t, "salpha", 1))) {
    ca->set_line_width(cr, fieldnum(L, t, "lw", 1));
    if (lua_getfield(L, t, "dash") == LUA_TTABLE) {
      double d[8];
      int n = (int)lua_rawlen(L, -1), i;
      if (n > 8) n = 8;
      for (i = 0; i < n; i++) {
        lua_rawgeti(L, -1, i + 1);
        d[i] = lua_tonumber(L, -1);
        lua_pop(L, 1);
      }
      ca->set_dash(cr, d, n, 0);
    }
    lua_pop(L, 1);
    ca->stroke_preserve(cr);
    ca->set_dash(cr, NULL, 0, 0);
  }
  ca->new_path(cr);
}

static void drawtext (const cairo_api *ca, lua_State *L, cairo_t *cr, int t) {
  const char *s;
  double x = fieldnum(L, t, "x", 0), y = fieldnum(L, t, "y", 0);
  double size = fieldnum(L, t, "size", 10), anchor = fieldnum(L, t, "anchor", 0);
  double rot = fieldnum(L, t, "rot", 0);
  cairo_text_extents_t ext;
  lua_getfield(L, t, "s");
  s = lua_tostring(L, -1);
  if (s == NULL) { lua_pop(L, 1); return; }
  /* fontconfig resolves "sans-serif" to what the machine has */
  ca->select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         fieldnum(L, t, "bold", 0) ? CAIRO_FONT_WEIGHT_BOLD
                                                   : CAIRO_FONT_WEIGHT_NORMAL);
  ca->set_font_size(cr, size);
  ca->text_extents(cr, s, &ext);
  if (!setcolour(ca, L, cr, t, "fill", 1)) ca->set_source_rgb(cr, 0, 0, 0);
  ca->save(cr);
  ca->translate(cr, x, y);
  if (rot != 0) ca->rotate(cr, -rot * M_PI / 180);
  ca->move_to(cr, -anchor * ext.x_advance, 0);
  ca->show_text(cr, s);
  ca->restore(cr);
  lua_pop(L, 1);
}

static void drawpoints (const cairo_api *ca, lua_State *L, cairo_t *cr, int t, cairo_surface_t *img,
                        double scale, const char *fn) {
  size_t nx, ny, i;
  omat *x, *y;
  ptx tx;
  double r = fieldnum(L, t, "r", 2), alpha = fieldnum(L, t, "alpha", 1);
  double cr_, cg, cb;
  int top = lua_gettop(L);
  lua_getfield(L, t, "x");
  x = omat_vecarg(L, -1, fn, "x", &nx);
  lua_getfield(L, t, "y");
  y = omat_vecarg(L, -1, fn, "y", &ny);
  lua_getfield(L, t, "tx");
  gettx(L, lua_gettop(L), &tx, fn);
  lua_getfield(L, t, "fill");
  parsecolour(lua_tostring(L, -1), &cr_, &cg, &cb);
  if (nx != ny) orr_error(L, fn, "x and y differ in length");
  if (img != NULL && nx >= PNG_STAMP_MIN) {
    /* device pixels: the transform is scaled with the image */
    tx.px0 *= scale; tx.px1 *= scale; tx.py0 *= scale; tx.py1 *= scale;
    ca->surface_flush(img);
    if (raster_points((uint32_t *)ca->image_surface_get_data(img),
                      ca->image_surface_get_width(img),
                      ca->image_surface_get_height(img),
                      ca->image_surface_get_stride(img),
                      x->x, y->x, nx, &tx, r * scale, cr_, cg, cb, alpha))
      orr_interrupterror(L, fn);
    ca->surface_mark_dirty(img);
  } else {
    ca->set_source_rgba(cr, cr_, cg, cb, alpha);
    for (i = 0; i < nx; i++) {
      double dx, dy;
      if ((i & 0xffff) == 0 && ORR_INTERRUPTED()) orr_interrupterror(L, fn);
      if (!ptx_map(&tx, x->x[i], y->x[i], &dx, &dy)) continue;
      ca->new_sub_path(cr);
      ca->arc(cr, dx, dy, r, 0, 2 * M_PI);
      if ((i & 1023) == 1023) ca->fill(cr);  /* keeps the path short */
    }
    ca->fill(cr);
  }
  lua_settop(L, top);
}

/* userdata that destroys the cairo objects when collected (an error raised
   while drawing must not leak them) */
typedef struct cbox { const cairo_api *ca; cairo_surface_t *s; cairo_t *cr; } cbox;

static int cbox_gc (lua_State *L) {
  cbox *b = (cbox *)lua_touserdata(L, 1);
  if (b->cr) b->ca->destroy(b->cr);
  if (b->s) b->ca->surface_destroy(b->s);
  b->cr = NULL; b->s = NULL;
  return 0;
}

/* _cairo(fn, list, path, kind ("png"|"pdf"), width, height, scale) */
static int p_cairo (lua_State *L) {
  const char *fn = luaL_checkstring(L, 1);
  const char *path = luaL_checkstring(L, 3);
  const char *kind = luaL_checkstring(L, 4);
  double w = luaL_checknumber(L, 5), h = luaL_checknumber(L, 6);
  double scale = luaL_optnumber(L, 7, 1);
  int png = strcmp(kind, "png") == 0, n, i;
  const cairo_api *ca;
  cbox *b;
  cairo_status_t st;
  luaL_checktype(L, 2, LUA_TTABLE);
  orr_checkpath(L, path, fn);
  if (!(w > 0 && h > 0 && scale > 0) || w * scale > 20000 || h * scale > 20000)
    return orr_error(L, fn, "bad size %g x %g", w * scale, h * scale);
  ca = cairo_load(L, fn);
  b = (cbox *)lua_newuserdatauv(L, sizeof(cbox), 0);
  b->ca = ca; b->s = NULL; b->cr = NULL;
  lua_newtable(L);
  lua_pushcfunction(L, cbox_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  if (png) {
    b->s = ca->image_surface_create(CAIRO_FORMAT_ARGB32, (int)floor(w * scale + 0.5),
                                      (int)floor(h * scale + 0.5));
  } else {
    FILE *f = fopen(path, "wb");  /* cairo reports no reason: ask first */
    if (f == NULL) return orr_error(L, fn, "cannot write '%s': %s", path, strerror(errno));
    fclose(f);
    b->s = ca->pdf_surface_create(path, w, h);
  }
  if (ca->surface_status(b->s) != CAIRO_STATUS_SUCCESS)
    return orr_error(L, fn, "cannot create the %s surface: %s", kind,
                     ca->status_to_string(ca->surface_status(b->s)));
  b->cr = ca->create(b->s);
  if (png) ca->scale(b->cr, scale, scale);
  ca->set_line_join(b->cr, CAIRO_LINE_JOIN_ROUND);
  ca->set_line_cap(b->cr, CAIRO_LINE_CAP_BUTT);
  n = (int)lua_rawlen(L, 2);
  for (i = 1; i <= n; i++) {
    const char *op;
    int t;
    lua_rawgeti(L, 2, i);
    t = lua_gettop(L);
    lua_getfield(L, t, "op");
    op = lua_tostring(L, -1);
    if (op == NULL) op = "";
    if (strcmp(op, "rect") == 0) {
      ca->rectangle(b->cr, fieldnum(L, t, "x", 0), fieldnum(L, t, "y", 0),
                      fieldnum(L, t, "w", 0), fieldnum(L, t, "h", 0));
      strokefill(ca, L, b->cr, t);
    } else if (strcmp(op, "path") == 0) {
      if (makepath(ca, L, b->cr, t) > 0) {
        if (fieldnum(L, t, "close", 0)) ca->close_path(b->cr);
        strokefill(ca, L, b->cr, t);
      }
    } else if (strcmp(op, "points") == 0) {
      drawpoints(ca, L, b->cr, t, png ? b->s : NULL, scale, fn);
    } else if (strcmp(op, "text") == 0) {
      drawtext(ca, L, b->cr, t);
    } else if (strcmp(op, "clip") == 0) {
      ca->save(b->cr);
      ca->rectangle(b->cr, fieldnum(L, t, "x", 0), fieldnum(L, t, "y", 0),
                      fieldnum(L, t, "w", 0), fieldnum(L, t, "h", 0));
      ca->clip(b->cr);
    } else if (strcmp(op, "unclip") == 0) {
      ca->restore(b->cr);
    }
    lua_settop(L, t - 1);
  }
  ca->destroy(b->cr);
  b->cr = NULL;
  if (png) st = ca->surface_write_to_png(b->s, path);
  else {
    ca->surface_finish(b->s);
    st = ca->surface_status(b->s);
  }
  ca->surface_destroy(b->s);
  b->s = NULL;
  if (st != CAIRO_STATUS_SUCCESS)
    return orr_error(L, fn, "cannot write '%s': %s", path, ca->status_to_string(st));
  return 0;
}


static const luaL_Reg canvas_methods[] = {
  {"points", cv_points}, {"line", cv_line}, {"fill", cv_fill},
  {"rows", cv_rows}, {"size", cv_size},
  {NULL, NULL}
};

static const luaL_Reg plot_funcs[] = {
  {"_canvas", p_canvas},
  {"_scan", p_scan},
  {"_range", p_range},
  {"_termsize", p_termsize},
  {"_isatty", p_isatty},
  {"_write", p_write},
  {"_checkpath", p_checkpath},
  {"_blasinfo", p_blasinfo},
  {"_cairo", p_cairo},
  {NULL, NULL}
};

static const orr_doc plot_docs[] = {
  {NULL, NULL}
};


int luaopen_orrery_plot (lua_State *L) {
  orr_require(L, "mat");
  lua_pop(L, 1);
  if (luaL_newmetatable(L, CANVAS)) {
    luaL_newlib(L, canvas_methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  orr_newlib(L, "plot", plot_funcs, plot_docs);
  lua_pushliteral(L, ORRERY_VERSION);
  lua_setfield(L, -2, "_version");
  return 1;
}
