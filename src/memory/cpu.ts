/**
 * The CPU storage pool. Every array the library allocates for a tensor comes from here; storage
 * that `dispose()` frees (once no tensor or view refers to it and no op in flight reads it) goes
 * back to a free list of its size class, and the next output of that class takes it instead of a
 * fresh buffer. Fresh buffers fault on first touch (5–15 % of a 1024² matmul); pooled ones are
 * warm. The pool is bounded: past `cap` bytes of free buffers, returned ones are left to the
 * garbage collector.
 *
 * Buffers from `SHARED_MIN_BYTES` up are SharedArrayBuffers where the platform shares memory
 * (always in Node; in a browser only when cross-origin isolated), so worker threads use them
 * without a copy; smaller ones are plain ArrayBuffers, which allocate faster. Shared buffers
 * cannot be detached or shrunk, which is why only they ever cross to another thread.
 */
import { BYTES_PER_ELEMENT, dtypeOfArray, type DType, type DTypeArrays, type TypedArray } from '../dtype.js';
import { allocating, checkElements } from '../limits.js';

/** Buffers of at least this many bytes are shared (worker threads may read and write them). */
export const SHARED_MIN_BYTES = 16 * 1024;

/** The default cap on free pooled bytes. */
export const DEFAULT_CAP_BYTES = 256 * 1024 * 1024;

/** A storage allocation, counted by the tensors (and in-flight ops) that refer to it. */
export interface CpuStore {
  readonly array: TypedArray;
  /** Tensors and in-flight ops holding it; the last release returns it to the pool. */
  refs: number;
  /** False for arrays a caller handed in: never pooled, never reused. */
  readonly pooled: boolean;
  /** The arena the array was cut from (setSharedArena), if it was; its size class is then `bytes`. */
  readonly arena?: SharedArena;
  readonly bytes?: number;
}

/**
 * A region of shared memory that large storage is cut from instead of fresh SharedArrayBuffers
 * (the wasm backend's shared WebAssembly.Memory, so that its kernels, on every pool worker, read
 * and write tensors in place). Freed regions stay on this pool's free lists like buffers do;
 * those past the cap, and all of them on trim(), go back to the arena's own allocator.
 */
export interface SharedArena {
  /** `bytes` bytes, 64-byte aligned: the buffer as it is now and the region's offset; undefined when the arena is full. */
  alloc(bytes: number): { buffer: SharedArrayBuffer; byteOffset: number } | undefined;
  /** Returns a region alloc() gave. */
  free(byteOffset: number): void;
}

interface Region {
  arena: SharedArena;
  buffer: SharedArrayBuffer;
  byteOffset: number;
}

let arena: SharedArena | undefined;
/** Free arena regions per size class. */
const freeRegions = new Map<number, Region[]>();

/**
 * Makes shared storage (≥ SHARED_MIN_BYTES) come from `next` from now on (undefined: fresh
 * SharedArrayBuffers again). Storage already handed out keeps its memory; free regions of a
 * previous arena go back to it.
 */
export function setSharedArena(next: SharedArena | undefined): void {
  if (next === arena) return;
  arena = next;
  for (const [cls, list] of freeRegions) {
    for (const r of list) if (r.arena !== next) giveBack(cls, r);
    const kept = list.filter((r) => r.arena === next);
    if (kept.length > 0) freeRegions.set(cls, kept);
    else freeRegions.delete(cls);
  }
}

function giveBack(cls: number, r: Region): void {
  r.arena.free(r.byteOffset);
  pooledBytes -= cls;
  pooledBuffers--;
}

/** A zeroed store of class `cls` cut from the arena (a free region of the class first), or undefined when it is full. */
function takeRegion<D extends DType>(a: SharedArena, dtype: D, size: number, cls: number, overwritten: boolean): (CpuStore & { array: DTypeArrays[D] }) | undefined {
  let region = freeRegions.get(cls)?.pop();
  if (region) {
    pooledBytes -= cls;
    pooledBuffers--;
    hits++;
  } else {
    const got = a.alloc(cls);
    if (!got) return undefined;
    region = { arena: a, ...got };
    misses++;
  }
  liveBuffers++;
  liveBytes += cls;
  const array = view(dtype, region.buffer, size, region.byteOffset);
  // Arena memory is reused by its own allocator too: never assume zeros.
  if (!overwritten) array.fill(0);
  return { array: array as never, refs: 1, pooled: true, arena: a, bytes: cls };
}

/** What `memory().cpu` reports. */
export interface CpuMemory {
  /**
   * Library-allocated storage buffers handed out and not given back by dispose() (a tensor left to
   * the garbage collector stays counted, as TensorFlow.js counts undisposed tensors): a loop that
   * disposes what it makes keeps this flat.
   */
  buffers: number;
  /** Bytes of those buffers. */
  bytes: number;
  /** Free buffers kept for reuse, and their bytes. */
  pooled: { buffers: number; bytes: number };
  /** The bound on pooled bytes (`configure({ cpuPoolBytes })`). */
  cap: number;
  /** Allocations served from the pool, and those that needed a new buffer. */
  hits: number;
  misses: number;
}

/**
 * Freed buffers by size class, each as the typed array its last store viewed it through (at
 * offset 0): an output of the same dtype and size takes that very array, not a new view.
 */
const free = new Map<number, TypedArray[]>();
let cap = DEFAULT_CAP_BYTES;
let pooledBytes = 0;
let pooledBuffers = 0;
let liveBuffers = 0;
let liveBytes = 0;
let hits = 0;
let misses = 0;

