/** conv2d against the reference, on every available backend, both layouts, float32 and float64. */
import { describe, expect, it } from 'vitest';
import { conv2d, tensor, type Layout } from '../../src/index.js';
import { refConv2d } from '../reference/conv2d.js';
import { expectClose, seedOf, tol } from '../util/close.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { convOperands } from './conv-operands.js';
import { CONV_CASES, FLOAT_DTYPES } from './cases.js';
import { poisonReused } from '../util/poison.js';

const LAYOUTS: Layout[] = ['NCHW', 'NHWC'];

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('conv2d'))(`conv2d [${b.name}]`, () => {
    for (const dtype of dtypesFor(b, FLOAT_DTYPES)) {
      for (const layout of LAYOUTS) {
        describe(`${dtype} ${layout}`, () => {
          it.each(CONV_CASES.filter((c) => !c.layouts || c.layouts.includes(layout)))('$label', async (c) => {
            const seed = seedOf(`conv2d ${c.label} ${dtype} ${layout}`);
            const { x, w, bias } = await convOperands(c, layout, seed, dtype);
            const options = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, activation: c.activation, layout };
            const ref = refConv2d(x.ref, w.ref, { ...options, bias: bias?.ref.data });
            poisonReused(dtype, ref.data.length);
            const got = await conv2d(x.t, w.t, { ...options, bias: bias?.t, backend: b.name });
            expect(got.dtype).toBe(dtype);
            const len = (c.C / (c.groups ?? 1)) * c.kh * c.kw + 1;
            const context = { op: 'conv2d', backend: b.name, dtype, layout, case: c.label, seed };
            await expectClose(got, ref, tol(dtype, len), context);
            await expectClose(x.t, x.ref, tol(dtype, 0, 0), { ...context, check: 'x unchanged' });
          });
        });
      }

      it(`${dtype}: a hand-checked 3×3 'same' convolution of a 3×3 image`, async () => {
        // x = 1..9, w = ones: each output is the sum of the real cells in its 3×3 neighbourhood.
        const x = tensor(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3], { dtype });
        const w = tensor(new Float64Array(9).fill(1), [1, 1, 3, 3], { dtype });
        const y = await conv2d(x, w, { padding: 'same', backend: b.name });
        expect(await y.array()).toEqual([[[[12, 21, 16], [27, 45, 33], [24, 39, 28]]]]);
      });

      it(`${dtype}: 'same' with stride 2 on a 4×4 image puts the odd padding row at the bottom`, async () => {
        // out = ceil(4/2) = 2, total pad = (2−1)·2 + 3 − 4 = 1 → top 0, bottom 1 (TensorFlow).
        const x = tensor(Float64Array.from({ length: 16 }, (_, i) => i + 1), [1, 1, 4, 4], { dtype });
        const w = tensor(new Float64Array(9).fill(1), [1, 1, 3, 3], { dtype });
        const y = await conv2d(x, w, { stride: 2, padding: 'same', backend: b.name });
        // window rows 0..2 / cols 0..2 → 1+2+3+5+6+7+9+10+11 = 54; rows 0..2 / cols 2..3 → 3+4+7+8+11+12 = 45;
        // rows 2..3 / cols 0..2 → 9+10+11+13+14+15 = 72; rows 2..3 / cols 2..3 → 11+12+15+16 = 54.
        expect(await y.array()).toEqual([[[[54, 45], [72, 54]]]]);
      });
    }
  });
}
