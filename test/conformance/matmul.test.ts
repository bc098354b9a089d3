/** matmul against the reference, on every available backend, for float32 and float64. */
import { describe, expect, it } from 'vitest';
import { DTypeError, matmul, tensor } from '../../src/index.js';
import { refMatmul } from '../reference/matmul.js';
import { expectClose, seeded, seededView, seedOf, swapLast, tol } from '../util/close.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { FLOAT_DTYPES, MATMUL_CASES, type MatmulCase } from './cases.js';
import { settled } from '../util/settled.js';
import { poisonReused } from '../util/poison.js';

/** The reduction length k of a case. */
function depth(c: MatmulCase): number {
  if (c.a.length === 1) return c.a[0]!;
  return c.transA ? c.a[c.a.length - 2]! : c.a[c.a.length - 1]!;
}

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('matmul'))(`matmul [${b.name}]`, () => {
    for (const dtype of dtypesFor(b, FLOAT_DTYPES)) {
      describe(dtype, () => {
        it.each(MATMUL_CASES)('$label', async (c) => {
          const seed = seedOf(`matmul ${c.label} ${dtype}`);
          const a = c.aView ? await seededView(c.a, swapLast(c.a.length), seed, dtype) : await seeded(c.a, seed, dtype);
          const w = c.bView ? await seededView(c.b, swapLast(c.b.length), seed + 1, dtype) : await seeded(c.b, seed + 1, dtype);
          if (c.aView) expect(a.t.isContiguous).toBe(false);
          if (c.bView) expect(w.t.isContiguous).toBe(false);
          const bias = c.bias ? await seeded(c.bias, seed + 2, dtype) : undefined;
          const ref = refMatmul(a.ref, w.ref, {
            transA: c.transA,
            transB: c.transB,
            bias: bias?.ref,
            activation: c.activation,
          });
          poisonReused(dtype, ref.data.length);
          const got = await matmul(a.t, w.t, {
            transA: c.transA,
            transB: c.transB,
            bias: bias?.t,
            activation: c.activation,
            backend: b.name,
          });
          expect(got.dtype).toBe(dtype);
          const context = { op: 'matmul', backend: b.name, dtype, case: c.label, seed };
          await expectClose(got, ref, tol(dtype, depth(c) + 1), context);
          // The inputs are left as they were.
          await expectClose(a.t, a.ref, tol(dtype, 0, 0), { ...context, check: 'a unchanged' });
          await expectClose(w.t, w.ref, tol(dtype, 0, 0), { ...context, check: 'b unchanged' });
        });

        it('k = 0 gives exact zeros, plus the bias', async () => {
          const a = tensor(new Float64Array(0), [4, 0], { dtype });
          const w = tensor(new Float64Array(0), [0, 3], { dtype });
          const bias = tensor([1, 2, 3], undefined, { dtype });
          expect(await (await matmul(a, w, { backend: b.name })).array()).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
          expect(await (await matmul(a, w, { bias, backend: b.name })).array()).toEqual(Array(4).fill([1, 2, 3]));
        });

        it('a hand-checked 2×3·3×2 product', async () => {
          const a = tensor([[1, 2, 3], [4, 5, 6]], { dtype });
          const w = tensor([[7, 8], [9, 10], [11, 12]], { dtype });
          expect(await (await matmul(a, w, { backend: b.name })).array()).toEqual([[58, 64], [139, 154]]);
        });
      });
    }

    it('int32 and mixed dtypes are rejected', async () => {
      const i = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
      await expect(settled(() => matmul(i, i, { backend: b.name }))).rejects.toThrow(DTypeError);
      await expect(settled(() => matmul(tensor([[1, 2]], { dtype: 'float32' }), tensor([[1], [2]], { dtype: 'float64' }), { backend: b.name }))).rejects.toThrow(DTypeError);
    });
  });
}
