/**
 * Plain n-d arrays for the references: row-major float64 data plus a shape. Nothing here (nor in
 * any test/reference file) imports from src/: the oracle must not share code with what it checks.
 */
export interface Ref {
  data: Float64Array;
  shape: number[];
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** The multi-index of flat position `flat` in a row-major array of `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

/** numpy broadcasting: align from the right; each pair equal, or one of them 1. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`reference: [${a}] and [${b}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Flat position in an array of `shape` of the element that broadcasts to output multi-index `idx`. */
export function broadcastOffset(idx: readonly number[], shape: readonly number[]): number {
  const shift = idx.length - shape.length;
  let off = 0;
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1) off += idx[d + shift]! * stride;
    stride *= shape[d]!;
  }
  return off;
}

/** numpy.transpose: output dimension i is input dimension perm[i] (a real copy). */
export function permute(x: Ref, perm: readonly number[]): Ref {
  const shape = perm.map((p) => x.shape[p]!);
  const inStrides = stridesOf(x.shape);
  const data = new Float64Array(x.data.length);
  for (let f = 0; f < data.length; f++) {
    const idx = unravel(f, shape);
    let off = 0;
    for (let i = 0; i < perm.length; i++) off += idx[i]! * inStrides[perm[i]!]!;
    data[f] = x.data[off]!;
  }
  return { data, shape };
}

export type Activation = 'none' | 'relu' | 'sigmoid';

export function activate(v: number, act: Activation | undefined): number {
  if (act === 'relu') return v > 0 ? v : 0;
  if (act === 'sigmoid') return 1 / (1 + Math.exp(-v));
  return v;
}
