/**
 * FISTA (Beck & Teboulle 2009) for the lasso, min_x ½‖Ax − y‖² + λ‖x‖₁, with adaptive restart
 * (O'Donoghue & Candès 2015, gradient scheme), stopping on the duality gap (scikit-learn Lasso's
 * criterion) or on the relative change of x.
 *
 * One iteration is two products through the operator (for a matrix: two public `matmul` calls,
 * A·z and Aᵀ·r, on the backend of A or the one named by `backend`) and O(n·signals) work on the
 * values in plain float64 loops: the residual, the soft-thresholding, the momentum and restart,
 * the objective and the duality gap at the extrapolated point (free: it reuses both products).
 * Per signal, with r = y − Az and s = min(1, λ/‖Aᵀr‖∞) the dual point θ = s·r gives
 *   gap(z) = ½‖r‖² + λ‖z‖₁ − s·rᵀy + ½s²‖r‖² ≥ P(z) − P*,
 * and the run stops when every signal's gap at x (checked with two more products once the gap at
 * z is small) is ≤ tol·‖y‖², as scikit-learn's coordinate descent does.
 *
 * For an explicit matrix and criterion 'gap' (one signal or a batch), the same problem is solved
 * on growing working sets of columns (support + worst violators of |a_jᵀr| ≤ λ, doubled until the
 * full gap meets the test): the inner FISTA works on G = A_WᵀA_W, all signals' sub-problems in one
 * `lassoGram` op (its kernels run the iterations without a per-op cost, split across the pool by
 * signals), and the full gap is checked with two full products per round for the signals that
 * changed. `workingSets: false` turns it off.
 *
 * Honest ends: NaN/Infinity in A, y, x0 or an operator's first outputs is an INVALID_ARGUMENT;
 * a non-finite iterate or an objective that grows past 10⁶ times its start ends the run with
 * `converged: false, reason: 'diverged'`. The loop yields to the event loop every ~4 ms of work,
 * so an AbortSignal (e.g. AbortSignal.timeout) and timers fire while it runs.
 */
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import { expectOneOf } from '../ops/checks.js';
import { matmul } from '../ops/matmul.js';
import { tensor } from '../creation.js';
import { lassoGram } from '../ops/lasso-gram.js';
import type { Tensor } from '../tensor.js';
import {
  expectFinite,
  expectFunction,
  expectLambdas,
  expectLikeSolution,
  expectMeasurements,
  expectNumber,
  expectPositiveInteger,
  firstNonFinite,
  finiteValues,
  readOptions,
  solverOptions,
  Yielder,
  type SolverOptions,
} from './checks.js';
import { fromFloat64, type LinearOperator, expectOperand } from './operators.js';
import { Lanczos } from '../kernels/lasso-gram.js';

export { tridiagonalTop } from '../kernels/lasso-gram.js';

/** What `onIteration` is told every `checkEvery` iterations. */
export interface FistaProgress {
  iteration: number;
  /** max over signals of ‖x_k − x_{k−1}‖ / ‖x_k‖. */
  relativeChange: number;
  /** Σ over signals of ½‖Az − y‖² + λ‖z‖₁ at the extrapolated point z. */
  objective: number;
  /** max over signals of the duality gap at z divided by ‖y‖². */
  relativeGap: number;
  /** max over signals of ‖x_k − reference‖ / ‖reference‖, when `reference` was given. */
  error?: number;
}

export interface FistaOptions extends SolverOptions {
  /**
   * The ℓ1 weight λ ≥ 0 of ½‖Ax − y‖² + λ‖x‖₁: one number, or one per signal (an array or a
   * [signals] tensor). λ ≥ ‖Aᵀy‖∞ gives x = 0; λ = 0 is least squares (use criterion 'change'
   * when y is not in the range of A). Required.
   */
  lambda: number | readonly number[] | Float64Array | Tensor;
  /** Iteration limit (default 1000). */
  maxIter?: number;
  /** Tolerance of the stopping test (default 1e-6). */
  tol?: number;
  /**
   * 'change' (default): stop when every signal's ‖x_k − x_{k−1}‖/‖x_k‖ ≤ tol. 'gap': stop when
   * every signal's duality gap ≤ tol·‖y‖² (scikit-learn Lasso's test, with its tol).
   */
  criterion?: 'change' | 'gap';
  /** Starting point, shaped like x (default 0). */
  x0?: Tensor;
  /** The true signal, shaped like x: `onIteration` then reports the relative error. */
  reference?: Tensor;
  /** Called every `checkEvery` iterations; return false to stop (reason 'callback'). */
  onIteration?: (progress: FistaProgress) => boolean | void | Promise<boolean | void>;
  /** Call onIteration every this many iterations (default 5). */
  checkEvery?: number;
  /** L ≥ ‖A‖², when known (skips the estimate; e.g. 1 for a partial DCT). Too small an L diverges: reason 'diverged'. */
  lipschitz?: number;
  /**
   * With criterion 'gap' and an explicit matrix (one signal or a batch), solve on growing working
   * sets of columns, the sub-problems by `cs.lassoGram` (default true; the result carries the same
   * gap certificate). false runs plain FISTA on the whole matrix.
   */
  workingSets?: boolean;
}

