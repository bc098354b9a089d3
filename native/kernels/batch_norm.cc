// batch_norm.cc — per channel, k = scale/√(variance + ε) in double, then one pass
// y = (x − mean)·k + offset over the channel's contiguous runs of `inner` elements.
#include "batch_norm.h"

#include <cmath>

namespace lepton {
namespace {

template <class T>
Status batch_norm_all(const BatchNormArgs<T>& p) noexcept {
  for (int64_t c = 0; c < p.channels; ++c) {
    const double mu = p.mean[c];
    const double k = (p.scale ? double(p.scale[c]) : 1.0) / std::sqrt(double(p.variance[c]) + p.epsilon);
    const double beta = p.offset ? double(p.offset[c]) : 0.0;
    for (int64_t o = 0; o < p.outer; ++o) {
      const int64_t start = (o * p.channels + c) * p.inner;
      const T* x = p.x + start;
      T* y = p.out + start;
      for (int64_t j = 0; j < p.inner; ++j) y[j] = static_cast<T>((double(x[j]) - mu) * k + beta);
    }
  }
  return Status::Ok();
}

}  // namespace

Status batch_norm_f32(const BatchNormArgs<float>& args) noexcept { return batch_norm_all(args); }
Status batch_norm_f64(const BatchNormArgs<double>& args) noexcept { return batch_norm_all(args); }

}  // namespace lepton
