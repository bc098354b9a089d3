/**
 * js reductions. sum and mean: one pass over the input in row-major order, each element added into its output
 * slot (reduced axes have output stride 0). Floats accumulate in float64; int32 sums wrap at 32
 * bits as the stored int32 result would. The others (reduceLines) gather each output's reduced
 * elements, read through the input's strides, into a float64 line and fold it: max/min propagate
 * NaN; argmax/argmin keep the first extreme (a NaN is the extreme, as numpy); logSumExp shifts by
 * the maximum; variance is two-pass (mean, then squared deviations); the 2-norm scales by max |x|
 * so that neither overflow nor underflow of the squares can occur. int32 prod wraps (Math.imul).
 */
import type { TypedArray } from '../dtype.js';
import type { ReducePlan } from '../plans.js';
import { contiguousStrides, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

export function reduce(plan: ReducePlan, [x]: readonly [Tensor], out: TypedArray): void {
  if (plan.fn !== 'sum' && plan.fn !== 'mean') return reduceLines(plan, x, out);
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

/** The reductions other than sum and mean: one float64 line of `count` elements per output. */
function reduceLines(plan: ReducePlan, x: Tensor, out: TypedArray): void {
  const kept = x.shape.map((_, i) => i).filter((i) => !plan.axes.includes(i));
  const keptShape = kept.map((i) => x.shape[i]!);
  const keptStrides = kept.map((i) => x.strides[i]!);
  const redShape = plan.axes.map((i) => x.shape[i]!);
  const redStrides = plan.axes.map((i) => x.strides[i]!);
  const outSize = sizeOf(plan.outShape);
  const count = plan.count;
  const line = new Float64Array(count);
  const xs = x.storage;
  const keptIndex = new Array<number>(kept.length).fill(0);
  const redIndex = new Array<number>(redShape.length).fill(0);
  const intProd = plan.fn === 'prod' && x.dtype === 'int32';
  let base = x.offset;
  for (let o = 0; o < outSize; o++) {
    let at = base;
    redIndex.fill(0);
    for (let r = 0; r < count; r++) {
      line[r] = xs[at]!;
      for (let d = redShape.length - 1; d >= 0; d--) {
        redIndex[d]!++;
        at += redStrides[d]!;
        if (redIndex[d]! < redShape[d]!) break;
        at -= redStrides[d]! * redShape[d]!;
        redIndex[d] = 0;
      }
    }
    out[o] = intProd ? intProduct(line) : fold(plan, line);
    for (let d = kept.length - 1; d >= 0; d--) {
      keptIndex[d]!++;
      base += keptStrides[d]!;
      if (keptIndex[d]! < keptShape[d]!) break;
      base -= keptStrides[d]! * keptShape[d]!;
      keptIndex[d] = 0;
    }
  }
}

function intProduct(line: Float64Array): number {
  let p = 1;
  for (let i = 0; i < line.length; i++) p = Math.imul(p, line[i]!);
  return p;
}

/** The reduction of one line (count ≥ 1 where the op requires it; the op layer checked). */
function fold(plan: ReducePlan, line: Float64Array): number {
  const n = line.length;
  switch (plan.fn) {
    case 'max':
    case 'min': {
      const isMax = plan.fn === 'max';
      let m = line[0]!;
      for (let i = 1; i < n && !Number.isNaN(m); i++) {
        const v = line[i]!;
        if (Number.isNaN(v) || (isMax ? v > m : v < m)) m = v;
      }
      return m;
    }
    case 'argmax':
    case 'argmin': {
      const isMax = plan.fn === 'argmax';
      let best = 0;
      let m = line[0]!;
      for (let i = 1; i < n && !Number.isNaN(m); i++) {
        const v = line[i]!;
        if (Number.isNaN(v) || (isMax ? v > m : v < m)) [m, best] = [v, i];
      }
      return best;
    }
    case 'prod': {
      let p = 1;
      for (let i = 0; i < n; i++) p *= line[i]!;
      return p;
    }
    case 'logSumExp': {
      let m = -Infinity;
      for (let i = 0; i < n; i++) if (line[i]! > m || Number.isNaN(line[i]!)) m = line[i]!;
      if (m === -Infinity || m === Infinity || Number.isNaN(m)) return n === 0 ? -Infinity : m;
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(line[i]! - m);
      return m + Math.log(s);
    }
    case 'variance':
    case 'std': {
      let s = 0;
      for (let i = 0; i < n; i++) s += line[i]!;
      const mu = s / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (line[i]! - mu) ** 2;
      const v = ss / (n - plan.ddof);
      return plan.fn === 'std' ? Math.sqrt(v) : v;
    }
    default: {
      // norm
      if (plan.ord === 1) {
        let s = 0;
        for (let i = 0; i < n; i++) s += Math.abs(line[i]!);
        return s;
      }
      let m = 0;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(line[i]!);
        if (a > m || Number.isNaN(a)) m = a;
      }
      if (plan.ord === Infinity || m === 0 || !Number.isFinite(m)) return m;
      let s = 0;
      for (let i = 0; i < n; i++) s += (line[i]! / m) ** 2;
      return m * Math.sqrt(s);
    }
  }
}
