// shape.h — the copying shape ops: remap (per-axis coordinate maps with numpy.pad's modes: flip,
// negative-step slices, pad, tile), concat (one input's strided view into its slab of the
// output) and gather (slices along an axis picked by indices). Inputs are strided views (element
// strides ≥ 0, checked by the glue); outputs are dense row-major. Memory-bound: one read and one
// write per output element.
#ifndef LEPTON_KERNELS_SHAPE_H_
#define LEPTON_KERNELS_SHAPE_H_

#include <cstdint>
#include <vector>

#include "status.h"

namespace lepton {

enum class RemapMode { kConstant, kReflect, kEdge, kWrap };

template <class T>
struct RemapArgs {
  const T* x = nullptr;
  int64_t x_offset = 0;
  std::vector<int64_t> x_strides;
  std::vector<int64_t> in_shape;
  std::vector<int64_t> out_shape;
  // Output coordinate i of axis d reads input coordinate start[d] + i·step[d], resolved by mode.
  std::vector<int64_t> start;
  std::vector<int64_t> step;
  RemapMode mode = RemapMode::kConstant;
  T value = 0;
  T* out = nullptr;
};

template <class T>
struct ConcatArgs {
  const T* x = nullptr;  // one input, of out_shape except along axis (x_shape[axis])
  int64_t x_offset = 0;
  std::vector<int64_t> x_strides;
  std::vector<int64_t> x_shape;
  std::vector<int64_t> out_shape;
  int64_t axis = 0;
  int64_t at = 0;  // where the input's slab starts along axis; at + x_shape[axis] ≤ out_shape[axis]
  T* out = nullptr;
};

template <class T>
struct GatherArgs {
  const T* x = nullptr;
  int64_t x_offset = 0;
  std::vector<int64_t> x_strides;
  std::vector<int64_t> x_shape;
  int64_t axis = 0;
  const int32_t* indices = nullptr;  // already wrapped into [0, x_shape[axis]) by the caller; checked again
  int64_t count = 0;
  T* out = nullptr;  // [x_shape[:axis], count, x_shape[axis+1:]] row-major
};

// The input coordinate that j reads on an axis of length n (−1: the constant).
int64_t resolve_coordinate(int64_t j, int64_t n, RemapMode mode) noexcept;

Status remap_f32(const RemapArgs<float>& args) noexcept;
Status remap_f64(const RemapArgs<double>& args) noexcept;
Status remap_i32(const RemapArgs<int32_t>& args) noexcept;
Status concat_f32(const ConcatArgs<float>& args) noexcept;
Status concat_f64(const ConcatArgs<double>& args) noexcept;
Status concat_i32(const ConcatArgs<int32_t>& args) noexcept;
Status gather_f32(const GatherArgs<float>& args) noexcept;
Status gather_f64(const GatherArgs<double>& args) noexcept;
Status gather_i32(const GatherArgs<int32_t>& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_SHAPE_H_
