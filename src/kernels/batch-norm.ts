/**
 * js batchNorm (inference): per channel c, k = scale[c]/√(variance[c] + ε) and
 * y = (x − mean[c])·k + offset[c] over [outer, channels, inner]. One pass over x.
 */
import type { TypedArray } from '../dtype.js';
import type { BatchNormPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';
import { dense } from './dense.js';

export function batchNorm(
  plan: BatchNormPlan,
  [input, meanIn, varianceIn, offsetIn, scaleIn]: readonly [Tensor, Tensor, Tensor, Tensor?, Tensor?],
  out: TypedArray,
): void {
  const { outer, channels, inner, epsilon } = plan;
  const x = dense(input);
  const xs = x.storage;
  const mean = dense(meanIn);
  const variance = dense(varianceIn);
  const offset = (offsetIn && dense(offsetIn));
  const scale = (scaleIn && dense(scaleIn));
  for (let c = 0; c < channels; c++) {
    const mu = mean.storage[mean.offset + c]!;
    const k = (scale ? scale.storage[scale.offset + c]! : 1) / Math.sqrt(variance.storage[variance.offset + c]! + epsilon);
    const beta = offset ? offset.storage[offset.offset + c]! : 0;
    for (let p = 0; p < outer; p++) {
      const start = (p * channels + c) * inner;
      for (let j = 0; j < inner; j++) out[start + j] = (xs[x.offset + start + j]! - mu) * k + beta;
    }
  }
}
