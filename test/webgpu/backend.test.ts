/**
 * The backend's plumbing on a mocked GPU (no adapter needed): the probe's reasons, the pipeline
 * cache, validation errors surfacing as GPU_FAILURE, and device loss.
 */
import { describe, expect, it } from 'vitest';
import { planUnary } from '../../src/ops/unary.js';
import { planBinary } from '../../src/ops/binary.js';
import { tensor } from '../../src/index.js';
import { createWebGpuBackend } from '../../src/backends/webgpu/index.js';
import { mockGpu } from './gpu.js';

const x = tensor([1, -2, 3]);

describe('webgpu backend on a mocked GPU', () => {
  it('no adapter: probe reports webgpu unavailable with the reason, and kernels say so', async () => {
    const backend = createWebGpuBackend({ gpu: mockGpu({ noAdapter: true }).gpu });
    const probe = await backend.probe();
    expect(probe.ok).toBe(false);
    expect(!probe.ok && probe.reason).toMatch(/no WebGPU adapter/);
    await expect(backend.kernels.unary!(planUnary('relu', x), [x])).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });

  it('a GPU that throws on start is a reason, not a throw', async () => {
    const backend = createWebGpuBackend({ gpu: async () => { throw new Error('boom'); } });
    expect(await backend.probe()).toEqual({ ok: false, reason: 'WebGPU failed to start: boom' });
  });

  it('compiles each shader once per override set, however many calls use it', async () => {
    const mock = mockGpu();
    const backend = createWebGpuBackend({ gpu: mock.gpu });
    expect((await backend.probe()).ok).toBe(true);
    expect(mock.compiled).toEqual(['copy']);
    for (let i = 0; i < 5; i++) {
      await backend.kernels.unary!(planUnary('relu', x), [x]);
      await backend.kernels.unary!(planUnary('sigmoid', x), [x]);
      await backend.kernels.binary!(planBinary('add', x, x), [x, x]);
    }
    expect(mock.compiled).toEqual(['copy', 'unary', 'binary']);
    expect(backend.memory().pipelines).toBe(3);
  });

  it('concurrent first calls share one compilation', async () => {
    const mock = mockGpu();
    const backend = createWebGpuBackend({ gpu: mock.gpu });
    await Promise.all(Array.from({ length: 4 }, () => backend.kernels.unary!(planUnary('relu', x), [x])));
    expect(mock.compiled.filter((n) => n === 'unary')).toHaveLength(1);
  });

  it('a shader that fails validation is a GPU_FAILURE naming the kernel, never swallowed', async () => {
    const backend = createWebGpuBackend({ gpu: mockGpu({ failShaders: ['binary'] }).gpu });
    const call = backend.kernels.binary!(planBinary('add', x, x), [x, x]);
    await expect(call).rejects.toMatchObject({ code: 'GPU_FAILURE' });
    await expect(backend.kernels.binary!(planBinary('add', x, x), [x, x])).rejects.toThrow(
      /binary: the WebGPU pipeline for shader 'binary' failed validation: mock: shader 'binary' is invalid/,
    );
    // Other kernels still run.
    await expect(backend.kernels.unary!(planUnary('relu', x), [x])).resolves.toBeDefined();
  });

  it('a lost device rejects the read in flight with DeviceLostError and marks the backend unavailable', async () => {
    const mock = mockGpu({ hangReads: true });
    const backend = createWebGpuBackend({ gpu: mock.gpu });
    const y = await backend.kernels.unary!(planUnary('relu', x), [x]);
    const reading = y.data();
    mock.loseDevice('GPU hung');
    await expect(reading).rejects.toMatchObject({ code: 'DEVICE_LOST' });
    await expect(reading).rejects.toThrow(/GPU hung/);
    const probe = await backend.probe();
    expect(probe.ok).toBe(false);
    expect(!probe.ok && probe.reason).toMatch(/lost.*GPU hung/);
    await expect(backend.kernels.unary!(planUnary('relu', x), [x])).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });

  it('batches dispatches: several kernels in one turn are one submission', async () => {
    const mock = mockGpu();
    const backend = createWebGpuBackend({ gpu: mock.gpu });
    await backend.probe();
    const ctx = await backend.context('test');
    await backend.kernels.unary!(planUnary('relu', x), [x]); // compiles
    await backend.kernels.binary!(planBinary('add', x, x), [x, x]);
    ctx.flush();
    const before = mock.submits;
    const a = await backend.kernels.unary!(planUnary('relu', x), [x]);
    const b = await backend.kernels.binary!(planBinary('add', a, a), [a, a]);
    await backend.kernels.unary!(planUnary('sigmoid', b), [b]);
    expect(mock.submits).toBe(before);
    ctx.flush();
    expect(mock.submits).toBe(before + 1);
  });
});
