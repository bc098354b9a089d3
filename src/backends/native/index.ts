/**
 * The native backend: thin wrappers that hand the addon (native/addon.cc) the plan's numbers and
 * the tensors' storage. matmul and the binary ops pass strided views (offsets and element strides,
 * transposes included: the C++ packing absorbs them); the other ops pass dense row-major inputs
 * (dispatch makes them so). Outputs are allocated by dispatch and written by the kernel. Nothing
 * is validated again here (the op layer did it); the addon still checks every length against
 * every shape.
 *
 * The surface is one table, ARGS: for each op of the op table, the builder of its addon arguments.
 * The addon's entries (`<op>Sync`, and the async `<op>` used off the JS thread), their TypeScript
 * types (load.ts) and the tests' lists all derive from the op table (OP_NAMES), so adding an op
 * is one line here.
 */
import type { FloatArray, TypedArray } from '../../dtype.js';
import { NotPositiveDefiniteError } from '../../errors.js';
import { conv2dRows } from '../../plans.js';
import type {
  BatchNormPlan, BinaryPlan, CholeskyPlan, ConcatPlan, Conv2dPlan, GatherPlan, LassoGramPlan, LayerNormPlan, MatmulPlan, OpName, OpSpecs, Pool2dPlan,
  RangeOp, ReducePlan, RemapPlan, RidgePlan, SoftmaxPlan, SolveSpdPlan, UnaryPlan, WherePlan,
} from '../../plans.js';
import { broadcastStrides, contiguousStrides } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import type { CpuBackend, CpuKernel, Probe, RangeKernel } from '../backend.js';
import { binaryRange } from '../../kernels/binary.js';
import { concat as jsConcat } from '../../kernels/concat.js';
import { gather as jsGather, readIndices } from '../../kernels/gather.js';
import { remap as jsRemap } from '../../kernels/remap.js';
import { matmulRange } from '../../kernels/matmul.js';
import { checkColumns } from '../../kernels/lasso-gram.js';
import { unaryRange } from '../../kernels/unary.js';
import { NATIVE_RIDGE_SPLIT_MIN_FLOPS } from '../../tuning.js';
import { packedFormOf } from '../../prepacked.js';
import { flatCaller, type FlatCall } from './flat.js';
import { loadAddon, type AddonArgs, type LoadResult, type NativeAddon, type NativeEntry } from './load.js';
import { nativeLinalgKernels, type LinalgAddon } from './linalg.js';

let loaded: LoadResult | undefined;

/** The addon, loaded once per thread (memoised, never throws). */
export function nativeAddon(): LoadResult {
  loaded ??= loadAddon();
  return loaded;
}

function addon(): NativeAddon {
  const r = nativeAddon();
  if (!r.ok) throw new Error(`lepton-compute internal error: native kernel called while unavailable (${r.reason})`);
  return r.addon;
}

/** Each op's call of the addon, through its flat form (flat.ts), made on first use. */
const callers: Partial<Record<NativeEntry, FlatCall>> = {};
function call(op: NativeEntry, args: AddonArgs): void {
  (callers[op] ??= flatCaller(addon(), op))(args);
}

/** A tensor's values as a dense typed array (dispatch passes dense inputs to these ops). */
function dense(t: Tensor): TypedArray {
  return t.storage.subarray(t.offset, t.offset + t.size);
}

/**
 * Argument builders: the addon's arguments for output rows [begin, end) of `out` (matmul: rows of
 * the flattened [batch·m, n]; conv2d and pool2d: [batch·outH] rows; unary and binary: elements)
 * or, for the ops that do not split, for the whole output.
 */
