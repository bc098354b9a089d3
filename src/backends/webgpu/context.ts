/// <reference types="@webgpu/types" />
/**
 * One WebGPU device and everything shared by the webgpu kernels: the buffer pool (size classes,
 * handles counted per tensor), the pipeline cache (one per shader + override set, compiled inside
 * a validation error scope), the command batching (ops append compute passes to one pending
 * encoder that is submitted when the event loop turns, when values are read back, or when the
 * uniform slots run out) and device loss (in-flight reads reject with DeviceLostError).
 *
 * Hazards and why they cannot happen here:
 * - Uniforms: every dispatch has its own 256-byte slot of one uniform buffer; the slots are
 *   written with one writeBuffer just before the submit, and the next batch's write is queued
 *   after that submit, so no dispatch sees another's parameters.
 * - Pooled buffers: a buffer released while the pending encoder may still use it is quarantined
 *   until that encoder is submitted, so an upload (queue.writeBuffer, which runs before the
 *   pending submit) never lands in a buffer that earlier encoded work still reads.
 */
import { DTypeError, DeviceLostError, LeptonError, ShapeError } from '../../errors.js';
import { allocate, viewOf, type DType, type DTypeArrays } from '../../dtype.js';
import { formatShape, sizeOf } from '../../shape.js';
import { Tensor, copyStrided, type GpuStorage } from '../../tensor.js';
import { WEBGPU } from '../../tuning.js';

// GPUBufferUsage / GPUMapMode values (spelled out so that no WebGPU global is needed).
const USAGE_MAP_READ = 0x1;
const USAGE_COPY_SRC = 0x4;
const USAGE_COPY_DST = 0x8;
const USAGE_UNIFORM = 0x40;
const USAGE_STORAGE = 0x80;
const MAP_READ = 0x1;

/** Bytes of one dispatch's uniform slot (minUniformBufferOffsetAlignment is at most 256). */
const SLOT = 256;

/** Live GPU memory, as memory() reports it. */
export interface GpuMemory {
  /** Tensor handles on the GPU not yet disposed (views count separately). */
  tensors: number;
  /** GPU buffers held by those tensors. */
  buffers: number;
  /** Bytes of those buffers (size classes, so a little over the tensors' sizes). */
  bytes: number;
  /** Buffers kept in the pool for reuse, and their bytes. */
  pooled: { buffers: number; bytes: number };
  /** Compute pipelines compiled so far. */
  pipelines: number;
}

/** A compiled kernel: the pipeline and the name errors use. */
export interface Pipeline {
  readonly name: string;
  readonly pipeline: GPUComputePipeline;
}

/** One kernel launch: storage buffers bound at 0..n-1, the uniform Params at binding n. */
export interface Launch {
  pipeline: Pipeline;
  buffers: readonly GPUBuffer[];
  /** The Params struct, ≤ 256 bytes (a Uint32Array; floats are written through a Float32Array view of it). */
  params: Uint32Array;
  workgroups: readonly [number, number, number];
}

/** A GPU buffer counted by tensor handles. The last release gives it back to the pool. */
export class PooledStorage implements GpuStorage {
  #refs = 0;
  constructor(
    readonly ctx: GpuContext,
    readonly buffer: GPUBuffer,
    readonly bytes: number,
  ) {}

