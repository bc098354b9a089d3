/**
 * linalg.cholesky and linalg.solveSPD: the symmetric positive definite toolkit under ridge.
 * Only the lower triangle of S is read (the LAPACK convention); the factorisation and the solves
 * run in float64 whatever the input dtype, and the result has the input's dtype.
 */
import { dispatch } from '../dispatch.js';
import { linalgExt } from './linalg-ext.js';
import type { CholeskyPlan, OpOptions, SolveSpdPlan } from '../plans.js';
import { ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions, expectFloat, expectRank, expectSameDtype, expectTensor } from './checks.js';

export type { CholeskyPlan, SolveSpdPlan };

function expectSquare(op: string, s: Tensor): number {
  expectRank(op, 'S', s, 2);
  const [rows, cols] = s.shape as [number, number];
  if (rows !== cols) {
    throw new ShapeError(op, `S must be square; received ${formatShape(s.shape)}`, 'Pass an n×n symmetric positive definite matrix');
  }
  return rows;
}

export function planCholesky(sIn: unknown, options?: OpOptions): CholeskyPlan {
  const op = 'linalg.cholesky';
  const s = expectTensor(op, 'S', sIn);
  checkOptions(op, options);
  const dtype = expectFloat(op, 'S', s);
  const n = expectSquare(op, s);
  return Object.freeze({ dtype, n, outShape: Object.freeze([n, n]) });
}

export function planSolveSpd(sIn: unknown, bIn: unknown, options?: OpOptions): SolveSpdPlan {
  const op = 'linalg.solveSPD';
  const s = expectTensor(op, 'S', sIn);
  const b = expectTensor(op, 'B', bIn);
  checkOptions(op, options);
  expectFloat(op, 'S', s);
  const dtype = expectSameDtype(op, [['S', s], ['B', b]]) as 'float32' | 'float64';
  const n = expectSquare(op, s);
  expectRank(op, 'B', b, [1, 2]);
  if (b.shape[0] !== n) {
    throw new ShapeError(
      op,
      `B must have ${n} rows to match S ${formatShape(s.shape)}; received B ${formatShape(b.shape)}`,
      'Pass B as [n] or [n, k] (one right-hand side per column)',
    );
  }
  const nrhs = b.rank === 1 ? 1 : b.shape[1]!;
  return Object.freeze({ dtype, n, nrhs, outShape: Object.freeze([...b.shape]) });
}

/**
 * The lower-triangular L with S = L·Lᵀ, for symmetric positive definite S (lower triangle read).
 * @throws NOT_POSITIVE_DEFINITE when a pivot is not positive.
 * @example
 * const L = linalg.cholesky(tensor([[4, 2], [2, 3]]));   // [[2, 0], [1, √2]]
 */
function cholesky(s: Tensor, options?: OpOptions): Tensor {
  return dispatch('cholesky', planCholesky(s, options), [s], options, 'linalg.cholesky');
}

/**
 * X = S⁻¹B for symmetric positive definite S, by Cholesky and two triangular solves (no inverse).
 * B is [n] or [n, k]: many right-hand sides are solved at once.
 * @throws NOT_POSITIVE_DEFINITE when S is not positive definite.
 * @example
 * const x = linalg.solveSPD(tensor([[4, 2], [2, 3]]), tensor([2, 1]));
 */
function solveSPD(s: Tensor, b: Tensor, options?: OpOptions): Tensor {
  return dispatch('solveSPD', planSolveSpd(s, b, options), [s, b], options, 'linalg.solveSPD');
}

/**
 * Linear algebra, every op through the op table on every backend: Cholesky and SPD solves, and
 * the general ops (solve, lu, inv, det, slogdet, qr, lstsq, eigh, svd, svdvals, pinv, matrixRank,
 * triangularSolve), which compute in float64 and return the input's dtype.
 */
export const linalg = Object.freeze({ cholesky, solveSPD, ...linalgExt });
