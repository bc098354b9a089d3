/**
 * One instance of the wasm module and its linear memory: the exports typed, an allocator inside
 * the memory (the module's own malloc, so JavaScript and the kernels share one heap), and a
 * reused scratch region that operands living outside the memory are copied into.
 *
 * Two builds of the module (scripts/build-wasm.mjs): `lepton.wasm` owns a growable memory (one
 * thread); `lepton-mt.wasm` imports a shared `WebAssembly.Memory` (SharedArrayBuffer-backed) that
 * every pool worker instantiates against, so that parts of one op read the same operands without
 * copies. A growing non-shared memory detaches its old ArrayBuffer: views are taken fresh from
 * `memory.buffer` after every call that may allocate (`heapF32()` …), never cached across one.
 */

import { LeptonError } from '../../errors.js';

/** The module's exports (native/wasm/module.cc, runtime.cc). Pointers are byte offsets. */
export interface WasmExports {
  lp_malloc(bytes: number): number;
  lp_free(ptr: number): void;
  lp_heap_in_use(): number;
  lp_set_stack(top: number): void;
  lp_tag(): number;
  lp_gemm_f32(m: number, n: number, k: number, a: number, aRs: number, aCs: number, b: number, bRs: number, bCs: number,
    c: number, ldc: number, bias: number, biasRs: number, biasCs: number, activation: number): number;
  lp_gemm_f64(m: number, n: number, k: number, a: number, aRs: number, aCs: number, b: number, bRs: number, bCs: number,
    c: number, ldc: number, bias: number, biasRs: number, biasCs: number, activation: number): number;
  lp_conv2d_f32(params: number, x: number, w: number, bias: number, out: number): number;
  lp_conv2d_f64(params: number, x: number, w: number, bias: number, out: number): number;
  lp_pool2d_f32(params: number, x: number, out: number): number;
  lp_pool2d_f64(params: number, x: number, out: number): number;
  lp_cholesky_f32(n: number, s: number, out: number, info: number): number;
  lp_cholesky_f64(n: number, s: number, out: number, info: number): number;
  lp_solve_spd_f32(n: number, nrhs: number, s: number, b: number, out: number, info: number): number;
  lp_solve_spd_f64(n: number, nrhs: number, s: number, b: number, out: number, info: number): number;
  lp_ridge_f32(m: number, n: number, signals: number, dual: number, lambda: number, a: number, y: number, out: number, info: number): number;
  lp_ridge_f64(m: number, n: number, signals: number, dual: number, lambda: number, a: number, y: number, out: number, info: number): number;
}

/**
 * The module file names: one thread, and shared memory, each in plain SIMD128 and with relaxed
 * SIMD (fused multiply-adds in the micro-kernels), which the loader picks where it validates.
 */
export const MODULE_FILES = {
  single: 'lepton.wasm',
  shared: 'lepton-mt.wasm',
  singleRelaxed: 'lepton-relaxed.wasm',
  sharedRelaxed: 'lepton-mt-relaxed.wasm',
} as const;

/** Bytes of shadow stack given to each worker's instance of the shared module. */
export const WORKER_STACK_BYTES = 256 * 1024;

/** 64 KiB pages the shared memory starts with and may grow to (the module declares 2 GiB). */
export const SHARED_INITIAL_PAGES = 256;
export const SHARED_MAXIMUM_PAGES = 32768;

const EXPORTS: readonly (keyof WasmExports)[] = [
  'lp_malloc', 'lp_free', 'lp_heap_in_use', 'lp_set_stack', 'lp_tag', 'lp_gemm_f32', 'lp_gemm_f64', 'lp_conv2d_f32', 'lp_conv2d_f64', 'lp_pool2d_f32', 'lp_pool2d_f64',
  'lp_cholesky_f32', 'lp_cholesky_f64', 'lp_solve_spd_f32', 'lp_solve_spd_f64', 'lp_ridge_f32', 'lp_ridge_f64',
];

/**
 * A wasm kernel could not finish (its memory could not grow, or it rejected its arguments): a
 * LeptonError with code NATIVE_FAILURE, as the addon's failures are.
 */
export class WasmKernelError extends LeptonError {
  override name = 'WasmKernelError';
  constructor(op: string | undefined, message: string, hint?: string) {
    super('NATIVE_FAILURE', op, message, hint);
  }
}

export class WasmRuntime {
  readonly exports: WasmExports;
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  #scratch = 0;
  #scratchBytes = 0;
  #stack = 0;

  private constructor(exports: WasmExports, memory: WebAssembly.Memory, shared: boolean) {
    this.exports = exports;
    this.memory = memory;
    this.shared = shared;
  }

