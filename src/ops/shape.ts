/**
 * The shape ops, with numpy's names and rules (negative axes count from the end, negative indices
 * from the end of their axis, slices clamp as Python's do).
 *
 * Views (no copy, on every backend and device, pending tensors included; they share the storage,
 * so they live as long as any view of it): `slice` with positive steps, `at`, `split`, `squeeze`,
 * `expandDims`, `broadcastTo` (stride 0 along broadcast dimensions).
 *
 * Copies (through the op table, on js, native, wasm and webgpu): `concat` and `stack` (the `concat`
 * kernel), `flip`, `slice` with a negative step, `pad` and `tile` (the `remap` kernel: per-axis
 * coordinate maps), `gather` (the `gather` kernel). Tensors never carry negative strides here: a
 * reversed axis is a copy, so every kernel, the native addon's stride checks and the pool's shared
 * views only ever see strides ≥ 0.
 */
import { dispatch } from '../dispatch.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors.js';
import type { ConcatPlan, GatherPlan, OpOptions, RemapMode, RemapPlan } from '../plans.js';
import { formatShape, sizeOf } from '../shape.js';
import { describe, MAX_ELEMENTS, type Tensor } from '../tensor.js';
import { checkOptions, expectSameDtype, expectTensor } from './checks.js';
import { resolveAxis } from './softmax.js';

export type { ConcatPlan, GatherPlan, RemapMode, RemapPlan } from '../plans.js';

/** A slice bound: an integer (negative counts from the end), or null/undefined for the default. */
export type SliceBound = number | null | undefined;

/** pad's modes (numpy.pad's names; `wrap` repeats the input). */
export type PadMode = 'constant' | 'reflect' | 'edge' | 'wrap';

export interface PadOptions extends OpOptions {
  /** How the border is filled (default `'constant'`). */
  mode?: PadMode;
  /** The constant of mode `'constant'` (default 0; an integer for int32). */
  value?: number;
}

// ───────────────────────────── argument readers ─────────────────────────────

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/** A number or an array of numbers read once into a plain array (entries checked by the caller). */
function list(op: string, name: string, value: unknown, allowNull: boolean): unknown[] {
  if (typeof value === 'number' || (allowNull && (value === null || value === undefined))) return [value];
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError(op, `${name} must be an integer or an array of integers; received ${describe(value)}`);
  }
  if (value.length > 64) throw new InvalidArgumentError(op, `${name} has ${value.length} entries; at most 64 dimensions are supported`);
  return Array.from({ length: value.length }, (_, i) => value[i] as unknown);
}

/** Distinct axes of a rank-`rank` tensor, resolved to [0, rank). */
function resolveAxes(op: string, value: unknown, rank: number, of = `a rank-${rank} tensor`): number[] {
  const name = 'axis';
  const raw = list(op, name, value, false);
  const out: number[] = [];
  for (const a of raw) {
    if (rank === 0) throw new InvalidArgumentError(op, `x has rank 0 and no axes; received axis ${describe(value)}`, 'Leave axis out for a rank-0 tensor');
    if (!isInt(a) || a < -rank || a >= rank) {
      throw new InvalidArgumentError(op, `${name} must be an integer in [${-rank}, ${rank - 1}] for ${of}; received ${describe(value)}`);
    }
    const r = a < 0 ? a + rank : a;
    if (out.includes(r)) throw new InvalidArgumentError(op, `${name} names axis ${r} twice; received ${describe(value)}`, 'Name each axis once');
    out.push(r);
  }
  return out;
}

function checkSize(op: string, shape: readonly number[]): void {
  const size = sizeOf(shape);
  if (size > MAX_ELEMENTS) {
    throw new InvalidArgumentError(op, `the result ${formatShape(shape)} would hold ${size} elements; a tensor holds at most ${MAX_ELEMENTS}`,
      'Work on smaller pieces');
  }
}

/**
 * Python's slice clamping (`slice(start, stop, step).indices(n)`): the first coordinate and the
 * length of the slice of an axis of length `n`.
 */
