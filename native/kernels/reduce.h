// reduce.h — reductions over axes of a dense input: sum and mean (float64 accumulation; int32
// sums wrap at 32 bits; the mean of int32 is the exact float64 mean), and max, min, prod, argmax,
// argmin, logSumExp, variance, std, norm (each output's reduced elements gathered into a float64
// line and folded). The enum's order is the `fn` choice list's in addon.cc.
#ifndef LEPTON_KERNELS_REDUCE_H_
#define LEPTON_KERNELS_REDUCE_H_

#include <cstdint>
#include <vector>

#include "status.h"

namespace lepton {

enum class ReduceFn { kSum, kMean, kMax, kMin, kProd, kArgmax, kArgmin, kLogSumExp, kVariance, kStd, kNorm };

template <class In, class Out>
struct ReduceArgs {
  ReduceFn fn = ReduceFn::kSum;
  int64_t ddof = 0;                  // variance, std: the divisor is count − ddof
  double ord = 2;                    // norm: 1, 2 or Infinity
  std::vector<int64_t> shape;        // the input's shape
  std::vector<int64_t> out_strides;  // per input dimension: the output's stride, 0 on reduced axes
  int64_t out_size = 0;
  double count = 1;                  // input elements folded into each output (mean divides by it)
  const In* x = nullptr;             // dense, row-major over `shape`
  Out* out = nullptr;
};

Status reduce_f32(const ReduceArgs<float, float>& args) noexcept;
Status reduce_f64(const ReduceArgs<double, double>& args) noexcept;
Status reduce_i32(const ReduceArgs<int32_t, int32_t>& args) noexcept;      // sum
Status reduce_i32_f64(const ReduceArgs<int32_t, double>& args) noexcept;   // mean, variance, std, norm
Status reduce_f32_i32(const ReduceArgs<float, int32_t>& args) noexcept;     // argmax, argmin
Status reduce_f64_i32(const ReduceArgs<double, int32_t>& args) noexcept;    // argmax, argmin

}  // namespace lepton

#endif  // LEPTON_KERNELS_REDUCE_H_
