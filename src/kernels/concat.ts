/**
 * js concat: each input's strided view copied into its slab of the row-major output (the slab
 * of input k starts at its running offset along the axis). One read and one write per element.
 */
import type { TypedArray } from '../dtype.js';
import type { ConcatPlan } from '../plans.js';
import { contiguousStrides } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { copyBlock } from './copy.js';

export function concat(plan: ConcatPlan, inputs: readonly Tensor[], out: TypedArray): void {
  const outStrides = contiguousStrides(plan.outShape);
  const along = outStrides[plan.axis]!;
  let at = 0;
  for (let k = 0; k < inputs.length; k++) {
    const t = inputs[k]!;
    if (t.size > 0) copyBlock(t.storage, t.offset, t.strides, t.shape, out, at * along, outStrides);
    at += plan.sizes[k]!;
  }
}
