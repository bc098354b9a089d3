/**
 * js gather (numpy.take along an axis): for every position before the axis and every index, the
 * strided block after the axis is copied into the row-major output. The indices are read and
 * checked once, first: every backend calls `readIndices`, so an index outside [−n, n) is the
 * same typed error everywhere and nothing is written or read out of bounds. Cost: one read and
 * one write per output element, one read per index.
 */
import type { TypedArray } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { GatherPlan } from '../plans.js';
import { contiguousStrides, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { copyBlock } from './copy.js';

/** The indices' values, negative ones wrapped (i + n); an index outside [−n, n) throws INVALID_ARGUMENT. */
export function checkIndices(plan: GatherPlan, values: ArrayLike<number>, shape: readonly number[]): Int32Array {
  const n = plan.n;
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < -n || v >= n) {
      const at = shape.length === 0 ? '' : `[${unravel(i, shape).join(',')}]`;
      throw new InvalidArgumentError('gather', `indices${at} is ${v}, outside [${-n}, ${n}) for axis ${plan.axis} of length ${n}; received indices of shape ${formatShape(shape)}`,
        n === 0 ? 'An empty axis has no elements to take; pass empty indices' : `Pass indices in [${-n}, ${n - 1}] (negative ones count from the end)`);
    }
    out[i] = v < 0 ? v + n : v;
  }
  return out;
}

/** The checked, wrapped indices of a CPU tensor (read row-major through its strides). */
export function readIndices(plan: GatherPlan, indices: Tensor): Int32Array {
  return checkIndices(plan, indices.dataSync(), indices.shape);
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

export function gather(plan: GatherPlan, [x, indices]: readonly [Tensor, Tensor], out: TypedArray): void {
  const ids = readIndices(plan, indices);
  if (out.length === 0) return;
  const { axis, count } = plan;
  const pre = x.shape.slice(0, axis);
  const post = x.shape.slice(axis + 1);
  const postStrides = x.strides.slice(axis + 1);
  const postDense = contiguousStrides(post);
  let block = 1;
  for (const d of post) block *= d;
  const along = x.strides[axis]!;
  const src = x.storage;
  const index = new Array<number>(pre.length).fill(0);
  let preOffset = x.offset;
  let o = 0;
  let outer = 1;
  for (const d of pre) outer *= d;
  for (let p = 0; p < outer; p++) {
    for (let k = 0; k < count; k++, o += block) copyBlock(src, preOffset + ids[k]! * along, postStrides, post, out, o, postDense);
    for (let d = pre.length - 1; d >= 0; d--) {
      index[d]!++;
      preOffset += x.strides[d]!;
      if (index[d]! < pre[d]!) break;
      preOffset -= x.strides[d]! * pre[d]!;
      index[d] = 0;
    }
  }
}
