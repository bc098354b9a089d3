"""numpy/OpenBLAS peer for bench/pool.bench.mjs: float32 n×n matmul timed with the thread count
set by the caller (OPENBLAS_NUM_THREADS). Prints one JSON object: median/min ms, spread, samples.

usage: python3 numpy_matmul_threads.py N THREADS
"""
import json
import sys
import time

import numpy as np

n = int(sys.argv[1])
rng = np.random.default_rng(1)
a = rng.standard_normal((n, n), dtype=np.float32)
b = rng.standard_normal((n, n), dtype=np.float32)
a @ b  # warm-up: thread start, page faults
times = []
budget = time.perf_counter() + 3.0
while len(times) < 5 or (time.perf_counter() < budget and len(times) < 50):
    t0 = time.perf_counter()
    a @ b
    times.append((time.perf_counter() - t0) * 1e3)
times.sort()
median = times[len(times) // 2]
mean = sum(times) / len(times)
spread = 100.0 * (times[-1] - times[0]) / (2 * median)
print(json.dumps({"medianMs": median, "minMs": times[0], "rmePercent": spread, "samples": len(times), "threads": int(sys.argv[2])}))