export interface FistaResult {
  /** [n] or [n, signals]. */
  x: Tensor;
  iterations: number;
  /** max over signals of ‖Ax − y‖ / ‖y‖. */
  residual: number;
  /** ‖Ax − y‖ / ‖y‖ per signal. */
  residuals: number[];
  /** Σ over signals of ½‖Ax − y‖² + λ‖x‖₁ at the returned x. */
  objective: number;
  /** ½‖Ax − y‖² + λ‖x‖₁ per signal. */
  objectives: number[];
  /** max over signals of the duality gap at x (an upper bound on objective − optimum). */
  gap: number;
  /** The duality gap per signal. */
  gaps: number[];
  /** True when the stopping test was met (never after a divergence or the iteration limit). */
  converged: boolean;
  reason: 'tolerance' | 'maxIter' | 'callback' | 'diverged';
  /** The L used for the step 1/L. */
  lipschitz: number;
}

const FISTA_OPTIONS = ['lambda', 'maxIter', 'tol', 'criterion', 'x0', 'reference', 'onIteration', 'checkEvery', 'lipschitz', 'workingSets'] as const;

/** Products through an operator on float64 values, with the outputs checked on first use. */
export class Products {
  readonly m: number;
  readonly n: number;
  #checked = { forward: false, adjoint: false };
  constructor(readonly op: string, readonly a: LinearOperator, readonly signals: number, readonly vector: boolean, readonly options: SolverOptions) {
    [this.m, this.n] = a.shape;
  }

  /** A·x (x is n·signals, row-major) as float64 values m·signals. */
  forward(x: Float64Array): Promise<Float64Array> {
    return this.#apply('forward', x, this.n, this.m);
  }

  /** Aᵀ·r (r is m·signals) as float64 values n·signals. */
  adjoint(r: Float64Array): Promise<Float64Array> {
    return this.#apply('adjoint', r, this.m, this.n);
  }

  async #apply(direction: 'forward' | 'adjoint', values: Float64Array, rows: number, outRows: number): Promise<Float64Array> {
    const b = this.signals;
    const input = fromFloat64(values, this.vector ? [rows] : [rows, b], this.a.dtype);
    const out = await (direction === 'forward' ? this.a.forward(input, this.options) : this.a.adjoint(input, this.options));
    input.dispose();
    const want = this.vector ? [outRows] : [outRows, b];
    if (out.rank !== want.length || out.shape.some((d, i) => d !== want[i])) {
      out.dispose();
      throw new ShapeError(this.op, `the operator's ${direction} returned ${formatShape(out.shape)} for an input ${formatShape(input.shape)}; expected ${formatShape(want)}`,
        'Fix the operator: forward maps [n, signals] to [m, signals], adjoint [m, signals] to [n, signals]');
    }
    const v = await out.data();
    out.dispose();
    const result = v instanceof Float64Array ? v : Float64Array.from(v);
    if (!this.#checked[direction]) {
      const bad = firstNonFinite(result);
      if (bad >= 0 && firstNonFinite(values) < 0) {
        expectFinite(this.op, `the operator's ${direction} output (for a finite input)`, result, this.vector ? 1 : b);
      }
      this.#checked[direction] = true;
    }
    return result;
  }
}

/**
 * The largest eigenvalue of a symmetric PSD operator of dimension `dim` (given by its product),
 * by Lanczos with full reorthogonalisation from a fixed start (the lassoGram kernel's): at most
 * `maxSteps` steps, until the top Ritz value moves by ≤ `rtol` (relative). Ritz values approach
 * it from below; callers add a margin. NaN when a product is not finite.
 */
async function lanczosTop(dim: number, apply: (q: Float64Array) => Promise<Float64Array>, maxSteps: number, rtol: number,
  yielder?: Yielder): Promise<number> {
  const lanczos = new Lanczos(dim, maxSteps, rtol);
  for (let q: Float64Array | undefined = lanczos.start(); q; ) {
    await yielder?.tick();
    q = lanczos.next(await apply(q));
  }
  return lanczos.estimate;
}

/**
 * ‖A‖² (the largest eigenvalue of AᵀA) by Lanczos on AᵀA, until the largest Ritz value changes
 * by < 1e-7 (relative) or 40 steps. Ritz values never exceed the true value; FISTA multiplies by
 * 1.02. NaN when A's products are not finite.
 */
export async function lipschitzEstimate(products: Products, yielder: Yielder): Promise<number> {
  const single = new Products(products.op, products.a, 1, true, products.options);
  return lanczosTop(products.n, async (q) => single.adjoint(await single.forward(q)), Math.min(40, products.n), 1e-7, yielder);
}

/**
 * An estimate of ‖A‖² (the largest eigenvalue of AᵀA) by Lanczos iteration from a fixed start,
 * to a relative change of 1e-7 or 40 steps. The estimate never exceeds the true value.
 * @throws the signal's reason when `signal` is already aborted; INVALID_ARGUMENT for a bad operand.
 * @example
 * const L = await cs.normEstimate(cs.gaussian(64, 256, { seed: 1 }));
 */
export async function normEstimate(aIn: LinearOperator | Tensor, options: SolverOptions = {}): Promise<number> {
  const op = 'cs.normEstimate';
  const o = readOptions(op, options);
  const ops = solverOptions(o);
  ops.signal?.throwIfAborted();
  const a = expectOperand(op, aIn);
  if (a.kind === 'matrix' && a.matrix) expectFinite(op, 'A', await a.matrix.data(), a.shape[1], 'column');
  const value = await lipschitzEstimate(new Products(op, a, 1, true, ops), new Yielder(ops.signal));
  if (!Number.isFinite(value)) {
    throw new InvalidArgumentError(op, 'the operator produced NaN or Infinity; received a non-finite A·Aᵀ·v', 'Check the operator for non-finite values');
  }
  return value;
}

