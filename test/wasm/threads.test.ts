/**
 * wasm kernels on several threads over one shared WebAssembly.Memory: operands and output are
 * allocated inside the memory (wasmAlloc), two worker_threads instantiate the shared build against
 * it (wasmWorkerBackend) and each computes half of the output's rows in place. Checked against the
 * reference; the workers' stacks and scratch go back to the heap.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../src/index.js';
import { wasmAlloc } from '../../src/backends/wasm/alloc.js';
import { wasmRangeKernels } from '../../src/backends/wasm/index.js';
import { loadWasm, wasmShared } from '../../src/backends/wasm/load.js';
import { planMatmul } from '../../src/ops/matmul.js';
import { planConv2d } from '../../src/ops/conv2d.js';
import { Tensor } from '../../src/tensor.js';
import { refMatmul } from '../reference/matmul.js';
import { refConv2d } from '../reference/conv2d.js';
import { tol } from '../util/close.js';

const info = (await backends()).find((b) => b.name === 'wasm')!;

function spawn(init: { module: WebAssembly.Module; memory: WebAssembly.Memory }): Worker {
  const hook = createRequire(import.meta.url).resolve('tsx/cjs');
  const source = fileURLToPath(new URL('./thread-worker.ts', import.meta.url));
  return new Worker(`require(${JSON.stringify(hook)}); require(${JSON.stringify(source)});`, { eval: true, workerData: init });
}

function ask(w: Worker, message: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.postMessage(message);
  });
}

const desc = (t: Tensor) => ({ dtype: t.dtype, shape: [...t.shape], strides: [...t.strides], offset: t.offset, storage: t.storage });

function fill(view: Float32Array | Float64Array, seed: number): Float64Array {
  for (let i = 0; i < view.length; i++) view[i] = Math.sin(seed * 1000 + i * 0.37);
  return Float64Array.from(view);
}

describe.skipIf(!info.available)('wasm on threads, shared memory', () => {
  let workers: Worker[] = [];
  let shared: { module: WebAssembly.Module; memory: WebAssembly.Memory };
  let heapBefore = 0;

  beforeAll(async () => {
    const r = await loadWasm();
    if (!r.ok) throw new Error(r.reason);
    expect(r.runtime.shared).toBe(true);
    shared = wasmShared()!;
    heapBefore = r.runtime.heapInUse();
    workers = [spawn(shared), spawn(shared)];
  });

  afterAll(async () => {
    for (const w of workers) await w.terminate();
  });

  it.each(['float32', 'float64'] as const)('matmul %s: two workers, half the rows each, in place', async (dtype) => {
    const m = 131, k = 67, n = 97;
    const a = wasmAlloc(dtype, m * k), b = wasmAlloc(dtype, k * n), c = wasmAlloc(dtype, m * n);
    const ra = fill(a.view as Float32Array | Float64Array, 1), rb = fill(b.view as Float32Array | Float64Array, 2);
    const at = new Tensor(dtype, [m, k], a.view), bt = new Tensor(dtype, [k, n], b.view);
    const { plan } = planMatmul(at, bt, {});
    const half = 66;
    const replies = await Promise.all([
      ask(workers[0]!, { op: 'matmul', plan, inputs: [desc(at), desc(bt)], out: c.view, begin: 0, end: half }),
      ask(workers[1]!, { op: 'matmul', plan, inputs: [desc(at), desc(bt)], out: c.view, begin: half, end: m }),
    ]);
    expect(replies).toEqual([{ done: true, inPlace: true }, { done: true, inPlace: true }]);
    const ref = refMatmul({ data: ra, shape: [m, k] }, { data: rb, shape: [k, n] });
    const t = tol(dtype, k);
    for (let i = 0; i < m * n; i++) {
      const want = ref.data[i]!;
      expect(Math.abs(c.view[i]! - want)).toBeLessThanOrEqual(t.atol + t.rtol * Math.abs(want));
    }
    a.free(), b.free(), c.free();
  });

  it('conv2d float32 NCHW: rows split across workers, in place', async () => {
    const x = wasmAlloc('float32', 3 * 5 * 11 * 13), w = wasmAlloc('float32', 7 * 5 * 3 * 3);
    const rx = fill(x.view, 3), rw = fill(w.view, 4);
    const xt = new Tensor('float32', [3, 5, 11, 13], x.view), wt = new Tensor('float32', [7, 5, 3, 3], w.view);
    const plan = planConv2d(xt, wt, { padding: 1 });
    const out = wasmAlloc('float32', plan.outShape.reduce((p, d) => p * d, 1));
    const rows = plan.batch * plan.outH;
    await Promise.all([
      ask(workers[0]!, { op: 'conv2d', plan, inputs: [desc(xt), desc(wt)], out: out.view, begin: 0, end: 14 }),
      ask(workers[1]!, { op: 'conv2d', plan, inputs: [desc(xt), desc(wt)], out: out.view, begin: 14, end: rows }),
    ]);
    const ref = refConv2d({ data: rx, shape: [3, 5, 11, 13] }, { data: rw, shape: [7, 5, 3, 3] }, { padding: 1 });
    const t = tol('float32', 45);
    expect(out.view.length).toBe(ref.data.length);
    for (let i = 0; i < ref.data.length; i++) {
      expect(Math.abs(out.view[i]! - ref.data[i]!)).toBeLessThanOrEqual(t.atol + t.rtol * Math.abs(ref.data[i]!));
    }
    x.free(), w.free(), out.free();
  });

  it('on the calling thread, resident operands are not staged (no scratch is taken)', async () => {
    const r = await loadWasm();
    if (!r.ok) throw new Error(r.reason);
    r.runtime.releaseScratch();
    const m = 40, k = 33, n = 29;
    const a = wasmAlloc('float64', m * k), b = wasmAlloc('float64', k * n), c = wasmAlloc('float64', m * n);
    const ra = fill(a.view as Float64Array, 5), rb = fill(b.view as Float64Array, 6);
    const at = new Tensor('float64', [m, k], a.view), bt = new Tensor('float64', [k, n], b.view);
    const { plan } = planMatmul(at, bt, {});
    const held = r.runtime.heapInUse();
    wasmRangeKernels.matmul(plan, [at, bt], c.view, 0, m);
    expect(r.runtime.heapInUse()).toBe(held);
    const ref = refMatmul({ data: ra, shape: [m, k] }, { data: rb, shape: [k, n] });
    for (let i = 0; i < m * n; i++) expect(Math.abs(c.view[i]! - ref.data[i]!)).toBeLessThan(1e-12);
    // The same product from JavaScript-owned arrays is staged: scratch is taken (and kept for reuse).
    const js = new Float64Array(m * n);
    wasmRangeKernels.matmul(plan, [new Tensor('float64', [m, k], Float64Array.from(ra)), bt], js, 0, m);
    expect(r.runtime.heapInUse()).toBeGreaterThan(held);
    expect([...js]).toEqual([...c.view]);
    a.free(), b.free(), c.free();
  });

  it('workers give their stacks and scratch back', async () => {
    for (const w of workers) expect(await ask(w, 'exit')).toBe('disposed');
    const r = await loadWasm();
    if (!r.ok) throw new Error(r.reason);
    r.runtime.releaseScratch();
    expect(r.runtime.heapInUse()).toBeLessThanOrEqual(heapBefore);
  });
});
