"""Checks the native linalg kernels (native/kernels/linalg_*.cc) on every non-empty matrix of
test/fixtures/linalg/matrices.json and on random 1×1 … 130×70 shapes, through the standalone
driver: singular values and eigenvalues against numpy, and the identities the driver measures
(‖recomposed − A‖_F/‖A‖_F, orthogonality) against 64·max(m, n)·ε. Exit status 1 on any failure.

    python3 bench/linalg/check_native.py
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from native_vs_numpy import ROOT, build  # noqa: E402

EPS = np.finfo(np.float64).eps


def run(exe, op, a, tmp):
    m, n = a.shape
    path = os.path.join(tmp, "in.f64")
    out = os.path.join(tmp, "out.f64")
    np.ascontiguousarray(a, dtype=np.float64).tofile(path)
    r = subprocess.run([exe, op, str(m), str(n), path, "1", out], capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return json.loads(r.stdout), np.fromfile(out)


def main():
    fixtures = json.load(open(os.path.join(ROOT, "test", "fixtures", "linalg", "matrices.json")))
    rng = np.random.default_rng(7)
    cases = {name: np.array(f["a"]["data"]).reshape(f["a"]["shape"]) for name, f in fixtures.items()
             if all(f["a"]["shape"])}
    for m, n in [(1, 1), (2, 5), (5, 2), (64, 64), (65, 65), (130, 70), (70, 130), (97, 97)]:
        cases[f"random{m}x{n}"] = rng.standard_normal((m, n))
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        exe = build(tmp)
        for name, a in cases.items():
            m, n = a.shape
            bound = 64 * max(m, n) * EPS
            ops = ["svd", "svdvals", "qr", "lu"] + (["eigh", "solve"] if m == n else [])
            for op in ops:
                if op == "solve" and abs(np.linalg.det(a)) < 1e-8 * np.linalg.norm(a) ** n:
                    continue
                r, values = run(exe, op, a, tmp)
                if r is None:
                    print(f"FAIL {name} {op}: {values}")
                    failures += 1
                    continue
                ok = r["orth"] <= bound * np.sqrt(max(m, n))
                tol = bound
                if op == "solve":
                    tol = bound * np.linalg.cond(a)
                ok = ok and r["residual"] <= tol
                if op in ("svd", "svdvals"):
                    ref = np.linalg.svd(a, compute_uv=False)
                    ok = ok and np.abs(values - ref).max() <= bound * ref.max()
                if op == "eigh":
                    s = a + a.T
                    ref = np.linalg.eigvalsh(s)
                    ok = ok and np.abs(values - ref).max() <= bound * np.abs(ref).max()
                if not ok:
                    failures += 1
                    print(f"FAIL {name} {op}: {r}")
        print(f"{len(cases)} matrices, {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
