/*
** plot kernels (raster.h): braille canvas and point stamping.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ointr.h"
#include "plot/raster.h"


int ptx_map (const ptx *t, double x, double y, double *dx, double *dy) {
  if (t->xlog) { if (!(x > 0)) return 0; x = log10(x); }
  if (t->ylog) { if (!(y > 0)) return 0; y = log10(y); }
  if (!isfinite(x) || !isfinite(y)) return 0;
  /* outside the axis ranges (set limits): clipped */
  if ((x - t->x0) * (x - t->x1) > 0 || (y - t->y0) * (y - t->y1) > 0) return 0;
  *dx = t->px0 + (x - t->x0) / (t->x1 - t->x0) * (t->px1 - t->px0);
  *dy = t->py0 + (y - t->y0) / (t->y1 - t->y0) * (t->py1 - t->py0);
  return 1;
}


int plot_scan (const double *x, size_t n, size_t *nan, size_t *inf) {
  size_t i, k = 0;
  *inf = 0;
  for (i = 0; i < n; i++) {
    if ((i & 0xfffff) == 0 && ORR_INTERRUPTED()) return 1;
    if (isnan(x[i])) k++;
    else if (isinf(x[i]) && *inf == 0) *inf = i + 1;
  }
  *nan = k;
  return 0;
}


void plot_range (const double *x, size_t n, int positive, double *lo, double *hi) {
  size_t i;
  double a = *lo, b = *hi;
  for (i = 0; i < n; i++) {
    double v = x[i];
    if (isnan(v) || (positive && !(v > 0))) continue;
    if (v < a) a = v;
    if (v > b) b = v;
  }
  *lo = a; *hi = b;
}


void braille_clear (bcanvas *c) {
  size_t n = (size_t)c->cols * (size_t)c->rows;
  memset(c->dots, 0, n);
  memset(c->colour, 0, n);
}


/* the bit of dot (dx, dy) within a cell, Unicode's braille numbering */
static const unsigned char dotbit[4][2] = {
  {0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}
};

void braille_dot (bcanvas *c, int px, int py, int col) {
  size_t k;
  if (px < 0 || py < 0 || px >= 2 * c->cols || py >= 4 * c->rows) return;
  k = (size_t)(py / 4) * (size_t)c->cols + (size_t)(px / 2);
  c->dots[k] |= dotbit[py % 4][px % 2];
  if (col) c->colour[k] = (unsigned char)col;
}


int braille_points (bcanvas *c, const double *x, const double *y, size_t n,
                    const ptx *t, int col) {
  size_t i;
  for (i = 0; i < n; i++) {
    double dx, dy;
    if ((i & 0xffff) == 0 && ORR_INTERRUPTED()) return 1;
    if (!ptx_map(t, x[i], y[i], &dx, &dy)) continue;
    if (dx < -0.5 || dy < -0.5) continue;  /* (int) truncates toward zero */
    braille_dot(c, (int)(dx + 0.5), (int)(dy + 0.5), col);
  }
  return 0;
}


/* Bresenham between rounded dot positions; segments far off the canvas are
   clipped to a box around it first so the loop stays short */
static void segment (bcanvas *c, double x0, double y0, double x1, double y1,
                     int col) {
  double lim = 4.0 * (c->cols + c->rows) + 16;
  int ix0, iy0, ix1, iy1, dx, dy, sx, sy, err;
  if (fabs(x0) > lim || fabs(x1) > lim || fabs(y0) > lim || fabs(y1) > lim) {
    /* parametric clip to [-lim, lim]^2 (Liang-Barsky) */
    double p[4], q[4], u0 = 0, u1 = 1, ddx = x1 - x0, ddy = y1 - y0;
    int k;
    p[0] = -ddx; q[0] = x0 + lim; p[1] = ddx; q[1] = lim - x0;
    p[2] = -ddy; q[2] = y0 + lim; p[3] = ddy; q[3] = lim - y0;
    for (k = 0; k < 4; k++) {
      if (p[k] == 0) { if (q[k] < 0) return; continue; }
      if (p[k] < 0) { double r = q[k] / p[k]; if (r > u1) return; if (r > u0) u0 = r; }
      else { double r = q[k] / p[k]; if (r < u0) return; if (r < u1) u1 = r; }
    }
    x1 = x0 + u1 * ddx; y1 = y0 + u1 * ddy;
    x0 = x0 + u0 * ddx; y0 = y0 + u0 * ddy;
  }
  ix0 = (int)lround(x0); iy0 = (int)lround(y0);
  ix1 = (int)lround(x1); iy1 = (int)lround(y1);
  dx = abs(ix1 - ix0); dy = -abs(iy1 - iy0);
  sx = ix0 < ix1 ? 1 : -1; sy = iy0 < iy1 ? 1 : -1;
  err = dx + dy;
  for (;;) {
    int e2;
    braille_dot(c, ix0, iy0, col);
    if (ix0 == ix1 && iy0 == iy1) break;
    e2 = 2 * err;
    if (e2 >= dy) { err += dy; ix0 += sx; }
    if (e2 <= dx) { err += dx; iy0 += sy; }
  }
}


