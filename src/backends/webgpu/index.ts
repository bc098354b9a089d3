/**
 * The webgpu backend: WGSL kernels (shaders/*.wgsl, inlined by shaders/embed.mjs) driven through
 * the WebGPU API. The GPU is injected: `createWebGpuBackend({ gpu })`; by default
 * `navigator.gpu` in a browser, and in Node the optional `webgpu` package (Dawn's bindings),
 * imported lazily inside the probe so that importing lepton-compute never needs it.
 * float32 everywhere, int32 where the js backend has it; float64 is a DTypeError.
 */
import { BackendUnavailableError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import type { GpuBackend, Probe } from '../backend.js';
import { GpuContext, type GpuMemory } from './context.js';
import { conv2d } from './conv2d.js';
import { binary, unary } from './elementwise.js';
import { matmul } from './matmul.js';
import { pool2d } from './pool2d.js';
import { reduce } from './reduce.js';
import { cholesky, onHostFallback, ridge, solveSPD } from './linalg.js';
import { copyWgsl } from './shaders.gen.js';
import { where } from './where.js';
import { softmax } from './softmax.js';
import { batchNorm } from './batch-norm.js';
import { layerNorm } from './layer-norm.js';
import { concat, gather, remap } from './shape.js';
import { WEBGPU } from '../../tuning.js';
import { probeInChild } from '#webgpu-probe';

export interface WebGpuOptions {
  /**
   * The GPU to use (a `navigator.gpu`-like object), or a function that returns one. Default:
   * `navigator.gpu`, else (Node) `create([])` from the optional `webgpu` package.
   */
  gpu?: GPU | (() => Promise<GPU>);
  /** Passed to `requestAdapter`. */
  adapter?: GPURequestAdapterOptions;
}

export interface WebGpuBackend extends GpuBackend {
  /** The initialised context (probing first); throws BackendUnavailableError when WebGPU cannot run. */
  context(op: string): Promise<GpuContext>;
  /** The context when the device is already initialised (for the synchronous `tensor(..., { device: 'webgpu' })`). */
  current(): GpuContext | undefined;
  /** Live GPU memory (zeros before the device starts). */
  memory(): GpuMemory;
}

/** navigator.gpu where the environment has one. */
function navigatorGpu(): GPU | undefined {
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
}

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** The GPU this environment offers, or the reason it has none. */
async function defaultGpu(): Promise<GPU> {
  const nav = navigatorGpu();
  if (nav) return nav;
  if (!isNode()) throw new Error('navigator.gpu is absent: this browser has no WebGPU (or it is disabled)');
  // A variable specifier: bundlers and tsc leave the optional package alone.
  const name = 'webgpu';
  let mod: { create(options: string[]): GPU };
  try {
    mod = (await import(name)) as { create(options: string[]): GPU };
  } catch (e) {
    throw new Error(`the optional package 'webgpu' (Dawn for Node) could not be loaded (${(e as Error).message}); install it with "npm install webgpu@0.6.2"`);
  }
  return mod.create([]);
}

/** A webgpu backend on the given GPU (see WebGpuOptions). The library's default instance uses the defaults. */
export function createWebGpuBackend(options: WebGpuOptions = {}): WebGpuBackend {
  let ctx: GpuContext | undefined;
  let started: Promise<Probe> | undefined;

  async function start(): Promise<Probe> {
    try {
      // Node with Dawn: look for an adapter in a child process first, so that a machine without
      // a GPU hears nothing of Dawn's and the Vulkan loader's warnings (see node-probe.ts).
      if (options.gpu === undefined && !navigatorGpu() && isNode() && process.env['LEPTON_WEBGPU_PROBE'] !== 'inline') {
        const child = await probeInChild(options.adapter);
        if (child && !child.ok) return child;
      }
      const gpu = typeof options.gpu === 'function' ? await options.gpu() : (options.gpu ?? (await defaultGpu()));
      const adapter = await gpu.requestAdapter(options.adapter);
      if (!adapter) {
        return {
          ok: false,
          reason:
            'no WebGPU adapter found (no GPU, or no driver WebGPU can use). In Node on Linux without a GPU, install a software Vulkan driver (e.g. chromium\'s SwiftShader) and set VK_DRIVER_FILES',
        };
      }
      const device = await adapter.requestDevice({
        label: 'lepton-compute',
        requiredLimits: {
          maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
          maxBufferSize: adapter.limits.maxBufferSize,
        },
      });
      // Dawn for Node tears the device down when its GPU (instance) or adapter is garbage
      // collected, so the context holds both.
      const context = new GpuContext(device, [gpu, adapter]);
      context.copyPipeline = await context.pipeline('copy', copyWgsl, { WG: WEBGPU.WORKGROUP });
      ctx = context;
      return { ok: true };
    } catch (e) {
      return { ok: false, reason: `WebGPU failed to start: ${(e as Error).message}` };
    }
  }

  const probe = async (): Promise<Probe> => {
    started ??= start();
    const p = await started;
    if (p.ok && ctx?.lostReason !== undefined) return { ok: false, reason: ctx.lostReason };
    return p;
  };

  async function context(op: string): Promise<GpuContext> {
    const p = await probe();
    if (!p.ok) {
      throw new BackendUnavailableError(op, `backend 'webgpu' is unavailable: ${p.reason}`,
        'Call backends() to see which backends run here, or use a CPU backend');
    }
    return ctx!;
  }

  const on =
    <P, I extends readonly (Tensor | undefined)[]>(fn: (ctx: GpuContext, plan: P, inputs: I) => Promise<Tensor>, op: string) =>
    async (plan: P, inputs: I): Promise<Tensor> =>
      fn(await context(op), plan, inputs);

  let settled: Probe | undefined;
  return Object.freeze({
    kind: 'gpu' as const,
    name: 'webgpu' as const,
    probe: async (): Promise<Probe> => (settled = await probe()),
    probed: (): Probe | undefined => (settled && settled.ok && ctx?.lostReason !== undefined ? { ok: false, reason: ctx.lostReason } : settled),
    context,
    current: () => (ctx && ctx.lostReason === undefined ? ctx : undefined),
    memory: (): GpuMemory => ctx?.memory() ?? { tensors: 0, buffers: 0, bytes: 0, pooled: { buffers: 0, bytes: 0 }, pipelines: 0 },
    kernels: Object.freeze({
      matmul: on(matmul, 'matmul'),
      conv2d: on(conv2d, 'conv2d'),
      pool2d: on(pool2d, 'pool2d'),
      unary: on(unary, 'unary'),
      binary: on(binary, 'binary'),
      reduce: on(reduce, 'reduce'),
      cholesky: on(cholesky, 'linalg.cholesky'),
      solveSPD: on(solveSPD, 'linalg.solveSPD'),
      ridge: on(ridge, 'ridge'),
      where: on(where, 'where'),
      softmax: on(softmax, 'softmax'),
      batchNorm: on(batchNorm, 'batchNorm'),
      layerNorm: on(layerNorm, 'layerNorm'),
      remap: on(remap, 'remap'),
      concat: on(concat, 'concat'),
      gather: on(gather, 'gather'),
      // The general linear algebra and the FFT: the CPU fallback (linalg.ts), inputs read back once.
      solve: on(onHostFallback('solve', () => 'linalg.solve'), 'linalg.solve'),
      lu: on(onHostFallback('lu', () => 'linalg.lu'), 'linalg.lu'),
      inv: on(onHostFallback('inv', () => 'linalg.inv'), 'linalg.inv'),
      det: on(onHostFallback('det', () => 'linalg.det'), 'linalg.det'),
      slogdet: on(onHostFallback('slogdet', () => 'linalg.slogdet'), 'linalg.slogdet'),
      qr: on(onHostFallback('qr', () => 'linalg.qr'), 'linalg.qr'),
      lstsq: on(onHostFallback('lstsq', () => 'linalg.lstsq'), 'linalg.lstsq'),
      svd: on(onHostFallback('svd', (p) => (p.vectors ? 'linalg.svd' : 'linalg.svdvals')), 'linalg.svd'),
      pinv: on(onHostFallback('pinv', () => 'linalg.pinv'), 'linalg.pinv'),
      matrixRank: on(onHostFallback('matrixRank', () => 'linalg.matrixRank'), 'linalg.matrixRank'),
      triangularSolve: on(onHostFallback('triangularSolve', () => 'linalg.triangularSolve'), 'linalg.triangularSolve'),
      eigh: on(onHostFallback('eigh', () => 'linalg.eigh'), 'linalg.eigh'),
      fft: on(onHostFallback('fft', (p) => p.kind), 'fft'),
    }),
  });
}
