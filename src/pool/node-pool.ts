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
import { errorFromCode, LeptonError, WorkerCrashedError } from '../errors.js';
import { POOL_CALLER_SPIN_MICROS, POOL_SPIN_MICROS } from '../tuning.js';
import {
  AREA_JOBS,
  boardLength,
  CRASHED,
  DONE,
  EXIT,
  FAILED,
  FINISHED,
  LOADED,
  READY,
  REMAINING,
  slotIndex,
  WASM_FALLBACKS,
  WASM_PARTS,
  type FailureMessage,
  type JobMessage,
  type TensorDesc,
} from './board.js';
import { AREA_STRIDE, AreaWriter } from './job-area.js';
import type { PlatformPool, PoolJob, PoolLike, PoolStats } from './types.js';

interface Member {
  worker: Worker;
  port: MessagePort;
  /** Jobs posted to this worker; its FINISHED count catches up once it is through all of them. */
  posted: number;
  /** Why it died, once it has. */
  death?: string;
  /** Terminated on purpose (a restart): its exit is not a crash. */
  replaced?: boolean;
  /** The last backend setup (PoolJob.setup) sent to it. */
  setup?: unknown;
  /**
   * This thread has handled the worker's 'online' event: only from then on does the worker's
   * event-loop utilization tell a stopped thread (negative idle time) from a running one.
   */
  online?: boolean;
  /** terminate() was called on it (by anyone): it is dead for the pool from that moment. */
  terminating?: boolean;
}

/** After this many workers in a row die before loading, the pool is broken (it says so once). */
const MAX_EARLY_DEATHS = 4;

/** How often a synchronous wait on the workers checks that they are still alive (ms). */
const SYNC_LIVENESS_SLICE_MS = 20;

/**
 * How long a synchronous wait gives a worker that has not loaded its script yet before it counts
 * it as dead (ms). A worker that dies while it loads leaves no trace the blocked thread can read
 * (its event-loop state is all zeros until its loop has started and been seen), so without a
 * bound a dataSync() on its part would wait for ever; loading takes well under a second from the
 * built package and a few seconds from source.
 */
const LOAD_WAIT_MS = 30_000;

/** How long a small joined op waits for its workers' parts before it runs them itself (ms). */
const JOINED_WAIT_MS = 1000;

/** How long close() waits for a worker to end itself before it terminates it (ms). */
const CLOSE_WAIT_MS = 1000;

function closedError(op: string): LeptonError {
  return new LeptonError('INVALID_ARGUMENT', op, 'the worker pool was closed', 'The op runs again once the pool restarts; configure({ threads }) starts it');
}

export class NodePool implements PoolLike {
  static defaultThreads(): number {
    return os.availableParallelism();
  }

  readonly size: number;
  readonly #board: Int32Array;
  /** The workers' job areas (job-area.ts): jobs whose plan and storage a worker holds go there. */
  readonly #area: Float64Array;
  readonly #areaWriter: AreaWriter;
  readonly #members: Member[] = [];
  #tail: Promise<void> = Promise.resolve();
  #closed = false;
  /** Jobs waiting in the tail, and the one whose parts are posted. */
  #queued = 0;
  #running: PoolJob | undefined;
  /** The members the posted job's parts went to. */
  #used: Member[] = [];
  /** Workers that died before loading, in a row. */
  #earlyDeaths = 0;
  /** Set when a worker could not even load its script: the pool is then unusable. */
  broken: string | undefined;
  /** LOAD_WAIT_MS, for this pool (tests shorten it). */
  loadWaitMs = LOAD_WAIT_MS;

  constructor(threads: number) {
    this.size = threads;
    this.#board = new Int32Array(new SharedArrayBuffer(boardLength(threads) * 4));
    this.#area = new Float64Array(new SharedArrayBuffer(threads * AREA_STRIDE * 8));
    this.#areaWriter = new AreaWriter(this.#area);
    for (let i = 0; i < threads; i++) this.#members.push(this.#spawn(i));
  }

