/**
 * Orthogonal matching pursuit (Pati, Rezaiifar & Krishnaprasad 1993; Tropp & Gilbert 2007).
 *
 * Each step picks the column most correlated with the residual (correlations divided by the
 * column norms), then re-fits y on the selected columns by least squares. The least-squares solve
 * is updated, not redone: with the Gram matrix G = A_SᵀA_S = L·Lᵀ, a new column a adds the row
 * w = L⁻¹(A_Sᵀa), d = √(‖a‖² − ‖w‖²) to L, and z = L⁻¹(A_Sᵀy) gains (aᵀy − w·z)/d; then
 * x_S = L⁻ᵀz (a triangular solve) and r = y − A_S·x_S.
 *
 * The correlations Aᵀ·R of all signals still running are one product per step through the
 * operator (for a matrix, one public `matmul`: a GEMV for one signal, a GEMM for a batch, split
 * across the pool by the op layer when large); selection, the Cholesky update and the residual are
 * float64 loops over the selected columns (O(m·s) per signal per step). Columns of a matrix are
 * read from one transposed float64 copy; those of a matrix-free operator are A·e_j.
 */
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectFinite, expectNumber, readOptions, solverOptions, Yielder, type SolverOptions } from './checks.js';
import { Products, solverInputs } from './fista.js';
import { fromFloat64, type LinearOperator } from './operators.js';
import { describe } from '../tensor.js';

export interface OmpOptions extends SolverOptions {
  /** At most this many non-zeros per signal (default min(m, n)). */
  sparsity?: number;
  /** Stop when ‖Ax − y‖ ≤ tol·‖y‖ (default 1e-6). */
  tol?: number;
}

export interface OmpResult {
  /** [n] or [n, signals]. */
  x: Tensor;
  /** The selected columns of each signal, in the order they were picked. */
  supports: number[][];
  /** max over signals of the number of steps. */
  iterations: number;
  /** max over signals of ‖Ax − y‖ / ‖y‖. */
  residual: number;
  residuals: number[];
  /** True when every signal met tol. */
  converged: boolean;
  /** Why the last signal to finish stopped: 'tolerance', 'sparsity', or 'dependent' (the next column was already spanned). */
  reason: 'tolerance' | 'sparsity' | 'dependent';
  /** Why each signal stopped. */
  reasons: Array<'tolerance' | 'sparsity' | 'dependent'>;
}

/** Float64 access to A's columns, for a matrix (gathered from its rows) or an operator (A·e_j). */
interface Columns {
  readonly norms: Float64Array;
  column(j: number): Promise<Float64Array>;
}

/** Columns made by `make` on first request and kept (signals of a batch may pick the same one). */
function keptColumns(norms: Float64Array, make: (j: number) => Float64Array | Promise<Float64Array>): Columns {
  const kept = new Map<number, Float64Array>();
  return {
    norms,
    async column(j) {
      let col = kept.get(j);
      if (!col) {
        col = await make(j);
        kept.set(j, col);
      }
      return col;
    },
  };
}

/**
 * Columns of a matrix whose values solverInputs has already checked finite (`values` may view the
 * matrix's storage), with the squared norms it summed in the same pass. A column is gathered when a
 * signal selects it (at most sparsity · signals of them), not transposed up front: a full
 * transposed copy cost more than all of OMP's products (2048×512: 8 MiB written, ~8 ms here).
 */
function matrixColumns(op: string, matrix: Tensor, values: Float64Array, norms2: Float64Array, m: number, n: number): Columns {
  return keptColumns(norms2.map(Math.sqrt), (j) => {
    // `values` may be A's own storage: a disposed A's storage may already hold another tensor.
    matrix.assertAlive(op);
    const col = new Float64Array(m);
    for (let i = 0; i < m; i++) col[i] = values[i * n + j]!;
    return col;
  });
}

async function operatorColumns(op: string, a: LinearOperator, options: SolverOptions, yielder: Yielder): Promise<Columns> {
  const [m, n] = a.shape;
  // Column norms from A applied to blocks of the identity (never the whole matrix at once).
  const norms = new Float64Array(n);
  const block = 64;
  for (let j0 = 0; j0 < n; j0 += block) {
    await yielder.tick();
    const width = Math.min(block, n - j0);
    const products = new Products(op, a, width, false, options);
    const e = new Float64Array(n * width);
    for (let j = 0; j < width; j++) e[(j0 + j) * width + j] = 1;
    const v = await products.forward(e);
    expectFinite(op, "the operator's forward output (its columns)", v, width);
    for (let i = 0; i < m; i++) for (let j = 0; j < width; j++) norms[j0 + j] += v[i * width + j]! ** 2;
  }
  for (let j = 0; j < n; j++) norms[j] = Math.sqrt(norms[j]!);
  const single = new Products(op, a, 1, true, options);
  return keptColumns(norms, (j) => {
    const e = new Float64Array(n);
    e[j] = 1;
    return single.forward(e);
  });
}