function sliceAxis(start: SliceBound, stop: SliceBound, step: number, n: number): { first: number; length: number } {
  const clamp = (v: number, lo: number, hi: number): number => (v < 0 ? Math.max(v + n, lo) : Math.min(v, hi));
  if (step > 0) {
    const b = start === null || start === undefined ? 0 : clamp(start, 0, n);
    const e = stop === null || stop === undefined ? n : clamp(stop, 0, n);
    return { first: b, length: e > b ? Math.ceil((e - b) / step) : 0 };
  }
  const b = start === null || start === undefined ? n - 1 : clamp(start, -1, n - 1);
  const e = stop === null || stop === undefined ? -1 : clamp(stop, -1, n - 1);
  return { first: b, length: b > e ? Math.ceil((b - e) / -step) : 0 };
}

function runRemap(plan: RemapPlan, x: Tensor, options: OpOptions | undefined): Tensor {
  checkSize(plan.op, plan.outShape);
  return dispatch('remap', Object.freeze(plan), [x], options, plan.op);
}

const identityRemap = (op: RemapPlan['op'], x: Tensor, outShape: readonly number[], start: number[], step: number[], mode: RemapMode, value: number): RemapPlan => ({
  op, dtype: x.dtype, inShape: Object.freeze([...x.shape]), outShape: Object.freeze([...outShape]),
  start: Object.freeze(start), step: Object.freeze(step), mode, value,
});

// ───────────────────────────── views ─────────────────────────────

/**
 * `x[begin[0]:end[0]:step[0], begin[1]:end[1]:step[1], …]` as numpy writes it: one entry per
 * leading axis (axes past the longest list are taken whole), each bound an integer (negative
 * counts from the end) or null for the default, clamped to the axis as Python clamps. Positive
 * steps give a view on x's storage (no copy, any device); a negative step gives a copy (tensors
 * here never carry negative strides). For index access, `at(x, i, j)` drops axes instead.
 * @throws INVALID_ARGUMENT for a step of 0, non-integer bounds or more entries than x has axes.
 * @example
 * const x = arange(10);
 * slice(x, [2], [8], [2]);        // [2, 4, 6]  (x[2:8:2], a view)
 * slice(x, [null], [null], [-1]); // [9, 8, …, 0]  (x[::-1], a copy)
 * slice(m, [1, null], [null, 3]); // m[1:, :3]
 */
export function slice(x: Tensor, begin: SliceBound | readonly SliceBound[], end?: SliceBound | readonly SliceBound[], step?: number | readonly (number | null | undefined)[], options?: OpOptions): Tensor {
  const op = 'slice';
  const t = expectTensor(op, 'x', x);
  checkOptions(op, options);
  const rank = t.rank;
  const bs = list(op, 'begin', begin, true);
  const es = end === undefined ? [] : list(op, 'end', end, true);
  const ss = step === undefined ? [] : list(op, 'step', step, true);
  const count = Math.max(bs.length, es.length, ss.length);
  if (count > rank) {
    throw new InvalidArgumentError(op, `begin, end and step have ${count} entries but x has ${rank} ${rank === 1 ? 'axis' : 'axes'}; received x ${formatShape(t.shape)}`,
      'Pass at most one entry per axis');
  }
  for (const [name, vs] of [['begin', bs], ['end', es], ['step', ss]] as const) {
    for (const v of vs) {
      if (v !== null && v !== undefined && !isInt(v)) {
        throw new InvalidArgumentError(op, `${name} entries must be integers or null; received ${describe(vs)}`);
      }
    }
  }
  const shape: number[] = [];
  const first: number[] = [];
  const steps: number[] = [];
  let negative = false;
  for (let d = 0; d < rank; d++) {
    const s = (ss[d] ?? 1) as number;
    if (s === 0) throw new InvalidArgumentError(op, `step must not be 0; received step ${describe(ss)}`, 'Use 1 to take every element, -1 to reverse');
    const r = sliceAxis(bs[d] as SliceBound, es[d] as SliceBound, s, t.shape[d]!);
    shape.push(r.length);
    first.push(r.first);
    steps.push(s);
    if (s < 0 && r.length > 1) negative = true;
  }
  if (negative) return runRemap(identityRemap(op, t, shape, first, steps, 'constant', 0), t, options);
  let offset = t.offset;
  const strides: number[] = [];
  const empty = shape.includes(0);
  for (let d = 0; d < rank; d++) {
    if (!empty) offset += first[d]! * t.strides[d]!;
    strides.push(t.strides[d]! * Math.abs(steps[d]!));
  }
  return t._view(shape, strides, offset);
}

