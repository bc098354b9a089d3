/**
 * Sensing operators. Explicit matrices (`gaussian`, `bernoulli`, `toeplitz`) are plain Tensors
 * [m, n]; `operator(A)` wraps one as a LinearOperator whose forward/adjoint are `matmul` calls on
 * the matrix's backend. Matrix-free operators (`partialDCT`, `dct2d`) apply a fast transform in
 * O(n log n) on the calling thread and never form a matrix. `compose` and `transpose` build new
 * operators from old ones. Every solver in `cs` accepts a Tensor or a LinearOperator.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { randn } from '../creation.js';
import type { OpOptions } from '../dispatch.js';
import { allocate } from '../dtype.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors.js';
import { matmul } from '../ops/matmul.js';
import { expectFloat, expectRank, expectTensor } from '../ops/checks.js';
import { formatShape } from '../shape.js';
import { describe, Tensor } from '../tensor.js';
import {
  expectDim,
  expectFloatDtype,
  expectOptionsObject,
  expectSeed,
} from './checks.js';
import { dctInto, idctInto } from './dct.js';

const OPERATOR = Symbol.for('lepton-compute.cs.operator');

/**
 * A linear map from ℝⁿ to ℝᵐ given by how it acts: `forward(x)` = A·x and `adjoint(y)` = Aᵀ·y.
 * x is [n] or [n, signals] (one signal per column), y is [m] or [m, signals]. Both return a new
 * tensor of the operator's dtype; the caller disposes it.
 */
export interface LinearOperator {
  /** 'matrix' (an explicit Tensor), 'partialDCT', 'dct2d', 'compose' or 'transpose'. */
  readonly kind: 'matrix' | 'partialDCT' | 'dct2d' | 'compose' | 'transpose';
  /** `[m, n]`: measurements × unknowns. */
  readonly shape: readonly [number, number];
  readonly dtype: 'float32' | 'float64';
  /** The explicit matrix, for kind 'matrix'. */
  readonly matrix?: Tensor;
  /** A·x. */
  forward(x: Tensor, options?: OpOptions): Promise<Tensor>;
  /** Aᵀ·y. */
  adjoint(y: Tensor, options?: OpOptions): Promise<Tensor>;
}

/** A partial DCT also tells which DCT rows it keeps. */
export interface PartialDctOperator extends LinearOperator {
  readonly kind: 'partialDCT';
  /** The kept rows of the n-point orthonormal DCT-II, ascending. */
  readonly rows: readonly number[];
}

export interface MatrixOptions {
  /** Any integer: the same seed gives the same matrix everywhere. Random when absent. */
  seed?: number;
  dtype?: 'float32' | 'float64';
}

export interface GaussianOptions extends MatrixOptions {
  /** Scale every column to unit ℓ2 norm (default true); false keeps N(0, 1) entries. */
  normalize?: boolean;
}

export interface PartialDctOptions {
  seed?: number;
  dtype?: 'float32' | 'float64';
}

export interface Dct2dOptions {
  /** Transform b×b blocks independently (JPEG-style, edge blocks may be smaller); whole image when absent. */
  block?: number;
  dtype?: 'float32' | 'float64';
}

/**
 * True for the objects this module's operator factories return (`cs.isOperator`).
 * @example
 * cs.isOperator(cs.partialDCT(16, 64));     // true
 * cs.isOperator(cs.gaussian(16, 64));       // false: a plain matrix Tensor
 */
export function isLinearOperator(value: unknown): value is LinearOperator {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[OPERATOR] === true;
}

function rng(seed: number | undefined) {
  return xoroshiro128plus(seed ?? Math.floor(Math.random() * 2 ** 31));
}

function fromFloat64(values: Float64Array, shape: number[], dtype: 'float32' | 'float64'): Tensor {
  const storage = allocate(dtype, values.length);
  storage.set(values);
  return new Tensor(dtype, shape, storage);
}

function matrixArgs(op: string, m: unknown, n: unknown, options: unknown) {
  const o = expectOptionsObject(op, options);
  return {
    m: expectDim(op, 'm', m),
    n: expectDim(op, 'n', n),
    seed: expectSeed(op, o.seed),
    dtype: expectFloatDtype(op, o.dtype),
    o,
  };
}

