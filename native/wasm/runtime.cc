// runtime.cc — what a freestanding wasm32 module needs under the shared kernels: an allocator over
// the linear memory, memset/memcpy/memmove, and exp. No libc, no imports.
//
// Allocator: one address-ordered free list of 64-byte-aligned blocks (first fit, split, coalesce on
// free), growing the memory with memory.grow when no block fits. A spin lock (one atomic word)
// serialises it, so that in the shared-memory build every thread, and JavaScript on any of them,
// allocates from the same heap: tensors (wasmAlloc) and per-call kernel scratch alike. In the
// single-thread build the atomics compile to plain loads and stores.
#include <cstddef>
#include <cstdint>

namespace {

constexpr uintptr_t kAlign = 64;
constexpr uintptr_t kHeader = 64;  // keeps every payload 64-byte aligned
constexpr uintptr_t kPage = 65536;

struct Block {
  uintptr_t size;  // bytes, header included, a multiple of kAlign
  Block* next;     // next free block by address (free blocks only)
};

extern "C" unsigned char __heap_base;

int32_t g_lock = 0;
uintptr_t g_heap_end = 0;  // first byte past the heap (0 until the first allocation)
Block* g_free = nullptr;
uintptr_t g_in_use = 0;

void lock() {
  int32_t expected = 0;
  while (!__atomic_compare_exchange_n(&g_lock, &expected, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) expected = 0;
}
void unlock() { __atomic_store_n(&g_lock, 0, __ATOMIC_RELEASE); }

uintptr_t round_up(uintptr_t v, uintptr_t to) { return (v + to - 1) / to * to; }

// Inserts b into the free list in address order and merges it with adjacent free neighbours.
void release(Block* b) {
  Block* prev = nullptr;
  Block* cur = g_free;
  while (cur != nullptr && cur < b) {
    prev = cur;
    cur = cur->next;
  }
  b->next = cur;
  if (cur != nullptr && reinterpret_cast<uintptr_t>(b) + b->size == reinterpret_cast<uintptr_t>(cur)) {
    b->size += cur->size;
    b->next = cur->next;
  }
  if (prev == nullptr) {
    g_free = b;
  } else if (reinterpret_cast<uintptr_t>(prev) + prev->size == reinterpret_cast<uintptr_t>(b)) {
    prev->size += b->size;
    prev->next = b->next;
  } else {
    prev->next = b;
  }
}

// Grows the memory by at least `bytes` and adds the new space to the free list; false when the
// memory cannot grow (its maximum, or the engine's limit).
bool grow(uintptr_t bytes) {
  const uintptr_t end = __builtin_wasm_memory_size(0) * kPage;
  if (g_heap_end == 0) g_heap_end = round_up(reinterpret_cast<uintptr_t>(&__heap_base), kAlign);
  // Another thread (shared memory) or an earlier grow may have left room past g_heap_end.
  uintptr_t room = end - g_heap_end;
  if (room < bytes) {
    const uintptr_t pages = round_up(bytes - room, kPage) / kPage;
    if (__builtin_wasm_memory_grow(0, pages) == static_cast<uintptr_t>(-1)) return false;
    room += pages * kPage;
  }
  Block* b = reinterpret_cast<Block*>(g_heap_end);
  b->size = room / kAlign * kAlign;
  g_heap_end += b->size;
  release(b);
  return true;
}

void* allocate(uintptr_t bytes) {
  if (bytes > (uintptr_t{1} << 31)) return nullptr;
  const uintptr_t need = round_up(bytes == 0 ? 1 : bytes, kAlign) + kHeader;
  lock();
  for (int attempt = 0; attempt < 2; ++attempt) {
    Block* prev = nullptr;
    for (Block* b = g_free; b != nullptr; prev = b, b = b->next) {
      if (b->size < need) continue;
      Block* rest = b->next;
      if (b->size - need >= 2 * kHeader) {
        Block* tail = reinterpret_cast<Block*>(reinterpret_cast<uintptr_t>(b) + need);
        tail->size = b->size - need;
        tail->next = b->next;
        rest = tail;
        b->size = need;
      }
      if (prev == nullptr) g_free = rest; else prev->next = rest;
      g_in_use += b->size;
      unlock();
      return reinterpret_cast<unsigned char*>(b) + kHeader;
    }
    if (attempt == 0 && !grow(need)) break;
  }
  unlock();
  return nullptr;
}

}  // namespace

extern "C" {

void* malloc(size_t bytes) { return allocate(bytes); }

void* aligned_alloc(size_t alignment, size_t bytes) {
  return alignment <= kAlign ? allocate(bytes) : nullptr;
}

void free(void* p) {
  if (p == nullptr) return;
  Block* b = reinterpret_cast<Block*>(static_cast<unsigned char*>(p) - kHeader);
  lock();
  g_in_use -= b->size;
  release(b);
  unlock();
}

// 16 bytes the owner of a shared memory fills with a random nonce: a SharedArrayBuffer that holds
// the same bytes at this address is this memory (JavaScript cannot compare buffers across threads).
alignas(16) unsigned char g_tag[16];
__attribute__((export_name("lp_tag"))) void* lp_tag() { return g_tag; }

// Bytes held by live allocations, headers included (a leak check for the tests).
__attribute__((export_name("lp_heap_in_use"))) uint32_t lp_heap_in_use() {
  lock();
  const uintptr_t v = g_in_use;
  unlock();
  return static_cast<uint32_t>(v);
}

void* memset(void* dst, int value, size_t bytes) {
  __builtin_memset(dst, value, bytes);  // memory.fill (bulk memory)
  return dst;
}

void* memcpy(void* __restrict dst, const void* __restrict src, size_t bytes) {
  __builtin_memcpy(dst, src, bytes);  // memory.copy
  return dst;
}

void* memmove(void* dst, const void* src, size_t bytes) {
  __builtin_memmove(dst, src, bytes);  // memory.copy handles overlap
  return dst;
}

size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

// e^x: x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in two parts, so r is exact to ~2⁻⁸⁰), e^r by
// its Taylor series to degree 13 (truncation < 10⁻¹⁷), then 2^k assembled in the exponent bits
// (in two steps where the result is subnormal). Overflow gives +∞, underflow 0, NaN stays NaN.
double lepton_exp(double x) {
  if (x != x) return x;
  if (x > 709.782712893384) return __builtin_huge_val();
  if (x < -745.1332191019412) return 0.0;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kInvLn2 = 1.44269504088896338700e+00;
  const double kf = __builtin_rint(x * kInvLn2);
  const double r = (x - kf * kLn2Hi) - kf * kLn2Lo;
  double p = 1.0 / 6227020800.0;  // 1/13!
  constexpr double kInvFact[] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                 1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,     1.0 / 120.0,
                                 1.0 / 24.0,        1.0 / 6.0,        0.5,             1.0,
                                 1.0};
  for (double c : kInvFact) p = p * r + c;
  int k = static_cast<int>(kf);
  auto pow2 = [](int e) {  // 2^e for −1022 ≤ e ≤ 1023
    const uint64_t bits = static_cast<uint64_t>(e + 1023) << 52;
    double d;
    __builtin_memcpy(&d, &bits, sizeof d);
    return d;
  };
  if (k < -1021) return p * pow2(k + 60) * pow2(-60);
  if (k > 1023) return p * pow2(k - 1) * 2.0;
  return p * pow2(k);
}

}  // extern "C"