/**
 * Index access: the view `x[i0, i1, …]`, dropping one leading axis per index (numpy's integer
 * indexing; negative indices count from the end). `at(x)` is x itself as a new view; indexing
 * every axis gives a rank-0 view (read it with `(await t.data())[0]`). Combine with `slice` for
 * ranges.
 * @throws INVALID_ARGUMENT for an index outside its axis or more indices than axes.
 * @example
 * const m = tensor([[1, 2, 3], [4, 5, 6]]);
 * at(m, 1);        // [4, 5, 6]
 * at(m, -1, 0);    // 4 (rank 0)
 */
export function at(x: Tensor, ...index: number[]): Tensor {
  const op = 'at';
  const t = expectTensor(op, 'x', x);
  if (index.length > t.rank) {
    throw new InvalidArgumentError(op, `${index.length} indices for a rank-${t.rank} tensor ${formatShape(t.shape)}`, 'Pass at most one index per axis');
  }
  let offset = t.offset;
  for (let d = 0; d < index.length; d++) {
    const n = t.shape[d]!;
    const i = index[d];
    if (!isInt(i) || i < -n || i >= n) {
      throw new InvalidArgumentError(op, `index ${d} must be an integer in [${-n}, ${n - 1}] for axis ${d} of length ${n}; received ${describe(i)}`,
        n === 0 ? 'The axis is empty: there is nothing to index' : 'Negative indices count from the end');
    }
    offset += (i < 0 ? i + n : i) * t.strides[d]!;
  }
  return t._view(t.shape.slice(index.length), t.strides.slice(index.length), offset);
}

/**
 * numpy.split: `sections` a count (the axis must divide into that many equal parts; numpy.split,
 * not array_split) or the sorted split points (`[2, 5]` gives `x[:2]`, `x[2:5]`, `x[5:]`, each
 * clamped as a slice is, so points past the end give empty parts). Returns views.
 * @throws SHAPE_MISMATCH when a count does not divide the axis; INVALID_ARGUMENT for a bad count, point or axis.
 * @example
 * const [a, b] = split(arange(6), 2);          // [0,1,2], [3,4,5]
 * const [p, q, r] = split(arange(6), [1, 4]);  // [0], [1,2,3], [4,5]
 */
export function split(x: Tensor, sections: number | readonly number[], axis = 0): Tensor[] {
  const op = 'split';
  const t = expectTensor(op, 'x', x);
  const ax = resolveAxis(op, axis, t.rank);
  const n = t.shape[ax]!;
  let points: number[];
  if (typeof sections === 'number') {
    if (!isInt(sections) || sections < 1) {
      throw new InvalidArgumentError(op, `sections must be a positive integer or an array of split points; received ${describe(sections)}`);
    }
    if (n % sections !== 0) {
      throw new ShapeError(op, `axis ${ax} of length ${n} does not divide into ${sections} equal parts; received x ${formatShape(t.shape)}`,
        'Pass the split points instead, e.g. [2, 5]');
    }
    points = Array.from({ length: sections - 1 }, (_, i) => ((i + 1) * n) / sections);
  } else {
    const raw = list(op, 'sections', sections, false);
    for (const p of raw) {
      if (!isInt(p)) throw new InvalidArgumentError(op, `split points must be integers; received ${describe(sections)}`);
    }
    points = raw as number[];
  }
  const bounds: SliceBound[] = [null, ...points, null];
  const out: Tensor[] = [];
  const none = (v: SliceBound): SliceBound[] => Array.from({ length: ax + 1 }, (_, d) => (d === ax ? v : null));
  for (let i = 0; i + 1 < bounds.length; i++) out.push(slice(t, none(bounds[i]), none(bounds[i + 1])));
  return out;
}

