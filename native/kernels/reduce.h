// reduce.h — sum and mean over axes of a dense input. Floats accumulate in float64; int32 sums
// wrap at 32 bits; the mean of int32 is the exact float64 mean.
#ifndef LEPTON_KERNELS_REDUCE_H_
#define LEPTON_KERNELS_REDUCE_H_

#include <cstdint>
#include <vector>

#include "status.h"

namespace lepton {

template <class In, class Out>
struct ReduceArgs {
  bool mean = false;
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
Status reduce_i32_f64(const ReduceArgs<int32_t, double>& args) noexcept;   // mean

}  // namespace lepton

#endif  // LEPTON_KERNELS_REDUCE_H_
