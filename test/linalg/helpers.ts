/**
 * Plain-loop matrix helpers for the linalg tests (never the src/ kernels), the numpy fixtures,
 * and the tolerance rule: a backward-stable factorisation reproduces A to c·k·ε·‖A‖; a computed
 * solution, inverse or singular vector differs from numpy's by c·k·ε·κ(A). For float32 inputs
 * (computed in float64, rounded once) ε is float32's, since the input's own rounding and the
 * output's dominate.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Tensor } from '../../src/tensor.js';

export interface Dense {
  shape: number[];
  data: number[];
}

export interface MatrixFixture {
  a: Dense;
  cond: number | null;
  s: number[];
  rank: number;
  pinv: Dense;
  qrReduced: { q: Dense; r: Dense };
  qrComplete: { q: Dense; r: Dense };
  b: Dense;
  lstsq: { x: Dense; residuals: number[]; rank: number; s: number[] };
  lu?: { p: Dense; l: Dense; u: Dense };
  det?: number;
  slogdet?: { sign: number; logAbsDet: number | '-Infinity' };
  inv?: Dense;
  solve?: Dense;
}

const dir = new URL('../fixtures/linalg/', import.meta.url);
export const MATRICES = JSON.parse(readFileSync(new URL('matrices.json', dir), 'utf8')) as Record<string, MatrixFixture>;
export interface FftFixtures {
  fft: { n: number; x: Dense; fft: Dense; ifft: Dense; fftOrtho: Dense }[];
  rfft: { n: number; x: Dense; rfft: Dense }[];
  irfft: { m: number; n: number; x: Dense; irfft: Dense }[];
  fft2d: { x: Dense; axis0: Dense; axis1: Dense; real: Dense; rfftAxis0: Dense; irfftAxis0: Dense };
}
export const FFT_FIXTURES = JSON.parse(readFileSync(new URL('fft.json', dir), 'utf8')) as FftFixtures;

export const EPS = { float32: 2 ** -23, float64: 2 ** -52 } as const;
export type FloatDType = keyof typeof EPS;

export function toTensor(d: Dense, dtype: FloatDType): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(d.data) : Float32Array.from(d.data);
  return new Tensor(dtype, d.shape, data);
}

/** A row-major matrix as float64 plus its shape. */
export interface M {
  rows: number;
  cols: number;
  data: Float64Array;
}

export async function mOf(t: Tensor): Promise<M> {
  const data = Float64Array.from(await t.data());
  const [rows, cols] = t.rank === 2 ? (t.shape as [number, number]) : [t.shape[0] ?? 1, 1];
  return { rows, cols, data };
}

export function mFrom(d: Dense): M {
  const [rows, cols] = d.shape.length === 2 ? (d.shape as [number, number]) : [d.shape[0] ?? 1, 1];
  return { rows, cols, data: Float64Array.from(d.data) };
}

export function matmul(a: M, b: M): M {
  if (a.cols !== b.rows) throw new Error(`helpers.matmul: ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let p = 0; p < a.cols; p++) s += a.data[i * a.cols + p]! * b.data[p * b.cols + j]!;
      out[i * b.cols + j] = s;
    }
  return { rows: a.rows, cols: b.cols, data: out };
}

export function transpose(a: M): M {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j]!;
  return { rows: a.cols, cols: a.rows, data: out };
}

export function eye(n: number): M {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { rows: n, cols: n, data };
}

export function frob(a: M | Float64Array): number {
  const d = a instanceof Float64Array ? a : a.data;
  let s = 0;
  for (const v of d) s += v * v;
  return Math.sqrt(s);
}

/** ‖got − want‖_F ≤ bound, with a message naming what is compared. */
export function expectNear(what: string, got: M, want: M, bound: number): void {
  expect([got.rows, got.cols], `${what}: shape`).toEqual([want.rows, want.cols]);
  const diff = new Float64Array(got.data.length);
  for (let i = 0; i < diff.length; i++) diff[i] = got.data[i]! - want.data[i]!;
  const err = frob(diff);
  expect(err, `${what}: ‖got − want‖_F = ${err.toExponential(2)} > ${bound.toExponential(2)}`).toBeLessThanOrEqual(bound);
}

export function expectUpperTriangular(what: string, r: M): void {
  for (let i = 0; i < r.rows; i++) for (let j = 0; j < Math.min(i, r.cols); j++) expect(r.data[i * r.cols + j], `${what}[${i}][${j}]`).toBe(0);
}

export function expectLowerTriangular(what: string, l: M, unit: boolean): void {
  for (let i = 0; i < l.rows; i++)
    for (let j = i; j < l.cols; j++) {
      if (j > i) expect(l.data[i * l.cols + j], `${what}[${i}][${j}]`).toBe(0);
      else if (unit) expect(l.data[i * l.cols + j], `${what}[${i}][${i}]`).toBe(1);
    }
}

/** ‖QᵀQ − I‖_F ≤ bound (orthonormal columns). */
export function expectOrthonormalColumns(what: string, q: M, bound: number): void {
  expectNear(`${what}ᵀ${what} = I`, matmul(transpose(q), q), eye(q.cols), bound);
}
