/**
 * The unary functions, the binary ops and comparisons against the reference, with numpy
 * broadcasting and strided views, on every available backend. float32 and float64 everywhere;
 * int32 where defined (wrapping at 32 bits, checked exactly).
 *
 * Tolerances (|got − ref| ≤ atol + rtol·|ref|):
 * - int32 and the exact ops (abs, neg, sign, square of floats, relu, clip, leakyRelu, maximum,
 *   minimum, comparisons): one rounding, tol(dtype, 1).
 * - CPU transcendentals: tol(dtype, 1) (rtol 20 unit roundoffs, ~2e-15 in float64 and 1.2e-6 in
 *   float32), ×8 for erf and gelu (the reference's quadrature is good to ~1e-15) and ×4 for pow.
 * - webgpu float32: WGSL guarantees exp to 3 + 2|x| ulp, log to 3 ulp (absolute 2^-21 in
 *   [0.5, 2]), inverseSqrt to 2 ulp and sin/cos only to 2^-11 absolute in [−π, π], so unary.wgsl
 *   computes log near 1, log1p, expm1, tanh, sin, cos, erf and gelu by its own series and range
 *   reductions (measured on SwiftShader: ≤ 1.5e-6 relative for every function); the tests allow
 *   rtol 1e-5 and atol 1e-6 for the transcendentals and atol 1.6e-4 for mod of |a| ≲ 40
 *   (computed as a − b·trunc(a/b) in f32).
 */
import { describe, expect, it } from 'vitest';
import * as L from '../../src/index.js';
import { DTypeError, InvalidArgumentError, tensor, type DType, type Tensor } from '../../src/index.js';
import { settled } from '../util/settled.js';
import { refBinary, refUnary, type BinaryFn, type UnaryFn } from '../reference/elementwise.js';
import { expectClose, fromRef, seeded, seededView, seedOf, tol, type DataOptions, type Tol } from '../util/close.js';
import { backendMatrix, dtypesFor } from '../util/backends.js';
import { BINARY_CASES, UNARY_SHAPES } from './cases.js';

type Opts = { backend: 'js' | 'native' | 'wasm' | 'webgpu' };
type Un = (x: Tensor, o: Opts & Record<string, unknown>) => Tensor;
type Bin = (a: Tensor, b: Tensor, o: Opts) => Tensor;

const ALL: DType[] = ['float32', 'float64', 'int32'];
const FLOATS: DType[] = ['float32', 'float64'];

/** Each unary function: its dtypes, its inputs' distribution, its scalar options. */
const UNARY: Record<UnaryFn, { dtypes: DType[]; data?: DataOptions; scalars?: Record<string, number>; transcendental?: boolean }> = {
  relu: { dtypes: ALL },
  sigmoid: { dtypes: FLOATS, data: { scale: 12 }, transcendental: true },
  exp: { dtypes: FLOATS, data: { scale: 5 }, transcendental: true },
  log: { dtypes: FLOATS, data: { shift: 3 }, transcendental: true },
  log1p: { dtypes: FLOATS, data: { scale: 0.5 }, transcendental: true },
  expm1: { dtypes: FLOATS, data: { scale: 0.5 }, transcendental: true },
  sqrt: { dtypes: FLOATS, data: { shift: 3 }, transcendental: true },
  rsqrt: { dtypes: FLOATS, data: { shift: 3 }, transcendental: true },
  abs: { dtypes: ALL },
  neg: { dtypes: ALL },
  sign: { dtypes: ALL },
  square: { dtypes: ALL },
  tanh: { dtypes: FLOATS, data: { scale: 3 }, transcendental: true },
  sin: { dtypes: FLOATS, data: { scale: 4 }, transcendental: true },
  cos: { dtypes: FLOATS, data: { scale: 4 }, transcendental: true },
  erf: { dtypes: FLOATS, data: { scale: 2 }, transcendental: true },
  gelu: { dtypes: FLOATS, data: { scale: 3 }, transcendental: true },
  softplus: { dtypes: FLOATS, data: { scale: 10 }, transcendental: true },
  leakyRelu: { dtypes: FLOATS, scalars: { alpha: 0.3 } },
  clip: { dtypes: ALL, scalars: { min: -0.5, max: 0.75 } },
};
const INT_CLIP = { min: -500, max: 700 };

