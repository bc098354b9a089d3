/**
 * The ℓ1 toolkit around FISTA: the lasso path over a λ grid with warm starts (scikit-learn's
 * `lasso_path`), k-fold cross-validation of λ along that path (`LassoCV`), and the adjoint test of
 * an operator (PyLops' `dottest`).
 *
 * The path runs FISTA from λ_max = ‖Aᵀy‖∞ (where x = 0) down to ratio·λ_max on a log grid, each λ
 * started from the previous solution, with one ‖A‖² estimate for the whole path and the duality
 * gap as the stopping test. Cross-validation splits the measurements (rows of A) into contiguous
 * folds as scikit-learn's KFold does, fits the path on each training part (through
 * `compose(sample(rows), A)`, so any operator works) and scores the mean squared error of the
 * held-out rows. scikit-learn scales its objective by 1/(2·rows), so a training part of m_t of the
 * m rows is fitted with λ·m_t/m: the chosen λ then means the same as scikit-learn's alpha·m.
 */
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { describe } from '../tensor.js';
import {
  expectFinite,
  expectNumber,
  expectPositiveInteger,
  expectSeed,
  readOptions,
  solverOptions,
  Yielder,
  type SolverOptions,
} from './checks.js';
import { fistaLoop, lipschitzEstimate, Products, solverInputs } from './fista.js';
import { compose, fromFloat64, sample, type LinearOperator, expectOperand } from './operators.js';

export interface LassoPathOptions extends SolverOptions {
  /** The λ grid, any order (sorted descending for the warm starts); default: `count` values from λ_max down to ratio·λ_max. */
  lambdas?: readonly number[];
  /** Grid size when `lambdas` is absent (default 100, as scikit-learn). */
  count?: number;
  /** λ_min / λ_max when `lambdas` is absent (default 1e-3, scikit-learn's eps). */
  ratio?: number;
  /** Duality-gap tolerance relative to ‖y‖² (default 1e-4, scikit-learn's). */
  tol?: number;
  /** Iteration limit per λ (default 1000). */
  maxIter?: number;
}

export interface LassoPathResult {
  /** The λ grid, descending. */
  lambdas: number[];
  /** `[n, lambdas.length]`: column i is the solution at lambdas[i] (scikit-learn's coefs). */
  x: Tensor;
  /** Duality gap at each solution. */
  gaps: number[];
  iterations: number[];
  /** Whether each λ met the gap tolerance within maxIter. */
  converged: boolean[];
}

export interface LassoCvOptions extends LassoPathOptions {
  /** Number of folds (default 5, at least 2, at most m). */
  folds?: number;
}

export interface LassoCvResult {
  /** The λ of the smallest mean held-out error (for the full data's objective ½‖Ax − y‖² + λ‖x‖₁). */
  lambda: number;
  /** The grid, descending. */
  lambdas: number[];
  /** meanError[i]: the held-out mean squared error at lambdas[i], averaged over folds. */
  meanError: number[];
  /** errors[f][i]: fold f's held-out mean squared error at lambdas[i]. */
  errors: number[][];
  /** The solution at `lambda` on all the data, [n]. */
  x: Tensor;
  /** The path on all the data. */
  path: LassoPathResult;
}

const PATH_OPTIONS = ['lambdas', 'count', 'ratio', 'tol', 'maxIter'] as const;

interface PathSettings {
  lambdas?: number[];
  count: number;
  ratio: number;
  tol: number;
  maxIter: number;
}

function pathSettings(op: string, o: Record<string, unknown>): PathSettings {
  let lambdas: number[] | undefined;
  if (o.lambdas !== undefined) {
    if (!Array.isArray(o.lambdas) || o.lambdas.length === 0) {
      throw new InvalidArgumentError(op, `lambdas must be a non-empty array of numbers ≥ 0; received ${describe(o.lambdas)}`);
    }
    lambdas = (o.lambdas as unknown[]).map((l, i) => expectNumber(op, `lambdas[${i}]`, l, 0, false)).sort((p, q) => q - p);
  }
  const ratio = o.ratio === undefined ? 1e-3 : expectNumber(op, 'ratio', o.ratio, 0, true);
  if (ratio >= 1) throw new InvalidArgumentError(op, `ratio must be < 1 (λ_min / λ_max); received ${ratio}`);
  return {
    lambdas,
    count: o.count === undefined ? 100 : expectPositiveInteger(op, 'count', o.count),
    ratio,
    tol: o.tol === undefined ? 1e-4 : expectNumber(op, 'tol', o.tol, 0, false),
    maxIter: o.maxIter === undefined ? 1000 : expectPositiveInteger(op, 'maxIter', o.maxIter),
  };
}

