/**
 * Shared by the webgpu tests: whether the real webgpu backend runs here (and why not), and a
 * mocked GPU (navigator.gpu-like) that records what the backend asks of it.
 */
/// <reference types="@webgpu/types" />
import { backends } from '../../src/index.js';

const row = (await backends()).find((b) => b.name === 'webgpu')!;
if (!row.available) {
  if (process.env.LEPTON_REQUIRE_WEBGPU === '1') {
    throw new Error(`LEPTON_REQUIRE_WEBGPU=1 but the webgpu backend is unavailable: ${row.reason}`);
  }
  console.log(`webgpu tests skipped: ${row.reason}`);
}
/** True when a real (or software) WebGPU adapter runs here. */
export const hasGpu = row.available;

export interface MockOptions {
  /** requestAdapter() resolves to null. */
  noAdapter?: boolean;
  /** popErrorScope() reports a validation error for shader modules whose label is listed. */
  failShaders?: string[];
  /** mapAsync never resolves (to test device loss during a read). */
  hangReads?: boolean;
}

export interface MockGpu {
  gpu: GPU;
  /** Labels of the shader modules compiled, in order. */
  compiled: string[];
  submits: number;
  /** Makes device.lost resolve. */
  loseDevice(message: string): void;
}

/** A GPU whose device runs nothing: enough surface for the backend's plumbing, counting calls. */
export function mockGpu(options: MockOptions = {}): MockGpu {
  const compiled: string[] = [];
  let lose!: (info: GPUDeviceLostInfo) => void;
  let pendingError: GPUError | null = null;
  const limits = {
    maxStorageBufferBindingSize: 1 << 27,
    maxBufferSize: 1 << 28,
    maxComputeWorkgroupsPerDimension: 65535,
  };
  const state: MockGpu = {
    compiled,
    submits: 0,
    loseDevice: (message) => lose({ reason: 'unknown', message } as GPUDeviceLostInfo),
    gpu: undefined as unknown as GPU,
  };
  const buffer = (size: number) => ({
    size,
    destroy() {},
    unmap() {},
    getMappedRange: () => new ArrayBuffer(size),
    mapAsync: () => (options.hangReads ? new Promise<void>(() => {}) : Promise.resolve()),
  });
  const pass = { setPipeline() {}, setBindGroup() {}, dispatchWorkgroups() {}, end() {} };
  const device = {
    limits,
    lost: new Promise<GPUDeviceLostInfo>((r) => (lose = r)),
    onuncapturederror: null,
    queue: { writeBuffer() {}, submit: () => void state.submits++ },
    createBuffer: ({ size }: { size: number }) => buffer(size),
    pushErrorScope() {},
    popErrorScope: async () => {
      const e = pendingError;
      pendingError = null;
      return e;
    },
    createShaderModule: ({ label }: { label?: string }) => {
      compiled.push(label ?? '');
      if (options.failShaders?.includes(label ?? '')) pendingError = { message: `mock: shader '${label}' is invalid` } as GPUError;
      return { getCompilationInfo: async () => ({ messages: [] }) };
    },
    createComputePipeline: () => ({ getBindGroupLayout: () => ({}) }),
    createBindGroup: () => ({}),
    createCommandEncoder: () => ({ beginComputePass: () => pass, copyBufferToBuffer() {}, finish: () => ({}) }),
  };
  state.gpu = {
    requestAdapter: async () => (options.noAdapter ? null : { limits, requestDevice: async () => device }),
  } as unknown as GPU;
  return state;
}
