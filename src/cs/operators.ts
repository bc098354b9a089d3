/**
 * Sensing operators. Explicit matrices (`gaussian`, `bernoulli`, `toeplitz`) are plain Tensors
 * [m, n]; `operator(A)` wraps one as a LinearOperator whose forward/adjoint are `matmul` calls on
 * the matrix's backend. Matrix-free operators (`partialDCT`, `dct2d`) apply a fast transform in
 * O(n log n) on the calling thread and never form a matrix. `compose` and `transpose` build new
 * operators from old ones. Every solver in `cs` accepts a Tensor or a LinearOperator.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { randn, tensor } from '../creation.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors.js';
import { matmul } from '../ops/matmul.js';
import { expectFloat, expectRank, expectTensor } from '../ops/checks.js';
import { formatShape } from '../shape.js';
import { describe, Tensor } from '../tensor.js';
import {
  expectDenseSize,
  expectDim,
  expectFinite,
  expectFloatDtype,
  expectSeed,
  readOptions,
  type SolverOptions,
} from './checks.js';
import { dctInto, idctInto } from './dct.js';

const OPERATOR = Symbol.for('lepton-compute.cs.operator');

/**
 * A linear map from ℝⁿ to ℝᵐ given by how it acts: `forward(x)` = A·x and `adjoint(y)` = Aᵀ·y.
 * x is [n] or [n, signals] (one signal per column), y is [m] or [m, signals]. Both return a new
 * tensor of the operator's dtype; the caller disposes it.
 */
export interface LinearOperator {
  /** 'matrix' (an explicit Tensor), 'function' (from forward/adjoint functions), 'sample', 'partialDCT', 'dct2d', 'compose' or 'transpose'. */
  readonly kind: 'matrix' | 'function' | 'sample' | 'partialDCT' | 'dct2d' | 'compose' | 'transpose';
  /** `[m, n]`: measurements × unknowns. */
  readonly shape: readonly [number, number];
  readonly dtype: 'float32' | 'float64';
  /** The explicit matrix, for kind 'matrix'. */
  readonly matrix?: Tensor;
  /** A·x. */
  forward(x: Tensor, options?: SolverOptions): Promise<Tensor>;
  /** Aᵀ·y. */
  adjoint(y: Tensor, options?: SolverOptions): Promise<Tensor>;
  /**
   * The explicit m×n matrix (A applied to the identity, 64 columns at a time; a copy for a matrix).
   * Refused past 2^27 elements (INVALID_ARGUMENT).
   */
  toMatrix(options?: SolverOptions): Promise<Tensor>;
}

/** What `cs.operator` builds an operator from. */
export interface OperatorDefinition {
  /** `[m, n]`: measurements × unknowns, each a positive integer ≤ 2^27. */
  shape: readonly [number, number];
  /** x [n] or [n, signals] → A·x, [m] or [m, signals], of the operator's dtype. May be async. */
  forward: (x: Tensor) => Tensor | Promise<Tensor>;
  /** y [m] or [m, signals] → Aᵀ·y, [n] or [n, signals]. May be async. */
  adjoint: (y: Tensor) => Tensor | Promise<Tensor>;
  /** float32 (default) or float64. */
  dtype?: 'float32' | 'float64';
}

