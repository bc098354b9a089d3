/**
 * The general linear algebra of numpy.linalg: solve, lu, inv, det, slogdet, qr, lstsq, svd,
 * svdvals, pinv, matrixRank, triangularSolve, eigh. Matrices are rank-2 (right-hand sides rank 1
 * or 2), float32 or float64; every backend computes in float64 and returns the input's dtype (a
 * float32 input is rounded once, at the end).
 *
 * Each function validates, freezes a plan and goes through dispatch like every op (eager: the
 * result may be pending on the pool or the GPU). The ops with several results (lu, qr, svd, eigh,
 * slogdet, lstsq) have one packed output that `unpack` (parts.ts) splits into views. Values are
 * checked by the kernels (they alone have them): NaN/Infinity, or a singular matrix given to
 * solve or inv (an exactly-zero pivot, as LAPACK's getrf reports), is an INVALID_ARGUMENT error,
 * thrown by the call or, for deferred work, by the read. det of a singular matrix is 0.
 */
import { dispatch } from '../dispatch.js';
import { DTypeError, ShapeError } from '../errors.js';
import { EPSILON } from '../kernels/linalg/ops.js';
import type {
  EighPlan, FloatDType, LstsqPlan, LuPlan, MatrixRankPlan, OpOptions, OutputPart, PinvPlan, QrPlan, SlogdetPlan, SolvePlan,
  SquarePlan, SvdPlan, TriangularSolvePlan,
} from '../plans.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptions, expectBoolean, expectFloat, expectOneOf, expectRank, expectTensor } from './checks.js';
import { expectTolerance } from './dense.js';
import { unpack } from './parts.js';
import { checkElements } from '../limits.js';

interface Matrix {
  readonly t: Tensor;
  readonly dtype: FloatDType;
  readonly m: number;
  readonly n: number;
}

function matrix(op: string, name: string, value: unknown): Matrix {
  const t = expectTensor(op, name, value);
  const dtype = expectFloat(op, name, t);
  expectRank(op, name, t, 2);
  const [m, n] = t.shape as [number, number];
  return { t, dtype, m, n };
}

function square(op: string, name: string, value: unknown): Matrix {
  const a = matrix(op, name, value);
  if (a.m !== a.n) {
    throw new ShapeError(op, `${name} must be square; received ${formatShape([a.m, a.n])}`, 'Pass an n×n matrix');
  }
  return a;
}

/** B of A·X = B: [rows] or [rows, k], same dtype as A. */
function rightHandSide(op: string, a: Matrix, aName: string, value: unknown, rows: number) {
  const t = expectTensor(op, 'B', value);
  expectFloat(op, 'B', t);
  if (t.dtype !== a.dtype) {
    throw new DTypeError(
      op,
      `dtypes differ: ${aName} is ${a.dtype}, B is ${t.dtype}`,
      'Create both tensors with the same dtype; lepton-compute never promotes silently',
    );
  }
  expectRank(op, 'B', t, [1, 2]);
  if (t.shape[0] !== rows) {
    throw new ShapeError(
      op,
      `B must have ${rows} rows to match ${aName} ${formatShape([a.m, a.n])}; received B ${formatShape(t.shape)}`,
      'Pass B as [rows] or [rows, k] (one right-hand side per column)',
    );
  }
  const nrhs = t.rank === 1 ? 1 : t.shape[1]!;
  return { t, vector: t.rank === 1, nrhs };
}

/** The packed layout of several outputs: their parts at consecutive offsets, and [total]. */
export function layout(outputs: ReadonlyArray<readonly [shape: readonly number[], int?: boolean]>): { outShape: readonly number[]; parts: readonly OutputPart[] } {
  let offset = 0;
  const parts = outputs.map(([shape, int]) => {
    const part = Object.freeze({ offset, shape: Object.freeze([...shape]), int: int === true });
    offset += shape.reduce((p, d) => p * d, 1);
    return part;
  });
  return { outShape: Object.freeze([offset]), parts: Object.freeze(parts) };
}

/** The options every linalg op takes (backend, signal). */
export type LinalgOptions = OpOptions;

