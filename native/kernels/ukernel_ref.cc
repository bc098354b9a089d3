// ukernel_ref.cc — the portable micro-kernels (4×16 float32, 4×8 float64) in plain C++, which the
// compiler vectorises for the baseline ISA (SSE2 on x86-64, NEON on arm64); and the ISA table:
// which paths exist and which one this CPU runs. Always compiled, with the target's default flags.
#include <cstdlib>

#include "ukernel.h"

#include "cache_info.h"

namespace lepton {
namespace {

template <class T, int MR, int NR>
void ukernel_ref(int64_t kc, const T* __restrict a, const T* __restrict b, T* __restrict c, int64_t ldc,
                 bool accumulate, int rows) {
  T acc[MR][NR] = {};
  for (int64_t p = 0; p < kc; ++p) {
    for (int i = 0; i < MR; ++i) {
      const T ai = a[i];
      for (int j = 0; j < NR; ++j) acc[i][j] += ai * b[j];
    }
    a += MR;
    b += NR;
  }
  for (int i = 0; i < rows; ++i) {
    T* row = c + i * ldc;
    if (accumulate) {
      for (int j = 0; j < NR; ++j) row[j] += acc[i][j];
    } else {
      for (int j = 0; j < NR; ++j) row[j] = acc[i][j];
    }
  }
}

Isa make_scalar() {
  const CacheSizes& caches = cache_sizes();
  return Isa{
      "scalar",
      {kScalarMrF32, kScalarNrF32, &ukernel_ref<float, kScalarMrF32, kScalarNrF32>,
       derive_blocking(caches, kScalarMrF32, kScalarNrF32, sizeof(float))},
      {kScalarMrF64, kScalarNrF64, &ukernel_ref<double, kScalarMrF64, kScalarNrF64>,
       derive_blocking(caches, kScalarMrF64, kScalarNrF64, sizeof(double))},
  };
}

bool cpu_has_avx2() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

bool cpu_has_avx512() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
#else
  return false;
#endif
}

// The table, best first: {name, compiled path, does this CPU run it}.
struct Entry {
  const char* name;
  const Isa* isa;
  bool runs;
};

}  // namespace

const Isa& isa_scalar() {
  static const Isa isa = make_scalar();
  return isa;
}

const Isa* select_isa(const std::string& forced, std::string* error) {
  const Entry table[] = {
      {"avx512", isa_avx512(), isa_avx512() != nullptr && cpu_has_avx512()},
      {"avx2", isa_avx2(), isa_avx2() != nullptr && cpu_has_avx2()},
      {"scalar", &isa_scalar(), true},
  };
  for (const Entry& e : table) {
    if (!forced.empty() && forced != e.name) continue;
    if (e.runs) return e.isa;
    // Unforced, a path this CPU lacks gives way to the next one (scalar always runs).
    if (forced.empty()) continue;
    *error = e.isa == nullptr ? std::string("the ") + e.name + " path is not compiled into this build"
                              : std::string("this CPU cannot run the ") + e.name + " path";
    return nullptr;
  }
  *error = "unknown instruction-set path '" + forced + "'; expected scalar, avx2 or avx512";
  return nullptr;
}

std::string available_isas() {
  std::string out = "scalar";
  if (isa_avx2() != nullptr && cpu_has_avx2()) out += ",avx2";
  if (isa_avx512() != nullptr && cpu_has_avx512()) out += ",avx512";
  return out;
}

}  // namespace lepton
