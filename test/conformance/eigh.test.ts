/** linalg.eigh: the public op over the float64 eigensolver, checked by its identities and a hand-derived case. */
import { describe, expect, it } from 'vitest';
import { linalg, randn, tensor } from '../../src/index.js';
import { backendMatrix, runsDtype } from '../util/backends.js';

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
