// linalg_qr.cc — see linalg_qr.h. A reflector is applied to the trailing rows in two passes, each
// row-contiguous: w = vᵀ·A (axpy of each row into w), then A −= τ·v·wᵀ (axpy of w into each row).
#include "linalg_qr.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <vector>

#include "linalg_blocks.h"
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

namespace {

// The unblocked QR of columns [j0, j1) of the row-major m×n `a` (rows j0..m): reflectors built
// and applied to the panel's own columns only.
void qr_panel(int64_t m, int64_t n, double* a, double* tau, int64_t j0, int64_t j1, double* w) {
  for (int64_t j = j0; j < j1 && j < m; ++j) {
    double t = 0;
    a[j * n + j] = householder_f64(a[j * n + j], a + j * n + j, n, m - j, &t);
    tau[j] = t;
    const int64_t width = j1 - j - 1;
    if (t == 0 || width <= 0) continue;
    double* wj = w + j + 1;
    std::copy(a + j * n + j + 1, a + j * n + j1, wj);
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
}

// V (len×nb, unit lower trapezoidal) of the reflectors in columns [j0, j0+nb) of `a`.
void gather_v(int64_t m, int64_t n, const double* a, int64_t j0, int64_t nb, double* v) {
  const int64_t len = m - j0;
  std::fill(v, v + len * nb, 0.0);
  for (int64_t c = 0; c < nb; ++c) {
    v[c * nb + c] = 1;
    for (int64_t r = c + 1; r < len; ++r) v[r * nb + c] = a[(j0 + r) * n + j0 + c];
  }
}

}  // namespace

Status qr_f64(const Isa& isa, int64_t m, int64_t n, double* a, double* tau) noexcept {
  if (m < 0 || n < 0) return Status::Invalid("qr: negative dimensions");
  const int64_t k = std::min(m, n);
  const int64_t nbmax = linalg::kReflectorBlock;
  try {
    std::vector<double> w(static_cast<std::size_t>(std::max<int64_t>(n, 1)));
    std::vector<double> v(static_cast<std::size_t>(std::max<int64_t>(m, 1) * nbmax)), t(nbmax * nbmax);
    std::vector<double> w1(static_cast<std::size_t>(nbmax * std::max<int64_t>(n, 1))), w2(w1.size());
    for (int64_t j0 = 0; j0 < k; j0 += nbmax) {
      const int64_t j1 = std::min(k, j0 + nbmax), nb = j1 - j0;
      qr_panel(m, n, a, tau, j0, j1, w.data());
      if (j1 >= n) continue;
      gather_v(m, n, a, j0, nb, v.data());
      linalg::build_t(v.data(), m - j0, nb, tau + j0, t.data());
      // Trailing columns: A2 ← Hᵀ·A2 = (H_{j1−1}·…·H_{j0})·A2.
      Status st = linalg::apply_block_left(isa, a, n, j0, m - j0, j1, n - j1, v.data(), t.data(), nb, true, w1.data(),
                                           w2.data());
      if (!st.ok()) return st;
    }
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the QR work arrays");
  }
  return Status::Ok();
}

Status qr_form_q_f64(const Isa& isa, int64_t m, int64_t n, const double* a, const double* tau, int64_t cols,
                     double* q) noexcept {
  if (m < 0 || n < 0 || cols < 0 || cols > m) return Status::Invalid("qr_form_q: bad dimensions");
  const int64_t k = std::min(std::min(m, n), cols);
  std::fill(q, q + m * cols, 0.0);
  for (int64_t i = 0; i < std::min(m, cols); ++i) q[i * cols + i] = 1;
  const int64_t nbmax = linalg::kReflectorBlock;
  try {
    std::vector<double> v(static_cast<std::size_t>(std::max<int64_t>(m, 1) * nbmax)), t(nbmax * nbmax);
    std::vector<double> w1(static_cast<std::size_t>(nbmax * std::max<int64_t>(cols, 1))), w2(w1.size());
    // Q = H_0·…·H_{k−1}·I: blocks applied backwards from the left, each to rows and columns ≥ j0.
    const int64_t last = k == 0 ? 0 : (k - 1) / nbmax * nbmax;
    for (int64_t j0 = last; j0 >= 0 && k > 0; j0 -= nbmax) {
      const int64_t j1 = std::min(k, j0 + nbmax), nb = j1 - j0;
      gather_v(m, n, a, j0, nb, v.data());
      linalg::build_t(v.data(), m - j0, nb, tau + j0, t.data());
      Status st = linalg::apply_block_left(isa, q, cols, j0, m - j0, j0, cols - j0, v.data(), t.data(), nb, false,
                                           w1.data(), w2.data());
      if (!st.ok()) return st;
    }
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the QR work arrays");
  }
  return Status::Ok();
}

}  // namespace lepton
