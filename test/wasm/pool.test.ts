/**
 * wasm on the worker pool: with two threads and every op split, matmul, conv2d, pool2d and the
 * elementwise ops run their parts on the workers' instances of the shared module (the workers
 * count them on the job board), on operands that live in the shared wasm memory (no staging).
 * A worker whose module will not instantiate runs its parts on the js kernels, with the same
 * values. Results against the float64 references.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  add, avgPool2d, backends, closePool, configure, conv2d, matmul, maxPool2d, memory, randn, relu, zeros, type Tensor,
} from '../../src/index.js';
import { wasmCpuBackend } from '../../src/backends/wasm/index.js';
import { wasmRuntime, wasmShared } from '../../src/backends/wasm/load.js';
import { WORKER_STACK_BYTES } from '../../src/backends/wasm/runtime.js';
import { currentPool, poolStats } from '../../src/pool/control.js';
import type { PoolJob } from '../../src/pool/types.js';
import { planMatmul } from '../../src/ops/matmul.js';
import { refMatmul } from '../reference/matmul.js';
import { refConv2d } from '../reference/conv2d.js';
import { refPool2d } from '../reference/pool2d.js';
import { refBinary, refUnary } from '../reference/elementwise.js';
import { expectClose, toRef, tol } from '../util/close.js';

const info = (await backends()).find((b) => b.name === 'wasm')!;

/** Parts the workers ran on wasm kernels, and on js ones instead, across `run`. */
async function partsOf(run: () => Promise<void>): Promise<{ wasm: number; fallback: number }> {
  const before = await poolStats();
  await run();
  const after = await poolStats();
  return { wasm: (after.wasmParts ?? 0) - (before.wasmParts ?? 0), fallback: (after.wasmFallbacks ?? 0) - (before.wasmFallbacks ?? 0) };
}

/** A module that cannot instantiate (it imports a function nobody provides): `(import "env" "f" (func))`. */
const UNLINKABLE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 9, 1, 3, 0x65, 0x6e, 0x76, 1, 0x66, 0, 0]);

/**
 * Starts the pool and waits until both workers have loaded (until then a small split op runs on
 * the calling thread rather than wait for them).
 */
async function startPool(): Promise<void> {
  await configure({ threads: 2, minFlopsPerPart: 0 });
  const a = randn([64, 64]);
  const b = randn([64, 64]);
  const c = matmul(a, b, { backend: 'wasm' });
  await c.data();
  for (const t of [a, b, c]) t.dispose();
  for (let i = 0; i < 600 && (await poolStats()).loaded !== 2; i++) await new Promise((r) => setTimeout(r, 50));
  expect((await poolStats()).loaded).toBe(2);
}

/*
 * How many parts reach the workers: a small op (≤ POOL_CALLER_JOINS_MAX_FLOPS × the backend's
 * speed) runs its first part on the calling thread and the other on a worker; a larger one sends
 * both parts to the workers.
 */
