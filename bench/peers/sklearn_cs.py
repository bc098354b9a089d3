"""scikit-learn's OrthogonalMatchingPursuit and Lasso on the problems bench/cs.bench.mjs wrote.

    python3 bench/peers/sklearn_cs.py <dir>

<dir>/meta.json lists the problems; each has A (m*n float64, row-major), y (m*b) and x (n*b) as
raw little-endian float64 files, and the lasso weight lambda of 1/2|Ax - y|^2 + lambda |x|_1.
sklearn's Lasso minimises 1/(2m)|y - Xw|^2 + alpha |w|_1, so alpha = lambda / m is the same
problem. Prints one JSON object: per solver, per problem, the relative error and the seconds.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import Lasso, OrthogonalMatchingPursuit


def load(path, shape):
    return np.fromfile(path, dtype="<f8").reshape(shape)


def rel_errors(x, x_hat):
    return (np.linalg.norm(x_hat - x, axis=0) / np.linalg.norm(x, axis=0)).tolist()


def main():
    root = sys.argv[1]
    meta = json.load(open(os.path.join(root, "meta.json")))
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "problems": []}
    for p in meta["problems"]:
        m, n, b = p["m"], p["n"], p["signals"]
        A = load(os.path.join(root, p["A"]), (m, n))
        y = load(os.path.join(root, p["y"]), (m, b))
        x = load(os.path.join(root, p["x"]), (n, b))
        row = {"name": p["name"]}
        # OMP with the known sparsity, as lepton's cs.omp is run.
        t0 = time.perf_counter()
        omp = OrthogonalMatchingPursuit(n_nonzero_coefs=p["k"], fit_intercept=False).fit(A, y if b > 1 else y[:, 0])
        row["ompSeconds"] = time.perf_counter() - t0
        coef = omp.coef_.T if b > 1 else omp.coef_[:, None]
        row["ompErrors"] = rel_errors(x, coef)
        # Lasso, the same objective as cs.fista; warm starts off, tol as in the JS run.
        t0 = time.perf_counter()
        lasso = Lasso(alpha=p["lambda"] / m, fit_intercept=False, tol=p["lassoTol"], max_iter=p["maxIter"])
        lasso.fit(A, y if b > 1 else y[:, 0])
        row["lassoSeconds"] = time.perf_counter() - t0
        coef = lasso.coef_.T if b > 1 else lasso.coef_[:, None]
        row["lassoErrors"] = rel_errors(x, coef)
        row["lassoIterations"] = int(np.max(lasso.n_iter_))
        out["problems"].append(row)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