let shareable: boolean | undefined;
/** Whether this platform can share memory with worker threads. */
export function canShare(): boolean {
  if (shareable === undefined) {
    const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
    shareable = typeof g.SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false;
  }
  return shareable;
}

/** The size class of `bytes`: 64, then powers of two and 1.5× powers of two (≤ 33 % slack). */
export function sizeClass(bytes: number): number {
  if (bytes <= 64) return 64;
  // The next power of two: a shift by the leading zeros up to 2³⁰ (`2 ** x` with a variable x
  // calls the C library's pow, 2 % of a small op's time), log2 above it.
  const p = bytes <= 2 ** 30 ? 1 << (32 - Math.clz32(bytes - 1)) : 2 ** Math.ceil(Math.log2(bytes));
  const mid = (p / 4) * 3;
  return mid >= bytes ? mid : p;
}

function view<D extends DType>(dtype: D, buffer: ArrayBufferLike, length: number, byteOffset = 0): DTypeArrays[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, length) as DTypeArrays[D];
    case 'float64':
      return new Float64Array(buffer, byteOffset, length) as DTypeArrays[D];
    default:
      return new Int32Array(buffer, byteOffset, length) as DTypeArrays[D];
  }
}

/**
 * A zeroed array of `size` elements of `dtype` (from the pool when a buffer of its class is free),
 * wrapped in a store with one reference. `overwritten`: the caller writes every element before
 * anything reads one, so a reused buffer keeps its old values instead of being zeroed (zeroing the
 * seed CNN's 8 MiB conv2d output is, by estimate, a tenth of its pass).
 */
export function takeStore<D extends DType>(dtype: D, size: number, shared = false, overwritten = false): CpuStore & { array: DTypeArrays[D] } {
  // The last line of the size limits (ops and plans check theirs first, with better messages).
  checkElements(undefined, 'the tensor', size);
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  // Shared on request: classes below SHARED_MIN_BYTES are plain, so a forced one is rounded up.
  const cls = shared && canShare() ? Math.max(sizeClass(bytes), SHARED_MIN_BYTES) : sizeClass(bytes);
  if (arena && cls >= SHARED_MIN_BYTES && canShare()) {
    const store = takeRegion(arena, dtype, size, cls, overwritten);
    if (store) return store;
  }
  const list = free.get(cls);
  const last = list?.pop();
  const hit = last !== undefined;
  let array: DTypeArrays[D];
  if (last) {
    pooledBytes -= cls;
    pooledBuffers--;
    hits++;
    array = last.length === size && dtypeOfArray(last) === dtype ? (last as DTypeArrays[D]) : view(dtype, last.buffer, size);
  } else {
    misses++;
    const buffer = allocating(undefined, cls, () => (cls >= SHARED_MIN_BYTES && canShare() ? new SharedArrayBuffer(cls) : new ArrayBuffer(cls)));
    array = view(dtype, buffer, size);
  }
  liveBuffers++;
  liveBytes += cls;
  // A reused buffer holds the values of its last tensor.
  if (hit && !overwritten) array.fill(0);
  return { array: array as never, refs: 1, pooled: true };
}

/** A store over an array the caller owns: counted by nobody, never pooled. */
export function externalStore(array: TypedArray): CpuStore {
  return { array, refs: 1, pooled: false };
}

export function retain(store: CpuStore): void {
  store.refs++;
}

/** Drops one reference; the last one returns a pooled buffer to its free list (within the cap). */
export function release(store: CpuStore): void {
  if (--store.refs > 0 || !store.pooled) return;
  if (store.arena) {
    const bytes = store.bytes!;
    liveBuffers--;
    liveBytes -= bytes;
    const region: Region = { arena: store.arena, buffer: store.array.buffer as SharedArrayBuffer, byteOffset: store.array.byteOffset };
    if (pooledBytes + bytes > cap || store.arena !== arena) {
      store.arena.free(region.byteOffset);
      return;
    }
    let list = freeRegions.get(bytes);
    if (!list) freeRegions.set(bytes, (list = []));
    list.push(region);
    pooledBytes += bytes;
    pooledBuffers++;
    return;
  }
  const cls = store.array.buffer.byteLength;
  liveBuffers--;
  liveBytes -= cls;
  if (pooledBytes + cls > cap) return;
  let list = free.get(cls);
  if (!list) free.set(cls, (list = []));
  list.push(store.array);
  pooledBytes += cls;
  pooledBuffers++;
}

/** Sets the bound on pooled bytes (0 turns pooling off); frees what exceeds it. */
export function setCap(bytes: number): void {
  cap = bytes;
  if (pooledBytes <= cap) return;
  for (const [cls, list] of [...freeRegions].sort((a, b) => b[0] - a[0])) {
    while (list.length > 0 && pooledBytes > cap) giveBack(cls, list.pop()!);
  }
  for (const [cls, list] of [...free].sort((a, b) => b[0] - a[0])) {
    while (list.length > 0 && pooledBytes > cap) {
      list.pop();
      pooledBytes -= cls;
      pooledBuffers--;
    }
  }
}

/** Empties the free lists (the garbage collector takes the buffers). */
export function trim(): void {
  for (const [cls, list] of freeRegions) for (const r of list) giveBack(cls, r);
  freeRegions.clear();
  free.clear();
  pooledBytes = 0;
  pooledBuffers = 0;
}

export function cpuMemory(): CpuMemory {
  return {
    buffers: liveBuffers,
    bytes: liveBytes,
    pooled: { buffers: pooledBuffers, bytes: pooledBytes },
    cap,
    hits,
    misses,
  };
}
