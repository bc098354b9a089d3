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
    while (static_cast<int>(threads_.size()) < workers) {
      const int index = static_cast<int>(threads_.size()) + 1;
      threads_.emplace_back([this, index] { worker(index); });
    }
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

void ThreadPool::run(int threads, const std::function<void(int)>& fn) noexcept {
  if (threads <= 1) {
    fn(0);
    return;
  }
  std::lock_guard<std::mutex> region(region_);
  const int team = threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &fn;
    team_ = team;
    pending_.store(team - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  fn(0);
  for (int spin = 0; pending_.load(std::memory_order_acquire) != 0; ++spin) {
    if (spin < 4000) {
      LEPTON_PAUSE();
    } else {
      std::this_thread::yield();
    }
  }
}

void ThreadPool::worker(int index) noexcept {
  uint64_t seen = 0;
  for (;;) {
    // Spin up to ~50 µs for the next region before sleeping.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
    while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) {
      for (int i = 0; i < 64; ++i) LEPTON_PAUSE();
    }
    const std::function<void(int)>* job;
    int team;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
      if (stop_) return;
      seen = generation_.load(std::memory_order_relaxed);
      job = job_;
      team = team_;
    }
    if (index < team) {
      (*job)(index);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
}

}  // namespace lepton
