/** relu and sigmoid, elementwise. relu also takes int32; sigmoid needs a float dtype. */
import { dispatch } from '../dispatch.js';
import type { OpOptions, UnaryFn, UnaryPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';
import { checkOptions, expectFloat, expectTensor } from './checks.js';

export type { UnaryFn, UnaryPlan };

export function planUnary(fn: UnaryFn, xIn: unknown, options?: OpOptions): UnaryPlan {
  const x = expectTensor(fn, 'x', xIn);
  checkOptions(fn, options);
  if (fn === 'sigmoid') expectFloat(fn, 'x', x);
  return Object.freeze({ fn, dtype: x.dtype, outShape: x.shape });
}

/** max(x, 0), elementwise. */
export function relu(x: Tensor, options?: OpOptions): Tensor {
  return dispatch('unary', planUnary('relu', x, options), [x], options, 'relu');
}

/** 1 / (1 + e^(−x)), elementwise. */
export function sigmoid(x: Tensor, options?: OpOptions): Tensor {
  return dispatch('unary', planUnary('sigmoid', x, options), [x], options, 'sigmoid');
}
