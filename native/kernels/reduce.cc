// reduce.cc — one pass over the input in row-major order; each element is added into its output
// slot (reduced axes have output stride 0), in float64 scratch. When the last axis is reduced the
// inner loop is a plain (vectorised) sum; otherwise it adds a row into a row. Not a range kernel:
// a reduction's outputs gather from the whole input (the pool splits a reduction by its kept
// leading axes instead). Cost: one pass over the input.
#include "reduce.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "buffer.h"

namespace lepton {
namespace {

// The fold of one gathered line (n ≥ 1 where the reduction needs it; the op layer checked).
template <class In>
double fold(ReduceFn fn, const double* v, int64_t n, int64_t ddof, double ord) {
  switch (fn) {
    case ReduceFn::kMax:
    case ReduceFn::kMin:
    case ReduceFn::kArgmax:
    case ReduceFn::kArgmin: {
      const bool is_max = fn == ReduceFn::kMax || fn == ReduceFn::kArgmax;
      double m = v[0];
      int64_t at = 0;
      for (int64_t i = 1; i < n && !std::isnan(m); ++i) {
        if (std::isnan(v[i]) || (is_max ? v[i] > m : v[i] < m)) {
          m = v[i];
          at = i;
        }
      }
      return fn == ReduceFn::kMax || fn == ReduceFn::kMin ? m : static_cast<double>(at);
    }
    case ReduceFn::kProd: {
      if constexpr (std::is_same_v<In, int32_t>) {
        uint32_t q = 1;  // wraps like the int32 result
        for (int64_t i = 0; i < n; ++i) q *= static_cast<uint32_t>(static_cast<int32_t>(v[i]));
        return static_cast<int32_t>(q);
      } else {
        double q = 1;
        for (int64_t i = 0; i < n; ++i) q *= v[i];
        return q;
      }
    }
    case ReduceFn::kLogSumExp: {
      if (n == 0) return -INFINITY;
      double m = -INFINITY;
      for (int64_t i = 0; i < n; ++i) if (v[i] > m || std::isnan(v[i])) m = v[i];
      if (!std::isfinite(m)) return m;
      double s = 0;
      for (int64_t i = 0; i < n; ++i) s += std::exp(v[i] - m);
      return m + std::log(s);
    }
    case ReduceFn::kVariance:
    case ReduceFn::kStd: {
      double s = 0;
      for (int64_t i = 0; i < n; ++i) s += v[i];
      const double mu = s / static_cast<double>(n);
      double ss = 0;
      for (int64_t i = 0; i < n; ++i) ss += (v[i] - mu) * (v[i] - mu);
      const double var = ss / static_cast<double>(n - ddof);
      return fn == ReduceFn::kStd ? std::sqrt(var) : var;
    }
    default: {  // norm
      if (ord == 1) {
        double s = 0;
        for (int64_t i = 0; i < n; ++i) s += std::fabs(v[i]);
        return s;
      }
      double m = 0;
      for (int64_t i = 0; i < n; ++i) if (std::fabs(v[i]) > m || std::isnan(v[i])) m = std::fabs(v[i]);
      if (std::isinf(ord) || m == 0 || !std::isfinite(m)) return m;
      double s = 0;  // scaled by the largest |x|: the squares neither overflow nor underflow
      for (int64_t i = 0; i < n; ++i) s += (v[i] / m) * (v[i] / m);
      return m * std::sqrt(s);
    }
  }
}

// Every reduction but sum and mean: for each output element (row-major over the kept
// dimensions, those whose output stride is nonzero), gather its reduced elements into a line.
template <class In, class Out>
Status reduce_lines(const ReduceArgs<In, Out>& p) noexcept {
  const std::size_t rank = p.shape.size();
  std::vector<int64_t> in_strides(rank);
  int64_t total = 1;
  for (std::size_t d = rank; d-- > 0;) {
    in_strides[d] = total;
    total *= p.shape[d];
  }
  std::vector<int64_t> kept, reduced;
  int64_t count = 1, outputs = 1;
  for (std::size_t d = 0; d < rank; ++d) {
    if (p.out_strides[d] == 0) {
      reduced.push_back(static_cast<int64_t>(d));
      count *= p.shape[d];
    } else {
      kept.push_back(static_cast<int64_t>(d));
      outputs *= p.shape[d];
    }
  }
  if (outputs == 0) return Status::Ok();
  if (count == 0 && p.fn != ReduceFn::kProd && p.fn != ReduceFn::kLogSumExp && p.fn != ReduceFn::kNorm) {
    return Status::Invalid("this reduction of an empty axis is undefined");
  }
  AlignedBuffer<double> buffer;
  if (!buffer.reset(static_cast<std::size_t>(count > 0 ? count : 1))) return Status::OutOfMemory("the reduction's line");
  double* line = buffer.get();
  std::vector<int64_t> ki(kept.size(), 0), ri(reduced.size(), 0);
  for (int64_t o = 0; o < outputs; ++o) {
    int64_t base = 0, slot = 0;
    for (std::size_t j = 0; j < kept.size(); ++j) {
      base += ki[j] * in_strides[kept[j]];
      slot += ki[j] * p.out_strides[kept[j]];
    }
    std::fill(ri.begin(), ri.end(), 0);
    int64_t at = base;
    for (int64_t r = 0; r < count; ++r) {
      line[r] = static_cast<double>(p.x[at]);
      for (std::size_t j = reduced.size(); j-- > 0;) {
        const int64_t d = reduced[j];
        ++ri[j];
        at += in_strides[d];
        if (ri[j] < p.shape[d]) break;
        at -= in_strides[d] * p.shape[d];
        ri[j] = 0;
      }
    }
    p.out[slot] = static_cast<Out>(fold<In>(p.fn, line, count, p.ddof, p.ord));
    for (std::size_t j = kept.size(); j-- > 0;) {
      if (++ki[j] < p.shape[kept[j]]) break;
      ki[j] = 0;
    }
  }
  return Status::Ok();
}

template <class In, class Out>
Status reduce_all(const ReduceArgs<In, Out>& p) noexcept {
  if (p.fn != ReduceFn::kSum && p.fn != ReduceFn::kMean) return reduce_lines(p);
  // int32 sums wrap like the int32 result; an int32 mean (float64 output) is exact.
  constexpr bool kInt = std::is_same_v<Out, int32_t>;
  const std::size_t rank = p.shape.size();
  int64_t total = 1;
  for (int64_t d : p.shape) total *= d;
  AlignedBuffer<double> acc;
  if (!acc.reset(static_cast<std::size_t>(p.out_size))) return Status::OutOfMemory("the reduction's accumulators");
  acc.zero();
  double* a = acc.get();
  if (total > 0) {
    const int64_t inner = rank == 0 ? 1 : p.shape[rank - 1];
    const int64_t inner_stride = rank == 0 ? 0 : p.out_strides[rank - 1];
    std::vector<int64_t> index(rank, 0);
    int64_t o = 0;
    for (int64_t i = 0; i < total; i += inner) {
      const In* x = p.x + i;
      if (inner_stride == 0) {
        if constexpr (kInt) {
          uint32_t s = static_cast<uint32_t>(static_cast<int32_t>(a[o]));
          for (int64_t j = 0; j < inner; ++j) s += static_cast<uint32_t>(x[j]);
          a[o] = static_cast<int32_t>(s);
        } else {
          double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          int64_t j = 0;
          for (; j + 4 <= inner; j += 4) {
            s0 += x[j];
            s1 += x[j + 1];
            s2 += x[j + 2];
            s3 += x[j + 3];
          }
          for (; j < inner; ++j) s0 += x[j];
          a[o] += (s0 + s1) + (s2 + s3);
        }
      } else {
        double* ao = a + o;
        const int64_t st = inner_stride;  // 1 when the output is dense along the last axis
        if constexpr (kInt) {
          for (int64_t j = 0; j < inner; ++j) {
            ao[j * st] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<int32_t>(ao[j * st])) +
                                              static_cast<uint32_t>(x[j]));
          }
        } else if (st == 1) {
          for (int64_t j = 0; j < inner; ++j) ao[j] += x[j];
        } else {
          for (int64_t j = 0; j < inner; ++j) ao[j * st] += x[j];
        }
      }
      for (std::size_t d = rank > 0 ? rank - 1 : 0; d-- > 0;) {
        ++index[d];
        o += p.out_strides[d];
        if (index[d] < p.shape[d]) break;
        o -= p.out_strides[d] * p.shape[d];
        index[d] = 0;
      }
    }
  }
  for (int64_t i = 0; i < p.out_size; ++i) {
    p.out[i] = static_cast<Out>(p.fn == ReduceFn::kMean ? a[i] / p.count : a[i]);
  }
  return Status::Ok();
}

}  // namespace

Status reduce_f32(const ReduceArgs<float, float>& args) noexcept { return reduce_all(args); }
Status reduce_f64(const ReduceArgs<double, double>& args) noexcept { return reduce_all(args); }
Status reduce_i32(const ReduceArgs<int32_t, int32_t>& args) noexcept { return reduce_all(args); }
Status reduce_i32_f64(const ReduceArgs<int32_t, double>& args) noexcept { return reduce_all(args); }
Status reduce_f32_i32(const ReduceArgs<float, int32_t>& args) noexcept { return reduce_all(args); }
Status reduce_f64_i32(const ReduceArgs<double, int32_t>& args) noexcept { return reduce_all(args); }

}  // namespace lepton
