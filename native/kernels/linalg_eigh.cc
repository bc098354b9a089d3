// linalg_eigh.cc — see linalg_eigh.h.
#include "linalg_eigh.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <new>
#include <vector>

#include "linalg_blocks.h"
#include "linalg_qr.h"
#include "linalg_vec.h"

namespace lepton {

namespace {

// Rows ≥ r of the symmetric block S = A[r:, r:] (full storage): S ← H·S·H with H = I − τ·v·vᵀ,
// i.e. S −= v·wᵀ + w·vᵀ, w = p − (τ/2)(pᵀv)·v, p = τ·S·v. `p` must already hold S·v.
void rank2_vector(int64_t len, const double* v, double tau, double* p) {
  double pv = 0;
  for (int64_t i = 0; i < len; ++i) {
    p[i] *= tau;
    pv += p[i] * v[i];
  }
  const double f = 0.5 * tau * pv;
  for (int64_t i = 0; i < len; ++i) p[i] -= f * v[i];
}

// Implicit-shift QR on the symmetric tridiagonal (d, e[0..n−2]), deflating from the bottom;
// rotations go to `batch` (rows k, k+1 of Qᵀ) when given. `lam` (sorted eigenvalues) turns on
// the nearest-eigenvalue shifts. False when it has not converged after 60·n sweeps.
bool tridiagonal_qr(int64_t n, double* d, double* e, linalg::RotationBatch* batch, const std::vector<double>* lam) {
  int64_t sweeps = 0;
  const int64_t max_sweeps = 60 * n;
  int64_t q = n - 1;
  int64_t tries = 0;
  while (q > 0) {
    for (int64_t i = 0; i < q; ++i) {
      if (e[i] != 0 && std::fabs(e[i]) <= DBL_EPSILON * (std::fabs(d[i]) + std::fabs(d[i + 1]))) e[i] = 0;
    }
    if (e[q - 1] == 0) {
      --q;
      tries = 0;
      continue;
    }
    int64_t lo = q - 1;
    while (lo > 0 && e[lo - 1] != 0) --lo;
    if (++sweeps > max_sweeps) return false;
    const double half = (d[q - 1] - d[q]) / 2;
    const double eq = e[q - 1];
    const double root = std::hypot(half, eq);
    double mu = d[q] - eq * eq / (half + (half >= 0 ? root : -root));
    if (lam != nullptr && !lam->empty() && tries++ < 2) {
      auto it = std::lower_bound(lam->begin(), lam->end(), mu);
      double best = it == lam->end() ? lam->back() : *it;
      if (it != lam->begin() && std::fabs(*(it - 1) - mu) < std::fabs(best - mu)) best = *(it - 1);
      mu = best;
    }
    double xx = d[lo] - mu;
    double zz = e[lo];
    for (int64_t k = lo; k < q; ++k) {
      const double r = std::hypot(xx, zz);
      const double c = r == 0 ? 1 : xx / r;
      const double s = r == 0 ? 0 : zz / r;
      if (k > lo) e[k - 1] = r;
      const double ak = d[k], bk = e[k], dk = d[k + 1];
      d[k] = c * c * ak + 2 * c * s * bk + s * s * dk;
      d[k + 1] = s * s * ak - 2 * c * s * bk + c * c * dk;
      e[k] = c * s * (dk - ak) + (c * c - s * s) * bk;
      if (batch != nullptr) batch->add(k, k + 1, c, s);
      if (k + 1 < q) {
        zz = s * e[k + 1];
        e[k + 1] = c * e[k + 1];
        xx = e[k];
      }
    }
  }
  return true;
}

}  // namespace

Status eigh_f64(const Isa& isa, int64_t n, const double* a_in, double* values, double* vectors) noexcept {
  if (n < 0) return Status::Invalid("eigh: negative dimension");
  if (n == 0) return Status::Ok();
  const bool want = vectors != nullptr;
  try {
    std::vector<double> a(static_cast<std::size_t>(n * n));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j <= i; ++j) a[i * n + j] = a[j * n + i] = a_in[i * n + j];
    std::vector<double> d(static_cast<std::size_t>(n)), e(static_cast<std::size_t>(n), 0.0), tau(static_cast<std::size_t>(n), 0.0);
    std::vector<double> p(static_cast<std::size_t>(n), 0.0), pn(static_cast<std::size_t>(n), 0.0);
    double scale = 0;
    for (double v : a) scale = std::max(scale, std::fabs(v));
    if (scale > 0 && scale != 1)
      for (double& v : a) v /= scale;

    // 1. Tridiagonalisation. Reflector k (vector in row k, columns k+1..) zeroes A[k, k+2:].
    //    p = S·v for the next reflector is accumulated while the rows are updated for this one.
    bool have_p = false;
    for (int64_t k = 0; k + 2 < n; ++k) {
      const int64_t len = n - k - 1;
      double* rk = a.data() + k * n + k + 1;
      double t = 0;
      e[k] = householder_f64(rk[0], rk, 1, len, &t);
      tau[k] = t;
      d[k] = a[k * n + k];
      rk[0] = 1;
      if (t == 0) {
        have_p = false;
        continue;
      }
      const double* v = rk;
      if (!have_p) {
        for (int64_t i = 0; i < len; ++i) p[i] = linalg::dot(len, a.data() + (k + 1 + i) * n + k + 1, v);
      }
      rank2_vector(len, v, t, p.data());  // p is now w
      // Row k+1 first (it holds the next reflector), then the rest fused with p' = S'·v'.
      double* r1 = a.data() + (k + 1) * n + k + 1;
      linalg::axpy(len, -v[0], p.data(), r1);
      linalg::axpy(len, -p[0], v, r1);
      have_p = false;
      if (k + 3 < n) {
        // The next reflector from row k+1, columns k+2.. (after the update).
        const int64_t len2 = len - 1;
        double* rn = r1 + 1;
        // β' of the next reflector (larfg's sign), without building it: step k+1 does that.
        const double alpha2 = rn[0];
        double tail = 0;
        for (int64_t i = 1; i < len2; ++i) tail = std::max(tail, std::fabs(rn[i]));
        if (tail != 0) {
          double ss = 0;
          for (int64_t i = 1; i < len2; ++i) ss += (rn[i] / tail) * (rn[i] / tail);
          const double nrm = std::hypot(alpha2, tail * std::sqrt(ss));
          const double beta2 = alpha2 >= 0 ? -nrm : nrm;
          // v' = (x − β'·e₀)/(α' − β'), x = row k+1 (columns k+2..) after the update.
          const double inv = 1 / (alpha2 - beta2);
          std::fill(pn.begin(), pn.begin() + len2, 0.0);
          for (int64_t i = 1; i < len; ++i) {
            double* ri = a.data() + (k + 1 + i) * n + k + 1;
            linalg::axpy(len, -v[i], p.data(), ri);
            linalg::axpy(len, -p[i], v, ri);
            // p'_{i−1} = S'[i−1, :]·v' over columns k+2.., with v' = (x − β' e₀)/(α' − β').
            pn[i - 1] = (linalg::dot(len2, ri + 1, rn) - beta2 * ri[1]) * inv;
          }
          std::copy(pn.begin(), pn.begin() + len2, p.begin());
          have_p = true;
          continue;
        }
      }
      for (int64_t i = 1; i < len; ++i) {
        double* ri = a.data() + (k + 1 + i) * n + k + 1;
        linalg::axpy(len, -v[i], p.data(), ri);
        linalg::axpy(len, -p[i], v, ri);
      }
    }
    if (n >= 2) {
      d[n - 2] = a[(n - 2) * n + n - 2];
      e[n - 2] = a[(n - 2) * n + n - 1];
    }
    d[n - 1] = a[(n - 1) * n + n - 1];

    // 2. X = Qᵀ = H_{n−3}·…·H_0 (rows), from the right in compact-WY blocks.
    std::vector<double> x;
    if (want) {
      x.assign(static_cast<std::size_t>(n * n), 0.0);
      for (int64_t i = 0; i < n; ++i) x[i * n + i] = 1;
      const int64_t nbmax = linalg::kReflectorBlock;
      std::vector<double> vb(static_cast<std::size_t>(n * nbmax)), tb(static_cast<std::size_t>(nbmax * nbmax));
      std::vector<double> w1(static_cast<std::size_t>(n * nbmax)), w2(w1.size());
      const int64_t nref = std::max<int64_t>(n - 2, 0);
      for (int64_t j1 = nref; j1 > 0; j1 -= nbmax) {
        const int64_t j0 = std::max<int64_t>(0, j1 - nbmax), nb = j1 - j0, len = n - j0 - 1;
        std::fill(vb.begin(), vb.begin() + len * nb, 0.0);
        for (int64_t c = 0; c < nb; ++c)
          for (int64_t r = c; r < len; ++r) vb[r * nb + c] = a[(j0 + c) * n + j0 + 1 + r];
        linalg::build_t(vb.data(), len, nb, tau.data() + j0, tb.data());
        Status st = linalg::apply_block_right(isa, x.data(), n, j0 + 1, n, j0 + 1, len, vb.data(), tb.data(), nb,
                                              w1.data(), w2.data());
        if (!st.ok()) return st;
      }
    }

    // 3. Implicit-shift QR on the tridiagonal (d, e), deflating from the bottom. With vectors, the
    //    eigenvalues are found first without them (O(n²)), and the vector pass shifts by the
    //    computed eigenvalue nearest the Wilkinson shift: about one sweep per eigenvalue instead
    //    of two, and the sweeps are what the rotations of Qᵀ cost. Two sweeps on one block
    //    without deflation fall back to the Wilkinson shift.
    linalg::RotationBatch batch(x.data(), n, want);
    std::vector<double> lam;
    if (want) {
      std::vector<double> d2(d), e2(e);
      if (!tridiagonal_qr(n, d2.data(), e2.data(), nullptr, nullptr)) {
        return Status::Invalid("eigh: the QR iteration did not converge");
      }
      lam = d2;
      std::sort(lam.begin(), lam.end());
    }
    if (!tridiagonal_qr(n, d.data(), e.data(), want ? &batch : nullptr, want ? &lam : nullptr)) {
      return Status::Invalid("eigh: the QR iteration did not converge");
    }
    batch.flush();

    // 4. Ascending order, unscale, V = Xᵀ.
    std::vector<int64_t> order(static_cast<std::size_t>(n));
    for (int64_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return d[i] < d[j]; });
    for (int64_t j = 0; j < n; ++j) values[j] = d[order[j]] * (scale > 0 ? scale : 1);
    if (want) {
      for (int64_t j = 0; j < n; ++j) {
        const double* row = x.data() + order[j] * n;
        for (int64_t i = 0; i < n; ++i) vectors[i * n + j] = row[i];
      }
    }
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the eigh work arrays");
  }
  return Status::Ok();
}

}  // namespace lepton
