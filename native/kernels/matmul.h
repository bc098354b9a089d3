// matmul.h — batched C = op(A)·op(B) (+ bias, then activation) over strided, broadcast operands.
#ifndef LEPTON_KERNELS_MATMUL_H_
#define LEPTON_KERNELS_MATMUL_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "gemm.h"
#include "prepack.h"
#include "status.h"
#include "threadpool.h"
#include "ukernel.h"

namespace lepton {

// A strided operand: element [b..., r, c] at data[offset + Σ batch·batch_strides + r·rs + c·cs].
// Batch strides are already broadcast to the output's batch shape (0 where the operand repeats).
template <class T>
struct MatrixView {
  const T* data = nullptr;
  int64_t offset = 0;
  std::vector<int64_t> batch_strides;
  int64_t rs = 0;
  int64_t cs = 0;
};

template <class T>
struct MatmulArgs {
  const Isa* isa = nullptr;
  int64_t m = 0, n = 0, k = 0;
  std::vector<int64_t> batch_shape;
  MatrixView<T> a;     // op(A): element (i, p), m×k
  MatrixView<T> b;     // op(B): element (p, j), k×n
  MatrixView<T> bias;  // (i, j), m×n; data == nullptr when absent
  Activation activation = Activation::kNone;
  T* out = nullptr;    // [batch·m, n] row-major
  // Rows [row_begin, row_end) of the flattened [batch·m, n] output.
  int64_t row_begin = 0, row_end = 0;
  // Threads of `pool` for this call (1 or no pool: the calling thread alone). They share each
  // packed panel of B (gemm.h); batches of small products are split between them instead.
  int threads = 1;
  ThreadPool* pool = nullptr;
  // B packed once (prepack.h), the same for every batch entry; `b` is then not read. Shared
  // ownership: the kernel keeps it alive even if JavaScript drops the handle mid-call.
  std::shared_ptr<const PackedMatrix<T>> packed_b;
};

Status matmul_f32(const MatmulArgs<float>& args) noexcept;
Status matmul_f64(const MatmulArgs<double>& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_MATMUL_H_
