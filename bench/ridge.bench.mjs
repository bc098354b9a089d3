/**
 * ridge: lepton-compute's ridge (Cholesky of the normal equations, primal or dual form) on every
 * CPU backend, beside numpy and scipy solving the same normal equations and ml-matrix's Cholesky.
 *
 *   npm run build && node bench/ridge.bench.mjs [--quick] [options of bench/lib/suite.mjs]
 *
 * x̂ = argmin ‖Ax − y‖² + λ‖x‖², A K×N Gaussian (randn, fixed seed), λ = 0.1, float64:
 *   (K, N) = (256, 1024) and (1024, 4096); one signal (y [K]) and 256 signals (y [K, 256]);
 *   primal (AᵀA + λI) x = Aᵀy  and  dual x = Aᵀ (AAᵀ + λI)⁻¹ y, each form timed on its own.
 *   (--quick: (256, 1024), one signal, both forms)
 *   float32 too at (1024, 4096), 1 and 256 signals, both forms (not in --quick): webgpu's ridge
 *   is float32, and so is the comparison there (numpy/scipy in float32).
 * Peers, on the same A and y, forming the same Gram matrix inside the timing:
 *   numpy  np.linalg.solve (LU)                     1 and all threads
 *   scipy  scipy.linalg.solve(assume_a='pos') (Cholesky, as lepton-compute)  1 and all threads
 *   ml-matrix  A.transpose().mmul(A) + λI, CholeskyDecomposition.solve  (skipped past the slow limit)
 * GFLOP/s counts Gram + right-hand side + n³/3 + the triangular solves.
 */
import { Suite } from './lib/suite.mjs';

const suite = await Suite.create('ridge', { title: 'ridge (λ = 0.1)', lambda: 0.1 });
const { quick } = suite;
const dtype = 'float64';
const lambda = 0.1;
const cases = [];
for (const [K, N] of quick ? [[256, 1024]] : [[256, 1024], [1024, 4096]]) {
  for (const signals of quick ? [1] : [1, 256]) {
    for (const form of ['primal', 'dual']) {
      cases.push({
        group: `ridge ${form}`,
        label: `K=${K} N=${N} signals=${signals}`,
        size: N,
        dtype,
        tol: 1e-8,
        spec: { op: 'ridge', dtype, K, N, signals, form, lambda },
      });
    }
  }
}

// float32 (webgpu runs ridge in float32 only): the larger size, full runs only. The primal Gram
// matrix AᵀA + λI has condition number ≈ (√N + √K)² / λ ≈ 1e5, so float32 answers (numpy and
// scipy solve in float32) agree with lepton-compute's to about 1e-2 only; the dual's AAᵀ + λI
// is well conditioned (≈ 9) and is held to 1e-4.
if (!quick) {
  for (const signals of [1, 256]) {
    for (const form of ['primal', 'dual']) {
      cases.push({
        group: `ridge ${form} float32`,
        label: `K=1024 N=4096 signals=${signals}`,
        size: 4096,
        dtype: 'float32',
        tol: form === 'primal' ? 2e-2 : 1e-4,
        spec: { op: 'ridge', dtype: 'float32', K: 1024, N: 4096, signals, form, lambda },
      });
    }
  }
}

const ml = await suite.mlMatrix();

for (const info of cases) {
  const c = suite.case(info);
  const { K, N, signals, form } = info.spec;
  await c.lepton();
  const request = { op: 'ridge', A: c.file('A'), y: c.file('y'), aShape: [K, N], yShape: signals === 1 ? [K] : [K, signals], lambda, form };
  await c.python('scipy', { ...request, lib: 'scipy' });
  await c.python('numpy', { ...request, lib: 'numpy' });
  if (ml && info.dtype === 'float64') {
    await c.js({ variant: 'ml-matrix', peer: 'ml-matrix' }, async () => {
      const A = ml.Matrix.from1DArray(K, N, c.array('A'));
      const y = ml.Matrix.from1DArray(K, signals, c.array('y'));
      const solve = () => {
        if (form === 'primal') {
          const g = A.transpose().mmul(A);
          for (let i = 0; i < N; i++) g.set(i, i, g.get(i, i) + lambda);
          return new ml.CholeskyDecomposition(g).solve(A.transpose().mmul(y));
        }
        const g = A.mmul(A.transpose());
        for (let i = 0; i < K; i++) g.set(i, i, g.get(i, i) + lambda);
        return A.transpose().mmul(new ml.CholeskyDecomposition(g).solve(y));
      };
      return { fn: solve, async: false, output: async () => solve().to1DArray() };
    });
  }
}

await suite.finish();
