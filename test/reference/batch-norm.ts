/** Reference inference batch normalisation: (x − mean[c]) / √(variance[c] + ε) · scale[c] + offset[c], c = index along `axis`. */
import { unravel, type Ref } from './nd.js';

export function refBatchNorm(x: Ref, mean: Ref, variance: Ref, axis: number, epsilon: number, offset?: Ref, scale?: Ref): Ref {
  const data = x.data.map((v, f) => {
    const c = unravel(f, x.shape)[axis]!;
    const normalised = (v - mean.data[c]!) / Math.sqrt(variance.data[c]! + epsilon);
    return normalised * (scale ? scale.data[c]! : 1) + (offset ? offset.data[c]! : 0);
  });
  return { data, shape: [...x.shape] };
}
