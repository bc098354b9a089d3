// lasso_gram.cc — see lasso_gram.h. Per problem: L = 1.01·λ_max(G) by Lanczos (one pass of full
// reorthogonalisation, at most 30 steps, to a relative change of 1e-5, well inside the 1 % margin;
// the top eigenvalue of its tridiagonal by Sturm bisection), then FISTA, one product G·z per
// iteration through the ISA's multi-row dot kernel. The gap at z comes from that product:
// ‖A_W z − y‖² = zᵀGz − 2cᵀz + yy, (A_W z − y)ᵀy = cᵀz − yy, A_Wᵀ(A_W z − y) = Gz − c.
#include "lasso_gram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <new>
#include <vector>

#include "gemm.h"

namespace lepton {
namespace {

constexpr int64_t kLanczosSteps = 30;
constexpr double kLanczosRtol = 1e-5;
// The relative width to which each Lanczos step bisects its tridiagonal's top eigenvalue.
constexpr double kBisectionRtol = 1e-10;

// out = G·v (G dense row-major k×k).
struct Product {
  DotsFn<double> dots;
  void operator()(const double* g, int64_t k, const double* v, double* out) const noexcept {
    if (dots != nullptr) {
      dots(k, k, g, k, v, out);
      return;
    }
    for (int64_t i = 0; i < k; ++i) {
      const double* row = g + i * k;
      double s0 = 0, s1 = 0;
      int64_t j = 0;
      for (; j + 1 < k; j += 2) {
        s0 += row[j] * v[j];
        s1 += row[j + 1] * v[j + 1];
      }
      if (j < k) s0 += row[j] * v[j];
      out[i] = s0 + s1;
    }
  }
};

// The js kernel's startVector: a 32-bit LCG in [−1, 1).
void start_vector(int64_t n, double* v) noexcept {
  uint32_t state = 0x5eed1234u;
  for (int64_t i = 0; i < n; ++i) {
    state = state * 1664525u + 1013904223u;
    v[i] = static_cast<double>(state) / 2147483648.0 - 1;
  }
}

// The top eigenvalue of the tridiagonal (alpha, beta) by bisection on Sturm counts, to a bracket
// of relative width `rtol`, from `floor` up when that is a known lower bound inside Gershgorin's.
double tridiagonal_top(const std::vector<double>& alpha, const std::vector<double>& beta, double rtol, double floor) noexcept {
  const std::size_t n = alpha.size();
  double lo = -std::numeric_limits<double>::infinity();
  double hi = lo;
  for (std::size_t i = 0; i < n; ++i) {
    const double radius = (i > 0 ? std::fabs(beta[i - 1]) : 0.0) + (i + 1 < n ? std::fabs(beta[i]) : 0.0);
    lo = std::max(lo, alpha[i]);
    hi = std::max(hi, alpha[i] + radius);
  }
  if (floor > lo && floor < hi) lo = floor;
  auto below = [&](double x) {
    std::size_t count = 0;
    double d = 1;
    for (std::size_t i = 0; i < n; ++i) {
      d = alpha[i] - x - (i > 0 ? (beta[i - 1] * beta[i - 1]) / d : 0.0);
      if (d == 0) d = -std::numeric_limits<double>::epsilon() * (std::fabs(x) + std::numeric_limits<double>::denorm_min());
      if (d < 0) ++count;
    }
    return count;
  };
  for (int it = 0; it < 200 && hi - lo > rtol * std::max(std::fabs(lo), std::fabs(hi)); ++it) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (below(mid) == n) hi = mid;
    else lo = mid;
  }
  return hi;
}

// λ_max(G) from below (NaN when a product is not finite).
double lanczos_top(const Product& product, const double* g, int64_t k, std::vector<double>& basis, std::vector<double>& w) {
  const int64_t steps = std::min(k, kLanczosSteps);
  basis.assign(static_cast<std::size_t>((steps + 1) * k), 0.0);
  w.assign(static_cast<std::size_t>(k), 0.0);
  std::vector<double> alpha, beta;
  double* q = basis.data();
  start_vector(k, q);
  double norm = 0;
  for (int64_t i = 0; i < k; ++i) norm += q[i] * q[i];
  norm = std::sqrt(norm);
  for (int64_t i = 0; i < k; ++i) q[i] /= norm;
  double previous = 0, estimate = 0;
  for (int64_t step = 0; step < steps; ++step) {
    q = basis.data() + step * k;
    product(g, k, q, w.data());
    for (int64_t i = 0; i < k; ++i) {
      if (!std::isfinite(w[i])) return std::numeric_limits<double>::quiet_NaN();
    }
    double a = 0;
    for (int64_t i = 0; i < k; ++i) a += w[i] * q[i];
    alpha.push_back(a);
    for (int64_t b = 0; b <= step; ++b) {
      const double* v = basis.data() + b * k;
      double dot = 0;
      for (int64_t i = 0; i < k; ++i) dot += w[i] * v[i];
      for (int64_t i = 0; i < k; ++i) w[i] -= dot * v[i];
    }
    // To 1e-10 (the convergence test needs ~1e-5, and L is taken 1 % above), from the last
    // estimate up: the top Ritz value does not decrease from one step to the next (interlacing).
    const double floor = step > 0 ? previous - 2 * kBisectionRtol * std::fabs(previous) : -std::numeric_limits<double>::infinity();
    estimate = tridiagonal_top(alpha, beta, kBisectionRtol, floor);
    norm = 0;
    for (int64_t i = 0; i < k; ++i) norm += w[i] * w[i];
    norm = std::sqrt(norm);
    if (step + 1 >= steps || !(norm > 1e-12 * std::sqrt(std::max(estimate, 0.0))) ||
        (step > 2 && std::fabs(estimate - previous) <= kLanczosRtol * estimate)) {
      break;
    }
    previous = estimate;
    beta.push_back(norm);
    double* next = basis.data() + (step + 1) * k;
    for (int64_t i = 0; i < k; ++i) next[i] = w[i] / norm;
  }
  return std::max(0.0, estimate);
}

struct Gap {
  double gap, objective;
};

Gap gap_at(const double* v, const double* gv, const double* c, int64_t k, double yy, double lambda) noexcept {
  double vgv = 0, cv = 0, l1 = 0, gmax = 0;
  for (int64_t j = 0; j < k; ++j) {
    vgv += v[j] * gv[j];
    cv += c[j] * v[j];
    l1 += std::fabs(v[j]);
    gmax = std::max(gmax, std::fabs(gv[j] - c[j]));
  }
  const double rr = std::max(0.0, vgv - 2 * cv + yy);
  const double s = gmax > lambda ? lambda / gmax : 1.0;
  const double gap = 0.5 * rr * (1 + s * s) + lambda * l1 + s * (cv - yy);
  // std::max(0, NaN) would hide a NaN: keep it.
  return {std::isnan(gap) ? gap : std::max(0.0, gap), 0.5 * rr + lambda * l1};
}

struct Outcome {
  int64_t iterations;
  double gap;
};

// FISTA with adaptive restart from x (in place); stops when the gap at x ≤ target.
Outcome fista(const Product& product, const double* g, const double* c, int64_t k, double yy, double lambda, double lipschitz,
              double target, int64_t max_iter, double* x, double* next, double* z, double* gz) noexcept {
  const double step = 1 / lipschitz;
  const double threshold = lambda * step;
  std::copy(x, x + k, z);
  double t = 1;
  bool z_is_x = true;
  double start = std::numeric_limits<double>::quiet_NaN();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int64_t it = 1; it <= max_iter; ++it) {
    product(g, k, z, gz);
    const Gap at = gap_at(z, gz, c, k, yy, lambda);
    bool finite = std::isfinite(at.objective);
    for (int64_t j = 0; j < k && finite; ++j) finite = std::isfinite(gz[j]);
    if (!finite) return {it, nan};
    if (std::isnan(start)) start = std::max({at.objective, 0.5 * yy, 1e-300});
    if (at.objective > 1e6 * start) return {it, nan};
    if (z_is_x && at.gap <= target) return {it, at.gap};
    double uphill = 0;
    for (int64_t j = 0; j < k; ++j) {
      const double u = z[j] - step * (gz[j] - c[j]);
      const double v = u > threshold ? u - threshold : u < -threshold ? u + threshold : 0.0;
      next[j] = v;
      uphill += (z[j] - v) * (v - x[j]);
    }
    const double tn = (1 + std::sqrt(1 + 4 * t * t)) / 2;
    double beta = (t - 1) / tn;
    t = tn;
    if (uphill > 0) {
      t = 1;
      beta = 0;
    }
    // x⁺ = next; z = x⁺ + β(x⁺ − x); then x = x⁺.
    for (int64_t j = 0; j < k; ++j) {
      z[j] = next[j] + beta * (next[j] - x[j]);
      x[j] = next[j];
    }
    z_is_x = beta == 0;
    if (at.gap <= target && !z_is_x) {
      std::copy(x, x + k, z);
      t = 1;
      z_is_x = true;
    }
  }
  product(g, k, x, gz);
  return {max_iter, gap_at(x, gz, c, k, yy, lambda).gap};
}

}  // namespace

