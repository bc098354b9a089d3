/** Sensing operators: adjointness ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ for every kind, structure, seeds, batches. */
import { beforeAll, describe, expect, it } from 'vitest';
import { cs, matmul, randn, setBackend, tensor, type LinearOperator } from '../../src/index.js';
import { denseDct, dot } from './signals.js';

// The reference runs are on js (the oracle backend); every available backend gets the
// backend matrix at the end of recovery.test.ts, with the backend named explicitly.
beforeAll(() => setBackend('js'));

const dtype = 'float64' as const;

const OPERATORS: Array<{ label: string; make: () => LinearOperator }> = [
  { label: 'gaussian', make: () => cs.operator(cs.gaussian(40, 97, { seed: 1, dtype })) },
  { label: 'gaussian (unnormalised)', make: () => cs.operator(cs.gaussian(40, 97, { seed: 1, dtype, normalize: false })) },
  { label: 'bernoulli', make: () => cs.operator(cs.bernoulli(33, 64, { seed: 2, dtype })) },
  { label: 'toeplitz', make: () => cs.operator(cs.toeplitz(50, 120, { seed: 3, dtype })) },
  { label: 'partialDCT (power of two)', make: () => cs.partialDCT(64, 256, { seed: 4, dtype }) },
  { label: 'partialDCT (Bluestein length)', make: () => cs.partialDCT(37, 101, { seed: 5, dtype }) },
  { label: 'dct2d (whole image)', make: () => cs.dct2d(12, 9, { dtype }) },
  { label: 'dct2d (8×8 blocks)', make: () => cs.dct2d(24, 20, { block: 8, dtype }) },
  { label: 'compose(gaussian, dct2dᵀ)', make: () => cs.compose(cs.gaussian(30, 64, { seed: 6, dtype }), cs.transpose(cs.dct2d(8, 8, { dtype }))) },
  { label: 'transpose(partialDCT)', make: () => cs.transpose(cs.partialDCT(20, 50, { seed: 7, dtype })) },
];

describe('adjointness ⟨Ax, y⟩ = ⟨x, Aᵀy⟩', () => {
  it.each(OPERATORS)('$label', async ({ make }) => {
    const a = make();
    const [m, n] = a.shape;
    for (const seed of [11, 12, 13]) {
      const x = randn([n], { seed, dtype });
      const y = randn([m], { seed: seed + 100, dtype });
      const ax = await (await a.forward(x)).data();
      const aty = await (await a.adjoint(y)).data();
      const lhs = dot(ax, y.dataSync());
      const rhs = dot(x.dataSync(), aty);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-10 * (1 + Math.abs(lhs)));
    }
    // Batches: each column as alone.
    const xb = randn([n, 3], { seed: 21, dtype });
    const yb = await (await a.forward(xb)).data();
    const xv = xb.dataSync();
    for (let c = 0; c < 3; c++) {
      const col = await (await a.forward(randnColumn(xv, n, 3, c))).data();
      for (let i = 0; i < m; i++) expect(Math.abs(yb[i * 3 + c]! - col[i]!)).toBeLessThan(1e-12);
    }
  });
});

function randnColumn(values: ArrayLike<number>, n: number, b: number, c: number) {
  return tensor(Float64Array.from({ length: n }, (_, i) => values[i * b + c]!), [n]);
}

describe('explicit matrices', () => {
  it('gaussian columns have unit norm and the same seed gives the same matrix', () => {
    const a = cs.gaussian(30, 50, { seed: 9, dtype }).dataSync();
    for (let j = 0; j < 50; j++) {
      let s = 0;
      for (let i = 0; i < 30; i++) s += a[i * 50 + j]! ** 2;
      expect(s).toBeCloseTo(1, 12);
    }
    expect(cs.gaussian(30, 50, { seed: 9, dtype }).dataSync()).toEqual(a);
    expect(cs.gaussian(30, 50, { seed: 10, dtype }).dataSync()).not.toEqual(a);
    expect(cs.gaussian(3, 4).dtype).toBe('float32');
  });

  it('bernoulli holds ±1/√m', () => {
    const a = cs.bernoulli(16, 40, { seed: 1 }).dataSync();
    const values = new Set(Array.from(a, (v) => Math.abs(v).toFixed(6)));
    expect([...values]).toEqual([(1 / 4).toFixed(6)]);
    const positives = Array.from(a).filter((v) => v > 0).length;
    expect(positives).toBeGreaterThan(200);
    expect(positives).toBeLessThan(440);
  });

  it('toeplitz is constant along every diagonal', () => {
    const m = 7;
    const n = 11;
    const a = cs.toeplitz(m, n, { seed: 5, dtype }).dataSync();
    for (let i = 1; i < m; i++) for (let j = 1; j < n; j++) expect(a[i * n + j]).toBe(a[(i - 1) * n + j - 1]);
  });

  it('cs.operator uses matmul: forward is A·x, adjoint Aᵀ·y', async () => {
    const A = cs.gaussian(6, 9, { seed: 2, dtype });
    const x = randn([9], { seed: 3, dtype });
    const op = cs.operator(A);
    expect(op.kind).toBe('matrix');
    expect(op.matrix).toBe(A);
    expect(await (await op.forward(x)).data()).toEqual(await (await matmul(A, x)).data());
  });
});

describe('cs.partialDCT', () => {
  it('keeps m distinct random rows of the orthonormal DCT-II, reproducibly', async () => {
    const n = 60;
    const op = cs.partialDCT(25, n, { seed: 42, dtype });
    expect(op.rows).toHaveLength(25);
    expect(new Set(op.rows).size).toBe(25);
    expect([...op.rows]).toEqual([...op.rows].sort((p, q) => p - q));
    expect(cs.partialDCT(25, n, { seed: 42 }).rows).toEqual(op.rows);
    const x = randn([n], { seed: 1, dtype });
    const got = await (await op.forward(x)).data();
    const c = denseDct(n);
    const xv = x.dataSync();
    op.rows.forEach((row, i) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += c[row * n + j]! * xv[j]!;
      expect(Math.abs(got[i]! - s)).toBeLessThan(1e-12);
    });
  });

  it('has orthonormal rows: A·Aᵀ = I', async () => {
    const op = cs.partialDCT(30, 90, { seed: 8, dtype });
    const y = randn([30], { seed: 2, dtype });
    const back = await (await op.forward(await op.adjoint(y))).data();
    const yv = y.dataSync();
    for (let i = 0; i < 30; i++) expect(Math.abs(back[i]! - yv[i]!)).toBeLessThan(1e-12);
  });
});
