/**
 * prepack(w): matmul with a pre-packed B operand equals matmul with w itself, bit for bit, on every
 * available backend (native packs B once into the addon's panels and runs the same GEMM in the same
 * order; the others run their plain kernel on the copy), and both match the reference. Plus the
 * packed tensor's life: an independent copy that cannot go stale, packed once and reused, freed by
 * dispose() (also while a product reading it is still queued), and its bad inputs.
 */
import { describe, expect, it } from 'vitest';
import { matmul, prepack, randn, Tensor, tensor, zeros } from '../../src/index.js';
import { NATIVE_MATMUL_MIN_MACS, nativeAddon } from '../../src/backends/native/index.js';
import { packedFormOf } from '../../src/prepacked.js';
import { refMatmul } from '../reference/matmul.js';
import { expectClose, seeded, seededView, seedOf, swapLast, tol } from '../util/close.js';
import { backendMatrix, bestFloat, dtypesFor } from '../util/backends.js';
import { failure } from '../util/settled.js';
import { FLOAT_DTYPES, PREPACK_CASES } from './cases.js';

/** Both results' values, the same bits (NaN included). */
async function expectSameBits(got: Tensor, want: Tensor, context: string): Promise<void> {
  expect([...got.shape], context).toEqual([...want.shape]);
  const g = await got.data();
  const w = await want.data();
  const differ = g.findIndex((v, i) => !Object.is(v, w[i]));
  expect(differ, `${context}: first differing element ${differ}: ${g[differ]} vs ${w[differ]}`).toBe(-1);
}

