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

// Σ_{p<k} a[p]·x[p] over two contiguous vectors (a matrix–vector product's row).
template <class T>
using DotFn = T (*)(int64_t k, const T* a, const T* x);

// y[i] += alpha·x[i] for i < n (a matrix–vector product down contiguous columns).
template <class T>
using AxpyFn = void (*)(int64_t n, T alpha, const T* x, T* y);

template <class T>
struct Ukernel {
  int mr;
  int nr;
  UkernelFn<T> fn;
  GemmBlocking blocking;
  // This path's vector dot product (nullptr: the portable loop in matmul.cc).
  DotFn<T> dot = nullptr;
  AxpyFn<T> axpy = nullptr;
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
