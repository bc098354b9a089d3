// where.h — out = cond ≠ 0 ? a : b, elementwise, with all three operands read through strides
// broadcast to the output's shape (0 where one repeats).
#ifndef LEPTON_KERNELS_WHERE_H_
#define LEPTON_KERNELS_WHERE_H_

#include <cstdint>
#include <vector>

#include "status.h"

namespace lepton {

template <class T>
struct WhereArgs {
  std::vector<int64_t> shape;  // the output shape
  const int32_t* cond = nullptr;
  int64_t cond_offset = 0;
  std::vector<int64_t> cond_strides;
  const T* a = nullptr;
  int64_t a_offset = 0;
  std::vector<int64_t> a_strides;
  const T* b = nullptr;
  int64_t b_offset = 0;
  std::vector<int64_t> b_strides;
  T* out = nullptr;  // dense, row-major over `shape`
};

Status where_f32(const WhereArgs<float>& args) noexcept;
Status where_f64(const WhereArgs<double>& args) noexcept;
Status where_i32(const WhereArgs<int32_t>& args) noexcept;

}  // namespace lepton

#endif  // LEPTON_KERNELS_WHERE_H_
