// where.cc — one odometer walk over the output's dimensions (last fastest), stepping the three
// operands' offsets by their broadcast strides. Cost: one pass over the output.
#include "where.h"

namespace lepton {
namespace {

template <class T>
Status where_all(const WhereArgs<T>& p) noexcept {
  const std::size_t rank = p.shape.size();
  int64_t size = 1;
  for (int64_t d : p.shape) size *= d;
  if (size == 0) return Status::Ok();
  std::vector<int64_t> index(rank, 0);
  int64_t co = p.cond_offset, ao = p.a_offset, bo = p.b_offset;
  for (int64_t i = 0; i < size; ++i) {
    p.out[i] = p.cond[co] != 0 ? p.a[ao] : p.b[bo];
    for (std::size_t d = rank; d-- > 0;) {
      ++index[d];
      co += p.cond_strides[d];
      ao += p.a_strides[d];
      bo += p.b_strides[d];
      if (index[d] < p.shape[d]) break;
      co -= p.cond_strides[d] * p.shape[d];
      ao -= p.a_strides[d] * p.shape[d];
      bo -= p.b_strides[d] * p.shape[d];
      index[d] = 0;
    }
  }
  return Status::Ok();
}

}  // namespace

Status where_f32(const WhereArgs<float>& args) noexcept { return where_all(args); }
Status where_f64(const WhereArgs<double>& args) noexcept { return where_all(args); }
Status where_i32(const WhereArgs<int32_t>& args) noexcept { return where_all(args); }

}  // namespace lepton
