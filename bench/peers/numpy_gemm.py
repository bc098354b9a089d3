#!/usr/bin/env python3
"""numpy (OpenBLAS) peer for bench/native.bench.mjs: single-threaded GEMM and im2col conv2d.

    OPENBLAS_NUM_THREADS=1 python3 bench/peers/numpy_gemm.py '<json list of cases>'

A case is {"kind": "gemm", "dtype": "float32", "m":…, "n":…, "k":…, "reps": r} or
{"kind": "conv2d", "dtype": "float32", "x": [N,C,H,W], "w": [O,C,kh,kw], "pad": p, "reps": r}.
Prints one JSON object per case: the case plus "times" (seconds per run, after one warm-up run).
GEMM is `a @ b`, which allocates its result as lepton's matmul() does.
The conv2d time covers padding, im2col (sliding_window_view + a contiguous copy) and the matmul,
i.e. what an im2col + BLAS implementation pays.
"""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402  (after the thread setting)


def gemm(case):
    rng = np.random.default_rng(1)
    dt = np.dtype(case["dtype"])
    a = rng.standard_normal((case["m"], case["k"])).astype(dt)
    b = rng.standard_normal((case["k"], case["n"])).astype(dt)
    a @ b
    times = []
    for _ in range(case["reps"]):
        t = time.perf_counter()
        a @ b  # allocates its result, as matmul() does
        times.append(time.perf_counter() - t)
    return times


def conv2d(case):
    rng = np.random.default_rng(1)
    dt = np.dtype(case["dtype"])
    n, c, h, w = case["x"]
    o, _, kh, kw = case["w"]
    p = case["pad"]
    x = rng.standard_normal((n, c, h, w)).astype(dt)
    wt = rng.standard_normal((o, c * kh * kw)).astype(dt)

    def run():
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))  # n,c,oh,ow,kh,kw
        oh, ow = win.shape[2], win.shape[3]
        cols = np.ascontiguousarray(win.transpose(0, 1, 4, 5, 2, 3)).reshape(n, c * kh * kw, oh * ow)
        return np.matmul(wt, cols)  # n, o, oh·ow

    run()
    times = []
    for _ in range(case["reps"]):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return times


def main():
    cases = json.loads(sys.argv[1])
    for case in cases:
        times = gemm(case) if case["kind"] == "gemm" else conv2d(case)
        print(json.dumps({**case, "times": times, "numpy": np.__version__}), flush=True)


if __name__ == "__main__":
    main()
