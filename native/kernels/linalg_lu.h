// linalg_lu.h — LU with partial pivoting (getrf) and the solves on it, float64, row-major, in place.
// No Node headers: the addon glue (native/addon.cc) decodes and checks arguments, then calls these.
#ifndef LEPTON_KERNELS_LINALG_LU_H_
#define LEPTON_KERNELS_LINALG_LU_H_

#include <cstdint>

#include "status.h"
#include "ukernel.h"

namespace lepton {

// Factors the row-major m×n matrix `a` in place into P·A = L·U (L unit lower below the diagonal,
// U on and above it). piv[k] (min(m, n) entries) is the row swapped with row k at step k (LAPACK's
// ipiv, 0-based). *info = index of the first exactly-zero pivot, or −1. Blocked right-looking:
// panels of kLuBlock columns factored unblocked, then U12 = L11⁻¹·A12 and A22 −= L21·U12 on the
// float64 GEMM of `isa`. Cost: m·n·k − (m + n)·k²/2 + k³/3 multiply-adds, k = min(m, n).
Status lu_f64(const Isa& isa, int64_t m, int64_t n, double* a, int64_t* piv, int64_t* info) noexcept;

// Solves A·X = B in place in `b` (row-major n×nrhs) from lu_f64's factors of a square A with no
// zero pivot: row swaps, forward substitution (unit L), back substitution (U). 2·n²·nrhs flops.
Status lu_solve_f64(int64_t n, const double* lu, const int64_t* piv, double* b, int64_t nrhs) noexcept;

constexpr int64_t kLuBlock = 64;

}  // namespace lepton

#endif  // LEPTON_KERNELS_LINALG_LU_H_
