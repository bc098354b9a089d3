/**
 * The reductions against the reference (sum and mean first, then the others): every axis combination of a rank-3 tensor, keepDims,
 * negative axes, strided views, rank 0 and empty inputs; float32, float64 and int32.
 */
import { describe, expect, it } from 'vitest';
import * as L from '../../src/index.js';
import { mean, ShapeError, sum, tensor, type DType } from '../../src/index.js';
import { refReduce, refReduceFn } from '../reference/reduce.js';
import { sizeOf } from '../reference/nd.js';
import { expectClose, seeded, seededView, seedOf, tol, type Tol } from '../util/close.js';
import { backendMatrix, bestFloat, dtypesFor, runsDtype } from '../util/backends.js';
import { REDUCE_AXES, REDUCE_SHAPE } from './cases.js';
import { settled } from '../util/settled.js';

const DTYPES: DType[] = ['float32', 'float64', 'int32'];
const FNS = { sum, mean } as const;

/** Reduced count of an axis choice over REDUCE_SHAPE. */
function countOf(axis: number | number[] | undefined, shape: number[]): number {
  if (axis === undefined) return sizeOf(shape);
  const list = typeof axis === 'number' ? [axis] : axis;
  return list.reduce((c, a) => c * shape[a < 0 ? a + shape.length : a]!, 1);
}

const CASES = REDUCE_AXES.flatMap((a) => [false, true].flatMap((keepDims) =>
  [false, true].map((view) => ({ ...a, keepDims, view, label: `${a.label}${keepDims ? ', keepDims' : ''}${view ? ', strided view' : ''}` }))));

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('reduce'))(`reduce [${b.name}]`, () => {
    for (const fn of ['sum', 'mean'] as const) {
      for (const dtype of dtypesFor(b, DTYPES)) {
        const outDtype = fn === 'mean' && dtype === 'int32' ? 'float64' : dtype;
        if (!runsDtype(b, outDtype)) continue;
        describe(`${fn} ${dtype} over [${REDUCE_SHAPE}]`, () => {
          it.each(CASES)('$label', async (c) => {
            const seed = seedOf(`${fn} ${c.label} ${dtype}`);
            const x = c.view ? await seededView(REDUCE_SHAPE, [2, 0, 1], seed, dtype) : await seeded(REDUCE_SHAPE, seed, dtype);
            const got = await FNS[fn](x.t, { axis: c.axis, keepDims: c.keepDims, backend: b.name });
            expect(got.dtype).toBe(outDtype);
            const ref = refReduce(fn, x.ref, c.axis, c.keepDims, dtype === 'int32');
            const t = outDtype === 'int32' ? tol('int32') : tol(outDtype, countOf(c.axis, REDUCE_SHAPE));
            await expectClose(got, ref, t, { op: fn, backend: b.name, dtype, case: c.label, seed });
          });
        });
      }
    }

    for (const dtype of dtypesFor(b, DTYPES)) {
      // Skipped where the mean of int32 (float64) cannot run; test/webgpu covers the int32 sums.
      it.skipIf(dtype === 'int32' && !runsDtype(b, 'float64'))(`${dtype}: rank 0, empty inputs and a long reduction`, async () => {
        const scalar = tensor(7, undefined, { dtype });
        for (const fn of ['sum', 'mean'] as const) {
          const r = await FNS[fn](scalar, { backend: b.name });
          expect(r.shape).toEqual([]);
          expect(await r.array()).toBe(7);
          expect(await (await FNS[fn](scalar, { axis: [], backend: b.name })).array()).toBe(7);
        }
        const empty = tensor(new Float64Array(0), [0, 3], { dtype });
        await expectClose(await sum(empty, { backend: b.name }), { data: [0], shape: [] }, tol(dtype), 'sum of an empty tensor');
        await expectClose(await sum(empty, { axis: 0, backend: b.name }), { data: [0, 0, 0], shape: [3] }, tol(dtype), 'sum over the empty axis');
        await expectClose(await sum(empty, { axis: 1, backend: b.name }), { data: [], shape: [0] }, tol(dtype), 'sum of [0,3] over axis 1');
        await expectClose(await sum(empty, { axis: 0, keepDims: true, backend: b.name }), { data: [0, 0, 0], shape: [1, 3] }, tol(dtype), 'keepDims');
        await expectClose(await mean(empty, { axis: 1, backend: b.name }), { data: [], shape: [0] }, tol(dtype), 'mean of [0,3] over axis 1');
        await expect(settled(() => mean(empty, { backend: b.name }))).rejects.toThrow(ShapeError);
        const seed = seedOf(`long ${dtype}`);
        const long = await seeded([3, 5000], seed, dtype);
        for (const fn of ['sum', 'mean'] as const) {
          const got = await FNS[fn](long.t, { axis: 1, backend: b.name });
          const outDtype = fn === 'mean' && dtype === 'int32' ? 'float64' : dtype;
          await expectClose(got, refReduce(fn, long.ref, 1, false, dtype === 'int32'), tol(outDtype, 5000), { op: fn, dtype, case: 'long [3,5000] axis 1', seed });
        }
      });
    }

    it('int32 sum wraps at 32 bits', async () => {
      const seed = seedOf('reduce int32 wrap');
      const x = await seeded([6, 7], seed, 'int32', { scale: 2 ** 30 });
      for (const axis of [undefined, 0, 1]) {
        const s = await sum(x.t, { axis, backend: b.name });
        expect(s.dtype).toBe('int32');
        await expectClose(s, refReduce('sum', x.ref, axis, false, true), tol('int32'), `int32 sum wrap axis ${axis}, seed ${seed}`);
      }
      expect(await (await sum(tensor([2147483647, 1], undefined, { dtype: 'int32' }), { backend: b.name })).array()).toBe(-2147483648);
    });

    // Its result is float64: where that cannot run (webgpu), test/webgpu asserts the DTypeError.
    it.skipIf(!runsDtype(b, 'float64'))('int32 mean is the exact float64 mean, with no 32-bit wrap (numpy)', async () => {
      // numpy: np.mean(np.array([2147483647, 1], dtype=np.int32)) == 1073741824.0
      const big = tensor([2147483647, 1], undefined, { dtype: 'int32' });
      const m0 = await mean(big, { backend: b.name });
      expect(m0.dtype).toBe('float64');
      expect(await m0.array()).toBe(1073741824);
      const seed = seedOf('reduce int32 wrap');
      const x = await seeded([6, 7], seed, 'int32', { scale: 2 ** 30 });
      for (const axis of [undefined, 0, 1]) {
        const m = await mean(x.t, { axis, backend: b.name });
        await expectClose(m, refReduce('mean', x.ref, axis, false, true), tol('float64', 42), `int32 mean axis ${axis}, seed ${seed}`);
      }
    });
  });
}

