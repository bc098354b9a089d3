/**
 * The general linear algebra of numpy.linalg: solve, lu, inv, det, slogdet, qr, lstsq, svd,
 * svdvals, pinv, matrixRank, triangularSolve. Matrices are rank-2 (right-hand sides rank 1 or 2),
 * float32 or float64; everything is computed in float64 on a dense copy and returned in the
 * input's dtype (a float32 input is rounded once, at the end). Inputs must be finite.
 *
 * Each function is validate → kernel (src/kernels/linalg/) → wrap, and runs synchronously
 * (`await` on the result works too). A singular matrix given to solve or inv is an
 * INVALID_ARGUMENT error (exactly-zero pivot, as LAPACK's getrf reports); det of it is 0.
 */
import { DTypeError, InvalidArgumentError, LeptonError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { luDeterminant, luF64, luInverseF64, luPermutation, luSlogdet, luSolveF64 } from '../kernels/linalg/lu.js';
import { lstsqF64, pinvF64, rankOf, singularValuesF64 } from '../kernels/linalg/lstsq.js';
import { qrF64, qrFormQ } from '../kernels/linalg/qr.js';
import { svdF64 } from '../kernels/linalg/svd.js';
import { eighF64 } from '../kernels/eigh.js';
import { firstZeroDiagonal, triangularSolveF64 } from '../kernels/linalg/triangular.js';
import { expectBoolean, expectFloat, expectOneOf, expectRank, expectTensor } from './checks.js';
import { checkElements } from '../limits.js';
import { denseF64, expectOptions, expectTolerance, scalar, wrap } from './dense.js';

type FloatDType = 'float32' | 'float64';

const EPSILON: Readonly<Record<FloatDType, number>> = { float32: 2 ** -23, float64: 2 ** -52 };

interface Matrix {
  readonly dtype: FloatDType;
  readonly m: number;
  readonly n: number;
  readonly data: Float64Array;
}

function matrix(op: string, name: string, value: unknown): Matrix {
  const t = expectTensor(op, name, value);
  const dtype = expectFloat(op, name, t);
  expectRank(op, name, t, 2);
  const [m, n] = t.shape as [number, number];
  return { dtype, m, n, data: denseF64(op, name, t, true) };
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
  return { vector: t.rank === 1, nrhs, data: denseF64(op, 'B', t, true) };
}

function singular(op: string, name: string, pivot: number, n: number): LeptonError {
  return new InvalidArgumentError(
    op,
    `${name} is singular: pivot ${pivot} of its LU factorisation is 0; received a ${n}×${n} matrix of rank < ${n}`,
    'Check the matrix, or use linalg.lstsq (least squares) or linalg.pinv for a minimum-norm answer',
  );
}

function notConverged(op: string, a: Matrix): LeptonError {
  return new InvalidArgumentError(
    op,
    `the SVD did not converge; received a ${a.m}×${a.n} matrix`,
    'Scale the matrix or report it as a bug with the values',
  );
}

/**
 * X with A·X = B for square A, by LU with partial pivoting; B is [n] or [n, k] (many right-hand
 * sides at once) and X has B's shape.
 * @throws INVALID_ARGUMENT when A is singular (a zero pivot) or holds NaN/Infinity;
 *   SHAPE_MISMATCH for a non-square A or a B with the wrong rows; DTYPE_MISMATCH for int32 or mixed dtypes.
 * @example
 * const x = linalg.solve(tensor([[3, 1], [1, 2]]), tensor([9, 8]));   // [2, 3]
 */
export function solve(a: Tensor, b: Tensor): Tensor {
  const op = 'linalg.solve';
  const A = square(op, 'A', a);
  const B = rightHandSide(op, A, 'A', b, A.n);
  const piv = new Int32Array(A.n);
  const info = luF64(A.n, A.n, A.data, piv);
  if (info >= 0) throw singular(op, 'A', info, A.n);
  luSolveF64(A.n, A.data, piv, B.data, B.nrhs);
  return wrap(A.dtype, B.vector ? [A.n] : [A.n, B.nrhs], B.data);
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
export function lu(a: Tensor): LuFactors {
  const A = matrix('linalg.lu', 'A', a);
  const { m, n } = A;
  const k = Math.min(m, n);
  const piv = new Int32Array(k);
  luF64(m, n, A.data, piv);
  const l = new Float64Array(m * k);
  const u = new Float64Array(k * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      if (j < i) l[i * k + j] = A.data[i * n + j]!;
      else if (j === i) l[i * k + j] = 1;
    }
  }
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) u[i * n + j] = A.data[i * n + j]!;
  return {
    p: new Tensor('int32', [m], luPermutation(m, piv)),
    l: wrap(A.dtype, [m, k], l),
    u: wrap(A.dtype, [k, n], u),
  };
}

