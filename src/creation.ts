/**
 * Creating tensors: from data (`tensor`), by value (`zeros`, `ones`, `full`, `eye`, `arange`) and
 * at random (`rand`, `randn`, seeded and reproducible).
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { mersenne } from 'pure-rand/generator/mersenne';
import { dtypeOfArray, isDType, type DType, type DTypeArrays, type TypedArray } from './dtype.js';
import { DTypeError, InvalidArgumentError, ShapeError } from './errors.js';
import { formatShape, sizeOf } from './shape.js';
import { describe, requireGpuBridge, Tensor, wrap, type Device, type NestedArray } from './tensor.js';
import { takeStore } from './memory/cpu.js';

export interface CreateOptions {
  /** Element type; `float32` unless the data is a typed array of another type. */
  dtype?: DType;
  /**
   * `'cpu'` (default) or `'webgpu'`. Creating on webgpu is synchronous (queue.writeBuffer), so the
   * device must already be started: `await backends()` or `await setBackend('webgpu')` first, or
   * use `await t.to('webgpu')`. Honoured by `tensor`, `zeros`, `ones` and `full`.
   */
  device?: Device;
}

export interface RandomOptions {
  dtype?: 'float32' | 'float64';
  /** Any integer (used modulo 2³²): the same seed gives the same values on every platform. Random when absent. */
  seed?: number;
}

/** Anything `tensor()` accepts as data. */
export type TensorLike = TypedArray | NestedArray | readonly number[];

/**
 * A tensor from a TypedArray, a flat array with a shape, nested arrays, or a number (rank 0).
 * The values are copied. Plain numbers become float32 unless `dtype` says otherwise.
 *
 * @throws SHAPE_MISMATCH when nested arrays are ragged or `shape` does not match the data's size.
 * @throws INVALID_ARGUMENT for non-numeric data, a bad shape or an unknown dtype.
 * @example
 * const a = tensor([[1, 2], [3, 4]]);            // float32 [2,2]
 * const b = tensor(new Float64Array(6), [2, 3]);  // float64 [2,3]
 * const c = tensor([1, 2, 3], undefined, { dtype: 'int32' });
 */
export function tensor(
  data: TensorLike,
  shape?: readonly number[] | CreateOptions,
  options: CreateOptions = {},
): Tensor {
  if (shape !== undefined && !Array.isArray(shape) && typeof shape === 'object' && shape !== null) {
    options = shape as CreateOptions;
    shape = undefined;
  }
  const requested = checkDtype('tensor', options?.dtype);
  let flat: TypedArray | number[];
  let inferred: number[];
  if (ArrayBuffer.isView(data)) {
    if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array)) {
      throw new InvalidArgumentError(
        'tensor',
        `data must be a Float32Array, Float64Array or Int32Array; received ${describe(data)}`,
        'Convert it first, e.g. Float32Array.from(data)',
      );
    }
    flat = data;
    inferred = [data.length];
  } else if (typeof data === 'number') {
    flat = [data];
    inferred = [];
  } else if (Array.isArray(data)) {
    inferred = nestedShape(data);
    flat = (data as unknown[]).flat(Infinity) as number[];
    for (const v of flat) {
      if (typeof v !== 'number') {
        throw new InvalidArgumentError('tensor', `data must hold only numbers; received ${describe(v)}`);
      }
    }
  } else {
    throw new InvalidArgumentError(
      'tensor',
      `data must be a TypedArray, an array of numbers, nested arrays or a number; received ${describe(data)}`,
    );
  }
  const dtype: DType = requested ?? (ArrayBuffer.isView(flat) ? dtypeOfArray(flat) : 'float32');
  let finalShape = inferred;
  if (shape !== undefined) {
    finalShape = checkShape('tensor', shape as readonly number[]);
    if (sizeOf(finalShape) !== flat.length) {
      throw new ShapeError(
        'tensor',
        `shape ${formatShape(finalShape)} holds ${sizeOf(finalShape)} elements but the data has ${flat.length}`,
        'Pass a shape whose dimensions multiply to the data length',
      );
    }
  }
  if (dtype === 'int32') {
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i]!;
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        throw new InvalidArgumentError(
          'tensor',
          `int32 data must hold 32-bit integers; received ${v} at index ${i}`,
          'Round the values first, or use a float dtype',
        );
      }
    }
  }
  const store = takeStore(dtype, flat.length);
  const storage = store.array;
  storage.set(flat as ArrayLike<number>);
  return onDevice('tensor', wrap(dtype, finalShape, store), options?.device);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** A tensor with every element equal to `value`. */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

function filled(op: string, shape: readonly number[], value: number, options: CreateOptions): Tensor {
  const s = checkShape(op, shape);
  const dtype = checkDtype(op, options?.dtype) ?? 'float32';
  if (typeof value !== 'number' || (dtype === 'int32' && !Number.isInteger(value))) {
    throw new InvalidArgumentError(
      op,
      `value must be a number${dtype === 'int32' ? ' (an integer for int32)' : ''}; received ${describe(value)}`,
    );
  }
  const store = takeStore(dtype, sizeOf(s));
  const storage = store.array;
  if (value !== 0) storage.fill(value);
  return onDevice(op, wrap(dtype, s, store), options?.device);
}

