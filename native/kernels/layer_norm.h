// layer_norm.h — layer normalisation of each row of a dense [outer, n] input:
// y = (x − mean) / √(var + ε) · gamma + beta, with the biased variance Σ(x − mean)²/n.
#ifndef LEPTON_KERNELS_LAYER_NORM_H_
#define LEPTON_KERNELS_LAYER_NORM_H_

#include <cstdint>

#include "status.h"

namespace lepton {

template <class T>
struct LayerNormArgs {
  int64_t outer = 0, n = 0;
  double epsilon = 0;
  const T* x = nullptr;      // dense [outer, n]
  const T* gamma = nullptr;  // [n] or null (1)
  const T* beta = nullptr;   // [n] or null (0)
  T* out = nullptr;          // dense [outer, n]
};

Status layer_norm_f32(const LayerNormArgs<float>& args) noexcept;
Status layer_norm_f64(const LayerNormArgs<double>& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_LAYER_NORM_H_