  retain(): void {
    if (this.#refs === 0) this.ctx.onLive(this, +1);
    this.#refs++;
    this.ctx.tensors++;
  }

  release(): void {
    if (this.#refs <= 0) return;
    this.#refs--;
    this.ctx.tensors--;
    if (this.#refs === 0) {
      this.ctx.onLive(this, -1);
      this.ctx.recycle(this.buffer);
    }
  }

  read<D extends DType>(t: Tensor<D>): Promise<DTypeArrays[D]> {
    return this.ctx.read(t);
  }

  contiguous<D extends DType>(t: Tensor<D>): Tensor<D> {
    return this.ctx.copyContiguous(t);
  }
}

/** Rounds a byte count up to its size class: a power of two, at least 256 bytes. */
export function sizeClass(bytes: number): number {
  let c = 256;
  while (c < bytes) c *= 2;
  return c;
}

export class GpuContext {
  readonly device: GPUDevice;
  /** Set once the device is lost: every later use throws DeviceLostError with it. */
  lostReason: string | undefined;
  tensors = 0;
  #liveBuffers = 0;
  #liveBytes = 0;
  readonly #free = new Map<number, GPUBuffer[]>();
  #freeBytes = 0;
  #quarantine: GPUBuffer[] = [];
  readonly #pipelines = new Map<string, Promise<Pipeline>>();
  #compiled = 0;
  #encoder: GPUCommandEncoder | undefined;
  readonly #params: Uint32Array;
  readonly #paramsBuffer: GPUBuffer;
  #slot = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #reads = new Set<(e: Error) => void>();
  #uncaptured: string | undefined;
  /** The strided-copy pipeline, compiled at start so that the synchronous contiguous() can use it. */
  copyPipeline: Pipeline | undefined;
  /** Largest buffer this device takes, in bytes. */
  readonly maxBytes: number;
  /** Bound where a shader's optional input (a bias) is absent. */
  readonly dummy: GPUBuffer;

  /** `owners`: objects the device must not outlive (the GPU and adapter objects). */
  constructor(
    device: GPUDevice,
    readonly owners: readonly unknown[] = [],
  ) {
    this.device = device;
    this.maxBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    this.#params = new Uint32Array((WEBGPU.UNIFORM_SLOTS * SLOT) / 4);
    this.#paramsBuffer = device.createBuffer({
      label: 'lepton params',
      size: WEBGPU.UNIFORM_SLOTS * SLOT,
      usage: USAGE_UNIFORM | USAGE_COPY_DST,
    });
    this.dummy = device.createBuffer({ label: 'lepton dummy', size: 256, usage: USAGE_STORAGE });
    void device.lost.then((info) => this.#onLost(`the GPU device was lost (${info.reason}): ${info.message || 'no message'}`));
    device.onuncapturederror = (event: GPUUncapturedErrorEvent) => {
      this.#uncaptured ??= event.error.message;
    };
  }

  #onLost(reason: string): void {
    this.lostReason = reason;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#encoder = undefined;
    for (const reject of this.#reads) reject(new DeviceLostError(undefined, reason, 'Recreate the tensors once WebGPU is available again, or use a CPU backend'));
    this.#reads.clear();
  }

  /** Throws DeviceLostError once the device is gone. */
  checkLost(op: string | undefined): void {
    if (this.lostReason !== undefined) {
      throw new DeviceLostError(op, this.lostReason, 'Recreate the tensors once WebGPU is available again, or use a CPU backend');
    }
  }

  // ─────────────────────────────── memory ───────────────────────────────

  onLive(s: PooledStorage, delta: 1 | -1): void {
    this.#liveBuffers += delta;
    this.#liveBytes += delta * s.bytes;
  }

  memory(): GpuMemory {
    return {
      tensors: this.tensors,
      buffers: this.#liveBuffers,
      bytes: this.#liveBytes,
      pooled: { buffers: [...this.#free.values()].reduce((n, l) => n + l.length, 0), bytes: this.#freeBytes },
      pipelines: this.#compiled,
    };
  }

  /** A storage buffer of at least `bytes` bytes, from the pool when one of its class is free. */
  acquire(op: string, bytes: number): GPUBuffer {
    this.checkLost(op);
    const size = sizeClass(bytes);
    if (bytes > this.maxBytes) {
      throw new ShapeError(op, `a ${bytes}-byte tensor exceeds this GPU's largest storage buffer (${this.maxBytes} bytes)`,
        'Split the work, or use a CPU backend');
    }
    const list = this.#free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.#freeBytes -= size;
      return reused;
    }
    return this.device.createBuffer({ size: Math.min(size, Math.max(this.maxBytes, 256)), usage: USAGE_STORAGE | USAGE_COPY_SRC | USAGE_COPY_DST });
  }

  /** Gives a buffer back: to quarantine while a batch is pending (see the header), else to the pool. */
  recycle(buffer: GPUBuffer): void {
    if (this.lostReason !== undefined) return;
    if (this.#encoder) this.#quarantine.push(buffer);
    else this.#toPool(buffer);
  }

  #toPool(buffer: GPUBuffer): void {
    const size = buffer.size;
    if (this.#freeBytes + size > WEBGPU.POOL_BYTES) {
      buffer.destroy();
      return;
    }
    const list = this.#free.get(size);
    if (list) list.push(buffer);
    else this.#free.set(size, [buffer]);
    this.#freeBytes += size;
  }

  /** A new GPU tensor of `shape`, on a buffer from the pool (contents undefined until a kernel writes it). */
  empty<D extends DType>(op: string, dtype: D, shape: readonly number[]): Tensor<D> {
    const bytes = Math.max(sizeOf(shape) * 4, 4);
    const buffer = this.acquire(op, bytes);
    return new Tensor(dtype, shape, new PooledStorage(this, buffer, buffer.size));
  }

  /** A GPU tensor holding `t`'s values (a CPU tensor, any strides). Synchronous: queue.writeBuffer. */
  upload<D extends DType>(op: string, t: Tensor<D>): Tensor<D> {
    checkDtype(op, t.dtype);
    const out = this.empty(op, t.dtype, t.shape);
    if (t.size > 0) {
      const data = viewOf(t.dtype, new ArrayBuffer(t.size * 4), 0, t.size);
      copyStrided(t, data);
      this.device.queue.writeBuffer(bufferOf(out), 0, data.buffer, 0, t.size * 4);
    }
    return out;
  }

  // ─────────────────────────────── pipelines ───────────────────────────────

  /**
   * The pipeline for `shader` with `constants`, compiled once and cached by name + constants.
   * Compilation runs inside a validation error scope; a failure is a GPU_FAILURE naming the kernel.
   */
  pipeline(name: string, code: string, constants: Record<string, number> = {}): Promise<Pipeline> {
    const key = `${name}|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(',')}`;
    let p = this.#pipelines.get(key);
    if (!p) {
      p = this.#compile(name, key, code, constants);
      this.#pipelines.set(key, p);
      p.catch(() => this.#pipelines.delete(key));
    }
    return p;
  }

  async #compile(name: string, key: string, code: string, constants: Record<string, number>): Promise<Pipeline> {
    this.checkLost(name);
    const device = this.device;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: name, code });
    const pipeline = device.createComputePipeline({ label: key, layout: 'auto', compute: { module, entryPoint: 'main', constants } });
    const error = await device.popErrorScope();
    if (error) {
      let detail = error.message;
      try {
        const info = await module.getCompilationInfo();
        const lines = info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
        if (lines.length) detail += ` (${lines.join('; ')})`;
      } catch {
        // getCompilationInfo is optional detail; the scope's error above is the report.
      }
      throw new LeptonError('GPU_FAILURE', name, `the WebGPU pipeline for shader '${name}' failed validation: ${detail}`,
        'This is a bug in lepton-compute; please report it with this message');
    }
    this.#compiled++;
    return { name, pipeline };
  }

