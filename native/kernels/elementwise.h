// elementwise.h — unary (relu, sigmoid) and binary (add, sub, mul, div with broadcast strides)
// range kernels over a flat range of output elements.
#ifndef LEPTON_KERNELS_ELEMENTWISE_H_
#define LEPTON_KERNELS_ELEMENTWISE_H_

#include <cstdint>
#include <vector>

#include "status.h"
#include "threadpool.h"

namespace lepton {

enum class UnaryFn { kRelu = 0, kSigmoid = 1 };
enum class BinaryFn { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3 };

template <class T>
struct UnaryArgs {
  UnaryFn fn = UnaryFn::kRelu;
  const T* x = nullptr;  // dense
  T* out = nullptr;      // dense, may alias x
  int64_t begin = 0, end = 0;
  // Threads of `pool` for this call (1 or no pool: the calling thread alone): the range split.
  int threads = 1;
  ThreadPool* pool = nullptr;
};

template <class T>
struct BinaryArgs {
  BinaryFn fn = BinaryFn::kAdd;
  std::vector<int64_t> shape;  // the output shape
  const T* a = nullptr;
  int64_t a_offset = 0;
  std::vector<int64_t> a_strides;  // broadcast to `shape` (0 where a repeats)
  const T* b = nullptr;
  int64_t b_offset = 0;
  std::vector<int64_t> b_strides;
  T* out = nullptr;  // dense, row-major over `shape`
  int64_t begin = 0, end = 0;
  int threads = 1;
  ThreadPool* pool = nullptr;
};

Status unary_f32(const UnaryArgs<float>& args) noexcept;
Status unary_f64(const UnaryArgs<double>& args) noexcept;
Status unary_i32(const UnaryArgs<int32_t>& args) noexcept;  // relu only
Status binary_f32(const BinaryArgs<float>& args) noexcept;
Status binary_f64(const BinaryArgs<double>& args) noexcept;
Status binary_i32(const BinaryArgs<int32_t>& args) noexcept;  // add, sub, mul: wrap at 32 bits

}  // namespace lepton

#endif  // LEPTON_KERNELS_ELEMENTWISE_H_
