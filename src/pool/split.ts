/**
 * The entry every splittable kernel goes through: run a range kernel over all output rows, on the
 * calling thread when the op is small or the pool is off, else split across the worker pool.
 * Browser-safe: the Node pool is loaded only when first needed, in Node.
 */
import type { BackendName } from '../backends/backend.js';
import type { RangeKernel, RangeOp } from '../backends/js/ranges.js';
import { workOf } from '../backends/js/ranges.js';
import { allocate, type TypedArray } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { OpSpecs } from '../ops/spec.js';
import { describe, Tensor } from '../tensor.js';
import { POOL_CALLER_JOINS_MAX_FLOPS, POOL_MIN_FLOPS_PER_PART, POOL_NATIVE_WORK_FACTOR } from '../tuning.js';
import { planParts } from './partition.js';

/** What a kernel passes on from the op's options. */
export interface RunOptions {
  signal?: AbortSignal;
}

/** The pool's settings. */
export interface PoolConfig {
  /** Threads for CPU ops (1 turns the pool off). Default: os.availableParallelism(). */
  threads: number;
  /** An op is split only when each part gets at least this many flops (tests set 0). */
  minFlopsPerPart: number;
}

/** The pool as the split entry sees it (implemented in node-pool.ts). */
export interface PoolLike {
  readonly size: number;
  /** Why the pool cannot run work (its workers failed to load), if so. */
  readonly broken: string | undefined;
  run<K extends RangeOp>(
    backend: BackendName,
    op: K,
    plan: OpSpecs[K]['plan'],
    inputs: readonly Tensor[],
    out: TypedArray,
    parts: number,
    rows: number,
    signal?: AbortSignal,
    /** When given, the calling thread runs the first part itself with it (small ops). */
    callerPart?: (begin: number, end: number) => void,
  ): Promise<void>;
  close(): Promise<void>;
  /** Worker-side counters, where the pool keeps them (the browser pool does). */
  stats?(): { workers: number; jobs: number };
}

/** What `#pool` exports as `platformPool`: node-pool.ts in Node, web-pool.ts in browsers. */
interface PlatformPool {
  readonly kind: string;
  defaultThreads(): number;
  create(threads: number): PoolLike | undefined;
  /** The split threshold where dispatch costs more than the default assumes. */
  readonly minFlopsPerPart?: number;
}

const config: PoolConfig = { threads: defaultThreads(), minFlopsPerPart: POOL_MIN_FLOPS_PER_PART };
let pool: Promise<PoolLike | undefined> | undefined;
/** Whether configure() set minFlopsPerPart (else the platform's pool may bring its own default). */
let minFlopsChosen = false;

function defaultThreads(): number {
  // Resolved when the pool starts: os.availableParallelism() in Node; in a browser the
  // hardwareConcurrency when cross-origin isolated, else 1 (the calling thread).
  return 0;
}

/**
 * Changes the pool: `threads` (1 turns it off; the next split op starts it again with the new
 * count) and `minFlopsPerPart` (the split threshold).
 * @example
 * await configure({ threads: 2 });
 */
export async function configure(options: Partial<PoolConfig>): Promise<void> {
  const { threads, minFlopsPerPart } = options ?? {};
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
    throw new InvalidArgumentError('configure', `threads must be an integer in [1, 256]; received ${describe(threads)}`);
  }
  if (minFlopsPerPart !== undefined && (typeof minFlopsPerPart !== 'number' || !(minFlopsPerPart >= 0))) {
    throw new InvalidArgumentError('configure', `minFlopsPerPart must be a number ≥ 0; received ${describe(minFlopsPerPart)}`);
  }
  if (threads !== undefined && threads !== config.threads) {
    await closePool();
    config.threads = threads;
  }
  if (minFlopsPerPart !== undefined) {
    config.minFlopsPerPart = minFlopsPerPart;
    minFlopsChosen = true;
  }
}

/** The current settings (threads resolved to the machine's count once the pool has started). */
export function poolConfig(): Readonly<PoolConfig> {
  return { ...config };
}

