/**
 * where(cond, a, b) against the reference: numpy broadcasting of all three operands (scalars,
 * rows, outer products, empty), strided views, float32 / float64 / int32 values, on every
 * backend. Exact: where moves values, it computes none.
 */
import { describe, expect, it } from 'vitest';
import { DTypeError, greater, ShapeError, tensor, where, zeros, type DType } from '../../src/index.js';
import { refWhere } from '../reference/where.js';
import { expectClose, fromRef, seeded, seededView, seedOf, tol } from '../util/close.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { settled } from '../util/settled.js';

const CASES: { label: string; c: number[]; a: number[]; b: number[]; view?: boolean }[] = [
  { label: 'same shape [7,13]', c: [7, 13], a: [7, 13], b: [7, 13] },
  { label: 'scalars', c: [], a: [], b: [] },
  { label: 'cond [7,1], a [13], b []', c: [7, 1], a: [13], b: [] },
  { label: 'cond [] (scalar), a [3,4], b [4]', c: [], a: [3, 4], b: [4] },
  { label: 'cond [2,3,1], a [1,5], b [3,5]', c: [2, 3, 1], a: [1, 5], b: [3, 5] },
  { label: 'empty [0,3]', c: [0, 3], a: [3], b: [0, 1] },
  { label: 'large [33,65] views', c: [33, 65], a: [33, 65], b: [65], view: true },
];

for (const bk of await backendMatrix()) {
  describe.skipIf(!bk.available || !bk.ops.includes('where'))(`where [${bk.name}]`, () => {
    const o = { backend: bk.name };
    for (const dtype of dtypesFor(bk, ['float32', 'float64', 'int32'] as DType[])) {
      it.each(CASES)(`${dtype} $label`, async (c) => {
        const seed = seedOf(`where ${c.label} ${dtype}`);
        const raw = await seeded(c.c, seed, 'float64');
        const cond = await fromRef({ data: raw.ref.data.map((v) => (v > 0.3 ? Math.round(v * 5) : 0)), shape: c.c }, 'int32');
        const a = c.view && c.a.length === 2 ? await seededView(c.a, [1, 0], seed + 1, dtype) : await seeded(c.a, seed + 1, dtype);
        const b = await seeded(c.b, seed + 2, dtype);
        const got = await where(cond.t, a.t, b.t, o);
        expect(got.dtype).toBe(dtype);
        await expectClose(got, refWhere(cond.ref, a.ref, b.ref), { atol: 0, rtol: 0 }, { op: 'where', backend: bk.name, dtype, case: c.label, seed });
      });
    }

    it('takes a comparison as its mask, and keeps NaN, ±Infinity and −0 bit-exact', async () => {
      const dtype = dtypesFor(bk, ['float64', 'float32'] as DType[])[0]!;
      const x = tensor([NaN, -Infinity, -0, 2, -3], undefined, { dtype });
      const mask = await greater(x, zeros([5], { dtype }), o);
      const got = await where(mask, x, tensor([7, 8, 9, 10, 11], undefined, { dtype }), o);
      expect([...(await got.data())]).toEqual([7, 8, 9, 2, 11]);
      const keep = await where(tensor([1, 1, 1], undefined, { dtype: 'int32' }), tensor([NaN, -Infinity, -0], undefined, { dtype }), tensor(0, undefined, { dtype }), o);
      expect([...(await keep.data())]).toEqual([NaN, -Infinity, -0]);
      await expectClose(keep, { data: [NaN, -Infinity, -0], shape: [3] }, tol(dtype), 'where keeps specials');
    });

    it('rejects a non-int32 cond, mixed dtypes and shapes that do not broadcast', async () => {
      const f = tensor([1, 0]);
      const i = tensor([1, 0], undefined, { dtype: 'int32' });
      await expect(settled(() => where(f, f, f, o))).rejects.toThrow(DTypeError);
      await expect(settled(() => where(i, f, i, o))).rejects.toThrow(DTypeError);
      await expect(settled(() => where(tensor([1, 0, 1], undefined, { dtype: 'int32' }), f, f, o))).rejects.toThrow(ShapeError);
    });
  });
}
