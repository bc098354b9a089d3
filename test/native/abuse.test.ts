/**
 * The raw addon trusts nothing: every entry point is called with wrong types, short buffers,
 * negative, huge, fractional and NaN dimensions, and strides or offsets that reach past the
 * buffer. Each call must throw a TypeError or RangeError (synchronously, for the sync and the
 * async entry alike) and the process must live on. Skips, saying why, when the addon is not built;
 * under CI=true a missing addon fails instead.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodersOf, flatCaller } from '../../src/backends/native/flat.js';
import { loadAddon, type AddonArgs, type NativeAddon, type NativeEntry } from '../../src/backends/native/load.js';

const loaded = loadAddon();
const ci = process.env['CI'] === 'true' || process.env['CI'] === '1';
if (!loaded.ok) console.log(`test/native/abuse.test.ts: skipped: ${loaded.reason}`);

const f32 = (n: number) => new Float32Array(n);
const f64 = (n: number) => new Float64Array(n);
const i32 = (n: number) => new Int32Array(n);

/** A valid argument object per entry point; each case below breaks one property of it. */
const VALID: Record<string, () => AddonArgs> = {
  matmul: () => ({
    a: f32(6), aOffset: 0, aStrides: [3, 1], b: f32(12), bOffset: 0, bStrides: [4, 1], out: f32(8),
    batchShape: [], m: 2, n: 4, k: 3, activation: 'none', rowBegin: 0, rowEnd: 2,
  }),
  conv2d: () => ({
    x: f32(2 * 3 * 5 * 5), w: f32(4 * 3 * 3 * 3), out: f32(2 * 4 * 3 * 3), layout: 'NCHW', batch: 2, inC: 3, inH: 5, inW: 5,
    outC: 4, outH: 3, outW: 3, kh: 3, kw: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0,
    groups: 1, activation: 'relu', rowBegin: 0, rowEnd: 6,
  }),
  pool2d: () => ({
    x: f64(1 * 2 * 4 * 4), out: f64(1 * 2 * 2 * 2), kind: 'max', layout: 'NCHW', batch: 1, channels: 2, inH: 4, inW: 4,
    outH: 2, outW: 2, kh: 2, kw: 2, strideH: 2, strideW: 2, padTop: 0, padLeft: 0, rowBegin: 0, rowEnd: 2,
  }),
  unary: () => ({ x: f32(10), out: f32(10), fn: 'relu', begin: 0, end: 10 }),
  binary: () => ({
    a: f64(12), aOffset: 0, aStrides: [4, 1], b: f64(4), bOffset: 0, bStrides: [0, 1], out: f64(12), shape: [3, 4],
    fn: 'add', begin: 0, end: 12,
  }),
  reduce: () => ({ x: f32(12), out: f32(3), fn: 'sum', shape: [3, 4], outStrides: [1, 0], count: 4 }),
  cholesky: () => ({ s: f64(9).fill(0).map((_, i) => (i % 4 === 0 ? 2 : 0)), out: f64(9), n: 3, info: f64(3) }),
  solveSPD: () => ({ s: Float64Array.from([2, 0, 0, 2]), b: f64(6), out: f64(6), n: 2, nrhs: 3, info: f64(3) }),
  ridge: () => ({ a: f32(12), y: f32(6), out: f32(8), m: 3, n: 4, signals: 2, lambda: 0.5, form: 'dual', info: f64(3) }),
  where: () => ({
    cond: i32(4), condOffset: 0, condStrides: [0, 1], a: f32(12), aOffset: 0, aStrides: [4, 1], b: f32(1), bOffset: 0,
    bStrides: [0, 0], out: f32(12), shape: [3, 4],
  }),
  softmax: () => ({ x: f64(24), out: f64(24), fn: 'softmax', outer: 2, n: 3, inner: 4 }),
  batchNorm: () => ({ x: f32(24), mean: f32(3), variance: f32(3), out: f32(24), outer: 2, channels: 3, inner: 4, epsilon: 1e-5 }),
  layerNorm: () => ({ x: f32(12), gamma: f32(4), out: f32(12), outer: 3, n: 4, epsilon: 1e-5 }),
  remap: () => ({
    x: f32(12), xOffset: 0, xStrides: [4, 1], inShape: [3, 4], outShape: [5, 4], start: [-1, 3], step: [1, -1], mode: 'reflect',
    value: f64(1), out: f32(20),
  }),
  concat: () => ({ x: f64(6), xOffset: 0, xStrides: [1, 2], xShape: [2, 3], outShape: [2, 5], axis: 1, at: 2, out: f64(10) }),
  gather: () => ({ x: i32(12), xOffset: 0, xStrides: [4, 1], xShape: [3, 4], axis: 1, indices: Int32Array.of(3, 0, 1), count: 3, out: i32(9) }),
  solve: () => ({ a: Float64Array.from([2, 0, 0, 2]), b: f64(6), out: f64(6), n: 2, nrhs: 3, info: f64(1) }),
  // lu of 3×2: out = p [3] + l [3·2] + u [2·2] = 13.
  lu: () => ({ a: f32(6).fill(1), out: f32(13), m: 3, n: 2 }),
  // qr of 3×2, complete: q [3·3] + r [3·2] = 15.
  qr: () => ({ a: f64(6).fill(1), out: f64(15), m: 3, n: 2, rows: 3 }),
  // svd of 2×3, full: u [2·2] + s [2] + vt [3·3] = 15.
  svd: () => ({ a: f64(6).fill(1), out: f64(15), m: 2, n: 3, vectors: 'full' }),
  eigh: () => ({ a: Float32Array.from([2, 1, 1, 2]), out: f32(6), n: 2 }),
};

