/**
 * Algebraic properties of matmul on the js backend (fast-check): (AB)ᵀ = BᵀAᵀ, A·I = I·A = A,
 * linearity in the right operand, and a batched product equals its per-slice products.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { eye, matmul, tensor } from '../../src/index.js';
import { expectClose, seeded, toRef, tol } from '../util/close.js';

const backend = 'js' as const;
const dim = fc.integer({ min: 0, max: 24 });
const posDim = fc.integer({ min: 1, max: 24 });
const seed = fc.integer({ min: 0, max: 1_000_000 });
const dtype = fc.constantFrom('float32' as const, 'float64' as const);
const RUNS = { numRuns: 40 };

describe('matmul properties [js]', () => {
  it('(AB)ᵀ = BᵀAᵀ (by transA/transB flags and by transposed views)', async () => {
    await fc.assert(
      fc.asyncProperty(dim, dim, dim, seed, dtype, async (m, k, n, s, dt) => {
        const a = await seeded([m, k], s, dt);
        const b = await seeded([k, n], s + 1, dt);
        const abT = await toRef((await matmul(a.t, b.t, { backend })).transpose());
        const ctx = { m, k, n, seed: s, dtype: dt };
        await expectClose(await matmul(b.t, a.t, { transA: true, transB: true, backend }), abT, tol(dt, k, 2), { ...ctx, via: 'flags' });
        await expectClose(await matmul(b.t.transpose(), a.t.transpose(), { backend }), abT, tol(dt, k, 2), { ...ctx, via: 'views' });
      }),
      RUNS,
    );
  });

  it('A·I = A and I·A = A', async () => {
    await fc.assert(
      fc.asyncProperty(posDim, posDim, seed, dtype, async (m, n, s, dt) => {
        const a = await seeded([m, n], s, dt);
        await expectClose(await matmul(a.t, eye(n, n, { dtype: dt }), { backend }), a.ref, tol(dt, 1), { m, n, seed: s, side: 'A·I' });
        await expectClose(await matmul(eye(m, m, { dtype: dt }), a.t, { backend }), a.ref, tol(dt, 1), { m, n, seed: s, side: 'I·A' });
      }),
      RUNS,
    );
  });

  it('linearity: A(αB + C) = α·AB + AC', async () => {
    await fc.assert(
      fc.asyncProperty(dim, dim, dim, seed, fc.double({ min: -3, max: 3, noNaN: true }), async (m, k, n, s, alpha) => {
        const a = await seeded([m, k], s, 'float64');
        const b = await seeded([k, n], s + 1, 'float64');
        const c = await seeded([k, n], s + 2, 'float64');
        const d = tensor(b.ref.data.map((v, i) => alpha * v + c.ref.data[i]!), [k, n], { dtype: 'float64' });
        const ab = await (await matmul(a.t, b.t, { backend })).data();
        const ac = await (await matmul(a.t, c.t, { backend })).data();
        const rhs = { data: ab.map((v, i) => alpha * v + ac[i]!), shape: [m, n] };
        await expectClose(await matmul(a.t, d, { backend }), rhs, tol('float64', k, 4 * (1 + Math.abs(alpha))), { m, k, n, seed: s, alpha });
      }),
      RUNS,
    );
  });

  it('a batched product with broadcasting equals the product of each slice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), posDim, posDim, posDim, seed, async (batch, m, k, n, s) => {
        const a = await seeded([batch, m, k], s, 'float64');
        const b = await seeded([k, n], s + 1, 'float64');
        const all = await (await matmul(a.t, b.t, { backend })).data();
        for (let i = 0; i < batch; i++) {
          const slice = tensor(a.ref.data.slice(i * m * k, (i + 1) * m * k), [m, k], { dtype: 'float64' });
          const expected = { data: all.slice(i * m * n, (i + 1) * m * n), shape: [m, n] };
          await expectClose(await matmul(slice, b.t, { backend }), expected, tol('float64', k), { batch, m, k, n, seed: s, slice: i });
        }
      }),
      { numRuns: 25 },
    );
  });
});
