/**
 * Singular value decomposition A = U·diag(s)·Vᵀ of a real m×n matrix, float64 (Golub–Kahan–
 * Reinsch: Householder bidiagonalisation, then implicit-shift QR on the bidiagonal).
 *
 * Steps, for m ≥ n (a wide A is handled as Aᵀ = V·S·Uᵀ, so wide matrices are right too):
 * 1. A is scaled by 1/max|a| (no overflow in the squares of the shift), then reduced to upper
 *    bidiagonal B = Hᵀ·A·G by alternating left reflectors (columns) and right reflectors (rows);
 *    2·(m·n² − n³/3) flops.
 * 2. Uᵀ (ucols×m, ucols = n thin or m full) and Vᵀ (n×n) are formed by applying the reflectors
 *    backwards to [I 0] from the right, so every update runs along contiguous rows.
 * 3. B is diagonalised by Golub–Kahan sweeps with the Wilkinson shift of the trailing 2×2 of BᵀB;
 *    a negligible superdiagonal entry (≤ ε·(|d_i| + |d_{i+1}|) or ≤ ε·‖B‖) splits the problem,
 *    and a negligible diagonal entry is chased out by rotations so the block splits. Every
 *    rotation of B's rows (columns) rotates two rows of Uᵀ (Vᵀ): contiguous, about 12·n³ flops in
 *    all for the vectors.
 * 4. Signs are made positive (flipping rows of Vᵀ), values sorted descending with their vectors,
 *    and the scale undone.
 * Returns null when the QR iteration fails to converge within 75·n sweeps (not seen in practice
 * for finite input; the ops check finiteness first).
 */
import { householder } from './qr.js';

export interface SvdResult {
  /** min(m, n) singular values, descending, ≥ 0. */
  readonly s: Float64Array;
  /** U, m×ucols row-major (ucols = m full, min(m, n) thin); empty when vectors were not asked. */
  readonly u: Float64Array;
  readonly ucols: number;
  /** Vᵀ, vrows×n row-major (vrows = n full, min(m, n) thin); empty when vectors were not asked. */
  readonly vt: Float64Array;
  readonly vrows: number;
}

const EPS = 2 ** -52;

/** Rotates rows i and j of a row-major matrix with rows of length len: (r_i, r_j) ← (c·r_i + s·r_j, c·r_j − s·r_i). */
function rotateRows(x: Float64Array, len: number, i: number, j: number, c: number, s: number): void {
  const oi = i * len;
  const oj = j * len;
  for (let t = 0; t < len; t++) {
    const a = x[oi + t]!;
    const b = x[oj + t]!;
    x[oi + t] = c * a + s * b;
    x[oj + t] = c * b - s * a;
  }
}

/**
 * The SVD of the row-major m×n matrix `a` (not modified). `full`: U m×m and Vᵀ n×n, else thin
 * (m×k and k×n, k = min(m, n)). `wantVectors` false computes s only.
 */
export function svdF64(m: number, n: number, a: Float64Array, full: boolean, wantVectors = true): SvdResult | null {
  if (m >= n) {
    const r = svdTall(m, n, a.slice(0, m * n), full, wantVectors);
    if (!r) return null;
    // U = (Uᵀ)ᵀ.
    const u = new Float64Array(m * r.ucols);
    if (wantVectors) {
      for (let i = 0; i < r.ucols; i++) for (let j = 0; j < m; j++) u[j * r.ucols + i] = r.ut[i * m + j]!;
    }
    return { s: r.s, u, ucols: wantVectors ? r.ucols : 0, vt: r.vt, vrows: wantVectors ? n : 0 };
  }
  // Aᵀ = U'·S·V'ᵀ, so A = V'·S·U'ᵀ: U = V' and Vᵀ = U'ᵀ.
  const at = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j]!;
  const r = svdTall(n, m, at, full, wantVectors);
  if (!r) return null;
  const u = new Float64Array(m * m);
  if (wantVectors) {
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) u[j * m + i] = r.vt[i * m + j]!;
  }
  return { s: r.s, u, ucols: wantVectors ? m : 0, vt: r.ut, vrows: wantVectors ? r.ucols : 0 };
}

interface TallResult {
  s: Float64Array;
  ut: Float64Array;
  ucols: number;
  vt: Float64Array;
}