/**
 * numpy.squeeze: a view without the size-1 axes (all of them, or those named; naming an axis
 * whose length is not 1 is an error).
 * @throws SHAPE_MISMATCH when a named axis is not of length 1; INVALID_ARGUMENT for a bad axis.
 * @example
 * squeeze(zeros([1, 3, 1])).shape;        // [3]
 * squeeze(zeros([1, 3, 1]), 0).shape;     // [3, 1]
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const op = 'squeeze';
  const t = expectTensor(op, 'x', x);
  const drop = axis === undefined ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : resolveAxes(op, axis, t.rank);
  for (const a of drop) {
    if (t.shape[a] !== 1) {
      throw new ShapeError(op, `axis ${a} has length ${t.shape[a]}, and only axes of length 1 can be squeezed; received x ${formatShape(t.shape)}`,
        'Name only axes of length 1, or call squeeze(x) to drop all of them');
    }
  }
  const keep = t.shape.map((_, i) => i).filter((i) => !drop.includes(i));
  return t._view(keep.map((i) => t.shape[i]!), keep.map((i) => t.strides[i]!), t.offset);
}

/**
 * numpy.expand_dims: a view with new axes of length 1 at `axis` (positions in the result, whose
 * rank is x's plus the number of axes; negative from its end).
 * @throws INVALID_ARGUMENT for an axis outside the result's rank or named twice.
 * @example
 * expandDims(zeros([3]), 0).shape;          // [1, 3]
 * expandDims(zeros([3]), [0, -1]).shape;    // [1, 3, 1]
 */
export function expandDims(x: Tensor, axis: number | readonly number[]): Tensor {
  const op = 'expandDims';
  const t = expectTensor(op, 'x', x);
  const count = typeof axis === 'number' ? 1 : Array.isArray(axis) ? axis.length : 1;
  const rank = t.rank + count;
  const added = resolveAxes(op, axis, rank, `the rank-${rank} result (axis counts positions in the result)`);
  const shape: number[] = [];
  const strides: number[] = [];
  let src = 0;
  for (let d = 0; d < rank; d++) {
    if (added.includes(d)) {
      shape.push(1);
      strides.push(0);
    } else {
      shape.push(t.shape[src]!);
      strides.push(t.strides[src]!);
      src++;
    }
  }
  return t._view(shape, strides, t.offset);
}

/**
 * numpy.broadcast_to: a read-only-in-spirit view of x with `shape`, stride 0 along the dimensions
 * it repeats (no copy). Aligned from the right, each x dimension must equal the target's or be 1.
 * @throws SHAPE_MISMATCH when x does not broadcast to `shape`; INVALID_ARGUMENT for a bad shape.
 * @example
 * broadcastTo(tensor([1, 2, 3]), [2, 3]);   // [[1, 2, 3], [1, 2, 3]]
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const op = 'broadcastTo';
  const t = expectTensor(op, 'x', x);
  const target = list(op, 'shape', shape, false);
  for (const d of target) {
    if (!isInt(d) || d < 0) throw new InvalidArgumentError(op, `shape entries must be non-negative integers; received ${describe(shape)}`);
  }
  const dims = target as number[];
  const shift = dims.length - t.rank;
  const bad = shift < 0 ? -1 : t.shape.findIndex((d, i) => d !== dims[i + shift] && d !== 1);
  if (shift < 0 || bad >= 0) {
    throw new ShapeError(op, `x ${formatShape(t.shape)} does not broadcast to ${formatShape(dims)}`,
      shift < 0 ? 'The target needs at least as many dimensions as x' : 'Each dimension of x, aligned from the right, must equal the target\'s or be 1');
  }
  checkSize(op, dims);
  const strides = dims.map((d, i) => (i < shift || t.shape[i - shift] !== d ? 0 : t.strides[i - shift]!));
  return t._view(dims, strides, t.offset);
}

// ───────────────────────────── copies ─────────────────────────────

/**
 * numpy.flip: a copy with the order of the elements reversed along `axis` (all axes by default).
 * @throws INVALID_ARGUMENT for a bad axis.
 * @example
 * flip(tensor([[1, 2], [3, 4]]), 1);   // [[2, 1], [4, 3]]
 */
