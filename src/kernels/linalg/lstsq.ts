/**
 * Least squares, pseudo-inverse and rank, float64, row-major.
 *
 * lstsq: min ‖A·X − B‖ (Frobenius) for A m×n, B m×nrhs. The singular values are always computed
 * (numpy returns them, and they decide the rank). With full column rank (rank = n ≤ m) the
 * solution comes from Householder QR: X = R⁻¹·(QᵀB)[:n], 2·m·n² flops. Otherwise (rank-deficient
 * or wide) it is the minimum-norm solution X = V·diag(1/s_i, s_i > rcond·s_max)·Uᵀ·B from the thin
 * SVD, which is what numpy's gelsd returns.
 * pinv: V·diag(1/s_i, s_i > rtol·s_max)·Uᵀ (n×m). matrixRank: #{s_i > tol}.
 */
import { qrApplyQt, qrF64 } from './qr.js';
import { svdF64, type SvdResult } from './svd.js';
import { triangularSolveF64 } from './triangular.js';

export interface LstsqResult {
  /** n×nrhs row-major. */
  readonly x: Float64Array;
  /**
   * Σ_i (A·X − B)²_{ij} per column when m > n (whatever the rank: numpy leaves them out for a
   * rank-deficient A, lepton does not, so that the result's shape depends on the plan only), else empty.
   */
  readonly residuals: Float64Array;
  readonly rank: number;
  readonly s: Float64Array;
}

/** The thin SVD these functions build on (svdF64 in js; a backend may hand in its own). */
export type ThinSvd = (m: number, n: number, a: Float64Array, wantVectors: boolean) => SvdResult | null;

const jsThinSvd: ThinSvd = (m, n, a, wantVectors) => svdF64(m, n, a, false, wantVectors);

/** Singular values only. Null when the SVD did not converge. */
export function singularValuesF64(m: number, n: number, a: Float64Array, svd: ThinSvd = jsThinSvd): Float64Array | null {
  return svd(m, n, a, false)?.s ?? null;
}

/** How many singular values exceed `tol`. */
export function rankOf(s: Float64Array, tol: number): number {
  let r = 0;
  for (let i = 0; i < s.length; i++) if (s[i]! > tol) r++;
  return r;
}

/** V·diag(w)·Uᵀ·B for the thin SVD (k = min(m, n) terms), B m×nrhs, result n×nrhs. */
function applyPseudoInverse(svd: SvdResult, m: number, n: number, w: Float64Array, b: Float64Array, nrhs: number): Float64Array {
  const k = svd.s.length;
  // t = diag(w)·Uᵀ·B (k×nrhs)
  const t = new Float64Array(k * nrhs);
  const { u, ucols, vt } = svd;
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const f = u[i * ucols + p]! * w[p]!;
      if (f === 0) continue;
      for (let c = 0; c < nrhs; c++) t[p * nrhs + c] = t[p * nrhs + c]! + f * b[i * nrhs + c]!;
    }
  }
  const x = new Float64Array(n * nrhs);
  for (let p = 0; p < k; p++) {
    for (let j = 0; j < n; j++) {
      const f = vt[p * n + j]!;
      if (f === 0) continue;
      for (let c = 0; c < nrhs; c++) x[j * nrhs + c] = x[j * nrhs + c]! + f * t[p * nrhs + c]!;
    }
  }
  return x;
}

function reciprocals(s: Float64Array, cutoff: number): Float64Array {
  const w = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) w[i] = s[i]! > cutoff ? 1 / s[i]! : 0;
  return w;
}

/** Least squares; `rcond` is relative to the largest singular value. Null when the SVD failed. */
export function lstsqF64(
  m: number, n: number, a: Float64Array, b: Float64Array, nrhs: number, rcond: number, thin: ThinSvd = jsThinSvd,
): LstsqResult | null {
  const k = Math.min(m, n);
  if (k === 0) {
    const residuals = new Float64Array(m > 0 && n === 0 ? nrhs : 0);
    for (let i = 0; i < m; i++) for (let c = 0; c < residuals.length; c++) residuals[c] = residuals[c]! + b[i * nrhs + c]! ** 2;
    return { x: new Float64Array(n * nrhs), residuals, rank: 0, s: new Float64Array(0) };
  }
  const svd = thin(m, n, a, true);
  if (!svd) return null;
  const cutoff = rcond * svd.s[0]!;
  const rank = rankOf(svd.s, cutoff);
  let x: Float64Array;
  if (rank === n) {
    const qr = a.slice(0, m * n);
    const tau = new Float64Array(n);
    qrF64(m, n, qr, tau);
    const qtb = b.slice(0, m * nrhs);
    qrApplyQt(m, n, qr, tau, qtb, nrhs);
    x = qtb.slice(0, n * nrhs);
    triangularSolveF64(n, upperSquare(qr, n), x, nrhs, { lower: false, transpose: false, unitDiagonal: false });
  } else {
    x = applyPseudoInverse(svd, m, n, reciprocals(svd.s, cutoff), b, nrhs);
  }
  let residuals = new Float64Array(0);
  if (m > n) {
    residuals = new Float64Array(nrhs);
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < nrhs; c++) {
        let r = -b[i * nrhs + c]!;
        for (let j = 0; j < n; j++) r += a[i * n + j]! * x[j * nrhs + c]!;
        residuals[c] = residuals[c]! + r * r;
      }
    }
  }
  return { x, residuals, rank, s: svd.s };
}

/** The leading n×n block of a row-major matrix with n columns (R of a tall QR). */
function upperSquare(qr: Float64Array, n: number): Float64Array {
  return qr.subarray(0, n * n);
}

/** The Moore–Penrose pseudo-inverse (n×m) with cutoff rtol·s_max. Null when the SVD failed. */
export function pinvF64(m: number, n: number, a: Float64Array, rtol: number, thin: ThinSvd = jsThinSvd): Float64Array | null {
  if (m === 0 || n === 0) return new Float64Array(0);
  const svd = thin(m, n, a, true);
  if (!svd) return null;
  const w = reciprocals(svd.s, rtol * svd.s[0]!);
  // V·diag(w)·Uᵀ = applyPseudoInverse with B = I (m×m).
  const eye = new Float64Array(m * m);
  for (let i = 0; i < m; i++) eye[i * m + i] = 1;
  return applyPseudoInverse(svd, m, n, w, eye, m);
}
