// buffer.h — per-call, 64-byte aligned scratch (packed GEMM panels, float64 work copies).
// Kernels own their scratch for the duration of one call: nothing static, so concurrent calls
// from several AsyncWorkers or worker threads never share memory.
#ifndef LEPTON_KERNELS_BUFFER_H_
#define LEPTON_KERNELS_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace lepton {

template <class T>
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t count) { reset(count); }
  ~AlignedBuffer() { std::free(data_); }
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  // Allocates `count` elements (uninitialised); false when out of memory.
  bool reset(std::size_t count) {
    std::free(data_);
    data_ = nullptr;
    size_ = 0;
    if (count == 0) count = 1;
    if (count > SIZE_MAX / sizeof(T) - 64) return false;
    std::size_t bytes = (count * sizeof(T) + 63) / 64 * 64;
    data_ = static_cast<T*>(std::aligned_alloc(64, bytes));
    if (data_ == nullptr) return false;
    size_ = count;
    return true;
  }
  bool ok() const { return data_ != nullptr; }
  void zero() {
    if (data_ != nullptr) std::memset(data_, 0, size_ * sizeof(T));
  }
  T* get() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

// Output arrays are freshly allocated by JavaScript (zero pages the kernel has not touched yet), and
// a page fault per 4 KiB costs more than the GEMM spends on that page. Before a kernel writes a
// large range, ask Linux to map it in one call (MADV_POPULATE_WRITE). (Transparent huge pages were
// tried and rejected: with defrag=madvise the kernel compacts memory synchronously, 5× slower.)
// Contents are unchanged; the call is advisory and its failure (old kernel, other OS) is ignored.
inline void prefault_for_write(void* data, std::size_t bytes) noexcept {
#if defined(__linux__)
  constexpr std::size_t kMinBytes = std::size_t{1} << 18;  // below this the faults cost little
  if (data == nullptr || bytes < kMinBytes) return;
  const long page_size = sysconf(_SC_PAGESIZE);
  if (page_size <= 0) return;
  const std::size_t page = static_cast<std::size_t>(page_size);
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + page - 1) / page * page;
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) / page * page;
  if (end <= begin) return;
#if defined(MADV_POPULATE_WRITE)
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#else
  madvise(reinterpret_cast<void*>(begin), end - begin, 23 /* MADV_POPULATE_WRITE, Linux ≥ 5.14 */);
#endif
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace lepton

#endif  // LEPTON_KERNELS_BUFFER_H_
