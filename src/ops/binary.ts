/**
 * Binary elementwise ops with numpy broadcasting; both operands must have the same dtype.
 * Arithmetic: add, sub, mul, div, pow, maximum, minimum, mod. int32 arithmetic wraps around at
 * 32 bits like C; div and pow need a float dtype (numpy's true division of integers changes the
 * dtype, and lepton-compute never changes one silently; integer pow has no total definition for
 * negative exponents). Comparisons (equal, notEqual, less, lessEqual, greater, greaterEqual)
 * return int32 0/1 (lepton-compute has no bool dtype); any NaN compares false except in notEqual.
 */
import { checkOptions, dispatch, type OpOptions } from '../dispatch.js';
import type { DType } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectFloat, expectSameDtype, expectTensor } from './checks.js';

/** The binary functions, in the order of the native `fn` choice list and the WGSL `fn_id` (index = id). */
export const BINARY_FNS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod',
  'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual',
] as const;

export type BinaryFn = (typeof BINARY_FNS)[number];

/** The comparisons: their result is int32 0/1 whatever the operands' dtype. */
export const COMPARISONS: readonly BinaryFn[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];

export interface BinaryPlan {
  readonly fn: BinaryFn;
  /** The output dtype (int32 for comparisons, else the operands'). */
  readonly dtype: DType;
  /** The operands' dtype. */
  readonly inDtype: DType;
  readonly outShape: readonly number[];
}

export function planBinary(fn: BinaryFn, aIn: unknown, bIn: unknown, options?: OpOptions): BinaryPlan {
  const a = expectTensor(fn, 'a', aIn);
  const b = expectTensor(fn, 'b', bIn);
  checkOptions(fn, options);
  const inDtype = expectSameDtype(fn, [['a', a], ['b', b]]);
  if (fn === 'div' || fn === 'pow') expectFloat(fn, 'a', a);
  const dtype: DType = COMPARISONS.includes(fn) ? 'int32' : inDtype;
  return Object.freeze({ fn, dtype, inDtype, outShape: Object.freeze(broadcastShapes(fn, a.shape, b.shape)) });
}

const run = (fn: BinaryFn, a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> =>
  dispatch('binary', planBinary(fn, a, b, options), [a, b], options, fn);

/** a + b, elementwise with broadcasting. */
export async function add(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('add', a, b, options);
}

/** a − b, elementwise with broadcasting. */
export async function sub(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('sub', a, b, options);
}

/** a · b, elementwise with broadcasting. */
export async function mul(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('mul', a, b, options);
}

/** a / b, elementwise with broadcasting (float dtypes; IEEE division, so x/0 is ±Infinity or NaN). */
export async function div(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('div', a, b, options);
}

/** aᵇ, elementwise with broadcasting (float dtypes; C's pow: pow(x, 0) = 1 even for NaN, pow(−8, 1/3) = NaN). */
export async function pow(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('pow', a, b, options);
}

/** The larger of a and b, elementwise with broadcasting; NaN if either is NaN (numpy.maximum). */
export async function maximum(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('maximum', a, b, options);
}

/** The smaller of a and b, elementwise with broadcasting; NaN if either is NaN (numpy.minimum). */
export async function minimum(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('minimum', a, b, options);
}

/**
 * a mod b with numpy's sign convention: the result has the sign of b (numpy.mod, Python's %):
 * mod(−7, 3) = 2, mod(7, −3) = −2. Floats: mod(x, 0) is NaN, a zero result carries b's sign.
 * int32: mod(x, 0) is 0, as numpy gives it (numpy also warns; there is nothing to warn through
 * here, so test b for zero first where that matters).
 */
export async function mod(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('mod', a, b, options);
}

/** 1 where a == b, else 0 (int32), with broadcasting. */
export async function equal(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('equal', a, b, options);
}

/** 1 where a != b (NaN != anything), else 0 (int32), with broadcasting. */
export async function notEqual(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('notEqual', a, b, options);
}

/** 1 where a < b, else 0 (int32), with broadcasting. */
export async function less(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('less', a, b, options);
}

/** 1 where a ≤ b, else 0 (int32), with broadcasting. */
export async function lessEqual(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('lessEqual', a, b, options);
}

/** 1 where a > b, else 0 (int32), with broadcasting. */
export async function greater(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('greater', a, b, options);
}

/** 1 where a ≥ b, else 0 (int32), with broadcasting. */
export async function greaterEqual(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return run('greaterEqual', a, b, options);
}
