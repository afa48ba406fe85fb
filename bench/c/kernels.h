// Prototypes of bench/c/kernels.c (the library kernels in C).
#include <stdint.h>
double k_dot(const double *x, const double *y, int n);
void k_axpy(double a, const double *x, double *y, int n);
void k_scal(double a, double *x, int n);
double k_nrm2(const double *x, int n);
double k_sum(const double *x, int n);
double k_min(const double *x, int n);
double k_max(const double *x, int n);
int k_argmin(const double *x, int n);
int k_argmax(const double *x, int n);
double k_mean(const double *x, int n);
double k_variance(const double *x, int n, int ddof);
void k_prefixSum(const double *x, double *out, int n);
void k_histogram(const double *x, int n, double lo, double hi, uint32_t *counts, int bins);
void k_histogramU8(const uint8_t *x, int n, uint32_t *counts);
void k_matmul(const double *a, const double *b, double *c, int m, int k, int n);
void k_conv2d(const float *src, float *dst, int width, int height, const float *w, int kw, int kh);
void k_blurSeparable(const float *src, float *dst, float *tmp, int width, int height, const float *w, int taps);
void k_sobel(const uint8_t *src, uint8_t *dst, int width, int height);
int k_levenshtein(const uint8_t *a, int n, const uint8_t *b, int m, int32_t *row);
int k_smithWaterman(const uint8_t *a, int n, const uint8_t *b, int m, int match, int mismatch, int gap, int32_t *row);
void k_mandelbrot(uint16_t *out, int width, int height, double x0, double y0, double dx, double dy, int maxIter);
void k_nbodyStep(double *pos, double *vel, const double *mass, int n, double dt, double eps2, int steps);
double k_nbodyEnergy(const double *pos, const double *vel, const double *mass, int n, double eps2);
