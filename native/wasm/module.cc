// module.cc — the entry points of the wasm module (scripts/build-wasm.mjs builds it with
// native/kernels/{ukernel_wasm,conv2d,pool2d,cholesky}.cc and runtime.cc). Every entry takes byte
// offsets into the linear memory and element counts/strides as i32, and returns a status: 0 ok,
// 1 out of memory (the kernel's scratch did not fit), 2 invalid. src/backends/wasm/ is the only
// caller; it has checked every extent against the memory before the call.
#include <cstdint>

#include "../kernels/cholesky.h"
#include "../kernels/conv2d.h"
#include "../kernels/gemm.h"
#include "../kernels/pool2d.h"
#include "../kernels/ukernel_wasm.h"

namespace lepton {
namespace {

int32_t code(const Status& s) {
  if (s.ok()) return 0;
  return s.code() == StatusCode::kOutOfMemory ? 1 : 2;
}

const Isa& isa() { return *isa_wasm_simd128(); }

template <class T>
int32_t gemm_entry(int32_t m, int32_t n, int32_t k, const T* a, int32_t a_rs, int32_t a_cs, const T* b, int32_t b_rs,
                   int32_t b_cs, T* c, int32_t ldc, const T* bias, int32_t bias_rs, int32_t bias_cs,
                   int32_t activation) {
  Epilogue<T> epi;
  epi.act = static_cast<Activation>(activation);
  epi.bias = bias;
  epi.bias_rs = bias_rs;
  epi.bias_cs = bias_cs;
  return code(gemm_strided<T>(isa(), m, n, k, T(1), a, a_rs, a_cs, b, b_rs, b_cs, c, ldc, false, epi));
}

// conv2d's numbers, in the order src/backends/wasm/conv2d.ts writes them. kFusedPool: 0 none, 1 max,
// 2 avg (PoolEpilogue::Kind); with a pool, out is the pooled output and the row range counts pooled
// rows (conv2d.h).
enum Conv2dParam {
  kNhwc, kBatch, kInC, kInH, kInW, kOutC, kOutH, kOutW, kKh, kKw, kStrideH, kStrideW, kDilationH, kDilationW,
  kPadTop, kPadLeft, kGroups, kActivation, kRowBegin, kRowEnd, kFusedPool, kFusedKh, kFusedKw, kFusedStrideH,
  kFusedStrideW, kConv2dParams
};

template <class T>
int32_t conv2d_entry(const int32_t* q, const T* x, const T* w, const T* bias, T* out) {
  Conv2dArgs<T> p;
  p.isa = &isa();
  p.nhwc = q[kNhwc] != 0;
  p.batch = q[kBatch], p.in_c = q[kInC], p.in_h = q[kInH], p.in_w = q[kInW];
  p.out_c = q[kOutC], p.out_h = q[kOutH], p.out_w = q[kOutW];
  p.kh = q[kKh], p.kw = q[kKw], p.stride_h = q[kStrideH], p.stride_w = q[kStrideW];
  p.dilation_h = q[kDilationH], p.dilation_w = q[kDilationW];
  p.pad_top = q[kPadTop], p.pad_left = q[kPadLeft], p.groups = q[kGroups];
  p.activation = static_cast<Activation>(q[kActivation]);
  p.row_begin = q[kRowBegin], p.row_end = q[kRowEnd];
  if (q[kFusedPool] == PoolEpilogue::kMax || q[kFusedPool] == PoolEpilogue::kAvg) {
    PoolEpilogue& e = p.fused_pool;
    e.kind = static_cast<PoolEpilogue::Kind>(q[kFusedPool]);
    e.kh = q[kFusedKh], e.kw = q[kFusedKw], e.stride_h = q[kFusedStrideH], e.stride_w = q[kFusedStrideW];
    if (e.kh < 1 || e.kw < 1 || e.stride_h < 1 || e.stride_w < 1) return 2;
    e.out_h = p.out_h >= e.kh ? (p.out_h - e.kh) / e.stride_h + 1 : 0;
    e.out_w = p.out_w >= e.kw ? (p.out_w - e.kw) / e.stride_w + 1 : 0;
  }
  p.x = x, p.w = w, p.bias = bias, p.out = out;
  if constexpr (sizeof(T) == 4) return code(conv2d_f32(p));
  else return code(conv2d_f64(p));
}

// pool2d's numbers, in the order src/backends/wasm/pool2d.ts writes them.
enum Pool2dParam {
  kPoolMax, kPoolNhwc, kPoolBatch, kPoolChannels, kPoolInH, kPoolInW, kPoolOutH, kPoolOutW, kPoolKh, kPoolKw,
  kPoolStrideH, kPoolStrideW, kPoolPadTop, kPoolPadLeft, kPoolRowBegin, kPoolRowEnd, kPool2dParams
};

template <class T>
int32_t pool2d_entry(const int32_t* q, const T* x, T* out) {
  Pool2dArgs<T> p;
  p.max = q[kPoolMax] != 0;
  p.nhwc = q[kPoolNhwc] != 0;
  p.batch = q[kPoolBatch], p.channels = q[kPoolChannels], p.in_h = q[kPoolInH], p.in_w = q[kPoolInW];
  p.out_h = q[kPoolOutH], p.out_w = q[kPoolOutW], p.kh = q[kPoolKh], p.kw = q[kPoolKw];
  p.stride_h = q[kPoolStrideH], p.stride_w = q[kPoolStrideW], p.pad_top = q[kPoolPadTop], p.pad_left = q[kPoolPadLeft];
  p.row_begin = q[kPoolRowBegin], p.row_end = q[kPoolRowEnd];
  p.x = x, p.out = out;
  if constexpr (sizeof(T) == 4) return code(pool2d_f32(p));
  else return code(pool2d_f64(p));
}

}  // namespace
}  // namespace lepton

