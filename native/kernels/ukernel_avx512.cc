// ukernel_avx512.cc — AVX-512F micro-kernels: 12×32 float32 (24 zmm accumulators) and 14×16
// float64 (28 zmm accumulators) tiles. Compiled with -mavx512f -mavx512dq -mavx512bw -mavx512vl -mfma (binding.gyp);
// only called after __builtin_cpu_supports("avx512f") said yes.
#include "ukernel.h"

#include "cache_info.h"

#if defined(__x86_64__) && defined(__AVX512F__)
#include <immintrin.h>

#include "ukernel_simd.h"

namespace lepton {
namespace {

struct F32x16 {
  using T = float;
  using Reg = __m512;
  static constexpr int kWidth = 16;
  static Reg zero() { return _mm512_setzero_ps(); }
  static Reg load(const float* p) { return _mm512_load_ps(p); }
  static Reg loadu(const float* p) { return _mm512_loadu_ps(p); }
  static void storeu(float* p, Reg v) { _mm512_storeu_ps(p, v); }
  static Reg set1(float v) { return _mm512_set1_ps(v); }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm512_fmadd_ps(a, b, c); }
  static Reg add(Reg a, Reg b) { return _mm512_add_ps(a, b); }
  // b where either is NaN (maxps): max(zero, v) is a relu that keeps NaN.
  static Reg max(Reg a, Reg b) { return _mm512_max_ps(a, b); }
};

struct F64x8 {
  using T = double;
  using Reg = __m512d;
  static constexpr int kWidth = 8;
  static Reg zero() { return _mm512_setzero_pd(); }
  static Reg load(const double* p) { return _mm512_load_pd(p); }
  static Reg loadu(const double* p) { return _mm512_loadu_pd(p); }
  static void storeu(double* p, Reg v) { _mm512_storeu_pd(p, v); }
  static Reg set1(double v) { return _mm512_set1_pd(v); }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm512_fmadd_pd(a, b, c); }
  static Reg add(Reg a, Reg b) { return _mm512_add_pd(a, b); }
  static Reg max(Reg a, Reg b) { return _mm512_max_pd(a, b); }
};

static_assert(kAvx512NrF32 % 16 == 0 && kAvx512NrF64 % 8 == 0, "NR must be a multiple of the vector width");

void ukernel_f32(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate, int rows) {
  simd::ukernel<F32x16, kAvx512MrF32, kAvx512NrF32 / 16>(kc, a, b, c, ldc, accumulate, rows);
}
void ukernel_f64(int64_t kc, const double* a, const double* b, double* c, int64_t ldc, bool accumulate, int rows) {
  simd::ukernel<F64x8, kAvx512MrF64, kAvx512NrF64 / 8>(kc, a, b, c, ldc, accumulate, rows);
}

void dots_f32(int64_t rows, int64_t k, const float* a, int64_t rs, const float* x, float* c) { simd::dots<F32x16>(rows, k, a, rs, x, c); }
void dots_f64(int64_t rows, int64_t k, const double* a, int64_t rs, const double* x, double* c) {
  simd::dots<F64x8>(rows, k, a, rs, x, c);
}
void conv_rows_f32(int64_t ocs, int64_t width, int64_t taps, int64_t kw, const float* const* rows, const float* w,
                   int64_t w_stride, float* out, int64_t out_stride, const float* bias, bool relu) {
  simd::conv_rows<F32x16, 8>(ocs, width, taps, kw, rows, w, w_stride, out, out_stride, bias, relu);
}
void conv_rows_f64(int64_t ocs, int64_t width, int64_t taps, int64_t kw, const double* const* rows, const double* w,
                   int64_t w_stride, double* out, int64_t out_stride, const double* bias, bool relu) {
  simd::conv_rows<F64x8, 8>(ocs, width, taps, kw, rows, w, w_stride, out, out_stride, bias, relu);
}
void vecmat_f32(int64_t n, int64_t k, const float* alpha, int64_t as, const float* x, int64_t xs, float* y) {
  simd::vecmat<F32x16>(n, k, alpha, as, x, xs, y);
}
void vecmat_f64(int64_t n, int64_t k, const double* alpha, int64_t as, const double* x, int64_t xs, double* y) {
  simd::vecmat<F64x8>(n, k, alpha, as, x, xs, y);
}

// Cache blocking from this machine's caches (cache_info.h), computed on first use.
Isa make_isa() {
  const CacheSizes& caches = cache_sizes();
  return Isa{
      "avx512",
      {kAvx512MrF32, kAvx512NrF32, &ukernel_f32, derive_blocking(caches, kAvx512MrF32, kAvx512NrF32, sizeof(float)), &dots_f32, &vecmat_f32, &conv_rows_f32},
      {kAvx512MrF64, kAvx512NrF64, &ukernel_f64, derive_blocking(caches, kAvx512MrF64, kAvx512NrF64, sizeof(double)), &dots_f64, &vecmat_f64, &conv_rows_f64},
  };
}

}  // namespace

const Isa* isa_avx512() {
  static const Isa isa = make_isa();
  return &isa;
}

}  // namespace lepton

#else

namespace lepton {
const Isa* isa_avx512() { return nullptr; }
}  // namespace lepton

#endif
