/**
 * The wasm kernels on a pool worker (the counterpart of native/ranges.ts).
 *
 * A worker receives, once, the compiled module and the shared WebAssembly.Memory of the thread
 * that owns the tensors (`wasmShared()` in load.ts; both are structured-cloneable, and a shared
 * memory is the same memory on the other side, not a copy). `wasmWorkerBackend(init)`
 * instantiates the shared-memory build against it with a stack of its own and returns a backend
 * whose kernels run on that instance: operands and output that live in the shared memory (the
 * arena, arena.ts) are used in place, so parts of one op share them without copies; others are
 * staged into this worker's own scratch.
 */
import type { TypedArray } from '../../dtype.js';
import type { CpuBackend } from '../backend.js';
import { kernelsOn, rangeKernelsOn } from './index.js';
import type { WasmShared } from './load.js';
import { WasmRuntime } from './runtime.js';
import { inMemory } from './stage.js';

/** A pool worker's wasm backend, and its runtime's lifetime. */
export interface WasmWorkerBackend {
  readonly backend: CpuBackend;
  /** Whether `array` lives in the shared memory (kernels then use it in place, no staging copy). */
  resident(array: TypedArray): boolean;
  /** Returns this worker's stack and scratch to the shared heap (before the worker exits). */
  dispose(): void;
}

/** Instantiates the shared module in this worker against the owner's memory (throws when it cannot). */
export function wasmWorkerBackend(init: WasmShared): WasmWorkerBackend {
  const rt = WasmRuntime.create(init.module, init.memory, true);
  const here = () => rt;
  const ranges = rangeKernelsOn(here);
  const backend: CpuBackend = Object.freeze({
    kind: 'cpu',
    name: 'wasm',
    probe: () => ({ ok: true }) as const,
    speed: 5,
    ranges,
    kernels: kernelsOn(here, ranges),
  });
  return { backend, resident: (array) => inMemory(rt, array), dispose: () => rt.dispose() };
}
