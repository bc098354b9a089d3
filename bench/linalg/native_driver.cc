// native_driver.cc — a standalone test and timing driver for native/kernels/linalg_{lu,qr,svd}.cc
// and linalg_eigh.cc (the kernels alone; the addon registers them as solve/lu/qr/svd/eigh). Built and run by
// bench/linalg/native_vs_numpy.py:
//   native_driver <op> <m> <n> <matrix.f64> <reps> <out.f64>
// reads a row-major float64 m×n matrix, runs <op> (svd | svdvals | qr | lu | solve | eigh: of
// S = A + Aᵀ, square A) <reps> times,
// prints one JSON line {"op", "m", "n", "times_ms": [...], "residual": ‖recomposed − A‖_F / ‖A‖_F,
// "orth": max(‖UᵀU − I‖_F, ‖VVᵀ − I‖_F)} and writes the last result's values to <out.f64>.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../../native/kernels/linalg_eigh.h"
#include "../../native/kernels/linalg_lu.h"
#include "../../native/kernels/linalg_qr.h"
#include "../../native/kernels/linalg_svd.h"
#include "../../native/kernels/ukernel.h"

using lepton::Status;

static double frob(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v * v;
  return std::sqrt(s);
}

// ‖XᵀX − I‖_F for X rows×cols row-major (orthonormal columns).
static double orth_cols(const double* x, int64_t rows, int64_t cols) {
  double s = 0;
  for (int64_t i = 0; i < cols; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      double g = 0;
      for (int64_t r = 0; r < rows; ++r) g += x[r * cols + i] * x[r * cols + j];
      g -= i == j ? 1 : 0;
      s += g * g;
    }
  return std::sqrt(s);
}

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: native_driver <svd|svdvals|qr|lu|solve> <m> <n> <matrix.f64> <reps> <out.f64>\n");
    return 2;
  }
  const std::string op = argv[1];
  const int64_t m = std::atoll(argv[2]), n = std::atoll(argv[3]);
  const int reps = std::atoi(argv[5]);
  std::vector<double> a(static_cast<std::size_t>(m * n));
  FILE* f = std::fopen(argv[4], "rb");
  if (!f || std::fread(a.data(), sizeof(double), a.size(), f) != a.size()) {
    std::fprintf(stderr, "cannot read %s\n", argv[4]);
    return 2;
  }
  std::fclose(f);
  std::string err;
  const lepton::Isa* isa = lepton::select_isa("", &err);
  if (!isa) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 2;
  }
  const int64_t k = std::min(m, n);
  std::vector<double> times, out;
  double residual = 0, orth = 0;
  for (int rep = 0; rep < reps; ++rep) {
    std::vector<double> s(k), u, vt, work = a, tau(k);
    std::vector<int64_t> piv(k);
    const auto t0 = std::chrono::steady_clock::now();
    Status st;
    if (op == "eigh") {
      u.resize(n * n);
      vt.resize(n * n);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) vt[i * n + j] = a[i * n + j] + a[j * n + i];
      s.resize(n);
      st = lepton::eigh_f64(*isa, n, vt.data(), s.data(), u.data());
    } else if (op == "svd") {
      u.resize(m * m);
      vt.resize(n * n);
      st = lepton::svd_f64(*isa, m, n, a.data(), true, true, s.data(), u.data(), vt.data());
    } else if (op == "svdvals") {
      st = lepton::svd_f64(*isa, m, n, a.data(), false, false, s.data(), nullptr, nullptr);
    } else if (op == "qr") {
      st = lepton::qr_f64(*isa, m, n, work.data(), tau.data());
      u.resize(m * k);
      if (st.ok()) st = lepton::qr_form_q_f64(*isa, m, n, work.data(), tau.data(), k, u.data());
    } else if (op == "lu" || op == "solve") {
      int64_t info = -1;
      st = lepton::lu_f64(*isa, m, n, work.data(), piv.data(), &info);
      if (op == "solve" && st.ok()) {
        vt = a;  // B = A, so X = I
        st = lepton::lu_solve_f64(n, work.data(), piv.data(), vt.data(), n);
      }
    } else {
      std::fprintf(stderr, "unknown op %s\n", op.c_str());
      return 2;
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (!st.ok()) {
      std::fprintf(stderr, "%s failed: %s\n", op.c_str(), st.message().c_str());
      return 1;
    }
    times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    if (rep + 1 < reps) continue;
    // Checks on the last repetition.
    std::vector<double> diff(a.size(), 0.0);
    if (op == "eigh") {
      // ‖S·V − V·Λ‖_F / ‖S‖_F with S = vt (symmetrised A), V = u.
      std::vector<double> sm(vt);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double v = 0;
          for (int64_t p = 0; p < n; ++p) v += sm[i * n + p] * u[p * n + j];
          diff[i * n + j] = v - u[i * n + j] * s[j];
        }
      orth = orth_cols(u.data(), n, n);
      out = s;
      residual = frob(diff) / std::max(frob(sm), 1e-300);
      break;
    } else if (op == "svd") {
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double v = 0;
          for (int64_t p = 0; p < k; ++p) v += u[i * m + p] * s[p] * vt[p * n + j];
          diff[i * n + j] = v - a[i * n + j];
        }
      orth = std::max(orth_cols(u.data(), m, m), orth_cols(vt.data(), n, n));
      out = s;
    } else if (op == "svdvals") {
      out = s;
    } else if (op == "qr") {
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double v = 0;
          for (int64_t p = 0; p <= std::min(j, k - 1); ++p) v += u[i * k + p] * work[p * n + j];
          diff[i * n + j] = v - a[i * n + j];
        }
      orth = orth_cols(u.data(), m, k);
      out = work;
    } else if (op == "lu") {
      std::vector<int64_t> perm(m);
      for (int64_t i = 0; i < m; ++i) perm[i] = i;
      for (int64_t p = 0; p < k; ++p) std::swap(perm[p], perm[piv[p]]);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double v = 0;
          for (int64_t p = 0; p < k; ++p) {
            const double l = p < i ? work[i * n + p] : (p == i ? 1.0 : 0.0);
            const double uu = p <= j ? work[p * n + j] : 0.0;
            v += l * uu;
          }
          diff[i * n + j] = v - a[perm[i] * n + j];
        }
      out = work;
    } else {
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) diff[i * n + j] = vt[i * n + j] - (i == j ? 1.0 : 0.0);
      out = vt;
    }
    residual = frob(diff) / std::max(frob(a), 1e-300);
  }
  FILE* o = std::fopen(argv[6], "wb");
  if (o) {
    std::fwrite(out.data(), sizeof(double), out.size(), o);
    std::fclose(o);
  }
  std::printf("{\"op\":\"%s\",\"m\":%lld,\"n\":%lld,\"isa\":\"%s\",\"times_ms\":[", op.c_str(), static_cast<long long>(m),
              static_cast<long long>(n), isa->name);
  for (std::size_t i = 0; i < times.size(); ++i) std::printf("%s%.3f", i ? "," : "", times[i]);
  std::printf("],\"residual\":%.3e,\"orth\":%.3e}\n", residual, orth);
  return 0;
}