export function flip(x: Tensor, axis?: number | readonly number[], options?: OpOptions): Tensor {
  const op = 'flip';
  const t = expectTensor(op, 'x', x);
  checkOptions(op, options);
  const axes = axis === undefined ? t.shape.map((_, i) => i) : resolveAxes(op, axis, t.rank);
  const start = t.shape.map((n, d) => (axes.includes(d) ? n - 1 : 0));
  const step = t.shape.map((_, d) => (axes.includes(d) ? -1 : 1));
  return runRemap(identityRemap(op, t, t.shape, start, step, 'constant', 0), t, options);
}

/** pad widths as numpy takes them: n, [before, after], or one [before, after] per axis. */
function readWidths(op: string, widths: unknown, rank: number): [number, number][] {
  const bad = (): never => {
    throw new InvalidArgumentError(op, `widths must be a non-negative integer, [before, after], or one [before, after] per axis (${rank}); received ${describe(widths)}`,
      'e.g. pad(x, 1), pad(x, [1, 2]) or pad(x, [[0, 0], [1, 2]])');
  };
  const width = (v: unknown): number => (isInt(v) && v >= 0 ? v : bad());
  if (typeof widths === 'number') return Array.from({ length: rank }, () => [width(widths), width(widths)]);
  if (!Array.isArray(widths)) return bad();
  const entries = Array.from({ length: widths.length }, (_, i) => widths[i] as unknown);
  if (entries.length === 2 && entries.every((e) => typeof e === 'number')) {
    const pair: [number, number] = [width(entries[0]), width(entries[1])];
    return Array.from({ length: rank }, () => [...pair] as [number, number]);
  }
  if (entries.length === 1 && Array.isArray(entries[0])) {
    const e = entries[0] as unknown[];
    if (e.length !== 2) return bad();
    const pair: [number, number] = [width(e[0]), width(e[1])];
    return Array.from({ length: rank }, () => [...pair] as [number, number]);
  }
  if (entries.length !== rank) {
    throw new ShapeError(op, `widths has ${entries.length} entries and x has ${rank} ${rank === 1 ? 'axis' : 'axes'}; received ${describe(widths)}`,
      'Pass one [before, after] per axis, or one pair for all of them');
  }
  return entries.map((e) => {
    if (!Array.isArray(e) || e.length !== 2) return bad();
    return [width(e[0]), width(e[1])] as [number, number];
  });
}

/**
 * numpy.pad: a copy of x with `widths` elements added before and after each axis (`n` on every
 * side, `[before, after]` on every axis, or one pair per axis), filled by `mode`: 'constant'
 * (`value`, default 0), 'reflect' (mirrored without the edge), 'edge' (the edge repeated) or
 * 'wrap' (the input repeated). As numpy, reflect, edge and wrap take any width (past the length
 * of the axis they keep mirroring or repeating), and cannot extend an empty axis.
 * @throws INVALID_ARGUMENT for bad widths, mode or value; SHAPE_MISMATCH for a width list of the
 * wrong length, or reflect/edge/wrap extending an empty axis.
 * @example
 * pad(tensor([1, 2, 3]), 2, { mode: 'reflect' });   // [3, 2, 1, 2, 3, 2, 1]
 * pad(m, [[0, 0], [1, 1]], { value: -1 });           // a column of -1 each side
 */
export function pad(x: Tensor, widths: number | readonly number[] | readonly (readonly number[])[], options?: PadOptions): Tensor {
  const op = 'pad';
  const t = expectTensor(op, 'x', x);
  const o = checkOptions<PadOptions>(op, options, ['mode', 'value']);
  const mode = o.mode ?? 'constant';
  if (!(['constant', 'reflect', 'edge', 'wrap'] as const).includes(mode)) {
    throw new InvalidArgumentError(op, `mode must be one of 'constant', 'reflect', 'edge', 'wrap'; received ${describe(mode)}`);
  }
  if (o.value !== undefined && mode !== 'constant') {
    throw new InvalidArgumentError(op, `value is the constant of mode 'constant'; received value ${describe(o.value)} with mode '${mode}'`,
      'Drop value, or use mode \'constant\'');
  }
  const value = o.value ?? 0;
  if (typeof value !== 'number' || (t.dtype === 'int32' && (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31))) {
    throw new InvalidArgumentError(op, `value must be a number${t.dtype === 'int32' ? ' (an integer in the int32 range for an int32 tensor)' : ''}; received ${describe(value)}`);
  }
  const w = readWidths(op, widths, t.rank);
  const outShape = t.shape.map((n, d) => n + w[d]![0] + w[d]![1]);
  for (let d = 0; d < t.rank; d++) {
    if (mode !== 'constant' && t.shape[d] === 0 && w[d]![0] + w[d]![1] > 0) {
      throw new ShapeError(op, `mode '${mode}' cannot extend axis ${d}, which is empty; received x ${formatShape(t.shape)}`,
        "Use mode 'constant' for an empty axis, or pad it by 0");
    }
  }
  const start = w.map(([before]) => -before);
  const step = t.shape.map(() => 1);
  return runRemap(identityRemap(op, t, outShape, start, step, mode, mode === 'constant' ? value : 0), t, options);
}

