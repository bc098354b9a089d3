/**
 * What dispatch hands the pool, and the pool as dispatch sees it. The pool runs kernels of the
 * backends' tables on its threads; it knows nothing of plans beyond passing them along.
 */
import type { TypedArray } from '../dtype.js';
import type { BackendName, OpName } from '../plans.js';
import type { TensorDesc } from './board.js';

/** One op for the pool: its parts are ranges of output rows, or one part running the whole kernel. */
export interface PoolJob {
  readonly backend: BackendName;
  readonly op: OpName;
  readonly plan: unknown;
  /** Views over shared memory. */
  readonly inputs: ReadonlyArray<TensorDesc | undefined>;
  /** Shared memory. */
  readonly out: TypedArray;
  /** Output rows of each part; `[[0, 1]]` with `whole`. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  /** Run the backend's whole-op kernel (ops that do not split) instead of its range kernel. */
  readonly whole: boolean;
  /** Threads of its own the whole kernel may use (a backend's `threaded` ops). */
  readonly threads?: number;
  readonly signal?: AbortSignal;
  /** The backend's per-worker setup (CpuBackend.poolSetup), sent once to each worker. */
  readonly setup?: unknown;
  /** Set by the pool: queued → posted → settled, or cancelled before it was posted. */
  state: 'queued' | 'posted' | 'settled' | 'cancelled';
  /** Set by the pool when the job failed. */
  error?: unknown;
}

export interface PoolLike {
  readonly size: number;
  /** Why the pool cannot run work (its workers failed to load), if so. */
  readonly broken: string | undefined;
  /** Queues the job (ops run one at a time, in order); resolves when it settled, rejects with its error. */
  run(job: PoolJob): Promise<void>;
  /**
   * For a queued or running job: blocks the calling thread until it settled (throwing its error),
   * and returns true; or, when it was not posted yet, cancels it and returns false (the caller then
   * runs the op itself). Only where the platform lets this thread block.
   */
  waitSync(job: PoolJob): boolean;
  /**
   * A small op, at once and synchronously when the pool is idle: the workers run all parts but
   * the first, the calling thread the first. Returns false (nothing run) when the pool is busy.
   * Absent where the calling thread may not block (a browser's main thread): small ops then go
   * to the workers like large ones.
   */
  runJoined?(job: PoolJob, callerPart: (begin: number, end: number) => void): boolean;
  close(): Promise<void>;
  /** Worker-side counters, where the pool keeps them. */
  stats?(): PoolStats;
}

/** Worker-side counters: parts run, and wasm parts run on wasm kernels or, where wasm would not load, on js ones. */
export interface PoolStats {
  workers: number;
  jobs: number;
  loaded?: number;
  wasmParts?: number;
  wasmFallbacks?: number;
  /** Parts that reached their worker as numbers in its job area rather than as a port message (Node). */
  areaJobs?: number;
}

/** What `#pool` exports as `platformPool`: node-pool.ts in Node, web-pool.ts in browsers. */
export interface PlatformPool {
  readonly kind: string;
  defaultThreads(): number;
  create(threads: number): PoolLike | undefined;
  /** Whether this thread may block in Atomics.wait (Node: yes; a browser's main thread: no). */
  readonly canBlock: boolean;
  /** The split threshold where dispatch costs more than the default assumes. */
  readonly minFlopsPerPart?: number;
}