function matmulArgs(plan: MatmulPlan, inputs: readonly [Tensor, Tensor, Tensor?], out: TypedArray, begin: number, end: number): AddonArgs {
  // Indexed, not destructured: this runs for every native product, and destructuring iterates.
  const a = inputs[0];
  const b = inputs[1];
  const bias = inputs[2];
  const { batchShape, m, n, k, transA, transB } = plan;
  const operand = (t: Tensor, trans: boolean): number[] => {
    const st = t.strides;
    const r = st[st.length - 2]!;
    const c = st[st.length - 1]!;
    const last = trans ? [c, r] : [r, c];
    if (batchShape.length === 0) return last;
    return [...broadcastStrides(t.shape.slice(0, -2), st.slice(0, -2), batchShape), ...last];
  };
  // One object shape with or without a bias (an absent bias is undefined, as the addon reads it).
  return {
    a: a.storage, aOffset: a.offset, aStrides: operand(a, transA),
    b: b.storage, bOffset: b.offset, bStrides: operand(b, transB),
    bias: bias?.storage, biasOffset: bias?.offset, biasStrides: bias ? broadcastStrides(bias.shape, bias.strides, plan.outShape) : undefined,
    out, batchShape, m, n, k, activation: plan.activation, rowBegin: begin, rowEnd: end,
  };
}

/** With `plan.pool`, the addon's fused pooling epilogue: out is the pooled output and [begin, end) counts pooled rows. */
function conv2dArgs(plan: Conv2dPlan, [x, w, bias]: readonly [Tensor, Tensor, Tensor?], out: TypedArray, begin: number, end: number): AddonArgs {
  const { layout, batch, inC, inH, inW, outC, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups, activation, pool } = plan;
  return {
    x: dense(x), w: dense(w), ...(bias ? { bias: dense(bias) } : {}), out,
    layout, batch, inC, inH, inW, outC, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups,
    activation, rowBegin: begin, rowEnd: end,
    ...(pool ? { pool: pool.kind, poolKh: pool.kh, poolKw: pool.kw, poolStrideH: pool.strideH, poolStrideW: pool.strideW } : {}),
  };
}

function pool2dArgs(plan: Pool2dPlan, [x]: readonly [Tensor], out: TypedArray, begin: number, end: number): AddonArgs {
  const { kind, layout, batch, channels, inH, inW, outH, outW, kh, kw, strideH, strideW, padTop, padLeft } = plan;
  return {
    x: dense(x), out, kind, layout, batch, channels, inH, inW, outH, outW, kh, kw, strideH, strideW, padTop, padLeft,
    rowBegin: begin, rowEnd: end,
  };
}

function unaryArgs(plan: UnaryPlan, [x]: readonly [Tensor], out: TypedArray, begin: number, end: number): AddonArgs {
  return { x: dense(x), out, fn: plan.fn, alpha: plan.alpha, min: plan.min, max: plan.max, begin, end };
}

function binaryArgs(plan: BinaryPlan, [a, b]: readonly [Tensor, Tensor], out: TypedArray, begin: number, end: number): AddonArgs {
  const shape = plan.outShape;
  return {
    a: a.storage, aOffset: a.offset, aStrides: broadcastStrides(a.shape, a.strides, shape),
    b: b.storage, bOffset: b.offset, bStrides: broadcastStrides(b.shape, b.strides, shape),
    out, shape: [...shape], fn: plan.fn, begin, end,
  };
}

function reduceArgs(plan: ReducePlan, [x]: readonly [Tensor], out: TypedArray): AddonArgs {
  const shape = x.shape;
  // Output strides seen from the input's dimensions: 0 on reduced axes.
  const kept = contiguousStrides(shape.map((d, i) => (plan.axes.includes(i) ? 1 : d)));
  const outStrides = shape.map((_, i) => (plan.axes.includes(i) ? 0 : kept[i]!));
  return { x: dense(x), out, fn: plan.fn, shape: [...shape], outStrides, count: Math.max(plan.count, 1), ddof: plan.ddof, ord: plan.ord };
}

/** [pivot, value, tolerance] of a failed factorisation (pivot −1: none). Reused: one call at a time per thread. */
const info = new Float64Array(3);

function choleskyArgs(plan: CholeskyPlan, [s]: readonly [Tensor], out: TypedArray): AddonArgs {
  info[0] = -1;
  return { s: dense(s), out, n: plan.n, info };
}

