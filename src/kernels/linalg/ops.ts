/**
 * The linalg and fft kernels of the op table, in the CPU kernel form `(plan, inputs, out)`: each
 * reads its (row-major) inputs into float64, computes with the float64 kernels beside this file
 * and writes the plan's output into `out` (rounded once when it is float32). Multi-output ops
 * write their packed parts at the plan's offsets. The js backend registers these as they are; the
 * wasm backend too (its module carries no LU/QR/SVD/eigh); the native backend reuses the checks,
 * the errors and the composites (lstsq, pinv, matrixRank over its own SVD).
 *
 * The inputs are checked here, not in the op layer, because only a kernel has the values (a
 * pending or GPU input has none yet): NaN or ±Infinity is refused with INVALID_ARGUMENT, a zero
 * pivot of solve or inv likewise.
 */
import type { TypedArray } from '../../dtype.js';
import { InvalidArgumentError, type LeptonError } from '../../errors.js';
import type {
  EighPlan, FftPlan, LstsqPlan, LuPlan, MatrixRankPlan, OpSpecs, PinvPlan, QrPlan, SlogdetPlan, SolvePlan, SquarePlan, SvdPlan,
  TriangularSolvePlan,
} from '../../plans.js';
import { formatShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { eighF64 } from '../eigh.js';
import { fftLines, irfftLines, rfftLines } from './fft.js';
import { lstsqF64, pinvF64, rankOf, singularValuesF64, type ThinSvd } from './lstsq.js';
import { luDeterminant, luF64, luInverseF64, luPermutation, luSlogdet, luSolveF64 } from './lu.js';
import { qrF64, qrFormQ } from './qr.js';
import { svdF64 } from './svd.js';
import { firstZeroDiagonal, triangularSolveF64 } from './triangular.js';

/** Machine epsilon per float dtype (the default tolerances of lstsq and matrixRank). */
export const EPSILON = { float32: 2 ** -23, float64: 2 ** -52 } as const;

/** A row-major float64 copy of a tensor's values (a new array the caller owns). */
export function f64Copy(t: Tensor): Float64Array {
  const s = t.storage;
  if (t.isContiguous) return Float64Array.from(s.subarray(t.offset, t.offset + t.size));
  return Float64Array.from(t.dataSync());
}

/** Throws INVALID_ARGUMENT at the first NaN or ±Infinity of `values` (the values of `name`, of shape `shape`). */
export function expectFinite(op: string, name: string, values: TypedArray, shape: readonly number[]): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new InvalidArgumentError(
        op,
        `${name} must hold finite values; received ${values[i]} at flat index ${i} of ${formatShape(shape)}`,
        'Replace NaN and Infinity before factorising (the result would be meaningless)',
      );
    }
  }
}

/** A finite float64 copy of a tensor input. */
export function finiteF64(op: string, name: string, t: Tensor): Float64Array {
  const values = f64Copy(t);
  expectFinite(op, name, values, t.shape);
  return values;
}

/** The error of a zero LU pivot (solve, inv). */
export function singularError(op: string, pivot: number, n: number): LeptonError {
  return new InvalidArgumentError(
    op,
    `A is singular: pivot ${pivot} of its LU factorisation is 0; received a ${n}×${n} matrix of rank < ${n}`,
    'Check the matrix, or use linalg.lstsq (least squares) or linalg.pinv for a minimum-norm answer',
  );
}

/** The error of an SVD that did not converge. */
export function notConvergedError(op: string, m: number, n: number, what = 'SVD'): LeptonError {
  return new InvalidArgumentError(op, `the ${what} did not converge; received a ${m}×${n} matrix`, 'Scale the matrix or report it as a bug with the values');
}

/** Writes the packed p (as numbers), l and u of lu's plan from factored `a` (m×n, in place) and piv. */
export function packLu(plan: LuPlan, a: Float64Array, piv: Int32Array, out: TypedArray): void {
  const { m, n } = plan;
  const k = Math.min(m, n);
  const [pp, lp, up] = plan.parts as [LuPlan['parts'][0], LuPlan['parts'][0], LuPlan['parts'][0]];
  out.set(luPermutation(m, piv), pp.offset);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < Math.min(i, k); j++) out[lp.offset + i * k + j] = a[i * n + j]!;
    if (i < k) out[lp.offset + i * k + i] = 1;
  }
  for (let i = 0; i < k; i++) for (let j = i; j < n; j++) out[up.offset + i * n + j] = a[i * n + j]!;
}

