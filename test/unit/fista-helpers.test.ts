/**
 * Three helpers of the FISTA working-set loop:
 * - tridiagonalTop (the Lanczos matrices' largest eigenvalue, by Sturm bisection) against the
 *   closed form of the second-difference matrix, and against eighF64 (itself checked against numpy
 *   in eigh.test.ts) on random tridiagonals of many sizes;
 * - topScores (the working set's columns) against the plain definition: indices sorted by score,
 *   descending, with a stable comparator sort, the first `size` kept, −Infinity dropped;
 * - scores (every signal's working-set scores in one pass) against their definition, signal by
 *   signal, on sparse x with zero columns of A and signals left out.
 */
import { describe, expect, it } from 'vitest';
import { scores, topScores, tridiagonalTop } from '../../src/cs/fista.js';
import { eighF64 } from '../../src/kernels/eigh.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

describe('tridiagonalTop', () => {
  it('gives 2 − 2cos(nπ/(n+1)) for tridiag(−1, 2, −1)', () => {
    for (const n of [1, 2, 3, 7, 30, 101]) {
      const top = tridiagonalTop(Array(n).fill(2), Array(n - 1).fill(-1));
      expect(top).toBeCloseTo(2 - 2 * Math.cos((n * Math.PI) / (n + 1)), 13);
    }
  });

  it('equals the largest eigenvalue from eighF64 on random tridiagonals, zero couplings included', () => {
    const rand = lcg(7);
    for (const n of [1, 2, 5, 13, 30, 64]) {
      for (let trial = 0; trial < 5; trial++) {
        const alpha = Array.from({ length: n }, () => 10 * rand());
        const beta = Array.from({ length: n - 1 }, (_, i) => (trial === 4 && i % 3 === 0 ? 0 : 3 * rand()));
        const dense = new Float64Array(n * n);
        for (let i = 0; i < n; i++) {
          dense[i * n + i] = alpha[i]!;
          if (i + 1 < n) dense[i * n + i + 1] = dense[(i + 1) * n + i] = beta[i]!;
        }
        const want = eighF64(n, dense).values[n - 1]!;
        const got = tridiagonalTop(alpha, beta);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(want)));
      }
    }
  });

  it('handles a diagonal matrix and equal eigenvalues', () => {
    expect(tridiagonalTop([3, 1, 2], [0, 0])).toBeCloseTo(3, 14);
    expect(tridiagonalTop([4, 4, 4, 4], [0, 0, 0])).toBeCloseTo(4, 14);
    expect(tridiagonalTop([-5, -2], [0])).toBeCloseTo(-2, 14);
  });
});

describe('topScores', () => {
  const reference = (score: Float64Array, size: number): number[] =>
    Array.from({ length: score.length }, (_, j) => j)
      .sort((a, b) => score[b]! - score[a]!)
      .slice(0, Math.max(0, size))
      .filter((j) => score[j]! > -Infinity)
      .sort((a, b) => a - b);

  it('keeps the same columns as a stable sort of the indices, ties and −Infinity included', () => {
    const rand = lcg(11);
    for (const n of [1, 2, 7, 64, 513]) {
      for (const size of [0, 1, 3, n - 1, n, n + 5]) {
        for (let trial = 0; trial < 4; trial++) {
          // Coarse values make ties; some support (Infinity) and excluded (−Infinity) entries.
          const score = Float64Array.from({ length: n }, () => {
            const u = rand();
            return u > 0.8 ? Infinity : u < -0.7 ? -Infinity : Math.round(5 * u) / 5;
          });
          expect(topScores(score, size)).toEqual(reference(score, size));
        }
      }
    }
  });

  it('is empty for an empty score list', () => {
    expect(topScores(new Float64Array(0), 4)).toEqual([]);
  });
});

describe('tridiagonalTop with a tolerance and a floor (as the Lanczos steps call it)', () => {
  it('stays within its tolerance of the full-precision value, from the leading block\'s top up', () => {
    const rand = lcg(23);
    for (const n of [2, 3, 8, 17, 30]) {
      const alpha = Array.from({ length: n }, () => 3 * rand());
      const beta = Array.from({ length: n - 1 }, () => rand());
      const exact = tridiagonalTop(alpha, beta);
      const loose = tridiagonalTop(alpha, beta, 1e-10);
      expect(Math.abs(loose - exact)).toBeLessThanOrEqual(2e-10 * Math.abs(exact));
      // The leading (n−1)×(n−1) block's top is a lower bound (interlacing): starting there, less its
      // own tolerance, gives the same value.
      const lead = tridiagonalTop(alpha.slice(0, -1), beta.slice(0, -1), 1e-10);
      expect(lead).toBeLessThanOrEqual(exact * (1 + 1e-10) + 1e-300);
      const warm = tridiagonalTop(alpha, beta, 1e-10, lead - 2e-10 * Math.abs(lead));
      expect(Math.abs(warm - exact)).toBeLessThanOrEqual(2e-10 * Math.abs(exact));
    }
  });
});

describe('scores', () => {
  it('gives Infinity on each support and (|g_j| − λ)/‖a_j‖ elsewhere, for the signals asked for only', () => {
    const rand = lcg(11);
    for (const [n, b] of [[1, 1], [7, 3], [64, 13], [130, 64]] as const) {
      const x = new Float64Array(n * b);
      const g = new Float64Array(n * b);
      for (let i = 0; i < n * b; i++) {
        g[i] = rand();
        if (rand() > 0.8) x[i] = rand();
      }
      // Every fifth column of A is zero (its norm 0: score −Infinity unless on the support).
      const norms2 = Float64Array.from({ length: n }, (_, j) => (j % 5 === 4 ? 0 : 0.5 + rand() ** 2));
      const roots = Float64Array.from(norms2, Math.sqrt);
      const lambdas = Float64Array.from({ length: b }, () => Math.abs(rand()));
      const need = Uint8Array.from({ length: b }, (_, c) => (c % 4 === 2 ? 0 : 1));
      const score = new Float64Array(n * b).fill(-7);
      const supports = new Int32Array(b).fill(99);
      scores(x, g, roots, lambdas, need, score, supports);
      for (let c = 0; c < b; c++) {
        const own = score.subarray(c * n, (c + 1) * n);
        if (!need[c]) {
          expect(Array.from(own)).toEqual(new Array(n).fill(-7));
          expect(supports[c]).toBe(0);
          continue;
        }
        let support = 0;
        for (let j = 0; j < n; j++) {
          const xv = x[j * b + c]!;
          if (xv !== 0) support++;
          const want = xv !== 0 ? Infinity : norms2[j]! > 0 ? (Math.abs(g[j * b + c]!) - lambdas[c]!) / Math.sqrt(norms2[j]!) : -Infinity;
          expect(own[j]).toBe(want);
        }
        expect(supports[c]).toBe(support);
      }
    }
  });
});
