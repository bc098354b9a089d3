/** Shared helpers of the js kernels. */
import { scratch } from '../dtype.js';
import type { Tensor } from '../tensor.js';

/** The tensor itself when it is row-major, else a row-major copy (kernels that walk memory in order). */
export function dense<T extends Tensor>(t: T): T {
  return t.isContiguous ? t : (t.contiguous() as T);
}

/** A float64 copy of `t`'s values, row-major (the linear-algebra kernels compute in float64). */
export function toFloat64Array(t: Tensor): Float64Array {
  const out = scratch('float64', t.size) as Float64Array;
  const d = dense(t);
  out.set(d.storage.subarray(d.offset, d.offset + t.size));
  if (d !== t) d.dispose();
  return out;
}
