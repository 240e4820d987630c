/*
** plot kernels: the data-to-device transform, a braille canvas for the
** terminal, and points stamped straight into an ARGB32 image (the cairo
** renderer's fast path for large scatter plots). Plain C on arrays.
*/
#ifndef plot_raster_h
#define plot_raster_h

#include <stddef.h>
#include <stdint.h>

/* Maps data (x, y) to device coordinates: [x0, x1] -> [px0, px1] and
   [y0, y1] -> [py0, py1] (py0 is the bottom); with xlog/ylog the data range
   is in log10 units and the data are logged first. */
typedef struct ptx {
  double x0, x1, y0, y1;
  int xlog, ylog;
  double px0, px1, py0, py1;
} ptx;

/* device x, y of one point; returns 0 when it is missing, off the log scale
   or outside the data ranges (clipped) */
int ptx_map (const ptx *t, double x, double y, double *dx, double *dy);

/* Scans x[0..n-1]: *nan gets the number of NaNs, *inf the 1-based index of
   the first infinite value (0: none). Returns 1 if interrupted. */
int plot_scan (const double *x, size_t n, size_t *nan, size_t *inf);
/* Widens [*lo, *hi] to the non-NaN values of x (the positive ones when
   positive is set, for log axes). */
void plot_range (const double *x, size_t n, int positive, double *lo, double *hi);

/*
** A braille canvas of cols x rows character cells, each 2 x 4 dots.
** dots: cols*rows bytes (one braille pattern per cell), colour: cols*rows
** bytes (the colour index of the cell's last dot, 0 = none), caller-owned.
*/
typedef struct bcanvas {
  int cols, rows;
  unsigned char *dots, *colour;
} bcanvas;

void braille_clear (bcanvas *c);
/* sets the dot (px, py): 0 <= px < 2*cols, 0 <= py < 4*rows, else ignored */
void braille_dot (bcanvas *c, int px, int py, int col);
/* points through t (t maps to dot coordinates); returns 1 if interrupted */
int braille_points (bcanvas *c, const double *x, const double *y, size_t n,
                    const ptx *t, int col);
/* a polyline in dot coordinates (NaN breaks it) */
void braille_line (bcanvas *c, const double *x, const double *y, size_t n,
                   int col);
/* fills the dot rectangle [px0, px1] x [py0, py1] */
void braille_fill (bcanvas *c, int px0, int py0, int px1, int py1, int col);
/* UTF-8 of row r: at most BRAILLE_ROWBYTES(cols) bytes, with ANSI colour
   escapes when ansi is not NULL (ansi[k] = SGR code of colour k, 1..15);
   returns the length */
#define BRAILLE_ROWBYTES(cols) ((size_t)(cols) * 12 + 8)
size_t braille_row (const bcanvas *c, int r, const int *ansi, char *out);

/*
** Stamps n antialiased discs of radius rad (device pixels, <= RASTER_MAXRAD)
** into a premultiplied ARGB32 image (w x h, stride in bytes) with colour
** (r, g, b in 0..1) and opacity a, source-over. Returns 1 if interrupted.
*/
#define RASTER_MAXRAD 8
int raster_points (uint32_t *img, int w, int h, int stride,
                   const double *x, const double *y, size_t n, const ptx *t,
                   double rad, double r, double g, double b, double a);

#endif
