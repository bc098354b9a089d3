/**
 * What the per-op fast paths reuse, checked for what a caller sees: the CPU pool hands a freed
 * array back to the next output of its dtype and size (and a fresh view for any other output of
 * its size class), matmul's recent plans serve the next products of their kinds with the result
 * shape each product's operands call for, and a vector operand's matrix view is kept by the vector
 * and goes with it.
 */
import { describe, expect, it } from 'vitest';
import * as L from '../../src/index.js';
import { planMatmul } from '../../src/ops/matmul.js';

describe('the CPU pool reuses freed arrays', () => {
  it('gives the same array back to an output of the same dtype and size, zeroed', () => {
    const a = L.full([6], 7, { dtype: 'float64' });
    const storage = a.storage;
    a.dispose();
    const hits = L.memory().cpu.hits;
    const b = L.zeros([6], { dtype: 'float64' });
    expect(L.memory().cpu.hits).toBe(hits + 1);
    expect(b.storage).toBe(storage);
    expect(Array.from(b.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    b.dispose();
  });

  it('views a freed buffer afresh for another dtype or size of its class', () => {
    // 8 float64 (64 bytes), then 16 float32 and 13 int32 from the same class.
    const a = L.full([8], 3, { dtype: 'float64' });
    const buffer = a.storage.buffer;
    a.dispose();
    const b = L.zeros([16], { dtype: 'float32' });
    expect(b.storage.buffer).toBe(buffer);
    expect(b.storage).toBeInstanceOf(Float32Array);
    expect(b.storage.length).toBe(16);
    expect(Array.from(b.dataSync())).toEqual(new Array(16).fill(0));
    b.dispose();
    const c = L.full([13], -2, { dtype: 'int32' });
    expect(c.storage.buffer).toBe(buffer);
    expect(c.storage).toBeInstanceOf(Int32Array);
    expect(c.storage.length).toBe(13);
    expect(Array.from(c.dataSync())).toEqual(new Array(13).fill(-2));
    c.dispose();
    // And back to the first dtype, at a smaller size: a view of that size, not the int32 one.
    const d = L.zeros([5], { dtype: 'float64' });
    expect(d.storage.buffer).toBe(buffer);
    expect(d.storage).toBeInstanceOf(Float64Array);
    expect(d.storage.length).toBe(5);
    d.dispose();
  });
});

describe('outputs written in full skip the zeroing of a reused buffer, the others do not', () => {
  // Each case frees a buffer full of NaN of the right class first, so a value not written shows.
  const poisoned = (n: number, dtype: 'float32' | 'float64' | 'int32' = 'float64') => L.full([n], dtype === 'int32' ? 7 : NaN, { dtype }).dispose();

  it('tensor, full, arange, a scalar operand and contiguous() write every element', () => {
    poisoned(6);
    const t = L.tensor([1, 2, 3, 4, 5, 6], { dtype: 'float64' });
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    t.dispose();
    poisoned(6);
    const f = L.full([6], -2, { dtype: 'float64' });
    expect(Array.from(f.dataSync())).toEqual(new Array(6).fill(-2));
    f.dispose();
    poisoned(5);
    const a = L.arange(0, 5, 1, { dtype: 'float64' });
    expect(Array.from(a.dataSync())).toEqual([0, 1, 2, 3, 4]);
    a.dispose();
    poisoned(1);
    const s = L.add(L.tensor([1, 2], { dtype: 'float64' }), 3);
    expect(Array.from(s.dataSync())).toEqual([4, 5]);
    s.dispose();
    const m = L.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const view = m.transpose();
    poisoned(6);
    const c = view.contiguous();
    expect(Array.from(c.dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
    for (const x of [m, view, c]) x.dispose();
  });

  it('full of 0 and zeros still zero a reused buffer', () => {
    poisoned(6);
    const z = L.full([6], 0, { dtype: 'float64' });
    expect(Array.from(z.dataSync())).toEqual(new Array(6).fill(0));
    z.dispose();
    poisoned(6, 'int32');
    const zi = L.full([6], 0, { dtype: 'int32' });
    expect(Array.from(zi.dataSync())).toEqual(new Array(6).fill(0));
    zi.dispose();
    poisoned(6);
    const zz = L.zeros([6], { dtype: 'float64' });
    expect(Array.from(zz.dataSync())).toEqual(new Array(6).fill(0));
    zz.dispose();
  });
});

describe("matmul's recent plans", () => {
  // A = [[1, 2, 3]], B = [[1, 0], [0, 1], [2, 2]]: A·B = [[1 + 0 + 6, 0 + 2 + 6]] = [[7, 8]] (by hand).
  const A = L.tensor([[1, 2, 3]], { dtype: 'float64' });
  const v = L.tensor([1, 2, 3], { dtype: 'float64' });
  const B = L.tensor([[1, 0], [0, 1], [2, 2]], { dtype: 'float64' });

  it('serves the next product of the same kind', () => {
    const first = planMatmul(A, B).plan;
    expect(planMatmul(A, B).plan).toBe(first);
    // Another flag, dtype or size is another plan.
    expect(planMatmul(B, A, { transA: true, transB: true }).plan).not.toBe(first);
    const Af = L.tensor([[1, 2, 3]]);
    const Bf = L.tensor([[1, 0], [0, 1], [2, 2]]);
    expect(planMatmul(Af, Bf).plan.dtype).toBe('float32');
    expect(planMatmul(A, B, { activation: 'relu' }).plan.activation).toBe('relu');
    expect(planMatmul(A, B, { bias: L.tensor([1, 1], { dtype: 'float64' }) }).plan.hasBias).toBe(true);
    expect(planMatmul(A, B).plan.hasBias).toBe(false);
  });

  it('returns the shape each call asks for, whichever operands were vectors last time', () => {
    // [1,3]·[3,2] and [3]·[3,2] share the plan m = 1, n = 2, k = 3; their results differ in shape.
    for (const order of [[A, v, A, A, v, v], [v, A, v, v, A, A]]) {
      for (const a of order) {
        const y = L.matmul(a, B);
        expect(y.shape).toEqual(a.rank === 1 ? [2] : [1, 2]);
        expect(Array.from(y.dataSync())).toEqual([7, 8]);
        y.dispose();
      }
    }
    // B·? with b a vector: [3,2]ᵀ·[3] = [7, 8] ([1·1 + 0·2 + 2·3, 0·1 + 1·2 + 2·3]).
    const w = L.matmul(B, v, { transA: true });
    expect(w.shape).toEqual([2]);
    expect(Array.from(w.dataSync())).toEqual([7, 8]);
    const W = L.matmul(B, L.tensor([[1], [2], [3]], { dtype: 'float64' }), { transA: true });
    expect(W.shape).toEqual([2, 1]);
    expect(Array.from(W.dataSync())).toEqual([7, 8]);
    const again = L.matmul(B, v, { transA: true });
    expect(again.shape).toEqual([2]);
    expect(Object.isFrozen(again.shape)).toBe(true);
  });

  it('serves products that alternate (a solver loop), each with its own plan', () => {
    // A solver alternates A·x and Aᵀ·r; both plans stay, as do the first one's.
    const M = L.tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' });
    const x = L.tensor([1, 1], { dtype: 'float64' });
    const r = L.tensor([1, 0, 1], { dtype: 'float64' });
    const forward = planMatmul(M, x).plan;
    const backward = planMatmul(M, r, { transA: true }).plan;
    expect(backward).not.toBe(forward);
    for (let i = 0; i < 3; i++) {
      expect(planMatmul(M, x).plan).toBe(forward);
      expect(planMatmul(M, r, { transA: true }).plan).toBe(backward);
    }
    // By hand: M·x = [3, 7, 11]; Mᵀ·r = [1 + 5, 2 + 6] = [6, 8].
    const y = L.matmul(M, x);
    const z = L.matmul(M, r, { transA: true });
    expect([y.shape, Array.from(y.dataSync())]).toEqual([[3], [3, 7, 11]]);
    expect([z.shape, Array.from(z.dataSync())]).toEqual([[2], [6, 8]]);
    // Nine other kinds push the first two out; a new plan of the same kind is equal, not the same.
    for (let n = 1; n <= 9; n++) planMatmul(L.zeros([1, n], { dtype: 'float64' }), L.zeros([n, 1], { dtype: 'float64' }));
    const forwardAgain = planMatmul(M, x).plan;
    expect(forwardAgain).not.toBe(forward);
    expect(forwardAgain).toEqual(forward);
  });
});

describe("a vector operand's matrix view", () => {
  const M = L.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });

  it('is made once, kept by the vector, and freed with it', () => {
    const buffers = L.memory().cpu.buffers;
    const v = L.tensor([1, 0, 2], { dtype: 'float64' });
    const first = planMatmul(M, v).inputs[1];
    expect(first.shape).toEqual([3, 1]);
    expect(planMatmul(M, v).inputs[1]).toBe(first);
    // As a row the other time: a [1, 3] view replaces the column.
    const row = planMatmul(v, M, { transB: true }).inputs[0];
    expect(row.shape).toEqual([1, 3]);
    // By hand: M·v = [1 + 6, 4 + 12] = [7, 16]; v·Mᵀ the same.
    for (let i = 0; i < 3; i++) {
      const y = L.matmul(M, v);
      const z = L.matmul(v, M, { transB: true });
      expect(Array.from(y.dataSync())).toEqual([7, 16]);
      expect(Array.from(z.dataSync())).toEqual([7, 16]);
      y.dispose();
      z.dispose();
    }
    expect(L.memory().cpu.buffers).toBe(buffers + 1);
    v.dispose();
    // The kept view held the vector's storage; disposing the vector gave both back.
    expect(L.memory().cpu.buffers).toBe(buffers);
    expect(() => L.matmul(M, v)).toThrow(L.DisposedTensorError);
  });

  it('is a fresh copy for a strided vector, which matmul frees', () => {
    const buffers = L.memory().cpu.buffers;
    const C = L.tensor([1, 9, 0, 9, 2, 9], { dtype: 'float64' });
    const column = L.slice(C, [0], [6], [2]);
    expect(column.isContiguous).toBe(false);
    const held = L.memory().cpu.buffers;
    for (let i = 0; i < 3; i++) {
      const y = L.matmul(M, column);
      expect(Array.from(y.dataSync())).toEqual([7, 16]);
      y.dispose();
      expect(L.memory().cpu.buffers).toBe(held);
    }
    column.dispose();
    C.dispose();
    expect(L.memory().cpu.buffers).toBe(buffers);
  });
});
