/**
 * The worker pool's settings and lifecycle: the one pool instance, started lazily on the first op
 * worth splitting. Only dispatch drives it. Browser-safe: `#pool` resolves to the Web Worker pool
 * outside Node.
 */
import { InvalidArgumentError } from '../errors.js';
import { describe } from '../tensor.js';
import { POOL_MIN_FLOPS_PER_PART } from '../tuning.js';
// package.json#imports: node-pool.ts (worker_threads) in Node, web-pool.ts (Web Workers) elsewhere.
import { platformPool } from '#pool';
import type { PoolLike, PoolStats } from './types.js';

/** The pool's settings. */
export interface PoolConfig {
  /** Threads for CPU ops (1 turns the pool off). Default: os.availableParallelism(). */
  threads: number;
  /** An op is split only when each part gets at least this many (js) flops (tests set 0). */
  minFlopsPerPart: number;
}

const config: PoolConfig = { threads: 0, minFlopsPerPart: POOL_MIN_FLOPS_PER_PART };
let pool: PoolLike | undefined;
let started = false;
/** Whether configure() set minFlopsPerPart (else the platform's pool may bring its own default). */
let minFlopsChosen = false;
/** Why the pool could not start, said once. */
let startFailure: string | undefined;

/** Whether this thread may block waiting for the pool (Node: yes; a page's main thread: no). */
export const canBlock: boolean = platformPool.canBlock;

function resolveThreads(): number {
  if (config.threads === 0) config.threads = platformPool.defaultThreads();
  return config.threads;
}

/**
 * Changes the pool: `threads` (1 turns it off; the next split op starts it again with the new
 * count) and `minFlopsPerPart` (the split threshold). Both apply to the next op at once (awaiting
 * is not needed for that); the promise settles once the old pool's ops in flight have finished
 * and its workers have stopped.
 * @example
 * await configure({ threads: 2 });
 */
export async function configurePool(options: Partial<PoolConfig>): Promise<void> {
  checkPoolOptions(options);
  const { threads, minFlopsPerPart } = options;
  // Everything takes effect at once, for the next op, whether or not the caller awaits: the old
  // pool is detached here (synchronously) and only its closing is awaited.
  let closing: Promise<void> | undefined;
  if (threads !== undefined && threads !== config.threads) {
    closing = closePool();
    config.threads = threads;
  }
  if (minFlopsPerPart !== undefined) {
    config.minFlopsPerPart = minFlopsPerPart;
    minFlopsChosen = true;
  }
  await closing;
}

/** Throws INVALID_ARGUMENT for a bad `threads` or `minFlopsPerPart`. */
export function checkPoolOptions({ threads, minFlopsPerPart }: Partial<PoolConfig>): void {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
    throw new InvalidArgumentError('configure', `threads must be an integer in [1, 256]; received ${describe(threads)}`);
  }
  if (minFlopsPerPart !== undefined && (typeof minFlopsPerPart !== 'number' || !(minFlopsPerPart >= 0))) {
    throw new InvalidArgumentError('configure', `minFlopsPerPart must be a number ≥ 0; received ${describe(minFlopsPerPart)}`);
  }
}

/** The current settings (threads resolved to the machine's count). */
export function poolConfig(): Readonly<PoolConfig> {
  resolveThreads();
  return { ...config };
}

/** The running pool, if started (for tests that kill a worker mid-op). Not public API. */
export async function currentPool(): Promise<PoolLike | undefined> {
  return pool;
}

/** Stops the workers once the ops in flight have finished. Optional: workers never keep a process alive on their own. */
export async function closePool(): Promise<void> {
  const p = pool;
  pool = undefined;
  started = false;
  if (p) await p.close();
}

/** The pool to split work on, started on first use; undefined when it is off or cannot run. */
export function activePool(): PoolLike | undefined {
  if (pool) return pool.broken ? undefined : pool;
  if (started) return undefined;
  started = true;
  if (!minFlopsChosen && platformPool.minFlopsPerPart !== undefined) config.minFlopsPerPart = platformPool.minFlopsPerPart;
  if (resolveThreads() <= 1) return undefined;
  try {
    pool = platformPool.create(config.threads);
  } catch (e) {
    startFailure = (e as Error).message;
    console.warn(`lepton-compute: the worker pool could not start (${startFailure}); ops run on the calling thread. Fix the cause, or silence this with configure({ threads: 1 })`);
  }
  return pool;
}

/** Why the pool is not running work, if it is not (for backends()). */
export function poolProblem(): string | undefined {
  return pool?.broken ?? startFailure;
}

/** The split threshold in js flops per part. */
export function minFlopsPerPart(): number {
  return config.minFlopsPerPart;
}

/** The thread count (resolved). */
export function threadCount(): number {
  return resolveThreads();
}

/** What the pool is doing: `workers` started (0: ops run on the calling thread) and, where the pool counts them, the parts they ran. Not public API (the demo page and tests read it). */
export async function poolStats(): Promise<Partial<PoolStats> & { workers: number }> {
  return pool ? { workers: pool.size, ...pool.stats?.() } : { workers: 0 };
}
