// cache_info_wasm.cc — cache_sizes() for the WebAssembly build: a module cannot ask the machine
// (no sysfs, no cpuid), so it blocks for the fallback sizes the native build uses when it cannot
// read them either (32 KiB L1d, 1 MiB L2, 2 MiB L3 per core).
#include "../kernels/cache_info.h"

namespace lepton {

namespace {
constexpr CacheSizes kFallback{32 * 1024, 1024 * 1024, 2 * 1024 * 1024, "default"};
}  // namespace

const CacheSizes& cache_sizes() noexcept { return kFallback; }

}  // namespace lepton