function svdTall(m: number, n: number, a: Float64Array, full: boolean, wantVectors: boolean): TallResult | null {
  const ucols = full ? m : n;
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  let scale = 0;
  for (let i = 0; i < m * n; i++) scale = Math.max(scale, Math.abs(a[i]!));
  if (scale > 0 && scale !== 1) for (let i = 0; i < m * n; i++) a[i] = a[i]! / scale;

  // 1. Bidiagonalisation: left reflector τq[k] in column k, right reflector τp[k] in row k.
  const tauq = new Float64Array(n);
  const taup = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const [beta, tq] = householder(a, a[k * n + k]!, k * n + k, n, m - k);
    d[k] = beta;
    tauq[k] = tq;
    a[k * n + k] = 1;
    if (tq !== 0 && k + 1 < n) {
      for (let c = k + 1; c < n; c++) w[c] = a[k * n + c]!;
      for (let i = k + 1; i < m; i++) {
        const vi = a[i * n + k]!;
        if (vi === 0) continue;
        for (let c = k + 1; c < n; c++) w[c] = w[c]! + vi * a[i * n + c]!;
      }
      for (let i = k; i < m; i++) {
        const f = tq * a[i * n + k]!;
        if (f === 0) continue;
        for (let c = k + 1; c < n; c++) a[i * n + c] = a[i * n + c]! - f * w[c]!;
      }
    }
    if (k + 1 < n) {
      const [beta2, tp] = householder(a, a[k * n + k + 1]!, k * n + k + 1, 1, n - k - 1);
      e[k] = beta2;
      taup[k] = tp;
      a[k * n + k + 1] = 1;
      if (tp !== 0) {
        for (let i = k + 1; i < m; i++) {
          const ri = i * n;
          let s = 0;
          for (let c = k + 1; c < n; c++) s += a[ri + c]! * a[k * n + c]!;
          const f = tp * s;
          for (let c = k + 1; c < n; c++) a[ri + c] = a[ri + c]! - f * a[k * n + c]!;
        }
      }
    }
  }

  // 2. Uᵀ = [I 0]·H_{n−1}·…·H_0 and Vᵀ = G_{n−2}·…·G_0, rows updated from the right.
  let ut = new Float64Array(0);
  let vt = new Float64Array(0);
  if (wantVectors) {
    ut = new Float64Array(ucols * m);
    for (let i = 0; i < ucols; i++) ut[i * m + i] = 1;
    for (let k = n - 1; k >= 0; k--) {
      const t = tauq[k]!;
      if (t === 0) continue;
      for (let r = k; r < ucols; r++) {
        const o = r * m;
        let s = 0;
        for (let i = k; i < m; i++) s += ut[o + i]! * a[i * n + k]!;
        if (s === 0) continue;
        const f = t * s;
        for (let i = k; i < m; i++) ut[o + i] = ut[o + i]! - f * a[i * n + k]!;
      }
    }
    vt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) vt[i * n + i] = 1;
    for (let k = n - 2; k >= 0; k--) {
      const t = taup[k]!;
      if (t === 0) continue;
      const v = k * n;
      for (let r = k + 1; r < n; r++) {
        const o = r * n;
        let s = 0;
        for (let c = k + 1; c < n; c++) s += vt[o + c]! * a[v + c]!;
        if (s === 0) continue;
        const f = t * s;
        for (let c = k + 1; c < n; c++) vt[o + c] = vt[o + c]! - f * a[v + c]!;
      }
    }
  }

  // 3. Implicit-shift QR on the bidiagonal (d, e).
  let anorm = 0;
  for (let i = 0; i < n; i++) anorm = Math.max(anorm, Math.abs(d[i]!) + (i < n - 1 ? Math.abs(e[i]!) : 0));
  const small = EPS * anorm;
  let sweeps = 0;
  const maxSweeps = 75 * Math.max(n, 1);
  let q = n - 1;
  while (q > 0) {
    for (let i = 0; i < q; i++) {
      const ei = Math.abs(e[i]!);
      if (ei !== 0 && (ei <= EPS * (Math.abs(d[i]!) + Math.abs(d[i + 1]!)) || ei <= small)) e[i] = 0;
    }
    if (e[q - 1] === 0) {
      q--;
      continue;
    }
    let p = q - 1;
    while (p > 0 && e[p - 1] !== 0) p--;
    // A negligible diagonal entry: chase its row's (or, last, its column's) superdiagonal out.
    let chased = false;
    for (let i = p; i <= q; i++) {
      if (Math.abs(d[i]!) > small) continue;
      d[i] = 0;
      chased = true;
      if (i < q) {
        let bulge = e[i]!;
        e[i] = 0;
        for (let j = i + 1; j <= q && bulge !== 0; j++) {
          const r = Math.hypot(d[j]!, bulge);
          const c = d[j]! / r;
          const s = bulge / r;
          d[j] = r;
          if (wantVectors) rotateRows(ut, m, j, i, c, s);
          if (j < q) {
            bulge = -s * e[j]!;
            e[j] = c * e[j]!;
          }
        }
      } else {
        let bulge = e[q - 1]!;
        e[q - 1] = 0;
        for (let j = q - 1; j >= p && bulge !== 0; j--) {
          const r = Math.hypot(d[j]!, bulge);
          const c = d[j]! / r;
          const s = bulge / r;
          d[j] = r;
          if (wantVectors) rotateRows(vt, n, j, q, c, s);
          if (j > p) {
            bulge = -s * e[j - 1]!;
            e[j - 1] = c * e[j - 1]!;
          }
        }
      }
      break;
    }
    if (chased) continue;
    if (++sweeps > maxSweeps) return null;
    // Wilkinson shift: the eigenvalue of the trailing 2×2 of BᵀB nearer its last entry.
    const dm = d[q - 1]!;
    const em = q - 1 > p ? e[q - 2]! : 0;
    const dn = d[q]!;
    const en = e[q - 1]!;
    const t11 = dm * dm + em * em;
    const t12 = dm * en;
    const t22 = dn * dn + en * en;
    let mu = t22;
    if (t12 !== 0) {
      const delta = (t11 - t22) / 2;
      const root = Math.hypot(delta, t12);
      mu = t22 - (t12 * t12) / (delta + (delta >= 0 ? root : -root));
    }
    let y = d[p]! * d[p]! - mu;
    let z = d[p]! * e[p]!;
    for (let k = p; k < q; k++) {
      // Right rotation of columns k, k+1 zeroing z against y.
      let r = Math.hypot(y, z);
      let c = r === 0 ? 1 : y / r;
      let s = r === 0 ? 0 : z / r;
      if (k > p) e[k - 1] = r;
      let f = d[k]!;
      let g = e[k]!;
      d[k] = c * f + s * g;
      e[k] = c * g - s * f;
      const h = d[k + 1]!;
      const bulge = s * h;
      d[k + 1] = c * h;
      if (wantVectors) rotateRows(vt, n, k, k + 1, c, s);
      // Left rotation of rows k, k+1 zeroing the bulge below the diagonal.
      r = Math.hypot(d[k]!, bulge);
      c = r === 0 ? 1 : d[k]! / r;
      s = r === 0 ? 0 : bulge / r;
      d[k] = r;
      f = e[k]!;
      g = d[k + 1]!;
      e[k] = c * f + s * g;
      d[k + 1] = c * g - s * f;
      if (wantVectors) rotateRows(ut, m, k, k + 1, c, s);
      if (k < q - 1) {
        y = e[k]!;
        z = s * e[k + 1]!;
        e[k + 1] = c * e[k + 1]!;
      }
    }
  }

  // 4. Positive values, descending order, scale undone.
  for (let i = 0; i < n; i++) {
    if (d[i]! < 0) {
      d[i] = -d[i]!;
      if (wantVectors) for (let c = 0; c < n; c++) vt[i * n + c] = -vt[i * n + c]!;
    }
  }
  for (let i = 0; i < n - 1; i++) {
    let best = i;
    for (let j = i + 1; j < n; j++) if (d[j]! > d[best]!) best = j;
    if (best === i) continue;
    const t = d[i]!;
    d[i] = d[best]!;
    d[best] = t;
    if (wantVectors) {
      swapRows(ut, m, i, best);
      swapRows(vt, n, i, best);
    }
  }
  if (scale > 0 && scale !== 1) for (let i = 0; i < n; i++) d[i] = d[i]! * scale;
  return { s: d, ut, ucols, vt };
}

function swapRows(x: Float64Array, len: number, i: number, j: number): void {
  for (let t = 0; t < len; t++) {
    const v = x[i * len + t]!;
    x[i * len + t] = x[j * len + t]!;
    x[j * len + t] = v;
  }
}
