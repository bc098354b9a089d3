/**
 * The shape ops against numpy (test/fixtures/shape.json, written by test/fixtures/shape.py) and
 * against the float64 references (test/reference/shape.ts) on every backend and dtype: awkward
 * shapes (empty, size 1, primes, rank 0), strided and transposed inputs, broadcast (stride-0)
 * inputs, pending inputs (GPU results, pool results in the pool run). On webgpu the inputs live on
 * the GPU, so the views are GPU views. Exact: the shape ops move values, they compute none.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  arange, at, broadcastTo, concat, expandDims, flip, gather, memory, neg, pad, slice, split, squeeze, stack, tensor, tile,
  type DType, type Tensor,
} from '../../src/index.js';
import { refBroadcastTo, refConcat, refFlip, refGather, refPad, refSlice, refStack, refTile } from '../reference/shape.js';
import type { Ref } from '../reference/nd.js';
import { expectClose, seeded, seededView, seedOf } from '../util/close.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { settled } from '../util/settled.js';

interface Fixture {
  op: string;
  shape: number[];
  args: unknown;
  result: { shape: number[]; data: number[] } | { shape: number[]; data: number[] }[];
}
const FIXTURES = (JSON.parse(readFileSync(new URL('../fixtures/shape.json', import.meta.url), 'utf8')) as { cases: Fixture[] }).cases;

const EXACT = { atol: 0, rtol: 0 };
const COPY_OPS = ['remap', 'concat', 'gather'];
const DTYPES: DType[] = ['float32', 'float64', 'int32'];

for (const bk of await backendMatrix()) {
  describe.skipIf(!bk.available || !COPY_OPS.every((op) => bk.ops.includes(op as never)))(`shape ops [${bk.name}]`, () => {
    const o = { backend: bk.name };
    const gpu = bk.name === 'webgpu';
    /** The input on this backend's device (a GPU tensor for webgpu). */
    const put = async (t: Tensor): Promise<Tensor> => (gpu ? t.to('webgpu') : t);
    const ints = (values: unknown, shape?: number[]) => tensor(values as number[], shape, { dtype: 'int32' });

    for (const dtype of dtypesFor(bk, DTYPES)) {
      const x0 = async (shape: number[]) => put(arange(0, shape.reduce((a, b) => a * b, 1), 1, { dtype }).reshape(shape));

      describe(`${dtype} numpy cases`, () => {
        it.each(FIXTURES.map((f, i) => ({ ...f, label: `${i} ${f.op} ${JSON.stringify(f.shape)} ${JSON.stringify(f.args)}` })))('$label', async (f) => {
          const x = await x0(f.shape);
          const check = (got: Tensor, want: { shape: number[]; data: number[] }) =>
            expectClose(got, want, EXACT, { backend: bk.name, dtype, case: f.label });
          const want = f.result as { shape: number[]; data: number[] };
          switch (f.op) {
            case 'slice': {
              const spec = f.args as (number | null)[][];
              return check(slice(x, spec.map((s) => s[0]!), spec.map((s) => s[1]!), spec.map((s) => s[2] ?? 1), o), want);
            }
            case 'pad': {
              const { widths, mode, value } = f.args as { widths: [number, number][]; mode: 'reflect'; value?: number };
              if (value !== undefined && dtype === 'int32') return;
              return check(pad(x, widths, { mode, ...(value !== undefined ? { value } : {}), ...o }), want);
            }
            case 'tile':
              return check(tile(x, f.args as number[], o), want);
            case 'concat': {
              const axis = f.args as number;
              const ax = axis < 0 ? axis + f.shape.length : axis;
              const ten = await put(arange(0, x.size, 1, { dtype }).reshape(f.shape));
              const second = await put(tensor(Array.from(await ten.data(), (v) => v * 10 + 1), f.shape, { dtype }));
              const first = slice(x, f.shape.map((_, d) => (d === ax ? 0 : null)), f.shape.map((_, d) => (d === ax ? 1 : null)));
              const third = await put(tensor(Array.from(await first.data(), (v) => v - 5), first.shape, { dtype }));
              return check(concat([x, second, third], axis, o), want);
            }
            case 'stack': {
              const second = await put(tensor(Array.from(await x.data(), (v) => v * 10 + 1), f.shape, { dtype }));
              return check(stack([x, second], f.args as number, o), want);
            }
            case 'gather': {
              const { indices, axis } = f.args as { indices: number[]; axis: number };
              return check(gather(x, ints(indices), axis, o), want);
            }
            case 'split': {
              const { sections, axis } = f.args as { sections: number | number[]; axis: number };
              const parts = split(x, sections, axis);
              const wants = f.result as { shape: number[]; data: number[] }[];
              expect(parts.length).toBe(wants.length);
              for (let i = 0; i < parts.length; i++) await check(parts[i]!, wants[i]!);
              return;
            }
            case 'flip':
              return check(flip(x, (f.args ?? undefined) as number | undefined, o), want);
            default:
              throw new Error(`unknown fixture op ${f.op}`);
          }
        });
      });

      describe(`${dtype} against the reference`, () => {
        const input = async (shape: number[], label: string, view?: number[]) => {
          const seed = seedOf(`shape ${label} ${dtype}`);
          const r = view ? await seededView(shape, view, seed, dtype) : await seeded(shape, seed, dtype);
          return { t: await put(r.t), ref: r.ref };
        };

        it.each([
          { label: 'primes [7,13] rows reversed, every 3rd column', shape: [7, 13], b: [null, 1], e: [null, null], s: [-1, 3] },
          { label: 'transposed [13,7] negative steps', shape: [13, 7], b: [-2, 5], e: [1, null], s: [-2, -1], view: [1, 0] },
          { label: 'rank 3 [5,1,17] mixed', shape: [5, 1, 17], b: [4, 0, 16], e: [null, null, 0], s: [-2, 1, -5] },
          { label: 'empty axis [0,5]', shape: [0, 5], b: [null, null], e: [null, null], s: [-1, -1] },
          { label: 'size 1 [1]', shape: [1], b: [null], e: [null], s: [-1] },
          { label: 'large transposed [37,41] (past the native copy threshold)', shape: [37, 41], b: [null, 40], e: [null, 2], s: [-1, -3], view: [1, 0] },
        ])('slice copy: $label', async (c) => {
          const x = await input(c.shape, c.label, c.view);
          await expectClose(slice(x.t, c.b, c.e, c.s, o), refSlice(x.ref, c.b, c.e, c.s), EXACT, c.label);
        });

        it.each([
          { label: 'positive steps [7,13]', shape: [7, 13], b: [1, -5], e: [6, null], s: [2, 1] },
          { label: 'transposed [13,7]', shape: [13, 7], b: [3, null], e: [null, 4], s: [3, 2], view: [1, 0] },
          { label: 'rank 4 [2,3,5,7] leading axes only', shape: [2, 3, 5, 7], b: [1, null], e: [null, 2], s: [1, 1] },
          { label: 'clamped past both ends [5]', shape: [5], b: [-100], e: [100], s: [2] },
          { label: 'empty result [5,5]', shape: [5, 5], b: [3], e: [1], s: [1] },
        ])('slice view: $label', async (c) => {
          const x = await input(c.shape, c.label, c.view);
          const before = memory();
          const v = slice(x.t, c.b, c.e, c.s, o);
          expect(memory().cpu.buffers, 'a positive-step slice allocates nothing').toBe(before.cpu.buffers);
          expect(memory().webgpu.buffers).toBe(before.webgpu.buffers);
          await expectClose(v, refSlice(x.ref, c.b, c.e, c.s), EXACT, c.label);
        });

        it.each([
          { label: 'all axes [7,13]', shape: [7, 13], axes: undefined },
          { label: 'axis -1 of transposed [5,11]', shape: [5, 11], axes: [1], view: [1, 0] },
          { label: 'axes 0,2 of [3,1,5]', shape: [3, 1, 5], axes: [0, 2] },
          { label: 'rank 0', shape: [], axes: undefined },
          { label: 'empty [0,3]', shape: [0, 3], axes: [1] },
          { label: 'large [17,19,3] axis 1', shape: [17, 19, 3], axes: [1] },
        ])('flip: $label', async (c) => {
          const x = await input(c.shape, c.label, c.view);
          await expectClose(flip(x.t, c.axes, o), refFlip(x.ref, c.axes ?? c.shape.map((_, i) => i)), EXACT, c.label);
        });

        it.each([
          { label: 'constant [7,13]', shape: [7, 13], w: [[1, 2], [3, 0]], mode: 'constant' as const, value: 5 },
          { label: 'reflect wider than the axis [3,2]', shape: [3, 2], w: [[7, 4], [5, 6]], mode: 'reflect' as const },
          { label: 'edge transposed [5,3]', shape: [5, 3], w: [[2, 2], [0, 3]], mode: 'edge' as const, view: [1, 0] },
          { label: 'wrap [2,3,1]', shape: [2, 3, 1], w: [[3, 1], [0, 4], [2, 2]], mode: 'wrap' as const },
          { label: 'constant of an empty axis [0,4]', shape: [0, 4], w: [[1, 1], [0, 1]], mode: 'constant' as const },
          { label: 'reflect of size 1 [1,5]', shape: [1, 5], w: [[2, 3], [1, 1]], mode: 'reflect' as const },
          { label: 'large [65,33] reflect', shape: [65, 33], w: [[31, 17], [40, 2]], mode: 'reflect' as const },
        ])('pad: $label', async (c) => {
          const x = await input(c.shape, c.label, c.view);
          const got = pad(x.t, c.w, { mode: c.mode, ...(c.value !== undefined ? { value: c.value } : {}), ...o });
          await expectClose(got, refPad(x.ref, c.w as [number, number][], c.mode, c.value ?? 0), EXACT, c.label);
        });

        it.each([
          { label: 'reps longer than rank [3]', shape: [3], reps: [2, 5] },
          { label: 'reps shorter than rank [2,7,3]', shape: [2, 7, 3], reps: [2] },
          { label: 'transposed [5,3]', shape: [5, 3], reps: [3, 2], view: [1, 0] },
          { label: 'zero reps [4]', shape: [4], reps: [0] },
          { label: 'rank 0', shape: [], reps: [3] },
          { label: 'large transposed [3,5] by [9,11]', shape: [3, 5], reps: [9, 11], view: [1, 0] },
        ])('tile: $label', async (c) => {
          const x = await input(c.shape, c.label, c.view);
          await expectClose(tile(x.t, c.reps, o), refTile(x.ref, c.reps), EXACT, c.label);
        });

        it.each([
          { label: 'axis 1 primes [7,13]+[7,1]+[7,5]', shapes: [[7, 13], [7, 1], [7, 5]], axis: 1 },
          { label: 'axis 0 with a transposed input and an empty one', shapes: [[3, 4], [0, 4], [5, 4]], axis: 0, view: true },
          { label: 'axis -1 rank 3', shapes: [[2, 3, 2], [2, 3, 5]], axis: -1 },
          { label: 'one input', shapes: [[6]], axis: 0 },
          { label: 'large [29,31] transposed + [29,7]', shapes: [[29, 31], [29, 7]], axis: 1, view: true },
        ])('concat: $label', async (c) => {
          const xs = await Promise.all(c.shapes.map((s, i) => input(s, `${c.label} ${i}`, c.view && i === 0 ? [1, 0] : undefined)));
          const ax = c.axis < 0 ? c.axis + c.shapes[0]!.length : c.axis;
          await expectClose(concat(xs.map((x) => x.t), c.axis, o), refConcat(xs.map((x) => x.ref), ax), EXACT, c.label);
        });

        it.each([
          { label: 'new axis 0 [5,3]', shape: [5, 3], axis: 0, count: 3 },
          { label: 'new last axis of transposed [4,7]', shape: [4, 7], axis: -1, count: 2, view: true },
          { label: 'rank 0 inputs', shape: [], axis: 0, count: 4 },
          { label: 'middle axis, empty [2,0]', shape: [2, 0], axis: 1, count: 3 },
          { label: 'large transposed [19,23]', shape: [19, 23], axis: 1, count: 3, view: true },
        ])('stack: $label', async (c) => {
          const xs = await Promise.all(Array.from({ length: c.count }, (_, i) => input(c.shape, `${c.label} ${i}`, c.view ? [1, 0] : undefined)));
          const ax = c.axis < 0 ? c.axis + c.shape.length + 1 : c.axis;
          await expectClose(stack(xs.map((x) => x.t), c.axis, o), refStack(xs.map((x) => x.ref), ax), EXACT, c.label);
        });

        it.each([
          { label: 'axis 0 of [13,7], indices [2,3]', shape: [13, 7], axis: 0, indices: [[12, -13, 0], [5, -1, 6]] },
          { label: 'axis 1 of transposed [5,11]', shape: [5, 11], axis: 1, indices: [10, 0, -3, 4, 4], view: true },
          { label: 'last axis of [2,3,17], rank-0 indices', shape: [2, 3, 17], axis: 2, indices: -2 },
          { label: 'empty indices', shape: [4, 3], axis: 0, indices: [] },
          { label: 'large transposed [40,30], 37 indices', shape: [40, 30], axis: 0, indices: Array.from({ length: 37 }, (_, i) => ((i * 7) % 80) - 40), view: true },
        ])('gather: $label', async (c) => {
          const x = await input(c.shape, c.label, c.view ? [1, 0] : undefined);
          const idx = typeof c.indices === 'number' ? tensor(c.indices, undefined, { dtype: 'int32' }) : ints(c.indices);
          const ref = { data: Float64Array.from(await idx.data()), shape: [...idx.shape] } as Ref;
          await expectClose(gather(x.t, await put(idx), c.axis, o), refGather(x.ref, ref, c.axis), EXACT, c.label);
        });

        it('broadcastTo, squeeze, expandDims and at are views (stride 0 for broadcasting) that copies read right', async () => {
          const x = await input([3, 1], 'views', undefined);
          const before = memory();
          const b = broadcastTo(x.t, [2, 3, 5]);
          const e = expandDims(x.t, [0, -1]);
          const s = squeeze(e);
          const a = at(b, 1, -1);
          expect(memory().cpu.buffers).toBe(before.cpu.buffers);
          expect(memory().webgpu.buffers).toBe(before.webgpu.buffers);
          expect([...b.strides]).toEqual([0, x.t.strides[0], 0]);
          expect([...e.shape]).toEqual([1, 3, 1, 1]);
          expect([...s.shape]).toEqual([3]);
          await expectClose(b, refBroadcastTo(x.ref, [2, 3, 5]), EXACT, 'broadcastTo');
          await expectClose(a, { data: Float64Array.from({ length: 5 }, () => x.ref.data[2]!), shape: [5] }, EXACT, 'at');
          // A copy op reads the stride-0 view through its strides.
          await expectClose(concat([b, b], 0, o), refConcat([refBroadcastTo(x.ref, [2, 3, 5]), refBroadcastTo(x.ref, [2, 3, 5])], 0), EXACT, 'concat of broadcasts');
          await expectClose(pad(b, 1, { mode: 'edge', ...o }), refPad(refBroadcastTo(x.ref, [2, 3, 5]), [[1, 1], [1, 1], [1, 1]], 'edge'), EXACT, 'pad of a broadcast');
        });

        it('views and copies of pending inputs (a GPU result, or a pool result in the pool run)', async () => {
          const x = await input([33, 65], 'pending', undefined);
          const negRef = { data: x.ref.data.map((v) => -v), shape: x.ref.shape };
          const cases: [string, () => Tensor, Ref][] = [
            ['slice view', () => slice(neg(x.t), [3, 5], [30, null], [3, 2]), refSlice(negRef, [3, 5], [30, null], [3, 2])],
            ['slice copy', () => slice(neg(x.t), [null], [null], [-4], o), refSlice(negRef, [null], [null], [-4])],
            ['at', () => at(neg(x.t), 7), { data: negRef.data.slice(7 * 65, 8 * 65), shape: [65] }],
            ['split', () => split(neg(x.t), [10, 20], 1)[1]!, refSlice(negRef, [null, 10], [null, 20], [1, 1])],
            ['expandDims', () => expandDims(neg(x.t), 1), { data: negRef.data, shape: [33, 1, 65] }],
            ['broadcastTo', () => broadcastTo(neg(x.t), [2, 33, 65]), refBroadcastTo(negRef, [2, 33, 65])],
            ['flip', () => flip(neg(x.t), 0, o), refFlip(negRef, [0])],
            ['pad', () => pad(neg(x.t), [[1, 2], [3, 4]], { mode: 'reflect', ...o }), refPad(negRef, [[1, 2], [3, 4]], 'reflect')],
            ['tile', () => tile(neg(x.t), [2, 1], o), refTile(negRef, [2, 1])],
            ['concat', () => concat([neg(x.t), x.t], 0, o), refConcat([negRef, x.ref], 0)],
            ['stack', () => stack([neg(x.t), x.t], 1, o), refStack([negRef, x.ref], 1)],
            ['gather', () => gather(neg(x.t), ints([3, -1]), 1, o), refGather(negRef, { data: Float64Array.of(3, -1), shape: [2] }, 1)],
          ];
          for (const [label, run, ref] of cases) {
            await expectClose(run(), ref, EXACT, `${label} of a pending input`);
          }
        });
      });
    }

    it('gather: an index out of range is a typed error on this backend (CPU or GPU indices)', async () => {
      const x = await put(arange(12).reshape([3, 4]));
      await expect(settled(() => gather(x, ints([0, 4]), 1, o))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('indices[1] is 4, outside [-4, 4)') });
      await expect(settled(() => gather(x, ints([-4, -5]), 1, o))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      const onDevice = await put(ints([[1], [3]]));
      await expect(settled(() => gather(x, onDevice, 0, o))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('indices[1,0] is 3, outside [-3, 3)') });
    });

    it('high ranks: rank 32 (the limit, src/limits.ts) on CPU backends, rank 33 refused, rank 9 on webgpu is UNSUPPORTED_OP', async () => {
      const shape = [...new Array<number>(9).fill(2), ...new Array<number>(23).fill(1)];
      const base = await seeded(shape, seedOf('rank 32'), 'float32');
      expect(() => base.t.reshape([...shape, 1])).toThrow(/33 dimensions, more than the limit of 32/);
      const x = await put(base.t);
      if (gpu) {
        await expect(settled(() => flip(x, 0, o))).rejects.toMatchObject({ code: 'UNSUPPORTED_OP' });
        await expect(settled(() => concat([x, x], 0, o))).rejects.toMatchObject({ code: 'UNSUPPORTED_OP' });
        await expect(settled(() => gather(x, ints([1, 0]), 3, o))).rejects.toMatchObject({ code: 'UNSUPPORTED_OP' });
        return;
      }
      await expectClose(flip(x, [0, 8], o), refFlip(base.ref, [0, 8]), EXACT, 'flip rank 32');
      await expectClose(concat([x, x], 2, o), refConcat([base.ref, base.ref], 2), EXACT, 'concat rank 32');
      await expectClose(gather(x, ints([1, 0, 1]), 3, o), refGather(base.ref, { data: Float64Array.of(1, 0, 1), shape: [3] }, 3), EXACT, 'gather rank 32');
    });

    it('leaves no buffer behind: copies and views disposed, memory() is back where it was', async () => {
      const x = await put(arange(0, 600, 1, { dtype: 'float32' }).reshape([20, 30]));
      const idx = await put(ints([3, -1, 7]));
      await x.data();
      const before = memory();
      for (let i = 0; i < 3; i++) {
        const outs = [
          flip(x, 1, o), pad(x, 2, { mode: 'reflect', ...o }), tile(x, [2, 1], o), concat([x, x], 1, o), stack([x, x], 0, o),
          gather(x, idx, 1, o), slice(x, [null], [null], [-2], o), slice(x, [1], [5]), broadcastTo(x, [2, 20, 30]),
        ];
        for (const t of outs) await t.data();
        for (const t of outs) t.dispose();
      }
      expect(memory().cpu.buffers).toBe(before.cpu.buffers);
      expect(memory().webgpu.buffers).toBe(before.webgpu.buffers);
      expect(memory().webgpu.tensors).toBe(before.webgpu.tensors);
    });

    it('a view shares its storage: a write through the input shows in the view (CPU)', async () => {
      if (gpu) return;
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const views = [slice(x, [1], [2]), at(x, 1), split(x, 2, 0)[1]!, squeeze(expandDims(x, 0)), broadcastTo(x, [2, 2, 3])];
      x.storage[3] = 40;
      expect((await views[0]!.data())[0]).toBe(40);
      expect((await views[1]!.data())[0]).toBe(40);
      expect((await views[2]!.data())[0]).toBe(40);
      expect((await views[3]!.data())[3]).toBe(40);
      expect((await views[4]!.data())[9]).toBe(40);
    });

    it('pad keeps NaN and ±Infinity as constants (floats) and bit-exact values', async () => {
      const dtype = dtypesFor(bk, ['float64', 'float32'] as DType[])[0]!;
      const x = await put(tensor([-0, Infinity, NaN], undefined, { dtype }));
      const got = await pad(x, [1, 2], { value: NaN, ...o }).data();
      expect([...got]).toEqual([NaN, -0, Infinity, NaN, NaN, NaN]);
      expect(Object.is(got[1], -0)).toBe(true);
    });
  });
}
