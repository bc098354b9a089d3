/**
 * sum and mean against the reference: every axis combination of a rank-3 tensor, keepDims,
 * negative axes, strided views, rank 0 and empty inputs; float32, float64 and int32.
 */
import { describe, expect, it } from 'vitest';
import { mean, ShapeError, sum, tensor, type DType } from '../../src/index.js';
import { refReduce } from '../reference/reduce.js';
import { sizeOf } from '../reference/nd.js';
import { expectClose, seeded, seededView, seedOf, tol } from '../util/close.js';
import { backendMatrix, dtypesFor, runsDtype } from '../util/backends.js';
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
