/**
 * batchNorm (inference) against the reference: NCHW (axis 1, the default), NHWC (axis −1),
 * rank 1 and 2, with and without offset / scale, views, empty batches, on every backend.
 * Tolerance: tol(dtype, 4) (a subtraction, a square root, a division, a multiply-add).
 */
import { describe, expect, it } from 'vitest';
import { batchNorm, DTypeError, InvalidArgumentError, ShapeError, tensor, type DType } from '../../src/index.js';
import { refBatchNorm } from '../reference/batch-norm.js';
import { expectClose, seeded, seededView, seedOf, tol } from '../util/close.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { settled } from '../util/settled.js';

const CASES: { label: string; shape: number[]; axis?: number; affine: boolean; view?: number[] }[] = [
  { label: 'NCHW [2,3,5,7]', shape: [2, 3, 5, 7], affine: true },
  { label: 'NCHW [2,3,5,7] without offset/scale', shape: [2, 3, 5, 7], affine: false },
  { label: 'NHWC [2,5,7,3] axis -1', shape: [2, 5, 7, 3], axis: -1, affine: true },
  { label: '[13,11] (N, C)', shape: [13, 11], affine: true },
  { label: '[5] rank 1', shape: [5], affine: true },
  { label: '[1,1,1,1]', shape: [1, 1, 1, 1], affine: true },
  { label: 'empty batch [0,3,4,4]', shape: [0, 3, 4, 4], affine: true },
  { label: 'view [4,3,6]', shape: [4, 3, 6], affine: true, view: [2, 1, 0] },
];

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('batchNorm'))(`batchNorm [${b.name}]`, () => {
    const o = { backend: b.name };
    for (const dtype of dtypesFor(b, ['float32', 'float64'] as DType[])) {
      it.each(CASES)(`${dtype} $label`, async (c) => {
        const seed = seedOf(`batchNorm ${c.label} ${dtype}`);
        const axis = c.axis === undefined ? (c.shape.length > 1 ? 1 : 0) : c.axis < 0 ? c.axis + c.shape.length : c.axis;
        const ch = c.shape[axis]!;
        const x = c.view ? await seededView(c.shape, c.view, seed, dtype, { scale: 3, shift: 1 }) : await seeded(c.shape, seed, dtype, { scale: 3, shift: 1 });
        const mean = await seeded([ch], seed + 1, dtype);
        const variance = await seeded([ch], seed + 2, dtype, { scale: 0.5, shift: 2 });
        const offset = await seeded([ch], seed + 3, dtype);
        const scale = await seeded([ch], seed + 4, dtype);
        const epsilon = 1e-3;
        const got = await batchNorm(x.t, mean.t, variance.t, { axis: c.axis, epsilon, ...(c.affine ? { offset: offset.t, scale: scale.t } : {}), ...o });
        expect(got.dtype).toBe(dtype);
        const ref = refBatchNorm(x.ref, mean.ref, variance.ref, axis, epsilon, c.affine ? offset.ref : undefined, c.affine ? scale.ref : undefined);
        await expectClose(got, ref, tol(dtype, 4), { op: 'batchNorm', backend: b.name, dtype, case: c.label, seed });
      });
    }

    it('hand-checked: default epsilon 1e-5', async () => {
      // (x − 1)/√(4 + 1e-5) · 2 + 0.5 for channel 0; (x − 2)/√(1 + 1e-5) for channel 1
      const x = tensor([[1, 2], [3, 4]], undefined, { dtype: 'float32' });
      const got = await batchNorm(x, tensor([1, 2]), tensor([4, 1]), { scale: tensor([2, 1]), offset: tensor([0.5, 0]), ...o });
      const k0 = 2 / Math.sqrt(4 + 1e-5);
      const k1 = 1 / Math.sqrt(1 + 1e-5);
      await expectClose(got, { data: [0.5, 0, 2 * k0 + 0.5, 2 * k1], shape: [2, 2] }, tol('float32', 4), 'batchNorm by hand');
    });

    it('rejects int32, vectors of the wrong length, mixed dtypes and a bad epsilon', async () => {
      const x = tensor([[1, 2, 3], [4, 5, 6]]);
      const v2 = tensor([1, 1]);
      const v3 = tensor([1, 1, 1]);
      await expect(settled(() => batchNorm(tensor([[1, 2]], undefined, { dtype: 'int32' }), v2, v2, o))).rejects.toThrow(DTypeError);
      await expect(settled(() => batchNorm(x, v2, v2, o))).rejects.toThrow(ShapeError);
      await expect(settled(() => batchNorm(x, v3, v3, { scale: v2, ...o }))).rejects.toThrow(ShapeError);
      await expect(settled(() => batchNorm(x, v3, tensor([1, 1, 1], undefined, { dtype: 'float64' }), o))).rejects.toThrow(DTypeError);
      await expect(settled(() => batchNorm(x, v3, v3, { epsilon: -1, ...o }))).rejects.toThrow(InvalidArgumentError);
    });
  });
}
