/**
 * Every error path of the linalg-ext and fft ops: the code users branch on and the message
 * (what is wrong, what was received, how to fix it), as inline snapshots.
 */
import { describe, expect, it } from 'vitest';
import { fftOps } from '../../src/ops/fft.js';
import { linalgExt as linalg } from '../../src/ops/linalg-ext.js';
import { Tensor } from '../../src/tensor.js';

const f64 = (shape: number[], values: number[]) => new Tensor('float64', shape, Float64Array.from(values));
const f32 = (shape: number[], values: number[]) => new Tensor('float32', shape, Float32Array.from(values));
const i32 = (shape: number[], values: number[]) => new Tensor('int32', shape, Int32Array.from(values));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('linalg errors', () => {
  const singular = f64([2, 2], [1, 2, 2, 4]);
  const a = f64([2, 2], [3, 1, 1, 2]);

  it('singular matrices: solve and inv refuse (INVALID_ARGUMENT), det is 0', async () => {
    expect(codeOf(() => linalg.solve(singular, f64([2], [1, 1])))).toBe('INVALID_ARGUMENT');
    expect(() => linalg.solve(singular, f64([2], [1, 1]))).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.solve: A is singular: pivot 1 of its LU factorisation is 0; received a 2×2 matrix of rank < 2. Check the matrix, or use linalg.lstsq (least squares) or linalg.pinv for a minimum-norm answer.]`);
    expect(() => linalg.inv(singular)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.inv: A is singular: pivot 1 of its LU factorisation is 0; received a 2×2 matrix of rank < 2. Check the matrix, or use linalg.lstsq (least squares) or linalg.pinv for a minimum-norm answer.]`);
    expect(await linalg.det(singular).array()).toBe(0);
    expect(() => linalg.triangularSolve(f64([2, 2], [1, 0, 3, 0]), f64([2], [1, 1]), { lower: true })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.triangularSolve: A is singular: its diagonal entry [1, 1] is 0; received a 2×2 triangular matrix. Check the matrix (or pass { unitDiagonal: true } if its diagonal is implicitly 1).]`);
  });

  it('shapes', () => {
    expect(codeOf(() => linalg.inv(f64([2, 3], [1, 2, 3, 4, 5, 6])))).toBe('SHAPE_MISMATCH');
    expect(() => linalg.inv(f64([2, 3], [1, 2, 3, 4, 5, 6]))).toThrowErrorMatchingInlineSnapshot(`[ShapeError: linalg.inv: A must be square; received [2,3]. Pass an n×n matrix.]`);
    expect(() => linalg.det(f64([3], [1, 2, 3]))).toThrowErrorMatchingInlineSnapshot(`[ShapeError: linalg.det: A must have rank 2; received rank 1 [3]]`);
    expect(() => linalg.solve(a, f64([3], [1, 2, 3]))).toThrowErrorMatchingInlineSnapshot(`[ShapeError: linalg.solve: B must have 2 rows to match A [2,2]; received B [3]. Pass B as [rows] or [rows, k] (one right-hand side per column).]`);
    expect(() => linalg.lstsq(a, f64([2, 1, 1], [1, 2]))).toThrowErrorMatchingInlineSnapshot(`[ShapeError: linalg.lstsq: B must have rank 1 or 2; received rank 3 [2,1,1]]`);
  });

  it('dtypes', () => {
    expect(codeOf(() => linalg.svd(i32([2, 2], [1, 2, 3, 4])))).toBe('DTYPE_MISMATCH');
    expect(() => linalg.svd(i32([2, 2], [1, 2, 3, 4]))).toThrowErrorMatchingInlineSnapshot(`[DTypeError: linalg.svd: A must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64".]`);
    expect(() => linalg.solve(a, f32([2], [1, 2]))).toThrowErrorMatchingInlineSnapshot(`[DTypeError: linalg.solve: dtypes differ: A is float64, B is float32. Create both tensors with the same dtype; lepton-compute never promotes silently.]`);
  });

  it('non-finite values and bad arguments', () => {
    expect(codeOf(() => linalg.qr(f64([2, 2], [1, NaN, 0, 1])))).toBe('INVALID_ARGUMENT');
    expect(() => linalg.qr(f64([2, 2], [1, NaN, 0, 1]))).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.qr: A must hold finite values; received NaN at flat index 1 of [2,2]. Replace NaN and Infinity before factorising (the result would be meaningless).]`);
    expect(() => linalg.svd(f64([1, 2], [Infinity, 1]))).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.svd: A must hold finite values; received Infinity at flat index 0 of [1,2]. Replace NaN and Infinity before factorising (the result would be meaningless).]`);
    expect(() => linalg.solve([[1]] as never, a)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.solve: A must be a Tensor; received [[1]]. Create one with tensor(), e.g. tensor([[1, 2], [3, 4]]).]`);
    expect(() => linalg.qr(a, { mode: 'r' } as never)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.qr: mode must be one of 'reduced', 'complete'; received 'r' (string)]`);
    expect(() => linalg.svd(a, { full_matrices: false } as never)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.svd: unknown option 'full_matrices'. Did you mean 'fullMatrices'? The options are fullMatrices, backend, signal.]`);
    expect(() => linalg.svd(a, { fullMatrices: 1 } as never)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.svd: fullMatrices must be true or false; received 1 (number)]`);
    expect(() => linalg.pinv(a, { rtol: -1 })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.pinv: rtol must be a finite number ≥ 0; received -1 (number)]`);
    expect(() => linalg.matrixRank(a, 3 as never)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: linalg.matrixRank: options must be an object; received 3 (number)]`);
  });
});

