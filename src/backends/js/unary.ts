/** js relu and sigmoid in place over a row-major copy of the input. */
import { allocate, type FloatArray } from '../../dtype.js';
import type { UnaryPlan } from '../../ops/unary.js';
import { Tensor } from '../../tensor.js';
import { activateRange } from './activation.js';

export async function unary(plan: UnaryPlan, [x]: readonly [Tensor]): Promise<Tensor> {
  const out = allocate(plan.dtype, x.size);
  const c = x.contiguous();
  out.set(c.storage.subarray(c.offset, c.offset + x.size));
  unaryRange(plan, out, 0, x.size);
  return new Tensor(plan.dtype, plan.outShape, out);
}

/** Applies the function in place to out[begin, end). */
export function unaryRange(plan: UnaryPlan, out: FloatArray | Int32Array, begin: number, end: number): void {
  if (out instanceof Int32Array) {
    for (let i = begin; i < end; i++) if (out[i]! < 0) out[i] = 0;
  } else {
    activateRange(out, begin, end, plan.fn);
  }
}
