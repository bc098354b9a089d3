/**
 * The Node worker pool: `threads` worker_threads, started lazily, unref()ed while idle so that a
 * program that never closes the pool still exits. Ops run one at a time in arrival order (each
 * one split across all workers), so many ops in flight all complete and none starves.
 *
 * Dispatch of one split op: post each part on its worker's port, store READY and notify its
 * slot, then spin briefly and await Atomics.waitAsync on the remaining-parts counter: the event
 * loop stays free while the workers compute. A worker that dies rejects the op it was running
 * with WorkerCrashedError and is replaced; the next op runs on the new worker.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { BackendName } from '../backends/backend.js';
import type { RangeOp } from '../backends/js/ranges.js';
import type { TypedArray } from '../dtype.js';
import { LeptonError, WorkerCrashedError, type ErrorCode } from '../errors.js';
import type { OpSpecs } from '../ops/spec.js';
import type { Tensor } from '../tensor.js';
import { POOL_CALLER_SPIN_MICROS, POOL_SPIN_MICROS } from '../tuning.js';
import {
  boardLength,
  CRASHED,
  DONE,
  FAILED,
  FINISHED,
  LOADED,
  READY,
  REMAINING,
  slotIndex,
  type FailureMessage,
  type JobMessage,
  type TensorDesc,
} from './board.js';
import { partition } from './partition.js';
import type { PoolLike } from './split.js';

interface Member {
  worker: Worker;
  port: MessagePort;
  /** Jobs posted to this worker; its FINISHED count catches up once it is through all of them. */
  posted: number;
  /** Why it died, once it has. */
  death?: string;
}

export class NodePool implements PoolLike {
  static defaultThreads(): number {
    return os.availableParallelism();
  }

  readonly size: number;
  readonly #board: Int32Array;
  readonly #members: Member[] = [];
  #tail: Promise<void> = Promise.resolve();
  #closed = false;
  /** Set when a worker could not even load its script: the pool is then unusable. */
  broken: string | undefined;

  constructor(threads: number) {
    this.size = threads;
    this.#board = new Int32Array(new SharedArrayBuffer(boardLength(threads) * 4));
    for (let i = 0; i < threads; i++) this.#members.push(this.#spawn(i));
  }

  /** Workers, for tests that kill one mid-op. */
  get workers(): readonly Worker[] {
    return this.#members.map((m) => m.worker);
  }