describe('fft errors', () => {
  it('complex inputs need a last dimension of 2', () => {
    expect(codeOf(() => fftOps.fft(f64([4], [1, 2, 3, 4])))).toBe('SHAPE_MISMATCH');
    expect(() => fftOps.fft(f64([4], [1, 2, 3, 4]))).toThrowErrorMatchingInlineSnapshot(`[ShapeError: fft: x must have rank 2 or more; received rank 1 [4]]`);
    expect(() => fftOps.irfft(f64([2, 3], [1, 2, 3, 4, 5, 6]))).toThrowErrorMatchingInlineSnapshot(`[ShapeError: irfft: x must be complex, with a last dimension of 2 holding (re, im); received [2,3]. Stack the real and imaginary parts on a new last axis (or use rfft for real input).]`);
  });

  it('axis, n, norm, dtype', () => {
    expect(() => fftOps.fft(f64([2, 2], [1, 0, 0, 1]), { axis: 1 })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: fft: axis must be an integer in [-1, 0]; received 1 (number). The input has 1 dimension to transform along.]`);
    expect(() => fftOps.rfft(f64([4], [1, 2, 3, 4]), { n: 0 })).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: rfft: the transform length must be a positive integer; received 0 (number). Pass { n } ≥ 1, or an input with at least one element along the axis.]`);
    expect(() => fftOps.irfft(f64([1, 2], [1, 0]))).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: irfft: the transform length must be a positive integer; received 0 (number) (from the input shape). Pass { n } ≥ 1, or an input with at least one element along the axis.]`);
    expect(() => fftOps.rfft(f64([0], []))).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: rfft: the transform length must be a positive integer; received 0 (number) (from the input shape). Pass { n } ≥ 1, or an input with at least one element along the axis.]`);
    expect(() => fftOps.ifft(f64([1, 2], [1, 0]), { norm: 'none' } as never)).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: ifft: norm must be one of 'backward', 'ortho', 'forward'; received 'none' (string)]`);
    expect(() => fftOps.rfft(i32([2], [1, 2]))).toThrowErrorMatchingInlineSnapshot(`[DTypeError: rfft: x must be float32 or float64; received int32. Create the tensor with { dtype: "float32" } or "float64".]`);
  });
});
