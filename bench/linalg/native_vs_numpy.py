"""svd (and eigh where a kernel exists) at n = 512 float64: native kernels, js kernels and numpy
(LAPACK through OpenBLAS), interleaved round by round in one run so that they share the machine's
noise. Prints min / median / max per contender and the ratios of medians; writes
bench/results/linalg-512.json.

    python3 bench/linalg/native_vs_numpy.py [--n 512] [--rounds 5] [--no-js]

The native kernels are built here into a standalone driver with g++ -O3 -mavx2 -mfma (the kernels
alone, without the addon: bench/linalg.bench.mjs times them through linalg.svd / linalg.eigh on
the native backend, as users call them); numpy runs in a fresh process per round, once with OPENBLAS_NUM_THREADS=1 (the native
kernels are single-threaded) and once with OpenBLAS's default threads.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
K = os.path.join(ROOT, "native", "kernels")

NUMPY_SNIPPET = r"""
import sys, time, numpy as np
op, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
a = np.fromfile(path).reshape(n, n)
s = a + a.T
f = {"svd": lambda: np.linalg.svd(a), "svdvals": lambda: np.linalg.svd(a, compute_uv=False),
     "eigh": lambda: np.linalg.eigh(s)}[op]
f()
t = time.perf_counter(); f(); print((time.perf_counter() - t) * 1e3)
"""


def build(tmp):
    objs = []
    for name, flags in [("ukernel_avx2", ["-mavx2", "-mfma"]),
                        ("ukernel_avx512", ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma"])]:
        obj = os.path.join(tmp, name + ".o")
        subprocess.run(["g++", "-std=c++17", "-O3", *flags, "-c", os.path.join(K, name + ".cc"), "-o", obj], check=True)
        objs.append(obj)
    exe = os.path.join(tmp, "native_driver")
    srcs = [os.path.join(ROOT, "bench", "linalg", "native_driver.cc")] + [
        os.path.join(K, f + ".cc") for f in ["linalg_vec", "linalg_lu", "linalg_qr", "linalg_svd", "linalg_eigh", "ukernel_ref", "cache_info", "threadpool"]]
    subprocess.run(["g++", "-std=c++17", "-O3", "-mavx2", "-mfma", "-Wall", "-Wextra", "-pthread", *srcs, *objs, "-o", exe], check=True)
    return exe


def numpy_ms(op, n, path, threads):
    env = dict(os.environ)
    if threads == 1:
        env["OPENBLAS_NUM_THREADS"] = "1"
    else:
        env.pop("OPENBLAS_NUM_THREADS", None)
    out = subprocess.run([sys.executable, "-c", NUMPY_SNIPPET, op, str(n), path], env=env, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip())


def native_ms(exe, op, n, path, tmp):
    out = subprocess.run([exe, op, str(n), str(n), path, "2", os.path.join(tmp, "out.f64")], check=True,
                         capture_output=True, text=True)
    r = json.loads(out.stdout)
    return r["times_ms"][-1], r


def js_ms(op, n, path):
    out = subprocess.run(["npx", "tsx", os.path.join("bench", "linalg", "js_kernels.ts"), op, str(n), path], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])["ms"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=512)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--no-js", action="store_true")
    args = p.parse_args()
    n = args.n
    with tempfile.TemporaryDirectory() as tmp:
        exe = build(tmp)
        path = os.path.join(tmp, "a.f64")
        np.random.default_rng(512).standard_normal((n, n)).tofile(path)
        times = {}
        checks = {}
        for _ in range(args.rounds):
            for op in ["svd", "svdvals"]:
                ms, r = native_ms(exe, op, n, path, tmp)
                times.setdefault(f"{op} native", []).append(ms)
                checks[op] = {"residual": r["residual"], "orth": r["orth"], "isa": r["isa"]}
                times.setdefault(f"{op} numpy 1 thread", []).append(numpy_ms(op, n, path, 1))
                times.setdefault(f"{op} numpy default threads", []).append(numpy_ms(op, n, path, 0))
            ms, r = native_ms(exe, "eigh", n, path, tmp)
            times.setdefault("eigh native", []).append(ms)
            checks["eigh"] = {"residual": r["residual"], "orth": r["orth"], "isa": r["isa"]}
            times.setdefault("eigh numpy 1 thread", []).append(numpy_ms("eigh", n, path, 1))
            times.setdefault("eigh numpy default threads", []).append(numpy_ms("eigh", n, path, 0))
            if not args.no_js:
                for op in ["svd", "eigh"]:
                    ms = js_ms(op, n, path)
                    if ms is not None:
                        times.setdefault(f"{op} js", []).append(ms)
        summary = {k: {"min": min(v), "median": statistics.median(v), "max": max(v), "runs": len(v)} for k, v in times.items()}
        print(f"n = {n}, {args.rounds} interleaved rounds, ms per call (min / median / max)")
        for k, v in summary.items():
            print(f"  {k:30s} {v['min']:9.1f} {v['median']:9.1f} {v['max']:9.1f}")
        for op in ["svd", "svdvals", "eigh"]:
            for peer in ["numpy 1 thread", "numpy default threads"]:
                r = summary[f"{op} native"]["median"] / summary[f"{op} {peer}"]["median"]
                print(f"  {op}: native / {peer} = {r:.2f}x (median)")
        for op in ["svd", "eigh"]:
            if f"{op} js" in summary:
                print(f"  {op}: js / numpy 1 thread = {summary[f'{op} js']['median'] / summary[f'{op} numpy 1 thread']['median']:.1f}x")
        print("  native checks:", checks)
        with open(os.path.join(ROOT, "bench", "results", f"linalg-{n}.json"), "w") as f:
            json.dump({"n": n, "rounds": args.rounds, "ms": summary, "checks": checks,
                       "load": os.getloadavg()}, f, indent=1)


if __name__ == "__main__":
    main()