describe.skipIf(!info.available)('wasm parts on the worker pool', () => {
  beforeAll(startPool);
  afterAll(() => closePool());

  it('the backend runs on the pool where its memory is shared', () => {
    expect(wasmShared()).toBeDefined();
    expect(wasmCpuBackend.onPool).toBe(true);
  });

  it.each(['float32', 'float64'] as const)('matmul %s: both parts on wasm workers, operands in the wasm memory', async (dtype) => {
    // 2·257·300·263 ≈ 4·10⁷ flops, above the joined size: both parts go to the workers.
    const a = randn([257, 300], { dtype, seed: 1 });
    const b = randn([300, 263], { dtype, seed: 2 });
    expect(wasmCpuBackend.resident!(a.storage)).toBe(true);
    expect(wasmCpuBackend.resident!(b.storage)).toBe(true);
    let c: Tensor | undefined;
    const parts = await partsOf(async () => {
      c = matmul(a, b, { backend: 'wasm' });
      await c.data();
    });
    expect(parts).toEqual({ wasm: 2, fallback: 0 });
    expect(wasmCpuBackend.resident!(c!.storage)).toBe(true);
    await expectClose(c!, refMatmul(await toRef(a), await toRef(b)), tol(dtype, 300), `matmul ${dtype}`);
  });

  it('a transposed view and a bias: parts on wasm, values right', async () => {
    const a = randn([45, 70], { seed: 3 });
    const b = randn([45, 33], { seed: 4 }).transpose();
    const bias = randn([70], { seed: 5 });
    let c: Tensor | undefined;
    const parts = await partsOf(async () => {
      c = matmul(b, a, { bias, activation: 'relu', backend: 'wasm' });
      await c.data();
    });
    expect(parts).toEqual({ wasm: 1, fallback: 0 });
    await expectClose(c!, refMatmul(await toRef(b), await toRef(a), { bias: await toRef(bias), activation: 'relu' }), tol('float32', 46), 'matmul view');
  });

  it('conv2d and both pools: parts on wasm workers', async () => {
    const x = randn([3, 4, 17, 13], { seed: 6 });
    const w = randn([5, 4, 3, 3], { seed: 7 });
    const rx = await toRef(x);
    let y: Tensor | undefined, mp: Tensor | undefined, ap: Tensor | undefined;
    const parts = await partsOf(async () => {
      y = conv2d(x, w, { padding: 1, backend: 'wasm' });
      await y.data();
      mp = maxPool2d(x, { kernel: 2, backend: 'wasm' });
      await mp.data();
      ap = avgPool2d(x, { kernel: 3, stride: 2, padding: 1, backend: 'wasm' });
      await ap.data();
    });
    expect(parts).toEqual({ wasm: 3, fallback: 0 });
    await expectClose(y!, refConv2d(rx, await toRef(w), { padding: 1 }), tol('float32', 36), 'conv2d');
    await expectClose(mp!, refPool2d('max', rx, { kernel: 2 }), tol('float32'), 'maxPool2d');
    await expectClose(ap!, refPool2d('avg', rx, { kernel: 3, stride: 2, padding: 1 }), tol('float32', 9), 'avgPool2d');
  });

  it('elementwise ranges: parts on wasm workers', async () => {
    const x = randn([129, 67], { seed: 8 });
    const y = randn([67], { seed: 9 });
    let r: Tensor | undefined, s: Tensor | undefined;
    const parts = await partsOf(async () => {
      r = relu(x, { backend: 'wasm' });
      await r.data();
      s = add(x, y, { backend: 'wasm' });
      await s.data();
    });
    expect(parts).toEqual({ wasm: 2, fallback: 0 });
    await expectClose(r!, refUnary('relu', await toRef(x)), tol('float32'), 'relu');
    await expectClose(s!, refBinary('add', await toRef(x), await toRef(y)), tol('float32'), 'add');
  });

  it('disposed tensors give their wasm blocks back to the memory pool, which reuses them', async () => {
    const a = randn([200, 150], { seed: 10 });
    const b = randn([150, 120], { seed: 11 });
    const before = memory().cpu.buffers;
    for (let i = 0; i < 4; i++) {
      const c = matmul(a, b, { backend: 'wasm' });
      await c.data();
      c.dispose();
    }
    expect(memory().cpu.buffers).toBe(before);
    const hits = memory().cpu.hits;
    const c = matmul(a, b, { backend: 'wasm' });
    await c.data();
    expect(memory().cpu.hits).toBe(hits + 1);
    expect(wasmCpuBackend.resident!(c.storage)).toBe(true);
    c.dispose();
  });

  it.each(['js', 'wasm'] as const)('small split ops on %s leave no buffer behind (the shared copy of a plain output is released)', async (backend) => {
    // An 8×8 output is a plain ArrayBuffer: split, it is computed in a shared copy and copied back.
    const a = randn([8, 8], { seed: 16 });
    const b = randn([8, 8], { seed: 17 });
    const ref = refMatmul(await toRef(a), await toRef(b));
    const before = memory().cpu.buffers;
    const parts = await partsOf(async () => {
      for (let i = 0; i < 5; i++) {
        const c = matmul(a, b, { backend });
        await expectClose(c, ref, tol('float32', 8), `matmul ${backend} ${i}`);
        c.dispose();
      }
    });
    expect(memory().cpu.buffers).toBe(before);
    if (backend === 'wasm') expect(parts).toEqual({ wasm: 5, fallback: 0 });
  });

  it('a worker whose module will not instantiate runs its part on the js kernels, with the same values', async () => {
    const pool = (await currentPool())!;
    const a = randn([80, 30], { seed: 12 });
    const b = randn([30, 60], { seed: 13 });
    const { plan } = planMatmul(a, b, {});
    const out = zeros([80, 60]);
    expect(wasmCpuBackend.resident!(out.storage)).toBe(true);
    const desc = (t: Tensor) => ({ dtype: t.dtype, shape: [...t.shape], strides: [...t.strides], offset: t.offset, storage: t.storage });
    const job: PoolJob = {
      backend: 'wasm', op: 'matmul', plan, inputs: [desc(a), desc(b)], out: out.storage, ranges: [[0, 40], [40, 80]], whole: false,
      setup: { module: new WebAssembly.Module(UNLINKABLE), memory: wasmShared()!.memory }, state: 'queued',
    };
    const before = await poolStats();
    await pool.run(job);
    const after = await poolStats();
    expect((after.wasmFallbacks ?? 0) - (before.wasmFallbacks ?? 0)).toBe(2);
    expect(after.wasmParts).toBe(before.wasmParts);
    await expectClose(out, refMatmul(await toRef(a), await toRef(b)), tol('float32', 30), 'fallback matmul');
    // The next wasm op brings the real module again: its parts run on wasm.
    let c: Tensor | undefined;
    const parts = await partsOf(async () => {
      c = matmul(a, b, { backend: 'wasm' });
      await c.data();
    });
    expect(parts).toEqual({ wasm: 1, fallback: 0 });
    await expectClose(c!, refMatmul(await toRef(a), await toRef(b)), tol('float32', 30), 'matmul after');
  });

  it('closing the pool gives the workers\' wasm stacks back to the shared heap, cycle after cycle', async () => {
    const rt = wasmRuntime();
    const a = randn([300, 200], { seed: 14 });
    const b = randn([200, 300], { seed: 15 });
    const after: number[] = [];
    for (let cycle = 0; cycle < 3; cycle++) {
      await closePool();
      await startPool();
      const c = matmul(a, b, { backend: 'wasm' });
      await c.data();
      c.dispose();
      expect((await poolStats()).wasmParts).toBeGreaterThan(0);
      const open = rt.heapInUse();
      await closePool();
      const closed = rt.heapInUse();
      // Each of the two workers held a stack of its own in the shared memory.
      expect(open - closed).toBeGreaterThanOrEqual(2 * WORKER_STACK_BYTES);
      after.push(closed);
    }
    // Nothing accumulates across pool restarts.
    expect(after[2]).toBe(after[1]);
    await startPool();
  });
});
