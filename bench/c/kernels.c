// The library kernels (kernels/*.kernel.ts) in C, with the same exact
// semantics, for the "native C" column of `npm run bench`. Built by
// bench/native.js with `gcc -O3 -march=native -ffp-contract=off
// -fno-math-errno`: -ffp-contract=off keeps a * b + c two roundings (as in
// wasm and JS; gcc would otherwise fuse it into an FMA and change results),
// -fno-math-errno lets sqrt be one instruction (it does not change results).
// gcc vectorizes whatever it can prove keeps these semantics.
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include "kernels.h"

// ---- blas
double k_dot(const double *x, const double *y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}
void k_axpy(double a, const double *x, double *y, int n) {
  for (int i = 0; i < n; i++) y[i] += a * x[i];
}
void k_scal(double a, double *x, int n) {
  for (int i = 0; i < n; i++) x[i] *= a;
}
double k_nrm2(const double *x, int n) {
  double scale = 0, ssq = 1;
  for (int i = 0; i < n; i++) {
    double v = x[i];
    if (v != 0) {
      double a = fabs(v);
      if (scale < a) {
        double r = scale / a;
        ssq = 1 + ssq * r * r;
        scale = a;
      } else {
        double r = a / scale;
        ssq += r * r;
      }
    }
  }
  double norm = scale * sqrt(ssq);
  if (norm != norm) {
    for (int i = 0; i < n; i++) if (x[i] != x[i]) return norm;
    return INFINITY;
  }
  return norm;
}
double k_sum(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i];
  return s;
}

// ---- reduce
double k_min(const double *x, int n) {
  double m = INFINITY;
  for (int i = 0; i < n; i++) {
    double v = x[i];
    // Math.min: NaN wins, -0 < +0.
    if (v < m) m = v;
    else if (v != v) return v;
    else if (v == 0 && m == 0 && signbit(v)) m = v;
  }
  return m;
}
double k_max(const double *x, int n) {
  double m = -INFINITY;
  for (int i = 0; i < n; i++) {
    double v = x[i];
    if (v > m) m = v;
    else if (v != v) return v;
    else if (v == 0 && m == 0 && !signbit(v)) m = v;
  }
  return m;
}
int k_argmin(const double *x, int n) {
  if (n == 0) return -1;
  double best = x[0];
  if (best != best) return 0;
  int at = 0;
  for (int i = 1; i < n; i++) {
    double v = x[i];
    if (!(v >= best)) {
      if (v != v) return i;
      best = v;
      at = i;
    }
  }
  return at;
}
int k_argmax(const double *x, int n) {
  if (n == 0) return -1;
  double best = x[0];
  if (best != best) return 0;
  int at = 0;
  for (int i = 1; i < n; i++) {
    double v = x[i];
    if (!(v <= best)) {
      if (v != v) return i;
      best = v;
      at = i;
    }
  }
  return at;
}
double k_mean(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i];
  return s / n;
}
double k_variance(const double *x, int n, int ddof) {
  if (n - ddof <= 0) return NAN;
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i];
  double m = s / n, q = 0;
  for (int i = 0; i < n; i++) {
    double d = x[i] - m;
    q += d * d;
  }
  return q / (n - ddof);
}

// ---- scan
void k_prefixSum(const double *x, double *out, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    s += x[i];
    out[i] = s;
  }
}

// ---- histogram
void k_histogram(const double *x, int n, double lo, double hi, uint32_t *counts, int bins) {
  for (int b = 0; b < bins; b++) counts[b] = 0;
  double scale = (double)bins / (hi - lo);
  int last = bins - 1;
  for (int i = 0; i < n; i++) {
    double v = x[i];
    if (v >= lo) {
      if (v < hi) {
        int b = (int)((v - lo) * scale);
        if (b > last) b = last;
        counts[b]++;
      } else if (v == hi) {
        counts[last]++;
      }
    }
  }
}
void k_histogramU8(const uint8_t *x, int n, uint32_t *counts) {
  for (int b = 0; b < 256; b++) counts[b] = 0;
  for (int i = 0; i < n; i++) counts[x[i]]++;
}

