/* The loop-nest kernels in C, the same loops as the *.kernel.ts files, for the
 * native baseline (gcc -O3, and -O3 -march=native for reference). Compiled
 * apart from the harness so gcc cannot specialize them for the bench sizes. */
#include <stdint.h>

void matmul(const double *a, const double *b, double *c, int n, int p, int m) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < m; j++) c[i * m + j] = 0.0;
    for (int k = 0; k < p; k++) {
      const double aik = a[i * p + k];
      for (int j = 0; j < m; j++) {
        c[i * m + j] += aik * b[k * m + j];
      }
    }
  }
}

void matvec(const double *a, const double *x, double *y, int n, int m) {
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int j = 0; j < m; j++) {
      s += a[i * m + j] * x[j];
    }
    y[i] = s;
  }
}

void jacobi5(const double *src, double *dst, int w, int h) {
  for (int y = 1; y < h - 1; y++) {
    for (int x = 1; x < w - 1; x++) {
      dst[y * w + x] = 0.25 * (src[(y - 1) * w + x] + src[(y + 1) * w + x] + src[y * w + x - 1] + src[y * w + x + 1]);
    }
  }
}

void sweep9(double *g, int w, int h) {
  const double r = 1.0 / 9.0;
  for (int y = 1; y < h - 1; y++) {
    const int row = y * w;
    for (int x = 1; x < w - 1; x++) {
      const int i = row + x;
      g[i] = (g[i - w - 1] + g[i - w] + g[i - w + 1] +
              g[i - 1] + g[i] + g[i + 1] +
              g[i + w - 1] + g[i + w] + g[i + w + 1]) * r;
    }
  }
}

void floydWarshall(int32_t *d, int n) {
  for (int k = 0; k < n; k++) {
    for (int i = 0; i < n; i++) {
      const int32_t dik = d[i * n + k];
      for (int j = 0; j < n; j++) {
        const int32_t t = dik + d[k * n + j];
        if (t < d[i * n + j]) d[i * n + j] = t;
      }
    }
  }
}

/* ---- variants (--variants) ---------------------------------------------- */

void matmulIJK(const double *a, const double *b, double *c, int n) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      double s = 0.0;
      for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
  }
}

void matvecT(const double *a, const double *x, double *y, int n, int m) {
  for (int j = 0; j < m; j++) y[j] = 0;
  for (int i = 0; i < n; i++) {
    const double xi = x[i];
    for (int j = 0; j < m; j++) y[j] += a[i * m + j] * xi;
  }
}

void stencilF32(const float *in, float *out, int w, int h) {
  for (int y = 1; y < h - 1; y++) {
    const int up = (y - 1) * w, mid = y * w, dn = (y + 1) * w;
    for (int x = 1; x < w - 1; x++) {
      out[mid + x] = 0.2f * (in[mid + x] + in[up + x] + in[dn + x] + in[mid + x - 1] + in[mid + x + 1]);
    }
  }
}

void sor(double *u, int w, int h, double omega) {
  for (int y = 1; y < h - 1; y++) {
    for (int x = 1; x < w - 1; x++) {
      const int i = y * w + x;
      u[i] = u[i] + omega * ((u[i - 1] + u[i + 1] + u[i - w] + u[i + w]) * 0.25 - u[i]);
    }
  }
}

/* Math.min semantics for the inputs used here (no NaN, no -0). */
void floydMin(double *d, int n) {
  for (int k = 0; k < n; k++) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        const double t = d[i * n + k] + d[k * n + j];
        const double v = d[i * n + j];
        d[i * n + j] = t < v ? t : v;
      }
    }
  }
}
