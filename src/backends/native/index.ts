/**
 * The native backend: thin wrappers that hand the addon (native/addon.cc) the plan's numbers and
 * the tensors' storage. matmul and the binary ops pass strided views (offsets and element strides,
 * transposes included: the C++ packing absorbs them); the other ops pass dense row-major inputs.
 * Outputs are allocated here, in JavaScript, and written by the kernel. Nothing is validated again
 * at this level (the op layer did it); the addon still checks every length against every shape.
 */
import { allocate, type DType, type TypedArray } from '../../dtype.js';
import { NotPositiveDefiniteError } from '../../errors.js';
import type { Conv2dPlan } from '../../ops/conv2d.js';
import type { CholeskyPlan, SolveSpdPlan } from '../../ops/linalg.js';
import type { MatmulPlan } from '../../ops/matmul.js';
import type { Pool2dPlan } from '../../ops/pool2d.js';
import type { ReducePlan } from '../../ops/reduce.js';
import type { RidgePlan } from '../../ops/ridge.js';
import type { BinaryPlan } from '../../ops/binary.js';
import type { UnaryPlan } from '../../ops/unary.js';
import type { WherePlan } from '../../ops/where.js';
import type { SoftmaxPlan } from '../../ops/softmax.js';
import type { BatchNormPlan } from '../../ops/batch-norm.js';
import type { LayerNormPlan } from '../../ops/layer-norm.js';
import { broadcastStrides, contiguousStrides, sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { poolConfig, splitOnPool, type RunOptions } from '../../pool/split.js';
import { NATIVE_RIDGE_SPLIT_MIN_FLOPS, NATIVE_SYNC_MAX_FLOPS } from '../../tuning.js';
import type { Backend, Probe } from '../backend.js';
import { toFloat64 } from '../js/linalg.js';
import { loadAddon, type AddonArgs, type LoadResult, type NativeAddon } from './load.js';

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

type Entry = 'matmul' | 'conv2d' | 'pool2d' | 'unary' | 'binary' | 'reduce' | 'cholesky' | 'solveSPD' | 'ridge'
  | 'where' | 'softmax' | 'batchNorm' | 'layerNorm';

/**
 * Runs one addon entry: small work synchronously on this thread (the libuv hand-off would cost
 * more than the work), the rest on the libuv pool so that the event loop stays free.
 */
async function run(entry: Entry, args: AddonArgs, flops: number): Promise<void> {
  const a = addon();
  if (flops <= NATIVE_SYNC_MAX_FLOPS) {
    a[`${entry}Sync`](args);
    return;
  }
  // An error from the libuv thread has no JavaScript frames: re-attach the caller's.
  const site = new Error('called from');
  try {
    await a[entry](args);
  } catch (e) {
    if (e instanceof Error && site.stack) e.stack = `${e.stack ?? e.message}\n    --- ${site.stack.split('\n').slice(1).join('\n')}`;
    throw e;
  }
}

/** A tensor's values as a dense typed array (a view when already contiguous). */
function dense(t: Tensor): TypedArray {
  const c = t.contiguous();
  return c.storage.subarray(c.offset, c.offset + c.size);
}

function out<D extends DType>(dtype: D, shape: readonly number[]): Tensor<D> {
  return new Tensor(dtype, shape, allocate(dtype, sizeOf(shape)));
}

/**
 * Argument builders of the range kernels: the addon's arguments for output rows [begin, end) of
 * `out` (matmul: rows of the flattened [batch·m, n]; conv2d and pool2d: [batch·outH] rows; unary
 * and binary: elements). The worker pool runs `addon.<op>Sync(args)` on each part.
 */
export function matmulArgs(plan: MatmulPlan, [a, b, bias]: readonly [Tensor, Tensor, Tensor?], out: TypedArray, begin: number, end: number): AddonArgs {
  const { batchShape, m, n, k, transA, transB } = plan;
  const operand = (t: Tensor, trans: boolean): number[] => {
    const [r, c] = t.strides.slice(-2) as [number, number];
    return [...broadcastStrides(t.shape.slice(0, -2), t.strides.slice(0, -2), batchShape), ...(trans ? [c, r] : [r, c])];
  };
  return {
    a: a.storage, aOffset: a.offset, aStrides: operand(a, transA),
    b: b.storage, bOffset: b.offset, bStrides: operand(b, transB),
    ...(bias ? { bias: bias.storage, biasOffset: bias.offset, biasStrides: broadcastStrides(bias.shape, bias.strides, plan.outShape) } : {}),
    out, batchShape: [...batchShape], m, n, k, activation: plan.activation, rowBegin: begin, rowEnd: end,
  };
}

export function conv2dArgs(plan: Conv2dPlan, [x, w, bias]: readonly [Tensor, Tensor, Tensor?], out: TypedArray, begin: number, end: number): AddonArgs {
  const { layout, batch, inC, inH, inW, outC, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups, activation } = plan;
  return {
    x: dense(x), w: dense(w), ...(bias ? { bias: dense(bias) } : {}), out,
    layout, batch, inC, inH, inW, outC, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups,
    activation, rowBegin: begin, rowEnd: end,
  };
}

export function pool2dArgs(plan: Pool2dPlan, [x]: readonly [Tensor], out: TypedArray, begin: number, end: number): AddonArgs {
  const { kind, layout, batch, channels, inH, inW, outH, outW, kh, kw, strideH, strideW, padTop, padLeft } = plan;
  return {
    x: dense(x), out, kind, layout, batch, channels, inH, inW, outH, outW, kh, kw, strideH, strideW, padTop, padLeft,
    rowBegin: begin, rowEnd: end,
  };
}

export function unaryArgs(plan: UnaryPlan, [x]: readonly [Tensor], out: TypedArray, begin: number, end: number): AddonArgs {
  return { x: dense(x), out, fn: plan.fn, alpha: plan.alpha, min: plan.min, max: plan.max, begin, end };
}

export function binaryArgs(plan: BinaryPlan, [a, b]: readonly [Tensor, Tensor], out: TypedArray, begin: number, end: number): AddonArgs {
  const shape = plan.outShape;
  return {
    a: a.storage, aOffset: a.offset, aStrides: broadcastStrides(a.shape, a.strides, shape),
    b: b.storage, bOffset: b.offset, bStrides: broadcastStrides(b.shape, b.strides, shape),
    out, shape: [...shape], fn: plan.fn, begin, end,
  };
}

async function matmul(plan: MatmulPlan, [a, b, bias]: readonly [Tensor, Tensor, Tensor?], options?: RunOptions): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  const inputs = bias ? ([a, b, bias.contiguous()] as const) : ([a, b] as const);
  if (await splitOnPool('native', 'matmul', plan, inputs, result.storage, options, (p, i, o, r0, r1) => addon().matmulSync(matmulArgs(p, i, o, r0, r1)))) return result;
  const rows = sizeOf(plan.batchShape) * plan.m;
  await run('matmul', matmulArgs(plan, inputs, result.storage, 0, rows), 2 * rows * plan.n * plan.k);
  return result;
}

