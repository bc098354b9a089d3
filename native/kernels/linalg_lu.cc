// linalg_lu.cc — see linalg_lu.h. Whole rows are swapped as soon as a pivot is chosen (so the
// trailing block and the already-factored L columns move together, as getrf's two laswp calls do).
#include "linalg_lu.h"

#include <algorithm>
#include <cmath>

#include "gemm.h"
#include "linalg_vec.h"

namespace lepton {

Status lu_f64(const Isa& isa, int64_t m, int64_t n, double* a, int64_t* piv, int64_t* info) noexcept {
  *info = -1;
  if (m < 0 || n < 0) return Status::Invalid("lu: negative dimensions");
  const int64_t kmax = std::min(m, n);
  for (int64_t j0 = 0; j0 < kmax; j0 += kLuBlock) {
    const int64_t j1 = std::min(kmax, j0 + kLuBlock);
    // 1. The panel A[j0:m, j0:j1], unblocked; swaps cover whole rows.
    for (int64_t k = j0; k < j1; ++k) {
      int64_t p = k;
      double best = std::fabs(a[k * n + k]);
      for (int64_t i = k + 1; i < m; ++i) {
        const double v = std::fabs(a[i * n + k]);
        if (v > best) {
          best = v;
          p = i;
        }
      }
      piv[k] = p;
      if (p != k) std::swap_ranges(a + k * n, a + k * n + n, a + p * n);
      const double pivot = a[k * n + k];
      if (pivot == 0) {
        if (*info < 0) *info = k;
        continue;
      }
      const double inv = 1 / pivot;
      for (int64_t i = k + 1; i < m; ++i) {
        const double l = a[i * n + k] * inv;
        a[i * n + k] = l;
        if (l != 0) linalg::axpy(j1 - k - 1, -l, a + k * n + k + 1, a + i * n + k + 1);
      }
    }
    if (j1 >= n) continue;
    // 2. U12 = L11⁻¹·A12 (unit lower, rows j0..j1).
    for (int64_t i = j0 + 1; i < j1; ++i) {
      for (int64_t p = j0; p < i; ++p) {
        const double l = a[i * n + p];
        if (l != 0) linalg::axpy(n - j1, -l, a + p * n + j1, a + i * n + j1);
      }
    }
    // 3. A22 −= L21·U12 on the GEMM.
    if (j1 < m) {
      Status s = gemm_strided<double>(isa, m - j1, n - j1, j1 - j0, -1.0, a + j1 * n + j0, n, 1, a + j0 * n + j1, n, 1,
                                      a + j1 * n + j1, n, true, Epilogue<double>{});
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

Status lu_solve_f64(int64_t n, const double* lu, const int64_t* piv, double* b, int64_t nrhs) noexcept {
  if (n < 0 || nrhs < 0) return Status::Invalid("lu_solve: negative dimensions");
  for (int64_t k = 0; k < n; ++k) {
    const int64_t p = piv[k];
    if (p < k || p >= n) return Status::Invalid("lu_solve: pivot index out of range");
    if (p != k) std::swap_ranges(b + k * nrhs, b + k * nrhs + nrhs, b + p * nrhs);
  }
  for (int64_t i = 1; i < n; ++i) {
    for (int64_t p = 0; p < i; ++p) {
      const double l = lu[i * n + p];
      if (l != 0) linalg::axpy(nrhs, -l, b + p * nrhs, b + i * nrhs);
    }
  }
  for (int64_t i = n - 1; i >= 0; --i) {
    for (int64_t p = i + 1; p < n; ++p) {
      const double u = lu[i * n + p];
      if (u != 0) linalg::axpy(nrhs, -u, b + p * nrhs, b + i * nrhs);
    }
    const double inv = 1 / lu[i * n + i];
    for (int64_t j = 0; j < nrhs; ++j) b[i * nrhs + j] *= inv;
  }
  return Status::Ok();
}

}  // namespace lepton
