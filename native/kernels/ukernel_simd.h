// ukernel_simd.h — the register-blocked micro-kernel written once over a vector trait `V`
// (V::Reg, V::kWidth, zero/load/loadu/storeu/set1/fma/add). Included only by the per-ISA
// translation units (ukernel_avx2.cc, ukernel_avx512.cc), each compiled with its own -m flags,
// so the trait's intrinsics are legal there and nowhere else.
//
// MR rows × NV vectors of accumulators stay in registers for the whole kc loop: per step, NV
// aligned loads of the B sliver, MR broadcasts of the A sliver (folded into the FMA's memory
// operand), MR·NV FMAs. Cost: 2·MR·NR·kc flops.
#ifndef LEPTON_KERNELS_UKERNEL_SIMD_H_
#define LEPTON_KERNELS_UKERNEL_SIMD_H_

#include <cstdint>

namespace lepton {
namespace simd {

template <class V, int MR, int NV>
inline void ukernel(int64_t kc, const typename V::T* __restrict a, const typename V::T* __restrict b,
                    typename V::T* __restrict c, int64_t ldc, bool accumulate, int rows) {
  using Reg = typename V::Reg;
  constexpr int W = V::kWidth;
  constexpr int NR = NV * W;
  Reg acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i) {
    // The C tile is read (accumulate) or written at the end: start fetching it now.
    __builtin_prefetch(c + i * ldc, 1, 3);
    __builtin_prefetch(c + i * ldc + NR - 1, 1, 3);
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[i][v] = V::zero();
  }
  for (int64_t p = 0; p < kc; ++p) {
    Reg bv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) bv[v] = V::load(b + v * W);
    __builtin_prefetch(b + 8 * NR, 0, 3);
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      const Reg ai = V::set1(a[i]);
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[i][v] = V::fma(ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += NR;
  }
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i) {
    if (i >= rows) break;  // the bottom edge of C: rows past it are padding in the A sliver
    typename V::T* row = c + i * ldc;
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      Reg r = acc[i][v];
      if (accumulate) r = V::add(r, V::loadu(row + v * W));
      V::storeu(row + v * W, r);
    }
  }
}

// Σ a[p]·x[p]: four vectors of partial sums (four FMA chains in flight), unaligned loads, the
// tail in scalars. Cost: 2·k flops.
template <class V>
inline typename V::T dot(int64_t k, const typename V::T* __restrict a, const typename V::T* __restrict x) {
  using Reg = typename V::Reg;
  constexpr int W = V::kWidth;
  Reg s0 = V::zero(), s1 = V::zero(), s2 = V::zero(), s3 = V::zero();
  int64_t p = 0;
  for (; p + 4 * W <= k; p += 4 * W) {
    s0 = V::fma(V::loadu(a + p), V::loadu(x + p), s0);
    s1 = V::fma(V::loadu(a + p + W), V::loadu(x + p + W), s1);
    s2 = V::fma(V::loadu(a + p + 2 * W), V::loadu(x + p + 2 * W), s2);
    s3 = V::fma(V::loadu(a + p + 3 * W), V::loadu(x + p + 3 * W), s3);
  }
  for (; p + W <= k; p += W) s0 = V::fma(V::loadu(a + p), V::loadu(x + p), s0);
  alignas(64) typename V::T lanes[W];
  V::storeu(lanes, V::add(V::add(s0, s1), V::add(s2, s3)));
  typename V::T sum = 0;
  for (int l = 0; l < W; ++l) sum += lanes[l];
  for (; p < k; ++p) sum += a[p] * x[p];
  return sum;
}

// Direct convolution rows (ukernel.h, ConvRowsFn): OB output channels at a time, one vector of
// output columns per step; each input vector loaded once and multiplied by OB broadcast weights
// (OB accumulator chains in flight), the accumulators starting at the bias and stored through the
// relu. Output channels past the last full block of OB, and columns past the last full vector, in
// scalars (the same sums in the same order). Cost: 2·ocs·width·taps·kw flops.
template <class V, int OB>
inline void conv_rows(int64_t ocs, int64_t width, int64_t taps, int64_t kw, const typename V::T* const* rows,
                      const typename V::T* w, int64_t w_stride, typename V::T* out, int64_t out_stride,
                      const typename V::T* bias, bool relu) {
  using T = typename V::T;
  using Reg = typename V::Reg;
  constexpr int W = V::kWidth;
  const auto scalar = [&](int64_t o, int64_t x) {
    const T* wo = w + o * w_stride;
    T sum = bias != nullptr ? bias[o] : T(0);
    for (int64_t r = 0; r < taps; ++r) {
      for (int64_t kx = 0; kx < kw; ++kx) sum += wo[r * kw + kx] * rows[r][x + kx];
    }
    out[o * out_stride + x] = relu && sum < T(0) ? T(0) : sum;
  };
  int64_t o0 = 0;
  for (; o0 + OB <= ocs; o0 += OB) {
    const T* wb = w + o0 * w_stride;
    int64_t x = 0;
    for (; x + W <= width; x += W) {
      Reg acc[OB];
#pragma GCC unroll 16
      for (int i = 0; i < OB; ++i) acc[i] = bias != nullptr ? V::set1(bias[o0 + i]) : V::zero();
      for (int64_t r = 0; r < taps; ++r) {
        const T* row = rows[r] + x;
        const T* wr = wb + r * kw;
        for (int64_t kx = 0; kx < kw; ++kx) {
          const Reg v = V::loadu(row + kx);
#pragma GCC unroll 16
          for (int i = 0; i < OB; ++i) acc[i] = V::fma(V::set1(wr[i * w_stride + kx]), v, acc[i]);
        }
      }
      if (relu) {
#pragma GCC unroll 16
        for (int i = 0; i < OB; ++i) acc[i] = V::max(V::zero(), acc[i]);
      }
#pragma GCC unroll 16
      for (int i = 0; i < OB; ++i) V::storeu(out + (o0 + i) * out_stride + x, acc[i]);
    }
    for (; x < width; ++x) {
      for (int i = 0; i < OB; ++i) scalar(o0 + i, x);
    }
  }
  for (; o0 < ocs; ++o0) {
    for (int64_t x = 0; x < width; ++x) scalar(o0, x);
  }
}

// y += alpha·x, four vectors per step, the tail in scalars. Cost: 2·n flops.
template <class V>
inline void axpy(int64_t n, typename V::T alpha, const typename V::T* __restrict x, typename V::T* __restrict y) {
  constexpr int W = V::kWidth;
  const typename V::Reg a = V::set1(alpha);
  int64_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    V::storeu(y + i, V::fma(a, V::loadu(x + i), V::loadu(y + i)));
    V::storeu(y + i + W, V::fma(a, V::loadu(x + i + W), V::loadu(y + i + W)));
    V::storeu(y + i + 2 * W, V::fma(a, V::loadu(x + i + 2 * W), V::loadu(y + i + 2 * W)));
    V::storeu(y + i + 3 * W, V::fma(a, V::loadu(x + i + 3 * W), V::loadu(y + i + 3 * W)));
  }
  for (; i + W <= n; i += W) V::storeu(y + i, V::fma(a, V::loadu(x + i), V::loadu(y + i)));
  for (; i < n; ++i) y[i] += alpha * x[i];
}

}  // namespace simd
}  // namespace lepton

#endif  // LEPTON_KERNELS_UKERNEL_SIMD_H_
