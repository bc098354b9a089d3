// cholesky.cc — blocked Cholesky, the SPD solves and ridge, in float64 scratch (the inputs are
// converted once; the result is written in the input's dtype). The blocked parts run on the
// float64 GEMM of the selected ISA.
//   cholesky   L = chol(S)
//   solveSPD   X = L⁻ᵀ L⁻¹ B
//   ridge      primal G = AᵀA + λI (n×n), x = G⁻¹(Aᵀy);  dual G = AAᵀ + λI (m×m), x = Aᵀ(G⁻¹y)
#include "cholesky.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "buffer.h"
#include "gemm.h"

namespace lepton {

Status cholesky_in_place(const Isa& isa, double* s, int64_t n, PivotInfo* info) noexcept {
  double max_diag = 0;
  for (int64_t i = 0; i < n; ++i) max_diag = std::max(max_diag, std::fabs(s[i * n + i]));
  const double tolerance = static_cast<double>(std::max<int64_t>(n, 1)) * DBL_EPSILON * max_diag;
  const int64_t nb = kCholeskyBlock;
  info->pivot = -1;
  for (int64_t j0 = 0; j0 < n; j0 += nb) {
    const int64_t j1 = std::min(n, j0 + nb);
    // 1. The diagonal block, unblocked (already updated by the earlier steps).
    for (int64_t j = j0; j < j1; ++j) {
      double d = s[j * n + j];
      for (int64_t p = j0; p < j; ++p) d -= s[j * n + p] * s[j * n + p];
      if (!(d > tolerance)) {
        info->pivot = j;
        info->value = d;
        info->tolerance = tolerance;
        return Status::Ok();
      }
      const double ljj = std::sqrt(d);
      s[j * n + j] = ljj;
      for (int64_t i = j + 1; i < j1; ++i) {
        double v = s[i * n + j];
        for (int64_t p = j0; p < j; ++p) v -= s[i * n + p] * s[j * n + p];
        s[i * n + j] = v / ljj;
      }
    }
    // 2. The panel below: L[i, j0:j1] · L[j0:j1, j0:j1]ᵀ = S[i, j0:j1] for i ≥ j1.
    for (int64_t i = j1; i < n; ++i) {
      double* row = s + i * n;
      for (int64_t j = j0; j < j1; ++j) {
        double v = row[j];
        const double* lj = s + j * n;
        for (int64_t p = j0; p < j; ++p) v -= row[p] * lj[p];
        row[j] = v / lj[j];
      }
    }
    // 3. Trailing update of the lower triangle, block row by block row: S[r, j1:r1] −= P[r]·P[j1:r1]ᵀ.
    const int64_t width = j1 - j0;
    for (int64_t r0 = j1; r0 < n; r0 += nb) {
      const int64_t r1 = std::min(n, r0 + nb);
      Status st = gemm_strided<double>(isa, r1 - r0, r1 - j1, width, -1.0, s + r0 * n + j0, n, 1, s + j1 * n + j0, 1, n,
                                       s + r0 * n + j1, n, true, Epilogue<double>{});
      if (!st.ok()) return st;
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = i + 1; j < n; ++j) s[i * n + j] = 0;
  }
  return Status::Ok();
}

Status cholesky_solve_in_place(const Isa& isa, const double* l, int64_t n, double* b, int64_t k) noexcept {
  const int64_t nb = kCholeskyBlock;
  // Forward: L·Y = B.
  for (int64_t i0 = 0; i0 < n; i0 += nb) {
    const int64_t i1 = std::min(n, i0 + nb);
    if (i0 > 0) {
      Status st = gemm_strided<double>(isa, i1 - i0, k, i0, -1.0, l + i0 * n, n, 1, b, k, 1, b + i0 * k, k, true,
                                       Epilogue<double>{});
      if (!st.ok()) return st;
    }
    for (int64_t i = i0; i < i1; ++i) {
      double* bi = b + i * k;
      for (int64_t p = i0; p < i; ++p) {
        const double lip = l[i * n + p];
        const double* bp = b + p * k;
        for (int64_t c = 0; c < k; ++c) bi[c] -= lip * bp[c];
      }
      const double inv = 1 / l[i * n + i];
      for (int64_t c = 0; c < k; ++c) bi[c] *= inv;
    }
  }
  // Backward: Lᵀ·X = Y (row i of Lᵀ is column i of L).
  for (int64_t i1 = n; i1 > 0; i1 -= nb) {
    const int64_t i0 = std::max<int64_t>(0, i1 - nb);
    if (i1 < n) {
      Status st = gemm_strided<double>(isa, i1 - i0, k, n - i1, -1.0, l + i1 * n + i0, 1, n, b + i1 * k, k, 1,
                                       b + i0 * k, k, true, Epilogue<double>{});
      if (!st.ok()) return st;
    }
    for (int64_t i = i1 - 1; i >= i0; --i) {
      double* bi = b + i * k;
      for (int64_t p = i + 1; p < i1; ++p) {
        const double lpi = l[p * n + i];
        const double* bp = b + p * k;
        for (int64_t c = 0; c < k; ++c) bi[c] -= lpi * bp[c];
      }
      const double inv = 1 / l[i * n + i];
      for (int64_t c = 0; c < k; ++c) bi[c] *= inv;
    }
  }
  return Status::Ok();
}

namespace {

template <class T>
bool to_f64(AlignedBuffer<double>* buf, const T* src, int64_t count) {
  if (!buf->reset(static_cast<std::size_t>(count))) return false;
  double* d = buf->get();
  for (int64_t i = 0; i < count; ++i) d[i] = static_cast<double>(src[i]);
  return true;
}

template <class T>
void from_f64(T* dst, const double* src, int64_t count) {
  for (int64_t i = 0; i < count; ++i) dst[i] = static_cast<T>(src[i]);
}

void write_info(double* info, const PivotInfo& p) {
  info[0] = static_cast<double>(p.pivot);
  info[1] = p.value;
  info[2] = p.tolerance;
}

template <class T>
Status cholesky_op(const CholeskyArgs<T>& p) noexcept {
  AlignedBuffer<double> s;
  if (!to_f64(&s, p.s, p.n * p.n)) return Status::OutOfMemory("a float64 copy of S");
  PivotInfo info;
  Status st = cholesky_in_place(*p.isa, s.get(), p.n, &info);
  if (!st.ok()) return st;
  write_info(p.info, info);
  if (info.pivot < 0) from_f64(p.out, s.get(), p.n * p.n);
  return Status::Ok();
}

template <class T>
Status solve_spd_op(const SolveSpdArgs<T>& p) noexcept {
  AlignedBuffer<double> s, b;
  if (!to_f64(&s, p.s, p.n * p.n) || !to_f64(&b, p.b, p.n * p.nrhs)) return Status::OutOfMemory("float64 copies of S and B");
  PivotInfo info;
  Status st = cholesky_in_place(*p.isa, s.get(), p.n, &info);
  if (!st.ok()) return st;
  write_info(p.info, info);
  if (info.pivot >= 0) return Status::Ok();
  st = cholesky_solve_in_place(*p.isa, s.get(), p.n, b.get(), p.nrhs);
  if (!st.ok()) return st;
  from_f64(p.out, b.get(), p.n * p.nrhs);
  return Status::Ok();
}

template <class T>
Status ridge_op(const RidgeArgs<T>& p) noexcept {
  const int64_t m = p.m, n = p.n, k = p.signals;
  const int64_t size = p.dual ? m : n;
  AlignedBuffer<double> a, y, g, x;
  if (!to_f64(&a, p.a, m * n) || !to_f64(&y, p.y, m * k) || !g.reset(static_cast<std::size_t>(size * size)) ||
      !x.reset(static_cast<std::size_t>(n * k))) {
    return Status::OutOfMemory("ridge's float64 scratch");
  }
  const Isa& isa = *p.isa;
  const Epilogue<double> none{};
  // G = AᵀA (n×n) or AAᵀ (m×m): the transposed operand is the same array read by columns.
  Status st = p.dual ? gemm_strided<double>(isa, m, m, n, 1.0, a.get(), n, 1, a.get(), 1, n, g.get(), m, false, none)
                     : gemm_strided<double>(isa, n, n, m, 1.0, a.get(), 1, n, a.get(), n, 1, g.get(), n, false, none);
  if (!st.ok()) return st;
  for (int64_t i = 0; i < size; ++i) g.get()[i * size + i] += p.lambda;
  PivotInfo info;
  st = cholesky_in_place(isa, g.get(), size, &info);
  if (!st.ok()) return st;
  write_info(p.info, info);
  if (info.pivot >= 0) return Status::Ok();
  if (!p.dual) {
    // x = Aᵀy, then G·x = Aᵀy.
    st = gemm_strided<double>(isa, n, k, m, 1.0, a.get(), 1, n, y.get(), k, 1, x.get(), k, false, none);
    if (st.ok()) st = cholesky_solve_in_place(isa, g.get(), n, x.get(), k);
  } else {
    // z = G⁻¹y (in y), then x = Aᵀz.
    st = cholesky_solve_in_place(isa, g.get(), m, y.get(), k);
    if (st.ok()) st = gemm_strided<double>(isa, n, k, m, 1.0, a.get(), 1, n, y.get(), k, 1, x.get(), k, false, none);
  }
  if (!st.ok()) return st;
  from_f64(p.out, x.get(), n * k);
  return Status::Ok();
}

}  // namespace

Status cholesky_f32(const CholeskyArgs<float>& args) noexcept { return cholesky_op(args); }
Status cholesky_f64(const CholeskyArgs<double>& args) noexcept { return cholesky_op(args); }
Status solve_spd_f32(const SolveSpdArgs<float>& args) noexcept { return solve_spd_op(args); }
Status solve_spd_f64(const SolveSpdArgs<double>& args) noexcept { return solve_spd_op(args); }
Status ridge_f32(const RidgeArgs<float>& args) noexcept { return ridge_op(args); }
Status ridge_f64(const RidgeArgs<double>& args) noexcept { return ridge_op(args); }

}  // namespace lepton
