/**
 * The browser worker pool (what `#pool` resolves to outside Node): `threads` Web Workers over
 * SharedArrayBuffer, only when the page is cross-origin isolated (COOP/COEP headers); otherwise
 * `platformPool.defaultThreads()` is 1 and every op runs on the calling thread.
 *
 * The protocol is the Node pool's job board (board.ts) with one difference: a Web Worker has no
 * receiveMessageOnPort, so a worker takes its job in its message event instead of spinning on
 * its slot. Per part: post the job, store READY; the worker stores RUNNING, runs the js range
 * kernel on shared memory, stores DONE (or FAILED, after posting the failure), bumps its jobs
 * counter and counts REMAINING down; the caller awaits REMAINING = 0 with Atomics.waitAsync.
 * The worker script is `lepton-worker.js`, beside the bundle (`new URL(…, import.meta.url)`,
 * which bundlers also understand).
 */
import type { TypedArray } from '../dtype.js';
import { errorFromCode, InvalidArgumentError, LeptonError, WorkerCrashedError } from '../errors.js';
import type { BackendName } from '../plans.js';
import { boardLength, CRASHED, DONE, LOADED, READY, REMAINING, slotIndex, FAILED, WASM_FALLBACKS, WASM_PARTS, type FailureMessage, type JobMessage, type TensorDesc } from './board.js';
import type { PlatformPool, PoolJob, PoolLike, PoolStats } from './types.js';

/** Offset within a slot of the count of parts this worker has run (written by the worker). */
export const JOBS = 3;

interface Member {
  worker: Worker;
  failures: FailureMessage[];
  death?: string;
  /** The last backend setup (PoolJob.setup) sent to it. */
  setup?: unknown;
  /** Set while close() waits for the worker to end itself. */
  exited?: () => void;
}

/** The URL of the worker script (overridable before the pool starts, e.g. for a CDN copy). */
let workerUrl: string | URL | undefined;
/**
 * Where the pool loads its worker script from, instead of `lepton-worker.js` beside the bundle
 * (docs/bundlers.md says when a bundler needs it). Call it before the first op that splits.
 * @example
 * setWorkerUrl('/assets/lepton-worker.js');
 */
export function setWorkerUrl(url: string | URL): void {
  workerUrl = url;
}

/** What to do when the worker script does not load, per bundler (docs/bundlers.md has the detail). */
const WORKER_FIX =
  "Vite dev server: add optimizeDeps: { exclude: ['lepton-compute'] } to vite.config; esbuild and other bundlers that do not copy " +
  "new URL() assets: copy node_modules/lepton-compute/dist/browser/lepton-worker.js beside your bundle; or call setWorkerUrl(url). " +
  'See docs/bundlers.md in lepton-compute';
let warned = false;
/** console.warn, once per page: the pool turning itself off is worth one line, not one per op. */
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(`lepton-compute: ${message}`);
}

function isolated(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; Worker?: unknown };
  return g.crossOriginIsolated === true && typeof g.SharedArrayBuffer === 'function' && typeof g.Worker === 'function';
}

export class WebPool implements PoolLike {
  readonly size: number;
  readonly #board: Int32Array;
  readonly #members: Member[] = [];
  #tail: Promise<void> = Promise.resolve();
  #closed = false;
  /** Where Atomics.waitAsync is missing (Firefox): resolved by the last worker's 'done' message. */
  #wake: (() => void) | undefined;
  broken: string | undefined;