/**
 * An m×n matrix of independent Gaussian entries: with `normalize` (the default) every column has
 * unit ℓ2 norm, otherwise the entries are N(0, 1).
 * @throws INVALID_ARGUMENT for non-positive sizes, a non-integer seed or a bad option.
 * @example
 * const A = cs.gaussian(128, 256, { seed: 1 });            // float32 [128, 256]
 * const y = await matmul(A, x);
 */
export function gaussian(m: number, n: number, options: GaussianOptions = {}): Tensor {
  const op = 'cs.gaussian';
  const { seed, dtype, o } = matrixArgs(op, m, n, options);
  if (o.normalize !== undefined && typeof o.normalize !== 'boolean') {
    throw new InvalidArgumentError(op, `normalize must be true or false; received ${describe(o.normalize)}`);
  }
  const values = randn([m, n], { seed: seed ?? Math.floor(Math.random() * 2 ** 31), dtype: 'float64' }).dataSync() as Float64Array;
  if (o.normalize !== false) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += values[i * n + j]! ** 2;
      const scale = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let i = 0; i < m; i++) values[i * n + j]! *= scale;
    }
  }
  return fromFloat64(values, [m, n], dtype);
}

/**
 * An m×n matrix of independent random signs ±1/√m (every column has unit norm).
 * @throws INVALID_ARGUMENT for non-positive sizes, a non-integer seed or a bad option.
 * @example
 * const A = cs.bernoulli(64, 256, { seed: 2 });
 * const y = await cs.operator(A).forward(x);
 */
export function bernoulli(m: number, n: number, options: MatrixOptions = {}): Tensor {
  const { seed, dtype } = matrixArgs('cs.bernoulli', m, n, options);
  const r = rng(seed);
  const scale = 1 / Math.sqrt(m);
  const values = new Float64Array(m * n);
  for (let i = 0; i < values.length; i++) values[i] = uniformFloat64(r) < 0.5 ? -scale : scale;
  return fromFloat64(values, [m, n], dtype);
}

/**
 * A random m×n Toeplitz matrix (constant along each diagonal, A[i, j] = t[i − j + n − 1]) from
 * m + n − 1 independent N(0, 1/m) values: a random convolution followed by keeping m outputs,
 * as a sensor with a random filter measures.
 * @throws INVALID_ARGUMENT for non-positive sizes, a non-integer seed or a bad option.
 * @example
 * const A = cs.toeplitz(96, 256, { seed: 3 });
 * const xHat = await cs.omp(A, y, { sparsity: 8 });
 */
export function toeplitz(m: number, n: number, options: MatrixOptions = {}): Tensor {
  const { seed, dtype } = matrixArgs('cs.toeplitz', m, n, options);
  const t = randn([m + n - 1], { seed: seed ?? Math.floor(Math.random() * 2 ** 31), dtype: 'float64' }).dataSync();
  const scale = 1 / Math.sqrt(m);
  const values = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) values[i * n + j] = t[i - j + n - 1]! * scale;
  return fromFloat64(values, [m, n], dtype);
}

/** Checks an operator input: a float tensor of the operator's dtype with `rows` rows, rank 1 or 2. */
function expectInput(op: string, name: string, value: unknown, rows: number, dtype: string): Tensor {
  const t = expectTensor(op, name, value);
  expectFloat(op, name, t);
  if (t.dtype !== dtype) {
    throw new DTypeError(op, `${name} must be ${dtype} like the operator; received ${t.dtype}`,
      `Create ${name} with { dtype: '${dtype}' }`);
  }
  expectRank(op, name, t, [1, 2]);
  if (t.shape[0] !== rows) {
    throw new ShapeError(op, `${name} must have ${rows} rows; received ${formatShape(t.shape)}`,
      `Pass ${name} as [${rows}] or [${rows}, signals]`);
  }
  return t;
}

function make<T extends LinearOperator>(props: Omit<T, 'forward' | 'adjoint'>, label: string,
  forward: (x: Tensor, options?: OpOptions) => Promise<Tensor>,
  adjoint: (y: Tensor, options?: OpOptions) => Promise<Tensor>): T {
  const [m, n] = props.shape;
  const self = {
    ...props,
    forward: (x: Tensor, options?: OpOptions) => {
      expectOptionsObject(`${label}.forward`, options);
      return forward(expectInput(`${label}.forward`, 'x', x, n, props.dtype), options);
    },
    adjoint: (y: Tensor, options?: OpOptions) => {
      expectOptionsObject(`${label}.adjoint`, options);
      return adjoint(expectInput(`${label}.adjoint`, 'y', y, m, props.dtype), options);
    },
    [OPERATOR]: true,
  };
  return Object.freeze(self) as unknown as T;
}