for (const b of await backendMatrix()) {
  describe.skipIf(!b.available || !b.ops.includes('matmul'))(`prepack [${b.name}]`, () => {
    for (const dtype of dtypesFor(b, FLOAT_DTYPES)) {
      describe(dtype, () => {
        it.each(PREPACK_CASES)('$label', async (c) => {
          const seed = seedOf(`prepack ${c.label} ${dtype}`);
          const a = c.aView ? await seededView(c.a, swapLast(c.a.length), seed, dtype) : await seeded(c.a, seed, dtype);
          const w = await seeded(c.w, seed + 1, dtype);
          const bias = c.bias ? await seeded(c.bias, seed + 2, dtype) : undefined;
          const options = { transA: c.transA, transB: c.transB, bias: bias?.t, activation: c.activation, backend: b.name };
          const p = prepack(w.t, { transB: c.transB });
          expect(p.dtype).toBe(dtype);
          const plain = await matmul(a.t, w.t, options);
          const first = await matmul(a.t, p, options);
          const again = await matmul(a.t, p, options); // the pack made by the first product, reused
          const context = `prepack ${b.name} ${dtype} ${c.label}`;
          if (b.name === 'native') {
            // The addon packs B where its plain kernel would (a GEMM: m, n > 1, more than the 16³
            // multiply-adds the js loop takes): there the product really read the packed panels.
            const m = c.transA ? c.a[c.a.length - 1]! : c.a.length === 1 ? 1 : c.a[c.a.length - 2]!;
            const [k, n] = c.transB ? [c.w[1], c.w[0]] : c.w;
            const rows = (first.size / Math.max(n, 1)) || 0;
            const gemm = m > 1 && n > 1 && rows * n * k > NATIVE_MATMUL_MIN_MACS;
            expect(packedFormOf(p)?.packs.has('native') ?? false, `${context}: packed`).toBe(gemm);
          }
          await expectSameBits(first, plain, context);
          await expectSameBits(again, plain, `${context} (second product)`);
          const ref = refMatmul(a.ref, w.ref, { transA: c.transA, transB: c.transB, bias: bias?.ref, activation: c.activation });
          const k = c.transB ? c.w[1] : c.w[0];
          await expectClose(first, ref, tol(dtype, k + 1), { op: 'matmul prepack', backend: b.name, dtype, case: c.label, seed });
          await expectClose(p, w.ref, tol(dtype, 0, 0), { op: 'prepack', check: 'p equals w', case: c.label });
          for (const t of [plain, first, again, p, a.t, w.t, bias?.t]) t?.dispose();
        });
      });
    }

    it('prepack returns an independent copy: w can go, and writes to the array under w never reach it', async () => {
      const dtype = bestFloat(b);
      const k = 40, n = 24;
      const values = (await seeded([k, n], seedOf('prepack stale'), dtype)).ref.data;
      const array = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
      const w = new Tensor(dtype, [k, n], array); // over the caller's array: no copy
      const p = prepack(w);
      expect(p).not.toBe(w);
      const a = randn([16, k], { seed: 3, dtype });
      const before = await matmul(a, p, { backend: b.name });
      array.fill(7); // the caller writes its array: w changes, p does not
      const after = await matmul(a, p, { backend: b.name });
      await expectSameBits(after, before, 'after the caller wrote its array');
      const ref = refMatmul({ data: Float64Array.from(await a.data()), shape: [16, k] }, { data: Float64Array.from(values), shape: [k, n] });
      await expectClose(after, ref, tol(dtype, k), 'p keeps the values it was made with');
      expect((await matmul(a, w, { backend: b.name }).data())[0]).not.toBe((await after.data())[0]);
      w.dispose();
      await expectSameBits(await matmul(a, p, { backend: b.name }), before, 'after w was disposed');
      p.dispose();
    });

    it('views of the packed tensor, the other transB and the a side run the plain kernel, with the same results', async () => {
      const dtype = bestFloat(b);
      const w = randn([48, 48], { seed: 5, dtype });
      const x = randn([20, 48], { seed: 6, dtype });
      const p = prepack(w, { transB: true });
      const o = { backend: b.name };
      await expectSameBits(await matmul(x, p, o), await matmul(x, w, o), 'packed for transB, used without');
      await expectSameBits(await matmul(x, p, { ...o, transB: true }), await matmul(x, w, { ...o, transB: true }), 'packed, used as packed');
      await expectSameBits(await matmul(x, p.transpose(), o), await matmul(x, w.transpose(), o), 'a transposed view');
      await expectSameBits(await matmul(p, x, { ...o, transB: true }), await matmul(w, x, { ...o, transB: true }), 'as the a operand');
      await expectSameBits(await matmul(x, p.reshape([48, 48]), { ...o, transB: true }), await matmul(x, w, { ...o, transB: true }), 'a reshape view');
      p.dispose();
    });

    it('disposing the packed tensor while a product reading it is queued leaves that product right', async () => {
      const dtype = bestFloat(b);
      const big = randn([384, 384], { seed: 7, dtype });
      const a = matmul(big, big, { backend: b.name }); // large: pending on the pool or the GPU where there is one
      const w = randn([384, 64], { seed: 8, dtype });
      const p = prepack(w);
      const y = matmul(a, p, { backend: b.name });
      p.dispose();
      await expectSameBits(y, matmul(a, w, { backend: b.name }), 'p disposed while queued');
      expect(() => matmul(a, p, { backend: b.name })).toThrow(/dispose/);
    });

    it.runIf(b.name === 'webgpu')('a GPU tensor prepacks to a GPU tensor (no packed form: webgpu reads B as it is)', async () => {
      const w = await randn([32, 16], { seed: 9 }).to('webgpu');
      const p = prepack(w);
      expect(p.device).toBe('webgpu');
      expect(packedFormOf(p)).toBeUndefined();
      const x = randn([8, 32], { seed: 10 });
      await expectSameBits(await matmul(x, p), await matmul(x, w), 'GPU prepack');
      w.dispose();
      p.dispose();
    });

    it.runIf(b.name === 'native')('native: B is packed on the first product, reused after, and dispose() frees the handle', async () => {
      const addon = nativeAddon();
      if (!addon.ok) throw new Error(addon.reason);
      for (const dtype of FLOAT_DTYPES) {
        const w = randn([256, 96], { seed: 11, dtype });
        const a = randn([32, 256], { seed: 12, dtype });
        const p = prepack(w);
        const form = packedFormOf(p)!;
        expect(form.packs.size).toBe(0); // nothing packed until a product needs it
        const y1 = await matmul(a, p, { backend: 'native' });
        const pack = form.packs.get('native');
        expect(pack, 'a packed handle after the first product').toBeDefined();
        await matmul(a, p, { backend: 'native' });
        expect(form.packs.get('native')).toBe(pack); // reused, not packed again
        const handle = pack!.handle as object;
        const raw = {
          a: a.storage, aOffset: 0, aStrides: [256, 1], out: dtype === 'float32' ? new Float32Array(32 * 96) : new Float64Array(32 * 96),
          batchShape: [], m: 32, n: 96, k: 256, activation: 'none', rowBegin: 0, rowEnd: 32, packedB: handle,
        };
        addon.addon.matmulSync(raw);
        expect([...raw.out]).toEqual([...(await y1.data())]);
        p.dispose();
        expect(packedFormOf(p)).toBeUndefined();
        expect(form.released).toBe(true);
        expect(() => addon.addon.matmulSync(raw)).toThrow(/released/);
      }
    });

    it('bad input is a typed error', async () => {
      const w = zeros([4, 3]);
      await failure('DTYPE_MISMATCH', () => prepack(zeros([4, 3], { dtype: 'int32' })));
      await failure('SHAPE_MISMATCH', () => prepack(zeros([2, 4, 3])));
      await failure('SHAPE_MISMATCH', () => prepack(zeros([4])));
      await failure('INVALID_ARGUMENT', () => prepack([[1, 2]] as never));
      await failure('INVALID_ARGUMENT', () => prepack(w, { transB: 'yes' as never }));
      await failure('INVALID_ARGUMENT', () => prepack(w, { transA: true } as never));
      await failure('INVALID_ARGUMENT', () => prepack(w, { backend: b.name } as never));
      await failure('INVALID_ARGUMENT', () => prepack(w, 'transB' as never));
      const gone = tensor([[1, 2], [3, 4]]);
      gone.dispose();
      await failure('DISPOSED_TENSOR', () => prepack(gone));
      const p = prepack(w);
      await failure('SHAPE_MISMATCH', () => matmul(zeros([2, 5]), p, { backend: b.name }));
      p.dispose();
      await failure('DISPOSED_TENSOR', () => matmul(zeros([2, 4]), p, { backend: b.name }));
    });
  });
}