/**
 * X with A·X = B for square A, by LU with partial pivoting; B is [n] or [n, k] (many right-hand
 * sides at once) and X has B's shape.
 * @throws INVALID_ARGUMENT when A is singular (a zero pivot) or holds NaN/Infinity;
 *   SHAPE_MISMATCH for a non-square A or a B with the wrong rows; DTYPE_MISMATCH for int32 or mixed dtypes.
 * @example
 * const x = linalg.solve(tensor([[3, 1], [1, 2]]), tensor([9, 8]));   // [2, 3]
 */
export function solve(a: Tensor, b: Tensor, options?: LinalgOptions): Tensor {
  const op = 'linalg.solve';
  const A = square(op, 'A', a);
  const B = rightHandSide(op, A, 'A', b, A.n);
  checkOptions(op, options);
  const plan: SolvePlan = Object.freeze({ dtype: A.dtype, n: A.n, nrhs: B.nrhs, outShape: Object.freeze([...B.t.shape]) });
  return dispatch('solve', plan, [A.t, B.t], options, op);
}

/** The factors of P·A = L·U. */
export interface LuFactors {
  /** int32 [m]: row i of L·U is row p[i] of A (P has ones at [i, p[i]]). */
  readonly p: Tensor;
  /** [m, k] unit lower triangular (trapezoidal), k = min(m, n). */
  readonly l: Tensor;
  /** [k, n] upper triangular (trapezoidal). */
  readonly u: Tensor;
}

/**
 * LU factorisation with partial pivoting of an m×n matrix: P·A = L·U (LAPACK getrf; a singular A
 * is factored too, with zeros on U's diagonal).
 * @throws INVALID_ARGUMENT for NaN/Infinity; SHAPE_MISMATCH for rank ≠ 2; DTYPE_MISMATCH for int32.
 * @example
 * const { p, l, u } = linalg.lu(tensor([[1, 2], [3, 4]]));   // p = [1, 0]
 */
export function lu(a: Tensor, options?: LinalgOptions): LuFactors {
  const op = 'linalg.lu';
  const A = matrix(op, 'A', a);
  checkOptions(op, options);
  const { m, n } = A;
  const k = Math.min(m, n);
  const plan: LuPlan = Object.freeze({ dtype: A.dtype, m, n, ...layout([[[m], true], [[m, k]], [[k, n]]]) });
  const [p, l, u] = unpack(dispatch('lu', plan, [A.t], options, op), plan) as [Tensor, Tensor, Tensor];
  return { p, l, u };
}

/**
 * The inverse of a square matrix, by LU (prefer linalg.solve to multiplying by an inverse).
 * @throws INVALID_ARGUMENT when A is singular or holds NaN/Infinity; SHAPE_MISMATCH when not square.
 * @example
 * const ai = linalg.inv(tensor([[4, 7], [2, 6]]));   // [[0.6, -0.7], [-0.2, 0.4]]
 */
export function inv(a: Tensor, options?: LinalgOptions): Tensor {
  const op = 'linalg.inv';
  const A = square(op, 'A', a);
  checkOptions(op, options);
  const plan: SquarePlan = Object.freeze({ dtype: A.dtype, n: A.n, outShape: Object.freeze([A.n, A.n]) });
  return dispatch('inv', plan, [A.t], options, op);
}

/**
 * The determinant, a rank-0 tensor (0 for a singular matrix, 1 for 0×0; may overflow to ±∞ where
 * slogdet does not).
 * @example
 * const d = linalg.det(tensor([[1, 2], [3, 4]]));   // -2
 */
export function det(a: Tensor, options?: LinalgOptions): Tensor {
  const op = 'linalg.det';
  const A = square(op, 'A', a);
  checkOptions(op, options);
  const plan: SquarePlan = Object.freeze({ dtype: A.dtype, n: A.n, outShape: Object.freeze([]) });
  return dispatch('det', plan, [A.t], options, op);
}

/**
 * sign(det A) and log|det A| as rank-0 tensors, without overflow; (0, −∞) for a singular A.
 * @example
 * const { sign, logAbsDet } = linalg.slogdet(tensor([[1, 2], [3, 4]]));   // -1, log 2
 */
