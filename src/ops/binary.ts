/**
 * add, sub, mul, div: elementwise with numpy broadcasting. Both operands must have the same dtype.
 * int32 arithmetic wraps around at 32 bits like C; div needs a float dtype (numpy's true division
 * of integers would change the dtype, and lepton-compute never changes one silently).
 */
import { checkOptions, dispatch, type OpOptions } from '../dispatch.js';
import type { DType } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectFloat, expectSameDtype, expectTensor } from './checks.js';

export type BinaryFn = 'add' | 'sub' | 'mul' | 'div';

export interface BinaryPlan {
  readonly fn: BinaryFn;
  readonly dtype: DType;
  readonly outShape: readonly number[];
}

export function planBinary(fn: BinaryFn, aIn: unknown, bIn: unknown, options?: OpOptions): BinaryPlan {
  const a = expectTensor(fn, 'a', aIn);
  const b = expectTensor(fn, 'b', bIn);
  checkOptions(fn, options);
  const dtype = expectSameDtype(fn, [['a', a], ['b', b]]);
  if (fn === 'div') expectFloat(fn, 'a', a);
  return Object.freeze({ fn, dtype, outShape: Object.freeze(broadcastShapes(fn, a.shape, b.shape)) });
}

/** a + b, elementwise with broadcasting. */
export async function add(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return dispatch('binary', planBinary('add', a, b, options), [a, b], options, 'add');
}

/** a − b, elementwise with broadcasting. */
export async function sub(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return dispatch('binary', planBinary('sub', a, b, options), [a, b], options, 'sub');
}

/** a · b, elementwise with broadcasting. */
export async function mul(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return dispatch('binary', planBinary('mul', a, b, options), [a, b], options, 'mul');
}

/** a / b, elementwise with broadcasting (float dtypes; IEEE division, so x/0 is ±Infinity or NaN). */
export async function div(a: Tensor, b: Tensor, options?: OpOptions): Promise<Tensor> {
  return dispatch('binary', planBinary('div', a, b, options), [a, b], options, 'div');
}
