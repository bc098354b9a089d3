// pool2d.cc — direct loops over each window, clipped to the image. NCHW walks a channel's window
// cells; NHWC keeps one accumulator per channel and runs the channel loop innermost (contiguous,
// vectorised). Cost: batch·channels·outH·outW·kh·kw comparisons or additions.
#include "pool2d.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace lepton {
namespace {

// Max that propagates NaN: once the accumulator is NaN it stays NaN.
template <class T>
inline T max_nan(T acc, T v) {
  return (acc != acc) ? acc : ((v > acc || v != v) ? v : acc);
}

template <class T>
Status pool2d_rows(const Pool2dArgs<T>& p, int64_t row_begin, int64_t row_end) noexcept {
  const int64_t channels = p.channels, in_h = p.in_h, in_w = p.in_w, out_h = p.out_h, out_w = p.out_w;
  const T init = p.max ? -std::numeric_limits<T>::infinity() : T(0);
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t image = row / out_h;
    const int64_t oy = row - image * out_h;
    const int64_t y0 = oy * p.stride_h - p.pad_top;
    const int64_t y_begin = std::max<int64_t>(0, y0), y_end = std::min(in_h, y0 + p.kh);
    if (!p.nhwc) {
      // One channel plane at a time, its output row filled in passes: the columns whose window
      // lies wholly inside the image take one long, branch-free loop over ox per window cell;
      // only the few border columns take the clipped per-window loop.
      const int64_t lo = std::min(out_w, (p.pad_left + p.stride_w - 1) / p.stride_w);
      // Last interior column: ox·stride − padLeft + kw ≤ inW (none when even ox = 0 overhangs).
      const int64_t span = in_w - p.kw + p.pad_left;
      const int64_t hi = span < 0 ? lo : std::max(lo, std::min(out_w, span / p.stride_w + 1));
      const int64_t rows_in = std::max<int64_t>(0, y_end - y_begin);
      for (int64_t c = 0; c < channels; ++c) {
        const T* xc = p.x + (image * channels + c) * in_h * in_w;
        T* oc = p.out + ((image * channels + c) * out_h + oy) * out_w;
        for (int64_t ox = lo; ox < hi; ++ox) oc[ox] = init;
        for (int64_t iy = y_begin; iy < y_end; ++iy) {
          for (int64_t kx = 0; kx < p.kw; ++kx) {
            const T* r = xc + iy * in_w + kx - p.pad_left;
            const int64_t s = p.stride_w;
            if (p.max) {
              // NaN propagates: a NaN v is taken, and nothing replaces a NaN accumulator.
              for (int64_t ox = lo; ox < hi; ++ox) {
                const T v = r[ox * s];
                oc[ox] = (v > oc[ox] || v != v) ? v : oc[ox];
              }
            } else {
              for (int64_t ox = lo; ox < hi; ++ox) oc[ox] += r[ox * s];
            }
          }
        }
        if (!p.max) {
          const T count = static_cast<T>(rows_in * p.kw);
          for (int64_t ox = lo; ox < hi; ++ox) oc[ox] /= count;
        }
        for (int64_t ox = 0; ox < out_w; ++ox) {
          if (ox == lo) ox = hi;
          if (ox >= out_w) break;
          const int64_t x0 = ox * p.stride_w - p.pad_left;
          const int64_t x_begin = std::max<int64_t>(0, x0), x_end = std::min(in_w, x0 + p.kw);
          T acc = init;
          for (int64_t iy = y_begin; iy < y_end; ++iy) {
            const T* r = xc + iy * in_w;
            if (p.max) {
              for (int64_t ix = x_begin; ix < x_end; ++ix) acc = max_nan(acc, r[ix]);
            } else {
              for (int64_t ix = x_begin; ix < x_end; ++ix) acc += r[ix];
            }
          }
          const int64_t cells = rows_in * std::max<int64_t>(0, x_end - x_begin);
          oc[ox] = p.max ? acc : acc / static_cast<T>(cells);
        }
      }
      continue;
    }
    for (int64_t ox = 0; ox < out_w; ++ox) {
      const int64_t x0 = ox * p.stride_w - p.pad_left;
      const int64_t x_begin = std::max<int64_t>(0, x0), x_end = std::min(in_w, x0 + p.kw);
      const int64_t cells = std::max<int64_t>(0, y_end - y_begin) * std::max<int64_t>(0, x_end - x_begin);
      const T count = static_cast<T>(cells);
      T* o = p.out + ((image * out_h + oy) * out_w + ox) * channels;
      for (int64_t c = 0; c < channels; ++c) o[c] = init;
      for (int64_t iy = y_begin; iy < y_end; ++iy) {
        for (int64_t ix = x_begin; ix < x_end; ++ix) {
          const T* xv = p.x + ((image * in_h + iy) * in_w + ix) * channels;
          if (p.max) {
            for (int64_t c = 0; c < channels; ++c) o[c] = max_nan(o[c], xv[c]);
          } else {
            for (int64_t c = 0; c < channels; ++c) o[c] += xv[c];
          }
        }
      }
      if (!p.max) {
        for (int64_t c = 0; c < channels; ++c) o[c] /= count;
      }
    }
  }
  return Status::Ok();
}

// Memory-bound: split rows between threads only from ~1 MiB of input per thread (below that a wake-up
// costs more than the second core's bandwidth gives back).
template <class T>
Status pool2d_range(const Pool2dArgs<T>& p) noexcept {
  const int64_t row_bytes = std::max<int64_t>(1, p.channels * p.kh * p.in_w * static_cast<int64_t>(sizeof(T)));
  const int64_t min_rows = std::max<int64_t>(1, (int64_t{1} << 20) / row_bytes);
  parallel_for(p.pool, p.threads, p.row_end - p.row_begin, 1, min_rows, [&](int64_t b, int64_t e) {
    pool2d_rows(p, p.row_begin + b, p.row_begin + e);
  });
  return Status::Ok();
}

}  // namespace

Status pool2d_f32(const Pool2dArgs<float>& args) noexcept { return pool2d_range(args); }
Status pool2d_f64(const Pool2dArgs<double>& args) noexcept { return pool2d_range(args); }

}  // namespace lepton
