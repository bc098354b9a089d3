/**
 * js sum and mean: one pass over the input in row-major order, each element added into its output
 * slot (reduced axes have output stride 0). Floats accumulate in float64; int32 sums wrap at 32
 * bits as the stored int32 result would.
 */
import type { TypedArray } from '../dtype.js';
import type { ReducePlan } from '../plans.js';
import { contiguousStrides, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

export function reduce(plan: ReducePlan, [x]: readonly [Tensor], out: TypedArray): void {
  const shape = x.shape;
  const rank = shape.length;
  const outSize = sizeOf(plan.outShape);
  // Output strides seen from the input's dimensions: 0 on reduced axes.
  const kept = shape.map((d, i) => (plan.axes.includes(i) ? 1 : d));
  const keptStrides = contiguousStrides(kept);
  const os = shape.map((_, i) => (plan.axes.includes(i) ? 0 : keptStrides[i]!));
  // int32 sums wrap like the int32 result; an int32 mean is exact (float64 accumulation).
  const int32 = x.dtype === 'int32' && plan.fn === 'sum';
  const acc = new Float64Array(outSize);
  const xs = x.storage;
  const n = x.size;
  if (n > 0) {
    const inner = rank === 0 ? 1 : shape[rank - 1]!;
    const innerStride = rank === 0 ? 0 : os[rank - 1]!;
    const index = new Array<number>(rank).fill(0);
    let o = 0;
    for (let i = x.offset, end = x.offset + n; i < end; i += inner) {
      if (innerStride === 0) {
        let s = acc[o]!;
        if (int32) for (let j = 0; j < inner; j++) s = (s + xs[i + j]!) | 0;
        else for (let j = 0; j < inner; j++) s += xs[i + j]!;
        acc[o] = s;
      } else if (int32) {
        for (let j = 0; j < inner; j++) acc[o + j] = (acc[o + j]! + xs[i + j]!) | 0;
      } else {
        for (let j = 0; j < inner; j++) acc[o + j] += xs[i + j]!;
      }
      for (let d = rank - 2; d >= 0; d--) {
        index[d]!++;
        o += os[d]!;
        if (index[d]! < shape[d]!) break;
        o -= os[d]! * shape[d]!;
        index[d] = 0;
      }
    }
  }
  if (plan.fn === 'mean') for (let i = 0; i < outSize; i++) out[i] = acc[i]! / plan.count;
  else out.set(acc);
}
