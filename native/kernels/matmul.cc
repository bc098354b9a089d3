// matmul.cc — batched GEMM range kernel: output rows [row_begin, row_end) of the flattened
// [batch·m, n] result, one gemm() call per batch entry touched, bias and activation fused into
// the GEMM's write-out. Transposes and views arrive as strides and are absorbed by the packing.
// Cost: 2·(rows)·n·k flops.
#include "matmul.h"

#include <algorithm>
#include <cstdlib>

#include "buffer.h"

namespace lepton {
namespace {

// c[i] = Σ_p A(i, p)·x(p) for `rows` rows. Rows of A contiguous: one dot product per row with
// eight independent partial sums (no add-latency chain; the compiler vectorises the lanes).
// Columns contiguous (Aᵀ·y of a row-major A): axpys down the columns, reading A in order.
template <class T>
void gemv(int64_t rows, int64_t k, const T* a, int64_t rs, int64_t cs, const T* x, int64_t xs, T* c) noexcept {
  constexpr int kLanes = 8;
  if (cs == 1 || std::abs(cs) <= std::abs(rs)) {
    for (int64_t i = 0; i < rows; ++i) {
      const T* ai = a + i * rs;
      T lanes[kLanes] = {};
      int64_t p = 0;
      if (cs == 1 && xs == 1) {
        for (; p + kLanes <= k; p += kLanes) {
          for (int l = 0; l < kLanes; ++l) lanes[l] += ai[p + l] * x[p + l];
        }
      }
      T sum = 0;
      for (int l = 0; l < kLanes; ++l) sum += lanes[l];
      for (; p < k; ++p) sum += ai[p * cs] * x[p * xs];
      c[i] = sum;
    }
    return;
  }
  for (int64_t i = 0; i < rows; ++i) c[i] = T(0);
  for (int64_t p = 0; p < k; ++p) {
    const T xp = x[p * xs];
    const T* ap = a + p * cs;
    if (rs == 1) {
      for (int64_t i = 0; i < rows; ++i) c[i] += ap[i] * xp;
    } else {
      for (int64_t i = 0; i < rows; ++i) c[i] += ap[i * rs] * xp;
    }
  }
}

template <class T>
Status matmul_range(const MatmulArgs<T>& p) noexcept {
  const int64_t m = p.m, n = p.n, k = p.k;
  if (m == 0 || n == 0) return Status::Ok();
  const std::size_t rank = p.batch_shape.size();
  prefault_for_write(p.out + p.row_begin * n, static_cast<std::size_t>((p.row_end - p.row_begin) * n) * sizeof(T));
  for (int64_t row = p.row_begin; row < p.row_end;) {
    const int64_t batch = row / m;
    const int64_t begin = row - batch * m;
    const int64_t end = std::min(m, begin + (p.row_end - row));
    int64_t rem = batch, a_off = p.a.offset, b_off = p.b.offset, bias_off = p.bias.offset;
    for (std::size_t d = rank; d-- > 0;) {
      const int64_t idx = rem % p.batch_shape[d];
      rem /= p.batch_shape[d];
      a_off += idx * p.a.batch_strides[d];
      b_off += idx * p.b.batch_strides[d];
      if (p.bias.data != nullptr) bias_off += idx * p.bias.batch_strides[d];
    }
    Epilogue<T> epi;
    epi.act = p.activation;
    if (p.bias.data != nullptr) {
      epi.bias = p.bias.data + bias_off + begin * p.bias.rs;
      epi.bias_rs = p.bias.rs;
      epi.bias_cs = p.bias.cs;
    }
    T* c = p.out + (batch * m + begin) * n;
    // With k = 0 the operands are never read (and may be empty arrays): form no pointer into them.
    const T* a = k > 0 ? p.a.data + a_off + begin * p.a.rs : nullptr;
    const T* b = k > 0 ? p.b.data + b_off : nullptr;
    if (n == 1 && k > 0) {
      // Matrix times vector: nothing to reuse, so packing would only copy A once more.
      gemv(end - begin, k, a, p.a.rs, p.a.cs, b, p.b.rs, c);
      if (epi.active()) apply_epilogue(epi, c, 1, 0, end - begin, 0, 1);
    } else {
      Status s = gemm_strided<T>(*p.isa, end - begin, n, k, T(1), a, p.a.rs, p.a.cs, b, p.b.rs, p.b.cs, c, n, false, epi);
      if (!s.ok()) return s;
    }
    row += end - begin;
  }
  return Status::Ok();
}

}  // namespace

Status matmul_f32(const MatmulArgs<float>& args) noexcept { return matmul_range(args); }
Status matmul_f64(const MatmulArgs<double>& args) noexcept { return matmul_range(args); }

}  // namespace lepton
