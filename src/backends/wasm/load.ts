/**
 * Loads the wasm module once per thread, lazily (on the backend's first probe), never throwing:
 * a failure becomes the backend's unavailable reason, ending with the fix.
 *
 * Where a shared WebAssembly.Memory can exist (Node; a cross-origin-isolated page) the
 * shared-memory build `lepton-mt.wasm` is instantiated against a fresh shared memory, which the
 * pool's workers can later instantiate against too (`wasmShared()`); elsewhere the single-thread
 * build `lepton.wasm` with its own memory. Where the engine validates relaxed SIMD, the same
 * builds with fused multiply-adds (`lepton-mt-relaxed.wasm`, `lepton-relaxed.wasm`) instead.
 */
import { moduleBytes } from '#wasm-source';
import type { Probe } from '../backend.js';
import { MODULE_FILES, SHARED_INITIAL_PAGES, SHARED_MAXIMUM_PAGES, WasmRuntime } from './runtime.js';

export type WasmLoad =
  | { ok: true; runtime: WasmRuntime; module: WebAssembly.Module; file: string }
  | { ok: false; reason: string };

let loading: Promise<WasmLoad> | undefined;
let loaded: WasmLoad | undefined;

/** Whether this thread can make a shared WebAssembly.Memory (SharedArrayBuffer-backed). */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  if (typeof globalThis.crossOriginIsolated === 'boolean' && !globalThis.crossOriginIsolated) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/** A memory for the shared build: every pool worker instantiates against this one object. */
export function sharedMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: SHARED_INITIAL_PAGES, maximum: SHARED_MAXIMUM_PAGES, shared: true });
}

/**
 * `(func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)`:
 * an engine that validates it runs the relaxed-SIMD builds (Chrome 114+, Firefox 145+; Node 20
 * only with --experimental-wasm-relaxed-simd).
 */
const RELAXED_PROBE = new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 8, 1, 0x60, 3, 0x7b, 0x7b, 0x7b, 1, 0x7b, 3, 2, 1, 0, 10, 13, 1, 11, 0, 0x20, 0, 0x20, 1, 0x20, 2, 0xfd, 0x85, 2, 0x0b,
]);

/** Whether this engine runs relaxed SIMD. */
export function hasRelaxedSimd(): boolean {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** The module bytes: the relaxed-SIMD build where the engine has it and the file is there, else the plain one. */
async function pickBytes(shared: boolean, relaxed: boolean) {
  if (relaxed) {
    const bytes = await moduleBytes(shared ? MODULE_FILES.sharedRelaxed : MODULE_FILES.singleRelaxed);
    if (bytes.ok && WebAssembly.validate(bytes.bytes as Uint8Array<ArrayBuffer>)) return bytes;
  }
  return moduleBytes(shared ? MODULE_FILES.shared : MODULE_FILES.single);
}

async function load(options: { shared?: boolean; relaxed?: boolean } = {}): Promise<WasmLoad> {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.compile !== 'function') {
    return { ok: false, reason: 'this JavaScript engine has no WebAssembly' };
  }
  const shared = options.shared ?? canShareMemory();
  const bytes = await pickBytes(shared, options.relaxed ?? hasRelaxedSimd());
  if (!bytes.ok) return { ok: false, reason: bytes.reason };
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes.bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    const simd = e instanceof Error && /simd|v128|opcode/i.test(e.message);
    return {
      ok: false,
      reason: `${bytes.from} did not compile (${e instanceof Error ? e.message : String(e)}). ` +
        (simd ? 'This engine lacks WebAssembly SIMD128 (Chrome 91, Firefox 89, Safari 16.4 and Node 16.4 have it); use the js backend'
          : 'Rebuild it with "npm run build:wasm"'),
    };
  }
  try {
    const runtime = WasmRuntime.create(module, shared ? sharedMemory() : undefined);
    return { ok: true, runtime, module, file: bytes.from };
  } catch (e) {
    return { ok: false, reason: `${bytes.from} did not instantiate (${e instanceof Error ? e.message : String(e)}). Rebuild it with "npm run build:wasm"` };
  }
}

/** Loads the module on this thread (memoised). `shared` and `relaxed` force a build (tests; default: detect). */
export function loadWasm(options?: { shared?: boolean; relaxed?: boolean }): Promise<WasmLoad> {
  if (options) return load(options);
  loading ??= load().then((r) => (loaded = r));
  return loading;
}

/** The backend's probe: whether the module loaded here, and why not. */
export async function probeWasm(): Promise<Probe> {
  const r = await loadWasm();
  return r.ok ? { ok: true } : { ok: false, reason: r.reason };
}

/** This thread's runtime; only after a successful probe (kernels run after dispatch probed). */
export function wasmRuntime(): WasmRuntime {
  if (!loaded?.ok) throw new Error(`lepton-compute internal error: wasm kernel called while unavailable (${loaded ? loaded.reason : 'not loaded'})`);
  return loaded.runtime;
}

/** The compiled shared-memory module and the memory every instance of it shares. */
export interface WasmShared {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
}

/**
 * What a pool must send each worker at startup so that the worker's instance shares this
 * thread's memory: the compiled module and the shared memory (both structured-cloneable), or
 * undefined where the memory is not shared (then workers cannot run the wasm kernels).
 */
export function wasmShared(): WasmShared | undefined {
  if (!loaded?.ok || !loaded.runtime.shared) return undefined;
  return { module: loaded.module, memory: loaded.runtime.memory };
}