export function slogdet(a: Tensor, options?: LinalgOptions): { sign: Tensor; logAbsDet: Tensor } {
  const op = 'linalg.slogdet';
  const A = square(op, 'A', a);
  checkOptions(op, options);
  const plan: SlogdetPlan = Object.freeze({ dtype: A.dtype, n: A.n, ...layout([[[]], [[]]]) });
  const [sign, logAbsDet] = unpack(dispatch('slogdet', plan, [A.t], options, op), plan) as [Tensor, Tensor];
  return { sign, logAbsDet };
}

/** Options of linalg.qr. */
export interface QrOptions extends LinalgOptions {
  /** 'reduced' (default): Q m×k, R k×n; 'complete': Q m×m, R m×n (k = min(m, n)), as numpy. */
  readonly mode?: 'reduced' | 'complete';
}

/**
 * Householder QR: A = Q·R with Q's columns orthonormal and R upper triangular (numpy's signs).
 * @throws INVALID_ARGUMENT for an unknown mode or NaN/Infinity.
 * @example
 * const { q, r } = linalg.qr(tensor([[3, 1], [4, 2]]));   // r[0][0] = -5
 */
export function qr(a: Tensor, options?: QrOptions): { q: Tensor; r: Tensor } {
  const op = 'linalg.qr';
  const A = matrix(op, 'A', a);
  const o = checkOptions<QrOptions>(op, options, ['mode']);
  const mode = o.mode === undefined ? 'reduced' : expectOneOf(op, 'mode', o.mode, ['reduced', 'complete'] as const);
  const { m, n } = A;
  if (mode === 'complete') checkElements(op, `Q (m×m = ${m}×${m}, mode 'complete')`, m * m);
  const rows = mode === 'complete' ? m : Math.min(m, n);
  const plan: QrPlan = Object.freeze({ dtype: A.dtype, m, n, rows, ...layout([[[m, rows]], [[rows, n]]]) });
  const [q, r] = unpack(dispatch('qr', plan, [A.t], options, op), plan) as [Tensor, Tensor];
  return { q, r };
}

/** Options of linalg.lstsq. */
export interface LstsqOptions extends LinalgOptions {
  /** Singular values ≤ rcond·s_max count as zero; default ε·max(m, n), ε of the input dtype (numpy). */
  readonly rcond?: number;
}

/** What linalg.lstsq returns (numpy's four results). */
export interface LstsqResult {
  /** [n] or [n, k] (B's trailing shape): the minimum-norm least-squares solution. */
  readonly x: Tensor;
  /**
   * [k] (k = 1 for a vector B) sums of squared residuals per column when m > n, else [0]. numpy
   * also gives [0] for a rank-deficient A; lepton gives the residuals then too (the shapes of
   * the results follow from the shapes of the inputs alone).
   */
  readonly residuals: Tensor;
  /** int32 rank-0: the effective rank of A. */
  readonly rank: Tensor;
  /** [min(m, n)] singular values of A, descending. */
  readonly s: Tensor;
}

/**
 * Least squares min ‖A·X − B‖: QR for full column rank, the SVD's minimum-norm solution otherwise.
 * B is [m] or [m, k].
 * @throws INVALID_ARGUMENT for a negative rcond or NaN/Infinity; SHAPE_MISMATCH when B's rows ≠ m.
 * @example
 * const { x } = linalg.lstsq(tensor([[1, 0], [1, 1], [1, 2]]), tensor([1, 2, 4]));   // [0.833…, 1.5]
 */
