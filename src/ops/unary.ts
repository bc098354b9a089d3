/** relu and sigmoid, elementwise. relu also takes int32; sigmoid needs a float dtype. */
import { checkOptions, dispatch, type OpOptions } from '../dispatch.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { expectFloat, expectTensor } from './checks.js';

export type UnaryFn = 'relu' | 'sigmoid';

export interface UnaryPlan {
  readonly fn: UnaryFn;
  readonly dtype: DType;
  readonly outShape: readonly number[];
}

export function planUnary(fn: UnaryFn, xIn: unknown, options?: OpOptions): UnaryPlan {
  const x = expectTensor(fn, 'x', xIn);
  checkOptions(fn, options);
  if (fn === 'sigmoid') expectFloat(fn, 'x', x);
  return Object.freeze({ fn, dtype: x.dtype, outShape: x.shape });
}

/** max(x, 0), elementwise. */
export async function relu(x: Tensor, options?: OpOptions): Promise<Tensor> {
  return dispatch('unary', planUnary('relu', x, options), [x], options, 'relu');
}

/** 1 / (1 + e^(−x)), elementwise. */
export async function sigmoid(x: Tensor, options?: OpOptions): Promise<Tensor> {
  return dispatch('unary', planUnary('sigmoid', x, options), [x], options, 'sigmoid');
}
