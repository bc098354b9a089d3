/**
 * Triangular solve (BLAS trsm, left side): op(A)·X = B in place in B, A n×n triangular,
 * op(A) = A or Aᵀ, B row-major n×nrhs, float64. Only A's triangle (lower or upper) is read, and
 * its diagonal is taken as ones when `unitDiagonal`. op(A) is lower triangular when exactly one of
 * `lower`, `transpose` holds: forward substitution; otherwise back substitution. Each step is a
 * row update of all right-hand sides at once. Cost: n²·nrhs multiply-adds.
 */

export interface TriangularOptions {
  readonly lower: boolean;
  readonly transpose: boolean;
  readonly unitDiagonal: boolean;
}

/** The index of the first zero on A's diagonal, or −1 (always −1 with a unit diagonal). */
export function firstZeroDiagonal(n: number, a: Float64Array, unitDiagonal: boolean): number {
  if (unitDiagonal) return -1;
  for (let i = 0; i < n; i++) if (a[i * n + i] === 0) return i;
  return -1;
}

/** Solves op(A)·X = B in place in `b`. The caller has checked that the diagonal has no zero. */
export function triangularSolveF64(
  n: number,
  a: Float64Array,
  b: Float64Array,
  nrhs: number,
  { lower, transpose, unitDiagonal }: TriangularOptions,
): void {
  // op(A)[i][p] is a[i·n + p], or a[p·n + i] when transposed.
  const rowStride = transpose ? 1 : n;
  const colStride = transpose ? n : 1;
  const forward = lower !== transpose;
  for (let step = 0; step < n; step++) {
    const i = forward ? step : n - 1 - step;
    const ri = i * nrhs;
    const from = forward ? 0 : i + 1;
    const to = forward ? i : n;
    for (let p = from; p < to; p++) {
      const l = a[i * rowStride + p * colStride]!;
      if (l === 0) continue;
      const rp = p * nrhs;
      for (let j = 0; j < nrhs; j++) b[ri + j] = b[ri + j]! - l * b[rp + j]!;
    }
    if (!unitDiagonal) {
      const inv = 1 / a[i * n + i]!;
      for (let j = 0; j < nrhs; j++) b[ri + j] = b[ri + j]! * inv;
    }
  }
}
