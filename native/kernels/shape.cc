// shape.cc — strided block copies. copy_block walks all but the last dimension with an odometer
// and copies each row in a tight loop (memcpy when both sides are unit-stride). remap resolves
// every axis's coordinates once (outer axes into tables of element offsets, the last axis into
// runs of one step), then walks the output row by row, each run a memcpy or a strided loop. Every index a kernel forms is an input coordinate in [0, n) times a checked stride, so
// nothing outside the views the glue checked is read or written.
#include "shape.h"

#include <cstring>
#include <new>

namespace lepton {
namespace {

template <class T>
void copy_block(const T* src, int64_t src_base, const int64_t* src_strides, const int64_t* shape, std::size_t rank,
                T* dst, int64_t dst_base, const int64_t* dst_strides) noexcept {
  for (std::size_t d = 0; d < rank; ++d) {
    if (shape[d] == 0) return;
  }
  if (rank == 0) {
    dst[dst_base] = src[src_base];
    return;
  }
  const int64_t inner = shape[rank - 1];
  const int64_t si = src_strides[rank - 1], di = dst_strides[rank - 1];
  int64_t index[64] = {0};
  int64_t s = src_base, o = dst_base;
  for (;;) {
    if (si == 1 && di == 1) {
      std::memcpy(dst + o, src + s, static_cast<std::size_t>(inner) * sizeof(T));
    } else {
      for (int64_t j = 0, a = s, b = o; j < inner; ++j, a += si, b += di) dst[b] = src[a];
    }
    std::size_t d = rank - 1;
    while (d-- > 0) {
      ++index[d];
      s += src_strides[d];
      o += dst_strides[d];
      if (index[d] < shape[d]) break;
      s -= src_strides[d] * shape[d];
      o -= dst_strides[d] * shape[d];
      index[d] = 0;
    }
    if (d == static_cast<std::size_t>(-1)) return;
  }
}

std::vector<int64_t> dense_strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size());
  int64_t at = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    s[d] = at;
    at *= shape[d];
  }
  return s;
}

// A run of the last axis: `length` output elements from `at` that read input coordinates
// src, src + step, … (step may be 0 or negative), or the constant when src < 0.
struct Run {
  int64_t at, length, src, step;
};

// The last axis's coordinates cut into the longest runs of one step (pad: the left border, the
// interior, the right border; tile: one run per repetition; flip and slices: one run).
std::vector<Run> runs_of(const std::vector<int64_t>& c) {
  std::vector<Run> runs;
  const int64_t m = static_cast<int64_t>(c.size());
  for (int64_t j = 0; j < m;) {
    int64_t k = j + 1;
    if (c[j] < 0) {
      while (k < m && c[k] < 0) ++k;
      runs.push_back({j, k - j, -1, 0});
    } else if (k < m && c[k] >= 0) {
      const int64_t step = c[k] - c[j];
      while (k + 1 < m && c[k + 1] >= 0 && c[k + 1] - c[k] == step) ++k;
      runs.push_back({j, k - j + 1, c[j], step});
      ++k;
    } else {
      runs.push_back({j, 1, c[j], 0});
    }
    j = k;
  }
  return runs;
}

template <class T>
Status remap_all(const RemapArgs<T>& p) noexcept {
  const std::size_t rank = p.out_shape.size();
  if (rank > 64) return Status::Invalid("remap takes at most 64 dimensions");
  int64_t size = 1;
  for (int64_t d : p.out_shape) size *= d;
  if (size == 0) return Status::Ok();
  if (rank == 0) {
    p.out[0] = p.x[p.x_offset];
    return Status::Ok();
  }
  try {
    // Outer axes: one element offset per output coordinate (−1: the constant).
    std::vector<std::vector<int64_t>> offsets(rank - 1);
    std::vector<int64_t> last(static_cast<std::size_t>(p.out_shape[rank - 1]));
    for (std::size_t d = 0; d < rank; ++d) {
      const int64_t m = p.out_shape[d], n = p.in_shape[d];
      std::vector<int64_t>& table = d + 1 < rank ? offsets[d] : last;
      table.resize(static_cast<std::size_t>(m));
      for (int64_t i = 0; i < m; ++i) {
        const int64_t c = resolve_coordinate(p.start[d] + i * p.step[d], n, p.mode);
        table[i] = c < 0 || d + 1 == rank ? c : c * p.x_strides[d];
      }
    }
    const std::vector<Run> runs = runs_of(last);
    const int64_t inner = p.out_shape[rank - 1];
    const int64_t stride = p.x_strides[rank - 1];
    int64_t index[64] = {0};
    for (int64_t o = 0; o < size; o += inner) {
      int64_t base = p.x_offset;
      bool constant = false;
      for (std::size_t d = 0; d + 1 < rank; ++d) {
        const int64_t off = offsets[d][index[d]];
        if (off < 0) constant = true;
        base += off;
      }
      T* row = p.out + o;
      if (constant) {
        for (int64_t j = 0; j < inner; ++j) row[j] = p.value;
      } else {
        for (const Run& r : runs) {
          T* dst = row + r.at;
          if (r.src < 0) {
            for (int64_t j = 0; j < r.length; ++j) dst[j] = p.value;
            continue;
          }
          const T* src = p.x + base + r.src * stride;
          const int64_t step = r.step * stride;
          if (step == 1) {
            std::memcpy(dst, src, static_cast<std::size_t>(r.length) * sizeof(T));
          } else {
            for (int64_t j = 0; j < r.length; ++j) dst[j] = src[j * step];
          }
        }
      }
      for (std::size_t d = rank - 1; d-- > 0;) {
        if (++index[d] < p.out_shape[d]) break;
        index[d] = 0;
      }
    }
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("remap's coordinate tables");
  }
  return Status::Ok();
}

