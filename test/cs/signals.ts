/** Seeded k-sparse test signals and a dense orthonormal DCT-II, shared by the cs tests. */
import { randn, tensor, type Tensor } from '../../src/index.js';

/** A k-sparse vector of length n (Gaussian values on a random support); [n, signals] when signals > 1. */
export function sparseSignal(n: number, k: number, seed: number, dtype: 'float32' | 'float64' = 'float64', signals = 1): Tensor {
  const out = new Float64Array(n * signals);
  for (let c = 0; c < signals; c++) {
    const order = randn([n], { seed: seed + 7919 * c, dtype: 'float64' }).dataSync();
    const support = [...order.keys()].sort((p, q) => order[p]! - order[q]!).slice(0, k);
    const values = randn([k], { seed: seed + 7919 * c + 1, dtype: 'float64' }).dataSync();
    support.forEach((j, i) => (out[j * signals + c] = values[i]!));
  }
  const data = dtype === 'float32' ? Float32Array.from(out) : out;
  return tensor(data, signals === 1 ? [n] : [n, signals]);
}

/** The n×n orthonormal DCT-II matrix, row-major, computed term by term from the definition. */
export function denseDct(n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let i = 0; i < n; i++) c[k * n + i] = s * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
  }
  return c;
}

/** ⟨a, b⟩ in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** max |Aᵀy| for a row-major m×n A: the smallest λ for which the lasso solution is 0. */
export function lambdaMax(a: ArrayLike<number>, m: number, n: number, y: ArrayLike<number>): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += a[i * n + j]! * y[i]!;
    best = Math.max(best, Math.abs(s));
  }
  return best;
}