/** Wraps a matrix without re-validating the caller's op label (used by the solvers). */
export function matrixOperator(op: string, aIn: unknown): LinearOperator {
  const a = expectTensor(op, 'A', aIn);
  const dtype = expectFloat(op, 'A', a);
  expectRank(op, 'A', a, 2);
  const [m, n] = a.shape as [number, number];
  if (m === 0 || n === 0) {
    throw new ShapeError(op, `A must have at least one row and one column; received ${formatShape(a.shape)}`);
  }
  return make<LinearOperator>({ kind: 'matrix', shape: Object.freeze([m, n]) as readonly [number, number], dtype, matrix: a }, 'cs.operator',
    async (x, options) => matmul(a, x, { backend: options?.backend, signal: options?.signal }),
    async (y, options) => matmul(a, y, { transA: true, backend: options?.backend, signal: options?.signal }));
}

/**
 * A matrix as a LinearOperator: forward(x) = A·x and adjoint(y) = Aᵀ·y by `matmul`, on the
 * backend the caller names (or A's).
 * @throws INVALID_ARGUMENT / SHAPE_MISMATCH / DTYPE_MISMATCH when A is not a float matrix.
 * @example
 * const A = cs.operator(cs.gaussian(64, 128, { seed: 1 }));
 * const y = await A.forward(x), g = await A.adjoint(y);
 */
export function operator(a: Tensor): LinearOperator {
  return matrixOperator('cs.operator', a);
}

/** Picks `m` distinct indices of [0, n) uniformly at random, ascending. */
function sampleRows(m: number, n: number, seed: number | undefined): number[] {
  const r = rng(seed);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(uniformFloat64(r) * (n - i));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return perm.slice(0, m).sort((p, q) => p - q);
}

/** Applies `fn` (a 1-D transform over strided addresses) to every column of [len] or [len, signals]. */
function columns(
  src: ArrayLike<number>,
  len: number,
  signals: number,
  dst: { [i: number]: number },
  fn: typeof dctInto,
): void {
  const re = new Float64Array(len);
  const im = new Float64Array(len);
  for (let c = 0; c < signals; c++) fn(len, src, c, signals, dst, c, signals, re, im);
}

/**
 * m rows, chosen at random, of the n-point orthonormal DCT-II, applied matrix-free: forward(x)
 * is a fast DCT of each column (O(n log n), any n) keeping the chosen rows; adjoint(y) scatters
 * y into those rows and applies the fast inverse DCT. The rows are orthonormal (A·Aᵀ = I).
 * @throws INVALID_ARGUMENT when m > n, a size is not a positive integer, or the seed is not an integer.
 * @example
 * const A = cs.partialDCT(64, 256, { seed: 1 });   // A.rows: the kept DCT rows
 * const y = await A.forward(x);                     // [64]
 * const r = await cs.fista(A, y, { lambda: 1e-3 });
 */
export function partialDCT(m: number, n: number, options: PartialDctOptions = {}): PartialDctOperator {
  const op = 'cs.partialDCT';
  const { seed, dtype } = matrixArgs(op, m, n, options);
  if (m > n) {
    throw new InvalidArgumentError(op, `m must be at most n (the DCT has n rows); received m = ${m}, n = ${n}`);
  }
  const rows = Object.freeze(sampleRows(m, n, seed));
  return make<PartialDctOperator>(
    { kind: 'partialDCT', shape: Object.freeze([m, n]) as readonly [number, number], dtype, rows },
    op,
    async (x) => {
      const signals = x.rank === 1 ? 1 : x.shape[1]!;
      const full = new Float64Array(n * signals);
      columns(await x.data(), n, signals, full, dctInto);
      const out = allocate(dtype, m * signals);
      for (let i = 0; i < m; i++) {
        const from = rows[i]! * signals;
        for (let c = 0; c < signals; c++) out[i * signals + c] = full[from + c]!;
      }
      return new Tensor(dtype, x.rank === 1 ? [m] : [m, signals], out);
    },
    async (y) => {
      const signals = y.rank === 1 ? 1 : y.shape[1]!;
      const data = await y.data();
      const full = new Float64Array(n * signals);
      for (let i = 0; i < m; i++) {
        const to = rows[i]! * signals;
        for (let c = 0; c < signals; c++) full[to + c] = data[i * signals + c]!;
      }
      const out = allocate(dtype, n * signals);
      columns(full, n, signals, out, idctInto);
      return new Tensor(dtype, y.rank === 1 ? [n] : [n, signals], out);
    },
  );
}