Status lasso_gram_f64(const LassoGramArgs& p) noexcept {
  try {
    const int64_t k = p.k;
    const Product product{p.isa != nullptr ? ukernel_of<double>(*p.isa).dots : nullptr};
    std::vector<double> basis, w, work(static_cast<std::size_t>(4 * k));
    std::vector<double> local(p.columns != nullptr ? static_cast<std::size_t>(k * k) : 0);
    double* iterations = p.out + p.batch * k;
    double* gaps = iterations + p.batch;
    double* lips = gaps + p.batch;
    double* next = work.data();
    double* z = next + k;
    double* gz = z + k;
    double* c = gz + k;
    for (int64_t q = p.begin; q < p.end; ++q) {
      const double* g = p.g + q * k * k;
      std::copy(p.c + q * k, p.c + (q + 1) * k, c);
      const int32_t* cols = p.columns != nullptr ? p.columns + q * k : nullptr;
      if (cols != nullptr) {
        // Problem q's Gram: rows and columns cols of the shared g (−1: a zero row and column).
        for (int64_t i = 0; i < k; ++i) {
          double* row = local.data() + i * k;
          if (cols[i] < 0) {
            std::fill(row, row + k, 0.0);
            c[i] = 0;
            continue;
          }
          const double* from = p.g + static_cast<int64_t>(cols[i]) * p.n;
          for (int64_t j = 0; j < k; ++j) row[j] = cols[j] < 0 ? 0.0 : from[cols[j]];
        }
        g = local.data();
      }
      const double lambda = p.params[3 * q], yy = p.params[3 * q + 1], target = p.params[3 * q + 2];
      double* x = p.out + q * k;
      if (p.x0 != nullptr) std::copy(p.x0 + q * k, p.x0 + (q + 1) * k, x);
      else std::fill(x, x + k, 0.0);
      if (cols != nullptr) {
        for (int64_t j = 0; j < k; ++j) {
          if (cols[j] < 0) x[j] = 0;
        }
      }
      const double top = k > 0 ? lanczos_top(product, g, k, basis, w) : 0.0;
      if (!(top > 0)) {
        std::fill(x, x + k, 0.0);
        product(g, k, x, gz);
        iterations[q] = 0;
        gaps[q] = std::isfinite(top) ? gap_at(x, gz, c, k, yy, lambda).gap : std::numeric_limits<double>::quiet_NaN();
        lips[q] = 0;
        continue;
      }
      const double lipschitz = 1.01 * top;
      const Outcome r = fista(product, g, c, k, yy, lambda, lipschitz, target, p.max_iter, x, next, z, gz);
      iterations[q] = static_cast<double>(r.iterations);
      gaps[q] = r.gap;
      lips[q] = lipschitz;
    }
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("lassoGram's work vectors");
  }
}

}  // namespace lepton