export function lstsq(a: Tensor, b: Tensor, options?: LstsqOptions): LstsqResult {
  const op = 'linalg.lstsq';
  const A = matrix(op, 'A', a);
  const B = rightHandSide(op, A, 'A', b, A.m);
  const o = checkOptions<LstsqOptions>(op, options, ['rcond']);
  const rcond = expectTolerance(op, 'rcond', o.rcond) ?? EPSILON[A.dtype] * Math.max(A.m, A.n);
  const { m, n } = A;
  const xShape = B.vector ? [n] : [n, B.nrhs];
  const plan: LstsqPlan = Object.freeze({
    dtype: A.dtype, m, n, nrhs: B.nrhs, rcond,
    ...layout([[xShape], [[m > n ? B.nrhs : 0]], [[], true], [[Math.min(m, n)]]]),
  });
  const [x, residuals, rank, s] = unpack(dispatch('lstsq', plan, [A.t, B.t], options, op), plan) as [Tensor, Tensor, Tensor, Tensor];
  return { x, residuals, rank, s };
}

/** Options of linalg.svd. */
export interface SvdOptions extends LinalgOptions {
  /** true (default, numpy's): U m×m and Vᵀ n×n; false: U m×k and Vᵀ k×n, k = min(m, n). */
  readonly fullMatrices?: boolean;
}

/**
 * Singular value decomposition A = U·diag(s)·Vᵀ (Golub–Kahan bidiagonalisation and implicit QR):
 * s descending and ≥ 0, U and V with orthonormal columns; right for wide matrices too.
 * @throws INVALID_ARGUMENT for NaN/Infinity; SHAPE_MISMATCH for rank ≠ 2.
 * @example
 * const { u, s, vt } = linalg.svd(tensor([[3, 0], [0, -2]]));   // s = [3, 2]
 */
export function svd(a: Tensor, options?: SvdOptions): { u: Tensor; s: Tensor; vt: Tensor } {
  const op = 'linalg.svd';
  const A = matrix(op, 'A', a);
  const o = checkOptions<SvdOptions>(op, options, ['fullMatrices']);
  const full = o.fullMatrices === undefined ? true : expectBoolean(op, 'fullMatrices', o.fullMatrices);
  const { m, n } = A;
  if (full) checkElements(op, `U or Vᵀ (${Math.max(m, n)}×${Math.max(m, n)}, fullMatrices: true)`, Math.max(m, n) ** 2);
  const k = Math.min(m, n);
  const plan: SvdPlan = Object.freeze({
    dtype: A.dtype, m, n, full, vectors: true, ...layout([[[m, full ? m : k]], [[k]], [[full ? n : k, n]]]),
  });
  const [u, s, vt] = unpack(dispatch('svd', plan, [A.t], options, op), plan) as [Tensor, Tensor, Tensor];
  return { u, s, vt };
}

/**
 * The singular values alone, descending ([min(m, n)]); cheaper than svd (no vectors).
 * @example
 * const s = linalg.svdvals(tensor([[3, 0], [0, -2]]));   // [3, 2]
 */
export function svdvals(a: Tensor, options?: LinalgOptions): Tensor {
  const op = 'linalg.svdvals';
  const A = matrix(op, 'A', a);
  checkOptions(op, options);
  const plan: SvdPlan = Object.freeze({ dtype: A.dtype, m: A.m, n: A.n, full: false, vectors: false, ...layout([[[Math.min(A.m, A.n)]]]) });
  return unpack(dispatch('svd', plan, [A.t], options, op), plan)[0]!;
}

/** Options of linalg.pinv. */
export interface PinvOptions extends LinalgOptions {
  /** Singular values ≤ rtol·s_max are dropped; default 1e-15 (numpy's rcond default). */
  readonly rtol?: number;
}

/**
 * The Moore–Penrose pseudo-inverse (n×m for an m×n A), from the thin SVD.
 * @example
 * const p = linalg.pinv(tensor([[1, 2], [2, 4]]));   // [[0.04, 0.08], [0.08, 0.16]]
 */
export function pinv(a: Tensor, options?: PinvOptions): Tensor {
  const op = 'linalg.pinv';
  const A = matrix(op, 'A', a);
  const o = checkOptions<PinvOptions>(op, options, ['rtol']);
  const rtol = expectTolerance(op, 'rtol', o.rtol) ?? 1e-15;
  checkElements(op, `the m×m identity it applies (${A.m}×${A.m})`, A.m * A.m);
  const plan: PinvPlan = Object.freeze({ dtype: A.dtype, m: A.m, n: A.n, rtol, outShape: Object.freeze([A.n, A.m]) });
  return dispatch('pinv', plan, [A.t], options, op);
}

