/**
 * Properties of conv2d on the js backend (fast-check): a delta kernel with 'same' padding is the
 * identity, and shifting the input by a whole number of strides shifts the output ('valid'
 * padding; the output rows/columns whose window would see the wrapped-around border are excluded).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { conv2d, tensor, type Layout, type Tensor } from '../../src/index.js';
import { expectClose, seeded, toRef, tol } from '../util/close.js';

const backend = 'js' as const;
const seed = fc.integer({ min: 0, max: 1_000_000 });
const layout = fc.constantFrom<Layout>('NCHW', 'NHWC');
const dtype = fc.constantFrom('float32' as const, 'float64' as const);

/** NCHW data as the layout wants it: NHWC is fed as a strided view of the NCHW tensor. */
const asLayout = (x: Tensor, l: Layout) => (l === 'NCHW' ? x : x.transpose([0, 2, 3, 1]));
/** OIHW weights as the layout wants them (NHWC: [kh, kw, C/groups, outC], again a view). */
const weightsAs = (w: Tensor, l: Layout) => (l === 'NCHW' ? w : w.transpose([2, 3, 1, 0]));
/** A result back in NCHW. */
const toNCHW = (y: Tensor, l: Layout) => (l === 'NCHW' ? y : y.transpose([0, 3, 1, 2]));

describe('conv2d properties [js]', () => {
  it("a centred delta kernel with 'same' padding (any odd size, any dilation) is the identity", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          N: fc.integer({ min: 0, max: 2 }),
          C: fc.integer({ min: 1, max: 4 }),
          H: fc.integer({ min: 1, max: 9 }),
          W: fc.integer({ min: 1, max: 9 }),
          half: fc.integer({ min: 0, max: 2 }),
          dil: fc.integer({ min: 1, max: 2 }),
          depthwise: fc.boolean(),
        }),
        layout,
        dtype,
        seed,
        async ({ N, C, H, W, half, dil, depthwise }, l, dt, s) => {
          const k = 2 * half + 1;
          const cg = depthwise ? 1 : C;
          const w = new Float64Array(C * cg * k * k);
          for (let o = 0; o < C; o++) w[((o * cg + (depthwise ? 0 : o)) * k + half) * k + half] = 1;
          const x = await seeded([N, C, H, W], s, dt);
          const y = await conv2d(asLayout(x.t, l), weightsAs(tensor(w, [C, cg, k, k], { dtype: dt }), l), {
            padding: 'same',
            dilation: dil,
            groups: depthwise ? C : 1,
            layout: l,
            backend,
          });
          await expectClose(toNCHW(y, l), x.ref, tol(dt, 1), { N, C, H, W, k, dil, depthwise, layout: l, seed: s });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('shifting the input by whole strides shifts the output (valid padding)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          N: fc.integer({ min: 1, max: 2 }),
          groups: fc.integer({ min: 1, max: 2 }),
          cg: fc.integer({ min: 1, max: 3 }),
          og: fc.integer({ min: 1, max: 3 }),
          kh: fc.integer({ min: 1, max: 3 }),
          kw: fc.integer({ min: 1, max: 3 }),
          sh: fc.integer({ min: 1, max: 2 }),
          sw: fc.integer({ min: 1, max: 2 }),
          dil: fc.integer({ min: 1, max: 2 }),
          extraH: fc.integer({ min: 0, max: 8 }),
          extraW: fc.integer({ min: 0, max: 8 }),
          a: fc.nat(),
          b: fc.nat(),
        }),
        layout,
        seed,
        async (p, l, s) => {
          const C = p.groups * p.cg;
          const O = p.groups * p.og;
          const spanH = (p.kh - 1) * p.dil + 1;
          const spanW = (p.kw - 1) * p.dil + 1;
          const [H, W] = [spanH + p.extraH, spanW + p.extraW];
          const outH = Math.floor((H - spanH) / p.sh) + 1;
          const outW = Math.floor((W - spanW) / p.sw) + 1;
          const a = p.a % outH; // shift in output rows (a·sh input rows)
          const b = p.b % outW;
          const x = await seeded([p.N, C, H, W], s, 'float64');
          // x2 = x rolled down by a·sh rows and right by b·sw columns (wrapping around).
          const rolled = new Float64Array(x.ref.data.length);
          for (let nc = 0; nc < p.N * C; nc++)
            for (let h = 0; h < H; h++)
              for (let v = 0; v < W; v++)
                rolled[(nc * H + ((h + a * p.sh) % H)) * W + ((v + b * p.sw) % W)] = x.ref.data[(nc * H + h) * W + v]!;
          const w = weightsAs((await seeded([O, p.cg, p.kh, p.kw], s + 1, 'float64')).t, l);
          const opts = { stride: [p.sh, p.sw] as [number, number], dilation: p.dil, groups: p.groups, layout: l, backend };
          const y = await toRef(toNCHW(await conv2d(asLayout(x.t, l), w, opts), l));
          const y2 = await toRef(toNCHW(await conv2d(asLayout(tensor(rolled, [p.N, C, H, W], { dtype: 'float64' }), l), w, opts), l));
          // y2[.., i + a, j + b] = y[.., i, j]: those windows of x2 never reach the wrapped rows/cols.
          const got: number[] = [];
          const want: number[] = [];
          for (let no = 0; no < p.N * O; no++)
            for (let i = 0; i + a < outH; i++)
              for (let j = 0; j + b < outW; j++) {
                got.push(y2.data[(no * outH + i + a) * outW + j + b]!);
                want.push(y.data[(no * outH + i) * outW + j]!);
              }
          const shape = [got.length];
          await expectClose(tensor(Float64Array.from(got), shape), { data: want, shape }, tol('float64', p.cg * p.kh * p.kw), { ...p, a, b, layout: l, seed: s });
        },
      ),
      { numRuns: 40 },
    );
  });
});
