/**
 * add, sub, mul, div: elementwise with numpy broadcasting. Both operands must have the same dtype.
 * int32 arithmetic wraps around at 32 bits like C; div needs a float dtype (numpy's true division
 * of integers would change the dtype, and lepton-compute never changes one silently).
 */
import { dispatch } from '../dispatch.js';
import type { BinaryFn, BinaryPlan, OpOptions } from '../plans.js';
import { broadcastShapes, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { scalarLike } from '../creation.js';
import { checkOptions, expectFloat, expectSameDtype, expectTensor } from './checks.js';

export type { BinaryFn, BinaryPlan };

/** A tensor operand, or a JavaScript number (a scalar of the other operand's dtype). */
export type Operand = Tensor | number;

export function planBinary(fn: BinaryFn, aIn: unknown, bIn: unknown, options?: OpOptions): BinaryPlan {
  const a = expectTensor(fn, 'a', aIn);
  const b = expectTensor(fn, 'b', bIn);
  if (options !== undefined) checkOptions(fn, options);
  const dtype = a.dtype === b.dtype ? a.dtype : expectSameDtype(fn, [['a', a], ['b', b]]);
  if (fn === 'div') expectFloat(fn, 'a', a);
  // Equal shapes (the common case) need no broadcast: the operand's frozen shape is the output's.
  const outShape = sameShape(a.shape, b.shape) ? a.shape : Object.freeze(broadcastShapes(fn, a.shape, b.shape));
  return Object.freeze({ fn, dtype, outShape });
}

/** a + b, elementwise with broadcasting. ; either may be a number. */
export function add(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return binaryOp('add', a, b, options);
}

/** a − b, elementwise with broadcasting. ; either may be a number. */
export function sub(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return binaryOp('sub', a, b, options);
}

/** a · b, elementwise with broadcasting. ; either may be a number. */
export function mul(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return binaryOp('mul', a, b, options);
}

/** a / b, elementwise with broadcasting (float dtypes; IEEE division, so x/0 is ±Infinity or NaN). ; either may be a number. */
export function div(a: Operand, b: Operand, options?: OpOptions): Tensor {
  return binaryOp('div', a, b, options);
}

/** Validates, turns a number operand into a scalar of the other's dtype, and dispatches. */
function binaryOp(fn: BinaryFn, aIn: Operand, bIn: Operand, options?: OpOptions): Tensor {
  const a = typeof aIn === 'number' ? scalarLike(fn, 'a', aIn, expectTensor(fn, 'b', bIn).dtype) : aIn;
  const b = typeof bIn === 'number' ? scalarLike(fn, 'b', bIn, expectTensor(fn, 'a', a).dtype) : bIn;
  return dispatch('binary', planBinary(fn, a, b, options), [a, b], options, fn);
}
