/**
 * ridge: x̂ = argmin ‖Ax − y‖² + λ‖x‖² = (AᵀA + λI)⁻¹Aᵀy for A of shape [m, n] (m measurements,
 * n unknowns). The dual form Aᵀ(AAᵀ + λI)⁻¹y gives the same x̂ and solves an m×m system instead of
 * n×n; 'auto' takes it when m < n. Both are solved by Cholesky, never by forming an inverse.
 */
import { dispatch } from '../dispatch.js';
import type { MatmulPlan, OpOptions, RidgeForm, RidgePlan } from '../plans.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { describe, type Tensor } from '../tensor.js';
import { checkOptions, expectFloat, expectOneOf, expectRank, expectSameDtype, expectTensor } from './checks.js';

export type { RidgeForm, RidgePlan };

export interface RidgeOptions extends OpOptions {
  /** The regularisation weight λ: finite and ≥ 0. Required: its scale depends on the data. */
  lambda: number;
  /** 'primal' solves (AᵀA + λI)x = Aᵀy, 'dual' x = Aᵀ(AAᵀ + λI)⁻¹y; 'auto' (default) picks dual when m < n. */
  form?: RidgeForm;
}

export function planRidge(aIn: unknown, yIn: unknown, options: RidgeOptions): RidgePlan {
  const op = 'ridge';
  const a = expectTensor(op, 'A', aIn);
  const y = expectTensor(op, 'y', yIn);
  options = checkOptions<RidgeOptions>(op, options, ['lambda', 'form']) as RidgeOptions;
  const lambda = options?.lambda;
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
    throw new InvalidArgumentError(
      op,
      `lambda must be a finite number ≥ 0; received ${describe(lambda)}`,
      'Pass e.g. { lambda: 0.1 }; larger values shrink x̂ towards 0',
    );
  }
  const requested = options.form === undefined ? 'auto' : expectOneOf(op, 'form', options.form, ['auto', 'primal', 'dual'] as const);
  expectFloat(op, 'A', a);
  const dtype = expectSameDtype(op, [['A', a], ['y', y]]) as 'float32' | 'float64';
  expectRank(op, 'A', a, 2);
  expectRank(op, 'y', y, [1, 2]);
  const [m, n] = a.shape as [number, number];
  if (m === 0 || n === 0) {
    throw new ShapeError(op, `A must have at least one row and one column; received ${formatShape(a.shape)}`);
  }
  if (y.shape[0] !== m) {
    throw new ShapeError(
      op,
      `y must have ${m} rows, one per measurement (row of A); received A ${formatShape(a.shape)}, y ${formatShape(y.shape)}`,
      'Pass y as [m] or [m, signals]',
    );
  }
  const signals = y.rank === 1 ? 1 : y.shape[1]!;
  const form = requested === 'auto' ? (m < n ? 'dual' : 'primal') : requested;
  const size = form === 'primal' ? n : m;
  const primal = form === 'primal';
  return Object.freeze({
    dtype, m, n, signals, form, lambda, size,
    outShape: Object.freeze(y.rank === 1 ? [n] : [n, signals]),
    // G = AᵀA [n, n] (primal) or AAᵀ [m, m] (dual), over A [m, n].
    gram: product(size, size, primal ? m : n, primal, !primal),
    // primal: Aᵀy [n, signals]; dual: Aᵀz [n, signals] with z = G⁻¹y.
    product: product(n, signals, m, true, false),
    solve: Object.freeze({ dtype: 'float64' as const, n: size, nrhs: signals, outShape: Object.freeze([size, signals]) }),
  });
}

/** The plan of a float64 product op(A)·op(B) of [rows, cols] over depth `depth`. */
function product(rows: number, cols: number, depth: number, transA: boolean, transB: boolean): MatmulPlan {
  return Object.freeze({
    dtype: 'float64', m: rows, n: cols, k: depth, transA, transB,
    batchShape: Object.freeze([]), outShape: Object.freeze([rows, cols]), activation: 'none', hasBias: false,
  });
}

/**
 * Ridge (Tikhonov) reconstruction of x from y ≈ A·x, for one signal (y of shape [m]) or many at
 * once (y of shape [m, signals]).
 * @throws NOT_POSITIVE_DEFINITE when λ = 0 and the system is singular.
 * @example
 * const A = randn([64, 256], { seed: 1 }), y = randn([64], { seed: 2 });
 * const x = await ridge(A, y, { lambda: 0.1 });                 // shape [256], dual form
 */
export function ridge(a: Tensor, y: Tensor, options: RidgeOptions): Tensor {
  return dispatch('ridge', planRidge(a, y, options), [a, y], options);
}