/** Everything the FISTA loop needs, validated. */
export interface FistaProblem {
  products: Products;
  y: Float64Array;
  lambdas: Float64Array;
  maxIter: number;
  tol: number;
  criterion: 'change' | 'gap';
  lipschitz: number;
  x0?: Float64Array;
  reference?: Float64Array;
  onIteration?: FistaOptions['onIteration'];
  checkEvery: number;
  yielder: Yielder;
}

/** The values the loop hands back (x as float64, row-major n·signals). */
export interface FistaValues {
  x: Float64Array;
  iterations: number;
  converged: boolean;
  reason: FistaResult['reason'];
  residuals: number[];
  objectives: number[];
  gaps: number[];
  /** The largest step constant used (working sets: the largest ‖A_W‖²). */
  lipschitz?: number;
}

/** Per signal: ½‖r‖² + λ‖x‖₁, the duality gap, ‖r‖² (r = Ax − y given as ax − y values). */
function statistics(x: Float64Array, r: Float64Array, g: Float64Array, y: Float64Array, lambdas: Float64Array, n: number, m: number, b: number) {
  const rr = new Float64Array(b);
  const ry = new Float64Array(b);
  const l1 = new Float64Array(b);
  const gmax = new Float64Array(b);
  for (let i = 0; i < m; i++) {
    for (let c = 0, at = i * b; c < b; c++, at++) {
      rr[c] += r[at]! * r[at]!;
      ry[c] += r[at]! * y[at]!;
    }
  }
  for (let j = 0; j < n; j++) {
    for (let c = 0, at = j * b; c < b; c++, at++) {
      l1[c] += Math.abs(x[at]!);
      const gv = Math.abs(g[at]!);
      if (gv > gmax[c]!) gmax[c] = gv;
    }
  }
  const objectives = new Float64Array(b);
  const gaps = new Float64Array(b);
  for (let c = 0; c < b; c++) {
    const lam = lambdas[c]!;
    objectives[c] = 0.5 * rr[c]! + lam * l1[c]!;
    // r here is Ax − y, so the residual of the gap formula is −r: −s·(−r)ᵀy = s·rᵀy.
    const s = gmax[c]! > lam ? lam / gmax[c]! : 1;
    gaps[c] = Math.max(0, 0.5 * rr[c]! * (1 + s * s) + lam * l1[c]! + s * ry[c]!);
  }
  return { objectives, gaps, rr };
}

