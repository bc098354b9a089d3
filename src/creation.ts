/**
 * Creating tensors: from data (`tensor`), by value (`zeros`, `ones`, `full`, `eye`, `arange`) and
 * at random (`rand`, `randn`, seeded and reproducible).
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { mersenne } from 'pure-rand/generator/mersenne';
import { dtypeOfArray, isDType, type DType, type DTypeArrays, type TypedArray } from './dtype.js';
import { DTypeError, InvalidArgumentError, ShapeError } from './errors.js';
import { checkElements, checkRank, MAX_ELEMENTS } from './limits.js';
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
  if (shape !== undefined && shape !== null && typeof shape === 'object' && !isArray('tensor', 'shape', shape)) {
    options = shape as CreateOptions;
    shape = undefined;
  }
  const o = readCreateOptions('tensor', options, ['dtype', 'device']);
  const requested = checkDtype('tensor', o.dtype);
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
  } else if (isArray('tensor', 'data', data)) {
    ({ shape: inferred, flat } = readNested(data as unknown[]));
  } else {
    throw new InvalidArgumentError(
      'tensor',
      `data must be a TypedArray, an array of numbers, nested arrays or a number; received ${describe(data)}`,
    );
  }
  const dtype: DType = requested ?? (ArrayBuffer.isView(flat) ? dtypeOfArray(flat) : 'float32');
  let finalShape = inferred;
  if (shape !== undefined) {
    finalShape = checkShape('tensor', shape);
    if (sizeOf(finalShape) !== flat.length) {
      throw new ShapeError(
        'tensor',
        `shape ${formatShape(finalShape)} holds ${sizeOf(finalShape)} elements but the data has ${flat.length}`,
        'Pass a shape whose dimensions multiply to the data length',
      );
    }
  }
  if (dtype === 'int32') {
    for (let i = 0; i < flat.length; i++) checkInt32('tensor', 'data', flat[i]!, i);
  }
  // Every element is written next: a reused buffer need not be zeroed first.
  const store = takeStore(dtype, flat.length, false, true);
  const storage = store.array;
  storage.set(flat as ArrayLike<number>);
  return onDevice('tensor', wrap(dtype, finalShape, store), o.device);
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
  const o = readCreateOptions(op, options, ['dtype', 'device']);
  const dtype = checkDtype(op, o.dtype) ?? 'float32';
  if (typeof value !== 'number') {
    throw new InvalidArgumentError(op, `value must be a number; received ${describe(value)}`);
  }
  if (dtype === 'int32') checkInt32(op, 'value', value);
  const store = takeStore(dtype, sizeOf(s), false, value !== 0);
  const storage = store.array;
  if (value !== 0) storage.fill(value);
  return onDevice(op, wrap(dtype, s, store), o.device);
}

/** The `n`×`m` identity (ones on the main diagonal). `m` defaults to `n`. */
export function eye(n: number, m: number = n, options: CreateOptions = {}): Tensor {
  checkSize('eye', 'n', n);
  checkSize('eye', 'm', m);
  checkElements('eye', `the ${n}×${m} identity`, n * m);
  const o = readCreateOptions('eye', options, ['dtype']);
  const dtype = checkDtype('eye', o.dtype) ?? 'float32';
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
  const o = readCreateOptions('arange', options, ['dtype']);
  const dtype = checkDtype('arange', o.dtype) ?? 'float32';
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n > MAX_ELEMENTS) {
    throw new InvalidArgumentError('arange', `[${start}, ${stop}) in steps of ${step} is ${n} values, more than the limit of ${MAX_ELEMENTS} (2^31 - 1) elements per tensor`,
      'Pass a larger step or a shorter range');
  }
  if (dtype === 'int32' && n > 0) {
    if (!Number.isInteger(start) || !Number.isInteger(step)) {
      throw new InvalidArgumentError('arange', `int32 values need an integer start and step; received start ${start}, step ${step}`,
        'Pass integers, or use a float dtype');
    }
    checkInt32('arange', 'start', start);
    checkInt32('arange', 'the last value', start + (n - 1) * step);
  }
  const store = takeStore(dtype, n, false, true);
  const storage = store.array;
  for (let i = 0; i < n; i++) storage[i] = start + i * step;
  return wrap(dtype, [n], store);
}

