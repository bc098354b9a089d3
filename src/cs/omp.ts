/**
 * Orthogonal matching pursuit (Pati, Rezaiifar & Krishnaprasad 1993; Tropp & Gilbert 2007).
 *
 * Each step picks the column most correlated with the residual (correlations divided by the
 * column norms), then re-fits y on the selected columns by least squares. The least-squares solve
 * is updated, not redone: with the Gram matrix G = A_SᵀA_S = L·Lᵀ, a new column a adds the row
 * w = L⁻¹(A_Sᵀa), d = √(‖a‖² − ‖w‖²) to L, and z = L⁻¹(A_Sᵀy) gains (aᵀy − w·z)/d; then
 * x_S = L⁻ᵀz (a triangular solve). Cost per step: one adjoint (m·n for a matrix) plus O(m·s + s²).
 *
 * Selection and solve run in float64 on the calling thread; for a matrix-free operator the
 * correlations use its adjoint and the selected columns are A·e_j.
 */
import type { OpOptions } from '../dispatch.js';
import { allocate } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { Tensor, describe } from '../tensor.js';
import { expectMeasurements, expectNumber, expectOperand, expectOptionsObject } from './checks.js';
import type { LinearOperator } from './operators.js';

export interface OmpOptions extends OpOptions {
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
}

/** Float64 access to A's columns and its adjoint, for a matrix or an operator. */
interface Columns {
  readonly m: number;
  readonly n: number;
  /** ‖a_j‖ for every j. */
  readonly norms: Float64Array;
  column(j: number): Promise<Float64Array>;
  /** c = Aᵀr. */
  adjoint(r: Float64Array, c: Float64Array): Promise<void>;
}

async function matrixColumns(a: Tensor): Promise<Columns> {
  const [m, n] = a.shape as [number, number];
  const values = Float64Array.from(await a.data());
  const norms = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) norms[j] += values[i * n + j]! ** 2;
  for (let j = 0; j < n; j++) norms[j] = Math.sqrt(norms[j]!);
  return {
    m,
    n,
    norms,
    async column(j) {
      const col = new Float64Array(m);
      for (let i = 0; i < m; i++) col[i] = values[i * n + j]!;
      return col;
    },
    async adjoint(r, c) {
      c.fill(0);
      for (let i = 0; i < m; i++) {
        const ri = r[i]!;
        if (ri === 0) continue;
        const row = i * n;
        for (let j = 0; j < n; j++) c[j] += values[row + j]! * ri;
      }
    },
  };
}

async function operatorColumns(a: LinearOperator, options: OpOptions): Promise<Columns> {
  const [m, n] = a.shape;
  const dtype = a.dtype;
  // Column norms from A applied to blocks of the identity (never the whole matrix at once).
  const norms = new Float64Array(n);
  const block = 64;
  for (let j0 = 0; j0 < n; j0 += block) {
    const width = Math.min(block, n - j0);
    const e = allocate(dtype, n * width);
    for (let j = 0; j < width; j++) e[(j0 + j) * width + j] = 1;
    const cols = await a.forward(new Tensor(dtype, [n, width], e), options);
    const v = await cols.data();
    cols.dispose();
    for (let i = 0; i < m; i++) for (let j = 0; j < width; j++) norms[j0 + j] += v[i * width + j]! ** 2;
  }
  for (let j = 0; j < n; j++) norms[j] = Math.sqrt(norms[j]!);
  return {
    m,
    n,
    norms,
    async column(j) {
      const e = allocate(dtype, n);
      e[j] = 1;
      const col = await a.forward(new Tensor(dtype, [n], e), options);
      const out = Float64Array.from(await col.data());
      col.dispose();
      return out;
    },
    async adjoint(r, c) {
      const rt = allocate(dtype, m);
      rt.set(r);
      const t = await a.adjoint(new Tensor(dtype, [m], rt), options);
      c.set(await t.data());
      t.dispose();
    },
  };
}

