/**
 * js softmax and logSoftmax over [outer, n, inner] (the axis in the middle, stride `inner`):
 * for each of the outer·inner lines, the maximum m, then s = Σ e^(x − m) in float64, then
 * e^(x − m)/s or x − m − log s. An all −Infinity line gives NaN (as numpy and PyTorch: 0/0); a
 * line holding +Infinity gives NaN too. Three passes over each line; float64 accumulation.
 */
import type { TypedArray } from '../dtype.js';
import type { SoftmaxPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';
import { dense } from './dense.js';

export function softmax(plan: SoftmaxPlan, [input]: readonly [Tensor], out: TypedArray): void {
  const x = dense(input);
  const xs = x.storage;
  const base = x.offset;
  const { outer, n, inner, log } = plan;
  for (let p = 0; p < outer; p++) {
    for (let q = 0; q < inner; q++) {
      const start = p * n * inner + q;
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = xs[base + start + j * inner]!;
        if (v > m || Number.isNaN(v)) m = v;
        if (Number.isNaN(v)) break;
      }
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(xs[base + start + j * inner]! - m);
      if (log) {
        const ls = Math.log(s);
        for (let j = 0; j < n; j++) out[start + j * inner] = xs[base + start + j * inner]! - m - ls;
      } else {
        for (let j = 0; j < n; j++) out[start + j * inner] = Math.exp(xs[base + start + j * inner]! - m) / s;
      }
    }
  }
}
