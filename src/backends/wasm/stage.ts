/**
 * Getting operands into the wasm memory and results out of it, for one kernel call.
 *
 * A tensor whose storage already lies in the module's (shared) memory is used where it is: its
 * base pointer is the storage's byte offset. Any other tensor has the span of storage its view
 * touches copied into the runtime's reused scratch region, and an output outside the memory is
 * computed in scratch and copied out afterwards. A Stage plans every region first (one scratch
 * allocation per call), then copies.
 */
import { BYTES_PER_ELEMENT, type TypedArray } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import type { WasmRuntime } from './runtime.js';

const ALIGN = 64;

/** Buffers already found to be (or not be) a runtime's memory. */
const SEEN = new WeakMap<WasmRuntime, WeakMap<ArrayBufferLike, boolean>>();

/** Whether `array` is a view into `rt`'s memory (then kernels use it in place). */
export function inMemory(rt: WasmRuntime, array: TypedArray): boolean {
  let seen = SEEN.get(rt);
  if (!seen) SEEN.set(rt, (seen = new WeakMap()));
  const known = seen.get(array.buffer);
  if (known !== undefined) return known;
  const owned = rt.owns(array.buffer);
  // A non-shared memory's buffer is replaced when it grows: remember only shared verdicts.
  if (rt.shared) seen.set(array.buffer, owned);
  return owned;
}

/** The storage indices [lo, hi] a tensor's view reads (lo > hi when it is empty). */
export function spanOf(t: Tensor): [number, number] {
  if (t.size === 0) return [t.offset, t.offset - 1];
  let lo = t.offset;
  let hi = t.offset;
  for (let d = 0; d < t.shape.length; d++) {
    const reach = (t.shape[d]! - 1) * t.strides[d]!;
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  return [lo, hi];
}

interface Input {
  data: TypedArray;
  lo: number;
  count: number;
  at: number;
}

/** One call's staging plan: reserve regions, then `commit()` copies inputs in. */
export class Stage {
  readonly #rt: WasmRuntime;
  #bytes = 0;
  #base = 0;
  readonly #inputs: Input[] = [];

  constructor(rt: WasmRuntime) {
    this.#rt = rt;
  }

  #reserve(bytes: number): number {
    const at = this.#bytes;
    this.#bytes += Math.ceil(bytes / ALIGN) * ALIGN;
    return at;
  }

  /**
   * Storage elements [lo, hi] of `data`: returns a function giving the byte pointer of storage
   * index 0 (so that element i sits at base + i·bytes) once committed.
   */
  input(data: TypedArray, lo: number, hi: number): () => number {
    const bpe = data.BYTES_PER_ELEMENT;
    if (inMemory(this.#rt, data)) {
      const base = data.byteOffset;
      return () => base;
    }
    const count = Math.max(0, hi - lo + 1);
    const entry: Input = { data, lo, count, at: this.#reserve(count * bpe) };
    this.#inputs.push(entry);
    return () => this.#base + entry.at - lo * bpe;
  }

  /** A tensor's view: the base pointer of its storage index 0. */
  tensor(t: Tensor): () => number {
    const [lo, hi] = spanOf(t);
    return this.input(t.storage, lo, hi);
  }

  /** `count` elements of `bytes` each of scratch the kernel writes: its byte pointer once committed. */
  region(bytes: number): () => number {
    const at = this.#reserve(bytes);
    return () => this.#base + at;
  }

  /** Allocates the scratch and copies the inputs in. */
  commit(): void {
    if (this.#bytes > 0) this.#base = this.#rt.scratch(this.#bytes);
    const buffer = this.#rt.buffer;
    const bytes = new Uint8Array(buffer);
    for (const e of this.#inputs) {
      if (e.count === 0) continue;
      const bpe = e.data.BYTES_PER_ELEMENT;
      bytes.set(new Uint8Array(e.data.buffer, e.data.byteOffset + e.lo * bpe, e.count * bpe), this.#base + e.at);
    }
  }
}

/** A typed view of `count` elements of `dtype` at byte pointer `ptr` of the memory, taken now. */
export function viewAt(rt: WasmRuntime, dtype: 'float32' | 'float64', ptr: number, count: number): Float32Array | Float64Array {
  return dtype === 'float32' ? new Float32Array(rt.buffer, ptr, count) : new Float64Array(rt.buffer, ptr, count);
}

export const bytesOf = (dtype: 'float32' | 'float64'): number => BYTES_PER_ELEMENT[dtype];

/**
 * Copies output rows [begin, end) of an image-shaped output (flattened [batch·outH] rows, every
 * channel and column) from `staged` (images from `img0` on) into `out`: NHWC rows are contiguous,
 * NCHW rows repeat once per channel.
 */
export function copyRowsOut(
  staged: Float32Array | Float64Array, out: Float32Array | Float64Array, img0: number, begin: number, end: number,
  geometry: { layout: 'NCHW' | 'NHWC'; channels: number; outH: number; outW: number },
): void {
  const { layout, channels, outH, outW } = geometry;
  const image = channels * outH * outW;
  const shift = img0 * image;
  if (layout === 'NHWC') {
    const row = outW * channels;
    out.set(staged.subarray(begin * row - shift, end * row - shift), begin * row);
    return;
  }
  for (let r = begin; r < end; ) {
    const n = Math.floor(r / outH);
    const y0 = r - n * outH;
    const y1 = Math.min(outH, y0 + (end - r));
    for (let c = 0; c < channels; c++) {
      const from = n * image + (c * outH + y0) * outW;
      out.set(staged.subarray(from - shift, from - shift + (y1 - y0) * outW), from);
    }
    r += y1 - y0;
  }
}
