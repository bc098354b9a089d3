/**
 * The seeded generators behind every test input: different seeds must give independent-looking
 * streams from the first value on (tests seed each case separately and read only a few values).
 */
import { describe, expect, it } from 'vitest';
import { rand, randn } from '../../src/index.js';

describe('seeded rand / randn', () => {
  it('the first value of rand over seeds 0..999 is spread over [0, 1)', () => {
    const first = Array.from({ length: 1000 }, (_, s) => rand([1], { seed: s, dtype: 'float64' }).dataSync()[0]!);
    const mean = first.reduce((p, v) => p + v, 0) / first.length;
    const above = first.filter((v) => v > 0.9).length / first.length;
    // uniform: mean 0.5 (sd of the mean 0.009); P(v > 0.9) = 0.1 (sd 0.0095)
    expect(mean, `mean of first values ${mean}`).toBeGreaterThan(0.45);
    expect(mean, `mean of first values ${mean}`).toBeLessThan(0.55);
    expect(above, `fraction above 0.9: ${above}`).toBeLessThan(0.15);
  });

  it('the first pair of randn over seeds 0..999 looks standard normal', () => {
    const radii = Array.from({ length: 1000 }, (_, s) => {
      const [u, v] = randn([2], { seed: s, dtype: 'float64' }).dataSync();
      return Math.hypot(u!, v!);
    });
    // For two independent N(0,1), P(radius > 3) = e^{−4.5} ≈ 0.011.
    const far = radii.filter((r) => r > 3).length / radii.length;
    expect(far, `fraction of first pairs with radius > 3: ${far}`).toBeLessThan(0.05);
  });

  it('values within one stream are uniform and standard normal', () => {
    const u = rand([20000], { seed: 7, dtype: 'float64' }).dataSync();
    const z = randn([20000], { seed: 7, dtype: 'float64' }).dataSync();
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((p, v) => p + v, 0) / a.length;
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(mean(z))).toBeLessThan(0.03);
    expect(Math.abs(mean(Array.from(z, (v) => v * v)) - 1)).toBeLessThan(0.05);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
  });
});
