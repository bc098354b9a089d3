/**
 * js remap (flip, negative-step slices, pad, tile): per output axis d, output coordinate i reads
 * input coordinate j = start[d] + i·step[d], resolved by the plan's mode when it falls outside
 * the axis. The coordinates are resolved once: the outer axes into tables of element offsets, the
 * last axis into runs of one step (pad: border, interior, border; tile: one per repetition;
 * flip and slices: one). The output is walked row by row: a row with an outer coordinate outside
 * (mode constant) is the constant; otherwise each run is a fill, a block copy or a strided loop.
 * Cost: one read and one write per output element.
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

/** A run of the last axis: `length` outputs from `at` reading coordinates src, src + step, … (src −1: the constant). */
interface Run {
  at: number;
  length: number;
  src: number;
  step: number;
}

/** The last axis's coordinates cut into the longest runs of one step (pad: border, interior, border; tile: one per repetition). */
function runsOf(c: Int32Array | number[]): Run[] {
  const runs: Run[] = [];
  const m = c.length;
  for (let j = 0; j < m; ) {
    let k = j + 1;
    if (c[j]! < 0) {
      while (k < m && c[k]! < 0) k++;
      runs.push({ at: j, length: k - j, src: -1, step: 0 });
    } else if (k < m && c[k]! >= 0) {
      const step = c[k]! - c[j]!;
      while (k + 1 < m && c[k + 1]! >= 0 && c[k + 1]! - c[k]! === step) k++;
      runs.push({ at: j, length: k - j + 1, src: c[j]!, step });
      k++;
    } else {
      runs.push({ at: j, length: 1, src: c[j]!, step: 0 });
    }
    j = k;
  }
  return runs;
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
  // Outer axes: an element offset per output coordinate (−1: the constant); the last axis: runs.
  const offsets: Float64Array[] = [];
  let runs: Run[] = [];
  for (let d = 0; d < rank; d++) {
    const m = shape[d]!;
    const c = new Array<number>(m);
    for (let i = 0; i < m; i++) c[i] = resolveCoordinate(plan.start[d]! + i * plan.step[d]!, plan.inShape[d]!, plan.mode);
    if (d === rank - 1) runs = runsOf(c);
    else offsets.push(Float64Array.from(c, (v) => (v < 0 ? -1 : v * x.strides[d]!)));
  }
  const inner = shape[rank - 1]!;
  const stride = x.strides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < size; o += inner) {
    let base = x.offset;
    let constant = false;
    for (let d = 0; d < rank - 1; d++) {
      const off = offsets[d]![index[d]!]!;
      if (off < 0) constant = true;
      base += off;
    }
    if (constant) {
      out.fill(value, o, o + inner);
    } else {
      for (const r of runs) {
        const at = o + r.at;
        if (r.src < 0) {
          out.fill(value, at, at + r.length);
        } else if (r.step === 1 && stride === 1) {
          const s = base + r.src;
          out.set(src.subarray(s, s + r.length), at);
        } else {
          const step = r.step * stride;
          for (let j = 0, s = base + r.src * stride; j < r.length; j++, s += step) out[at + j] = src[s]!;
        }
      }
    }
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
}
