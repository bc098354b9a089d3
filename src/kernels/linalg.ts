/**
 * js Cholesky and SPD solve: float64 copies of the operands, factored in place by the blocked
 * right-looking kernel (cholesky.ts), results rounded to the plan's dtype.
 */
import type { TypedArray } from '../dtype.js';
import type { CholeskyPlan, SolveSpdPlan } from '../plans.js';
import type { Tensor } from '../tensor.js';
import { choleskyInPlace, choleskySolveInPlace } from './cholesky.js';
import { toFloat64Array } from './dense.js';

const SPD_HINT = 'Pass a symmetric positive definite matrix (e.g. AᵀA + λI with λ > 0)';

export function cholesky(plan: CholeskyPlan, [s]: readonly [Tensor], out: TypedArray): void {
  const l = toFloat64Array(s);
  choleskyInPlace(l, plan.n, { op: 'linalg.cholesky', matrix: 'S', hint: SPD_HINT });
  out.set(l);
}

export function solveSPD(plan: SolveSpdPlan, [s, b]: readonly [Tensor, Tensor], out: TypedArray): void {
  const l = toFloat64Array(s);
  choleskyInPlace(l, plan.n, { op: 'linalg.solveSPD', matrix: 'S', hint: SPD_HINT });
  const x = toFloat64Array(b);
  choleskySolveInPlace(l, plan.n, x, plan.nrhs);
  out.set(x);
}
