/**
 * Reference orthonormal DCT-II as a dense matrix: D[k, i] = s_k · cos(π(2i + 1)k / 2n), with
 * s_0 = √(1/n) and s_k = √(2/n). Plain loops, float64; no code shared with src/.
 */
import type { Ref } from './nd.js';

export function refDctMatrix(n: number): Ref {
  const data = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt((k === 0 ? 1 : 2) / n);
    for (let i = 0; i < n; i++) data[k * n + i] = s * Math.cos((Math.PI * (2 * i + 1) * k) / (2 * n));
  }
  return { data, shape: [n, n] };
}

/** The rows `rows` of the n-point DCT-II matrix. */
export function refPartialDct(n: number, rows: readonly number[]): Ref {
  const full = refDctMatrix(n);
  const data = new Float64Array(rows.length * n);
  rows.forEach((r, j) => data.set(full.data.subarray(r * n, (r + 1) * n), j * n));
  return { data, shape: [rows.length, n] };
}
