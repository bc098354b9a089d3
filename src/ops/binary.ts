/**
 * Binary elementwise ops with numpy broadcasting; both operands must have the same dtype.
 * Arithmetic: add, sub, mul, div, pow, maximum, minimum, mod. int32 arithmetic wraps around at
 * 32 bits like C; div and pow need a float dtype (numpy's true division of integers changes the
 * dtype, and lepton-compute never changes one silently; integer pow has no total definition for
 * negative exponents). Comparisons (equal, notEqual, less, lessEqual, greater, greaterEqual)
 * return int32 0/1 (lepton-compute has no bool dtype); any NaN compares false except in notEqual.
 */
import { dispatch } from '../dispatch.js';
import type { DType } from '../dtype.js';
import { scalarLike } from '../creation.js';
import { COMPARISONS, type BinaryFn, type BinaryPlan, type OpOptions } from '../plans.js';
import { broadcastShapes, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions, expectFloat, expectSameDtype, expectTensor } from './checks.js';

export { BINARY_FNS, type BinaryFn, COMPARISONS, type BinaryPlan } from '../plans.js';

/** A tensor operand, or a JavaScript number (a scalar of the other operand's dtype). */
export type Operand = Tensor | number;

export function planBinary(fn: BinaryFn, aIn: unknown, bIn: unknown, options?: OpOptions): BinaryPlan {
  const a = expectTensor(fn, 'a', aIn);
  const b = expectTensor(fn, 'b', bIn);
  if (options !== undefined) checkOptions(fn, options);
  const inDtype = a.dtype === b.dtype ? a.dtype : expectSameDtype(fn, [['a', a], ['b', b]]);
  if (fn === 'div' || fn === 'pow') expectFloat(fn, 'a', a);
  const dtype: DType = COMPARISONS.includes(fn) ? 'int32' : inDtype;
  // Equal shapes (the common case) need no broadcast: the operand's frozen shape is the output's.
  const outShape = sameShape(a.shape, b.shape) ? a.shape : Object.freeze(broadcastShapes(fn, a.shape, b.shape));
  return Object.freeze({ fn, dtype, inDtype, outShape });
}

/** Validates, turns a number operand into a scalar of the other's dtype, and dispatches. */
function run(fn: BinaryFn, aIn: Operand, bIn: Operand, options?: OpOptions): Tensor {
  const a = typeof aIn === 'number' ? scalarLike(fn, 'a', aIn, expectTensor(fn, 'b', bIn).dtype) : aIn;
  const b = typeof bIn === 'number' ? scalarLike(fn, 'b', bIn, expectTensor(fn, 'a', a).dtype) : bIn;
  const o = options === undefined ? undefined : checkOptions(fn, options);
  return dispatch('binary', planBinary(fn, a, b, o), [a, b], o, fn);
}

/** a + b, elementwise with broadcasting. */
export function add(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('add', a, b, options);
}

/** a − b, elementwise with broadcasting. */
export function sub(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('sub', a, b, options);
}

/** a · b, elementwise with broadcasting. */
export function mul(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('mul', a, b, options);
}

/** a / b, elementwise with broadcasting (float dtypes; IEEE division, so x/0 is ±Infinity or NaN). */
export function div(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('div', a, b, options);
}

/** aᵇ, elementwise with broadcasting (float dtypes; C's pow: pow(x, 0) = 1 even for NaN, pow(−8, 1/3) = NaN). */
export function pow(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('pow', a, b, options);
}

/** The larger of a and b, elementwise with broadcasting; NaN if either is NaN (numpy.maximum). */
export function maximum(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('maximum', a, b, options);
}

/** The smaller of a and b, elementwise with broadcasting; NaN if either is NaN (numpy.minimum). */
export function minimum(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('minimum', a, b, options);
}

/**
 * a mod b with numpy's sign convention: the result has the sign of b (numpy.mod, Python's %):
 * mod(−7, 3) = 2, mod(7, −3) = −2. Floats: mod(x, 0) is NaN, a zero result carries b's sign.
 * int32: mod(x, 0) is 0, as numpy gives it (numpy also warns; there is nothing to warn through
 * here, so test b for zero first where that matters).
 */
export function mod(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('mod', a, b, options);
}

/** 1 where a == b, else 0 (int32), with broadcasting. */
export function equal(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('equal', a, b, options);
}

/** 1 where a != b (NaN != anything), else 0 (int32), with broadcasting. */
export function notEqual(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('notEqual', a, b, options);
}

/** 1 where a < b, else 0 (int32), with broadcasting. */
export function less(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('less', a, b, options);
}

/** 1 where a ≤ b, else 0 (int32), with broadcasting. */
export function lessEqual(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('lessEqual', a, b, options);
}

/** 1 where a > b, else 0 (int32), with broadcasting. */
export function greater(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('greater', a, b, options);
}

/** 1 where a ≥ b, else 0 (int32), with broadcasting. */
export function greaterEqual(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return run('greaterEqual', a, b, options);
}
