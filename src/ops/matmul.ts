/**
 * matmul: C = op(A)·op(B) (+ bias, then activation), numpy semantics: 1-D operands are promoted
 * (a to a row, b to a column) and the promoted dimension dropped from the result; dimensions
 * before the last two are batch dimensions and broadcast.
 */
import { dispatch } from '../dispatch.js';
import type { MatmulPlan, OpOptions } from '../plans.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { broadcastShapes, formatShape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import {
  ACTIVATIONS,
  checkOptions,
  expectBoolean,
  expectFloat,
  expectMinRank,
  expectOneOf,
  expectSameDtype,
  expectTensor,
  type Activation,
} from './checks.js';

export type { MatmulPlan };

export interface MatmulOptions extends OpOptions {
  /** Use Aᵀ (the last two dimensions of a swapped). */
  transA?: boolean;
  /** Use Bᵀ. */
  transB?: boolean;
  /** Added to C; broadcasts to the output shape like numpy (a 1-D bias of length n adds to every row). */
  bias?: Tensor;
  /** Applied after the bias. */
  activation?: Activation;
}

/**
 * Validates matmul's arguments and returns the plan, the kernel inputs (1-D operands and the bias
 * as views so that kernels see rank ≥ 2) and the shape the caller gets back. A contiguous 1-D
 * operand's view is the one it keeps (Tensor._vectorAsMatrix: not to be disposed); the caller
 * disposes the other inputs it did not pass. Pure (a product of a kind planned recently gets the
 * same frozen plan); exported for tests and benches.
 */
export function planMatmul(
  aIn: unknown,
  bIn: unknown,
  options: MatmulOptions = {},
): { plan: MatmulPlan; inputs: readonly [Tensor, Tensor, Tensor?]; resultShape: readonly number[] } {
  const op = 'matmul';
  let a = expectTensor(op, 'a', aIn);
  let b = expectTensor(op, 'b', bIn);
  options = checkOptions<MatmulOptions>(op, options, ['transA', 'transB', 'bias', 'activation']);
  const transA = options.transA === undefined ? false : expectBoolean(op, 'transA', options.transA);
  const transB = options.transB === undefined ? false : expectBoolean(op, 'transB', options.transB);
  const activation = options.activation === undefined ? 'none' : expectOneOf(op, 'activation', options.activation, ACTIVATIONS);
  const biasIn = options.bias === undefined ? undefined : expectTensor(op, 'bias', options.bias);
  expectFloat(op, 'a', a);
  if (a.dtype !== b.dtype || (biasIn && biasIn.dtype !== a.dtype)) {
    expectSameDtype(op, [['a', a], ['b', b], ...(biasIn ? [['bias', biasIn] as const] : [])]);
  }
  const dtype = a.dtype as 'float32' | 'float64';
  expectMinRank(op, 'a', a, 1);
  expectMinRank(op, 'b', b, 1);
  if (a.rank === 1 && transA) vectorFlag('a', a);
  if (b.rank === 1 && transB) vectorFlag('b', b);
  const aVector = a.rank === 1;
  const bVector = b.rank === 1;
  const aShape = a.shape;
  const bShape = b.shape;
  if (aVector) a = a._vectorAsMatrix(true);
  if (bVector) b = b._vectorAsMatrix(false);

  const ar = a.rank;
  const br = b.rank;
  const aRows = a.shape[ar - 2]!;
  const aCols = a.shape[ar - 1]!;
  const bRows = b.shape[br - 2]!;
  const bCols = b.shape[br - 1]!;
  const m = transA ? aCols : aRows;
  const k = transA ? aRows : aCols;
  const kb = transB ? bCols : bRows;
  const n = transB ? bRows : bCols;
  if (k !== kb) {
    const flags = [transA && 'transA', transB && 'transB'].filter(Boolean).join(', ');
    throw new ShapeError(
      op,
      `inner dimensions differ: a is ${formatShape(aShape)}, b is ${formatShape(bShape)} (${k} ≠ ${kb}${flags ? `, with ${flags}` : ''})`,
      'The last dimension of op(a) must equal the second-to-last of op(b); transpose one operand or swap the arguments',
    );
  }
  // Two matrices (the common case): no batch dimensions to broadcast.
  const batchShape = ar === 2 && br === 2 ? NO_BATCH : broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2), 'batch dimensions');
  // Which operands are vectors (1: a, 2: b): a kept plan keeps one frozen result shape for each.
  const vectors = (aVector ? 1 : 0) + (bVector ? 2 : 0);
  // A plan made before for a product of this kind (a solver's loop alternates between a few): no
  // new frozen plan. Plans with a bias or batch dimensions are made afresh.
  const kept = biasIn === undefined && batchShape === NO_BATCH ? keptPlan(dtype, m, n, k, transA, transB, activation) : undefined;
  if (kept !== undefined) {
    const resultShape = vectors === 0 ? kept.plan.outShape : (kept.results[vectors] ??= Object.freeze(resultOf(batchShape, m, n, aVector, bVector)));
    return { plan: kept.plan, inputs: [a, b], resultShape };
  }
  const outShape = batchShape.length === 0 ? [m, n] : [...batchShape, m, n];
  // Frozen: dispatch gives it to the tensor it returns. Without vectors or batch it is outShape.
  const resultShape = vectors > 0 || batchShape.length > 0 ? Object.freeze(resultOf(batchShape, m, n, aVector, bVector)) : outShape;

  let bias: Tensor | undefined;
  if (biasIn) {
    const expanded = broadcastShapes(op, resultShape, biasIn.shape, 'bias and the output');
    if (!sameShape(expanded, resultShape)) {
      throw new ShapeError(
        op,
        `bias ${formatShape(biasIn.shape)} does not broadcast to the output ${formatShape(resultShape)}`,
        'The bias may repeat over the output, not enlarge it; pass a bias of length n for a per-column bias',
      );
    }
    // Align the bias with the kernel's [...batch, m, n]: pad to the result's rank, then put back
    // the dimensions that 1-D operands dropped, as size 1.
    const padded: number[] = [...new Array<number>(resultShape.length - biasIn.rank).fill(1), ...biasIn.shape];
    const batchPart = padded.slice(0, batchShape.length);
    const rest = padded.slice(batchShape.length);
    const mDim = aVector ? 1 : rest.shift()!;
    const nDim = bVector ? 1 : rest.shift()!;
    bias = biasIn.reshape([...batchPart, mDim, nDim]);
  }

  const plan: MatmulPlan = Object.freeze({
    dtype,
    m,
    n,
    k,
    transA,
    transB,
    batchShape: batchShape === NO_BATCH ? NO_BATCH : Object.freeze(batchShape),
    outShape: Object.freeze(outShape),
    activation,
    hasBias: bias !== undefined,
  });
  // Kept with the result shape made for this call's operands (the next such call takes it).
  if (bias === undefined && plan.batchShape === NO_BATCH) keepPlan(plan).results[vectors] = resultShape;
  return { plan, inputs: bias ? [a, b, bias] : [a, b], resultShape };
}