  run<K extends RangeOp>(
    backend: BackendName,
    op: K,
    plan: OpSpecs[K]['plan'],
    inputs: readonly Tensor[],
    out: TypedArray,
    parts: number,
    rows: number,
    signal?: AbortSignal,
    callerPart?: (begin: number, end: number) => void,
  ): Promise<void> {
    if (this.#closed) return Promise.reject(new LeptonError('INVALID_ARGUMENT', op, 'the worker pool was closed'));
    const descs = inputs.map(describeTensor);
    let settle!: { resolve: () => void; reject: (e: unknown) => void };
    const result = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const onAbort = () => {
      // Queued work is dropped; running work finishes on its workers, and its result is ignored.
      settle.reject(abortError(signal!, op));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const task = async () => {
      if (signal?.aborted || this.#closed) {
        if (this.#closed) settle.reject(new LeptonError('INVALID_ARGUMENT', op, 'the worker pool was closed'));
        return;
      }
      try {
        await this.#execute(backend, op, plan, descs, out, partition(rows, Math.min(parts, this.size)), callerPart);
        settle.resolve();
      } catch (e) {
        settle.reject(e);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    };
    this.#tail = this.#tail.then(task, task);
    return result;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#members.map((m) => m.worker.terminate()));
  }

  async #execute(
    backend: BackendName,
    op: string,
    plan: unknown,
    inputs: Array<TensorDesc | undefined>,
    out: TypedArray,
    ranges: Array<[number, number]>,
    callerPart?: (begin: number, end: number) => void,
  ): Promise<void> {
    const board = this.#board;
    // A small op: the calling thread runs the first part itself while the workers run the rest,
    // so nobody waits for a wake-up; a large one goes wholly to the workers (event loop free).
    const own = callerPart ? ranges[0] : undefined;
    const parts = own ? ranges.slice(1) : ranges;
    Atomics.store(board, CRASHED, 0);
    Atomics.store(board, REMAINING, parts.length);
    const used = this.#members.slice(0, parts.length);
    for (const m of used) m.worker.ref();
    try {
      parts.forEach(([begin, end], i) => {
        const job: JobMessage = { backend, op, plan, inputs, out, begin, end };
        used[i]!.port.postMessage(job);
        used[i]!.posted++;
        Atomics.store(board, slotIndex(i), READY);
        Atomics.notify(board, slotIndex(i));
      });
      let ownError: unknown;
      if (own) {
        try {
          callerPart!(own[0], own[1]);
        } catch (e) {
          ownError = e ?? new Error('unknown error');
        }
      }
      await this.#waitAll(own ? POOL_CALLER_SPIN_MICROS : 0);
      if (ownError !== undefined && !Atomics.load(board, CRASHED)) throw ownError;
      if (this.broken) {
        throw new WorkerCrashedError(op, `the worker pool could not start: ${this.broken}`, 'The op can run with configure({ threads: 1 })');
      }
      if (Atomics.load(board, CRASHED)) {
        const dead = used.find((m) => m.death);
        await this.#quiesce(used);
        throw new WorkerCrashedError(
          op,
          `a pool worker died while it ran this op (${dead?.death ?? 'unknown cause'})`,
          'The worker was replaced; retry the op',
        );
      }
      for (let i = 0; i < used.length; i++) {
        if (Atomics.load(board, slotIndex(i)) === FAILED) {
          const failure = receiveMessageOnPort(used[i]!.port)?.message as FailureMessage | undefined;
          throw rebuild(op, failure);
        }
      }
    } finally {
      for (const m of used) m.worker.unref();
    }
  }

  /**
   * Resolves when REMAINING reaches 0 or a worker died. It spins for `spinMicros` first: worth it
   * only when the caller has just run a part itself (the workers are awake and about to finish);
   * otherwise spinning would take a core from the workers.
   */
  async #waitAll(spinMicros: number): Promise<void> {
    const board = this.#board;
    const deadline = performance.now() + spinMicros / 1000;
    while (performance.now() < deadline) {
      if (Atomics.load(board, REMAINING) === 0 || Atomics.load(board, CRASHED)) return;
    }
    for (;;) {
      const remaining = Atomics.load(board, REMAINING);
      if (remaining === 0 || Atomics.load(board, CRASHED)) return;
      const wait = Atomics.waitAsync(board, REMAINING, remaining);
      if (wait.async) await wait.value;
    }
  }

  /**
   * After a crash: waits until every surviving worker is entirely through every job it was given
   * (its FINISHED count equals its posted count), so nothing of the failed op touches the next one.
   */
  async #quiesce(used: Member[]): Promise<void> {
    const board = this.#board;
    for (let i = 0; i < used.length; i++) {
      if (used[i]!.death) continue;
      const at = slotIndex(i) + FINISHED;
      for (;;) {
        const count = Atomics.load(board, at);
        if (count >= used[i]!.posted) break;
        const wait = Atomics.waitAsync(board, at, count, 1000);
        if (wait.async) await wait.value;
      }
      receiveMessageOnPort(used[i]!.port); // drop a failure report, if any
    }
    // Replace the dead.
    for (let i = 0; i < this.#members.length; i++) {
      if (this.#members[i]!.death) this.#members[i] = this.#spawn(i);
    }
  }

  #spawn(i: number): Member {
    const board = this.#board;
    Atomics.store(board, slotIndex(i), DONE);
    Atomics.store(board, slotIndex(i) + LOADED, 0);
    Atomics.store(board, slotIndex(i) + FINISHED, 0);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(workerScript(), {
      eval: true,
      workerData: { board, slot: slotIndex(i), port: port2, spinMicros: POOL_SPIN_MICROS },
      transferList: [port2],
      name: `lepton-pool-${i}`,
    });
    worker.unref();
    port1.unref();
    const member: Member = { worker, port: port1, posted: 0 };
    let error: unknown;
    worker.on('error', (e) => (error = e));
    worker.on('exit', (code) => {
      if (this.#closed) return;
      member.death = error ? `${(error as Error).message}` : `exit code ${code}`;
      if (!Atomics.load(board, slotIndex(i) + LOADED)) this.broken ??= member.death;
      Atomics.store(board, CRASHED, 1);
      Atomics.notify(board, REMAINING);
      if (this.broken) return;
      // A worker that died while idle is replaced at once; one that died mid-op after the op.
      if (Atomics.load(board, REMAINING) === 0) {
        const index = this.#members.indexOf(member);
        if (index >= 0) this.#members[index] = this.#spawn(index);
        Atomics.store(board, CRASHED, 0);
      }
    });
    return member;
  }
}

function describeTensor(t: Tensor | undefined): TensorDesc | undefined {
  if (!t) return undefined;
  return { dtype: t.dtype, shape: [...t.shape], strides: [...t.strides], offset: t.offset, storage: t.storage };
}

function rebuild(op: string, failure: FailureMessage | undefined): Error {
  if (failure?.code) return new LeptonError(failure.code as ErrorCode, undefined, failure.message);
  return new LeptonError('NATIVE_FAILURE', op, `a pool worker failed: ${failure?.message ?? 'unknown error'}`);
}

function abortError(signal: AbortSignal, op: string): unknown {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException(`${op}: the operation was aborted`, 'AbortError');
}

/**
 * The worker's bootstrap (evaluated as CommonJS): the built script beside this bundle, or, when
 * running from source (tests, tsx), the TypeScript file through tsx's require hook, the loader
 * that works inside worker_threads on Node 20.
 */
function workerScript(): string {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const hook = createRequire(here).resolve('tsx/cjs');
    const source = fileURLToPath(new URL('./worker.ts', here));
    return `require(${JSON.stringify(hook)}); require(${JSON.stringify(source)});`;
  }
  if (here.endsWith('.cjs')) return `require(${JSON.stringify(fileURLToPath(new URL('./pool-worker.cjs', here)))});`;
  return `import(${JSON.stringify(new URL('./pool-worker.js', here).href)});`;
}

/** The pool `#pool` provides in Node (package.json `imports`, the `node` condition). */
export const platformPool = {
  kind: 'worker_threads' as const,
  defaultThreads: (): number => NodePool.defaultThreads(),
  create: (threads: number): PoolLike | undefined => (threads > 1 ? new NodePool(threads) : undefined),
};