/** The FISTA loop on validated values (also run by lassoPath with warm starts). */
export async function fistaLoop(p: FistaProblem): Promise<FistaValues> {
  const { products, y, lambdas, maxIter, tol, criterion, checkEvery, yielder } = p;
  const { m, n, signals: b } = products;
  const size = n * b;
  const step = 1 / p.lipschitz;
  const thresholds = Float64Array.from(lambdas, (l) => l * step);
  const yy = new Float64Array(b);
  for (let i = 0; i < m; i++) for (let c = 0; c < b; c++) yy[c] += y[i * b + c]! ** 2;
  let x = p.x0 ? Float64Array.from(p.x0) : new Float64Array(size);
  let xNext = new Float64Array(size);
  const z = Float64Array.from(x);
  const t = new Float64Array(b).fill(1);
  const beta = new Float64Array(b);
  const dd = new Float64Array(b);
  const xx = new Float64Array(b);
  const uphill = new Float64Array(b);
  let start: Float64Array | undefined;
  let iterations = 0;
  let reason: FistaResult['reason'] = 'maxIter';
  let converged = false;
  let zIsX = true;
  let nextCertify = 0;
  let final: { r: Float64Array; g: Float64Array } | undefined;
  const limit = (c: number) => tol * yy[c]!;

  for (let it = 1; it <= maxIter; it++) {
    await yielder.tick();
    iterations = it;
    const r = await products.forward(z);
    for (let i = 0; i < r.length; i++) r[i] -= y[i]!;
    const g = await products.adjoint(r);
    const stats = statistics(z, r, g, y, lambdas, n, m, b);
    if (firstNonFinite(stats.objectives) >= 0 || firstNonFinite(g) >= 0) {
      reason = 'diverged';
      break;
    }
    // The scale of a divergence: the larger of the starting objective and that of x = 0 (½‖y‖²).
    if (!start) start = Float64Array.from(stats.objectives, (v, c) => Math.max(v, 0.5 * yy[c]!, 1e-300));
    let grown = false;
    for (let c = 0; c < b; c++) if (stats.objectives[c]! > 1e6 * start[c]!) grown = true;
    if (grown) {
      reason = 'diverged';
      break;
    }
    if (criterion === 'gap') {
      let small = true;
      for (let c = 0; c < b && small; c++) if (stats.gaps[c]! > limit(c)) small = false;
      if (small && it >= nextCertify) {
        if (zIsX) {
          final = { r, g };
          converged = true;
          reason = 'tolerance';
          break;
        }
        // Certify x itself (the sparse iterate) with two more products.
        const rx = await products.forward(x);
        for (let i = 0; i < rx.length; i++) rx[i] -= y[i]!;
        const gx = await products.adjoint(rx);
        const sx = statistics(x, rx, gx, y, lambdas, n, m, b);
        let ok = true;
        for (let c = 0; c < b && ok; c++) if (!(sx.gaps[c]! <= limit(c))) ok = false;
        if (ok) {
          z.set(x);
          final = { r: rx, g: gx };
          converged = true;
          reason = 'tolerance';
          break;
        }
        nextCertify = it + 5;
      }
    }
    // x⁺ = S_{λ/L}(z − g/L); per signal ‖x⁺ − x‖², ‖x⁺‖², (z − x⁺)·(x⁺ − x).
    dd.fill(0);
    xx.fill(0);
    uphill.fill(0);
    for (let j = 0; j < n; j++) {
      for (let c = 0, at = j * b; c < b; c++, at++) {
        const u = z[at]! - step * g[at]!;
        const th = thresholds[c]!;
        const v = u > th ? u - th : u < -th ? u + th : 0;
        xNext[at] = v;
        const d = v - x[at]!;
        dd[c] += d * d;
        xx[c] += v * v;
        uphill[c] += (z[at]! - v) * d;
      }
    }
    let change = 0;
    for (let c = 0; c < b; c++) {
      const rel = xx[c]! > 0 ? Math.sqrt(dd[c]! / xx[c]!) : dd[c]! > 0 ? Infinity : 0;
      if (rel > change) change = rel;
      // Momentum per signal: t⁺ = (1 + √(1 + 4t²))/2, β = (t − 1)/t⁺; restart when it points uphill.
      const tn = (1 + Math.sqrt(1 + 4 * t[c]! * t[c]!)) / 2;
      beta[c] = (t[c]! - 1) / tn;
      t[c] = tn;
      if (uphill[c]! > 0) {
        t[c] = 1;
        beta[c] = 0;
      }
    }
    let stop = false;
    if (criterion === 'change' && change <= tol) {
      converged = true;
      reason = 'tolerance';
      stop = true;
    }
    if (p.onIteration && (it % checkEvery === 0 || it === maxIter)) {
      let objective = 0;
      let relativeGap = 0;
      for (let c = 0; c < b; c++) {
        objective += stats.objectives[c]!;
        relativeGap = Math.max(relativeGap, yy[c]! > 0 ? stats.gaps[c]! / yy[c]! : stats.gaps[c]!);
      }
      const progress: FistaProgress = { iteration: it, relativeChange: change, objective, relativeGap };
      if (p.reference) progress.error = relativeErrorMax(xNext, p.reference, n, b);
      if ((await p.onIteration(progress)) === false && !stop) {
        reason = 'callback';
        stop = true;
      }
    }
    [x, xNext] = [xNext, x];
    if (stop) break;
    zIsX = true;
    for (let c = 0; c < b; c++) if (beta[c] !== 0) zIsX = false;
    for (let j = 0; j < n; j++) {
      for (let c = 0, at = j * b; c < b; c++, at++) z[at] = x[at]! + beta[c]! * (x[at]! - xNext[at]!);
    }
  }
  if (reason === 'diverged') converged = false;
  if (!final) {
    const rx = await products.forward(x);
    for (let i = 0; i < rx.length; i++) rx[i] -= y[i]!;
    const gx = await products.adjoint(rx);
    final = { r: rx, g: gx };
  }
  const stats = statistics(x, final.r, final.g, y, lambdas, n, m, b);
  const residuals = Array.from(stats.rr, (v, c) => (yy[c]! > 0 ? Math.sqrt(v / yy[c]!) : Math.sqrt(v)));
  if (reason !== 'diverged' && (firstNonFinite(x) >= 0 || firstNonFinite(stats.objectives) >= 0)) {
    reason = 'diverged';
    converged = false;
  }
  return { x, iterations, converged, reason, residuals, objectives: Array.from(stats.objectives), gaps: Array.from(stats.gaps) };
}

/**
 * The value of rank `rank` (0 = smallest) of `v`, which it reorders: Hoare's selection with the
 * median of three, O(n) expected, where a full sort of the scores cost 14 % of a batch of 64.
 */
function select(v: Float64Array, rank: number): number {
  let lo = 0;
  let hi = v.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const a = v[lo]!;
    const b = v[mid]!;
    const c = v[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i]! < pivot) i++;
      while (v[j]! > pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else return v[rank]!;
  }
  return v[rank]!;
}

/**
 * The indices of the `size` largest scores (no NaN), ties going to the lower index, without those
 * scored −Infinity, in ascending order: a selection for the threshold and one pass, where sorting
 * the indices with a comparator cost 6 % of a small working-set solve.
 */
export function topScores(score: Float64Array, size: number): number[] {
  const n = score.length;
  if (size <= 0 || n === 0) return [];
  const threshold = select(score.slice(), n - Math.min(size, n));
  let above = 0;
  for (let j = 0; j < n; j++) if (score[j]! > threshold) above++;
  let ties = Math.min(size, n) - above;
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    const v = score[j]!;
    if (v === -Infinity) continue;
    if (v > threshold) out.push(j);
    else if (v === threshold && ties > 0) {
      out.push(j);
      ties--;
    }
  }
  return out;
}

