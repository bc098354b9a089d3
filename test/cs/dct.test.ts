/** The fast DCT (radix-2 and Bluestein FFT) against the dense orthonormal DCT-II from its definition. */
import { describe, expect, it } from 'vitest';
import { cs, randn, tensor } from '../../src/index.js';
import { denseDct } from './signals.js';

const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 31, 64, 100, 127, 128, 243, 256, 1000, 1024];

describe('cs.dct', () => {
  it.each(LENGTHS)('matches the dense orthonormal DCT-II for n = %i', async (n) => {
    const x = randn([n], { seed: n, dtype: 'float64' });
    const got = await (await cs.dct(x)).data();
    const c = denseDct(n);
    const xv = x.dataSync();
    let worst = 0;
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += c[k * n + i]! * xv[i]!;
      worst = Math.max(worst, Math.abs(s - got[k]!));
    }
    expect(worst).toBeLessThan(1e-12 * Math.sqrt(n) * Math.log2(n + 1) + 1e-14);
  });

  it.each(LENGTHS)('idct inverts dct for n = %i', async (n) => {
    const x = randn([n], { seed: n + 1, dtype: 'float64' });
    const back = await (await cs.idct(await cs.dct(x))).data();
    const xv = x.dataSync();
    for (let i = 0; i < n; i++) expect(Math.abs(back[i]! - xv[i]!)).toBeLessThan(1e-12);
  });

  it('transforms each column of a batch like the single transform', async () => {
    const n = 48;
    const b = 5;
    const x = randn([n, b], { seed: 3, dtype: 'float64' });
    const all = await (await cs.dct(x)).data();
    const xv = x.dataSync();
    for (let c = 0; c < b; c++) {
      const col = tensor(Float64Array.from({ length: n }, (_, i) => xv[i * b + c]!), [n]);
      const one = await (await cs.dct(col)).data();
      for (let k = 0; k < n; k++) expect(all[k * b + c]).toBeCloseTo(one[k]!, 12);
    }
  });

  it('keeps float32 and is accurate to float32 rounding', async () => {
    const x = randn([200], { seed: 4 });
    const X = await cs.dct(x);
    expect(X.dtype).toBe('float32');
    const c = denseDct(200);
    const xv = x.dataSync();
    const got = X.dataSync();
    for (let k = 0; k < 200; k += 17) {
      let s = 0;
      for (let i = 0; i < 200; i++) s += c[k * 200 + i]! * xv[i]!;
      expect(Math.abs(s - got[k]!)).toBeLessThan(1e-5);
    }
  });
});

describe('cs.dct2d', () => {
  /** Separable reference: C_h · X · C_wᵀ, block by block. */
  function reference(img: Float64Array, h: number, w: number, block: number): Float64Array {
    const out = new Float64Array(h * w);
    for (let i0 = 0; i0 < h; i0 += block) {
      for (let j0 = 0; j0 < w; j0 += block) {
        const bh = Math.min(block, h - i0);
        const bw = Math.min(block, w - j0);
        const ch = denseDct(bh);
        const cw = denseDct(bw);
        for (let k = 0; k < bh; k++) {
          for (let l = 0; l < bw; l++) {
            let s = 0;
            for (let i = 0; i < bh; i++) for (let j = 0; j < bw; j++) s += ch[k * bh + i]! * cw[l * bw + j]! * img[(i0 + i) * w + j0 + j]!;
            out[(i0 + k) * w + j0 + l] = s;
          }
        }
      }
    }
    return out;
  }

  it.each([
    { h: 8, w: 8, block: undefined },
    { h: 12, w: 20, block: undefined },
    { h: 16, w: 16, block: 8 },
    { h: 13, w: 10, block: 4 },
  ])('matches the separable dense DCT ($h×$w, block $block) and inverts', async ({ h, w, block }) => {
    const op = cs.dct2d(h, w, { block, dtype: 'float64' });
    expect(op.shape).toEqual([h * w, h * w]);
    const img = randn([h * w], { seed: h * w, dtype: 'float64' });
    const got = await (await op.forward(img)).data();
    const ref = reference(img.dataSync() as Float64Array, h, w, block ?? Math.max(h, w));
    for (let i = 0; i < h * w; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-12);
    const back = await (await op.adjoint(tensor(got, [h * w]))).data();
    const iv = img.dataSync();
    for (let i = 0; i < h * w; i++) expect(Math.abs(back[i]! - iv[i]!)).toBeLessThan(1e-12);
  });
});
