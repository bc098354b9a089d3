// cholesky.h — Cholesky factorisation (S = L·Lᵀ, lower triangle read) and SPD solves, always in
// float64 whatever the input dtype, and ridge regression on top of them.
#ifndef LEPTON_KERNELS_CHOLESKY_H_
#define LEPTON_KERNELS_CHOLESKY_H_

#include <cstdint>

#include "status.h"
#include "ukernel.h"

namespace lepton {

// Where a factorisation failed: pivot index (−1 when it succeeded), the pivot's value and the
// tolerance it had to pass (n·ε·max|diag|). The JavaScript side builds the error message from it.
struct PivotInfo {
  int64_t pivot = -1;
  double value = 0;
  double tolerance = 0;
};

// Factors the row-major n×n float64 matrix s in place into L (strict upper triangle zeroed).
// Blocked right-looking: unblocked diagonal block, row-wise panel solve, trailing update of the
// lower triangle by the GEMM, one block row at a time. Cost: n³/3 flops.
Status cholesky_in_place(const Isa& isa, double* s, int64_t n, PivotInfo* info) noexcept;

// Solves L·Lᵀ·X = B in place for row-major B (n×k): blocked forward and backward substitution,
// the off-diagonal blocks through the GEMM, all right-hand sides at once. Cost: 2·n²·k flops.
Status cholesky_solve_in_place(const Isa& isa, const double* l, int64_t n, double* b, int64_t k) noexcept;

template <class T>
struct CholeskyArgs {
  const Isa* isa = nullptr;
  int64_t n = 0;
  const T* s = nullptr;  // n×n dense
  T* out = nullptr;      // n×n dense: L
  double* info = nullptr;  // [pivot, value, tolerance]; pivot −1 on success
};

template <class T>
struct SolveSpdArgs {
  const Isa* isa = nullptr;
  int64_t n = 0, nrhs = 0;
  const T* s = nullptr;  // n×n dense
  const T* b = nullptr;  // n×nrhs dense
  T* out = nullptr;      // n×nrhs dense: X
  double* info = nullptr;
};

template <class T>
struct RidgeArgs {
  const Isa* isa = nullptr;
  int64_t m = 0, n = 0, signals = 0;
  bool dual = false;
  double lambda = 0;
  const T* a = nullptr;  // m×n dense
  const T* y = nullptr;  // m×signals dense
  T* out = nullptr;      // n×signals dense
  double* info = nullptr;
};

Status cholesky_f32(const CholeskyArgs<float>& args) noexcept;
Status cholesky_f64(const CholeskyArgs<double>& args) noexcept;
Status solve_spd_f32(const SolveSpdArgs<float>& args) noexcept;
Status solve_spd_f64(const SolveSpdArgs<double>& args) noexcept;
Status ridge_f32(const RidgeArgs<float>& args) noexcept;
Status ridge_f64(const RidgeArgs<double>& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_CHOLESKY_H_
