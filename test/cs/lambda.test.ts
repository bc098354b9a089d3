/** cs.chooseLambda against a brute-force GCV built from the public ridge, and the L-curve's corner. */
import { beforeAll, describe, expect, it } from 'vitest';
import { cs, eye, matmul, randn, ridge, setBackend, tensor } from '../../src/index.js';
import { norm } from './signals.js';

// The reference runs are on js (the oracle backend); every available backend gets the
// backend matrix at the end of recovery.test.ts, with the backend named explicitly.
beforeAll(() => setBackend('js'));

/** GCV(λ) = m‖(I − H)y‖² / trace(I − H)², with H = A(AᵀA + λI)⁻¹Aᵀ built column by column through ridge. */
async function bruteGcv(A: ReturnType<typeof cs.gaussian>, y: ReturnType<typeof randn>, lambda: number): Promise<number> {
  const [m] = A.shape as [number, number];
  const x = await ridge(A, y, { lambda });
  const ax = await (await matmul(A, x)).data();
  const r = Float64Array.from(y.dataSync(), (v, i) => v - ax[i]!);
  const H = await (await matmul(A, await ridge(A, eye(m, m, { dtype: 'float64' }), { lambda }))).data();
  let trace = m;
  for (let i = 0; i < m; i++) trace -= H[i * m + i]!;
  return (m * norm(r) ** 2) / (trace * trace);
}

async function noisyProblem(m: number, n: number, seed: number) {
  const A = cs.gaussian(m, n, { seed, dtype: 'float64', normalize: false });
  const x = randn([n], { seed: seed + 1, dtype: 'float64' });
  const clean = await (await matmul(A, x)).data();
  const noise = randn([m], { seed: seed + 2, dtype: 'float64' }).dataSync();
  const level = 0.3 * norm(clean) / Math.sqrt(m);
  return { A, x, y: tensor(Float64Array.from(clean, (v, i) => v + level * noise[i]!), [m]) };
}

describe('cs.chooseLambda', () => {
  it.each([
    { m: 30, n: 50 },
    { m: 50, n: 30 },
  ])('gcv finds the minimum of the brute-force GCV (m = $m, n = $n)', async ({ m, n }) => {
    const { A, y } = await noisyProblem(m, n, m * n);
    const chosen = await cs.chooseLambda(A, y, { method: 'gcv' });
    expect(chosen.method).toBe('gcv');
    expect(chosen.lambdas).toHaveLength(chosen.scores.length);
    const atChoice = await bruteGcv(A, y, chosen.lambda);
    // The spectral formula equals the brute force at the chosen λ …
    const i = chosen.lambdas.findIndex((l) => l >= chosen.lambda);
    expect(await bruteGcv(A, y, chosen.lambdas[i]!)).toBeCloseTo(chosen.scores[i]!, 6);
    // … and no λ on a coarse grid does better.
    for (const factor of [0.01, 0.1, 0.5, 0.8, 1.25, 2, 10, 100]) {
      expect(atChoice).toBeLessThanOrEqual((await bruteGcv(A, y, chosen.lambda * factor)) * (1 + 1e-9));
    }
  });

  it('lcurve picks a corner that regularises an ill-posed problem (a blur) better than the extremes', async () => {
    // A Gaussian blur of width 2 on 64 samples: singular values decay fast (ill-posed), 0.5 % noise.
    const n = 64;
    const blur = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) blur[i * n + j] = Math.exp(-(((i - j) / 2) ** 2) / 2);
    const A = tensor(blur, [n, n]);
    const x = tensor(Float64Array.from({ length: n }, (_, i) => Math.sin((3 * Math.PI * i) / n) + (i > 30 && i < 40 ? 1 : 0)), [n]);
    const clean = await (await matmul(A, x)).data();
    const noise = randn([n], { seed: 3, dtype: 'float64' }).dataSync();
    const y = tensor(Float64Array.from(clean, (v, i) => v + (0.005 * norm(clean) / Math.sqrt(n)) * noise[i]!), [n]);
    const { lambda, scores } = await cs.chooseLambda(A, y, { method: 'lcurve' });
    expect(Math.max(...scores)).toBeGreaterThan(0);
    const err = async (l: number) => cs.relativeError(x, await ridge(A, y, { lambda: l }));
    // The corner lies between the noise-dominated (small λ) and over-smoothed (large λ) branches.
    expect(await err(lambda)).toBeLessThan(0.5 * (await err(lambda * 1e-3)));
    expect(await err(lambda)).toBeLessThan(await err(lambda * 1e5));
    // GCV lands nearer the best λ on this problem (measured: 0.12 vs 0.29 for the corner).
    expect(await err((await cs.chooseLambda(A, y)).lambda)).toBeLessThan(0.2);
  });

  it('sums over a batch and accepts a matrix-free operator', async () => {
    const P = cs.partialDCT(20, 40, { seed: 1, dtype: 'float64' });
    const y = randn([20, 3], { seed: 2, dtype: 'float64' });
    const r = await cs.chooseLambda(P, y);
    expect(r.lambda).toBeGreaterThan(0);
    expect(Number.isFinite(r.lambda)).toBe(true);
  });
});

describe('metrics', () => {
  it('relativeError, snr and psnr', async () => {
    const x = tensor([3, 4], undefined, { dtype: 'float64' });
    const xh = tensor([3, 4.5], undefined, { dtype: 'float64' });
    expect(await cs.relativeError(x, xh)).toBeCloseTo(0.1, 12);
    expect(await cs.snr(x, xh)).toBeCloseTo(20, 10);
    expect(await cs.snr(x, x)).toBe(Infinity);
    expect(await cs.relativeError(x, x)).toBe(0);
    // MSE = 0.125, peak 4 → 10·log10(16 / 0.125)
    expect(await cs.psnr(xh, x)).toBeCloseTo(10 * Math.log10(128), 10);
    expect(await cs.psnr(xh, x, { peak: 255 })).toBeCloseTo(10 * Math.log10(255 ** 2 / 0.125), 10);
  });
});
