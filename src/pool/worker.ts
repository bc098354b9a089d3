/**
 * Pool worker: waits on its slot of the job board, takes the job from its port synchronously,
 * runs the range kernel on shared memory (js, native, or wasm on an instance of the module over the
 * caller's shared WebAssembly.Memory: wasm-part.ts), marks the slot DONE (or FAILED) and counts the op's
 * remaining parts down. It spins briefly between jobs (a hand-off in well under a microsecond)
 * before it sleeps in Atomics.wait (a wake-up costs tens of microseconds).
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CpuBackend } from '../backends/backend.js';
import { jsBackend } from '../backends/js/index.js';
import { nativeBackend } from '../backends/native/index.js';
import { AREA_JOBS, DONE, EXIT, FAILED, FINISHED, LOADED, READY, REMAINING, RUNNING, WASM_FALLBACKS, WASM_PARTS, type FailureMessage, type JobMessage } from './board.js';
import { AreaReader, type Registration } from './job-area.js';
import { runJob } from './run-job.js';
import { releaseWasmPart, wasmPartBackend } from './wasm-part.js';

const { board, slot, area, worker, port, spinMicros } = workerData as {
  board: Int32Array;
  slot: number;
  area: Float64Array;
  worker: number;
  port: MessagePort;
  spinMicros: number;
};
const jobs = new AreaReader(area, worker);

const BACKENDS: Readonly<Record<string, CpuBackend>> = { js: jsBackend, native: nativeBackend };

function run(job: JobMessage): void {
  if (job.backend === 'wasm') {
    const { backend, onWasm } = wasmPartBackend(job.setup);
    runJob(backend, job);
    Atomics.add(board, slot + (onWasm ? WASM_PARTS : WASM_FALLBACKS), 1);
    return;
  }
  const backend = BACKENDS[job.backend];
  if (!backend) throw new Error(`pool workers have no ${job.backend} kernels`);
  if (backend.name === 'native') {
    const probe = backend.probe();
    if (!probe.ok) throw new Error(`the native addon does not load in this worker: ${probe.reason}`);
  }
  runJob(backend, job);
}

/** Waits until the slot holds a job (true) or the pool is closing (false). */
function waitForJob(): boolean {
  const deadline = performance.now() + spinMicros / 1000;
  for (let spins = 1; ; spins++) {
    const state = Atomics.load(board, slot);
    if (state === READY) return true;
    if (state === EXIT) return false;
    // The clock every 64 loads: a read of it costs more than a load, and delays seeing READY.
    if ((spins & 63) === 0 && performance.now() > deadline) Atomics.wait(board, slot, state);
  }
}

function serve(): void {
  Atomics.store(board, slot + LOADED, 1);
  while (serveOne());
  // The pool is closing: give the wasm stack back to the shared heap, then end this thread.
  releaseWasmPart();
  port.close();
  process.exit(0);
}

/** The next port message (posted before READY: already queued). */
function nextMessage(): unknown {
  let received = receiveMessageOnPort(port);
  while (!received) received = receiveMessageOnPort(port);
  return received.message;
}

/** The posted job: in the job area (after the registration it may bring), or a port message. */
function takeJob(): JobMessage {
  if (!jobs.isAreaJob) return nextMessage() as JobMessage;
  Atomics.add(board, slot + AREA_JOBS, 1);
  if (jobs.registrations) jobs.register(nextMessage() as Registration);
  return jobs.job();
}

/** Runs the next job; false when the pool is closing instead. */
function serveOne(): boolean {
  if (!waitForJob()) return false;
  Atomics.store(board, slot, RUNNING);
  let failure: FailureMessage | undefined;
  try {
    run(takeJob());
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    failure = { name: err.name ?? 'Error', code: err.code, message: err.message ?? String(e) };
  }
  if (failure) port.postMessage(failure);
  // Nobody waits on the slot's state but this worker: the caller waits on REMAINING (and, after a
  // crash, on FINISHED).
  Atomics.store(board, slot, failure ? FAILED : DONE);
  if (Atomics.sub(board, REMAINING, 1) === 1) Atomics.notify(board, REMAINING);
  Atomics.add(board, slot + FINISHED, 1);
  Atomics.notify(board, slot + FINISHED);
  return true;
}

// Served from the first turn of this thread's event loop, not from the script's top level: a
// started loop is what lets the calling thread see this thread's state while it blocks on it
// (the pool reads the worker's event-loop utilization, whose idle time turns negative once the
// thread has stopped).
setImmediate(serve);
