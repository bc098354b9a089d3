/**
 * softmax and logSoftmax against the reference along every axis of awkward shapes, with views,
 * large inputs (stability), ±Infinity and NaN, on every backend. Tolerance: tol(dtype, n) (the
 * sum over the axis of n terms), and rtol 1e-5 / atol 1e-6 on webgpu (WGSL's exp and log are
 * good to a few ulp).
 */
import { describe, expect, it } from 'vitest';
import { DTypeError, InvalidArgumentError, logSoftmax, softmax, tensor, type DType } from '../../src/index.js';
import { refSoftmax } from '../reference/softmax.js';
import { expectClose, seeded, seededView, seedOf, tol, type Tol } from '../util/close.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { settled } from '../util/settled.js';

const CASES: { label: string; shape: number[]; axis?: number; view?: number[] }[] = [
  { label: '[1]', shape: [1] },
  { label: '[7] (prime)', shape: [7] },
  { label: '[5,13] axis -1', shape: [5, 13] },
  { label: '[5,13] axis 0', shape: [5, 13], axis: 0 },
  { label: '[2,3,7] axis 1', shape: [2, 3, 7], axis: 1 },
  { label: '[3,1000] long axis (crosses the workgroup)', shape: [3, 1000] },
  { label: '[65,33] view, axis 0', shape: [65, 33], axis: 0, view: [1, 0] },
  { label: 'empty [0,4]', shape: [0, 4] },
  { label: 'empty axis [3,0]', shape: [3, 0] },
];

const FNS = { softmax, logSoftmax } as const;

function tolFor(dtype: DType, n: number, backend: string): Tol {
  return backend === 'webgpu' ? { atol: 1e-6, rtol: 1e-5 } : tol(dtype, n);
}

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('softmax'))(`softmax [${b.name}]`, () => {
    const o = { backend: b.name };
    for (const fn of ['softmax', 'logSoftmax'] as const) {
      for (const dtype of dtypesFor(b, ['float32', 'float64'] as DType[])) {
        it.each(CASES)(`${fn} ${dtype} $label`, async (c) => {
          const seed = seedOf(`${fn} ${c.label} ${dtype}`);
          const x = c.view ? await seededView(c.shape, c.view, seed, dtype, { scale: 4 }) : await seeded(c.shape, seed, dtype, { scale: 4 });
          const got = await FNS[fn](x.t, { axis: c.axis, ...o });
          expect(got.dtype).toBe(dtype);
          const n = c.shape[(c.axis ?? -1) < 0 ? c.shape.length - 1 : c.axis!] ?? 1;
          await expectClose(got, refSoftmax(x.ref, c.axis ?? -1, fn === 'logSoftmax'), tolFor(dtype, n, b.name), { op: fn, backend: b.name, dtype, case: c.label, seed });
        });
      }
    }

    it('is stable: softmax([1000, 1000]) = [0.5, 0.5]; huge and tiny logits', async () => {
      for (const dtype of dtypesFor(b, ['float32', 'float64'] as DType[])) {
        expect(await (await softmax(tensor([1000, 1000], undefined, { dtype }), o)).array()).toEqual([0.5, 0.5]);
        const x = tensor([[1000, 0, -1000], [-1e4, -1e4 + Math.LN2, -1e4]], undefined, { dtype });
        await expectClose(await softmax(x, o), refSoftmax({ data: Float64Array.from(await x.data()), shape: [2, 3] }), tolFor(dtype, 3, b.name), `softmax extremes ${dtype}`);
        // log softmax keeps what softmax underflows: log(e^-1000 / (e^1000 + 1 + e^-1000)) = −2000
        await expectClose(await logSoftmax(tensor([1000, 0, -1000], undefined, { dtype }), o), { data: [0, -1000, -2000], shape: [3] }, tolFor(dtype, 3, b.name), `logSoftmax extremes ${dtype}`);
      }
    });

    it('−Infinity logits get probability 0; NaN or +Infinity in a line gives NaN (as numpy)', async () => {
      for (const dtype of dtypesFor(b, ['float32', 'float64'] as DType[])) {
        expect(await (await softmax(tensor([-Infinity, 0, 0], undefined, { dtype }), o)).array()).toEqual([0, 0.5, 0.5]);
        const bad = await (await softmax(tensor([[NaN, 1], [Infinity, 1]], undefined, { dtype }), o)).data();
        expect([...bad].every(Number.isNaN)).toBe(true);
      }
    });

    it('rejects int32, scalars and bad axes', async () => {
      await expect(settled(() => softmax(tensor([1, 2], undefined, { dtype: 'int32' }), o))).rejects.toThrow(DTypeError);
      await expect(settled(() => softmax(tensor(3), o))).rejects.toThrow(InvalidArgumentError);
      await expect(settled(() => logSoftmax(tensor([1, 2]), { axis: 1, ...o }))).rejects.toThrow(InvalidArgumentError);
    });
  });
}
