// linalg_qr.cc — see linalg_qr.h. A reflector is applied to the trailing rows in two passes, each
// row-contiguous: w = vᵀ·A (axpy of each row into w), then A −= τ·v·wᵀ (axpy of w into each row).
#include "linalg_qr.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <vector>

#include "linalg_vec.h"

namespace lepton {

double householder_f64(double alpha, double* x, int64_t stride, int64_t len, double* tau) noexcept {
  double scale = 0;
  for (int64_t i = 1; i < len; ++i) scale = std::max(scale, std::fabs(x[i * stride]));
  if (scale == 0) {
    *tau = 0;
    return alpha;
  }
  double ss = 0;
  for (int64_t i = 1; i < len; ++i) {
    const double v = x[i * stride] / scale;
    ss += v * v;
  }
  const double norm = std::hypot(alpha, scale * std::sqrt(ss));
  const double beta = alpha >= 0 ? -norm : norm;
  *tau = (beta - alpha) / beta;
  const double f = 1 / (alpha - beta);
  for (int64_t i = 1; i < len; ++i) x[i * stride] *= f;
  return beta;
}

Status qr_f64(int64_t m, int64_t n, double* a, double* tau) noexcept {
  if (m < 0 || n < 0) return Status::Invalid("qr: negative dimensions");
  const int64_t k = std::min(m, n);
  std::vector<double> w;
  try {
    w.resize(static_cast<std::size_t>(std::max<int64_t>(n, 1)));
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the QR work row");
  }
  for (int64_t j = 0; j < k; ++j) {
    double t = 0;
    a[j * n + j] = householder_f64(a[j * n + j], a + j * n + j, n, m - j, &t);
    tau[j] = t;
    const int64_t width = n - j - 1;
    if (t == 0 || width <= 0) continue;
    double* wj = w.data() + j + 1;
    std::copy(a + j * n + j + 1, a + j * n + n, wj);
    for (int64_t i = j + 1; i < m; ++i) {
      const double vi = a[i * n + j];
      if (vi != 0) linalg::axpy(width, vi, a + i * n + j + 1, wj);
    }
    linalg::axpy(width, -t, wj, a + j * n + j + 1);
    for (int64_t i = j + 1; i < m; ++i) {
      const double f = t * a[i * n + j];
      if (f != 0) linalg::axpy(width, -f, wj, a + i * n + j + 1);
    }
  }
  return Status::Ok();
}

Status qr_form_q_f64(int64_t m, int64_t n, const double* a, const double* tau, int64_t cols, double* q) noexcept {
  if (m < 0 || n < 0 || cols < 0 || cols > m) return Status::Invalid("qr_form_q: bad dimensions");
  const int64_t k = std::min(m, n);
  std::fill(q, q + m * cols, 0.0);
  for (int64_t i = 0; i < std::min(m, cols); ++i) q[i * cols + i] = 1;
  std::vector<double> w;
  try {
    w.resize(static_cast<std::size_t>(std::max<int64_t>(cols, 1)));
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the QR work row");
  }
  for (int64_t j = std::min(k, cols) - 1; j >= 0; --j) {
    const double t = tau[j];
    if (t == 0) continue;
    const int64_t width = cols - j;
    double* wj = w.data() + j;
    std::copy(q + j * cols + j, q + j * cols + cols, wj);
    for (int64_t i = j + 1; i < m; ++i) {
      const double vi = a[i * n + j];
      if (vi != 0) linalg::axpy(width, vi, q + i * cols + j, wj);
    }
    linalg::axpy(width, -t, wj, q + j * cols + j);
    for (int64_t i = j + 1; i < m; ++i) {
      const double f = t * a[i * n + j];
      if (f != 0) linalg::axpy(width, -f, wj, q + i * cols + j);
    }
  }
  return Status::Ok();
}

}  // namespace lepton
