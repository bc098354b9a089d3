/** Seeded orthogonal matrices for the eigensolver and SVD tests (plain loops, float64). */
import { randn } from '../../src/index.js';

/** An m×m orthogonal matrix, row-major: a product of four seeded Householder reflectors. */
export function orthogonal(m: number, seed: number): Float64Array {
  const q = new Float64Array(m * m);
  for (let i = 0; i < m; i++) q[i * m + i] = 1;
  const r = randn([4, m], { seed, dtype: 'float64' }).dataSync() as Float64Array;
  for (let h = 0; h < 4; h++) {
    const v = r.subarray(h * m, (h + 1) * m);
    let vv = 0;
    for (let k = 0; k < m; k++) vv += v[k]! * v[k]!;
    for (let i = 0; i < m; i++) {
      let dot = 0;
      for (let k = 0; k < m; k++) dot += q[i * m + k]! * v[k]!;
      for (let k = 0; k < m; k++) q[i * m + k] -= (2 * dot * v[k]!) / vv;
    }
  }
  return q;
}
