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

export type ReduceFnRef = 'max' | 'min' | 'prod' | 'argmax' | 'argmin' | 'logSumExp' | 'variance' | 'std' | 'norm';

/**
 * Reference of the other reductions: each output's reduced elements collected in row-major order
 * (of the reduced axes), then folded by the textbook definition in float64: max/min with NaN
 * propagating, argmax/argmin the first extreme (NaN first), prod (int32: exact BigInt, wrapped),
 * logSumExp = m + log Σ e^(x − m), variance = Σ(x − mean)²/(n − ddof), norm ord 1 / 2 / Infinity.
 */
export function refReduceFn(
  fn: ReduceFnRef,
  x: Ref,
  axis?: number | readonly number[],
  { keepDims = false, ddof = 0, ord = 2, int32 = false }: { keepDims?: boolean; ddof?: number; ord?: number; int32?: boolean } = {},
): Ref {
  const rank = x.shape.length;
  const list = axis === undefined ? x.shape.map((_, i) => i) : typeof axis === 'number' ? [axis] : axis;
  const axes = new Set(list.map((a) => (a < 0 ? a + rank : a)));
  const shape = keepDims ? x.shape.map((d, i) => (axes.has(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.has(i));
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.has(i));
  const lines: number[][] = Array.from({ length: sizeOf(shape) }, () => []);
  for (let f = 0; f < x.data.length; f++) {
    const idx = unravel(f, x.shape);
    let o = 0;
    for (const k of kept) o = o * x.shape[k]! + idx[k]!;
    lines[o]!.push(x.data[f]!);
  }
  const data = Float64Array.from(lines, (line) => {
    const n = line.length;
    switch (fn) {
      case 'max': return line.some(Number.isNaN) ? NaN : Math.max(...line);
      case 'min': return line.some(Number.isNaN) ? NaN : Math.min(...line);
      case 'argmax':
      case 'argmin': {
        const nan = line.findIndex(Number.isNaN);
        if (nan >= 0) return nan;
        const m = fn === 'argmax' ? Math.max(...line) : Math.min(...line);
        return line.indexOf(m);
      }
      case 'prod':
        return int32 ? wrap32(line.reduce((p, v) => p * BigInt(v), 1n)) : line.reduce((p, v) => p * v, 1);
      case 'logSumExp': {
        if (n === 0) return -Infinity;
        const m = line.some(Number.isNaN) ? NaN : Math.max(...line);
        if (!Number.isFinite(m)) return m;
        return m + Math.log(line.reduce((s, v) => s + Math.exp(v - m), 0));
      }
      case 'variance':
      case 'std': {
        const mean = line.reduce((s, v) => s + v, 0) / n;
        const v = line.reduce((s, e) => s + (e - mean) ** 2, 0) / (n - ddof);
        return fn === 'std' ? Math.sqrt(v) : v;
      }
      case 'norm':
        if (ord === 1) return line.reduce((s, v) => s + Math.abs(v), 0);
        if (ord === Infinity) return line.some(Number.isNaN) ? NaN : Math.max(0, ...line.map(Math.abs));
        return Math.hypot(...line);
    }
  });
  return { data, shape };
}