/** Uniform random values in [0, 1). Seeded runs are reproducible. */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const { storage, store, s, dtype, seed } = randomSetup('rand', shape, options);
  const rng = generator(seed);
  for (let i = 0; i < storage.length; i++) storage[i] = uniformFloat64(rng);
  return wrap(dtype, s, store);
}

/** Standard normal random values (mean 0, variance 1), by Box–Muller. Seeded runs are reproducible. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const { storage, store, s, dtype, seed } = randomSetup('randn', shape, options);
  const rng = generator(seed);
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
  const o = readCreateOptions(op, options, ['dtype', 'seed']) as RandomOptions;
  const dtype = checkDtype(op, o.dtype) ?? 'float32';
  if (dtype === 'int32') {
    throw new DTypeError(op, "dtype must be 'float32' or 'float64'; received 'int32'", 'Random integers are not offered; round a float tensor');
  }
  const seed = o.seed;
  if (seed !== undefined && (!Number.isSafeInteger(seed))) {
    throw new InvalidArgumentError(op, `seed must be an integer; received ${describe(seed)}`);
  }
  const store = takeStore(dtype, sizeOf(s));
  return { s, dtype, seed, store, storage: store.array };
}

/**
 * The Mersenne Twister: its initialisation spreads every bit of a small seed over the whole state,
 * so seeds 0, 1, 2 … start uncorrelated (xoroshiro128+ seeded with a small integer does not: its
 * first draws sit near 1).
 */
function generator(seed: number | undefined) {
  return mersenne(seed === undefined ? Math.floor(Math.random() * 2 ** 32) : (seed % 2 ** 32) >>> 0);
}

/**
 * Validates a shape argument: an array of non-negative integers, read once (a getter or Proxy is
 * called once per entry), at most MAX_RANK long and holding at most MAX_ELEMENTS elements.
 */
export function checkShape(op: string, shape: unknown): number[] {
  const bad = () =>
    new InvalidArgumentError(op, `shape must be an array of non-negative integers; received ${describe(shape)}`, 'Pass e.g. [2, 3]');
  if (!isArray(op, 'shape', shape)) throw bad();
  const out = readOnce(op, 'shape', shape, (length) => checkRank(op, 'shape', length));
  if (!out.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new InvalidArgumentError(op, `shape must be an array of non-negative integers; received ${describe(out)}`, 'Pass e.g. [2, 3]');
  }
  const dims = out as number[];
  checkElements(op, 'the tensor', sizeOf(dims), dims);
  return dims;
}

/** Array.isArray, with a revoked Proxy (which makes it throw) turned into a typed error. */
function isArray(op: string, name: string, value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch (e) {
    throw new InvalidArgumentError(op, `${name} could not be read (${(e as Error).message}); received a revoked Proxy`, 'Pass a plain array or object');
  }
}

/** An array's length, read once (a Proxy that throws is a typed error). */
function readLength(op: string, name: string, value: unknown[]): number {
  try {
    return value.length;
  } catch (e) {
    throw new InvalidArgumentError(op, `${name} could not be read (${(e as Error).message})`, 'Pass a plain array');
  }
}

/** Entry `i` of an array, read once (a getter or Proxy that throws is a typed error). */
function readEntry(op: string, name: string, value: unknown[], i: number): unknown {
  try {
    return value[i];
  } catch (e) {
    throw new InvalidArgumentError(op, `${name} could not be read (${(e as Error).message})`, 'Pass a plain array');
  }
}

/** The entries of an array read once each, in order (length read once, then checked by `onLength`). */
function readOnce(op: string, name: string, value: unknown[], onLength: (length: number) => void): unknown[] {
  const length = readLength(op, name, value);
  onLength(length);
  const out = new Array<unknown>(length);
  for (let i = 0; i < length; i++) out[i] = readEntry(op, `${name}[${i}]`, value, i);
  return out;
}

