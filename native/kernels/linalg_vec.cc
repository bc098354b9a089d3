// linalg_vec.cc — see linalg_vec.h. Plain loops written for the auto-vectoriser: four independent
// partial sums in dot (so the FMA latency is hidden), restrict-free but alias-safe callers.
#include "linalg_vec.h"

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
  for (int64_t r = 0; r < count; ++r) {
    double* __restrict xi = x + ri[r] * ld + c0;
    double* __restrict xj = x + rj[r] * ld + c0;
    const double c = cs[r];
    const double s = sn[r];
    for (int64_t t = 0; t < w; ++t) {
      const double a = xi[t];
      const double b = xj[t];
      xi[t] = c * a + s * b;
      xj[t] = c * b - s * a;
    }
  }
}

}  // namespace linalg
}  // namespace lepton
