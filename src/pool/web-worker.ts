/**
 * The browser pool's worker (bundled as dist/browser/lepton-worker.js): the first message hands
 * it the job board and its slot; every later one is a job, run at once on shared memory (see
 * web-pool.ts for the protocol): js kernels, or wasm ones on an instance of the module over the
 * page's shared WebAssembly.Memory (wasm-part.ts).
 */
import { jsBackend } from '../backends/js/index.js';
import { runJob } from './run-job.js';
import { DONE, FAILED, LOADED, REMAINING, RUNNING, WASM_FALLBACKS, WASM_PARTS, type FailureMessage, type JobMessage } from './board.js';
import { releaseWasmPart, wasmPartBackend } from './wasm-part.js';

const JOBS = 3; // web-pool.ts: the slot's jobs counter

interface Scope {
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  postMessage(message: unknown): void;
  close(): void;
}
const scope = globalThis as unknown as Scope;
let board: Int32Array | undefined;
const noWaitAsync = typeof (Atomics as { waitAsync?: unknown }).waitAsync !== 'function';
let slot = 0;

function run(job: JobMessage): void {
  if (job.backend === 'wasm') {
    const { backend, onWasm } = wasmPartBackend(job.setup);
    runJob(backend, job);
    Atomics.add(board!, slot + (onWasm ? WASM_PARTS : WASM_FALLBACKS), 1);
    return;
  }
  if (job.backend !== 'js') throw new Error(`this worker has no ${job.backend} kernels`);
  runJob(jsBackend, job);
}

scope.addEventListener('message', (e: MessageEvent) => {
  if (!board) {
    ({ board, slot } = e.data as { board: Int32Array; slot: number });
    Atomics.store(board, slot + LOADED, 1);
    return;
  }
  if ((e.data as { kind?: string }).kind === 'exit') {
    // The pool is closing: give the wasm stack back to the shared heap, say so, and end.
    releaseWasmPart();
    scope.postMessage({ kind: 'exited' });
    scope.close();
    return;
  }
  Atomics.store(board, slot, RUNNING);
  let failure: FailureMessage | undefined;
  try {
    run(e.data as JobMessage);
  } catch (err) {
    const x = err as { name?: string; code?: string; message?: string };
    failure = { name: x.name ?? 'Error', code: x.code, message: x.message ?? String(err) };
  }
  if (failure) scope.postMessage(failure);
  Atomics.add(board, slot + JOBS, 1);
  Atomics.store(board, slot, failure ? FAILED : DONE);
  if (Atomics.sub(board, REMAINING, 1) === 1) {
    Atomics.notify(board, REMAINING);
    // For callers without Atomics.waitAsync (Firefox), which wait for this message instead.
    if (noWaitAsync) scope.postMessage({ kind: 'done' });
  }
});
