// linalg_svd.cc — see linalg_svd.h. Step numbers follow the header of svd.ts.
#include "linalg_svd.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <new>
#include <vector>

#include "linalg_qr.h"
#include "linalg_vec.h"

namespace lepton {
namespace {

struct Tall {
  std::vector<double> d, ut, vt;
  int64_t ucols = 0;
};

// m ≥ n. `a` (m×n) is destroyed. Returns false when the QR iteration did not converge.
bool svd_tall(int64_t m, int64_t n, double* a, bool full, bool want, Tall* out) {
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

  // 1. Bidiagonalisation.
  for (int64_t k = 0; k < n; ++k) {
    double tq = 0;
    d[k] = householder_f64(a[k * n + k], a + k * n + k, n, m - k, &tq);
    tauq[k] = tq;
    a[k * n + k] = 1;
    const int64_t width = n - k - 1;
    if (width <= 0) break;
    double* wk = w.data() + k + 1;
    if (tq != 0) {
      // w = vᵀ·A[k:, k+1:]; the row k update comes first (it holds the next right reflector).
      std::copy(a + k * n + k + 1, a + k * n + n, wk);
      for (int64_t i = k + 1; i < m; ++i) {
        const double vi = a[i * n + k];
        if (vi != 0) linalg::axpy(width, vi, a + i * n + k + 1, wk);
      }
      linalg::axpy(width, -tq, wk, a + k * n + k + 1);
    }
    double tp = 0;
    double* rk = a + k * n + k + 1;
    e[k] = householder_f64(rk[0], rk, 1, width, &tp);
    taup[k] = tp;
    rk[0] = 1;
    // Rows below: the left update, then the right reflector, while the row is in cache.
    for (int64_t i = k + 1; i < m; ++i) {
      double* ri = a + i * n + k + 1;
      if (tq != 0) {
        const double f = tq * a[i * n + k];
        if (f != 0) linalg::axpy(width, -f, wk, ri);
      }
      if (tp != 0) {
        const double sdot = linalg::dot(width, ri, rk);
        if (sdot != 0) linalg::axpy(width, -tp * sdot, rk, ri);
      }
    }
  }

  // 2. Uᵀ = [I 0]·H_{n−1}·…·H_0, Vᵀ = G_{n−2}·…·G_0, applied from the right to rows.
  std::vector<double>& ut = out->ut;
  std::vector<double>& vt = out->vt;
  if (want) {
    ut.assign(static_cast<std::size_t>(ucols * m), 0.0);
    for (int64_t i = 0; i < ucols; ++i) ut[i * m + i] = 1;
    for (int64_t k = n - 1; k >= 0; --k) {
      const double t = tauq[k];
      if (t == 0) continue;
      const int64_t len = m - k;
      for (int64_t i = 0; i < len; ++i) v[i] = a[(k + i) * n + k];
      for (int64_t r = k; r < ucols; ++r) {
        double* row = ut.data() + r * m + k;
        const double sdot = linalg::dot(len, row, v.data());
        if (sdot != 0) linalg::axpy(len, -t * sdot, v.data(), row);
      }
    }
    vt.assign(static_cast<std::size_t>(n * n), 0.0);
    for (int64_t i = 0; i < n; ++i) vt[i * n + i] = 1;
    for (int64_t k = n - 2; k >= 0; --k) {
      const double t = taup[k];
      if (t == 0) continue;
      const int64_t len = n - k - 1;
      const double* vk = a + k * n + k + 1;
      for (int64_t r = k + 1; r < n; ++r) {
        double* row = vt.data() + r * n + k + 1;
        const double sdot = linalg::dot(len, row, vk);
        if (sdot != 0) linalg::axpy(len, -t * sdot, vk, row);
      }
    }
  }

  // 3. Implicit-shift QR on (d, e).
  double anorm = 0;
  for (int64_t i = 0; i < n; ++i) anorm = std::max(anorm, std::fabs(d[i]) + (i < n - 1 ? std::fabs(e[i]) : 0.0));
  const double small = DBL_EPSILON * anorm;
  int64_t sweeps = 0;
  const int64_t max_sweeps = 75 * std::max<int64_t>(n, 1);
  auto rot_u = [&](int64_t i, int64_t j, double c, double s) {
    if (want) linalg::rotate(m, ut.data() + i * m, ut.data() + j * m, c, s);
  };
  auto rot_v = [&](int64_t i, int64_t j, double c, double s) {
    if (want) linalg::rotate(n, vt.data() + i * n, vt.data() + j * n, c, s);
  };
  int64_t q = n - 1;
  while (q > 0) {
    for (int64_t i = 0; i < q; ++i) {
      const double ei = std::fabs(e[i]);
      if (ei != 0 && (ei <= DBL_EPSILON * (std::fabs(d[i]) + std::fabs(d[i + 1])) || ei <= small)) e[i] = 0;
    }
    if (e[q - 1] == 0) {
      --q;
      continue;
    }
    int64_t p = q - 1;
    while (p > 0 && e[p - 1] != 0) --p;
    bool chased = false;
    for (int64_t i = p; i <= q; ++i) {
      if (std::fabs(d[i]) > small) continue;
      d[i] = 0;
      chased = true;
      if (i < q) {
        double bulge = e[i];
        e[i] = 0;
        for (int64_t j = i + 1; j <= q && bulge != 0; ++j) {
          const double r = std::hypot(d[j], bulge);
          const double c = d[j] / r, s = bulge / r;
          d[j] = r;
          rot_u(j, i, c, s);
          if (j < q) {
            bulge = -s * e[j];
            e[j] = c * e[j];
          }
        }
      } else {
        double bulge = e[q - 1];
        e[q - 1] = 0;
        for (int64_t j = q - 1; j >= p && bulge != 0; --j) {
          const double r = std::hypot(d[j], bulge);
          const double c = d[j] / r, s = bulge / r;
          d[j] = r;
          rot_v(j, q, c, s);
          if (j > p) {
            bulge = -s * e[j - 1];
            e[j - 1] = c * e[j - 1];
          }
        }
      }
      break;
    }
    if (chased) continue;
    if (++sweeps > max_sweeps) return false;
    const double dm = d[q - 1], em = q - 1 > p ? e[q - 2] : 0.0, dn = d[q], en = e[q - 1];
    const double t11 = dm * dm + em * em, t12 = dm * en, t22 = dn * dn + en * en;
    double mu = t22;
    if (t12 != 0) {
      const double delta = (t11 - t22) / 2;
      const double root = std::hypot(delta, t12);
      mu = t22 - (t12 * t12) / (delta + (delta >= 0 ? root : -root));
    }
    double y = d[p] * d[p] - mu;
    double z = d[p] * e[p];
    for (int64_t k = p; k < q; ++k) {
      double r = std::hypot(y, z);
      double c = r == 0 ? 1 : y / r;
      double s = r == 0 ? 0 : z / r;
      if (k > p) e[k - 1] = r;
      double f = d[k], g = e[k];
      d[k] = c * f + s * g;
      e[k] = c * g - s * f;
      const double h = d[k + 1];
      const double bulge = s * h;
      d[k + 1] = c * h;
      rot_v(k, k + 1, c, s);
      r = std::hypot(d[k], bulge);
      c = r == 0 ? 1 : d[k] / r;
      s = r == 0 ? 0 : bulge / r;
      d[k] = r;
      f = e[k];
      g = d[k + 1];
      e[k] = c * f + s * g;
      d[k + 1] = c * g - s * f;
      rot_u(k, k + 1, c, s);
      if (k < q - 1) {
        y = e[k];
        z = s * e[k + 1];
        e[k + 1] = c * e[k + 1];
      }
    }
  }

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

Status svd_f64(int64_t m, int64_t n, const double* a, bool full, bool want_vectors, double* s, double* u,
               double* vt) noexcept {
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
      if (!svd_tall(m, n, work.data(), full, want_vectors, &r)) return Status::Invalid("svd: the QR iteration did not converge");
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
      if (!svd_tall(n, m, at.data(), full, want_vectors, &r)) return Status::Invalid("svd: the QR iteration did not converge");
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