  constructor(threads: number) {
    this.size = threads;
    this.#board = new Int32Array(new SharedArrayBuffer(boardLength(threads) * 4));
    const url = workerUrl ?? new URL('./lepton-worker.js', import.meta.url);
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(url, { type: 'module', name: `lepton-pool-${i}` });
      const member: Member = { worker, failures: [] };
      Atomics.store(this.#board, slotIndex(i), DONE);
      worker.addEventListener('message', (e: MessageEvent) => {
        const kind = (e.data as { kind?: string }).kind;
        if (kind === 'done') this.#wake?.();
        else if (kind === 'exited') member.exited?.();
        else member.failures.push(e.data as FailureMessage);
      });
      worker.addEventListener('error', (e: ErrorEvent) => {
        e.preventDefault();
        member.death = e.message || 'the worker script failed to load';
        if (!Atomics.load(this.#board, slotIndex(i) + LOADED)) {
          this.broken ??= member.death;
          warnOnce(`the worker pool is off, ops run on the calling thread: its script ${String(url)} did not load (${member.death}). ${WORKER_FIX}`);
        }
        Atomics.store(this.#board, CRASHED, 1);
        Atomics.notify(this.#board, REMAINING);
        this.#wake?.();
      });
      worker.postMessage({ board: this.#board, slot: slotIndex(i) });
      this.#members.push(member);
    }
  }

  /** Workers that have loaded, and the parts they have run (read off the board). */
  stats(): PoolStats {
    let loaded = 0;
    let jobs = 0;
    let wasmParts = 0;
    let wasmFallbacks = 0;
    for (let i = 0; i < this.size; i++) {
      loaded += Atomics.load(this.#board, slotIndex(i) + LOADED);
      jobs += Atomics.load(this.#board, slotIndex(i) + JOBS);
      wasmParts += Atomics.load(this.#board, slotIndex(i) + WASM_PARTS);
      wasmFallbacks += Atomics.load(this.#board, slotIndex(i) + WASM_FALLBACKS);
    }
    return { workers: this.size, loaded, jobs, wasmParts, wasmFallbacks };
  }

  run(job: PoolJob): Promise<void> {
    if (this.#closed) return Promise.reject(new LeptonError('INVALID_ARGUMENT', job.op, 'the worker pool was closed'));
    const task = async () => {
      if (job.state === 'cancelled') return;
      job.signal?.throwIfAborted();
      job.state = 'posted';
      try {
        await this.#execute(job.backend, job.op, job.whole, job.plan, job.inputs as TensorDesc[], job.out, job.ranges, job.setup);
      } finally {
        job.state = 'settled';
      }
    };
    const result = this.#tail.then(task, task);
    this.#tail = result.then(() => undefined, () => undefined);
    return result;
  }

  /** A browser's main thread cannot block: a queued job is cancelled (the caller runs it); a running one cannot be waited for. */
  waitSync(job: PoolJob): boolean {
    if (job.state === 'queued' || job.state === 'cancelled') {
      job.state = 'cancelled';
      return false;
    }
    throw new InvalidArgumentError(job.op, 'the values are still being computed on the worker pool, and a browser\'s main thread cannot wait for them',
      'Use await t.data() or await t.array()');
  }

  /** Lets every queued and running op finish, then ends the workers; ops submitted after this reject. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    // Each worker releases what it holds in shared memory (a wasm stack) and ends itself; one
    // that has not answered within a second is terminated.
    await Promise.all(this.#members.map(async (m) => {
      if (m.death === undefined) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000);
          m.exited = () => {
            clearTimeout(timer);
            resolve();
          };
          m.worker.postMessage({ kind: 'exit' });
        });
      }
      m.worker.terminate();
    }));
  }

  async #execute(
    backend: BackendName,
    op: string,
    whole: boolean,
    plan: unknown,
    inputs: Array<TensorDesc | undefined>,
    out: TypedArray,
    ranges: ReadonlyArray<readonly [number, number]>,
    setup: unknown,
  ): Promise<void> {
    const board = this.#board;
    Atomics.store(board, REMAINING, ranges.length);
    ranges.forEach(([begin, end], i) => {
      const job: JobMessage = { backend, op, whole, plan, inputs, out, begin, end };
      const member = this.#members[i]!;
      if (setup !== undefined && member.setup !== setup) {
        job.setup = setup;
        member.setup = setup;
      }
      Atomics.store(board, slotIndex(i), READY);
      member.worker.postMessage(job);
    });
    const waitAsync = (Atomics as { waitAsync?: typeof Atomics.waitAsync }).waitAsync;
    for (;;) {
      const remaining = Atomics.load(board, REMAINING);
      if (remaining === 0 || Atomics.load(board, CRASHED)) break;
      if (waitAsync) {
        const wait = waitAsync(board, REMAINING, remaining);
        if (wait.async) await wait.value;
      } else {
        // The 'done' message may have come already: wake at the latest every 50 ms to re-check.
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(resolve, 50);
        });
        this.#wake = undefined;
      }
    }
    if (Atomics.load(board, CRASHED)) {
      const dead = this.#members.find((m) => m.death);
      this.broken ??= dead?.death ?? 'a worker died';
      throw new WorkerCrashedError(op, `a pool worker died (${this.broken})`, 'The op can run with configure({ threads: 1 })');
    }
    for (let i = 0; i < ranges.length; i++) {
      if (Atomics.load(board, slotIndex(i)) !== FAILED) continue;
      const member = this.#members[i]!;
      // The failure is posted before FAILED is stored; its message event may still be queued.
      for (let tries = 0; member.failures.length === 0 && tries < 100; tries++) await new Promise((r) => setTimeout(r, 1));
      throw rebuild(op, member.failures.shift());
    }
  }
}

function rebuild(op: string, failure: FailureMessage | undefined): Error {
  if (failure?.code) return errorFromCode(failure.code, failure.message);
  return new LeptonError('NATIVE_FAILURE', op, `a pool worker failed: ${failure?.message ?? 'unknown error'}`);
}

/** The pool `#pool` provides in browsers. */
export const platformPool: PlatformPool = {
  kind: 'web-workers' as const,
  /** A page's main thread may not block in Atomics.wait. */
  canBlock: false,
  /**
   * The split threshold here: a split op costs ~0.2 ms more than a local one in Chromium (the
   * job's message event plus the waitAsync wake-up; measured on 2 cores), which 10⁶ flops per
   * part (~0.2–0.4 ms of js GEMM) repays. configure({ minFlopsPerPart }) overrides it.
   */
  minFlopsPerPart: 1_000_000,
  /** hardwareConcurrency (at most 8) when cross-origin isolated, else 1 (the calling thread). */
  defaultThreads(): number {
    if (!isolated()) return 1;
    const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
    return Math.max(1, Math.min(8, n));
  },
  create(threads: number): PoolLike | undefined {
    if (threads > 1 && !isolated()) {
      // Only reached when threads were asked for (unisolated pages default to 1 thread).
      warnOnce(`configure({ threads: ${threads} }) asks for Web Workers, but this page is not cross-origin isolated (no SharedArrayBuffer), so ops run on the calling thread. Serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (docs/bundlers.md shows them for each dev server)`);
      return undefined;
    }
    return threads > 1 ? new WebPool(threads) : undefined;
  },
};
