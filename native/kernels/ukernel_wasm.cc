// ukernel_wasm.cc — WebAssembly SIMD128 micro-kernels over the shared register-blocked template
// (ukernel_simd.h): 6×8 float32 tiles (12 f32x4 accumulators) and 6×4 float64 tiles (12 f64x2
// accumulators). SIMD128 has no fused multiply-add, so each step is a mul and an add; x86 engines
// keep 16 xmm registers, which 12 accumulators + 2 B vectors + 1 broadcast fill without spills.
// Compiled only into the wasm module (-msimd128, scripts/build-wasm.mjs).
#include "ukernel_wasm.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#include "ukernel_simd.h"

namespace lepton {
namespace {

constexpr int kWasmMrF32 = 6, kWasmNrF32 = 8;
constexpr int kWasmMrF64 = 6, kWasmNrF64 = 4;
// KC×NR B slivers (8 KiB float32) and the MR×KC A sliver stay in L1; MC×KC of A in L2.
constexpr GemmBlocking kWasmBlockF32{120, 256, 2048};
constexpr GemmBlocking kWasmBlockF64{96, 256, 1024};
static_assert(kWasmMrF32 <= kMaxMr && kWasmNrF32 <= kMaxNr && kWasmMrF64 <= kMaxMr && kWasmNrF64 <= kMaxNr,
              "tile past the edge scratch");

struct F32x4 {
  using T = float;
  using Reg = v128_t;
  static constexpr int kWidth = 4;
  static Reg zero() { return wasm_f32x4_const_splat(0.0f); }
  static Reg load(const float* p) { return wasm_v128_load(p); }
  static Reg loadu(const float* p) { return wasm_v128_load(p); }
  static void storeu(float* p, Reg v) { wasm_v128_store(p, v); }
  static Reg set1(float v) { return wasm_f32x4_splat(v); }
#if defined(__wasm_relaxed_simd__)
  static Reg fma(Reg a, Reg b, Reg c) { return wasm_f32x4_relaxed_madd(a, b, c); }
#else
  static Reg fma(Reg a, Reg b, Reg c) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }
#endif
  static Reg add(Reg a, Reg b) { return wasm_f32x4_add(a, b); }
};

struct F64x2 {
  using T = double;
  using Reg = v128_t;
  static constexpr int kWidth = 2;
  static Reg zero() { return wasm_f64x2_const_splat(0.0); }
  static Reg load(const double* p) { return wasm_v128_load(p); }
  static Reg loadu(const double* p) { return wasm_v128_load(p); }
  static void storeu(double* p, Reg v) { wasm_v128_store(p, v); }
  static Reg set1(double v) { return wasm_f64x2_splat(v); }
#if defined(__wasm_relaxed_simd__)
  static Reg fma(Reg a, Reg b, Reg c) { return wasm_f64x2_relaxed_madd(a, b, c); }
#else
  static Reg fma(Reg a, Reg b, Reg c) { return wasm_f64x2_add(c, wasm_f64x2_mul(a, b)); }
#endif
  static Reg add(Reg a, Reg b) { return wasm_f64x2_add(a, b); }
};

void ukernel_f32(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool accumulate, int rows) {
  simd::ukernel<F32x4, kWasmMrF32, kWasmNrF32 / 4>(kc, a, b, c, ldc, accumulate, rows);
}
void ukernel_f64(int64_t kc, const double* a, const double* b, double* c, int64_t ldc, bool accumulate, int rows) {
  simd::ukernel<F64x2, kWasmMrF64, kWasmNrF64 / 2>(kc, a, b, c, ldc, accumulate, rows);
}

const Isa kWasmSimd128{
    "simd128",
    {kWasmMrF32, kWasmNrF32, &ukernel_f32, kWasmBlockF32},
    {kWasmMrF64, kWasmNrF64, &ukernel_f64, kWasmBlockF64},
};

}  // namespace

const Isa* isa_wasm_simd128() { return &kWasmSimd128; }

}  // namespace lepton

#else

namespace lepton {
const Isa* isa_wasm_simd128() { return nullptr; }
}  // namespace lepton

#endif
