// reduce.cc — one pass over the input in row-major order; each element is added into its output
// slot (reduced axes have output stride 0), in float64 scratch. When the last axis is reduced the
// inner loop is a plain (vectorised) sum; otherwise it adds a row into a row. Not a range kernel:
// a reduction's outputs gather from the whole input (the pool splits a reduction by its kept
// leading axes instead). Cost: one pass over the input.
#include "reduce.h"

#include <type_traits>

#include "buffer.h"

namespace lepton {
namespace {

template <class In, class Out>
Status reduce_all(const ReduceArgs<In, Out>& p) noexcept {
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
    p.out[i] = static_cast<Out>(p.mean ? a[i] / p.count : a[i]);
  }
  return Status::Ok();
}

}  // namespace

Status reduce_f32(const ReduceArgs<float, float>& args) noexcept { return reduce_all(args); }
Status reduce_f64(const ReduceArgs<double, double>& args) noexcept { return reduce_all(args); }
Status reduce_i32(const ReduceArgs<int32_t, int32_t>& args) noexcept { return reduce_all(args); }
Status reduce_i32_f64(const ReduceArgs<int32_t, double>& args) noexcept { return reduce_all(args); }

}  // namespace lepton
