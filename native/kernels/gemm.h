// gemm.h — GEMM in the BLIS shape, over any packing source:
//
//   for jc in n by NC:            B panel KC×NC packed (NR-wide slivers)      — L3
//     for pc in k by KC:
//       for ic in m by MC:        A block MC×KC packed (MR-tall slivers)      — L2
//         for jr in NC by NR:     B sliver KC×NR                              — L1
//           for ir in MC by MR:   micro-kernel on an MR×NR tile of C          — registers
//
// C = (accumulate ? C : 0) + op(A)·op(B), then on the last KC pass each finished tile gets the
// epilogue (bias, activation) while it is still in cache. Transposes, strides and im2col live in
// the packing sources (StridedA/StridedB here, the conv2d ones in conv2d.cc): no transposed or
// unfolded copy is ever made. Scratch (the packed panels) is allocated per call: reentrant.
// Cost: 2·m·n·k flops; packing m·k·⌈n/NC⌉ + k·n element copies.
#ifndef LEPTON_KERNELS_GEMM_H_
#define LEPTON_KERNELS_GEMM_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <type_traits>

#include "buffer.h"
#include "status.h"
#include "threadpool.h"
#include "ukernel.h"

namespace lepton {

enum class Activation { kNone = 0, kRelu = 1, kSigmoid = 2 };

// relu keeps NaN (numpy's maximum does); sigmoid is 1 / (1 + e^(−v)).
template <class T>
inline T activate(T v, Activation act) {
  if (act == Activation::kRelu) return v < T(0) ? T(0) : v;
  if (act == Activation::kSigmoid) return T(1) / (T(1) + std::exp(-v));
  return v;
}

// Applied to C as the tiles are finished: C[i][j] = act(C[i][j] + bias[i·bias_rs + j·bias_cs]).
template <class T>
struct Epilogue {
  const T* bias = nullptr;
  int64_t bias_rs = 0;
  int64_t bias_cs = 0;
  Activation act = Activation::kNone;
  bool active() const { return bias != nullptr || act != Activation::kNone; }
};

template <class T>
inline void apply_epilogue(const Epilogue<T>& e, T* c, int64_t ldc, int64_t i0, int64_t rows, int64_t j0,
                           int64_t cols) {
  for (int64_t i = 0; i < rows; ++i) {
    T* row = c + i * ldc;
    if (e.bias != nullptr) {
      const T* b = e.bias + (i0 + i) * e.bias_rs + j0 * e.bias_cs;
      const int64_t cs = e.bias_cs;
      if (cs == 0) {  // one bias per row (NCHW convolution: per output channel)
        const T bv = b[0];
        for (int64_t j = 0; j < cols; ++j) row[j] += bv;
      } else if (cs == 1) {
        for (int64_t j = 0; j < cols; ++j) row[j] += b[j];
      } else {
        for (int64_t j = 0; j < cols; ++j) row[j] += b[j * cs];
      }
    }
    if (e.act == Activation::kRelu) {
      for (int64_t j = 0; j < cols; ++j) row[j] = row[j] < T(0) ? T(0) : row[j];
    } else if (e.act == Activation::kSigmoid) {
      for (int64_t j = 0; j < cols; ++j) row[j] = T(1) / (T(1) + std::exp(-row[j]));
    }
  }
}

// A strided matrix read as the A operand: element (i, p) = alpha · a[i·rs + p·cs].
template <class T>
struct StridedA {
  const T* a;
  int64_t rs;
  int64_t cs;
  T alpha = T(1);

  // Packs rows [i0, i0+rows) × depth [p0, p0+kc) into ⌈rows/mr⌉ slivers of kc×mr, zero-padded.
  void pack(int64_t i0, int64_t rows, int64_t p0, int64_t kc, int mr, T* __restrict dst) const {
    for (int64_t s = 0; s < rows; s += mr) {
      const int64_t live = std::min<int64_t>(mr, rows - s);
      const T* src = a + (i0 + s) * rs + p0 * cs;
      if (rs == 1) {
        for (int64_t p = 0; p < kc; ++p) {
          const T* col = src + p * cs;
          T* d = dst + p * mr;
          for (int64_t i = 0; i < live; ++i) d[i] = alpha * col[i];
          for (int64_t i = live; i < mr; ++i) d[i] = T(0);
        }
      } else {
        for (int64_t i = 0; i < live; ++i) {
          const T* row = src + i * rs;
          T* d = dst + i;
          if (cs == 1) {
            for (int64_t p = 0; p < kc; ++p) d[p * mr] = alpha * row[p];
          } else {
            for (int64_t p = 0; p < kc; ++p) d[p * mr] = alpha * row[p * cs];
          }
        }
        for (int64_t i = live; i < mr; ++i) {
          for (int64_t p = 0; p < kc; ++p) dst[p * mr + i] = T(0);
        }
      }
      dst += kc * mr;
    }
  }
};

// A strided matrix read as the B operand: element (p, j) = b[p·rs + j·cs].
template <class T>
struct StridedB {
  const T* b;
  int64_t rs;
  int64_t cs;

