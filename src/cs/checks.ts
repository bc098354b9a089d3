/**
 * Validators shared by the cs module: options (read once, own properties only), the sensing
 * operand (a matrix or a LinearOperator), the measurements, finiteness, sizes, seeds and numeric
 * options. Each throws a typed LeptonError naming the op. The cs module composes public ops only:
 * nothing here imports dispatch, a backend or the pool.
 */
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors.js';
import type { MatmulOptions } from '../ops/matmul.js';
import { checkCommon, editDistance as distance, expectFloat, expectRank, expectSameDtype, expectTensor } from '../ops/checks.js';
import { formatShape } from '../shape.js';
import { describe, Tensor } from '../tensor.js';
import type { LinearOperator } from './operators.js';

/** Options every cs function that runs ops takes: the backend of its products and a cancel signal. */
export interface SolverOptions {
  /** Run the products on this backend, or throw if it cannot; `'auto'` (the default) picks one. */
  backend?: MatmulOptions['backend'];
  /** Cancels the run: checked before any work and between iterations; the call rejects with its reason. */
  signal?: AbortSignal;
}

/** The backend names an op accepts (the op table's list; matmul validates the name again when it runs). */
/** The largest number of rows or columns of an operator: the solvers keep float64 vectors of that length. */
export const MAX_DIM = 2 ** 27;
/** The most elements of a dense matrix cs materialises (`toMatrix`, `chooseLambda`, the random matrices): 1 GiB of float64. */
export const MAX_DENSE = 2 ** 27;

/**
 * Reads `options` once into a plain record of its own enumerable properties (nothing inherited
 * from Object.prototype, each getter called once). Unknown names are refused with the nearest
 * known one; `backend` and `signal` are checked here. `known` lists the other names the op takes.
 */
export function readOptions(op: string, options: unknown, known: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (options === undefined) return out;
  let keys: string[];
  try {
    if (options === null || typeof options !== 'object' || Array.isArray(options) || Tensor.is(options)) {
      throw new InvalidArgumentError(op, `options must be an object; received ${describe(options)}`);
    }
    keys = Object.keys(options);
    for (const key of keys) out[key] = (options as Record<string, unknown>)[key];
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw e;
    throw new InvalidArgumentError(op, `options could not be read; received an object that throws (${e instanceof Error ? e.message : String(e)})`,
      'Pass a plain object');
  }
  const names = ['backend', 'signal', ...known];
  for (const key of keys) {
    if (names.includes(key)) continue;
    const nearest = [...names].sort((p, q) => distance(key, p) - distance(key, q))[0]!;
    throw new InvalidArgumentError(op, `unknown option '${key}'; received { ${key}: ${describe(out[key])} }`,
      distance(key, nearest) <= Math.max(2, nearest.length / 3) ? `The nearest known option is '${nearest}'` : `Known options: ${names.join(', ')}`);
  }
  checkCommon(op, out);
  return out;
}

/** The backend and signal of a record from readOptions, for the products a solver runs. */
export function solverOptions(o: Record<string, unknown>): SolverOptions {
  return { backend: o.backend as SolverOptions['backend'], signal: o.signal as AbortSignal | undefined };
}

/** Throws the signal's reason when it is already aborted. */
export function checkAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

const schedule: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

/**
 * Lets the event loop turn every `sliceMs` milliseconds of computing (timers and AbortSignal.timeout
 * fire in between), then checks the signal. Call it once per iteration: it costs a clock read.
 */
export class Yielder {
  #last = performance.now();
  constructor(private readonly signal: AbortSignal | undefined, private readonly sliceMs = 4) {}
  async tick(): Promise<void> {
    this.signal?.throwIfAborted();
    const now = performance.now();
    if (now - this.#last < this.sliceMs) return;
    await new Promise<void>((resolve) => schedule(resolve));
    this.#last = performance.now();
    this.signal?.throwIfAborted();
  }
}

/** Index of the first NaN or ±Infinity in `values`, or −1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) return i;
  }
  return -1;
}

function valueName(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Throws INVALID_ARGUMENT when `values` (row-major, `columns` per row; 1 for a vector) hold NaN or
 * ±Infinity, naming the argument and the first bad index (and its row and column).
 * `columnWord` names what a column is ('signal' for measurements, 'column' for a matrix).
 */
export function expectFinite(op: string, name: string, values: ArrayLike<number>, columns = 1, columnWord = 'signal'): void {
  const i = firstNonFinite(values);
  if (i < 0) return;
  const where = columns > 1 ? ` (row ${Math.floor(i / columns)}, ${columnWord} ${i % columns})` : '';
  throw new InvalidArgumentError(op, `${name} must hold finite values; received ${valueName(values[i]!)} at index ${i}${where}`,
    'Remove or replace the non-finite values');
}

/** y must be float, of A's dtype, [m] or [m, signals]. Returns the number of signals. */
export function expectMeasurements(op: string, a: LinearOperator, yIn: unknown, name = 'y'): { y: Tensor; signals: number } {
  const y = expectTensor(op, name, yIn);
  expectFloat(op, name, y);
  if (y.dtype !== a.dtype) {
    throw new DTypeError(op, `dtypes differ: A is ${a.dtype}, ${name} is ${y.dtype}`,
      'Create both with the same dtype; lepton-compute never promotes silently');
  }
  expectRank(op, name, y, [1, 2]);
  const [m] = a.shape;
  if (y.shape[0] !== m) {
    throw new ShapeError(
      op,
      `${name} must have ${m} rows, one per measurement (row of A); received A [${a.shape.join(',')}], ${name} ${formatShape(y.shape)}`,
      `Pass ${name} as [m] or [m, signals]`,
    );
  }
  const signals = y.rank === 1 ? 1 : y.shape[1]!;
  if (signals === 0) {
    throw new ShapeError(op, `${name} must hold at least one signal; received ${formatShape(y.shape)}`, `Pass ${name} as [m] or [m, signals] with signals ≥ 1`);
  }
  return { y, signals };
}

/** Reads y's values as float64 and refuses NaN/Infinity, naming the first bad index. */
export async function finiteValues(op: string, name: string, t: Tensor, columns: number): Promise<Float64Array> {
  const v = Float64Array.from(await t.data());
  expectFinite(op, name, v, columns);
  return v;
}

/** A tensor shaped like the solution x: [n] for a vector y, [n, signals] for a batch. */
export function expectLikeSolution(op: string, name: string, value: unknown, a: LinearOperator, y: Tensor): Tensor {
  const t = expectTensor(op, name, value);
  expectSameDtype(op, [['y', y], [name, t]]);
  const n = a.shape[1];
  const want = y.rank === 1 ? [n] : [n, y.shape[1]!];
  if (t.rank !== want.length || t.shape.some((d, i) => d !== want[i])) {
    throw new ShapeError(op, `${name} must have shape ${formatShape(want)} to match A and y; received ${formatShape(t.shape)}`);
  }
  return t;
}

export function expectSeed(op: string, seed: unknown): number | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(op, `seed must be an integer; received ${describe(seed)}`);
  }
  return seed;
}

