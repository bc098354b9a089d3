/**
 * js layerNorm over [outer, n]: per row, the mean, then the biased variance Σ(x − mean)²/n (two
 * passes in float64, no cancellation), then (x − mean)/√(var + ε)·gamma + beta. Three passes.
 */
import type { TypedArray } from '../dtype.js';
import type { LayerNormPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';
import { dense } from './dense.js';

export function layerNorm(plan: LayerNormPlan, [input, gammaIn, betaIn]: readonly [Tensor, Tensor?, Tensor?], out: TypedArray): void {
  const { outer, n, epsilon } = plan;
  const x = dense(input);
  const xs = x.storage;
  const gamma = (gammaIn && dense(gammaIn));
  const beta = (betaIn && dense(betaIn));
  for (let p = 0; p < outer; p++) {
    const start = x.offset + p * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += xs[start + j]!;
    const mu = s / n;
    let ss = 0;
    for (let j = 0; j < n; j++) {
      const d = xs[start + j]! - mu;
      ss += d * d;
    }
    const k = 1 / Math.sqrt(ss / n + epsilon);
    for (let j = 0; j < n; j++) {
      const g = gamma ? gamma.storage[gamma.offset + j]! : 1;
      const b = beta ? beta.storage[beta.offset + j]! : 0;
      out[p * n + j] = (xs[start + j]! - mu) * k * g + b;
    }
  }
}
