// linalg_vec.cc — see linalg_vec.h. Plain loops written for the auto-vectoriser: four independent
// partial sums in dot (so the FMA latency is hidden), restrict-free but alias-safe callers.
#include "linalg_vec.h"

// The 32-byte vector helpers below are internal and inlined: their ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace lepton {
namespace linalg {

LEPTON_LINALG_CLONES
double dot(int64_t n, const double* x, const double* y) noexcept {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
    s4 += x[i + 4] * y[i + 4];
    s5 += x[i + 5] * y[i + 5];
    s6 += x[i + 6] * y[i + 6];
    s7 += x[i + 7] * y[i + 7];
  }
  for (; i < n; ++i) s0 += x[i] * y[i];
  return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7));
}

namespace {
typedef double V4 __attribute__((vector_size(32)));
inline V4 load4(const double* p) {
  V4 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline double sum4(const V4& v) { return (v[0] + v[2]) + (v[1] + v[3]); }
}  // namespace

LEPTON_LINALG_CLONES
void dot4(int64_t n, const double* x, int64_t ld, const double* y, double* out) noexcept {
  const double* x0 = x;
  const double* x1 = x + ld;
  const double* x2 = x + 2 * ld;
  const double* x3 = x + 3 * ld;
  V4 a0 = {0, 0, 0, 0}, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const V4 y0 = load4(y + i), y1 = load4(y + i + 4);
    a0 += load4(x0 + i) * y0;
    a1 += load4(x1 + i) * y0;
    a2 += load4(x2 + i) * y0;
    a3 += load4(x3 + i) * y0;
    b0 += load4(x0 + i + 4) * y1;
    b1 += load4(x1 + i + 4) * y1;
    b2 += load4(x2 + i + 4) * y1;
    b3 += load4(x3 + i + 4) * y1;
  }
  double s0 = sum4(a0 + b0), s1 = sum4(a1 + b1), s2 = sum4(a2 + b2), s3 = sum4(a3 + b3);
  for (; i < n; ++i) {
    s0 += x0[i] * y[i];
    s1 += x1[i] * y[i];
    s2 += x2[i] * y[i];
    s3 += x3[i] * y[i];
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

LEPTON_LINALG_CLONES
void axpy(int64_t n, double a, const double* __restrict x, double* __restrict y) noexcept {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

LEPTON_LINALG_CLONES
void rotate(int64_t n, double* __restrict x, double* __restrict y, double c, double s) noexcept {
  for (int64_t i = 0; i < n; ++i) {
    const double a = x[i];
    const double b = y[i];
    x[i] = c * a + s * b;
    y[i] = c * b - s * a;
  }
}

LEPTON_LINALG_CLONES
void rotate_batch(int64_t count, const int64_t* ri, const int64_t* rj, const double* cs, const double* sn, double* x,
                  int64_t ld, int64_t c0, int64_t w) noexcept {
  int64_t r = 0;
  while (r < count) {
    double* __restrict xi = x + ri[r] * ld + c0;
    double* __restrict xj = x + rj[r] * ld + c0;
    const double c = cs[r];
    const double s = sn[r];
    if (r + 1 < count && ri[r + 1] == rj[r] && rj[r + 1] != ri[r] && rj[r + 1] != rj[r]) {
      // A chain (i, j) then (j, k), as a QR sweep makes them: row j stays in registers between the two.
      double* __restrict xk = x + rj[r + 1] * ld + c0;
      const double c2 = cs[r + 1];
      const double s2 = sn[r + 1];
      for (int64_t t = 0; t < w; ++t) {
        const double a = xi[t];
        const double b = xj[t];
        const double k = xk[t];
        const double b1 = c * b - s * a;
        xi[t] = c * a + s * b;
        xj[t] = c2 * b1 + s2 * k;
        xk[t] = c2 * k - s2 * b1;
      }
      r += 2;
      continue;
    }
    for (int64_t t = 0; t < w; ++t) {
      const double a = xi[t];
      const double b = xj[t];
      xi[t] = c * a + s * b;
      xj[t] = c * b - s * a;
    }
    ++r;
  }
}

LEPTON_LINALG_CLONES
double axpy_dot(int64_t n, double a, const double* __restrict x, double* __restrict y, const double* __restrict z) noexcept {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const double y0 = y[i] + a * x[i], y1 = y[i + 1] + a * x[i + 1], y2 = y[i + 2] + a * x[i + 2], y3 = y[i + 3] + a * x[i + 3];
    y[i] = y0;
    y[i + 1] = y1;
    y[i + 2] = y2;
    y[i + 3] = y3;
    s0 += y0 * z[i];
    s1 += y1 * z[i + 1];
    s2 += y2 * z[i + 2];
    s3 += y3 * z[i + 3];
  }
  for (; i < n; ++i) {
    y[i] += a * x[i];
    s0 += y[i] * z[i];
  }
  return (s0 + s2) + (s1 + s3);
}

LEPTON_LINALG_CLONES
void axpy_acc(int64_t n, double a, const double* __restrict x, double* __restrict y, double b, double* __restrict z) noexcept {
  for (int64_t i = 0; i < n; ++i) {
    const double v = y[i] + a * x[i];
    y[i] = v;
    z[i] += b * v;
  }
}

}  // namespace linalg
}  // namespace lepton