async function conv2d(plan: Conv2dPlan, [x, w, bias]: readonly [Tensor, Tensor, Tensor?], options?: RunOptions): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  // Contiguous once here, so that pool workers do not each copy a strided view.
  const inputs = bias ? ([x.contiguous(), w.contiguous(), bias.contiguous()] as const) : ([x.contiguous(), w.contiguous()] as const);
  if (await splitOnPool('native', 'conv2d', plan, inputs, result.storage, options, (p, i, o, r0, r1) => addon().conv2dSync(conv2dArgs(p, i, o, r0, r1)))) return result;
  const flops = 2 * result.size * (plan.inC / plan.groups) * plan.kh * plan.kw;
  await run('conv2d', conv2dArgs(plan, inputs, result.storage, 0, plan.batch * plan.outH), flops);
  return result;
}

async function pool2d(plan: Pool2dPlan, [x]: readonly [Tensor], options?: RunOptions): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  const inputs = [x.contiguous()] as const;
  if (await splitOnPool('native', 'pool2d', plan, inputs, result.storage, options, (p, i, o, r0, r1) => addon().pool2dSync(pool2dArgs(p, i, o, r0, r1)))) return result;
  await run('pool2d', pool2dArgs(plan, inputs, result.storage, 0, plan.batch * plan.outH), result.size * plan.kh * plan.kw);
  return result;
}

