/**
 * lassoGram: many small lasso problems in Gram form at once, each solved by FISTA to a duality-gap
 * target, split across the pool by problems. It is the inner solver of cs.fista's working sets
 * (G = A_WᵀA_W, c = A_Wᵀy for each signal's working set W), and a building block for anyone who
 * holds a Gram matrix: min_x ½xᵀGx − cᵀx + ½‖y‖² + λ‖x‖₁ = ½‖A x − y‖² + λ‖x‖₁ for G = AᵀA,
 * c = Aᵀy. float64 only (the gap test subtracts nearly equal terms).
 */
import { dispatch } from '../dispatch.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { tensor } from '../creation.js';
import type { LassoGramPlan, OpOptions } from '../plans.js';
import { describe, type Tensor } from '../tensor.js';
import { checkOptions, expectPositiveInt, expectRank, expectTensor } from './checks.js';
import { expectTolerance } from './dense.js';
import { layout } from './linalg-ext.js';
import { unpack } from './parts.js';

export { type LassoGramPlan } from '../plans.js';

export interface LassoGramOptions extends OpOptions {
  /** λ ≥ 0: one for every problem, or one per problem. */
  lambda: number | ArrayLike<number>;
  /** ‖y‖² ≥ 0 of each problem (the objective's constant; the gap needs it): one, or one per problem. */
  yy: number | ArrayLike<number>;
  /** Stop a problem when its duality gap at x is ≤ tol·yy (default 1e-6, scikit-learn's test). */
  tol?: number;
  /** FISTA iterations at most per problem (default 1000). */
  maxIter?: number;
  /** Start points, shaped as c (default 0). */
  x0?: Tensor;
  /**
   * int32, shaped as c: G is then one [n, n] matrix shared by every problem, and problem p's Gram
   * is its rows and columns columns[p] (−1: an unused slot, whose coordinate stays 0). Many
   * working sets of one A share AᵀA this way, without a k×k copy each.
   */
  columns?: Tensor;
}

export interface LassoGramResult {
  /** The solutions, shaped as c. */
  x: Tensor;
  /** int32, [] or [batch]: iterations run per problem. */
  iterations: Tensor;
  /** [] or [batch]: the duality gap at x (an upper bound on objective − optimum); NaN when the problem diverged. */
  gap: Tensor;
  /** [] or [batch]: the step constant used, 1.01·λ_max(G); 0 when G has no positive eigenvalue (x = 0). */
  lipschitz: Tensor;
}

const OPTIONS = ['lambda', 'yy', 'tol', 'maxIter', 'x0', 'columns'] as const;

function perProblem(op: string, name: string, value: unknown, batch: number): Float64Array {
  const list = typeof value === 'number' ? new Array<number>(batch).fill(value) : value;
  if (list === null || typeof list !== 'object' || typeof (list as ArrayLike<number>).length !== 'number') {
    throw new InvalidArgumentError(op, `${name} must be a number or a list of ${batch} numbers; received ${describe(value)}`);
  }
  const values = list as ArrayLike<unknown>;
  if (values.length !== batch) {
    throw new InvalidArgumentError(op, `${name} must hold one value per problem (${batch}); received ${values.length}`, 'Pass one number for all, or one per problem');
  }
  const out = new Float64Array(batch);
  for (let i = 0; i < batch; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new InvalidArgumentError(op, `${name}${typeof value === 'number' ? '' : `[${i}]`} must be a finite number ≥ 0; received ${describe(v)}`);
    }
    out[i] = v;
  }
  return out;
}

