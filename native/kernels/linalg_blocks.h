// linalg_blocks.h — pieces shared by the SVD and eigh kernels (internal, header-only):
// applying a block of Householder reflectors from the right in compact WY form (two GEMMs),
// building its T factor, and a batch of row rotations applied chunk by chunk.
#ifndef LEPTON_KERNELS_LINALG_BLOCKS_H_
#define LEPTON_KERNELS_LINALG_BLOCKS_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gemm.h"
#include "linalg_vec.h"
#include "status.h"
#include "ukernel.h"

namespace lepton {
namespace linalg {

constexpr int64_t kReflectorBlock = 32;  // reflectors per compact-WY block when forming U and V
constexpr int64_t kRotationChunk = 64;   // columns of Uᵀ / Vᵀ per pass over a batch of rotations

// X[r0:rows, c0:c0+len] ← X·(H_0·…·H_{nb−1})ᵀ = X − ((X·V)·Tᵀ)·Vᵀ for the compact WY form
// H_0·…·H_{nb−1} = I − V·T·Vᵀ (V len×nb row-major, unit lower trapezoidal; T nb×nb upper, LAPACK
// larft forward). Two GEMMs (4·rows·len·nb flops) and a triangular product.
inline Status apply_block_right(const Isa& isa, double* x, int64_t ld, int64_t r0, int64_t rows, int64_t c0, int64_t len,
                         const double* v, const double* t, int64_t nb, double* w1, double* w2) {
  const int64_t rr = rows - r0;
  if (rr <= 0 || len <= 0) return Status::Ok();
  double* xs = x + r0 * ld + c0;
  Status st = gemm_strided<double>(isa, rr, nb, len, 1.0, xs, ld, 1, v, nb, 1, w1, nb, false, Epilogue<double>{});
  if (!st.ok()) return st;
  for (int64_t r = 0; r < rr; ++r) {
    for (int64_t i = 0; i < nb; ++i) {
      double acc = 0;
      for (int64_t j = i; j < nb; ++j) acc += w1[r * nb + j] * t[i * nb + j];
      w2[r * nb + i] = acc;
    }
  }
  return gemm_strided<double>(isa, rr, len, nb, -1.0, w2, nb, 1, v, 1, nb, xs, ld, true, Epilogue<double>{});
}

// X[r0:r0+len, c0:c0+cols] ← op(H)·X with H = I − V·T·Vᵀ (V len×nb row-major; T nb×nb upper):
// X −= V·(op(T)·(Vᵀ·X)), op(T) = Tᵀ when `transpose_t` (applies Hᵀ = H_{nb−1}·…·H_0), else T.
inline Status apply_block_left(const Isa& isa, double* x, int64_t ld, int64_t r0, int64_t len, int64_t c0,
                               int64_t cols, const double* v, const double* t, int64_t nb, bool transpose_t,
                               double* w1, double* w2) {
  if (len <= 0 || cols <= 0) return Status::Ok();
  double* xs = x + r0 * ld + c0;
  // w1 = Vᵀ·X (nb×cols)
  Status st = gemm_strided<double>(isa, nb, cols, len, 1.0, v, 1, nb, xs, ld, 1, w1, cols, false, Epilogue<double>{});
  if (!st.ok()) return st;
  // w2 = op(T)·w1
  for (int64_t i = 0; i < nb; ++i) {
    double* out = w2 + i * cols;
    std::fill(out, out + cols, 0.0);
    if (transpose_t) {
      for (int64_t j = 0; j <= i; ++j) axpy(cols, t[j * nb + i], w1 + j * cols, out);
    } else {
      for (int64_t j = i; j < nb; ++j) axpy(cols, t[i * nb + j], w1 + j * cols, out);
    }
  }
  return gemm_strided<double>(isa, len, cols, nb, -1.0, v, nb, 1, w2, cols, 1, xs, ld, true, Epilogue<double>{});
}

// T of the compact WY form for the nb reflectors in V (len×nb) with scalars tau.
inline void build_t(const double* v, int64_t len, int64_t nb, const double* tau, double* t) {
  std::fill(t, t + nb * nb, 0.0);
  std::vector<double> zc(static_cast<std::size_t>(nb));
  for (int64_t i = 0; i < nb; ++i) {
    t[i * nb + i] = tau[i];
    if (tau[i] == 0) continue;
    // zc = V[i:, 0:i]ᵀ·V[i:, i], row by row (contiguous in V).
    std::fill(zc.begin(), zc.begin() + i, 0.0);
    for (int64_t r = i; r < len; ++r) {
      const double vi = v[r * nb + i];
      if (vi == 0) continue;
      for (int64_t j = 0; j < i; ++j) zc[j] += v[r * nb + j] * vi;
    }
    for (int64_t j = 0; j < i; ++j) {
      double acc = 0;
      for (int64_t p = j; p < i; ++p) acc += t[j * nb + p] * zc[p];
      t[j * nb + i] = -tau[i] * acc;
    }
  }
}

// Rotations of rows of a row-major matrix, recorded in order and applied in batches: each batch
// is applied to kRotationChunk columns at a time, so the chunk stays in cache for the whole batch
// instead of every rotation streaming two full rows.
class RotationBatch {
 public:
  RotationBatch(double* x, int64_t len, bool on) : x_(x), len_(len), on_(on) {}
  void add(int64_t i, int64_t j, double c, double s) {
    if (!on_) return;
    ri_.push_back(i);
    rj_.push_back(j);
    c_.push_back(c);
    s_.push_back(s);
    if (static_cast<int64_t>(ri_.size()) >= kCapacity) flush();
  }
  void flush() {
    const int64_t count = static_cast<int64_t>(ri_.size());
    for (int64_t c0 = 0; c0 < len_ && count > 0; c0 += kRotationChunk) {
      rotate_batch(count, ri_.data(), rj_.data(), c_.data(), s_.data(), x_, len_, c0, std::min(kRotationChunk, len_ - c0));
    }
    ri_.clear();
    rj_.clear();
    c_.clear();
    s_.clear();
  }

 private:
  static constexpr int64_t kCapacity = 8192;
  double* x_;
  int64_t len_;
  bool on_;
  std::vector<int64_t> ri_, rj_;
  std::vector<double> c_, s_;
};

}  // namespace linalg
}  // namespace lepton

#endif  // LEPTON_KERNELS_LINALG_BLOCKS_H_