async function unary(plan: UnaryPlan, [x]: readonly [Tensor], options?: RunOptions): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  const inputs = [x.contiguous()] as const;
  if (await splitOnPool('native', 'unary', plan, inputs, result.storage, options, (p, i, o, r0, r1) => addon().unarySync(unaryArgs(p, i, o, r0, r1)))) return result;
  await run('unary', unaryArgs(plan, inputs, result.storage, 0, result.size), result.size);
  return result;
}

async function binary(plan: BinaryPlan, inputs: readonly [Tensor, Tensor], options?: RunOptions): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  if (await splitOnPool('native', 'binary', plan, inputs, result.storage, options, (p, i, o, r0, r1) => addon().binarySync(binaryArgs(p, i, o, r0, r1)))) return result;
  await run('binary', binaryArgs(plan, inputs, result.storage, 0, result.size), result.size);
  return result;
}

async function reduce(plan: ReducePlan, [x]: readonly [Tensor]): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  const shape = x.shape;
  // Output strides seen from the input's dimensions: 0 on reduced axes.
  const kept = contiguousStrides(shape.map((d, i) => (plan.axes.includes(i) ? 1 : d)));
  const outStrides = shape.map((_, i) => (plan.axes.includes(i) ? 0 : kept[i]!));
  await run('reduce', {
    x: dense(x), out: result.storage, fn: plan.fn, shape: [...shape], outStrides, count: Math.max(plan.count, 1),
    ddof: plan.ddof, ord: plan.ord,
  }, plan.fn === 'sum' || plan.fn === 'mean' ? x.size : 3 * x.size);
  return result;
}

async function where(plan: WherePlan, [cond, a, b]: readonly [Tensor, Tensor, Tensor]): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  const shape = plan.outShape;
  await run('where', {
    cond: cond.storage, condOffset: cond.offset, condStrides: broadcastStrides(cond.shape, cond.strides, shape),
    a: a.storage, aOffset: a.offset, aStrides: broadcastStrides(a.shape, a.strides, shape),
    b: b.storage, bOffset: b.offset, bStrides: broadcastStrides(b.shape, b.strides, shape),
    out: result.storage, shape: [...shape],
  }, result.size);
  return result;
}

async function softmax(plan: SoftmaxPlan, [x]: readonly [Tensor]): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  const { outer, n, inner } = plan;
  await run('softmax', { x: dense(x), out: result.storage, fn: plan.log ? 'logSoftmax' : 'softmax', outer, n, inner }, 30 * result.size);
  return result;
}

async function batchNorm(plan: BatchNormPlan, [x, mean, variance, offset, scale]: readonly [Tensor, Tensor, Tensor, Tensor?, Tensor?]): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  const { outer, channels, inner, epsilon } = plan;
  await run('batchNorm', {
    x: dense(x), mean: dense(mean), variance: dense(variance), ...(offset ? { offset: dense(offset) } : {}),
    ...(scale ? { scale: dense(scale) } : {}), out: result.storage, outer, channels, inner, epsilon,
  }, 2 * result.size);
  return result;
}

async function layerNorm(plan: LayerNormPlan, [x, gamma, beta]: readonly [Tensor, Tensor?, Tensor?]): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  const { outer, n, epsilon } = plan;
  if (result.size === 0) return result;
  await run('layerNorm', {
    x: dense(x), ...(gamma ? { gamma: dense(gamma) } : {}), ...(beta ? { beta: dense(beta) } : {}),
    out: result.storage, outer, n, epsilon,
  }, 6 * result.size);
  return result;
}

const SPD_HINT = 'Pass a symmetric positive definite matrix (e.g. AᵀA + λI with λ > 0)';

/** Three significant digits, without trailing zeros (as the js backend writes them). */
function short(v: number): string {
  return String(Number(v.toPrecision(3)));
}

function checkPivot(info: Float64Array, op: string, matrix: string, hint: string): void {
  if (info[0]! < 0) return;
  throw new NotPositiveDefiniteError(op, `${matrix} is not positive definite: pivot ${info[0]} is ${short(info[1]!)} (tolerance ${short(info[2]!)})`, hint);
}