/**
 * FISTA on working sets (the strategy of celer and blitz, with FISTA as the inner solver), for an
 * explicit matrix and one or many signals: each signal's lasso is solved restricted to a few
 * columns W (its support plus the columns that violate the optimality condition |a_jᵀr| ≤ λ the
 * most), the duality gap of the full problem is checked with two full products (all signals at
 * once), and a signal whose gap is too large doubles its W and goes again. Every point is a point
 * of the full problem, so the certificate is the same as plain FISTA's; the inner iterations cost
 * |W|² instead of m·n and converge faster (A_W is better conditioned than A).
 *
 * The sub-problems of a round run as one `lassoGram` op (G = A_WᵀA_W, c = A_Wᵀy; each padded to
 * the round's largest |W|, the padding held at 0): FISTA iterations without a per-op cost, split
 * across the pool by signals. When enough signals share A to pay for it
 * (signals·min(n, 2m)² ≥ 2n², n ≤ 4096), AᵀA is computed once and each sub-problem names its
 * columns of it; else each A_WᵀA_W comes from one (batched) product of the gathered columns.
 */
export async function workingSetLoop(p: FistaProblem, values: Float64Array, norms: Float64Array): Promise<FistaValues> {
  const { products, y } = p;
  const { m, n, signals: b } = products;
  const yy = new Float64Array(b);
  for (let i = 0; i < m; i++) for (let c = 0; c < b; c++) yy[c] += y[i * b + c]! ** 2;
  const x = p.x0 ? Float64Array.from(p.x0) : new Float64Array(n * b);
  const aty = await products.adjoint(y);
  const backend = products.options.backend === 'webgpu' ? undefined : products.options.backend;
  const common = { backend, signal: products.options.signal };
  const full = n <= 4096 && b * Math.min(n, 2 * m) ** 2 >= 2 * n * n ? fullGram(products, values, m, n, common) : undefined;
  try {
    return await rounds(p, values, norms, full, x, aty, yy, common);
  } finally {
    full?.dispose();
  }
}

async function rounds(p: FistaProblem, values: Float64Array, norms: Float64Array, full: Tensor | undefined, x: Float64Array, aty: Float64Array,
  yy: Float64Array, common: Common): Promise<FistaValues> {
  const { products, y, lambdas, maxIter, tol, yielder } = p;
  const { n, signals: b } = products;
  const size = new Float64Array(b).fill(10);
  const open = new Array<boolean>(b).fill(true);
  for (let j = 0; j < n; j++) for (let c = 0; c < b; c++) if (x[j * b + c] !== 0) size[c]++;
  let iterations = 0;
  let largest = 0;
  // The full problem's gradient Aᵀ(Ax − y) and statistics per signal, recomputed for the signals
  // whose x changed in the last round only (all of them at first).
  const g = new Float64Array(n * b);
  const stats = { objectives: new Float64Array(b), gaps: new Float64Array(b), rr: new Float64Array(b) };
  let changed = Array.from({ length: b }, (_, c) => c);
  // Each signal's scores, signal by signal (n each); the column norms' square roots, once.
  const score = new Float64Array(b * n);
  const roots = Float64Array.from(norms, Math.sqrt);
  const need = new Uint8Array(b);
  const supports = new Int32Array(b);
  for (;;) {
    await yielder.tick();
    if (!(await refresh(products, x, y, aty, lambdas, changed, g, stats))) return diverged(x, iterations, b);
    const residuals = Array.from(stats.rr, (v, c) => (yy[c]! > 0 ? Math.sqrt(v / yy[c]!) : Math.sqrt(v)));
    const active: number[] = [];
    const sets: number[][] = [];
    let converged = true;
    for (let c = 0; c < b; c++) {
      const unmet = stats.gaps[c]! > tol * yy[c]!;
      if (unmet) converged = false;
      need[c] = unmet && open[c] && iterations < maxIter && size[c]! < 2 * n ? 1 : 0;
    }
    scores(x, g, roots, lambdas, need, score, supports);
    for (let c = 0; c < b; c++) {
      if (!need[c]) continue;
      size[c] = Math.min(n, Math.max(size[c]!, 2 * supports[c]!));
      const w = topScores(score.subarray(c * n, (c + 1) * n), size[c]!);
      if (w.length === 0) {
        open[c] = false;
        continue;
      }
      active.push(c);
      sets.push(w);
    }
    if (active.length === 0) {
      return {
        x, iterations, converged, reason: converged ? 'tolerance' : 'maxIter', residuals,
        objectives: Array.from(stats.objectives), gaps: Array.from(stats.gaps), lipschitz: largest,
      };
    }
    const solved = await solveSubproblems(products, values, full, aty, x, active, sets, lambdas, yy, 0.3 * tol, maxIter - iterations, common, yielder);
    if (!solved) return diverged(x, iterations, b);
    iterations += solved.iterations;
    largest = Math.max(largest, solved.lipschitz);
    changed = active;
    for (let q = 0; q < active.length; q++) {
      const c = active[q]!;
      if (solved.stuck[q]) open[c] = false;
      size[c] = Math.min(2 * n, 2 * size[c]!);
    }
  }
}

/**
 * The working-set scores of each signal c with need[c] into score[c·n, (c + 1)·n): Infinity on its
 * support, then the violations (|g_j| − λ_c)/‖a_j‖ (−Infinity for a zero column), and the size of
 * its support into supports[c]. One pass over x and g (n × signals) in memory order: read signal
 * by signal, their strided columns cost a cache line per element.
 */
