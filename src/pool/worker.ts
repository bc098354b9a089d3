/**
 * Pool worker: waits on its slot of the job board, takes the job from its port synchronously,
 * runs the range kernel on shared memory, marks the slot DONE (or FAILED) and counts the op's
 * remaining parts down. It spins briefly between jobs (a hand-off in well under a microsecond)
 * before it sleeps in Atomics.wait (a wake-up costs tens of microseconds).
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { jsRanges, type RangeOp } from '../backends/js/ranges.js';
import { nativeRanges, type NativeRanges } from '../backends/native/ranges.js';
import type { TypedArray } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { DONE, FAILED, FINISHED, LOADED, READY, REMAINING, RUNNING, type FailureMessage, type JobMessage, type TensorDesc } from './board.js';

const { board, slot, port, spinMicros } = workerData as {
  board: Int32Array;
  slot: number;
  port: MessagePort;
  spinMicros: number;
};

function toTensor(d: TensorDesc | undefined): Tensor | undefined {
  return d && new Tensor(d.dtype, d.shape, d.storage, d.strides, d.offset);
}

/** The native range entries, loaded on first use (this thread loads its own addon instance). */
let native: NativeRanges | undefined;

function run(job: JobMessage): void {
  const inputs = job.inputs.map(toTensor);
  if (job.backend === 'native') {
    native ??= nativeRanges();
    native(job.op as RangeOp, job.plan, inputs as Tensor[], job.out, job.begin, job.end);
    return;
  }
  if (job.backend !== 'js') throw new Error(`pool workers have no ${job.backend} kernels`);
  const kernel = jsRanges[job.op as RangeOp] as (
    plan: unknown,
    inputs: readonly (Tensor | undefined)[],
    out: TypedArray,
    begin: number,
    end: number,
  ) => void;
  kernel(job.plan, inputs, job.out, job.begin, job.end);
}

function waitForJob(): void {
  const deadline = performance.now() + spinMicros / 1000;
  while (Atomics.load(board, slot) !== READY) {
    if (performance.now() > deadline) {
      const state = Atomics.load(board, slot);
      if (state !== READY) Atomics.wait(board, slot, state);
    }
  }
}

Atomics.store(board, slot + LOADED, 1);
for (;;) {
  waitForJob();
  Atomics.store(board, slot, RUNNING);
  let received = receiveMessageOnPort(port);
  while (!received) received = receiveMessageOnPort(port); // posted before READY: already queued
  let failure: FailureMessage | undefined;
  try {
    run(received.message as JobMessage);
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    failure = { name: err.name ?? 'Error', code: err.code, message: err.message ?? String(e) };
  }
  if (failure) port.postMessage(failure);
  Atomics.store(board, slot, failure ? FAILED : DONE);
  Atomics.notify(board, slot);
  if (Atomics.sub(board, REMAINING, 1) === 1) Atomics.notify(board, REMAINING);
  Atomics.add(board, slot + FINISHED, 1);
  Atomics.notify(board, slot + FINISHED);
}
