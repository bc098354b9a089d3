/**
 * js remap (flip, negative-step slices, pad, tile): per output axis d, output coordinate i reads
 * input coordinate j = start[d] + i·step[d], resolved by the plan's mode when it falls outside
 * the axis. The coordinates of every axis are resolved once into a table of element offsets
 * (Σ of the output's dimensions entries), then the output is walked row by row: a row with an
 * outer coordinate outside (mode constant) is the constant; otherwise the last axis reads through
 * its table, or as a plain strided loop when that axis is affine and inside. Cost: one read and
 * one write per output element.
 */
import type { TypedArray } from '../dtype.js';
import type { RemapMode, RemapPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';

/**
 * The input coordinate that `j` reads on an axis of length `n` (−1: the constant). numpy.pad's
 * rules, for any width: reflect mirrors without repeating the edge (period 2(n − 1)), edge
 * clamps, wrap repeats (period n).
 */
export function resolveCoordinate(j: number, n: number, mode: RemapMode): number {
  if (j >= 0 && j < n) return j;
  if (mode === 'constant' || n === 0) return -1;
  if (mode === 'edge') return j < 0 ? 0 : n - 1;
  if (mode === 'wrap') return ((j % n) + n) % n;
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const k = ((j % period) + period) % period;
  return k < n ? k : period - k;
}

/** Per axis: element offsets (coordinate × stride) and whether the coordinate is the constant. */
function tables(plan: RemapPlan, strides: readonly number[]): { offsets: Float64Array[]; outside: Uint8Array[]; affine: boolean[] } {
  const rank = plan.outShape.length;
  const offsets: Float64Array[] = [];
  const outside: Uint8Array[] = [];
  const affine: boolean[] = [];
  for (let d = 0; d < rank; d++) {
    const m = plan.outShape[d]!;
    const n = plan.inShape[d]!;
    const off = new Float64Array(m);
    const out = new Uint8Array(m);
    let inside = true;
    for (let i = 0; i < m; i++) {
      const j = plan.start[d]! + i * plan.step[d]!;
      const c = resolveCoordinate(j, n, plan.mode);
      if (c !== j) inside = false;
      if (c < 0) out[i] = 1;
      else off[i] = c * strides[d]!;
    }
    offsets.push(off);
    outside.push(out);
    affine.push(inside);
  }
  return { offsets, outside, affine };
}

export function remap(plan: RemapPlan, [x]: readonly [Tensor], out: TypedArray): void {
  const shape = plan.outShape;
  const rank = shape.length;
  const size = out.length;
  if (size === 0) return;
  const src = x.storage;
  const value = plan.value;
  if (rank === 0) {
    out[0] = src[x.offset]!;
    return;
  }
  const { offsets, outside, affine } = tables(plan, x.strides);
  const inner = shape[rank - 1]!;
  const lastOff = offsets[rank - 1]!;
  const lastOut = outside[rank - 1]!;
  const lastAffine = affine[rank - 1]!;
  const lastStep = plan.step[rank - 1]! * x.strides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < size; o += inner) {
    let base = x.offset;
    let constant = false;
    for (let d = 0; d < rank - 1; d++) {
      if (outside[d]![index[d]!]) constant = true;
      base += offsets[d]![index[d]!]!;
    }
    if (constant) {
      out.fill(value, o, o + inner);
    } else if (lastAffine) {
      for (let j = 0, s = base + lastOff[0]!; j < inner; j++, s += lastStep) out[o + j] = src[s]!;
    } else {
      for (let j = 0; j < inner; j++) out[o + j] = lastOut[j] ? value : src[base + lastOff[j]!]!;
    }
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
}
