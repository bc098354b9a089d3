/**
 * Tensor: a dtype, a shape, element strides and an offset into a storage array (the scijs/ndarray
 * data model). `reshape` and `transpose` are stride arithmetic over the same storage, never a copy;
 * `contiguous()` makes a row-major copy when a view is not one already.
 *
 * A tensor may be *pending*: an op split across the worker pool, or run on the GPU, returns its
 * output at once, and the next op or a read waits for the values. Every field is read-only; a
 * forged object is not a tensor (`Tensor.is` checks a private field).
 */
import { isDType, type DType, type DTypeArrays, type TypedArray } from './dtype.js';
import { DisposedTensorError, InvalidArgumentError, ShapeError } from './errors.js';
import { externalStore, release, retain, takeStore, type CpuStore } from './memory/cpu.js';
import { formatTensor, tensorJson, type TensorJson } from './format.js';
import { contiguousStrides, formatShape, sameShape, sizeOf, type Shape } from './shape.js';
import { checkRank, MAX_ELEMENTS, MAX_RANK } from './limits.js';

/** Where a tensor's values live. */
export type Device = 'cpu' | 'webgpu';

export { MAX_ELEMENTS } from './limits.js';

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

/**
 * Work that will produce a tensor's values (implemented by dispatch). `promise` resolves once the
 * work has settled, done or failed, and never rejects; `error` is then set if it failed.
 */
export interface Pending {
  readonly settled: boolean;
  readonly error: unknown;
  readonly promise: Promise<void>;
  /** Blocks until settled, where the platform allows it; throws a typed error where it does not. */
  waitSync(op: string): void;
}

/**
 * The one seam between the tensor core and the GPU backend: moving a tensor there. Installed by
 * dispatch (which knows the backends); the core imports none.
 */
export interface GpuBridge {
  upload<D extends DType>(t: Tensor<D>): Promise<Tensor<D>>;
  uploadNow<D extends DType>(op: string, t: Tensor<D>): Tensor<D>;
}

let gpuBridge: GpuBridge | undefined;
/** Installs the GPU seam (dispatch does, once). */
export function setGpuBridge(bridge: GpuBridge): void {
  gpuBridge = bridge;
}
/** The GPU seam, or a typed error when this build has none. */
export function requireGpuBridge(op: string): GpuBridge {
  if (!gpuBridge) throw new InvalidArgumentError(op, 'this build of lepton-compute carries no webgpu backend', "Import lepton-compute's main entry");
  return gpuBridge;
}

/** Safety net: a GPU tensor collected without dispose() still gives its reference back. */
const gpuFinalizer: FinalizationRegistry<GpuStorage> | undefined =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((s: GpuStorage) => s.release()) : undefined;

function isGpuStorage(s: unknown): s is GpuStorage {
  return (
    typeof s === 'object' && s !== null && !ArrayBuffer.isView(s) &&
    typeof (s as GpuStorage).retain === 'function' && typeof (s as GpuStorage).release === 'function' &&
    typeof (s as GpuStorage).read === 'function'
  );
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

const ARRAY_OF: Readonly<Record<DType, new (n: number) => TypedArray>> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
};

/** Set while the library builds a tensor it has already checked (see `wrap`). */
let trusted = false;

export class Tensor<D extends DType = DType> {
  #dtype: D;
  #shape: readonly number[];
  #strides: readonly number[];
  #offset: number;
  #size: number;
  #device: Device;
  #store: CpuStore | undefined;
  #gpu: GpuStorage | undefined;
  #pending: Pending | undefined;
  #disposed = false;
  /** Views taken while deferred, given their storage by _adopt. */
  #deferredViews: Array<{ child: Tensor<D>; shape: number[]; strides: number[]; offset: number }> | undefined;
  /** Run once by dispose() (prepack's tensor frees its packed forms). */
  #onDispose: (() => void) | undefined;
  /** This vector as a [1, n] or [n, 1] view, kept for matmul (see _vectorAsMatrix); disposed with it. */
  #matrix: Tensor<D> | undefined;