/** A sampling operator also tells which entries it keeps. */
export interface SampleOperator extends LinearOperator {
  readonly kind: 'sample';
  /** The kept entries of x, in output order. */
  readonly indices: readonly number[];
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

/** A tensor of `dtype` holding a copy of float64 values. */
export function fromFloat64(values: Float64Array, shape: readonly number[], dtype: 'float32' | 'float64'): Tensor {
  return tensor(dtype === 'float64' ? values : Float32Array.from(values), [...shape], { dtype });
}

function matrixArgs(op: string, m: unknown, n: unknown, options: unknown, known: readonly string[], dense: boolean) {
  const o = readOptions(op, options, ['seed', 'dtype', ...known]);
  const rows = expectDim(op, 'm', m);
  const cols = expectDim(op, 'n', n);
  if (dense) expectDenseSize(op, 'the matrix', rows, cols);
  return {
    m: rows,
    n: cols,
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
  const { seed, dtype, o } = matrixArgs(op, m, n, options, ['normalize'], true);
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
  const { seed, dtype } = matrixArgs('cs.bernoulli', m, n, options, [], true);
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
  const { seed, dtype } = matrixArgs('cs.toeplitz', m, n, options, [], true);
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

type Apply = (x: Tensor, options: SolverOptions) => Promise<Tensor>;

/** Checks what an implementation returned: a live float Tensor of the operator's dtype and the expected shape. */
function checkOutput(label: string, name: string, out: unknown, rows: number, input: Tensor, dtype: string): Tensor {
  const want = input.rank === 1 ? [rows] : [rows, input.shape[1]!];
  if (!(Tensor.is(out))) {
    throw new InvalidArgumentError(label, `${name} must return a Tensor ${formatShape(want)}; received ${describe(out)}`,
      `Return e.g. tensor(values, ${formatShape(want)})`);
  }
  out.assertAlive(label);
  if (out.dtype !== dtype) {
    throw new DTypeError(label, `${name} must return a ${dtype} tensor like the operator; received ${out.dtype}`,
      `Create the result with { dtype: '${dtype}' }`);
  }
  if (out.rank !== want.length || out.shape.some((d, i) => d !== want[i])) {
    throw new ShapeError(label, `${name} must return ${formatShape(want)} for an input ${formatShape(input.shape)}; received ${formatShape(out.shape)}`,
      'Return one row per measurement (forward) or per unknown (adjoint), with the input\'s columns');
  }
  return out;
}

/** Applies A to blocks of the identity: the explicit m×n matrix as float64, row-major. */
export async function denseValues(a: LinearOperator, label: string, options: SolverOptions = {}): Promise<Float64Array> {
  const [m, n] = a.shape;
  expectDenseSize(label, 'the explicit matrix', m, n);
  if (a.kind === 'matrix' && a.matrix) return Float64Array.from(await a.matrix.data());
  const out = new Float64Array(m * n);
  const block = 64;
  for (let j0 = 0; j0 < n; j0 += block) {
    options.signal?.throwIfAborted();
    const width = Math.min(block, n - j0);
    const e = new Float64Array(n * width);
    for (let j = 0; j < width; j++) e[(j0 + j) * width + j] = 1;
    const cols = await a.forward(fromFloat64(e, [n, width], a.dtype), options);
    const v = await cols.data();
    cols.dispose();
    for (let i = 0; i < m; i++) for (let j = 0; j < width; j++) out[i * n + j0 + j] = v[i * width + j]!;
  }
  return out;
}

type OperatorProps = Omit<LinearOperator, 'forward' | 'adjoint' | 'toMatrix'>;
type OperatorMethods = Pick<LinearOperator, 'forward' | 'adjoint' | 'toMatrix'>;

function make<P extends OperatorProps>(props: P, label: string, forward: Apply, adjoint: Apply, verify = false): P & OperatorMethods {
  const [m, n] = props.shape;
  // Operators built from user functions have their outputs checked on every call (shape, dtype) and
  // for NaN/Infinity on the first call in each direction.
  const checked = { forward: !verify, adjoint: !verify };
  const run = async (direction: 'forward' | 'adjoint', t: unknown, options: unknown): Promise<Tensor> => {
    const opLabel = `${label}.${direction}`;
    const o = readOptions(opLabel, options);
    const input = expectInput(opLabel, direction === 'forward' ? 'x' : 'y', t, direction === 'forward' ? n : m, props.dtype);
    const solver: SolverOptions = { backend: o.backend as SolverOptions['backend'], signal: o.signal as AbortSignal | undefined };
    solver.signal?.throwIfAborted();
    const raw = await (direction === 'forward' ? forward : adjoint)(input, solver);
    if (!verify) return raw;
    const out = checkOutput(opLabel, direction, raw, direction === 'forward' ? m : n, input, props.dtype);
    if (!checked[direction]) {
      expectFinite(opLabel, `the ${direction} output`, await out.data(), out.rank === 2 ? out.shape[1]! : 1);
      checked[direction] = true;
    }
    return out;
  };
  const methods: OperatorMethods = {
    forward: (x: Tensor, options?: SolverOptions) => run('forward', x, options),
    adjoint: (y: Tensor, options?: SolverOptions) => run('adjoint', y, options),
    toMatrix: async (options?: SolverOptions): Promise<Tensor> => {
      const o = readOptions(`${label}.toMatrix`, options);
      const values = await denseValues(self, `${label}.toMatrix`, { backend: o.backend as SolverOptions['backend'], signal: o.signal as AbortSignal | undefined });
      return fromFloat64(values, [m, n], props.dtype);
    },
  };
  const self: P & OperatorMethods = Object.freeze({ ...props, ...methods, [OPERATOR]: true });
  return self;
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
  return make({ kind: 'matrix', shape: Object.freeze([m, n]) as readonly [number, number], dtype, matrix: a }, 'cs.operator',
    (x, options) => Promise.resolve(matmul(a, x, { backend: options.backend, signal: options.signal })),
    (y, options) => Promise.resolve(matmul(a, y, { transA: true, backend: options.backend, signal: options.signal })));
}

/**
 * A linear operator from a matrix, or from a pair of functions as PyLops' FunctionOperator:
 * `cs.operator({ shape: [m, n], forward, adjoint, dtype })`. A matrix's forward/adjoint are
 * `matmul` calls on the backend the caller names (or A's). A function operator's outputs are
 * checked on every call (a Tensor of the operator's dtype, [m] or [m, signals] for forward,
 * [n] or [n, signals] for adjoint) and for NaN/Infinity on the first call in each direction;
 * check the pair with `cs.dottest`.
 * @throws INVALID_ARGUMENT / SHAPE_MISMATCH / DTYPE_MISMATCH when A is not a float matrix, the
 *   shape is not two positive integers ≤ 2^27, or forward/adjoint are not functions.
 * @example
 * const D = cs.operator({ shape: [n - 1, n], dtype: 'float64',
 *   forward: (x) => differences(x), adjoint: (y) => negativeDivergence(y) });
 * console.log((await cs.dottest(D)).passed);
 */
export function operator(a: Tensor | OperatorDefinition): LinearOperator {
  const op = 'cs.operator';
  if (Tensor.is(a) || typeof a !== 'object' || a === null || Array.isArray(a) || ArrayBuffer.isView(a)) return matrixOperator(op, a);
  const o = readOptions(op, a, ['shape', 'forward', 'adjoint', 'dtype']);
  const shape = o.shape;
  if (!Array.isArray(shape) || shape.length !== 2) {
    throw new InvalidArgumentError(op, `shape must be [m, n]; received ${describe(shape)}`, 'Pass e.g. { shape: [64, 256], forward, adjoint }');
  }
  const m = expectDim(op, 'shape[0]', shape[0]);
  const n = expectDim(op, 'shape[1]', shape[1]);
  const dtype = expectFloatDtype(op, o.dtype);
  const forward = o.forward;
  const adjoint = o.adjoint;
  if (typeof forward !== 'function') throw new InvalidArgumentError(op, `forward must be a function x ↦ A·x; received ${describe(forward)}`);
  if (typeof adjoint !== 'function') throw new InvalidArgumentError(op, `adjoint must be a function y ↦ Aᵀ·y; received ${describe(adjoint)}`);
  return make({ kind: 'function', shape: Object.freeze([m, n]) as readonly [number, number], dtype }, op,
    async (x) => (forward as OperatorDefinition['forward'])(x),
    async (y) => (adjoint as OperatorDefinition['adjoint'])(y),
    true);
}

/**
 * The sampling (selection) operator of PyLops' Restriction: forward keeps the entries `indices` of
 * x (in that order), adjoint puts y back at those entries and zeros elsewhere (repeated indices
 * add up). `indices` may also be a mask: an array of n booleans. Shape [indices.length, n].
 * Sampling 30 % of a 64×64 image is `cs.sample(4096, kept)`, no dense 1229×4096 matrix.
 * @throws INVALID_ARGUMENT for an index outside [0, n), a non-integer, an empty selection or a mask of the wrong length.
 * @example
 * const S = cs.sample(4096, keptPixels, { dtype: 'float64' });
 * const A = cs.compose(S, cs.transpose(cs.dct2d(64, 64, { block: 16, dtype: 'float64' })));
 */
export function sample(n: number, indices: ArrayLike<number> | readonly boolean[], options: { dtype?: 'float32' | 'float64' } = {}): SampleOperator {
  const op = 'cs.sample';
  const o = readOptions(op, options, ['dtype']);
  const size = expectDim(op, 'n', n);
  const dtype = expectFloatDtype(op, o.dtype);
  if (indices === null || typeof indices !== 'object' || typeof (indices as ArrayLike<unknown>).length !== 'number') {
    throw new InvalidArgumentError(op, `indices must be an array of indices or a mask of n booleans; received ${describe(indices)}`);
  }
  const list: number[] = [];
  const source = Array.from(indices as ArrayLike<unknown>);
  if (source.length > 0 && typeof source[0] === 'boolean') {
    if (source.length !== size) {
      throw new InvalidArgumentError(op, `a mask must hold n = ${size} booleans; received ${source.length}`);
    }
    source.forEach((keep, i) => {
      if (typeof keep !== 'boolean') throw new InvalidArgumentError(op, `a mask must hold only booleans; received ${describe(keep)} at index ${i}`);
      if (keep) list.push(i);
    });
  } else {
    source.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= size) {
        throw new InvalidArgumentError(op, `indices must be integers in [0, ${size}); received ${describe(v)} at position ${i}`);
      }
      list.push(v);
    });
  }
  if (list.length === 0) throw new InvalidArgumentError(op, 'the selection is empty; received no index', 'Keep at least one entry');
  if (list.length > MAX_DIM_SAMPLE) throw new InvalidArgumentError(op, `at most 2^27 indices; received ${list.length}`);
  const kept = Object.freeze(list);
  const m = kept.length;
  return make({ kind: 'sample', shape: Object.freeze([m, size]) as readonly [number, number], dtype, indices: kept }, op,
    async (x) => {
      const b = x.rank === 1 ? 1 : x.shape[1]!;
      const v = await x.data();
      const out = new Float64Array(m * b);
      for (let i = 0; i < m; i++) for (let c = 0, from = kept[i]! * b; c < b; c++) out[i * b + c] = v[from + c]!;
      return fromFloat64(out, x.rank === 1 ? [m] : [m, b], dtype);
    },
    async (y) => {
      const b = y.rank === 1 ? 1 : y.shape[1]!;
      const v = await y.data();
      const out = new Float64Array(size * b);
      for (let i = 0; i < m; i++) for (let c = 0, to = kept[i]! * b; c < b; c++) out[to + c] += v[i * b + c]!;
      return fromFloat64(out, y.rank === 1 ? [size] : [size, b], dtype);
    });
}

