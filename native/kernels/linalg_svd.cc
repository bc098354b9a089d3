// linalg_svd.cc — see linalg_svd.h. Step numbers follow the header of svd.ts.
#include "linalg_svd.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <new>
#include <vector>

#include "linalg_blocks.h"
#include "linalg_eigh.h"
#include "linalg_qr.h"
#include "linalg_vec.h"

namespace lepton {
namespace {

using linalg::apply_block_right;
using linalg::build_t;
using linalg::kReflectorBlock;
using linalg::RotationBatch;

struct Tall {
  std::vector<double> d, ut, vt;
  int64_t ucols = 0;
};

// m ≥ n. `a` (m×n) is destroyed. Returns false when the QR iteration did not converge.

// The vectors of the upper bidiagonal B = diag(d) + superdiag(e) (n×n) by inverse iteration on its
// Golub–Kahan form T = tridiag(0; d₀, e₀, d₁, e₁, …, d_{n−1}) of order 2n, whose eigenvector for
// +σ is (v₀, u₀, v₁, u₁, …)/√2 with B·v = σ·u: O(n²) for all of them, then the rotation of the
// rows of Uᵀ and Vᵀ is two GEMMs instead of the QR sweeps' rotations. `sigma` are B's singular
// values (from the QR iteration without vectors). Checked, and false (the caller runs the QR
// sweeps with rotations instead) when T nearly splits (a tiny d or e), when a vector mixes +σ with
// −σ (‖u‖ or ‖v‖ not 1/√2: tiny singular values), or when a random probe finds the u's or the v's
// not orthonormal to 10⁻¹⁰. On success d holds σ (in the order of the new rows).
bool golub_kahan_vectors(const Isa& isa, int64_t m, int64_t n, std::vector<double>& d, const std::vector<double>& e,
                         const std::vector<double>& values, std::vector<double>& ut, std::vector<double>& vt) {
  if (n < 2) return false;
  double bnorm = 0;
  for (int64_t i = 0; i < n; ++i) bnorm = std::max(bnorm, std::fabs(d[i]) + (i + 1 < n ? std::fabs(e[i]) : 0.0));
  if (!(bnorm > 0)) return false;
  const int64_t t = 2 * n;
  std::vector<double> diag(static_cast<std::size_t>(t), 0.0), off(static_cast<std::size_t>(t), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    off[2 * i] = d[i];
    if (i + 1 < n) off[2 * i + 1] = e[i];
  }
  for (int64_t k = 0; k + 1 < t; ++k)
    if (!(std::fabs(off[k]) > static_cast<double>(n) * DBL_EPSILON * bnorm)) return false;
  std::vector<double> sigma(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) sigma[i] = std::fabs(values[i]);
  std::sort(sigma.begin(), sigma.end());
  std::vector<double> lam(sigma);
  std::vector<double> z(static_cast<std::size_t>(t * n));
  if (!linalg::inverse_iteration(t, diag.data(), off.data(), lam, n, z.data(), n)) return false;
  std::vector<double> ub(static_cast<std::size_t>(n * n)), vb(static_cast<std::size_t>(n * n));  // rows: uⱼᵀ, vⱼᵀ
  for (int64_t j = 0; j < n; ++j) {
    double nu = 0, nv = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double vi = z[(2 * i) * n + j], ui = z[(2 * i + 1) * n + j];
      ub[j * n + i] = ui;
      vb[j * n + i] = vi;
      nu += ui * ui;
      nv += vi * vi;
    }
    if (std::fabs(nu - 0.5) > 1e-6 || std::fabs(nv - 0.5) > 1e-6) return false;
    const double su = 1 / std::sqrt(nu), sv = 1 / std::sqrt(nv);
    for (int64_t i = 0; i < n; ++i) {
      ub[j * n + i] *= su;
      vb[j * n + i] *= sv;
    }
  }
  // Probe: ‖Xᵀ(X·r) − r‖∞ ≤ 10⁻¹⁰·‖r‖∞ for two pseudo-random r, X = the rows of ub, then vb.
  uint64_t seed = 0x2545f4914f6cdd1dULL;
  std::vector<double> r(static_cast<std::size_t>(n)), y(static_cast<std::size_t>(n)), w(static_cast<std::size_t>(n));
  for (const std::vector<double>* x : {&ub, &vb}) {
    for (int probe = 0; probe < 2; ++probe) {
      double rmax = 0;
      for (int64_t i = 0; i < n; ++i) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        r[i] = static_cast<double>(static_cast<int64_t>(seed >> 11)) / 9007199254740992.0 * 2 - 1;
        rmax = std::max(rmax, std::fabs(r[i]));
      }
      for (int64_t j = 0; j < n; ++j) y[j] = linalg::dot(n, x->data() + j * n, r.data());
      std::fill(w.begin(), w.end(), 0.0);
      for (int64_t j = 0; j < n; ++j) linalg::axpy(n, y[j], x->data() + j * n, w.data());
      for (int64_t i = 0; i < n; ++i)
        if (!(std::fabs(w[i] - r[i]) <= 1e-10 * rmax)) return false;
    }
  }
  // Uᵀ's first n rows ← ub·Uᵀ[0:n]; Vᵀ ← vb·Vᵀ.
  std::vector<double> tmp(static_cast<std::size_t>(n * std::max(m, n)));
  if (!gemm_strided<double>(isa, n, m, n, 1.0, ub.data(), n, 1, ut.data(), m, 1, tmp.data(), m, false, Epilogue<double>{}).ok())
    return false;
  std::copy(tmp.begin(), tmp.begin() + n * m, ut.begin());
  if (!gemm_strided<double>(isa, n, n, n, 1.0, vb.data(), n, 1, vt.data(), n, 1, tmp.data(), n, false, Epilogue<double>{}).ok())
    return false;
  std::copy(tmp.begin(), tmp.begin() + n * n, vt.begin());
  for (int64_t j = 0; j < n; ++j) d[j] = sigma[j];
  return true;
}

