/**
 * The job board: an Int32Array on a SharedArrayBuffer that the calling thread and the workers
 * read and write with Atomics. Jobs themselves travel over each worker's MessagePort (plans and
 * shared tensor views clone in microseconds) and are taken synchronously with
 * receiveMessageOnPort, so a dispatch costs a store and a notify, not an event-loop round trip.
 *
 * Layout (Int32 indices): [REMAINING, CRASHED, …padding] then one 16-int slot (64 bytes, its own
 * cache line) per worker, whose first int is the slot's state.
 */

/** Parts of the current op not finished yet; the caller waits on it reaching 0. */
export const REMAINING = 0;
/** Set to 1 by the caller when a worker died, to wake the waiting caller. */
export const CRASHED = 1;
/** Index of worker i's state. */
export const slotIndex = (i: number): number => 16 + 16 * i;
/** Offset within a slot of the flag a worker sets once its script has loaded. */
export const LOADED = 1;
/**
 * Offset within a slot of the count of jobs the worker has finished with entirely (after it
 * counted REMAINING down): after a crash the caller waits on it, not on the state, so that no late
 * decrement from the failed op can land in the next op's count.
 */
export const FINISHED = 2;
/**
 * Offsets within a slot of the worker's counts of wasm parts: those it ran on the wasm kernels,
 * and those it ran on the js kernels instead because the wasm module would not instantiate there.
 */
export const WASM_PARTS = 4;
export const WASM_FALLBACKS = 5;
/** Offset within a slot of the count of jobs the worker took from its job area (job-area.ts), not its port. */
export const AREA_JOBS = 6;
export const boardLength = (workers: number): number => slotIndex(workers);

/** Slot states. A worker only waits on, and leaves, IDLE/DONE/FAILED; the caller writes READY. */
export const IDLE = 0;
export const READY = 1;
export const RUNNING = 2;
export const DONE = 3;
export const FAILED = 4;
/** Written by the caller when the pool closes: the worker releases what it holds and ends. */
export const EXIT = 5;

/** A tensor as it crosses to a worker: its view over shared storage. */
export interface TensorDesc {
  dtype: 'float32' | 'float64' | 'int32';
  shape: number[];
  strides: number[];
  offset: number;
  storage: Float32Array | Float64Array | Int32Array;
}

/** One part of a split op. */
export interface JobMessage {
  backend: 'js' | 'native' | 'wasm' | 'webgpu';
  op: string;
  /** Run the backend's whole-op kernel (begin and end are then 0 and 1). */
  whole: boolean;
  /** Threads the whole-op kernel may use of its own (backends' `threaded` ops). */
  threads?: number;
  plan: unknown;
  inputs: Array<TensorDesc | undefined>;
  out: Float32Array | Float64Array | Int32Array;
  begin: number;
  end: number;
  /**
   * What the backend needs on this worker before its kernels run (wasm: module and shared memory),
   * sent with the first job of a worker that has not had it.
   */
  setup?: unknown;
}

/** What a worker sends back when its part failed. */
export interface FailureMessage {
  name: string;
  code?: string;
  message: string;
}
