/**
 * cs.lassoGram against the reference (cyclic coordinate descent to 1e-15, and the duality gap from
 * its definition): per problem, the gap the op reports is the gap at its x, it is ≤ tol·yy, and
 * the objective is within that gap of the reference minimiser's. Shapes: one problem, batches,
 * k = 1, primes, empty batches and k = 0, per-problem λ (0 and large ones among them), a start
 * point, and problems that name their columns of one shared G (with −1 padding). On every CPU
 * backend, in the plain and pooled runs.
 */
import { describe, expect, it } from 'vitest';
import { cs, InvalidArgumentError, ShapeError, tensor, type Tensor } from '../../src/index.js';
import { refGap, refLassoGram } from '../reference/lasso-gram.js';
import { backendMatrix } from '../util/backends.js';
import { seedOf } from '../util/close.js';

/** A deterministic N(0,1)-ish stream (sum of uniforms from a 32-bit LCG). */
function stream(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      v += s / 2 ** 32;
    }
    return (v - 2) * Math.sqrt(3);
  };
}

/** A Gram problem from a random A [m, k] and y [m]: G = AᵀA, c = Aᵀy, yy = ‖y‖². */
function problem(m: number, k: number, seed: number, exact = false): { g: Float64Array; c: Float64Array; yy: number } {
  const r = stream(seed);
  const a = Float64Array.from({ length: m * k }, r);
  // exact: y = A·w lies in A's range (least squares then has a zero residual, so a zero gap).
  const w = Float64Array.from({ length: k }, r);
  const y = exact ? Float64Array.from({ length: m }, (_, p) => w.reduce((s, v, j) => s + a[p * k + j]! * v, 0)) : Float64Array.from({ length: m }, r);
  const g = new Float64Array(k * k);
  const c = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) for (let p = 0; p < m; p++) g[i * k + j] += a[p * k + i]! * a[p * k + j]!;
    for (let p = 0; p < m; p++) c[i] += a[p * k + i]! * y[p]!;
  }
  let yy = 0;
  for (const v of y) yy += v * v;
  return { g, c, yy };
}

interface Case {
  label: string;
  batch?: number;
  k: number;
  m: number;
  lambda: (p: number, cmax: number) => number;
  x0?: boolean;
  exact?: boolean;
}

const CASES: Case[] = [
  { label: 'one problem, k = 7', k: 7, m: 20, lambda: (_, c) => 0.1 * c },
  { label: 'k = 1', k: 1, m: 5, lambda: (_, c) => 0.3 * c },
  { label: 'batch 5, k = 13, λ per problem (one of them ≥ ‖c‖∞: x = 0)', batch: 5, k: 13, m: 31, lambda: (p, c) => [0.01, 0.1, 0.5, 1.5, 0.05][p]! * c },
  { label: 'batch 3, k = 24 > m = 11 (rank-deficient G)', batch: 3, k: 24, m: 11, lambda: (_, c) => 0.05 * c },
  { label: 'batch 4 from a start point', batch: 4, k: 9, m: 17, lambda: (_, c) => 0.2 * c, x0: true },
  { label: 'λ = 0, y in the range of a full-rank A (least squares, zero residual)', k: 5, m: 40, lambda: () => 0, exact: true },
];

const TOL = 1e-9;

/** Asserts every problem's certificate and its objective against the reference. */
async function check(r: ReturnType<typeof cs.lassoGram>, gs: Float64Array[], cs_: Float64Array[], yy: number[], lambdas: number[], context: string) {
  const x = await r.x.data();
  const gaps = await r.gap.data();
  const its = await r.iterations.data();
  expect(r.iterations.dtype).toBe('int32');
  for (let p = 0; p < gs.length; p++) {
    const k = cs_[p]!.length;
    const xp = x.subarray(p * k, (p + 1) * k);
    const mine = refGap(gs[p]!, cs_[p]!, yy[p]!, lambdas[p]!, xp);
    const best = refGap(gs[p]!, cs_[p]!, yy[p]!, lambdas[p]!, refLassoGram(gs[p]!, cs_[p]!, lambdas[p]!));
    const slack = 1e-12 * (yy[p]! + 1);
    // The reported gap is the gap at x, and it meets the test.
    expect(Math.abs(gaps[p]! - mine.gap), `${context} problem ${p}: reported gap ${gaps[p]} vs ${mine.gap}`).toBeLessThanOrEqual(slack);
    expect(mine.gap, `${context} problem ${p}: gap`).toBeLessThanOrEqual(TOL * yy[p]! + slack);
    // The objective is within that gap of the optimum (the reference's objective is an upper bound on it).
    expect(mine.objective - best.objective, `${context} problem ${p}: objective above the reference`).toBeLessThanOrEqual(mine.gap + slack);
    expect(best.objective - mine.objective, `${context} problem ${p}: reference above the objective`).toBeLessThanOrEqual(best.gap + slack);
    expect(its[p]!, `${context} problem ${p}: iterations`).toBeGreaterThanOrEqual(0);
  }
}