bool svd_tall(const Isa& isa, int64_t m, int64_t n, double* a, bool full, bool want, Tall* out) {
  const int64_t ucols = full ? m : n;
  out->ucols = ucols;
  std::vector<double>& d = out->d;
  d.assign(static_cast<std::size_t>(n), 0.0);
  std::vector<double> e(static_cast<std::size_t>(std::max<int64_t>(n, 1)), 0.0);
  std::vector<double> tauq(static_cast<std::size_t>(n), 0.0), taup(static_cast<std::size_t>(n), 0.0);
  std::vector<double> w(static_cast<std::size_t>(n), 0.0), v(static_cast<std::size_t>(m), 0.0);
  double scale = 0;
  for (int64_t i = 0; i < m * n; ++i) scale = std::max(scale, std::fabs(a[i]));
  if (scale > 0 && scale != 1) {
    const double inv = 1 / scale;
    for (int64_t i = 0; i < m * n; ++i) a[i] *= inv;
  }

  // 1. Bidiagonalisation, one pass over the trailing rows per step. With x the column being
  // reduced and v = (x − β·e₀)/(α − β) its reflector, w = vᵀ·A = (xᵀ·A − β·A[k, :])/(α − β), so
  // z = xᵀ·A for the next column is accumulated while the rows are updated for this one.
  std::vector<double> zcol(static_cast<std::size_t>(n), 0.0);
  for (int64_t i = 0; i < m && n > 1; ++i) linalg::axpy(n - 1, a[i * n], a + i * n + 1, zcol.data() + 1);
  for (int64_t k = 0; k < n; ++k) {
    const double alpha = a[k * n + k];
    double tq = 0;
    d[k] = householder_f64(alpha, a + k * n + k, n, m - k, &tq);
    tauq[k] = tq;
    a[k * n + k] = 1;
    const int64_t width = n - k - 1;
    if (width <= 0) break;
    double* wk = w.data() + k + 1;
    double* rk = a + k * n + k + 1;
    if (tq != 0) {
      const double beta = d[k];
      const double inv = 1 / (alpha - beta);
      for (int64_t c = 0; c < width; ++c) wk[c] = (zcol[k + 1 + c] - beta * rk[c]) * inv;
      linalg::axpy(width, -tq, wk, rk);
    }
    double tp = 0;
    e[k] = householder_f64(rk[0], rk, 1, width, &tp);
    taup[k] = tp;
    rk[0] = 1;
    // Rows below: the left update, the right reflector, then this row's share of the next z.
    double* zn = zcol.data() + k + 2;
    std::fill(zn, zn + std::max<int64_t>(width - 1, 0), 0.0);
    for (int64_t i = k + 1; i < m; ++i) {
      double* ri = a + i * n + k + 1;
      // Two passes over the row: the left update fused with its dot with the right reflector,
      // then the right update fused with the row's share of the next z (ri[0] first: z needs its
      // final value).
      const double f = tq != 0 ? tq * a[i * n + k] : 0;
      const double sdot = tp != 0 ? linalg::axpy_dot(width, -f, wk, ri, rk) : (linalg::axpy(width, -f, wk, ri), 0.0);
      const double g = -tp * sdot;
      ri[0] += g * rk[0];
      if (width > 1) linalg::axpy_acc(width - 1, g, rk + 1, ri + 1, ri[0], zn);
    }
  }

  // 2. Uᵀ = [I 0]·H_{n−1}·…·H_0 and Vᵀ = G_{n−2}·…·G_0, applied from the right to the rows, in
  // blocks of kReflectorBlock reflectors (compact WY, backwards), each block two GEMMs.
  std::vector<double>& ut = out->ut;
  std::vector<double>& vt = out->vt;
  if (want) {
    const int64_t nbmax = kReflectorBlock;
    std::vector<double> vb(static_cast<std::size_t>(m * nbmax)), tb(static_cast<std::size_t>(nbmax * nbmax));
    std::vector<double> w1(static_cast<std::size_t>(std::max(m, n) * nbmax)), w2(w1.size());
    ut.assign(static_cast<std::size_t>(ucols * m), 0.0);
    for (int64_t i = 0; i < ucols; ++i) ut[i * m + i] = 1;
    for (int64_t j1 = n; j1 > 0; j1 -= nbmax) {
      const int64_t j0 = std::max<int64_t>(0, j1 - nbmax), nb = j1 - j0, len = m - j0;
      std::fill(vb.begin(), vb.begin() + len * nb, 0.0);
      for (int64_t c = 0; c < nb; ++c)
        for (int64_t r = c; r < len; ++r) vb[r * nb + c] = a[(j0 + r) * n + j0 + c];
      build_t(vb.data(), len, nb, tauq.data() + j0, tb.data());
      if (!apply_block_right(isa, ut.data(), m, j0, ucols, j0, len, vb.data(), tb.data(), nb, w1.data(), w2.data()).ok())
        return false;
    }
    vt.assign(static_cast<std::size_t>(n * n), 0.0);
    for (int64_t i = 0; i < n; ++i) vt[i * n + i] = 1;
    // G_k acts on columns k+1..n−1 with its vector in row k of a; reflectors 0..n−3 (G_{n−2} = I).
    const int64_t nref = std::max<int64_t>(n - 2, 0);
    for (int64_t j1 = nref; j1 > 0; j1 -= nbmax) {
      const int64_t j0 = std::max<int64_t>(0, j1 - nbmax), nb = j1 - j0, len = n - j0 - 1;
      std::fill(vb.begin(), vb.begin() + len * nb, 0.0);
      for (int64_t c = 0; c < nb; ++c)
        for (int64_t r = c; r < len; ++r) vb[r * nb + c] = a[(j0 + c) * n + j0 + 1 + r];
      build_t(vb.data(), len, nb, taup.data() + j0, tb.data());
      if (!apply_block_right(isa, vt.data(), n, j0 + 1, n, j0 + 1, len, vb.data(), tb.data(), nb, w1.data(), w2.data()).ok())
        return false;
    }
  }

  // 3. Implicit-shift QR on (d, e).
  double anorm = 0;
  for (int64_t i = 0; i < n; ++i) anorm = std::max(anorm, std::fabs(d[i]) + (i < n - 1 ? std::fabs(e[i]) : 0.0));
  const double small = DBL_EPSILON * anorm;
  RotationBatch batch_u(ut.data(), m, want), batch_v(vt.data(), n, want);
  bool record = false;
  auto rot_u = [&](int64_t i, int64_t j, double c, double s) {
    if (record) batch_u.add(i, j, c, s);
  };
  auto rot_v = [&](int64_t i, int64_t j, double c, double s) {
    if (record) batch_v.add(i, j, c, s);
  };
  // The sweeps, on (dd, ee); rotations are recorded only when `record`. `lam` (ascending σ²)
  // turns on the nearest-value shifts.
  auto iterate = [&](double* dd, double* ee, const std::vector<double>* lam) -> bool {
    int64_t sweeps = 0;
    const int64_t max_sweeps = 75 * std::max<int64_t>(n, 1);
    int64_t tries = 0;
    int64_t q = n - 1;
    while (q > 0) {
      for (int64_t i = 0; i < q; ++i) {
        const double ei = std::fabs(ee[i]);
        if (ei != 0 && (ei <= DBL_EPSILON * (std::fabs(dd[i]) + std::fabs(dd[i + 1])) || ei <= small)) ee[i] = 0;
      }
      if (ee[q - 1] == 0) {
        --q;
        tries = 0;
        continue;
      }
      int64_t p = q - 1;
      while (p > 0 && ee[p - 1] != 0) --p;
      bool chased = false;
      for (int64_t i = p; i <= q; ++i) {
        if (std::fabs(dd[i]) > small) continue;
        dd[i] = 0;
        chased = true;
        if (i < q) {
          double bulge = ee[i];
          ee[i] = 0;
          for (int64_t j = i + 1; j <= q && bulge != 0; ++j) {
            const double r = linalg::fast_hypot(dd[j], bulge);
            const double c = dd[j] / r, s = bulge / r;
            dd[j] = r;
            rot_u(j, i, c, s);
            if (j < q) {
              bulge = -s * ee[j];
              ee[j] = c * ee[j];
            }
          }
        } else {
          double bulge = ee[q - 1];
          ee[q - 1] = 0;
          for (int64_t j = q - 1; j >= p && bulge != 0; --j) {
            const double r = linalg::fast_hypot(dd[j], bulge);
            const double c = dd[j] / r, s = bulge / r;
            dd[j] = r;
            rot_v(j, q, c, s);
            if (j > p) {
              bulge = -s * ee[j - 1];
              ee[j - 1] = c * ee[j - 1];
            }
          }
        }
        break;
      }
      if (chased) continue;
      if (++sweeps > max_sweeps) return false;
      const double dm = dd[q - 1], em = q - 1 > p ? ee[q - 2] : 0.0, dn = dd[q], en = ee[q - 1];
      const double t11 = dm * dm + em * em, t12 = dm * en, t22 = dn * dn + en * en;
      double mu = t22;
      if (t12 != 0) {
        const double delta = (t11 - t22) / 2;
        const double root = linalg::fast_hypot(delta, t12);
        mu = t22 - (t12 * t12) / (delta + (delta >= 0 ? root : -root));
      }
      if (lam != nullptr && tries++ < 2) {
        // The computed σ² nearest the Wilkinson shift (lam ascending).
        auto it = std::lower_bound(lam->begin(), lam->end(), mu);
        double best = it == lam->end() ? lam->back() : *it;
        if (it != lam->begin() && std::fabs(*(it - 1) - mu) < std::fabs(best - mu)) best = *(it - 1);
        mu = best;
      }
      double y = dd[p] * dd[p] - mu;
      double z = dd[p] * ee[p];
      for (int64_t k = p; k < q; ++k) {
        double r = linalg::fast_hypot(y, z);
        double c = r == 0 ? 1 : y / r;
        double s = r == 0 ? 0 : z / r;
        if (k > p) ee[k - 1] = r;
        double f = dd[k], g = ee[k];
        dd[k] = c * f + s * g;
        ee[k] = c * g - s * f;
        const double h = dd[k + 1];
        const double bulge = s * h;
        dd[k + 1] = c * h;
        rot_v(k, k + 1, c, s);
        r = linalg::fast_hypot(dd[k], bulge);
        c = r == 0 ? 1 : dd[k] / r;
        s = r == 0 ? 0 : bulge / r;
        dd[k] = r;
        f = ee[k];
        g = dd[k + 1];
        ee[k] = c * f + s * g;
        dd[k + 1] = c * g - s * f;
        rot_u(k, k + 1, c, s);
        if (k < q - 1) {
          y = ee[k];
          z = s * ee[k + 1];
          ee[k + 1] = c * ee[k + 1];
        }
      }
    }
    return true;
  };
  // With vectors, the values are found first without them (O(n²)); the vector pass then shifts
  // by the computed σ² nearest the Wilkinson shift (two tries per block, then Wilkinson): fewer
  // sweeps, and the sweeps are what the rotations of Uᵀ and Vᵀ cost.
  if (want) {
    std::vector<double> d2(d), e2(e);
    if (!iterate(d2.data(), e2.data(), nullptr)) return false;
    if (!golub_kahan_vectors(isa, m, n, d, e, d2, ut, vt)) {
      std::vector<double> lam(d2.size());
      for (std::size_t i = 0; i < d2.size(); ++i) lam[i] = d2[i] * d2[i];
      std::sort(lam.begin(), lam.end());
      record = true;
      if (!iterate(d.data(), e.data(), &lam)) return false;
    }
  } else if (!iterate(d.data(), e.data(), nullptr)) {
    return false;
  }
  batch_u.flush();
  batch_v.flush();

  // 4. Signs, order, scale.
  for (int64_t i = 0; i < n; ++i) {
    if (d[i] < 0) {
      d[i] = -d[i];
      if (want) for (int64_t c = 0; c < n; ++c) vt[i * n + c] = -vt[i * n + c];
    }
  }
  for (int64_t i = 0; i + 1 < n; ++i) {
    int64_t best = i;
    for (int64_t j = i + 1; j < n; ++j)
      if (d[j] > d[best]) best = j;
    if (best == i) continue;
    std::swap(d[i], d[best]);
    if (want) {
      std::swap_ranges(ut.data() + i * m, ut.data() + (i + 1) * m, ut.data() + best * m);
      std::swap_ranges(vt.data() + i * n, vt.data() + (i + 1) * n, vt.data() + best * n);
    }
  }
  if (scale > 0 && scale != 1)
    for (int64_t i = 0; i < n; ++i) d[i] *= scale;
  return true;
}

}  // namespace

