/* Native baseline for bench/loopnest.js. Usage:
 *   harness KERNEL SIZE MIN_MS MIN_RUNS
 * builds the same inputs as cases.js (mulberry32, same seeds), runs the kernel
 * once on fresh inputs (its output hash is what JS and wasm must match), then
 * warm timed runs (in-place inputs restored, untimed, before each), and prints
 * one JSON line: {"kernel":..,"median_ms":..,"runs":..,"hash":".."}. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void matmul(const double *a, const double *b, double *c, int n, int p, int m);
void matvec(const double *a, const double *x, double *y, int n, int m);
void jacobi5(const double *src, double *dst, int w, int h);
void sweep9(double *g, int w, int h);
void floydWarshall(int32_t *d, int n);
void matmulIJK(const double *a, const double *b, double *c, int n);
void matvecT(const double *a, const double *x, double *y, int n, int m);
void stencilF32(const float *in, float *out, int w, int h);
void sor(double *u, int w, int h, double omega);
void floydMin(double *d, int n);

typedef struct { uint32_t a; } rng_t;
static double next(rng_t *r) {
  r->a += 0x6d2b79f5u;
  uint32_t t = (r->a ^ (r->a >> 15)) * (1u | r->a);
  t = (t + (t ^ (t >> 7)) * (61u | t)) ^ t;
  return (double)(t ^ (t >> 14)) / 4294967296.0;
}
static double *uniform(size_t len, uint32_t seed, double lo, double hi) {
  double *p = malloc(len * sizeof(double) + 64);
  rng_t r = { seed };
  for (size_t i = 0; i < len; i++) p[i] = lo + (hi - lo) * next(&r);
  return p;
}
static int32_t *graph(int n, uint32_t seed) {
  int32_t *d = malloc((size_t)n * n * sizeof(int32_t) + 64);
  rng_t r = { seed };
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double u = next(&r);
      int32_t w = 1 + (int32_t)(next(&r) * 100);
      d[i * n + j] = i == j ? 0 : u < 0.25 ? w : (1 << 29);
    }
  return d;
}
static float *uniformF32(size_t len, uint32_t seed, double lo, double hi) {
  float *p = malloc(len * sizeof(float) + 64);
  rng_t r = { seed };
  for (size_t i = 0; i < len; i++) p[i] = (float)(lo + (hi - lo) * next(&r));
  return p;
}
static uint32_t fnv(const void *p, size_t bytes) {
  const unsigned char *b = p;
  uint32_t h = 0x811c9dc5u;
  for (size_t i = 0; i < bytes; i++) h = (h ^ b[i]) * 0x01000193u;
  return h;
}
static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
static int cmp(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: harness KERNEL SIZE MIN_MS MIN_RUNS\n"); return 2; }
  const char *k = argv[1];
  int n = atoi(argv[2]);
  double min_ms = atof(argv[3]);
  int min_runs = atoi(argv[4]);
  size_t nn = (size_t)n * n;
  double *a = NULL, *b = NULL, *c = NULL, *orig = NULL;
  int32_t *d = NULL, *dorig = NULL;
  float *fa = NULL, *fc = NULL;
  const void *out; size_t out_bytes;
  int which;
  if (!strcmp(k, "matmul")) { which = 0; a = uniform(nn, 1, -1, 1); b = uniform(nn, 2, -1, 1); c = calloc(nn, 8); out = c; out_bytes = nn * 8; }
  else if (!strcmp(k, "matvec")) { which = 1; a = uniform(nn, 1, -1, 1); b = uniform(n, 2, -1, 1); c = calloc(n, 8); out = c; out_bytes = (size_t)n * 8; }
  else if (!strcmp(k, "jacobi5")) { which = 2; a = uniform(nn, 1, 0, 1); c = calloc(nn, 8); out = c; out_bytes = nn * 8; }
  else if (!strcmp(k, "sweep9")) { which = 3; orig = uniform(nn, 1, 0, 1); a = malloc(nn * 8); memcpy(a, orig, nn * 8); out = a; out_bytes = nn * 8; }
  else if (!strcmp(k, "floydWarshall")) { which = 4; dorig = graph(n, 1); d = malloc(nn * 4); memcpy(d, dorig, nn * 4); out = d; out_bytes = nn * 4; }
  else if (!strcmp(k, "matmulIJK")) { which = 5; a = uniform(nn, 1, -1, 1); b = uniform(nn, 2, -1, 1); c = calloc(nn, 8); out = c; out_bytes = nn * 8; }
  else if (!strcmp(k, "matvecT")) { which = 6; a = uniform(nn, 1, -1, 1); b = uniform(n, 2, -1, 1); c = calloc(n, 8); out = c; out_bytes = (size_t)n * 8; }
  else if (!strcmp(k, "stencilF32")) { which = 7; fa = uniformF32(nn, 1, 0, 1); fc = calloc(nn, 4); out = fc; out_bytes = nn * 4; }
  else if (!strcmp(k, "sor")) { which = 8; orig = uniform(nn, 1, 0, 1); a = malloc(nn * 8); memcpy(a, orig, nn * 8); out = a; out_bytes = nn * 8; }
  else if (!strcmp(k, "floydMin")) { which = 9; dorig = graph(n, 1); orig = malloc(nn * 8); for (size_t i = 0; i < nn; i++) orig[i] = dorig[i]; a = malloc(nn * 8); memcpy(a, orig, nn * 8); out = a; out_bytes = nn * 8; }
  else { fprintf(stderr, "unknown kernel %s\n", k); return 2; }

#define RUN() do { switch (which) { \
    case 0: matmul(a, b, c, n, n, n); break; \
    case 1: matvec(a, b, c, n, n); break; \
    case 2: jacobi5(a, c, n, n); break; \
    case 3: sweep9(a, n, n); break; \
    case 4: floydWarshall(d, n); break; \
    case 5: matmulIJK(a, b, c, n); break; \
    case 6: matvecT(a, b, c, n, n); break; \
    case 7: stencilF32(fa, fc, n, n); break; \
    case 8: sor(a, n, n, 1.5); break; \
    case 9: floydMin(a, n); break; } } while (0)
#define RESET() do { if (which == 3 || which == 8 || which == 9) memcpy(a, orig, nn * 8); if (which == 4) memcpy(d, dorig, nn * 4); } while (0)

  RUN();
  uint32_t hash = fnv(out, out_bytes);
  for (int i = 0; i < 3; i++) { RESET(); RUN(); }
  int cap = 100000, runs = 0;
  double *times = malloc(cap * sizeof(double));
  double start = now_ms();
  while (runs < min_runs || (now_ms() - start < min_ms && runs < cap)) {
    RESET();
    double t = now_ms();
    RUN();
    times[runs++] = now_ms() - t;
  }
  qsort(times, runs, sizeof(double), cmp);
  printf("{\"kernel\":\"%s\",\"median_ms\":%.6f,\"runs\":%d,\"hash\":\"%08x\"}\n", k, times[runs / 2], runs, hash);
  return 0;
}