/**
 * The inverse of a square matrix, by LU (prefer linalg.solve to multiplying by an inverse).
 * @throws INVALID_ARGUMENT when A is singular or holds NaN/Infinity; SHAPE_MISMATCH when not square.
 * @example
 * const ai = linalg.inv(tensor([[4, 7], [2, 6]]));   // [[0.6, -0.7], [-0.2, 0.4]]
 */
export function inv(a: Tensor): Tensor {
  const op = 'linalg.inv';
  const A = square(op, 'A', a);
  const piv = new Int32Array(A.n);
  const info = luF64(A.n, A.n, A.data, piv);
  if (info >= 0) throw singular(op, 'A', info, A.n);
  return wrap(A.dtype, [A.n, A.n], luInverseF64(A.n, A.data, piv));
}

/**
 * The determinant, a rank-0 tensor (0 for a singular matrix, 1 for 0×0; may overflow to ±∞ where
 * slogdet does not).
 * @example
 * const d = linalg.det(tensor([[1, 2], [3, 4]]));   // -2
 */
export function det(a: Tensor): Tensor {
  const A = square('linalg.det', 'A', a);
  const piv = new Int32Array(A.n);
  luF64(A.n, A.n, A.data, piv);
  return scalar(A.dtype, luDeterminant(A.n, A.data, piv));
}

/**
 * sign(det A) and log|det A| as rank-0 tensors, without overflow; (0, −∞) for a singular A.
 * @example
 * const { sign, logAbsDet } = linalg.slogdet(tensor([[1, 2], [3, 4]]));   // -1, log 2
 */
export function slogdet(a: Tensor): { sign: Tensor; logAbsDet: Tensor } {
  const A = square('linalg.slogdet', 'A', a);
  const piv = new Int32Array(A.n);
  luF64(A.n, A.n, A.data, piv);
  const { sign, logAbsDet } = luSlogdet(A.n, A.data, piv);
  return { sign: scalar(A.dtype, sign), logAbsDet: scalar(A.dtype, logAbsDet) };
}

/** Options of linalg.qr. */
export interface QrOptions {
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
  const o = expectOptions<QrOptions>(op, options, ['mode']);
  const mode = o.mode === undefined ? 'reduced' : expectOneOf(op, 'mode', o.mode, ['reduced', 'complete'] as const);
  const { m, n } = A;
  if (mode === 'complete') checkElements(op, `Q (m×m = ${m}×${m}, mode 'complete')`, m * m);
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  qrF64(m, n, A.data, tau);
  const rows = mode === 'complete' ? m : k;
  const r = new Float64Array(rows * n);
  for (let i = 0; i < Math.min(rows, k); i++) for (let j = i; j < n; j++) r[i * n + j] = A.data[i * n + j]!;
  const q = qrFormQ(m, n, A.data, tau, rows);
  return { q: wrap(A.dtype, [m, rows], q), r: wrap(A.dtype, [rows, n], r) };
}

/** Options of linalg.lstsq. */
export interface LstsqOptions {
  /** Singular values ≤ rcond·s_max count as zero; default ε·max(m, n), ε of the input dtype (numpy). */
  readonly rcond?: number;
}

/** What linalg.lstsq returns (numpy's four results). */
export interface LstsqResult {
  /** [n] or [n, k] (B's trailing shape): the minimum-norm least-squares solution. */
  readonly x: Tensor;
  /** [k] sums of squared residuals per column when rank = n < m; else [0] (numpy). */
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
  const o = expectOptions<LstsqOptions>(op, options, ['rcond']);
  const rcond = expectTolerance(op, 'rcond', o.rcond) ?? EPSILON[A.dtype] * Math.max(A.m, A.n);
  const r = lstsqF64(A.m, A.n, A.data, B.data, B.nrhs, rcond);
  if (!r) throw notConverged(op, A);
  return {
    x: wrap(A.dtype, B.vector ? [A.n] : [A.n, B.nrhs], r.x),
    residuals: wrap(A.dtype, [B.vector && r.residuals.length ? 1 : r.residuals.length], r.residuals),
    rank: scalar('int32', r.rank),
    s: wrap(A.dtype, [r.s.length], r.s),
  };
}

