// linalg_qr.h — Householder QR (geqrf / orgqr), float64, row-major, in place. No Node headers.
#ifndef LEPTON_KERNELS_LINALG_QR_H_
#define LEPTON_KERNELS_LINALG_QR_H_

#include <cstdint>

#include "status.h"
#include "ukernel.h"

namespace lepton {

// Builds the reflector H = I − τ·v·vᵀ with H·x = (β, 0, …) for x = (alpha, x[1:len)) read at
// x[i·stride]: writes v[1:] over x[1:], returns β and sets *tau (LAPACK larfg: β = −sign(α)·‖x‖).
double householder_f64(double alpha, double* x, int64_t stride, int64_t len, double* tau) noexcept;

// Reduces the row-major m×n `a` to R (upper triangle) with k = min(m, n) reflectors stored below
// the diagonal and τ in `tau` (k entries). 2·m·n² − 2n³/3 flops. Blocked: panels of
// kReflectorBlock columns unblocked, the trailing columns updated by the panel's compact WY form
// (I − V·T·Vᵀ)ᵀ, two GEMMs of `isa`.
Status qr_f64(const Isa& isa, int64_t m, int64_t n, double* a, double* tau) noexcept;

// Q's first `cols` columns (m×cols row-major; cols = min(m, n) reduced, m complete) from qr_f64,
// the reflector blocks applied backwards to I in compact WY form.
Status qr_form_q_f64(const Isa& isa, int64_t m, int64_t n, const double* a, const double* tau, int64_t cols,
                     double* q) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_LINALG_QR_H_
