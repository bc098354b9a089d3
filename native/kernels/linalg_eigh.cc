// linalg_eigh.cc — see linalg_eigh.h.
#include "linalg_eigh.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <new>
#include <utility>
#include <vector>

#include "linalg_blocks.h"
#include "linalg_qr.h"
#include "linalg_vec.h"

namespace lepton {

namespace linalg {

// Inverse iteration for the eigenvectors of the unreduced tridiagonal block (d, e) of size m
// with eigenvalues lam (ascending), as LAPACK's stein: T − λI factored with partial pivoting
// (tiny pivots replaced), a fixed pseudo-random start, scaled solves until the solution has grown
// past √(0.1/m) (then two more), eigenvalues closer than 10·ε·‖T‖ separated, and vectors of
// eigenvalues within 10⁻³·‖T‖ of each other (a cluster) re-orthogonalised by modified Gram–Schmidt.
// z is m×count (row stride ldz), column j the unit vector of lam[j], j < count. False when an iteration did not grow
// (the caller falls back to QR with rotations).
bool inverse_iteration(int64_t m, const double* d, const double* e, std::vector<double>& lam, int64_t count, double* z,
                       int64_t ldz) {
  if (m == 1) {
    z[0] = 1;
    return true;
  }
  double norm = 0;
  for (int64_t i = 0; i < m; ++i) {
    norm = std::max(norm, std::fabs(d[i]) + (i > 0 ? std::fabs(e[i - 1]) : 0) + (i + 1 < m ? std::fabs(e[i]) : 0));
  }
  if (norm == 0) norm = 1;
  const double pertol = 10 * DBL_EPSILON * norm, ortol = 1e-3 * norm, dtpcrt = std::sqrt(0.1 / static_cast<double>(m));
  const double tiny = DBL_EPSILON * norm;
  std::vector<double> u0(m), r0(m), u1(m), u2(m), l(m), x(m), cols;
  std::vector<char> piv(m);
  uint64_t seed = 0x9e3779b97f4a7c15ULL;
  int64_t cluster = 0;  // first index of the current cluster
  for (int64_t j = 0; j < count; ++j) {
    if (j > 0) {
      if (lam[j] - lam[j - 1] < pertol) lam[j] = lam[j - 1] + pertol;
      if (lam[j] - lam[j - 1] > ortol) cluster = j;
    }
    // A cluster this large makes the re-orthogonalisation cubic: QR with rotations is cheaper.
    if (j - cluster > 64) return false;
    const double mu = lam[j];
    // Factor T − μI = P·L·U, U with two superdiagonals.
    double ca = d[0] - mu, cb = m > 1 ? e[0] : 0;
    for (int64_t i = 0; i + 1 < m; ++i) {
      const double c = e[i], na = d[i + 1] - mu, nbv = i + 2 < m ? e[i + 1] : 0;
      if (std::fabs(ca) >= std::fabs(c)) {
        const double piv_a = ca == 0 ? tiny : ca;
        const double f = c / piv_a;
        piv[i] = 0;
        l[i] = f;
        u0[i] = piv_a;
        u1[i] = cb;
        u2[i] = 0;
        ca = na - f * cb;
        cb = nbv;
      } else {
        const double f = ca / c;
        piv[i] = 1;
        l[i] = f;
        u0[i] = c;
        u1[i] = na;
        u2[i] = nbv;
        ca = cb - f * na;
        cb = -f * nbv;
      }
    }
    u0[m - 1] = std::fabs(ca) < tiny ? (ca < 0 ? -tiny : tiny) : ca;
    for (int64_t i = 0; i + 1 < m; ++i)
      if (std::fabs(u0[i]) < tiny) u0[i] = u0[i] < 0 ? -tiny : tiny;
    for (int64_t i = 0; i < m; ++i) r0[i] = 1 / u0[i];
    for (int64_t i = 0; i < m; ++i) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      x[i] = static_cast<double>(static_cast<int64_t>(seed >> 11)) / 9007199254740992.0 * 2 - 1;
    }
    bool grown = false;
    int64_t extra = 0;
    for (int64_t it = 0; it < 8 && extra < 3; ++it) {
      double l1 = 0;
      for (int64_t i = 0; i < m; ++i) l1 += std::fabs(x[i]);
      if (!(l1 > 0) || !std::isfinite(l1)) return false;
      const double scl = static_cast<double>(m) * norm * std::max(DBL_EPSILON, std::fabs(u0[m - 1])) / l1;
      for (int64_t i = 0; i < m; ++i) x[i] *= scl;
      for (int64_t i = 0; i + 1 < m; ++i) {
        if (piv[i]) std::swap(x[i], x[i + 1]);
        x[i + 1] -= l[i] * x[i];
      }
      x[m - 1] *= r0[m - 1];
      x[m - 2] = (x[m - 2] - u1[m - 2] * x[m - 1]) * r0[m - 2];
      for (int64_t i = m - 3; i >= 0; --i) x[i] = (x[i] - u1[i] * x[i + 1] - u2[i] * x[i + 2]) * r0[i];
      // Against the earlier vectors of the cluster.
      for (int64_t q = cluster; q < j; ++q) {
        const double* zq = cols.data() + (q - cluster) * m;
        const double dotv = linalg::dot(m, x.data(), zq);
        linalg::axpy(m, -dotv, zq, x.data());
      }
      double inf = 0;
      for (int64_t i = 0; i < m; ++i) inf = std::max(inf, std::fabs(x[i]));
      if (!std::isfinite(inf)) return false;
      if (inf >= dtpcrt) grown = true;
      if (grown) ++extra;
    }
    if (!grown) return false;
    double s2 = 0, big = 0;
    int64_t at = 0;
    for (int64_t i = 0; i < m; ++i) {
      s2 += x[i] * x[i];
      if (std::fabs(x[i]) > big) {
        big = std::fabs(x[i]);
        at = i;
      }
    }
    const double inv = (x[at] < 0 ? -1 : 1) / std::sqrt(s2);
    for (int64_t i = 0; i < m; ++i) z[i * ldz + j] = x[i] * inv;
    // The cluster's vectors, contiguous, for the re-orthogonalisation of the next ones.
    if (j + 1 < count && lam[j + 1] - lam[j] <= ortol) {
      if (static_cast<int64_t>(cols.size()) < (j - cluster + 1) * m) cols.resize(static_cast<std::size_t>((j - cluster + 1) * m));
      for (int64_t i = 0; i < m; ++i) cols[(j - cluster) * m + i] = x[i] * inv;
    }
  }
  return true;
}

}  // namespace linalg

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
    const double root = linalg::fast_hypot(half, eq);
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
      const double r = linalg::fast_hypot(xx, zz);
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