// ───────────── max, min, prod, argmax, argmin, logSumExp, variance, std, norm ─────────────
/*
 * Tolerances: max, min, argmax, argmin are exact (they pick an element). prod: relative only
 * (atol 0), tol(dtype, count).rtol, since a product of count factors errs by up to count·u.
 * logSumExp, variance, std, norm: tol(dtype, count) (×4 for variance and std, whose two passes
 * each round); on webgpu logSumExp allows rtol 1e-5 (WGSL's exp is good to 3 + 2|x| ulp).
 */
const MORE = {
  max: L.max, min: L.min, prod: L.prod, logSumExp: L.logSumExp, variance: L.variance, std: L.std, norm: L.norm,
} as const;
type MoreFn = keyof typeof MORE;
const MORE_DTYPES: Record<MoreFn, DType[]> = {
  max: DTYPES, min: DTYPES, prod: DTYPES, logSumExp: ['float32', 'float64'], variance: DTYPES, std: DTYPES, norm: DTYPES,
};
const VARIANTS: Record<MoreFn, { label: string; options: Record<string, unknown>; ref: { ddof?: number; ord?: number } }[]> = {
  max: [{ label: '', options: {}, ref: {} }],
  min: [{ label: '', options: {}, ref: {} }],
  prod: [{ label: '', options: {}, ref: {} }],
  logSumExp: [{ label: '', options: {}, ref: {} }],
  variance: [{ label: 'ddof 0', options: {}, ref: {} }, { label: 'ddof 1', options: { ddof: 1 }, ref: { ddof: 1 } }],
  std: [{ label: 'ddof 1', options: { ddof: 1 }, ref: { ddof: 1 } }],
  norm: [
    { label: 'ord 2', options: {}, ref: { ord: 2 } },
    { label: 'ord 1', options: { ord: 1 }, ref: { ord: 1 } },
    { label: 'ord Infinity', options: { ord: Infinity }, ref: { ord: Infinity } },
  ],
};

