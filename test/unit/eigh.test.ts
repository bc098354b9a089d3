/**
 * eighF64 / eighProjectF64 against numpy.linalg.eigh (test/fixtures/eigh.json, written by numpy):
 * eigenvalues to 1e-12 of the spectrum's scale, eigenvectors orthonormal and reconstructing A,
 * equal to numpy's up to sign where eigenvalues are distinct, and projections Uᵀb likewise.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eighF64, eighProjectF64 } from '../../src/kernels/eigh.js';

interface Case { label: string; n: number; a: number[]; values: number[]; vectors: number[]; b?: number[]; k?: number; projections?: number[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/eigh.json', import.meta.url), 'utf8')) as { cases: Case[] };

function scaleOf(c: Case): number {
  return Math.max(1e-300, ...c.values.map(Math.abs));
}

describe('eighF64 against numpy', () => {
  it.each(fixture.cases)('$label', (c) => {
    const { n } = c;
    const a = Float64Array.from(c.a);
    const before = Float64Array.from(a);
    const { values, vectors } = eighF64(n, a);
    expect(Array.from(a)).toEqual(Array.from(before));
    const scale = scaleOf(c);
    for (let i = 0; i < n; i++) expect(Math.abs(values[i]! - c.values[i]!)).toBeLessThanOrEqual(1e-12 * scale * Math.max(1, n / 8));
    for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    // UᵀU = I and U·Λ·Uᵀ = A.
    let worstOrtho = 0;
    let worstRecon = 0;
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        let dot = 0;
        let recon = 0;
        for (let i = 0; i < n; i++) {
          dot += vectors[i * n + p]! * vectors[i * n + q]!;
          recon += vectors[p * n + i]! * values[i]! * vectors[q * n + i]!;
        }
        worstOrtho = Math.max(worstOrtho, Math.abs(dot - (p === q ? 1 : 0)));
        worstRecon = Math.max(worstRecon, Math.abs(recon - c.a[p * n + q]!));
      }
    }
    expect(worstOrtho).toBeLessThan(1e-12 * Math.max(1, n));
    expect(worstRecon).toBeLessThan(1e-12 * scale * Math.max(1, n));
    // Columns equal numpy's up to sign where the eigenvalue is well separated.
    for (let j = 0; j < n; j++) {
      const gap = Math.min(j > 0 ? c.values[j]! - c.values[j - 1]! : Infinity, j < n - 1 ? c.values[j + 1]! - c.values[j]! : Infinity);
      if (gap < 1e-6 * scale) continue;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += vectors[i * n + j]! * c.vectors[i * n + j]!;
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-9);
    }
    if (c.b && c.k) {
      const { values: v2, projections } = eighProjectF64(n, a, Float64Array.from(c.b), c.k);
      for (let i = 0; i < n; i++) expect(v2[i]).toBeCloseTo(values[i]!, 12);
      let bNorm = 0;
      for (const v of c.b) bNorm = Math.max(bNorm, Math.abs(v));
      for (let j = 0; j < n; j++) {
        const gap = Math.min(j > 0 ? c.values[j]! - c.values[j - 1]! : Infinity, j < n - 1 ? c.values[j + 1]! - c.values[j]! : Infinity);
        if (gap < 1e-6 * scale) continue;
        for (let q = 0; q < c.k; q++) {
          expect(Math.abs(Math.abs(projections[j * c.k + q]!) - Math.abs(c.projections![j * c.k + q]!))).toBeLessThan(1e-9 * bNorm * n);
        }
      }
    }
  });

  it('handles n = 0 and refuses short input', () => {
    expect(eighF64(0, new Float64Array(0)).values.length).toBe(0);
    expect(() => eighF64(3, new Float64Array(8))).toThrow(RangeError);
  });
});