/** One pass of a 1-D transform along rows then columns of each block of an h×w image. */
function transform2d(
  src: ArrayLike<number>,
  dst: Float64Array,
  h: number,
  w: number,
  block: number,
  signals: number,
  fn: typeof dctInto,
): void {
  const re = new Float64Array(Math.max(h, w));
  const im = new Float64Array(Math.max(h, w));
  const bh = Math.min(block, h);
  const bw = Math.min(block, w);
  for (let c = 0; c < signals; c++) {
    // Rows: each image row split into blocks of width bw, transformed in place into dst.
    for (let r = 0; r < h; r++) {
      for (let j0 = 0; j0 < w; j0 += bw) {
        const len = Math.min(bw, w - j0);
        const at = (r * w + j0) * signals + c;
        fn(len, src, at, signals, dst, at, signals, re, im);
      }
    }
    // Columns: each image column split into blocks of height bh; dst is read through a copy.
    const col = new Float64Array(h);
    for (let j = 0; j < w; j++) {
      for (let i = 0; i < h; i++) col[i] = dst[(i * w + j) * signals + c]!;
      for (let i0 = 0; i0 < h; i0 += bh) {
        const len = Math.min(bh, h - i0);
        fn(len, col, i0, 1, dst, (i0 * w + j) * signals + c, w * signals, re, im);
      }
    }
  }
}

/**
 * The orthonormal 2-D DCT-II of an h×w image (flattened row-major to [h·w], or [h·w, images]),
 * over the whole image or over independent b×b blocks (`block`, JPEG-style). Square and
 * orthonormal: adjoint = inverse. Use it as the sparsifying basis Ψ of images, e.g.
 * `cs.compose(Φ, cs.transpose(cs.dct2d(h, w)))` senses DCT coefficients s through y = Φ·Ψᵀ·s.
 * @throws INVALID_ARGUMENT when a size or the block is not a positive integer.
 * @example
 * const Psi = cs.dct2d(64, 64, { block: 8 });
 * const coeffs = await Psi.forward(image.reshape([64 * 64]));
 * const back = await Psi.adjoint(coeffs);          // the image again
 */
export function dct2d(height: number, width: number, options: Dct2dOptions = {}): LinearOperator {
  const op = 'cs.dct2d';
  const o = expectOptionsObject(op, options);
  const h = expectDim(op, 'height', height);
  const w = expectDim(op, 'width', width);
  const block = o.block === undefined ? Math.max(h, w) : expectDim(op, 'block', o.block);
  const dtype = expectFloatDtype(op, o.dtype);
  const size = h * w;
  const run = (fn: typeof dctInto) => async (x: Tensor) => {
    const signals = x.rank === 1 ? 1 : x.shape[1]!;
    const out = new Float64Array(size * signals);
    transform2d(await x.data(), out, h, w, block, signals, fn);
    return fromFloat64(out, [...x.shape], dtype);
  };
  return make<LinearOperator>({ kind: 'dct2d', shape: Object.freeze([size, size]) as readonly [number, number], dtype }, op,
    run(dctInto), run(idctInto));
}

function expectOperatorArg(op: string, name: string, value: unknown): LinearOperator {
  if (isLinearOperator(value)) return value;
  if (value instanceof Tensor) return matrixOperator(op, value);
  throw new InvalidArgumentError(op, `${name} must be a cs operator or a matrix Tensor; received ${describe(value)}`);
}

/**
 * The product A₁·A₂·…·A_k of operators (or matrices) as one operator: forward applies A_k first,
 * adjoint applies A₁ᵀ first. Inner sizes and dtypes must agree.
 * @throws SHAPE_MISMATCH when inner sizes differ; INVALID_ARGUMENT for dtypes or non-operators.
 * @example
 * const Psi = cs.dct2d(32, 32);
 * const A = cs.compose(cs.gaussian(300, 1024, { seed: 1 }), cs.transpose(Psi));
 * const { x: s } = await cs.fista(A, y, { lambda: 1e-3 });   // image = Psiᵀ s
 */
