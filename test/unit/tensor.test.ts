import { inspect } from 'node:util';
/** The tensor core: creation, dtypes, views (stride arithmetic, no copies), dispose, randomness. */
import { describe, expect, it } from 'vitest';
import { arange, eye, full, ones, rand, randn, Tensor, tensor, zeros } from '../../src/index.js';

describe('tensor()', () => {
  it('infers shape and dtype from nested arrays, flat arrays and typed arrays', async () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float32');
    expect(a.size).toBe(6);
    expect(a.device).toBe('cpu');
    expect(await a.array()).toEqual([[1, 2, 3], [4, 5, 6]]);

    const b = tensor(new Float64Array([1, 2, 3, 4]), [2, 2]);
    expect(b.dtype).toBe('float64');
    expect(await b.array()).toEqual([[1, 2], [3, 4]]);

    const c = tensor(new Int32Array([7, -8]));
    expect(c.dtype).toBe('int32');
    expect(c.shape).toEqual([2]);

    const d = tensor([1, 2, 3, 4, 5, 6], [3, 2], { dtype: 'int32' });
    expect(d.dataSync()).toEqual(new Int32Array([1, 2, 3, 4, 5, 6]));
    expect(await d.array()).toEqual([[1, 2], [3, 4], [5, 6]]);

    const e = tensor([1.5, 2], { dtype: 'float64' });
    expect(e.dtype).toBe('float64');
  });

  it('makes rank-0 and empty tensors', async () => {
    const s = tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.size).toBe(1);
    expect(await s.array()).toBe(3.5);
    const empty = tensor([]);
    expect(empty.shape).toEqual([0]);
    expect(empty.size).toBe(0);
    const z = zeros([2, 0, 3]);
    expect(z.size).toBe(0);
    expect(await z.array()).toEqual([[], []]);
  });

  it('copies its data: later writes to the source do not leak in', () => {
    const src = new Float32Array([1, 2, 3]);
    const t = tensor(src);
    src[0] = 99;
    expect(t.dataSync()[0]).toBe(1);
  });

  it('returns copies from data() and dataSync()', async () => {
    const t = tensor([1, 2, 3]);
    const d = await t.data();
    d[0] = 42;
    expect(t.dataSync()[0]).toBe(1);
  });

  it('stores values from 16 KiB up on a SharedArrayBuffer in Node (smaller ones on a plain buffer)', () => {
    expect(zeros([4096]).storage.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(zeros([4]).storage.buffer).toBeInstanceOf(ArrayBuffer);
  });
});

