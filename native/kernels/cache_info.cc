// cache_info.cc — see cache_info.h.
#include "cache_info.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace lepton {
namespace {

// "48K" / "2048K" / "300M" → bytes; 0 when unreadable.
int64_t parse_size(const std::string& s) {
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (v <= 0 || end == s.c_str()) return 0;
  if (*end == 'K' || *end == 'k') return v * 1024;
  if (*end == 'M' || *end == 'm') return v * 1024 * 1024;
  return v;
}

std::string read_line(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  if (f) std::getline(f, s);
  return s;
}

// Number of CPUs in a sysfs cpu list such as "0-1,4,6-7".
int64_t count_cpus(const std::string& list) {
  int64_t n = 0;
  std::stringstream ss(list);
  std::string part;
  while (std::getline(ss, part, ',')) {
    int a = 0, b = 0;
    if (std::sscanf(part.c_str(), "%d-%d", &a, &b) == 2) {
      n += b >= a ? b - a + 1 : 1;
    } else if (!part.empty()) {
      ++n;
    }
  }
  return std::max<int64_t>(1, n);
}

bool from_sysfs(CacheSizes* c) {
  bool any = false;
  for (int i = 0; i < 8; ++i) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    const std::string level = read_line(dir + "level");
    if (level.empty()) break;
    const std::string type = read_line(dir + "type");
    if (type != "Data" && type != "Unified") continue;
    const int64_t size = parse_size(read_line(dir + "size"));
    if (size <= 0) continue;
    const int64_t sharing = count_cpus(read_line(dir + "shared_cpu_list"));
    const int64_t per_core = size / sharing;
    if (level == "1") c->l1d = size;
    if (level == "2") c->l2 = per_core;
    if (level == "3") c->l3 = per_core;
    any = true;
  }
  return any && c->l1d > 0 && c->l2 > 0;
}

bool from_cpuid(CacheSizes* c) {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax, ebx, ecx, edx;
  if (__get_cpuid_max(0, nullptr) < 4) return false;
  for (unsigned sub = 0; sub < 16; ++sub) {
    __cpuid_count(4, sub, eax, ebx, ecx, edx);
    const unsigned type = eax & 0x1f;  // 0: no more caches, 1: data, 2: instruction, 3: unified
    if (type == 0) break;
    if (type == 2) continue;
    const unsigned level = (eax >> 5) & 0x7;
    const int64_t sharing = ((eax >> 14) & 0xfff) + 1;  // logical CPUs sharing it (an upper bound)
    const int64_t ways = ((ebx >> 22) & 0x3ff) + 1, parts = ((ebx >> 12) & 0x3ff) + 1;
    const int64_t line = (ebx & 0xfff) + 1, sets = int64_t{ecx} + 1;
    const int64_t size = ways * parts * line * sets;
    if (level == 1) c->l1d = size;
    if (level == 2) c->l2 = size / (sharing > 2 ? sharing / 2 : 1);  // SMT pairs share one core's L2
    if (level == 3) c->l3 = size / std::max<int64_t>(1, sharing / 2);
  }
  return c->l1d > 0 && c->l2 > 0;
#else
  (void)c;
  return false;
#endif
}

CacheSizes detect() {
  CacheSizes c;
  if (from_sysfs(&c)) {
    c.source = "sysfs";
  } else {
    c = CacheSizes{};
    if (from_cpuid(&c)) {
      c.source = "cpuid";
    } else {
      c = CacheSizes{32 * 1024, 1024 * 1024, 2 * 1024 * 1024, "default"};
    }
  }
  // Guard against nonsense (a VM reporting 0 or absurd sizes).
  c.l1d = std::clamp<int64_t>(c.l1d, 16 * 1024, 256 * 1024);
  c.l2 = std::clamp<int64_t>(c.l2, 128 * 1024, 32 * 1024 * 1024);
  if (c.l3 <= 0) c.l3 = c.l2;
  c.l3 = std::clamp<int64_t>(c.l3, c.l2, 512LL * 1024 * 1024);
  return c;
}

int64_t round_down(int64_t v, int64_t to) { return std::max(to, v / to * to); }

}  // namespace

const CacheSizes& cache_sizes() noexcept {
  static const CacheSizes sizes = detect();
  return sizes;
}

GemmBlocking derive_blocking(const CacheSizes& caches, int mr, int nr, int elem) noexcept {
  GemmBlocking b;
  b.kc = std::clamp<int64_t>(round_down(caches.l1d / 2 / (int64_t{nr} * elem), 8), 64, 512);
  b.mc = std::clamp<int64_t>(round_down(caches.l2 / 2 / (b.kc * elem), mr), mr, round_down(4096, mr));
  b.nc = std::clamp<int64_t>(round_down(caches.l3 / 2 / (b.kc * elem), nr), nr, round_down(8192, nr));
  return b;
}

std::string describe_caches() {
  const CacheSizes& c = cache_sizes();
  char buf[160];
  std::snprintf(buf, sizeof buf, "L1d %lld KiB, L2 %lld KiB, L3 %lld KiB per core (%s)",
                static_cast<long long>(c.l1d / 1024), static_cast<long long>(c.l2 / 1024),
                static_cast<long long>(c.l3 / 1024), c.source);
  return buf;
}

}  // namespace lepton