/** Writes the packed u, s, vt (or s alone) of svd's plan; the empty matrix gives identities. */
export function packSvd(plan: SvdPlan, r: { u: Float64Array; s: Float64Array; vt: Float64Array } | undefined, out: TypedArray): void {
  const { m, n, full, vectors } = plan;
  if (!vectors) {
    if (r) out.set(r.s, plan.parts[0]!.offset);
    return;
  }
  const [up, sp, vp] = plan.parts as [SvdPlan['parts'][0], SvdPlan['parts'][0], SvdPlan['parts'][0]];
  if (r) {
    out.set(r.u, up.offset);
    out.set(r.s, sp.offset);
    out.set(r.vt, vp.offset);
    return;
  }
  // k = 0: U (m×m when full) and Vᵀ (n×n when full) are identities, s is empty.
  if (full) {
    for (let i = 0; i < m; i++) out[up.offset + i * m + i] = 1;
    for (let i = 0; i < n; i++) out[vp.offset + i * n + i] = 1;
  }
}

/** What the float64 kernels share between backends: the LU factorisation and the thin SVD. */
export interface LinalgEngine {
  /** LU in place (m×n) with pivots: the first zero pivot, or −1. */
  lu(m: number, n: number, a: Float64Array, piv: Int32Array): number;
  /** The thin SVD (vectors or not); null when it did not converge. */
  thinSvd: ThinSvd;
}

const jsEngine: LinalgEngine = {
  lu: luF64,
  thinSvd: (m, n, a, wantVectors) => svdF64(m, n, a, false, wantVectors),
};

/** B's columns as a row-major n×nrhs float64 copy (a rank-1 B is one column). */
const rhsOf = (op: string, b: Tensor): Float64Array => finiteF64(op, 'B', b);

type Kernel<K extends keyof OpSpecs> = (plan: OpSpecs[K]['plan'], inputs: OpSpecs[K]['inputs'], out: TypedArray) => void;

/** The kernels that only need an engine's LU and SVD (det, slogdet, lstsq, pinv, matrixRank). */
export function engineKernels(engine: LinalgEngine): {
  det: Kernel<'det'>;
  slogdet: Kernel<'slogdet'>;
  lstsq: Kernel<'lstsq'>;
  pinv: Kernel<'pinv'>;
  matrixRank: Kernel<'matrixRank'>;
} {
  const factor = (op: string, plan: SquarePlan | SlogdetPlan, a: Tensor) => {
    const lu = finiteF64(op, 'A', a);
    const piv = new Int32Array(plan.n);
    engine.lu(plan.n, plan.n, lu, piv);
    return { lu, piv };
  };
  return {
    det: (plan: SquarePlan, [a]: readonly [Tensor], out: TypedArray) => {
      const { lu, piv } = factor('linalg.det', plan, a);
      out[0] = luDeterminant(plan.n, lu, piv);
    },
    slogdet: (plan: SlogdetPlan, [a]: readonly [Tensor], out: TypedArray) => {
      const { lu, piv } = factor('linalg.slogdet', plan, a);
      const { sign, logAbsDet } = luSlogdet(plan.n, lu, piv);
      out[plan.parts[0]!.offset] = sign;
      out[plan.parts[1]!.offset] = logAbsDet;
    },
    lstsq: (plan: LstsqPlan, [a, b]: readonly [Tensor, Tensor], out: TypedArray) => {
      const op = 'linalg.lstsq';
      const { m, n, nrhs } = plan;
      const r = lstsqF64(m, n, finiteF64(op, 'A', a), rhsOf(op, b), nrhs, plan.rcond, engine.thinSvd);
      if (!r) throw notConvergedError(op, m, n);
      const [xp, rp, kp, sp] = plan.parts as [LstsqPlan['parts'][0], LstsqPlan['parts'][0], LstsqPlan['parts'][0], LstsqPlan['parts'][0]];
      out.set(r.x, xp.offset);
      out.set(r.residuals, rp.offset);
      out[kp.offset] = r.rank;
      out.set(r.s, sp.offset);
    },
    pinv: (plan: PinvPlan, [a]: readonly [Tensor], out: TypedArray) => {
      const p = pinvF64(plan.m, plan.n, finiteF64('linalg.pinv', 'A', a), plan.rtol, engine.thinSvd);
      if (!p) throw notConvergedError('linalg.pinv', plan.m, plan.n);
      out.set(p);
    },
    matrixRank: (plan: MatrixRankPlan, [a]: readonly [Tensor], out: TypedArray) => {
      const { m, n } = plan;
      const values = finiteF64('linalg.matrixRank', 'A', a);
      const s = m === 0 || n === 0 ? new Float64Array(0) : singularValuesF64(m, n, values, engine.thinSvd);
      if (!s) throw notConvergedError('linalg.matrixRank', m, n);
      const tol = plan.tol >= 0 ? plan.tol : s.length ? s[0]! * Math.max(m, n) * EPSILON[plan.inDtype] : 0;
      out[0] = rankOf(s, tol);
    },
  };
}

/** X = A⁻¹B by LU (throws INVALID_ARGUMENT for a zero pivot). */
export function solve(plan: SolvePlan, [a, b]: readonly [Tensor, Tensor], out: TypedArray): void {
  const op = 'linalg.solve';
  const lu = finiteF64(op, 'A', a);
  const x = rhsOf(op, b);
  const piv = new Int32Array(plan.n);
  const info = luF64(plan.n, plan.n, lu, piv);
  if (info >= 0) throw singularError(op, info, plan.n);
  luSolveF64(plan.n, lu, piv, x, plan.nrhs);
  out.set(x);
}

