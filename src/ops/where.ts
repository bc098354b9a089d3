/**
 * where(cond, a, b): a where cond is nonzero, else b, elementwise, with numpy broadcasting of all
 * three. cond is int32 (what the comparisons return; nonzero is true); a and b share a dtype,
 * which is the result's.
 */
import { dispatch } from '../dispatch.js';
import { type WherePlan, type OpOptions } from '../plans.js';
import { DTypeError } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions, expectSameDtype, expectTensor } from './checks.js';

export { type WherePlan } from '../plans.js';


export function planWhere(condIn: unknown, aIn: unknown, bIn: unknown, options?: OpOptions): WherePlan {
  const cond = expectTensor('where', 'cond', condIn);
  const a = expectTensor('where', 'a', aIn);
  const b = expectTensor('where', 'b', bIn);
  checkOptions('where', options);
  if (cond.dtype !== 'int32') {
    throw new DTypeError('where', `cond must be int32 (nonzero is true); received ${cond.dtype}`,
      'Make a mask with a comparison, e.g. notEqual(x, zeros(x.shape, { dtype: x.dtype }))');
  }
  const dtype = expectSameDtype('where', [['a', a], ['b', b]]);
  const ab = broadcastShapes('where', a.shape, b.shape, 'a and b');
  const outShape = broadcastShapes('where', cond.shape, ab, 'cond and the broadcast of a and b');
  return Object.freeze({ dtype, outShape: Object.freeze(outShape) });
}

/**
 * a where cond ≠ 0, else b, elementwise with broadcasting (numpy.where with three arguments).
 * @throws DTypeError when cond is not int32 or a and b differ in dtype; ShapeError when the shapes do not broadcast.
 * @example
 * const y = await where(await greater(x, zeros(x.shape)), x, zeros(x.shape)); // relu
 */
export function where(cond: Tensor, a: Tensor, b: Tensor, options?: OpOptions): Tensor {
  return dispatch('where', planWhere(cond, a, b, options), [cond, a, b], options, 'where');
}