/**
 * numpy.tile: x repeated `reps` times along each axis (a copy). With fewer reps than axes the reps
 * apply to the trailing axes; with more, x gains leading axes of length 1.
 * @throws INVALID_ARGUMENT for reps that are not non-negative integers.
 * @example
 * tile(tensor([1, 2]), 3);           // [1, 2, 1, 2, 1, 2]
 * tile(tensor([1, 2]), [2, 1]);      // [[1, 2], [1, 2]]
 */
export function tile(x: Tensor, reps: number | readonly number[], options?: OpOptions): Tensor {
  const op = 'tile';
  const t = expectTensor(op, 'x', x);
  checkOptions(op, options);
  const raw = list(op, 'reps', reps, false);
  for (const r of raw) {
    if (!isInt(r) || r < 0) throw new InvalidArgumentError(op, `reps must be non-negative integers; received ${describe(reps)}`);
  }
  const rank = Math.max(t.rank, raw.length);
  const r = [...new Array<number>(rank - raw.length).fill(1), ...(raw as number[])];
  const lead = rank - t.rank;
  const inShape = [...new Array<number>(lead).fill(1), ...t.shape];
  const outShape = inShape.map((n, d) => n * r[d]!);
  checkSize(op, outShape);
  const xv = lead === 0 ? t : t._view(inShape, [...new Array<number>(lead).fill(0), ...t.strides], t.offset);
  try {
    return runRemap(identityRemap(op, xv, outShape, inShape.map(() => 0), inShape.map(() => 1), 'wrap', 0), xv, options);
  } finally {
    if (xv !== t) xv.dispose();
  }
}

/** The inputs of concat/stack read once: tensors of one dtype, at least one. */
function readList(op: string, ts: unknown): Tensor[] {
  if (!Array.isArray(ts)) {
    throw new InvalidArgumentError(op, `tensors must be an array of Tensors; received ${describe(ts)}`, `e.g. ${op}([a, b], 0)`);
  }
  const list = Array.from({ length: ts.length }, (_, i) => expectTensor(op, `tensors[${i}]`, ts[i]));
  if (list.length === 0) throw new InvalidArgumentError(op, 'tensors must hold at least one Tensor; received []');
  expectSameDtype(op, list.map((t, i) => [`tensors[${i}]`, t] as const));
  return list;
}

function planConcat(op: ConcatPlan['op'], list: readonly Tensor[], axis: unknown): ConcatPlan {
  const first = list[0]!;
  if (first.rank === 0) {
    throw new ShapeError(op, 'rank-0 tensors have no axis to join along; received tensors[0] []', 'Use stack, or expandDims first');
  }
  const ax = resolveAxis(op, axis, first.rank);
  const sizes: number[] = [];
  list.forEach((t, i) => {
    const same = t.rank === first.rank && t.shape.every((d, j) => j === ax || d === first.shape[j]);
    if (!same) {
      throw new ShapeError(op, `tensors[${i}] is ${formatShape(t.shape)} and tensors[0] is ${formatShape(first.shape)}: all dimensions but axis ${ax} must match`,
        'Reshape or slice the inputs so that only the joined axis differs');
    }
    sizes.push(t.shape[ax]!);
  });
  const outShape = first.shape.map((d, j) => (j === ax ? sizes.reduce((a, b) => a + b, 0) : d));
  checkSize(op, outShape);
  return Object.freeze({ op, dtype: first.dtype, axis: ax, sizes: Object.freeze(sizes), outShape: Object.freeze(outShape) });
}