Status svd_f64(const Isa& isa, int64_t m, int64_t n, const double* a, bool full, bool want_vectors, double* s,
               double* u, double* vt) noexcept {
  if (m < 0 || n < 0) return Status::Invalid("svd: negative dimensions");
  const int64_t k = std::min(m, n);
  try {
    if (k == 0) {
      if (want_vectors && full) {
        std::fill(u, u + m * m, 0.0);
        for (int64_t i = 0; i < m; ++i) u[i * m + i] = 1;
        std::fill(vt, vt + n * n, 0.0);
        for (int64_t i = 0; i < n; ++i) vt[i * n + i] = 1;
      }
      return Status::Ok();
    }
    Tall r;
    if (m >= n) {
      std::vector<double> work(a, a + m * n);
      if (!svd_tall(isa, m, n, work.data(), full, want_vectors, &r)) return Status::Invalid("svd: the QR iteration did not converge");
      std::copy(r.d.begin(), r.d.end(), s);
      if (want_vectors) {
        const int64_t uc = r.ucols;
        for (int64_t i = 0; i < uc; ++i)
          for (int64_t j = 0; j < m; ++j) u[j * uc + i] = r.ut[i * m + j];
        std::copy(r.vt.begin(), r.vt.end(), vt);
      }
    } else {
      std::vector<double> at(static_cast<std::size_t>(n * m));
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) at[j * m + i] = a[i * n + j];
      if (!svd_tall(isa, n, m, at.data(), full, want_vectors, &r)) return Status::Invalid("svd: the QR iteration did not converge");
      std::copy(r.d.begin(), r.d.end(), s);
      if (want_vectors) {
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < m; ++j) u[j * m + i] = r.vt[i * m + j];
        std::copy(r.ut.begin(), r.ut.end(), vt);
      }
    }
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("the SVD work arrays");
  }
  return Status::Ok();
}

}  // namespace lepton
