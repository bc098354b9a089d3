/**
 * The addon's own threads (`threads` on matmul and conv2d): the team shares one packed panel of B
 * and splits rows, B slivers, batch entries or output rows between its members. Every element is
 * computed by the same sequence of operations whichever thread computes it, so the result with
 * threads: 2 must equal the single-threaded one bit for bit, and both must match a float64
 * triple-loop reference. Shapes are chosen to cross each split: m too small for a row split, n
 * past one B panel, k past one depth block, batches of small products, matrix–vector, row ranges
 * that start mid-matrix, and the epilogue. Skips when the addon is not built (fails under CI).
 */
import { describe, expect, it } from 'vitest';
import { loadAddon, type AddonArgs, type NativeAddon } from '../../src/backends/native/load.js';

const loaded = loadAddon();
const ci = process.env['CI'] === 'true' || process.env['CI'] === '1';
if (!loaded.ok) console.log(`test/native/threads.test.ts: skipped: ${loaded.reason}`);

/** Deterministic values in [-1, 1) (a linear congruential generator). */
function fill<T extends Float32Array | Float64Array>(a: T, seed: number): T {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const dtypes: [string, Ctor][] = [['float32', Float32Array], ['float64', Float64Array]];

interface MatmulCase { m: number; n: number; k: number; batch?: number; rows?: [number, number]; bias?: boolean; transB?: boolean }
const matmulCases: MatmulCase[] = [
  { m: 97, n: 89, k: 301 },                     // off-tile everywhere, k past one depth block
  { m: 5, n: 700, k: 700 },                      // one row tile: split by B slivers
  { m: 13, n: 1000, k: 400, bias: true },        // bias + relu epilogue on both threads
  { m: 1, n: 9000, k: 300 },                     // n past one B panel (several jc passes)
  { m: 2000, n: 1, k: 3000 },                    // matrix–vector, rows split
  { m: 40, n: 40, k: 40, batch: 64 },            // a batch of small products: entries split
  { m: 301, n: 150, k: 200, rows: [37, 290] },   // a row range that starts mid-tile
  { m: 129, n: 257, k: 160, transB: true },      // B read through transposed strides
  { m: 3, n: 2, k: 1 },                          // too small to split at all
];

describe.skipIf(!loaded.ok && !ci)('matmul with threads', () => {
  const addon = (loaded.ok ? loaded.addon : undefined) as NativeAddon;
  for (const [dtype, A] of dtypes) {
    for (const c of matmulCases) {
      const batch = c.batch ?? 1;
      it(`${dtype} ${batch > 1 ? `${batch}× ` : ''}${c.m}×${c.n}×${c.k}${c.bias ? ' bias relu' : ''}${c.transB ? ' Bᵀ' : ''}${c.rows ? ` rows ${c.rows}` : ''}`, () => {
        const { m, n, k } = c;
        const a = fill(new A(batch * m * k), 1);
        const b = fill(new A(batch * k * n), 2);
        const bias = fill(new A(n), 3);
        const [r0, r1] = c.rows ?? [0, batch * m];
        const bStrides = c.transB ? [k * n, 1, k] : [k * n, n, 1];
        const args = (out: Float32Array | Float64Array, threads: number): AddonArgs => ({
          a, aOffset: 0, aStrides: [m * k, k, 1], b, bOffset: 0, bStrides,
          ...(c.bias ? { bias, biasOffset: 0, biasStrides: [0, 0, 1] } : {}),
          out, batchShape: [batch], m, n, k, activation: c.bias ? 'relu' : 'none', rowBegin: r0, rowEnd: r1, threads,
        });
        const one = new A(batch * m * n), two = new A(batch * m * n);
        addon.matmulSync(args(one, 1));
        addon.matmulSync(args(two, 2));
        expect(two).toEqual(one);
        const tol = dtype === 'float32' ? 3e-5 * Math.sqrt(k) : 1e-12 * Math.sqrt(k);
        let worst = 0;
        for (let row = r0; row < r1; row++) {
          const e = Math.floor(row / m), i = row - e * m;
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) {
              const bv = c.transB ? b[e * k * n + j * k + p]! : b[e * k * n + p * n + j]!;
              s += a[e * m * k + i * k + p]! * bv;
            }
            if (c.bias) s = Math.max(0, s + bias[j]!);
            worst = Math.max(worst, Math.abs(one[row * n + j]! - s));
          }
        }
        expect(worst).toBeLessThan(tol);
      });
    }
  }

  it('threads must be a positive integer', () => {
    const base = { a: new Float32Array(6), aOffset: 0, aStrides: [3, 1], b: new Float32Array(12), bOffset: 0, bStrides: [4, 1],
      out: new Float32Array(8), batchShape: [], m: 2, n: 4, k: 3, activation: 'none', rowBegin: 0, rowEnd: 2 };
    for (const threads of [0, -1, 1.5, NaN, 'two']) expect(() => addon.matmulSync({ ...base, threads })).toThrow(/threads/);
    expect(() => addon.matmulSync({ ...base, threads: 1000 })).not.toThrow();
  });
});

