// softmax.h — softmax and logSoftmax along the middle axis of a dense [outer, n, inner] input.
#ifndef LEPTON_KERNELS_SOFTMAX_H_
#define LEPTON_KERNELS_SOFTMAX_H_

#include <cstdint>

#include "status.h"

namespace lepton {

template <class T>
struct SoftmaxArgs {
  bool log = false;  // logSoftmax
  int64_t outer = 0, n = 0, inner = 0;
  const T* x = nullptr;  // dense [outer, n, inner]
  T* out = nullptr;      // dense, same shape
};

Status softmax_f32(const SoftmaxArgs<float>& args) noexcept;
Status softmax_f64(const SoftmaxArgs<double>& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_SOFTMAX_H_
