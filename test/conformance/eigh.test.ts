/** linalg.eigh: the public op over the float64 eigensolver, checked by its identities and a hand-derived case. */
import { describe, expect, it } from 'vitest';
import { linalg, randn, tensor } from '../../src/index.js';
import { backendMatrix, runsDtype } from '../util/backends.js';
import { orthogonal } from '../util/orthogonal.js';

const BACKENDS = await backendMatrix();

describe('linalg.eigh', () => {
  it('[[2, 1], [1, 2]] has eigenvalues 1 and 3 with vectors (1, −1)/√2 and (1, 1)/√2 (up to sign)', () => {
    const { values, vectors } = linalg.eigh(tensor([[2, 1], [1, 2]], { dtype: 'float64' }));
    const v = Array.from(values.dataSync());
    expect(v[0]).toBeCloseTo(1, 14);
    expect(v[1]).toBeCloseTo(3, 14);
    const q = vectors.dataSync();
    expect(Math.abs(q[0]! * q[2]! + q[1]! * q[3]!)).toBeLessThan(1e-15); // columns orthogonal
    expect(Math.abs(q[0]!)).toBeCloseTo(Math.SQRT1_2, 14);
  });

  for (const b of BACKENDS)
  for (const [dtype, tol] of [['float64', 1e-12], ['float32', 1e-4]] as const) {
    it.skipIf(!b.available || !runsDtype(b, dtype))(`[${b.name}] reconstructs A = V·diag(λ)·Vᵀ with orthonormal V, values ascending (${dtype}, n = 1, 7, 33, 70)`, async () => {
      for (const n of [1, 7, 33, 70]) {
        const r = randn([n, n], { seed: n, dtype: 'float64' }).dataSync();
        const s = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = r[i * n + j]! + r[j * n + i]!;
        const { values, vectors } = linalg.eigh(tensor(dtype === 'float64' ? s : Float32Array.from(s), [n, n]), { backend: b.name });
        const w = await values.data();
        const v = await vectors.data();
        for (let i = 1; i < n; i++) expect(w[i]!).toBeGreaterThanOrEqual(w[i - 1]!);
        const scale = Math.max(...s.map(Math.abs));
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let a = 0;
            let g = 0;
            for (let k = 0; k < n; k++) {
              a += v[i * n + k]! * w[k]! * v[j * n + k]!;
              g += v[k * n + i]! * v[k * n + j]!;
            }
            expect(Math.abs(a - s[i * n + j]!)).toBeLessThan(tol * n * scale);
            expect(Math.abs(g - (i === j ? 1 : 0))).toBeLessThan(tol * n);
          }
        }
      }
    });
  }

  it('refuses a non-square matrix (at the call) and non-finite values (at the call, or at the read of deferred work) with typed errors', async () => {
    expect(() => linalg.eigh(tensor([[1, 2, 3]]))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    const read = async () => {
      const { values, vectors } = linalg.eigh(tensor([[1, NaN], [NaN, 1]]));
      await Promise.all([values.data(), vectors.data()]);
    };
    await expect(read()).rejects.toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

/** Q·diag(λ)·Qᵀ for a seeded orthogonal Q (a product of Householder reflectors, plain loops). */
function withEigenvalues(lambda: number[], seed: number): Float64Array {
  const n = lambda.length;
  const q = orthogonal(n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += q[i * n + k]! * lambda[k]! * q[j * n + k]!;
    a[i * n + j] = s;
  }
  // Exactly symmetric.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j]!;
  return a;
}

/** The hard cases of an eigensolver: repeated and clustered eigenvalues, a split tridiagonal, Wilkinson's matrix. */
const HARD: Array<{ label: string; n: number; a: Float64Array; values?: number[] }> = (() => {
  const out: Array<{ label: string; n: number; a: Float64Array; values?: number[] }> = [];
  const rep = Array.from({ length: 60 }, (_, i) => 1 + (i % 5));
  out.push({ label: 'five eigenvalues, each 12 times (n = 60)', n: 60, a: withEigenvalues(rep, 11), values: [...rep].sort((x, y) => x - y) });
  const close = Array.from({ length: 40 }, (_, i) => (i < 20 ? 1 + i * 1e-10 : 2 + i));
  out.push({ label: 'twenty eigenvalues within 2e-9 (n = 40)', n: 40, a: withEigenvalues(close, 12), values: [...close].sort((x, y) => x - y) });
  const d = Array.from({ length: 45 }, (_, i) => [3, -1, 3, 0.5, 3][i % 5]!);
  const diag = new Float64Array(45 * 45);
  d.forEach((v, i) => (diag[i * 45 + i] = v));
  out.push({ label: 'diagonal with repeats (every off-diagonal 0, n = 45)', n: 45, a: diag, values: [...d].sort((x, y) => x - y) });
  const w = 21;
  const wil = new Float64Array(w * w);
  for (let i = 0; i < w; i++) {
    wil[i * w + i] = Math.abs(10 - i);
    if (i + 1 < w) wil[i * w + i + 1] = wil[(i + 1) * w + i] = 1;
  }
  out.push({ label: "Wilkinson's W21+ (pairs agreeing to 1e-14)", n: w, a: wil });
  const m = 100;
  const near = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    near[i * m + i] = 1;
    if (i + 1 < m) near[i * m + i + 1] = near[(i + 1) * m + i] = 1e-9;
  }
  out.push({ label: 'I + 1e-9·(off-diagonal ones): one cluster of 100 (n = 100)', n: m, a: near });
  const g = randn([130, 130], { seed: 130, dtype: 'float64' }).dataSync();
  const sym = new Float64Array(130 * 130);
  for (let i = 0; i < 130; i++) for (let j = 0; j < 130; j++) sym[i * 130 + j] = g[i * 130 + j]! + g[j * 130 + i]!;
  out.push({ label: 'random n = 130 (past four 32-wide panels, off-tile)', n: 130, a: sym });
  return out;
})();

for (const b of BACKENDS) {
  describe.skipIf(!b.available || !runsDtype(b, 'float64'))(`linalg.eigh hard cases [${b.name}]`, () => {
    it.each(HARD)('$label: A·V = V·Λ, VᵀV = I, values ascending (and as constructed)', async (c) => {
      const { n, a } = c;
      const { values, vectors } = linalg.eigh(tensor(a, [n, n], { dtype: 'float64' }), { backend: b.name });
      const w = await values.data();
      const v = await vectors.data();
      const scale = Math.max(...a.map(Math.abs), 1e-300);
      for (let i = 1; i < n; i++) expect(w[i]!).toBeGreaterThanOrEqual(w[i - 1]!);
      if (c.values) for (let i = 0; i < n; i++) expect(Math.abs(w[i]! - c.values[i]!), `value ${i}`).toBeLessThanOrEqual(1e-12 * n * scale);
      let res = 0;
      let orth = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let av = 0;
          let g = 0;
          for (let k = 0; k < n; k++) {
            av += a[i * n + k]! * v[k * n + j]!;
            g += v[k * n + i]! * v[k * n + j]!;
          }
          res = Math.max(res, Math.abs(av - v[i * n + j]! * w[j]!));
          orth = Math.max(orth, Math.abs(g - (i === j ? 1 : 0)));
        }
      }
      expect(res, '‖A·V − V·Λ‖_max').toBeLessThanOrEqual(64 * n * 2 ** -52 * scale);
      expect(orth, '‖VᵀV − I‖_max').toBeLessThanOrEqual(64 * n * 2 ** -52);
    });
  });
}
