// conv2d.h — 2-D convolution (cross-correlation), NCHW or NHWC, with stride, padding, dilation,
// groups, fused bias and activation. x, w, bias and out are dense row-major arrays.
#ifndef LEPTON_KERNELS_CONV2D_H_
#define LEPTON_KERNELS_CONV2D_H_

#include <cstdint>

#include "gemm.h"
#include "status.h"
#include "threadpool.h"
#include "ukernel.h"

namespace lepton {

template <class T>
struct Conv2dArgs {
  const Isa* isa = nullptr;
  bool nhwc = false;
  int64_t batch = 0, in_c = 0, in_h = 0, in_w = 0;
  int64_t out_c = 0, out_h = 0, out_w = 0;
  int64_t kh = 1, kw = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, groups = 1;
  const T* x = nullptr;     // NCHW [batch, inC, inH, inW] or NHWC [batch, inH, inW, inC]
  const T* w = nullptr;     // NCHW [outC, inC/groups, kh, kw] or NHWC [kh, kw, inC/groups, outC]
  const T* bias = nullptr;  // [outC] or nullptr
  Activation activation = Activation::kNone;
  T* out = nullptr;         // NCHW [batch, outC, outH, outW] or NHWC [batch, outH, outW, outC]
  // Rows [row_begin, row_end) of the flattened [batch·outH] output rows (all channels, all columns).
  int64_t row_begin = 0, row_end = 0;
  // Threads of `pool` for this call (1 or no pool: the calling thread alone); each takes an equal
  // share of the output rows.
  int threads = 1;
  ThreadPool* pool = nullptr;
};

Status conv2d_f32(const Conv2dArgs<float>& args) noexcept;
Status conv2d_f64(const Conv2dArgs<double>& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_CONV2D_H_
