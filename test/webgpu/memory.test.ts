/** The buffer pool: a loop of ops that disposes what it makes leaks no GPU buffer. */
import { describe, expect, it } from 'vitest';
import { add, conv2d, matmul, maxPool2d, memory, randn, relu, sum, tensor } from '../../src/index.js';
import { hasGpu } from './gpu.js';

describe.skipIf(!hasGpu)('webgpu memory', () => {
  it('memory() returns to the same live tensors and buffers after a loop of disposed ops', async () => {
    const x = await randn([2, 3, 9, 9], { seed: 4 }).to('webgpu');
    const w = await randn([4, 3, 3, 3], { seed: 5 }).to('webgpu');
    const base = memory().webgpu;
    for (let i = 0; i < 20; i++) {
      const c = await conv2d(x, w, { padding: 'same' });
      const r = await relu(c);
      const p = await maxPool2d(r, { kernel: 2 });
      const v = p.reshape([2, -1]);
      const m = await matmul(v, v, { transB: true });
      const a = await add(m, tensor(1));
      const s = await sum(a, { axis: 0 });
      await s.data();
      for (const t of [c, r, p, v, m, a, s]) t.dispose();
    }
    expect(memory().webgpu).toMatchObject({ tensors: base.tensors, buffers: base.buffers, bytes: base.bytes });
    x.dispose();
    w.dispose();
    expect(memory().webgpu.tensors).toBe(base.tensors - 2);
    expect(memory().webgpu.buffers).toBe(base.buffers - 2);
  });

  it('zero live buffers after disposing every tensor of a loop', async () => {
    const base = memory().webgpu;
    for (let i = 0; i < 25; i++) {
      const a = await randn([17, 33], { seed: i }).to('webgpu');
      const b = await relu(a);
      const c = await matmul(b, a, { transB: true, activation: 'sigmoid' });
      const d = await sum(c, { axis: 1 });
      await d.data();
      for (const t of [a, b, c, d]) t.dispose();
    }
    const after = memory().webgpu;
    expect(after.tensors).toBe(base.tensors);
    expect(after.buffers).toBe(base.buffers);
    expect(after.bytes).toBe(base.bytes);
    // Disposed buffers went to the pool and were reused, not reallocated each time.
    expect(after.pooled.buffers).toBeLessThanOrEqual(base.pooled.buffers + 8);
  });
});
