/**
 * layerNorm against the reference over the last one or two axes, with and without gamma / beta,
 * long rows (crossing the webgpu workgroup), views and empty inputs, on every backend.
 * Tolerance: tol(dtype, n) (the mean and variance sum n terms); ×4 on webgpu (f32 tree sums).
 */
import { describe, expect, it } from 'vitest';
import { DTypeError, InvalidArgumentError, layerNorm, ShapeError, tensor, type DType } from '../../src/index.js';
import { refLayerNorm } from '../reference/layer-norm.js';
import { sizeOf } from '../reference/nd.js';
import { expectClose, seeded, seededView, seedOf, tol } from '../util/close.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { settled } from '../util/settled.js';

const CASES: { label: string; shape: number[]; dims: number; affine: boolean; view?: number[] }[] = [
  { label: '[7,13] last axis', shape: [7, 13], dims: 1, affine: true },
  { label: '[7,13] without gamma/beta', shape: [7, 13], dims: 1, affine: false },
  { label: '[2,3,5] last two axes', shape: [2, 3, 5], dims: 2, affine: true },
  { label: '[1] (a single element: 0 + beta)', shape: [1], dims: 1, affine: true },
  { label: '[3,1000] long rows', shape: [3, 1000], dims: 1, affine: true },
  { label: '[6,5] view', shape: [6, 5], dims: 1, affine: true, view: [1, 0] },
  { label: 'empty [0,4]', shape: [0, 4], dims: 1, affine: true },
];

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('layerNorm'))(`layerNorm [${b.name}]`, () => {
    const o = { backend: b.name };
    for (const dtype of dtypesFor(b, ['float32', 'float64'] as DType[])) {
      it.each(CASES)(`${dtype} $label`, async (c) => {
        const seed = seedOf(`layerNorm ${c.label} ${dtype}`);
        const normShape = c.shape.slice(c.shape.length - c.dims);
        const x = c.view ? await seededView(c.shape, c.view, seed, dtype, { scale: 2, shift: 3 }) : await seeded(c.shape, seed, dtype, { scale: 2, shift: 3 });
        const gamma = await seeded(normShape, seed + 1, dtype);
        const beta = await seeded(normShape, seed + 2, dtype);
        const axis = c.dims === 1 ? -1 : [-2, -1];
        const got = await layerNorm(x.t, { axis, ...(c.affine ? { gamma: gamma.t, beta: beta.t } : {}), ...o });
        expect(got.dtype).toBe(dtype);
        const ref = refLayerNorm(x.ref, c.dims, 1e-5, c.affine ? gamma.ref : undefined, c.affine ? beta.ref : undefined);
        await expectClose(got, ref, tol(dtype, sizeOf(normShape), b.name === 'webgpu' ? 4 : 1), { op: 'layerNorm', backend: b.name, dtype, case: c.label, seed });
      });
    }

    it('hand-checked: [1, 2, 3] normalises to [−√1.5, 0, √1.5] (epsilon 0)', async () => {
      const got = await layerNorm(tensor([1, 2, 3]), { epsilon: 0, ...o });
      await expectClose(got, { data: [-Math.sqrt(1.5), 0, Math.sqrt(1.5)], shape: [3] }, tol('float32', 3), 'layerNorm by hand');
    });

    it('rejects int32, non-trailing axes, gamma of the wrong shape and mixed dtypes', async () => {
      const x = tensor([[1, 2, 3], [4, 5, 6]]);
      await expect(settled(() => layerNorm(tensor([[1, 2]], undefined, { dtype: 'int32' }), o))).rejects.toThrow(DTypeError);
      await expect(settled(() => layerNorm(x, { axis: 0, ...o }))).rejects.toThrow(InvalidArgumentError);
      await expect(settled(() => layerNorm(x, { gamma: tensor([1, 1]), ...o }))).rejects.toThrow(ShapeError);
      await expect(settled(() => layerNorm(x, { beta: tensor([1, 1, 1], undefined, { dtype: 'float64' }), ...o }))).rejects.toThrow(DTypeError);
    });
  });
}
