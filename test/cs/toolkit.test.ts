/**
 * The cs toolkit against oracles: operators from functions, sampling and toMatrix against dense
 * matrices built by hand; the dot test; FISTA's objective and duality gap against scikit-learn's
 * Lasso (test/fixtures/lasso.json, written by scikit-learn 1.2); the lasso path and LassoCV's
 * fold errors against scikit-learn; per-signal λ against single runs; λ = 0; ridgePath against
 * the normal equations; per-signal metrics by hand; chooseLambda's edge flag.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cs, matmul, tensor, zeros } from '../../src/index.js';
import { denseDct, lambdaMax, norm, sparseSignal } from './signals.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/lasso.json', import.meta.url), 'utf8')) as {
  m: number; n: number; A: number[]; y: number[]; lambda: number; coef: number[]; objective: number;
  cvLambdas: number[]; cvLambdaChosen: number; msePath: number[][]; cvCoef: number[];
};

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('operators', () => {
  it('cs.operator from functions equals the matrix it describes, forward, adjoint and batched', async () => {
    // First differences D (n−1)×n: (Dx)_i = x_{i+1} − x_i, written by hand as functions.
    const n = 7;
    const dense = new Float64Array((n - 1) * n);
    for (let i = 0; i < n - 1; i++) {
      dense[i * n + i] = -1;
      dense[i * n + i + 1] = 1;
    }
    const D = cs.operator({
      shape: [n - 1, n],
      dtype: 'float64',
      forward: async (x) => {
        const v = await x.data();
        const b = x.rank === 1 ? 1 : x.shape[1]!;
        const out = new Float64Array((n - 1) * b);
        for (let i = 0; i < n - 1; i++) for (let c = 0; c < b; c++) out[i * b + c] = v[(i + 1) * b + c]! - v[i * b + c]!;
        return tensor(out, x.rank === 1 ? [n - 1] : [n - 1, b]);
      },
      adjoint: async (y) => {
        const v = await y.data();
        const b = y.rank === 1 ? 1 : y.shape[1]!;
        const out = new Float64Array(n * b);
        for (let i = 0; i < n - 1; i++) for (let c = 0; c < b; c++) {
          out[(i + 1) * b + c] += v[i * b + c]!;
          out[i * b + c] -= v[i * b + c]!;
        }
        return tensor(out, y.rank === 1 ? [n] : [n, b]);
      },
    });
    expect(D.kind).toBe('function');
    expect(Array.from(await (await D.toMatrix()).data())).toEqual(Array.from(dense));
    const M = tensor(dense, [n - 1, n]);
    const X = sparseSignal(n, 3, 4, 'float64', 3);
    expect(maxDiff(await (await D.forward(X)).data(), await (await matmul(M, X)).data())).toBeLessThan(1e-15);
    const Y = tensor(Float64Array.from({ length: (n - 1) * 2 }, (_, i) => Math.sin(i)), [n - 1, 2]);
    expect(maxDiff(await (await D.adjoint(Y)).data(), await (await matmul(M, Y, { transA: true })).data())).toBeLessThan(1e-15);
    expect((await cs.dottest(D)).passed).toBe(true);
  });

  it('dottest passes right adjoints and catches a wrong one', async () => {
    for (const op of [cs.partialDCT(20, 64, { seed: 1, dtype: 'float64' }), cs.operator(cs.gaussian(9, 13, { seed: 2, dtype: 'float64' })),
      cs.dct2d(6, 10, { block: 4, dtype: 'float64' }), cs.sample(50, [3, 7, 7, 49], { dtype: 'float64' })]) {
      const r = await cs.dottest(op, { seed: 5 });
      expect(r.passed).toBe(true);
      expect(r.relativeError).toBeLessThan(1e-12);
      expect(r.forward).toBeCloseTo(r.adjoint, 12);
    }
    const A = cs.gaussian(9, 13, { seed: 2, dtype: 'float64' });
    const wrong = cs.operator({ shape: [9, 13], dtype: 'float64', forward: (x) => matmul(A, x), adjoint: async (y) => matmul(A, y, { transA: true }) });
    expect((await cs.dottest(wrong)).passed).toBe(true);
    const broken = cs.operator({ shape: [9, 13], dtype: 'float64', forward: (x) => matmul(A, x), adjoint: async (y) => {
      const v = Float64Array.from(await (await matmul(A, y, { transA: true })).data());
      v[0] *= 2;
      return tensor(v, [13]);
    } });
    const r = await cs.dottest(broken);
    expect(r.passed).toBe(false);
    expect(r.relativeError).toBeGreaterThan(1e-6);
  });

  it('cs.sample keeps the chosen entries, scatters back, and is the selection matrix', async () => {
    const S = cs.sample(6, [4, 1, 1], { dtype: 'float64' });
    expect(S.shape).toEqual([3, 6]);
    expect(Array.from(await (await S.forward(tensor(Float64Array.of(10, 11, 12, 13, 14, 15)))).data())).toEqual([14, 11, 11]);
    expect(Array.from(await (await S.adjoint(tensor(Float64Array.of(1, 2, 3)))).data())).toEqual([0, 5, 0, 0, 1, 0]);
    expect(Array.from(await (await S.toMatrix()).data())).toEqual([
      0, 0, 0, 0, 1, 0,
      0, 1, 0, 0, 0, 0,
      0, 1, 0, 0, 0, 0,
    ]);
    const mask = cs.sample(5, [true, false, true, true, false]);
    expect(mask.indices).toEqual([0, 2, 3]);
    const X = tensor(Float32Array.from({ length: 10 }, (_, i) => i), [5, 2]);
    expect(Array.from(await (await mask.forward(X)).data())).toEqual([0, 1, 4, 5, 6, 7]);
  });

  it('toMatrix of a partial DCT is its rows of the dense DCT; of a composition the product', async () => {
    const P = cs.partialDCT(5, 12, { seed: 3, dtype: 'float64' });
    const C = denseDct(12);
    const M = await (await P.toMatrix()).data();
    for (let i = 0; i < 5; i++) for (let j = 0; j < 12; j++) expect(M[i * 12 + j]).toBeCloseTo(C[P.rows[i]! * 12 + j]!, 13);
    const G = cs.gaussian(4, 5, { seed: 1, dtype: 'float64' });
    const prod = await (await cs.compose(G, P).toMatrix()).data();
    const want = await (await matmul(G, tensor(M, [5, 12]))).data();
    expect(maxDiff(prod, want)).toBeLessThan(1e-14);
    const copy = await cs.operator(G).toMatrix();
    expect(Array.from(await copy.data())).toEqual(Array.from(await G.data()));
  });
});

describe('FISTA against scikit-learn Lasso', () => {
  const { m, n } = fixture;
  const A = tensor(Float64Array.from(fixture.A), [m, n]);
  const y = tensor(Float64Array.from(fixture.y));

  it('the gap criterion reaches sklearn\'s objective, and the reported objective and gap are right', async () => {
    const tol = 1e-10;
    const r = await cs.fista(A, y, { lambda: fixture.lambda, criterion: 'gap', tol, maxIter: 100000 });
    expect(r.converged).toBe(true);
    expect(r.reason).toBe('tolerance');
    const yy = norm(fixture.y) ** 2;
    expect(r.gap).toBeLessThanOrEqual(tol * yy);
    expect(r.objective).toBeGreaterThanOrEqual(fixture.objective - 1e-9);
    expect(r.objective - fixture.objective).toBeLessThanOrEqual(tol * yy + 1e-12);
    // The objective it reports is ½‖Ax − y‖² + λ‖x‖₁ of the x it returns.
    const xv = await r.x.data();
    const ax = await (await matmul(A, r.x)).data();
    let res = 0;
    for (let i = 0; i < m; i++) res += (ax[i]! - fixture.y[i]!) ** 2;
    const l1 = Array.from(xv).reduce((s, v) => s + Math.abs(v), 0);
    expect(r.objective).toBeCloseTo(0.5 * res + fixture.lambda * l1, 12);
    expect(maxDiff(xv, fixture.coef)).toBeLessThan(1e-4);
  });

  it('per-signal λ in a batch equals one run per signal; λ = 0 is least squares where y is in range', async () => {
    const lambdas = [fixture.lambda, 0.3 * fixture.lambda, 2 * fixture.lambda];
    const Y = tensor(Float64Array.from({ length: m * 3 }, (_, i) => fixture.y[Math.floor(i / 3)]! * (1 + (i % 3) * 0.1)), [m, 3]);
    const batch = await cs.fista(A, Y, { lambda: lambdas, criterion: 'gap', tol: 1e-12, maxIter: 100000 });
    const bx = await batch.x.data();
    for (let c = 0; c < 3; c++) {
      const yc = tensor(Float64Array.from({ length: m }, (_, i) => fixture.y[i]! * (1 + c * 0.1)));
      const one = await cs.fista(A, yc, { lambda: lambdas[c]!, criterion: 'gap', tol: 1e-12, maxIter: 100000 });
      expect(batch.objectives[c]).toBeCloseTo(one.objective, 9);
      const ov = await one.x.data();
      for (let j = 0; j < n; j++) expect(bx[j * 3 + c]).toBeCloseTo(ov[j]!, 5);
    }
    const asTensor = await cs.fista(A, Y, { lambda: tensor(Float64Array.from(lambdas)), criterion: 'gap', tol: 1e-12, maxIter: 100000 });
    expect(asTensor.objectives[1]).toBeCloseTo(batch.objectives[1]!, 9);
    // λ = 0, y = A·x for an underdetermined A: the residual goes to 0.
    const exact = await cs.fista(A, await matmul(A, sparseSignal(n, 4, 9)), { lambda: 0, criterion: 'gap', tol: 1e-10, maxIter: 100000 });
    expect(exact.converged).toBe(true);
    expect(exact.residual).toBeLessThan(1e-4);
    // λ = c·max|Aᵀy| with y = 0 is λ = 0 and x = 0.
    const zero = await cs.fista(A, zeros([m], { dtype: 'float64' }), { lambda: 0 });
    expect(zero.converged).toBe(true);
    expect(Math.max(...Array.from(await zero.x.data(), Math.abs))).toBe(0);
  });

  it('lassoPath: x = 0 at λ_max, each point within its gap, sklearn\'s solution on the path', async () => {
    const path = await cs.lassoPath(A, y, { lambdas: [fixture.lambda, 1e9], tol: 1e-10, maxIter: 100000 });
    expect(path.lambdas).toEqual([1e9, fixture.lambda]);
    const xs = await path.x.data();
    for (let j = 0; j < n; j++) expect(xs[j * 2]).toBe(0);
    for (let j = 0; j < n; j++) expect(xs[j * 2 + 1]).toBeCloseTo(fixture.coef[j]!, 4);
    expect(path.converged).toEqual([true, true]);
    const grid = await cs.lassoPath(A, y, { count: 8, ratio: 1e-2 });
    const lmax = lambdaMax(fixture.A, m, n, fixture.y);
    expect(grid.lambdas[0]).toBeCloseTo(lmax, 12);
    expect(grid.lambdas[7]).toBeCloseTo(lmax * 1e-2, 12);
    expect(grid.x.shape).toEqual([n, 8]);
  });

  it('lassoCV: fold errors and the chosen λ as sklearn\'s LassoCV (5 contiguous folds)', async () => {
    const cv = await cs.lassoCV(A, y, { lambdas: fixture.cvLambdas, folds: 5, tol: 1e-10, maxIter: 100000 });
    expect(cv.lambdas).toEqual(fixture.cvLambdas);
    for (let i = 0; i < fixture.cvLambdas.length; i++) {
      for (let f = 0; f < 5; f++) expect(Math.abs(cv.errors[f]![i]! - fixture.msePath[i]![f]!)).toBeLessThan(1e-6 * (1 + fixture.msePath[i]![f]!));
    }
    expect(cv.lambda).toBeCloseTo(fixture.cvLambdaChosen, 10);
    expect(maxDiff(await cv.x.data(), fixture.cvCoef)).toBeLessThan(1e-4);
  });
});

describe('ridgePath, metrics, chooseLambda', () => {
  it('ridgePath meets the normal equations (AᵀA + λI)x = Aᵀy for each λ, both forms', async () => {
    for (const [m, n] of [[12, 30], [30, 12], [7, 7]] as const) {
      const A = cs.gaussian(m, n, { seed: m + n, dtype: 'float64' });
      const y = tensor(Float64Array.from({ length: m * 2 }, (_, i) => Math.cos(i + m)), [m, 2]);
      const lambdas = [1e-3, 0.5, 10];
      const { x } = await cs.ridgePath(A, y, { lambdas });
      for (let l = 0; l < lambdas.length; l++) {
        const ax = await matmul(A, x[l]!);
        const r = await (await matmul(A, ax, { transA: true })).data();
        const aty = await (await matmul(A, y, { transA: true })).data();
        const xv = await x[l]!.data();
        for (let i = 0; i < n * 2; i++) expect(r[i]! + lambdas[l]! * xv[i]!).toBeCloseTo(aty[i]!, 9);
      }
    }
  });

  it('per-signal metrics by hand', async () => {
    const x = tensor(Float64Array.of(1, 0, 0, 2, 2, 0), [3, 2]);
    const xHat = tensor(Float64Array.of(1, 0, 0, 2, 1, 0), [3, 2]);
    // column 0: x = (1, 0, 2), x̂ = (1, 0, 1): ‖d‖ = 1, ‖x‖ = √5; column 1: exact.
    expect(await cs.relativeError(x, xHat, { perSignal: true })).toEqual([1 / Math.sqrt(5), 0]);
    expect(await cs.relativeError(x, xHat)).toBeCloseTo(1 / 3, 15);
    const s = await cs.snr(x, xHat, { perSignal: true });
    expect(s[0]).toBeCloseTo(10 * Math.log10(5), 12);
    expect(s[1]).toBe(Infinity);
    const p = await cs.psnr(xHat, x, { perSignal: true, peak: 2 });
    expect(p[0]).toBeCloseTo(10 * Math.log10(4 / (1 / 3)), 12);
  });

  it('chooseLambda flags a minimum on the grid\'s lower edge (noiseless, well determined)', async () => {
    const A = cs.gaussian(60, 20, { seed: 4, dtype: 'float64' });
    const y = await matmul(A, sparseSignal(20, 20, 2));
    const r = await cs.chooseLambda(A, y);
    expect(r.onEdge).toBe('lower');
    // Noisy measurements of a dense signal: an interior GCV minimum, no flag.
    const B = cs.gaussian(40, 60, { seed: 5, dtype: 'float64' });
    const clean = await (await matmul(B, tensor(Float64Array.from({ length: 60 }, (_, i) => Math.sin(i / 5))))).data();
    const r2 = await cs.chooseLambda(B, tensor(Float64Array.from(clean, (v, i) => v + 0.5 * Math.sin(7.3 * i + 1))));
    expect(r2.onEdge).toBeUndefined();
    expect(r2.lambda).toBeGreaterThan(r2.lambdas[0]!);
    expect(r2.lambda).toBeLessThan(r2.lambdas[r2.lambdas.length - 1]!);
  });
});