describe('creation functions', () => {
  it('zeros, ones, full, eye, arange', async () => {
    expect(Array.from(zeros([3]).dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(ones([2], { dtype: 'int32' }).dataSync())).toEqual([1, 1]);
    expect(ones([2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(Array.from(full([2, 2], -2.5).dataSync())).toEqual([-2.5, -2.5, -2.5, -2.5]);
    expect(await eye(2, 3).array()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(await eye(3).array()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(Array.from(arange(5).dataSync())).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(arange(2, 10, 3).dataSync())).toEqual([2, 5, 8]);
    expect(Array.from(arange(3, 0, -1).dataSync())).toEqual([3, 2, 1]);
    expect(arange(3, 0).size).toBe(0);
    expect(Array.from(arange(0, 1, 0.25, { dtype: 'float64' }).dataSync())).toEqual([0, 0.25, 0.5, 0.75]);
  });

  it('rand and randn are reproducible with a seed and differ between seeds', () => {
    const a = rand([100], { seed: 42 }).dataSync();
    const b = rand([100], { seed: 42 }).dataSync();
    const c = rand([100], { seed: 43 }).dataSync();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(randn([7], { seed: 1 }).dataSync()).toEqual(randn([7], { seed: 1 }).dataSync());
    expect(randn([3], { seed: 1, dtype: 'float64' }).dtype).toBe('float64');
  });

  it('rand is uniform on [0, 1) and randn is standard normal (moments of 200k draws)', () => {
    const u = rand([200_000], { seed: 5, dtype: 'float64' }).dataSync();
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of u) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Mean 1/2 with standard error sqrt(1/12/200000) ≈ 6.5e-4: 5 standard errors.
    expect(Math.abs(sum / u.length - 0.5)).toBeLessThan(3.3e-3);

    const g = randn([200_000], { seed: 6, dtype: 'float64' }).dataSync();
    let m1 = 0;
    let m2 = 0;
    for (const v of g) {
      m1 += v;
      m2 += v * v;
    }
    m1 /= g.length;
    m2 /= g.length;
    // Mean 0 (s.e. 2.2e-3) and variance 1 (s.e. sqrt(2/200000) ≈ 3.2e-3): 5 standard errors.
    expect(Math.abs(m1)).toBeLessThan(0.011);
    expect(Math.abs(m2 - m1 * m1 - 1)).toBeLessThan(0.016);
  });
});

describe('views', () => {
  it('transpose is a view with permuted strides, no copy', async () => {
    const a = arange(6).reshape([2, 3]);
    const t = a.transpose();
    expect(t.shape).toEqual([3, 2]);
    expect(t.strides).toEqual([1, 3]);
    expect(t.storage).toBe(a.storage);
    expect(t.isContiguous).toBe(false);
    expect(await t.array()).toEqual([[0, 3], [1, 4], [2, 5]]);
  });

  it('transpose with a permutation on rank 3', async () => {
    const a = arange(24).reshape([2, 3, 4]);
    const t = a.transpose([1, 2, 0]);
    expect(t.shape).toEqual([3, 4, 2]);
    const data = t.dataSync();
    // t[i, j, k] = a[k, i, j] = 12k + 4i + j
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 4; j++)
        for (let k = 0; k < 2; k++) expect(data[(i * 4 + j) * 2 + k]).toBe(12 * k + 4 * i + j);
  });

  it('reshape is a view of a contiguous tensor and a copy of a strided one', async () => {
    const a = arange(6);
    const r = a.reshape([3, -1]);
    expect(r.shape).toEqual([3, 2]);
    expect(r.storage).toBe(a.storage);
    const t = r.transpose();
    const flat = t.reshape([6]);
    expect(flat.storage).not.toBe(a.storage);
    expect(Array.from(flat.dataSync())).toEqual([0, 2, 4, 1, 3, 5]);
  });

  it('contiguous() copies a strided view into row-major order', () => {
    const t = arange(6).reshape([2, 3]).transpose();
    const c = t.contiguous();
    expect(c.isContiguous).toBe(true);
    expect(c.strides).toEqual([2, 1]);
    expect(Array.from(c.dataSync())).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('size-1 dimensions do not break contiguity', () => {
    const t = arange(3).reshape([3, 1]).transpose();
    expect(t.shape).toEqual([1, 3]);
    expect(t.isContiguous).toBe(true);
  });

  it('dispose marks only the disposed handle', () => {
    const a = ones([2, 2]);
    const v = a.reshape([4]);
    a.dispose();
    expect(a.isDisposed).toBe(true);
    expect(v.isDisposed).toBe(false);
    expect(Array.from(v.dataSync())).toEqual([1, 1, 1, 1]);
  });

  it('prints a short description', () => {
    expect(String(zeros([2, 3]))).toBe('Tensor float32 [2, 3] on cpu\n[[0, 0, 0],\n [0, 0, 0]]');
    expect(inspect(tensor([[1, 2], [3, 4]]))).toBe('Tensor float32 [2, 2] on cpu\n[[1, 2],\n [3, 4]]');
    expect(JSON.stringify(tensor([1, 2], [2], { dtype: 'int32' }))).toBe('{"dtype":"int32","shape":[2],"data":[1,2]}');
    expect(zeros([1])).toBeInstanceOf(Tensor);
  });
});
