// linalg_svd.h — singular value decomposition A = U·diag(s)·Vᵀ, float64, row-major. No Node headers.
#ifndef LEPTON_KERNELS_LINALG_SVD_H_
#define LEPTON_KERNELS_LINALG_SVD_H_

#include <cstdint>

#include "status.h"
#include "ukernel.h"

namespace lepton {

// The SVD of the row-major m×n `a` (read only). k = min(m, n).
//   s   k values, descending, ≥ 0.
//   u   m×ucols row-major, ucols = m when `full`, else k   (not touched when !want_vectors)
//   vt  vrows×n row-major, vrows = n when `full`, else k   (not touched when !want_vectors)
// Golub–Kahan–Reinsch, the algorithm of src/backends/js/linalg/svd.ts: scaling by 1/max|a|,
// Householder bidiagonalisation (the left update and the next right reflector fused per row),
// Uᵀ and Vᵀ formed by applying the reflectors backwards to [I 0] in compact-WY blocks (GEMMs of
// `isa`), implicit-shift QR sweeps whose rotations of rows of Uᵀ and Vᵀ are recorded and applied
// in batches, 64 columns at a time (AVX2/FMA where the CPU has it), then signs,
// descending order, unscaling. A wide A is decomposed as Aᵀ. Status::Invalid when the iteration
// has not converged after 75·k sweeps (finite input always converges in practice).
Status svd_f64(const Isa& isa, int64_t m, int64_t n, const double* a, bool full, bool want_vectors, double* s,
               double* u, double* vt) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_LINALG_SVD_H_