interface ConvCase { layout: 'NCHW' | 'NHWC'; batch: number; inC: number; h: number; w: number; outC: number; k: number; groups?: number; stride?: number }
const convCases: ConvCase[] = [
  { layout: 'NCHW', batch: 3, inC: 16, h: 20, w: 21, outC: 24, k: 3 },
  { layout: 'NHWC', batch: 3, inC: 16, h: 20, w: 21, outC: 24, k: 3 },
  { layout: 'NCHW', batch: 1, inC: 3, h: 67, w: 61, outC: 32, k: 3 },       // batch 1: rows of one image split
  { layout: 'NCHW', batch: 5, inC: 32, h: 40, w: 40, outC: 32, k: 3, groups: 32 },  // depthwise
  { layout: 'NHWC', batch: 5, inC: 32, h: 40, w: 40, outC: 32, k: 3, groups: 32 },
  { layout: 'NCHW', batch: 7, inC: 64, h: 14, w: 14, outC: 48, k: 1 },      // pointwise
  { layout: 'NHWC', batch: 2, inC: 8, h: 45, w: 45, outC: 16, k: 5, stride: 2 },
];

describe.skipIf(!loaded.ok && !ci)('conv2d with threads', () => {
  const addon = (loaded.ok ? loaded.addon : undefined) as NativeAddon;
  for (const [dtype, A] of dtypes) {
    for (const c of convCases) {
      const groups = c.groups ?? 1, stride = c.stride ?? 1, pad = (c.k - 1) >> 1;
      it(`${dtype} ${c.layout} [${c.batch},${c.inC},${c.h},${c.w}]∗[${c.outC},${c.inC / groups},${c.k},${c.k}] groups ${groups} stride ${stride}`, () => {
        const outH = Math.floor((c.h + 2 * pad - c.k) / stride) + 1, outW = Math.floor((c.w + 2 * pad - c.k) / stride) + 1;
        const cg = c.inC / groups, og = c.outC / groups;
        const x = fill(new A(c.batch * c.inC * c.h * c.w), 4);
        const w = fill(new A(c.outC * cg * c.k * c.k), 5);
        const bias = fill(new A(c.outC), 6);
        const args = (out: Float32Array | Float64Array, threads: number): AddonArgs => ({
          x, w, bias, out, layout: c.layout, batch: c.batch, inC: c.inC, inH: c.h, inW: c.w, outC: c.outC, outH, outW,
          kh: c.k, kw: c.k, strideH: stride, strideW: stride, dilationH: 1, dilationW: 1, padTop: pad, padLeft: pad, groups,
          activation: 'relu', rowBegin: 0, rowEnd: c.batch * outH, threads,
        });
        const size = c.batch * c.outC * outH * outW;
        const one = new A(size), two = new A(size);
        addon.conv2dSync(args(one, 1));
        addon.conv2dSync(args(two, 2));
        expect(two).toEqual(one);
        const nhwc = c.layout === 'NHWC';
        const xAt = (n: number, ch: number, y: number, xx: number) =>
          nhwc ? x[((n * c.h + y) * c.w + xx) * c.inC + ch]! : x[((n * c.inC + ch) * c.h + y) * c.w + xx]!;
        const wAt = (o: number, ch: number, ky: number, kx: number) =>
          nhwc ? w[((ky * c.k + kx) * cg + ch) * c.outC + o]! : w[((o * cg + ch) * c.k + ky) * c.k + kx]!;
        let worst = 0;
        for (let n = 0; n < c.batch; n++) {
          for (let o = 0; o < c.outC; o++) {
            const g = Math.floor(o / og);
            for (let oy = 0; oy < outH; oy++) {
              for (let ox = 0; ox < outW; ox++) {
                let s = bias[o]!;
                for (let ch = 0; ch < cg; ch++) {
                  for (let ky = 0; ky < c.k; ky++) {
                    const iy = oy * stride - pad + ky;
                    if (iy < 0 || iy >= c.h) continue;
                    for (let kx = 0; kx < c.k; kx++) {
                      const ix = ox * stride - pad + kx;
                      if (ix >= 0 && ix < c.w) s += xAt(n, g * cg + ch, iy, ix) * wAt(o, ch, ky, kx);
                    }
                  }
                }
                s = Math.max(0, s);
                const got = nhwc ? one[((n * outH + oy) * outW + ox) * c.outC + o]! : one[((n * c.outC + o) * outH + oy) * outW + ox]!;
                worst = Math.max(worst, Math.abs(got - s));
              }
            }
          }
        }
        expect(worst).toBeLessThan(dtype === 'float32' ? 1e-4 : 1e-12);
      });
    }
  }
});

