/**
 * fft, ifft, rfft and irfft against numpy.fft (test/fixtures/linalg/fft.json) and the O(n²) DFT of
 * test/reference/fft.ts, on radix-2 and Bluestein lengths (1, primes, 12, 100, 127, 128), along
 * either axis of a 2-D array, in float64 and float32, with the round trips ifft(fft(z)) = z and
 * irfft(rfft(x)) = x.
 *
 * Tolerance: an FFT's error is about ε·log2(n)·‖x‖ per output, Bluestein's a few times that, and
 * the naive DFT's ε·n·‖x‖; we allow C·ε·(n + 8)·‖x‖₂ per element (C = 16; ε = 2⁻⁵² or, for
 * float32 inputs, 2⁻²³).
 */
import { describe, expect, it } from 'vitest';
import { fftOps, type FftOptions } from '../../src/ops/fft.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { Tensor } from '../../src/tensor.js';
import { refDft } from '../reference/fft.js';
import { EPS, FFT_FIXTURES, toTensor, type Dense, type FloatDType } from '../linalg/helpers.js';

const C = 16;

async function expectAllClose(what: string, got: Tensor, want: Dense, bound: number): Promise<void> {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  const g = await got.data();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.data.length; i++) {
    const d = Math.abs(g[i]! - want.data[i]!);
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  expect(worst, `${what}: worst |got − want| = ${worst.toExponential(2)} at ${at} > ${bound.toExponential(2)}`).toBeLessThanOrEqual(bound);
}

function norm(d: Dense): number {
  return Math.sqrt(d.data.reduce((s, v) => s + v * v, 0));
}

function split(d: Dense) {
  const n = d.data.length / 2;
  return { re: Float64Array.from({ length: n }, (_, i) => d.data[2 * i]!), im: Float64Array.from({ length: n }, (_, i) => d.data[2 * i + 1]!) };
}

/** The four transforms on backend `name` (through dispatch, as a user calls them with { backend }). */
function on(name: string) {
  const bind = (op: (x: Tensor, o?: FftOptions) => Tensor) => (x: Tensor, o?: FftOptions) => op(x, { ...o, backend: name as FftOptions['backend'] });
  return { fft: bind(fftOps.fft), ifft: bind(fftOps.ifft), rfft: bind(fftOps.rfft), irfft: bind(fftOps.irfft) };
}

for (const b of await backendMatrix()) {
for (const dtype of dtypesFor(b, ['float64', 'float32'] as FloatDType[])) {
  const eps = EPS[dtype];
  const { fft, ifft, rfft, irfft } = on(b.name);
  describe.skipIf(!b.available)(`fft [${b.name}, ${dtype}]`, () => {
    it.each(FFT_FIXTURES.fft.map((c) => ({ ...c, label: `n = ${c.n}` })))('fft, ifft, ortho: $label', async (c) => {
      const x = toTensor(c.x, dtype);
      const bound = C * eps * (c.n + 8) * norm(c.x);
      await expectAllClose('fft vs numpy', fft(x), c.fft, bound);
      await expectAllClose('ifft vs numpy', ifft(x), c.ifft, bound / c.n + C * eps * norm(c.ifft));
      await expectAllClose('fft ortho vs numpy', fft(x, { norm: 'ortho' }), c.fftOrtho, bound / Math.sqrt(c.n));
      const ref = refDft(split(c.x));
      const refDense = { shape: [c.n, 2], data: Array.from({ length: 2 * c.n }, (_, i) => (i % 2 ? ref.im : ref.re)[i >> 1]!) };
      await expectAllClose('fft vs the naive DFT', fft(x), refDense, bound);
      await expectAllClose('ifft(fft(z)) = z', ifft(fft(x)), dtype === 'float32' ? { shape: c.x.shape, data: Array.from(Float32Array.from(c.x.data)) } : c.x, bound / Math.sqrt(c.n) + C * eps * norm(c.x));
      expect(fft(x).dtype).toBe(dtype);
    });

    it.each(FFT_FIXTURES.rfft.map((c) => ({ ...c, label: `n = ${c.n}` })))('rfft and its inverse: $label', async (c) => {
      const x = toTensor(c.x, dtype);
      const bound = C * eps * (c.n + 8) * norm(c.x);
      const X = rfft(x);
      await expectAllClose('rfft vs numpy', X, c.rfft, bound);
      const back = irfft(X, { n: c.n });
      await expectAllClose('irfft(rfft(x), n) = x', back, dtype === 'float32' ? { shape: c.x.shape, data: Array.from(Float32Array.from(c.x.data)) } : c.x, bound + C * eps * norm(c.x));
    });

    it.each(FFT_FIXTURES.irfft.map((c) => ({ ...c, label: `m = ${c.m} → n = ${c.n}` })))('irfft: $label', async (c) => {
      const x = toTensor(c.x, dtype);
      await expectAllClose('irfft vs numpy', irfft(x, { n: c.n }), c.irfft, C * eps * (c.n + 8) * norm(c.x));
    });

    it('along axis 0 and 1 of a 6×5 array; rfft/irfft along axis 0', async () => {
      const f = FFT_FIXTURES.fft2d;
      const x = toTensor(f.x, dtype);
      const bound = C * eps * 16 * norm(f.x);
      await expectAllClose('fft axis 0', fft(x, { axis: 0 }), f.axis0, bound);
      await expectAllClose('fft axis -2', fft(x, { axis: -2 }), f.axis0, bound);
      await expectAllClose('fft axis 1', fft(x, { axis: 1 }), f.axis1, bound);
      const r = toTensor(f.real, dtype);
      await expectAllClose('rfft axis 0', rfft(r, { axis: 0 }), f.rfftAxis0, C * eps * 16 * norm(f.real));
      await expectAllClose('irfft axis 0', irfft(rfft(r, { axis: 0 }), { axis: 0, n: 6 }), f.irfftAxis0, C * eps * 16 * norm(f.real));
    });

    it('n zero-pads and truncates, as numpy (checked against the naive DFT)', async () => {
      const z = { re: Float64Array.of(1, -2, 0.5), im: Float64Array.of(0.25, 1, -1) };
      const x = new Tensor(dtype, [3, 2], (dtype === 'float64' ? Float64Array : Float32Array).from([1, 0.25, -2, 1, 0.5, -1]));
      for (const n of [2, 3, 5, 8]) {
        const re = new Float64Array(n);
        const im = new Float64Array(n);
        for (let i = 0; i < Math.min(n, 3); i++) {
          re[i] = z.re[i]!;
          im[i] = z.im[i]!;
        }
        const ref = refDft({ re, im });
        const want = { shape: [n, 2], data: Array.from({ length: 2 * n }, (_, i) => (i % 2 ? ref.im : ref.re)[i >> 1]!) };
        await expectAllClose(`fft n = ${n}`, fft(x, { n }), want, C * eps * 16 * 4);
      }
    });
  });
}

}

const { fft, rfft } = fftOps;
describe('fft on awkward shapes', () => {
  it('a zero-size batch transforms to a zero-size result; the exported table names the four ops', async () => {
    const x = new Tensor('float64', [0, 4, 2], new Float64Array(0));
    expect(fft(x).shape).toEqual([0, 4, 2]);
    expect(rfft(new Tensor('float64', [0, 4], new Float64Array(0))).shape).toEqual([0, 3, 2]);
    expect(Object.keys(fftOps)).toEqual(['fft', 'ifft', 'rfft', 'irfft']);
  });
});
