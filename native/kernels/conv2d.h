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

// Max or average pooling fused into conv2d as an epilogue: the convolution's rows are computed band
// by band into a scratch block that fits in L2 (after bias and activation) and pooled from there,
// so the full-size activation is never written to memory. Windows have no padding and lie wholly
// inside the conv's output (floor mode): out_h = (conv outH − kh) / stride_h + 1, likewise out_w.
// Max propagates NaN; avg divides by kh·kw.
struct PoolEpilogue {
  enum Kind { kNone = 0, kMax = 1, kAvg = 2 };
  Kind kind = kNone;
  int64_t kh = 1, kw = 1, stride_h = 1, stride_w = 1;
  int64_t out_h = 0, out_w = 0;  // the pooled output's size
  bool active() const { return kind != kNone; }
};

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
                            // (fused pooling: [.., pool.out_h, pool.out_w, ..] instead)
  // Rows [row_begin, row_end) of the flattened [batch·outH] output rows (all channels, all columns);
  // with fused pooling, of the [batch·fused_pool.out_h] pooled rows.
  int64_t row_begin = 0, row_end = 0;
  PoolEpilogue fused_pool;
  // Threads of `pool` for this call (1 or no pool: the calling thread alone); each takes an equal
  // share of the output rows.
  int threads = 1;
  ThreadPool* pool = nullptr;
};

Status conv2d_f32(const Conv2dArgs<float>& args) noexcept;
Status conv2d_f64(const Conv2dArgs<double>& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_CONV2D_H_