/** Index of the first element whose value differs (NaN equals NaN), or −1. Fast on large arrays. */
function firstDifference(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && a[i] !== b[i]) return i;
  return -1;
}

describe.skipIf(!loaded.ok && !ci)('memory-bound ops with threads', () => {
  const addon = (loaded.ok ? loaded.addon : undefined) as NativeAddon;
  // Large enough that the range is split (≥ 2·2^18 elements), odd so the parts are uneven.
  const size = (1 << 20) + 37;
  for (const [dtype, A] of dtypes) {
    it(`${dtype} relu, sigmoid, add with a broadcast row, max and avg pooling: threads 2 = threads 1 = reference`, () => {
      const x = fill(new A(size), 11);
      x[12345] = NaN;
      for (const fn of ['relu', 'sigmoid']) {
        const one = new A(size), two = new A(size);
        addon.unarySync({ x, out: one, fn, begin: 0, end: size, threads: 1 });
        addon.unarySync({ x, out: two, fn, begin: 3, end: size, threads: 2 });
        expect(firstDifference(two.subarray(3), one.subarray(3))).toBe(-1);
        expect(two[0]).toBe(0);
        const i = 777777;
        const want = fn === 'relu' ? Math.max(0, x[i]!) : 1 / (1 + Math.exp(-x[i]!));
        expect(Math.abs(two[i]! - want)).toBeLessThan(1e-6);
        expect(Number.isNaN(two[12345])).toBe(true);
      }
      const rows = 1031, cols = 1017;  // [rows, cols] + [cols]
      const a = fill(new A(rows * cols), 12), b = fill(new A(cols), 13);
      const args = (out: Float32Array | Float64Array, threads: number): AddonArgs => ({
        a, aOffset: 0, aStrides: [cols, 1], b, bOffset: 0, bStrides: [0, 1], out, shape: [rows, cols], fn: 'sub', begin: 5, end: rows * cols - 3, threads });
      const one = new A(rows * cols), two = new A(rows * cols);
      addon.binarySync(args(one, 1));
      addon.binarySync(args(two, 2));
      expect(firstDifference(two, one)).toBe(-1);
      expect(two[1017 * 500 + 3]).toBe(A.of(a[1017 * 500 + 3]! - b[3]!)[0]);
      for (const kind of ['max', 'avg']) {
        for (const layout of ['NCHW', 'NHWC']) {
          const [n, c, h, w] = [9, 16, 64, 66];
          const px = fill(new A(n * c * h * w), 14);
          const oh = 31, ow = 32;  // 3×3 windows, stride 2, no padding
          const pargs = (out: Float32Array | Float64Array, threads: number): AddonArgs => ({
            x: px, out, kind, layout, batch: n, channels: c, inH: h, inW: w, outH: oh, outW: ow, kh: 3, kw: 3, strideH: 2, strideW: 2,
            padTop: 0, padLeft: 0, rowBegin: 0, rowEnd: n * oh, threads });
          const p1 = new A(n * c * oh * ow), p2 = new A(n * c * oh * ow);
          addon.pool2dSync(pargs(p1, 1));
          addon.pool2dSync(pargs(p2, 2));
          expect(firstDifference(p2, p1)).toBe(-1);
          // One window by hand: image 8, channel 5, output (30, 31).
          const at = (y: number, xx: number) => (layout === 'NCHW' ? px[((8 * c + 5) * h + y) * w + xx]! : px[((8 * h + y) * w + xx) * c + 5]!);
          let acc = kind === 'max' ? -Infinity : 0;
          for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) acc = kind === 'max' ? Math.max(acc, at(60 + dy, 62 + dx)) : acc + at(60 + dy, 62 + dx);
          if (kind === 'avg') acc /= 9;
          const got = layout === 'NCHW' ? p2[((8 * c + 5) * oh + 30) * ow + 31]! : p2[((8 * oh + 30) * ow + 31) * c + 5]!;
          expect(Math.abs(got - acc)).toBeLessThan(1e-6);
        }
      }
    });
  }
});