function solveSPDArgs(plan: SolveSpdPlan, [s, b]: readonly [Tensor, Tensor], out: TypedArray): AddonArgs {
  info[0] = -1;
  return { s: dense(s), b: dense(b), out, n: plan.n, nrhs: plan.nrhs, info };
}

function ridgeArgs(plan: RidgePlan, [a, y]: readonly [Tensor, Tensor], out: TypedArray): AddonArgs {
  info[0] = -1;
  const { m, n, signals, lambda, form } = plan;
  return { a: dense(a), y: dense(y), out, m, n, signals, lambda, form, info };
}

function whereArgs(plan: WherePlan, [cond, a, b]: readonly [Tensor, Tensor, Tensor], out: TypedArray): AddonArgs {
  const shape = plan.outShape;
  return {
    cond: cond.storage, condOffset: cond.offset, condStrides: broadcastStrides(cond.shape, cond.strides, shape),
    a: a.storage, aOffset: a.offset, aStrides: broadcastStrides(a.shape, a.strides, shape),
    b: b.storage, bOffset: b.offset, bStrides: broadcastStrides(b.shape, b.strides, shape),
    out, shape: [...shape],
  };
}

function softmaxArgs(plan: SoftmaxPlan, [x]: readonly [Tensor], out: TypedArray): AddonArgs {
  const { outer, n, inner } = plan;
  return { x: dense(x), out, fn: plan.log ? 'logSoftmax' : 'softmax', outer, n, inner };
}

function batchNormArgs(plan: BatchNormPlan, [x, mean, variance, offset, scale]: readonly [Tensor, Tensor, Tensor, Tensor?, Tensor?], out: TypedArray): AddonArgs {
  const { outer, channels, inner, epsilon } = plan;
  return {
    x: dense(x), mean: dense(mean), variance: dense(variance), ...(offset ? { offset: dense(offset) } : {}),
    ...(scale ? { scale: dense(scale) } : {}), out, outer, channels, inner, epsilon,
  };
}

function layerNormArgs(plan: LayerNormPlan, [x, gamma, beta]: readonly [Tensor, Tensor?, Tensor?], out: TypedArray): AddonArgs {
  const { outer, n, epsilon } = plan;
  return { x: dense(x), ...(gamma ? { gamma: dense(gamma) } : {}), ...(beta ? { beta: dense(beta) } : {}), out, outer, n, epsilon };
}

/** remap's constant travels in a Float64Array: NaN is a valid pad value and the addon's number reader refuses it. */
function remapArgs(plan: RemapPlan, [x]: readonly [Tensor], out: TypedArray): AddonArgs {
  return {
    x: x.storage, xOffset: x.offset, xStrides: [...x.strides], inShape: [...plan.inShape], outShape: [...plan.outShape],
    start: [...plan.start], step: [...plan.step], mode: plan.mode, value: Float64Array.of(plan.value), out,
  };
}

/** The addon copies one input per call: `begin` names the input, whose slab starts at `end` along the axis. */
function concatArgs(plan: ConcatPlan, inputs: readonly Tensor[], out: TypedArray, begin: number, end: number): AddonArgs {
  const x = inputs[begin]!;
  return { x: x.storage, xOffset: x.offset, xStrides: [...x.strides], xShape: [...x.shape], outShape: [...plan.outShape], axis: plan.axis, at: end, out };
}

/** The indices checked and wrapped first (readIndices: the typed error of an index out of range); the addon checks them again. */
function gatherArgs(plan: GatherPlan, [x, indices]: readonly [Tensor, Tensor], out: TypedArray): AddonArgs {
  return { x: x.storage, xOffset: x.offset, xStrides: [...x.strides], xShape: [...x.shape], axis: plan.axis, indices: readIndices(plan, indices), count: plan.count, out };
}

