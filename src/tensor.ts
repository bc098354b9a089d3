/**
 * Tensor: a dtype, a shape, element strides and an offset into a storage array (the scijs/ndarray
 * data model). `reshape` and `transpose` are stride arithmetic over the same storage, never a copy;
 * `contiguous()` makes a row-major copy when a view is not one already.
 */
import { allocate, type DType, type DTypeArrays, type TypedArray } from './dtype.js';
import { DisposedTensorError, InvalidArgumentError, ShapeError } from './errors.js';
import { contiguousStrides, formatShape, sizeOf, type Shape } from './shape.js';

/** Where a tensor's values live. */
export type Device = 'cpu' | 'webgpu';

/**
 * The storage of a GPU tensor: a GPU buffer shared by a tensor and its views, counted by handle
 * (each Tensor on it holds one reference; `dispose()` drops it, and the last one returns the
 * buffer to the backend's pool). Implemented by the webgpu backend; kernels trust it.
 */
export interface GpuStorage {
  /** Bytes of the underlying buffer that tensors may address. */
  readonly bytes: number;
  retain(): void;
  release(): void;
  /** The view `t` (dtype, shape, strides, offset over this storage) read back row-major. */
  read<D extends DType>(t: Tensor<D>): Promise<DTypeArrays[D]>;
  /** A row-major copy of the view `t` on the GPU (encoded now, no readback). */
  contiguous<D extends DType>(t: Tensor<D>): Tensor<D>;
}

/** Safety net: a GPU tensor collected without dispose() still gives its reference back. */
const gpuFinalizer: FinalizationRegistry<GpuStorage> | undefined =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((s: GpuStorage) => s.release()) : undefined;

function isGpuStorage(s: unknown): s is GpuStorage {
  return !ArrayBuffer.isView(s);
}

function gpuOnly(op: string, t: Tensor): InvalidArgumentError {
  return new InvalidArgumentError(
    op,
    `the tensor ${formatShape(t.shape)} ${t.dtype} lives on webgpu, so its values can only be read asynchronously`,
    'Use await t.data(), await t.array() or await t.to(\'cpu\')',
  );
}

/** Nested arrays of numbers, as `array()` returns them. */
export type NestedArray = number | NestedArray[];