  // ─────────────────────────────── encoding ───────────────────────────────

  /** Appends one compute dispatch to the pending batch (nothing runs until the batch is submitted). */
  launch({ pipeline, buffers, params, workgroups }: Launch): void {
    this.checkLost(pipeline.name);
    const [x, y, z] = workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    if (this.#slot === WEBGPU.UNIFORM_SLOTS) this.flush();
    const slot = this.#slot++;
    this.#params.set(params, (slot * SLOT) / 4);
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    entries.push({ binding: buffers.length, resource: { buffer: this.#paramsBuffer, offset: slot * SLOT, size: SLOT } });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.pipeline.getBindGroupLayout(0), entries });
    const pass = this.#pending().beginComputePass({ label: pipeline.name });
    pass.setPipeline(pipeline.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
  }

  /** Splits a count of workgroups over x and y when it exceeds the per-dimension limit. */
  grid(groups: number): [number, number, number] {
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    if (groups <= max) return [groups, 1, 1];
    return [max, Math.ceil(groups / max), 1];
  }

  #pending(): GPUCommandEncoder {
    if (!this.#encoder) {
      this.#encoder = this.device.createCommandEncoder({ label: 'lepton batch' });
      this.#timer = setTimeout(() => this.flush(), 0);
    }
    return this.#encoder;
  }

  /** Submits the pending batch, if any. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const encoder = this.#encoder;
    if (!encoder || this.lostReason !== undefined) return;
    this.#encoder = undefined;
    if (this.#slot > 0) this.device.queue.writeBuffer(this.#paramsBuffer, 0, this.#params.buffer, 0, this.#slot * SLOT);
    this.#slot = 0;
    this.device.queue.submit([encoder.finish()]);
    const released = this.#quarantine;
    this.#quarantine = [];
    for (const b of released) this.#toPool(b);
  }

  /** A row-major GPU copy of a strided GPU view (the `copy` shader; no readback). */
  copyContiguous<D extends DType>(t: Tensor<D>): Tensor<D> {
    this.checkLost('contiguous');
    const out = this.empty('contiguous', t.dtype, t.shape);
    if (t.size > 0) {
      const params = new Uint32Array(21);
      stridedParams(params, 0, t);
      params[20] = t.size;
      this.launch({
        pipeline: this.copyPipeline!,
        buffers: [bufferOf(t), bufferOf(out)],
        params,
        workgroups: this.grid(Math.ceil(t.size / WEBGPU.WORKGROUP)),
      });
    }
    return out;
  }

  /** Reads a GPU tensor back, row-major. Rejects with DeviceLostError when the device goes. */
  async read<D extends DType>(t: Tensor<D>): Promise<DTypeArrays[D]> {
    this.checkLost('data');
    const src = t.isContiguous ? t : this.copyContiguous(t);
    const start = src === t ? t.offset * 4 : 0;
    const bytes = t.size * 4;
    // allocate(): a SharedArrayBuffer where one can be shared, like every CPU tensor's storage.
    const result = allocate(t.dtype, t.size);
    if (bytes === 0) {
      if (src !== t) src.dispose();
      return result;
    }
    const staging = this.device.createBuffer({ label: 'lepton readback', size: Math.ceil(bytes / 4) * 4, usage: USAGE_MAP_READ | USAGE_COPY_DST });
    this.#pending().copyBufferToBuffer(bufferOf(src), start, staging, 0, bytes);
    if (src !== t) src.dispose();
    this.flush();
    let reject!: (e: Error) => void;
    const lost = new Promise<never>((_, r) => (reject = r));
    this.#reads.add(reject);
    try {
      await Promise.race([staging.mapAsync(MAP_READ), lost]);
    } catch (e) {
      this.checkLost('data');
      throw new LeptonError('GPU_FAILURE', 'data', `reading a ${formatShape(t.shape)} tensor back from the GPU failed: ${(e as Error).message}`, undefined, { cause: e });
    } finally {
      this.#reads.delete(reject);
    }
    if (this.#uncaptured !== undefined) {
      const message = this.#uncaptured;
      this.#uncaptured = undefined;
      staging.destroy();
      throw new LeptonError('GPU_FAILURE', 'data', `a GPU command failed validation: ${message}`, 'This is a bug in lepton-compute; please report it');
    }
    new Uint8Array(result.buffer, result.byteOffset, bytes).set(new Uint8Array(staging.getMappedRange(0, bytes)));
    staging.unmap();
    staging.destroy();
    return result;
  }
}

/** The GPUBuffer under a GPU tensor. */
export function bufferOf(t: Tensor): GPUBuffer {
  const s = t.gpuStorage;
  if (!(s instanceof PooledStorage)) throw new Error('lepton-compute internal error: a CPU tensor reached a GPU binding');
  return s.buffer;
}

/** float64 has no WGSL type: DTypeError naming the op. */
export function checkDtype(op: string, dtype: DType): void {
  if (dtype === 'float64') {
    throw new DTypeError(op, 'float64 is not supported on webgpu (WGSL has no 64-bit float); received a float64 tensor',
      "Use a CPU backend ({ backend: 'js' }) for float64, or convert the data to float32");
  }
}

/** Maximum rank of a strided operand in the elementwise shaders (two vec4<u32> of shape and strides). */
export const MAX_RANK = 8;

/**
 * Writes a strided operand at word `at` as the shaders read it:
 * `rank, offset, _, _, shape: array<vec4<u32>, 2>, strides: array<vec4<u32>, 2>` (20 words),
 * with `shape`/`strides` overriding the tensor's own (broadcast strides).
 */
export function stridedParams(params: Uint32Array, at: number, t: Tensor, shape: readonly number[] = t.shape, strides: readonly number[] = t.strides): void {
  params[at] = shape.length;
  params[at + 1] = t.offset;
  for (let d = 0; d < shape.length; d++) {
    params[at + 4 + d] = shape[d]!;
    params[at + 12 + d] = strides[d]!;
  }
}