/** The columns are checked first (checkColumns: the js kernel's typed error); the addon checks their range again. */
function lassoGramArgs(plan: LassoGramPlan, [g, c, params, x0, columns]: readonly [Tensor, Tensor, Tensor, Tensor?, Tensor?], out: TypedArray, begin: number, end: number): AddonArgs {
  if (columns) checkColumns(plan, columns);
  return {
    g: dense(g), c: dense(c), params: dense(params), ...(x0 ? { x0: dense(x0) } : {}), ...(columns ? { columns: dense(columns) } : {}), out,
    batch: plan.batch, k: plan.k, n: plan.n, maxIter: plan.maxIter, begin, end,
  };
}

type ArgsBuilder<K extends OpName> = (plan: OpSpecs[K]['plan'], inputs: OpSpecs[K]['inputs'], out: TypedArray, begin: number, end: number) => AddonArgs;

/** The native surface: one argument builder per addon entry (the linalg ones: linalg.ts). */
export const ARGS: { readonly [K in NativeEntry]: ArgsBuilder<K> } = Object.freeze({
  matmul: matmulArgs,
  conv2d: conv2dArgs,
  pool2d: pool2dArgs,
  unary: unaryArgs,
  binary: binaryArgs,
  reduce: reduceArgs,
  cholesky: choleskyArgs,
  solveSPD: solveSPDArgs,
  ridge: ridgeArgs,
  where: whereArgs,
  softmax: softmaxArgs,
  batchNorm: batchNormArgs,
  layerNorm: layerNormArgs,
  remap: remapArgs,
  concat: concatArgs,
  gather: gatherArgs,
  lassoGram: lassoGramArgs,
  ...nativeLinalgKernels.args,
});

/** The addon reads shapes of at most this many dimensions (args.h kMaxRank); higher ranks run the js kernels. */
const ADDON_MAX_RANK = 32;
/** Copies this small run the js loops: the addon call costs more than they do. */
const NATIVE_COPY_MIN = 256;

const SPD_HINT = 'Pass a symmetric positive definite matrix (e.g. AᵀA + λI with λ > 0)';