/** The state of one signal's pursuit. */
class Pursuit {
  readonly support: number[] = [];
  readonly selected: Float64Array[] = [];
  readonly chosen: Uint8Array;
  readonly l: Float64Array;
  readonly z: Float64Array;
  readonly xs: Float64Array;
  readonly w: Float64Array;
  readonly r: Float64Array;
  readonly yNorm: number;
  rNorm: number;
  reason: OmpResult['reason'] | undefined;

  constructor(readonly y: Float64Array, n: number, readonly maxS: number, readonly threshold: number) {
    this.chosen = new Uint8Array(n);
    this.l = new Float64Array(maxS * maxS);
    this.z = new Float64Array(maxS);
    this.xs = new Float64Array(maxS);
    this.w = new Float64Array(maxS);
    this.r = Float64Array.from(y);
    let yy = 0;
    for (const v of y) yy += v * v;
    this.yNorm = Math.sqrt(yy);
    this.rNorm = this.yNorm;
    if (this.rNorm <= threshold * this.yNorm) this.reason = 'tolerance';
    else if (maxS === 0) this.reason = 'sparsity';
  }

  /** Adds column `best` (its values `a`) and refits; sets `reason` when this signal is done. */
  add(best: number, a: Float64Array): void {
    const { l, w, z, xs, y, r, maxS, selected } = this;
    const m = y.length;
    const s = this.support.length;
    let aa = 0;
    let ay = 0;
    for (let i = 0; i < m; i++) {
      aa += a[i]! * a[i]!;
      ay += a[i]! * y[i]!;
    }
    // w = L⁻¹ (A_Sᵀ a), d² = ‖a‖² − ‖w‖².
    let ww = 0;
    for (let p = 0; p < s; p++) {
      const sp = selected[p]!;
      let v = 0;
      for (let i = 0; i < m; i++) v += sp[i]! * a[i]!;
      const row = p * maxS;
      for (let q = 0; q < p; q++) v -= l[row + q]! * w[q]!;
      w[p] = v / l[row + p]!;
      ww += w[p]! * w[p]!;
    }
    const d2 = aa - ww;
    if (!(d2 > 1e-10 * aa)) {
      this.reason = 'dependent';
      return;
    }
    const d = Math.sqrt(d2);
    let zs = ay;
    for (let p = 0; p < s; p++) {
      l[s * maxS + p] = w[p]!;
      zs -= w[p]! * z[p]!;
    }
    l[s * maxS + s] = d;
    z[s] = zs / d;
    selected.push(a);
    this.support.push(best);
    this.chosen[best] = 1;
    // x_S = L⁻ᵀ z, then r = y − A_S x_S.
    const k = s + 1;
    for (let p = k - 1; p >= 0; p--) {
      let v = z[p]!;
      for (let q = p + 1; q < k; q++) v -= l[q * maxS + p]! * xs[q]!;
      xs[p] = v / l[p * maxS + p]!;
    }
    r.set(y);
    for (let p = 0; p < k; p++) {
      const sp = selected[p]!;
      const coef = xs[p]!;
      for (let i = 0; i < m; i++) r[i] -= coef * sp[i]!;
    }
    let rr = 0;
    for (let i = 0; i < m; i++) rr += r[i]! * r[i]!;
    this.rNorm = Math.sqrt(rr);
    if (this.rNorm <= this.threshold * this.yNorm) this.reason = 'tolerance';
    else if (k >= maxS) this.reason = 'sparsity';
  }
}

