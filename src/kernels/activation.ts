/** The fused epilogue shared by matmul and conv2d: activation applied in place over a range. */
import type { Activation } from '../plans.js';
import type { FloatArray } from '../dtype.js';

/** relu keeps NaN (as numpy's maximum does); sigmoid is 1 / (1 + e^(−v)). */
export function activateRange(out: FloatArray, begin: number, end: number, activation: Activation): void {
  if (activation === 'relu') {
    for (let i = begin; i < end; i++) if (out[i]! < 0) out[i] = 0;
  } else if (activation === 'sigmoid') {
    for (let i = begin; i < end; i++) out[i] = 1 / (1 + Math.exp(-out[i]!));
  }
}
