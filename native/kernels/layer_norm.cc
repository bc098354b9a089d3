// layer_norm.cc — per row: the mean, then the variance of the deviations (two passes in double,
// no cancellation), then the normalised, scaled and shifted row. Cost: three passes per row.
#include "layer_norm.h"

#include <cmath>

namespace lepton {
namespace {

template <class T>
Status layer_norm_all(const LayerNormArgs<T>& p) noexcept {
  for (int64_t o = 0; o < p.outer; ++o) {
    const T* x = p.x + o * p.n;
    T* y = p.out + o * p.n;
    double s = 0;
    for (int64_t j = 0; j < p.n; ++j) s += x[j];
    const double mu = s / static_cast<double>(p.n);
    double ss = 0;
    for (int64_t j = 0; j < p.n; ++j) ss += (double(x[j]) - mu) * (double(x[j]) - mu);
    const double k = 1.0 / std::sqrt(ss / static_cast<double>(p.n) + p.epsilon);
    for (int64_t j = 0; j < p.n; ++j) {
      const double g = p.gamma ? double(p.gamma[j]) : 1.0;
      const double b = p.beta ? double(p.beta[j]) : 0.0;
      y[j] = static_cast<T>((double(x[j]) - mu) * k * g + b);
    }
  }
  return Status::Ok();
}

}  // namespace

Status layer_norm_f32(const LayerNormArgs<float>& args) noexcept { return layer_norm_all(args); }
Status layer_norm_f64(const LayerNormArgs<double>& args) noexcept { return layer_norm_all(args); }

}  // namespace lepton