function moreTol(fn: MoreFn, dtype: DType, count: number, backend: string): Tol {
  if (fn === 'max' || fn === 'min') return { atol: 0, rtol: 0 };
  if (dtype === 'int32' && fn === 'prod') return tol('int32');
  const out: DType = dtype === 'int32' ? 'float64' : dtype;
  if (fn === 'prod') return { atol: 0, rtol: tol(out, count).rtol };
  if (fn === 'logSumExp' && backend === 'webgpu') return { atol: 1e-6, rtol: 1e-5 };
  return tol(out, count, fn === 'variance' || fn === 'std' ? 4 : 1);
}

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('reduce'))(`reduce: max … norm [${b.name}]`, () => {
    const o = { backend: b.name };
    for (const fn of Object.keys(MORE) as MoreFn[]) {
      for (const dtype of dtypesFor(b, MORE_DTYPES[fn])) {
        const outDtype: DType = dtype === 'int32' && ['variance', 'std', 'norm'].includes(fn) ? 'float64' : dtype;
        if (!runsDtype(b, outDtype)) continue;
        for (const v of VARIANTS[fn]) {
          const cases = CASES.filter((c) => !(fn === 'variance' || fn === 'std') || countOf(c.axis, REDUCE_SHAPE) > (v.ref.ddof ?? 0))
            .filter((c) => !(fn === 'max' || fn === 'min') || countOf(c.axis, REDUCE_SHAPE) > 0)
            .filter((c) => !(fn === 'norm' && v.ref.ord !== 2 && Array.isArray(c.axis) && c.axis.length === 2));
          describe(`${fn} ${v.label} ${dtype} over [${REDUCE_SHAPE}]`, () => {
            it.each(cases)('$label', async (c) => {
              const seed = seedOf(`${fn} ${v.label} ${c.label} ${dtype}`);
              const data = fn === 'prod' && dtype !== 'int32' ? { scale: 0.3, shift: 1 } : dtype === 'int32' && fn === 'prod' ? { scale: 40 } : {};
              const x = c.view ? await seededView(REDUCE_SHAPE, [2, 0, 1], seed, dtype, data) : await seeded(REDUCE_SHAPE, seed, dtype, data);
              const got = await MORE[fn](x.t, { axis: c.axis, keepDims: c.keepDims, ...o, ...v.options });
              expect(got.dtype).toBe(outDtype);
              const ref = refReduceFn(fn, x.ref, c.axis, { keepDims: c.keepDims, int32: dtype === 'int32', ...v.ref });
              await expectClose(got, ref, moreTol(fn, dtype, countOf(c.axis, REDUCE_SHAPE), b.name), { op: fn, backend: b.name, dtype, case: c.label, seed });
            });
          });
        }
      }
    }

    for (const fn of ['argmax', 'argmin'] as const) {
      for (const dtype of dtypesFor(b, DTYPES)) {
        it(`${fn} ${dtype}: every single axis, negative, flattened, keepDims, views and ties`, async () => {
          for (const view of [false, true]) {
            const seed = seedOf(`${fn} ${dtype} ${view}`);
            const x = view ? await seededView(REDUCE_SHAPE, [2, 0, 1], seed, dtype) : await seeded(REDUCE_SHAPE, seed, dtype);
            for (const axis of [undefined, 0, 1, 2, -1]) {
              for (const keepDims of [false, true]) {
                const got = await L[fn](x.t, { axis, keepDims, ...o });
                expect(got.dtype).toBe('int32');
                await expectClose(got, refReduceFn(fn, x.ref, axis, { keepDims }), tol('int32'), { op: fn, dtype, axis, keepDims, view, seed });
              }
            }
          }
          // Ties: the first occurrence (numpy).
          const t = tensor([[3, 1, 3], [2, 2, 2], [-1, 5, 5]], undefined, { dtype });
          expect(await (await L[fn](t, { axis: 1, ...o })).array()).toEqual(fn === 'argmax' ? [0, 0, 1] : [1, 0, 0]);
          expect(await (await L[fn](t, o)).array()).toBe(fn === 'argmax' ? 7 : 6);
          // A long axis crossing the webgpu workgroup: the extreme near the end, a tie near the start.
          const long = new Float64Array(1000).fill(0);
          long[3] = 7; long[998] = 9; long[999] = 9; long[500] = -9; long[501] = -9;
          expect(await (await L[fn](tensor(long, undefined, { dtype }), o)).array()).toBe(fn === 'argmax' ? 998 : 500);
        });
      }
    }

    it('NaN: max, min and argmax/argmin pick it (numpy); logSumExp, variance and norm give NaN', async () => {
      for (const dtype of dtypesFor(b, ['float32', 'float64'] as const)) {
        const x = tensor([[1, NaN, 3, NaN], [4, 5, -Infinity, 6]], undefined, { dtype });
        expect([...(await (await L.max(x, { axis: 1, ...o })).data())]).toEqual([NaN, 6]);
        expect([...(await (await L.min(x, { axis: 1, ...o })).data())]).toEqual([NaN, -Infinity]);
        expect(await (await L.argmax(x, { axis: 1, ...o })).array()).toEqual([1, 3]);
        expect(await (await L.argmin(x, { axis: 1, ...o })).array()).toEqual([1, 2]);
        expect(await (await L.argmax(x, o)).array()).toBe(1);
        for (const fn of ['logSumExp', 'variance', 'norm'] as const) {
          expect(Number.isNaN((await (await L[fn](x, { axis: 1, ...o })).data())[0]), `${fn} ${dtype}`).toBe(true);
        }
      }
    });

    it('logSumExp is stable for large inputs and exact at ±Infinity', async () => {
      for (const dtype of dtypesFor(b, ['float32', 'float64'] as const)) {
        // log(e^1000 + e^1000) = 1000 + log 2; log(e^-1000 + e^-1000) = −1000 + log 2
        const x = tensor([[1000, 1000], [-1000, -1000], [-Infinity, -Infinity], [Infinity, 1]], undefined, { dtype });
        await expectClose(await L.logSumExp(x, { axis: 1, ...o }), { data: [1000 + Math.LN2, -1000 + Math.LN2, -Infinity, Infinity], shape: [4] },
          tol(dtype, 2), `logSumExp large ${dtype}`);
        expect(await (await L.logSumExp(tensor(new Float64Array(0), [0], { dtype }), o)).array()).toBe(-Infinity);
      }
    });

    it("norm: 'fro' over two axes, overflow-safe 2-norm, empty → 0, prod of empty → 1", async () => {
      const dtype = bestFloat(b);
      const m = tensor([[3, 4], [0, 12]], undefined, { dtype });
      expect(await (await L.norm(m, { ord: 'fro', axis: [0, 1], ...o })).array()).toBe(13);
      expect(await (await L.norm(m, { ord: 'fro', ...o })).array()).toBe(13);
      // numpy: np.linalg.norm([3e30, 4e30]) = 5e30 (no overflow of the squares in float32 either)
      await expectClose(await L.norm(tensor([3e30, 4e30], undefined, { dtype }), o), { data: [5e30], shape: [] }, tol(dtype, 2), 'norm overflow-safe');
      await expectClose(await L.norm(tensor([3e-30, 4e-30], undefined, { dtype }), o), { data: [5e-30], shape: [] }, tol(dtype, 2), 'norm underflow-safe');
      const empty = tensor(new Float64Array(0), [2, 0], { dtype });
      expect(await (await L.norm(empty, { axis: 1, ...o })).array()).toEqual([0, 0]);
      expect(await (await L.prod(empty, { axis: 1, ...o })).array()).toEqual([1, 1]);
      // Bessel's correction: var([1, 2, 3, 4], ddof=1) = 5/3 (numpy)
      await expectClose(await L.variance(tensor([1, 2, 3, 4], undefined, { dtype }), { ddof: 1, ...o }), { data: [5 / 3], shape: [] }, tol(dtype, 4), 'var ddof 1');
    });

    it('int32 prod wraps; max/min/argmax of int32 stay exact at the extremes', async () => {
      const i32 = (v: number[]) => tensor(v, undefined, { dtype: 'int32' });
      // 65536 · 65536 ≡ 0 (mod 2^32); 46341² ≡ −2147479015
      expect(await (await L.prod(i32([65536, 65536, 3]), o)).array()).toBe(0);
      expect(await (await L.prod(i32([46341, 46341]), o)).array()).toBe(-2147479015);
      const e = i32([-2147483648, 2147483647, 0]);
      expect(await (await L.max(e, o)).array()).toBe(2147483647);
      expect(await (await L.min(e, o)).array()).toBe(-2147483648);
      expect(await (await L.argmax(e, o)).array()).toBe(1);
    });
  });
}