// ---- matmul: same blocking, packing of B and 2 x 4 register tile as the kernel
#define KB 128
#define JB 256
void k_matmul(const double *a, const double *b, double *c, int m, int k, int n) {
  for (int i = 0; i < m * n; i++) c[i] = 0;
  if (m == 0 || k == 0 || n == 0) return;
  double *pack = malloc(sizeof(double) * (size_t)(KB < k ? KB : k) * (size_t)((JB < n ? JB : n) & ~3) + 64);
  int m2 = m - (m & 1);
  for (int kk = 0; kk < k; kk += KB) {
    int kEnd = kk + KB < k ? kk + KB : k, kLen = kEnd - kk;
    for (int jj = 0; jj < n; jj += JB) {
      int jEnd = jj + JB < n ? jj + JB : n;
      int j4 = jj + ((jEnd - jj) & ~3);
      double *q = pack;
      for (int jt = jj; jt < j4; jt += 4) {
        const double *src = b + (size_t)kk * n + jt;
        for (int p = kk; p < kEnd; p++) {
          q[0] = src[0]; q[1] = src[1]; q[2] = src[2]; q[3] = src[3];
          q += 4;
          src += n;
        }
      }
      int i = 0;
      for (; i < m2; i += 2) {
        const double *a0 = a + (size_t)i * k, *a1 = a0 + k;
        double *c0 = c + (size_t)i * n, *c1 = c0 + n;
        int j = jj;
        const double *strip = pack;
        for (; j < j4; j += 4) {
          double s00 = c0[j], s01 = c0[j + 1], s02 = c0[j + 2], s03 = c0[j + 3];
          double s10 = c1[j], s11 = c1[j + 1], s12 = c1[j + 2], s13 = c1[j + 3];
          const double *bp = strip;
          for (int p = kk; p < kEnd; p++) {
            double x0 = a0[p], x1 = a1[p];
            double b0 = bp[0], b1 = bp[1], b2 = bp[2], b3 = bp[3];
            s00 += x0 * b0; s01 += x0 * b1; s02 += x0 * b2; s03 += x0 * b3;
            s10 += x1 * b0; s11 += x1 * b1; s12 += x1 * b2; s13 += x1 * b3;
            bp += 4;
          }
          c0[j] = s00; c0[j + 1] = s01; c0[j + 2] = s02; c0[j + 3] = s03;
          c1[j] = s10; c1[j + 1] = s11; c1[j + 2] = s12; c1[j + 3] = s13;
          strip += (size_t)kLen * 4;
        }
        for (; j < jEnd; j++) {
          double s0 = c0[j], s1 = c1[j];
          const double *bp = b + (size_t)kk * n + j;
          for (int p = kk; p < kEnd; p++) {
            double bv = *bp;
            s0 += a0[p] * bv;
            s1 += a1[p] * bv;
            bp += n;
          }
          c0[j] = s0;
          c1[j] = s1;
        }
      }
      if (i < m) {
        const double *a0 = a + (size_t)i * k;
        double *c0 = c + (size_t)i * n;
        for (int j = jj; j < jEnd; j++) {
          double s = c0[j];
          const double *bp = b + (size_t)kk * n + j;
          for (int p = kk; p < kEnd; p++) {
            s += a0[p] * *bp;
            bp += n;
          }
          c0[j] = s;
        }
      }
    }
  }
  free(pack);
}

// ---- image
static inline int clampi(int v, int hi) { return v < 0 ? 0 : v > hi ? hi : v; }

static float clamped_pixel(const float *src, int width, int xLast, int yLast, const float *w, int kw, int kh, int x, int y) {
  int rx = kw >> 1, ry = kh >> 1, t = 0;
  float acc = 0;
  for (int ky = 0; ky < kh; ky++) {
    const float *row = src + (size_t)clampi(y + ky - ry, yLast) * width;
    for (int kx = 0; kx < kw; kx++) acc = acc + w[t++] * row[clampi(x + kx - rx, xLast)];
  }
  return acc;
}

