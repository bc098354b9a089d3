// linalg_eigh.h — symmetric eigendecomposition A = V·diag(values)·Vᵀ, float64, row-major. The
// native counterpart of src/backends/js/eigh.ts (same contract). No Node headers.
#ifndef LEPTON_KERNELS_LINALG_EIGH_H_
#define LEPTON_KERNELS_LINALG_EIGH_H_

#include <cstdint>
#include <vector>

#include "status.h"
#include "ukernel.h"

namespace lepton {

// Eigenvalues (n, ascending) and eigenvectors (n×n row-major, column j the unit vector of
// values[j], as numpy.linalg.eigh) of the symmetric n×n `a`; only its lower triangle is read.
// Householder tridiagonalisation (one fused pass over the trailing rows per step: the rank-2
// update of a row and its product with the next reflector), Qᵀ formed in compact-WY blocks on
// the GEMM of `isa`, implicit-shift QR with Wilkinson shifts on the tridiagonal, its rotations of
// the rows of Qᵀ applied in batches by column chunks. `vectors` may be null (values only).
// Status::Invalid when the iteration has not converged after 60·n sweeps.
Status eigh_f64(const Isa& isa, int64_t n, const double* a, double* values, double* vectors) noexcept;

namespace linalg {
// Inverse iteration (LAPACK stein) for `count` eigenvectors of the unreduced symmetric tridiagonal
// (d [m], e [m − 1]) with eigenvalues lam[0..count) ascending (nudged apart by 10·ε·‖T‖ where
// closer): z gets them as columns (row stride ldz). Vectors of a cluster (eigenvalues within
// 10⁻³·‖T‖) are re-orthogonalised. False when an iteration did not grow or a cluster passes 64
// (the callers then use QR with rotations).
bool inverse_iteration(int64_t m, const double* d, const double* e, std::vector<double>& lam, int64_t count, double* z,
                       int64_t ldz);
}  // namespace linalg

}  // namespace lepton

#endif  // LEPTON_KERNELS_LINALG_EIGH_H_
