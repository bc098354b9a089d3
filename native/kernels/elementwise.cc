// elementwise.cc — unary and binary range kernels. Binary walks the output row by row (its last
// dimension); each operand is read through broadcast strides, with contiguous (stride 1) and
// scalar-broadcast (stride 0) inner loops written out so the compiler vectorises them. int32
// arithmetic wraps at 32 bits (done in uint32, where wrapping is defined).
// Cost: one pass over the output.
#include "elementwise.h"

#include <algorithm>
#include <cmath>

namespace lepton {
namespace {

// Elements per thread below which a memory-bound op runs on one thread (~1 MiB of float32 read).
constexpr int64_t kMinElementsPerThread = int64_t{1} << 18;

template <class T>
void unary_part(const UnaryArgs<T>& p, int64_t begin, int64_t end) noexcept {
  const T* x = p.x;
  T* out = p.out;
  if (p.fn == UnaryFn::kRelu) {
    for (int64_t i = begin; i < end; ++i) out[i] = x[i] < T(0) ? T(0) : x[i];  // NaN stays NaN
  } else {
    for (int64_t i = begin; i < end; ++i) out[i] = T(1) / (T(1) + std::exp(-x[i]));
  }
}

template <class T>
Status unary_range(const UnaryArgs<T>& p) noexcept {
  // sigmoid costs an exp per element: worth splitting from fewer elements.
  const int64_t min = p.fn == UnaryFn::kRelu ? kMinElementsPerThread : kMinElementsPerThread / 8;
  parallel_for(p.pool, p.threads, p.end - p.begin, 16, min,
               [&](int64_t b, int64_t e) { unary_part(p, p.begin + b, p.begin + e); });
  return Status::Ok();
}

template <class T>
inline T apply(BinaryFn fn, T a, T b) {
  if constexpr (std::is_same_v<T, int32_t>) {
    const uint32_t ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
    switch (fn) {
      case BinaryFn::kAdd: return static_cast<int32_t>(ua + ub);
      case BinaryFn::kSub: return static_cast<int32_t>(ua - ub);
      case BinaryFn::kMul: return static_cast<int32_t>(ua * ub);
      default: return b == 0 ? 0 : static_cast<int32_t>(static_cast<int64_t>(a) / b);  // not reached: div is float-only
    }
  } else {
    switch (fn) {
      case BinaryFn::kAdd: return a + b;
      case BinaryFn::kSub: return a - b;
      case BinaryFn::kMul: return a * b;
      default: return a / b;
    }
  }
}

// out[j] = a[j·as] ∘ b[j·bs] for j < len, with the common stride patterns unrolled.
template <class T, BinaryFn F>
inline void row_op(T* __restrict out, const T* a, int64_t as, const T* b, int64_t bs, int64_t len) {
  if (as == 1 && bs == 1) {
    for (int64_t j = 0; j < len; ++j) out[j] = apply<T>(F, a[j], b[j]);
  } else if (as == 1 && bs == 0) {
    const T bv = b[0];
    for (int64_t j = 0; j < len; ++j) out[j] = apply<T>(F, a[j], bv);
  } else if (as == 0 && bs == 1) {
    const T av = a[0];
    for (int64_t j = 0; j < len; ++j) out[j] = apply<T>(F, av, b[j]);
  } else {
    for (int64_t j = 0; j < len; ++j) out[j] = apply<T>(F, a[j * as], b[j * bs]);
  }
}

template <class T, BinaryFn F>
void binary_walk(const BinaryArgs<T>& p, int64_t begin, int64_t end) {
  const std::size_t rank = p.shape.size();
  const int64_t inner = rank == 0 ? 1 : p.shape[rank - 1];
  const int64_t a_inner = rank == 0 ? 0 : p.a_strides[rank - 1];
  const int64_t b_inner = rank == 0 ? 0 : p.b_strides[rank - 1];
  if (inner == 0) return;
  for (int64_t i = begin; i < end;) {
    int64_t rem = i / inner;
    int64_t ao = p.a_offset, bo = p.b_offset;
    for (std::size_t d = rank > 0 ? rank - 1 : 0; d-- > 0;) {
      const int64_t idx = rem % p.shape[d];
      rem /= p.shape[d];
      ao += idx * p.a_strides[d];
      bo += idx * p.b_strides[d];
    }
    const int64_t j0 = i % inner;
    const int64_t j1 = std::min(inner, j0 + (end - i));
    row_op<T, F>(p.out + i, p.a + ao + j0 * a_inner, a_inner, p.b + bo + j0 * b_inner, b_inner, j1 - j0);
    i += j1 - j0;
  }
}

template <class T>
Status binary_range(const BinaryArgs<T>& p) noexcept {
  parallel_for(p.pool, p.threads, p.end - p.begin, 16, kMinElementsPerThread, [&](int64_t b, int64_t e) {
    const int64_t begin = p.begin + b, end = p.begin + e;
    switch (p.fn) {
      case BinaryFn::kAdd: binary_walk<T, BinaryFn::kAdd>(p, begin, end); break;
      case BinaryFn::kSub: binary_walk<T, BinaryFn::kSub>(p, begin, end); break;
      case BinaryFn::kMul: binary_walk<T, BinaryFn::kMul>(p, begin, end); break;
      case BinaryFn::kDiv: binary_walk<T, BinaryFn::kDiv>(p, begin, end); break;
    }
  });
  return Status::Ok();
}

}  // namespace

Status unary_f32(const UnaryArgs<float>& args) noexcept { return unary_range(args); }
Status unary_f64(const UnaryArgs<double>& args) noexcept { return unary_range(args); }
Status unary_i32(const UnaryArgs<int32_t>& args) noexcept {
  if (args.fn != UnaryFn::kRelu) return Status::Invalid("sigmoid needs a float dtype");
  return unary_range(args);
}
Status binary_f32(const BinaryArgs<float>& args) noexcept { return binary_range(args); }
Status binary_f64(const BinaryArgs<double>& args) noexcept { return binary_range(args); }
Status binary_i32(const BinaryArgs<int32_t>& args) noexcept {
  if (args.fn == BinaryFn::kDiv) return Status::Invalid("div needs a float dtype");
  return binary_range(args);
}

}  // namespace lepton
