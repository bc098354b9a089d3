// linalg_ops.h — the addon's general linear-algebra entries (solve, lu, qr, svd, eigh) over the
// float64 kernels: arguments as decoded pointers and sizes, inputs and the packed output in the
// entry's element type (float or double; float is computed in double and rounded once at the
// end). No Node headers: addon.cc decodes and checks every length against these shapes first.
//
// Packed outputs (the order and offsets the TypeScript plans use):
//   lu    p [m] (the row permutation, as numbers), l [m·k], u [k·n]          k = min(m, n)
//   qr    q [m·rows], r [rows·n]                                            rows = k or m
//   svd   u [m·ucols], s [k], vt [vrows·n] (ucols, vrows = m, n full; k thin), or s [k] alone
//   eigh  values [n], vectors [n·n]
#ifndef LEPTON_KERNELS_LINALG_OPS_H_
#define LEPTON_KERNELS_LINALG_OPS_H_

#include <cstdint>

#include "status.h"
#include "ukernel.h"

namespace lepton {

template <class T>
struct LinalgSolveArgs {
  const Isa* isa = nullptr;
  int64_t n = 0, nrhs = 0;
  const T* a = nullptr;  // n×n
  const T* b = nullptr;  // n×nrhs
  T* out = nullptr;      // n×nrhs
  double* info = nullptr;  // [1]: the first zero pivot, or −1
};

template <class T>
struct LinalgLuArgs {
  const Isa* isa = nullptr;
  int64_t m = 0, n = 0;
  const T* a = nullptr;
  T* out = nullptr;
};

template <class T>
struct LinalgQrArgs {
  const Isa* isa = nullptr;
  int64_t m = 0, n = 0, rows = 0;
  const T* a = nullptr;
  T* out = nullptr;
};

enum class SvdVectors { kNone, kThin, kFull };

template <class T>
struct LinalgSvdArgs {
  const Isa* isa = nullptr;
  int64_t m = 0, n = 0;
  SvdVectors vectors = SvdVectors::kNone;
  const T* a = nullptr;
  T* out = nullptr;
};

template <class T>
struct LinalgEighArgs {
  const Isa* isa = nullptr;
  int64_t n = 0;
  const T* a = nullptr;  // n×n, lower triangle read
  T* out = nullptr;
};

template <class T>
Status linalg_solve(const LinalgSolveArgs<T>& p) noexcept;
template <class T>
Status linalg_lu(const LinalgLuArgs<T>& p) noexcept;
template <class T>
Status linalg_qr(const LinalgQrArgs<T>& p) noexcept;
template <class T>
Status linalg_svd(const LinalgSvdArgs<T>& p) noexcept;
template <class T>
Status linalg_eigh(const LinalgEighArgs<T>& p) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_LINALG_OPS_H_
