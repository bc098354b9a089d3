// linalg_vec.h — the vector primitives under the LU, QR and SVD kernels (dot, axpy, a plane
// rotation of two rows), float64. On x86-64 Linux each is compiled twice, for the baseline and for
// Haswell (AVX2 + FMA), and the loader picks one at run time (GCC/Clang target_clones, an ifunc):
// no -m flags on the translation unit, never -march=native. Elsewhere the baseline copy only.
#ifndef LEPTON_KERNELS_LINALG_VEC_H_
#define LEPTON_KERNELS_LINALG_VEC_H_

#include <cstdint>

#if defined(__x86_64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__))
#define LEPTON_LINALG_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define LEPTON_LINALG_CLONES
#endif

namespace lepton {
namespace linalg {

// √(x² + y²) without glibc hypot's cost: the plain formula when the squares neither overflow nor
// underflow (the kernels' scaled values always), std::hypot otherwise.
inline double fast_hypot(double x, double y) noexcept {
  const double ax = x < 0 ? -x : x, ay = y < 0 ? -y : y;
  const double big = ax > ay ? ax : ay;
  if (big < 1e150 && big > 1e-150) return __builtin_sqrt(x * x + y * y);
  return __builtin_hypot(x, y);
}

// Σ x[i]·y[i], i < n.
double dot(int64_t n, const double* x, const double* y) noexcept;
// out[r] = Σ x[r·ld + i]·y[i], i < n, for the four rows r < 4 of x (one pass over y for four dots).
void dot4(int64_t n, const double* x, int64_t ld, const double* y, double* out) noexcept;
// y[i] += a·x[i], i < n.
void axpy(int64_t n, double a, const double* x, double* y) noexcept;
// y += a·x, then returns y·z (one pass: the updated y is dotted as it is written).
double axpy_dot(int64_t n, double a, const double* x, double* y, const double* z) noexcept;
// y += a·x and z += b·y (the updated y), one pass.
void axpy_acc(int64_t n, double a, const double* x, double* y, double b, double* z) noexcept;
// (x, y) ← (c·x + s·y, c·y − s·x), elementwise over n entries.
void rotate(int64_t n, double* x, double* y, double c, double s) noexcept;

// Applies `count` rotations in order to columns [c0, c0 + w) of the row-major x (row stride ld):
// rotation r turns rows ri[r], rj[r] by (cs[r], sn[r]) as `rotate` does.
void rotate_batch(int64_t count, const int64_t* ri, const int64_t* rj, const double* cs, const double* sn, double* x,
                  int64_t ld, int64_t c0, int64_t w) noexcept;

}  // namespace linalg
}  // namespace lepton

#endif  // LEPTON_KERNELS_LINALG_VEC_H_