const BINARY: Record<BinaryFn, { dtypes: DType[]; a?: DataOptions; b?: DataOptions }> = {
  add: { dtypes: ALL },
  sub: { dtypes: ALL },
  mul: { dtypes: ALL },
  div: { dtypes: FLOATS },
  pow: { dtypes: FLOATS, a: { scale: 0.5, shift: 2 }, b: { scale: 2 } },
  maximum: { dtypes: ALL },
  minimum: { dtypes: ALL },
  mod: { dtypes: ALL, a: { scale: 10 }, b: { scale: 3 } },
  equal: { dtypes: ALL },
  notEqual: { dtypes: ALL },
  less: { dtypes: ALL },
  lessEqual: { dtypes: ALL },
  greater: { dtypes: ALL },
  greaterEqual: { dtypes: ALL },
};
const COMPARISONS: BinaryFn[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];

const UNARY_OPS: Record<UnaryFn, Un> = {
  relu: L.relu, sigmoid: L.sigmoid, exp: L.exp, log: L.log, log1p: L.log1p, expm1: L.expm1, sqrt: L.sqrt, rsqrt: L.rsqrt,
  abs: L.abs, neg: L.neg, sign: L.sign, square: L.square, tanh: L.tanh, sin: L.sin, cos: L.cos, erf: L.erf, gelu: L.gelu,
  softplus: L.softplus, leakyRelu: L.leakyRelu, clip: L.clip,
};
const BINARY_OPS: Record<BinaryFn, Bin> = {
  add: L.add, sub: L.sub, mul: L.mul, div: L.div, pow: L.pow, maximum: L.maximum, minimum: L.minimum, mod: L.mod,
  equal: L.equal, notEqual: L.notEqual, less: L.less, lessEqual: L.lessEqual, greater: L.greater, greaterEqual: L.greaterEqual,
};
const fnOf = (name: UnaryFn): Un => UNARY_OPS[name];
const binOf = (name: BinaryFn): Bin => BINARY_OPS[name];

function unaryTol(fn: UnaryFn, dtype: DType, backend: string): Tol {
  if (dtype === 'int32') return tol('int32');
  if (backend === 'webgpu' && UNARY[fn].transcendental) {
    return { atol: 1e-6, rtol: 1e-5 };
  }
  return tol(dtype, 1, fn === 'erf' || fn === 'gelu' ? 8 : 1);
}

function binaryTol(fn: BinaryFn, dtype: DType, backend: string): Tol {
  if (dtype === 'int32' || COMPARISONS.includes(fn)) return tol('int32');
  if (backend === 'webgpu' && fn === 'pow') return { atol: 1e-6, rtol: 1e-5 };
  if (backend === 'webgpu' && fn === 'mod') return { atol: 4e-6 * 40, rtol: 1e-6 };
  return tol(dtype, 1, fn === 'pow' ? 4 : 1);
}

async function input(shape: number[], perm: number[] | undefined, seed: number, dtype: DType, o: DataOptions = {}) {
  return perm ? seededView(shape, perm, seed, dtype, o) : seeded(shape, seed, dtype, o);
}

/** Small integers as floats (comparisons see ties, mod sees exact multiples). */
async function rounded(shape: number[], seed: number, dtype: DType, scale = 2) {
  const base = await seeded(shape, seed, 'float64', { scale });
  return fromRef({ data: base.ref.data.map(Math.round), shape: [...shape] }, dtype);
}