// Blocked Householder tridiagonalisation (LAPACK sytrd/latrd in row form) of the full symmetric
// row-major n×n `a`: reflector k lives in row k, columns k+1.. (v[0] = 1 stored), d and e get the
// tridiagonal. Panels of kPanel reflectors: within a panel each step updates only its own row by
// the panel's earlier reflectors (A − V·Wᵀ − W·Vᵀ) and computes w = τ·(S·v − V·Wᵀv − W·Vᵀv) −
// (τ/2)(wᵀv)·v with one pass over the trailing rows (S·v, the memory-bound half); then the
// trailing block takes the rank-2·nb update V·Wᵀ + W·Vᵀ as two GEMMs of `isa` (the other half).
constexpr int64_t kPanel = 32;

Status tridiagonalize(const Isa& isa, int64_t n, double* a, double* d, double* e, double* tau) {
  const int64_t nref = std::max<int64_t>(n - 2, 0);
  const int64_t nb = kPanel;
  std::vector<double> vw(static_cast<std::size_t>(2 * std::max<int64_t>(n, 1) * nb));
  double* V = vw.data();
  double* W = V + std::max<int64_t>(n, 1) * nb;
  std::vector<double> p(static_cast<std::size_t>(n)), t1(static_cast<std::size_t>(nb)), t2(static_cast<std::size_t>(nb));
  for (int64_t j0 = 0; j0 < nref; j0 += nb) {
    const int64_t j1 = std::min(nref, j0 + nb);
    const int64_t base = j0 + 1;  // row r of the matrix is row r − base of V and W
    const int64_t rows = n - base;
    std::fill(V, V + rows * nb, 0.0);
    std::fill(W, W + rows * nb, 0.0);
    for (int64_t j = j0; j < j1; ++j) {
      const int64_t i = j - j0, len = n - j - 1;
      double* row = a + j * n;
      // 1. Row j (columns j..) by the panel's earlier reflectors.
      if (i > 0) {
        const double* vj = V + (j - base) * nb;
        const double* wj = W + (j - base) * nb;
        for (int64_t c = j; c < n; ++c) {
          const double* vc = V + (c - base) * nb;
          const double* wc = W + (c - base) * nb;
          double acc = 0;
          for (int64_t q = 0; q < i; ++q) acc += vj[q] * wc[q] + wj[q] * vc[q];
          row[c] -= acc;
        }
      }
      // 2. The reflector of row j, columns j+1..
      double* v = row + j + 1;
      double t = 0;
      e[j] = householder_f64(v[0], v, 1, len, &t);
      tau[j] = t;
      d[j] = row[j];
      v[0] = 1;
      if (t == 0) continue;  // H = I: V and W columns stay zero
      for (int64_t r = 0; r < len; ++r) V[(j + 1 - base + r) * nb + i] = v[r];
      // 3. p = S·v over the trailing rows (S as the previous panels left it) ...
      {
        const double* s0 = a + (j + 1) * n + j + 1;
        int64_t r = 0;
        for (; r + 4 <= len; r += 4) linalg::dot4(len, s0 + r * n, n, v, p.data() + r);
        for (; r < len; ++r) p[r] = linalg::dot(len, s0 + r * n, v);
      }
      // ... minus this panel's earlier reflectors: V·(Wᵀv) + W·(Vᵀv).
      if (i > 0) {
        std::fill(t1.begin(), t1.begin() + i, 0.0);
        std::fill(t2.begin(), t2.begin() + i, 0.0);
        for (int64_t r = 0; r < len; ++r) {
          const double* vr = V + (j + 1 - base + r) * nb;
          const double* wr = W + (j + 1 - base + r) * nb;
          for (int64_t q = 0; q < i; ++q) {
            t1[q] += wr[q] * v[r];
            t2[q] += vr[q] * v[r];
          }
        }
        for (int64_t r = 0; r < len; ++r) {
          const double* vr = V + (j + 1 - base + r) * nb;
          const double* wr = W + (j + 1 - base + r) * nb;
          double acc = 0;
          for (int64_t q = 0; q < i; ++q) acc += vr[q] * t1[q] + wr[q] * t2[q];
          p[r] -= acc;
        }
      }
      rank2_vector(len, v, t, p.data());  // p is now w
      for (int64_t r = 0; r < len; ++r) W[(j + 1 - base + r) * nb + i] = p[r];
    }
    // 4. Trailing block (rows and columns ≥ j1): A −= V·Wᵀ + W·Vᵀ.
    const int64_t m = n - j1, k = j1 - j0;
    if (m > 0) {
      double* c = a + j1 * n + j1;
      const double* v2 = V + (j1 - base) * nb;
      const double* w2 = W + (j1 - base) * nb;
      Status st = gemm_strided<double>(isa, m, m, k, -1.0, v2, nb, 1, w2, 1, nb, c, n, true, Epilogue<double>{});
      if (!st.ok()) return st;
      st = gemm_strided<double>(isa, m, m, k, -1.0, w2, nb, 1, v2, 1, nb, c, n, true, Epilogue<double>{});
      if (!st.ok()) return st;
    }
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 2] = a[(n - 2) * n + n - 1];
  }
  d[n - 1] = a[(n - 1) * n + n - 1];
  return Status::Ok();
}

