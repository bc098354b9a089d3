/**
 * ridge against the reference (normal equations solved by Gaussian elimination in float64):
 * primal, dual and auto; one signal and many; m < n and m > n; λ = 0 for a full-column-rank A.
 */
import { describe, expect, it } from 'vitest';
import { planRidge, ridge, tensor } from '../../src/index.js';
import { refRidge } from '../reference/ridge.js';
import { expectClose, seeded, seedOf, tol } from '../util/close.js';
import { backendMatrix, bestFloat, dtypesFor } from '../util/backends.js';
import { FLOAT_DTYPES, RIDGE_CASES, type RidgeCase } from './cases.js';

/**
 * A condition-number estimate for the systems involved (the reference's n×n normal equations and
 * the library's m×m dual system): for N(0,1) A [m,n] the nonzero eigenvalues of AᵀA lie in about
 * [(√m − √n)², (√m + √n)²]; the zero ones (n − m of them when m < n) become λ.
 */
function conditionEstimate(c: RidgeCase): number {
  const hi = (Math.sqrt(c.m) + Math.sqrt(c.n)) ** 2 + c.lambda;
  const edge = (Math.sqrt(c.m) - Math.sqrt(c.n)) ** 2 + c.lambda;
  const primal = hi / (c.m > c.n ? edge : Math.max(c.lambda, 1e-300));
  const dual = hi / (c.m < c.n ? edge : Math.max(c.lambda, 1e-300));
  return Math.min(Math.max(primal, c.forms.includes('dual') ? dual : 1), 1e12);
}

const CASES = RIDGE_CASES.flatMap((c) => c.forms.map((form) => ({ ...c, form, label: `${c.label} [${form}]` })));

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('ridge'))(`ridge [${b.name}]`, () => {
    for (const dtype of dtypesFor(b, FLOAT_DTYPES)) {
      describe(dtype, () => {
        it.each(CASES)('$label', async (c) => {
          const seed = seedOf(`ridge ${c.label} ${dtype}`);
          const a = await seeded([c.m, c.n], seed, dtype);
          const y = await seeded(c.signals === undefined ? [c.m] : [c.m, c.signals], seed + 1, dtype);
          const got = await ridge(a.t, y.t, { lambda: c.lambda, form: c.form, backend: b.name });
          expect(got.dtype).toBe(dtype);
          // float64 errors grow with the condition number; a float32 result (solved in float64
          // inside) is the float64 answer rounded once, so only the rounding is allowed for.
          const factor = dtype === 'float64' ? 4 * conditionEstimate(c) : 4;
          const context = { op: 'ridge', backend: b.name, dtype, case: c.label, seed, lambda: c.lambda };
          await expectClose(got, refRidge(a.ref, y.ref, c.lambda), tol(dtype, Math.max(c.m, c.n), factor), context);
        });
      });
    }

    it("'auto' picks dual when m < n and primal otherwise", () => {
      const plan = (m: number, n: number) => planRidge(tensor(new Float64Array(m * n), [m, n]), tensor(new Float64Array(m), [m]), { lambda: 1 });
      expect(plan(3, 5).form).toBe('dual');
      expect(plan(5, 3).form).toBe('primal');
      expect(plan(4, 4).form).toBe('primal');
    });

    it('hand-checked: A = I₂, y = [2, 4], λ = 1 → x = y / 2', async () => {
      for (const form of ['primal', 'dual'] as const) {
        const x = await ridge(tensor([[1, 0], [0, 1]], { dtype: bestFloat(b) }), tensor([2, 4], undefined, { dtype: bestFloat(b) }), { lambda: 1, form, backend: b.name });
        await expectClose(x, { data: [1, 2], shape: [2] }, tol(bestFloat(b), 2), `ridge identity ${form}`);
      }
    });
  });
}