export class Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  /** Element strides, one per dimension (0 never appears: broadcasting is done inside ops). */
  readonly strides: readonly number[];
  /** Index of element [0, …, 0] in `storage`. */
  readonly offset: number;
  readonly size: number;
  readonly device: Device;
  #storage: DTypeArrays[D] | undefined;
  #gpu: GpuStorage | undefined;
  #disposed = false;

  /**
   * Low level: wraps `storage` without a copy. Most code wants `tensor()` or the creation
   * functions; this constructor trusts its arguments. Given a GpuStorage, the tensor lives on
   * webgpu and takes one reference on it (given back by `dispose()`).
   */
  constructor(dtype: D, shape: Shape, storage: DTypeArrays[D] | GpuStorage, strides?: Shape, offset = 0) {
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    this.offset = offset;
    this.size = sizeOf(shape);
    if (isGpuStorage(storage)) {
      this.device = 'webgpu';
      this.#gpu = storage;
      storage.retain();
      gpuFinalizer?.register(this, storage, this);
    } else {
      this.device = 'cpu';
      this.#storage = storage;
    }
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /**
   * The storage array this tensor views (shared with its views). Kernels read it with `strides`
   * and `offset`; user code wants `data()` or `dataSync()`. Throws for a GPU tensor.
   */
  get storage(): DTypeArrays[D] {
    this.assertAlive('storage');
    if (!this.#storage) throw gpuOnly('storage', this);
    return this.#storage;
  }

  /** The GPU storage this tensor views (undefined on the CPU). For the webgpu backend. */
  get gpuStorage(): GpuStorage | undefined {
    this.assertAlive('gpuStorage');
    return this.#gpu;
  }

  /** True when the elements are laid out row-major with no gaps (offset may be non-zero). */
  get isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i]!;
      if (d !== 1 && this.strides[i] !== expected) return false;
      expected *= d;
    }
    return true;
  }

  /** Throws DisposedTensorError when the tensor was disposed. `op` names the caller. */
  assertAlive(op: string): void {
    if (this.#disposed) {
      throw new DisposedTensorError(
        op,
        `tensor ${formatShape(this.shape)} ${this.dtype} was used after dispose()`,
        'Keep the tensor alive until its last use, or create a new one',
      );
    }
  }

  /** A row-major copy of the values (a new TypedArray the caller owns). */
  async data(): Promise<DTypeArrays[D]> {
    this.assertAlive('data');
    if (this.#gpu) return this.#gpu.read(this);
    return this.dataSync();
  }

  /**
   * A row-major copy of the values, synchronously. CPU tensors only: a GPU tensor throws
   * INVALID_ARGUMENT (use `await t.data()`).
   */
  dataSync(): DTypeArrays[D] {
    this.assertAlive('dataSync');
    if (this.#gpu) throw gpuOnly('dataSync', this);
    const out = allocateLike(this.dtype, this.size);
    copyStrided(this, out);
    return out;
  }

  /** The values as nested arrays (a number for a rank-0 tensor). */
  async array(): Promise<NestedArray> {
    this.assertAlive('array');
    const flat = await this.data();
    if (this.shape.length === 0) return flat[0]!;
    const build = (dim: number, start: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const step = sizeOf(this.shape.slice(dim + 1));
      const out = new Array<NestedArray>(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === this.shape.length - 1 ? flat[start + i]! : build(dim + 1, start + i * step);
      }
      return out;
    };
    return build(0, 0);
  }

  /**
   * The same values in a new shape. One dimension may be -1 (inferred). A view when the tensor is
   * contiguous; otherwise the values are first copied into row-major order, as numpy does.
   */
  reshape(shape: readonly number[]): Tensor<D> {
    this.assertAlive('reshape');
    const target = resolveReshape(this.shape, shape);
    if (this.isContiguous) return new Tensor(this.dtype, target, this.#any(), undefined, this.offset);
    const copy = this.contiguous();
    const out = new Tensor(this.dtype, target, copy.#any(), undefined, 0);
    copy.dispose();
    return out;
  }

  /** The storage, CPU or GPU (for views). */
  #any(): DTypeArrays[D] | GpuStorage {
    return (this.#storage ?? this.#gpu)!;
  }

  /**
   * A view with the dimensions permuted: output dimension i is input dimension `perm[i]`.
   * With no `perm`, the dimensions are reversed (a matrix transpose for rank 2).
   */
  transpose(perm?: readonly number[]): Tensor<D> {
    this.assertAlive('transpose');
    const rank = this.shape.length;
    const p = perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    if (!Array.isArray(p) || p.length !== rank || !isPermutation(p)) {
      throw new InvalidArgumentError(
        'transpose',
        `perm must be a permutation of 0..${rank - 1}; received ${describe(p)}`,
        `Pass one index per dimension of the rank-${rank} tensor, each once`,
      );
    }
    return new Tensor(
      this.dtype,
      p.map((i) => this.shape[i]!),
      this.#any(),
      p.map((i) => this.strides[i]!),
      this.offset,
    );
  }

  /** A row-major tensor with the same values: a copy for a strided view, a new handle otherwise. */
  contiguous(): Tensor<D> {
    this.assertAlive('contiguous');
    if (this.isContiguous) return new Tensor(this.dtype, this.shape, this.#any(), undefined, this.offset);
    if (this.#gpu) return this.#gpu.contiguous(this);
    const out = allocateLike(this.dtype, this.size);
    copyStrided(this, out);
    return new Tensor(this.dtype, this.shape, out);
  }

  /**
   * Marks the tensor as dead: any later use throws DisposedTensorError. CPU memory is released
   * by the garbage collector once no view refers to it; a GPU buffer goes back to the backend's
   * pool once this tensor and every view of it are disposed. Calling it twice is harmless.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#gpu) {
      gpuFinalizer?.unregister(this);
      this.#gpu.release();
    }
  }

  /**
   * The same values on `device`: `'webgpu'` uploads (initialising the WebGPU device on first use),
   * `'cpu'` reads back. A tensor already there is returned as is. The source is left alive.
   * @throws BACKEND_UNAVAILABLE when WebGPU cannot run here; DTYPE_MISMATCH for float64 on webgpu.
   * @example
   * const g = await tensor([[1, 2], [3, 4]]).to('webgpu');
   * const y = await relu(g);                     // runs on the GPU
   * const back = await y.to('cpu');
   */
  async to(device: Device): Promise<Tensor<D>> {
    this.assertAlive('to');
    if (device === this.device) return this;
    if (device === 'cpu') return new Tensor(this.dtype, this.shape, await this.data());
    if (device === 'webgpu') {
      const { uploadToWebGpu } = await import('./backends/webgpu/default.js');
      return uploadToWebGpu(this);
    }
    throw new InvalidArgumentError('to', `device must be 'cpu' or 'webgpu'; received ${describe(device)}`);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}, ${this.device})`;
  }
}

function allocateLike<D extends DType>(dtype: D, size: number): DTypeArrays[D] {
  return allocate(dtype, size);
}

/** Copies a strided tensor into `out` in row-major order. */
export function copyStrided(t: Tensor, out: TypedArray): void {
  const src = t.storage;
  const n = t.size;
  if (n === 0) return;
  if (t.isContiguous) {
    out.set(src.subarray(t.offset, t.offset + n));
    return;
  }
  const rank = t.shape.length;
  const shape = t.shape;
  const strides = t.strides;
  const index = new Array<number>(rank).fill(0);
  const inner = shape[rank - 1]!;
  const innerStride = strides[rank - 1]!;
  let base = t.offset;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0, s = base; j < inner; j++, s += innerStride) out[o + j] = src[s]!;
    // Advance the multi-index over all but the last dimension.
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      base += strides[d]!;
      if (index[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
}

function resolveReshape(from: Shape, to: readonly number[]): number[] {
  if (!Array.isArray(to)) {
    throw new InvalidArgumentError('reshape', `shape must be an array of integers; received ${describe(to)}`);
  }
  const size = sizeOf(from);
  let inferred = -1;
  let known = 1;
  to.forEach((d, i) => {
    if (d === -1 && inferred === -1) {
      inferred = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new InvalidArgumentError(
        'reshape',
        `shape entries must be non-negative integers (one may be -1); received ${describe(to)}`,
      );
    } else {
      known *= d;
    }
  });
  const out = [...to];
  if (inferred >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError('reshape', `cannot infer -1 in ${formatShape(to)} for ${size} elements`,
        'The other dimensions must divide the size');
    }
    out[inferred] = size / known;
  } else if (known !== size) {
    throw new ShapeError(
      'reshape',
      `cannot reshape ${formatShape(from)} (${size} elements) into ${formatShape(to)} (${known} elements)`,
      'The sizes must match; use -1 for one dimension to infer it',
    );
  }
  return out;
}

function isPermutation(p: readonly unknown[]): boolean {
  const seen = new Set<unknown>();
  for (const i of p) {
    if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= p.length || seen.has(i)) return false;
    seen.add(i);
  }
  return true;
}

/** A short description of any value for error messages: `[1,2]`, `'abc' (string)`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value instanceof Tensor) return `a ${value.dtype} tensor ${formatShape(value.shape)}`;
  if (Array.isArray(value)) {
    const parts = value.slice(0, 8).map((v) => (typeof v === 'number' ? String(v) : describe(v)));
    return `[${parts.join(',')}${value.length > 8 ? ',…' : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  switch (typeof value) {
    case 'number':
      return `${value} (number)`;
    case 'string':
      return `'${value.length > 20 ? `${value.slice(0, 20)}…` : value}' (string)`;
    case 'object':
      return `a plain ${value.constructor?.name ?? 'object'}`;
    default:
      return `${String(value)} (${typeof value})`;
  }
}