/** Options of linalg.svd. */
export interface SvdOptions {
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
  const o = expectOptions<SvdOptions>(op, options, ['fullMatrices']);
  const full = o.fullMatrices === undefined ? true : expectBoolean(op, 'fullMatrices', o.fullMatrices);
  const { m, n } = A;
  if (full) checkElements(op, `U or Vᵀ (${Math.max(m, n)}×${Math.max(m, n)}, fullMatrices: true)`, Math.max(m, n) ** 2);
  const k = Math.min(m, n);
  if (k === 0) {
    const um = full ? m : 0;
    const vn = full ? n : 0;
    const u = new Float64Array(m * um);
    for (let i = 0; i < um; i++) u[i * um + i] = 1;
    const vt = new Float64Array(vn * n);
    for (let i = 0; i < vn; i++) vt[i * n + i] = 1;
    return { u: wrap(A.dtype, [m, um], u), s: wrap(A.dtype, [0], new Float64Array(0)), vt: wrap(A.dtype, [vn, n], vt) };
  }
  const r = svdF64(m, n, A.data, full, true);
  if (!r) throw notConverged(op, A);
  return { u: wrap(A.dtype, [m, r.ucols], r.u), s: wrap(A.dtype, [k], r.s), vt: wrap(A.dtype, [r.vrows, n], r.vt) };
}

/**
 * The singular values alone, descending ([min(m, n)]); cheaper than svd (no vectors).
 * @example
 * const s = linalg.svdvals(tensor([[3, 0], [0, -2]]));   // [3, 2]
 */
export function svdvals(a: Tensor): Tensor {
  const op = 'linalg.svdvals';
  const A = matrix(op, 'A', a);
  const s = singularValues(op, A);
  return wrap(A.dtype, [s.length], s);
}

function singularValues(op: string, A: Matrix): Float64Array {
  if (A.m === 0 || A.n === 0) return new Float64Array(0);
  const s = singularValuesF64(A.m, A.n, A.data);
  if (!s) throw notConverged(op, A);
  return s;
}

/** Options of linalg.pinv. */
export interface PinvOptions {
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
  const o = expectOptions<PinvOptions>(op, options, ['rtol']);
  const rtol = expectTolerance(op, 'rtol', o.rtol) ?? 1e-15;
  checkElements(op, `the m×m identity it applies (${A.m}×${A.m})`, A.m * A.m);
  const p = pinvF64(A.m, A.n, A.data, rtol);
  if (!p) throw notConverged(op, A);
  return wrap(A.dtype, [A.n, A.m], p);
}

/** Options of linalg.matrixRank. */
export interface MatrixRankOptions {
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
  const o = expectOptions<MatrixRankOptions>(op, options, ['tol']);
  const given = expectTolerance(op, 'tol', o.tol);
  const s = singularValues(op, A);
  const tol = given ?? (s.length ? s[0]! * Math.max(A.m, A.n) * EPSILON[A.dtype] : 0);
  return scalar('int32', rankOf(s, tol));
}

/** Options of linalg.triangularSolve (scipy's solve_triangular). */
export interface TriangularSolveOptions {
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
  const o = expectOptions<TriangularSolveOptions>(op, options, ['lower', 'transpose', 'unitDiagonal']);
  const flag = (name: keyof TriangularSolveOptions): boolean =>
    o[name] === undefined ? false : expectBoolean(op, name, o[name]);
  const settings = { lower: flag('lower'), transpose: flag('transpose'), unitDiagonal: flag('unitDiagonal') };
  const zero = firstZeroDiagonal(A.n, A.data, settings.unitDiagonal);
  if (zero >= 0) {
    throw new InvalidArgumentError(
      op,
      `A is singular: its diagonal entry [${zero}, ${zero}] is 0; received a ${A.n}×${A.n} triangular matrix`,
      'Check the matrix (or pass { unitDiagonal: true } if its diagonal is implicitly 1)',
    );
  }
  triangularSolveF64(A.n, A.data, B.data, B.nrhs, settings);
  return wrap(A.dtype, B.vector ? [A.n] : [A.n, B.nrhs], B.data);
}

/**
 * Symmetric eigendecomposition A = V·diag(values)·Vᵀ (lower triangle read): values ascending,
 * orthonormal eigenvectors as the columns of `vectors`. Householder tridiagonalisation, then
 * implicit QL; float64 inside, the input's dtype out.
 * @example
 * const { values, vectors } = linalg.eigh(tensor([[2, 1], [1, 2]]));   // values [1, 3]
 */
export function eigh(a: Tensor): { values: Tensor; vectors: Tensor } {
  const A = square('linalg.eigh', 'A', a);
  if (A.n === 0) return { values: wrap(A.dtype, [0], new Float64Array(0)), vectors: wrap(A.dtype, [0, 0], new Float64Array(0)) };
  const r = eighF64(A.n, A.data);
  return { values: wrap(A.dtype, [A.n], r.values), vectors: wrap(A.dtype, [A.n, A.n], r.vectors) };
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
