/**
 * softmax and logSoftmax along one axis (default the last), max-shifted so that large inputs do
 * not overflow: softmax([1000, 1000]) = [0.5, 0.5]. Float dtypes. The input is seen as
 * [outer, n, inner] around the axis.
 */
import { dispatch } from '../dispatch.js';
import { type SoftmaxPlan, type OpOptions } from '../plans.js';
import { InvalidArgumentError } from '../errors.js';
import { describe, type Tensor } from '../tensor.js';
import { checkOptions, expectFloat, expectTensor } from './checks.js';

export { type SoftmaxPlan } from '../plans.js';

export interface SoftmaxOptions extends OpOptions {
  /** The axis to normalise along (negative counts from the end); default −1. */
  axis?: number;
}


/** Resolves `axis` of a rank-`rank` tensor (negative from the end) or throws InvalidArgumentError. */
export function resolveAxis(op: string, axis: unknown, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new InvalidArgumentError(op, `axis must be an integer in [${-rank}, ${rank - 1}] for a rank-${rank} tensor; received ${describe(axis)}`);
  }
  return axis < 0 ? axis + rank : axis;
}

export function planSoftmax(op: 'softmax' | 'logSoftmax', xIn: unknown, options: SoftmaxOptions = {}): SoftmaxPlan {
  const x = expectTensor(op, 'x', xIn);
  options = checkOptions<SoftmaxOptions>(op, options, ['axis']);
  const dtype = expectFloat(op, 'x', x);
  if (x.rank === 0) {
    throw new InvalidArgumentError(op, 'x must have rank 1 or more; received a scalar (rank 0)', 'Reshape it to [1]');
  }
  const axis = resolveAxis(op, options.axis ?? -1, x.rank);
  const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  return Object.freeze({ log: op === 'logSoftmax', dtype, outShape: x.shape, outer, n: x.shape[axis]!, inner });
}

/**
 * e^(x − max) / Σ e^(x − max) along `axis` (default −1).
 * @throws DTypeError for int32; InvalidArgumentError for a bad axis or a scalar.
 * @example
 * await (await softmax(tensor([1000, 1000]))).array(); // [0.5, 0.5]
 */
export function softmax(x: Tensor, options: SoftmaxOptions = {}): Tensor {
  return dispatch('softmax', planSoftmax('softmax', x, options), [x], options, 'softmax');
}

/**
 * x − max − log Σ e^(x − max) along `axis` (default −1): the log of softmax without its underflow.
 * @throws DTypeError for int32; InvalidArgumentError for a bad axis or a scalar.
 */
export function logSoftmax(x: Tensor, options: SoftmaxOptions = {}): Tensor {
  return dispatch('softmax', planSoftmax('logSoftmax', x, options), [x], options, 'logSoftmax');
}
