/**
 * LU factorisation with partial pivoting (LAPACK getrf) and what is built on it: solves with many
 * right-hand sides, the inverse, the determinant and its sign and log.
 *
 * Layout: row-major float64, in place. After `luF64`, the strict lower triangle holds L (its unit
 * diagonal implied) and the upper triangle holds U; `piv[k]` is the row swapped with row k at
 * step k (LAPACK's ipiv, 0-based), so P·A = L·U with P the product of those swaps.
 * Algorithm: right-looking, column by column: pick the largest |a[i][k]| (i ≥ k), swap whole rows,
 * scale the column below the pivot, rank-1 update of the trailing rows (contiguous inner loop).
 * Cost: about m·n·min(m,n) − min(m,n)³/3 multiply-adds; a solve 2·n²·nrhs flops.
 * A zero pivot does not stop the factorisation (as getrf): its column is skipped and its index
 * reported, and the callers decide (solve and inv refuse, det returns 0).
 */

/**
 * Factors the row-major m×n matrix `a` in place. `piv` must hold min(m, n) entries.
 * Returns the index of the first exactly-zero pivot U[k][k], or −1 when U has none.
 */
export function luF64(m: number, n: number, a: Float64Array, piv: Int32Array): number {
  const kmax = Math.min(m, n);
  let info = -1;
  for (let k = 0; k < kmax; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]!);
    for (let i = k + 1; i < m; i++) {
      const v = Math.abs(a[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[k] = p;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j]!;
        a[k * n + j] = a[p * n + j]!;
        a[p * n + j] = t;
      }
    }
    const pivot = a[k * n + k]!;
    if (pivot === 0) {
      if (info < 0) info = k;
      continue;
    }
    const inv = 1 / pivot;
    for (let i = k + 1; i < m; i++) {
      const l = a[i * n + k]! * inv;
      a[i * n + k] = l;
      if (l === 0) continue;
      const ri = i * n;
      const rk = k * n;
      for (let j = k + 1; j < n; j++) a[ri + j] = a[ri + j]! - l * a[rk + j]!;
    }
  }
  return info;
}

/** The row permutation of `piv`: row i of P·A is row perm[i] of A (m entries). */
export function luPermutation(m: number, piv: Int32Array): Int32Array {
  const perm = new Int32Array(m);
  for (let i = 0; i < m; i++) perm[i] = i;
  for (let k = 0; k < piv.length; k++) {
    const p = piv[k]!;
    const t = perm[k]!;
    perm[k] = perm[p]!;
    perm[p] = t;
  }
  return perm;
}

/**
 * Solves A·X = B in place in `b` (row-major n×nrhs) from the factors of a square A (no zero pivot).
 * Row swaps, then forward substitution with the unit L, then back substitution with U, each a
 * row update of all right-hand sides at once.
 */
export function luSolveF64(n: number, lu: Float64Array, piv: Int32Array, b: Float64Array, nrhs: number): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k]!;
    if (p === k) continue;
    for (let j = 0; j < nrhs; j++) {
      const t = b[k * nrhs + j]!;
      b[k * nrhs + j] = b[p * nrhs + j]!;
      b[p * nrhs + j] = t;
    }
  }
  for (let i = 1; i < n; i++) {
    const ri = i * nrhs;
    for (let p = 0; p < i; p++) {
      const l = lu[i * n + p]!;
      if (l === 0) continue;
      const rp = p * nrhs;
      for (let j = 0; j < nrhs; j++) b[ri + j] = b[ri + j]! - l * b[rp + j]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * nrhs;
    for (let p = i + 1; p < n; p++) {
      const u = lu[i * n + p]!;
      if (u === 0) continue;
      const rp = p * nrhs;
      for (let j = 0; j < nrhs; j++) b[ri + j] = b[ri + j]! - u * b[rp + j]!;
    }
    const inv = 1 / lu[i * n + i]!;
    for (let j = 0; j < nrhs; j++) b[ri + j] = b[ri + j]! * inv;
  }
}

/** The inverse of a square n×n matrix from its factors (no zero pivot): LU-solve with I. */
export function luInverseF64(n: number, lu: Float64Array, piv: Int32Array): Float64Array {
  const x = new Float64Array(n * n);
  for (let i = 0; i < n; i++) x[i * n + i] = 1;
  luSolveF64(n, lu, piv, x, n);
  return x;
}

/** det(A) from the factors of a square A: ±Π U[k][k] (0 when a pivot is 0; may overflow to ±∞). */
export function luDeterminant(n: number, lu: Float64Array, piv: Int32Array): number {
  let det = 1;
  for (let k = 0; k < n; k++) {
    det *= lu[k * n + k]!;
    if (piv[k] !== k) det = -det;
  }
  return det === 0 ? 0 : det;
}

/**
 * sign(det A) and log|det A| from the factors, without overflow: (0, −∞) for a singular A, as
 * numpy's slogdet.
 */
export function luSlogdet(n: number, lu: Float64Array, piv: Int32Array): { sign: number; logAbsDet: number } {
  let sign = 1;
  let log = 0;
  for (let k = 0; k < n; k++) {
    const u = lu[k * n + k]!;
    if (u === 0) return { sign: 0, logAbsDet: -Infinity };
    if (u < 0) sign = -sign;
    if (piv[k] !== k) sign = -sign;
    log += Math.log(Math.abs(u));
  }
  return { sign, logAbsDet: log };
}
