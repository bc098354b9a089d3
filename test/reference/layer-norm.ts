/**
 * Reference layer normalisation over the last `dims` axes: per group of n = product of those
 * dimensions, mean = Σx/n, var = Σ(x − mean)²/n, y = (x − mean)/√(var + ε)·gamma + beta.
 */
import { sizeOf, type Ref } from './nd.js';

export function refLayerNorm(x: Ref, dims: number, epsilon: number, gamma?: Ref, beta?: Ref): Ref {
  const n = sizeOf(x.shape.slice(x.shape.length - dims));
  const data = new Float64Array(x.data.length);
  for (let start = 0; start < x.data.length; start += n) {
    const row = x.data.subarray(start, start + n);
    const mean = row.reduce((a, v) => a + v, 0) / n;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
    for (let j = 0; j < n; j++) {
      data[start + j] = ((row[j]! - mean) / Math.sqrt(variance + epsilon)) * (gamma ? gamma.data[j]! : 1) + (beta ? beta.data[j]! : 0);
    }
  }
  return { data, shape: [...x.shape] };
}