/**
 * numpy.concatenate: the tensors joined along an existing `axis` (default 0); every other
 * dimension must match, as must the dtypes. Always a new tensor.
 * @throws SHAPE_MISMATCH for mismatched shapes or rank-0 inputs; DTYPE_MISMATCH for mixed dtypes.
 * @example
 * concat([tensor([[1, 2]]), tensor([[3, 4]])], 0);   // [[1, 2], [3, 4]]
 */
export function concat(tensors: readonly Tensor[], axis = 0, options?: OpOptions): Tensor {
  const op = 'concat';
  const list = readList(op, tensors);
  checkOptions(op, options);
  return dispatch('concat', planConcat(op, list, axis), list, options, op);
}

/**
 * numpy.stack: tensors of one shape joined along a new `axis` (default 0; in [−(r+1), r] for
 * rank-r inputs). Always a new tensor.
 * @throws SHAPE_MISMATCH for mismatched shapes; DTYPE_MISMATCH for mixed dtypes.
 * @example
 * stack([tensor([1, 2]), tensor([3, 4])], 1);   // [[1, 3], [2, 4]]
 */
export function stack(tensors: readonly Tensor[], axis = 0, options?: OpOptions): Tensor {
  const op = 'stack';
  const list = readList(op, tensors);
  checkOptions(op, options);
  const first = list[0]!;
  list.forEach((t, i) => {
    if (t.rank !== first.rank || t.shape.some((d, j) => d !== first.shape[j])) {
      throw new ShapeError(op, `tensors[${i}] is ${formatShape(t.shape)} and tensors[0] is ${formatShape(first.shape)}: stack needs one shape`,
        'Reshape the inputs to one shape, or use concat to join along an existing axis');
    }
  });
  if (typeof axis !== 'number') throw new InvalidArgumentError(op, `axis must be an integer; received ${describe(axis)}`);
  const ax = resolveAxes(op, axis, first.rank + 1, `the rank-${first.rank + 1} result`)[0]!;
  const views = list.map((t) => expandDims(t, ax));
  try {
    return dispatch('concat', planConcat(op, views, ax), views, options, op);
  } finally {
    for (const v of views) v.dispose();
  }
}

/**
 * numpy.take along an axis: `out[p…, k…, q…] = x[p…, indices[k…], q…]`, the result of shape
 * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. `indices` is an int32 tensor of any
 * shape; negative indices count from the end; an index outside `[−n, n)` is an
 * INVALID_ARGUMENT error (thrown at the call, or by the read of a pending result). On webgpu the
 * indices are checked on the CPU: CPU indices as they are, GPU indices read back first (one
 * readback of the indices, not of x).
 * @throws DTYPE_MISMATCH for indices that are not int32; INVALID_ARGUMENT for a bad axis or index.
 * @example
 * gather(tensor([10, 20, 30]), tensor([2, 0, -1], undefined, { dtype: 'int32' }));   // [30, 10, 30]
 */
export function gather(x: Tensor, indices: Tensor, axis = 0, options?: OpOptions): Tensor {
  const op = 'gather';
  const t = expectTensor(op, 'x', x);
  const idx = expectTensor(op, 'indices', indices);
  checkOptions(op, options);
  if (idx.dtype !== 'int32') {
    throw new DTypeError(op, `indices must be int32; received ${idx.dtype}`, "Create them with { dtype: 'int32' }");
  }
  if (t.rank === 0) throw new ShapeError(op, 'x has rank 0 and no axis to gather along; received x []', 'Reshape x to rank 1 first');
  const ax = resolveAxis(op, axis, t.rank);
  const outShape = [...t.shape.slice(0, ax), ...idx.shape, ...t.shape.slice(ax + 1)];
  checkSize(op, outShape);
  const plan: GatherPlan = Object.freeze({ dtype: t.dtype, axis: ax, n: t.shape[ax]!, count: idx.size, outShape: Object.freeze(outShape) });
  return dispatch('gather', plan, [t, idx], options, op);
}