  /**
   * Low level: wraps `storage` without a copy (the caller keeps the array; the library never
   * hands a caller's non-shared array to another thread, it copies it first). Checks dtype,
   * shape, strides, offset and that every element the view addresses lies inside `storage`.
   * Most code wants `tensor()` or the creation functions.
   * @throws INVALID_ARGUMENT or DTYPE_MISMATCH naming what is wrong.
   */
  constructor(dtype: D, shape: Shape, storage: DTypeArrays[D] | GpuStorage, strides?: Shape, offset = 0) {
    if (trusted) {
      trusted = false;
      this.#dtype = dtype;
      this.#shape = shape;
      this.#strides = strides!;
      this.#offset = offset;
      this.#size = sizeOf(shape);
      this.#device = 'cpu';
      return;
    }
    const checked = checkConstruction(dtype, shape, storage, strides, offset);
    this.#dtype = dtype;
    this.#shape = checked.shape;
    this.#strides = checked.strides;
    this.#offset = offset;
    this.#size = checked.size;
    if (isGpuStorage(storage)) {
      this.#device = 'webgpu';
      this.#gpu = storage;
      storage.retain();
      gpuFinalizer?.register(this, storage, this);
    } else {
      this.#device = 'cpu';
      this.#store = externalStore(storage);
    }
  }

  /** True for a real Tensor (not an object made to look like one). */
  static is(value: unknown): value is Tensor {
    return typeof value === 'object' && value !== null && #dtype in value;
  }

  get dtype(): D {
    return this.#dtype;
  }
  get shape(): readonly number[] {
    return this.#shape;
  }
  /** Element strides, one per dimension. */
  get strides(): readonly number[] {
    return this.#strides;
  }
  /** Index of element [0, …, 0] in `storage`. */
  get offset(): number {
    return this.#offset;
  }
  get size(): number {
    return this.#size;
  }
  get device(): Device {
    return this.#device;
  }
  get rank(): number {
    return this.#shape.length;
  }
  get isDisposed(): boolean {
    return this.#disposed;
  }
  /** True while the op that computes this tensor has not finished (reads and later ops wait). */
  get isPending(): boolean {
    return this.#pending !== undefined && !this.#pending.settled;
  }

  /**
   * The storage array this tensor views (shared with its views). Kernels read it with `strides`
   * and `offset`; user code wants `data()` or `dataSync()`. Waits for a pending tensor (Node);
   * throws for a GPU tensor.
   */
  get storage(): DTypeArrays[D] {
    this.assertAlive('storage');
    this.#settle('storage');
    if (!this.#store) throw gpuOnly('storage', this);
    return this.#store.array as DTypeArrays[D];
  }

  /** The GPU storage this tensor views (undefined on the CPU). For the webgpu backend. */
  get gpuStorage(): GpuStorage | undefined {
    this.assertAlive('gpuStorage');
    return this.#gpu;
  }

  /** True when the elements are laid out row-major with no gaps (offset may be non-zero). */
  get isContiguous(): boolean {
    let expected = 1;
    const shape = this.#shape;
    const strides = this.#strides;
    for (let i = shape.length - 1; i >= 0; i--) {
      const d = shape[i]!;
      if (d !== 1 && strides[i] !== expected) return false;
      expected *= d;
    }
    return true;
  }

  /** Throws DisposedTensorError when the tensor was disposed. `op` names the caller. */
  assertAlive(op: string): void {
    if (this.#disposed) {
      throw new DisposedTensorError(
        op,
        `tensor ${formatShape(this.#shape)} ${this.#dtype} was used after dispose()`,
        'Keep the tensor alive until its last use, or create a new one',
      );
    }
  }

  /** Waits (synchronously) for pending work and rethrows its error. */
  #settle(op: string): void {
    const p = this.#pending;
    if (p === undefined) return;
    if (!p.settled) p.waitSync(op);
    if (p.error !== undefined) throw p.error;
  }

