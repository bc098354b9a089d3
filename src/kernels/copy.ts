/**
 * The strided block copy the shape kernels share: a block of `shape` read through `srcStrides`
 * from `srcBase` and written through `dstStrides` from `dstBase`, row by row (an odometer over
 * all but the last dimension, the last one a tight loop). Strides may be any integers, 0 and
 * negative included; the caller guarantees every index lies inside both arrays. Cost: one read
 * and one write per element.
 */
import type { TypedArray } from '../dtype.js';

export function copyBlock(
  src: TypedArray,
  srcBase: number,
  srcStrides: readonly number[],
  shape: readonly number[],
  dst: TypedArray,
  dstBase: number,
  dstStrides: readonly number[],
): void {
  const rank = shape.length;
  for (let d = 0; d < rank; d++) if (shape[d] === 0) return;
  if (rank === 0) {
    dst[dstBase] = src[srcBase]!;
    return;
  }
  const inner = shape[rank - 1]!;
  const si = srcStrides[rank - 1]!;
  const di = dstStrides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let s = srcBase;
  let o = dstBase;
  for (;;) {
    if (si === 1 && di === 1) {
      for (let j = 0; j < inner; j++) dst[o + j] = src[s + j]!;
    } else {
      for (let j = 0, a = s, b = o; j < inner; j++, a += si, b += di) dst[b] = src[a]!;
    }
    // Next row: advance the multi-index over all but the last dimension.
    let d = rank - 2;
    for (; d >= 0; d--) {
      index[d]!++;
      s += srcStrides[d]!;
      o += dstStrides[d]!;
      if (index[d]! < shape[d]!) break;
      s -= srcStrides[d]! * shape[d]!;
      o -= dstStrides[d]! * shape[d]!;
      index[d] = 0;
    }
    if (d < 0) return;
  }
}
