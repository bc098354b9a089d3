// elementwise.h — unary (relu, sigmoid, exp, …, clip) and binary (arithmetic, maximum/minimum,
// numpy's mod, comparisons, with broadcast strides) range kernels over a flat range of output
// elements. The enums' order is the order of the `fn` choice lists in addon.cc (and of the
// TypeScript UNARY_FNS / BINARY_FNS).
#ifndef LEPTON_KERNELS_ELEMENTWISE_H_
#define LEPTON_KERNELS_ELEMENTWISE_H_

#include <cstdint>
#include <vector>

#include "status.h"
#include "threadpool.h"

namespace lepton {

enum class UnaryFn {
  kRelu, kSigmoid, kExp, kLog, kLog1p, kExpm1, kSqrt, kRsqrt, kAbs, kNeg, kSign, kSquare,
  kTanh, kSin, kCos, kErf, kGelu, kSoftplus, kLeakyRelu, kClip,
};
enum class BinaryFn {
  kAdd, kSub, kMul, kDiv, kPow, kMaximum, kMinimum, kMod,
  kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual,
};

// Whether `fn` is defined on int32 (relu, abs, neg, sign, square, clip).
bool unary_int_ok(UnaryFn fn) noexcept;
// Comparisons write int32 0/1 into BinaryArgs::mask instead of `out`.
inline bool is_comparison(BinaryFn fn) noexcept { return fn >= BinaryFn::kEqual; }

template <class T>
struct UnaryArgs {
  UnaryFn fn = UnaryFn::kRelu;
  const T* x = nullptr;  // dense
  T* out = nullptr;      // dense, may alias x
  double alpha = 0;      // leakyRelu's slope
  double lo = 0, hi = 0;  // clip's bounds (±Infinity when absent)
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
  T* out = nullptr;         // dense, row-major over `shape` (arithmetic)
  int32_t* mask = nullptr;  // dense, row-major over `shape` (comparisons: 0/1)
  int64_t begin = 0, end = 0;
  int threads = 1;
  ThreadPool* pool = nullptr;
};

Status unary_f32(const UnaryArgs<float>& args) noexcept;
Status unary_f64(const UnaryArgs<double>& args) noexcept;
Status unary_i32(const UnaryArgs<int32_t>& args) noexcept;  // relu, abs, neg, sign, square, clip (wrapping)
Status binary_f32(const BinaryArgs<float>& args) noexcept;
Status binary_f64(const BinaryArgs<double>& args) noexcept;
Status binary_i32(const BinaryArgs<int32_t>& args) noexcept;  // all but div and pow; wraps at 32 bits

}  // namespace lepton

#endif  // LEPTON_KERNELS_ELEMENTWISE_H_
