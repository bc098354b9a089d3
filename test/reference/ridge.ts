/**
 * Reference ridge: forms the normal equations (AᵀA + λI)·x = Aᵀy in float64 and solves them by
 * Gaussian elimination with partial pivoting (no Cholesky, so that it shares no method with the
 * library's solver). A is [m, n]; y is [m] or [m, B]; x is [n] or [n, B].
 */
import type { Ref } from './nd.js';

export function refRidge(a: Ref, y: Ref, lambda: number): Ref {
  const [m, n] = a.shape as [number, number];
  const k = y.shape.length === 1 ? 1 : y.shape[1]!;
  const N = new Float64Array(n * n);
  const R = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? lambda : 0;
      for (let r = 0; r < m; r++) s += a.data[r * n + i]! * a.data[r * n + j]!;
      N[i * n + j] = s;
    }
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += a.data[r * n + i]! * y.data[r * k + c]!;
      R[i * k + c] = s;
    }
  }
  return { data: gaussSolve(N, R, n, k), shape: y.shape.length === 1 ? [n] : [n, k] };
}

/** Solves N·X = R (N n×n, R n×k, both overwritten) by elimination with partial pivoting. */
export function gaussSolve(N: Float64Array, R: Float64Array, n: number, k: number): Float64Array {
  const swap = (arr: Float64Array, w: number, r1: number, r2: number) => {
    for (let c = 0; c < w; c++) [arr[r1 * w + c], arr[r2 * w + c]] = [arr[r2 * w + c]!, arr[r1 * w + c]!];
  };
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(N[r * n + col]!) > Math.abs(N[piv * n + col]!)) piv = r;
    if (N[piv * n + col] === 0) throw new Error('reference gaussSolve: singular matrix');
    swap(N, n, col, piv);
    swap(R, k, col, piv);
    for (let r = col + 1; r < n; r++) {
      const f = N[r * n + col]! / N[col * n + col]!;
      for (let c = col; c < n; c++) N[r * n + c] -= f * N[col * n + c]!;
      for (let c = 0; c < k; c++) R[r * k + c] -= f * R[col * k + c]!;
    }
  }
  const X = new Float64Array(n * k);
  for (let r = n - 1; r >= 0; r--)
    for (let c = 0; c < k; c++) {
      let s = R[r * k + c]!;
      for (let p = r + 1; p < n; p++) s -= N[r * n + p]! * X[p * k + c]!;
      X[r * k + c] = s / N[r * n + r]!;
    }
  return X;
}
