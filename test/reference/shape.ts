/**
 * Reference shape ops: plain loops over row-major float64 arrays (each output element computed
 * from its multi-index, no strides, no tables). Python's slice rules and numpy.pad's modes are
 * written out here independently of src/ (test/fixtures/shape.json holds numpy's own answers).
 */
import { sizeOf, stridesOf, unravel, type Ref } from './nd.js';

function at(x: Ref, idx: readonly number[]): number {
  const s = stridesOf(x.shape);
  let f = 0;
  for (let d = 0; d < idx.length; d++) f += idx[d]! * s[d]!;
  return x.data[f]!;
}

function build(shape: number[], value: (idx: number[]) => number): Ref {
  const data = new Float64Array(sizeOf(shape));
  for (let f = 0; f < data.length; f++) data[f] = value(unravel(f, shape));
  return { data, shape };
}

/** The coordinates Python's `range(n)[start:stop:step]` picks. */
export function sliceCoordinates(n: number, start: number | null, stop: number | null, step: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  const norm = (v: number): number => (v < 0 ? v + n : v);
  const out: number[] = [];
  if (step > 0) {
    const lo = start === null ? 0 : Math.max(norm(start), 0);
    const hi = stop === null ? n : Math.min(norm(stop), n);
    for (let i = lo; i < hi; i += step) out.push(all[i]!);
  } else {
    const hi = start === null ? n - 1 : Math.min(norm(start), n - 1);
    const lo = stop === null ? -1 : Math.max(norm(stop), -1);
    for (let i = hi; i > lo; i += step) out.push(all[i]!);
  }
  return out;
}

export function refSlice(x: Ref, begin: (number | null)[], end: (number | null)[], step: (number | null)[]): Ref {
  const coords = x.shape.map((n, d) => sliceCoordinates(n, begin[d] ?? null, end[d] ?? null, step[d] ?? 1));
  return build(coords.map((c) => c.length), (idx) => at(x, idx.map((i, d) => coords[d]![i]!)));
}

export function refFlip(x: Ref, axes: number[]): Ref {
  return build([...x.shape], (idx) => at(x, idx.map((i, d) => (axes.includes(d) ? x.shape[d]! - 1 - i : i))));
}

/** numpy.pad's coordinate for position j (may be outside [0, n)) of an axis of length n; −1: the constant. */
export function padCoordinate(j: number, n: number, mode: string): number {
  if (j >= 0 && j < n) return j;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return j < 0 ? 0 : n - 1;
  if (mode === 'wrap') {
    let k = j;
    while (k < 0) k += n;
    while (k >= n) k -= n;
    return k;
  }
  // reflect: bounce off the ends (without repeating them) until inside.
  if (n === 1) return 0;
  let k = j;
  while (k < 0 || k >= n) k = k < 0 ? -k : 2 * (n - 1) - k;
  return k;
}

export function refPad(x: Ref, widths: [number, number][], mode: string, value = 0): Ref {
  const shape = x.shape.map((n, d) => n + widths[d]![0] + widths[d]![1]);
  return build(shape, (idx) => {
    const src = idx.map((i, d) => padCoordinate(i - widths[d]![0], x.shape[d]!, mode));
    return src.includes(-1) ? value : at(x, src);
  });
}

export function refTile(x: Ref, reps: number[]): Ref {
  const rank = Math.max(x.shape.length, reps.length);
  const r = [...new Array<number>(rank - reps.length).fill(1), ...reps];
  const xs = [...new Array<number>(rank - x.shape.length).fill(1), ...x.shape];
  const y = { data: x.data, shape: xs };
  return build(xs.map((n, d) => n * r[d]!), (idx) => at(y, idx.map((i, d) => i % xs[d]!)));
}

export function refConcat(xs: Ref[], axis: number): Ref {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((a, x) => a + x.shape[axis]!, 0);
  return build(shape, (idx) => {
    let i = idx[axis]!;
    for (const x of xs) {
      if (i < x.shape[axis]!) return at(x, idx.map((v, d) => (d === axis ? i : v)));
      i -= x.shape[axis]!;
    }
    throw new Error('unreachable');
  });
}

export function refStack(xs: Ref[], axis: number): Ref {
  const shape = [...xs[0]!.shape];
  shape.splice(axis, 0, xs.length);
  return build(shape, (idx) => at(xs[idx[axis]!]!, idx.filter((_, d) => d !== axis)));
}

export function refGather(x: Ref, indices: Ref, axis: number): Ref {
  const n = x.shape[axis]!;
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const k = indices.shape.length;
  return build(shape, (idx) => {
    let v = at(indices, idx.slice(axis, axis + k));
    if (v < 0) v += n;
    return at(x, [...idx.slice(0, axis), v, ...idx.slice(axis + k)]);
  });
}

export function refBroadcastTo(x: Ref, shape: number[]): Ref {
  const shift = shape.length - x.shape.length;
  return build([...shape], (idx) => at(x, x.shape.map((n, d) => (n === 1 ? 0 : idx[d + shift]!))));
}