void k_conv2d(const float *src, float *dst, int width, int height, const float *w, int kw, int kh) {
  if (width == 0 || height == 0) return;
  int rx = kw >> 1, ry = kh >> 1, xLast = width - 1, yLast = height - 1;
  int x0 = rx < width ? rx : width;
  int x1 = width - rx > x0 ? width - rx : x0;
  for (int y = 0; y < height; y++) {
    float *drow = dst + (size_t)y * width;
    int x = 0;
    if (y >= ry && y + ry <= yLast) {
      for (; x < x0; x++) drow[x] = clamped_pixel(src, width, xLast, yLast, w, kw, kh, x, y);
      const float *top = src + (size_t)(y - ry) * width - rx;
      for (; x < x1; x++) {
        float acc = 0;
        const float *base = top + x;
        int t = 0;
        for (int ky = 0; ky < kh; ky++) {
          for (int kx = 0; kx < kw; kx++) acc = acc + w[t++] * base[kx];
          base += width;
        }
        drow[x] = acc;
      }
    }
    for (; x < width; x++) drow[x] = clamped_pixel(src, width, xLast, yLast, w, kw, kh, x, y);
  }
}

void k_blurSeparable(const float *src, float *dst, float *tmp, int width, int height, const float *w, int taps) {
  if (width == 0 || height == 0) return;
  int r = taps >> 1, xLast = width - 1, yLast = height - 1;
  int x0 = r < width ? r : width;
  int x1 = width - r > x0 ? width - r : x0;
  for (int y = 0; y < height; y++) {
    const float *srow = src + (size_t)y * width;
    float *trow = tmp + (size_t)y * width;
    int x = 0;
    for (; x < x0; x++) {
      float acc = 0;
      for (int t = 0; t < taps; t++) acc = acc + w[t] * srow[clampi(x + t - r, xLast)];
      trow[x] = acc;
    }
    for (; x < x1; x++) {
      float acc = 0;
      const float *base = srow + x - r;
      for (int t = 0; t < taps; t++) acc = acc + w[t] * base[t];
      trow[x] = acc;
    }
    for (; x < width; x++) {
      float acc = 0;
      for (int t = 0; t < taps; t++) acc = acc + w[t] * srow[clampi(x + t - r, xLast)];
      trow[x] = acc;
    }
  }
  for (int y = 0; y < height; y++) {
    float *drow = dst + (size_t)y * width;
    for (int x = 0; x < width; x++) drow[x] = 0;
    for (int t = 0; t < taps; t++) {
      float wt = w[t];
      const float *trow = tmp + (size_t)clampi(y + t - r, yLast) * width;
      for (int x = 0; x < width; x++) drow[x] = drow[x] + wt * trow[x];
    }
  }
}

void k_sobel(const uint8_t *src, uint8_t *dst, int width, int height) {
  if (width == 0 || height == 0) return;
  int last = (height - 1) * width;
  for (int x = 0; x < width; x++) {
    dst[x] = 0;
    dst[last + x] = 0;
  }
  for (int y = 1; y < height - 1; y++) {
    dst[y * width] = 0;
    dst[y * width + width - 1] = 0;
  }
  for (int y = 1; y < height - 1; y++) {
    const uint8_t *r0 = src + (size_t)(y - 1) * width, *r1 = r0 + width, *r2 = r1 + width;
    uint8_t *d = dst + (size_t)y * width;
    for (int x = 1; x < width - 1; x++) {
      int gx = r0[x + 1] + 2 * r1[x + 1] + r2[x + 1] - (r0[x - 1] + 2 * r1[x - 1] + r2[x - 1]);
      int gy = r2[x - 1] + 2 * r2[x] + r2[x + 1] - (r0[x - 1] + 2 * r0[x] + r0[x + 1]);
      if (gx < 0) gx = -gx;
      if (gy < 0) gy = -gy;
      int g = gx + gy;
      d[x] = (uint8_t)(g > 255 ? 255 : g);
    }
  }
}

// ---- align (min/max as the kernel writes them; gcc emits cmov)
static inline int mini(int a, int b) { return a < b ? a : b; }
static inline int maxi(int a, int b) { return a > b ? a : b; }

