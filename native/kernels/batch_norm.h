// batch_norm.h — inference batch normalisation over the channel axis of a dense
// [outer, channels, inner] input: y = (x − mean[c]) / √(variance[c] + ε) · scale[c] + offset[c].
#ifndef LEPTON_KERNELS_BATCH_NORM_H_
#define LEPTON_KERNELS_BATCH_NORM_H_

#include <cstdint>

#include "status.h"

namespace lepton {

template <class T>
struct BatchNormArgs {
  int64_t outer = 0, channels = 0, inner = 0;
  double epsilon = 0;
  const T* x = nullptr;         // dense [outer, channels, inner]
  const T* mean = nullptr;      // [channels]
  const T* variance = nullptr;  // [channels]
  const T* offset = nullptr;    // [channels] or null (0)
  const T* scale = nullptr;     // [channels] or null (1)
  T* out = nullptr;             // dense, like x
};

Status batch_norm_f32(const BatchNormArgs<float>& args) noexcept;
Status batch_norm_f64(const BatchNormArgs<double>& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_BATCH_NORM_H_