/** A finite number in [min, ∞) (or (min, ∞) when `strict`). */
export function expectNumber(op: string, name: string, value: unknown, min: number, strict: boolean, hint?: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (strict && value === min)) {
    throw new InvalidArgumentError(op, `${name} must be a finite number ${strict ? '>' : '≥'} ${min}; received ${describe(value)}`, hint);
  }
  return value;
}

export function expectPositiveInteger(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(op, `${name} must be a positive integer; received ${describe(value)}`);
  }
  return value;
}

export function expectFloatDtype(op: string, value: unknown): 'float32' | 'float64' {
  if (value === undefined) return 'float32';
  if (value !== 'float32' && value !== 'float64') {
    throw new InvalidArgumentError(op, `dtype must be 'float32' or 'float64'; received ${describe(value)}`);
  }
  return value;
}

/** Sizes of operators: positive integers up to MAX_DIM. */
export function expectDim(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(op, `${name} must be a positive integer; received ${describe(value)}`);
  }
  if (value > MAX_DIM) {
    throw new InvalidArgumentError(op, `${name} must be at most 2^27 = ${MAX_DIM} (the solvers keep float64 vectors of this length); received ${value}`,
      'Split the problem into smaller pieces');
  }
  return value;
}

/** m·n elements of a dense matrix, refused past MAX_DENSE. */
export function expectDenseSize(op: string, what: string, m: number, n: number): void {
  if (m * n > MAX_DENSE) {
    throw new InvalidArgumentError(op, `${what} would hold ${m}·${n} = ${m * n} elements, more than the limit 2^27 = ${MAX_DENSE} (1 GiB of float64); received [${m}, ${n}]`,
      'Use a matrix-free operator (cs.operator({ shape, forward, adjoint }), cs.partialDCT, cs.sample) instead of a dense matrix');
  }
}

export function expectFunction(op: string, name: string, value: unknown): ((...args: never[]) => unknown) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new InvalidArgumentError(op, `${name} must be a function; received ${describe(value)}`);
  }
  return value as (...args: never[]) => unknown;
}

/** Per-signal λ: a number ≥ 0 for all signals, or one per signal (an array or a [signals] tensor). */
export async function expectLambdas(op: string, value: unknown, signals: number): Promise<Float64Array> {
  const hint = 'Pass e.g. { lambda: 1e-3 * max|Aᵀy| } (λ ≥ max|Aᵀy| gives x = 0), or one λ per signal';
  if (value === undefined) throw new InvalidArgumentError(op, 'lambda is required; received undefined', hint);
  let values: ArrayLike<number>;
  if (typeof value === 'number') values = new Float64Array(signals).fill(value);
  else if (Tensor.is(value)) {
    if (value.rank !== 1 || value.shape[0] !== signals) {
      throw new ShapeError(op, `lambda as a tensor must have shape [${signals}], one λ per signal; received ${formatShape(value.shape)}`);
    }
    values = await value.data();
  } else if (Array.isArray(value) || value instanceof Float64Array || value instanceof Float32Array) {
    if (value.length !== signals) {
      throw new ShapeError(op, `lambda as an array must hold one λ per signal (${signals}); received ${value.length} values`);
    }
    values = value as ArrayLike<number>;
  } else {
    throw new InvalidArgumentError(op, `lambda must be a number ≥ 0 or one per signal; received ${describe(value)}`, hint);
  }
  const out = new Float64Array(signals);
  for (let i = 0; i < signals; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new InvalidArgumentError(op, `lambda must be a finite number ≥ 0${signals > 1 ? ` for every signal` : ''}; received ${describe(v)}${signals > 1 ? ` for signal ${i}` : ''}`, hint);
    }
    out[i] = v;
  }
  return out;
}
