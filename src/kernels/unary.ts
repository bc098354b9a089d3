/** js relu and sigmoid, elementwise over a row-major input. int32 relu stays int32. */
import type { TypedArray } from '../dtype.js';
import type { UnaryPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';

/** out[i] = f(x[i]) for row-major positions i in [begin, end); x must be contiguous. */
export function unaryRange(plan: UnaryPlan, [x]: readonly [Tensor], out: TypedArray, begin: number, end: number): void {
  const xs = x.storage;
  const o = x.offset;
  if (plan.fn === 'relu') {
    // Keeps NaN, as numpy's maximum(x, 0) does.
    for (let i = begin; i < end; i++) {
      const v = xs[o + i]!;
      out[i] = v < 0 ? 0 : v;
    }
  } else {
    for (let i = begin; i < end; i++) out[i] = 1 / (1 + Math.exp(-xs[o + i]!));
  }
}