/** The CPU's feature flags from /proc/cpuinfo on Linux x86-64; undefined elsewhere. */
function cpuFlags(): Set<string> | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => /^flags\s*:/.test(l));
  return line === undefined ? undefined : new Set(line.replace(/^[^:]*:/, '').trim().split(/\s+/));
}

/** The same arguments with every typed array copied onto a SharedArrayBuffer (what the async entries take). */
function shared(args: AddonArgs): AddonArgs {
  const out: AddonArgs = {};
  for (const [key, value] of Object.entries(args)) {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const v = value as Float32Array | Float64Array | Int32Array;
      const copy = new (v.constructor as new (b: SharedArrayBuffer) => typeof v)(new SharedArrayBuffer(v.byteLength));
      copy.set(v);
      out[key] = copy;
    } else {
      out[key] = value;
    }
  }
  return out;
}

type Case = [label: string, patch: AddonArgs, error: 'TypeError' | 'RangeError'];

const HUGE = 2 ** 60;
const CASES: Record<string, Case[]> = {
  matmul: [
    ['a is a plain array', { a: [1, 2, 3, 4, 5, 6] }, 'TypeError'],
    ['a is a Float64Array while out is a Float32Array', { a: f64(6) }, 'TypeError'],
    ['a is an Int32Array', { a: i32(6) }, 'TypeError'],
    ['out is an Int32Array', { out: i32(8) }, 'TypeError'],
    ['out is missing', { out: undefined }, 'TypeError'],
    ['a is too short', { a: f32(5) }, 'RangeError'],
    ['b is too short', { b: f32(11) }, 'RangeError'],
    ['out is too short', { out: f32(7) }, 'RangeError'],
    ['aOffset past the end', { aOffset: 1 }, 'RangeError'],
    ['bOffset huge', { bOffset: HUGE }, 'RangeError'],
    ['stride reaching past the end', { aStrides: [4, 1] }, 'RangeError'],
    ['huge stride', { bStrides: [HUGE, 1] }, 'RangeError'],
    ['negative stride', { aStrides: [-3, 1] }, 'RangeError'],
    ['NaN stride', { aStrides: [NaN, 1] }, 'RangeError'],
    ['strides of the wrong rank', { aStrides: [3, 1, 1] }, 'RangeError'],
    ['strides not an array', { aStrides: 3 }, 'TypeError'],
    ['negative m', { m: -1 }, 'RangeError'],
    ['NaN n', { n: NaN }, 'RangeError'],
    ['fractional k', { k: 2.5 }, 'RangeError'],
    ['Infinity m', { m: Infinity }, 'RangeError'],
    ['huge m', { m: HUGE }, 'RangeError'],
    ['m·k overflows 2^53', { m: 2 ** 40, k: 2 ** 40, rowEnd: 0 }, 'RangeError'],
    ['string m', { m: '2' }, 'TypeError'],
    ['bigint m', { m: 2n }, 'TypeError'],
    ['huge batch', { batchShape: [2 ** 30, 2 ** 30], aStrides: [0, 0, 3, 1], bStrides: [0, 0, 4, 1] }, 'RangeError'],
    ['rowEnd past the rows', { rowEnd: 3 }, 'RangeError'],
    ['rowBegin after rowEnd', { rowBegin: 2, rowEnd: 1 }, 'RangeError'],
    ['unknown activation', { activation: 'tanh' }, 'TypeError'],
    ['bias too short', { bias: f32(3), biasOffset: 0, biasStrides: [0, 1] }, 'RangeError'],
    ['bias of another dtype', { bias: f64(4), biasOffset: 0, biasStrides: [0, 1] }, 'TypeError'],
  ],
  conv2d: [
    ['x too short', { x: f32(2 * 3 * 5 * 5 - 1) }, 'RangeError'],
    ['w too short', { w: f32(10) }, 'RangeError'],
    ['out too short', { out: f32(10) }, 'RangeError'],
    ['bias too short', { bias: f32(3) }, 'RangeError'],
    ['x of another dtype', { x: f64(150) }, 'TypeError'],
    ['zero stride', { strideH: 0 }, 'RangeError'],
    ['negative padding', { padTop: -1 }, 'RangeError'],
    ['NaN kernel', { kh: NaN }, 'RangeError'],
    ['groups not dividing', { groups: 2 }, 'RangeError'],
    ['huge outH', { outH: HUGE }, 'RangeError'],
    ['huge dilation', { dilationH: 2 ** 52, kh: 3 }, 'RangeError'],
    ['unknown layout', { layout: 'CHWN' }, 'TypeError'],
    ['rowEnd past the rows', { rowEnd: 7 }, 'RangeError'],
  ],
  pool2d: [
    ['x too short', { x: f64(31) }, 'RangeError'],
    ['out too short', { out: f64(7) }, 'RangeError'],
    ['x of another dtype', { x: f32(32) }, 'TypeError'],
    ['unknown kind', { kind: 'min' }, 'TypeError'],
    ['zero kernel', { kh: 0 }, 'RangeError'],
    ['negative channels', { channels: -2 }, 'RangeError'],
    ['huge outW', { outW: HUGE }, 'RangeError'],
  ],
  unary: [
    ['x too short', { x: f32(9) }, 'RangeError'],
    ['out too short', { out: f32(9) }, 'RangeError'],
    ['end negative', { end: -1 }, 'RangeError'],
    ['begin after end', { begin: 5, end: 4 }, 'RangeError'],
    ['sigmoid on int32', { x: i32(10), out: i32(10), fn: 'sigmoid' }, 'TypeError'],
    ['x a DataView', { x: new DataView(new ArrayBuffer(40)) }, 'TypeError'],
    ['unknown fn', { fn: 'cosh' }, 'TypeError'],
    ['exp on int32', { x: i32(10), out: i32(10), fn: 'exp' }, 'TypeError'],
    ['NaN clip bound', { fn: 'clip', min: NaN }, 'RangeError'],
    ['infinite alpha', { fn: 'leakyRelu', alpha: Infinity }, 'RangeError'],
  ],
  binary: [
    ['a too short for its strides', { a: f64(11) }, 'RangeError'],
    ['b broadcast wrongly', { bStrides: [1, 1] }, 'RangeError'],
    ['aOffset past the end', { aOffset: 12 }, 'RangeError'],
    ['out too short', { out: f64(11) }, 'RangeError'],
    ['end past the output', { end: 13 }, 'RangeError'],
    ['shape too long', { shape: new Array(40).fill(1), aStrides: new Array(40).fill(0), bStrides: new Array(40).fill(0) }, 'RangeError'],
    ['NaN in shape', { shape: [3, NaN] }, 'RangeError'],
    ['int32 div', { a: i32(12), b: i32(4), out: i32(12), fn: 'div' }, 'TypeError'],
    ['int32 pow', { a: i32(12), b: i32(4), out: i32(12), fn: 'pow' }, 'TypeError'],
    ['comparison into a Float64Array', { fn: 'less' }, 'TypeError'],
    ['comparison into a short Int32Array', { fn: 'equal', out: i32(11) }, 'RangeError'],
    ['mixed dtypes', { b: f32(4) }, 'TypeError'],
  ],
  reduce: [
    ['x too short', { x: f32(11) }, 'RangeError'],
    ['out too short for outStrides', { out: f32(2) }, 'RangeError'],
    ['float64 out for float32 x', { out: f64(3) }, 'TypeError'],
    ['zero count', { count: 0 }, 'RangeError'],
    ['outStrides of the wrong rank', { outStrides: [1] }, 'RangeError'],
    ['argmax into a Float32Array', { fn: 'argmax' }, 'TypeError'],
    ['sum of float32 into an Int32Array', { out: i32(3) }, 'TypeError'],
    ['ddof not below count', { fn: 'variance', ddof: 4 }, 'RangeError'],
    ['norm of ord 3', { fn: 'norm', ord: 3 }, 'RangeError'],
  ],
  where: [
    ['cond a Float32Array', { cond: f32(4) }, 'TypeError'],
    ['cond too short for its strides', { cond: i32(3) }, 'RangeError'],
    ['a broadcast wrongly', { aStrides: [5, 1] }, 'RangeError'],
    ['b offset past the end', { bOffset: 1 }, 'RangeError'],
    ['out too short', { out: f32(11) }, 'RangeError'],
    ['b of another dtype', { b: f64(1) }, 'TypeError'],
  ],
  softmax: [
    ['x too short', { x: f64(23) }, 'RangeError'],
    ['out too short', { out: f64(23) }, 'RangeError'],
    ['unknown fn', { fn: 'sparsemax' }, 'TypeError'],
    ['huge inner', { inner: HUGE }, 'RangeError'],
    ['int32 x', { x: i32(24), out: i32(24) }, 'TypeError'],
  ],
  batchNorm: [
    ['mean too short', { mean: f32(2) }, 'RangeError'],
    ['scale too short', { scale: f32(2) }, 'RangeError'],
    ['negative epsilon', { epsilon: -1 }, 'RangeError'],
    ['NaN epsilon', { epsilon: NaN }, 'RangeError'],
    ['x too short', { x: f32(23) }, 'RangeError'],
  ],
  layerNorm: [
    ['gamma too short', { gamma: f32(3) }, 'RangeError'],
    ['beta of another dtype', { beta: f64(4) }, 'TypeError'],
    ['zero n', { n: 0 }, 'RangeError'],
    ['out too short', { out: f32(11) }, 'RangeError'],
  ],
  solve: [
    ['a too short', { a: f64(3) }, 'RangeError'],
    ['b too short', { b: f64(5) }, 'RangeError'],
    ['out too short', { out: f64(5) }, 'RangeError'],
    ['b of another dtype', { b: f32(6) }, 'TypeError'],
    ['info missing', { info: undefined }, 'TypeError'],
    ['info empty', { info: f64(0) }, 'RangeError'],
    ['info an Int32Array', { info: i32(1) }, 'TypeError'],
    ['n·n overflows 2^53', { n: 2 ** 30 }, 'RangeError'],
    ['n·nrhs overflows 2^53', { nrhs: 2 ** 52 }, 'RangeError'],
    ['negative nrhs', { nrhs: -1 }, 'RangeError'],
    ['fractional n', { n: 1.5 }, 'RangeError'],
    ['NaN n', { n: NaN }, 'RangeError'],
    ['n a string', { n: '2' }, 'TypeError'],
    ['out an Int32Array', { out: i32(6) }, 'TypeError'],
  ],
  lu: [
    ['a too short', { a: f32(5) }, 'RangeError'],
    ['out one short of p + l + u', { out: f32(12) }, 'RangeError'],
    ['a of another dtype', { a: f64(6) }, 'TypeError'],
    ['m·n overflows 2^53', { m: 2 ** 30, n: 2 ** 30 }, 'RangeError'],
    ['huge m', { m: HUGE }, 'RangeError'],
    ['negative n', { n: -2 }, 'RangeError'],
    ['a a plain array', { a: [1, 2, 3, 4, 5, 6] }, 'TypeError'],
  ],
  qr: [
    ['a too short', { a: f64(5) }, 'RangeError'],
    ['out too short for complete', { out: f64(14) }, 'RangeError'],
    ['out too short for reduced', { rows: 2, out: f64(9) }, 'RangeError'],
    ['rows neither min(m, n) nor m', { rows: 1 }, 'RangeError'],
    ['rows past m', { rows: 4 }, 'RangeError'],
    ['rows missing', { rows: undefined }, 'TypeError'],
    ['a of another dtype', { a: f32(6) }, 'TypeError'],
    ['m·rows overflows 2^53', { m: 2 ** 30, rows: 2 ** 30, n: 2 ** 30 }, 'RangeError'],
  ],
  svd: [
    ['a too short', { a: f64(5) }, 'RangeError'],
    ['out too short for full', { out: f64(14) }, 'RangeError'],
    ['out too short for thin', { vectors: 'thin', out: f64(11) }, 'RangeError'],
    ['out too short for values', { vectors: 'none', out: f64(1) }, 'RangeError'],
    ['unknown vectors', { vectors: 'some' }, 'TypeError'],
    ['vectors a boolean', { vectors: true }, 'TypeError'],
    ['a of another dtype', { a: f32(6) }, 'TypeError'],
    ['huge n', { n: HUGE }, 'RangeError'],
    ['m·n overflows 2^53', { m: 2 ** 27, n: 2 ** 27 }, 'RangeError'],
  ],
  eigh: [
    ['a too short', { a: f32(3) }, 'RangeError'],
    ['out one short of values + vectors', { out: f32(5) }, 'RangeError'],
    ['a of another dtype', { a: f64(4) }, 'TypeError'],
    ['n·n overflows 2^53', { n: 2 ** 27 }, 'RangeError'],
    ['negative n', { n: -1 }, 'RangeError'],
    ['out missing', { out: undefined }, 'TypeError'],
  ],
  cholesky: [
    ['s too short', { s: f64(8) }, 'RangeError'],
    ['out too short', { out: f64(8) }, 'RangeError'],
    ['info too short', { info: f64(2) }, 'RangeError'],
    ['info of another dtype', { info: f32(3) }, 'TypeError'],
    ['n·n overflows 2^53', { n: 2 ** 30 }, 'RangeError'],
    ['negative n', { n: -3 }, 'RangeError'],
  ],
  solveSPD: [
    ['b too short', { b: f64(5) }, 'RangeError'],
    ['nrhs NaN', { nrhs: NaN }, 'RangeError'],
    ['out of another dtype', { out: f32(6) }, 'TypeError'],
  ],
  remap: [
    ['x too short for its strides', { x: f32(11) }, 'RangeError'],
    ['xOffset past the end', { xOffset: 1 }, 'RangeError'],
    ['negative stride', { xStrides: [-4, 1] }, 'RangeError'],
    ['out too short', { out: f32(19) }, 'RangeError'],
    ['outShape of the wrong rank', { outShape: [20] }, 'RangeError'],
    ['huge step', { step: [HUGE, 1] }, 'RangeError'],
    ['start·step overflows 2^53', { start: [2 ** 52, 0], step: [2 ** 52, 1] }, 'RangeError'],
    ['unknown mode', { mode: 'symmetric' }, 'TypeError'],
    ['value a number', { value: 0 }, 'TypeError'],
    ['value empty', { value: f64(0) }, 'RangeError'],
    ['x of another dtype', { x: f64(12) }, 'TypeError'],
  ],
  concat: [
    ['slab past the axis', { at: 3 }, 'RangeError'],
    ['axis past the rank', { axis: 2 }, 'RangeError'],
    ['shapes differ off the axis', { outShape: [3, 5] }, 'RangeError'],
    ['x too short for its strides', { x: f64(5) }, 'RangeError'],
    ['out too short', { out: f64(9) }, 'RangeError'],
    ['rank 0', { xShape: [], outShape: [], xStrides: [] }, 'RangeError'],
  ],
  gather: [
    ['index past the axis', { indices: Int32Array.of(4, 0, 1) }, 'RangeError'],
    ['negative index (the glue takes wrapped ones)', { indices: Int32Array.of(-1, 0, 1) }, 'RangeError'],
    ['indices shorter than count', { count: 4 }, 'RangeError'],
    ['indices a Float64Array', { indices: f64(3) }, 'TypeError'],
    ['out too short', { out: i32(8) }, 'RangeError'],
    ['x too short', { x: i32(11) }, 'RangeError'],
  ],
  ridge: [
    ['a too short', { a: f32(11) }, 'RangeError'],
    ['y too short', { y: f32(5) }, 'RangeError'],
    ['negative lambda', { lambda: -1 }, 'RangeError'],
    ['NaN lambda', { lambda: NaN }, 'RangeError'],
    ['unknown form', { form: 'auto' }, 'TypeError'],
    ['huge signals', { signals: HUGE }, 'RangeError'],
  ],
};

