// cache_info.h — this machine's data-cache sizes, read once at load time, and the GEMM cache
// blocking derived from them and a micro-kernel's MR×NR (instead of constants tuned on one CPU).
#ifndef LEPTON_KERNELS_CACHE_INFO_H_
#define LEPTON_KERNELS_CACHE_INFO_H_

#include <cstdint>
#include <string>

#include "gemm_config.h"

namespace lepton {

struct CacheSizes {
  int64_t l1d = 0;       // bytes, per core
  int64_t l2 = 0;        // bytes, per core (the slice one core uses when L2 is shared)
  int64_t l3 = 0;        // bytes, per core (the L3 divided among the cores that share it)
  const char* source = "";  // "sysfs", "cpuid" or "default"
};

// Linux sysfs (/sys/devices/system/cpu/cpu0/cache/index*), else x86 cpuid leaf 4, else
// 32 KiB / 1 MiB / 2 MiB. Computed once (thread-safe), then constant.
const CacheSizes& cache_sizes() noexcept;

// MC, KC, NC for a micro-kernel of mr×nr elements of `elem` bytes:
//  - KC: the KC×NR sliver of B that every micro-kernel call of a block re-reads fills about half
//    of L1 (the other half streams the A sliver and the C tile);
//  - MC: the MC×KC block of A fills about half of L2;
//  - NC: the KC×NC panel of B fits about half of this core's share of L3.
// Each is rounded to a multiple of its register tile and clamped to sane bounds.
GemmBlocking derive_blocking(const CacheSizes& caches, int mr, int nr, int elem) noexcept;

// "L1d 48 KiB, L2 2048 KiB, L3 150 MiB per core (sysfs)" — for the bench and isa().
std::string describe_caches();

}  // namespace lepton

#endif  // LEPTON_KERNELS_CACHE_INFO_H_