// The eigenpairs of the symmetric tridiagonal (d, e) of order n: split into unreduced blocks,
// each block's eigenvalues by implicit QR without vectors and its vectors by inverse iteration;
// then all of them in ascending order: lam (n) and z (n×n row-major, column j for lam[j]).
bool tridiagonal_vectors(int64_t n, const double* d, const double* e, double* lam, double* z) {
  std::vector<double> vals, zb;
  std::vector<std::pair<double, int64_t>> all;  // (value, column in zfull)
  std::vector<double> zfull(static_cast<std::size_t>(n * n), 0.0);
  std::vector<double> dd(d, d + n), ee(e, e + n);
  int64_t b0 = 0;
  for (int64_t i = 0; i < n; ++i) {
    const bool split = i == n - 1 || std::fabs(e[i]) <= DBL_EPSILON * (std::fabs(d[i]) + std::fabs(d[i + 1]));
    if (!split) continue;
    const int64_t m = i - b0 + 1;
    std::vector<double> bd(d + b0, d + b0 + m), be(static_cast<std::size_t>(m), 0.0);
    for (int64_t k = 0; k + 1 < m; ++k) be[k] = e[b0 + k];
    if (!tridiagonal_qr(m, bd.data(), be.data(), nullptr, nullptr)) return false;
    std::sort(bd.begin(), bd.end());
    std::vector<double> shifts(bd);  // inverse iteration nudges equal values apart; the values reported are bd
    if (!linalg::inverse_iteration(m, d + b0, e + b0, shifts, m, zfull.data() + b0 * n + b0, n)) return false;
    for (int64_t k = 0; k < m; ++k) all.emplace_back(bd[k], b0 + k);
    b0 = i + 1;
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<int64_t> src(static_cast<std::size_t>(n));
  for (int64_t j = 0; j < n; ++j) {
    lam[j] = all[j].first;
    src[j] = all[j].second;
  }
  // Row by row: contiguous writes, reads within one row of zfull.
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < n; ++j) z[r * n + j] = zfull[r * n + src[j]];
  return true;
}

}  // namespace