/** Validates the operands and options; the plan and the params tensor (λ, yy, target per problem). */
export function planLassoGram(op: string, gIn: unknown, cIn: unknown, options: unknown): {
  plan: LassoGramPlan; params: Tensor; g: Tensor; c: Tensor; x0?: Tensor; columns?: Tensor;
} {
  const g = expectTensor(op, 'G', gIn);
  const c = expectTensor(op, 'c', cIn);
  const o = checkOptions<LassoGramOptions>(op, options, OPTIONS);
  const columns = o.columns === undefined ? undefined : expectTensor(op, 'columns', o.columns);
  expectRank(op, 'G', g, columns ? 2 : [2, 3]);
  for (const [name, t] of [['G', g], ['c', c]] as const) {
    if (t.dtype !== 'float64') {
      throw new InvalidArgumentError(op, `${name} must be float64; received ${t.dtype}`, 'Convert it with astype(t, "float64"): the gap test needs float64');
    }
  }
  const n = g.shape[g.rank - 1]!;
  if (g.shape[g.rank - 2] !== n) {
    throw new ShapeError(op, `G must be square in its last two dimensions ([k, k] or [batch, k, k]); received ${formatShape(g.shape)}`);
  }
  let xShape: number[];
  if (columns) {
    expectRank(op, 'columns', columns, [1, 2]);
    if (columns.dtype !== 'int32') throw new InvalidArgumentError(op, `columns must be int32; received ${columns.dtype}`, 'Create it with { dtype: "int32" }');
    xShape = [...columns.shape];
  } else {
    xShape = [...g.shape.slice(0, g.rank - 2), n];
  }
  const sameAsX = (name: string, t: Tensor) => {
    if (t.rank !== xShape.length || t.shape.some((d, i) => d !== xShape[i])) {
      const of = columns ? `columns ${formatShape(columns.shape)}` : `G ${formatShape(g.shape)}`;
      throw new ShapeError(op, `${name} must have shape ${formatShape(xShape)} to match ${of}; received ${formatShape(t.shape)}`);
    }
  };
  sameAsX('c', c);
  let x0: Tensor | undefined;
  if (o.x0 !== undefined) {
    x0 = expectTensor(op, 'x0', o.x0);
    sameAsX('x0', x0);
    if (x0.dtype !== 'float64') throw new InvalidArgumentError(op, `x0 must be float64; received ${x0.dtype}`, 'Convert it with astype(x0, "float64")');
  }
  const batchShape = xShape.slice(0, xShape.length - 1);
  const k = xShape[xShape.length - 1]!;
  const batch = batchShape.length ? batchShape[0]! : 1;
  if (o.lambda === undefined) throw new InvalidArgumentError(op, 'lambda is required; received none', 'Pass { lambda: 0.1 } (one for all) or one per problem');
  if (o.yy === undefined) throw new InvalidArgumentError(op, 'yy (‖y‖² of each problem) is required; received none', 'Pass { yy: ‖y‖² } (one for all) or one per problem');
  const lambdas = perProblem(op, 'lambda', o.lambda, batch);
  const yy = perProblem(op, 'yy', o.yy, batch);
  const tol = expectTolerance(op, 'tol', o.tol) ?? 1e-6;
  const maxIter = o.maxIter === undefined ? 1000 : expectPositiveInt(op, 'maxIter', o.maxIter);
  const values = new Float64Array(3 * batch);
  for (let p = 0; p < batch; p++) {
    values[3 * p] = lambdas[p]!;
    values[3 * p + 1] = yy[p]!;
    values[3 * p + 2] = tol * yy[p]!;
  }
  const params = tensor(values, [batch, 3], { dtype: 'float64' });
  const packed = layout([[xShape], [batchShape, true], [batchShape], [batchShape]]);
  const plan: LassoGramPlan = Object.freeze({
    dtype: 'float64', batch, k, n: columns ? n : k, maxIter, hasX0: x0 !== undefined, hasColumns: columns !== undefined, ...packed,
  });
  return { plan, params, g, c, x0, columns };
}

/**
 * Solves min ½xᵀGx − cᵀx + ½yy + λ‖x‖₁ for G [k, k] and c [k], or for a batch (G [b, k, k],
 * c [b, k], each problem its own λ and yy), by FISTA with adaptive restart, until each problem's
 * duality gap at x is ≤ tol·yy or maxIter iterations. G must be symmetric positive semidefinite
 * (a Gram matrix AᵀA, with c = Aᵀy and yy = ‖y‖²); only then is the gap a certificate.
 * @throws INVALID_ARGUMENT for a non-float64 operand, a missing or negative λ or yy, a column
 *   outside [0, n) or used twice in a problem, bad options; SHAPE_MISMATCH when G is not square
 *   or c, x0 or columns do not match it.
 * @example
 * const A = randn([20, 8], { dtype: 'float64', seed: 1 }), y = randn([20], { dtype: 'float64', seed: 2 });
 * const G = matmul(A, A, { transA: true }), c = matmul(A, y, { transA: true });
 * const { x, gap } = cs.lassoGram(G, c, { lambda: 0.5, yy: (await sum(mul(y, y)).data())[0] });
 */
export function lassoGram(G: Tensor, c: Tensor, options: LassoGramOptions): LassoGramResult {
  const op = 'cs.lassoGram';
  const { plan, params, g, c: cv, x0, columns } = planLassoGram(op, G, c, options);
  let flat: Tensor;
  try {
    flat = dispatch('lassoGram', plan, [g, cv, params, x0, columns], options, op);
  } finally {
    // Pending work holds its own alias of params; a refused dispatch must not leak it.
    params.dispose();
  }
  const [x, iterations, gap, lipschitz] = unpack(flat, plan) as [Tensor, Tensor, Tensor, Tensor];
  return { x, iterations, gap, lipschitz };
}
