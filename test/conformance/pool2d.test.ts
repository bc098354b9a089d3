/** maxPool2d and avgPool2d against the reference, on every available backend, both layouts. */
import { describe, expect, it } from 'vitest';
import { avgPool2d, maxPool2d, tensor, type Layout } from '../../src/index.js';
import { refPool2d } from '../reference/pool2d.js';
import { expectClose, seeded, seededView, seedOf, tol } from '../util/close.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { FLOAT_DTYPES, POOL_CASES } from './cases.js';
import { poisonReused } from '../util/poison.js';

const LAYOUTS: Layout[] = ['NCHW', 'NHWC'];
const POOLS = [
  ['max', maxPool2d],
  ['avg', avgPool2d],
] as const;

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('pool2d'))(`pool2d [${b.name}]`, () => {
    for (const [kind, pool] of POOLS) {
      for (const dtype of dtypesFor(b, FLOAT_DTYPES)) {
        for (const layout of LAYOUTS) {
          describe(`${kind} ${dtype} ${layout}`, () => {
            it.each(POOL_CASES)('$label', async (c) => {
              const seed = seedOf(`pool ${kind} ${c.label} ${dtype} ${layout}`);
              const shape = layout === 'NCHW' ? [c.N, c.C, c.H, c.W] : [c.N, c.H, c.W, c.C];
              const x = c.xView
                ? await seededView(shape, layout === 'NCHW' ? [0, 3, 1, 2] : [0, 2, 3, 1], seed, dtype)
                : await seeded(shape, seed, dtype);
              const options = { kernel: c.kernel, stride: c.stride, padding: c.padding, layout };
              const ref = refPool2d(kind, x.ref, options);
              poisonReused(dtype, ref.data.length);
              const got = await pool(x.t, { ...options, backend: b.name });
              expect(got.dtype).toBe(dtype);
              const k = typeof c.kernel === 'number' ? c.kernel * c.kernel : c.kernel[0] * c.kernel[1];
              await expectClose(got, ref, tol(dtype, kind === 'max' ? 0 : k), { op: `${kind}Pool2d`, backend: b.name, dtype, layout, case: c.label, seed });
            });
          });
        }
      }
    }

    it('hand-checked: padded cells are ignored by max (all-negative input) and by avg (count of real cells)', async () => {
      // 2×2 image, kernel 3, stride 1, 'same' → pad 1 on every side; every window covers all 4 cells.
      const x = tensor([-4, -3, -2, -1], [1, 1, 2, 2], { dtype: dtypesFor(b, ['float64', 'float32'] as const)[0] });
      expect(await (await maxPool2d(x, { kernel: 3, stride: 1, padding: 'same', backend: b.name })).array()).toEqual([[[[-1, -1], [-1, -1]]]]);
      expect(await (await avgPool2d(x, { kernel: 3, stride: 1, padding: 'same', backend: b.name })).array()).toEqual([[[[-2.5, -2.5], [-2.5, -2.5]]]]);
      // kernel 2 stride 1 'same' on 2×2: pad bottom/right only; windows hold 4, 2, 2, 1 real cells.
      const y = await avgPool2d(x, { kernel: 2, stride: 1, padding: 'same', backend: b.name });
      expect(await y.array()).toEqual([[[[-2.5, -2], [-1.5, -1]]]]);
    });
  });
}
