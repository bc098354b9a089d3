// pool2d.h — max and average pooling over 2-D windows, NCHW or NHWC; padded cells are left out
// (max ignores them, avg divides by the number of real cells), NaN propagates through max.
#ifndef LEPTON_KERNELS_POOL2D_H_
#define LEPTON_KERNELS_POOL2D_H_

#include <cstdint>

#include "status.h"
#include "threadpool.h"

namespace lepton {

template <class T>
struct Pool2dArgs {
  bool max = true;
  bool nhwc = false;
  int64_t batch = 0, channels = 0, in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kh = 1, kw = 1, stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0;
  const T* x = nullptr;
  T* out = nullptr;
  // Rows [row_begin, row_end) of the flattened [batch·outH] output rows.
  int64_t row_begin = 0, row_end = 0;
  // Threads of `pool` for this call (1 or no pool: the calling thread alone): rows split.
  int threads = 1;
  ThreadPool* pool = nullptr;
};

Status pool2d_f32(const Pool2dArgs<float>& args) noexcept;
Status pool2d_f64(const Pool2dArgs<double>& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_POOL2D_H_
