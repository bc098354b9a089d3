/**
 * Hostile callers of the tensor core and the execution path (issue cases of "Nothing a caller does
 * crashes the process…"): forged and lying tensors, storage pulled away while an op runs on
 * another thread, options inherited from Object.prototype. Each must end in a typed error or a
 * right answer, never a crash or a wrong answer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { backends, closePool, configure, matmul, randn, relu, tensor, Tensor } from '../../src/index.js';
import { refMatmul } from '../reference/matmul.js';

const native = (await backends()).find((b) => b.name === 'native')!;

describe('tensors cannot lie', () => {
  it('the public constructor checks dtype, shape, strides, offset and storage', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return 'no error';
    };
    expect(code(() => new Tensor('float99' as never, [2], new Float32Array(2) as never))).toBe('INVALID_ARGUMENT');
    expect(code(() => new Tensor('float32', [-2], new Float32Array(2)))).toBe('INVALID_ARGUMENT');
    expect(code(() => new Tensor('float32', [1.5], new Float32Array(2)))).toBe('INVALID_ARGUMENT');
    expect(code(() => new Tensor('float32', [8], new Float32Array(2)))).toBe('SHAPE_MISMATCH');
    expect(code(() => new Tensor('float32', [2], new Float64Array(2) as never))).toBe('INVALID_ARGUMENT');
    expect(code(() => new Tensor('float32', [2], new Float32Array(2), [1], Number.NaN))).toBe('INVALID_ARGUMENT');
    expect(code(() => new Tensor('float32', [2, 2], new Float32Array(4), [2, 1], 1))).toBe('SHAPE_MISMATCH');
    expect(code(() => new Tensor('float32', [2, 2], new Float32Array(4), [-2, 1]))).toBe('SHAPE_MISMATCH');
    expect(code(() => new Tensor('float32', new Array(65).fill(1), new Float32Array(1)))).toBe('INVALID_ARGUMENT');
    const resizable = new ArrayBuffer(16, { maxByteLength: 32 });
    expect(code(() => new Tensor('float32', [4], new Float32Array(resizable)))).toBe('INVALID_ARGUMENT');
    // A valid strided view (negative stride within bounds) is accepted.
    const flipped = new Tensor('float32', [3], Float32Array.from([1, 2, 3]), [-1], 2);
    expect(Array.from(flipped.dataSync())).toEqual([3, 2, 1]);
  });

  it('shape, strides, offset, dtype, size and storage are read-only', () => {
    const t = tensor([[1, 2], [3, 4]]);
    const w = t as unknown as Record<string, unknown>;
    for (const key of ['shape', 'strides', 'offset', 'dtype', 'size', 'storage']) {
      expect(() => {
        w[key] = 1;
      }).toThrow(TypeError);
    }
    expect(() => (t.shape as number[]).push(3)).toThrow(TypeError);
    expect(Array.from(relu(t).dataSync())).toEqual([1, 2, 3, 4]);
  });

  it('a forged object is not a tensor', () => {
    const forged = Object.create(Tensor.prototype) as Tensor;
    expect(Tensor.is(forged)).toBe(false);
    expect(() => relu(forged)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const lookalike = { dtype: 'float32', shape: [2], strides: [1], offset: 0, size: 2, storage: new Float32Array(2) };
    expect(() => relu(lookalike as never)).toThrow(/must be a Tensor/);
  });

  it('a shape array is read once (a getter that changes between reads cannot split the checks from the use)', () => {
    let reads = 0;
    const shape = [2, 2];
    Object.defineProperty(shape, 1, { get: () => (++reads === 1 ? 2 : 1000), enumerable: true });
    const t = new Tensor('float32', shape, new Float32Array(4));
    expect(t.shape).toEqual([2, 2]);
    expect(reads).toBe(1);
  });
});

describe.skipIf(!native.available)('storage the caller cannot pull away (native on the pool)', () => {
  afterAll(async () => {
    await configure({ threads: 2, minFlopsPerPart: 200_000 });
    await closePool();
  });

  it('transferring or shrinking the buffer under a running op neither crashes nor changes the answer', async () => {
    await configure({ threads: 2, minFlopsPerPart: 0 });
    const n = 256;
    const values = randn([n, n], { seed: 3 }).dataSync();
    const ref = { shape: [n, n], data: Float64Array.from(values) };
    const expected = refMatmul(ref, ref).data;
    for (const pull of ['transfer', 'resize'] as const) {
      const buffer = pull === 'transfer' ? new ArrayBuffer(n * n * 4) : new ArrayBuffer(n * n * 4);
      const f32 = new Float32Array(buffer);
      f32.set(values);
      const t = new Tensor('float32', [n, n], f32);
      const c = matmul(t, t, { backend: 'native' });
      // The op copied the caller's (non-shared) array into library-owned shared memory before it
      // left this thread: taking the buffer away now cannot reach the kernel.
      structuredClone(buffer, { transfer: [buffer] });
      (globalThis as { gc?: () => void }).gc?.();
      const got = await c.data();
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
      expect(worst).toBeLessThan(1e-3);
      expect(() => t.dataSync()).toThrow();
    }
  });
});

describe('options are read as own data', () => {
  it('an option set on Object.prototype by other code is not picked up', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto['transA'] = true;
    try {
      const a = tensor([[1, 2, 3]]);
      const b = tensor([[1], [1], [1]]);
      expect(Array.from(matmul(a, b).dataSync())).toEqual([6]);
    } finally {
      delete proto['transA'];
    }
  });
});