/** The `n`×`m` identity (ones on the main diagonal). `m` defaults to `n`. */
export function eye(n: number, m: number = n, options: CreateOptions = {}): Tensor {
  checkSize('eye', 'n', n);
  checkSize('eye', 'm', m);
  const dtype = checkDtype('eye', options?.dtype) ?? 'float32';
  const store = takeStore(dtype, n * m);
  const storage = store.array;
  for (let i = 0; i < Math.min(n, m); i++) storage[i * m + i] = 1;
  return wrap(dtype, [n, m], store);
}

/**
 * Evenly spaced values in [start, stop), as numpy's arange: `arange(5)` is 0..4,
 * `arange(2, 10, 3)` is 2, 5, 8.
 */
export function arange(start: number, stop?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  for (const [name, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidArgumentError('arange', `${name} must be a finite number; received ${describe(v)}`);
    }
  }
  if (step === 0) throw new InvalidArgumentError('arange', 'step must not be 0; received 0', 'Pass a positive or negative step');
  const dtype = checkDtype('arange', options?.dtype) ?? 'float32';
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const store = takeStore(dtype, n);
  const storage = store.array;
  for (let i = 0; i < n; i++) storage[i] = start + i * step;
  return wrap(dtype, [n], store);
}

/** Uniform random values in [0, 1). Seeded runs are reproducible. */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const { storage, store, s, dtype } = randomSetup('rand', shape, options);
  const rng = generator(options.seed);
  for (let i = 0; i < storage.length; i++) storage[i] = uniformFloat64(rng);
  return wrap(dtype, s, store);
}

/** Standard normal random values (mean 0, variance 1), by Box–Muller. Seeded runs are reproducible. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const { storage, store, s, dtype } = randomSetup('randn', shape, options);
  const rng = generator(options.seed);
  for (let i = 0; i < storage.length; i += 2) {
    const u1 = 1 - uniformFloat64(rng); // (0, 1]: log never sees 0
    const u2 = uniformFloat64(rng);
    const r = Math.sqrt(-2 * Math.log(u1));
    storage[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < storage.length) storage[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return wrap(dtype, s, store);
}

function randomSetup(op: string, shape: readonly number[], options: RandomOptions) {
  const s = checkShape(op, shape);
  const dtype = checkDtype(op, options?.dtype) ?? 'float32';
  if (dtype === 'int32') {
    throw new DTypeError(op, "dtype must be 'float32' or 'float64'; received 'int32'", 'Random integers are not offered; round a float tensor');
  }
  const seed = options?.seed;
  if (seed !== undefined && (!Number.isSafeInteger(seed))) {
    throw new InvalidArgumentError(op, `seed must be an integer; received ${describe(seed)}`);
  }
  const store = takeStore(dtype, sizeOf(s));
  return { s, dtype, store, storage: store.array };
}

/**
 * The Mersenne Twister: its initialisation spreads every bit of a small seed over the whole state,
 * so seeds 0, 1, 2 … start uncorrelated (xoroshiro128+ seeded with a small integer does not: its
 * first draws sit near 1).
 */
function generator(seed: number | undefined) {
  return mersenne(seed === undefined ? Math.floor(Math.random() * 2 ** 32) : (seed % 2 ** 32) >>> 0);
}

/** Validates a shape argument: an array of non-negative integers. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new InvalidArgumentError(
      op,
      `shape must be an array of non-negative integers; received ${describe(shape)}`,
      'Pass e.g. [2, 3]',
    );
  }
  return [...shape] as number[];
}

function checkSize(op: string, name: string, v: unknown): void {
  if (!Number.isInteger(v) || (v as number) < 0) {
    throw new InvalidArgumentError(op, `${name} must be a non-negative integer; received ${describe(v)}`);
  }
}

function checkDtype(op: string, dtype: unknown): DType | undefined {
  if (dtype === undefined) return undefined;
  if (!isDType(dtype)) {
    throw new DTypeError(op, `dtype must be 'float32', 'float64' or 'int32'; received ${describe(dtype)}`);
  }
  return dtype;
}

function nestedShape(data: unknown[]): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const check = (node: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(node)) throw ragged();
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) throw ragged();
    for (const child of node) check(child, dim + 1);
  };
  const ragged = () =>
    new ShapeError('tensor', 'nested arrays are ragged: every row at a level must have the same length',
      `Expected a regular array of shape ${formatShape(shape)}`);
  check(data, 0);
  return shape;
}

/** Moves a freshly made CPU tensor to the requested device (validating the option). */
function onDevice(op: string, t: Tensor, device: unknown): Tensor {
  if (device === undefined || device === 'cpu') return t;
  if (device !== 'webgpu') {
    throw new InvalidArgumentError(op, `device must be 'cpu' or 'webgpu'; received ${describe(device)}`);
  }
  return requireGpuBridge(op).uploadNow(op, t);
}

/**
 * A JavaScript number as a rank-0 tensor of `dtype`, for an op that takes numbers as operands
 * (`mul(t, 2)`). The number must be finite or ±Infinity/NaN for floats, a 32-bit integer for int32.
 */
export function scalarLike(op: string, name: string, value: number, dtype: DType): Tensor {
  if (dtype === 'int32' && (!Number.isInteger(value) || value < -2147483648 || value > 2147483647)) {
    throw new InvalidArgumentError(op, `${name} is the number ${value}, which an int32 operand cannot take`,
      'Pass a 32-bit integer, or make the tensor operand a float dtype');
  }
  const store = takeStore(dtype, 1);
  (store.array as DTypeArrays[DType])[0] = value;
  return wrap(dtype, [], store);
}
