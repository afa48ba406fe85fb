// Native-C timing harness for `npm run bench` (bench/native.js drives it).
//
//   harness CASE ARGS_FILE MIN_TIME_MS WARMUP_MS OUTPUT_INDEX
//
// ARGS_FILE holds the kernel's arguments exactly as the JS side built them
// (same values, same array contents): "TSKB", u32 argc, then per argument a
// tag byte, 0 = number (f64) or 1 = typed array (u8 kind, u32 length, data).
// The harness calls the C kernel once on those inputs (its result and an
// FNV-1a hash of argument OUTPUT_INDEX are printed, for the JS side to
// compare with the reference), warms up, then times batches of calls until
// MIN_TIME_MS have passed and prints the median time per call as JSON.
// The kernels live in another translation unit and are called through a
// function pointer with a compiler barrier between calls, so gcc cannot hoist
// or merge them.
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#include "kernels.h"

typedef struct {
  int isArray;
  double num;
  int kind;
  uint32_t length;
  void *data;
  size_t bytes;
} Arg;

static const size_t KIND_SIZE[] = {8, 4, 4, 4, 2, 2, 1, 1};

static Arg args[16];
static int argc_;
static double result;

#define F64(i) ((double *)args[i].data)
#define F32(i) ((float *)args[i].data)
#define I32(i) ((int32_t *)args[i].data)
#define U32(i) ((uint32_t *)args[i].data)
#define U16(i) ((uint16_t *)args[i].data)
#define U8(i) ((uint8_t *)args[i].data)
#define NUM(i) (args[i].num)
#define INT(i) ((int)args[i].num)
#define LEN(i) ((int)args[i].length)

static void c_dot(void) { result = k_dot(F64(0), F64(1), LEN(0)); }
static void c_axpy(void) { k_axpy(NUM(0), F64(1), F64(2), LEN(1)); }
static void c_scal(void) { k_scal(NUM(0), F64(1), LEN(1)); }
static void c_nrm2(void) { result = k_nrm2(F64(0), LEN(0)); }
static void c_sum(void) { result = k_sum(F64(0), LEN(0)); }
static void c_min(void) { result = k_min(F64(0), LEN(0)); }
static void c_max(void) { result = k_max(F64(0), LEN(0)); }
static void c_argmin(void) { result = k_argmin(F64(0), LEN(0)); }
static void c_argmax(void) { result = k_argmax(F64(0), LEN(0)); }
static void c_mean(void) { result = k_mean(F64(0), LEN(0)); }
static void c_variance(void) { result = k_variance(F64(0), LEN(0), INT(1)); }
static void c_prefixSum(void) { k_prefixSum(F64(0), F64(1), LEN(0)); }
static void c_histogram(void) { k_histogram(F64(0), LEN(0), NUM(1), NUM(2), U32(3), LEN(3)); }
static void c_histogramU8(void) { k_histogramU8(U8(0), LEN(0), U32(1)); }
static void c_matmul(void) { k_matmul(F64(0), F64(1), F64(2), INT(3), INT(4), INT(5)); }
static void c_conv2d(void) { k_conv2d(F32(0), F32(1), INT(2), INT(3), F32(4), INT(5), INT(6)); }
static void c_blurSeparable(void) { k_blurSeparable(F32(0), F32(1), F32(2), INT(3), INT(4), F32(5), LEN(5)); }
static void c_sobel(void) { k_sobel(U8(0), U8(1), INT(2), INT(3)); }
static void c_levenshtein(void) { result = k_levenshtein(U8(0), LEN(0), U8(1), LEN(1), I32(2)); }
static void c_smithWaterman(void) { result = k_smithWaterman(U8(0), LEN(0), U8(1), LEN(1), INT(2), INT(3), INT(4), I32(5)); }
static void c_mandelbrot(void) { k_mandelbrot(U16(0), INT(1), INT(2), NUM(3), NUM(4), NUM(5), NUM(6), INT(7)); }
static void c_nbodyStep(void) { k_nbodyStep(F64(0), F64(1), F64(2), LEN(2), NUM(3), NUM(4), INT(5)); }
static void c_nbodyEnergy(void) { result = k_nbodyEnergy(F64(0), F64(1), F64(2), LEN(2), NUM(3)); }

