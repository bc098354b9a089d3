/**
 * conv2d's `pool` option (the fused pooling epilogue) against the reference convolution followed
 * by the reference pool, on every available backend, both layouts, float32 and float64: exactly
 * `maxPool2d/avgPool2d(activation(conv2d(x, w) + bias))` with no padding in the pool and windows
 * that do not fit dropped. In the 'pool' project the pooled rows are split across the workers.
 */
import { describe, expect, it } from 'vitest';
import { conv2d, tensor, type Layout } from '../../src/index.js';
import { refConv2d } from '../reference/conv2d.js';
import { refPool2d } from '../reference/pool2d.js';
import type { Ref } from '../reference/nd.js';
import { expectClose, seeded, seedOf, tol } from '../util/close.js';
import { backendMatrix, bestFloat, dtypesFor } from '../util/backends.js';
import { failure } from '../util/settled.js';
import { convOperands } from './conv-operands.js';
import { CONV_POOL_CASES, FLOAT_DTYPES, type ConvPoolCase } from './cases.js';
import { poisonReused } from '../util/poison.js';

const LAYOUTS: Layout[] = ['NCHW', 'NHWC'];

const cells = (k: number | readonly [number, number]) => (typeof k === 'number' ? k * k : k[0] * k[1]);

/** The oracle: the reference convolution, then the reference pool over it. */
function refConvPool(x: Ref, w: Ref, c: ConvPoolCase, layout: Layout, bias?: ArrayLike<number>): Ref {
  const conv = refConv2d(x, w, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, activation: c.activation, layout, bias });
  return refPool2d(c.pool.type, conv, { kernel: c.pool.kernel, stride: c.pool.stride, layout });
}

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('conv2d'))(`conv2d pool [${b.name}]`, () => {
    for (const dtype of dtypesFor(b, FLOAT_DTYPES)) {
      for (const layout of LAYOUTS) {
        describe(`${dtype} ${layout}`, () => {
          it.each(CONV_POOL_CASES.filter((c) => !c.layouts || c.layouts.includes(layout)))('$label', async (c) => {
            const seed = seedOf(`conv2d pool ${c.label} ${dtype} ${layout}`);
            const { x, w, bias } = await convOperands(c, layout, seed, dtype);
            const ref = refConvPool(x.ref, w.ref, c, layout, bias?.ref.data);
            poisonReused(dtype, ref.data.length);
            const got = await conv2d(x.t, w.t, {
              stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, activation: c.activation, layout,
              bias: bias?.t, pool: c.pool, backend: b.name,
            });
            expect(got.dtype).toBe(dtype);
            const len = (c.C / (c.groups ?? 1)) * c.kh * c.kw + 1 + (c.pool.type === 'avg' ? cells(c.pool.kernel) : 0);
            const context = { op: 'conv2d pool', backend: b.name, dtype, layout, case: c.label, seed };
            await expectClose(got, ref, tol(dtype, len), context);
            await expectClose(x.t, x.ref, tol(dtype, 0, 0), { ...context, check: 'x unchanged' });
            for (const t of [got, x.t, w.t, bias?.t]) t?.dispose();
          });
        });
      }
    }

    it('hand-checked: a 1×1 identity convolution of 1..20 (4×5), max and avg 2 drop the last column', async () => {
      const dtype = bestFloat(b);
      const x = tensor(Float64Array.from({ length: 20 }, (_, i) => i + 1), [1, 1, 4, 5], { dtype });
      const w = tensor([1], [1, 1, 1, 1], { dtype });
      const max = await conv2d(x, w, { pool: { type: 'max', kernel: 2 }, backend: b.name });
      expect(await max.array()).toEqual([[[[7, 9], [17, 19]]]]);
      const avg = await conv2d(x, w, { pool: { type: 'avg', kernel: 2 }, backend: b.name });
      expect(await avg.array()).toEqual([[[[4, 6], [14, 16]]]]);
      // The pool comes after bias and relu: relu(x − 10) then max.
      const relu = await conv2d(x, w, { bias: tensor([-10], [1], { dtype }), activation: 'relu', pool: { type: 'max', kernel: [2, 3], stride: [2, 2] }, backend: b.name });
      expect(await relu.array()).toEqual([[[[0, 0], [8, 10]]]]);
    });

    it('NaN in x propagates through max and avg, as maxPool2d / avgPool2d do', async () => {
      for (const dtype of dtypesFor(b, FLOAT_DTYPES)) {
        for (const type of ['max', 'avg'] as const) {
          const values = Float64Array.from((await seeded([1, 2, 6, 6], seedOf(`nan ${type}`), 'float64')).ref.data);
          values[1 * 36 + 2 * 6 + 3] = NaN; // channel 1, row 2, column 3
          const x = tensor(dtype === 'float32' ? Float32Array.from(values) : values, [1, 2, 6, 6]);
          const w = await seeded([3, 2, 3, 3], seedOf(`nan w ${type}`), dtype);
          // No activation: the reference's relu maps NaN to 0, the kernels' keeps it (README: relu keeps NaN).
          const got = await conv2d(x, w.t, { padding: 'same', pool: { type, kernel: 2 }, backend: b.name });
          const c: ConvPoolCase = { label: 'nan', N: 1, C: 2, H: 6, W: 6, outC: 3, kh: 3, kw: 3, padding: 'same', pool: { type, kernel: 2 } };
          const ref = refConvPool({ data: Float64Array.from(x.dataSync()), shape: [1, 2, 6, 6] }, w.ref, c, 'NCHW');
          expect(ref.data.some(Number.isNaN)).toBe(true);
          await expectClose(got, ref, tol(dtype, 2 * 9 + 1 + 4), { op: 'conv2d pool NaN', backend: b.name, dtype, type });
        }
      }
    });

    it('bad pool options are typed errors on this backend too', async () => {
      const dtype = bestFloat(b);
      const x = tensor(new Float64Array(2 * 3 * 6 * 6), [2, 3, 6, 6], { dtype });
      const w = tensor(new Float64Array(4 * 3 * 3 * 3), [4, 3, 3, 3], { dtype });
      const run = (pool: unknown) => () => conv2d(x, w, { pool: pool as never, backend: b.name });
      await failure('INVALID_ARGUMENT', run({ type: 'max', kernel: 2, size: 2 }));
      await failure('INVALID_ARGUMENT', run({ type: 'max', size: 2 }));
      await failure('INVALID_ARGUMENT', run({ type: 'max', kernel: 0 }));
      await failure('INVALID_ARGUMENT', run({ type: 'max', kernel: NaN }));
      await failure('INVALID_ARGUMENT', run({ type: 'max', kernel: 2, stride: [1, NaN] }));
      await failure('INVALID_ARGUMENT', run({ type: 'min', kernel: 2 }));
      await failure('INVALID_ARGUMENT', run('max'));
      // conv output 4×4: a 5×5 or a [2, 5] window does not fit.
      await failure('SHAPE_MISMATCH', run({ type: 'avg', kernel: 5 }));
      await failure('SHAPE_MISMATCH', run({ type: 'max', kernel: [2, 5] }));
    });
  });
}