async function cholesky(plan: CholeskyPlan, [s]: readonly [Tensor]): Promise<Tensor> {
  const result = out(plan.dtype, [plan.n, plan.n]);
  const info = new Float64Array(3);
  await run('cholesky', { s: dense(s), out: result.storage, n: plan.n, info }, plan.n ** 3 / 3);
  checkPivot(info, 'linalg.cholesky', 'S', SPD_HINT);
  return result;
}

async function solveSPD(plan: SolveSpdPlan, [s, b]: readonly [Tensor, Tensor]): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  const info = new Float64Array(3);
  await run('solveSPD', { s: dense(s), b: dense(b), out: result.storage, n: plan.n, nrhs: plan.nrhs, info },
    plan.n ** 3 / 3 + 2 * plan.n ** 2 * plan.nrhs);
  checkPivot(info, 'linalg.solveSPD', 'S', SPD_HINT);
  return result;
}

async function ridge(plan: RidgePlan, [a, y]: readonly [Tensor, Tensor], options?: RunOptions): Promise<Tensor> {
  const result = out(plan.dtype, plan.outShape);
  const info = new Float64Array(3);
  const { m, n, signals, lambda, form } = plan;
  const primal = form === 'primal';
  const size = primal ? n : m;
  const matrix = `${primal ? 'AᵀA + λI' : 'AAᵀ + λI'} (${form} form, λ = ${lambda})`;
  const hint = lambda === 0 ? 'A is rank-deficient for this form; use lambda > 0' : 'Use a larger lambda';
  const gramFlops = 2 * m * n * size;
  // Split only where it pays (a forced split threshold of 0, as in the tests, splits everything).
  const splitFrom = poolConfig().minFlopsPerPart === 0 ? 0 : NATIVE_RIDGE_SPLIT_MIN_FLOPS;
  if (poolConfig().threads === 1 || gramFlops < splitFrom) {
    // One fused call: Gram, Cholesky and solves in float64 inside the addon.
    await run('ridge', { a: dense(a), y: dense(y), out: result.storage, m, n, signals, lambda, form, info },
      gramFlops + size ** 3 / 3 + 2 * (m * n + size ** 2) * signals);
    checkPivot(info, 'ridge', matrix, hint);
    return result;
  }
  // With the pool on: the Gram product and the right-hand-side products are float64 matmuls that
  // the pool splits by rows; the addon factors and solves.
  const a64 = toFloat64(a, [m, n]);
  const y64 = toFloat64(y, [m, signals]);
  const g = await matmul(product(size, size, primal ? m : n, primal, !primal), [a64, a64], options);
  const gs = g.storage as Float64Array;
  for (let i = 0; i < size; i++) gs[i * size + i] += lambda;
  const rhs = primal ? await matmul(product(n, signals, m, true, false), [a64, y64], options) : y64;
  const z = out('float64', [size, signals]);
  await run('solveSPD', { s: gs, b: rhs.storage, out: z.storage, n: size, nrhs: signals, info },
    size ** 3 / 3 + 2 * size ** 2 * signals);
  checkPivot(info, 'ridge', matrix, hint);
  const x = primal ? z : await matmul(product(n, signals, m, true, false), [a64, z], options);
  result.storage.set(x.storage);
  return result;
}

/** The plan of a float64 product op(A)·op(B) of [rows, cols] over depth `depth`. */
function product(rows: number, cols: number, depth: number, transA: boolean, transB: boolean): MatmulPlan {
  return Object.freeze({
    dtype: 'float64', m: rows, n: cols, k: depth, transA, transB, batchShape: [], outShape: [rows, cols], activation: 'none', hasBias: false,
  });
}


let probed: Promise<Probe> | undefined;

export const nativeBackend: Backend = Object.freeze({
  name: 'native',
  probe: () =>
    (probed ??= Promise.resolve().then((): Probe => {
      const r = nativeAddon();
      return r.ok ? { ok: true } : { ok: false, reason: r.reason };
    })),
  kernels: Object.freeze({ matmul, conv2d, pool2d, unary, binary, reduce, cholesky, solveSPD, ridge, where, softmax, batchNorm, layerNorm }),
});