/**
 * A creation function's options read once, as own data: each known name's own value (a getter is
 * called once; nothing inherited from Object.prototype); an unknown name is an error.
 */
function readCreateOptions(op: string, options: unknown, known: readonly string[]): { dtype?: unknown; device?: unknown; seed?: unknown } {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || isArray(op, 'options', options)) {
    throw new InvalidArgumentError(op, `options must be an object; received ${describe(options)}`);
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  try {
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) {
        throw new InvalidArgumentError(op, `unknown option '${key}'`, `The options are ${known.join(', ')}`);
      }
      out[key] = (options as Record<string, unknown>)[key];
    }
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw e;
    throw new InvalidArgumentError(op, `options could not be read (${(e as Error).message})`, 'Pass a plain object');
  }
  return out;
}

/** Throws unless `v` is a 32-bit integer (`index` names the element of data). */
function checkInt32(op: string, name: string, v: number, index?: number): void {
  if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new InvalidArgumentError(
      op,
      `int32 ${name} must hold 32-bit integers (in [-2^31, 2^31 - 1]); received ${v}${index === undefined ? '' : ` at index ${index}`}`,
      'Round the values first, keep them in range, or use a float dtype',
    );
  }
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

/**
 * Nested arrays read in one pass, each length and each entry once (so a getter, Proxy or Array
 * subclass cannot show one shape to the check and another to the copy): the shape comes from the
 * first entry at each level, every other row must match it, and a hole (`[1, , 3]`) is refused.
 * The size is checked against MAX_ELEMENTS as soon as each level's length is known, so a huge
 * sparse array is refused before it is walked.
 */
function readNested(data: unknown[]): { shape: number[]; flat: number[] } {
  const op = 'tensor';
  const shape: number[] = [];
  const flat: number[] = [];
  let leafDepth = -1;
  let size = 1;
  const ragged = (path: string) =>
    new ShapeError(op, `nested arrays are ragged: every row at a level must have the same length; received a different length or depth at data${path}`,
      `Expected a regular array of shape ${formatShape(shape)}`);
  const walk = (node: unknown[], dim: number, path: string): void => {
    const length = readLength(op, `data${path}`, node);
    if (dim === shape.length) {
      checkRank(op, 'the nested data', dim + 1);
      shape.push(length);
      size *= length;
      checkElements(op, 'the nested data', size);
    } else if (length !== shape[dim]) {
      throw ragged(path);
    }
    for (let i = 0; i < length; i++) {
      const at = `${path}[${i}]`;
      // Each entry read once and used as read (a hole ends the walk at once, however long the array).
      const v = readEntry(op, `data${at}`, node, i);
      if (typeof v === 'number') {
        if (leafDepth === -1) leafDepth = dim + 1;
        else if (leafDepth !== dim + 1) throw ragged(at);
        flat.push(v);
      } else if (isArray(op, `data${at}`, v)) {
        if (leafDepth !== -1 && dim + 1 >= leafDepth) throw ragged(at);
        walk(v, dim + 1, at);
      } else if (v === undefined && isHole(node, i)) {
        throw new InvalidArgumentError(op, `data has a hole at data${at} (an empty slot of a sparse array)`,
          'Fill every entry with a number, e.g. [1, 0, 3] instead of [1, , 3]');
      } else {
        throw new InvalidArgumentError(op, `data must hold only numbers; received ${describe(v)} at data${at}`);
      }
    }
  };
  walk(data, 0, '');
  if (leafDepth !== -1 && leafDepth !== shape.length) throw ragged('');
  return { shape, flat };
}

/** Whether index `i` of `node` is an empty slot (a Proxy whose `has` throws counts as one). */
function isHole(node: unknown[], i: number): boolean {
  try {
    return !(i in node);
  } catch {
    return true;
  }
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
  const store = takeStore(dtype, 1, false, true);
  (store.array as DTypeArrays[DType])[0] = value;
  return wrap(dtype, [], store);
}
