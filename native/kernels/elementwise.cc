// elementwise.cc — unary and binary range kernels. Unary: one loop per function (a lambda per
// case, inlined). Comparisons share the binary walk and write int32 0/1. Binary walks the output row by row (its last
// dimension); each operand is read through broadcast strides, with contiguous (stride 1) and
// scalar-broadcast (stride 0) inner loops written out so the compiler vectorises them. int32
// arithmetic wraps at 32 bits (done in uint32, where wrapping is defined).
// Cost: one pass over the output.
#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace lepton {
namespace {

template <class T>
inline T sign_of(T v) {
  return v > T(0) ? T(1) : v < T(0) ? T(-1) : v;  // ±0 and NaN stay as they are
}

// int32 negation and products in uint32, where wrapping is defined: −(−2³¹) = −2³¹.
inline int32_t wrap_neg(int32_t v) { return static_cast<int32_t>(0u - static_cast<uint32_t>(v)); }
inline int32_t wrap_mul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

template <class T, class F>
inline void map(const UnaryArgs<T>& p, F f) {
  const T* __restrict x = p.x;
  T* out = p.out;
  for (int64_t i = p.begin; i < p.end; ++i) out[i] = f(x[i]);
}

template <class T>
Status unary_float(const UnaryArgs<T>& p) noexcept {
  switch (p.fn) {
    case UnaryFn::kRelu: map(p, [](T v) { return v < T(0) ? T(0) : v; }); break;  // NaN stays NaN
    case UnaryFn::kSigmoid: map(p, [](T v) { return T(1) / (T(1) + std::exp(-v)); }); break;
    case UnaryFn::kExp: map(p, [](T v) { return std::exp(v); }); break;
    case UnaryFn::kLog: map(p, [](T v) { return std::log(v); }); break;
    case UnaryFn::kLog1p: map(p, [](T v) { return std::log1p(v); }); break;
    case UnaryFn::kExpm1: map(p, [](T v) { return std::expm1(v); }); break;
    case UnaryFn::kSqrt: map(p, [](T v) { return std::sqrt(v); }); break;
    case UnaryFn::kRsqrt: map(p, [](T v) { return T(1) / std::sqrt(v); }); break;
    case UnaryFn::kAbs: map(p, [](T v) { return std::fabs(v); }); break;
    case UnaryFn::kNeg: map(p, [](T v) { return -v; }); break;
    case UnaryFn::kSign: map(p, [](T v) { return sign_of(v); }); break;
    case UnaryFn::kSquare: map(p, [](T v) { return v * v; }); break;
    case UnaryFn::kTanh: map(p, [](T v) { return std::tanh(v); }); break;
    case UnaryFn::kSin: map(p, [](T v) { return std::sin(v); }); break;
    case UnaryFn::kCos: map(p, [](T v) { return std::cos(v); }); break;
    case UnaryFn::kErf: map(p, [](T v) { return std::erf(v); }); break;
    // Exact GELU x·Φ(x) through erfc, so that the far negative tail keeps its relative accuracy.
    case UnaryFn::kGelu:
      map(p, [](T v) {
        if (std::isinf(v) && v < T(0)) return T(-0.0);  // the limit, not −∞·0
        return static_cast<T>(0.5 * double(v) * std::erfc(-double(v) * 0.70710678118654752));
      });
      break;
    case UnaryFn::kSoftplus:
      map(p, [](T v) { return (v > T(0) ? v : T(0)) + std::log1p(std::exp(-std::fabs(v))); });
      break;
    case UnaryFn::kLeakyRelu: {
      const double alpha = p.alpha;
      map(p, [alpha](T v) { return v < T(0) ? static_cast<T>(alpha * double(v)) : v; });
      break;
    }
    case UnaryFn::kClip: {
      const T lo = static_cast<T>(p.lo), hi = static_cast<T>(p.hi);
      map(p, [lo, hi](T v) { return v < lo ? lo : v > hi ? hi : v; });  // NaN stays NaN
      break;
    }
  }
  return Status::Ok();
}

Status unary_int(const UnaryArgs<int32_t>& p) noexcept {
  using T = int32_t;
  switch (p.fn) {
    case UnaryFn::kRelu: map(p, [](T v) { return v < 0 ? 0 : v; }); break;
    case UnaryFn::kAbs: map(p, [](T v) { return v < 0 ? wrap_neg(v) : v; }); break;
    case UnaryFn::kNeg: map(p, [](T v) { return wrap_neg(v); }); break;
    case UnaryFn::kSign: map(p, [](T v) { return sign_of(v); }); break;
    case UnaryFn::kSquare: map(p, [](T v) { return wrap_mul(v, v); }); break;
    case UnaryFn::kClip: {
      const double lo = p.lo, hi = p.hi;  // integers or ±Infinity (the op layer checked)
      map(p, [lo, hi](T v) { return double(v) < lo ? static_cast<T>(lo) : double(v) > hi ? static_cast<T>(hi) : v; });
      break;
    }
    default: return Status::Invalid("this unary function needs a float dtype");
  }
  return Status::Ok();
}

// numpy.mod: the result takes the divisor's sign. Floats: x mod 0 is NaN and a zero result is ±0
// by the divisor's sign. int32: x mod 0 is 0 (numpy's value) and x mod −1 is 0 (INT_MIN % −1 is UB in C++).
template <class T>
inline T mod_of(T a, T b) {
  if constexpr (std::is_same_v<T, int32_t>) {
    if (b == 0 || b == -1) return 0;
    T r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  } else {
    T r = std::fmod(a, b);
    if (r != T(0)) {
      if ((r < T(0)) != (b < T(0))) r += b;
    } else {
      r = std::copysign(T(0), b);
    }
    return r;
  }
}

// numpy.maximum / minimum: NaN if either operand is NaN.
template <class T>
inline T max_of(T a, T b) {
  return a > b ? a : b > a ? b : a != a ? a : b;
}
template <class T>
inline T min_of(T a, T b) {
  return a < b ? a : b < a ? b : a != a ? a : b;
}

template <class T>
inline T apply(BinaryFn fn, T a, T b) {
  if constexpr (std::is_same_v<T, int32_t>) {
    const uint32_t ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
    switch (fn) {
      case BinaryFn::kAdd: return static_cast<int32_t>(ua + ub);
      case BinaryFn::kSub: return static_cast<int32_t>(ua - ub);
      case BinaryFn::kMul: return static_cast<int32_t>(ua * ub);
      case BinaryFn::kMaximum: return max_of(a, b);
      case BinaryFn::kMinimum: return min_of(a, b);
      case BinaryFn::kMod: return mod_of(a, b);
      default: return 0;  // not reached: div and pow are float-only, comparisons go to compare_walk
    }
  } else {
    switch (fn) {
      case BinaryFn::kAdd: return a + b;
      case BinaryFn::kSub: return a - b;
      case BinaryFn::kMul: return a * b;
      case BinaryFn::kDiv: return a / b;
      case BinaryFn::kPow: return std::pow(a, b);
      case BinaryFn::kMaximum: return max_of(a, b);
      case BinaryFn::kMinimum: return min_of(a, b);
      case BinaryFn::kMod: return mod_of(a, b);
      default: return T(0);  // not reached: comparisons go to compare_walk
    }
  }
}

template <class T>
inline int32_t compare(BinaryFn fn, T a, T b) {
  switch (fn) {
    case BinaryFn::kEqual: return a == b;
    case BinaryFn::kNotEqual: return a != b;
    case BinaryFn::kLess: return a < b;
    case BinaryFn::kLessEqual: return a <= b;
    case BinaryFn::kGreater: return a > b;
    default: return a >= b;
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

// Calls row(out_index, a_row, b_row, j0, length) for each run of the output's last dimension in [begin, end).
template <class T, class Row>
void walk_rows(const BinaryArgs<T>& p, Row row) {
  const std::size_t rank = p.shape.size();
  const int64_t inner = rank == 0 ? 1 : p.shape[rank - 1];
  const int64_t a_inner = rank == 0 ? 0 : p.a_strides[rank - 1];
  const int64_t b_inner = rank == 0 ? 0 : p.b_strides[rank - 1];
  if (inner == 0) return;
  for (int64_t i = p.begin; i < p.end;) {
    int64_t rem = i / inner;
    int64_t ao = p.a_offset, bo = p.b_offset;
    for (std::size_t d = rank > 0 ? rank - 1 : 0; d-- > 0;) {
      const int64_t idx = rem % p.shape[d];
      rem /= p.shape[d];
      ao += idx * p.a_strides[d];
      bo += idx * p.b_strides[d];
    }
    const int64_t j0 = i % inner;
    const int64_t j1 = std::min(inner, j0 + (p.end - i));
    row(i, p.a + ao + j0 * a_inner, a_inner, p.b + bo + j0 * b_inner, b_inner, j1 - j0);
    i += j1 - j0;
  }
}

template <class T>
void compare_walk(const BinaryArgs<T>& p) {
  const BinaryFn fn = p.fn;
  walk_rows(p, [&p, fn](int64_t i, const T* a, int64_t as, const T* b, int64_t bs, int64_t len) {
    int32_t* out = p.mask + i;
    for (int64_t j = 0; j < len; ++j) out[j] = compare<T>(fn, a[j * as], b[j * bs]);
  });
}

template <class T, BinaryFn F>
void binary_walk(const BinaryArgs<T>& p) {
  walk_rows(p, [&p](int64_t i, const T* a, int64_t as, const T* b, int64_t bs, int64_t len) {
    row_op<T, F>(p.out + i, a, as, b, bs, len);
  });
}

template <class T>
Status binary_range(const BinaryArgs<T>& p) noexcept {
  if (is_comparison(p.fn)) {
    if (p.mask == nullptr) return Status::Invalid("a comparison needs its int32 output");
    compare_walk(p);
    return Status::Ok();
  }
  if (p.out == nullptr) return Status::Invalid("binary: no output");
  switch (p.fn) {
    case BinaryFn::kAdd: binary_walk<T, BinaryFn::kAdd>(p); break;
    case BinaryFn::kSub: binary_walk<T, BinaryFn::kSub>(p); break;
    case BinaryFn::kMul: binary_walk<T, BinaryFn::kMul>(p); break;
    case BinaryFn::kDiv: binary_walk<T, BinaryFn::kDiv>(p); break;
    case BinaryFn::kPow: binary_walk<T, BinaryFn::kPow>(p); break;
    case BinaryFn::kMaximum: binary_walk<T, BinaryFn::kMaximum>(p); break;
    case BinaryFn::kMinimum: binary_walk<T, BinaryFn::kMinimum>(p); break;
    default: binary_walk<T, BinaryFn::kMod>(p); break;
  }
  return Status::Ok();
}

}  // namespace

bool unary_int_ok(UnaryFn fn) noexcept {
  return fn == UnaryFn::kRelu || fn == UnaryFn::kAbs || fn == UnaryFn::kNeg || fn == UnaryFn::kSign ||
         fn == UnaryFn::kSquare || fn == UnaryFn::kClip;
}

Status unary_f32(const UnaryArgs<float>& args) noexcept { return unary_float(args); }
Status unary_f64(const UnaryArgs<double>& args) noexcept { return unary_float(args); }
Status unary_i32(const UnaryArgs<int32_t>& args) noexcept { return unary_int(args); }
Status binary_f32(const BinaryArgs<float>& args) noexcept { return binary_range(args); }
Status binary_f64(const BinaryArgs<double>& args) noexcept { return binary_range(args); }
Status binary_i32(const BinaryArgs<int32_t>& args) noexcept {
  if (args.fn == BinaryFn::kDiv || args.fn == BinaryFn::kPow) return Status::Invalid("div and pow need a float dtype");
  return binary_range(args);
}

}  // namespace lepton