/** The running pool, if started (for tests that kill a worker mid-op). Not public API. */
export async function currentPool(): Promise<PoolLike | undefined> {
  return pool && (await pool);
}

/** Stops the workers. Optional: workers never keep a process alive on their own. */
export async function closePool(): Promise<void> {
  const p = pool;
  pool = undefined;
  const started = p && (await p);
  if (started) await started.close();
}

async function startPool(): Promise<PoolLike | undefined> {
  // package.json#imports: node-pool.ts (worker_threads) in Node, web-pool.ts (Web Workers) elsewhere.
  const { platformPool } = (await import('#pool')) as { platformPool: PlatformPool };
  if (config.threads === 0) config.threads = platformPool.defaultThreads();
  if (!minFlopsChosen && platformPool.minFlopsPerPart !== undefined) config.minFlopsPerPart = platformPool.minFlopsPerPart;
  if (config.threads <= 1) return undefined;
  return platformPool.create(config.threads);
}

/** What the pool is doing: `workers` started (0: ops run on the calling thread) and, where the pool counts them, the parts they ran. Not public API (the demo page and tests read it). */
export async function poolStats(): Promise<{ workers: number; jobs?: number }> {
  const p = pool && (await pool);
  return p ? { workers: p.size, ...p.stats?.() } : { workers: 0 };
}

/**
 * Runs `local` over all output rows, or splits the rows across the pool when the op is worth it.
 * `inputs` should be contiguous where the range kernel copies otherwise (each thread would copy).
 */
export async function runRanges<K extends RangeOp>(
  backend: BackendName,
  op: K,
  plan: OpSpecs[K]['plan'],
  inputs: OpSpecs[K]['inputs'],
  out: TypedArray,
  local: RangeKernel<K>,
  options?: RunOptions,
): Promise<void> {
  if (await splitOnPool(backend, op, plan, inputs, out, options, local)) return;
  const { rows } = workOf(op, plan);
  if (rows > 0) local(plan, inputs, out, 0, rows);
}

/**
 * Splits the op's output rows across the pool when the pool is on and the op is worth it, and
 * resolves true once the parts are done; resolves false when the caller should run it whole.
 */
export async function splitOnPool<K extends RangeOp>(
  backend: BackendName,
  op: K,
  plan: OpSpecs[K]['plan'],
  inputs: OpSpecs[K]['inputs'],
  out: TypedArray,
  options?: RunOptions,
  local?: RangeKernel<K>,
): Promise<boolean> {
  options?.signal?.throwIfAborted();
  const { rows, flops } = workOf(op, plan);
  if (rows === 0 || config.threads === 1) return rows === 0;
  pool ??= startPool();
  const p = await pool;
  // Thresholds are in js flops; native does the same time's work in ~10× the flops.
  const factor = backend === 'native' ? POOL_NATIVE_WORK_FACTOR : 1;
  const minFlops = config.minFlopsPerPart * factor;
  const parts = p ? planParts(rows, flops, p.size, minFlops) : 1;
  if (!p || p.broken || parts <= 1 || !isShared(out)) return false;
  const shared = (inputs as readonly (Tensor | undefined)[]).map(toShared);
  try {
    // Small ops: the calling thread takes a part itself (see POOL_CALLER_JOINS_MAX_FLOPS).
    const callerPart =
      local && flops <= POOL_CALLER_JOINS_MAX_FLOPS * factor
        ? (begin: number, end: number) => local(plan, shared as unknown as OpSpecs[K]['inputs'], out, begin, end)
        : undefined;
    await p.run(backend, op, plan, shared as readonly Tensor[], out, parts, rows, options?.signal, callerPart);
    return true;
  } catch (e) {
    // A pool that cannot start its workers must not cost the op: run it here instead.
    if (!p.broken) throw e;
    return false;
  }
}

/** Tensors on a plain ArrayBuffer are copied once into shared memory for the workers. */
function toShared(t: Tensor | undefined): Tensor | undefined {
  if (!t || isShared(t.storage)) return t;
  const copy = allocate(t.dtype, t.size);
  copy.set(t.dataSync());
  return new Tensor(t.dtype, t.shape, copy);
}

function isShared(a: TypedArray): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}
