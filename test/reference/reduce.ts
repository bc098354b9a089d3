/**
 * Reference sum and mean over a set of axes (all by default; negative axes count from the end),
 * with keepDims. int32 sums wrap to 32 bits (exact BigInt arithmetic); every mean is a float64
 * sum divided by the count (no wrap, as numpy's mean of int32).
 */
import { wrap32 } from './elementwise.js';
import { sizeOf, unravel, type Ref } from './nd.js';

export function refReduce(
  fn: 'sum' | 'mean',
  x: Ref,
  axis?: number | readonly number[],
  keepDims = false,
  int32 = false,
): Ref {
  const rank = x.shape.length;
  const list = axis === undefined ? x.shape.map((_, i) => i) : typeof axis === 'number' ? [axis] : axis;
  const axes = new Set(list.map((a) => (a < 0 ? a + rank : a)));
  const shape = keepDims ? x.shape.map((d, i) => (axes.has(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.has(i));
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.has(i));
  const keptShape = kept.map((i) => x.shape[i]!);
  const count = [...axes].reduce((c, i) => c * x.shape[i]!, 1);
  const sums = new Float64Array(sizeOf(shape));
  const exact = new Array<bigint>(sums.length).fill(0n);
  for (let f = 0; f < x.data.length; f++) {
    const idx = unravel(f, x.shape);
    let o = 0;
    for (let j = 0; j < kept.length; j++) o = o * keptShape[j]! + idx[kept[j]!]!;
    sums[o] += x.data[f]!;
    if (int32) exact[o] = exact[o]! + BigInt(x.data[f]!);
  }
  const data = sums.map((s, o) => (fn === 'mean' ? s / count : int32 ? wrap32(exact[o]!) : s));
  return { data, shape };
}
