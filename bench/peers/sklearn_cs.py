"""scikit-learn / scipy peers of bench/cs.bench.mjs, on the problems it wrote.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 bench/peers/sklearn_cs.py <dir>

It serves the bench, which interleaves its own calls with these in rounds (so that both sides see
the machine in the same state): each line on stdin is a JSON request {"case": i, "repeats": r};
the answer is one JSON line with the r timed runs (seconds) and the last run's results. A case's
first request runs it twice untimed first. The first line written is the versions.

<dir>/meta.json lists the cases; each names raw little-endian float64 files: A (m*n, row-major),
y (m*b). Cases:
  lasso  sklearn Lasso(alpha = lambda/m, tol, fit_intercept=False): the same objective as
         cs.fista's 1/2|Ax - y|^2 + lambda |x|_1 (sklearn scales by 1/m), the same duality-gap test
         (gap <= tol*|y|^2). A batch y (m x b) is fitted as b targets (sklearn loops over them).
  omp    sklearn OrthogonalMatchingPursuit(n_nonzero_coefs=k, fit_intercept=False).
  gcv    scipy.linalg.svd(A, full_matrices=False), then GCV(lam) = m |Ax - y|^2 / trace(I - H)^2
         on the same log grid as cs.chooseLambda (161 points over 1e-12..1e2 times sigma_max^2),
         refined by 60 golden-section steps.
"""
import json
import os
import sys
import time

import numpy as np
import scipy
import scipy.linalg
import sklearn
from sklearn.linear_model import Lasso, OrthogonalMatchingPursuit


def load(root, name, shape):
    return np.fromfile(os.path.join(root, name), dtype="<f8").reshape(shape)


def gcv_lambda(A, y):
    m = A.shape[0]
    u, s, _ = scipy.linalg.svd(A, full_matrices=False)
    s2 = s * s
    p = u.T @ y
    p2 = (p * p).sum(axis=1) if p.ndim == 2 else p * p
    outside = max(0.0, float((y * y).sum() - p2.sum()))
    extra = m - len(s)

    def gcv(lam):
        f = lam / (s2 + lam)
        res2 = outside + float((f * f * p2).sum())
        trace = extra + float(f.sum())
        return m * res2 / (trace * trace)

    top = s2.max() if s2.max() > 0 else 1.0
    logs = np.linspace(np.log(top * 1e-12), np.log(top * 1e2), 161)
    scores = [gcv(np.exp(t)) for t in logs]
    best = int(np.argmin(scores))
    left, right = logs[max(0, best - 1)], logs[min(160, best + 1)]
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(60):
        c = right - ratio * (right - left)
        d = left + ratio * (right - left)
        if gcv(np.exp(c)) < gcv(np.exp(d)):
            right = d
        else:
            left = c
    return float(np.exp((left + right) / 2)), best


def fit(c, A, target):
    m = A.shape[0]
    if c["kind"] == "lasso":
        return Lasso(alpha=c["lambda"] / m, fit_intercept=False, tol=c["tol"], max_iter=c["maxIter"]).fit(A, target)
    if c["kind"] == "omp":
        return OrthogonalMatchingPursuit(n_nonzero_coefs=c["k"], fit_intercept=False).fit(A, target)
    return gcv_lambda(A, target)


def results(root, c, A, y, fitted):
    n, b = c["n"], c["signals"]
    row = {"name": c["name"]}
    if c["kind"] in ("lasso", "omp"):
        model = fitted
        coef = model.coef_.T if b > 1 else model.coef_[:, None]
        r = A @ coef - y
        if c["kind"] == "lasso":
            row["objective"] = float(0.5 * (r * r).sum() + c["lambda"] * np.abs(coef).sum())
            row["iterations"] = int(np.max(model.n_iter_))
        x = load(root, c["x"], (n, b))
        row["relErrors"] = (np.linalg.norm(coef - x, axis=0) / np.linalg.norm(x, axis=0)).tolist()
    else:
        row["lambda"], row["gridIndex"] = fitted
    return row


def main():
    root = sys.argv[1]
    meta = json.load(open(os.path.join(root, "meta.json")))
    print(json.dumps({"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__}), flush=True)
    loaded = {}
    for line in sys.stdin:
        request = json.loads(line)
        i = request["case"]
        c = meta["cases"][i]
        if i not in loaded:
            m, b = c["m"], c["signals"]
            A = load(root, c["A"], (m, c["n"]))
            y = load(root, c["y"], (m, b))
            target = y[:, 0] if b == 1 else y
            # Two warm-up calls (as the JavaScript side warms up).
            for _ in range(2):
                fit(c, A, target)
            loaded[i] = (A, y, target)
        A, y, target = loaded[i]
        times = []
        for _ in range(request["repeats"]):
            t0 = time.perf_counter()
            fitted = fit(c, A, target)
            times.append(time.perf_counter() - t0)
        row = results(root, c, A, y, fitted)
        row["seconds"] = times
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
