/**
 * Compressive sensing on every backend: the matrix-free partial DCT against the dense reference
 * DCT (forward and adjoint), and OMP and FISTA recovering a sparse signal from Gaussian
 * measurements (the oracle is the signal itself). Tolerances per dtype: the operator's error is
 * bounded by the fast transform's rounding, ~√(log n)·u relative to the largest entry.
 */
import { describe, expect, it } from 'vitest';
import { cs, matmul, randn } from '../../src/index.js';
import { refMatmul } from '../reference/matmul.js';
import { refPartialDct } from '../reference/dct.js';
import { backendMatrix, bestFloat } from '../util/backends.js';
import { expectClose, fromRef, toRef } from '../util/close.js';

const CASES = [
  { n: 64, m: 20, seed: 1 },
  { n: 100, m: 37, seed: 2 }, // not a power of two
  { n: 1, m: 1, seed: 3 },
];

for (const b of await backendMatrix()) {
  const dtype = bestFloat(b);
  const eps = dtype === 'float64' ? 1e-12 : 2e-5;
  describe.skipIf(!b.available)(`cs [${b.name}]`, () => {
    it.each(CASES)('partialDCT $m×$n forward and adjoint match the dense DCT', async ({ n, m, seed }) => {
      const A = cs.partialDCT(m, n, { seed, dtype });
      const D = refPartialDct(n, A.rows);
      const x = randn([n, 3], { seed: seed + 10, dtype });
      const y = randn([m, 2], { seed: seed + 20, dtype });
      const opts = { backend: b.name };
      await expectClose(await A.forward(x, opts), refMatmul(D, await toRef(x)), { atol: eps, rtol: eps }, `forward ${b.name}`);
      const dT = { data: new Float64Array(n * m), shape: [n, m] };
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) dT.data[j * m + i] = D.data[i * n + j]!;
      await expectClose(await A.adjoint(y, opts), refMatmul(dT, await toRef(y)), { atol: eps, rtol: eps }, `adjoint ${b.name}`);
    });

    it('OMP and FISTA recover a 6-sparse signal of 128 from 64 Gaussian measurements', async () => {
      const n = 128;
      const spikes = new Float64Array(n);
      [3, 17, 40, 77, 90, 121].forEach((i, j) => (spikes[i] = (j % 2 ? -1 : 1) * (1 + j / 4)));
      const { t: x } = await fromRef({ data: spikes, shape: [n] }, dtype);
      const A = cs.gaussian(64, n, { seed: 5, dtype });
      const y = await matmul(A, x, { backend: b.name });
      const omp = await cs.omp(A, y, { sparsity: 6, backend: b.name });
      expect(await cs.relativeError(x, omp.x)).toBeLessThan(dtype === 'float64' ? 1e-10 : 1e-5);
      const fista = await cs.fista(A, y, { lambda: 1e-4, maxIter: 3000, tol: 1e-8, backend: b.name });
      expect(await cs.relativeError(x, fista.x)).toBeLessThan(1e-2);
    });
  });
}

it('the reference DCT is orthonormal (a check of the oracle itself)', () => {
  const D = refPartialDct(8, [0, 1, 2, 3, 4, 5, 6, 7]);
  const product = refMatmul(D, { data: Float64Array.from({ length: 64 }, (_, k) => D.data[(k % 8) * 8 + Math.floor(k / 8)]!), shape: [8, 8] });
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) expect(product.data[i * 8 + j]).toBeCloseTo(i === j ? 1 : 0, 12);
});
