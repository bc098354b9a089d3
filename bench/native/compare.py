#!/usr/bin/env python3
"""lepton's C++ GEMM (bench/native/probe.so over ctypes) against numpy/OpenBLAS, call by call
in one process, so that both see the same machine load. Prints, per case, the best and median
GFLOP/s of each over `reps` alternating calls, and their ratio (best over best).

    bench/native/build.sh
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=T \
        python3 bench/native/compare.py T f32,f64 256,512,1024,2048 [reps] [mc,kc,nc]
"""
import ctypes
import os
import statistics
import sys
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
lib = ctypes.CDLL(os.path.join(here, "probe.so"))
P = ctypes.c_void_p
for name in ("probe_matmul_f32", "probe_matmul_f64"):
    getattr(lib, name).argtypes = [ctypes.c_int64] * 3 + [P, P, P, ctypes.c_int, P]
lib.probe_peak.restype = ctypes.c_double
lib.probe_peak.argtypes = [ctypes.c_int]

threads = int(sys.argv[1])
dtypes = sys.argv[2].split(",")
shapes = [tuple(int(v) for v in s.split("x")) if "x" in s else (int(s),) * 3 for s in sys.argv[3].split(",")]
reps = int(sys.argv[4]) if len(sys.argv) > 4 else 9
blk = (ctypes.c_long * 3)(*(int(v) for v in sys.argv[5].split(","))) if len(sys.argv) > 5 else None

print(f"FMA peak f32 (f64 is half): {lib.probe_peak(threads):.0f} GFLOP/s on {threads} thread(s)")
for dt in dtypes:
    npdt = np.float32 if dt == "f32" else np.float64
    fn = lib.probe_matmul_f32 if dt == "f32" else lib.probe_matmul_f64
    for m, n, k in shapes:
        rng = np.random.default_rng(1)
        a = rng.standard_normal((m, k)).astype(npdt)
        b = rng.standard_normal((k, n)).astype(npdt)
        c = np.empty((m, n), npdt)
        flops = 2.0 * m * n * k
        inner = max(1, int(2e8 / flops))
        mine, theirs = [], []

        # Pointers and integers converted once: a ctypes call then costs ~1 µs, like numpy's dispatch.
        args = [ctypes.c_int64(m), ctypes.c_int64(n), ctypes.c_int64(k), ctypes.c_void_p(a.ctypes.data),
                ctypes.c_void_p(b.ctypes.data), ctypes.c_void_p(c.ctypes.data), ctypes.c_int(threads), blk]

        def lepton():
            for _ in range(inner):
                fn(*args)

        def numpy():
            for _ in range(inner):
                np.matmul(a, b, out=c)

        lepton(); numpy()
        for _ in range(reps):
            for f, into in ((lepton, mine), (numpy, theirs)):
                t = time.perf_counter(); f(); into.append(flops * inner / (time.perf_counter() - t) / 1e9)
        fn(m, n, k, a.ctypes.data, b.ctypes.data, c.ctypes.data, threads, blk)
        err = np.max(np.abs(c - a.astype(np.float64) @ b.astype(np.float64))) / max(1.0, np.sqrt(k))
        print(f"{dt} {m}x{n}x{k} T={threads}: lepton {max(mine):6.1f} (med {statistics.median(mine):6.1f})  "
              f"numpy {max(theirs):6.1f} (med {statistics.median(theirs):6.1f})  ratio {max(mine)/max(theirs):.2f}"
              f"  err {err:.1e}", flush=True)
