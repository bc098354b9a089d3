/**
 * sum and mean over axes (all of them by default), with keepDims. The sum of int32 stays int32
 * (wrapping at 32 bits); the mean of int32 is float64, as numpy gives it.
 */
import { dispatch } from '../dispatch.js';
import type { DType } from '../dtype.js';
import type { OpOptions, ReducePlan } from '../plans.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { describe, type Tensor } from '../tensor.js';
import { checkOptions, expectBoolean, expectTensor } from './checks.js';

export type { ReducePlan };

export interface ReduceOptions extends OpOptions {
  /** One axis or several; negative counts from the end. All axes when absent. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size 1. */
  keepDims?: boolean;
}

export function planReduce(fn: 'sum' | 'mean', xIn: unknown, options: ReduceOptions = {}): ReducePlan {
  const x = expectTensor(fn, 'x', xIn);
  options = checkOptions<ReduceOptions>(fn, options, ['axis', 'keepDims']);
  const keepDims = options.keepDims === undefined ? false : expectBoolean(fn, 'keepDims', options.keepDims);
  const rank = x.rank;
  const raw = options.axis === undefined ? [...x.shape.keys()] : typeof options.axis === 'number' ? [options.axis] : options.axis;
  if (!Array.isArray(raw)) {
    throw new InvalidArgumentError(fn, `axis must be an integer or an array of integers; received ${describe(options.axis)}`);
  }
  const axes = raw.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      throw new InvalidArgumentError(
        fn,
        `axis must be an integer in [${-rank}, ${rank - 1}] for a rank-${rank} tensor; received ${describe(a)}`,
      );
    }
    return a < 0 ? a + rank : a;
  });
  const unique = [...new Set(axes)].sort((p, q) => p - q);
  if (unique.length !== axes.length) {
    throw new InvalidArgumentError(fn, `axis lists an axis twice; received ${describe(raw)}`);
  }
  const count = unique.reduce((c, a) => c * x.shape[a]!, 1);
  if (fn === 'mean' && count === 0) {
    throw new ShapeError(fn, `the mean of an empty axis is undefined; x is ${formatShape(x.shape)}, reducing axes [${unique.join(',')}]`);
  }
  const outShape = keepDims
    ? x.shape.map((d, i) => (unique.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !unique.includes(i));
  const dtype: DType = fn === 'mean' && x.dtype === 'int32' ? 'float64' : x.dtype;
  return Object.freeze({ fn, dtype, axes: Object.freeze(unique), count, outShape: Object.freeze(outShape) });
}

/** The sum over `axis` (all axes by default). */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  return dispatch('reduce', planReduce('sum', x, options), [x], options, 'sum');
}

/** The mean over `axis` (all axes by default). */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  return dispatch('reduce', planReduce('mean', x, options), [x], options, 'mean');
}
