// gemm_config.h — the GEMM register tiles (MR×NR) per ISA and dtype. The cache blocks MC (rows of A
// packed per block, L2), KC (depth of the packed panels: an MR×KC A sliver and a KC×NR B sliver per
// micro-kernel call, L1) and NC (columns of B packed per panel, L3) are not constants: they are
// derived at load time from this machine's cache sizes and the tile (cache_info.h).
#ifndef LEPTON_KERNELS_GEMM_CONFIG_H_
#define LEPTON_KERNELS_GEMM_CONFIG_H_

#include <cstdint>

namespace lepton {

struct GemmBlocking {
  int64_t mc = 0;
  int64_t kc = 0;
  int64_t nc = 0;
};

// The largest tile any micro-kernel uses (sizes the edge-tile scratch on the stack).
constexpr int kMaxMr = 16;
constexpr int kMaxNr = 64;

// Portable path: 4×16 tiles that the compiler vectorises for the baseline ISA.
constexpr int kScalarMrF32 = 4, kScalarNrF32 = 16;
constexpr int kScalarMrF64 = 4, kScalarNrF64 = 8;

// AVX2 + FMA: 6×16 floats / 6×8 doubles = 12 ymm accumulators.
constexpr int kAvx2MrF32 = 6, kAvx2NrF32 = 16;
constexpr int kAvx2MrF64 = 6, kAvx2NrF64 = 8;

// AVX-512F: 12×32 floats (24 zmm accumulators; per depth step 2 loads of B and 12 broadcasts of A
// for 24 FMAs) / 14×16 doubles (28 zmm accumulators). The earlier 6×64 float tile needs a 256-byte
// B row per step, so its KC×NR sliver fills a 48 KiB L1 at KC = 192: on a Xeon with 48 KiB L1d and
// 2 MiB L2 (bench/native/compare.py, same-process against OpenBLAS) 12×32 ran 0.87–0.93× of
// OpenBLAS where 6×64 ran 0.68–0.87× at n = 1024…2048.
constexpr int kAvx512MrF32 = 12, kAvx512NrF32 = 32;
constexpr int kAvx512MrF64 = 14, kAvx512NrF64 = 16;

static_assert(kScalarMrF32 <= kMaxMr && kScalarMrF64 <= kMaxMr && kAvx2MrF32 <= kMaxMr && kAvx2MrF64 <= kMaxMr &&
                  kAvx512MrF32 <= kMaxMr && kAvx512MrF64 <= kMaxMr,
              "MR past kMaxMr");
static_assert(kScalarNrF32 <= kMaxNr && kScalarNrF64 <= kMaxNr && kAvx2NrF32 <= kMaxNr && kAvx2NrF64 <= kMaxNr &&
                  kAvx512NrF32 <= kMaxNr && kAvx512NrF64 <= kMaxNr,
              "NR past kMaxNr");

// Cholesky / triangular-solve panel width (float64, over the GEMM).
constexpr int64_t kCholeskyBlock = 96;

}  // namespace lepton

#endif  // LEPTON_KERNELS_GEMM_CONFIG_H_
