/**
 * The Backend interface: a plain object with a name, a memoised probe and typed kernel tables
 * (one optional entry per op in OpSpecs). Backends trust their inputs: the op layer has checked
 * them and frozen a plan. They know nothing of the pool or of dispatch: a CPU kernel computes the
 * whole output on the calling thread, a range kernel rows [begin, end) of it, and dispatch decides
 * which runs where.
 */
import type { TypedArray } from '../dtype.js';
import type { BackendName, OpName, OpSpecs, RangeOp } from '../plans.js';
import type { Tensor } from '../tensor.js';

export { BACKEND_NAMES, type BackendName } from '../plans.js';

/** Whether a backend can run here, and why not. */
export type Probe = { ok: true } | { ok: false; reason: string };

/**
 * Computes the whole output of a CPU op into `out` (dense, row-major, zeroed, of the plan's dtype
 * and shape). `threads` > 1 only for the ops a backend lists in `threaded`: it may then use that
 * many threads of its own for the one call.
 */
export type CpuKernel<K extends OpName> = (plan: OpSpecs[K]['plan'], inputs: OpSpecs[K]['inputs'], out: TypedArray, threads?: number) => void;

/** Computes output rows [begin, end) of a splittable op (matmul: rows of C; conv2d and pool2d: batch·outH rows; elementwise: elements). */
export type RangeKernel<K extends RangeOp> = (
  plan: OpSpecs[K]['plan'],
  inputs: OpSpecs[K]['inputs'],
  out: TypedArray,
  begin: number,
  end: number,
) => void;

export type CpuKernelTable = { readonly [K in OpName]?: CpuKernel<K> };
export type RangeKernelTable = { readonly [K in RangeOp]?: RangeKernel<K> };

export interface CpuBackend {
  readonly kind: 'cpu';
  readonly name: BackendName;
  /** Memoised; never throws. Synchronous: a CPU backend loads or fails at once. */
  probe(): Probe;
  readonly kernels: CpuKernelTable;
  readonly ranges: RangeKernelTable;
  /**
   * Flops this backend does in the time the js backend does one (the pool's split thresholds are
   * in js flops).
   */
  readonly speed: number;
  /**
   * ridge with a Gram product below this many flops runs as the backend's one fused kernel on one
   * thread, even with the pool on (measured per backend; absent: split whenever the Gram splits).
   */
  readonly fusedRidgeMaxFlops?: number;
  /** Backends that load asynchronously (wasm): starts loading and resolves with the probe's result. */
  load?(): Promise<Probe>;
  /** True while such a backend is still loading (automatic choice does not settle on another meanwhile). */
  loading?(): boolean;
  /** False when pool workers cannot run this backend's kernels: its ops run on the calling thread. */
  readonly onPool?: boolean;
  /**
   * What each pool worker needs once before it can run this backend's kernels (wasm: the compiled
   * module and the shared memory it instantiates against); structured-cloneable.
   */
  poolSetup?(): unknown;
  /**
   * Whether the kernels use `array` in place on a pool worker (wasm: it lies in the shared wasm
   * memory). Absent: every SharedArrayBuffer-backed array is. Dispatch copies other operands once
   * per op to storage that is, so that no part copies them again.
   */
  resident?(array: TypedArray): boolean;
  /**
   * Ops whose whole kernel splits itself across threads of its own, sharing work the pool's row
   * parts would each repeat (native GEMM: one packed panel of B for all threads). Dispatch gives
   * them the pool's thread count instead of splitting their rows.
   */
  readonly threaded?: ReadonlySet<OpName>;
}

/** A GPU kernel: encodes the op and returns its output tensor on the device. */
export type GpuKernel<K extends OpName> = (plan: OpSpecs[K]['plan'], inputs: OpSpecs[K]['inputs']) => Promise<Tensor>;
export type GpuKernelTable = { readonly [K in OpName]?: GpuKernel<K> };

export interface GpuBackend {
  readonly kind: 'gpu';
  readonly name: BackendName;
  /** Memoised; never throws. */
  probe(): Promise<Probe>;
  /** The probe's result once it has settled (undefined before). */
  probed(): Probe | undefined;
  readonly kernels: GpuKernelTable;
}

export type Backend = CpuBackend | GpuBackend;