void braille_line (bcanvas *c, const double *x, const double *y, size_t n,
                   int col) {
  size_t i;
  for (i = 0; i + 1 < n; i++) {
    if (isfinite(x[i]) && isfinite(y[i]) && isfinite(x[i + 1]) && isfinite(y[i + 1]))
      segment(c, x[i], y[i], x[i + 1], y[i + 1], col);
    else if (i == 0 && isfinite(x[0]) && isfinite(y[0]))
      segment(c, x[0], y[0], x[0], y[0], col);
  }
  if (n == 1 && isfinite(x[0]) && isfinite(y[0]))
    segment(c, x[0], y[0], x[0], y[0], col);
}


void braille_fill (bcanvas *c, int px0, int py0, int px1, int py1, int col) {
  int px, py;
  if (px0 > px1) { int s = px0; px0 = px1; px1 = s; }
  if (py0 > py1) { int s = py0; py0 = py1; py1 = s; }
  if (px0 < 0) px0 = 0;
  if (py0 < 0) py0 = 0;
  if (px1 >= 2 * c->cols) px1 = 2 * c->cols - 1;
  if (py1 >= 4 * c->rows) py1 = 4 * c->rows - 1;
  for (py = py0; py <= py1; py++)
    for (px = px0; px <= px1; px++) braille_dot(c, px, py, col);
}


size_t braille_row (const bcanvas *c, int r, const int *ansi, char *out) {
  size_t len = 0;
  int j, cur = 0;
  for (j = 0; j < c->cols; j++) {
    size_t k = (size_t)r * (size_t)c->cols + (size_t)j;
    unsigned cp = 0x2800u + c->dots[k];
    int col = c->dots[k] ? c->colour[k] : 0;
    if (ansi && col != cur) {
      if (col) len += (size_t)sprintf(out + len, "\033[%dm", ansi[col & 15]);
      else { memcpy(out + len, "\033[0m", 4); len += 4; }
      cur = col;
    }
    if (c->dots[k] == 0) out[len++] = ' ';
    else {  /* U+2800..U+28FF: three UTF-8 bytes */
      out[len++] = (char)(0xE0 | (cp >> 12));
      out[len++] = (char)(0x80 | ((cp >> 6) & 0x3F));
      out[len++] = (char)(0x80 | (cp & 0x3F));
    }
  }
  if (ansi && cur) { memcpy(out + len, "\033[0m", 4); len += 4; }
  return len;
}


/* one premultiplied source-over blend of colour (r, g, b) at coverage a */
static void blend (uint32_t *p, double a, double r, double g, double b) {
  uint32_t d = *p;
  double ia = 1 - a;
  unsigned da = (d >> 24) & 255, dr = (d >> 16) & 255, dg = (d >> 8) & 255, db = d & 255;
  unsigned na = (unsigned)(a * 255 + da * ia + 0.5);
  unsigned nr = (unsigned)(r * a * 255 + dr * ia + 0.5);
  unsigned ng = (unsigned)(g * a * 255 + dg * ia + 0.5);
  unsigned nb = (unsigned)(b * a * 255 + db * ia + 0.5);
  *p = (na << 24) | (nr << 16) | (ng << 8) | nb;
}


int raster_points (uint32_t *img, int w, int h, int stride,
                   const double *x, const double *y, size_t n, const ptx *t,
                   double rad, double r, double g, double b, double a) {
  /* the coverage of a disc centred in a (2R+2)^2 stamp, 4x4 supersampled;
     the point is snapped to the pixel grid (a quarter-pixel error) so one
     stamp serves every point */
  enum { S = 2 * RASTER_MAXRAD + 2 };
  double cov[S * S];
  int R, sz, i, j;
  size_t k;
  if (rad > RASTER_MAXRAD) rad = RASTER_MAXRAD;
  if (rad < 0.5) rad = 0.5;
  R = (int)ceil(rad);
  sz = 2 * R + 1;
  for (i = 0; i < sz; i++)
    for (j = 0; j < sz; j++) {
      int si, sj, in = 0;
      for (si = 0; si < 4; si++)
        for (sj = 0; sj < 4; sj++) {
          double ddx = j - R + (sj + 0.5) / 4 - 0.5, ddy = i - R + (si + 0.5) / 4 - 0.5;
          if (ddx * ddx + ddy * ddy <= rad * rad) in++;
        }
      cov[i * sz + j] = a * in / 16.0;
    }
  for (k = 0; k < n; k++) {
    double dx, dy;
    int cx, cy;
    if ((k & 0xffff) == 0 && ORR_INTERRUPTED()) return 1;
    if (!ptx_map(t, x[k], y[k], &dx, &dy)) continue;
    if (dx < -R - 1 || dy < -R - 1 || dx > w + R || dy > h + R) continue;
    cx = (int)floor(dx); cy = (int)floor(dy);
    for (i = 0; i < sz; i++) {
      int yy = cy - R + i;
      uint32_t *row;
      if (yy < 0 || yy >= h) continue;
      row = (uint32_t *)((unsigned char *)img + (size_t)yy * (size_t)stride);
      for (j = 0; j < sz; j++) {
        int xx = cx - R + j;
        double cv = cov[i * sz + j];
        if (xx < 0 || xx >= w || cv <= 0) continue;
        blend(row + xx, cv, r, g, b);
      }
    }
  }
  return 0;
}