function grid(lambdaMax: number, count: number, ratio: number): number[] {
  if (count === 1) return [lambdaMax];
  return Array.from({ length: count }, (_, i) => lambdaMax * ratio ** (i / (count - 1)));
}

/** Runs FISTA along `lambdas` (descending) with warm starts on float64 values. */
async function runPath(products: Products, y: Float64Array, lambdas: number[], s: PathSettings, yielder: Yielder, lipschitz?: number) {
  const n = products.n;
  const L = lipschitz ?? 1.02 * (await lipschitzEstimate(products, yielder));
  const xs = new Float64Array(n * lambdas.length);
  const gaps: number[] = [];
  const iterations: number[] = [];
  const converged: boolean[] = [];
  let x0: Float64Array = new Float64Array(n);
  for (let i = 0; i < lambdas.length; i++) {
    if (!(L > 0)) {
      gaps.push(0);
      iterations.push(0);
      converged.push(true);
      continue;
    }
    const v = await fistaLoop({
      products, y, lambdas: Float64Array.of(lambdas[i]!), maxIter: s.maxIter, tol: s.tol, criterion: 'gap',
      lipschitz: L, x0, checkEvery: s.maxIter, yielder,
    });
    for (let j = 0; j < n; j++) xs[j * lambdas.length + i] = v.x[j]!;
    gaps.push(v.gaps[0]!);
    iterations.push(v.iterations);
    converged.push(v.converged);
    x0 = v.x;
  }
  return { xs, gaps, iterations, converged, lipschitz: L };
}

function vectorY(op: string, y: Tensor): void {
  if (y.rank !== 1) {
    throw new ShapeError(op, `y must be one signal [m]; received ${formatShape(y.shape)}`, 'Run the path once per signal (a column of y)');
  }
}

/**
 * The lasso path: FISTA solutions of ½‖Ax − y‖² + λ‖x‖₁ for a grid of λ, largest first, each
 * warm-started from the previous one and stopped on the duality gap (tol relative to ‖y‖², as
 * scikit-learn's lasso_path). One signal y [m].
 * @throws INVALID_ARGUMENT for bad options or NaN/Infinity in A or y; SHAPE_MISMATCH for a batch y.
 * @example
 * const { lambdas, x } = await cs.lassoPath(A, y, { count: 50 });   // x: [n, 50]
 */
export async function lassoPath(aIn: LinearOperator | Tensor, yIn: Tensor, options: LassoPathOptions = {}): Promise<LassoPathResult> {
  const op = 'cs.lassoPath';
  const o = readOptions(op, options, PATH_OPTIONS);
  const ops = solverOptions(o);
  ops.signal?.throwIfAborted();
  const s = pathSettings(op, o);
  const { a, y, yv } = await solverInputs(op, aIn, yIn, ops);
  vectorY(op, y);
  const products = new Products(op, a, 1, true, ops);
  const yielder = new Yielder(ops.signal);
  const lambdas = s.lambdas ?? grid(maxAbs(await products.adjoint(yv)), s.count, s.ratio);
  const run = await runPath(products, yv, lambdas, s, yielder);
  return { lambdas, x: fromFloat64(run.xs, [a.shape[1], lambdas.length], a.dtype), gaps: run.gaps, iterations: run.iterations, converged: run.converged };
}

function maxAbs(v: Float64Array): number {
  let top = 0;
  for (const x of v) top = Math.max(top, Math.abs(x));
  return top;
}

/**
 * λ for the lasso by k-fold cross-validation along the lasso path (scikit-learn's LassoCV):
 * contiguous folds of the measurements, the path fitted on each training part with warm starts,
 * the held-out mean squared error averaged over folds, the λ with the smallest average, and the
 * solution at that λ on all the data. One signal y [m].
 * @throws INVALID_ARGUMENT for bad options (folds outside [2, m]) or NaN/Infinity in A or y.
 * @example
 * const { lambda, x } = await cs.lassoCV(A, y, { folds: 5 });
 */