export function lu(plan: LuPlan, [a]: readonly [Tensor], out: TypedArray): void {
  const f = finiteF64('linalg.lu', 'A', a);
  const piv = new Int32Array(Math.min(plan.m, plan.n));
  luF64(plan.m, plan.n, f, piv);
  packLu(plan, f, piv, out);
}

export function inv(plan: SquarePlan, [a]: readonly [Tensor], out: TypedArray): void {
  const op = 'linalg.inv';
  const f = finiteF64(op, 'A', a);
  const piv = new Int32Array(plan.n);
  const info = luF64(plan.n, plan.n, f, piv);
  if (info >= 0) throw singularError(op, info, plan.n);
  out.set(luInverseF64(plan.n, f, piv));
}

export function qr(plan: QrPlan, [a]: readonly [Tensor], out: TypedArray): void {
  const { m, n, rows } = plan;
  const f = finiteF64('linalg.qr', 'A', a);
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  qrF64(m, n, f, tau);
  const [qp, rp] = plan.parts as [QrPlan['parts'][0], QrPlan['parts'][0]];
  out.set(qrFormQ(m, n, f, tau, rows), qp.offset);
  for (let i = 0; i < Math.min(rows, k); i++) for (let j = i; j < n; j++) out[rp.offset + i * n + j] = f[i * n + j]!;
}

export function svd(plan: SvdPlan, [a]: readonly [Tensor], out: TypedArray): void {
  const { m, n } = plan;
  const f = finiteF64(plan.vectors ? 'linalg.svd' : 'linalg.svdvals', 'A', a);
  if (Math.min(m, n) === 0) return packSvd(plan, undefined, out);
  const r = svdF64(m, n, f, plan.full, plan.vectors);
  if (!r) throw notConvergedError(plan.vectors ? 'linalg.svd' : 'linalg.svdvals', m, n);
  packSvd(plan, r, out);
}

export function eigh(plan: EighPlan, [a]: readonly [Tensor], out: TypedArray): void {
  const f = finiteF64('linalg.eigh', 'A', a);
  if (plan.n === 0) return;
  const r = eighF64(plan.n, f);
  out.set(r.values, plan.parts[0]!.offset);
  out.set(r.vectors, plan.parts[1]!.offset);
}

export function triangularSolve(plan: TriangularSolvePlan, [a, b]: readonly [Tensor, Tensor], out: TypedArray): void {
  const op = 'linalg.triangularSolve';
  const f = finiteF64(op, 'A', a);
  const x = rhsOf(op, b);
  const zero = firstZeroDiagonal(plan.n, f, plan.unitDiagonal);
  if (zero >= 0) {
    throw new InvalidArgumentError(
      op,
      `A is singular: its diagonal entry [${zero}, ${zero}] is 0; received a ${plan.n}×${plan.n} triangular matrix`,
      'Check the matrix (or pass { unitDiagonal: true } if its diagonal is implicitly 1)',
    );
  }
  triangularSolveF64(plan.n, f, x, plan.nrhs, plan);
  out.set(x);
}

/** [outer, len, inner, width] → [outer, n, inner, width], zero-padded or truncated along len. */
function resize(x: Float64Array, outer: number, len: number, inner: number, n: number, width: number): Float64Array {
  if (n === len) return x;
  const out = new Float64Array(outer * n * inner * width);
  const keep = Math.min(n, len) * inner * width;
  for (let o = 0; o < outer; o++) out.set(x.subarray(o * len * inner * width, o * len * inner * width + keep), o * n * inner * width);
  return out;
}

/** fft, ifft, rfft, irfft (non-finite values pass through, as numpy's do). */
export function fft(plan: FftPlan, [x]: readonly [Tensor], out: TypedArray): void {
  const { kind, outer, len, inner, n, scale } = plan;
  const data = f64Copy(x);
  if (kind === 'irfft') {
    const dst = new Float64Array(outer * n * inner);
    irfftLines(data, dst, outer, len, inner, n, scale);
    out.set(dst);
    return;
  }
  if (kind === 'rfft') {
    const dst = new Float64Array(outer * ((n >> 1) + 1) * inner * 2);
    rfftLines(resize(data, outer, len, inner, n, 1), dst, outer, n, inner, scale);
    out.set(dst);
    return;
  }
  const src = resize(data, outer, len, inner, n, 2);
  const dst = new Float64Array(src.length);
  fftLines(src, dst, outer, n, inner, kind === 'ifft', scale);
  out.set(dst);
}

/** Every linalg and fft kernel of the js backend. */
export const linalgKernels = Object.freeze({
  solve, lu, inv, qr, svd, eigh, triangularSolve, fft, ...engineKernels(jsEngine),
});
