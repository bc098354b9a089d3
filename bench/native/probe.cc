// probe.cc — the machine's limits and lepton's C++ kernels without Node: the AVX-512 (or AVX2)
// FMA peak (16 independent FMA chains per thread), read+write memory bandwidth (a copy of a
// 256 MiB array, bytes read + bytes written), and GEMM GFLOP/s through the library's own
// matmul kernel. Built by bench/native/build.sh (the kernels with their binding.gyp flags).
//
//   bench/native/probe peak|bw [threads]
//   bench/native/probe gemm <f32|f64> m n k [threads] [reps]
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "../../native/kernels/matmul.h"
#include "../../native/kernels/cache_info.h"
#include "../../native/kernels/threadpool.h"
#include <functional>

using namespace lepton;
using Clock = std::chrono::steady_clock;

__attribute__((target("avx512f,fma"))) static double fma_chains(int64_t iters) {
  __m512 acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = _mm512_set1_ps(float(i));
  const __m512 m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-7f);
  for (int64_t t = 0; t < iters; ++t) {
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) acc[i] = _mm512_fmadd_ps(acc[i], m, a);
  }
  __m512 s = acc[0];
  for (int i = 1; i < 16; ++i) s = _mm512_add_ps(s, acc[i]);
  float out[16];
  _mm512_storeu_ps(out, s);
  return out[0];
}

template <class F>
static double time_best(int reps, F&& f) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  return best;
}

static void run_threads(int threads, const std::function<void(int)>& f) {
  std::vector<std::thread> ts;
  for (int t = 1; t < threads; ++t) ts.emplace_back(f, t);
  f(0);
  for (auto& t : ts) t.join();
}

template <class T>
static void gemm_case(int64_t m, int64_t n, int64_t k, int threads, int reps) {
  std::string err;
  Isa isa = *select_isa(getenv("LEPTON_NATIVE_ISA") ? getenv("LEPTON_NATIVE_ISA") : "", &err);
  // Blocking experiments: PROBE_BLOCK="mc,kc,nc" overrides the derived numbers (this probe only).
  if (const char* blk = getenv("PROBE_BLOCK")) {
    GemmBlocking g;
    long mc, kc, nc;
    if (sscanf(blk, "%ld,%ld,%ld", &mc, &kc, &nc) == 3) {
      g = {mc, kc, nc};
      if constexpr (std::is_same_v<T, float>) isa.f32.blocking = g;
      else isa.f64.blocking = g;
    }
  }
  const GemmBlocking& used = ukernel_of<T>(isa).blocking;
  fprintf(stderr, "isa %s mc %ld kc %ld nc %ld; %s\n", isa.name, (long)used.mc, (long)used.kc, (long)used.nc,
          describe_caches().c_str());
  std::vector<T> a(m * k), b(k * n), c(m * n);
  for (auto& v : a) v = T(rand() % 17 - 8) / 8;
  for (auto& v : b) v = T(rand() % 17 - 8) / 8;
  ThreadPool pool;
  MatmulArgs<T> p;
  p.isa = &isa;
  p.m = m, p.n = n, p.k = k;
  p.a.data = a.data(), p.a.rs = k, p.a.cs = 1;
  p.b.data = b.data(), p.b.rs = n, p.b.cs = 1;
  p.out = c.data();
  p.row_begin = 0, p.row_end = m;
  p.threads = threads;
  p.pool = &pool;
  auto once = [&] {
    Status s;
    if constexpr (std::is_same_v<T, float>) s = matmul_f32(p);
    else s = matmul_f64(p);
    if (!s.ok()) { fprintf(stderr, "%s\n", s.message().c_str()); exit(1); }
  };
  once();
  std::vector<double> gf;
  for (int r = 0; r < reps; ++r) gf.push_back(2.0 * m * n * k / time_best(1, once) / 1e9);
  std::sort(gf.begin(), gf.end());
  printf("{\"dtype\":\"%s\",\"m\":%ld,\"n\":%ld,\"k\":%ld,\"threads\":%d,\"gflops\":[", sizeof(T) == 4 ? "f32" : "f64",
         (long)m, (long)n, (long)k, threads);
  for (size_t i = 0; i < gf.size(); ++i) printf("%s%.2f", i ? "," : "", gf[i]);
  printf("]}\n");
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::string what = argv[1];
  if (what == "peak") {
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    const int64_t iters = 20000000;
    std::vector<double> sink(threads);
    double t = time_best(3, [&] { run_threads(threads, [&](int i) { sink[i] = fma_chains(iters); }); });
    printf("{\"peak_gflops_f32\":%.1f,\"threads\":%d}\n", threads * iters * 16.0 * 16 * 2 / t / 1e9, threads);
  } else if (what == "bw") {
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    const size_t bytes = size_t(256) << 20;
    char* src = static_cast<char*>(aligned_alloc(64, bytes));
    char* dst = static_cast<char*>(aligned_alloc(64, bytes));
    memset(src, 1, bytes);
    memset(dst, 2, bytes);
    double t = time_best(5, [&] {
      run_threads(threads, [&](int i) {
        size_t lo = bytes / threads * i, hi = bytes / threads * (i + 1);
        memcpy(dst + lo, src + lo, hi - lo);
      });
    });
    printf("{\"bandwidth_gbs\":%.1f,\"threads\":%d}\n", 2.0 * bytes / t / 1e9, threads);
  } else if (what == "gemm") {
    const bool f64 = std::string(argv[2]) == "f64";
    int64_t m = atol(argv[3]), n = atol(argv[4]), k = atol(argv[5]);
    int threads = argc > 6 ? atoi(argv[6]) : 1, reps = argc > 7 ? atoi(argv[7]) : 5;
    if (f64) gemm_case<double>(m, n, k, threads, reps);
    else gemm_case<float>(m, n, k, threads, reps);
  }
  return 0;
}

