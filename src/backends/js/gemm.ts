/**
 * GEMM range kernel: C[rowBegin:rowEnd, :] = alpha·A·B + beta·C over strided operands.
 *
 * Operands are read through (offset, rowStride, colStride), so a transposed operand (transA,
 * transB, or a `transpose()` view) is just swapped strides: no transposed copy is ever made.
 * C is row-major with row stride `cRowStride` and unit column stride. When `beta` is 0, C is not
 * read (it may hold garbage or NaN). Accumulation is in float64 (JavaScript numbers).
 */
import type { FloatArray } from '../../dtype.js';

export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  a: FloatArray;
  aOffset: number;
  aRowStride: number;
  aColStride: number;
  b: FloatArray;
  bOffset: number;
  bRowStride: number;
  bColStride: number;
  c: FloatArray;
  cOffset: number;
  cRowStride: number;
  alpha: number;
  beta: number;
}

export function gemm(g: GemmArgs, rowBegin = 0, rowEnd = g.m): void {
  const { n, k, a, b, c, alpha, beta } = g;
  const row = new Float64Array(n);
  for (let i = rowBegin; i < rowEnd; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const av = a[g.aOffset + i * g.aRowStride + p * g.aColStride]!;
      const bBase = g.bOffset + p * g.bRowStride;
      for (let j = 0; j < n; j++) row[j] += av * b[bBase + j * g.bColStride]!;
    }
    const cBase = g.cOffset + i * g.cRowStride;
    if (beta === 0) for (let j = 0; j < n; j++) c[cBase + j] = alpha * row[j]!;
    else for (let j = 0; j < n; j++) c[cBase + j] = alpha * row[j]! + beta * c[cBase + j]!;
  }
}
