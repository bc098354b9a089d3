/**
 * Properties of ridge on the js backend (fast-check): x̂ satisfies its normal equations
 * (AᵀA + λI)x̂ = Aᵀy, the primal and dual forms agree, and a growing λ drives ‖x̂‖ to 0 with
 * ‖x̂‖ ≤ ‖Aᵀy‖/λ (the smallest eigenvalue of AᵀA + λI is at least λ).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ridge } from '../../src/index.js';
import { seeded } from '../util/close.js';

const backend = 'js' as const;
const problem = fc.record({
  m: fc.integer({ min: 1, max: 14 }),
  n: fc.integer({ min: 1, max: 14 }),
  signals: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  lambda: fc.double({ min: 0.01, max: 20, noNaN: true }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});
type Problem = { m: number; n: number; signals: number | undefined; lambda: number; seed: number };

async function setup(p: Problem, dtype: 'float32' | 'float64' = 'float64') {
  const a = await seeded([p.m, p.n], p.seed, dtype);
  const y = await seeded(p.signals === undefined ? [p.m] : [p.m, p.signals], p.seed + 1, dtype);
  return { a, y, k: p.signals ?? 1 };
}

const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

/** Aᵀy for A [m,n] and y [m,k], row-major float64. */
function aty(A: Float64Array, Y: Float64Array, m: number, n: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[i * k + c] += A[r * n + i]! * Y[r * k + c]!;
  return out;
}

describe('ridge properties [js]', () => {
  it('x̂ satisfies (AᵀA + λI)x̂ = Aᵀy, for every form', async () => {
    await fc.assert(
      fc.asyncProperty(problem, fc.constantFrom('auto' as const, 'primal' as const, 'dual' as const), fc.constantFrom('float32' as const, 'float64' as const), async (p, form, dtype) => {
        const { a, y, k } = await setup(p, dtype);
        const { m, n, lambda } = p;
        const x = Float64Array.from(await (await ridge(a.t, y.t, { lambda, form, backend })).data());
        const A = a.ref.data;
        // r = Aᵀ(Ax) + λx − Aᵀy, in float64.
        const ax = new Float64Array(m * k);
        for (let r = 0; r < m; r++) for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) ax[r * k + c] += A[r * n + i]! * x[i * k + c]!;
        const lhs = aty(A, ax, m, n, k).map((v, i) => v + lambda * x[i]!);
        const rhs = aty(A, y.ref.data, m, n, k);
        const residual = norm(lhs.map((v, i) => v - rhs[i]!));
        // ‖AᵀA + λI‖ ≤ ‖A‖_F² + λ: the residual is relative to the size of the terms it cancels.
        const scale = norm(rhs) + (norm(A) ** 2 + lambda) * norm(x);
        const rel = dtype === 'float64' ? 1e-11 : 1e-5;
        expect(residual, JSON.stringify({ ...p, form, dtype, residual, scale })).toBeLessThanOrEqual(rel * scale + 1e-300);
      }),
      { numRuns: 60 },
    );
  });

  it('the primal and dual forms agree', async () => {
    await fc.assert(
      fc.asyncProperty(problem, async (p) => {
        const { a, y } = await setup(p);
        const xp = await (await ridge(a.t, y.t, { lambda: p.lambda, form: 'primal', backend })).data();
        const xd = await (await ridge(a.t, y.t, { lambda: p.lambda, form: 'dual', backend })).data();
        const diff = norm(xp.map((v, i) => v - xd[i]!));
        // condition of either system ≤ (‖A‖_F² + λ)/λ; float64 solves err by about cond·u.
        const cond = (norm(a.ref.data) ** 2 + p.lambda) / p.lambda;
        expect(diff, JSON.stringify({ ...p, diff })).toBeLessThanOrEqual(1e-13 * cond * (norm(xp) + 1e-300) + 1e-300);
      }),
      { numRuns: 60 },
    );
  });

  it('a large λ drives ‖x̂‖ to 0: ‖x̂(λ)‖ ≤ ‖Aᵀy‖/λ and it never grows with λ', async () => {
    await fc.assert(
      fc.asyncProperty(problem, fc.constantFrom('primal' as const, 'dual' as const), async (p, form) => {
        const { a, y, k } = await setup(p);
        const bound = norm(aty(a.ref.data, y.ref.data, p.m, p.n, k));
        let previous = Infinity;
        for (const lambda of [0.1, 10, 1e3, 1e6, 1e9]) {
          const size = norm(await (await ridge(a.t, y.t, { lambda, form, backend })).data());
          const ctx = JSON.stringify({ ...p, form, lambda, size, bound, previous });
          expect(size, ctx).toBeLessThanOrEqual((bound / lambda) * (1 + 1e-12));
          expect(size, ctx).toBeLessThanOrEqual(previous * (1 + 1e-12));
          previous = size;
        }
        expect(previous).toBeLessThan(1e-6);
      }),
      { numRuns: 40 },
    );
  });
});
