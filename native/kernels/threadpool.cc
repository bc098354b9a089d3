// threadpool.cc — see threadpool.h.
#include "threadpool.h"

#include <chrono>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LEPTON_PAUSE() _mm_pause()
#else
#define LEPTON_PAUSE() std::this_thread::yield()
#endif

namespace lepton {

void Barrier::wait() noexcept {
  const uint32_t gen = generation_.load(std::memory_order_acquire);
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
    arrived_.store(0, std::memory_order_relaxed);
    generation_.store(gen + 1, std::memory_order_release);
    return;
  }
  // Spin a few microseconds (the other thread is usually close behind), then yield the CPU: on a
  // machine with more runnable threads than cores, spinning would hold up the thread we wait for.
  for (int spin = 0; generation_.load(std::memory_order_acquire) == gen; ++spin) {
    if (spin < 4000) {
      LEPTON_PAUSE();
    } else {
      std::this_thread::yield();
    }
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

int ThreadPool::hardware_threads() noexcept {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

bool ThreadPool::grow(int workers) noexcept {
  try {
    while (static_cast<int>(threads_.size()) < workers) threads_.emplace_back([this] { worker(); });
    return true;
  } catch (...) {  // std::system_error: no more threads; run with the ones we have
    return false;
  }
}

int ThreadPool::prepare(int threads) noexcept {
  if (threads <= 1) return 1;
  std::lock_guard<std::mutex> region(region_);
  grow(threads - 1);
  return std::min<int>(threads, static_cast<int>(threads_.size()) + 1);
}

int ThreadPool::run(int threads, double max_wait_us, const std::function<void(int)>& setup,
                    const std::function<void(int, int)>& fn) noexcept {
  if (threads <= 1) {
    setup(1);
    fn(0, 1);
    return 1;
  }
  std::lock_guard<std::mutex> region(region_);
  const uint64_t want = static_cast<uint64_t>(std::min<int>(threads - 1, static_cast<int>(threads_.size())));
  uint32_t gen;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &fn;
    want_ = want;
    gen = generation_.load(std::memory_order_relaxed) + 1;
    state_.store(uint64_t{gen} << 32, std::memory_order_relaxed);
    generation_.store(gen, std::memory_order_release);
  }
  wake_.notify_all();
  // Wait (spinning) for the workers to join, at most max_wait_us; then close the team.
  const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(static_cast<int64_t>(max_wait_us * 1e3));
  while ((state_.load(std::memory_order_acquire) & kJoinedMask) < want && std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < 16; ++i) LEPTON_PAUSE();
  }
  const uint64_t joined = state_.fetch_or(kClosed, std::memory_order_acq_rel) & kJoinedMask;
  const int team = static_cast<int>(joined) + 1;
  team_ = team;
  pending_.store(team - 1, std::memory_order_relaxed);
  setup(team);
  ready_.store(gen, std::memory_order_release);
  fn(0, team);
  for (int spin = 0; pending_.load(std::memory_order_acquire) != 0; ++spin) {
    if (spin < 4000) {
      LEPTON_PAUSE();
    } else {
      std::this_thread::yield();
    }
  }
  return team;
}

void ThreadPool::worker() noexcept {
  uint32_t seen = 0;
  for (;;) {
    // Spin up to ~50 µs for the next region before sleeping.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
    while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) {
      for (int i = 0; i < 64; ++i) LEPTON_PAUSE();
    }
    const std::function<void(int, int)>* job;
    uint32_t gen;
    uint64_t want;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
      if (stop_) return;
      gen = generation_.load(std::memory_order_relaxed);
      seen = gen;
      job = job_;
      want = want_;
    }
    // Join this generation's team while it is open.
    uint64_t s = state_.load(std::memory_order_acquire);
    int index = 0;
    while ((s >> 32) == gen && (s & kClosed) == 0 && (s & kJoinedMask) < want) {
      if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) {
        index = static_cast<int>(s & kJoinedMask) + 1;
        break;
      }
    }
    if (index == 0) continue;  // closed without us
    for (int spin = 0; ready_.load(std::memory_order_acquire) != gen; ++spin) {
      if (spin < 4000) {
        LEPTON_PAUSE();
      } else {
        std::this_thread::yield();
      }
    }
    (*job)(index, team_);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

}  // namespace lepton