export async function lassoCV(aIn: LinearOperator | Tensor, yIn: Tensor, options: LassoCvOptions = {}): Promise<LassoCvResult> {
  const op = 'cs.lassoCV';
  const o = readOptions(op, options, [...PATH_OPTIONS, 'folds']);
  const ops = solverOptions(o);
  ops.signal?.throwIfAborted();
  const s = pathSettings(op, o);
  const { a, y, yv } = await solverInputs(op, aIn, yIn, ops);
  vectorY(op, y);
  const [m, n] = a.shape;
  const folds = o.folds === undefined ? 5 : expectPositiveInteger(op, 'folds', o.folds);
  if (folds < 2 || folds > m) {
    throw new InvalidArgumentError(op, `folds must be between 2 and m = ${m}; received ${folds}`);
  }
  const products = new Products(op, a, 1, true, ops);
  const yielder = new Yielder(ops.signal);
  const lambdas = s.lambdas ?? grid(maxAbs(await products.adjoint(yv)), s.count, s.ratio);
  const errors: number[][] = [];
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(m / folds) + (f < m % folds ? 1 : 0);
    const test = Array.from({ length: size }, (_, i) => start + i);
    const train = Array.from({ length: m }, (_, i) => i).filter((i) => i < start || i >= start + size);
    start += size;
    const trainOp = compose(sample(m, train, { dtype: a.dtype }), a);
    const testOp = compose(sample(m, test, { dtype: a.dtype }), a);
    const trainY = Float64Array.from(train, (i) => yv[i]!);
    const scale = train.length / m;
    const run = await runPath(new Products(op, trainOp, 1, true, ops), trainY, lambdas.map((l) => l * scale), s, yielder);
    // Held-out predictions for every λ at once: [test, lambdas].
    const predictions = await new Products(op, testOp, lambdas.length, false, ops).forward(run.xs);
    errors.push(lambdas.map((_, i) => {
      let e = 0;
      for (let r = 0; r < test.length; r++) e += (predictions[r * lambdas.length + i]! - yv[test[r]!]!) ** 2;
      return e / test.length;
    }));
  }
  const meanError = lambdas.map((_, i) => errors.reduce((acc, row) => acc + row[i]!, 0) / folds);
  let best = 0;
  for (let i = 1; i < lambdas.length; i++) if (meanError[i]! < meanError[best]!) best = i;
  const full = await runPath(products, yv, lambdas, s, yielder);
  const xBest = new Float64Array(n);
  for (let j = 0; j < n; j++) xBest[j] = full.xs[j * lambdas.length + best]!;
  return {
    lambda: lambdas[best]!,
    lambdas,
    meanError,
    errors,
    x: fromFloat64(xBest, [n], a.dtype),
    path: { lambdas, x: fromFloat64(full.xs, [n, lambdas.length], a.dtype), gaps: full.gaps, iterations: full.iterations, converged: full.converged },
  };
}

export interface DottestOptions extends SolverOptions {
  /** Seed of the random test vectors (default 0). */
  seed?: number;
  /** Largest accepted relative difference (default 1e-10 for float64, 1e-4 for float32). */
  tol?: number;
}

export interface DottestResult {
  /** (A·u)·v. */
  forward: number;
  /** u·(Aᵀ·v). */
  adjoint: number;
  /** |forward − adjoint| / max(|forward|, |adjoint|). */
  relativeError: number;
  /** relativeError ≤ tol. */
  passed: boolean;
}

/**
 * The dot test: for random u ∈ ℝⁿ and v ∈ ℝᵐ, (A·u)·v must equal u·(Aᵀ·v) when the adjoint is
 * right. Use it on every operator built from functions.
 * @throws INVALID_ARGUMENT for a bad operand or options, and when the products are not finite.
 * @example
 * const { passed, relativeError } = await cs.dottest(myOperator);
 */
export async function dottest(aIn: LinearOperator | Tensor, options: DottestOptions = {}): Promise<DottestResult> {
  const op = 'cs.dottest';
  const o = readOptions(op, options, ['seed', 'tol']);
  const ops = solverOptions(o);
  ops.signal?.throwIfAborted();
  const a = expectOperand(op, aIn);
  const seed = expectSeed(op, o.seed) ?? 0;
  const tol = o.tol === undefined ? (a.dtype === 'float64' ? 1e-10 : 1e-4) : expectNumber(op, 'tol', o.tol, 0, false);
  const [m, n] = a.shape;
  let state = (seed ^ 0x9e3779b9) >>> 0;
  const random = (len: number) => Float64Array.from({ length: len }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
  const u = random(n);
  const v = random(m);
  if (a.dtype === 'float32') {
    u.set(Float32Array.from(u));
    v.set(Float32Array.from(v));
  }
  const products = new Products(op, a, 1, true, ops);
  const au = await products.forward(u);
  const atv = await products.adjoint(v);
  expectFinite(op, "the operator's forward output", au);
  expectFinite(op, "the operator's adjoint output", atv);
  let forward = 0;
  let adjoint = 0;
  for (let i = 0; i < m; i++) forward += au[i]! * v[i]!;
  for (let j = 0; j < n; j++) adjoint += u[j]! * atv[j]!;
  const scale = Math.max(Math.abs(forward), Math.abs(adjoint));
  const relativeError = scale > 0 ? Math.abs(forward - adjoint) / scale : 0;
  return { forward, adjoint, relativeError, passed: relativeError <= tol };
}