/**
 * Sparse recovery by orthogonal matching pursuit, for one signal (y [m]) or many (y [m, signals],
 * each with its own support, all advanced together so that each step's correlations are one
 * product). Stops at `sparsity` non-zeros, at ‖Ax − y‖ ≤ tol·‖y‖, or when the next column is
 * already spanned by the chosen ones.
 * @throws INVALID_ARGUMENT for a bad sparsity or tol, NaN/Infinity in A or y (naming the first
 *   index); SHAPE_MISMATCH / DTYPE_MISMATCH when y or an operator's outputs do not fit A; the
 *   signal's reason when aborted.
 * @example
 * const A = cs.gaussian(128, 256, { seed: 1 });
 * const { x, supports } = await cs.omp(A, y, { sparsity: 10 });
 * console.log(supports[0], await cs.relativeError(xTrue, x));
 */
export async function omp(aIn: LinearOperator | Tensor, yIn: Tensor, options: OmpOptions = {}): Promise<OmpResult> {
  const op = 'cs.omp';
  const o = readOptions(op, options, ['sparsity', 'tol']);
  const ops = solverOptions(o);
  ops.signal?.throwIfAborted();
  const { a, y, yv, signals, values, norms2 } = await solverInputs(op, aIn, yIn, ops);
  const [m, n] = a.shape;
  let sparsity = Math.min(m, n);
  if (o.sparsity !== undefined) {
    if (typeof o.sparsity !== 'number' || !Number.isInteger(o.sparsity) || o.sparsity < 1) {
      throw new InvalidArgumentError(op, `sparsity must be a positive integer; received ${describe(o.sparsity)}`);
    }
    if (o.sparsity > Math.min(m, n)) {
      throw new InvalidArgumentError(op, `sparsity must be at most min(m, n) = ${Math.min(m, n)} for A [${m},${n}]; received ${o.sparsity}`,
        'OMP cannot select more columns than there are measurements');
    }
    sparsity = o.sparsity;
  }
  const tol = o.tol === undefined ? 1e-6 : expectNumber(op, 'tol', o.tol, 0, false);
  const yielder = new Yielder(ops.signal);
  const cols = values && norms2 && a.matrix ? matrixColumns(op, a.matrix, values, norms2, m, n) : await operatorColumns(op, a, ops, yielder);
  const { norms } = cols;
  const pursuits: Pursuit[] = [];
  for (let c = 0; c < signals; c++) {
    const yc = new Float64Array(m);
    for (let i = 0; i < m; i++) yc[i] = yv[i * signals + c]!;
    pursuits.push(new Pursuit(yc, n, sparsity, tol));
  }
  for (;;) {
    await yielder.tick();
    const active = pursuits.filter((p) => p.reason === undefined);
    if (active.length === 0) break;
    const b = active.length;
    const residuals = new Float64Array(m * b);
    active.forEach((p, c) => {
      for (let i = 0; i < m; i++) residuals[i * b + c] = p.r[i]!;
    });
    const correlations = await new Products(op, a, b, signals === 1 && y.rank === 1, ops).adjoint(residuals);
    expectFinite(op, "the operator's adjoint output", correlations, b);
    for (let c = 0; c < b; c++) {
      const p = active[c]!;
      let best = -1;
      let bestScore = -1;
      for (let j = 0; j < n; j++) {
        if (p.chosen[j] || norms[j] === 0) continue;
        const score = Math.abs(correlations[j * b + c]!) / norms[j]!;
        if (score > bestScore) {
          best = j;
          bestScore = score;
        }
      }
      if (best < 0) {
        p.reason = 'dependent';
        continue;
      }
      const column = await cols.column(best);
      if (column.length !== m) {
        throw new ShapeError(op, `a column of A has ${column.length} rows; expected ${m}`, `Check the operator's forward: it must return ${formatShape([m])}`);
      }
      p.add(best, column);
    }
  }
  const out = new Float64Array(n * signals);
  pursuits.forEach((p, c) => {
    for (let q = 0; q < p.support.length; q++) out[p.support[q]! * signals + c] = p.xs[q]!;
  });
  const reasons = pursuits.map((p) => p.reason ?? 'sparsity');
  const residuals = pursuits.map((p) => (p.yNorm > 0 ? p.rNorm / p.yNorm : p.rNorm));
  const failed = reasons.filter((r) => r !== 'tolerance');
  return {
    x: fromFloat64(out, y.rank === 1 ? [n] : [n, signals], a.dtype),
    supports: pursuits.map((p) => [...p.support]),
    iterations: Math.max(0, ...pursuits.map((p) => p.support.length)),
    residual: Math.max(...residuals),
    residuals,
    converged: failed.length === 0,
    reason: failed.length ? failed[failed.length - 1]! : 'tolerance',
    reasons,
  };
}