export function scores(x: Float64Array, g: Float64Array, roots: Float64Array, lambdas: Float64Array, need: Uint8Array, score: Float64Array,
  supports: Int32Array): void {
  const b = need.length;
  const n = roots.length;
  supports.fill(0);
  for (let j = 0; j < n; j++) {
    const root = roots[j]!;
    for (let c = 0, at = j * b; c < b; c++, at++) {
      if (need[c] === 0) continue;
      if (x[at] !== 0) {
        supports[c]++;
        score[c * n + j] = Infinity;
      } else {
        score[c * n + j] = root > 0 ? (Math.abs(g[at]!) - lambdas[c]!) / root : -Infinity;
      }
    }
  }
}

/**
 * g = Aᵀ(Ax − y) and the statistics of the signals `changed` (columns of x, y and g), by two
 * products over those columns alone (none where those columns of x are all zero, as at the
 * start: then Ax − y = −y and g = −Aᵀy, which `aty` holds); false when an objective is not finite.
 */
async function refresh(products: Products, x: Float64Array, y: Float64Array, aty: Float64Array, lambdas: Float64Array, changed: readonly number[],
  g: Float64Array, stats: { objectives: Float64Array; gaps: Float64Array; rr: Float64Array }): Promise<boolean> {
  const { m, n, signals: b } = products;
  const count = changed.length;
  if (count === 0) return true;
  const all = count === b;
  const columns = (values: Float64Array, rows: number) => {
    const out = new Float64Array(rows * count);
    for (let i = 0; i < rows; i++) for (let q = 0; q < count; q++) out[i * count + q] = values[i * b + changed[q]!]!;
    return out;
  };
  const on = all ? products : new Products(products.op, products.a, count, false, products.options);
  const xs = all ? x : columns(x, n);
  const ys = all ? y : columns(y, m);
  let zero = true;
  for (let i = 0; i < xs.length && zero; i++) zero = xs[i] === 0;
  let r: Float64Array;
  let gs: Float64Array;
  if (zero) {
    // Plain loops: Float64Array.from with a map function costs tens of ns per element.
    r = new Float64Array(ys.length);
    for (let i = 0; i < r.length; i++) r[i] = -ys[i]!;
    gs = all ? new Float64Array(aty) : columns(aty, n);
    for (let i = 0; i < gs.length; i++) gs[i] = -gs[i]!;
  } else {
    r = await on.forward(xs);
    for (let i = 0; i < r.length; i++) r[i] -= ys[i]!;
    gs = await on.adjoint(r);
  }
  const part = statistics(xs, r, gs, ys, all ? lambdas : Float64Array.from(changed, (c) => lambdas[c]!), n, m, count);
  if (firstNonFinite(part.objectives) >= 0) return false;
  for (let q = 0; q < count; q++) {
    const c = changed[q]!;
    stats.objectives[c] = part.objectives[q]!;
    stats.gaps[c] = part.gaps[q]!;
    stats.rr[c] = part.rr[q]!;
  }
  // Row by row, in memory order of both (a column at a time would touch a cache line per element).
  for (let j = 0; j < n; j++) for (let q = 0, row = j * b, from = j * count; q < count; q++) g[row + changed[q]!] = gs[from + q]!;
  return true;
}

function diverged(x: Float64Array, iterations: number, b: number): FistaValues {
  const nan = new Array<number>(b).fill(NaN);
  return { x, iterations, converged: false, reason: 'diverged', residuals: nan, objectives: nan, gaps: nan };
}

type Common = { backend: SolverOptions['backend']; signal: AbortSignal | undefined };

/** AᵀA (float64, n×n) by one product. */
function fullGram(products: Products, values: Float64Array, m: number, n: number, common: Common): Tensor {
  products.a.matrix?.assertAlive(products.op); // `values` may view A's storage
  const a = fromFloat64(values, [m, n], 'float64');
  const gram = matmul(a, a, { transA: true, ...common });
  a.dispose();
  return gram;
}

/**
 * Multiply-adds one lassoGram call may take before the loop yields and goes on from its x (tens of
 * milliseconds on native; the next call restarts the momentum and estimates L again).
 */
const CALL_MACS = 5e7;

/**
 * One round's sub-problems (signal active[q] on columns sets[q]) by lassoGram, from their current
 * x, to a gap ≤ tol·yy or `budget` iterations; writes the solutions into x (n × signals). Null
 * when one diverged. `stuck[q]`: its G had no positive eigenvalue (nothing more to gain).
 */
