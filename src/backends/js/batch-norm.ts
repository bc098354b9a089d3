/**
 * js batchNorm (inference): per channel c, k = scale[c]/√(variance[c] + ε) and
 * y = (x − mean[c])·k + offset[c] over [outer, channels, inner]. One pass over x.
 */
import { allocate } from '../../dtype.js';
import type { BatchNormPlan } from '../../ops/batch-norm.js';
import { Tensor } from '../../tensor.js';

export async function batchNorm(
  plan: BatchNormPlan,
  [input, meanIn, varianceIn, offsetIn, scaleIn]: readonly [Tensor, Tensor, Tensor, Tensor?, Tensor?],
): Promise<Tensor> {
  const { outer, channels, inner, epsilon } = plan;
  const x = input.contiguous();
  const xs = x.storage;
  const mean = meanIn.contiguous();
  const variance = varianceIn.contiguous();
  const offset = offsetIn?.contiguous();
  const scale = scaleIn?.contiguous();
  const out = allocate(plan.dtype, outer * channels * inner);
  for (let c = 0; c < channels; c++) {
    const mu = mean.storage[mean.offset + c]!;
    const k = (scale ? scale.storage[scale.offset + c]! : 1) / Math.sqrt(variance.storage[variance.offset + c]! + epsilon);
    const beta = offset ? offset.storage[offset.offset + c]! : 0;
    for (let p = 0; p < outer; p++) {
      const start = (p * channels + c) * inner;
      for (let j = 0; j < inner; j++) out[start + j] = (xs[x.offset + start + j]! - mu) * k + beta;
    }
  }
  return new Tensor(plan.dtype, plan.outShape, out);
}