for (const b of await backendMatrix()) {
  const o = { backend: b.name };
  describe.skipIf(!b.available || !b.ops.includes('unary'))(`unary [${b.name}]`, () => {
    for (const fn of Object.keys(UNARY) as UnaryFn[]) {
      const spec = UNARY[fn];
      for (const dtype of dtypesFor(b, spec.dtypes)) {
        describe(`${fn} ${dtype}`, () => {
          it.each(UNARY_SHAPES)('$label', async (c) => {
            const seed = seedOf(`${fn} ${c.label} ${dtype}`);
            const x = await input(c.shape, c.view, seed, dtype, dtype === 'int32' ? {} : spec.data);
            const scalars = fn === 'clip' && dtype === 'int32' ? INT_CLIP : (spec.scalars ?? {});
            const got = await fnOf(fn)(x.t, { ...o, ...scalars });
            expect(got.dtype).toBe(dtype);
            await expectClose(got, refUnary(fn, x.ref, scalars, dtype === 'int32'), unaryTol(fn, dtype, b.name),
              { op: fn, backend: b.name, dtype, case: c.label, seed });
          });
        });
      }
    }

    it('special values: NaN, ±Infinity, ±0, poles and large arguments', async () => {
      const v = [NaN, Infinity, -Infinity, 0, -0, -1, 1, 1e-30, -1e-30, 100, -100, 1000, -1000, 88, -88, 1e-7, -1e-7];
      for (const dtype of dtypesFor(b, FLOATS)) {
        const x = tensor(Float64Array.from(v), undefined, { dtype });
        const xs = Float64Array.from(await x.data());
        for (const fn of Object.keys(UNARY) as UnaryFn[]) {
          const t = unaryTol(fn, dtype, b.name);
          const ref = refUnary(fn, { data: xs, shape: [v.length] }, UNARY[fn].scalars ?? {});
          // float32 results overflow to ±Infinity where the float64 reference does not.
          if (dtype === 'float32') ref.data = Float64Array.from(Float32Array.from(ref.data));
          await expectClose(await fnOf(fn)(x, { ...o, ...(UNARY[fn].scalars ?? {}) }), ref,
            t, `${fn} special values ${dtype}`);
        }
      }
    });

    it('int32 abs, neg and square wrap at 32 bits; clip keeps int32', async () => {
      const i32 = (v: number[]) => tensor(v, undefined, { dtype: 'int32' });
      expect(await (await L.abs(i32([-2147483648, -5, 7]), o)).array()).toEqual([-2147483648, 5, 7]);
      expect(await (await L.neg(i32([-2147483648, 2147483647, 0]), o)).array()).toEqual([-2147483648, -2147483647, 0]);
      // 46341² = 2147488281 ≡ −2147479015 (mod 2^32); 65536² ≡ 0
      expect(await (await L.square(i32([46341, 65536, -3]), o)).array()).toEqual([-2147479015, 0, 9]);
      expect(await (await L.sign(i32([-9, 0, 4]), o)).array()).toEqual([-1, 0, 1]);
      const c = await L.clip(i32([-2147483648, -3, 0, 3, 2147483647]), { ...o, min: -2, max: 2 });
      expect(c.dtype).toBe('int32');
      expect(await c.array()).toEqual([-2, -2, 0, 2, 2]);
      expect(await (await L.clip(i32([-7, 7]), { ...o, max: 1 })).array()).toEqual([-7, 1]);
    });

    it('gelu is the exact (erf) form, matching scipy', async () => {
      // x·Φ(x) from scipy.stats.norm.cdf; the tanh approximation would give 0.8411920 at x = 1.
      const x = [-5, -1, -0.5, 0.5, 1, 3];
      const want = [-1.4332578593959663e-6, -0.15865525393145707, -0.15426876936299344, 0.34573123063700656, 0.8413447460685429, 2.99595030590511];
      for (const dtype of dtypesFor(b, FLOATS)) {
        const t = dtype === 'float64' ? tol('float64', 1, 8) : b.name === 'webgpu' ? { atol: 1e-6, rtol: 1e-5 } : tol('float32', 1);
        await expectClose(await L.gelu(tensor(x, undefined, { dtype }), o), { data: want, shape: [6] }, t, `gelu vs scipy ${dtype}`);
        // scipy.special.erf
        await expectClose(await L.erf(tensor([0.3, -1, 2], undefined, { dtype }), o),
          { data: [0.3286267594591274, -0.8427007929497148, 0.9953222650189527], shape: [3] }, t, `erf vs scipy ${dtype}`);
      }
    });

    it('float-only functions reject int32; bad scalars are rejected', async () => {
      const i = tensor([1, 2], undefined, { dtype: 'int32' });
      for (const fn of ['sigmoid', 'exp', 'log', 'sqrt', 'erf', 'gelu', 'tanh', 'leakyRelu'] as const) {
        await expect(settled(() => fnOf(fn)(i, o))).rejects.toThrow(DTypeError);
      }
      const f = tensor([1, 2]);
      await expect(settled(() => L.clip(f, { ...o, min: 2, max: 1 }))).rejects.toThrow(InvalidArgumentError);
      await expect(settled(() => L.clip(f, { ...o, min: NaN }))).rejects.toThrow(InvalidArgumentError);
      await expect(settled(() => L.clip(i, { ...o, min: 0.5 }))).rejects.toThrow(InvalidArgumentError);
      await expect(settled(() => L.leakyRelu(f, { ...o, alpha: Infinity }))).rejects.toThrow(InvalidArgumentError);
    });
  });

  describe.skipIf(!b.available || !b.ops.includes('binary'))(`binary [${b.name}]`, () => {
    for (const fn of Object.keys(BINARY) as BinaryFn[]) {
      const spec = BINARY[fn];
      for (const dtype of dtypesFor(b, spec.dtypes)) {
        describe(`${fn} ${dtype}`, () => {
          it.each(BINARY_CASES)('$label', async (c) => {
            const seed = seedOf(`${fn} ${c.label} ${dtype}`);
            const int = dtype === 'int32';
            const a = await input(c.a, c.aView, seed, dtype, int ? {} : spec.a);
            const w = await input(c.b, c.bView, seed + 1, dtype, int ? (fn === 'mod' ? { scale: 30 } : {}) : spec.b);
            const got = await binOf(fn)(a.t, w.t, o);
            expect(got.dtype).toBe(COMPARISONS.includes(fn) ? 'int32' : dtype);
            await expectClose(got, refBinary(fn, a.ref, w.ref, int), binaryTol(fn, dtype, b.name), { op: fn, backend: b.name, dtype, case: c.label, seed });
          });
        });
      }
    }

    for (const dtype of dtypesFor(b, ALL)) {
      it(`comparisons, maximum, minimum and mod with ties and exact multiples (${dtype})`, async () => {
        const seed = seedOf(`ties ${dtype}`);
        const a = await rounded([9, 11], seed, dtype, 3);
        const w = await rounded([11], seed + 1, dtype, 2);
        for (const fn of [...COMPARISONS, 'maximum', 'minimum', 'mod'] as BinaryFn[]) {
          await expectClose(await binOf(fn)(a.t, w.t, o), refBinary(fn, a.ref, w.ref, dtype === 'int32'), binaryTol(fn, dtype, b.name), `${fn} ties ${dtype}`);
        }
      });
    }

    it("mod follows numpy's sign convention; int32 mod 0 is 0", async () => {
      // numpy: np.mod([-7, 7, -7, 7, 6, -6], [3, -3, -3, 3, 3, -3]) = [2, -2, -1, 1, 0, 0]
      for (const dtype of dtypesFor(b, ALL)) {
        const a = tensor([-7, 7, -7, 7, 6, -6], undefined, { dtype });
        const m = tensor([3, -3, -3, 3, 3, -3], undefined, { dtype });
        // numpy gives −0.0 for the float np.mod(-6., -3.) (the divisor's sign) and 0 for int32.
        expect(await (await L.mod(a, m, o)).array()).toEqual([2, -2, -1, 1, 0, dtype === 'int32' ? 0 : -0]);
      }
      const i32 = (v: number[]) => tensor(v, undefined, { dtype: 'int32' });
      expect(await (await L.mod(i32([5, -5, -2147483648, -2147483648]), i32([0, 0, -1, 3]), o)).array()).toEqual([0, 0, 0, 1]);
      for (const dtype of dtypesFor(b, FLOATS)) {
        // numpy: np.mod(5., 0.) = nan, np.mod(-0.5, 2.) = 1.5, np.mod(5, inf) = 5, np.mod(-5, inf) = inf
        const got = await (await L.mod(tensor([5, -0.5, 5, -5, NaN], undefined, { dtype }), tensor([0, 2, Infinity, Infinity, 1], undefined, { dtype }), o)).data();
        expect([...got]).toEqual([NaN, 1.5, 5, Infinity, NaN]);
      }
    });

    it('pow: C special cases and negative bases with integer exponents', async () => {
      for (const dtype of dtypesFor(b, FLOATS)) {
        const x = tensor([-2, -2, -8, 1, NaN, 0, 0, -1, 2, 4], undefined, { dtype });
        const y = tensor([3, -2, 1 / 3, NaN, 0, -1, 2, Infinity, 10, 0.5], undefined, { dtype });
        const ref = { data: [-8, 0.25, NaN, 1, 1, Infinity, 0, 1, 1024, 2], shape: [10] };
        await expectClose(await L.pow(x, y, o), ref, binaryTol('pow', dtype, b.name), `pow specials ${dtype}`);
      }
    });

    it('maximum and minimum propagate NaN; comparisons with NaN are false except notEqual', async () => {
      for (const dtype of dtypesFor(b, FLOATS)) {
        const a = tensor([NaN, 1, NaN, -Infinity], undefined, { dtype });
        const w = tensor([1, NaN, NaN, Infinity], undefined, { dtype });
        expect([...(await (await L.maximum(a, w, o)).data())]).toEqual([NaN, NaN, NaN, Infinity]);
        expect([...(await (await L.minimum(a, w, o)).data())]).toEqual([NaN, NaN, NaN, -Infinity]);
        expect(await (await L.equal(a, w, o)).array()).toEqual([0, 0, 0, 0]);
        expect(await (await L.notEqual(a, w, o)).array()).toEqual([1, 1, 1, 1]);
        expect(await (await L.lessEqual(a, w, o)).array()).toEqual([0, 0, 0, 1]);
        expect(await (await L.greaterEqual(a, w, o)).array()).toEqual([0, 0, 0, 0]);
      }
    });

    for (const fn of ['add', 'sub', 'mul'] as const) {
      it(`${fn} int32 wraps around at 32 bits`, async () => {
        const seed = seedOf(`${fn} wrap`);
        const a = await seeded([9, 11], seed, 'int32', { scale: 2 ** 30 });
        const w = await seeded([11], seed + 1, 'int32', { scale: 2 ** 30 });
        const got = await binOf(fn)(a.t, w.t, o);
        await expectClose(got, refBinary(fn, a.ref, w.ref, true), tol('int32'), `${fn} int32 wraparound, seed ${seed}`);
      });
    }

    it('hand-checked int32 wraparound', async () => {
      const i32 = (v: number[]) => tensor(v, undefined, { dtype: 'int32' });
      expect(await (await L.add(i32([2147483647, -2147483648]), i32([1, -1]), o)).array()).toEqual([-2147483648, 2147483647]);
      expect(await (await L.sub(i32([-2147483648]), i32([1]), o)).array()).toEqual([2147483647]);
      expect(await (await L.mul(i32([65536, 46341, 2147483647]), i32([65536, 46341, 3]), o)).array()).toEqual([0, -2147479015, 2147483645]);
    });

    it('div follows IEEE: x/0 is ±Infinity, 0/0 is NaN', async () => {
      for (const dtype of dtypesFor(b, FLOATS)) {
        const a = tensor([1, -2, 0, 3], undefined, { dtype });
        const z = tensor([0, 0, 0, -0.5], undefined, { dtype });
        await expectClose(await L.div(a, z, o), { data: Float64Array.from([Infinity, -Infinity, NaN, -6]), shape: [4] }, tol(dtype, 1), `div by zero ${dtype}`);
      }
    });

    it('div and pow reject int32, and mixed dtypes are rejected', async () => {
      const i = tensor([1, 2], undefined, { dtype: 'int32' });
      await expect(settled(() => L.div(i, i, o))).rejects.toThrow(DTypeError);
      await expect(settled(() => L.pow(i, i, o))).rejects.toThrow(DTypeError);
      await expect(settled(() => L.add(i, tensor([1, 2]), o))).rejects.toThrow(DTypeError);
      await expect(settled(() => L.less(i, tensor([1, 2]), o))).rejects.toThrow(DTypeError);
    });
  });
}