async function solveSubproblems(products: Products, values: Float64Array, full: Tensor | undefined, aty: Float64Array, x: Float64Array,
  active: readonly number[], sets: readonly number[][], lambdas: Float64Array, yy: Float64Array, tol: number, budget: number, common: Common,
  yielder: Yielder): Promise<{ iterations: number; lipschitz: number; stuck: boolean[] } | null> {
  const { m, n, signals: b } = products;
  const count = active.length;
  let k = 0;
  for (const w of sets) k = Math.max(k, w.length);
  const c = new Float64Array(count * k);
  let x0 = new Float64Array(count * k);
  for (let q = 0; q < count; q++) {
    const w = sets[q]!;
    const col = active[q]!;
    for (let i = 0; i < w.length; i++) {
      c[q * k + i] = aty[w[i]! * b + col]!;
      x0[q * k + i] = x[w[i]! * b + col]!;
    }
  }
  const vector = count === 1 ? [k] : [count, k];
  let gram: Tensor;
  let columns: Tensor | undefined;
  if (full) {
    // The shared AᵀA and each signal's columns of it (−1: padding).
    const cols = new Int32Array(count * k).fill(-1);
    for (let q = 0; q < count; q++) cols.set(sets[q]!, q * k);
    columns = tensor(cols, vector, { dtype: 'int32' });
    gram = full;
  } else {
    products.a.matrix?.assertAlive(products.op); // `values` may view A's storage
    const sub = new Float64Array(count * m * k);
    for (let q = 0; q < count; q++) {
      const w = sets[q]!;
      for (let i = 0; i < m; i++) {
        const from = i * n;
        const at = (q * m + i) * k;
        for (let j = 0; j < w.length; j++) sub[at + j] = values[from + w[j]!]!;
      }
    }
    const subTensor = fromFloat64(sub, count === 1 ? [m, k] : [count, m, k], 'float64');
    gram = matmul(subTensor, subTensor, { transA: true, ...common });
    subTensor.dispose();
  }
  const cTensor = fromFloat64(c, vector, 'float64');
  const lambda = Array.from(active, (col) => lambdas[col]!);
  const yyOf = Array.from(active, (col) => yy[col]!);
  const done = new Array<boolean>(count).fill(false);
  const stuck = new Array<boolean>(count).fill(false);
  const chunk = Math.max(100, Math.floor(CALL_MACS / Math.max(1, count * k * k)));
  let iterations = 0;
  let lipschitz = 0;
  try {
    while (iterations < budget) {
      await yielder.tick();
      const x0Tensor = fromFloat64(x0, vector, 'float64');
      const maxIter = Math.min(chunk, budget - iterations);
      const r = lassoGram(gram, cTensor, { lambda, yy: yyOf, tol, maxIter, x0: x0Tensor, ...(columns ? { columns } : {}), ...common });
      x0Tensor.dispose();
      const [xv, its, gaps, lips] = await Promise.all([r.x.data(), r.iterations.data(), r.gap.data(), r.lipschitz.data()]);
      for (const t of [r.x, r.iterations, r.gap, r.lipschitz]) t.dispose();
      x0 = Float64Array.from(xv);
      let most = 0;
      let open = false;
      for (let q = 0; q < count; q++) {
        if (Number.isNaN(gaps[q]!)) return null;
        most = Math.max(most, its[q]!);
        lipschitz = Math.max(lipschitz, lips[q]!);
        if (lips[q] === 0) stuck[q] = true;
        done[q] = stuck[q]! || gaps[q]! <= tol * yyOf[q]!;
        if (!done[q]) open = true;
      }
      iterations += most;
      if (!open) break;
    }
  } finally {
    if (gram !== full) gram.dispose();
    columns?.dispose();
    cTensor.dispose();
  }
  // The solved columns of x: cleared row by row (x is n × signals; a column at a time would touch
  // a cache line per element), then each signal's working set written.
  for (let j = 0; j < n; j++) for (let q = 0, row = j * b; q < count; q++) x[row + active[q]!] = 0;
  for (let q = 0; q < count; q++) {
    const w = sets[q]!;
    const col = active[q]!;
    for (let i = 0; i < w.length; i++) x[w[i]! * b + col] = x0[q * k + i]!;
  }
  return { iterations, lipschitz, stuck };
}

function relativeErrorMax(x: Float64Array, ref: Float64Array, n: number, b: number): number {
  let worst = 0;
  for (let c = 0; c < b; c++) {
    let num = 0;
    let den = 0;
    for (let j = 0; j < n; j++) {
      const at = j * b + c;
      num += (x[at]! - ref[at]!) ** 2;
      den += ref[at]! ** 2;
    }
    worst = Math.max(worst, Math.sqrt(num) / (Math.sqrt(den) || 1));
  }
  return worst;
}

/**
 * A matrix's values as float64, row-major, for reading only: a view of its storage when it is a
 * settled, contiguous float64 CPU tensor (a 2048×512 copy costs more than OMP's products), else a
 * copy. Tensors are immutable through the API, and the solvers only read the view.
 */
async function readOnlyFloat64(t: Tensor): Promise<Float64Array> {
  if (t.dtype === 'float64' && t.device === 'cpu' && !t.isPending && t.isContiguous) {
    return (t.storage as Float64Array).subarray(t.offset, t.offset + t.size);
  }
  const raw = await t.data();
  return raw instanceof Float64Array ? raw : Float64Array.from(raw);
}

/**
 * The squared column norms of a row-major m×n matrix (summed over rows in order), and the check
 * that it is finite, in one pass: a NaN or ±Infinity makes its column's sum non-finite, and only
 * then is the matrix scanned for the first bad index (a sum that overflowed from finite values
 * passes, as before).
 */
function checkedColumnNorms2(op: string, values: Float64Array, m: number, n: number): Float64Array {
  const norms2 = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const v = values[row + j]!;
      norms2[j] += v * v;
    }
  }
  if (firstNonFinite(norms2) >= 0) expectFinite(op, 'A', values, n, 'column');
  return norms2;
}

