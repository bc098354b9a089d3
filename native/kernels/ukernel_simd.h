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

// c[i] = Σ_p a[i·rs + p]·x[p] (ukernel.h, DotsFn): four rows at a time, two vectors of partial
// sums per row (eight FMA chains in flight), each vector of x loaded once for the four rows; the
// rows past the last four one at a time, the tail of k in scalars. Cost: 2·rows·k flops.
template <class V>
inline void dots(int64_t rows, int64_t k, const typename V::T* a, int64_t rs, const typename V::T* __restrict x,
                 typename V::T* __restrict c) {
  using T = typename V::T;
  using Reg = typename V::Reg;
  constexpr int W = V::kWidth;
  const auto reduce = [](Reg r) {
    alignas(64) T lanes[W];
    V::storeu(lanes, r);
    T sum = 0;
    for (int l = 0; l < W; ++l) sum += lanes[l];
    return sum;
  };
  int64_t i = 0;
  for (; i + 4 <= rows; i += 4) {
    const T* a0 = a + i * rs;
    const T* a1 = a0 + rs;
    const T* a2 = a1 + rs;
    const T* a3 = a2 + rs;
    Reg s0 = V::zero(), s1 = V::zero(), s2 = V::zero(), s3 = V::zero();
    Reg t0 = V::zero(), t1 = V::zero(), t2 = V::zero(), t3 = V::zero();
    int64_t p = 0;
    for (; p + 2 * W <= k; p += 2 * W) {
      const Reg xa = V::loadu(x + p), xb = V::loadu(x + p + W);
      s0 = V::fma(V::loadu(a0 + p), xa, s0);
      s1 = V::fma(V::loadu(a1 + p), xa, s1);
      s2 = V::fma(V::loadu(a2 + p), xa, s2);
      s3 = V::fma(V::loadu(a3 + p), xa, s3);
      t0 = V::fma(V::loadu(a0 + p + W), xb, t0);
      t1 = V::fma(V::loadu(a1 + p + W), xb, t1);
      t2 = V::fma(V::loadu(a2 + p + W), xb, t2);
      t3 = V::fma(V::loadu(a3 + p + W), xb, t3);
    }
    for (; p + W <= k; p += W) {
      const Reg xa = V::loadu(x + p);
      s0 = V::fma(V::loadu(a0 + p), xa, s0);
      s1 = V::fma(V::loadu(a1 + p), xa, s1);
      s2 = V::fma(V::loadu(a2 + p), xa, s2);
      s3 = V::fma(V::loadu(a3 + p), xa, s3);
    }
    T c0 = reduce(V::add(s0, t0)), c1 = reduce(V::add(s1, t1)), c2 = reduce(V::add(s2, t2)), c3 = reduce(V::add(s3, t3));
    for (; p < k; ++p) {
      c0 += a0[p] * x[p];
      c1 += a1[p] * x[p];
      c2 += a2[p] * x[p];
      c3 += a3[p] * x[p];
    }
    c[i] = c0;
    c[i + 1] = c1;
    c[i + 2] = c2;
    c[i + 3] = c3;
  }
  for (; i < rows; ++i) {
    const T* ai = a + i * rs;
    Reg s0 = V::zero(), s1 = V::zero();
    int64_t p = 0;
    for (; p + 2 * W <= k; p += 2 * W) {
      s0 = V::fma(V::loadu(ai + p), V::loadu(x + p), s0);
      s1 = V::fma(V::loadu(ai + p + W), V::loadu(x + p + W), s1);
    }
    for (; p + W <= k; p += W) s0 = V::fma(V::loadu(ai + p), V::loadu(x + p), s0);
    T sum = reduce(V::add(s0, s1));
    for (; p < k; ++p) sum += ai[p] * x[p];
    c[i] = sum;
  }
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

// y[j] = Σ_p alpha[p·as]·x[p·xs + j] (ukernel.h, VecmatFn): four rows of x folded into each pass
// over y (y read and written once per four rows, four independent streams of x), two vectors of y
// per step; the rows past the last four one at a time, the tail of n in scalars. Cost: 2·n·k flops.
template <class V>
inline void vecmat(int64_t n, int64_t k, const typename V::T* alpha, int64_t as, const typename V::T* x, int64_t xs,
                   typename V::T* __restrict y) {
  using T = typename V::T;
  using Reg = typename V::Reg;
  constexpr int W = V::kWidth;
  for (int64_t j = 0; j < n; ++j) y[j] = T(0);
  int64_t p = 0;
  for (; p + 4 <= k; p += 4) {
    const T e0 = alpha[p * as], e1 = alpha[(p + 1) * as], e2 = alpha[(p + 2) * as], e3 = alpha[(p + 3) * as];
    const Reg b0 = V::set1(e0), b1 = V::set1(e1), b2 = V::set1(e2), b3 = V::set1(e3);
    const T* x0 = x + p * xs;
    const T* x1 = x0 + xs;
    const T* x2 = x1 + xs;
    const T* x3 = x2 + xs;
    int64_t j = 0;
    for (; j + 2 * W <= n; j += 2 * W) {
      Reg u = V::loadu(y + j), v = V::loadu(y + j + W);
      u = V::fma(b0, V::loadu(x0 + j), u);
      v = V::fma(b0, V::loadu(x0 + j + W), v);
      u = V::fma(b1, V::loadu(x1 + j), u);
      v = V::fma(b1, V::loadu(x1 + j + W), v);
      u = V::fma(b2, V::loadu(x2 + j), u);
      v = V::fma(b2, V::loadu(x2 + j + W), v);
      u = V::fma(b3, V::loadu(x3 + j), u);
      v = V::fma(b3, V::loadu(x3 + j + W), v);
      V::storeu(y + j, u);
      V::storeu(y + j + W, v);
    }
    for (; j + W <= n; j += W) {
      Reg u = V::loadu(y + j);
      u = V::fma(b0, V::loadu(x0 + j), u);
      u = V::fma(b1, V::loadu(x1 + j), u);
      u = V::fma(b2, V::loadu(x2 + j), u);
      u = V::fma(b3, V::loadu(x3 + j), u);
      V::storeu(y + j, u);
    }
    for (; j < n; ++j) y[j] += e0 * x0[j] + e1 * x1[j] + e2 * x2[j] + e3 * x3[j];
  }
  for (; p < k; ++p) {
    const T e = alpha[p * as];
    const Reg b = V::set1(e);
    const T* xp = x + p * xs;
    int64_t j = 0;
    for (; j + W <= n; j += W) V::storeu(y + j, V::fma(b, V::loadu(xp + j), V::loadu(y + j)));
    for (; j < n; ++j) y[j] += e * xp[j];
  }
}

}  // namespace simd
}  // namespace lepton

#endif  // LEPTON_KERNELS_UKERNEL_SIMD_H_
