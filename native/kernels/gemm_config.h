// gemm_config.h — every GEMM blocking number in one place: register tiles (MR×NR) per ISA and
// dtype, and the cache blocks MC (rows of A packed per block, L2), KC (depth of the packed panels:
// an MR×KC A sliver and a KC×NR B sliver per micro-kernel call, L1) and NC (columns of B packed per
// panel, L3). Measured on AMD EPYC Zen 4 (32 KiB L1d, 1 MiB L2 per core) with bench/native.bench.mjs.
#ifndef LEPTON_KERNELS_GEMM_CONFIG_H_
#define LEPTON_KERNELS_GEMM_CONFIG_H_

#include <cstdint>

namespace lepton {

struct GemmBlocking {
  int64_t mc;
  int64_t kc;
  int64_t nc;
};

// The largest tile any micro-kernel uses (sizes the edge-tile scratch on the stack).
constexpr int kMaxMr = 16;
constexpr int kMaxNr = 64;

// Portable path: 4×16 tiles that the compiler vectorises for the baseline ISA.
constexpr int kScalarMrF32 = 4, kScalarNrF32 = 16;
constexpr int kScalarMrF64 = 4, kScalarNrF64 = 8;
constexpr GemmBlocking kScalarBlockF32{128, 256, 2048};
constexpr GemmBlocking kScalarBlockF64{128, 256, 2048};

// AVX2 + FMA: 6×16 floats / 6×8 doubles = 12 ymm accumulators.
constexpr int kAvx2MrF32 = 6, kAvx2NrF32 = 16;
constexpr int kAvx2MrF64 = 6, kAvx2NrF64 = 8;
constexpr GemmBlocking kAvx2BlockF32{144, 256, 4080};
constexpr GemmBlocking kAvx2BlockF64{96, 256, 2040};

// AVX-512F: 6×64 floats (24 zmm accumulators: measured 10–30% faster than 14×32 on Zen 4, and it
// wastes fewer rows on the small M of NCHW convolutions) / 14×16 doubles (28 zmm accumulators).
constexpr int kAvx512MrF32 = 6, kAvx512NrF32 = 64;
constexpr int kAvx512MrF64 = 14, kAvx512NrF64 = 16;
constexpr GemmBlocking kAvx512BlockF32{96, 192, 4096};
constexpr GemmBlocking kAvx512BlockF64{112, 192, 2048};

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