const MAX_DIM_SAMPLE = 2 ** 27;

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
  const { seed, dtype } = matrixArgs(op, m, n, options, [], false);
  if (m > n) {
    throw new InvalidArgumentError(op, `m must be at most n (the DCT has n rows); received m = ${m}, n = ${n}`);
  }
  const rows = Object.freeze(sampleRows(m, n, seed));
  return make(
    { kind: 'partialDCT', shape: Object.freeze([m, n]) as readonly [number, number], dtype, rows },
    op,
    async (x) => {
      const signals = x.rank === 1 ? 1 : x.shape[1]!;
      const full = new Float64Array(n * signals);
      columns(await x.data(), n, signals, full, dctInto);
      const out = new Float64Array(m * signals);
      for (let i = 0; i < m; i++) {
        const from = rows[i]! * signals;
        for (let c = 0; c < signals; c++) out[i * signals + c] = full[from + c]!;
      }
      return fromFloat64(out, x.rank === 1 ? [m] : [m, signals], dtype);
    },
    async (y) => {
      const signals = y.rank === 1 ? 1 : y.shape[1]!;
      const data = await y.data();
      const full = new Float64Array(n * signals);
      for (let i = 0; i < m; i++) {
        const to = rows[i]! * signals;
        for (let c = 0; c < signals; c++) full[to + c] = data[i * signals + c]!;
      }
      const out = new Float64Array(n * signals);
      columns(full, n, signals, out, idctInto);
      return fromFloat64(out, y.rank === 1 ? [n] : [n, signals], dtype);
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
  const o = readOptions(op, options, ['block', 'dtype']);
  const h = expectDim(op, 'height', height);
  const w = expectDim(op, 'width', width);
  expectDim(op, 'height·width', h * w);
  const block = o.block === undefined ? Math.max(h, w) : expectDim(op, 'block', o.block);
  const dtype = expectFloatDtype(op, o.dtype);
  const size = h * w;
  const run = (fn: typeof dctInto) => async (x: Tensor) => {
    const signals = x.rank === 1 ? 1 : x.shape[1]!;
    const out = new Float64Array(size * signals);
    transform2d(await x.data(), out, h, w, block, signals, fn);
    return fromFloat64(out, [...x.shape], dtype);
  };
  return make({ kind: 'dct2d', shape: Object.freeze([size, size]) as readonly [number, number], dtype }, op,
    run(dctInto), run(idctInto));
}

function expectOperatorArg(op: string, name: string, value: unknown): LinearOperator {
  if (isLinearOperator(value)) return value;
  if (Tensor.is(value)) return matrixOperator(op, value);
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
  return make({ kind: 'compose', shape, dtype: ops[0]!.dtype }, op,
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
  return make(
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
  const out = new Float64Array(n * signals);
  if (n > 0 && signals > 0) columns(await x.data(), n, signals, out, fn);
  return fromFloat64(out, x.shape, dtype);
}

/** A Tensor [m, n] or a LinearOperator, as a LinearOperator. */
export function expectOperand(op: string, value: unknown): LinearOperator {
  if (isLinearOperator(value)) return value;
  if (!(Tensor.is(value))) {
    throw new InvalidArgumentError(
      op,
      `A must be a Tensor [m, n] or a cs operator; received ${describe(value)}`,
      'Pass a matrix (e.g. cs.gaussian(m, n)) or an operator (e.g. cs.partialDCT(m, n))',
    );
  }
  return matrixOperator(op, value);
}
