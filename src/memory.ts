/** memory(): what the library holds on each device, for leak checks and dashboards. */
import { webgpuBackend } from './backends/webgpu/default.js';
import type { GpuMemory } from './backends/webgpu/context.js';

export type { GpuMemory };

export interface MemoryInfo {
  /**
   * GPU tensors not yet disposed, the buffers and bytes they hold, what the buffer pool keeps for
   * reuse, and the pipelines compiled (all zero before WebGPU starts). CPU tensors are not
   * counted: their memory is the garbage collector's.
   */
  webgpu: GpuMemory;
}

/**
 * Live memory per backend. After every GPU tensor is disposed, `webgpu.tensors` and
 * `webgpu.buffers` are 0 (pooled buffers are kept for reuse, not leaked).
 * @example
 * const before = memory().webgpu.buffers;
 * (await relu(x)).dispose();
 * memory().webgpu.buffers === before;          // true
 */
export function memory(): MemoryInfo {
  return { webgpu: webgpuBackend.memory() };
}
