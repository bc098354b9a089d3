/** GPU tensors: moving values, views, errors, dispatch by device, and chains with no readback. */
import { describe, expect, it, vi } from 'vitest';
import {
  add, avgPool2d, conv2d, linalg, matmul, maxPool2d, mean, memory, mul, randn, relu, ridge, sigmoid, sum, tensor, DTypeError,
} from '../../src/index.js';
import { webgpuBackend } from '../../src/backends/webgpu/default.js';
import { hasGpu } from './gpu.js';
import { settled } from '../util/settled.js';

describe.skipIf(!hasGpu)('webgpu tensors', () => {
  it('to(webgpu) / data() / array() / to(cpu) round-trip the values', async () => {
    const cpu = tensor([[1, 2, 3], [4, 5, 6]]);
    const g = await cpu.to('webgpu');
    expect(g.device).toBe('webgpu');
    expect(await g.array()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect([...(await g.data())]).toEqual([1, 2, 3, 4, 5, 6]);
    const back = await g.to('cpu');
    expect(back.device).toBe('cpu');
    expect(back.dataSync()).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(await g.to('webgpu')).toBe(g);
    g.dispose();
  });

  it('tensor(…, { device: webgpu }) creates on the GPU once the device is started; int32 too', async () => {
    const g = tensor([1, -2, 3], undefined, { dtype: 'int32', device: 'webgpu' });
    expect(g.device).toBe('webgpu');
    expect(await g.array()).toEqual([1, -2, 3]);
    g.dispose();
  });

  it('dataSync() and storage throw for a GPU tensor, saying to await data()', async () => {
    const g = await tensor([1, 2]).to('webgpu');
    expect(() => g.dataSync()).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => g.dataSync()).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: dataSync: the tensor [2] float32 lives on webgpu, so its values can only be read asynchronously. Use await t.data(), await t.array() or await t.to('cpu').]`,
    );
    expect(() => g.storage).toThrow(/await t.data\(\)/);
    g.dispose();
    await expect(g.data()).rejects.toMatchObject({ code: 'DISPOSED_TENSOR' });
  });

  it('reshape is a view of the same buffer; transpose is a strided view read correctly', async () => {
    const g = await tensor([[1, 2, 3], [4, 5, 6]]).to('webgpu');
    const before = memory().webgpu.buffers;
    const r = g.reshape([3, 2]);
    expect(memory().webgpu.buffers).toBe(before);
    expect(await r.array()).toEqual([[1, 2], [3, 4], [5, 6]]);
    const t = g.transpose();
    expect(t.isContiguous).toBe(false);
    expect(await t.array()).toEqual([[1, 4], [2, 5], [3, 6]]);
    const c = t.contiguous();
    expect(c.isContiguous).toBe(true);
    expect(await c.array()).toEqual([[1, 4], [2, 5], [3, 6]]);
    // The buffer outlives the first handle while a view holds it.
    g.dispose();
    expect(await r.array()).toEqual([[1, 2], [3, 4], [5, 6]]);
    for (const x of [r, t, c]) x.dispose();
  });

  it('ops on GPU tensors run on webgpu; a CPU input beside a GPU one is uploaded', async () => {
    const g = await tensor([[1, -2], [3, -4]]).to('webgpu');
    const y = await add(g, tensor([10, 20]));
    expect(y.device).toBe('webgpu');
    expect(await y.array()).toEqual([[11, 18], [13, 16]]);
    const z = await matmul(g, g, { activation: 'relu' });
    expect(z.device).toBe('webgpu');
    expect(await z.array()).toEqual([[0, 6], [0, 10]]);
    for (const t of [g, y, z]) t.dispose();
  });

  it('explicit { backend: webgpu } with CPU inputs returns a GPU tensor', async () => {
    const y = await relu(tensor([-1, 2]), { backend: 'webgpu' });
    expect(y.device).toBe('webgpu');
    expect(await y.array()).toEqual([0, 2]);
    y.dispose();
  });

  it('a CPU backend named for a GPU input is an error, not a silent readback', async () => {
    const g = await tensor([1, 2]).to('webgpu');
    await expect(settled(() => relu(g, { backend: 'js' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(settled(() => relu(g, { backend: 'js' }))).rejects.toThrow(/to\('cpu'\)/);
    g.dispose();
  });

  it('conv2d → relu → maxPool2d → matmul reads nothing back and submits once per event-loop turn', async () => {
    const x = await randn([1, 3, 12, 12], { seed: 1 }).to('webgpu');
    const w = await randn([4, 3, 3, 3], { seed: 2 }).to('webgpu');
    const fc = await randn([4 * 6 * 6, 5], { seed: 3 }).to('webgpu');
    const chain = async () => {
      const c = await conv2d(x, w, { padding: 'same' });
      const r = await relu(c);
      const p = await maxPool2d(r, { kernel: 2 });
      const out = await matmul(p.reshape([1, -1]), fc);
      for (const t of [c, r, p]) t.dispose();
      return out;
    };
    (await chain()).dispose(); // compiles the pipelines
    const ctx = webgpuBackend.current()!;
    const read = vi.spyOn(ctx, 'read');
    const submit = vi.spyOn(ctx.device.queue, 'submit');
    const out = await chain();
    expect(read).not.toHaveBeenCalled();
    expect(submit.mock.calls.length).toBeLessThanOrEqual(1);
    const values = await out.data();
    expect(read).toHaveBeenCalledTimes(1);
    // Same chain on the CPU.
    const ref = await matmul(
      (await maxPool2d(await relu(await conv2d(await x.to('cpu'), await w.to('cpu'), { padding: 'same' })), { kernel: 2 })).reshape([1, -1]),
      await fc.to('cpu'),
    );
    const expected = ref.dataSync();
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 3));
    read.mockRestore();
    submit.mockRestore();
    for (const t of [x, w, fc, out]) t.dispose();
  });

  it('a WGSL error on the real device surfaces as GPU_FAILURE naming the shader; pipelines are cached', async () => {
    const ctx = webgpuBackend.current()!;
    await expect(ctx.pipeline('broken', 'fn main( {')).rejects.toMatchObject({ code: 'GPU_FAILURE', op: 'broken' });
    await expect(ctx.pipeline('broken', 'fn main( {')).rejects.toThrow(/shader 'broken' failed validation/);
    const g = await tensor([1, -1]).to('webgpu');
    (await relu(await add(g, g))).dispose(); // compiles unary and binary if no test did yet
    const compiled = memory().webgpu.pipelines;
    for (let i = 0; i < 5; i++) (await relu(await add(g, g))).dispose();
    expect(memory().webgpu.pipelines).toBe(compiled);
    g.dispose();
  });

  it('float64 is a DTypeError on webgpu for every op, saying to use a CPU backend', async () => {
    const f = tensor([[2, 1], [1, 2]], { dtype: 'float64' });
    const opts = { backend: 'webgpu' } as const;
    const x4 = tensor(new Float64Array(16), [1, 1, 4, 4]);
    const w4 = tensor(new Float64Array(4), [1, 1, 2, 2]);
    const calls: Array<() => unknown> = [
      () => matmul(f, f, opts), () => conv2d(x4, w4, opts), () => maxPool2d(x4, { kernel: 2, ...opts }), () => avgPool2d(x4, { kernel: 2, ...opts }),
      () => relu(f, opts), () => sigmoid(f, opts), () => add(f, f, opts), () => mul(f, f, opts), () => sum(f, opts), () => mean(f, opts),
      () => mean(tensor([1, 2], undefined, { dtype: 'int32' }), opts), () => linalg.cholesky(f, opts), () => linalg.solveSPD(f, tensor([1, 1], undefined, { dtype: 'float64' }), opts),
      () => ridge(f, tensor([1, 1], undefined, { dtype: 'float64' }), { lambda: 1, ...opts }), () => f.to('webgpu'),
    ];
    for (const call of calls) {
      await expect(settled(call)).rejects.toThrow(DTypeError);
    }
    await expect(settled(() => matmul(f, f, opts))).rejects.toThrow(/use a CPU backend/i);
    expect(() => tensor([1], undefined, { dtype: 'float64', device: 'webgpu' })).toThrow(DTypeError);
  });

  it('int32 sums: rank 0, empty inputs and a long reduction wrap like int32', async () => {
    const opts = { backend: 'webgpu' } as const;
    expect(await (await sum(tensor(7, undefined, { dtype: 'int32' }), opts)).array()).toBe(7);
    const empty = tensor(new Int32Array(0), [0, 3]);
    expect(await (await sum(empty, opts)).array()).toBe(0);
    expect(await (await sum(empty, { axis: 0, ...opts })).array()).toEqual([0, 0, 0]);
    const big = tensor(new Int32Array(5000).fill(2 ** 30), [1, 5000]);
    // 5000·2³⁰ mod 2³² = 0 (5000 is a multiple of 4).
    expect(await (await sum(big, { axis: 1, ...opts })).array()).toEqual([0]);
    const ramp = tensor(Int32Array.from({ length: 5000 }, (_, i) => i - 2500), [5000]);
    expect(await (await sum(ramp, opts)).array()).toBe(-2500);
  });

  it('linalg and ridge take and return GPU tensors', async () => {
    const s = await tensor([[4, 2], [2, 3]]).to('webgpu');
    const l = await linalg.cholesky(s);
    expect(l.device).toBe('webgpu');
    const got = await l.data();
    [2, 0, 1, Math.SQRT2].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    const x = await ridge(await tensor([[1, 0], [0, 1]]).to('webgpu'), tensor([2, 4]), { lambda: 1 });
    expect(x.device).toBe('webgpu');
    expect(await x.array()).toEqual([1, 2]);
  });
});
