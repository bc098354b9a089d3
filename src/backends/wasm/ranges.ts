/**
 * The wasm range kernels for pool workers (the counterpart of native/ranges.ts).
 *
 * A worker receives, once at startup, the compiled module and the shared WebAssembly.Memory of
 * the thread that owns the tensors (`wasmShared()` in load.ts; both are structured-cloneable, and
 * a shared memory is the same memory on the other side, not a copy). `wasmRanges(init)`
 * instantiates the shared-memory build against it with a stack of its own, and returns the
 * runner: each part computes rows [begin, end) of the output with the same kernels the calling
 * thread runs. Operands and output that live in the shared memory (wasmAlloc) are used in place,
 * so parts of one op share them without copies; others are staged into this worker's own scratch.
 */
import type { TypedArray } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import type { RangeOp } from '../../plans.js';
import { rangeKernelsOn } from './index.js';
import { WasmRuntime } from './runtime.js';
import { inMemory } from './stage.js';

export type WasmRangeRunner = {
  /** Runs op's range kernel on output rows [begin, end) of `out`. */
  run(op: RangeOp, plan: unknown, inputs: readonly (Tensor | undefined)[], out: TypedArray, begin: number, end: number): void;
  /** Whether `array` lives in the shared memory (kernels then use it in place, no staging copy). */
  resident(array: TypedArray): boolean;
  /** Returns this worker's stack and scratch to the shared heap (before the worker exits). */
  dispose(): void;
};

/** Instantiates the shared module in this worker against the owner's memory. */
export function wasmRanges(init: { module: WebAssembly.Module; memory: WebAssembly.Memory }): WasmRangeRunner {
  const rt = WasmRuntime.create(init.module, init.memory, true);
  const kernels = rangeKernelsOn(() => rt);
  return {
    run(op, plan, inputs, out, begin, end) {
      const kernel = kernels[op] as (plan: unknown, inputs: readonly (Tensor | undefined)[], out: TypedArray, begin: number, end: number) => void;
      kernel(plan, inputs, out, begin, end);
    },
    resident(array) {
      return inMemory(rt, array);
    },
    dispose() {
      rt.dispose();
    },
  };
}