describe.skipIf(!loaded.ok && !ci)('the raw native addon rejects bad arguments', () => {
  it('is built (a missing addon fails under CI)', () => {
    expect(loaded.ok, loaded.ok ? '' : loaded.reason).toBe(true);
  });
  const addon = (loaded.ok ? loaded.addon : undefined) as NativeAddon;
  const ctor = { TypeError, RangeError };

  for (const [entry, cases] of Object.entries(CASES)) {
    describe(entry, () => {
      it('accepts the valid arguments (sync, async and flat), with equal results', async () => {
        const sync = (addon as unknown as Record<string, (a: AddonArgs) => unknown>)[`${entry}Sync`]!;
        const async_ = (addon as unknown as Record<string, (a: AddonArgs) => Promise<void>>)[entry]!;
        const filled = (): AddonArgs => {
          // Inputs with values (so that equal outputs say something); outputs zero.
          const args = VALID[entry]!();
          for (const [key, v] of Object.entries(args)) {
            if ((v instanceof Float32Array || v instanceof Float64Array) && key !== 'out' && key !== 'info' && key !== 's') {
              const a = v as Float32Array;
              for (let i = 0; i < a.length; i++) a[i] = ((i * 7) % 5) - 1.5;
            }
          }
          return args;
        };
        const viaSync = filled();
        expect(sync(viaSync)).toBeUndefined();
        await expect(async_(shared(VALID[entry]!()))).resolves.toBeUndefined();
        const viaFlat = filled();
        expect(flatCaller(addon, entry as NativeEntry)(viaFlat)).toBeUndefined();
        expect([...(viaFlat['out'] as Float32Array)]).toEqual([...(viaSync['out'] as Float32Array)]);
      });
      it('async: refuses arrays a caller could detach or shrink while the kernel runs', () => {
        const async_ = (addon as unknown as Record<string, (a: AddonArgs) => Promise<void>>)[entry]!;
        // Plain ArrayBuffers (transferable) and resizable ones (shrinkable): a TypeError, before any work is queued.
        expect(() => async_(VALID[entry]!())).toThrow(/SharedArrayBuffer/);
        const args = shared(VALID[entry]!());
        const [key, value] = Object.entries(args).find(([, v]) => ArrayBuffer.isView(v))! as [string, Float32Array];
        const resizable = new ArrayBuffer(value.byteLength, { maxByteLength: value.byteLength * 2 });
        const view = new (value.constructor as new (b: ArrayBuffer) => Float32Array)(resizable);
        expect(() => async_({ ...args, [key]: view })).toThrow(TypeError);
      });
      it.each(cases)('%s → %s', async (_label, patch, error) => {
        const args = { ...VALID[entry]!(), ...patch };
        for (const key of Object.keys(patch)) if (patch[key] === undefined) delete args[key];
        const table = addon as unknown as Record<string, (a: AddonArgs) => unknown>;
        expect(() => table[`${entry}Sync`]!(args)).toThrow(ctor[error]);
        // The async entry checks before it queues any work: it throws, it does not reject.
        expect(() => table[entry]!(args)).toThrow(ctor[error]);
        // The flat form (what the library calls) refuses the same arguments: a value of the wrong
        // type reaches it as NaN, so a TypeError of the object form may be its RangeError. (In the
        // flat form NaN is how an optional number says "absent": a NaN clip bound is no bound there.)
        if (Object.values(patch).some((v) => Number.isNaN(v))) return;
        expect(() => flatCaller(addon, entry as NativeEntry)(args)).toThrow(error === 'RangeError' ? RangeError : /./);
        let thrown: unknown;
        try {
          flatCaller(addon, entry as NativeEntry)(args);
        } catch (e) {
          thrown = e;
        }
        expect(thrown instanceof TypeError || thrown instanceof RangeError).toBe(true);
      });
    });
  }

  it('the unrolled encoder (what the library calls) writes the numbers the loop encoder writes, for every valid and broken call', () => {
    const layouts = addon.flatLayouts!();
    let compared = 0;
    for (const [entry, cases] of Object.entries(CASES)) {
      const { loop, unrolled } = encodersOf(layouts[entry as NativeEntry]!);
      expect(unrolled, 'code generation is allowed here').toBeDefined();
      const layout = layouts[entry as NativeEntry]!;
      // CASES' broken calls, and every field of the layout given each kind of wrong value.
      const odd: unknown[] = [null, 'x', 5, -0, NaN, [1, 'a'], {}, true];
      const patches: AddonArgs[] = [...cases.map(([, patch]) => patch), ...layout.fields.flatMap((f) => odd.map((v) => ({ [f.name]: v } as AddonArgs)))];
      const calls = [VALID[entry]!(), ...patches.map((patch) => {
        const args = { ...VALID[entry]!(), ...patch };
        for (const key of Object.keys(patch)) if (patch[key] === undefined) delete args[key];
        return args;
      })];
      for (const [index, args] of calls.entries()) {
        // Both write into one reused buffer: clear it before each, so a field one skips shows.
        const run = (encode: (a: AddonArgs) => Float64Array): number[] | string => {
          try {
            encode(args).fill(-7777);
            return Array.from(encode(args));
          } catch (e) {
            return (e as Error).constructor.name;
          }
        };
        const a = run(loop);
        const b = run(unrolled!);
        if (typeof a === 'string' || typeof b === 'string') {
          expect(b, `${entry}, call ${index}: both throw alike`).toBe(a);
          continue;
        }
        expect(b.length).toBe(a.length);
        expect(b.every((v, i) => Object.is(v, a[i])), `${entry}, call ${index} (0: valid, then CASES' order)`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('the flat form refuses a bad meta array, bad list lengths and choices, and missing arrays', () => {
    const table = addon as unknown as Record<string, (...a: unknown[]) => unknown>;
    const layouts = addon.flatLayouts!();
    for (const entry of Object.keys(CASES)) {
      const flat = table[`${entry}Flat`]!;
      const layout = layouts[entry as NativeEntry]!;
      expect(layout.fields.length).toBeGreaterThan(0);
      for (const bad of [[], [undefined], [null], [42], [f32(64)], [[1, 2, 3]], [new Float64Array(new ArrayBuffer(8), 8)]]) {
        expect(() => flat(...bad), `${entry}Flat(${String(bad[0])})`).toThrow(/Float64Array|too short/);
      }
      // Too short for its fields; every list length absurd; every value NaN or huge.
      expect(() => flat(new Float64Array(layout.fields.length - 1))).toThrow(RangeError);
      const lists = layout.fields.map((f) => f.list);
      for (const n of [-1, 33, 2 ** 40, NaN, 1.5, Infinity]) {
        if (!lists.includes(true)) break;
        const meta = new Float64Array(64).fill(1);
        let at = 0;
        for (const f of layout.fields) meta[f.list ? at : at] = f.list ? n : 1, at += 1;
        expect(() => flat(meta), `${entry} list length ${n}`).toThrow(RangeError);
      }
      for (const v of [NaN, -1, 2 ** 60, 0.5]) {
        const meta = new Float64Array(64).fill(v);
        let at = 0;
        for (const f of layout.fields) {
          if (f.list) meta[at] = 0;
          at += 1;
        }
        expect(() => flat(meta, f32(4), f32(4), f32(4), f32(4), f32(4), f32(4)), `${entry} filled with ${v}`).toThrow(/Error|must/);
      }
    }
  });

  it('rejects a missing or non-object argument', () => {
    const table = addon as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const entry of Object.keys(CASES)) {
      for (const bad of [[], [undefined], [null], [42], ['x'], [[1, 2]], [f32(3)]]) {
        expect(() => table[`${entry}Sync`]!(...bad)).toThrow(TypeError);
        expect(() => table[entry]!(...bad)).toThrow(TypeError);
      }
    }
  });

  it('rejects a getter that detaches an array it already checked', () => {
    const args = VALID.matmul!();
    const a = new Float32Array(new ArrayBuffer(24));
    Object.defineProperty(args, 'a', { get: () => a, enumerable: true });
    Object.defineProperty(args, 'out', {
      enumerable: true,
      get: () => {
        structuredClone(a.buffer, { transfer: [a.buffer] });
        return f32(8);
      },
    });
    expect(() => addon.matmulSync(args)).toThrow(RangeError);
  });

  it('reads SharedArrayBuffer views and respects their byte offsets', () => {
    const sab = new SharedArrayBuffer(8 * 4);
    const x = new Float32Array(sab, 4, 4).fill(-1);
    const out = new Float32Array(sab, 20, 3);
    addon.unarySync({ x, out, fn: 'relu', begin: 0, end: 3 });
    expect([...new Float32Array(sab)]).toEqual([0, -1, -1, -1, -1, 0, 0, 0]);
    expect(() => addon.unarySync({ x: new Float32Array(sab, 24, 2), out, fn: 'relu', begin: 0, end: 3 })).toThrow(RangeError);
  });

  it('init rejects an unknown instruction-set path and keeps working', () => {
    expect(() => addon.init({ isa: 'sse9' })).toThrow(RangeError);
    expect(() => addon.init({ isa: 42 as unknown as string })).toThrow(TypeError);
    expect(addon.isa()).toMatch(/^(scalar|avx2|avx512)$/);
  });

  // The oracle is the kernel's own view of the CPU: /proc/cpuinfo's flags (Linux x86-64 only).
  const flags = cpuFlags();
  it.runIf(flags !== undefined)('init without a path takes the best one this CPU runs, and a forced path only where it runs', () => {
    const has = (...names: string[]) => names.every((n) => flags!.has(n));
    const runs = ['scalar', ...(has('avx2', 'fma') ? ['avx2'] : []), ...(has('avx512f', 'avx512dq', 'avx512bw', 'avx512vl') ? ['avx512'] : [])];
    // A path the CPU lacks must give way to the next (an AVX2-only CPU once failed to load here).
    const { isa, available } = addon.init({});
    expect(available.split(',')).toEqual(runs);
    expect(isa).toBe(runs[runs.length - 1]);
    for (const path of ['scalar', 'avx2', 'avx512']) {
      if (runs.includes(path)) expect(addon.init({ isa: path }).isa).toBe(path);
      else expect(() => addon.init({ isa: path })).toThrow(/cannot run|not compiled/);
    }
    expect(addon.init({}).isa).toBe(isa);
  });

  it('an async call keeps its inputs alive and resolves after the garbage collector ran', async () => {
    const pending: Promise<void>[] = [];
    const outs: Float64Array[] = [];
    for (let i = 0; i < 20; i++) {
      const n = 64;
      const args = shared({
        a: f64(n * n).fill(1), aOffset: 0, aStrides: [n, 1], b: f64(n * n).fill(1), bOffset: 0, bStrides: [n, 1], out: f64(n * n),
        batchShape: [], m: n, n, k: n, activation: 'none', rowBegin: 0, rowEnd: n,
      });
      outs.push(args['out'] as Float64Array);
      pending.push(addon.matmul(args));
    }
    (globalThis as { gc?: () => void }).gc?.();
    await Promise.all(pending);
    for (const out of outs) expect(out.every((v) => v === 64)).toBe(true);
  });

  it('the memory of an async call cannot be pulled away: shared buffers neither transfer nor shrink', async () => {
    const n = 96;
    const args = shared({
      a: f32(n * n).fill(1), aOffset: 0, aStrides: [n, 1], b: f32(n * n).fill(2), bOffset: 0, bStrides: [n, 1], out: f32(n * n),
      batchShape: [], m: n, n, k: n, activation: 'none', rowBegin: 0, rowEnd: n,
    });
    const running = addon.matmul(args);
    const a = args['a'] as Float32Array;
    expect(() => structuredClone(a.buffer, { transfer: [a.buffer as unknown as ArrayBuffer] })).toThrow();
    await running;
    expect((args['out'] as Float32Array).every((v) => v === 2 * n)).toBe(true);
  });

  it('the linalg entries survive NaN, Infinity and singular values in their matrices (a result or an Error, never a crash or a hang)', () => {
    const table = addon as unknown as Record<string, (a: AddonArgs) => unknown>;
    const n = 9;
    for (const fill of [NaN, Infinity, -Infinity, 0, 1e308]) {
      const a = f64(n * n).fill(fill);
      const calls: Array<[string, AddonArgs]> = [
        ['solveSync', { a, b: f64(n).fill(1), out: f64(n), n, nrhs: 1, info: f64(1) }],
        ['luSync', { a, out: f64(n + 2 * n * n), m: n, n }],
        ['qrSync', { a, out: f64(2 * n * n), m: n, n, rows: n }],
        ['svdSync', { a, out: f64(2 * n * n + n), m: n, n, vectors: 'full' }],
        ['eighSync', { a, out: f64(n * n + n), n }],
      ];
      for (const [entry, args] of calls) {
        try {
          table[entry]!(args);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
        }
      }
    }
    // A singular A is reported through info, not thrown.
    const info = f64(1);
    addon.solveSync({ a: Float64Array.from([1, 2, 2, 4]), b: f64(2), out: f64(2), n: 2, nrhs: 1, info });
    expect(info[0]).toBe(1);
  });

  it('the linalg entries compute: lu of [[4, 3], [6, 3]], eigh of [[2, 1], [1, 2]] in float32', () => {
    const out = f64(2 + 4 + 4);
    addon.luSync({ a: Float64Array.from([4, 3, 6, 3]), out, m: 2, n: 2 });
    expect([...out]).toEqual([1, 0, 1, 0, 4 / 6, 1, 6, 3, 0, 1]);
    const e = f32(6);
    addon.eighSync({ a: Float32Array.from([2, 1, 1, 2]), out: e, n: 2 });
    expect(e[0]).toBeCloseTo(1, 6);
    expect(e[1]).toBeCloseTo(3, 6);
  });

  it('the process is still alive and computing', () => {
    const out = f32(8);
    addon.matmulSync({ ...VALID.matmul!(), a: Float32Array.from([1, 2, 3, 4, 5, 6]), b: f32(12).fill(1), out });
    expect([...out]).toEqual([6, 6, 6, 6, 15, 15, 15, 15]);
  });
});