/** The shape matmul returns: the batch dimensions, then m unless a was a vector, then n unless b was. */
function resultOf(batchShape: readonly number[], m: number, n: number, aVector: boolean, bVector: boolean): number[] {
  const r = batchShape.length === 0 ? [] : batchShape.slice();
  if (!aVector) r.push(m);
  if (!bVector) r.push(n);
  return r;
}

const NO_BATCH: readonly number[] = Object.freeze([]);
/**
 * The last few plans planMatmul made for products without bias or batch dimensions (plans are
 * frozen, so one serves every product of its kind), each with its frozen result shapes by which
 * operands were vectors (1: a, 2: b, 3: both). Eight: FISTA's loop alternates between two
 * products, a conjugate-gradient or power iteration between two or three.
 */
interface KeptPlan {
  plan: MatmulPlan;
  results: Array<readonly number[] | undefined>;
}
const KEPT_PLANS = 8;
const kept: KeptPlan[] = [];
let nextKept = 0;

function keptPlan(dtype: string, m: number, n: number, k: number, transA: boolean, transB: boolean, activation: string): KeptPlan | undefined {
  for (let i = 0; i < kept.length; i++) {
    const e = kept[i]!;
    const p = e.plan;
    if (p.m === m && p.n === n && p.k === k && p.dtype === dtype && p.transA === transA && p.transB === transB && p.activation === activation) return e;
  }
  return undefined;
}

function keepPlan(plan: MatmulPlan): KeptPlan {
  const entry: KeptPlan = { plan, results: [] };
  if (kept.length < KEPT_PLANS) kept.push(entry);
  else kept[nextKept] = entry;
  nextKept = (nextKept + 1) % KEPT_PLANS;
  return entry;
}

function vectorFlag(name: 'a' | 'b', t: Tensor): never {
  throw new InvalidArgumentError('matmul', `trans${name.toUpperCase()} needs ${name} of rank 2 or more; received ${name} of shape ${formatShape(t.shape)}`,
    `Reshape ${name} to a matrix, or drop the flag`);
}

/**
 * Matrix product with optional fused bias and activation: `activation(op(a)·op(b) + bias)`.
 * Batched over leading dimensions with numpy broadcasting; 1-D operands as numpy's matmul.
 *
 * @throws SHAPE_MISMATCH when inner or batch dimensions disagree, or the bias does not broadcast.
 * @throws DTYPE_MISMATCH for int32 or mixed dtypes.
 * @example
 * const W = randn([4, 3], { seed: 1 }), x = tensor([1, 2, 3]), b = tensor([0, 0, 1, 1]);
 * const y = matmul(W, x, { bias: b });          // y = Wx + b, shape [4]
 * const z = matmul(W, W, { transB: true, activation: 'relu' });
 */
export function matmul(a: Tensor, b: Tensor, options?: MatmulOptions): Tensor {
  // Read once: planMatmul takes the record as it is, and dispatch gets the same one.
  const o = checkOptions<MatmulOptions>('matmul', options, ['transA', 'transB', 'bias', 'activation']);
  const { plan, inputs, resultShape } = planMatmul(a, b, o);
  try {
    // The result comes in its own shape (the dimensions 1-D operands dropped are not in it).
    return dispatch('matmul', plan, inputs, o, 'matmul', resultShape);
  } finally {
    // Views the planner made (the aligned bias; a strided 1-D operand's copy): dispatch holds its
    // own. A contiguous 1-D operand's matrix view is the operand's to keep.
    if (inputs[0] !== a && !a._ownsView(inputs[0])) inputs[0].dispose();
    if (inputs[1] !== b && !b._ownsView(inputs[1])) inputs[1].dispose();
    if (inputs[2] && inputs[2] !== o.bias) inputs[2].dispose();
  }
}