  /** A row-major copy of the values (a new TypedArray the caller owns). */
  async data(): Promise<DTypeArrays[D]> {
    this.assertAlive('data');
    const p = this.#pending;
    if (p) {
      if (!p.settled) await p.promise;
      if (p.error !== undefined) throw p.error;
    }
    if (this.#gpu) return this.#gpu.read(this);
    return this.dataSync();
  }

  /**
   * A row-major copy of the values, synchronously. CPU tensors only: a GPU tensor throws
   * INVALID_ARGUMENT (use `await t.data()`). A pending tensor is waited for where the platform
   * allows blocking (Node); a browser's main thread gets a typed error instead.
   */
  dataSync(): DTypeArrays[D] {
    this.assertAlive('dataSync');
    this.#settle('dataSync');
    if (this.#gpu || !this.#store) throw gpuOnly('dataSync', this);
    const out = new ARRAY_OF[this.#dtype](this.#size) as DTypeArrays[D];
    copyStrided(this, out);
    return out;
  }

  /** The values as nested arrays (a number for a rank-0 tensor). */
  async array(): Promise<NestedArray> {
    this.assertAlive('array');
    const flat = await this.data();
    return nest(this.#shape, flat);
  }

  /** The values as nested arrays, synchronously (CPU tensors; see dataSync). */
  arraySync(): NestedArray {
    return nest(this.#shape, this.dataSync());
  }

  /**
   * The same values in a new shape. One dimension may be -1 (inferred). A view when the tensor is
   * contiguous; otherwise the values are first copied into row-major order, as numpy does.
   */
  reshape(shape: readonly number[]): Tensor<D> {
    this.assertAlive('reshape');
    const target = resolveReshape(this.#shape, shape);
    if (this.isContiguous) return this.#view(target, contiguousStrides(target), this.#offset);
    const copy = this.contiguous();
    const out = copy.#view(target, contiguousStrides(target), 0);
    copy.dispose();
    return out;
  }

  /**
   * A view with the dimensions permuted: output dimension i is input dimension `perm[i]`.
   * With no `perm`, the dimensions are reversed (a matrix transpose for rank 2).
   */
  transpose(perm?: readonly number[]): Tensor<D> {
    this.assertAlive('transpose');
    const rank = this.#shape.length;
    const p = perm === undefined ? Array.from({ length: rank }, (_, i) => rank - 1 - i) : Array.isArray(perm) ? [...perm] : perm;
    if (!Array.isArray(p) || p.length !== rank || !isPermutation(p)) {
      throw new InvalidArgumentError(
        'transpose',
        `perm must be a permutation of 0..${rank - 1}; received ${describe(p)}`,
        `Pass one index per dimension of the rank-${rank} tensor, each once`,
      );
    }
    return this.#view(p.map((i) => this.#shape[i]!), p.map((i) => this.#strides[i]!), this.#offset);
  }

  /** A view on the same storage (and the same pending work). */
  #view(shape: number[], strides: number[], offset: number): Tensor<D> {
    if (!this.#store && !this.#gpu && this.#pending) {
      // Deferred (its storage comes when its work settles): the view is deferred on that too, and
      // gets its storage when this tensor does (in _adopt, even if this one is disposed by then).
      const child = Tensor._deferred(this.#dtype, shape, this.#device, new Chained(this.#pending, () => undefined));
      (this.#deferredViews ??= []).push({ child, shape, strides, offset });
      return child;
    }
    trusted = true;
    const t = new Tensor<D>(this.#dtype, Object.freeze(shape), undefined as never, Object.freeze(strides), offset);
    t.#device = this.#device;
    t.#pending = this.#pending;
    if (this.#store) {
      retain(this.#store);
      t.#store = this.#store;
    } else if (this.#gpu) {
      t.#gpu = this.#gpu;
      this.#gpu.retain();
      gpuFinalizer?.register(t, this.#gpu, t);
    }
    return t;
  }

  /** A row-major tensor with the same values: a copy for a strided view, a new handle otherwise. */
  contiguous(): Tensor<D> {
    this.assertAlive('contiguous');
    if (this.isContiguous) return this.#view([...this.#shape], contiguousStrides(this.#shape), this.#offset);
    if (this.#gpu) return this.#gpu.contiguous(this);
    this.#settle('contiguous');
    const store = takeStore(this.#dtype, this.#size, false, true);
    copyStrided(this, store.array);
    return wrap(this.#dtype, this.#shape, store);
  }

  /**
   * Marks the tensor as dead: any later use throws DisposedTensorError. Its storage goes back to
   * the library's pool (CPU) or the GPU buffer pool once this tensor, every view of it and every
   * op still reading it are done with it. Calling it twice is harmless.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#matrix) {
      const m = this.#matrix;
      this.#matrix = undefined;
      m.dispose();
    }
    if (this.#onDispose) {
      const run = this.#onDispose;
      this.#onDispose = undefined;
      run();
    }
    if (this.#store) release(this.#store);
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
   * const y = relu(g);                           // runs on the GPU
   * const back = await y.to('cpu');
   */
  async to(device: Device): Promise<Tensor<D>> {
    this.assertAlive('to');
    if (device === this.#device) return this;
    if (device === 'cpu') {
      const values = await this.data();
      return wrap(this.#dtype, this.#shape, externalStore(values));
    }
    if (device === 'webgpu') {
      if (this.#pending && !this.#pending.settled) await this.#pending.promise;
      return requireGpuBridge('to').upload(this);
    }
    throw new InvalidArgumentError('to', `device must be 'cpu' or 'webgpu'; received ${describe(device)}`);
  }

  /** `console.log(t)` in Node: the same text as toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * dtype, shape, device, then the values as numpy prints them (summarised with … past 1000
   * elements); a pending or GPU tensor says how to read its values instead.
   */
  toString(): string {
    const readable = !this.#disposed && this.#device === 'cpu' && !this.isPending && this.#pending?.error === undefined;
    const values = readable ? this.dataSync() : undefined;
    return formatTensor(this.#dtype, this.#shape, values, this.#device, { disposed: this.#disposed });
  }

  /** `JSON.stringify(t)` → `{ dtype, shape, data }` (CPU tensors; a GPU one: `await t.to('cpu')` first). */
  toJSON(): TensorJson {
    return tensorJson(this.#dtype, this.#shape, this.dataSync());
  }

  // ── Library internals (not re-exported by the package) ──

  /** @internal A trusted contiguous CPU tensor over `store` (which it takes over), maybe pending. */
  static _wrap<D extends DType>(dtype: D, shape: readonly number[], store: CpuStore, pending?: Pending): Tensor<D> {
    trusted = true;
    const frozen = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    const t = new Tensor<D>(dtype, frozen, undefined as never, stridesOf(frozen), 0);
    t.#store = store;
    t.#pending = pending;
    return t;
  }

  /**
   * @internal A pending tensor whose storage comes later: `adopt` moves a result's storage into
   * it (GPU kernels and composite work that produce their own tensor).
   */
  static _deferred<D extends DType>(dtype: D, shape: readonly number[], device: Device, pending: Pending): Tensor<D> {
    trusted = true;
    const frozen = Object.freeze([...shape]);
    const t = new Tensor<D>(dtype, frozen, undefined as never, Object.freeze(contiguousStrides(frozen)), 0);
    t.#device = device;
    t.#pending = pending;
    return t;
  }

  /** @internal Moves `result`'s storage into this deferred tensor (same dtype and size; its row-major values are taken as they are) and disposes `result`. */
  _adopt(result: Tensor<D>): void {
    if (result.#store) {
      const c = result.isContiguous && result.#offset === 0 ? result : result.contiguous();
      retain(c.#store!);
      this.#store = c.#store;
      if (c !== result) c.dispose();
    } else if (result.#gpu) {
      const c = result.isContiguous && result.#offset === 0 ? result : result.#gpu.contiguous(result);
      this.#gpu = c.#gpu!;
      this.#gpu.retain();
      gpuFinalizer?.register(this, this.#gpu, this);
      if (c !== result) c.dispose();
    }
    result.dispose();
    const views = this.#deferredViews;
    this.#deferredViews = undefined;
    if (views) {
      const disposed = this.#disposed;
      this.#disposed = false;
      for (const v of views) v.child._adopt(this.#view(v.shape, v.strides, v.offset));
      this.#disposed = disposed;
    }
    if (this.#disposed) {
      // Disposed while pending: give the storage straight back.
      this.#disposed = false;
      this.dispose();
    }
  }

  /**
   * @internal The identity of this CPU tensor's storage allocation (undefined on the GPU and while
   * a deferred tensor has none yet): shared by its views and aliases, never by another allocation
   * (a buffer the pool hands out again gets a new store). Reading it waits for nothing.
   */
  static _storeKey(t: Tensor): object | undefined {
    return t.#store;
  }

  /** @internal Runs `fn` once when `t` is disposed (not when a view or alias of it is). One per tensor. */
  static _whenDisposed(t: Tensor, fn: () => void): void {
    if (t.#onDispose) throw new Error('lepton-compute internal error: a tensor has a dispose hook already');
    t.#onDispose = fn;
  }

  /** @internal Another handle on the same view (its own reference), which a dispose() of this one does not affect. */
  _alias(): Tensor<D> {
    return this.#view([...this.#shape], [...this.#strides], this.#offset);
  }

  /**
   * @internal This rank-1 tensor as a matrix for matmul's kernels: one row ([1, n], `row`) or one
   * column ([n, 1]). A contiguous vector's view is made once and kept (a solver multiplies by the
   * same vectors call after call; a view costs a tensor, two frozen arrays and a reference): it is
   * this tensor's own, disposed with it, so the caller must not dispose it (`_ownsView` says
   * whether a returned view is such a one). A strided vector gets a fresh contiguous copy, which
   * the caller disposes.
   */
  _vectorAsMatrix(row: boolean): Tensor<D> {
    const n = this.#shape[0]!;
    const shape = row ? [1, n] : [n, 1];
    if (!this.isContiguous) return this.reshape(shape);
    this.assertAlive('reshape');
    const m = this.#matrix;
    if (m !== undefined && !m.#disposed && m.#shape[0] === shape[0] && m.#shape[1] === shape[1]) return m;
    m?.dispose();
    return (this.#matrix = this.#view(shape, row ? [n, 1] : [1, 1], this.#offset));
  }

  /** @internal Whether `view` is the matrix view this tensor keeps (see _vectorAsMatrix). */
  _ownsView(view: Tensor): boolean {
    return view === this.#matrix;
  }

  /**
   * @internal A view on the same storage (and the same pending work) with the given shape, element
   * strides and offset. The shape ops (src/ops/shape.ts) compute them from this tensor's own and
   * check that every element they address lies inside this view.
   */
  _view(shape: readonly number[], strides: readonly number[], offset: number): Tensor<D> {
    this.assertAlive('view');
    // Every element the view addresses must be one this tensor addresses (a bug otherwise).
    const inner = extent(shape, strides, offset);
    const outer = extent(this.#shape, this.#strides, this.#offset);
    if (inner && (!outer || inner[0] < outer[0] || inner[1] > outer[1])) {
      throw new Error(`lepton-compute internal error: a view ${formatShape(shape)} reaches outside the tensor ${formatShape(this.#shape)} it views`);
    }
    return this.#view([...shape], [...strides], offset);
  }

  /**
   * @internal A row-major view of `shape` whose element 0 is element `start` of this contiguous
   * tensor (one output of a packed multi-output op); it shares the storage and pending work.
   */
  _part(shape: readonly number[], start: number): Tensor<D> {
    return this.#view([...shape], contiguousStrides(shape), this.#offset + start);
  }

  /** @internal The CPU store (undefined on the GPU or while deferred). */
  get _store(): CpuStore | undefined {
    return this.#store;
  }

  /** @internal The pending work, if any (settled or not). */
  get _pending(): Pending | undefined {
    return this.#pending;
  }
}

/** Pending work that runs `then` once `parent` has settled without error. */
class Chained implements Pending {
  settled = false;
  error: unknown = undefined;
  readonly promise: Promise<void>;
  readonly #parent: Pending;
  readonly #then: () => void;

  constructor(parent: Pending, then: () => void) {
    this.#parent = parent;
    this.#then = then;
    this.promise = parent.promise.then(() => this.#run());
  }

  #run(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.#parent.error !== undefined) {
      this.error = this.#parent.error;
      return;
    }
    try {
      this.#then();
    } catch (e) {
      this.error = e;
    }
  }

  waitSync(op: string): void {
    if (this.settled) return;
    this.#parent.waitSync(op);
    this.#run();
  }
}

/** @internal A trusted contiguous CPU tensor over `store`. */
/**
 * Row-major strides of a frozen shape, frozen. A loop of ops gives the same few frozen shapes (a
 * plan's outShape, an operand's shape) again and again: the last four shapes' strides are kept.
 */
const STRIDE_SLOTS = 4;
const recentShapes: Array<readonly number[] | undefined> = new Array<readonly number[] | undefined>(STRIDE_SLOTS).fill(undefined);
const recentStrides: Array<readonly number[]> = new Array<readonly number[]>(STRIDE_SLOTS).fill([]);
let nextSlot = 0;
function stridesOf(shape: readonly number[]): readonly number[] {
  // The last few shapes (a solver alternates between two or three products' results), compared by
  // identity and else by value (an op's plan may make a new outShape array per call).
  for (let i = 0; i < STRIDE_SLOTS; i++) {
    const s = recentShapes[i];
    if (s !== undefined && (s === shape || sameShape(s, shape))) return recentStrides[i]!;
  }
  const strides = Object.freeze(contiguousStrides(shape));
  recentShapes[nextSlot] = shape;
  recentStrides[nextSlot] = strides;
  nextSlot = (nextSlot + 1) % STRIDE_SLOTS;
  return strides;
}

export function wrap<D extends DType>(dtype: D, shape: readonly number[], store: CpuStore, pending?: Pending): Tensor<D> {
  return Tensor._wrap(dtype, shape, store, pending);
}

function nest(shape: readonly number[], flat: TypedArray): NestedArray {
  if (shape.length === 0) return flat[0]!;
  const build = (dim: number, start: number): NestedArray[] => {
    const n = shape[dim]!;
    const step = sizeOf(shape.slice(dim + 1));
    const out = new Array<NestedArray>(n);
    for (let i = 0; i < n; i++) {
      out[i] = dim === shape.length - 1 ? flat[start + i]! : build(dim + 1, start + i * step);
    }
    return out;
  };
  return build(0, 0);
}

/** The first and last storage index a view addresses (undefined when it is empty). */
function extent(shape: readonly number[], strides: readonly number[], offset: number): [number, number] | undefined {
  let lo = offset;
  let hi = offset;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 0) return undefined;
    const span = (shape[i]! - 1) * strides[i]!;
    if (span < 0) lo += span;
    else hi += span;
  }
  return [lo, hi];
}

/** Validates the public constructor's arguments (reading each array once). */
function checkConstruction(
  dtype: unknown,
  shapeIn: unknown,
  storage: unknown,
  stridesIn: unknown,
  offset: unknown,
): { shape: readonly number[]; strides: readonly number[]; size: number } {
  const op = 'new Tensor';
  if (!isDType(dtype)) {
    throw new InvalidArgumentError(op, `dtype must be 'float32', 'float64' or 'int32'; received ${describe(dtype)}`);
  }
  const shape = readDims(op, 'shape', shapeIn, false);
  let size = 1;
  for (const d of shape) size *= d;
  if (size > MAX_ELEMENTS) {
    throw new InvalidArgumentError(op, `a tensor holds at most ${MAX_ELEMENTS} elements; shape ${formatShape(shape)} has ${size}`,
      'Split the data into several tensors');
  }
  const strides = stridesIn === undefined ? Object.freeze(contiguousStrides(shape)) : readDims(op, 'strides', stridesIn, true);
  if (strides.length !== shape.length) {
    throw new ShapeError(op, `strides must have one entry per dimension (${shape.length}); received ${formatShape(strides)}`);
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new InvalidArgumentError(op, `offset must be a non-negative integer; received ${describe(offset)}`);
  }
  if (isGpuStorage(storage)) return { shape, strides, size };
  if (!(storage instanceof ARRAY_OF[dtype])) {
    throw new InvalidArgumentError(op, `storage for ${dtype} must be a ${ARRAY_OF[dtype].name}; received ${describe(storage)}`,
      `Pass a ${ARRAY_OF[dtype].name}, or create the tensor with tensor(values, { dtype: '${dtype}' })`);
  }
  const buffer = (storage as TypedArray).buffer as ArrayBuffer & { resizable?: boolean };
  if (buffer.resizable === true) {
    throw new InvalidArgumentError(op, 'storage must be on a fixed-length buffer; received a view of a resizable ArrayBuffer',
      'Copy the values into a new typed array first (e.g. Float32Array.from(view))');
  }
  if (size > 0) {
    let lo = offset;
    let hi = offset;
    for (let i = 0; i < shape.length; i++) {
      const span = (shape[i]! - 1) * strides[i]!;
      if (span < 0) lo += span;
      else hi += span;
    }
    const length = (storage as TypedArray).length;
    if (lo < 0 || hi >= length) {
      throw new ShapeError(op, `the view (shape ${formatShape(shape)}, strides ${formatShape(strides)}, offset ${offset}) addresses elements ${lo}…${hi}, outside storage of length ${length}`,
        'Pass storage with at least as many elements as the shape needs');
    }
  }
  return { shape, strides, size };
}

/** An array of integers read once (a getter or Proxy is called once per entry), frozen. */
function readDims(op: string, name: string, value: unknown, signed: boolean): readonly number[] {
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError(op, `${name} must be an array of integers; received ${describe(value)}`);
  }
  const length = value.length;
  if (length > MAX_RANK) throw new InvalidArgumentError(op, `${name} has ${length} entries; at most ${MAX_RANK} dimensions are supported`);
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    const d: unknown = value[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || (!signed && d < 0)) {
      throw new InvalidArgumentError(op, `${name} entries must be ${signed ? '' : 'non-negative '}integers; received ${describe(value)}`);
    }
    out[i] = d;
  }
  return Object.freeze(out);
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

function resolveReshape(from: Shape, toIn: readonly number[]): number[] {
  let to: number[];
  try {
    if (!Array.isArray(toIn)) throw new TypeError('not an array');
    const length = toIn.length;
    checkRank('reshape', 'shape', length);
    // Each entry read once: a getter cannot show one value to the checks and another to the result.
    to = Array.from({ length }, (_, i) => toIn[i]!);
  } catch (e) {
    if (e instanceof ShapeError) throw e;
    throw new InvalidArgumentError('reshape', `shape must be an array of integers; received ${describe(toIn)}`);
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
  try {
    return describeValue(value);
  } catch {
    return 'an object that cannot be read (a revoked Proxy?)';
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Tensor.is(value)) return `a ${value.dtype} tensor ${formatShape(value.shape)}`;
  if (value instanceof Tensor) return 'an object made to look like a Tensor (not created by lepton-compute)';
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