  /**
   * Instantiates `module`: the single-thread build with its own memory, or the shared build
   * against `memory`. `ownStack` gives this instance a fresh stack (every instance but the first
   * on a shared memory needs one: the linker placed one stack for all of them).
   */
  static create(module: WebAssembly.Module, memory?: WebAssembly.Memory, ownStack = false): WasmRuntime {
    const instance = new WebAssembly.Instance(module, memory ? { env: { memory } } : {});
    const raw = instance.exports;
    const table = {} as Record<keyof WasmExports, (...args: number[]) => number>;
    for (const name of EXPORTS) {
      const fn = raw[name];
      if (typeof fn !== 'function') throw new Error(`the wasm module lacks the export ${name}; rebuild it with "npm run build:wasm"`);
      table[name] = fn as (...args: number[]) => number;
    }
    const mem = memory ?? raw['memory'];
    if (!(mem instanceof WebAssembly.Memory)) throw new Error('the wasm module exports no memory; rebuild it with "npm run build:wasm"');
    const exports: WasmExports = table;
    const rt = new WasmRuntime(exports, mem, memory !== undefined);
    // The memory's nonce (see owns()): set once, by the first instance on a memory.
    const tag = new Uint8Array(rt.buffer, rt.exports.lp_tag(), 16);
    // (Browsers refuse getRandomValues on a shared view: draw into a private array, then copy.)
    if (tag.every((v) => v === 0)) tag.set(crypto.getRandomValues(new Uint8Array(16)));
    if (ownStack) {
      rt.#stack = rt.exports.lp_malloc(WORKER_STACK_BYTES);
      if (rt.#stack === 0) throw new WasmKernelError(undefined, `out of wasm memory: a worker's ${WORKER_STACK_BYTES}-byte stack could not be allocated`, 'Use fewer threads or smaller tensors');
      rt.exports.lp_set_stack(rt.#stack + WORKER_STACK_BYTES);
    }
    return rt;
  }

  /** The memory's bytes now (a fresh buffer after growth). */
  get buffer(): ArrayBufferLike {
    return this.memory.buffer;
  }

  /**
   * Whether `buffer` is this instance's memory. The same shared memory reaches another thread as
   * a different SharedArrayBuffer object, so identity cannot tell; the 16-byte random nonce at
   * lp_tag() can (a foreign buffer holding those bytes there is a 2⁻¹²⁸ accident).
   */
  owns(buffer: ArrayBufferLike): boolean {
    const now = this.buffer;
    if (buffer === now) return true;
    if (!this.shared || !(buffer instanceof SharedArrayBuffer)) return false;
    const at = this.exports.lp_tag();
    // (Another thread may have grown the memory since this one last looked: a larger buffer can be it.)
    if (buffer.byteLength < at + 16 || buffer.byteLength > SHARED_MAXIMUM_PAGES * 65536) return false;
    const mine = new Uint8Array(now, at, 16);
    const theirs = new Uint8Array(buffer, at, 16);
    for (let i = 0; i < 16; i++) if (mine[i] !== theirs[i]) return false;
    return true;
  }

  /** Allocates `bytes` (64-byte aligned) inside the memory; throws when the memory cannot grow. */
  malloc(bytes: number): number {
    const ptr = this.exports.lp_malloc(bytes);
    if (ptr === 0) {
      throw new WasmKernelError(undefined, `out of wasm memory: ${bytes} bytes could not be allocated; the memory holds ${this.buffer.byteLength} bytes`,
        "Use smaller tensors, or { backend: 'js' }");
    }
    return ptr;
  }

  free(ptr: number): void {
    if (ptr !== 0) this.exports.lp_free(ptr);
  }

  /**
   * A scratch region of at least `bytes`, reused across calls (kernels on one instance run one at
   * a time). Its contents are undefined; the pointer is valid until the next scratch() call.
   */
  scratch(bytes: number): number {
    if (bytes > this.#scratchBytes) {
      this.free(this.#scratch);
      this.#scratch = 0;
      this.#scratchBytes = 0;
      const size = Math.max(bytes, Math.min(2 * this.#scratchBytes, bytes * 2), 1 << 16);
      this.#scratch = this.malloc(size);
      this.#scratchBytes = size;
    }
    return this.#scratch;
  }

  /** Returns the scratch region to the heap (after a large op, or in tests' leak checks). */
  releaseScratch(): void {
    this.free(this.#scratch);
    this.#scratch = 0;
    this.#scratchBytes = 0;
  }

  /** Frees this instance's scratch and (worker instances) its stack; the instance is unusable after. */
  dispose(): void {
    this.releaseScratch();
    if (this.#stack !== 0) {
      this.free(this.#stack);
      this.#stack = 0;
    }
  }

  /** Bytes held by live allocations (scratch included). */
  heapInUse(): number {
    return this.exports.lp_heap_in_use();
  }

  /** Throws the kernel's failure (status 1: its scratch did not fit; 2: invalid arguments). */
  check(op: string, status: number): void {
    if (status === 0) return;
    if (status === 1) throw new WasmKernelError(op, "out of wasm memory for the kernel's packed panels", "Use a smaller problem, or { backend: 'js' }");
    throw new WasmKernelError(op, `the wasm kernel rejected its arguments; received status ${status}`, 'Please report this with the shapes that caused it');
  }
}