/** OMP for one signal y (float64). Writes x (length n). */
async function ompOne(
  cols: Columns,
  y: Float64Array,
  sparsity: number,
  tol: number,
  x: Float64Array,
): Promise<{ support: number[]; residual: number; reason: OmpResult['reason'] }> {
  const { m, n, norms } = cols;
  const maxS = Math.min(sparsity, m, n);
  const yNorm = Math.sqrt(y.reduce((s, v) => s + v * v, 0));
  const r = Float64Array.from(y);
  const c = new Float64Array(n);
  const L = new Float64Array(maxS * maxS);
  const z = new Float64Array(maxS);
  const xs = new Float64Array(maxS);
  const w = new Float64Array(maxS);
  const selected: Float64Array[] = [];
  const support: number[] = [];
  const chosen = new Uint8Array(n);
  let rNorm = yNorm;
  let reason: OmpResult['reason'] = 'sparsity';
  const threshold = tol * yNorm;
  if (rNorm <= threshold) reason = 'tolerance';
  while (support.length < maxS && rNorm > threshold) {
    await cols.adjoint(r, c);
    let best = -1;
    let bestScore = -1;
    for (let j = 0; j < n; j++) {
      if (chosen[j] || norms[j] === 0) continue;
      const score = Math.abs(c[j]!) / norms[j]!;
      if (score > bestScore) [best, bestScore] = [j, score];
    }
    if (best < 0) {
      reason = 'dependent';
      break;
    }
    const a = await cols.column(best);
    const s = support.length;
    // w = L⁻¹ (A_Sᵀ a), d² = ‖a‖² − ‖w‖².
    let aa = 0;
    let ay = 0;
    for (let i = 0; i < m; i++) {
      aa += a[i]! * a[i]!;
      ay += a[i]! * y[i]!;
    }
    let ww = 0;
    for (let p = 0; p < s; p++) {
      const sp = selected[p]!;
      let b = 0;
      for (let i = 0; i < m; i++) b += sp[i]! * a[i]!;
      for (let q = 0; q < p; q++) b -= L[p * maxS + q]! * w[q]!;
      w[p] = b / L[p * maxS + p]!;
      ww += w[p]! * w[p]!;
    }
    const d2 = aa - ww;
    if (!(d2 > 1e-10 * aa)) {
      reason = 'dependent';
      break;
    }
    const d = Math.sqrt(d2);
    let zs = ay;
    for (let p = 0; p < s; p++) {
      L[s * maxS + p] = w[p]!;
      zs -= w[p]! * z[p]!;
    }
    L[s * maxS + s] = d;
    z[s] = zs / d;
    selected.push(a);
    support.push(best);
    chosen[best] = 1;
    // x_S = L⁻ᵀ z, then r = y − A_S x_S.
    const k = s + 1;
    for (let p = k - 1; p >= 0; p--) {
      let v = z[p]!;
      for (let q = p + 1; q < k; q++) v -= L[q * maxS + p]! * xs[q]!;
      xs[p] = v / L[p * maxS + p]!;
    }
    r.set(y);
    for (let p = 0; p < k; p++) {
      const sp = selected[p]!;
      const coef = xs[p]!;
      for (let i = 0; i < m; i++) r[i] -= coef * sp[i]!;
    }
    rNorm = Math.sqrt(r.reduce((acc, v) => acc + v * v, 0));
    if (rNorm <= threshold) reason = 'tolerance';
  }
  x.fill(0);
  for (let p = 0; p < support.length; p++) x[support[p]!] = xs[p]!;
  return { support, residual: yNorm > 0 ? rNorm / yNorm : rNorm, reason };
}

/**
 * Sparse recovery by orthogonal matching pursuit, for one signal (y [m]) or many (y [m, signals],
 * each solved with its own support). Stops at `sparsity` non-zeros, at ‖Ax − y‖ ≤ tol·‖y‖, or
 * when the next column is already spanned by the chosen ones.
 * @throws INVALID_ARGUMENT for a bad sparsity or tol; SHAPE_MISMATCH / DTYPE_MISMATCH when y does not fit A.
 * @example
 * const A = cs.gaussian(128, 256, { seed: 1 });
 * const { x, supports } = await cs.omp(A, y, { sparsity: 10 });
 * console.log(supports[0], await cs.relativeError(xTrue, x));
 */
export async function omp(aIn: LinearOperator | Tensor, yIn: Tensor, options: OmpOptions = {}): Promise<OmpResult> {
  const op = 'cs.omp';
  const o = expectOptionsObject(op, options);
  const a = expectOperand(op, aIn);
  const { y, signals } = expectMeasurements(op, a, yIn);
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
  const ops: OpOptions = { backend: options.backend, signal: options.signal };
  const cols = a.kind === 'matrix' && a.matrix ? await matrixColumns(a.matrix) : await operatorColumns(a, ops);
  const yv = Float64Array.from(await y.data());
  const out = new Float64Array(n * signals);
  const ycol = new Float64Array(m);
  const xcol = new Float64Array(n);
  const supports: number[][] = [];
  const residuals: number[] = [];
  let reason: OmpResult['reason'] = 'tolerance';
  let converged = true;
  for (let c = 0; c < signals; c++) {
    options.signal?.throwIfAborted();
    for (let i = 0; i < m; i++) ycol[i] = yv[i * signals + c]!;
    const res = await ompOne(cols, ycol, sparsity, tol, xcol);
    for (let j = 0; j < n; j++) out[j * signals + c] = xcol[j]!;
    supports.push(res.support);
    residuals.push(res.residual);
    if (res.reason !== 'tolerance') {
      converged = false;
      reason = res.reason;
    }
  }
  const storage = allocate(a.dtype, out.length);
  storage.set(out);
  const x = new Tensor(a.dtype, y.rank === 1 ? [n] : [n, signals], storage);
  return {
    x,
    supports,
    iterations: Math.max(0, ...supports.map((s) => s.length)),
    residual: Math.max(...residuals),
    residuals,
    converged,
    reason,
  };
}