/** Validates A and y for a solver: finite values, and the operand as a LinearOperator. */
export async function solverInputs(op: string, aIn: unknown, yIn: unknown, ops: SolverOptions) {
  const a = expectOperand(op, aIn);
  const { y, signals } = expectMeasurements(op, a, yIn);
  // For a matrix: its values as float64, checked finite (kept for solvers that read columns).
  let values: Float64Array | undefined;
  let norms2: Float64Array | undefined;
  if (a.kind === 'matrix' && a.matrix) {
    values = await readOnlyFloat64(a.matrix);
    norms2 = checkedColumnNorms2(op, values, a.shape[0], a.shape[1]);
  }
  const yv = await finiteValues(op, 'y', y, signals);
  ops.signal?.throwIfAborted();
  return { a, y, yv, signals, values, norms2 };
}

/**
 * Sparse recovery by FISTA: x̂ = argmin ½‖Ax − y‖² + λ‖x‖₁ for one signal (y [m]) or many at
 * once (y [m, signals]; each column gets its own λ, momentum, restart and stopping test). A is a
 * matrix or any cs operator; its products run on the backend of its inputs (or `backend`).
 * @throws INVALID_ARGUMENT for a missing or negative λ, NaN/Infinity in A, y or x0 (naming the
 *   first index), bad options or operands; SHAPE_MISMATCH / DTYPE_MISMATCH when y, x0 or an
 *   operator's outputs do not fit A; the signal's reason when aborted.
 * @example
 * const A = cs.gaussian(128, 256, { seed: 1 });
 * const { x, converged, gap } = await cs.fista(A, y, { lambda: 1e-3, criterion: 'gap' });
 * console.log(await cs.relativeError(xTrue, x));
 */
export async function fista(aIn: LinearOperator | Tensor, yIn: Tensor, options: FistaOptions): Promise<FistaResult> {
  const op = 'cs.fista';
  const o = readOptions(op, options, FISTA_OPTIONS);
  const ops = solverOptions(o);
  ops.signal?.throwIfAborted();
  const a = expectOperand(op, aIn);
  const { y, signals } = expectMeasurements(op, a, yIn);
  const lambdas = await expectLambdas(op, o.lambda, signals);
  const maxIter = o.maxIter === undefined ? 1000 : expectPositiveInteger(op, 'maxIter', o.maxIter);
  const tol = o.tol === undefined ? 1e-6 : expectNumber(op, 'tol', o.tol, 0, false);
  const criterion = o.criterion === undefined ? 'change' : expectOneOf(op, 'criterion', o.criterion, ['change', 'gap'] as const);
  const checkEvery = o.checkEvery === undefined ? 5 : expectPositiveInteger(op, 'checkEvery', o.checkEvery);
  const x0 = o.x0 === undefined ? undefined : expectLikeSolution(op, 'x0', o.x0, a, y);
  const reference = o.reference === undefined ? undefined : expectLikeSolution(op, 'reference', o.reference, a, y);
  const onIteration = expectFunction(op, 'onIteration', o.onIteration) as FistaOptions['onIteration'];
  const given = o.lipschitz === undefined ? undefined : expectNumber(op, 'lipschitz', o.lipschitz, 0, true,
    'Pass L ≥ ‖A‖² (e.g. 1 for a partial DCT), or leave it out to have it estimated');
  const inputs = await solverInputs(op, a, y, ops);
  const x0v = x0 ? await finiteValues(op, 'x0', x0, signals) : undefined;
  const referenceValues = reference ? Float64Array.from(await reference.data()) : undefined;
  const vector = y.rank === 1;
  const products = new Products(op, a, signals, vector, ops);
  const yielder = new Yielder(ops.signal);
  const n = a.shape[1];
  const xShape = vector ? [n] : [n, signals];
  // An explicit matrix and the gap test: working sets (same certificate, less work).
  if (criterion === 'gap' && !onIteration && given === undefined && a.kind === 'matrix' && a.matrix && o.workingSets !== false) {
    const values = await workingSetLoop({ products, y: inputs.yv, lambdas, maxIter, tol, criterion, lipschitz: NaN, x0: x0v, checkEvery, yielder },
      inputs.values!, inputs.norms2!);
    return result(values, xShape, a.dtype, values.lipschitz ?? 0);
  }
  const estimate = given ?? 1.02 * (await lipschitzEstimate(products, yielder));
  if (!Number.isFinite(estimate)) {
    throw new InvalidArgumentError(op, "the operator's products are not finite; received a non-finite ‖A‖² estimate", 'Check A for NaN/Infinity');
  }
  if (!(estimate > 0)) {
    // A = 0: every x fits equally; the minimiser of λ‖x‖₁ is 0 (and any x when λ = 0).
    const values = await fistaLoop({ products, y: inputs.yv, lambdas, maxIter: 1, tol, criterion: 'gap', lipschitz: 1, checkEvery, yielder });
    return result(values, xShape, a.dtype, 0);
  }
  const values = await fistaLoop({
    products, y: inputs.yv, lambdas, maxIter, tol, criterion, lipschitz: estimate, x0: x0v, reference: referenceValues,
    onIteration, checkEvery, yielder,
  });
  return result(values, xShape, a.dtype, estimate);
}

function result(v: FistaValues, shape: number[], dtype: 'float32' | 'float64', lipschitz: number): FistaResult {
  return {
    x: fromFloat64(v.x, shape, dtype),
    iterations: v.iterations,
    residual: Math.max(...v.residuals),
    residuals: v.residuals,
    objective: v.objectives.reduce((s, x) => s + x, 0),
    objectives: v.objectives,
    gap: Math.max(...v.gaps),
    gaps: v.gaps,
    converged: v.converged,
    reason: v.reason,
    lipschitz,
  };
}