/** Options of linalg.matrixRank. */
export interface MatrixRankOptions extends LinalgOptions {
  /** Absolute threshold on the singular values; default s_max·max(m, n)·ε of the input dtype (numpy). */
  readonly tol?: number;
}

/**
 * The numerical rank: how many singular values exceed the tolerance. An int32 rank-0 tensor.
 * @example
 * const r = linalg.matrixRank(tensor([[1, 2], [2, 4]]));   // 1
 */
export function matrixRank(a: Tensor, options?: MatrixRankOptions): Tensor {
  const op = 'linalg.matrixRank';
  const A = matrix(op, 'A', a);
  const o = checkOptions<MatrixRankOptions>(op, options, ['tol']);
  const tol = expectTolerance(op, 'tol', o.tol) ?? -1;
  const plan: MatrixRankPlan = Object.freeze({ dtype: 'int32', inDtype: A.dtype, m: A.m, n: A.n, tol, outShape: Object.freeze([]) });
  return dispatch('matrixRank', plan, [A.t], options, op);
}

/** Options of linalg.triangularSolve (scipy's solve_triangular). */
export interface TriangularSolveOptions extends LinalgOptions {
  /** Read A's lower triangle (default false: the upper one). */
  readonly lower?: boolean;
  /** Solve Aᵀ·X = B instead (default false). */
  readonly transpose?: boolean;
  /** Take A's diagonal as ones without reading it (default false). */
  readonly unitDiagonal?: boolean;
}

/**
 * X with op(A)·X = B for triangular A (only its triangle is read), B [n] or [n, k].
 * @throws INVALID_ARGUMENT when the diagonal has a zero (and unitDiagonal is false).
 * @example
 * const x = linalg.triangularSolve(tensor([[2, 0], [1, 1]]), tensor([2, 3]), { lower: true });   // [1, 2]
 */
export function triangularSolve(a: Tensor, b: Tensor, options?: TriangularSolveOptions): Tensor {
  const op = 'linalg.triangularSolve';
  const A = square(op, 'A', a);
  const B = rightHandSide(op, A, 'A', b, A.n);
  const o = checkOptions<TriangularSolveOptions>(op, options, ['lower', 'transpose', 'unitDiagonal']);
  const flag = (name: 'lower' | 'transpose' | 'unitDiagonal'): boolean => (o[name] === undefined ? false : expectBoolean(op, name, o[name]));
  const plan: TriangularSolvePlan = Object.freeze({
    dtype: A.dtype, n: A.n, nrhs: B.nrhs, outShape: Object.freeze([...B.t.shape]),
    lower: flag('lower'), transpose: flag('transpose'), unitDiagonal: flag('unitDiagonal'),
  });
  return dispatch('triangularSolve', plan, [A.t, B.t], options, op);
}

/**
 * Symmetric eigendecomposition A = V·diag(values)·Vᵀ (lower triangle read): values ascending,
 * orthonormal eigenvectors as the columns of `vectors`. Householder tridiagonalisation, then
 * implicit QL; float64 inside, the input's dtype out.
 * @example
 * const { values, vectors } = linalg.eigh(tensor([[2, 1], [1, 2]]));   // values [1, 3]
 */
export function eigh(a: Tensor, options?: LinalgOptions): { values: Tensor; vectors: Tensor } {
  const op = 'linalg.eigh';
  const A = square(op, 'A', a);
  checkOptions(op, options);
  const plan: EighPlan = Object.freeze({ dtype: A.dtype, n: A.n, ...layout([[[A.n]], [[A.n, A.n]]]) });
  const [values, vectors] = unpack(dispatch('eigh', plan, [A.t], options, op), plan) as [Tensor, Tensor];
  return { values, vectors };
}

/** The general linear algebra ops, merged into `linalg`. */
export const linalgExt = Object.freeze({
  eigh,
  solve,
  lu,
  inv,
  det,
  slogdet,
  qr,
  lstsq,
  svd,
  svdvals,
  pinv,
  matrixRank,
  triangularSolve,
});
