/**
 * ridge: x̂ = argmin ‖Ax − y‖² + λ‖x‖² = (AᵀA + λI)⁻¹Aᵀy for A of shape [m, n] (m measurements,
 * n unknowns). The dual form Aᵀ(AAᵀ + λI)⁻¹y gives the same x̂ and solves an m×m system instead of
 * n×n; 'auto' takes it when m < n. Both are solved by Cholesky, never by forming an inverse.
 */
import { checkOptions, dispatch, type OpOptions } from '../dispatch.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { describe, type Tensor } from '../tensor.js';
import { expectFloat, expectOneOf, expectRank, expectSameDtype, expectTensor } from './checks.js';

export type RidgeForm = 'auto' | 'primal' | 'dual';

export interface RidgeOptions extends OpOptions {
  /** The regularisation weight λ: finite and ≥ 0. Required: its scale depends on the data. */
  lambda: number;
  /** 'primal' solves (AᵀA + λI)x = Aᵀy, 'dual' x = Aᵀ(AAᵀ + λI)⁻¹y; 'auto' (default) picks dual when m < n. */
  form?: RidgeForm;
}

export interface RidgePlan {
  readonly dtype: 'float32' | 'float64';
  /** Measurements (rows of A). */
  readonly m: number;
  /** Unknowns (columns of A). */
  readonly n: number;
  /** Signals solved at once (columns of y; 1 for a vector). */
  readonly signals: number;
  readonly form: 'primal' | 'dual';
  readonly lambda: number;
  /** [n] or [n, signals]. */
  readonly outShape: readonly number[];
}

export function planRidge(aIn: unknown, yIn: unknown, options: RidgeOptions): RidgePlan {
  const op = 'ridge';
  const a = expectTensor(op, 'A', aIn);
  const y = expectTensor(op, 'y', yIn);
  checkOptions(op, options);
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
  return Object.freeze({ dtype, m, n, signals, form, lambda, outShape: Object.freeze(y.rank === 1 ? [n] : [n, signals]) });
}

/**
 * Ridge (Tikhonov) reconstruction of x from y ≈ A·x, for one signal (y of shape [m]) or many at
 * once (y of shape [m, signals]).
 * @throws NOT_POSITIVE_DEFINITE when λ = 0 and the system is singular.
 * @example
 * const A = randn([64, 256], { seed: 1 }), y = randn([64], { seed: 2 });
 * const x = await ridge(A, y, { lambda: 0.1 });                 // shape [256], dual form
 */
export async function ridge(a: Tensor, y: Tensor, options: RidgeOptions): Promise<Tensor> {
  return dispatch('ridge', planRidge(a, y, options), [a, y], options);
}
