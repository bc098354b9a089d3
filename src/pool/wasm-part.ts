/**
 * A pool worker's wasm kernels: instantiated once from the setup the first wasm job brings (the
 * module and the shared memory of the thread that owns the tensors). Where the module will not
 * instantiate here, the part runs on the js kernels instead (same plan, same output), and the
 * worker counts it, so a pool never fails an op because one worker lacks wasm.
 */
import type { CpuBackend } from '../backends/backend.js';
import { jsBackend } from '../backends/js/index.js';
import type { WasmShared } from '../backends/wasm/load.js';
import { wasmWorkerBackend, type WasmWorkerBackend } from '../backends/wasm/ranges.js';

let setupSeen: unknown;
let wasm: WasmWorkerBackend | undefined;
let failure: string | undefined;

/** The backend a wasm part runs on here (wasm, or js when wasm cannot), after taking a new setup. */
export function wasmPartBackend(setup: unknown): { backend: CpuBackend; onWasm: boolean } {
  if (setup !== undefined && setup !== setupSeen) {
    setupSeen = setup;
    wasm?.dispose();
    wasm = undefined;
    failure = undefined;
    try {
      wasm = wasmWorkerBackend(setup as WasmShared);
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
  }
  if (wasm) return { backend: wasm.backend, onWasm: true };
  return { backend: jsBackend, onWasm: false };
}

/** Returns this worker's wasm stack and scratch to the shared heap (before the worker ends). */
export function releaseWasmPart(): void {
  wasm?.dispose();
  wasm = undefined;
  setupSeen = undefined;
}

/** Why wasm is not running here, if it is not (tests). */
export function wasmPartFailure(): string | undefined {
  return failure;
}