const flat = (parts: Float64Array[]) => {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('lassoGram'))(`cs.lassoGram [${b.name}]`, () => {
    const o = { backend: b.name };
    it.each(CASES)('$label', async (c) => {
      const count = c.batch ?? 1;
      const seed = seedOf(`lassoGram ${c.label}`);
      const probs = Array.from({ length: count }, (_, p) => problem(c.m, c.k, seed + p, c.exact));
      const lambdas = probs.map((q, p) => c.lambda(p, Math.max(...Array.from(q.c, Math.abs))));
      const yy = probs.map((q) => q.yy);
      const gs = probs.map((q) => q.g);
      const cs_ = probs.map((q) => q.c);
      const shape = c.batch === undefined ? [c.k] : [count, c.k];
      const G = tensor(flat(gs), c.batch === undefined ? [c.k, c.k] : [count, c.k, c.k], { dtype: 'float64' });
      const C = tensor(flat(cs_), shape, { dtype: 'float64' });
      const x0 = c.x0 ? tensor(Float64Array.from({ length: count * c.k }, stream(seed + 99)), shape, { dtype: 'float64' }) : undefined;
      const r = cs.lassoGram(G, C, { lambda: lambdas, yy, tol: TOL, maxIter: 100000, ...(x0 ? { x0 } : {}), ...o });
      expect(r.x.shape).toEqual(shape);
      expect(r.gap.shape).toEqual(c.batch === undefined ? [] : [count]);
      await check(r, gs, cs_, yy, lambdas, `${b.name} ${c.label}`);
      // λ ≥ ‖c‖∞ gives exactly 0.
      const x = await r.x.data();
      lambdas.forEach((l, p) => {
        if (l >= Math.max(...Array.from(cs_[p]!, Math.abs))) expect(Array.from(x.subarray(p * c.k, (p + 1) * c.k))).toEqual(new Array(c.k).fill(0));
      });
    });

    it('problems name their columns of one shared G (−1: an unused slot, held at 0)', async () => {
      const n = 23;
      const whole = problem(40, n, 7);
      const sets = [[0, 3, 5, 22, -1, -1], [1, 2, 3, 4, 5, 6], [20, -1, 7, -1, 11, 9], [-1, -1, -1, -1, -1, -1]];
      const k = 6;
      const gs = sets.map((w) => {
        const g = new Float64Array(k * k);
        w.forEach((i, a) => w.forEach((j, q) => (g[a * k + q] = i < 0 || j < 0 ? 0 : whole.g[i * n + j]!)));
        return g;
      });
      const cs_ = sets.map((w) => Float64Array.from(w, (i) => (i < 0 ? 0 : whole.c[i]!)));
      const yy = sets.map(() => whole.yy);
      const lambdas = [0.05, 0.2, 0.01, 0.1].map((f) => f * Math.max(...Array.from(whole.c, Math.abs)));
      // c holds garbage in the unused slots: they must be ignored.
      const cIn = flat(cs_.map((v, p) => Float64Array.from(v, (e, j) => (sets[p]![j]! < 0 ? 1e6 : e))));
      const r = cs.lassoGram(tensor(whole.g, [n, n], { dtype: 'float64' }), tensor(cIn, [4, k], { dtype: 'float64' }), {
        lambda: lambdas, yy, tol: TOL, maxIter: 100000, columns: tensor(Int32Array.from(sets.flat()), [4, k], { dtype: 'int32' }), ...o,
      });
      await check(r, gs, cs_, yy, lambdas, `${b.name} columns`);
      const x = await r.x.data();
      sets.forEach((w, p) => w.forEach((i, j) => {
        if (i < 0) expect(x[p * k + j]).toBe(0);
      }));
      // The same problems as explicit Grams give the same answers to the tolerance.
      const explicit = cs.lassoGram(tensor(flat(gs), [4, k, k], { dtype: 'float64' }), tensor(flat(cs_), [4, k], { dtype: 'float64' }), { lambda: lambdas, yy, tol: TOL, maxIter: 100000, ...o });
      const xe = await explicit.x.data();
      for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - xe[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(xe[i]!)));
    });

    it('empty: no problems, and problems of no unknowns', async () => {
      const none = cs.lassoGram(tensor(new Float64Array(0), [0, 4, 4], { dtype: 'float64' }), tensor(new Float64Array(0), [0, 4], { dtype: 'float64' }), { lambda: [], yy: [], ...o });
      expect(none.x.shape).toEqual([0, 4]);
      expect(Array.from(await none.gap.data())).toEqual([]);
      const zero = cs.lassoGram(tensor(new Float64Array(0), [2, 0, 0], { dtype: 'float64' }), tensor(new Float64Array(0), [2, 0], { dtype: 'float64' }), { lambda: 1, yy: [4, 0], ...o });
      expect(zero.x.shape).toEqual([2, 0]);
      // x = [] is the minimiser (objective ½yy, gap 0); no iteration runs.
      expect(Array.from(await zero.gap.data())).toEqual([0, 0]);
      expect(Array.from(await zero.iterations.data())).toEqual([0, 0]);
      expect(Array.from(await zero.lipschitz.data())).toEqual([0, 0]);
    });

    it('G = 0: x = 0 and lipschitz 0; NaN in G: gap NaN (diverged), not a certificate', async () => {
      const zero = cs.lassoGram(tensor(new Float64Array(9), [3, 3], { dtype: 'float64' }), tensor(new Float64Array(3), [3], { dtype: 'float64' }), { lambda: 0.1, yy: 2, ...o });
      expect(Array.from(await zero.x.data())).toEqual([0, 0, 0]);
      expect(await zero.lipschitz.array()).toBe(0);
      expect(await zero.gap.array()).toBe(0);
      const bad = Float64Array.from(problem(8, 3, 3).g);
      bad[4] = NaN;
      const nan = cs.lassoGram(tensor(bad, [3, 3], { dtype: 'float64' }), tensor([1, 2, 3], [3], { dtype: 'float64' }), { lambda: 0.1, yy: 20, ...o });
      expect(Number.isNaN(await nan.gap.array())).toBe(true);
    });

    it('maxIter bounds the iterations, and the gap it reports is still the gap at x', async () => {
      const q = problem(30, 12, 5);
      const r = cs.lassoGram(tensor(q.g, [12, 12], { dtype: 'float64' }), tensor(q.c, [12], { dtype: 'float64' }), { lambda: 1e-3, yy: q.yy, tol: 1e-15, maxIter: 3, ...o });
      expect(await r.iterations.array()).toBe(3);
      const mine = refGap(q.g, q.c, q.yy, 1e-3, await r.x.data());
      expect(Math.abs((await r.gap.array()) as number - mine.gap)).toBeLessThanOrEqual(1e-12 * q.yy);
    });

    it('bad input: typed errors that say what was expected', () => {
      const g = tensor(new Float64Array(4), [2, 2], { dtype: 'float64' });
      const c = tensor([1, 2], [2], { dtype: 'float64' });
      const call = (G: Tensor, C: Tensor, options: Record<string, unknown>) => () => cs.lassoGram(G, C, { lambda: 0.1, yy: 1, ...o, ...options } as never);
      expect(call(tensor([[1, 0], [0, 1]]), c, {})).toThrow(/G must be float64; received float32/);
      expect(call(tensor(new Float64Array(6), [2, 3], { dtype: 'float64' }), c, {})).toThrow(ShapeError);
      expect(call(g, tensor([1, 2, 3], [3], { dtype: 'float64' }), {})).toThrow(/c must have shape \[2\]/);
      expect(call(g, c, { lambda: -1 })).toThrow(/lambda must be a finite number ≥ 0; received -1/);
      expect(call(g, c, { lambda: [0.1, 0.2] })).toThrow(/one value per problem \(1\); received 2/);
      expect(call(g, c, { yy: NaN })).toThrow(/yy must be a finite number ≥ 0; received NaN/);
      expect(call(g, c, { yy: undefined })).toThrow(/yy .* is required/);
      expect(call(g, c, { maxIter: 0 })).toThrow(InvalidArgumentError);
      expect(call(g, c, { tol: [1e-6] })).toThrow(/tol must be a finite number ≥ 0; received/);
      expect(call(g, c, { lamda: 1 })).toThrow(/Did you mean 'lambda'/);
      expect(call(g, c, { columns: tensor([0, 1], [2], { dtype: 'float64' }) })).toThrow(/columns must be int32/);
      const g3 = tensor(new Float64Array(27), [3, 3, 3], { dtype: 'float64' });
      expect(call(g3, c, { columns: tensor([0, 1], [2], { dtype: 'int32' }) })).toThrow(/G must have rank 2/);
    });

    it('a column outside G, or one used twice, is INVALID_ARGUMENT naming it', async () => {
      const q = problem(10, 4, 9);
      const G = tensor(q.g, [4, 4], { dtype: 'float64' });
      const c = tensor([1, 2, 3, 4, 5, 6], [2, 3], { dtype: 'float64' });
      const run = async (cols: number[]) => {
        const r = cs.lassoGram(G, c, { lambda: 0.1, yy: [1, 1], columns: tensor(cols, [2, 3], { dtype: 'int32' }), ...o });
        await r.x.data();
      };
      await expect(run([0, 1, 2, 3, 4, 1])).rejects.toThrow(/columns\[1,1\] is 4, outside \[0, 4\)/);
      await expect(run([0, 1, 2, 3, -2, 1])).rejects.toThrow(/columns\[1,1\] is -2, outside \[0, 4\)/);
      await expect(run([0, 1, 0, 3, 2, 1])).rejects.toThrow(/columns\[0,2\] is 0, which this problem already uses/);
      await expect(run([0, 1, 2, 3, 2, 1])).resolves.toBeUndefined();
    });
  });
}
