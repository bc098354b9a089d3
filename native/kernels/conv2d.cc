// conv2d.cc — three paths, chosen per shape class:
//  - pointwise (1×1, stride 1, no padding): the input already is a GEMM operand (strided packing);
//  - one input channel per group (depthwise and channel multipliers): a direct loop, vectorised
//    along output columns (NCHW) or channels (NHWC), since im2col would copy kh·kw times the
//    input for a GEMM of depth kh·kw;
//  - everything else: implicit-GEMM. The GEMM packs its operand straight from the image
//    (im2col happens inside the packing, sliver by sliver), so no unfolded copy of the input is
//    ever made. NCHW: out[oc, pixel] = W[oc, (c,ky,kx)] · X[(c,ky,kx), pixel];
//    NHWC: out[pixel, oc] = X[pixel, (ky,kx,c)] · W[(ky,kx,c), oc].
// Bias and activation are the GEMM's epilogue. Range kernel over [batch·outH] output rows.
// Cost: 2·batch·outC·outH·outW·(inC/groups)·kh·kw flops.
#include "conv2d.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "buffer.h"
#include "cache_info.h"
#include "gemm.h"

namespace lepton {
namespace {

// NCHW B operand: element ((c·kh + ky)·kw + kx, j) = x[c, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw]
// for output pixel pix0 + j = oy·outW + ox, 0 outside the image. `x` points at the group's first
// input channel of one image.
template <class T>
struct Im2colB {
  const Conv2dArgs<T>* p;
  const T* x;
  int64_t pix0;

  void pack(int64_t p0, int64_t kc, int64_t j0, int64_t cols, int nr, T* __restrict dst) const {
    const int64_t in_h = p->in_h, in_w = p->in_w, out_w = p->out_w, kh = p->kh, kw = p->kw;
    const int64_t sh = p->stride_h, sw = p->stride_w, dh = p->dilation_h, dw = p->dilation_w;
    struct Run {
      int64_t oy, ox, len, at;
    };
    Run runs[kMaxNr + 1];
    for (int64_t s = 0; s < cols; s += nr) {
      const int64_t live = std::min<int64_t>(nr, cols - s);
      // Split the sliver's pixels into runs that stay on one output row.
      int nruns = 0;
      for (int64_t at = 0; at < live;) {
        const int64_t q = pix0 + j0 + s + at;
        const int64_t oy = q / out_w, ox = q - oy * out_w;
        const int64_t len = std::min(live - at, out_w - ox);
        runs[nruns++] = {oy, ox, len, at};
        at += len;
      }
      for (int64_t pp = 0; pp < kc; ++pp) {
        const int64_t tap = p0 + pp;
        const int64_t c = tap / (kh * kw);
        const int64_t r = tap - c * kh * kw;
        const int64_t ky = r / kw, kx = r - (r / kw) * kw;
        const T* chan = x + c * in_h * in_w;
        T* d = dst + pp * nr;
        for (int u = 0; u < nruns; ++u) {
          const Run& run = runs[u];
          T* o = d + run.at;
          const int64_t iy = run.oy * sh - p->pad_top + ky * dh;
          if (iy < 0 || iy >= in_h) {
            for (int64_t t = 0; t < run.len; ++t) o[t] = T(0);
            continue;
          }
          const T* row = chan + iy * in_w;
          const int64_t ix0 = run.ox * sw - p->pad_left + kx * dw;
          if (sw == 1) {
            const int64_t lo = std::clamp<int64_t>(-ix0, 0, run.len);
            const int64_t hi = std::clamp<int64_t>(in_w - ix0, lo, run.len);
            for (int64_t t = 0; t < lo; ++t) o[t] = T(0);
            for (int64_t t = lo; t < hi; ++t) o[t] = row[ix0 + t];
            for (int64_t t = hi; t < run.len; ++t) o[t] = T(0);
          } else {
            for (int64_t t = 0; t < run.len; ++t) {
              const int64_t ix = ix0 + t * sw;
              o[t] = ix >= 0 && ix < in_w ? row[ix] : T(0);
            }
          }
        }
        for (int64_t j = live; j < nr; ++j) d[j] = T(0);
      }
      dst += kc * nr;
    }
  }
};

// NHWC A operand: element (i, (ky·kw + kx)·inCg + c) = x[oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, c]
// for output pixel pix0 + i, 0 outside the image. `x` points at the group's first channel of one
// image.
template <class T>
struct Im2colA {
  const Conv2dArgs<T>* p;
  const T* x;
  int64_t pix0;