/** Three significant digits, without trailing zeros (as the js backend writes them). */
function short(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** Throws the typed error of a failed factorisation, as the addon reported it in `info`. */
function checkPivot(op: string, matrix: string, hint: string): void {
  if (info[0]! < 0) return;
  throw new NotPositiveDefiniteError(op, `${matrix} is not positive definite: pivot ${info[0]} is ${short(info[1]!)} (tolerance ${short(info[2]!)})`, hint);
}

function ridgeMessage(plan: RidgePlan): [string, string] {
  const matrix = `${plan.form === 'primal' ? 'AᵀA + λI' : 'AAᵀ + λI'} (${plan.form} form, λ = ${plan.lambda})`;
  return [matrix, plan.lambda === 0 ? 'A is rank-deficient for this form; use lambda > 0' : 'Use a larger lambda'];
}

/**
 * Elementwise ops this small run the js loop: an addon call (~1 µs of argument decoding) costs
 * more than the work below this many elements.
 */
export const NATIVE_ELEMENTWISE_MIN = 256;

function range<K extends RangeOp>(op: K): RangeKernel<K> {
  const build = ARGS[op] as ArgsBuilder<K>;
  return (plan, inputs, out, begin, end) => call(op, build(plan, inputs, out, begin, end));
}

const ranges = Object.freeze({
  matmul: range('matmul'),
  conv2d: range('conv2d'),
  pool2d: range('pool2d'),
  lassoGram: range('lassoGram'),
  unary: ((plan, inputs, out, begin, end) => {
    if (end - begin < NATIVE_ELEMENTWISE_MIN) unaryRange(plan, inputs, out, begin, end);
    else call('unary', unaryArgs(plan, inputs, out, begin, end));
  }) as RangeKernel<'unary'>,
  binary: ((plan, inputs, out, begin, end) => {
    if (end - begin < NATIVE_ELEMENTWISE_MIN) binaryRange(plan, inputs, out, begin, end);
    else call('binary', binaryArgs(plan, inputs, out, begin, end));
  }) as RangeKernel<'binary'>,
});

const rowsOf = (shape: readonly number[], lastDims: number): number => {
  let r = 1;
  for (let i = 0; i < shape.length - lastDims; i++) r *= shape[i]!;
  return r;
};

function whole<K extends RangeOp>(r: RangeKernel<K>, rows: (plan: OpSpecs[K]['plan']) => number): CpuKernel<K> {
  return (plan, inputs, out) => r(plan, inputs, out, 0, rows(plan));
}

/**
 * Products of at most this many multiply-adds run the shared js dot-product loop: the addon's flat
 * call (about 1.2–1.6 µs of argument encoding and checking) costs more than such a product in js.
 * Measured float64, µs, js against the addon: 4×4×4 0.32 / 1.63, 8×8×8 2.0 / 2.7, 16×16 times a
 * vector 0.63 / 1.11; past the bound 12×12×12 5.6 / 3.3, 32×32 times a vector 3.2 / 1.3,
 * 16×16×16 8.3 / 2.2 (the bound was 16³ while the call cost 19 µs).
 */
export const NATIVE_MATMUL_MIN_MACS = 8 * 8 * 8;

/** The whole op on `threads` threads of the addon's own team (which share GEMM's packed B). */
function teamed<K extends 'matmul' | 'conv2d'>(op: K, rows: (plan: OpSpecs[K]['plan']) => number): CpuKernel<K> {
  const build = ARGS[op] as ArgsBuilder<K>;
  return (plan, inputs, out, threads = 1) => {
    let packedB: object | undefined;
    if (op === 'matmul') {
      const p = plan as MatmulPlan;
      if (rows(plan) * p.n * p.k <= NATIVE_MATMUL_MIN_MACS) {
        matmulRange(p, inputs as OpSpecs['matmul']['inputs'], out as FloatArray, 0, rows(plan));
        return;
      }
      packedB = packedOperand(p, inputs[1] as Tensor);
    }
    const args = build(plan, inputs, out, 0, rows(plan));
    if (threads > 1) args['threads'] = threads;
    if (packedB) {
      // The flat form carries numbers and typed arrays only: a packed B goes through the object form.
      args['packedB'] = packedB;
      addon().matmulSync(args);
      return;
    }
    call(op, args);
  };
}

/**
 * The addon's prepackB handle for B when B is a tensor prepack() made for this product's transB
 * (packed on the first such product, for this thread's addon and its instruction-set path, and
 * kept in the tensor's packed form until it is disposed). Undefined where the plain kernel would
 * not pack B either (one row of A or one column of B: the vector paths), so that a packed product
 * runs the very GEMM, in the very order, of the unpacked one and equals it bit for bit. A product
 * split across pool workers does not reach here with the form (each worker has its own addon):
 * it packs B there as usual.
 */
function packedOperand(plan: MatmulPlan, b: Tensor): object | undefined {
  if (plan.m <= 1 || plan.n <= 1) return undefined;
  const form = packedFormOf(b);
  if (!form || form.transB !== plan.transB) return undefined;
  const native = addon();
  if (!native.prepackB) return undefined;
  const isa = native.isa();
  let pack = form.packs.get('native');
  if (pack && pack.key !== isa) {
    // init() chose another instruction-set path since: that pack's panels no longer fit.
    pack.free();
    form.packs.delete('native');
    pack = undefined;
  }
  if (!pack) {
    const [rs, cs] = plan.transB ? [b.strides[1]!, b.strides[0]!] : [b.strides[0]!, b.strides[1]!];
    const handle = native.prepackB({ b: b.storage as Float32Array | Float64Array, bOffset: b.offset, bStrides: [rs, cs], k: plan.k, n: plan.n });
    let freed = false;
    pack = {
      handle,
      key: isa,
      free: () => {
        if (freed) return;
        freed = true;
        native.releasePackedB?.(handle);
      },
    };
    form.packs.set('native', pack);
  }
  return pack.handle as object;
}

const sizeOfShape = (s: readonly number[]): number => rowsOf(s, 0);

let probed: Probe | undefined;

export const nativeBackend: CpuBackend = Object.freeze({
  kind: 'cpu',
  name: 'native',
  probe: (): Probe => {
    if (probed) return probed;
    const r = nativeAddon();
    probed = r.ok ? { ok: true } : { ok: false, reason: r.reason };
    return probed;
  },
  // The pool's split thresholds are in js flops; native does the same time's work in ~10× the flops.
  speed: 10,
  fusedRidgeMaxFlops: NATIVE_RIDGE_SPLIT_MIN_FLOPS,
  threaded: new Set<OpName>(['matmul', 'conv2d']),
  ranges,
  kernels: Object.freeze({
    matmul: teamed('matmul', (p: MatmulPlan) => rowsOf(p.outShape, 1)),
    conv2d: teamed('conv2d', conv2dRows),
    pool2d: whole(ranges.pool2d, (p: Pool2dPlan) => p.batch * p.outH),
    lassoGram: whole(ranges.lassoGram, (p: LassoGramPlan) => p.batch),
    unary: whole(ranges.unary, (p: UnaryPlan) => sizeOfShape(p.outShape)),
    binary: whole(ranges.binary, (p: BinaryPlan) => sizeOfShape(p.outShape)),
    reduce: (plan: ReducePlan, inputs: readonly [Tensor], out: TypedArray) => call('reduce', reduceArgs(plan, inputs, out)),
    cholesky: (plan: CholeskyPlan, inputs: readonly [Tensor], out: TypedArray) => {
      call('cholesky', choleskyArgs(plan, inputs, out));
      checkPivot('linalg.cholesky', 'S', SPD_HINT);
    },
    solveSPD: (plan: SolveSpdPlan, inputs: readonly [Tensor, Tensor], out: TypedArray) => {
      call('solveSPD', solveSPDArgs(plan, inputs, out));
      checkPivot('linalg.solveSPD', 'S', SPD_HINT);
    },
    ridge: (plan: RidgePlan, inputs: readonly [Tensor, Tensor], out: TypedArray) => {
      call('ridge', ridgeArgs(plan, inputs, out));
      checkPivot('ridge', ...ridgeMessage(plan));
    },
    where: (plan: WherePlan, inputs: readonly [Tensor, Tensor, Tensor], out: TypedArray) => call('where', whereArgs(plan, inputs, out)),
    softmax: (plan: SoftmaxPlan, inputs: readonly [Tensor], out: TypedArray) => call('softmax', softmaxArgs(plan, inputs, out)),
    batchNorm: (plan: BatchNormPlan, inputs: readonly [Tensor, Tensor, Tensor, Tensor?, Tensor?], out: TypedArray) =>
      call('batchNorm', batchNormArgs(plan, inputs, out)),
    layerNorm: (plan: LayerNormPlan, inputs: readonly [Tensor, Tensor?, Tensor?], out: TypedArray) => {
      if (out.length > 0) call('layerNorm', layerNormArgs(plan, inputs, out));
    },
    remap: (plan: RemapPlan, inputs: readonly [Tensor], out: TypedArray) => {
      if (out.length < NATIVE_COPY_MIN || plan.outShape.length > ADDON_MAX_RANK) jsRemap(plan, inputs, out);
      else call('remap', remapArgs(plan, inputs, out));
    },
    concat: (plan: ConcatPlan, inputs: readonly Tensor[], out: TypedArray) => {
      if (out.length < NATIVE_COPY_MIN || plan.outShape.length > ADDON_MAX_RANK) return jsConcat(plan, inputs, out);
      let at = 0;
      for (let k = 0; k < inputs.length; k++) {
        if (inputs[k]!.size > 0) call('concat', concatArgs(plan, inputs, out, k, at));
        at += plan.sizes[k]!;
      }
    },
    gather: (plan: GatherPlan, inputs: readonly [Tensor, Tensor], out: TypedArray) => {
      if (out.length < NATIVE_COPY_MIN || inputs[0].rank > ADDON_MAX_RANK) return jsGather(plan, inputs, out);
      call('gather', gatherArgs(plan, inputs, out));
    },
    ...nativeLinalgKernels.kernels(() => addon() as LinalgAddon),
  }),
});
