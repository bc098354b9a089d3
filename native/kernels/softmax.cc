// softmax.cc — for each of the outer·inner lines (stride `inner`): the maximum m (NaN wins),
// s = Σ e^(x − m) in double, then e^(x − m)/s or x − m − log s. Max-shifted, so large inputs do
// not overflow. Cost: three passes over each line.
#include "softmax.h"

#include <cmath>

namespace lepton {
namespace {

template <class T>
Status softmax_lines(const SoftmaxArgs<T>& p) noexcept {
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t q = 0; q < p.inner; ++q) {
      const int64_t start = o * p.n * p.inner + q;
      const T* x = p.x + start;
      T* y = p.out + start;
      double m = -INFINITY;
      for (int64_t j = 0; j < p.n; ++j) {
        const double v = x[j * p.inner];
        if (std::isnan(v)) {
          m = v;
          break;
        }
        if (v > m) m = v;
      }
      double s = 0;
      for (int64_t j = 0; j < p.n; ++j) s += std::exp(double(x[j * p.inner]) - m);
      if (p.log) {
        const double ls = std::log(s);
        for (int64_t j = 0; j < p.n; ++j) y[j * p.inner] = static_cast<T>(double(x[j * p.inner]) - m - ls);
      } else {
        for (int64_t j = 0; j < p.n; ++j) y[j * p.inner] = static_cast<T>(std::exp(double(x[j * p.inner]) - m) / s);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status softmax_f32(const SoftmaxArgs<float>& args) noexcept { return softmax_lines(args); }
Status softmax_f64(const SoftmaxArgs<double>& args) noexcept { return softmax_lines(args); }

}  // namespace lepton