Status eigh_f64(const Isa& isa, int64_t n, const double* a_in, double* values, double* vectors) noexcept {
  if (n < 0) return Status::Invalid("eigh: negative dimension");
  if (n == 0) return Status::Ok();
  const bool want = vectors != nullptr;
  try {
    std::vector<double> a(static_cast<std::size_t>(n * n));
    // Full symmetric storage from the lower triangle, by 32×32 tiles (the mirrored writes stay in cache).
    for (int64_t i0 = 0; i0 < n; i0 += 32)
      for (int64_t j0 = 0; j0 <= i0; j0 += 32)
        for (int64_t i = i0; i < std::min(n, i0 + 32); ++i)
          for (int64_t j = j0; j < std::min(i + 1, j0 + 32); ++j) a[i * n + j] = a[j * n + i] = a_in[i * n + j];
    std::vector<double> d(static_cast<std::size_t>(n)), e(static_cast<std::size_t>(n), 0.0), tau(static_cast<std::size_t>(n), 0.0);
    double scale = 0;
    for (double v : a) scale = std::max(scale, std::fabs(v));
    if (scale > 0 && scale != 1) {
      const double inv = 1 / scale;
      for (double& v : a) v *= inv;
    }

    // 1. Tridiagonalisation (blocked; reflector k in row k, columns k+1..).
    {
      Status st = tridiagonalize(isa, n, a.data(), d.data(), e.data(), tau.data());
      if (!st.ok()) return st;
    }

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

    // 3a. With vectors: eigenvalues by QR without rotations, vectors of T by inverse iteration,
    //     then V = Q·Z = Xᵀ·Z as one GEMM. Should inverse iteration fail to converge (it does not
    //     for finite input in practice), the QR iteration with rotations (3b) runs instead.
    if (want) {
      std::vector<double> lam_t(static_cast<std::size_t>(n)), z(static_cast<std::size_t>(n * n));
      if (tridiagonal_vectors(n, d.data(), e.data(), lam_t.data(), z.data())) {
        for (int64_t j = 0; j < n; ++j) values[j] = lam_t[j] * (scale > 0 ? scale : 1);
        return gemm_strided<double>(isa, n, n, n, 1.0, x.data(), 1, n, z.data(), n, 1, vectors, n, false, Epilogue<double>{});
      }
    }

    // 3b. Implicit-shift QR on the tridiagonal (d, e), deflating from the bottom. With vectors, the
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
