/**
 * relu, sigmoid, add, sub, mul, div against the reference, with numpy broadcasting and strided
 * views, on every available backend. float32 and float64 everywhere; int32 for relu, add, sub and
 * mul (wrapping at 32 bits, checked exactly).
 */
import { describe, expect, it } from 'vitest';
import { add, div, DTypeError, mul, relu, sigmoid, sub, tensor, type DType, type Tensor } from '../../src/index.js';
import { refBinary, refUnary, type BinaryFn, type UnaryFn } from '../reference/elementwise.js';
import { expectClose, seeded, seededView, seedOf, tol, type DataOptions } from '../util/close.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { BINARY_CASES, UNARY_SHAPES } from './cases.js';

type Opts = { backend: 'js' | 'native' | 'wasm' | 'webgpu' };
const UNARY: Record<UnaryFn, (x: Tensor, o: Opts) => Promise<Tensor>> = { relu, sigmoid };
const BINARY: Record<BinaryFn, (a: Tensor, b: Tensor, o: Opts) => Promise<Tensor>> = { add, sub, mul, div };
const UNARY_DTYPES: Record<UnaryFn, DType[]> = { relu: ['float32', 'float64', 'int32'], sigmoid: ['float32', 'float64'] };
const BINARY_DTYPES: Record<BinaryFn, DType[]> = {
  add: ['float32', 'float64', 'int32'],
  sub: ['float32', 'float64', 'int32'],
  mul: ['float32', 'float64', 'int32'],
  div: ['float32', 'float64'],
};

async function input(shape: number[], perm: number[] | undefined, seed: number, dtype: DType, o: DataOptions = {}) {
  return perm ? seededView(shape, perm, seed, dtype, o) : seeded(shape, seed, dtype, o);
}

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('unary'))(`unary [${b.name}]`, () => {
    for (const fn of ['relu', 'sigmoid'] as const) {
      for (const dtype of dtypesFor(b, UNARY_DTYPES[fn])) {
        describe(`${fn} ${dtype}`, () => {
          it.each(UNARY_SHAPES)('$label', async (c) => {
            const seed = seedOf(`${fn} ${c.label} ${dtype}`);
            // sigmoid sees a wide range (saturating tails included); relu's int32 data is wide too.
            const x = await input(c.shape, c.view, seed, dtype, fn === 'sigmoid' ? { scale: 12 } : {});
            const got = await UNARY[fn](x.t, { backend: b.name });
            expect(got.dtype).toBe(dtype);
            await expectClose(got, refUnary(fn, x.ref), tol(dtype, 1), { op: fn, backend: b.name, dtype, case: c.label, seed });
          });
        });
      }
      it(`${fn}: extreme values`, async () => {
        const v = [-1000, -100, -20, -1e-30, 0, 1e-30, 20, 100, 1000, -Infinity, Infinity];
        for (const dtype of dtypesFor(b, ['float32', 'float64'] as const)) {
          const x = tensor(Float64Array.from(v), undefined, { dtype });
          const xs = Float64Array.from(await x.data());
          await expectClose(await UNARY[fn](x, { backend: b.name }), refUnary(fn, { data: xs, shape: [v.length] }), tol(dtype, 1), `${fn} extremes ${dtype}`);
        }
      });
    }
    it('sigmoid rejects int32', async () => {
      await expect(sigmoid(tensor([1, 2], undefined, { dtype: 'int32' }), { backend: b.name })).rejects.toThrow(DTypeError);
    });
  });

  describe.skipIf(!b.available || !b.ops.includes('binary'))(`binary [${b.name}]`, () => {
    for (const fn of ['add', 'sub', 'mul', 'div'] as const) {
      for (const dtype of dtypesFor(b, BINARY_DTYPES[fn])) {
        describe(`${fn} ${dtype}`, () => {
          it.each(BINARY_CASES)('$label', async (c) => {
            const seed = seedOf(`${fn} ${c.label} ${dtype}`);
            const a = await input(c.a, c.aView, seed, dtype);
            const w = await input(c.b, c.bView, seed + 1, dtype);
            const got = await BINARY[fn](a.t, w.t, { backend: b.name });
            expect(got.dtype).toBe(dtype);
            const ref = refBinary(fn, a.ref, w.ref, dtype === 'int32');
            await expectClose(got, ref, tol(dtype, 1), { op: fn, backend: b.name, dtype, case: c.label, seed });
          });
        });
      }
    }

    for (const fn of ['add', 'sub', 'mul'] as const) {
      it(`${fn} int32 wraps around at 32 bits`, async () => {
        const seed = seedOf(`${fn} wrap`);
        // values of size ~2^30 and beyond: sums and differences overflow often, products always.
        const a = await seeded([9, 11], seed, 'int32', { scale: 2 ** 30 });
        const w = await seeded([11], seed + 1, 'int32', { scale: 2 ** 30 });
        const got = await BINARY[fn](a.t, w.t, { backend: b.name });
        await expectClose(got, refBinary(fn, a.ref, w.ref, true), tol('int32'), `${fn} int32 wraparound, seed ${seed}`);
      });
    }

    it('hand-checked int32 wraparound', async () => {
      const i32 = (v: number[]) => tensor(v, undefined, { dtype: 'int32' });
      expect(await (await add(i32([2147483647, -2147483648]), i32([1, -1]), { backend: b.name })).array()).toEqual([-2147483648, 2147483647]);
      expect(await (await sub(i32([-2147483648]), i32([1]), { backend: b.name })).array()).toEqual([2147483647]);
      // 65536² = 2^32 ≡ 0; 46341² = 2147488281 ≡ −2147479015; (2^31−1)·3 ≡ 2147483645
      expect(await (await mul(i32([65536, 46341, 2147483647]), i32([65536, 46341, 3]), { backend: b.name })).array()).toEqual([
        0, -2147479015, 2147483645,
      ]);
    });

    it('div follows IEEE: x/0 is ±Infinity, 0/0 is NaN', async () => {
      for (const dtype of dtypesFor(b, ['float32', 'float64'] as const)) {
        const a = tensor([1, -2, 0, 3], undefined, { dtype });
        const z = tensor([0, 0, 0, -0.5], undefined, { dtype });
        const ref = { data: Float64Array.from([Infinity, -Infinity, NaN, -6]), shape: [4] };
        await expectClose(await div(a, z, { backend: b.name }), ref, tol(dtype, 1), `div by zero ${dtype}`);
      }
    });

    it('div rejects int32, and mixed dtypes are rejected', async () => {
      const i = tensor([1, 2], undefined, { dtype: 'int32' });
      await expect(div(i, i, { backend: b.name })).rejects.toThrow(DTypeError);
      await expect(add(i, tensor([1, 2]), { backend: b.name })).rejects.toThrow(DTypeError);
    });
  });
}
