// buffer.h — per-call, 64-byte aligned scratch (packed GEMM panels, float64 work copies).
// Kernels own their scratch for the duration of one call: nothing static, so concurrent calls
// from several AsyncWorkers or worker threads never share memory.
#ifndef LEPTON_KERNELS_BUFFER_H_
#define LEPTON_KERNELS_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

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

}  // namespace lepton

#endif  // LEPTON_KERNELS_BUFFER_H_
