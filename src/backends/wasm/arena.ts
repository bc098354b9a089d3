/**
 * Tensors inside the wasm memory: once the wasm backend runs an op on a thread whose module
 * shares its memory (Node; a cross-origin-isolated page), the CPU storage pool (src/memory/cpu.ts)
 * cuts every shared-size buffer (≥ 16 KiB) out of that WebAssembly.Memory instead of making a
 * fresh SharedArrayBuffer. A tensor's storage is then a view of the memory at the block's offset:
 * the wasm kernels on this thread and on every pool worker (each instantiated against the same
 * memory) read and write it in place, with no copy per call and none per part.
 *
 * How it meets dispose() and the memory pool: a block is a pooled buffer like any other. The
 * last release of its storage puts it on the pool's free list of its size class (reused warm by
 * the next tensor of that class); past the pool's cap, and on trim(), it goes back to the
 * module's allocator (lp_free), which reuses it for later blocks and kernel scratch. memory()
 * counts blocks as it counts buffers. A WebAssembly.Memory never shrinks: the memory keeps its
 * peak size. When it cannot grow further (its 2 GiB maximum) storage falls back to plain
 * SharedArrayBuffers, which kernels stage per call as before.
 */
import { setSharedArena, type SharedArena } from '../../memory/cpu.js';
import type { WasmRuntime } from './runtime.js';

let installed: WasmRuntime | undefined;

/** The arena over `rt`'s shared memory. */
export function wasmArena(rt: WasmRuntime): SharedArena {
  return {
    alloc(bytes) {
      const ptr = rt.exports.lp_malloc(bytes);
      if (ptr === 0) return undefined;
      return { buffer: rt.buffer as SharedArrayBuffer, byteOffset: ptr };
    },
    free(ptr) {
      rt.exports.lp_free(ptr);
    },
  };
}

/** Makes shared CPU storage come from `rt`'s memory (once; nothing where the memory is not shared). */
export function useArena(rt: WasmRuntime): void {
  if (installed === rt || !rt.shared) return;
  installed = rt;
  setSharedArena(wasmArena(rt));
}
