// ukernel.h — the GEMM micro-kernel contract and the per-ISA table (BLIS's "context").
//
// A micro-kernel computes one MR×NR tile of C from packed panels:
//   C[i][j] = (accumulate ? C[i][j] : 0) + Σ_{p<kc} a[p·MR + i] · b[p·NR + j]
// for rows i < `rows` (1 ≤ rows ≤ MR; C rows from `rows` on are neither read nor written, so the
// bottom edge of C needs no scratch tile),
// `a` holds kc columns of MR values (rows past the edge zero-padded), `b` kc rows of NR values;
// both are 64-byte aligned. C has row stride ldc and unit column stride. Every ISA provides one
// kernel per dtype; the table picks them once at init, from CPU features (never -march=native).
#ifndef LEPTON_KERNELS_UKERNEL_H_
#define LEPTON_KERNELS_UKERNEL_H_

#include <cstdint>
#include <string>

#include "gemm_config.h"

namespace lepton {

template <class T>
using UkernelFn = void (*)(int64_t kc, const T* a, const T* b, T* c, int64_t ldc, bool accumulate, int rows);

// c[i] = Σ_{p<k} a[i·rs + p]·x[p] for i < rows: a matrix–vector product over contiguous rows,
// several rows per pass so that each vector of x loaded serves them all.
template <class T>
using DotsFn = void (*)(int64_t rows, int64_t k, const T* a, int64_t rs, const T* x, T* c);

// y[j] = Σ_{p<k} alpha[p·as]·x[p·xs + j] for j < n: a vector times a matrix with contiguous rows
// (also Aᵀ·v of a row-major A), several rows of x folded into each pass over y.
template <class T>
using VecmatFn = void (*)(int64_t n, int64_t k, const T* alpha, int64_t as, const T* x, int64_t xs, T* y);

// A direct convolution's output rows for few input channels (stride 1, no dilation):
//   out[o·out_stride + x] = act(bias[o] + Σ_{r<taps} Σ_{kx<kw} w[o·w_stride + r·kw + kx] · rows[r][x + kx])
// for o < ocs and x < width, act a relu that keeps NaN when `relu`, else none (bias may be null).
// rows[r] (r = c·kh + ky) is an input row already padded with zeros (its element x + kx is the
// input at column x + kx − pad_left), readable up to width + kw − 1.
template <class T>
using ConvRowsFn = void (*)(int64_t ocs, int64_t width, int64_t taps, int64_t kw, const T* const* rows, const T* w,
                            int64_t w_stride, T* out, int64_t out_stride, const T* bias, bool relu);

template <class T>
struct Ukernel {
  int mr;
  int nr;
  UkernelFn<T> fn;
  GemmBlocking blocking;
  // This path's matrix–vector loops (nullptr: the portable loops in matmul.cc).
  DotsFn<T> dots = nullptr;
  VecmatFn<T> vecmat = nullptr;
  // This path's direct convolution rows (nullptr: conv2d uses the implicit GEMM for every shape).
  ConvRowsFn<T> conv_rows = nullptr;
};

// One instruction-set path: its name and its micro-kernels.
struct Isa {
  const char* name;
  Ukernel<float> f32;
  Ukernel<double> f64;
};

// The portable path (plain C++, auto-vectorised for the baseline ISA): always compiled.
const Isa& isa_scalar();
// nullptr when the path is not compiled for this architecture.
const Isa* isa_avx2();
const Isa* isa_avx512();

// Picks the fastest path this CPU runs, or `forced` ("scalar", "avx2", "avx512") when non-empty.
// Returns nullptr and sets *error when `forced` is unknown or this CPU cannot run it.
const Isa* select_isa(const std::string& forced, std::string* error);
// Names of the paths compiled into this build and runnable on this CPU, best last.
std::string available_isas();

}  // namespace lepton

#endif  // LEPTON_KERNELS_UKERNEL_H_