static const struct { const char *name; void (*fn)(void); } CASES[] = {
  {"dot", c_dot}, {"axpy", c_axpy}, {"scal", c_scal}, {"nrm2", c_nrm2}, {"sum", c_sum},
  {"min", c_min}, {"max", c_max}, {"argmin", c_argmin}, {"argmax", c_argmax},
  {"mean", c_mean}, {"variance", c_variance}, {"prefixSum", c_prefixSum},
  {"histogram", c_histogram}, {"histogramU8", c_histogramU8}, {"matmul", c_matmul},
  {"conv2d", c_conv2d}, {"blurSeparable", c_blurSeparable}, {"sobel", c_sobel},
  {"levenshtein", c_levenshtein}, {"smithWaterman", c_smithWaterman},
  {"mandelbrot", c_mandelbrot}, {"nbodyStep", c_nbodyStep}, {"nbodyEnergy", c_nbodyEnergy},
};

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void fail(const char *msg) {
  fprintf(stderr, "harness: %s\n", msg);
  exit(2);
}

static void read_args(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) fail("cannot open the arguments file");
  char magic[4];
  uint32_t count;
  if (fread(magic, 1, 4, f) != 4 || memcmp(magic, "TSKB", 4) != 0) fail("bad arguments file");
  if (fread(&count, 4, 1, f) != 1 || count > 16) fail("bad argument count");
  argc_ = (int)count;
  for (int i = 0; i < argc_; i++) {
    uint8_t tag;
    if (fread(&tag, 1, 1, f) != 1) fail("truncated");
    if (tag == 0) {
      if (fread(&args[i].num, 8, 1, f) != 1) fail("truncated");
    } else {
      uint8_t kind;
      if (fread(&kind, 1, 1, f) != 1 || kind > 7) fail("bad array kind");
      if (fread(&args[i].length, 4, 1, f) != 1) fail("truncated");
      args[i].isArray = 1;
      args[i].kind = kind;
      args[i].bytes = (size_t)args[i].length * KIND_SIZE[kind];
      // 64-byte aligned, as tskern's allocator and malloc give for large blocks.
      args[i].data = aligned_alloc(64, (args[i].bytes + 63) / 64 * 64 + 64);
      if (!args[i].data) fail("out of memory");
      if (args[i].bytes && fread(args[i].data, 1, args[i].bytes, f) != args[i].bytes) fail("truncated");
    }
  }
  fclose(f);
}

static uint32_t fnv1a(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
  return h;
}

int main(int argc, char **argv) {
  if (argc != 6) fail("usage: harness CASE ARGS_FILE MIN_TIME_MS WARMUP_MS OUTPUT_INDEX");
  void (*volatile fn)(void) = 0;
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    if (strcmp(CASES[i].name, argv[1]) == 0) fn = CASES[i].fn;
  }
  if (!fn) fail("unknown case");
  read_args(argv[2]);
  double minTime = atof(argv[3]), warmup = atof(argv[4]);
  int out = atoi(argv[5]);

  result = 0;
  fn();
  double first = result;
  uint32_t hash = 0;
  if (out >= 0 && out < argc_ && args[out].isArray) hash = fnv1a(args[out].data, args[out].bytes);

  double t0 = now_ms();
  long calls = 0;
  do {
    fn();
    __asm__ __volatile__("" ::: "memory");
    calls++;
  } while (now_ms() - t0 < warmup || calls < 2);
  double per = (now_ms() - t0) / calls;
  long batch = per >= 0.05 ? 1 : (long)(0.05 / (per > 1e-6 ? per : 1e-6)) + 1;

  static double samples[100000];
  int ns = 0;
  double start = now_ms();
  while ((now_ms() - start < minTime || ns < 5) && ns < 100000) {
    double s = now_ms();
    for (long b = 0; b < batch; b++) {
      fn();
      __asm__ __volatile__("" ::: "memory");
    }
    samples[ns++] = (now_ms() - s) / batch;
  }
  qsort(samples, ns, sizeof(double), cmp_double);
  printf("{\"medianMs\":%.9g,\"p25\":%.9g,\"p75\":%.9g,\"samples\":%d,\"batch\":%ld,\"result\":\"%.17g\",\"hash\":%u}\n",
         samples[ns / 2], samples[ns / 4], samples[(3 * ns) / 4], ns, batch, first, hash);
  return 0;
}