  /** Parts the current workers finished, and their wasm parts (on wasm kernels, or on js where wasm did not load). */
  stats(): PoolStats {
    let jobs = 0, loaded = 0, wasmParts = 0, wasmFallbacks = 0, areaJobs = 0;
    for (let i = 0; i < this.size; i++) {
      const at = slotIndex(i);
      jobs += Atomics.load(this.#board, at + FINISHED);
      loaded += Atomics.load(this.#board, at + LOADED);
      wasmParts += Atomics.load(this.#board, at + WASM_PARTS);
      wasmFallbacks += Atomics.load(this.#board, at + WASM_FALLBACKS);
      areaJobs += Atomics.load(this.#board, at + AREA_JOBS);
    }
    return { workers: this.size, jobs, loaded, wasmParts, wasmFallbacks, areaJobs };
  }

  /** Workers, for tests that kill one mid-op. */
  get workers(): readonly Worker[] {
    return this.#members.map((m) => m.worker);
  }

  run(job: PoolJob): Promise<void> {
    if (this.#closed) return Promise.reject(closedError(job.op));
    const signal = job.signal;
    let settle!: { resolve: () => void; reject: (e: unknown) => void };
    const result = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const onAbort = () => {
      // Queued work is dropped; running work finishes on its workers, and its result is ignored.
      if (job.state === 'queued') job.state = 'cancelled';
      settle.reject(abortError(signal!, job.op));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#queued++;
    const task = async () => {
      this.#queued--;
      try {
        if (job.state === 'cancelled') return settle.resolve();
        if (signal?.aborted) return settle.reject(abortError(signal, job.op));
        this.#running = job;
        await this.#execute(job);
        if (job.error !== undefined) settle.reject(job.error);
        else settle.resolve();
      } catch (e) {
        settle.reject(e);
      } finally {
        this.#running = undefined;
        signal?.removeEventListener('abort', onAbort);
      }
    };
    this.#tail = this.#tail.then(task, task);
    return result;
  }

  waitSync(job: PoolJob): boolean {
    if (job.state === 'queued' || job.state === 'cancelled') {
      job.state = 'cancelled';
      return false;
    }
    if (job.state === 'posted') {
      this.#waitAllSync();
      this.#collect(job);
    }
    if (job.error !== undefined) throw job.error;
    return true;
  }

  runJoined(job: PoolJob, callerPart: (begin: number, end: number) => void): boolean {
    if (this.#closed || this.broken || this.#running || this.#queued > 0) return false;
    // Workers still loading their script would keep this thread waiting: run it whole instead.
    for (let i = 0; i < job.ranges.length - 1; i++) {
      if (!Atomics.load(this.#board, slotIndex(i) + LOADED)) return false;
    }
    const own = job.ranges[0]!;
    this.#post(job, job.ranges.slice(1));
    let ownError: unknown;
    try {
      callerPart(own[0], own[1]);
    } catch (e) {
      ownError = e ?? new Error('unknown error');
    }
    if (!this.#waitAllSync(JOINED_WAIT_MS) || Atomics.load(this.#board, CRASHED)) {
      // A worker died (seen through its thread state: its exit event cannot be delivered while this
      // thread blocks) or did not finish a small part in time. Run the missing parts here and start
      // fresh workers.
      for (let i = 1; i < job.ranges.length; i++) {
        if (Atomics.load(this.#board, slotIndex(i - 1)) !== DONE) callerPart(job.ranges[i]![0], job.ranges[i]![1]);
      }
      job.state = 'settled';
      this.#restart();
      if (ownError !== undefined) throw ownError;
      return true;
    }
    this.#collect(job);
    if (ownError !== undefined) throw ownError;
    if (job.error !== undefined) throw job.error;
    return true;
  }

  /** Lets every queued and running op finish, then ends the workers; ops submitted after this reject. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    // Idle workers end themselves (releasing what they hold in shared memory, such as a wasm
    // stack); one that has not within a second is terminated.
    await Promise.all(this.#members.map(async (m, i) => {
      if (m.death !== undefined) return;
      const ended = new Promise<void>((resolve) => m.worker.once('exit', () => resolve()));
      Atomics.store(this.#board, slotIndex(i), EXIT);
      Atomics.notify(this.#board, slotIndex(i));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), CLOSE_WAIT_MS)));
      const timedOut = await Promise.race([ended.then(() => false), late]);
      clearTimeout(timer);
      if (timedOut) await m.worker.terminate();
    }));
  }

  /** Posts the job's parts (all of them, or `parts`) to the first workers. */
  #post(job: PoolJob, parts: ReadonlyArray<readonly [number, number]> = job.ranges): void {
    const board = this.#board;
    Atomics.store(board, CRASHED, 0);
    Atomics.store(board, REMAINING, parts.length);
    this.#used = this.#members.slice(0, parts.length);
    job.state = 'posted';
    parts.forEach(([begin, end], i) => {
      const message: JobMessage = {
        backend: job.backend, op: job.op, whole: job.whole, threads: job.threads, plan: job.plan, inputs: job.inputs as TensorDesc[], out: job.out, begin, end,
      };
      const member = this.#used[i]!;
      if (job.setup !== undefined && member.setup !== job.setup) {
        message.setup = job.setup;
        member.setup = job.setup;
      }
      const registration = this.#areaWriter.write(i, message);
      if (registration === false) {
        this.#areaWriter.portJob(i);
        member.port.postMessage(message);
      } else if (registration) {
        member.port.postMessage(registration);
      }
      member.posted++;
      Atomics.store(board, slotIndex(i), READY);
      Atomics.notify(board, slotIndex(i));
    });
  }

  async #execute(job: PoolJob): Promise<void> {
    this.#post(job);
    const used = this.#used;
    for (const m of used) m.worker.ref();
    try {
      await this.#waitAll();
      this.#collect(job);
      if (Atomics.load(this.#board, CRASHED)) await this.#quiesce(used);
    } finally {
      for (const m of used) m.worker.unref();
    }
  }

  /** Reads the outcome of the posted job off the board once its parts are done (or a worker died). */
  #collect(job: PoolJob): void {
    if (job.state !== 'posted') return;
    job.state = 'settled';
    const board = this.#board;
    const used = this.#used;
    const op = job.op;
    if (this.broken) {
      job.error = new WorkerCrashedError(op, `the worker pool could not start: ${this.broken}`, 'The op can run with configure({ threads: 1 })');
      return;
    }
    if (Atomics.load(board, CRASHED)) {
      const dead = used.find((m) => m.death);
      job.error = new WorkerCrashedError(op, `a pool worker died while it ran this op (${dead?.death ?? 'unknown cause'})`, 'The worker was replaced; retry the op');
      return;
    }
    for (let i = 0; i < used.length; i++) {
      if (Atomics.load(board, slotIndex(i)) === FAILED) {
        let failure = receiveMessageOnPort(used[i]!.port)?.message as FailureMessage | undefined;
        // The failure is posted before FAILED is stored, so it is there.
        for (let tries = 0; !failure && tries < 1000; tries++) failure = receiveMessageOnPort(used[i]!.port)?.message as FailureMessage | undefined;
        job.error = rebuild(op, failure);
        return;
      }
    }
  }

  /**
   * Resolves when REMAINING reaches 0 or a worker died: the event loop stays free meanwhile.
   */
  async #waitAll(): Promise<void> {
    const board = this.#board;
    for (;;) {
      const remaining = Atomics.load(board, REMAINING);
      if (remaining === 0 || Atomics.load(board, CRASHED)) return;
      const wait = Atomics.waitAsync(board, REMAINING, remaining);
      if (wait.async) await wait.value;
    }
  }

  /**
   * Blocks until REMAINING reaches 0 (spinning first, as the parts are about to finish), or a
   * worker died, or `timeoutMs` passed (false).
   */
  #waitAllSync(timeoutMs = Infinity): boolean {
    const board = this.#board;
    const start = performance.now();
    const spinUntil = start + POOL_CALLER_SPIN_MICROS / 1000;
    while (performance.now() < spinUntil) {
      if (Atomics.load(board, REMAINING) === 0 || Atomics.load(board, CRASHED)) return true;
    }
    for (;;) {
      const remaining = Atomics.load(board, REMAINING);
      if (remaining === 0 || Atomics.load(board, CRASHED)) return true;
      if (this.#deadWhileBlocked(performance.now() - start)) return true;
      const left = timeoutMs - (performance.now() - start);
      if (left <= 0) return false;
      Atomics.wait(board, REMAINING, remaining, Math.min(left, SYNC_LIVENESS_SLICE_MS));
    }
  }

  /**
   * While this thread blocks, a worker's 'exit' event cannot be delivered, so a dead worker is
   * looked for directly: a worker thread that has stopped (terminated, or ended by an uncaught
   * error or process.exit) reports a negative idle time through its event-loop utilization, a
   * synchronous read of the thread's state. The first dead one found is marked as the 'exit'
   * handler would mark it (CRASHED set, the async waiter woken; it is replaced after the op).
   * A worker that this thread has not yet seen online (still loading, or loaded while this thread
   * was busy) shows nothing of the kind, dead or alive: if its part is still unclaimed after
   * `loadWaitMs` of this wait (a live worker that has loaded claims a part within microseconds),
   * the part is taken back (its slot moved off READY, so it never runs it should it start after
   * all), and the worker is terminated and counted dead. One that dies after claiming its part
   * before this thread ever saw it online is not caught (only terminate() on the pool's own
   * workers can do that).
   */
  #deadWhileBlocked(blockedMs: number): boolean {
    const board = this.#board;
    for (let i = 0; i < this.#used.length; i++) {
      const m = this.#used[i]!;
      if (m.death !== undefined) return true;
      let death: string | undefined;
      if (m.terminating || m.worker.performance.eventLoopUtilization().idle < 0) {
        death = 'its thread stopped while the calling thread waited for it';
      } else if (blockedMs > this.loadWaitMs && !m.online &&
        Atomics.compareExchange(board, slotIndex(i), READY, DONE) === READY) {
        death = `it had not started after ${Math.round(blockedMs)} ms while the calling thread waited for it`;
        void m.worker.terminate();
      }
      if (death !== undefined) {
        m.death = death;
        Atomics.store(board, CRASHED, 1);
        Atomics.notify(board, REMAINING);
        return true;
      }
    }
    return false;
  }

  /** Ends every worker and starts fresh ones (after a part that never came back). */
  #restart(): void {
    for (let i = 0; i < this.#members.length; i++) {
      const old = this.#members[i]!;
      old.replaced = true;
      void old.worker.terminate();
      this.#members[i] = this.#spawn(i);
    }
  }

  /**
   * After a crash: waits until every surviving worker is entirely through every job it was given
   * (its FINISHED count equals its posted count), so nothing of the failed op touches the next one.
   */
  async #quiesce(used: Member[]): Promise<void> {
    const board = this.#board;
    for (let i = 0; i < used.length; i++) {
      const at = slotIndex(i) + FINISHED;
      for (;;) {
        // A worker that dies while this waits (every worker killed at once: their exit events
        // come one by one) will never catch up: stop waiting for it.
        if (used[i]!.death) break;
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
    Atomics.store(board, slotIndex(i) + AREA_JOBS, 0);
    this.#areaWriter.reset(i);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(workerScript(), {
      eval: true,
      workerData: { board, slot: slotIndex(i), area: this.#area, worker: i, port: port2, spinMicros: POOL_SPIN_MICROS },
      transferList: [port2],
      name: `lepton-pool-${i}`,
    });
    worker.unref();
    port1.unref();
    const member: Member = { worker, port: port1, posted: 0 };
    let error: unknown;
    worker.on('error', (e) => (error = e));
    worker.once('online', () => (member.online = true));
    // A worker terminated by other code (a test, a supervisor) is counted dead at once: a thread
    // blocked on it cannot receive its exit event, and its event-loop state need not show it.
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      member.terminating = true;
      return terminate();
    };
    worker.on('exit', (code) => {
      // Already marked dead by a synchronous wait (#deadWhileBlocked), which leaves its replacement
      // to the op's own clean-up.
      if (this.#closed || member.replaced || member.death !== undefined) return;
      member.death = error ? `${(error as Error).message}` : `exit code ${code}`;
      // Dying before its script loaded: a script that throws (an error event) cannot run at all,
      // and neither can one that keeps dying while it starts; one killed while starting is
      // replaced like any other.
      if (!Atomics.load(board, slotIndex(i) + LOADED)) {
        this.#earlyDeaths++;
        if (error !== undefined || this.#earlyDeaths >= MAX_EARLY_DEATHS) {
          this.broken ??= member.death;
          console.warn(`lepton-compute: the worker pool cannot start its workers (${this.broken}); ops run on the calling thread`);
        }
      } else {
        this.#earlyDeaths = 0;
      }
      // Only a worker of the op in flight fails that op; one that died idle (or beside an op on
      // other workers) is replaced at once, so that no later op is posted to it.
      const busy = this.#used.includes(member) && Atomics.load(board, REMAINING) !== 0;
      if (busy || this.broken) {
        Atomics.store(board, CRASHED, 1);
        Atomics.notify(board, REMAINING);
      }
      if (this.broken || busy) return; // replaced after the op (#quiesce)
      const index = this.#members.indexOf(member);
      if (index >= 0) this.#members[index] = this.#spawn(index);
    });
    return member;
  }
}

function rebuild(op: string, failure: FailureMessage | undefined): Error {
  if (failure?.code) return errorFromCode(failure.code, failure.message);
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
export const platformPool: PlatformPool = {
  kind: 'worker_threads' as const,
  canBlock: true,
  defaultThreads: (): number => NodePool.defaultThreads(),
  create: (threads: number): PoolLike | undefined => (threads > 1 ? new NodePool(threads) : undefined),
};
