/**
 * linalg.svd on the matrices that separate SVD algorithms, on every backend: repeated and
 * clustered singular values, a tiny singular value beside large ones, exact rank deficiency, and
 * random tall/wide/square sizes past the 32-wide blocks. Checked by the identities (U·diag(s)·Vᵀ =
 * A, UᵀU = I, VVᵀ = I, s descending) and, where A is built from known singular values, s itself.
 * Tolerance: 64·max(m, n)·ε·‖A‖_max (float64).
 */
import { describe, expect, it } from 'vitest';
import { linalg, randn, tensor } from '../../src/index.js';
import { backendMatrix, runsDtype } from '../util/backends.js';
import { orthogonal } from '../util/orthogonal.js';

/** U·diag(s)·Vᵀ for seeded orthogonal U (m×m) and V (n×n), s of length min(m, n). */
function withSingularValues(m: number, n: number, s: number[], seed: number): Float64Array {
  const u = orthogonal(m, seed);
  const v = orthogonal(n, seed + 1);
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let k = 0; k < s.length; k++) x += u[i * m + k]! * s[k]! * v[j * n + k]!;
      a[i * n + j] = x;
    }
  return a;
}

interface Case {
  label: string;
  m: number;
  n: number;
  a: Float64Array;
  s?: number[];
}

const CASES: Case[] = (() => {
  const out: Case[] = [];
  const rep = Array.from({ length: 48 }, (_, i) => 4 - (i % 4));
  out.push({ label: 'four singular values, each 12 times (48×48)', m: 48, n: 48, a: withSingularValues(48, 48, rep, 21), s: [...rep].sort((x, y) => y - x) });
  const close = Array.from({ length: 40 }, (_, i) => (i < 16 ? 2 + i * 1e-11 : 1 / (i + 1)));
  out.push({ label: 'sixteen singular values within 2e-10 (50×40)', m: 50, n: 40, a: withSingularValues(50, 40, close, 22), s: [...close].sort((x, y) => y - x) });
  const tiny = Array.from({ length: 30 }, (_, i) => (i === 29 ? 1e-13 : 1 + i));
  out.push({ label: 'one singular value 1e-13 beside 1…29 (30×30)', m: 30, n: 30, a: withSingularValues(30, 30, tiny, 23), s: [...tiny].sort((x, y) => y - x) });
  const rank = Array.from({ length: 36 }, (_, i) => (i < 20 ? 10 - i * 0.3 : 0));
  out.push({ label: 'rank 20 of 36 (exact zeros, 36×45)', m: 36, n: 45, a: withSingularValues(36, 45, rank, 24), s: [...rank].sort((x, y) => y - x) });
  for (const [m, n] of [[130, 70], [70, 130], [160, 160]] as const) {
    out.push({ label: `random ${m}×${n}`, m, n, a: randn([m, n], { seed: m * 1000 + n, dtype: 'float64' }).dataSync() as Float64Array });
  }
  return out;
})();

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !runsDtype(b, 'float64'))(`linalg.svd hard cases [${b.name}]`, () => {
    it.each(CASES)('$label', async (c) => {
      const { m, n, a } = c;
      const k = Math.min(m, n);
      const { u, s, vt } = linalg.svd(tensor(a, [m, n], { dtype: 'float64' }), { backend: b.name });
      const U = await u.data();
      const S = await s.data();
      const V = await vt.data();
      let amax = 0;
      for (const x of a) amax = Math.max(amax, Math.abs(x));
      const bound = 64 * Math.max(m, n) * 2 ** -52 * amax;
      for (let i = 1; i < k; i++) expect(S[i]!).toBeLessThanOrEqual(S[i - 1]!);
      if (c.s) for (let i = 0; i < k; i++) expect(Math.abs(S[i]! - c.s[i]!), `s[${i}]`).toBeLessThanOrEqual(bound);
      let res = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let x = 0;
          for (let p = 0; p < k; p++) x += U[i * m + p]! * S[p]! * V[p * n + j]!;
          res = Math.max(res, Math.abs(x - a[i * n + j]!));
        }
      expect(res, '‖U·Σ·Vᵀ − A‖_max').toBeLessThanOrEqual(bound);
      const orth = (x: Float64Array, rows: number, cols: number, byColumns: boolean): number => {
        let worst = 0;
        const count = byColumns ? cols : rows;
        const len = byColumns ? rows : cols;
        for (let i = 0; i < count; i++)
          for (let j = 0; j < count; j++) {
            let g = 0;
            for (let p = 0; p < len; p++) g += byColumns ? x[p * cols + i]! * x[p * cols + j]! : x[i * cols + p]! * x[j * cols + p]!;
            worst = Math.max(worst, Math.abs(g - (i === j ? 1 : 0)));
          }
        return worst;
      };
      expect(orth(U as Float64Array, m, m, true), 'UᵀU = I').toBeLessThanOrEqual(64 * Math.max(m, n) * 2 ** -52);
      expect(orth(V as Float64Array, n, n, false), 'VVᵀ = I').toBeLessThanOrEqual(64 * Math.max(m, n) * 2 ** -52);
    });
  });
}
