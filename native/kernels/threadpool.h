// threadpool.h — the kernels' own threads: a persistent team that runs one parallel region at a
// time (BLIS-style: the caller is thread 0, the workers 1…T−1), and the barrier the team uses
// between loops (after the shared packed B panel is written, before it is overwritten).
//
// Workers are started on first use and live as long as the pool (one pool per addon instance).
// Between regions a worker spins briefly (a run of GEMM calls reaches it without a wake-up) and
// then sleeps on a condition variable, so an idle pool costs no CPU. One region at a time: a
// second caller (another libuv thread) waits for the first to finish.
#ifndef LEPTON_KERNELS_THREADPOOL_H_
#define LEPTON_KERNELS_THREADPOOL_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#if !defined(__wasm__)
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace lepton {

#if defined(__wasm__)
// The WebAssembly build runs each kernel call on one thread (its pool workers split work by rows
// instead): a team of one, with the same interface.
class Barrier {
 public:
  explicit Barrier(int = 1) {}
  void reset(int) noexcept {}
  void wait() noexcept {}
};

class ThreadPool {
 public:
  int prepare(int) noexcept { return 1; }
  int run(int, double, const std::function<void(int team)>& setup, const std::function<void(int t, int team)>& fn) noexcept {
    setup(1);
    fn(0, 1);
    return 1;
  }
  int run(int, double, const std::function<void(int t, int team)>& fn) noexcept {
    fn(0, 1);
    return 1;
  }
  static int hardware_threads() noexcept { return 1; }
};
#else
// A reusable spin-then-yield barrier (sense by generation number); its count is set once the team
// is known (ThreadPool::run's setup), before any member waits on it.
class Barrier {
 public:
  explicit Barrier(int count = 1) : count_(count) {}
  void reset(int count) noexcept { count_ = count; }
  void wait() noexcept;

 private:
  int count_;
  std::atomic<int> arrived_{0};
  std::atomic<uint32_t> generation_{0};
};

class ThreadPool {
 public:
  ThreadPool() = default;
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The largest team (caller included, at most `threads`) this pool can field: starts workers as
  // needed; fewer than asked only when the system refuses to start a thread.
  int prepare(int threads) noexcept;

  // Runs a region on a team of at most `threads` (≤ what prepare() returned): fn(t, team) for every
  // t in [0, team), t = 0 on the calling thread. The team is fixed when the region starts: a
  // worker that has not joined within `max_wait_us` (asleep, or its CPU taken by another process)
  // is left out and the others share the work, so a busy machine never makes a call wait for a
  // thread it cannot get. setup(team) runs on the caller once the team is known, before any fn.
  // Returns the team size. fn and setup must not throw.
  int run(int threads, double max_wait_us, const std::function<void(int team)>& setup,
          const std::function<void(int t, int team)>& fn) noexcept;
  int run(int threads, double max_wait_us, const std::function<void(int t, int team)>& fn) noexcept {
    return run(threads, max_wait_us, [](int) {}, fn);
  }

  // Threads this process may use: the CPUs in its affinity mask (at least 1).
  static int hardware_threads() noexcept;

 private:
  void worker() noexcept;
  bool grow(int workers) noexcept;

  // state_: [generation:32 | closed:1 | joined:31]. Workers join by CAS while open, in this
  // generation; the caller closes it.
  static constexpr uint64_t kClosed = uint64_t{1} << 31;
  static constexpr uint64_t kJoinedMask = kClosed - 1;

  std::mutex region_;  // one parallel region at a time
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<std::thread> threads_;
  const std::function<void(int, int)>* job_ = nullptr;
  int team_ = 0;
  uint64_t want_ = 0;                    // workers wanted in the current region
  std::atomic<uint32_t> generation_{0};  // bumped per region
  std::atomic<uint64_t> state_{0};
  std::atomic<uint32_t> ready_{0};       // = generation once team_ is published
  std::atomic<int> pending_{0};          // workers still running the current region
  bool stop_ = false;
};

#endif  // __wasm__

// The longest a region waits for its workers to join: ~1/16 of the work's expected time on one
// core (at ~100 GFLOP/s, or ~10 GB/s for memory-bound work), from 5 µs to 2 ms.
inline double join_wait_us(double expected_us) noexcept {
  return std::clamp(expected_us / 16.0, 5.0, 2000.0);
}

// Splits [0, n) into `parts` nearly equal contiguous ranges, each a multiple of `align` (the last
// takes the remainder): the range of part t.
inline void split_range(int64_t n, int parts, int t, int64_t align, int64_t* begin, int64_t* end) noexcept {
  const int64_t units = (n + align - 1) / align;
  const int64_t lo = units * t / parts, hi = units * (t + 1) / parts;
  *begin = lo * align < n ? lo * align : n;
  *end = hi * align < n ? hi * align : n;
}

// Runs fn(begin, end) over [0, n) split into `threads` contiguous parts (multiples of `align`) on
// `pool`, or over all of it on the calling thread when there is no pool, one thread, or less than
// `min_per_thread` units of work per thread (splitting would cost more than it gives back).
template <class F>
void parallel_for(ThreadPool* pool, int threads, int64_t n, int64_t align, int64_t min_per_thread, F&& fn) noexcept {
  int team = 1;
  if (pool != nullptr && threads > 1 && n >= 2 * min_per_thread) {
    const int64_t most = std::max<int64_t>(1, n / std::max<int64_t>(1, min_per_thread));
    team = pool->prepare(static_cast<int>(std::min<int64_t>(threads, most)));
  }
  if (team <= 1) {
    if (n > 0) fn(int64_t{0}, n);
    return;
  }
  // min_per_thread units take roughly 100 µs (about 1 MiB of memory traffic).
  const double expected_us = 100.0 * double(n) / double(std::max<int64_t>(1, min_per_thread));
  pool->run(team, join_wait_us(expected_us), [&](int t, int size) {
    int64_t begin, end;
    split_range(n, size, t, align, &begin, &end);
    if (end > begin) fn(begin, end);
  });
}

}  // namespace lepton

#endif  // LEPTON_KERNELS_THREADPOOL_H_
