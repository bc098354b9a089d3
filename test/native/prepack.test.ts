/**
 * prepackB: B packed once in the micro-kernel's panel layout, then passed to matmul as packedB.
 * The product must equal the unpacked one bit for bit (same blocking, same arithmetic) wherever
 * both take the GEMM path, and match a float64 triple loop everywhere (one-row products, where the
 * unpacked path is a vector–matrix loop). The handle owns a copy of B, checks its dtype and shape
 * against the product, and rejects anything that is not a handle. Skips when the addon is not built
 * (fails under CI).
 */
import { describe, expect, it } from 'vitest';
import { loadAddon, type AddonArgs, type NativeAddon } from '../../src/backends/native/load.js';

const loaded = loadAddon();
const ci = process.env['CI'] === 'true' || process.env['CI'] === '1';
if (!loaded.ok) console.log(`test/native/prepack.test.ts: skipped: ${loaded.reason}`);
type WithPrepack = NativeAddon & { prepackB(args: AddonArgs): object; releasePackedB(handle: unknown): number };

function fill<T extends Float32Array | Float64Array>(a: T, seed: number): T {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

interface Case { m: number; k: number; n: number; batch?: number; transB?: boolean; bias?: boolean; threads?: number }
const cases: Case[] = [
  { m: 64, k: 1000, n: 128, bias: true },        // a dense layer: several depth blocks, bias + relu
  { m: 5, k: 300, n: 77 },                       // off-tile
  { m: 1, k: 700, n: 129 },                      // one row (batch 1)
  { m: 37, k: 50, n: 9000, threads: 2 },         // past one B panel, two threads
  { m: 200, k: 193, n: 95, threads: 2, bias: true },
  { m: 17, k: 64, n: 40, transB: true },         // packed from a transposed view
  { m: 9, k: 31, n: 12, batch: 4 },              // one packed B for every batch entry
];

describe.skipIf(!loaded.ok && !ci)('prepackB and matmul packedB', () => {
  const addon = (loaded.ok ? loaded.addon : undefined) as WithPrepack;
  for (const [dtype, A] of [['float32', Float32Array], ['float64', Float64Array]] as const) {
    for (const c of cases) {
      const batch = c.batch ?? 1;
      it(`${dtype} ${batch > 1 ? `${batch}× ` : ''}${c.m}×${c.k}·${c.k}×${c.n}${c.transB ? ' Bᵀ' : ''}${c.bias ? ' bias relu' : ''}${c.threads ? ` threads ${c.threads}` : ''}`, () => {
        const { m, k, n } = c;
        const a = fill(new A(batch * m * k), 1), b = fill(new A(k * n), 2), bias = fill(new A(n), 3);
        const bStrides = c.transB ? [1, k] : [n, 1];
        const packed = addon.prepackB({ b, bOffset: 0, bStrides, k, n });
        const args = (out: Float32Array | Float64Array, extra: Record<string, unknown>): AddonArgs => ({
          a, aOffset: 0, aStrides: [m * k, k, 1], ...(c.bias ? { bias, biasOffset: 0, biasStrides: [0, 0, 1] } : {}),
          out, batchShape: [batch], m, n, k, activation: c.bias ? 'relu' : 'none', rowBegin: 0, rowEnd: batch * m,
          threads: c.threads ?? 1, ...extra,
        });
        const plain = new A(batch * m * n), fast = new A(batch * m * n);
        addon.matmulSync(args(plain, { b, bOffset: 0, bStrides: [0, ...bStrides] }));
        const bCopy = b.slice();
        b.fill(1e30);  // the handle owns a copy: later writes to b do not reach it
        addon.matmulSync(args(fast, { packedB: packed }));
        if (m > 1) expect(fast).toEqual(plain);
        let worst = 0;
        for (let e = 0; e < batch; e++) {
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let p = 0; p < k; p++) s += a[(e * m + i) * k + p]! * (c.transB ? bCopy[j * k + p]! : bCopy[p * n + j]!);
              if (c.bias) s = Math.max(0, s + bias[j]!);
              worst = Math.max(worst, Math.abs(fast[(e * m + i) * n + j]! - s));
            }
          }
        }
        expect(worst).toBeLessThan(dtype === 'float32' ? 3e-5 * Math.sqrt(k) : 1e-12 * Math.sqrt(k));
      });
    }
  }

  it('async matmul with packedB', async () => {
    // The async entry takes arrays on shared memory only (nothing can detach them mid-kernel).
    const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
    const a = shared(300 * 400);
    a.set(fill(new Float32Array(300 * 400), 4));
    const b = fill(new Float32Array(400 * 250), 5);
    const packedB = addon.prepackB({ b, bOffset: 0, bStrides: [250, 1], k: 400, n: 250 });
    const base = { a, aOffset: 0, aStrides: [400, 1], batchShape: [], m: 300, n: 250, k: 400, activation: 'none', rowBegin: 0, rowEnd: 300 };
    const want = new Float32Array(300 * 250), got = shared(300 * 250);
    addon.matmulSync({ ...base, b, bOffset: 0, bStrides: [250, 1], out: want });
    await addon.matmul({ ...base, packedB, out: got });
    expect(got).toEqual(want);
  });

  it('releasePackedB frees the matrix at once; a product already running keeps its own reference', async () => {
    const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
    const a = shared(300 * 400);
    a.set(fill(new Float32Array(300 * 400), 7));
    const b = fill(new Float32Array(400 * 250), 8);
    const packedB = addon.prepackB({ b, bOffset: 0, bStrides: [250, 1], k: 400, n: 250 });
    const base = { a, aOffset: 0, aStrides: [400, 1], batchShape: [], m: 300, n: 250, k: 400, activation: 'none', rowBegin: 0, rowEnd: 300 };
    const want = new Float32Array(300 * 250), got = shared(300 * 250);
    addon.matmulSync({ ...base, b, bOffset: 0, bStrides: [250, 1], out: want });
    const running = addon.matmul({ ...base, packedB, out: got });
    // The packed panels: 400 × 250 rounded up to the micro-kernel's width, 4 bytes each.
    expect(addon.releasePackedB(packedB)).toBeGreaterThanOrEqual(400 * 250 * 4);
    await running;
    expect(got).toEqual(want);
    expect(addon.releasePackedB(packedB)).toBe(0);
    expect(() => addon.matmulSync({ ...base, packedB, out: want })).toThrow(/released/);
    for (const bad of [undefined, {}, b, 42]) expect(() => addon.releasePackedB(bad)).toThrow(TypeError);
  });

  it('empty matrices pack and multiply', () => {
    const packedB = addon.prepackB({ b: new Float64Array(0), bOffset: 0, bStrides: [3, 1], k: 0, n: 3 });
    const out = new Float64Array(6).fill(5);
    addon.matmulSync({ a: new Float64Array(0), aOffset: 0, aStrides: [0, 1], packedB, out, batchShape: [], m: 2, n: 3, k: 0,
      activation: 'none', rowBegin: 0, rowEnd: 2 });
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects what is not a fitting handle', () => {
    const b32 = fill(new Float32Array(12), 6);
    const packed = addon.prepackB({ b: b32, bOffset: 0, bStrides: [4, 1], k: 3, n: 4 });
    const base = { a: new Float32Array(6), aOffset: 0, aStrides: [3, 1], out: new Float32Array(8), batchShape: [], m: 2, n: 4, k: 3,
      activation: 'none', rowBegin: 0, rowEnd: 2 };
    expect(() => addon.matmulSync({ ...base, packedB: packed })).not.toThrow();
    expect(() => addon.matmulSync({ ...base, packedB: {} })).toThrow(TypeError);
    expect(() => addon.matmulSync({ ...base, packedB: b32 })).toThrow(/prepackB/);
    expect(() => addon.matmulSync({ ...base, a: new Float64Array(6), out: new Float64Array(8), packedB: packed })).toThrow(/float32/);
    const other = addon.prepackB({ b: b32, bOffset: 0, bStrides: [3, 1], k: 4, n: 3 });
    expect(() => addon.matmulSync({ ...base, packedB: other })).toThrow(RangeError);
    expect(() => addon.prepackB({ b: b32, bOffset: 0, bStrides: [4, 1], k: 4, n: 4 })).toThrow(RangeError);
    expect(() => addon.prepackB({ b: new Int32Array(12), bOffset: 0, bStrides: [4, 1], k: 3, n: 4 })).toThrow(TypeError);
  });
});