int k_levenshtein(const uint8_t *a, int n, const uint8_t *b, int m, int32_t *row) {
  for (int j = 0; j <= m; j++) row[j] = j;
  for (int i = 1; i <= n; i++) {
    int ai = a[i - 1], diag = i - 1, left = i;
    row[0] = i;
    for (int j = 1; j <= m; j++) {
      int up = row[j];
      int sub = diag + (ai == b[j - 1] ? 0 : 1);
      int d = mini(left + 1, mini(sub, up + 1));
      row[j] = d;
      diag = up;
      left = d;
    }
  }
  return row[m];
}

int k_smithWaterman(const uint8_t *a, int n, const uint8_t *b, int m, int match, int mismatch, int gap, int32_t *row) {
  for (int j = 0; j <= m; j++) row[j] = 0;
  int best = 0;
  for (int i = 1; i <= n; i++) {
    int ai = a[i - 1], diag = 0, left = 0, rowBest = 0;
    for (int j = 1; j <= m; j++) {
      int up = row[j];
      int h0 = diag + (ai == b[j - 1] ? match : mismatch);
      int h = maxi(left + gap, maxi(maxi(h0, up + gap), 0));
      rowBest = maxi(rowBest, h);
      row[j] = h;
      diag = up;
      left = h;
    }
    best = maxi(best, rowBest);
  }
  return best;
}

// ---- mandelbrot
void k_mandelbrot(uint16_t *out, int width, int height, double x0, double y0, double dx, double dy, int maxIter) {
  for (int py = 0; py < height; py++) {
    double cy = y0 + py * dy;
    uint16_t *o = out + (size_t)py * width;
    for (int px = 0; px < width; px++) {
      double cx = x0 + px * dx, zx = 0, zy = 0;
      int n = 0;
      while (n < maxIter) {
        double zx2 = zx * zx, zy2 = zy * zy;
        if (zx2 + zy2 > 4.0) break;
        zy = 2.0 * zx * zy + cy;
        zx = zx2 - zy2 + cx;
        n++;
      }
      o[px] = (uint16_t)n;
    }
  }
}

// ---- nbody
void k_nbodyStep(double *pos, double *vel, const double *mass, int n, double dt, double eps2, int steps) {
  for (int s = 0; s < steps; s++) {
    for (int i = 0; i < n; i++) {
      double xi = pos[3 * i], yi = pos[3 * i + 1], zi = pos[3 * i + 2];
      double vxi = vel[3 * i], vyi = vel[3 * i + 1], vzi = vel[3 * i + 2];
      double mi = mass[i];
      for (int j = i + 1; j < n; j++) {
        double dx = xi - pos[3 * j], dy = yi - pos[3 * j + 1], dz = zi - pos[3 * j + 2];
        double d2 = dx * dx + dy * dy + dz * dz + eps2;
        double mag = dt / (d2 * sqrt(d2));
        double mj = mass[j] * mag;
        vxi -= dx * mj;
        vyi -= dy * mj;
        vzi -= dz * mj;
        double mim = mi * mag;
        vel[3 * j] += dx * mim;
        vel[3 * j + 1] += dy * mim;
        vel[3 * j + 2] += dz * mim;
      }
      vel[3 * i] = vxi;
      vel[3 * i + 1] = vyi;
      vel[3 * i + 2] = vzi;
    }
    for (int k = 0; k < 3 * n; k++) pos[k] += dt * vel[k];
  }
}

double k_nbodyEnergy(const double *pos, const double *vel, const double *mass, int n, double eps2) {
  double e = 0;
  for (int i = 0; i < n; i++) {
    double vx = vel[3 * i], vy = vel[3 * i + 1], vz = vel[3 * i + 2];
    e += 0.5 * mass[i] * (vx * vx + vy * vy + vz * vz);
  }
  for (int i = 0; i < n; i++) {
    double mi = mass[i];
    for (int j = i + 1; j < n; j++) {
      double dx = pos[3 * i] - pos[3 * j], dy = pos[3 * i + 1] - pos[3 * j + 1], dz = pos[3 * i + 2] - pos[3 * j + 2];
      e -= (mi * mass[j]) / sqrt(dx * dx + dy * dy + dz * dz + eps2);
    }
  }
  return e;
}