template <class T>
Status concat_one(const ConcatArgs<T>& p) noexcept {
  if (p.x_shape.size() > 64) return Status::Invalid("concat takes at most 64 dimensions");
  try {
    const std::vector<int64_t> out_strides = dense_strides(p.out_shape);
    copy_block(p.x, p.x_offset, p.x_strides.data(), p.x_shape.data(), p.x_shape.size(), p.out,
               p.at * out_strides[p.axis], out_strides.data());
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("concat's strides");
  }
  return Status::Ok();
}

template <class T>
Status gather_all(const GatherArgs<T>& p) noexcept {
  const std::size_t rank = p.x_shape.size();
  if (rank > 64) return Status::Invalid("gather takes at most 64 dimensions");
  const int64_t n = p.x_shape[p.axis];
  for (int64_t k = 0; k < p.count; ++k) {
    if (p.indices[k] < 0 || p.indices[k] >= n) {
      return Status::Invalid("indices[" + std::to_string(k) + "] is " + std::to_string(p.indices[k]) + ", outside [0, " +
                             std::to_string(n) + ")");
    }
  }
  int64_t outer = 1, block = 1;
  for (std::size_t d = 0; d < static_cast<std::size_t>(p.axis); ++d) outer *= p.x_shape[d];
  for (std::size_t d = p.axis + 1; d < rank; ++d) block *= p.x_shape[d];
  if (outer == 0 || block == 0 || p.count == 0) return Status::Ok();
  const std::size_t post_rank = rank - p.axis - 1;
  const int64_t* post = p.x_shape.data() + p.axis + 1;
  const int64_t* post_strides = p.x_strides.data() + p.axis + 1;
  try {
    const std::vector<int64_t> dense = dense_strides(std::vector<int64_t>(post, post + post_rank));
    const int64_t along = p.x_strides[p.axis];
    int64_t index[64] = {0};
    int64_t pre = p.x_offset, o = 0;
    for (int64_t q = 0; q < outer; ++q) {
      for (int64_t k = 0; k < p.count; ++k, o += block) {
        copy_block(p.x, pre + p.indices[k] * along, post_strides, post, post_rank, p.out, o, dense.data());
      }
      for (std::size_t d = p.axis; d-- > 0;) {
        ++index[d];
        pre += p.x_strides[d];
        if (index[d] < p.x_shape[d]) break;
        pre -= p.x_strides[d] * p.x_shape[d];
        index[d] = 0;
      }
    }
  } catch (const std::bad_alloc&) {
    return Status::OutOfMemory("gather's strides");
  }
  return Status::Ok();
}

}  // namespace

int64_t resolve_coordinate(int64_t j, int64_t n, RemapMode mode) noexcept {
  if (j >= 0 && j < n) return j;
  if (mode == RemapMode::kConstant || n == 0) return -1;
  if (mode == RemapMode::kEdge) return j < 0 ? 0 : n - 1;
  if (mode == RemapMode::kWrap) return ((j % n) + n) % n;
  if (n == 1) return 0;
  const int64_t period = 2 * (n - 1);
  const int64_t k = ((j % period) + period) % period;
  return k < n ? k : period - k;
}

Status remap_f32(const RemapArgs<float>& args) noexcept { return remap_all(args); }
Status remap_f64(const RemapArgs<double>& args) noexcept { return remap_all(args); }
Status remap_i32(const RemapArgs<int32_t>& args) noexcept { return remap_all(args); }
Status concat_f32(const ConcatArgs<float>& args) noexcept { return concat_one(args); }
Status concat_f64(const ConcatArgs<double>& args) noexcept { return concat_one(args); }
Status concat_i32(const ConcatArgs<int32_t>& args) noexcept { return concat_one(args); }
Status gather_f32(const GatherArgs<float>& args) noexcept { return gather_all(args); }
Status gather_f64(const GatherArgs<double>& args) noexcept { return gather_all(args); }
Status gather_i32(const GatherArgs<int32_t>& args) noexcept { return gather_all(args); }

}  // namespace lepton
