/**
 * Sparse recovery where theory says it must work (N = 256, K = 128, k = 10, Gaussian), failure far
 * past the phase transition, ridge's inferiority on the same data, batches = one-by-one solves,
 * and the same results on every available backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cs, linalg, matmul, ridge, setBackend, tensor } from '../../src/index.js';
import { backendMatrix } from '../util/backends.js';
import { dot, lambdaMax, norm, sparseSignal } from './signals.js';
import { settled } from '../util/settled.js';

// The reference runs are on js (the oracle backend); every available backend gets the
// backend matrix at the end of recovery.test.ts, with the backend named explicitly.
beforeAll(() => setBackend('js'));

const N = 256;
const K = 128;
const k = 10;
const SEEDS = [1, 2, 3];

async function problem(seed: number, dtype: 'float32' | 'float64', m = K, sparsity = k, signals = 1) {
  const A = cs.gaussian(m, N, { seed: 1000 + seed, dtype });
  const x = sparseSignal(N, sparsity, seed, dtype, signals);
  const y = await matmul(A, x);
  const lmax = lambdaMax(A.dataSync(), m, N, y.dataSync());
  return { A, x, y, lmax };
}

function supportOf(x: ArrayLike<number>): number[] {
  return Array.from(x, (v, j) => (v !== 0 ? j : -1)).filter((j) => j >= 0);
}

describe('cs.omp', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it.each(SEEDS)(`recovers a 10-sparse signal exactly (${dtype}, seed %i)`, async (seed) => {
      const { A, x, y } = await problem(seed, dtype);
      const r = await cs.omp(A, y, { sparsity: 2 * k });
      expect(await cs.relativeError(x, r.x)).toBeLessThan(1e-4);
      expect([...r.supports[0]!].sort((p, q) => p - q)).toEqual(supportOf(x.dataSync()));
      expect(r.converged).toBe(true);
      expect(r.reason).toBe('tolerance');
      expect(r.iterations).toBe(k);
      expect(r.x.dtype).toBe(dtype);
    });
  }

  it('meets the normal equations on its support at every size (the updated Cholesky is a least-squares solve)', async () => {
    const { A, y } = await problem(7, 'float64', 60, 40);
    for (const sparsity of [1, 5, 17, 30]) {
      const r = await cs.omp(A, y, { sparsity });
      expect(r.reason).toBe('sparsity');
      const xv = r.x.dataSync();
      const residual = await (await matmul(A, tensor(Float64Array.from(xv), [N]))).data();
      const rv = Float64Array.from(y.dataSync(), (v, i) => v - residual[i]!);
      const g = await (await matmul(A, tensor(rv, [60]), { transA: true })).data();
      for (const j of r.supports[0]!) expect(Math.abs(g[j]!)).toBeLessThan(1e-10 * norm(y.dataSync()));
      // Same coefficients as a fresh solve of A_SᵀA_S x_S = A_Sᵀ y.
      const s = r.supports[0]!;
      const av = A.dataSync();
      const gram = new Float64Array(s.length * s.length);
      const rhs = new Float64Array(s.length);
      s.forEach((p, a) => {
        for (let i = 0; i < 60; i++) rhs[a] += av[i * N + p]! * y.dataSync()[i]!;
        s.forEach((q, b) => {
          for (let i = 0; i < 60; i++) gram[a * s.length + b] += av[i * N + p]! * av[i * N + q]!;
        });
      });
      const direct = await (await linalg.solveSPD(tensor(gram, [s.length, s.length]), tensor(rhs, [s.length]))).data();
      s.forEach((p, a) => expect(Math.abs(xv[p]! - direct[a]!)).toBeLessThan(1e-9 * (1 + Math.abs(direct[a]!))));
    }
  });

  it('recovers through the matrix-free partial DCT', async () => {
    const A = cs.partialDCT(K, N, { seed: 3, dtype: 'float64' });
    const x = sparseSignal(N, k, 4);
    const r = await cs.omp(A, await A.forward(x), { sparsity: 2 * k });
    expect(await cs.relativeError(x, r.x)).toBeLessThan(1e-4);
  });

  it('solves a batch exactly as one signal at a time', async () => {
    const { A, x, y } = await problem(9, 'float64', K, k, 4);
    const batch = await cs.omp(A, y, { sparsity: 2 * k });
    expect(batch.x.shape).toEqual([N, 4]);
    const yv = y.dataSync();
    const bv = batch.x.dataSync();
    for (let c = 0; c < 4; c++) {
      const one = await cs.omp(A, tensor(Float64Array.from({ length: K }, (_, i) => yv[i * 4 + c]!), [K]), { sparsity: 2 * k });
      const ov = one.x.dataSync();
      for (let j = 0; j < N; j++) expect(bv[j * 4 + c]).toBe(ov[j]);
      expect(batch.supports[c]).toEqual(one.supports[0]);
    }
    expect(await cs.relativeError(x, batch.x)).toBeLessThan(1e-4);
  });

  it('stops on tol, and reports a spanned column as dependent', async () => {
    const { A, y } = await problem(5, 'float64');
    const loose = await cs.omp(A, y, { tol: 0.5 });
    expect(loose.residual).toBeLessThanOrEqual(0.5);
    expect(loose.iterations).toBeLessThan(k);
    // Two identical columns: once the first is chosen the second adds nothing.
    const dup = tensor([[1, 1, 0], [0, 0, 1]], undefined, { dtype: 'float64' });
    const r = await cs.omp(dup, tensor([1, 1], undefined, { dtype: 'float64' }), { sparsity: 2 });
    expect(r.residual).toBeLessThan(1e-12);
    expect(r.supports[0]).toHaveLength(2);
  });
});

describe('cs.fista', () => {
  it.each(SEEDS)('recovers a 10-sparse signal with small λ (float32, seed %i)', async (seed) => {
    const { A, x, y, lmax } = await problem(seed, 'float32');
    const r = await cs.fista(A, y, { lambda: 1e-4 * lmax, maxIter: 3000, tol: 1e-6 });
    expect(await cs.relativeError(x, r.x)).toBeLessThan(1e-2);
    expect(r.converged).toBe(true);
    expect(r.reason).toBe('tolerance');
    expect(r.residual).toBeLessThan(1e-2);
    expect(r.lipschitz).toBeGreaterThan(0);
  });

  it('meets the lasso optimality conditions', async () => {
    const { A, y, lmax } = await problem(4, 'float64', 64, 20);
    const lambda = 0.1 * lmax;
    const r = await cs.fista(A, y, { lambda, maxIter: 5000, tol: 1e-10 });
    const xv = r.x.dataSync();
    const ax = await (await matmul(A, r.x)).data();
    const res = tensor(Float64Array.from(y.dataSync(), (v, i) => v - ax[i]!), [64]);
    const g = await (await matmul(A, res, { transA: true })).data();
    for (let j = 0; j < N; j++) {
      if (xv[j] !== 0) expect(Math.abs(g[j]! - lambda * Math.sign(xv[j]!))).toBeLessThan(1e-6 * lambda);
      else expect(Math.abs(g[j]!)).toBeLessThanOrEqual(lambda * (1 + 1e-6));
    }
  });

  it('recovers through the matrix-free partial DCT', async () => {
    const A = cs.partialDCT(K, N, { seed: 3 });
    const x = sparseSignal(N, k, 4, 'float32');
    const r = await cs.fista(A, await A.forward(x), { lambda: 1e-4, maxIter: 3000 });
    expect(await cs.relativeError(x, r.x)).toBeLessThan(1e-2);
    expect(r.lipschitz).toBeCloseTo(1.02, 3); // ‖A‖ = 1 for orthonormal rows, times the 2 % margin
  });

  it('solves a batch like one signal at a time', async () => {
    const { A, x, y, lmax } = await problem(6, 'float64', K, k, 3);
    const lambda = 1e-3 * lmax;
    const batch = await cs.fista(A, y, { lambda, maxIter: 5000, tol: 1e-9 });
    expect(batch.x.shape).toEqual([N, 3]);
    expect(batch.residuals).toHaveLength(3);
    const yv = y.dataSync();
    const bv = batch.x.dataSync();
    for (let c = 0; c < 3; c++) {
      const yc = tensor(Float64Array.from({ length: K }, (_, i) => yv[i * 3 + c]!), [K]);
      const one = await cs.fista(A, yc, { lambda, maxIter: 5000, tol: 1e-9, lipschitz: batch.lipschitz });
      const ov = one.x.dataSync();
      const diff = Array.from(ov, (v, j) => v - bv[j * 3 + c]!);
      expect(norm(diff)).toBeLessThan(1e-6 * norm(ov));
    }
    expect(await cs.relativeError(x, batch.x)).toBeLessThan(1e-2);
  });

  it('reports progress against a reference, stops on request, and honours x0, maxIter and an AbortSignal', async () => {
    const { A, x, y, lmax } = await problem(2, 'float32');
    const seen: number[] = [];
    const stopped = await cs.fista(A, y, {
      lambda: 1e-4 * lmax,
      reference: x,
      checkEvery: 10,
      onIteration: ({ iteration, error }) => {
        seen.push(error!);
        return iteration < 50;
      },
    });
    expect(stopped.reason).toBe('callback');
    expect(stopped.iterations).toBe(50);
    expect(seen).toHaveLength(5);
    expect(seen[4]!).toBeLessThan(seen[0]!);
    const capped = await cs.fista(A, y, { lambda: 1e-4 * lmax, maxIter: 7 });
    expect(capped).toMatchObject({ iterations: 7, converged: false, reason: 'maxIter' });
    const cold = await cs.fista(A, y, { lambda: 1e-4 * lmax, maxIter: 3000 });
    const warm = await cs.fista(A, y, { lambda: 1e-4 * lmax, maxIter: 3000, x0: cold.x });
    expect(warm.iterations).toBeLessThan(cold.iterations / 4);
    const controller = new AbortController();
    controller.abort();
    await expect(settled(() => cs.fista(A, y, { lambda: 1e-4 * lmax, signal: controller.signal }))).rejects.toThrow();
  });

  it('estimates ‖A‖² from below, close to the top eigenvalue', async () => {
    const A = cs.gaussian(50, 80, { seed: 3, dtype: 'float64' });
    const estimate = await cs.normEstimate(A);
    // Reference: many plain power steps in float64 on AᵀA.
    const av = A.dataSync();
    let v: Float64Array = new Float64Array(80).fill(1);
    let top = 0;
    for (let it = 0; it < 3000; it++) {
      const w = new Float64Array(80);
      for (let i = 0; i < 50; i++) {
        let s = 0;
        for (let j = 0; j < 80; j++) s += av[i * 80 + j]! * v[j]!;
        for (let j = 0; j < 80; j++) w[j] += av[i * 80 + j]! * s;
      }
      top = norm(w);
      v = w.map((t) => t / top);
    }
    expect(estimate).toBeLessThanOrEqual(top * (1 + 1e-9));
    expect(estimate).toBeGreaterThan(top * 0.98);
    expect(dot(v, v)).toBeCloseTo(1, 9);
  });
});

describe('where recovery must fail, and ridge', () => {
  it.each(SEEDS)('k = 48 from K = 64 measurements (far past the phase transition) is not recovered (seed %i)', async (seed) => {
    const { A, x, y, lmax } = await problem(seed, 'float64', 64, 48);
    const o = await cs.omp(A, y, { sparsity: 64 });
    expect(await cs.relativeError(x, o.x)).toBeGreaterThan(0.1);
    const f = await cs.fista(A, y, { lambda: 1e-4 * lmax, maxIter: 1500 });
    expect(await cs.relativeError(x, f.x)).toBeGreaterThan(0.1);
  });

  it.each(SEEDS)('ridge cannot recover the sparse signal that OMP and FISTA recover (seed %i)', async (seed) => {
    const { A, x, y } = await problem(seed, 'float64');
    for (const method of ['gcv', 'lcurve'] as const) {
      const { lambda } = await cs.chooseLambda(A, y, { method });
      const xr = await ridge(A, y, { lambda: Math.max(lambda, 1e-12) });
      expect(await cs.relativeError(x, xr)).toBeGreaterThan(0.5);
    }
    for (const lambda of [1e-6, 1e-2, 1]) {
      expect(await cs.relativeError(x, await ridge(A, y, { lambda }))).toBeGreaterThan(0.5);
    }
  });
});

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available)(`recovery on backend ${b.name}`, () => {
    it('OMP and FISTA recover, and agree with js', async () => {
      const { A, x, y, lmax } = await problem(11, 'float32');
      const o = await cs.omp(A, y, { sparsity: 2 * k, backend: b.name });
      expect(await cs.relativeError(x, o.x)).toBeLessThan(1e-4);
      const f = await cs.fista(A, y, { lambda: 1e-4 * lmax, maxIter: 3000, backend: b.name });
      expect(await cs.relativeError(x, f.x)).toBeLessThan(1e-2);
      const ref = await cs.fista(A, y, { lambda: 1e-4 * lmax, maxIter: 3000, backend: 'js' });
      expect(await cs.relativeError(ref.x, f.x)).toBeLessThan(1e-3);
      const P = cs.partialDCT(K, N, { seed: 2 });
      const xp = sparseSignal(N, k, 12, 'float32');
      const fp = await cs.fista(P, await P.forward(xp, { backend: b.name }), { lambda: 1e-4, maxIter: 3000, backend: b.name });
      expect(await cs.relativeError(xp, fp.x)).toBeLessThan(1e-2);
    });

    it('recovery rates over 12 random problems match the theory on this backend', async () => {
      let ompOk = 0;
      let fistaOk = 0;
      for (let seed = 100; seed < 112; seed++) {
        const { A, x, y, lmax } = await problem(seed, 'float32', 96, 12);
        const o = await cs.omp(A, y, { sparsity: 24, backend: b.name });
        if ((await cs.relativeError(x, o.x)) < 1e-3) ompOk++;
        const f = await cs.fista(A, y, { lambda: 1e-4 * lmax, maxIter: 2000, backend: b.name });
        if ((await cs.relativeError(x, f.x)) < 1e-2) fistaOk++;
      }
      // δ = 0.375, ρ = 0.125: well inside both success regions (DT ℓ1 curve ρ ≈ 0.33 there).
      expect(ompOk).toBeGreaterThanOrEqual(11);
      expect(fistaOk).toBeGreaterThanOrEqual(11);
      // webgpu under CI runs on SwiftShader (CPU emulation): ~70 s for these 24 solves there.
    }, b.name === 'webgpu' ? 300_000 : undefined);
  });
}


describe('images: sparse in the 2-D DCT', () => {
  it('recovers a 16×16 image with 12 non-zero 8×8-block DCT coefficients from 128 measurements', async () => {
    const h = 16;
    const w = 16;
    const Psi = cs.dct2d(h, w, { block: 8, dtype: 'float64' });
    const coefficients = sparseSignal(h * w, 12, 21);
    const image = await Psi.adjoint(coefficients); // the image whose block DCT is sparse
    const Phi = cs.gaussian(128, h * w, { seed: 22, dtype: 'float64' });
    const y = await matmul(Phi, image);
    const A = cs.compose(Phi, cs.transpose(Psi)); // y = Φ·Ψᵀ·s
    const o = await cs.omp(A, y, { sparsity: 24 });
    expect(await cs.psnr(await Psi.adjoint(o.x), image)).toBeGreaterThan(100);
    const lmax = Math.max(...Array.from(await (await A.adjoint(y)).data(), Math.abs));
    const f = await cs.fista(A, y, { lambda: 1e-4 * lmax, maxIter: 3000 });
    expect(await cs.psnr(await Psi.adjoint(f.x), image)).toBeGreaterThan(50);
  });
});