  void pack(int64_t i0, int64_t rows, int64_t p0, int64_t kc, int mr, T* __restrict dst) const {
    const int64_t in_c = p->in_c, in_cg = p->in_c / p->groups, out_w = p->out_w, kw = p->kw;
    for (int64_t s = 0; s < rows; s += mr) {
      const int64_t live = std::min<int64_t>(mr, rows - s);
      for (int64_t i = 0; i < live; ++i) {
        const int64_t q = pix0 + i0 + s + i;
        const int64_t oy = q / out_w, ox = q - oy * out_w;
        T* d = dst + i;
        int64_t pp = 0;
        int64_t tap = p0 / in_cg;
        int64_t c = p0 - tap * in_cg;
        while (pp < kc) {
          const int64_t len = std::min(in_cg - c, kc - pp);
          const int64_t ky = tap / kw, kx = tap - (tap / kw) * kw;
          const int64_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
          const int64_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
          if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
            for (int64_t t = 0; t < len; ++t) d[(pp + t) * mr] = T(0);
          } else {
            const T* src = x + (iy * p->in_w + ix) * in_c + c;
            for (int64_t t = 0; t < len; ++t) d[(pp + t) * mr] = src[t];
          }
          pp += len;
          c = 0;
          ++tap;
        }
      }
      for (int64_t i = live; i < mr; ++i) {
        for (int64_t pp = 0; pp < kc; ++pp) dst[pp * mr + i] = T(0);
      }
      dst += kc * mr;
    }
  }
};

// Where output rows [r0, r1) of one image go: NCHW element (oc, oy, ox) at
// base + oc·chan_stride + (oy − r0)·outW + ox; NHWC (oy, ox, oc) at base + ((oy − r0)·outW + ox)·outC + oc.
// The output itself, or (fused pooling) a scratch band that is pooled while it is in cache.
template <class T>
struct ConvDest {
  T* base;
  int64_t chan_stride;
};

template <class T>
ConvDest<T> output_dest(const Conv2dArgs<T>& p, int64_t image, int64_t r0) {
  const int64_t out_hw = p.out_h * p.out_w;
  if (p.nhwc) return {p.out + (image * out_hw + r0 * p.out_w) * p.out_c, 0};
  return {p.out + image * p.out_c * out_hw + r0 * p.out_w, out_hw};
}

// Output rows [r0, r1) of one image through the GEMM (implicit im2col or pointwise).
template <class T>
Status conv_gemm(const Conv2dArgs<T>& p, int64_t image, int64_t r0, int64_t r1, const ConvDest<T>& dest) noexcept {
  const int64_t in_cg = p.in_c / p.groups, out_cg = p.out_c / p.groups;
  const int64_t patch = in_cg * p.kh * p.kw;
  const int64_t in_hw = p.in_h * p.in_w;
  const int64_t pix0 = r0 * p.out_w, pixels = (r1 - r0) * p.out_w;
  const bool pointwise = p.kh == 1 && p.kw == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
                         p.pad_left == 0 && p.out_h == p.in_h && p.out_w == p.in_w;
  for (int64_t g = 0; g < p.groups; ++g) {
    Epilogue<T> epi;
    epi.act = p.activation;
    Status s;
    if (!p.nhwc) {
      const T* xg = p.x + (image * p.in_c + g * in_cg) * in_hw;
      const StridedA<T> a{p.w + g * out_cg * patch, patch, 1, T(1)};
      T* c = dest.base + g * out_cg * dest.chan_stride;
      if (p.bias != nullptr) {
        epi.bias = p.bias + g * out_cg;
        epi.bias_rs = 1;
      }
      const int64_t ldc = dest.chan_stride;
      s = pointwise ? gemm<T>(*p.isa, out_cg, pixels, patch, a, StridedB<T>{xg + pix0, in_hw, 1}, c, ldc, false, epi)
                    : gemm<T>(*p.isa, out_cg, pixels, patch, a, Im2colB<T>{&p, xg, pix0}, c, ldc, false, epi);
    } else {
      const T* xg = p.x + image * in_hw * p.in_c + g * in_cg;
      const StridedB<T> b{p.w + g * out_cg, p.out_c, 1};
      T* c = dest.base + g * out_cg;
      if (p.bias != nullptr) {
        epi.bias = p.bias + g * out_cg;
        epi.bias_cs = 1;
      }
      s = pointwise
              ? gemm<T>(*p.isa, pixels, out_cg, patch, StridedA<T>{xg + pix0 * p.in_c, p.in_c, 1, T(1)}, b, c, p.out_c,
                        false, epi)
              : gemm<T>(*p.isa, pixels, out_cg, patch, Im2colA<T>{&p, xg, pix0}, b, c, p.out_c, false, epi);
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// One input channel per group: out[oc] reads input channel oc / multiplier only.
template <class T>
void conv_direct(const Conv2dArgs<T>& p, int64_t image, int64_t r0, int64_t r1, const ConvDest<T>& dest) noexcept {
  const int64_t in_h = p.in_h, in_w = p.in_w, out_w = p.out_w, kh = p.kh, kw = p.kw;
  const int64_t sw = p.stride_w, dw = p.dilation_w;
  const int64_t multiplier = p.out_c / p.groups;
  if (!p.nhwc) {
    for (int64_t oc = 0; oc < p.out_c; ++oc) {
      const T* xc = p.x + (image * p.in_c + oc / multiplier) * in_h * in_w;
      const T* wc = p.w + oc * kh * kw;
      const T b = p.bias != nullptr ? p.bias[oc] : T(0);
      for (int64_t oy = r0; oy < r1; ++oy) {
        T* o = dest.base + oc * dest.chan_stride + (oy - r0) * out_w;
        for (int64_t ox = 0; ox < out_w; ++ox) o[ox] = T(0);
        for (int64_t ky = 0; ky < kh; ++ky) {
          const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
          if (iy < 0 || iy >= in_h) continue;
          const T* row = xc + iy * in_w;
          for (int64_t kx = 0; kx < kw; ++kx) {
            const T wv = wc[ky * kw + kx];
            const int64_t off = kx * dw - p.pad_left;  // ix = ox·sw + off
            // ox range with 0 ≤ ox·sw + off < inW.
            const int64_t lo = off >= 0 ? 0 : (-off + sw - 1) / sw;
            const int64_t hi = std::min(out_w, in_w - off <= 0 ? int64_t{0} : (in_w - off + sw - 1) / sw);
            if (sw == 1) {
              for (int64_t ox = lo; ox < hi; ++ox) o[ox] += wv * row[ox + off];
            } else {
              for (int64_t ox = lo; ox < hi; ++ox) o[ox] += wv * row[ox * sw + off];
            }
          }
        }
        for (int64_t ox = 0; ox < out_w; ++ox) o[ox] = activate(o[ox] + b, p.activation);
      }
    }
  } else {
    const int64_t in_c = p.in_c, out_c = p.out_c;
    for (int64_t oy = r0; oy < r1; ++oy) {
      for (int64_t ox = 0; ox < out_w; ++ox) {
        T* o = dest.base + ((oy - r0) * out_w + ox) * out_c;
        for (int64_t oc = 0; oc < out_c; ++oc) o[oc] = T(0);
        for (int64_t ky = 0; ky < kh; ++ky) {
          const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
          if (iy < 0 || iy >= in_h) continue;
          for (int64_t kx = 0; kx < kw; ++kx) {
            const int64_t ix = ox * sw - p.pad_left + kx * dw;
            if (ix < 0 || ix >= in_w) continue;
            const T* xv = p.x + ((image * in_h + iy) * in_w + ix) * in_c;
            const T* wv = p.w + (ky * kw + kx) * out_c;
            if (multiplier == 1) {
              for (int64_t oc = 0; oc < out_c; ++oc) o[oc] += xv[oc] * wv[oc];
            } else {
              for (int64_t oc = 0; oc < out_c; ++oc) o[oc] += xv[oc / multiplier] * wv[oc];
            }
          }
        }
        for (int64_t oc = 0; oc < out_c; ++oc) {
          o[oc] = activate(o[oc] + (p.bias != nullptr ? p.bias[oc] : T(0)), p.activation);
        }
      }
    }
  }
}

// Few input channels, the first layer of an image network (NCHW, one group, stride 1, no
// dilation): the implicit GEMM has a depth of only inC·kh·kw (27 for RGB 3×3) there, so packing
// costs as much as it saves. Instead the ISA's conv_rows computes each output row directly: the
// band's input rows are padded with zeros once into scratch, and every input vector is loaded
// once for eight output channels.
constexpr int64_t kSmallInC = 4;

template <class T>
bool small_c_direct(const Conv2dArgs<T>& p) {
  return !p.nhwc && p.groups == 1 && p.in_c <= kSmallInC && p.stride_h == 1 && p.stride_w == 1 &&
         p.dilation_h == 1 && p.dilation_w == 1 && ukernel_of<T>(*p.isa).conv_rows != nullptr;
}

template <class T>
Status conv_small_c(const Conv2dArgs<T>& p, int64_t image, int64_t r0, int64_t r1, const ConvDest<T>& dest) noexcept {
  const ConvRowsFn<T> rows_fn = ukernel_of<T>(*p.isa).conv_rows;
  const int64_t in_c = p.in_c, in_h = p.in_h, in_w = p.in_w, kh = p.kh, kw = p.kw, out_w = p.out_w;
  // Stride 1: out_w = pad_left + in_w + pad_right − kw + 1, so a padded row holds out_w + kw − 1.
  const int64_t padded_w = out_w + kw - 1;
  const int64_t y0 = r0 - p.pad_top;    // the first input row the band reads (maybe above the image)
  const int64_t ny = (r1 - r0) + kh - 1;  // input rows the band reads
  AlignedBuffer<T> padded;
  AlignedBuffer<const T*> tap_rows;
  if (!padded.reset(static_cast<std::size_t>(in_c * ny * padded_w)) || !tap_rows.reset(static_cast<std::size_t>(in_c * kh))) {
    return Status::OutOfMemory("the direct convolution's padded rows");
  }
  const T** taps = tap_rows.get();
  const int64_t left = std::min(p.pad_left, padded_w);
  for (int64_t c = 0; c < in_c; ++c) {
    const T* xc = p.x + (image * in_c + c) * in_h * in_w;
    for (int64_t j = 0; j < ny; ++j) {
      T* dst = padded.get() + (c * ny + j) * padded_w;
      const int64_t iy = y0 + j;
      const int64_t copy = (iy < 0 || iy >= in_h) ? 0 : std::max<int64_t>(0, std::min(in_w, padded_w - left));
      for (int64_t i = 0; i < left; ++i) dst[i] = T(0);
      for (int64_t i = 0; i < copy; ++i) dst[left + i] = xc[iy * in_w + i];
      for (int64_t i = left + copy; i < padded_w; ++i) dst[i] = T(0);
    }
  }
  const int64_t w_stride = in_c * kh * kw;
  for (int64_t oy = r0; oy < r1; ++oy) {
    for (int64_t c = 0; c < in_c; ++c) {
      for (int64_t ky = 0; ky < kh; ++ky) taps[c * kh + ky] = padded.get() + (c * ny + (oy - r0) + ky) * padded_w;
    }
    T* o = dest.base + (oy - r0) * out_w;
    // Bias and relu inside the kernel; a sigmoid after it, on the row still in cache.
    rows_fn(p.out_c, out_w, in_c * kh, kw, taps, p.w, w_stride, o, dest.chan_stride, p.bias,
            p.activation == Activation::kRelu);
    if (p.activation == Activation::kSigmoid) {
      for (int64_t oc = 0; oc < p.out_c; ++oc) {
        T* row = o + oc * dest.chan_stride;
        for (int64_t ox = 0; ox < out_w; ++ox) row[ox] = activate(row[ox], p.activation);
      }
    }
  }
  return Status::Ok();
}

// Max that propagates NaN: a NaN v is taken, and nothing replaces a NaN accumulator.
template <class T>
inline T max_nan(T acc, T v) {
  return (v > acc || v != v) ? v : acc;
}

// Pools pooled rows [q0, q1) of one image from a band of conv rows (the first at conv row cr0,
// `nrows` of them) held in scratch `s` (laid out as ConvDest describes, chan_stride nrows·outW).
template <class T>
void pool_band(const Conv2dArgs<T>& p, const T* s, int64_t cr0, int64_t nrows, int64_t image, int64_t q0,
               int64_t q1, T* row_scratch) noexcept {
  const PoolEpilogue& e = p.fused_pool;
  const bool is_max = e.kind == PoolEpilogue::kMax;
  const T scale = T(1) / static_cast<T>(e.kh * e.kw);
  const int64_t out_w = p.out_w, out_c = p.out_c;
  if (!p.nhwc) {
    const int64_t band = nrows * out_w;
    for (int64_t c = 0; c < out_c; ++c) {
      const T* sc = s + c * band;
      T* o = p.out + ((image * out_c + c) * e.out_h + q0) * e.out_w;
      for (int64_t q = q0; q < q1; ++q, o += e.out_w) {
        // Down the window's rows first (contiguous, vectorised), then across its columns.
        T* v = row_scratch;
        const T* r = sc + (q * e.stride_h - cr0) * out_w;
        for (int64_t x = 0; x < out_w; ++x) v[x] = r[x];
        for (int64_t ky = 1; ky < e.kh; ++ky) {
          const T* rk = r + ky * out_w;
          if (is_max) {
            for (int64_t x = 0; x < out_w; ++x) v[x] = max_nan(v[x], rk[x]);
          } else {
            for (int64_t x = 0; x < out_w; ++x) v[x] += rk[x];
          }
        }
        const int64_t sw = e.stride_w;
        if (is_max) {
          if (e.kw == 2 && sw == 2) {
            for (int64_t pw = 0; pw < e.out_w; ++pw) o[pw] = max_nan(v[2 * pw], v[2 * pw + 1]);
          } else {
            for (int64_t pw = 0; pw < e.out_w; ++pw) {
              T acc = v[pw * sw];
              for (int64_t kx = 1; kx < e.kw; ++kx) acc = max_nan(acc, v[pw * sw + kx]);
              o[pw] = acc;
            }
          }
        } else {
          for (int64_t pw = 0; pw < e.out_w; ++pw) {
            T acc = v[pw * sw];
            for (int64_t kx = 1; kx < e.kw; ++kx) acc += v[pw * sw + kx];
            o[pw] = acc * scale;
          }
        }
      }
    }
    return;
  }
  for (int64_t q = q0; q < q1; ++q) {
    for (int64_t pw = 0; pw < e.out_w; ++pw) {
      T* o = p.out + ((image * e.out_h + q) * e.out_w + pw) * out_c;
      const T* first = s + ((q * e.stride_h - cr0) * out_w + pw * e.stride_w) * out_c;
      for (int64_t c = 0; c < out_c; ++c) o[c] = first[c];
      for (int64_t ky = 0; ky < e.kh; ++ky) {
        for (int64_t kx = 0; kx < e.kw; ++kx) {
          if (ky == 0 && kx == 0) continue;
          const T* cell = first + (ky * out_w + kx) * out_c;
          if (is_max) {
            for (int64_t c = 0; c < out_c; ++c) o[c] = max_nan(o[c], cell[c]);
          } else {
            for (int64_t c = 0; c < out_c; ++c) o[c] += cell[c];
          }
        }
      }
      if (!is_max) {
        for (int64_t c = 0; c < out_c; ++c) o[c] *= scale;
      }
    }
  }
}

template <class T>
Status conv_part(const Conv2dArgs<T>& p, int64_t image, int64_t r0, int64_t r1, const ConvDest<T>& dest) noexcept {
  if (small_c_direct(p)) return conv_small_c(p, image, r0, r1, dest);
  if (p.in_c / p.groups == 1) {
    conv_direct(p, image, r0, r1, dest);
    return Status::Ok();
  }
  return conv_gemm(p, image, r0, r1, dest);
}

// Pooled rows [row_begin, row_end): conv rows band by band into an L2-sized scratch, then pooled.
template <class T>
Status conv2d_pooled_rows(const Conv2dArgs<T>& p, int64_t row_begin, int64_t row_end) noexcept {
  const PoolEpilogue& e = p.fused_pool;
  const int64_t conv_row = p.out_c * p.out_w;  // elements per conv output row
  const int64_t budget = std::max<int64_t>(cache_sizes().l2 / 4 / static_cast<int64_t>(sizeof(T)), conv_row * e.kh);
  const int64_t band_q = std::max<int64_t>(1, (budget / conv_row - e.kh) / e.stride_h + 1);
  AlignedBuffer<T> scratch, row;
  if (!scratch.reset(static_cast<std::size_t>(((band_q - 1) * e.stride_h + e.kh) * conv_row)) ||
      !row.reset(static_cast<std::size_t>(p.out_w))) {
    return Status::OutOfMemory("the fused pooling's scratch band");
  }
  for (int64_t qrow = row_begin; qrow < row_end;) {
    const int64_t image = qrow / e.out_h;
    const int64_t q0 = qrow - image * e.out_h;
    const int64_t q1 = std::min({e.out_h, q0 + (row_end - qrow), q0 + band_q});
    const int64_t cr0 = q0 * e.stride_h, cr1 = (q1 - 1) * e.stride_h + e.kh;
    const int64_t nrows = cr1 - cr0;
    const ConvDest<T> dest{scratch.get(), p.nhwc ? 0 : nrows * p.out_w};
    Status s = conv_part(p, image, cr0, cr1, dest);
    if (!s.ok()) return s;
    pool_band(p, scratch.get(), cr0, nrows, image, q0, q1, row.get());
    qrow += q1 - q0;
  }
  return Status::Ok();
}

template <class T>
Status conv2d_rows(const Conv2dArgs<T>& p, int64_t row_begin, int64_t row_end) noexcept {
  if (p.fused_pool.active()) return conv2d_pooled_rows(p, row_begin, row_end);
  for (int64_t row = row_begin; row < row_end;) {
    const int64_t image = row / p.out_h;
    const int64_t r0 = row - image * p.out_h;
    const int64_t r1 = std::min(p.out_h, r0 + (row_end - row));
    Status s = conv_part(p, image, r0, r1, output_dest(p, image, r0));
    if (!s.ok()) return s;
    row += r1 - r0;
  }
  return Status::Ok();
}

template <class T>
Status conv2d_range(const Conv2dArgs<T>& p) noexcept {
  if (p.out_h == 0 || p.out_w == 0 || p.out_c == 0) return Status::Ok();
  const bool fused = p.fused_pool.active();
  const int64_t row_h = fused ? p.fused_pool.out_h : p.out_h;   // rows of the range: pooled or conv rows
  const int64_t row_w = fused ? p.fused_pool.out_w : p.out_w;
  if (fused && (row_h <= 0 || row_w <= 0)) return Status::Ok();
  if (p.nhwc) {
    const int64_t row = row_w * p.out_c;
    prefault_for_write(p.out + p.row_begin * row, static_cast<std::size_t>((p.row_end - p.row_begin) * row) * sizeof(T));
  } else if (p.row_begin == 0 && p.row_end == p.batch * row_h) {
    prefault_for_write(p.out, static_cast<std::size_t>(p.batch * p.out_c * row_h * row_w) * sizeof(T));
  }
  const int64_t rows = p.row_end - p.row_begin;
  const double conv_rows = fused ? double(rows) * double(p.fused_pool.stride_h) : double(rows);
  const double flops = 2.0 * conv_rows * double(p.out_w) * double(p.out_c) * double(p.in_c / p.groups) *
                       double(p.kh) * double(p.kw);
  int team = 1;
  if (p.pool != nullptr && p.threads > 1 && rows >= 2 && flops >= kMinParallelFlops) {
    team = p.pool->prepare(static_cast<int>(std::min<int64_t>(p.threads, rows)));
  }
  if (team <= 1) return conv2d_rows(p, p.row_begin, p.row_end);
#if defined(__wasm__)
  return conv2d_rows(p, p.row_begin, p.row_end);  // one thread per call in the wasm build
#else
  // Each thread an equal share of the output rows (whole images when the batch allows).
  std::vector<Status> status(static_cast<std::size_t>(team));
  const int64_t image_rows = row_h;
  const std::function<void(int, int)> body = [&](int t, int size) {
    int64_t r0, r1;
    // Whole images per thread when the batch allows (computed for the team that formed).
    const int64_t al = rows >= size * image_rows && rows % image_rows == 0 && p.row_begin % image_rows == 0 ? image_rows : 1;
    split_range(rows, size, t, al, &r0, &r1);
    if (r1 > r0) status[t] = conv2d_rows(p, p.row_begin + r0, p.row_begin + r1);
  };
  p.pool->run(team, join_wait_us(flops / 1e5), body);
  for (const Status& s : status) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
#endif
}

}  // namespace

Status conv2d_f32(const Conv2dArgs<float>& args) noexcept { return conv2d_range(args); }
Status conv2d_f64(const Conv2dArgs<double>& args) noexcept { return conv2d_range(args); }

}  // namespace lepton
