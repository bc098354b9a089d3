// linalg_ops.cc — see linalg_ops.h.
#include "linalg_ops.h"

#include <algorithm>
#include <new>
#include <vector>

#include "linalg_eigh.h"
#include "linalg_lu.h"
#include "linalg_qr.h"
#include "linalg_svd.h"

namespace lepton {
namespace {

using Vec = std::vector<double>;

template <class T>
Vec to_double(const T* x, int64_t count) {
  return count > 0 ? Vec(x, x + count) : Vec();
}

template <class T>
void store(const double* x, int64_t count, T* out) {
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<T>(x[i]);
}

}  // namespace

template <class T>
Status linalg_solve(const LinalgSolveArgs<T>& p) noexcept {
  try {
    const int64_t n = p.n;
    p.info[0] = -1;
    if (n == 0 || p.nrhs == 0) return Status::Ok();
    Vec a = to_double(p.a, n * n);
    std::vector<int64_t> piv(static_cast<std::size_t>(n));
    int64_t info = -1;
    Status st = lu_f64(*p.isa, n, n, a.data(), piv.data(), &info);
    if (!st.ok()) return st;
    if (info >= 0) {
      p.info[0] = static_cast<double>(info);
      return Status::Ok();
    }
    Vec b = to_double(p.b, n * p.nrhs);
    st = lu_solve_f64(n, a.data(), piv.data(), b.data(), p.nrhs);
    if (!st.ok()) return st;
    store(b.data(), n * p.nrhs, p.out);
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the solve work arrays");
  }
  return Status::Ok();
}

template <class T>
Status linalg_lu(const LinalgLuArgs<T>& p) noexcept {
  try {
    const int64_t m = p.m, n = p.n, k = std::min(m, n);
    Vec a = to_double(p.a, m * n);
    std::vector<int64_t> piv(static_cast<std::size_t>(k));
    int64_t info = -1;
    if (k > 0) {
      Status st = lu_f64(*p.isa, m, n, a.data(), piv.data(), &info);
      if (!st.ok()) return st;
    }
    // p: row i of P·A is row perm[i] of A.
    std::vector<int64_t> perm(static_cast<std::size_t>(m));
    for (int64_t i = 0; i < m; ++i) perm[i] = i;
    for (int64_t s = 0; s < k; ++s) {
      if (piv[s] < 0 || piv[s] >= m) return Status::Invalid("lu: a pivot index is out of range");
      std::swap(perm[s], perm[piv[s]]);
    }
    T* out_p = p.out;
    T* out_l = p.out + m;
    T* out_u = out_l + m * k;
    for (int64_t i = 0; i < m; ++i) out_p[i] = static_cast<T>(perm[i]);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < k; ++j) out_l[i * k + j] = j < i ? static_cast<T>(a[i * n + j]) : j == i ? T(1) : T(0);
    }
    for (int64_t i = 0; i < k; ++i) {
      for (int64_t j = 0; j < n; ++j) out_u[i * n + j] = j >= i ? static_cast<T>(a[i * n + j]) : T(0);
    }
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the lu work arrays");
  }
  return Status::Ok();
}

template <class T>
Status linalg_qr(const LinalgQrArgs<T>& p) noexcept {
  try {
    const int64_t m = p.m, n = p.n, k = std::min(m, n), rows = p.rows;
    T* out_q = p.out;
    T* out_r = p.out + m * rows;
    if (k == 0) {
      // Q is the first `rows` columns of I (m×m complete, m×0 reduced); R is all zeros.
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < rows; ++j) out_q[i * rows + j] = i == j ? T(1) : T(0);
      std::fill(out_r, out_r + rows * n, T(0));
      return Status::Ok();
    }
    Vec a = to_double(p.a, m * n);
    Vec tau(static_cast<std::size_t>(k));
    Status st = qr_f64(*p.isa, m, n, a.data(), tau.data());
    if (!st.ok()) return st;
    Vec q(static_cast<std::size_t>(m * rows));
    st = qr_form_q_f64(*p.isa, m, n, a.data(), tau.data(), rows, q.data());
    if (!st.ok()) return st;
    store(q.data(), m * rows, out_q);
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < n; ++j) out_r[i * n + j] = i < k && j >= i ? static_cast<T>(a[i * n + j]) : T(0);
    }
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the qr work arrays");
  }
  return Status::Ok();
}

template <class T>
Status linalg_svd(const LinalgSvdArgs<T>& p) noexcept {
  try {
    const int64_t m = p.m, n = p.n, k = std::min(m, n);
    const bool want = p.vectors != SvdVectors::kNone, full = p.vectors == SvdVectors::kFull;
    const int64_t ucols = want ? (full ? m : k) : 0, vrows = want ? (full ? n : k) : 0;
    T* out_u = p.out;
    T* out_s = out_u + m * ucols;
    T* out_vt = out_s + k;
    if (k == 0) {
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < ucols; ++j) out_u[i * ucols + j] = i == j ? T(1) : T(0);
      for (int64_t i = 0; i < vrows; ++i)
        for (int64_t j = 0; j < n; ++j) out_vt[i * n + j] = i == j ? T(1) : T(0);
      return Status::Ok();
    }
    Vec a = to_double(p.a, m * n);
    Vec s(static_cast<std::size_t>(k)), u(static_cast<std::size_t>(m * ucols)), vt(static_cast<std::size_t>(vrows * n));
    Status st = svd_f64(*p.isa, m, n, a.data(), full, want, s.data(), u.data(), vt.data());
    if (!st.ok()) return st;
    store(u.data(), m * ucols, out_u);
    store(s.data(), k, out_s);
    store(vt.data(), vrows * n, out_vt);
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the svd work arrays");
  }
  return Status::Ok();
}

template <class T>
Status linalg_eigh(const LinalgEighArgs<T>& p) noexcept {
  try {
    const int64_t n = p.n;
    if (n == 0) return Status::Ok();
    Vec a = to_double(p.a, n * n);
    Vec values(static_cast<std::size_t>(n)), vectors(static_cast<std::size_t>(n * n));
    Status st = eigh_f64(*p.isa, n, a.data(), values.data(), vectors.data());
    if (!st.ok()) return st;
    store(values.data(), n, p.out);
    store(vectors.data(), n * n, p.out + n);
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the eigh work arrays");
  }
  return Status::Ok();
}

template Status linalg_solve<float>(const LinalgSolveArgs<float>&) noexcept;
template Status linalg_solve<double>(const LinalgSolveArgs<double>&) noexcept;
template Status linalg_lu<float>(const LinalgLuArgs<float>&) noexcept;
template Status linalg_lu<double>(const LinalgLuArgs<double>&) noexcept;
template Status linalg_qr<float>(const LinalgQrArgs<float>&) noexcept;
template Status linalg_qr<double>(const LinalgQrArgs<double>&) noexcept;
template Status linalg_svd<float>(const LinalgSvdArgs<float>&) noexcept;
template Status linalg_svd<double>(const LinalgSvdArgs<double>&) noexcept;
template Status linalg_eigh<float>(const LinalgEighArgs<float>&) noexcept;
template Status linalg_eigh<double>(const LinalgEighArgs<double>&) noexcept;

}  // namespace lepton
