"""numpy/OpenBLAS and scipy peer for the bench suites (bench/lib/python.mjs starts it).

    OPENBLAS_NUM_THREADS=T python3 bench/peers/numpy_peer.py

A long-lived server: reads one JSON request per line on stdin, answers one JSON line on stdout.
The thread count is fixed per process (OpenBLAS reads it at import), so the bench starts one
process per thread count. A request names the op, the raw little-endian input files that the
bench wrote from lepton-compute's own inputs, and the timing budget; the answer holds the
timings and the path of the raw output file, which the bench compares with lepton-compute's.

Ops (the timed work is exactly the operation, inputs already in memory):
  matmul        a @ b                                           (numpy)
  ridge         primal: solve(AᵀA + λI, Aᵀy); dual: Aᵀ solve(AAᵀ + λI, y)
                with lib "numpy" (np.linalg.solve, LU) or "scipy" (scipy.linalg.solve,
                assume_a="pos": Cholesky, what lepton's ridge does)
Timing mimics benchmark.js as the JS side runs it: one warm-up call (its time is reported as
firstMs; a call slower than slowMs is not repeated and the answer says so), then samples until
both minSamples and maxTime are reached.
"""
import json
import math
import os
import sys
import time

import numpy as np

try:
    import scipy
    import scipy.linalg
except Exception as error:  # noqa: BLE001 - any failure means "no scipy"
    scipy = None
    SCIPY_ERROR = str(error)
else:
    SCIPY_ERROR = ""

# Two-sided 95 % Student t quantiles by degrees of freedom (benchmark.js uses the same table).
T_TABLE = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
           11: 2.201, 12: 2.179, 13: 2.16, 14: 2.145, 15: 2.131, 16: 2.12, 17: 2.11, 18: 2.101, 19: 2.093, 20: 2.086,
           21: 2.08, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.06, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042}


def load(path, dtype, shape):
    return np.fromfile(path, dtype=np.dtype(dtype).newbyteorder("<")).reshape(shape)


def quantile(sorted_values, q):
    pos = (len(sorted_values) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summary(times_ms):
    s = sorted(times_ms)
    n = len(s)
    mean = sum(s) / n
    if n > 1:
        sd = math.sqrt(sum((t - mean) ** 2 for t in s) / (n - 1))
        rme = 100.0 * T_TABLE.get(n - 1, 1.96) * sd / math.sqrt(n) / mean
    else:
        rme = None
    return {"medianMs": quantile(s, 0.5), "meanMs": mean, "minMs": s[0], "maxMs": s[-1],
            "p25Ms": quantile(s, 0.25), "p75Ms": quantile(s, 0.75), "rmePercent": rme, "samples": n}


def timed(fn, req):
    t0 = time.perf_counter()
    out = fn()
    first = (time.perf_counter() - t0) * 1e3
    if first > req.get("slowMs", float("inf")):
        return out, {"firstMs": first, "skipped": f"one call took {first / 1e3:.1f} s (limit {req['slowMs'] / 1e3:.0f} s)"}
    times = []
    start = time.perf_counter()
    while len(times) < req.get("minSamples", 5) or (time.perf_counter() - start) * 1e3 < req.get("maxTime", 1.0) * 1e3:
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
        if len(times) >= 200:
            break
    return out, {"firstMs": first, **summary(times)}


def op_matmul(req):
    a = load(req["a"], req["dtype"], req["aShape"])
    b = load(req["b"], req["dtype"], req["bShape"])
    return lambda: a @ b


def op_ridge(req):
    A = load(req["A"], req["dtype"], req["aShape"])
    y = load(req["y"], req["dtype"], req["yShape"])
    lam = req["lambda"]
    lib = req["lib"]
    if lib == "scipy":
        if scipy is None:
            raise RuntimeError(f"scipy is not installed ({SCIPY_ERROR})")

        def solve(g, r):
            return scipy.linalg.solve(g, r, assume_a="pos", overwrite_a=True, overwrite_b=False, check_finite=False)
    else:
        solve = np.linalg.solve

    if req["form"] == "primal":
        def run():
            g = A.T @ A
            g[np.diag_indices_from(g)] += lam
            return solve(g, A.T @ y)
    else:
        def run():
            k = A @ A.T
            k[np.diag_indices_from(k)] += lam
            return A.T @ solve(k, y)
    return run


OPS = {"matmul": op_matmul, "ridge": op_ridge}


def handle(req):
    if req["op"] == "hello":
        return {"numpy": np.__version__, "scipy": scipy.__version__ if scipy else None, "scipyError": SCIPY_ERROR,
                "blas": blas_name(), "threads": os.environ.get("OPENBLAS_NUM_THREADS")}
    fn = OPS[req["op"]](req)
    out, stats = timed(fn, req)
    np.ascontiguousarray(out, dtype=np.dtype(req["dtype"]).newbyteorder("<")).tofile(req["out"])
    return {"out": req["out"], **stats}


def blas_name():
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # noqa: BLE001 - older numpy: no dict mode
        return "unknown"


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            answer = handle(json.loads(line))
        except Exception as error:  # noqa: BLE001 - report, keep serving
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
