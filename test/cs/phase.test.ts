/**
 * Recovery counts on a small phase-transition grid, against scikit-learn on the same problems:
 * cs.omp vs OrthogonalMatchingPursuit(n_nonzero_coefs = k) and cs.fista (gap test) vs Lasso
 * (alpha = λ/m, the same objective and tolerance). Success: ‖x̂ − x‖/‖x‖ < 1e-2. lepton's count
 * must not fall below scikit-learn's, per solver over the grid (and by at most one per cell).
 * The problems are written by this test as raw float64 files; /usr/bin/python3 runs scikit-learn.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cs, matmul } from '../../src/index.js';
import { lambdaMax, sparseSignal } from './signals.js';

const PEER = String.raw`
import json, sys, os
import numpy as np
from sklearn.linear_model import Lasso, OrthogonalMatchingPursuit
root = sys.argv[1]
meta = json.load(open(os.path.join(root, "meta.json")))
out = []
for p in meta:
    m, n, k = p["m"], p["n"], p["k"]
    A = np.fromfile(os.path.join(root, p["A"]), dtype="<f8").reshape(m, n)
    y = np.fromfile(os.path.join(root, p["y"]), dtype="<f8")
    x = np.fromfile(os.path.join(root, p["x"]), dtype="<f8")
    o = OrthogonalMatchingPursuit(n_nonzero_coefs=k, fit_intercept=False).fit(A, y).coef_
    l = Lasso(alpha=p["lambda"] / m, fit_intercept=False, tol=1e-8, max_iter=100000).fit(A, y).coef_
    e = lambda w: float(np.linalg.norm(w - x) / np.linalg.norm(x))
    out.append({"omp": e(o), "lasso": e(l)})
print(json.dumps(out))
`;

describe('phase-transition grid against scikit-learn', () => {
  it('recovers at least as many signals as scikit-learn (N = 64, 3×3 cells, 5 trials)', async () => {
    const n = 64;
    const trials = 5;
    const cells: Array<{ m: number; k: number }> = [];
    for (const delta of [0.25, 0.5, 0.75]) for (const rho of [0.1, 0.3, 0.5]) {
      const m = Math.round(delta * n);
      cells.push({ m, k: Math.max(1, Math.round(rho * m)) });
    }
    const dir = mkdtempSync(join(os.tmpdir(), 'lepton-phase-'));
    const meta: object[] = [];
    const ours: Array<{ omp: number; lasso: number; cell: number }> = [];
    try {
      for (const [c, { m, k }] of cells.entries()) {
        for (let t = 0; t < trials; t++) {
          const seed = 1000 * c + t + 1;
          const A = cs.gaussian(m, n, { seed, dtype: 'float64' });
          const x = sparseSignal(n, k, seed + 500);
          const y = await matmul(A, x);
          const av = await A.data();
          const yv = await y.data();
          const lambda = 1e-4 * lambdaMax(av, m, n, yv);
          const id = `${c}_${t}`;
          writeFileSync(join(dir, `${id}.A`), Buffer.from(Float64Array.from(av).buffer));
          writeFileSync(join(dir, `${id}.y`), Buffer.from(Float64Array.from(yv).buffer));
          writeFileSync(join(dir, `${id}.x`), Buffer.from(Float64Array.from(await x.data()).buffer));
          meta.push({ m, n, k, lambda, A: `${id}.A`, y: `${id}.y`, x: `${id}.x` });
          const o = await cs.omp(A, y, { sparsity: k });
          const f = await cs.fista(A, y, { lambda, criterion: 'gap', tol: 1e-8, maxIter: 100000 });
          ours.push({ omp: await cs.relativeError(x, o.x), lasso: await cs.relativeError(x, f.x), cell: c });
        }
      }
      writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
      writeFileSync(join(dir, 'peer.py'), PEER);
      const peer = JSON.parse(execFileSync('/usr/bin/python3', [join(dir, 'peer.py'), dir], { env: { ...process.env, OMP_NUM_THREADS: '1' } }).toString()) as Array<{ omp: number; lasso: number }>;
      for (const solver of ['omp', 'lasso'] as const) {
        const mine = ours.filter((r) => r[solver] < 1e-2).length;
        const theirs = peer.filter((r) => r[solver] < 1e-2).length;
        expect(mine, `${solver}: lepton ${mine} vs scikit-learn ${theirs} recovered`).toBeGreaterThanOrEqual(theirs);
        for (let c = 0; c < cells.length; c++) {
          const cellMine = ours.filter((r) => r.cell === c && r[solver] < 1e-2).length;
          const cellTheirs = peer.filter((r, i) => ours[i]!.cell === c && r[solver] < 1e-2).length;
          expect(cellMine).toBeGreaterThanOrEqual(cellTheirs - 1);
        }
      }
      // Some cells recover and some do not: the grid crosses the transition.
      const rate = ours.filter((r) => r.omp < 1e-2).length / ours.length;
      expect(rate).toBeGreaterThan(0.1);
      expect(rate).toBeLessThan(0.95);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
