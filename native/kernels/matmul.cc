// matmul.cc — batched GEMM range kernel: output rows [row_begin, row_end) of the flattened
// [batch·m, n] result, one gemm() call per batch entry touched, bias and activation fused into
// the GEMM's write-out. Transposes and views arrive as strides and are absorbed by the packing.
// Cost: 2·(rows)·n·k flops.
#include "matmul.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <vector>

#include "buffer.h"

namespace lepton {
namespace {

// c[j] = Σ_p a(p)·B(p, j) for columns [0, n) of a row-major B (unit column stride): one pass over B
// in memory order, four rows of B folded into each pass over c (a single row of A: packing B for
// one output row would copy all of B to use each element once). The portable loop; a path's
// `vecmat` (ukernel.h) does the same in its vectors.
template <class T>
void vecmat(int64_t n, int64_t k, const T* a, int64_t as, const T* b, int64_t rs, T* __restrict c) noexcept {
  for (int64_t j = 0; j < n; ++j) c[j] = T(0);
  int64_t p = 0;
  for (; p + 4 <= k; p += 4) {
    const T a0 = a[p * as], a1 = a[(p + 1) * as], a2 = a[(p + 2) * as], a3 = a[(p + 3) * as];
    const T* __restrict b0 = b + p * rs;
    const T* __restrict b1 = b0 + rs;
    const T* __restrict b2 = b1 + rs;
    const T* __restrict b3 = b2 + rs;
    for (int64_t j = 0; j < n; ++j) c[j] += (a0 * b0[j] + a1 * b1[j]) + (a2 * b2[j] + a3 * b3[j]);
  }
  for (; p < k; ++p) {
    const T ap = a[p * as];
    const T* __restrict bp = b + p * rs;
    for (int64_t j = 0; j < n; ++j) c[j] += ap * bp[j];
  }
}

// The path's vector `vecmat` where it has one, else the portable loop above.
template <class T>
VecmatFn<T> vecmat_of(const Isa& isa) noexcept {
  const VecmatFn<T> fold = ukernel_of<T>(isa).vecmat;
  return fold != nullptr ? fold : &vecmat<T>;
}

// c[i] = Σ_p A(i, p)·x(p) for `rows` rows.
// - Rows of A contiguous: dot products, with the path's `dots` (four rows per pass over x) or the
//   portable loop (eight independent partial sums per row).
// - Columns of A contiguous (Aᵀ·v of a row-major A): c = x·Aᵀ read as a vector times the matrix
//   whose rows are A's columns, A read in memory order (`fold`, never null: see vecmat_of).
// - Otherwise the strided loops.
template <class T>
void gemv(int64_t rows, int64_t k, const T* a, int64_t rs, int64_t cs, const T* x, int64_t xs, T* c, DotsFn<T> dots,
          VecmatFn<T> fold) noexcept {
  constexpr int kLanes = 8;
  if (dots != nullptr && cs == 1 && xs == 1) {
    dots(rows, k, a, rs, x, c);
    return;
  }
  if (rs == 1 && cs != 1) {
    fold(rows, k, x, xs, a, cs, c);
    return;
  }
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
    for (int64_t i = 0; i < rows; ++i) c[i] += ap[i * rs] * xp;
  }
}

// One batch entry's rows [begin, end): the GEMM (or GEMV) with its epilogue.
template <class T>
Status matmul_rows(const MatmulArgs<T>& p, int64_t batch, int64_t begin, int64_t end, const Parallel& par) noexcept {
  const int64_t m = p.m, n = p.n, k = p.k;
  const std::size_t rank = p.batch_shape.size();
  int64_t rem = batch, a_off = p.a.offset, b_off = p.b.offset, bias_off = p.bias.offset;
  for (std::size_t d = rank; d-- > 0;) {
    const int64_t idx = rem % p.batch_shape[d];
    rem /= p.batch_shape[d];
    a_off += idx * p.a.batch_strides[d];
    if (p.packed_b == nullptr) b_off += idx * p.b.batch_strides[d];  // a packed B is shared by every entry
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
  const int64_t rows = end - begin;
  if (p.packed_b != nullptr) {
    if (p.packed_b->nr != ukernel_of<T>(*p.isa).nr || p.packed_b->k != k || p.packed_b->n != n) {
      return Status::Invalid("the packed B does not fit this product or instruction-set path; pack it again");
    }
    return gemm<T>(*p.isa, rows, n, k, StridedA<T>{a, p.a.rs, p.a.cs, T(1)}, PrepackedB<T>{p.packed_b.get()}, c, n,
                   false, epi, par);
  }
  const T* b = k > 0 ? p.b.data + b_off : nullptr;
  if (n == 1 && k > 0) {
    // Matrix times vector: nothing to reuse, so packing would only copy A once more. Rows split
    // between the threads when there is enough to stream.
    int team = par.pool != nullptr && 2.0 * double(rows) * double(k) >= kMinParallelFlops ? par.pool->prepare(par.threads) : 1;
    if (team > rows) team = static_cast<int>(std::max<int64_t>(1, rows));
    // A lambda, not a std::function: one thread calls it directly (no allocation per call).
    const auto body = [&](int t, int size) {
      int64_t r0, r1;
      split_range(rows, size, t, 16, &r0, &r1);
      if (r1 <= r0) return;
      gemv(r1 - r0, k, a + r0 * p.a.rs, p.a.rs, p.a.cs, b, p.b.rs, c + r0, ukernel_of<T>(*p.isa).dots, vecmat_of<T>(*p.isa));
      if (epi.active()) {
        Epilogue<T> part = epi;
        if (part.bias != nullptr) part.bias += r0 * part.bias_rs;
        apply_epilogue(part, c + r0, 1, 0, r1 - r0, 0, 1);
      }
    };
    if (team > 1) {
      par.pool->run(team, join_wait_us(double(rows) * double(k) * sizeof(T) / 1e4), body);
    } else {
      body(0, 1);
    }
    return Status::Ok();
  }
  if (rows == 1 && k > 0 && p.b.cs == 1) {
    // One row times a row-major matrix: columns split between the threads.
    int team = par.pool != nullptr && 2.0 * double(n) * double(k) >= kMinParallelFlops ? par.pool->prepare(par.threads) : 1;
    if (team > n / 16) team = static_cast<int>(std::max<int64_t>(1, n / 16));
    const auto body = [&](int t, int size) {
      int64_t j0, j1;
      split_range(n, size, t, 16, &j0, &j1);
      if (j1 <= j0) return;
      vecmat_of<T>(*p.isa)(j1 - j0, k, a, p.a.cs, b + j0, p.b.rs, c + j0);
      if (epi.active()) apply_epilogue(epi, c + j0, n, 0, 1, j0, j1 - j0);
    };
    if (team > 1) {
      par.pool->run(team, join_wait_us(double(n) * double(k) * sizeof(T) / 1e4), body);
    } else {
      body(0, 1);
    }
    return Status::Ok();
  }
  return gemm_strided<T>(*p.isa, rows, n, k, T(1), a, p.a.rs, p.a.cs, b, p.b.rs, p.b.cs, c, n, false, epi, par);
}

template <class T>
Status matmul_range(const MatmulArgs<T>& p) noexcept {
  const int64_t m = p.m, n = p.n, k = p.k;
  if (m == 0 || n == 0) return Status::Ok();
  prefault_for_write(p.out + p.row_begin * n, static_cast<std::size_t>((p.row_end - p.row_begin) * n) * sizeof(T));
  const Parallel par{p.pool, p.pool != nullptr ? p.pool->prepare(std::max(1, p.threads)) : 1};
  // Many small products (a batch of them): whole entries per thread beat threads inside each.
  const int64_t first = p.row_begin / m, stop = (p.row_end + m - 1) / m;
  const double entry_flops = 2.0 * double(m) * double(n) * double(k);
  if (par.threads > 1 && stop - first >= 2 * par.threads && entry_flops < 8 * kMinParallelFlops &&
      entry_flops * double(stop - first) >= kMinParallelFlops) {
    std::vector<Status> status(static_cast<std::size_t>(par.threads));
    const std::function<void(int, int)> body = [&](int t, int size) {
      int64_t e0, e1;
      split_range(stop - first, size, t, 1, &e0, &e1);
      for (int64_t e = first + e0; e < first + e1 && status[t].ok(); ++e) {
        const int64_t begin = std::max(p.row_begin, e * m) - e * m;
        const int64_t end = std::min(p.row_end, (e + 1) * m) - e * m;
        status[t] = matmul_rows(p, e, begin, end, Parallel{});
      }
    };
    par.pool->run(par.threads, join_wait_us(entry_flops * double(stop - first) / 1e5), body);
    for (const Status& s : status) {
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
  for (int64_t row = p.row_begin; row < p.row_end;) {
    const int64_t batch = row / m;
    const int64_t begin = row - batch * m;
    const int64_t end = std::min(m, begin + (p.row_end - row));
    Status s = matmul_rows(p, batch, begin, end, par);
    if (!s.ok()) return s;
    row += end - begin;
  }
  return Status::Ok();
}

}  // namespace

Status matmul_f32(const MatmulArgs<float>& args) noexcept { return matmul_range(args); }
Status matmul_f64(const MatmulArgs<double>& args) noexcept { return matmul_range(args); }

}  // namespace lepton
