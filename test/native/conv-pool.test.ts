/**
 * conv2d's fused pooling epilogue (`pool: 'max'|'avg'` with poolKh/poolKw/poolStrideH/poolStrideW)
 * against the unfused pair: conv2dSync then pool2dSync on its full output. The fused kernel
 * computes the convolution band by band into scratch and pools from there; the convolution's
 * values are the same either way, so max pooling must match exactly and average pooling to a
 * rounding. Both layouts, both dtypes, overlapping and odd windows, images whose rows the pool does
 * not cover, row ranges, threads, NaN through max. Skips when the addon is not built (fails in CI).
 */
import { describe, expect, it } from 'vitest';
import { loadAddon, type AddonArgs, type NativeAddon } from '../../src/backends/native/load.js';

const loaded = loadAddon();
const ci = process.env['CI'] === 'true' || process.env['CI'] === '1';
if (!loaded.ok) console.log(`test/native/conv-pool.test.ts: skipped: ${loaded.reason}`);

function fill<T extends Float32Array | Float64Array>(a: T, seed: number): T {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

interface Case { layout: 'NCHW' | 'NHWC'; batch: number; inC: number; h: number; w: number; outC: number; k: number; groups?: number;
  pool: 'max' | 'avg'; pk: [number, number]; ps: [number, number]; threads?: number; rows?: [number, number]; nan?: boolean }
const cases: Case[] = [
  { layout: 'NCHW', batch: 4, inC: 3, h: 32, w: 32, outC: 32, k: 3, pool: 'max', pk: [2, 2], ps: [2, 2] },   // the seed's CNN layer
  { layout: 'NCHW', batch: 3, inC: 3, h: 32, w: 32, outC: 32, k: 3, pool: 'max', pk: [2, 2], ps: [2, 2], threads: 2 },
  { layout: 'NHWC', batch: 3, inC: 5, h: 17, w: 19, outC: 7, k: 3, pool: 'max', pk: [2, 2], ps: [2, 2] },      // odd sizes: last row/col dropped
  { layout: 'NCHW', batch: 2, inC: 8, h: 23, w: 29, outC: 13, k: 3, pool: 'avg', pk: [3, 3], ps: [2, 2] },     // overlapping windows
  { layout: 'NHWC', batch: 2, inC: 8, h: 23, w: 29, outC: 13, k: 3, pool: 'avg', pk: [3, 2], ps: [1, 2], threads: 2 },
  { layout: 'NCHW', batch: 2, inC: 16, h: 20, w: 20, outC: 16, k: 3, groups: 16, pool: 'max', pk: [2, 2], ps: [2, 2] }, // depthwise
  { layout: 'NCHW', batch: 1, inC: 64, h: 90, w: 90, outC: 64, k: 3, pool: 'max', pk: [2, 2], ps: [2, 2], threads: 2 }, // several bands
  { layout: 'NCHW', batch: 3, inC: 4, h: 12, w: 12, outC: 6, k: 3, pool: 'max', pk: [2, 2], ps: [2, 2], rows: [4, 15] },
  { layout: 'NHWC', batch: 2, inC: 4, h: 12, w: 12, outC: 6, k: 1, pool: 'max', pk: [2, 2], ps: [2, 2], nan: true },
];

describe.skipIf(!loaded.ok && !ci)('conv2d with a fused pooling epilogue', () => {
  const addon = (loaded.ok ? loaded.addon : undefined) as NativeAddon;
  for (const [dtype, A] of [['float32', Float32Array], ['float64', Float64Array]] as const) {
    for (const c of cases) {
      it(`${dtype} ${c.layout} [${c.batch},${c.inC},${c.h},${c.w}] ${c.outC}×${c.k}×${c.k}${c.groups ? ` g${c.groups}` : ''} → ${c.pool} ${c.pk} / ${c.ps}${c.threads ? ` threads ${c.threads}` : ''}${c.rows ? ` rows ${c.rows}` : ''}${c.nan ? ' NaN' : ''}`, () => {
        const groups = c.groups ?? 1, pad = (c.k - 1) >> 1;
        const oh = c.h, ow = c.w;
        const ph = Math.floor((oh - c.pk[0]) / c.ps[0]) + 1, pw = Math.floor((ow - c.pk[1]) / c.ps[1]) + 1;
        const x = fill(new A(c.batch * c.inC * c.h * c.w), 7);
        if (c.nan) x[5 * c.inC + 1] = NaN;
        const w = fill(new A(c.outC * (c.inC / groups) * c.k * c.k), 8);
        const bias = fill(new A(c.outC), 9);
        const conv = (out: Float32Array | Float64Array, extra: Record<string, unknown>, rows: [number, number]): AddonArgs => ({
          x, w, bias, out, layout: c.layout, batch: c.batch, inC: c.inC, inH: c.h, inW: c.w, outC: c.outC, outH: oh, outW: ow,
          kh: c.k, kw: c.k, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: pad, padLeft: pad, groups,
          activation: 'relu', rowBegin: rows[0], rowEnd: rows[1], threads: c.threads ?? 1, ...extra,
        });
        const full = new A(c.batch * c.outC * oh * ow);
        addon.conv2dSync(conv(full, {}, [0, c.batch * oh]));
        const want = new A(c.batch * c.outC * ph * pw);
        addon.pool2dSync({ x: full, out: want, kind: c.pool, layout: c.layout, batch: c.batch, channels: c.outC, inH: oh, inW: ow,
          outH: ph, outW: pw, kh: c.pk[0], kw: c.pk[1], strideH: c.ps[0], strideW: c.ps[1], padTop: 0, padLeft: 0, rowBegin: 0, rowEnd: c.batch * ph });
        const got = new A(want.length).fill(-7);
        const rows = c.rows ?? [0, c.batch * ph];
        addon.conv2dSync(conv(got, { pool: c.pool, poolKh: c.pk[0], poolKw: c.pk[1], poolStrideH: c.ps[0], poolStrideW: c.ps[1] }, rows));
        // Outside the row range nothing is written.
        const rowLen = c.outC * pw;
        const tol = c.pool === 'max' ? 0 : dtype === 'float32' ? 1e-6 : 1e-14;
        const bad: string[] = [];
        for (let i = 0; i < want.length; i++) {
          const r = c.layout === 'NHWC' ? Math.floor(i / rowLen) : Math.floor(i / (c.outC * ph * pw)) * ph + (Math.floor(i / pw) % ph);
          const inside = r >= rows[0] && r < rows[1];
          const ok = inside ? Object.is(got[i], want[i]) || Math.abs(got[i]! - want[i]!) <= tol : got[i] === -7;
          if (!ok && bad.length < 5) bad.push(`[${i}] got ${got[i]}, want ${inside ? want[i] : 'untouched -7'}`);
        }
        expect(bad).toEqual([]);
        if (c.nan) expect(got.some((v) => Number.isNaN(v))).toBe(true);
      });
    }
  }

  it('checks the pooled output length and the pool options', () => {
    const base = {
      x: new Float32Array(2 * 3 * 8 * 8), w: new Float32Array(4 * 3 * 9), out: new Float32Array(2 * 4 * 4 * 4), layout: 'NCHW',
      batch: 2, inC: 3, inH: 8, inW: 8, outC: 4, outH: 8, outW: 8, kh: 3, kw: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
      padTop: 1, padLeft: 1, groups: 1, activation: 'none', rowBegin: 0, rowEnd: 8, pool: 'max', poolKh: 2, poolKw: 2, poolStrideH: 2, poolStrideW: 2,
    };
    expect(() => addon.conv2dSync(base)).not.toThrow();
    expect(() => addon.conv2dSync({ ...base, out: new Float32Array(2 * 4 * 4 * 4 - 1) })).toThrow(RangeError);
    expect(() => addon.conv2dSync({ ...base, rowEnd: 9 })).toThrow(RangeError);
    expect(() => addon.conv2dSync({ ...base, pool: 'min' })).toThrow(/pool/);
    expect(() => addon.conv2dSync({ ...base, poolKh: 0 })).toThrow(/poolKh/);
    expect(() => addon.conv2dSync({ ...base, poolStrideW: undefined })).toThrow(/poolStrideW/);
  });
});