using lepton::code;

#define LP_EXPORT(name) extern "C" __attribute__((export_name(#name)))

LP_EXPORT(lp_malloc) void* lp_malloc(uint32_t bytes) { return malloc(bytes); }
LP_EXPORT(lp_free) void lp_free(void* p) { free(p); }

LP_EXPORT(lp_gemm_f32) int32_t lp_gemm_f32(int32_t m, int32_t n, int32_t k, const float* a, int32_t a_rs, int32_t a_cs,
                                           const float* b, int32_t b_rs, int32_t b_cs, float* c, int32_t ldc,
                                           const float* bias, int32_t bias_rs, int32_t bias_cs, int32_t act) {
  return lepton::gemm_entry<float>(m, n, k, a, a_rs, a_cs, b, b_rs, b_cs, c, ldc, bias, bias_rs, bias_cs, act);
}
LP_EXPORT(lp_gemm_f64) int32_t lp_gemm_f64(int32_t m, int32_t n, int32_t k, const double* a, int32_t a_rs,
                                           int32_t a_cs, const double* b, int32_t b_rs, int32_t b_cs, double* c,
                                           int32_t ldc, const double* bias, int32_t bias_rs, int32_t bias_cs,
                                           int32_t act) {
  return lepton::gemm_entry<double>(m, n, k, a, a_rs, a_cs, b, b_rs, b_cs, c, ldc, bias, bias_rs, bias_cs, act);
}

LP_EXPORT(lp_conv2d_f32) int32_t lp_conv2d_f32(const int32_t* q, const float* x, const float* w, const float* bias,
                                               float* out) {
  return lepton::conv2d_entry<float>(q, x, w, bias, out);
}
LP_EXPORT(lp_conv2d_f64) int32_t lp_conv2d_f64(const int32_t* q, const double* x, const double* w, const double* bias,
                                               double* out) {
  return lepton::conv2d_entry<double>(q, x, w, bias, out);
}

LP_EXPORT(lp_pool2d_f32) int32_t lp_pool2d_f32(const int32_t* q, const float* x, float* out) {
  return lepton::pool2d_entry<float>(q, x, out);
}
LP_EXPORT(lp_pool2d_f64) int32_t lp_pool2d_f64(const int32_t* q, const double* x, double* out) {
  return lepton::pool2d_entry<double>(q, x, out);
}

// info: [pivot, value, tolerance] as three float64 (pivot −1 on success), as the addon reports it.
LP_EXPORT(lp_cholesky_f32) int32_t lp_cholesky_f32(int32_t n, const float* s, float* out, double* info) {
  return code(lepton::cholesky_f32({&lepton::isa(), n, s, out, info}));
}
LP_EXPORT(lp_cholesky_f64) int32_t lp_cholesky_f64(int32_t n, const double* s, double* out, double* info) {
  return code(lepton::cholesky_f64({&lepton::isa(), n, s, out, info}));
}
LP_EXPORT(lp_solve_spd_f32) int32_t lp_solve_spd_f32(int32_t n, int32_t nrhs, const float* s, const float* b, float* out,
                                                     double* info) {
  return code(lepton::solve_spd_f32({&lepton::isa(), n, nrhs, s, b, out, info}));
}
LP_EXPORT(lp_solve_spd_f64) int32_t lp_solve_spd_f64(int32_t n, int32_t nrhs, const double* s, const double* b,
                                                     double* out, double* info) {
  return code(lepton::solve_spd_f64({&lepton::isa(), n, nrhs, s, b, out, info}));
}
LP_EXPORT(lp_ridge_f32) int32_t lp_ridge_f32(int32_t m, int32_t n, int32_t signals, int32_t dual, double lambda,
                                             const float* a, const float* y, float* out, double* info) {
  return code(lepton::ridge_f32({&lepton::isa(), m, n, signals, dual != 0, lambda, a, y, out, info}));
}
LP_EXPORT(lp_ridge_f64) int32_t lp_ridge_f64(int32_t m, int32_t n, int32_t signals, int32_t dual, double lambda,
                                             const double* a, const double* y, double* out, double* info) {
  return code(lepton::ridge_f64({&lepton::isa(), m, n, signals, dual != 0, lambda, a, y, out, info}));
}

// Points this instance's shadow stack at [top − size, top): every instance of the shared-memory
// module starts with the linker's stack, so each pool worker gives its instance a stack of its own
// (allocated with lp_malloc) before its first kernel call.
LP_EXPORT(lp_set_stack) void lp_set_stack(uint32_t top) {
  __asm__ volatile(".globaltype __stack_pointer, i32\n\tlocal.get %0\n\tglobal.set __stack_pointer" : : "r"(top));
}