// For bench/native/compare.py: one product through the library's matmul kernel, called over ctypes
// so that numpy and lepton alternate call by call in one process. Returns 0 on success.
static ThreadPool* shared_pool() {
  static ThreadPool pool;
  return &pool;
}

template <class T>
static int probe_matmul(int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c, int threads, const long* blk) {
  static std::string err;
  static const Isa* base = select_isa(getenv("LEPTON_NATIVE_ISA") ? getenv("LEPTON_NATIVE_ISA") : "", &err);
  Isa isa = *base;
  if (blk != nullptr && blk[0] > 0) {
    if constexpr (std::is_same_v<T, float>) isa.f32.blocking = {blk[0], blk[1], blk[2]};
    else isa.f64.blocking = {blk[0], blk[1], blk[2]};
  }
  MatmulArgs<T> p;
  p.isa = &isa;
  p.m = m, p.n = n, p.k = k;
  p.a.data = a, p.a.rs = k, p.a.cs = 1;
  p.b.data = b, p.b.rs = n, p.b.cs = 1;
  p.out = c;
  p.row_begin = 0, p.row_end = m;
  p.threads = threads;
  p.pool = shared_pool();
  Status s;
  if constexpr (std::is_same_v<T, float>) s = matmul_f32(p);
  else s = matmul_f64(p);
  return s.ok() ? 0 : 1;
}

extern "C" int probe_matmul_f32(int64_t m, int64_t n, int64_t k, const float* a, const float* b, float* c, int threads,
                                const long* blk) {
  return probe_matmul(m, n, k, a, b, c, threads, blk);
}
extern "C" int probe_matmul_f64(int64_t m, int64_t n, int64_t k, const double* a, const double* b, double* c,
                                int threads, const long* blk) {
  return probe_matmul(m, n, k, a, b, c, threads, blk);
}
extern "C" double probe_peak(int threads) {
  const int64_t iters = 4000000;
  std::vector<double> sink(threads);
  double t = time_best(3, [&] { run_threads(threads, [&](int i) { sink[i] = fma_chains(iters); }); });
  return threads * iters * 16.0 * 16 * 2 / t / 1e9;
}