export function compose(...operators: Array<LinearOperator | Tensor>): LinearOperator {
  const op = 'cs.compose';
  if (operators.length === 0) {
    throw new InvalidArgumentError(op, 'needs at least one operator; received none', 'Pass the factors left to right: compose(A, B) is A·B');
  }
  const ops = operators.map((v, i) => expectOperatorArg(op, `operators[${i}]`, v));
  for (let i = 1; i < ops.length; i++) {
    const left = ops[i - 1]!;
    const right = ops[i]!;
    if (left.shape[1] !== right.shape[0]) {
      throw new ShapeError(op, `inner sizes differ: operators[${i - 1}] is [${left.shape.join(',')}], operators[${i}] is [${right.shape.join(',')}]`,
        'Each factor must have as many columns as the next has rows');
    }
    if (left.dtype !== right.dtype) {
      throw new DTypeError(op, `dtypes differ: operators[${i - 1}] is ${left.dtype}, operators[${i}] is ${right.dtype}`,
        'Create every factor with the same dtype');
    }
  }
  const shape = Object.freeze([ops[0]!.shape[0], ops[ops.length - 1]!.shape[1]]) as readonly [number, number];
  const chain = async (x: Tensor, order: LinearOperator[], apply: (o: LinearOperator, t: Tensor) => Promise<Tensor>) => {
    let t = x;
    for (const o of order) {
      const next = await apply(o, t);
      if (t !== x) t.dispose();
      t = next;
    }
    return t;
  };
  return make<LinearOperator>({ kind: 'compose', shape, dtype: ops[0]!.dtype }, op,
    (x, options) => chain(x, [...ops].reverse(), (o, t) => o.forward(t, options)),
    (y, options) => chain(y, ops, (o, t) => o.adjoint(t, options)));
}

/**
 * The adjoint Aᵀ of an operator (or matrix) as an operator: its forward is A's adjoint.
 * @throws INVALID_ARGUMENT for anything that is not an operator or a matrix.
 * @example
 * const Psi = cs.dct2d(64, 64, { block: 8 });
 * const synth = cs.transpose(Psi);                 // coefficients → image
 */
export function transpose(a: LinearOperator | Tensor): LinearOperator {
  const inner = expectOperatorArg('cs.transpose', 'A', a);
  return make<LinearOperator>(
    { kind: 'transpose', shape: Object.freeze([inner.shape[1], inner.shape[0]]) as readonly [number, number], dtype: inner.dtype },
    'cs.transpose',
    (x, options) => inner.adjoint(x, options),
    (y, options) => inner.forward(y, options),
  );
}

/**
 * The orthonormal DCT-II along the first axis of x ([n] or [n, signals]), O(n log n) for any n.
 * @throws INVALID_ARGUMENT / SHAPE_MISMATCH / DTYPE_MISMATCH for a non-float or rank > 2 x.
 * @example
 * const X = await cs.dct(tensor([1, 2, 3, 4]));
 * const x = await cs.idct(X);                       // [1, 2, 3, 4] again
 */
export async function dct(x: Tensor): Promise<Tensor> {
  return transform1d('cs.dct', x, dctInto);
}

/**
 * The inverse of `cs.dct` (the orthonormal DCT-III) along the first axis.
 * @throws INVALID_ARGUMENT / SHAPE_MISMATCH / DTYPE_MISMATCH for a non-float or rank > 2 x.
 * @example
 * const x = await cs.idct(await cs.dct(signal));    // signal again
 */
export async function idct(x: Tensor): Promise<Tensor> {
  return transform1d('cs.idct', x, idctInto);
}

async function transform1d(op: string, xIn: unknown, fn: typeof dctInto): Promise<Tensor> {
  const x = expectTensor(op, 'x', xIn);
  const dtype = expectFloat(op, 'x', x);
  expectRank(op, 'x', x, [1, 2]);
  const n = x.shape[0]!;
  const signals = x.rank === 1 ? 1 : x.shape[1]!;
  const out = allocate(dtype, n * signals);
  if (n > 0 && signals > 0) columns(await x.data(), n, signals, out, fn);
  return new Tensor(dtype, [...x.shape], out);
}