  // Packs depth [p0, p0+kc) × columns [j0, j0+cols) into ⌈cols/nr⌉ slivers of kc×nr, zero-padded.
  void pack(int64_t p0, int64_t kc, int64_t j0, int64_t cols, int nr, T* __restrict dst) const {
    for (int64_t s = 0; s < cols; s += nr) {
      const int64_t live = std::min<int64_t>(nr, cols - s);
      const T* src = b + p0 * rs + (j0 + s) * cs;
      if (cs == 1 || rs != 1) {
        for (int64_t p = 0; p < kc; ++p) {
          const T* row = src + p * rs;
          T* d = dst + p * nr;
          if (cs == 1) {
            for (int64_t j = 0; j < live; ++j) d[j] = row[j];
          } else {
            for (int64_t j = 0; j < live; ++j) d[j] = row[j * cs];
          }
          for (int64_t j = live; j < nr; ++j) d[j] = T(0);
        }
      } else {  // rs == 1: column-major (a transposed operand): walk each column contiguously.
        for (int64_t j = 0; j < live; ++j) {
          const T* col = src + j * cs;
          for (int64_t p = 0; p < kc; ++p) dst[p * nr + j] = col[p];
        }
        for (int64_t j = live; j < nr; ++j) {
          for (int64_t p = 0; p < kc; ++p) dst[p * nr + j] = T(0);
        }
      }
      dst += kc * nr;
    }
  }
};

// A B operand that is already packed (prepack.h) declares `static constexpr bool kPrepacked = true`
// and provides kc(), nc() and panel(jc, pc) instead of pack().
template <class P, class = void>
struct IsPrepacked : std::false_type {};
template <class P>
struct IsPrepacked<P, std::void_t<decltype(P::kPrepacked)>> : std::bool_constant<P::kPrepacked> {};

template <class T>
inline const Ukernel<T>& ukernel_of(const Isa& isa);
template <>
inline const Ukernel<float>& ukernel_of<float>(const Isa& isa) { return isa.f32; }
template <>
inline const Ukernel<double>& ukernel_of<double>(const Isa& isa) { return isa.f64; }

// Threads for one GEMM: `threads` members of `pool`'s team (1 or no pool: the caller alone).
struct Parallel {
  ThreadPool* pool = nullptr;
  int threads = 1;
};

// Below this many flops a GEMM runs on one thread: waking a worker and two barriers per panel cost
// more than the second core gives back (a 4 MFLOP product takes ~30 µs on one AVX-512 core).
constexpr double kMinParallelFlops = 4e6;

// The macro-kernel: the B slivers [jr_begin, jr_end) of a packed panel (nc columns) times every A
// sliver of a packed block (mc rows), into C at `c` (the block's (ic, jc) corner). Edge tiles go
// through a scratch tile; `last` (the final KC pass) applies the epilogue while the tile is hot.
template <class T>
void macro_kernel(const Ukernel<T>& uk, int64_t mc, int64_t nc, int64_t kc, int64_t jr_begin, int64_t jr_end,
                  const T* a_pack, const T* b_pack, T* c, int64_t ldc, bool acc, bool last, const Epilogue<T>& epi,
                  int64_t ic, int64_t jc) noexcept {
  const int mr = uk.mr, nr = uk.nr;
  alignas(64) T edge[kMaxMr * kMaxNr];
  bool edge_ready = false;
  const int64_t jr_stop = std::min(jr_end, nc);
  for (int64_t jr = jr_begin; jr < jr_stop; jr += nr) {
    const int64_t cols = std::min<int64_t>(nr, nc - jr);
    const T* b_sliver = b_pack + jr * kc;
    for (int64_t ir = 0; ir < mc; ir += mr) {
      const int64_t rows = std::min<int64_t>(mr, mc - ir);
      const T* a_sliver = a_pack + ir * kc;
      T* tile = c + ir * ldc + jr;
      if (cols == nr) {
        uk.fn(kc, a_sliver, b_sliver, tile, ldc, acc, static_cast<int>(rows));
      } else {
        if (!edge_ready) {
          std::fill(edge, edge + kMaxMr * kMaxNr, T(0));
          edge_ready = true;
        }
        if (acc) {
          for (int64_t i = 0; i < rows; ++i) {
            for (int64_t j = 0; j < cols; ++j) edge[i * nr + j] = tile[i * ldc + j];
          }
        }
        uk.fn(kc, a_sliver, b_sliver, edge, nr, acc, mr);
        for (int64_t i = 0; i < rows; ++i) {
          for (int64_t j = 0; j < cols; ++j) tile[i * ldc + j] = edge[i * nr + j];
        }
      }
      if (last && epi.active()) apply_epilogue(epi, tile, ldc, ic + ir, rows, jc + jr, cols);
    }
  }
}

// C (m×n, row stride ldc) = (accumulate ? C : 0) + A·B, then the epilogue. PackA / PackB provide
// pack(...) as StridedA / StridedB do.
//
// With par.threads > 1 the team shares ONE packed B panel per (jc, pc) step, as BLIS does: each
// thread packs a share of its slivers, a barrier, then each thread multiplies its share of the
// work against the whole panel, a barrier before the panel is overwritten. The work is split by
// rows of C (each thread packs only its own rows of A) when that balances, else by B slivers
// (m small: each thread packs the same few rows of A, a copy of m·kc elements).
template <class T, class PackA, class PackB>
Status gemm(const Isa& isa, int64_t m, int64_t n, int64_t k, const PackA& pack_a, const PackB& pack_b, T* c,
            int64_t ldc, bool accumulate, const Epilogue<T>& epi, const Parallel& par = {}) noexcept {
  if (m <= 0 || n <= 0) return Status::Ok();
  if (k <= 0) {
    for (int64_t i = 0; i < m; ++i) {
      if (!accumulate) std::fill(c + i * ldc, c + i * ldc + n, T(0));
    }
    if (epi.active()) apply_epilogue(epi, c, ldc, 0, m, 0, n);
    return Status::Ok();
  }
  const Ukernel<T>& uk = ukernel_of<T>(isa);
  const int mr = uk.mr;
  const int nr = uk.nr;
  constexpr bool kPre = IsPrepacked<PackB>::value;
  const int64_t mc_max = std::max<int64_t>(mr, uk.blocking.mc / mr * mr);
  int64_t nc_max = std::max<int64_t>(nr, uk.blocking.nc / nr * nr);
  int64_t kc_max = std::max<int64_t>(1, uk.blocking.kc);
  if constexpr (kPre) {  // the blocking it was packed with
    nc_max = pack_b.nc();
    kc_max = pack_b.kc();
  }
  const int64_t kc_size = std::min(k, kc_max);
  const int64_t nc_size = (std::min(n, nc_max) + nr - 1) / nr * nr;

  // Team size and the split: by rows when the row tiles balance at least as well as the slivers.
  int team = 1;
  if (par.pool != nullptr && par.threads > 1 && 2.0 * double(m) * double(n) * double(k) >= kMinParallelFlops) {
    team = par.pool->prepare(par.threads);
  }
  const int64_t row_tiles = (m + mr - 1) / mr, col_tiles = nc_size / nr;
  auto balance = [team](int64_t tiles) { return double(tiles) / double(team * ((tiles + team - 1) / team)); };
  const bool by_rows = team == 1 || (row_tiles >= team && balance(row_tiles) >= balance(col_tiles));
  if (team > 1 && !by_rows && col_tiles < team) team = static_cast<int>(std::max<int64_t>(1, col_tiles));
  if (team > 1 && by_rows && row_tiles < team) team = static_cast<int>(row_tiles);

  // Sized for any share of the rows: the team that actually forms may be smaller than asked.
  const int64_t mc_size = (std::min(m, mc_max) + mr - 1) / mr * mr;
  AlignedBuffer<T> a_pack;
  AlignedBuffer<T> b_pack;
  if (!a_pack.reset(static_cast<std::size_t>(mc_size * kc_size * team))) return Status::OutOfMemory("a packed A block");
  if (!kPre && !b_pack.reset(static_cast<std::size_t>(nc_size * kc_size))) return Status::OutOfMemory("a packed B panel");
  // The panel (jc, pc) of B: packed here (into b_pack) or read from the prepacked matrix.
  auto panel_of = [&](int64_t jc, int64_t pc) -> const T* {
    if constexpr (kPre) {
      return pack_b.panel(jc, pc);
    } else {
      (void)jc;
      (void)pc;
      return b_pack.get();
    }
  };

  if (team == 1) {
    for (int64_t jc = 0; jc < n; jc += nc_max) {
      const int64_t nc = std::min(nc_max, n - jc);
      for (int64_t pc = 0; pc < k; pc += kc_max) {
        const int64_t kc = std::min(kc_max, k - pc);
        const bool acc = accumulate || pc > 0;
        const bool last = pc + kc == k;
        if constexpr (!kPre) pack_b.pack(pc, kc, jc, nc, nr, b_pack.get());
        const T* bp = panel_of(jc, pc);
        for (int64_t ic = 0; ic < m; ic += mc_max) {
          const int64_t mc = std::min(mc_max, m - ic);
          pack_a.pack(ic, mc, pc, kc, mr, a_pack.get());
          macro_kernel(uk, mc, nc, kc, 0, nc, a_pack.get(), bp, c + ic * ldc + jc, ldc, acc, last, epi, ic, jc);
        }
      }
    }
    return Status::Ok();
  }

  Barrier barrier;
  const std::function<void(int, int)> body = [&](int t, int size) {
    T* a_mine = a_pack.get() + static_cast<int64_t>(t) * mc_size * kc_size;
    int64_t r0 = 0, r1 = m;
    if (by_rows) split_range(m, size, t, mr, &r0, &r1);
    for (int64_t jc = 0; jc < n; jc += nc_max) {
      const int64_t nc = std::min(nc_max, n - jc);
      const int64_t slivers = (nc + nr - 1) / nr;
      for (int64_t pc = 0; pc < k; pc += kc_max) {
        const int64_t kc = std::min(kc_max, k - pc);
        const bool acc = accumulate || pc > 0;
        const bool last = pc + kc == k;
        int64_t s0, s1;
        split_range(slivers, size, t, 1, &s0, &s1);
        if constexpr (!kPre) {
          if (s1 > s0) {
            pack_b.pack(pc, kc, jc + s0 * nr, std::min(nc, s1 * nr) - s0 * nr, nr, b_pack.get() + s0 * nr * kc);
          }
          barrier.wait();  // the whole panel is packed
        }
        const T* bp = panel_of(jc, pc);
        if (by_rows) {
          for (int64_t ic = r0; ic < r1; ic += mc_max) {
            const int64_t mc = std::min(mc_max, r1 - ic);
            pack_a.pack(ic, mc, pc, kc, mr, a_mine);
            macro_kernel(uk, mc, nc, kc, 0, nc, a_mine, bp, c + ic * ldc + jc, ldc, acc, last, epi, ic, jc);
          }
        } else if (s1 > s0) {
          for (int64_t ic = 0; ic < m; ic += mc_max) {
            const int64_t mc = std::min(mc_max, m - ic);
            pack_a.pack(ic, mc, pc, kc, mr, a_mine);
            macro_kernel(uk, mc, nc, kc, s0 * nr, s1 * nr, a_mine, bp, c + ic * ldc + jc, ldc, acc, last, epi, ic,
                         jc);
          }
        }
        if constexpr (!kPre) barrier.wait();  // nobody reads the panel any more
      }
    }
  };
  const double expected_us = 2.0 * double(m) * double(n) * double(k) / 1e5;  // at ~100 GFLOP/s
  par.pool->run(team, join_wait_us(expected_us), [&](int size) { barrier.reset(size); }, body);
  return Status::Ok();
}

// The plain strided GEMM: C = (accumulate ? C : 0) + (alpha·A)·B, epilogue.
template <class T>
Status gemm_strided(const Isa& isa, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t a_rs,
                    int64_t a_cs, const T* b, int64_t b_rs, int64_t b_cs, T* c, int64_t ldc, bool accumulate,
                    const Epilogue<T>& epi, const Parallel& par = {}) noexcept {
  return gemm<T>(isa, m, n, k, StridedA<T>{a, a_rs, a_cs, alpha}, StridedB<T>{b, b_rs, b_cs}, c, ldc, accumulate,
                 epi, par);
}

}  // namespace lepton

#endif  // LEPTON_KERNELS_GEMM_H_
