/**
 * Blocked right-looking Cholesky (S = L·Lᵀ) in place on a row-major float64 n×n matrix, and the
 * triangular solves that use it. Each step factors a JS_CHOLESKY_BLOCK-wide diagonal block
 * unblocked, solves the panel below it, and updates the trailing lower triangle with the blocked
 * GEMM (C −= P·Pᵀ, one block row at a time so that only the lower half is computed).
 * Cost: n³/3 flops, almost all of them in GEMM. Only the lower triangle is read or written.
 */
import { NotPositiveDefiniteError } from '../errors.js';
import { JS_CHOLESKY_BLOCK } from '../tuning.js';
import { gemm } from './gemm.js';

/** Where a failure is reported: the op name and what the matrix is, for the message. */
export interface CholeskyContext {
  op: string;
  matrix: string;
  hint: string;
}

/**
 * Factors s (n×n, row-major, lower triangle) into L in place; the strict upper triangle is zeroed.
 * A pivot at or below n·ε·max|diag| (or NaN) means the matrix is not numerically positive definite.
 */
export function choleskyInPlace(s: Float64Array, n: number, context: CholeskyContext): void {
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(s[i * n + i]!));
  const tolerance = Math.max(n, 1) * Number.EPSILON * maxDiag;
  const nb = JS_CHOLESKY_BLOCK;
  for (let j0 = 0; j0 < n; j0 += nb) {
    const j1 = Math.min(n, j0 + nb);
    // 1. Unblocked factorisation of the diagonal block (already updated by earlier steps).
    for (let j = j0; j < j1; j++) {
      let d = s[j * n + j]!;
      for (let p = j0; p < j; p++) d -= s[j * n + p]! * s[j * n + p]!;
      if (!(d > tolerance)) {
        throw new NotPositiveDefiniteError(
          context.op,
          `${context.matrix} is not positive definite: pivot ${j} is ${short(d)} (tolerance ${short(tolerance)})`,
          context.hint,
        );
      }
      const ljj = Math.sqrt(d);
      s[j * n + j] = ljj;
      for (let i = j + 1; i < j1; i++) {
        let v = s[i * n + j]!;
        for (let p = j0; p < j; p++) v -= s[i * n + p]! * s[j * n + p]!;
        s[i * n + j] = v / ljj;
      }
    }
    // 2. Panel below: rows i ≥ j1 solve L[i, j0:j1] · L[j0:j1, j0:j1]ᵀ = S[i, j0:j1].
    for (let i = j1; i < n; i++) {
      for (let j = j0; j < j1; j++) {
        let v = s[i * n + j]!;
        for (let p = j0; p < j; p++) v -= s[i * n + p]! * s[j * n + p]!;
        s[i * n + j] = v / s[j * n + j]!;
      }
    }
    // 3. Trailing update of the lower triangle: S[r, j1:r_end] −= P[r] · P[j1:r_end]ᵀ per block row.
    const width = j1 - j0;
    for (let r0 = j1; r0 < n; r0 += nb) {
      const r1 = Math.min(n, r0 + nb);
      gemm({
        m: r1 - r0, n: r1 - j1, k: width,
        a: s, aOffset: r0 * n + j0, aRowStride: n, aColStride: 1,
        b: s, bOffset: j1 * n + j0, bRowStride: 1, bColStride: n,
        c: s, cOffset: r0 * n + j1, cRowStride: n,
        alpha: -1, beta: 1,
      });
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s[i * n + j] = 0;
}

/**
 * Solves L·Lᵀ·X = B in place for B (n×k, row-major), given the Cholesky factor L (row-major,
 * lower). Forward then backward substitution, each row update vectorised over the k columns.
 */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array, k: number): void {
  // Forward: L·Y = B.
  for (let i = 0; i < n; i++) {
    const bi = i * k;
    for (let p = 0; p < i; p++) {
      const lip = l[i * n + p]!;
      const bp = p * k;
      for (let c = 0; c < k; c++) b[bi + c] -= lip * b[bp + c]!;
    }
    const inv = 1 / l[i * n + i]!;
    for (let c = 0; c < k; c++) b[bi + c] *= inv;
  }
  // Backward: Lᵀ·X = Y, row i of Lᵀ is column i of L.
  for (let i = n - 1; i >= 0; i--) {
    const bi = i * k;
    for (let p = i + 1; p < n; p++) {
      const lpi = l[p * n + i]!;
      const bp = p * k;
      for (let c = 0; c < k; c++) b[bi + c] -= lpi * b[bp + c]!;
    }
    const inv = 1 / l[i * n + i]!;
    for (let c = 0; c < k; c++) b[bi + c] *= inv;
  }
}

/** Three significant digits, without trailing zeros: 0, -3, 2.95e-15. */
function short(v: number): string {
  return String(Number(v.toPrecision(3)));
}
