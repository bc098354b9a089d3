/**
 * Reference Cholesky (S = L·Lᵀ, reading only the lower triangle of S; zeros above the diagonal)
 * and the SPD solve S·X = B by forward and back substitution. Unblocked, float64.
 */
import type { Ref } from './nd.js';

export function refCholesky(s: Ref): Ref {
  const n = s.shape[0]!;
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = s.data[j * n + j]!;
    for (let p = 0; p < j; p++) d -= L[j * n + p]! * L[j * n + p]!;
    if (!(d > 0)) throw new Error(`reference cholesky: pivot ${j} is ${d}, not positive`);
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let v = s.data[i * n + j]!; // i > j: the lower triangle
      for (let p = 0; p < j; p++) v -= L[i * n + p]! * L[j * n + p]!;
      L[i * n + j] = v / ljj;
    }
  }
  return { data: L, shape: [n, n] };
}

/** X = S⁻¹B for B of shape [n] or [n, k]. */
export function refSolveSPD(s: Ref, b: Ref): Ref {
  const n = s.shape[0]!;
  const k = b.shape.length === 1 ? 1 : b.shape[1]!;
  const L = refCholesky(s).data;
  const x = Float64Array.from(b.data);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      let v = x[i * k + c]!; // L·z = b
      for (let p = 0; p < i; p++) v -= L[i * n + p]! * x[p * k + c]!;
      x[i * k + c] = v / L[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let v = x[i * k + c]!; // Lᵀ·x = z
      for (let p = i + 1; p < n; p++) v -= L[p * n + i]! * x[p * k + c]!;
      x[i * k + c] = v / L[i * n + i]!;
    }
  }
  return { data: x, shape: [...b.shape] };
}
