/**
 * Tensors that live inside the wasm memory: `wasmAlloc` hands out 64-byte-aligned blocks of the
 * module's heap (the same allocator the kernels' scratch comes from), viewed as a typed array.
 * An operand or output whose storage is such a view is read and written in place by every wasm
 * kernel, on this thread and on every pool worker instantiated against the same shared memory:
 * no copy in, no copy out, none per part.
 *
 * Only the shared-memory build hands out blocks: a non-shared memory replaces its ArrayBuffer
 * when it grows (every view on it goes dead), a shared one never does.
 */
import type { DType, DTypeArrays } from '../../dtype.js';
import { BYTES_PER_ELEMENT, viewOf } from '../../dtype.js';
import { wasmRuntime } from './load.js';

/** A block of the wasm heap and its typed view. `free()` returns it; the view must not be used after. */
export interface WasmBlock<D extends DType = DType> {
  /** Byte offset of the block in the memory (what the module's entry points take). */
  readonly ptr: number;
  readonly bytes: number;
  /** `size` elements of `dtype` over the block, zeroed. */
  readonly view: DTypeArrays[D];
  /** Returns the block to the heap (idempotent). */
  free(): void;
}

/**
 * Allocates `size` elements of `dtype` in the loaded wasm module's shared memory. Call after the
 * wasm backend's probe succeeded. Throws when the memory is not shared or cannot grow.
 */
export function wasmAlloc<D extends DType>(dtype: D, size: number): WasmBlock<D> {
  const rt = wasmRuntime();
  if (!rt.shared) {
    throw new Error('wasmAlloc: the wasm memory is not shared here (no SharedArrayBuffer, or a page that is not cross-origin isolated); tensors stay in JavaScript memory and are copied in per call');
  }
  const bytes = Math.max(1, size * BYTES_PER_ELEMENT[dtype]);
  const ptr = rt.malloc(bytes);
  const buffer = rt.buffer;
  const view = viewOf(dtype, buffer, ptr, size);
  view.fill(0);
  let live = true;
  return {
    ptr,
    bytes,
    view,
    free() {
      if (!live) return;
      live = false;
      rt.free(ptr);
    },
  };
}
